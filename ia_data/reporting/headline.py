"""Headline figures: what the tiles above a page's table and the compiled report's
«Nøkkeltall» say of a set of councils — counted by one function, so that Oversikt, Økonomi,
Råd and the compiled report never count a figure two ways."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ia_data.domain.kinds import AllocationSource
from ia_data.domain.register import CouncilInfo
from ia_data.domain.rules import Status
from ia_data.reporting.deadlines import PeriodStatus
from ia_data.reporting.money import MoneyRow
from ia_data.reporting.overview import OverviewRow


@dataclass(frozen=True)
class Headline:
    """The sums and counts of a set of council years, and the councils behind each count
    that needs attention (so a tile can name them)."""

    councils: int  # council years counted (one per council in a year's overview)
    allocated_ore: int  # a council year without a grant counts as 0
    spent_ore: int  # every activity, cancelled ones too
    activities: int  # not cancelled
    goals: dict[int, int]  # activities tagged each sub-goal
    meetings: int
    decisions: int  # grants from an uploaded decision
    rule_grants: int  # grants by the year's rule
    overspent: list[CouncilInfo]
    lacking_goals: list[CouncilInfo]  # reported, with nothing on some sub-goal
    without_action_plan: list[CouncilInfo]
    meetings_outside: list[CouncilInfo]  # more or fewer meetings than the year expects
    statuses: dict[Status, int]  # reports by deadline status, every status (0 included)
    submitted: int  # reports in as of the date

    @property
    def remaining_ore(self) -> int:
        return self.allocated_ore - self.spent_ore

    @property
    def share_used(self) -> float | None:
        """Spent as a share of allocated (None when nothing is allocated)."""
        return self.spent_ore / self.allocated_ore if self.allocated_ore else None


def headline(rows: Sequence[MoneyRow], periods: Sequence[PeriodStatus] | None = None) -> Headline:
    """The headline of ``rows`` — ``overview`` rows of a year, or with its ``period`` of a
    half-year (the compiled report's), or ``money`` rows — and of the reports ``periods``
    (default: the overview rows' own).

    The councils lacking a sub-goal or an action plan, or meeting too seldom or too often,
    are judged by the overview rows (``OverviewRow``), for the period they cover: a
    half-year counts a council whose report for that half says no action plan or does not
    say; a year counts one none of whose reports says yes (so 2012 has none on Oversikt,
    and three in the compiled report of its first half). Which rule a whole year should
    follow is to be decided by the issue «One list of what needs attention»."""
    if periods is None:
        periods = [p for r in rows if isinstance(r, OverviewRow) for p in r.periods]
    judged = [r for r in rows if isinstance(r, OverviewRow)]
    sources = [r.allocation_source for r in rows]
    statuses = [p.status.status for p in periods]
    return Headline(
        councils=len(rows),
        allocated_ore=sum(r.allocated_ore or 0 for r in rows),
        spent_ore=sum(r.spent_ore for r in rows),
        activities=sum(r.activities for r in rows),
        goals={k: sum(r.totals.goals[k] for r in rows) for k in (1, 2, 3)},
        meetings=sum(r.totals.meetings for r in rows),
        decisions=sources.count(AllocationSource.DECISION),
        rule_grants=sources.count(AllocationSource.RULE),
        overspent=[r.council for r in rows if r.overspent],
        lacking_goals=[r.council for r in judged if r.lacks_goals],
        without_action_plan=[r.council for r in judged if r.lacks_action_plan],
        meetings_outside=[r.council for r in judged if r.meetings_outside_expected],
        statuses={status: statuses.count(status) for status in Status},
        submitted=sum(1 for p in periods if p.submitted),
    )
