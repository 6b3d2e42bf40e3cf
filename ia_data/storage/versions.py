"""A checked file's rows written as the new active version of what it replaces, inside the
store's one transaction (``store``): a report's version of its council's period with its
activities and meetings, a plan's measures for its council's year, a decision's allocations
for its councils and years. The version replaced is made inactive, kept, and restorable;
a restore (``store.restore_upload``) makes the older one active the same way."""

from __future__ import annotations

from functools import cache
from operator import methodcaller

from sqlalchemy import Date, insert, update
from sqlmodel import Session, select

from ia_data.ingest.parsed import ParsedWorkbook
from ia_data.storage import derived
from ia_data.storage.models import (
    Activity,
    Allocation,
    Meeting,
    Plan,
    PlanMeasure,
    Report,
    Upload,
)


def active_report(session: Session, council_id: int, year: int, period: str) -> Report | None:
    return session.exec(
        select(Report).where(
            Report.council_id == council_id,
            Report.year == year,
            Report.period == period,
            Report.active == True,  # noqa: E712
        )
    ).first()


def store_report(
    session: Session, upload: Upload, parsed: ParsedWorkbook, from_upload_date: bool = False
) -> int | None:
    period = parsed.period
    council_id = parsed.council.id
    old = active_report(session, council_id, period.year, period.code)
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
            iso = cache(methodcaller("isoformat"))  # each day once (a report's rows share days)
            rows = [(*r[:i], r[i] and iso(r[i]), *r[i + 1 :]) for r in rows]
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


def store_plan(session: Session, upload: Upload, parsed: ParsedWorkbook) -> int | None:
    """Store a plan as the active version of its council's year; returns the upload it
    replaces (kept, inactive, restorable), if any."""
    replaced = deactivate_plan(session, parsed.council.id, parsed.plan_year)
    upload.council_id = parsed.council.id
    upload.year = parsed.plan_year
    upload.total_cost_ore = parsed.plan_budget_ore
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
    measures = [
        (plan.id, m.number, m.goal, 1 in m.goals, 2 in m.goals, 3 in m.goals, m.measure,
         m.planned, m.planned_by, m.responsible, m.budget_ore, m.row)
        for m in parsed.measures
    ]  # fmt: skip
    insert_rows(session, PlanMeasure.__table__, PLAN_MEASURE_COLUMNS, measures)
    return replaced


PLAN_MEASURE_COLUMNS = (
    "plan_id", "number", "goal", "goal_1", "goal_2", "goal_3", "measure", "planned",
    "planned_by", "responsible", "budget_ore", "source_row",
)  # fmt: skip


def deactivate_plan(session: Session, council_id: int, year: int) -> int | None:
    """Make the council's active plan for the year inactive (and its upload); returns
    that upload's id, if there was one."""
    where = (Plan.council_id == council_id, Plan.year == year, Plan.active == True)  # noqa: E712
    old = session.exec(select(Plan.upload_id).where(*where)).first()
    if old is None:
        return None
    session.exec(update(Plan).where(*where).values(active=False))
    session.exec(update(Upload).where(Upload.id == old).values(active=False))
    return old


def store_allocations(session: Session, upload: Upload, parsed: ParsedWorkbook) -> None:
    years = sorted({a.year for a in parsed.allocations})
    upload.year = years[0] if len(years) == 1 else None
    upload.total_cost_ore = sum(a.amount_ore for a in parsed.allocations)
    session.add(upload)
    session.flush()
    replaced = deactivate_allocations(session, [(a.council.id, a.year) for a in parsed.allocations])
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


def deactivate_allocations(session: Session, keys: list[tuple[int, int]]) -> set[int]:
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
