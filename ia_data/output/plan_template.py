"""The blank action plan workbook («Handlingsplan», docs/arbeidsboka.md), laid out as the
importer reads it: the council, the year and the adoption date as labels in column A with
their values in column B, then one row per measure below the header in row 7.

``ia-data template --plan`` and «Last opp» offer it; ``fill_plan`` writes a filled-in plan
in the same layout (the demo data). Byte-stable like the report template.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from sqlmodel import Session

from ia_data.domain.access import Scope
from ia_data.domain.rules import Rules
from ia_data.ingest.plan_sheet import PARTIES
from ia_data.output import template as T
from ia_data.output.spreadsheet import fit_to_page_width
from ia_data.storage.register import councils

PLAN_SHEET = "Handlingsplan"
COUNCIL, YEAR, ADOPTED = "IA-råd", "År", "Vedtatt"
PLAN_FIELDS = (COUNCIL, YEAR, ADOPTED)
PLAN_COLUMNS = ("Nr.", "Mål", "Delmål", "Tiltak", "Når", "Ansvarlig", "Budsjett (kr)")
FIELD_ROW = 3  # «IA-råd» in A3, «År» in A4, «Vedtatt» in A5
PLAN_HEADER_ROW = 7
_WIDTHS = (7, 40, 10, 46, 18, 24, 14)


def build_plan_template(
    year: int | None = None, council_names: list[str] | None = None, *, rules: Rules
) -> bytes:
    """The blank plan workbook as .xlsx bytes; with ``year`` the year is filled in, with
    ``council_names`` the IA-råd cell offers them in a drop-down list."""
    if year is not None and year not in rules.years:
        raise ValueError(f"Rapporteringsreglene har ikke året {year}")
    return T.workbook_bytes(new_plan_workbook(year, council_names))


def new_plan_workbook(year: int | None = None, council_names: list[str] | None = None):
    """The plan template as an openpyxl workbook, for code that fills it in."""
    wb = Workbook()
    ws = wb.active
    ws.title = PLAN_SHEET
    ws["A1"] = "Handlingsplan for IA-rådet"
    ws["A1"].font = T._TITLE
    ws["A2"] = (
        "Ett tiltak per rad. Når: en dato, en måned (mars), et kvartal (2. kvartal) eller "
        "et halvår. Aktivitetene i rapporten knyttes til tiltaket med kolonnen «Tiltak nr.»."
    )
    ws["A2"].font = T._NOTE
    for offset, label in enumerate(PLAN_FIELDS):
        ws.cell(FIELD_ROW + offset, 1, label).font = T._BOLD
        T._input_cell(ws.cell(FIELD_ROW + offset, 2))
    if year is not None:
        ws.cell(FIELD_ROW + 1, 2, year)
    ws.cell(FIELD_ROW + 2, 2).number_format = T.DATE_FORMAT
    _header(ws)
    lists = wb.create_sheet(T.LIST_SHEET)
    ranges = _lists(lists, council_names or [])
    _validations(ws, ranges)
    fit_to_page_width(ws, landscape=True, title_rows=f"{PLAN_HEADER_ROW}:{PLAN_HEADER_ROW}")
    wb.active = 0
    return wb


def fill_plan(
    wb: Workbook, council: str, year: int, adopted: date | None, measures: Iterable[Sequence]
) -> Workbook:
    """Write a plan into a workbook from ``new_plan_workbook``: each measure a row of values
    in the order of ``PLAN_COLUMNS``."""
    ws = wb[PLAN_SHEET]
    T._set(ws.cell(FIELD_ROW, 2), council)
    T._set(ws.cell(FIELD_ROW + 1, 2), year)
    if adopted is not None:
        T._set(ws.cell(FIELD_ROW + 2, 2), adopted)
    budget = PLAN_COLUMNS.index("Budsjett (kr)")
    for r, values in enumerate(measures, start=PLAN_HEADER_ROW + 1):
        for c, value in enumerate(values):
            if value is not None and value != "":
                T._set(ws.cell(r, c + 1), value, amount=c == budget)
    return wb


def _header(ws) -> None:
    for c, (name, width) in enumerate(zip(PLAN_COLUMNS, _WIDTHS, strict=True), start=1):
        cell = ws.cell(PLAN_HEADER_ROW, c, name)
        cell.font = T._BOLD
        cell.fill = T._HEADER_FILL
        cell.border = T._BOX
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = f"A{PLAN_HEADER_ROW + 1}"
    letter = get_column_letter(PLAN_COLUMNS.index("Budsjett (kr)") + 1)
    ws.column_dimensions[letter].number_format = T.AMOUNT_FORMAT


def _lists(ws, council_names: list[str]) -> dict[str, str]:
    columns = {
        "Delmål": list(T.SUB_GOAL_CHOICES),
        "Ansvarlig": list(PARTIES),
        "IA-råd": list(council_names),
    }
    ranges = {}
    for c, (name, items) in enumerate(columns.items(), start=1):
        ws.cell(1, c, name).font = T._BOLD
        for r, item in enumerate(items, start=2):
            ws.cell(r, c, item)
        if items:
            letter = get_column_letter(c)
            ranges[name] = f"{T.LIST_SHEET}!${letter}$2:${letter}${len(items) + 1}"
    ws.sheet_state = "hidden"
    return ranges


def _validations(ws, ranges: dict[str, str]) -> None:
    first, last = PLAN_HEADER_ROW + 1, T.LAST_ROW
    hints = [
        ("Delmål", "1 = sykefravær, 2 = nedsatt funksjonsevne, 3 = seniorer. Flere: «1, 3»."),
        ("Ansvarlig", "Partene, for eksempel «NAV, NHO». Annen tekst godtas med en advarsel."),
    ]
    for name, prompt in hints:
        validation = T._list_validation(ranges[name], name, prompt, strict=False)
        letter = get_column_letter(PLAN_COLUMNS.index(name) + 1)
        validation.add(f"{letter}{first}:{letter}{last}")
        ws.add_data_validation(validation)
    council = (
        T._list_validation(ranges["IA-råd"], COUNCIL, "Rådets navn eller fylket.", strict=False)
        if "IA-råd" in ranges
        else T._prompt(COUNCIL, "Rådets navn, fylkets navn eller fylkesnummeret.")
    )
    council.add(f"B{FIELD_ROW}")
    ws.add_data_validation(council)


def plan_template_for_year(session: Session, year: int, rules: Rules, *, scope: Scope) -> bytes:
    """The blank plan workbook for ``year`` with the councils in scope that exist that year
    (for the operator, the same file as ``ia-data template --plan --year``)."""
    names = [c.name for c in councils(session, scope.council_ids()) if c.exists_in(year)]
    return build_plan_template(year, names, rules=rules)
