"""The queries behind the pages and exports. Aggregation happens in SQL; Python only
joins the handful of per-council results and applies the year's rules.

``overview`` is the single source of the oversight group's table: the Oversikt page, the
CSV/XLSX export and the CLI all call it, so they always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from ia_data.domain.register import CouncilInfo
from ia_data.domain.rules import DeadlineStatus, ReportPeriod, Rules
from ia_data.storage.models import Allocation, Council, Report, ReportFigures, Upload
from ia_data.storage.register import councils

GOAL_COUNTS = {1: ReportFigures.goal_1, 2: ReportFigures.goal_2, 3: ReportFigures.goal_3}
GOAL_SPENT = {
    1: ReportFigures.goal_1_spent_ore,
    2: ReportFigures.goal_2_spent_ore,
    3: ReportFigures.goal_3_spent_ore,
}
DECISION = "vedtak"
RULE = "regel"


@dataclass
class PeriodStatus:
    period: ReportPeriod
    status: DeadlineStatus
    submitted: date | None  # as of the as-of date: a later submission counts as none
    upload_id: int | None = None


class MoneyFigures:
    """Remaining, share used and overspending, derived from ``allocated_ore`` and
    ``spent_ore`` — the same arithmetic for every table that shows a grant."""

    allocated_ore: int | None
    spent_ore: int

    @property
    def remaining_ore(self) -> int | None:
        return None if self.allocated_ore is None else self.allocated_ore - self.spent_ore

    @property
    def share_used(self) -> float | None:
        """Spent as a fraction of allocated (1.0 = all used), None without an allocation."""
        if not self.allocated_ore:
            return None
        return self.spent_ore / self.allocated_ore

    @property
    def overspent(self) -> bool:
        return self.remaining_ore is not None and self.remaining_ore < 0


@dataclass
class OverviewRow(MoneyFigures):
    """One council's line in the overview for one year."""

    council: CouncilInfo
    year: int
    allocated_ore: int | None
    allocation_source: str  # DECISION, RULE or "" (no allocation known)
    spent_ore: int
    activities: int
    goals: dict[int, int]
    meetings: int
    meetings_expected: tuple[int, int] | None
    action_plan: bool | None
    action_plan_date: date | None
    periods: list[PeriodStatus] = field(default_factory=list)
    upload_ids: list[int] = field(default_factory=list)

    @property
    def all_goals(self) -> bool:
        return all(self.goals[k] > 0 for k in (1, 2, 3))

    @property
    def missing_goals(self) -> list[int]:
        return [k for k in (1, 2, 3) if self.goals[k] == 0]

    @property
    def meetings_outside_expected(self) -> bool:
        if self.meetings_expected is None:
            return False
        low, high = self.meetings_expected
        return not low <= self.meetings <= high


def years_with_data(session: Session) -> list[int]:
    """Years that hold at least one active report or allocation, newest first."""
    report_years = session.exec(select(Report.year).where(Report.active).distinct()).all()
    allocation_years = session.exec(
        select(Allocation.year).where(Allocation.active).distinct()
    ).all()
    return sorted(set(report_years) | set(allocation_years), reverse=True)


def overview(
    session: Session,
    year: int,
    as_of: date,
    rules: Rules,
    council_ids: list[int] | None = None,
    goal: int | None = None,
) -> list[OverviewRow]:
    """One row per council that exists in ``year`` (optionally only ``council_ids``).

    With ``goal`` (1–3), spent (and so remaining and share used) and the activity count
    cover only activities tagged with that sub-goal — what went to delmål k; the
    sub-goal counts and ``all_goals`` stay those of all activities.
    """
    infos = [c for c in councils(session) if c.exists_in(year)]
    if council_ids:
        wanted = set(council_ids)
        infos = [c for c in infos if c.id in wanted]
    # Per-report totals summed per council: one row per report, however many activities.
    spent = ReportFigures.spent_ore if goal is None else GOAL_SPENT[goal]
    counted = ReportFigures.activities if goal is None else GOAL_COUNTS[goal]
    activity = {
        row[0]: row[1:]
        for row in session.exec(
            select(
                Report.council_id,
                func.coalesce(func.sum(spent), 0),
                func.coalesce(func.sum(counted), 0),
                *(func.coalesce(func.sum(GOAL_COUNTS[k]), 0) for k in (1, 2, 3)),
                func.coalesce(func.sum(ReportFigures.meetings), 0),
            )
            .join(ReportFigures, ReportFigures.report_id == Report.id)
            .where(Report.year == year, Report.active)
            .group_by(Report.council_id)
        ).all()
    }
    reports: dict[int, dict[str, Report]] = {}
    for report in session.exec(select(Report).where(Report.year == year, Report.active)):
        reports.setdefault(report.council_id, {})[report.period] = report
    allocations = {
        a.council_id: a
        for a in session.exec(select(Allocation).where(Allocation.year == year, Allocation.active))
    }

    periods = rules.periods(year)
    result = []
    for council in infos:
        spent, n_activities, g1, g2, g3, n_meetings = activity.get(council.id, (0,) * 6)
        allocation = allocations.get(council.id)
        if allocation is not None:
            allocated, source = allocation.amount_ore, DECISION
        else:
            kroner = rules.rule_allocation(year, len(council.counties))
            allocated, source = (kroner * 100, RULE) if kroner is not None else (None, "")
        own = reports.get(council.id, {})
        statuses = []
        for period in periods:
            report = own.get(period.code)
            submitted = report.submitted if report is not None else None
            seen = submitted if submitted is not None and submitted <= as_of else None
            statuses.append(
                PeriodStatus(
                    period=period,
                    status=rules.deadline_status(period, submitted, as_of),
                    submitted=seen,
                    upload_id=report.upload_id if report is not None else None,
                )
            )
        plans = [own[p.code] for p in periods if p.code in own]
        plan_yes = [r for r in plans if r.action_plan]
        plan_dates = [r.action_plan_date for r in plan_yes if r.action_plan_date]
        action_plan = (
            True if plan_yes else (False if any(r.action_plan is False for r in plans) else None)
        )
        upload_ids = [r.upload_id for r in plans]
        if allocation is not None:
            upload_ids.append(allocation.upload_id)
        result.append(
            OverviewRow(
                council=council,
                year=year,
                allocated_ore=allocated,
                allocation_source=source,
                spent_ore=int(spent),
                activities=int(n_activities),
                goals={1: int(g1), 2: int(g2), 3: int(g3)},
                meetings=int(n_meetings),
                meetings_expected=rules.meetings_expected(year),
                action_plan=action_plan,
                action_plan_date=max(plan_dates) if plan_dates else None,
                periods=statuses,
                upload_ids=sorted(upload_ids),
            )
        )
    return result


@dataclass
class UploadSource:
    id: int
    file_name: str
    uploaded_at: datetime
    kind: str
    council: str
    year: int | None
    period: str | None


def upload_sources(session: Session, upload_ids: list[int]) -> list[UploadSource]:
    """The uploads that figures come from, for an export's ``Om uttrekket`` sheet."""
    if not upload_ids:
        return []
    rows = session.exec(
        select(
            Upload.id,
            Upload.file_name,
            Upload.uploaded_at,
            Upload.kind,
            Council.name,
            Upload.year,
            Upload.period,
        )
        .join(Council, Council.id == Upload.council_id, isouter=True)
        .where(Upload.id.in_(sorted(set(upload_ids))))
        .order_by(Upload.id)
    ).all()
    return [UploadSource(*r[:4], r[4] or "", r[5], r[6]) for r in rows]
