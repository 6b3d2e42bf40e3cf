"""The demo's action plans (issue 25): a plan for each council and year of the 2015 letter's
reports (2015 and 2016) whose report says it has one, and those reports' activities tied to
its measures («Tiltak nr.») and to the year's priority themes («Tema»).

Run once; the results are committed beside the other demo workbooks:

    uv run python -m ia_data.demo.plans

Each plan is made from what its report did, as a secretariat plans: one measure per kind of
activity (its sub-goal's goal, planned for the quarter of its first activity, the budget
its activities cost rounded up to 10 000 kr), and for every other council one measure more
that nothing was done under (overdue). The last activity of a report with more than three
is left outside the plan. The report workbooks are changed in place — two columns added to
«Aktiviteter», nothing else — not regenerated (``ia_data.demo.sample`` would rewrite them).
The same input gives the same bytes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook

from ia_data.demo import SAMPLE_DIR
from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules
from ia_data.domain.values import parse_amount_ore, parse_goals
from ia_data.ingest.plan_sheet import PARTIES
from ia_data.output.plan_template import fill_plan, new_plan_workbook
from ia_data.output.template import workbook_bytes

YEARS = (2015, 2016)
PLAN_PREFIX = "handlingsplan_"
GOALS = {
    1: "Lavere sykefravær gjennom bedre oppfølging og forebygging",
    2: "Flere personer med nedsatt funksjonsevne i arbeid",
    3: "Seniorene står lenger i arbeid",
}
EXTRA = (2, "Erfaringssamling for virksomheter som ansetter unge med nedsatt funksjonsevne")
THEMES = {1: "Dialog og tidlig oppfølging av sykmeldte", 2: "Personer med nedsatt funksjonsevne"}


@dataclass
class _Row:
    row: int
    day: date
    title: str
    type: str
    goals: frozenset[int]
    cost: float
    organiser: str


def plan_name(report: Path) -> str:
    """``rapport_2015_Ar_ia-radet-i-troms.xlsx`` → ``handlingsplan_2015_ia-radet-i-troms.xlsx``."""
    return re.sub(r"^rapport_(\d{4})_Ar_", rf"{PLAN_PREFIX}\1_", report.name)


def _has_plan(book) -> bool:
    sheet = book["Rapport"]
    for label, value, *_ in sheet.iter_rows(values_only=True):
        if label == "Handlingsplan vedtatt":
            return value is not None and str(value).strip().lower() != "nei"
    return False


def _activities(sheet) -> tuple[int, list[_Row]]:
    header = next(r for r in sheet.iter_rows() if r[0].value == "Dato")
    names = [c.value for c in header]
    rows = []
    for cells in sheet.iter_rows(min_row=header[0].row + 1):
        values = dict(zip(names, (c.value for c in cells), strict=False))
        if values.get("Dato") is None:
            continue
        day = values["Dato"]
        rows.append(
            _Row(
                row=cells[0].row,
                day=day.date() if isinstance(day, datetime) else day,
                title=str(values["Aktivitet"]),
                type=str(values["Type"]),
                goals=parse_goals(values["Delmål"]),
                cost=parse_amount_ore(values.get("Kostnad (kr)") or 0) / 100,
                organiser=str(values.get("Ansvarlig") or ""),
            )
        )
    return header[0].row, rows


def _party(organiser: str) -> str:
    """The party an organiser belongs to («LO Troms» → LO), else NAV (the secretariat)."""
    first = organiser.split()[0] if organiser else ""
    return first if first in PARTIES else "NAV"


def _measures(rows: list[_Row], extra: bool) -> tuple[list[list], dict[int, str]]:
    """The plan's measures (rows of ``PLAN_COLUMNS``) and each tied activity's number."""
    tied = rows[:-1] if len(rows) > 3 else rows
    groups: dict[str, list[_Row]] = {}
    for row in tied:
        groups.setdefault(row.type, []).append(row)
    measures, numbers = [], {}
    for number, (kind, group) in enumerate(groups.items(), start=1):
        goal = Counter(g for r in group for g in sorted(r.goals)).most_common(1)[0][0]
        quarter = (group[0].day.month - 1) // 3 + 1
        budget = max(10_000, -(-sum(r.cost for r in group) // 10_000) * 10_000)
        text, who = f"{kind}: {group[0].title}", _party(group[0].organiser)
        measures.append(
            [number, GOALS[goal], str(goal), text, f"{quarter}. kvartal", who, int(budget)]
        )
        numbers.update({r.row: str(number) for r in group})
    if extra:
        goal, text = EXTRA
        measures.append([len(measures) + 1, GOALS[goal], str(goal), text, "3. kvartal",
                         "NAV, NHO", 15_000])  # fmt: skip
    return measures, numbers


def _theme(row: _Row) -> str | None:
    if "ung" in row.title.lower():
        return "Unge"
    return next((THEMES[g] for g in sorted(row.goals) if g in THEMES), None)


def make(directory: Path = SAMPLE_DIR) -> list[str]:
    """Write the plans and tie the reports' activities; returns the files written."""
    rules = load_rules(DEFAULT_RULES_FILE)
    written = []
    reports = sorted(p for y in YEARS for p in directory.glob(f"rapport_{y}_Ar_*.xlsx"))
    for i, report in enumerate(reports):
        book = load_workbook(report)
        if not _has_plan(book):
            continue
        sheet = book["Aktiviteter"]
        header_row, rows = _activities(sheet)
        if sheet.cell(header_row, 11).value is not None:
            raise SystemExit(f"{report.name}: «Aktiviteter» har allerede kolonner etter K")
        measures, numbers = _measures(rows, extra=i % 2 == 0)
        year = int(report.name.split("_")[1])
        council = book["Rapport"]["B4"].value
        plan = fill_plan(new_plan_workbook(year, [council]), council, year,
                         date(year, 1, 20 + i % 8), measures)  # fmt: skip
        (directory / plan_name(report)).write_bytes(workbook_bytes(plan))
        sheet.cell(header_row, 11, "Tiltak nr.")
        sheet.cell(header_row, 12, "Tema")
        assert rules.themes(year) is not None
        for row in rows:
            sheet.cell(row.row, 11, numbers.get(row.row))
            sheet.cell(row.row, 12, _theme(row))
        report.write_bytes(workbook_bytes(book))
        written += [plan_name(report), report.name]
    return written


if __name__ == "__main__":
    for name in make():
        print(name)
