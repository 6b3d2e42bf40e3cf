"""Exports of the tables the app shows: the same rows, as CSV (and XLSX).

The overview table's columns are fixed by DESIGN.md. CSV follows Norwegian Excel:
``;``-separated, UTF-8 with BOM, ISO dates, plain integers, decimal comma, ``Ja``/``Nei``.
No text that came from a workbook may ever turn into a formula in a spreadsheet, so text
cells that begin with ``=``, ``+``, ``-``, ``@`` (or a tab/CR) get a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from .queries import OverviewRow
from .rules import ReportPeriod

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Kroner:
    """An amount held as whole øre, written as kroner (decimals only when there are øre)."""

    ore: int

    @property
    def value(self) -> int | float:
        return self.ore // 100 if self.ore % 100 == 0 else self.ore / 100


@dataclass(frozen=True)
class Percent:
    """A share (1.0 = 100 %), written with one decimal."""

    share: float


@dataclass
class Table:
    """Columns and typed rows: what a page shows and what every export writes."""

    columns: list[str]
    rows: list[list]
    title: str = ""


def neutralise(text: str) -> str:
    """Text that a spreadsheet would read as a formula, made plain text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def period_columns(period: ReportPeriod) -> list[str]:
    return [f"Status {period.code}", f"Frist {period.code}", f"Innsendt {period.code}"]


def overview_table(rows: list[OverviewRow], periods: list[ReportPeriod]) -> Table:
    """The overview as a table with DESIGN.md's columns, in order."""
    columns = [
        "IA-råd",
        "Fylker",
        "År",
        "Tildelt (kr)",
        "Tildeling",
        "Brukt (kr)",
        "Gjenstår (kr)",
        "Forbruk (%)",
        "Aktiviteter",
        "Delmål 1",
        "Delmål 2",
        "Delmål 3",
        "Alle delmål dekket",
        "Møter",
        "Handlingsplan",
    ]
    for period in periods:
        columns += period_columns(period)
    table_rows = []
    for row in rows:
        line = [
            row.council.name,
            row.council.county_names,
            row.year,
            Kroner(row.allocated_ore) if row.allocated_ore is not None else None,
            row.allocation_source or None,
            Kroner(row.spent_ore),
            Kroner(row.remaining_ore) if row.remaining_ore is not None else None,
            Percent(row.share_used) if row.share_used is not None else None,
            row.activities,
            row.goals[1],
            row.goals[2],
            row.goals[3],
            row.all_goals,
            row.meetings,
            row.action_plan,
        ]
        for status in row.periods:
            line += [status.status.text, status.period.due, status.submitted]
        table_rows.append(line)
    return Table(columns=columns, rows=table_rows, title="Oversikt")


def csv_value(value: object) -> str:
    """One cell as the CSV convention writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ja" if value else "Nei"
    if isinstance(value, Kroner):
        value = value.value
    if isinstance(value, Percent):
        return f"{Decimal(value.share * 100):.1f}".replace(".", ",")
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def to_csv(table: Table) -> bytes:
    """The table as CSV bytes for Norwegian Excel (``;``, UTF-8 with BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([csv_value(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")
