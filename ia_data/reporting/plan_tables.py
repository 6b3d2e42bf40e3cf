"""Planned against done as tables (``reporting.plans``): a council's measures with what was
done under each, the activities outside its plan, and one line per council for a year —
the same typed tables Råd shows, the compiled report writes and the exports download."""

from __future__ import annotations

from datetime import date

from ia_data.reporting import columns as c
from ia_data.reporting.plans import OUTSIDE_PLAN, CouncilPlan
from ia_data.reporting.table import Kroner, Table
from ia_data.storage.plans import NOT_IN_PLAN_ANY_MORE  # as the stored note says it

MEASURE_COLUMNS = [
    c.MEASURE_NO, c.PLAN_GOAL, c.PLAN_MEASURE, c.PLANNED, c.RESPONSIBLE, c.BUDGET,
    c.TIED_ACTIVITIES, c.SPENT, c.MEASURE_DONE, c.MEASURE_OVERDUE,
]  # fmt: skip
OUTSIDE_COLUMNS = [c.DATE, c.ACTIVITY, c.ACTIVITY_STATUS, c.COST, c.MEASURE_NO, c.PLAN_PLACE]
SUMMARY_COLUMNS = [
    c.COUNCIL, c.YEAR, c.MEASURES_DONE, c.OVERDUE_COUNT, c.BUDGET, c.SPENT_ON_MEASURES,
    c.OUTSIDE_COUNT,
]  # fmt: skip


def _money(ore: int | None) -> Kroner | None:
    return None if ore is None else Kroner(ore)


def measures_table(progress: CouncilPlan, today: date) -> Table:
    """Each measure of the council's plan for the year, with what was done under it."""
    return Table(
        columns=list(MEASURE_COLUMNS),
        rows=[
            [m.number, m.goal, m.measure, m.planned, m.responsible, _money(m.budget_ore),
             len(m.activities), Kroner(m.spent_ore), m.done, m.overdue(today)]
            for m in progress.measures
        ],
        title=f"Handlingsplan {progress.year}: {progress.council.name}",
    )  # fmt: skip


def outside_table(progress: CouncilPlan) -> Table:
    """The council's activities for the year that are under no measure of its plan."""
    rows = [(a, NOT_IN_PLAN_ANY_MORE) for a in progress.dropped]
    rows += [(a, OUTSIDE_PLAN) for a in progress.outside]
    rows.sort(key=lambda pair: (pair[0].date, pair[0].title))
    return Table(
        columns=list(OUTSIDE_COLUMNS),
        rows=[[a.date, a.title, a.status, Kroner(a.cost_ore), a.measure, why] for a, why in rows],
        title=f"Aktiviteter utenfor planen {progress.year}: {progress.council.name}",
    )


def plans_summary_table(plans: list[CouncilPlan], today: date) -> Table:
    """One line per council for the year: measures done of planned, overdue, budget and
    spend on the measures, and activities outside the plan (empty without a plan)."""
    rows = []
    for p in plans:
        if not p.has_plan:
            rows.append([p.council.name, p.year, p.done_text, None, None, None, None])
            continue
        outside = len(p.outside) + len(p.dropped)
        rows.append([p.council.name, p.year, p.done_text, len(p.overdue(today)),
                     Kroner(p.budget_ore), Kroner(p.spent_in_plan_ore), outside])  # fmt: skip
    return Table(columns=list(SUMMARY_COLUMNS), rows=rows, title="Handlingsplaner")
