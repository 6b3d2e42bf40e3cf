"""Stored text that no export may choke on: control characters kept from before the
importer refused them, Excel's own ``_x001B_`` escapes, and cells longer than Excel allows.

The hostile text is written straight into the tables after a valid import, as an old
database would hold it; every writer must still give a file that opens, with the text
minus its control characters.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date

import openpyxl
import pytest
from sqlalchemy import text
from sqlmodel import Session

from ia_data.cli import main
from ia_data.demo import SAMPLE_DIR
from ia_data.domain.access import OPERATOR
from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules
from ia_data.ingest.parsed import Problem
from ia_data.output.exports import problems_xlsx, table_export
from ia_data.output.spreadsheet import csv_value, to_csv, to_xlsx
from ia_data.reporting.activities import activity_list
from ia_data.reporting.table import Column, Table
from ia_data.reporting.tables import activities_table
from ia_data.storage.store import import_file

TROMS_2015 = SAMPLE_DIR / "rapport_2015_Ar_ia-radet-i-troms.xlsx"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")
OOXML_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")

# (stored, as every export must write it)
TITLE = ("Kurs\x1b[31m i\x00 dialog\x07møter\r\nDag 2\x0b", "Kurs[31m i dialogmøter\nDag 2")
SECTOR = ("\x1b=SUM(A1)", "=SUM(A1)")  # still text, never a formula
COMMENT = ("Se _x001B_ og\r\x1bneste", "Se _x001B_ og\nneste")  # a lone CR is a line break
ANSWER = ("Svar\x1b]0;tittel\x07 her\x0c", "Svar]0;tittel her")
FILE_NAME = ("rapport\x1b[2J\x00.xlsx", "rapport[2J.xlsx")
COUNCIL = ("IA-rådet i Troms\x1b[0m", "IA-rådet i Troms[0m")
LONG = "Lang " + "x" * 40_000
LONG_WRITTEN = LONG[:32_766] + "…"


@pytest.fixture
def url(sample_db):
    """A database with Troms' 2015 report, its texts then made hostile in place."""
    data = TROMS_2015.read_bytes()  # a past report: approved, counted by the compiled report
    result = import_file(sample_db, TROMS_2015.name, data, scope=OPERATOR, historical=True)
    assert result.status == "lagret"

    def stored(value: str) -> str:  # PostgreSQL's text cannot hold NUL at all
        return value.replace("\x00", "") if sample_db.dialect.name == "postgresql" else value

    with sample_db.begin() as conn:
        conn.execute(
            text("UPDATE activity SET title = :t, sector = :s, comment = :c WHERE source_row = 4"),
            {"t": stored(TITLE[0]), "s": SECTOR[0], "c": COMMENT[0]},
        )
        conn.execute(text("UPDATE activity SET title = :t WHERE source_row = 5"), {"t": LONG})
        conn.execute(text("UPDATE report SET answer_1 = :a"), {"a": ANSWER[0]})
        conn.execute(text("UPDATE upload SET file_name = :f"), {"f": stored(FILE_NAME[0])})
        conn.execute(
            text("UPDATE council SET name = :n WHERE name = 'IA-rådet i Troms'"),
            {"n": COUNCIL[0]},
        )
    return str(sample_db.url)


def _cli_export(url, tmp_path, *argv) -> bytes:
    out = tmp_path / "uttrekk"
    assert main(["--db", url, "export", *argv, "--out", str(out)]) == 0
    return out.read_bytes()


def shown(cell) -> str:
    """A text cell as Excel and LibreOffice show it: they read ``_xHHHH_`` in a stored
    text as the character it names (openpyxl gives the stored text)."""
    return OOXML_ESCAPE.sub(lambda m: chr(int(m[1], 16)), cell.value)


def _book(data: bytes):
    book = openpyxl.load_workbook(io.BytesIO(data))
    texts = [
        shown(c) for sheet in book for row in sheet.iter_rows() for c in row if c.data_type == "s"
    ]
    assert [t for t in texts if CONTROL.search(t)] == []
    return book


def _records(sheet, header_row: int = 1) -> list[dict]:
    rows = list(sheet.iter_rows(min_row=header_row))
    names = [c.value for c in rows[0]]
    return [dict(zip(names, row, strict=True)) for row in rows[1:]]


def _csv(data: bytes) -> list[dict]:
    assert not CONTROL.search(data.decode("utf-8-sig").replace("\r\n", "")), "raw bytes"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def _check_activity_cells(by_title: dict) -> None:
    """The hostile activity and the long one, as an XLSX sheet of activities holds them."""
    row = by_title[TITLE[1]]
    assert (row["Bransje/sektor"].value, row["Bransje/sektor"].data_type) == (SECTOR[1], "s")
    assert shown(row["Kommentar"]) == COMMENT[1]
    long = by_title[LONG_WRITTEN]["Aktivitet"].value
    assert (len(long), long[-1]) == (32_767, "…")


def test_cli_activities_xlsx(url, tmp_path):
    data = _cli_export(url, tmp_path, "activities", "--format", "xlsx")
    book = _book(data)
    records = _records(book["Aktiviteter"])
    by_title = {r["Aktivitet"].value: r for r in records}
    _check_activity_cells(by_title)
    row = by_title[TITLE[1]]
    assert (row["IA-råd"].value, row["Fil"].value) == (COUNCIL[1], FILE_NAME[1])
    about = {r[0].value: r[1].value for r in book["Om uttrekket"].iter_rows()}
    assert f"{COUNCIL[1]}, 2015 År – {FILE_NAME[1]}, lastet opp" in about["Opplasting nr. 1"]


def test_cli_activities_csv(url, tmp_path):
    rows = _csv(_cli_export(url, tmp_path, "activities", "--format", "csv"))
    by_title = {r["Aktivitet"]: r for r in rows}
    row = by_title[TITLE[1]]
    assert (row["Bransje/sektor"], row["Kommentar"]) == ("'" + SECTOR[1], COMMENT[1])
    assert (row["IA-råd"], row["Fil"]) == (COUNCIL[1], FILE_NAME[1])
    assert LONG_WRITTEN in by_title


def test_cli_compiled_report(url, tmp_path):
    data = _cli_export(
        url, tmp_path, "compiled", "--format", "xlsx", "--year", "2015", "--as-of", "2016-06-01"
    )
    book = _book(data)
    assert "Troms-0m" in book.sheetnames  # «[» is one of the characters Excel forbids
    sheet = book["Troms-0m"]
    assert sheet["A1"].value == COUNCIL[1]
    header = next(c.row for c in sheet["B"] if c.value == "Aktivitet")
    by_title = {r["Aktivitet"].value: r for r in _records(sheet, header) if r["Aktivitet"].value}
    _check_activity_cells(by_title)
    answers = [c.value for c in sheet["B"] if isinstance(c.value, str) and "Svar" in c.value]
    assert answers == [ANSWER[1]]
    summary = {r[0].value for r in book["Sammendrag"].iter_rows()}
    assert COUNCIL[1] in summary


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_cli_overview(url, tmp_path, file_format):
    data = _cli_export(
        url, tmp_path, "overview", "--year", "2015", "--as-of", "2016-06-01",
        "--format", file_format,
    )  # fmt: skip
    if file_format == "csv":
        names = [r["IA-råd"] for r in _csv(data)]
    else:
        book = _book(data)
        names = [r["IA-råd"].value for r in _records(book["Oversikt"])]
        about = [r[1].value for r in book["Om uttrekket"].iter_rows()]
        assert any(f"– {FILE_NAME[1]}, lastet opp" in str(v) for v in about)
    assert COUNCIL[1] in names


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_page_table_export(url, sample_db, file_format):
    with Session(sample_db) as session:
        rows, _ = activity_list(session, 2015, scope=OPERATOR)
        data = table_export(
            session,
            activities_table(rows),
            file_format,
            title="Aktiviteter\x1b",
            filters=[("Søk", "kurs\x1b[5m\x00")],
            upload_ids=[a.upload_id for a in rows],
            scope=OPERATOR,
            rules=load_rules(DEFAULT_RULES_FILE),
        )
    if file_format == "csv":
        by_title = {r["Aktivitet"]: r for r in _csv(data)}
        assert by_title[TITLE[1]]["Kommentar"] == COMMENT[1]
        assert LONG_WRITTEN in by_title
        return
    book = _book(data)
    _check_activity_cells({r["Aktivitet"].value: r for r in _records(book["Aktiviteter"])})
    about = {r[0].value: r[1].value for r in book["Om uttrekket"].iter_rows()}
    assert (about["Uttrekk"], about["Søk"]) == ("Aktiviteter", "kurs[5m")


def test_error_list_download():
    problem = Problem(
        severity="feil",
        message="«\x1b[2J» er ikke en dato\r\n(ÅÅÅÅ-MM-DD)",
        sheet="Aktiviteter",
        row=4,
        column="Dato\x07",
        found="\x1b[2J\x00",
    )
    book = _book(problems_xlsx("rapport\x1b[2J.xlsx", [problem]))
    (row,) = _records(book["Feil"])
    assert [c.value for c in row.values()] == [
        "Aktiviteter", 4, "Dato", "[2J", "«[2J» er ikke en dato\n(ÅÅÅÅ-MM-DD)",
    ]  # fmt: skip
    about = {r[0].value: r[1].value for r in book["Om uttrekket"].iter_rows()}
    assert about["Fil"] == "rapport[2J.xlsx"


@pytest.mark.parametrize(
    "stored, written",
    [
        ("a\r\nb\rc\nd\te", "a\nb\nc\nd\te"),  # tab and line feed stay
        ("".join(map(chr, range(32))) + "x", "'\t\n\nx"),  # a leading tab is neutralised
        ("\x1b=1+1", "'=1+1"),  # a formula once the control character is gone
        ("=" + "x" * 40_000, "'=" + "x" * 32_764 + "…"),  # the apostrophe counts
        ("\ufffe\uffffok", "ok"),
    ],
)
def test_csv_cell(stored, written):
    assert csv_value(stored) == written
    table = Table(columns=[Column("\x1bTittel")], rows=[[stored]])
    assert _csv(to_csv(table)) == [{"Tittel": written}]


def test_an_excel_escape_in_the_text_is_written_escaped():
    """Excel and LibreOffice read ``_x001B_`` in a stored text as ESC; ``_x005F_`` (an
    escaped «_») in front keeps it the literal text it was (checked by hand in LibreOffice
    7.4: the cell shows «_x001B_», where unescaped it held ESC)."""
    table = Table([Column("Tekst")], [["Se _x001B_ og _x0041_"], ["Kurs\x1b[31m\r\nDag 2"]])
    with zipfile.ZipFile(io.BytesIO(to_xlsx([table], []))) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<t>Se _x005F_x001B_ og _x005F_x0041_</t>" in sheet
    assert "<t>Kurs[31m\nDag 2</t>" in sheet.replace("&#10;", "\n")


def test_ooxml_escapes_stay_within_the_cell_limit():
    stored = "_x001B_" * 5_000  # 35 000 characters, each 7 written as 14
    cell = _book(to_xlsx([Table([Column("Tekst")], [[stored]])], [])).active["A2"]
    assert len(cell.value) == 32_767  # the stored form fills the cell, and is not cut there
    value = shown(cell)
    assert (value[-1], value.count("\x1b")) == ("…", 0)
    assert stored.startswith(value[:-1])


def test_plain_values_are_unchanged():
    day = date(2015, 3, 2)
    assert [csv_value(v) for v in (day, 12, "Kurs\nDag 2")] == [
        "2015-03-02", "12", "Kurs\nDag 2",
    ]  # fmt: skip
