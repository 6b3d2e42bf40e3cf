"""The tables of money: each council's grant against what it spent, year by year, the
spending by activity type, and the allocation decisions (Økonomi, the compiled report)."""

from __future__ import annotations

from ia_data.reporting import columns as c
from ia_data.reporting.table import Kroner, Percent, Table
from ia_data.reporting.tables import GRANT_COLUMNS, USE_COLUMNS, grant_cells, use_cells


def money_table(rows, title: str = "Økonomi") -> Table:
    """Allocated (decision or rule), spent, remaining and share used per council × year: the
    money cells of every council's year, with the decision's date after the grant."""
    return Table(
        columns=[
            c.COUNCIL,
            c.COUNTIES,
            c.YEAR,
            *GRANT_COLUMNS,
            c.DECISION_DATE,
            *USE_COLUMNS,
            c.OVERSPENT,
            c.ACTIVITIES,
        ],
        rows=[
            [
                r.council.name,
                r.council.county_names,
                r.year,
                *grant_cells(r),
                r.decision_date,
                *use_cells(r),
                r.overspent,
                r.activities,
            ]
            for r in rows
        ],
        title=title,
    )


def money_trend_table(rows) -> Table:
    """All councils together, year by year: allocated, spent, remaining, share used."""
    years: dict[int, list] = {}
    for r in rows:
        years.setdefault(r.year, []).append(r)
    table_rows = []
    for year in sorted(years):
        group = years[year]
        allocated = sum(r.allocated_ore or 0 for r in group)
        known = any(r.allocated_ore is not None for r in group)
        spent = sum(r.spent_ore for r in group)
        table_rows.append(
            [
                year,
                len(group),
                Kroner(allocated) if known else None,
                Kroner(spent),
                Kroner(allocated - spent) if known else None,
                Percent(spent / allocated) if allocated else None,
                sum(1 for r in group if r.overspent),
                sum(r.activities for r in group),
            ]
        )
    return Table(
        columns=[
            c.YEAR,
            c.COUNCILS,
            c.ALLOCATED,
            c.SPENT,
            c.REMAINING,
            c.SHARE_USED,
            c.COUNCILS_OVERSPENT,
            c.ACTIVITIES,
        ],
        rows=table_rows,
        title="Utvikling",
    )


def spend_by_type_table(spend, councils, types: list[str]) -> Table:
    """Spent per council (rows) and activity type (columns), with a sum row and column."""
    cells: dict[int, dict[str, int]] = {}
    for s in spend:
        cells.setdefault(s.council_id, {})[s.type] = s.spent_ore
    rows = []
    for council in councils:
        own = cells.get(council.id, {})
        rows.append(
            [council.name, *(Kroner(own.get(t, 0)) for t in types), Kroner(sum(own.values()))]
        )
    totals = [sum(s.spent_ore for s in spend if s.type == t) for t in types]
    rows.append(["Alle IA-råd", *(Kroner(t) for t in totals), Kroner(sum(totals))])
    return Table(
        columns=[c.COUNCIL, *(c.TOTAL.but(name=f"{t} (kr)") for t in types), c.TOTAL],
        rows=rows,
        title="Forbruk per type",
    )


def allocations_table(versions) -> Table:
    """Every uploaded allocation row, the replaced ones too."""
    return Table(
        columns=[
            c.COUNCIL,
            c.YEAR,
            c.AMOUNT,
            c.DECISION_DATE,
            c.NOTE,
            c.ACTIVE,
            c.UPLOAD_ID,
            c.FILE,
            c.UPLOADED_AT,
        ],
        rows=[
            [
                v.council,
                v.year,
                Kroner(v.amount_ore),
                v.decision_date,
                v.note or None,
                v.active,
                v.upload_id,
                v.file_name,
                v.uploaded_at,
            ]
            for v in versions
        ],
        title="Tildelingsvedtak",
    )
