"""The demo's action plans (issue 25): a plan for every council and year of the demo
(2012–2016; 2012–2014 are half-yearly, and both halves' reports tie to the year's one
plan), except where a report of the year says «Nei» to «Handlingsplan vedtatt» — a plan
would contradict the council's own report and Avvik, so those stay the demo's «ingen plan»
— and the reports' activities tied to its measures («Tiltak nr.») and, in a year whose
letter names themes, to them («Tema»: 2012 «Jobbstrategien for personer med nedsatt
funksjonsevne» on the activities of sub-goal 2; 2015–2016 the 2015 letter's themes).

Run it after ``ia_data.demo.sample``; the results are committed beside the other demo
workbooks:

    uv run python -m ia_data.demo.plans

Each plan is made from what its reports did, as a secretariat plans: one measure per kind of
activity (its sub-goal's goal, planned for the quarter of its first activity, the budget
its activities cost rounded up to 10 000 kr), and for every other council one measure more
that nothing was done under (overdue). The year's last activity of a council with more than
three is left outside the plan. A council with no report for a year gets a plan of three
measures that nothing was done under (all overdue). The report workbooks are changed in
place — the columns added to «Aktiviteter», nothing else — not regenerated
(``ia_data.demo.sample`` would rewrite them). A report that has the columns already has
them written again, so a second run gives the same bytes as the first.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook

from ia_data.demo import SAMPLE_DIR
from ia_data.demo.sample import slug
from ia_data.domain.register import read_register_file
from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules
from ia_data.domain.values import parse_amount_ore, parse_goals
from ia_data.ingest.plan_sheet import PARTIES
from ia_data.output.plan_template import fill_plan, new_plan_workbook
from ia_data.output.template import workbook_bytes

YEARS = (2012, 2013, 2014, 2015, 2016)
LETTER_2015 = (2015, 2016)  # the years whose plans the demo had first (their order kept)
PLAN_PREFIX = "handlingsplan_"
GOALS = {
    1: "Lavere sykefravær gjennom bedre oppfølging og forebygging",
    2: "Flere personer med nedsatt funksjonsevne i arbeid",
    3: "Seniorene står lenger i arbeid",
}
EXTRA = (2, "Erfaringssamling for virksomheter som ansetter unge med nedsatt funksjonsevne")
THEMES = {1: "Dialog og tidlig oppfølging av sykmeldte", 2: "Personer med nedsatt funksjonsevne"}
JOBBSTRATEGIEN = "Jobbstrategien for personer med nedsatt funksjonsevne"  # 2012, sub-goal 2
NO_REPORT = (  # the plan of a council with no report for the year: nothing done, overdue
    [1, GOALS[1], "1", "Dialogmøter med virksomheter med høyt sykefravær", "2. kvartal", "NAV",
     40_000],
    [2, GOALS[2], "2", EXTRA[1], "3. kvartal", "NAV, NHO", 15_000],
    [3, GOALS[3], "3", "Seniorseminar for kommunene", "4. kvartal", "KS", 30_000],
)  # fmt: skip
THEMED_YEARS = [y for y in YEARS if load_rules(DEFAULT_RULES_FILE).themes(y) is not None]
TIE_COLUMN, THEME_COLUMN = 11, 12  # K and L of «Aktiviteter», after «Kommentar»


@dataclass
class _Row:
    report: int  # which of the year's reports (0, or 0 and 1 for the halves)
    row: int
    day: date
    title: str
    type: str
    goals: frozenset[int]
    cost: float
    organiser: str


def plan_name(year: int, council_slug: str) -> str:
    """``handlingsplan_2015_ia-radet-i-troms.xlsx``."""
    return f"{PLAN_PREFIX}{year}_{council_slug}.xlsx"


def _says_no(book) -> bool:
    """The report answers «Nei» to «Handlingsplan vedtatt»."""
    for label, value, *_ in book["Rapport"].iter_rows(values_only=True):
        if label == "Handlingsplan vedtatt":
            return value is not None and str(value).strip().lower() == "nei"
    return False


def _activities(sheet, report: int = 0) -> tuple[int, list[_Row]]:
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
                report=report,
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


def _measures(rows: list[_Row], extra: bool) -> tuple[list[list], dict[tuple[int, int], str]]:
    """The plan's measures (rows of ``PLAN_COLUMNS``) and each tied activity's number, by
    (report, row)."""
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
        numbers.update({(r.report, r.row): str(number) for r in group})
    if extra:
        goal, text = EXTRA
        measures.append([len(measures) + 1, GOALS[goal], str(goal), text, "3. kvartal",
                         "NAV, NHO", 15_000])  # fmt: skip
    return measures, numbers


def _theme(row: _Row, year: int) -> str | None:
    """The activity's priority theme, where the year has themes."""
    if year == 2012:
        return JOBBSTRATEGIEN if 2 in row.goals else None
    if year < 2015:
        return None
    if "ung" in row.title.lower():
        return "Unge"
    return next((THEMES[g] for g in sorted(row.goals) if g in THEMES), None)


def _councils(directory: Path, year: int) -> list[tuple[str, str]]:
    """(slug, name) of each council of the demo register that exists in ``year``, by slug."""
    register = read_register_file(directory / "register.toml")
    return sorted(
        (slug(c["name"]), c["name"])
        for c in register["council"]
        if (c.get("from_year") or year) <= year <= (c.get("to_year") or year)
    )


def _number(year: int, council_slug: str, directory: Path) -> int:
    """The plan's place in the demo, which picks its extra measure and adoption day: for
    2015–2016 its report's place among those years' reports (as the demo's first plans)."""
    first = sorted(p.name for y in LETTER_2015 for p in directory.glob(f"rapport_{y}_Ar_*.xlsx"))
    name = f"rapport_{year}_Ar_{council_slug}.xlsx"
    return first.index(name) if name in first else year + len(council_slug)


def _tie(book, numbers: dict, report: int, rows: list[_Row], year: int, header_row: int) -> None:
    """Write «Tiltak nr.» (and, where the year has themes, «Tema») beside the activities;
    again where a run before wrote them."""
    sheet = book["Aktiviteter"]
    if sheet.cell(header_row, TIE_COLUMN).value not in (None, "Tiltak nr."):
        raise SystemExit(f"«Aktiviteter» har allerede andre kolonner etter K ({year})")
    themed = year in THEMED_YEARS
    sheet.cell(header_row, TIE_COLUMN, "Tiltak nr.")
    if themed:
        sheet.cell(header_row, THEME_COLUMN, "Tema")
    for row in rows:
        if row.report == report:
            sheet.cell(row.row, TIE_COLUMN, numbers.get((row.report, row.row)))
            if themed:
                sheet.cell(row.row, THEME_COLUMN, _theme(row, year))


def make(directory: Path = SAMPLE_DIR) -> list[str]:
    """Write the plans and tie the reports' activities; returns the files written."""
    written = []
    for year in YEARS:
        for council_slug, name in _councils(directory, year):
            reports = sorted(directory.glob(f"rapport_{year}_*_{council_slug}.xlsx"))
            books = [load_workbook(r) for r in reports]
            if any(_says_no(b) for b in books):
                continue  # the demo's «ingen plan»: the council's own report says so
            i = _number(year, council_slug, directory)
            found = [_activities(b["Aktiviteter"], k) for k, b in enumerate(books)]
            rows = [r for _, report_rows in found for r in report_rows]
            measures, numbers = _measures(rows, extra=i % 2 == 0) if rows else (NO_REPORT, {})
            council = books[0]["Rapport"]["B4"].value if year in LETTER_2015 and books else name
            plan = fill_plan(new_plan_workbook(year, [council]), council, year,
                             date(year, 1, 20 + i % 8), measures)  # fmt: skip
            (directory / plan_name(year, council_slug)).write_bytes(workbook_bytes(plan))
            written.append(plan_name(year, council_slug))
            for k, (report, book) in enumerate(zip(reports, books, strict=True)):
                _tie(book, numbers, k, rows, year, found[k][0])
                report.write_bytes(workbook_bytes(book))
                written.append(report.name)
    return written


if __name__ == "__main__":
    for name in make():
        print(name)
