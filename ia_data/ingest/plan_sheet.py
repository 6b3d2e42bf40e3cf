"""An action plan workbook («Handlingsplan», docs/arbeidsboka.md): the council, the year
and the adoption date as labels above the table, then one row per measure — its number,
goal, sub-goals, the measure, when it is planned (a date, a month, a quarter, a half-year
or the whole year), who is responsible and its budget. Every problem is reported at once,
each naming the sheet, the Excel row and the column as written."""

from __future__ import annotations

import calendar
import re
from datetime import date

from ia_data.domain import values as V
from ia_data.domain.limits import COMMENT_TEXT, SHORT_TEXT
from ia_data.domain.register import CouncilInfo, CouncilMatcher
from ia_data.domain.rules import Rules
from ia_data.domain.text import clean, fold, fold_label
from ia_data.ingest.parsed import ParsedMeasure, ParsedWorkbook
from ia_data.ingest.workbook import Sheet, cell_name

PLAN_SHEET = ("Handlingsplan", "Handlingsplaner", "Action plan", "Plan")
PLAN_LABELS = {
    "council": ("IA-råd", "IA-rådet", "Råd", "Fylke", "Council"),
    "year": ("År", "Planår", "Handlingsplan for", "Year"),
    "adopted": ("Vedtatt", "Vedtatt dato", "Dato vedtatt", "Adopted"),
}
PLAN_COLUMNS = {
    "number": ("Nr.", "Nr", "Nummer", "Tiltak nr.", "Tiltaksnummer", "No."),
    "goal": ("Mål", "Målsetting", "Goal"),
    "goals": ("Delmål", "Delmal", "IA-delmål", "Sub-goal"),
    "measure": ("Tiltak", "Aktivitet", "Beskrivelse", "Measure"),
    "planned": ("Når", "Tidspunkt", "Planlagt", "Frist", "Tidsplan", "When"),
    "responsible": ("Ansvarlig", "Ansvarlig part", "Ansvar", "Responsible"),
    "budget": ("Budsjett", "Budsjett IA-rådsmidler", "Beløp", "Kostnad", "Budget"),
}
PLAN_REQUIRED = ("number", "goal", "measure", "planned")
# The parties of the IA agreement and the state's own, as a plan names who is responsible.
PARTIES = (
    "NAV",
    "NHO",
    "LO",
    "KS",
    "Spekter",
    "Virke",
    "Unio",
    "YS",
    "Akademikerne",
    "Fylkesmannen",
    "Statsforvalteren",
    "Arbeidstilsynet",
)
_PARTY_KEYS = {fold(p): p for p in PARTIES}
_PARTY_SPLIT = re.compile(r"\s*(?:,|/|&|\+|;|\bog\b)\s*", re.IGNORECASE)
NUMBER_TEXT = 20  # the longest measure number («1.2.3», «A12»)

MONTHS = (
    "januar", "februar", "mars", "april", "mai", "juni",
    "juli", "august", "september", "oktober", "november", "desember",
)  # fmt: skip
_MONTH_KEYS = {
    **{m: i for i, m in enumerate(MONTHS, 1)},
    **{m[:3]: i for i, m in enumerate(MONTHS, 1)},
}
_YEAR_AT_END = re.compile(r"^(?P<rest>.*?)\s*(?P<year>\d{4})$")
_QUARTER = re.compile(r"^(?:(?P<a>[1-4])\.?\s*(?:kvartal|kv\.?)|(?:k|q|kv\.?)\s*(?P<b>[1-4]))$")
_HALF = re.compile(r"^(?P<n>[12])\.?\s*halvår$")
_MONTH_NUMBER = re.compile(r"^(?P<m>\d{1,2})[./](?P<y>\d{4})$|^(?P<y2>\d{4})-(?P<m2>\d{1,2})$")
PLANNED_FORMS = (
    "en dato som 15.03.2015, en måned som mars 2015, et kvartal som 2. kvartal 2015, "
    "et halvår som 1. halvår 2015 eller året (2015)"
)


def parse_plan(
    sheet: Sheet, result: ParsedWorkbook, councils: list[CouncilInfo], rules: Rules, table_rows
) -> None:
    """Read the plan's labels and its measures into ``result`` (``table_rows`` is the
    importer's table reader, so headers are found as in the reports)."""
    fields = _labels(sheet)
    year = _plan_year(sheet, fields, result, rules)
    result.plan_year = year
    result.council = _plan_council(sheet, fields, result, councils, year)
    adopted = fields.get("adopted")
    if adopted is not None and not V.is_empty(adopted[1]):
        try:
            result.plan_adopted = V.parse_date(adopted[1])
        except V.ValueProblem as exc:
            result.error(f"{adopted[0]}: {exc}", sheet=sheet.name)
    seen: dict[str, int] = {}
    columns = PLAN_COLUMNS
    rows = 0
    for row, cells in table_rows(sheet, columns, PLAN_REQUIRED, result, rows_without_all=True):
        rows += 1
        number, measure = _parse_measure(sheet.name, row, cells, result, year)
        key = measure_key(number) if number is not None else None
        if key in seen:
            result.error(
                f"tiltak nr. {number} står også på rad {seen[key]}; et nummer kan "
                "bare brukes én gang i planen",
                sheet=sheet.name,
                row=row,
                column=cells["number"][1],
            )
            continue
        if key is not None:
            seen[key] = row
        if measure is not None:
            result.measures.append(measure)
    if not rows and not any(p.row for p in result.errors):
        result.error("arket har ingen tiltak", sheet=sheet.name)
    result.problems.sort(key=lambda p: p.row or 0)


def measure_key(number: str) -> str:
    """The form two measure numbers are compared in: case, spaces and a trailing dot do
    not matter («1.», «1» and « 1 » are one measure; «a3» is «A3»)."""
    return re.sub(r"\s+", "", number).rstrip(".").casefold()


def parse_measure_number(value: object) -> str:
    """A measure's number as written: a whole number cell as «3», a decimal one as «2.1»,
    a text trimmed (at most 20 characters)."""
    if isinstance(value, bool):
        raise V.ValueProblem(f"«{V.shown(value)}» er ikke et tiltaksnummer")
    if isinstance(value, int | float):
        if value < 0:
            raise V.ValueProblem(f"«{V.shown(value)}» er ikke et tiltaksnummer")
        return str(int(value)) if float(value).is_integer() else f"{value:g}"
    text = V.parse_text(value, NUMBER_TEXT).rstrip(".").strip()
    if not text:
        raise V.ValueProblem(f"«{V.shown(value)}» er ikke et tiltaksnummer")
    return text


def parse_planned(value: object, year: int | None) -> tuple[str, date]:
    """A planned time → (how the app shows it, its last day). A month, quarter or half-year
    without a year is in the plan's ``year``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 1900 <= value <= 2100:
            return str(int(value)), date(int(value), 12, 31)
        day = V.parse_date(value)
        return f"{day:%d.%m.%Y}", day
    if isinstance(value, date):
        day = V.parse_date(value)
        return f"{day:%d.%m.%Y}", day
    text = clean(value).lower().rstrip(".")
    try:
        day = V.parse_date(text)
    except V.ValueProblem:
        pass
    else:
        return f"{day:%d.%m.%Y}", day
    found = _period_in(text, year)
    if found is None:
        raise V.ValueProblem(f"«{V.shown(value)}» er ikke et tidspunkt (forventet {PLANNED_FORMS})")
    return found


def _period_in(text: str, year: int | None) -> tuple[str, date] | None:
    """A month, quarter, half-year or year in ``text`` (``None``: none of them)."""
    numbered = _MONTH_NUMBER.match(text)
    if numbered:
        month = int(numbered["m"] or numbered["m2"])
        at = int(numbered["y"] or numbered["y2"])
        return _month(month, at) if 1 <= month <= 12 else None
    if re.fullmatch(r"\d{4}", text) or text in ("hele året", "helår"):
        at = int(text) if text.isdigit() else year
        return (str(at), date(at, 12, 31)) if at else None
    rest, at = text, year
    with_year = _YEAR_AT_END.match(text)
    if with_year:
        rest, at = with_year["rest"].strip(), int(with_year["year"])
    if at is None:
        return None
    if rest in _MONTH_KEYS:
        return _month(_MONTH_KEYS[rest], at)
    quarter = _QUARTER.match(rest)
    if quarter:
        n = int(quarter["a"] or quarter["b"])
        return f"{n}. kvartal {at}", _month_end(at, 3 * n)
    half = _HALF.match(rest)
    if half:
        n = int(half["n"])
        return f"{n}. halvår {at}", _month_end(at, 6 * n)
    return None


def _month(month: int, year: int) -> tuple[str, date]:
    return f"{MONTHS[month - 1]} {year}", _month_end(year, month)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _labels(sheet: Sheet) -> dict[str, tuple[str, object, int, int]]:
    """The labels above the table (the first row with two column names ends them): field →
    (label as written, value, Excel row, 0-based column of the value)."""
    keys = {fold_label(label): key for key, labels in PLAN_LABELS.items() for label in labels}
    headers = {fold_label(name) for names in PLAN_COLUMNS.values() for name in names}
    found: dict[str, tuple[str, object, int, int]] = {}
    for r, row in enumerate(sheet.rows[:20]):
        texts = [fold_label(c) for c in row if isinstance(c, str)]
        if sum(t in headers for t in texts) >= 2:
            break  # the table's header: the labels stand above it
        for c, cell in enumerate(row):
            if V.is_empty(cell) or not isinstance(cell, str):
                continue
            key = keys.get(fold_label(cell))
            if key is None or key in found:
                continue
            rest = [(i, v) for i, v in enumerate(row[c + 1 :], c + 1) if not V.is_empty(v)]
            if rest:
                found[key] = (clean(cell).rstrip(":*").strip(), rest[0][1], r + 1, rest[0][0])
            break  # one label per row: a table header holds none of these
    return found


def _plan_year(sheet: Sheet, fields: dict, result: ParsedWorkbook, rules: Rules) -> int | None:
    if "year" not in fields:
        also = ", ".join(PLAN_LABELS["year"][1:])
        result.error(
            f"feltet «År» mangler over tabellen (godtatt også: {also})",
            sheet=sheet.name,
        )
        return None
    label, value, row, col = fields["year"]
    text = V.shown(value)
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    year = int(number) if number is not None and float(number).is_integer() else None
    if year is None and re.fullmatch(r"\s*\d{4}\s*", text):
        year = int(text)
    where = f"{label} ({cell_name(row, col + 1)})"
    if year is None:
        result.error(f"{where}: «{text}» er ikke et årstall", sheet=sheet.name)
        return None
    if year not in rules.years:
        result.error(
            f"{where}: {year} er ikke et rapporteringsår (årene er "
            f"{rules.years[0]}–{rules.years[-1]})",
            sheet=sheet.name,
        )
        return None
    return year


def _plan_council(sheet, fields, result, councils, year) -> CouncilInfo | None:
    if "council" not in fields:
        result.error(
            "feltet «IA-råd» mangler over tabellen "
            f"(godtatt også: {', '.join(PLAN_LABELS['council'][1:])})",
            sheet=sheet.name,
        )
        return None
    label, value, row, col = fields["council"]
    hits = CouncilMatcher(councils).match(V.shown(value), year)
    if len(hits) != 1:
        when = f" for {year}" if year else ""
        result.error(
            f"{label} ({cell_name(row, col + 1)}): «{V.shown(value)}» er ikke et IA-råd i "
            f"registeret{when}",
            sheet=sheet.name,
        )
        return None
    return hits[0]


def _parse_measure(sheet, row, cells, result, year) -> tuple[str | None, ParsedMeasure | None]:
    """The row's number (``None``: none readable) and its measure (``None``: a problem)."""
    from ia_data.ingest.parse import _Row  # the reports' row reader (one way to read a cell)

    values = _Row(sheet, row, cells, result)
    number = values.get("number", parse_measure_number, required=True)
    goal = values.get("goal", _comment, required=True)
    goals = values.get("goals", V.parse_goals, default=frozenset())
    measure = values.get("measure", _comment, required=True)
    # Without a year (an error said so) a month is read in any year, to find other problems.
    planned = values.get("planned", lambda v: parse_planned(v, year or 2000), required=True)
    if planned is not None and year is not None and planned[1].year != year:
        values.ok = False
        result.error(
            f"«{planned[0]}» ligger utenfor planåret {year}",
            sheet=sheet,
            row=row,
            column=cells["planned"][1],
            found=V.shown(cells["planned"][0]),
        )
    responsible = values.get("responsible", _short, default="")
    if responsible:
        _check_parties(responsible, sheet, row, cells["responsible"][1], result)
    budget = values.get("budget", V.parse_amount_ore)
    if not values.ok:
        return number, None
    return number, ParsedMeasure(
        row=row,
        number=number,
        goal=goal,
        measure=measure,
        planned=planned[0],
        planned_by=planned[1],
        goals=goals,
        responsible=responsible,
        budget_ore=budget,
    )


def _check_parties(text: str, sheet: str, row: int, column: str, result: ParsedWorkbook):
    """A warning for each name in «Ansvarlig» that is not a known party (kept as written)."""
    unknown = [
        part
        for part in _PARTY_SPLIT.split(text)
        if part and fold(part) not in _PARTY_KEYS and not fold(part).startswith("nav")
    ]
    if unknown:
        names = ", ".join(f"«{u}»" for u in unknown)
        result.warn(
            f"{names} er ikke en kjent part og lagres som skrevet (kjente parter: "
            f"{', '.join(PARTIES)})",
            sheet=sheet,
            row=row,
            column=column,
        )


def _short(value: object) -> str:
    return V.parse_text(value, SHORT_TEXT)


def _comment(value: object) -> str:
    return V.parse_text(value, COMMENT_TEXT)
