"""The overview exports opened again and checked cell by cell: columns, types, Norwegian
formats, coloured statuses, the `Om uttrekket` sheet — and text that must stay text."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from openpyxl.styles import Font
from sqlmodel import Session

from ia_data.domain.access import OPERATOR
from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules
from ia_data.output.exports import overview_export
from ia_data.output.spreadsheet import (
    FONT,
    INTEGER_FORMAT,
    KRONER_FORMAT,
    KRONER_ORE_FORMAT,
    font,
    new_workbook,
    solid_fill,
    to_csv,
    to_xlsx,
)
from ia_data.reporting.table import Column, Kind, Kroner, Table
from ia_data.storage import db
from ia_data.storage.store import import_file

AS_OF = date(2016, 6, 1)
COLUMNS_2015 = [
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
    "Tiltak gjennomført",
    "Status År",
    "Frist År",
    "Innsendt År",
    "Frist antatt År",
    "Kvittering År",
    "Gjennomgang År",
]  # fmt: skip  («Tiltak gjennomført»: the demo's action plans for 2015)


def _export(url, year, file_format, **kwargs) -> bytes:
    with Session(db.get_engine(url)) as session:
        return overview_export(
            session,
            year,
            AS_OF,
            load_rules(DEFAULT_RULES_FILE),
            file_format,
            **kwargs,
            scope=OPERATOR,
        )


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_csv_columns_and_conventions(seeded_url):
    rows = _csv_rows(_export(seeded_url, 2015, "csv"))
    assert rows[0] == COLUMNS_2015
    by_name = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    akershus = by_name["IA-rådet i Akershus"]
    assert akershus["Brukt (kr)"] == "372179,25"  # decimal comma, no thousands separator
    assert akershus["Gjenstår (kr)"] == "27820,75"
    assert akershus["Forbruk (%)"] == "93,0"
    assert akershus["Frist År"] == "2016-03-01"  # ISO dates
    assert akershus["Alle delmål dekket"] == "Ja"
    assert by_name["IA-rådet i Nordland"]["Gjenstår (kr)"] == "-37250"  # a number, not text
    assert by_name["IA-rådet i Østfold"]["Tildelt (kr)"] == "400000"  # plain integer


def test_csv_half_year_columns(seeded_url):
    header = _csv_rows(_export(seeded_url, 2012, "csv"))[0]
    # 2012 has the demo's action plans beside «Handlingsplan», and the shipped sickness
    # series: its two columns come before the periods'.
    assert header[15:18] == [
        "Tiltak gjennomført", "Sykefravær (%)", "Endring sykefravær (prosentpoeng)",
    ]  # fmt: skip
    assert header[18:] == [
        "Status H1", "Frist H1", "Innsendt H1", "Frist antatt H1", "Kvittering H1",
        "Gjennomgang H1",
        "Status H2", "Frist H2", "Innsendt H2", "Frist antatt H2", "Kvittering H2",
        "Gjennomgang H2",
    ]  # fmt: skip


def test_xlsx_cells_are_typed_and_formatted(seeded_url):
    book = openpyxl.load_workbook(io.BytesIO(_export(seeded_url, 2015, "xlsx")))
    assert book.sheetnames == ["Oversikt", "Om uttrekket"]
    sheet = book["Oversikt"]
    assert [c.value for c in sheet[1]] == COLUMNS_2015
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == "A1:V19"
    # Printed: landscape A4, every column on the page width, the header on each page.
    assert sheet.page_setup.orientation == "landscape"
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$1:$1"
    assert sheet["A1"].font.name == FONT == "Calibri"
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    nordland = rows["IA-rådet i Nordland"]
    tildelt, brukt, gjenstar, forbruk = nordland[3], nordland[5], nordland[6], nordland[7]
    assert (tildelt.value, brukt.value, gjenstar.value) == (400000, 437250, -37250)
    assert tildelt.number_format == KRONER_FORMAT == '#,##0 "kr";-#,##0 "kr"'
    assert forbruk.value == pytest.approx(1.093125)
    assert forbruk.number_format == "0.0 %"
    akershus = rows["IA-rådet i Akershus"]
    assert akershus[5].value == 372179.25
    assert akershus[5].number_format == KRONER_ORE_FORMAT
    frist, innsendt = nordland[17], nordland[18]
    assert frist.value == datetime(2016, 3, 1)
    assert frist.number_format == "dd.mm.yyyy"
    assert isinstance(innsendt.value, datetime)
    assert nordland[8].data_type == "n"  # Aktiviteter is a number cell
    assert nordland[12].value == "Ja"
    # A year is a name, not a quantity: «2015», never «2 015».
    assert (nordland[2].value, nordland[2].number_format) == (2015, "0")
    assert nordland[8].number_format == INTEGER_FORMAT == "#,##0"


def test_xlsx_status_cells_are_coloured_and_say_the_word(seeded_url):
    sheet = openpyxl.load_workbook(io.BytesIO(_export(seeded_url, 2015, "xlsx")))["Oversikt"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    late = rows["IA-rådet i Vestfold"][16]
    on_time = rows["IA-rådet i Østfold"][16]
    assert late.value == "Levert for sent (+21 dager)"
    assert late.fill.fgColor.rgb == "00FFF1D6"
    assert on_time.value == "Levert i tide"
    assert on_time.fill.fgColor.rgb == "00E3F1E6"


def test_about_sheet_says_what_when_and_from_which_uploads(seeded_url):
    data = _export(seeded_url, 2015, "xlsx", council_ids=None, goal=2)
    about = openpyxl.load_workbook(io.BytesIO(data))["Om uttrekket"]
    facts = {row[0].value: row[1].value for row in about.iter_rows()}
    assert facts["Uttrekk"] == "Oversikt over IA-rådene 2015"
    assert isinstance(facts["Laget"], datetime)
    assert facts["Status per dato"] == datetime(2016, 6, 1)
    assert facts["År"] == 2015
    year_cell = next(row[1] for row in about.iter_rows() if row[0].value == "År")
    assert year_cell.number_format == "0"
    assert facts["IA-råd"] == "alle"
    assert facts["Delmål"].startswith("delmål 2:")
    assert facts["Antall IA-råd"] == 18
    # one yearly report per council in 2015, and the 15 councils' action plans for 2015
    assert facts["Antall opplastinger"] == 33
    uploads = [k for k in facts if str(k).startswith("Opplasting nr.")]
    assert len(uploads) == 33
    assert any("IA-rådet i Nordland, 2015 År – rapport_2015_Ar_ia-radet-i-nordland.xlsx"
               in facts[k] for k in uploads)  # fmt: skip


def test_council_filter_limits_the_export(seeded_url):
    rows = _csv_rows(_export(seeded_url, 2015, "csv", council_ids=[9]))
    assert [r[0] for r in rows[1:]] == ["IA-rådet i Agder"]


@pytest.mark.parametrize("text", ["=SUM(A1)", "+47 22 00 00 00", "-2+3", "@cmd", '=HYPERLINK("x")'])
def test_text_never_becomes_a_formula(text):
    table = Table(
        columns=[Column("Tittel"), Column("Beløp", Kind.MONEY)], rows=[[text, Kroner(-500)]]
    )
    row = _csv_rows(to_csv(table))[1]
    assert row == ["'" + text, "-5"]
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx([table], [("Merknad", text)])))
    cell = book.active["A2"]
    assert (cell.value, cell.data_type) == (text, "s")
    assert book.active["B2"].value == -5
    about = book["Om uttrekket"]["B1"]
    assert (about.value, about.data_type) == (text, "s")


def test_a_file_name_that_looks_like_a_formula_stays_text(sample_db, tmp_path):
    from ia_data.demo import SAMPLE_DIR

    data = (SAMPLE_DIR / "rapport_2015_Ar_ia-radet-i-troms.xlsx").read_bytes()
    result = import_file(sample_db, "=cmd|' /C calc'!A0.xlsx", data, scope=OPERATOR)
    assert result.status == "lagret"
    with Session(sample_db) as session:
        book = overview_export(
            session, 2015, AS_OF, load_rules(DEFAULT_RULES_FILE), "xlsx", scope=OPERATOR
        )
    about = openpyxl.load_workbook(io.BytesIO(book))["Om uttrekket"]
    cells = [row[1] for row in about.iter_rows() if str(row[0].value).startswith("Opplasting")]
    assert cells[0].data_type == "s"
    assert "=cmd|' /C calc'!A0.xlsx" in cells[0].value


def test_a_shared_style_takes_the_place_openpyxl_gives_it_and_the_file_is_the_same():
    """``new_workbook`` finds a style it was given before by the object itself: each cell
    gets the place openpyxl's own lookup gives it (an equal new style the same place, a
    different one the next), and every part of the saved file is byte for byte a plain
    workbook's."""

    def book(make):
        workbook = make()
        sheet = workbook.active
        bold, italic = font(bold=True), font(italic=True)
        for row, style in enumerate([bold, italic, bold, Font(name=FONT, bold=True)], start=1):
            cell = sheet.cell(row=row, column=1, value=row)
            cell.font = style
            cell.fill = solid_fill("DDEEFF")
        workbook.properties.created = workbook.properties.modified = datetime(2016, 6, 1)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return workbook, buffer.getvalue()

    shared, shared_bytes = book(new_workbook)
    plain, plain_bytes = book(openpyxl.Workbook)
    places = [shared.active.cell(row=r, column=1)._style.fontId for r in range(1, 5)]
    assert places == [1, 2, 1, 1]
    assert places == [plain.active.cell(row=r, column=1)._style.fontId for r in range(1, 5)]
    assert len(shared._fonts) == len(plain._fonts) == 3

    def parts(data: bytes) -> dict[str, bytes]:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return {name: z.read(name) for name in z.namelist()}

    assert parts(shared_bytes) == parts(plain_bytes)
