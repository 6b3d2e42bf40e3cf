"""Storing a validated workbook: one transaction, history kept, the same file never twice.

``import_file`` is the one way data gets in — the CLI, the upload page and the sample
seeding all call it. A file with any error stores nothing. A report replaces the active
version of its council's period (the old version stays, inactive, and can be restored);
an allocation row replaces the active allocation of its council and year.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Date, func, insert, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ia_data import settings
from ia_data.domain.access import UNNAMED, Actor, OutsideScope, Scope
from ia_data.domain.errors import UserError
from ia_data.domain.formatting import local
from ia_data.domain.kinds import ImportStatus, ReceiptHow, Severity, UploadKind
from ia_data.domain.rules import Rules
from ia_data.ingest.parse import parse_workbook
from ia_data.ingest.parsed import ParsedWorkbook, Problem
from ia_data.notices.outbox import Outcome, enqueued_in
from ia_data.storage import derived, fictional, plans
from ia_data.storage.engine import writing
from ia_data.storage.models import (
    Activity,
    Allocation,
    Council,
    Meeting,
    Plan,
    PlanMeasure,
    Report,
    Restore,
    Review,
    Upload,
)
from ia_data.storage.register import councils as load_councils
from ia_data.storage.review import record_arrival
from ia_data.storage.version import bump_data_version


@dataclass
class ImportResult:
    """What happened to one file, with everything a user needs to see about it."""

    file_name: str
    status: str
    parsed: ParsedWorkbook
    sha256: str = ""
    upload_id: int | None = None
    replaced_upload_id: int | None = None
    message: str = ""
    previous: dict | None = None  # counts of the version this one replaces
    notes: list[str] = field(default_factory=list)
    refused: str = ""  # why the user may not store it (outside their scope), if so
    # The receipt of the report's period (stored reports): when it first arrived, whether
    # that is only the date a report gave («oppgitt»), and the review state it is in now.
    received_at: datetime | None = None
    receipt_given: bool = False
    review_state: str = ""
    # The e-mail notices the store wrote to the outbox («Mottatt på nytt»), for the caller to
    # hand to ``ia_data.notices.deliver.deliver`` after the commit.
    outbox_ids: tuple[int, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status in (ImportStatus.STORED, ImportStatus.CHECKED, ImportStatus.UNCHANGED)

    @property
    def errors(self) -> list[Problem]:
        return self.parsed.errors

    @property
    def warnings(self) -> list[Problem]:
        return self.parsed.warnings


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _describe(parsed: ParsedWorkbook) -> str:
    if parsed.kind == UploadKind.ALLOCATION:
        years = sorted({a.year for a in parsed.allocations})
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
        return f"{len(parsed.allocations)} tildelinger for {span}"
    if parsed.kind == UploadKind.PLAN:
        return f"{parsed.council.name}, handlingsplan {parsed.plan_year} ({_measures(parsed)})"
    return f"{parsed.council.name}, {parsed.period.label}"


def _measures(parsed: ParsedWorkbook) -> str:
    count = len(parsed.measures)
    return f"{count} tiltak"


def import_file(
    engine: Engine,
    file_name: str,
    data: bytes,
    *,
    scope: Scope,
    by: Actor = UNNAMED,
    dry_run: bool = False,
    rules: Rules | None = None,
    now: datetime | None = None,
    historical: bool = False,
    review_pending: bool = False,
) -> ImportResult:
    """Validate a workbook and, unless ``dry_run`` or it has errors, store it in one
    transaction. A file for a council outside ``scope`` (or an allocation decision from
    anyone but an admin) is refused like a file with an error. Returns what happened;
    never raises for a bad file.

    The first version of a council's period stamps its receipt (``now``). ``historical``
    (an operator's load of past reports): the receipt is the «Innsendt» date the report
    gives, marked «oppgitt», and the report is approved before the route existed (with
    ``review_pending``: it waits for review, «Mottatt», as the demo's route shows); a report
    without that date is refused."""
    rules = rules or settings.current().rules()
    now = now or datetime.now(UTC).replace(microsecond=0)
    digest = sha256_of(data)
    with Session(engine) as session:
        councils = load_councils(session)
        demo = fictional.refusal(session, digest)
    parsed = parse_workbook(data, file_name, councils, rules, today=local(now).date())
    result = ImportResult(
        file_name=file_name, status=ImportStatus.CHECKED, parsed=parsed, sha256=digest
    )
    if demo:  # a shipped demo workbook in a real database: refused for what it is, alone
        parsed.problems = [p for p in parsed.problems if p.severity != Severity.ERROR]
    refused = demo or (_refused(parsed, scope) if parsed.ok else "")
    if parsed.ok and historical and not refused:
        refused = _not_historical(parsed, scope)
    if refused:
        parsed.error(refused)
        result.refused = "" if demo else refused  # a demo file is wrong, not out of reach
    if not parsed.ok:
        result.status = ImportStatus.REJECTED
        count = len(parsed.errors)
        result.message = (
            f"{file_name}: ikke lagret – {count} feil må rettes før filen kan lagres"
            if (count > 1 or parsed.council) and not refused
            else f"{file_name}: ikke lagret – {parsed.errors[0].text}"
        )
        return result
    from_upload_date = parsed.kind == UploadKind.REPORT and parsed.submitted is None
    if from_upload_date:
        parsed.submitted = local(now).date()
        result.notes.append(
            f"Innsendt dato mangler i arbeidsboka; opplastingsdatoen {local(now):%d.%m.%Y} er brukt"
        )
    before = _Before(list(parsed.problems), list(result.notes))
    if dry_run:
        with Session(engine) as session:
            _check_ties(session, result, before)
            if _same_file(session, result, file_name, digest):
                return result
            if parsed.kind == UploadKind.REPORT:
                result.previous = _active_counts(session, parsed.council.id, parsed.period)
            _note_plan(session, result, before)
        result.message = f"{file_name}: kontrollert uten feil ({_describe(parsed)}); ikke lagret"
        return result
    # A historical report's receipt is the date it gives; approved unless still pending.
    given = (parsed.submitted if historical else None, historical and not review_pending)
    store = (engine, result, file_name, data, before, now, by, from_upload_date, given)
    try:
        _store(*store)
    except IntegrityError:
        # Another server stored the very same file between our check and our commit (the
        # unique SHA-256 stopped ours): answer as if it had come first. Anything else a
        # constraint stopped is stored again, now that the other transaction is in.
        result.previous = result.replaced_upload_id = result.upload_id = None
        with Session(engine) as session:
            _check_ties(session, result, before)
            if not _same_file(session, result, file_name, digest):
                _store(*store)
    if result.status == ImportStatus.UNCHANGED:
        return result
    result.status = ImportStatus.STORED
    replaced = " (erstatter forrige versjon)" if result.replaced_upload_id else ""
    result.message = (
        f"{file_name}: lagret som opplasting nr. {result.upload_id}{replaced}: {_describe(parsed)}"
    )
    return result


def _refused(parsed: ParsedWorkbook, scope: Scope) -> str:
    """Why the user may not store this file (empty if they may): the oversight group
    stores nothing, a secretariat only its own councils' reports, and only an admin
    stores allocation decisions."""
    try:
        scope.check_upload()
    except OutsideScope as exc:
        return f"{exc}; ingenting er lagret"
    if parsed.kind == UploadKind.PLAN and not scope.allows(parsed.council.id):
        return (
            f"Ingen tilgang: arbeidsboka er handlingsplanen til {parsed.council.name}, men du "
            f"kan bare laste opp for {scope.described()}; ingenting er lagret"
        )
    if parsed.kind == UploadKind.REPORT and not scope.allows(parsed.council.id):
        return (
            f"Ingen tilgang: arbeidsboka er rapporten til {parsed.council.name}, men du kan "
            f"bare laste opp for {scope.described()}; ingenting er lagret"
        )
    if parsed.kind == UploadKind.ALLOCATION and not scope.is_admin:
        return (
            "Ingen tilgang: tildelingsvedtak kan bare lastes opp av en administrator; "
            "ingenting er lagret"
        )
    return ""


def _not_historical(parsed: ParsedWorkbook, scope: Scope) -> str:
    """Why this file cannot be loaded as a historical report (empty if it can): only an
    operator or admin loads them, and the report must give the date it was sent in."""
    if not scope.is_admin:
        return (
            "Ingen tilgang: bare en administrator kan laste inn historiske rapporter; "
            "ingenting er lagret"
        )
    if parsed.kind == UploadKind.REPORT and parsed.submitted is None:
        return (
            "arbeidsboka har ingen «Innsendt»-dato; en historisk rapport må oppgi datoen den "
            "ble sendt inn, for den er kvitteringen; ingenting er lagret"
        )
    return ""


@dataclass(frozen=True)
class _Before:
    """A checked file's problems and notes before the store reads the database: each
    attempt starts again from these, so a retried one says nothing twice."""

    problems: list[Problem]
    notes: list[str]


def _check_ties(session: Session, result: ImportResult, before: _Before) -> None:
    """Warn of the report's measure numbers that its year's plan does not have, as the
    plans stand in this transaction (the problems and notes start again from ``before``)."""
    parsed = result.parsed
    ties = plans.tie_warnings(session, parsed) if parsed.kind == UploadKind.REPORT else []
    parsed.problems = [*before.problems, *ties]
    result.notes = list(before.notes)


def _note_plan(session: Session, result: ImportResult, before: _Before) -> None:
    """A plan's notes on the reports already in, read against the active plan it replaces
    (as the plans stand in this transaction)."""
    parsed = result.parsed
    if parsed.kind != UploadKind.PLAN:
        return
    current = plans.active_plan(session, parsed.council.id, parsed.plan_year)
    replaced = current[1].id if current else None
    result.notes = [*before.notes, *plans.plan_notes(session, parsed, replaced)]


def _store(engine, result, file_name, data, before, now, by, from_upload_date, given):
    """Store a checked file in one transaction. It locks the rows of the councils it
    touches first (on PostgreSQL; SQLite's write lock covers the whole database), so two
    files for one council and period are stored one after the other: the later replaces
    the earlier, which stays in history, and the same file twice is stored once. What the
    file is checked against (the year's plan, the reports a plan names) is read after the
    lock, and set afresh on each attempt."""
    parsed = result.parsed
    with writing(), Session(engine) as session:
        lock_councils(session, _councils_of(parsed))
        _check_ties(session, result, before)
        if _same_file(session, result, file_name, result.sha256):
            return
        _note_plan(session, result, before)
        if parsed.kind == UploadKind.REPORT:
            result.previous = _active_counts(session, parsed.council.id, parsed.period)
        upload = Upload(
            kind=parsed.kind,
            file_name=_storable(file_name),
            sha256=result.sha256,
            size=len(data),
            uploaded_at=now,
            uploaded_by=by.stored_name,
            uploaded_by_email=by.stored_email,
            warnings="\n".join(p.text for p in parsed.warnings),
            content=data,
        )
        if parsed.kind == UploadKind.REPORT:
            result.replaced_upload_id = _store_report(session, upload, parsed, from_upload_date)
            day, legacy = given
            receipt = record_arrival(session, upload, by=by, now=now, given=day, legacy=legacy)
            result.received_at = receipt.received_at
            result.receipt_given = receipt.how == ReceiptHow.GIVEN
            key = (upload.council_id, upload.year, upload.period)
            result.review_state = session.get(Review, key).state
        elif parsed.kind == UploadKind.PLAN:
            result.replaced_upload_id = _store_plan(session, upload, parsed)
        else:
            _store_allocations(session, upload, parsed)
        bump_data_version(session)
        session.flush()
        result.upload_id = upload.id
        result.outbox_ids = tuple(enqueued_in(session))
        session.commit()


def _councils_of(parsed: ParsedWorkbook) -> list[int]:
    if parsed.kind in (UploadKind.REPORT, UploadKind.PLAN):
        return [parsed.council.id]
    return [a.council.id for a in parsed.allocations]


def _storable(text: str) -> str:
    """A name as given, but for NUL, which PostgreSQL's text cannot hold (on both engines,
    so that a name is stored alike on each)."""
    return text.replace("\x00", "")


def lock_councils(session: Session, council_ids) -> None:
    """Lock the register rows of these councils until the transaction ends, in one order
    (so that two transactions never wait for each other in a circle)."""
    ids = sorted(set(council_ids))
    if ids:
        session.exec(
            select(Council.id).where(Council.id.in_(ids)).order_by(Council.id).with_for_update()
        ).all()


def _same_file(session: Session, result: ImportResult, file_name: str, digest: str) -> bool:
    """Whether the very same file is stored already; if so, ``result`` says so."""
    same = session.exec(select(Upload).where(Upload.sha256 == digest)).first()
    if same is None:
        return False
    result.status = ImportStatus.UNCHANGED
    result.upload_id = same.id
    active = "den aktive versjonen" if same.active else "en tidligere versjon"
    result.message = (
        f"{file_name}: akkurat denne filen er allerede lastet opp "
        f"(opplasting nr. {same.id}, {local(same.uploaded_at):%d.%m.%Y %H:%M}, {active}); "
        "ingenting er lagret"
    )
    return True


def _active_report(session: Session, council_id: int, year: int, period: str) -> Report | None:
    return session.exec(
        select(Report).where(
            Report.council_id == council_id,
            Report.year == year,
            Report.period == period,
            Report.active == True,  # noqa: E712
        )
    ).first()


def _active_counts(session: Session, council_id: int, period) -> dict | None:
    report = _active_report(session, council_id, period.year, period.code)
    if report is None:
        return None
    activities = session.exec(select(Activity).where(Activity.report_id == report.id)).all()
    meetings = session.exec(
        select(func.count()).select_from(Meeting).where(Meeting.report_id == report.id)
    ).one()
    return {
        "upload_id": report.upload_id,
        "activities": activities,
        "meeting_count": meetings,
        "total_cost_ore": sum(a.cost_ore for a in activities),
    }


def _store_report(
    session: Session, upload: Upload, parsed: ParsedWorkbook, from_upload_date: bool = False
) -> int | None:
    period = parsed.period
    council_id = parsed.council.id
    old = _active_report(session, council_id, period.year, period.code)
    replaced = None
    if old is not None:
        old.active = False
        session.add(old)
        session.exec(update(Upload).where(Upload.id == old.upload_id).values(active=False))
        replaced = old.upload_id
    upload.council_id = council_id
    upload.year = period.year
    upload.period = period.code
    upload.activity_count = sum(1 for a in parsed.activities if a.counted)
    upload.meeting_count = len(parsed.meetings)
    upload.total_cost_ore = parsed.total_cost_ore
    session.add(upload)
    session.flush()
    report = Report(
        upload_id=upload.id,
        council_id=council_id,
        year=period.year,
        period=period.code,
        submitted=parsed.submitted,
        submitted_from_upload_date=from_upload_date,
        contact=parsed.contact,
        chair=parsed.chair,
        chair_organisation=parsed.chair_organisation,
        action_plan=parsed.action_plan,
        action_plan_date=parsed.action_plan_date,
        **{f"answer_{k}": parsed.answers[k - 1] for k in range(1, 6)},
    )
    session.add(report)
    session.flush()
    insert_rows(
        session,
        Activity.__table__,
        ACTIVITY_COLUMNS,
        [
            (report.id, a.date, a.title, a.type, 1 in a.goals, 2 in a.goals, 3 in a.goals,
             a.sector, a.participants, a.cost_ore, a.status, a.organiser, a.comment, a.row,
             a.measure, "|".join(a.themes))
            for a in parsed.activities
        ],
    )  # fmt: skip
    insert_rows(
        session,
        Meeting.__table__,
        MEETING_COLUMNS,
        [(report.id, m.date, m.kind, m.present, m.comment, m.row) for m in parsed.meetings],
    )
    derived.refresh(session, [report.id])
    return replaced


ACTIVITY_COLUMNS = (
    "report_id", "date", "title", "type", "goal_1", "goal_2", "goal_3", "sector",
    "participants", "cost_ore", "status", "organiser", "comment", "source_row", "measure",
    "themes",
)  # fmt: skip
MEETING_COLUMNS = ("report_id", "date", "kind", "present", "comment", "source_row")


def insert_rows(session: Session, table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert rows (tuples in the order of ``columns``) in one go on the driver.

    SQLAlchemy's own executemany turns every row into a dict and runs each value through
    its type's processor, which for a secretariat's 10 000 activities costs more than the
    insert itself. PostgreSQL gets the rows by COPY; elsewhere the statement is compiled
    once, in the database's own parameter style, and the only conversion is the one the
    driver lacks: SQLite stores a date as its ISO text (as SQLAlchemy's Date type does
    there)."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # PostgreSQL's COPY, in the same transaction: one stream of rows instead of 10 000
        # INSERT statements (about a fifth of the time for a large report).
        listed = ", ".join(f'"{c}"' for c in columns)
        cursor = connection.connection.driver_connection.cursor()
        with cursor.copy(f'COPY "{table.name}" ({listed}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
        return
    compiled = insert(table).compile(dialect=connection.dialect, column_keys=list(columns))
    if connection.dialect.name == "sqlite":
        for i in (i for i, c in enumerate(columns) if isinstance(table.c[c].type, Date)):
            rows = [(*r[:i], r[i] and r[i].isoformat(), *r[i + 1 :]) for r in rows]
    if compiled.positiontup is not None:  # qmark/format: by position
        order = [columns.index(name) for name in compiled.positiontup]
        params = (
            rows
            if order == list(range(len(columns)))
            else [tuple(r[i] for i in order) for r in rows]
        )
    else:  # named/pyformat: by name
        params = [dict(zip(columns, r, strict=True)) for r in rows]
    connection.exec_driver_sql(compiled.string, params)


def _store_plan(session: Session, upload: Upload, parsed: ParsedWorkbook) -> int | None:
    """Store a plan as the active version of its council's year; returns the upload it
    replaces (kept, inactive, restorable), if any."""
    replaced = _deactivate_plan(session, parsed.council.id, parsed.plan_year)
    upload.council_id = parsed.council.id
    upload.year = parsed.plan_year
    upload.total_cost_ore = sum(m.budget_ore or 0 for m in parsed.measures)
    session.add(upload)
    session.flush()
    plan = Plan(
        upload_id=upload.id,
        council_id=parsed.council.id,
        year=parsed.plan_year,
        adopted=parsed.plan_adopted,
    )
    session.add(plan)
    session.flush()
    session.add_all(
        PlanMeasure(
            plan_id=plan.id,
            number=m.number,
            goal=m.goal,
            goal_1=1 in m.goals,
            goal_2=2 in m.goals,
            goal_3=3 in m.goals,
            measure=m.measure,
            planned=m.planned,
            planned_by=m.planned_by,
            responsible=m.responsible,
            budget_ore=m.budget_ore,
            source_row=m.row,
        )
        for m in parsed.measures
    )
    session.flush()
    return replaced


def _deactivate_plan(session: Session, council_id: int, year: int) -> int | None:
    """Make the council's active plan for the year inactive (and its upload); returns
    that upload's id, if there was one."""
    where = (Plan.council_id == council_id, Plan.year == year, Plan.active == True)  # noqa: E712
    old = session.exec(select(Plan.upload_id).where(*where)).first()
    if old is None:
        return None
    session.exec(update(Plan).where(*where).values(active=False))
    session.exec(update(Upload).where(Upload.id == old).values(active=False))
    return old


def _store_allocations(session: Session, upload: Upload, parsed: ParsedWorkbook) -> None:
    years = sorted({a.year for a in parsed.allocations})
    upload.year = years[0] if len(years) == 1 else None
    upload.total_cost_ore = sum(a.amount_ore for a in parsed.allocations)
    session.add(upload)
    session.flush()
    replaced = _activate_allocations(session, [(a.council.id, a.year) for a in parsed.allocations])
    session.add_all(
        Allocation(
            upload_id=upload.id,
            council_id=a.council.id,
            year=a.year,
            amount_ore=a.amount_ore,
            decision_date=a.decision_date,
            note=a.note,
            source_row=a.row,
        )
        for a in parsed.allocations
    )
    session.flush()
    derived.sync_allocation_uploads(session, [upload.id, *replaced])


def _activate_allocations(session: Session, keys: list[tuple[int, int]]) -> set[int]:
    """Make the active allocations of these (council id, year) inactive; returns the
    uploads they came from."""
    replaced: set[int] = set()
    for council_id, year in keys:
        where = (
            Allocation.council_id == council_id,
            Allocation.year == year,
            Allocation.active == True,  # noqa: E712
        )
        replaced.update(session.exec(select(Allocation.upload_id).where(*where)).all())
        session.exec(update(Allocation).where(*where).values(active=False))
    return replaced


class RestoreError(UserError):
    """A restore that cannot be done; the message says why, in Norwegian."""


def restore_upload(
    engine: Engine,
    upload_id: int,
    *,
    scope: Scope,
    by: Actor = UNNAMED,
    now: datetime | None = None,
) -> str:
    """Make an earlier upload the active version again (one transaction, the councils it
    concerns locked as when a file is stored), and keep who did it. Only an upload of a
    council in ``scope`` (an allocation decision: only an admin) can be restored."""
    now = now or datetime.now(UTC).replace(microsecond=0)
    with writing(), Session(engine) as session:
        upload = session.get(Upload, upload_id)
        if upload is None:
            raise RestoreError(f"Opplasting nr. {upload_id} finnes ikke")
        try:
            scope.check_upload()
            scope.check(upload.council_id if upload.kind != UploadKind.ALLOCATION else None)
        except OutsideScope as exc:
            raise RestoreError(str(exc)) from None
        lock_councils(
            session,
            [upload.council_id]
            if upload.kind != UploadKind.ALLOCATION
            else session.exec(
                select(Allocation.council_id).where(Allocation.upload_id == upload_id)
            ).all(),
        )
        session.refresh(upload)
        if upload.kind == UploadKind.REPORT:
            report = session.exec(select(Report).where(Report.upload_id == upload_id)).one()
            if report.active:
                raise RestoreError(f"Opplasting nr. {upload_id} er allerede den aktive versjonen")
            current = _active_report(session, report.council_id, report.year, report.period)
            if current is not None:
                current.active = False
                session.add(current)
                session.exec(
                    update(Upload).where(Upload.id == current.upload_id).values(active=False)
                )
            report.active = True
            upload.active = True
            session.add_all([report, upload])
            record_arrival(session, upload, by=by, now=now)
            council = session.get(Council, report.council_id)
            what = f"{council.name}, {report.year} {report.period}"
        elif upload.kind == UploadKind.PLAN:
            what = _restore_plan(session, upload)
        else:
            rows = session.exec(select(Allocation).where(Allocation.upload_id == upload_id)).all()
            replaced = _activate_allocations(session, [(r.council_id, r.year) for r in rows])
            for row in rows:
                row.active = True
                session.add(row)
            session.flush()
            derived.sync_allocation_uploads(session, [upload_id, *replaced])
            what = f"{len(rows)} tildelinger"
        session.add(
            Restore(
                upload_id=upload_id,
                restored_at=now,
                restored_by=by.stored_name,
                restored_by_email=by.stored_email,
            )
        )
        bump_data_version(session)
        written = enqueued_in(session)
        session.commit()
    return Outcome(
        f"Opplasting nr. {upload_id} er gjenopprettet som aktiv versjon ({what})", written
    )


def _restore_plan(session: Session, upload: Upload) -> str:
    """Make a stored plan the active one of its council's year again; returns what it is."""
    plan = session.exec(select(Plan).where(Plan.upload_id == upload.id)).one()
    if plan.active:
        raise RestoreError(f"Opplasting nr. {upload.id} er allerede den aktive versjonen")
    _deactivate_plan(session, plan.council_id, plan.year)
    plan.active = upload.active = True
    session.add_all([plan, upload])
    council = session.get(Council, plan.council_id)
    return f"{council.name}, handlingsplan {plan.year}"


def uploads(engine: Engine) -> list[dict]:
    """Every upload, newest first, without the file contents."""
    columns = [c for c in Upload.__table__.columns if c.name != "content"]
    with Session(engine) as session:
        rows = session.exec(
            select(*columns, Council.name.label("council_name"))
            .select_from(Upload)
            .join(Council, Council.id == Upload.council_id, isouter=True)
            .order_by(Upload.id.desc())
        ).all()
    return [dict(r._mapping) for r in rows]


def upload_content(session: Session, upload_id: int, *, scope: Scope) -> tuple[str, bytes] | None:
    """An upload's file name and original bytes; ``None`` for one that does not exist or
    is not in ``scope`` (an allocation decision: in an admin's or the oversight group's)."""
    upload = session.get(Upload, upload_id)
    if upload is None or not (scope.everything or scope.allows(upload.council_id)):
        return None
    return upload.file_name, upload.content
