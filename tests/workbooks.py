"""Build small report and allocation workbooks in memory for the importer and store tests.

A workbook is described as ``{sheet name: [row, row, …]}``, each row a list of cell values
(``None`` for an empty cell) starting in column A of Excel row 1. ``report_sheets`` gives
a valid report for IA-rådet i Troms, 2012 H1, that a test then changes where it needs to:

    sheets = report_sheets(activities=[activity(goals="4")])
    data = xlsx(sheets)
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook, load_workbook

FIXTURES = Path(__file__).parent / "fixtures"

ACTIVITY_HEADER = (
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
MEETING_HEADER = ("Dato", "Møtetype", "Deltakende parter", "Kommentar")
ALLOCATION_HEADER = ("IA-råd", "År", "Beløp", "Vedtaksdato", "Merknad")
ANSWERS = (
    "Felles konferanse med partene i januar.",
    "Ja, for bygg og anlegg.",
    "Helse og omsorg.",
    "Bransjenettverk for kommunene.",
    "Lavere sykefravær i de deltakende virksomhetene.",
)


def activity(
    day=date(2012, 3, 1),
    title="IA-konferanse for industrien",
    type_="Konferanse",
    goals="1, 2",
    sector="Industri",
    participants=40,
    cost=12500,
    status="Gjennomført",
    organiser="NAV Arbeidslivssenter",
    comment=None,
) -> list:
    """One row of ``Aktiviteter`` in the order of ``ACTIVITY_HEADER``."""
    return [day, title, type_, goals, sector, participants, cost, status, organiser, comment]


def meeting(day=date(2012, 4, 19), kind="Rådsmøte", present="Alle parter", comment=None) -> list:
    """One row of ``Møter`` in the order of ``MEETING_HEADER``."""
    return [day, kind, present, comment]


def plausible_submitted(period) -> date:
    """A submitted date the importer takes for ``period``: 20.08.2012 in 2012 (when H1
    was due 1.9), else 1 February of the next year (a date before the period began, or
    after today, is refused)."""
    years = re.findall(r"\d{4}", str(period))
    year = int(years[0]) if years else 2012
    return date(2012, 8, 20) if year == 2012 else date(year + 1, 2, 1)


_PLAUSIBLE = object()


def report_rows(
    council="IA-rådet i Troms",
    period="2012 H1",
    submitted=_PLAUSIBLE,
    *,
    contact="Kari Nordmann",
    chair="Ola Hansen",
    chair_organisation="NHO",
    action_plan="ja",
    answers: Sequence = ANSWERS,
) -> list[list]:
    """The ``Rapport`` sheet: a label in column A, its value in column B, from row 1.

    A field given as ``None`` is left out (label and all); the submitted date is, unless
    given, one the importer takes for the period (``plausible_submitted``)."""
    if submitted is _PLAUSIBLE:
        submitted = plausible_submitted(period)
    fields = [
        ("IA-råd", council),
        ("Rapportperiode", period),
        ("Innsendt dato", submitted),
        ("Kontaktperson", contact),
        ("Rådets leder", chair),
        ("Leders organisasjon", chair_organisation),
        ("Handlingsplan vedtatt", action_plan),
    ]
    rows = [[label, value] for label, value in fields if value is not None]
    rows += [[f"{k}. Spørsmål {k}", answer] for k, answer in enumerate(answers, start=1)]
    return rows


def report_sheets(
    *,
    activities: Sequence[Sequence] | None = None,
    meetings: Sequence[Sequence] | None = None,
    **fields,
) -> dict[str, list[list]]:
    """A valid report workbook as sheets; the table sheets have their header in row 1."""
    if activities is None:
        activities = [
            activity(),
            activity(date(2012, 5, 10), "Seniorseminar", "Seminar", 3, "Kommune", 25, 4000.5),
        ]
    if meetings is None:
        meetings = [meeting(), meeting(date(2012, 6, 12), "Arbeidsmøte", "NHO, LO, NAV")]
    return {
        "Rapport": report_rows(**fields),
        "Aktiviteter": [list(ACTIVITY_HEADER), *map(list, activities)],
        "Møter": [list(MEETING_HEADER), *map(list, meetings)],
    }


def openpyxl_book(sheets: Mapping[str, Sequence[Sequence]]) -> Workbook:
    """An openpyxl workbook with the given sheets, in order (``None`` leaves a cell empty)."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(row=r, column=c, value=value)
    return book


def saved(book: Workbook) -> bytes:
    """An openpyxl workbook as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx(sheets: Mapping[str, Sequence[Sequence]]) -> bytes:
    """An .xlsx file (openpyxl) with the given sheets, in order."""
    return saved(openpyxl_book(sheets))


def report_xlsx(**kwargs) -> bytes:
    """``xlsx(report_sheets(**kwargs))``."""
    return xlsx(report_sheets(**kwargs))


def allocation_xlsx(rows: Sequence[Sequence], sheet="Tildelinger", header=ALLOCATION_HEADER):
    """An allocation workbook: one table sheet with ``header`` in row 1."""
    return xlsx({sheet: [list(header), *map(list, rows)]})


def large_xlsx(sheets: Mapping[str, Sequence[Sequence]]) -> bytes:
    """A bare-bones .xlsx written straight as XML: for tens of thousands of rows, where
    openpyxl takes seconds. Cells are numbers (``int``/``float``) or inline strings."""

    def cell(value) -> str:
        if isinstance(value, int | float):
            return f"<c><v>{value}</v></c>"
        return f'<c t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'

    names = list(sheets)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(names) + 1)
        )
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            "<sheets>"
            + "".join(
                f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
                for i, name in enumerate(names, start=1)
            )
            + "</sheets></workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/'
                'officeDocument/2006/relationships/worksheet" '
                f'Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, len(names) + 1)
            )
            + "</Relationships>",
        )
        for i, name in enumerate(names, start=1):
            rows = "".join(
                f'<row r="{r}">{"".join(cell(v) for v in row)}</row>'
                for r, row in enumerate(sheets[name], start=1)
            )
            archive.writestr(
                f"xl/worksheets/sheet{i}.xml",
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                f"<sheetData>{rows}</sheetData></worksheet>",
            )
    return buffer.getvalue()


# --- what the importer said, as lines ----------------------------------------------------


def lines(parsed) -> list[str]:
    """Every problem of a parsed workbook as the line a user reads."""
    return [p.text for p in parsed.problems]


def error_lines(parsed) -> list[str]:
    return [p.text for p in parsed.errors]


def warning_lines(parsed) -> list[str]:
    return [p.text for p in parsed.warnings]


# --- reading back an XLSX the app wrote ------------------------------------------------------


def sheet_rows(data: bytes, sheet: str, **rows) -> list[tuple]:
    """The rows of the sheet ``sheet`` of an XLSX as values (``rows``: ``iter_rows``'
    bounds), read without the workbook's other sheets: openpyxl's read-only mode reads a
    sheet when it is asked for, where a whole load reads every sheet, styles and all (the
    summary of a compiled report, which has twenty sheets, takes a fifth of the time)."""
    book = load_workbook(io.BytesIO(data), read_only=True)
    try:
        return list(book[sheet].iter_rows(values_only=True, **rows))
    finally:
        book.close()


def about_sheet(data: bytes) -> dict:
    """The facts of an export's «Om uttrekket» sheet: each label (column A) → its value."""
    return {r[0]: r[1] for r in sheet_rows(data, "Om uttrekket")}
