"""What was spent and done, per council and year or per report: the one source of
``Brukt``, ``Aktiviteter``, the sub-goal counts and ``Møter`` on every page and export.

The sums come from the per-report totals stored with each report
(``storage.totals.ReportFigures``, summed in SQL when the report was stored), so a
figure is read from one row per report, never summed again from the activities.
Counting follows DESIGN.md: ``Aktiviteter`` and the sub-goal counts leave out cancelled
activities; ``Brukt`` includes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, select

from ia_data.domain.access import Scope
from ia_data.reporting.counted import counted, where_given
from ia_data.storage.models import Report, ReportFigures

GOAL_COUNTS = {1: ReportFigures.goal_1, 2: ReportFigures.goal_2, 3: ReportFigures.goal_3}
GOAL_SPENT = {
    1: ReportFigures.goal_1_spent_ore,
    2: ReportFigures.goal_2_spent_ore,
    3: ReportFigures.goal_3_spent_ore,
}


@dataclass(frozen=True)
class Totals:
    """Spent, activities (not cancelled), activities per sub-goal and meetings."""

    spent_ore: int = 0
    activities: int = 0
    goals: dict[int, int] = field(default_factory=lambda: {1: 0, 2: 0, 3: 0})
    meetings: int = 0

    @property
    def missing_goals(self) -> list[int]:
        return [k for k in (1, 2, 3) if self.goals[k] == 0]


def _sums(goal: int | None):
    """The columns summed: with ``goal`` (1–3), spent and activities cover only the
    activities tagged with that sub-goal — what went to delmål k."""
    spent = ReportFigures.spent_ore if goal is None else GOAL_SPENT[goal]
    counted = ReportFigures.activities if goal is None else GOAL_COUNTS[goal]
    return (
        func.coalesce(func.sum(spent), 0),
        func.coalesce(func.sum(counted), 0),
        *(func.coalesce(func.sum(GOAL_COUNTS[k]), 0) for k in (1, 2, 3)),
        func.coalesce(func.sum(ReportFigures.meetings), 0),
    )


def _totals(values) -> Totals:
    spent, activities, g1, g2, g3, meetings = (int(v) for v in values)
    return Totals(spent, activities, {1: g1, 2: g2, 3: g3}, meetings)


def council_year_totals(
    session: Session,
    years: Iterable[int],
    council_ids: list[int] | None = None,
    goal: int | None = None,
    *,
    scope: Scope,
    period: str | None = None,
    approved_only: bool = False,
) -> dict[tuple[int, int], Totals]:
    """(council id, year) → the totals of its counted reports in that year (``period``: of
    that period's report only; ``approved_only``: the last approved versions); a council
    and year without a report is missing (use ``Totals()``)."""
    council_ids = scope.council_ids(council_ids)
    query = (
        select(Report.council_id, Report.year, *_sums(goal))
        .join(ReportFigures, ReportFigures.report_id == Report.id)
        .where(counted(approved_only), Report.year.in_(list(years)))
        .group_by(Report.council_id, Report.year)
    )
    query = where_given(query, (Report.council_id, council_ids), (Report.period, period))
    return {(r[0], r[1]): _totals(r[2:]) for r in session.exec(query).all()}


def report_totals(
    session: Session, report_ids: Iterable[int], *, scope: Scope
) -> dict[int, Totals]:
    """Report id → its totals (of the reports of councils in scope)."""
    ids = list(report_ids)
    if not ids:
        return {}
    query = (
        select(ReportFigures.report_id, *_sums(None))
        .where(ReportFigures.report_id.in_(ids))
        .group_by(ReportFigures.report_id)
    )
    council_ids = scope.council_ids()
    if council_ids is not None:
        query = query.join(Report, Report.id == ReportFigures.report_id).where(
            Report.council_id.in_(council_ids)
        )
    return {r[0]: _totals(r[1:]) for r in session.exec(query).all()}
