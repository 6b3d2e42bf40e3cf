"""Planned against done (issue 25): for each council and year, each measure of its active
action plan with its planned time, the activities the year's reports put under it, what
they cost against the measure's budget, whether it is done (at least one activity under it
«Gjennomført») or overdue (its planned time passed with no activity), and the activities
outside the plan. ``plan_progress`` is the one function Råd, Oversikt and the compiled
report call, so they always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from ia_data.domain.access import Scope
from ia_data.domain.kinds import ActivityStatus
from ia_data.domain.register import CouncilInfo
from ia_data.ingest.plan_sheet import measure_key
from ia_data.reporting.counted import counted
from ia_data.storage.models import Activity, Plan, PlanMeasure, Report
from ia_data.storage.register import councils

DONE_LABEL = "Tiltak med gjennomført aktivitet"
DONE_RULE = "Et tiltak er gjennomført når minst én aktivitet under det har status «Gjennomført»."
OUTSIDE_PLAN = "utenfor planen"


@dataclass(frozen=True)
class TiedActivity:
    """An activity as planned-against-done lists it."""

    date: date
    title: str
    status: str
    cost_ore: int
    measure: str  # the number as the report wrote it, or empty


@dataclass
class MeasureProgress:
    """One measure of the plan, with the activities reported under it."""

    number: str
    goal: str
    measure: str
    planned: str
    planned_by: date
    responsible: str
    budget_ore: int | None
    activities: list[TiedActivity] = field(default_factory=list)

    @property
    def spent_ore(self) -> int:
        """What the activities under it cost (a cancelled one too: money spent is spent)."""
        return sum(a.cost_ore for a in self.activities)

    @property
    def done(self) -> bool:
        """At least one activity under it is «Gjennomført»."""
        return any(a.status == ActivityStatus.DONE for a in self.activities)

    def overdue(self, today: date) -> bool:
        """Its planned time has passed with no activity under it (a cancelled one is none)."""
        live = [a for a in self.activities if a.status != ActivityStatus.CANCELLED]
        return self.planned_by < today and not live


@dataclass
class CouncilPlan:
    """A council's plan for a year against what its reports say it did."""

    council: CouncilInfo
    year: int
    upload_id: int | None = None  # the active plan's upload; None: no plan for the year
    adopted: date | None = None
    measures: list[MeasureProgress] = field(default_factory=list)
    outside: list[TiedActivity] = field(default_factory=list)  # no number, or one never planned
    dropped: list[TiedActivity] = field(default_factory=list)  # an earlier version's measure
    period: str | None = None  # the half-year whose report's activities count; None: all

    @property
    def reports(self) -> str:
        """Whose activities count: «rapportene for 2015», «rapporten for 2012 H1»."""
        if self.period is None:
            return f"rapportene for {self.year}"
        return f"rapporten for {self.year} {self.period}"

    @property
    def has_plan(self) -> bool:
        return self.upload_id is not None

    @property
    def done_count(self) -> int:
        return sum(1 for m in self.measures if m.done)

    @property
    def done_text(self) -> str:
        """«5 av 8», or «ingen plan» for a council with no plan for the year (not 0 of 0)."""
        return f"{self.done_count} av {len(self.measures)}" if self.has_plan else "ingen plan"

    @property
    def label(self) -> str:
        """«Tiltak med gjennomført aktivitet: 5 av 8», or that there is no plan."""
        if not self.has_plan:
            return f"{self.council.name} har ingen handlingsplan for {self.year}"
        return f"{DONE_LABEL}: {self.done_text}"

    def overdue(self, today: date) -> list[MeasureProgress]:
        return [m for m in self.measures if m.overdue(today)]

    @property
    def budget_ore(self) -> int:
        return sum(m.budget_ore or 0 for m in self.measures)

    @property
    def spent_in_plan_ore(self) -> int:
        return sum(m.spent_ore for m in self.measures)


def plan_progress(
    session: Session,
    year: int,
    *,
    scope: Scope,
    council_ids: list[int] | None = None,
    approved_only: bool = False,
    period: str | None = None,
) -> list[CouncilPlan]:
    """Each council in scope that exists in ``year``, its active plan for the year (if any)
    against the activities of its counted reports for the year (every period; with
    ``period``, the half-year's report only: what was done in that half)."""
    council_ids = scope.council_ids(council_ids)
    infos = [c for c in councils(session, council_ids) if c.exists_in(year)]
    wanted = [c.id for c in infos]
    plans = _plans(session, year, wanted)
    every_number = _numbers_ever(session, year, wanted)
    activities = _activities(session, year, wanted, approved_only, period)
    result = []
    for council in infos:
        progress = CouncilPlan(council, year, period=period)
        found = plans.get(council.id)
        if found is not None:
            plan, measures = found
            progress.upload_id, progress.adopted = plan.upload_id, plan.adopted
            progress.measures = measures
        _place(progress, activities.get(council.id, []), every_number.get(council.id, set()))
        result.append(progress)
    return result


def _place(progress: CouncilPlan, activities: list[TiedActivity], ever: set[str]) -> None:
    """Put each activity under its measure, or among those outside the plan, or among those
    under a measure an earlier version of the plan had."""
    by_key = {measure_key(m.number): m for m in progress.measures}
    for activity in activities:
        key = measure_key(activity.measure) if activity.measure else ""
        if key in by_key:
            by_key[key].activities.append(activity)
        elif key and key in ever and progress.has_plan:
            progress.dropped.append(activity)
        elif progress.has_plan:
            progress.outside.append(activity)


def _plans(session: Session, year: int, council_ids: list[int]) -> dict[int, tuple]:
    """Council id → (active plan, its measures in the plan's order)."""
    rows = session.exec(
        select(Plan, PlanMeasure)
        .join(PlanMeasure, PlanMeasure.plan_id == Plan.id)  # a stored plan has measures
        .where(Plan.year == year, Plan.active == True, Plan.council_id.in_(council_ids))  # noqa: E712
        .order_by(Plan.id, PlanMeasure.source_row)
    ).all()
    found: dict[int, tuple] = {}
    for plan, measure in rows:
        found.setdefault(plan.council_id, (plan, []))[1].append(_measure(measure))
    return found


def _measure(row: PlanMeasure) -> MeasureProgress:
    return MeasureProgress(
        number=row.number,
        goal=row.goal,
        measure=row.measure,
        planned=row.planned,
        planned_by=row.planned_by,
        responsible=row.responsible,
        budget_ore=row.budget_ore,
    )


def _numbers_ever(session: Session, year: int, council_ids: list[int]) -> dict[int, set[str]]:
    """Council id → every measure number any stored version of its plan for the year had."""
    rows = session.exec(
        select(Plan.council_id, PlanMeasure.number)
        .join(PlanMeasure, PlanMeasure.plan_id == Plan.id)
        .where(Plan.year == year, Plan.council_id.in_(council_ids))
    ).all()
    found: dict[int, set[str]] = {}
    for council_id, number in rows:
        found.setdefault(council_id, set()).add(measure_key(number))
    return found


def _activities(session, year, council_ids, approved_only, period) -> dict[int, list]:
    """Council id → the activities of its counted reports for the year (or ``period``), by
    date."""
    query = (
        select(Report.council_id, Activity)
        .join(Activity, Activity.report_id == Report.id)
        .where(Report.year == year, Report.council_id.in_(council_ids), counted(approved_only))
        .order_by(Activity.date, Activity.source_row, Activity.id)
    )
    if period is not None:
        query = query.where(Report.period == period)
    rows = session.exec(query).all()
    found: dict[int, list[TiedActivity]] = {}
    for council_id, a in rows:
        found.setdefault(council_id, []).append(
            TiedActivity(a.date, a.title, a.status, a.cost_ore, a.measure)
        )
    return found
