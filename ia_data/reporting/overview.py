"""The oversight group's table: one row per council for a year — its money, activities
per sub-goal, meetings, action plan and the status of each period's report. The Oversikt
page, its CSV/XLSX export, the compiled report and the CLI all call ``overview``, so they
always agree; its money is ``money.council_money`` and its statuses
``deadlines.period_status``, as on every other page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from ia_data.domain.access import Scope
from ia_data.domain.rules import Rules
from ia_data.reporting.counted import counted
from ia_data.reporting.deadlines import PeriodStatus, arrivals, period_status
from ia_data.reporting.money import MoneyRow, active_allocations, council_money
from ia_data.reporting.plans import CouncilPlan, plan_progress
from ia_data.reporting.totals import Totals, council_year_totals
from ia_data.storage.models import Plan, Report
from ia_data.storage.register import councils


@dataclass
class OverviewRow(MoneyRow):
    """One council's line in the overview for one year."""

    meetings_expected: tuple[int, int] | None = None
    action_plan: bool | None = None
    action_plan_date: date | None = None
    periods: list[PeriodStatus] = field(default_factory=list)
    # The year's plan against what was done, where any council has a plan for the year.
    plan: CouncilPlan | None = None
    # Whether the council has an active report for the year at all: without one, what it
    # did is not known — it is a missing report (counted once, under the statuses), not a
    # council without activity on a sub-goal or with too few meetings.
    reported: bool = True

    @property
    def measures_done(self) -> str | None:
        """«5 av 8» measures of the year's action plan done, «ingen plan»; None where no
        council in the view has a plan for the year (the column is then left out)."""
        return self.plan.done_text if self.plan else None

    @property
    def plan_upload_id(self) -> int | None:
        """The active plan's upload for the year, if any."""
        return self.plan.upload_id if self.plan else None

    @property
    def goals(self) -> dict[int, int]:
        return self.totals.goals

    @property
    def meetings(self) -> int:
        return self.totals.meetings

    @property
    def all_goals(self) -> bool:
        return not self.totals.missing_goals

    @property
    def missing_goals(self) -> list[int]:
        return self.totals.missing_goals

    @property
    def lacks_action_plan(self) -> bool:
        """A council that reported for the period shown, one of whose reports does not say
        it has an action plan (the 2012 letter: reports start from the council's action
        plan)."""
        return self.reported and self.action_plan is not True

    @property
    def lacks_goals(self) -> bool:
        """A council that reported for the year, with no activity on some sub-goal."""
        return self.reported and bool(self.totals.missing_goals)

    @property
    def meetings_outside_expected(self) -> bool:
        """A council that reported for the year, with fewer or more meetings than expected."""
        if self.meetings_expected is None or not self.reported:
            return False
        low, high = self.meetings_expected
        return not low <= self.meetings <= high


def _action_plan(reports: list[Report]) -> tuple[bool | None, date | None]:
    """Whether the council had an action plan in the period shown, by its reports (an
    uploaded plan for the year decides instead, in ``overview``): yes
    when every report says so (with the latest date given); else what the report without
    one says, «Nei» before not said. The whole-year rule (``reporting.deviations``): a year
    lacks a plan when any of its reports does, so that a year's figure holds its halves'."""
    lacking = [r for r in reports if not r.action_plan]
    if reports and not lacking:
        dates = [r.action_plan_date for r in reports if r.action_plan_date]
        return True, max(dates) if dates else None
    return (False if any(r.action_plan is False for r in lacking) else None), None


def overview(
    session: Session,
    year: int,
    as_of: date,
    rules: Rules,
    council_ids: list[int] | None = None,
    goal: int | None = None,
    *,
    scope: Scope,
    period: str | None = None,
    approved_only: bool = False,
) -> list[OverviewRow]:
    """One row per council that exists in ``year`` (optionally only ``council_ids``).

    With ``goal`` (1–3), spent (and so remaining and share used) and the activity count
    cover only activities tagged with that sub-goal — what went to delmål k; the
    sub-goal counts and ``all_goals`` stay those of all activities. ``approved_only``:
    every figure counts the last approved version of each report (``counted``).
    """
    council_ids = scope.council_ids(council_ids)
    periods = rules.periods(year)
    if period is not None:  # one half-year: its report's figures and status only
        periods = [p for p in periods if p.code == period]
        if not periods:
            raise ValueError(f"{year} har ingen rapportperiode «{period}»")
    infos = [c for c in councils(session, council_ids) if c.exists_in(year)]
    totals = council_year_totals(
        session, [year], council_ids, goal, scope=scope, period=period, approved_only=approved_only
    )
    allocations = active_allocations(session, [year], council_ids, scope=scope)
    received = arrivals(session, [year], council_ids, approved_only, scope=scope)
    reports: dict[int, dict[str, Report]] = {}
    for report in session.exec(select(Report).where(Report.year == year, counted(approved_only))):
        if period is None or report.period == period:
            reports.setdefault(report.council_id, {})[report.period] = report
    plans = _plans(session, year, council_ids, scope, approved_only, period)
    result = []
    for council in infos:
        own = reports.get(council.id, {})
        stored = [own[p.code] for p in periods if p.code in own]
        money = council_money(
            rules,
            council,
            year,
            totals.get((council.id, year), Totals()),
            allocations.get((council.id, year)),
            [r.upload_id for r in stored],
        )
        statuses = []
        for shown in periods:
            arrival = received.get((council.id, year, shown.code))
            statuses.append(period_status(rules, shown, arrival, as_of))
        plan, plan_date = _action_plan(stored)
        progress = plans.get(council.id)
        if progress and progress.has_plan:  # an uploaded plan decides for its year
            plan, plan_date = True, progress.adopted
        result.append(
            OverviewRow(
                **vars(money),
                # Meetings are expected per year: a half-year's count is not judged.
                meetings_expected=None if period else rules.meetings_expected(year),
                action_plan=plan,
                action_plan_date=plan_date,
                periods=statuses,
                reported=bool(stored),
                plan=progress,
            )
        )
    return result


def _plans(session: Session, year: int, council_ids, scope: Scope, approved_only, period):
    """Council id → its plan for the year against what was done (of a half-year, by what
    its report did), when any council has a plan for the year; else none."""
    if not session.exec(select(Plan.id).where(Plan.year == year)).first():
        return {}
    found = plan_progress(
        session, year, scope=scope, council_ids=council_ids, approved_only=approved_only,
        period=period,
    )  # fmt: skip
    return {p.council.id: p for p in found}
