"""Headline figures: what the tiles above a page's table and the compiled report's
«Nøkkeltall» say of a set of councils — counted by one function, so that Oversikt, Økonomi,
Råd and the compiled report never count a figure two ways. What needs attention (a council
without an action plan, a sub-goal without activity, meetings outside the range) is judged
by ``reporting.deviations``, which the same places use."""

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
    """The sums and counts of a set of council years, and the councils overspent (so a tile
    of Økonomi can name them)."""

    councils: int  # council years counted (one per council in a year's overview)
    allocated_ore: int  # a council year without a grant counts as 0
    spent_ore: int  # every activity, cancelled ones too
    activities: int  # not cancelled
    goals: dict[int, int]  # activities tagged each sub-goal
    meetings: int
    decisions: int  # grants from an uploaded decision
    rule_grants: int  # grants by the year's rule
    overspent: list[CouncilInfo]
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
    (default: the overview rows' own)."""
    if periods is None:
        periods = [p for r in rows if isinstance(r, OverviewRow) for p in r.periods]
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
        statuses={status: statuses.count(status) for status in Status},
        submitted=sum(1 for p in periods if p.submitted),
    )
