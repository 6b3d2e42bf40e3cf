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

from sqlalchemy import func, update
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
from ia_data.ingest.pause import collection_paused
from ia_data.notices.outbox import Outcome, enqueued_in
from ia_data.storage import derived, fictional, plans, versions
from ia_data.storage.engine import writing
from ia_data.storage.models import (
    Activity,
    Allocation,
    Council,
    Meeting,
    Plan,
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


@collection_paused()  # a large report's objects are many, and all freed by their counts
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
    stores nothing, a secretariat only its own councils' reports and plans, and only an
    admin stores allocation decisions."""
    try:
        scope.check_upload()
    except OutsideScope as exc:
        return f"{exc}; ingenting er lagret"
    what = {UploadKind.REPORT: "rapporten", UploadKind.PLAN: "handlingsplanen"}.get(parsed.kind)
    if what and not scope.allows(parsed.council.id):
        return (
            f"Ingen tilgang: arbeidsboka er {what} til {parsed.council.name}, men du kan "
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
    replaced = current[0] if current else None
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
            result.replaced_upload_id = versions.store_report(
                session, upload, parsed, from_upload_date
            )
            day, legacy = given
            receipt = record_arrival(session, upload, by=by, now=now, given=day, legacy=legacy)
            result.received_at = receipt.received_at
            result.receipt_given = receipt.how == ReceiptHow.GIVEN
            key = (upload.council_id, upload.year, upload.period)
            result.review_state = session.get(Review, key).state
        elif parsed.kind == UploadKind.PLAN:
            result.replaced_upload_id = versions.store_plan(session, upload, parsed)
        else:
            versions.store_allocations(session, upload, parsed)
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


def _active_counts(session: Session, council_id: int, period) -> dict | None:
    report = versions.active_report(session, council_id, period.year, period.code)
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
            current = versions.active_report(session, report.council_id, report.year, report.period)
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
            replaced = versions.deactivate_allocations(
                session, [(r.council_id, r.year) for r in rows]
            )
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
    versions.deactivate_plan(session, plan.council_id, plan.year)
    plan.active = upload.active = True
    session.add_all([plan, upload])
    council = session.get(Council, plan.council_id)
    return f"{council.name}, handlingsplan {plan.year}"


def upload_content(session: Session, upload_id: int, *, scope: Scope) -> tuple[str, bytes] | None:
    """An upload's file name and original bytes; ``None`` for one that does not exist or
    is not in ``scope`` (an allocation decision: in an admin's or the oversight group's)."""
    upload = session.get(Upload, upload_id)
    if upload is None or not (scope.everything or scope.allows(upload.council_id)):
        return None
    return upload.file_name, upload.content
