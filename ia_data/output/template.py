"""The report workbook a council's secretariat fills in, laid out as the importer reads it.

``build_template`` gives the blank workbook that «Last opp» and ``ia-data template`` offer
for download; ``new_report_workbook`` and ``fill_report`` give the same layout to code that
writes filled-in reports (the sample data), so a sample file looks like a real one.
The layout follows docs/arbeidsboka.md: sheet ``Rapport`` with labels in column A and values in
column B, and the tables ``Aktiviteter`` and ``Møter`` with their header in row 3.

Output is byte-stable: the same arguments give the same bytes, because the document
properties and the zip entries carry a fixed timestamp instead of the time of writing.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Border, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter
from sqlmodel import Session

from ia_data.domain.access import Scope
from ia_data.domain.questions import QUESTIONS
from ia_data.domain.rules import Rules
from ia_data.domain.values import ACTIVITY_TYPES, STATUSES
from ia_data.output.spreadsheet import alignment, fit_to_page_width, font, solid_fill
from ia_data.storage.register import councils

TIMESTAMP = datetime(2026, 1, 1)
CREATOR = "IA-rådsoversikt"

REPORT_SHEET = "Rapport"
ACTIVITY_SHEET = "Aktiviteter"
MEETING_SHEET = "Møter"
LIST_SHEET = "Lister"

COUNCIL = "IA-råd"
PERIOD = "Rapportperiode"
SUBMITTED = "Innsendt dato"
CONTACT = "Kontaktperson"
CHAIR = "Rådets leder"
CHAIR_ORGANISATION = "Leders organisasjon"
ACTION_PLAN = "Handlingsplan vedtatt"
REPORT_FIELDS = (COUNCIL, PERIOD, SUBMITTED, CONTACT, CHAIR, CHAIR_ORGANISATION, ACTION_PLAN)
QUESTION_LABELS = tuple(f"{k}. {question}" for k, question in enumerate(QUESTIONS, start=1))

ACTIVITY_COLUMNS = (
    "Dato",
    "Aktivitet",
    "Type",
    "Delmål",
    "Bransje/sektor",
    "Antall deltakere",
    "Kostnad (kr)",
    "Status",
    "Ansvarlig",
    "Kommentar",
)
MEETING_COLUMNS = ("Dato", "Møtetype", "Deltakende parter", "Kommentar")
SUB_GOAL_CHOICES = ("1", "2", "3", "1, 2", "1, 3", "2, 3", "1, 2, 3")
YES_NO = ("ja", "nei")

HEADER_ROW = 3  # the header row of the table sheets; data starts below it
LAST_ROW = 2000  # drop-down lists reach this row
FIELD_ROW = 4  # the first label row on «Rapport»
QUESTION_ROW = FIELD_ROW + len(REPORT_FIELDS) + 2  # row of question 1 (a heading above it)

DATE_FORMAT = "dd.mm.yyyy"
AMOUNT_FORMAT = "#,##0"
AMOUNT_ORE_FORMAT = "#,##0.00"
WHOLE_FORMAT = "0"

_ACTIVITY_WIDTHS = (12, 46, 18, 10, 22, 11, 14, 14, 26, 40)
_MEETING_WIDTHS = (12, 20, 40, 50)
_TITLE = font(bold=True, size=14)
_NOTE = font(italic=True, color="555555")
_BOLD = font(bold=True)
_HEADER_FILL = solid_fill("D9E1F2")
_INPUT_FILL = solid_fill("FFF9E5")
_THIN = Side(style="thin", color="B4B4B4")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_TOP = alignment(wrap_text=True, vertical="top")


def period_labels(year: int, rules: Rules) -> list[str]:
    """How the template writes the periods of ``year``: ``2012 H1``, ``2012 H2`` or ``2015``."""
    return [str(year) if p.code == "År" else f"{year} {p.code}" for p in rules.periods(year)]


def build_template(
    year: int | None = None, councils: list[str] | None = None, *, rules: Rules
) -> bytes:
    """The blank report workbook as .xlsx bytes.

    With ``councils``, the IA-råd cell offers them in a drop-down list; with ``year``, the
    period cell offers that year's periods. Both lists only help: other spellings that the
    importer accepts (``Troms``, ``19``, ``1. halvår 2012``) can still be typed.
    """
    return workbook_bytes(new_report_workbook(year, councils, rules=rules))


def new_report_workbook(
    year: int | None = None, councils: list[str] | None = None, *, rules: Rules
) -> Workbook:
    """The template as an openpyxl workbook, for code that fills it in before saving."""
    periods = period_labels(year, rules) if year is not None else None
    if year is not None and not periods:
        raise ValueError(f"Rapporteringsreglene har ingen rapportperioder for {year}")
    wb = Workbook()
    report = wb.active
    report.title = REPORT_SHEET
    activities = wb.create_sheet(ACTIVITY_SHEET)
    meetings = wb.create_sheet(MEETING_SHEET)
    lists = wb.create_sheet(LIST_SHEET)
    ranges = _write_lists(lists, councils or [], periods or [])
    _lay_out_report(report, ranges)
    _lay_out_activities(activities, ranges)
    expected = rules.meetings_expected(year) if year is not None else None
    _lay_out_table(
        meetings,
        "Møter i IA-rådet",
        "Én rad per møte i rådet"
        + (f" (det forventes {expected[0]}–{expected[1]} møter i året)." if expected else "."),
        MEETING_COLUMNS,
        _MEETING_WIDTHS,
    )
    # Printed, each sheet's labels and values are on one page across (the report in
    # portrait, the wide tables in landscape), as many pages down as it needs.
    fit_to_page_width(report, landscape=False)
    fit_to_page_width(activities, landscape=True, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    fit_to_page_width(meetings, landscape=False, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    wb.active = 0
    return wb


def fill_report(
    wb: Workbook,
    fields: Mapping[str, object],
    answers: Sequence[str | None] = (),
    activities: Iterable[Sequence[object]] = (),
    meetings: Iterable[Sequence[object]] = (),
) -> Workbook:
    """Write a report into a workbook from ``new_report_workbook``.

    ``fields`` maps the «Rapport» labels (``REPORT_FIELDS``) to values; ``answers`` holds
    the answers to questions 1–5 (``None`` or ``""`` leaves one empty); each activity and
    meeting is a row of values in the order of ``ACTIVITY_COLUMNS`` / ``MEETING_COLUMNS``.
    Dates become date cells, amounts keep their øre.
    """
    unknown = set(fields) - set(REPORT_FIELDS)
    if unknown:
        raise KeyError(f"Unknown report fields: {sorted(unknown)}")
    report = wb[REPORT_SHEET]
    for offset, label in enumerate(REPORT_FIELDS):
        if fields.get(label) is not None:
            _set(report.cell(FIELD_ROW + offset, 2), fields[label])
    for offset, answer in enumerate(answers[: len(QUESTIONS)]):
        if answer:
            report.cell(QUESTION_ROW + offset, 2).value = answer
    cost_column = ACTIVITY_COLUMNS.index("Kostnad (kr)")
    _fill_table(wb[ACTIVITY_SHEET], ACTIVITY_COLUMNS, activities, amount_column=cost_column)
    _fill_table(wb[MEETING_SHEET], MEETING_COLUMNS, meetings)
    return wb


def workbook_bytes(wb: Workbook, timestamp: datetime = TIMESTAMP) -> bytes:
    """Save a workbook as .xlsx bytes that depend on its content and ``timestamp`` only.

    openpyxl stamps the document and every zip entry with the time of saving; here both
    get ``timestamp``, so regenerating a file that did not change gives the same bytes.
    """
    wb.properties.creator = CREATOR
    wb.properties.lastModifiedBy = CREATOR
    wb.properties.created = timestamp
    wb.properties.modified = timestamp
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()  # save_workbook() would reset «modified» to now
    stable = io.BytesIO()
    with (
        zipfile.ZipFile(raw) as source,
        zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=timestamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return stable.getvalue()


# --- layout ----------------------------------------------------------------------------


def _write_lists(ws: Worksheet, councils: list[str], periods: list[str]) -> dict[str, str]:
    """Fill the hidden «Lister» sheet; return list name → absolute range for validations."""
    columns = {
        "Aktivitetstype": list(ACTIVITY_TYPES),
        "Delmål": list(SUB_GOAL_CHOICES),
        "Status": list(STATUSES),
        "Handlingsplan": list(YES_NO),
        "IA-råd": list(councils),
        "Rapportperiode": list(periods),
    }
    ranges = {}
    for c, (name, items) in enumerate(columns.items(), start=1):
        ws.cell(1, c, name).font = _BOLD
        for r, item in enumerate(items, start=2):
            ws.cell(r, c, item)
        ws.column_dimensions[get_column_letter(c)].width = max([14, *(len(i) + 2 for i in items)])
        if items:
            letter = get_column_letter(c)
            ranges[name] = f"{LIST_SHEET}!${letter}$2:${letter}${len(items) + 1}"
    ws.sheet_state = "hidden"
    return ranges


def _list_validation(
    ref: str, title: str, prompt: str, *, strict: bool, error: str = ""
) -> DataValidation:
    validation = DataValidation(type="list", formula1=ref, allow_blank=True)
    validation.showInputMessage = True
    validation.promptTitle = title
    validation.prompt = prompt
    validation.showErrorMessage = strict
    if strict:
        validation.errorTitle = title
        validation.error = error
    return validation


def _prompt(title: str, prompt: str) -> DataValidation:
    """A validation that only shows a hint when the cell is selected."""
    validation = DataValidation(allow_blank=True)
    validation.showInputMessage = True
    validation.promptTitle = title
    validation.prompt = prompt
    return validation


def _lay_out_report(ws: Worksheet, ranges: dict[str, str]) -> None:
    ws["A1"] = "Rapport fra IA-rådet"
    ws["A1"].font = _TITLE
    ws["A2"] = (
        "Fyll ut kolonne B. Datoer skrives som dd.mm.åååå. Aktiviteter og møter føres på "
        "arkene «Aktiviteter» og «Møter»."
    )
    ws["A2"].font = _NOTE
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 90
    for offset, label in enumerate(REPORT_FIELDS):
        row = FIELD_ROW + offset
        ws.cell(row, 1, label).font = _BOLD
        _input_cell(ws.cell(row, 2))
    ws.cell(FIELD_ROW + REPORT_FIELDS.index(SUBMITTED), 2).number_format = DATE_FORMAT
    ws.cell(FIELD_ROW + REPORT_FIELDS.index(ACTION_PLAN), 2).number_format = DATE_FORMAT
    heading = ws.cell(QUESTION_ROW - 1, 1, "Spørsmålene fra Oppfølgingsgruppen for IA-avtalen")
    heading.font = _BOLD
    for offset, label in enumerate(QUESTION_LABELS):
        row = QUESTION_ROW + offset
        cell = ws.cell(row, 1, label)
        cell.font = _BOLD
        cell.alignment = _WRAP_TOP
        _input_cell(ws.cell(row, 2))
        ws.row_dimensions[row].height = 110

    def hint(label: str, list_name: str, prompt: str) -> None:
        if list_name in ranges:
            validation = _list_validation(ranges[list_name], label, prompt, strict=False)
        else:
            validation = _prompt(label, prompt)
        validation.add(f"B{FIELD_ROW + REPORT_FIELDS.index(label)}")
        ws.add_data_validation(validation)

    hint(COUNCIL, "IA-råd", "Rådets navn, fylkets navn eller fylkesnummeret.")
    hint(PERIOD, "Rapportperiode", "For eksempel 2012 H1, 1. halvår 2012 eller 2015.")
    hint(SUBMITTED, "", "Datoen rapporten sendes, dd.mm.åååå.")
    hint(ACTION_PLAN, "Handlingsplan", "Datoen planen ble vedtatt (dd.mm.åååå), eller ja/nei.")


def _lay_out_activities(ws: Worksheet, ranges: dict[str, str]) -> None:
    _lay_out_table(
        ws,
        "Aktiviteter finansiert av IA-rådet",
        "Én rad per aktivitet. Delmål: 1, 2 og/eller 3 (for eksempel «1, 3»). "
        "Tom status betyr gjennomført.",
        ACTIVITY_COLUMNS,
        _ACTIVITY_WIDTHS,
    )
    first, last = HEADER_ROW + 1, LAST_ROW

    def column(name: str) -> str:
        return get_column_letter(ACTIVITY_COLUMNS.index(name) + 1)

    def span(name: str) -> str:
        return f"{column(name)}{first}:{column(name)}{last}"

    validations = [
        (
            _list_validation(
                ranges["Aktivitetstype"],
                "Type",
                "Velg aktivitetstype.",
                strict=True,
                error="Velg en aktivitetstype fra listen.",
            ),
            "Type",
        ),
        (
            _list_validation(
                ranges["Delmål"],
                "Delmål",
                "1 = sykefravær, 2 = nedsatt funksjonsevne, 3 = seniorer. Flere: «1, 3».",
                strict=False,
            ),
            "Delmål",
        ),
        (
            _list_validation(
                ranges["Status"],
                "Status",
                "Tom status betyr gjennomført.",
                strict=True,
                error="Velg en status fra listen.",
            ),
            "Status",
        ),
    ]
    for validation, name in validations:
        validation.add(span(name))
        ws.add_data_validation(validation)
    ws.column_dimensions[column("Dato")].number_format = DATE_FORMAT
    ws.column_dimensions[column("Antall deltakere")].number_format = WHOLE_FORMAT
    ws.column_dimensions[column("Kostnad (kr)")].number_format = AMOUNT_FORMAT


def _lay_out_table(
    ws: Worksheet, title: str, note: str, columns: Sequence[str], widths: Sequence[int]
) -> None:
    ws["A1"] = title
    ws["A1"].font = _TITLE
    ws["A2"] = note
    ws["A2"].font = _NOTE
    for c, (name, width) in enumerate(zip(columns, widths, strict=True), start=1):
        cell = ws.cell(HEADER_ROW, c, name)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.border = _BOX
        cell.alignment = alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.row_dimensions[HEADER_ROW].height = 30
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    if columns[0] == "Dato":
        ws.column_dimensions["A"].number_format = DATE_FORMAT


def _input_cell(cell) -> None:
    cell.fill = _INPUT_FILL
    cell.border = _BOX
    cell.alignment = _WRAP_TOP


# --- filling ---------------------------------------------------------------------------


def _set(cell, value: object, *, amount: bool = False) -> None:
    cell.value = value
    if isinstance(value, date):
        cell.number_format = DATE_FORMAT
    elif amount and isinstance(value, int | float) and not isinstance(value, bool):
        cell.number_format = AMOUNT_FORMAT if float(value).is_integer() else AMOUNT_ORE_FORMAT


def _fill_table(
    ws: Worksheet,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    amount_column: int | None = None,
) -> None:
    width = len(columns)
    for r, values in enumerate(rows, start=HEADER_ROW + 1):
        if len(values) > width:
            raise ValueError(f"{ws.title}: row {r} has {len(values)} values, expected {width}")
        for c, value in enumerate(values):
            if value is None or value == "":
                continue
            _set(ws.cell(r, c + 1), value, amount=c == amount_column)


def template_for_year(session: Session, year: int, rules: Rules, *, scope: Scope) -> bytes:
    """The blank report workbook for ``year``, with the councils in scope that exist that
    year in its drop-down (for the operator, the same file as ``ia-data template --year``)."""
    names = [c.name for c in councils(session, scope.council_ids()) if c.exists_in(year)]
    return build_template(year, names, rules=rules)
