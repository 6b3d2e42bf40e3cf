"""Count and spend per priority theme (issue 25): for a year whose letter names themes
(rules.toml), the activities of each council's counted reports that name each theme in
«Tema» — counted as ``Aktiviteter`` counts them (a cancelled one not), spent as ``Brukt``
sums it (every activity) — per council and for all councils. An activity that names two
themes counts under each, as an activity on two sub-goals does."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from ia_data.domain.access import Scope
from ia_data.domain.kinds import ActivityStatus
from ia_data.domain.rules import Rules
from ia_data.reporting import columns as c
from ia_data.reporting.counted import counted
from ia_data.reporting.table import Kroner, Table
from ia_data.storage.models import Activity, Council, Report

ALL_COUNCILS = "Alle råd"


@dataclass
class ThemeRow:
    council: str  # a council's name, or «Alle råd»
    theme: str
    activities: int = 0
    spent_ore: int = 0


def theme_totals(
    session: Session,
    year: int,
    rules: Rules,
    *,
    scope: Scope,
    council_ids: list[int] | None = None,
    period: str | None = None,
    approved_only: bool = False,
) -> list[ThemeRow]:
    """Each council with a themed activity, then «Alle råd»: one row per theme of the year
    (in the letter's order). Empty where the year has no themes or no activity names one.
    With ``period`` (``H1``, ``H2``) only that half-year's reports count."""
    themes = rules.themes(year)
    if themes is None:
        return []
    council_ids = scope.council_ids(council_ids)
    query = (
        select(Council.name, Activity.themes, Activity.status, Activity.cost_ore)
        .join(Report, Report.id == Activity.report_id)
        .join(Council, Council.id == Report.council_id)
        .where(Report.year == year, counted(approved_only), Activity.themes != "")
    )
    if council_ids is not None:
        query = query.where(Report.council_id.in_(council_ids))
    if period is not None:
        query = query.where(Report.period == period)
    found: dict[tuple[str, str], ThemeRow] = {}
    for name, named, status, cost in session.exec(query):
        for theme in named.split("|"):
            for who in (name, ALL_COUNCILS):
                row = found.setdefault((who, theme), ThemeRow(who, theme))
                row.activities += status != ActivityStatus.CANCELLED
                row.spent_ore += cost
    if not found:
        return []
    councils = sorted({who for who, _ in found if who != ALL_COUNCILS})
    return [
        found.get((who, theme), ThemeRow(who, theme))
        for who in [*councils, ALL_COUNCILS]
        for theme in themes.names
    ]


def themes_table(rows: list[ThemeRow], year: int) -> Table:
    """The theme totals as a table: council, theme, activities, spent."""
    return Table(
        columns=[c.COUNCIL, c.THEME, c.THEME_ACTIVITIES, c.SPENT],
        rows=[[r.council, r.theme, r.activities, Kroner(r.spent_ore)] for r in rows],
        title=f"Prioriterte temaer {year}",
    )
