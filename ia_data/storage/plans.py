"""The tie between a report's activities and its council's action plan (issue 25), as the
store checks it: a measure number that the year's active plan does not have is a warning
that names the plan version checked against (a report may come before its plan), and the
number is kept; a stored plan says how many of its measures the reports already name, and
which tied activities its new version left out («tiltak ikke lenger i planen»)."""

from __future__ import annotations

from sqlmodel import Session, select

from ia_data.domain.formatting import local
from ia_data.domain.kinds import Severity
from ia_data.ingest.parsed import ParsedWorkbook, Problem
from ia_data.ingest.plan_sheet import measure_key
from ia_data.storage.models import Activity, Plan, PlanMeasure, Report, Upload

NOT_IN_PLAN_ANY_MORE = "tiltak ikke lenger i planen"


def active_plan(session: Session, council_id: int, year: int) -> tuple[Plan, Upload] | None:
    """The council's active plan for the year and the upload it came from, if any."""
    row = session.exec(
        select(Plan, Upload)
        .join(Upload, Upload.id == Plan.upload_id)
        .where(Plan.council_id == council_id, Plan.year == year, Plan.active == True)  # noqa: E712
    ).first()
    return tuple(row) if row else None


def measure_numbers(session: Session, plan_id: int) -> set[str]:
    """The measure numbers of a plan, in the form they are compared in."""
    numbers = session.exec(select(PlanMeasure.number).where(PlanMeasure.plan_id == plan_id))
    return {measure_key(n) for n in numbers}


def version_text(upload: Upload) -> str:
    """How a warning names the plan version: «opplasting nr. 3, lastet opp 02.03.2015»."""
    return f"opplasting nr. {upload.id}, lastet opp {local(upload.uploaded_at):%d.%m.%Y}"


def tie_warnings(session: Session, parsed: ParsedWorkbook) -> list[Problem]:
    """A warning for each activity tied to a measure that the year's active plan does not
    have (one for the sheet when the council has no plan for the year). Returned, not
    added to ``parsed``, so the store can read them again in a retried transaction."""
    tied = [a for a in parsed.activities if a.measure]
    if not tied:
        return []
    year = parsed.period.year
    found = active_plan(session, parsed.council.id, year)
    if found is None:
        numbers = ", ".join(dict.fromkeys(a.measure for a in tied))
        return [
            Problem(
                Severity.WARNING,
                f"{parsed.council.name} har ingen handlingsplan for {year} ennå; "
                f"tiltaksnumrene ({numbers}) lagres og teller når planen lastes opp",
                sheet=tied[0].sheet,
                column=f"kolonne «{tied[0].measure_column}»",
            )
        ]
    plan, upload = found
    known = measure_numbers(session, plan.id)
    return [
        Problem(
            Severity.WARNING,
            f"tiltak nr. {activity.measure} finnes ikke i handlingsplanen for {year} "
            f"({version_text(upload)}); nummeret lagres og teller om en ny versjon av "
            "planen har tiltaket",
            sheet=activity.sheet,
            row=activity.row,
            column=activity.measure_column,
            found=activity.measure,
        )
        for activity in tied
        if measure_key(activity.measure) not in known
    ]


def tied_activities(session: Session, council_id: int, year: int) -> list[Activity]:
    """The activities of the council's active reports for the year that name a measure."""
    return list(
        session.exec(
            select(Activity)
            .join(Report, Report.id == Activity.report_id)
            .where(
                Report.council_id == council_id,
                Report.year == year,
                Report.active == True,  # noqa: E712
                Activity.measure != "",
            )
            .order_by(Activity.date, Activity.id)
        )
    )


def plan_notes(session: Session, parsed: ParsedWorkbook, replaced: Plan | None):
    """What a stored plan means for the reports already in: how many of its measures they
    name, and the tied activities whose measure this version (replacing the active plan
    ``replaced``, if any) no longer has."""
    activities = tied_activities(session, parsed.council.id, parsed.plan_year)
    numbers = {measure_key(m.number) for m in parsed.measures}
    named = {measure_key(a.measure) for a in activities} & numbers
    notes = [
        f"Rapportene for {parsed.plan_year} har aktiviteter under {len(named)} av "
        f"{len(numbers)} tiltak i planen"
    ]
    if replaced is None:
        return notes
    dropped = measure_numbers(session, replaced.id) - numbers
    gone = [a for a in activities if measure_key(a.measure) in dropped]
    if gone:
        listed = "; ".join(f"«{a.title}» (tiltak nr. {a.measure})" for a in gone)
        count = f"{len(gone)} aktivitet" if len(gone) == 1 else f"{len(gone)} aktiviteter"
        notes.append(f"{count} står under {NOT_IN_PLAN_ANY_MORE}: {listed}")
    return notes
