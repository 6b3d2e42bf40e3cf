"""The compiled report (Samlet rapport) opened again and checked sheet by sheet, and the
new `ia-data export` tables (deadlines, activities, compiled)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest
from sqlmodel import Session

from ia_data.cli import main
from ia_data.demo import SAMPLE_DIR
from ia_data.domain.access import OPERATOR
from ia_data.domain.register import CouncilInfo
from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules
from ia_data.output.compiled import compiled_report, sheet_name
from ia_data.output.exports import overview_export
from ia_data.output.spreadsheet import KRONER_FORMAT
from ia_data.reporting.deviations import WHOLE_YEAR_RULE
from ia_data.storage import db
from ia_data.storage.store import import_file

AS_OF = date(2016, 6, 1)
NOW = datetime(2016, 6, 1, 12, 0)


@pytest.fixture(scope="module")
def book(seeded_url):
    with Session(db.get_engine(seeded_url)) as session:
        data = compiled_report(
            session, load_rules(DEFAULT_RULES_FILE), 2015, AS_OF, now=NOW, scope=OPERATOR
        )
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.fixture(scope="module")
def overview_sheet(seeded_url):
    with Session(db.get_engine(seeded_url)) as session:
        data = overview_export(
            session, 2015, AS_OF, load_rules(DEFAULT_RULES_FILE), "xlsx", scope=OPERATOR
        )
    return openpyxl.load_workbook(io.BytesIO(data))["Oversikt"]


def _facts(sheet, first: int = 1, last: int = 40) -> dict[str, object]:
    return {
        row[0].value: row[1].value
        for row in sheet.iter_rows(min_row=first, max_row=last)
        if row[0].value and row[1].value is not None
    }


def _find(sheet, text: str) -> int:
    for row in sheet.iter_rows():
        if row[0].value == text:
            return row[0].row
    raise AssertionError(f"{text!r} not in {sheet.title}")


def test_sheets(book):
    councils = [
        "Østfold", "Akershus", "Oslo", "Hedmark", "Oppland", "Buskerud", "Vestfold",
        "Telemark", "Agder", "Rogaland", "Hordaland", "Sogn og Fjordane", "Møre og Romsdal",
        "Sør-Trøndelag", "Nord-Trøndelag", "Nordland", "Troms", "Finnmark",
    ]  # fmt: skip
    assert book.sheetnames == ["Sammendrag", *councils, "Om uttrekket"]


def test_summary_headline_figures(book):
    sheet = book["Sammendrag"]
    assert sheet["A1"].value == "Samlet rapport fra IA-rådene 2015"
    facts = _facts(sheet, 5, _find(sheet, WHOLE_YEAR_RULE) - 1)  # the key figures
    assert facts["IA-råd"] == 18
    assert facts["Tildelt"] == 7_400_000
    assert sheet.cell(row=_find(sheet, "Tildelt"), column=2).number_format == KRONER_FORMAT
    assert facts["Råd med overforbruk"] == 1
    assert sheet.cell(row=_find(sheet, "Råd med overforbruk"), column=3).value == "Nordland"
    assert facts["Råd uten alle tre delmål"] == 0
    assert facts["Møter utenfor 2–4 (antatt)"] == 1  # Rogaland, five meetings
    assert (facts["Rapporter: Levert i tide"], facts["Rapporter: Levert for sent"]) == (17, 1)
    assert facts["Andel brukt"] == pytest.approx(6_597_343.15 / 7_400_000)


def test_summary_holds_the_overview_table_cell_for_cell(book, overview_sheet):
    sheet = book["Sammendrag"]
    header = _find(sheet, "Oversikt per IA-råd") + 1
    expected = [[c.value for c in row] for row in overview_sheet.iter_rows()]
    got = [
        [c.value for c in row][: len(expected[0])]
        for row in sheet.iter_rows(min_row=header, max_row=header + 18)
    ]
    assert got == expected
    assert sheet.freeze_panes == f"B{header + 1}"
    # … Kvittering, Gjennomgang (V: «Tiltak gjennomført», the demo's plans for 2015)
    assert sheet.auto_filter.ref == f"A{header}:V{header + 18}"
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=header + 1, max_row=header + 18)}
    late = rows["IA-rådet i Vestfold"][16]
    assert (late.value, late.fill.fgColor.rgb) == ("Levert for sent (+21 dager)", "00FFF1D6")
    assert rows["IA-rådet i Vestfold"][19].value == "Ja"  # Frist antatt
    assert rows["IA-rådet i Agder"][3].value == 600_000
    assert rows["IA-rådet i Agder"][4].value == "regel"
    assert rows["IA-rådet i Nordland"][6].value == -37_250
    assert rows["IA-rådet i Nordland"][6].font.color.rgb == "008E1C1C"
    assert rows["IA-rådet i Agder"][2].number_format == "0"  # a year, not «2 015»


def test_a_council_sheet(book):
    sheet = book["Agder"]
    assert sheet["A1"].value == "IA-rådet i Agder"
    assert "Fylker: Aust-Agder, Vest-Agder" in sheet["A2"].value
    assert "NAV Arbeidslivssenter Agder" in sheet["A2"].value
    facts = _facts(sheet, 5, 16)
    assert (facts["Tildelt"], facts["Brukt"]) == (600_000, 529_931)
    assert sheet.cell(row=_find(sheet, "Tildelt"), column=3).value == "etter reglene for året"
    assert facts["Aktiviteter"] == 13 and facts["Møter"] == 4
    # Its report: status, dates, chair.
    header = _find(sheet, "Rapporter") + 1
    assert sheet.cell(row=header, column=1).value == "Periode"
    report = [c.value for c in sheet[header + 1]]
    assert report[:2] == ["2015 År", "Levert i tide"]
    assert report[2] == datetime(2016, 3, 1)
    assert report[4]  # the chair
    # The five answers, each under its question.
    first = _find(sheet, "Spørsmål 1")
    assert sheet.cell(row=first, column=2).value.startswith("Hva har myndighetene")
    assert sheet.cell(row=first + 1, column=1).value == "2015 År"
    assert len(sheet.cell(row=first + 1, column=2).value) > 20
    assert _find(sheet, "Spørsmål 5") == first + 8
    # Its activities: every row of the workbook (cancelled ones too), costs summing to Brukt.
    start = _find(sheet, "Aktiviteter (15)") + 1
    assert [c.value for c in sheet[start]][:8] == [
        "Dato", "Aktivitet", "Type", "Delmål", "Bransje/sektor", "Deltakere", "Kostnad (kr)",
        "Status",
    ]  # fmt: skip
    rows = list(sheet.iter_rows(min_row=start + 1, max_row=start + 15, values_only=True))
    assert round(sum(r[6] for r in rows), 2) == 529_931
    assert sum(1 for r in rows if r[7] != "Avlyst") == 13
    assert _find(sheet, "Møter (4)") == start + 17


def test_flags_on_a_council_sheet(book):
    nordland = book["Nordland"]
    row = _find(nordland, "Gjenstår")
    assert nordland.cell(row=row, column=2).value == -37_250
    assert nordland.cell(row=row, column=2).font.color.rgb == "008E1C1C"
    assert nordland.cell(row=row, column=3).value == "brukt mer enn tildelt"
    rogaland = book["Rogaland"]
    row = _find(rogaland, "Møter")
    assert rogaland.cell(row=row, column=2).value == 5
    assert rogaland.cell(row=row, column=3).value == "forventet 2–4 i året (antatt)"


def test_about_sheet(book):
    facts = {r[0].value: r[1].value for r in book["Om uttrekket"].iter_rows()}
    assert facts["Uttrekk"] == "Samlet rapport fra IA-rådene 2015"
    assert facts["Status per dato"] == datetime(2016, 6, 1)
    assert facts["Antall IA-råd"] == 18
    assert facts["Antall opplastinger"] == 33  # 18 reports and 15 action plans


def test_a_half_yearly_year_and_a_missing_report(seeded_url):
    with Session(db.get_engine(seeded_url)) as session:
        data = compiled_report(
            session, load_rules(DEFAULT_RULES_FILE), 2012, date(2030, 1, 1), now=NOW, scope=OPERATOR
        )
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Telemark"]
    header = _find(sheet, "Rapporter") + 1
    statuses = [sheet.cell(row=header + i, column=2).value for i in (1, 2)]
    assert statuses == ["Levert i tide", "Mangler"]
    first = _find(sheet, "Spørsmål 1")
    assert [sheet.cell(row=first + i, column=1).value for i in (1, 2)] == ["2012 H1", "2012 H2"]
    assert sheet.cell(row=first + 2, column=2).value == "(ingen rapport)"
    troms = book["Troms"]
    header = _find(troms, "Rapporter") + 1
    assert troms.cell(row=header + 1, column=2).value == "Levert for sent (+13 dager)"
    assert troms.cell(row=header + 1, column=2).fill.fgColor.rgb == "00FFF1D6"


def test_text_from_a_workbook_stays_text(sample_db):
    book = openpyxl.load_workbook(SAMPLE_DIR / "rapport_2015_Ar_ia-radet-i-troms.xlsx")
    cell = book["Aktiviteter"]["B4"]
    cell.value = "=SUM(A1)"
    cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    assert (
        import_file(
            sample_db, "troms.xlsx", buffer.getvalue(), scope=OPERATOR, historical=True
        ).status
        == "lagret"
    )  # a past report, approved before the route: the compiled report counts it
    with Session(sample_db) as session:
        data = compiled_report(
            session, load_rules(DEFAULT_RULES_FILE), 2015, AS_OF, now=NOW, scope=OPERATOR
        )
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Troms"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == "=SUM(A1)"]
    assert len(cells) == 1 and cells[0].data_type == "s"


@pytest.mark.parametrize(
    "name, taken, expected",
    [
        ("IA-rådet i Troms", set(), "Troms"),
        ("IA-rådet i Troms", {"troms"}, "Troms (2)"),
        ("Rådet for Agder/Telemark [test]", set(), "Rådet for Agder-Telemark -test-"),
        ("IA-rådet i " + "x" * 40, set(), "x" * 31),
    ],
)
def test_sheet_names(name, taken, expected):
    council = CouncilInfo(id=1, name=name, secretariat="", from_year=None, to_year=None)
    assert sheet_name(council, set(taken)) == expected


# --- the command line ------------------------------------------------------------------


def test_cli_compiled(seeded_url, tmp_path):
    out = tmp_path / "samlet.xlsx"
    assert main(["--db", seeded_url, "export", "compiled", "--year", "2015",
                 "--as-of", "2016-06-01", "--out", str(out)]) == 0  # fmt: skip
    assert openpyxl.load_workbook(out).sheetnames[0] == "Sammendrag"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["export", "compiled", "--out", "-"], "disse argumentene mangler: --year"),
        (["export", "compiled", "--year", "2015", "--format", "csv", "--out", "-"],
         "finnes som xlsx eller pdf"),
        (["export", "overview", "--year", "2015", "--format", "pdf", "--out", "-"],
         "bare den samlede rapporten (compiled) finnes som pdf"),
        (["export", "deadlines", "--year", "2030", "--out", "-"], "2030 er utenfor"),
        (["export", "tabell", "--out", "-"], "ugyldig valg"),
    ],
)  # fmt: skip
def test_cli_usage_errors_exit_2(seeded_url, argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        raise SystemExit(main(["--db", seeded_url, *argv]))
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def _csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_cli_deadlines(seeded_url, capsysbinary, tmp_path):
    assert main(["--db", seeded_url, "export", "deadlines", "--as-of", "2016-06-01",
                 "--out", "-"]) == 0  # fmt: skip
    rows = _csv(capsysbinary.readouterr().out)
    assert rows[0] == [
        "IA-råd", "Fylker", "År", "Periode", "Frist", "Innsendt", "Status", "Dager over frist",
        "Opplasting nr.", "Frist antatt", "Kvittering", "Innsendt (oppgitt i rapporten)",
        "Gjennomgang",
    ]  # fmt: skip
    assert len(rows) == 1 + 144  # every year with data without --year
    troms = next(r for r in rows if r[0] == "IA-rådet i Troms" and r[2:4] == ["2012", "H1"])
    assert troms[4:8] == ["2012-09-01", "2012-09-14", "Levert for sent (+13 dager)", "13"]
    out = tmp_path / "frister.xlsx"
    assert main(["--db", seeded_url, "export", "deadlines", "--year", "2014", "--as-of",
                 "2016-06-01", "--format", "xlsx", "--out", str(out)]) == 0  # fmt: skip
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Frister", "Matrise", "Mangler", "Om uttrekket"]
    assert book["Frister"].max_row == 1 + 36
    assert [c.value for c in book["Matrise"][1]] == ["IA-råd", "Status 2014 H1", "Status 2014 H2"]
    assert [r[0].value for r in book["Mangler"].iter_rows(min_row=2)] == [
        "IA-rådet i Sogn og Fjordane"
    ]
    status = book["Frister"]["G2"]
    assert status.fill.fgColor.rgb == "00E3F1E6"


def test_cli_activities(seeded_url, capsysbinary, tmp_path):
    assert main(["--db", seeded_url, "export", "activities", "--year", "2015",
                 "--out", "-"]) == 0  # fmt: skip
    rows = _csv(capsysbinary.readouterr().out)
    assert len(rows) == 1 + 310
    header = rows[0]
    assert header[:5] == ["IA-råd", "Dato", "Aktivitet", "Type", "Delmål"]
    assert header[-3:] == ["Opplasting nr.", "Fil", "Rad i filen"]
    out = tmp_path / "aktiviteter.xlsx"
    assert main(["--db", seeded_url, "export", "activities", "--format", "xlsx",
                 "--out", str(out)]) == 0  # fmt: skip
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Aktiviteter", "Om uttrekket"]
    assert book["Aktiviteter"].max_row == 1 + 358 + 367 + 351 + 310 + 300  # all years
    facts = {r[0].value: r[1].value for r in book["Om uttrekket"].iter_rows()}
    assert facts["År"] == "alle"
