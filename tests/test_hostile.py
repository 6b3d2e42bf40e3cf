"""Hostile and broken files against a database that already holds data: each is refused
in one Norwegian line that says what is wrong and changes nothing, or, where WORKBOOK.md
says it must be read, is read right. The work each file can cause is bounded by how the
checks are built (a size check before unpacking, a cell count before reading), and the
memory by a fresh process whose peak is measured; no test here is timed.
"""

# ruff: noqa: SIM300  (the expected value comes first, as in sqlite-utils' tests)

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import hostile
import pytest
from plans import plan_sheets
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select
from workbooks import xlsx

from ia_data.domain import limits
from ia_data.domain.access import OPERATOR
from ia_data.ingest import worker
from ia_data.storage.models import Activity, Council, Meeting, Report
from ia_data.storage.store import import_file
from ia_data.storage.version import data_version

PROJECT = Path(__file__).resolve().parent.parent
NOT_A_WORKBOOK = "Filen er ikke en lesbar Excel- eller ODS-arbeidsbok"
PASSWORD = "Filen er passordbeskyttet; lagre den uten passord og last den opp på nytt"
DAMAGED_ACTIVITIES = f"{NOT_A_WORKBOOK}: arket «Aktiviteter» kan ikke leses (filen er skadet)"
ROW_LIMIT = "Aktiviteter: arket har mer enn 20 000 rader med data (grensen er 20 000 rader per ark)"
MEMORY_LIMIT_MB = 200


def too_many_cells(first: str, last: str, sheet: str = "Aktiviteter") -> str:
    return (
        f"Arket «{sheet}» er for stort: det brukte området går fra celle {first} til "
        f"{last} (grensen er 2 000 000 celler per ark); slett det som står utenfor "
        "tabellen, og last opp filen på nytt"
    )


def snapshot(engine) -> dict[str, int]:
    """The row count of every table, and the data version."""
    with Session(engine) as session:
        counts = {
            table.name: session.exec(select(func.count()).select_from(table)).one()
            for table in SQLModel.metadata.sorted_tables
        }
        counts["data_version"] = data_version(session)
    return counts


def refused(engine, file_name: str, data: bytes) -> list[str]:
    """The error lines for a file that must be refused, once it is checked that the
    database is just as it was."""
    before = snapshot(engine)
    result = import_file(engine, file_name, data, scope=OPERATOR)
    assert ("avvist", before) == (result.status, snapshot(engine))
    return [p.text for p in result.errors]


def stored(engine, file_name: str, data: bytes) -> list[tuple]:
    """Store a file that must be read; the active activities of Troms 2012 H1 after it,
    as (Excel row, date, title, type, cost in øre, comment)."""
    result = import_file(engine, file_name, data, scope=OPERATOR)
    assert ("lagret", []) == (result.status, [p.text for p in result.errors])
    with Session(engine) as session:
        rows = session.exec(
            select(Activity)
            .join(Report, Report.id == Activity.report_id)
            .join(Council, Council.id == Report.council_id)
            .where(
                Report.active == True,  # noqa: E712
                Council.name == "IA-rådet i Troms",
                Report.year == 2012,
                Report.period == "H1",
            )
            .order_by(Activity.source_row)
        ).all()
    return [(a.source_row, a.date, a.title, a.type, a.cost_ore, a.comment) for a in rows]


READER = """
import resource, sys
# A reader that regresses dies here, at 2 GB, instead of taking the test machine with it.
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
from ia_data.ingest.workbook import Workbook, WorkbookError
data = open(sys.argv[1], "rb").read()
try:
    book = Workbook(data, sys.argv[2])
    for name in book.sheet_names:
        book.read_sheet(name)
    print("lest")
except WorkbookError as exc:
    print(exc)
# This process's own peak: ru_maxrss would count the parent's memory at the fork too.
print(next(line for line in open("/proc/self/status") if line.startswith("VmHWM:")))
"""


def read_in_a_fresh_process(tmp_path, file_name: str, data: bytes) -> tuple[str, int]:
    """Open a file and read every sheet in it, in a fresh Python process: what it said
    (the refusal, or «lest») and its peak memory in MB."""
    path = tmp_path / file_name
    path.write_bytes(data)
    child = subprocess.run(
        [sys.executable, "-c", READER, str(path), file_name],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        check=False,
    )
    assert 0 == child.returncode, child.stdout + child.stderr
    answer, peak = child.stdout.strip().splitlines()
    return answer, int(peak.split()[1]) // 1024  # «VmHWM:   81234 kB»


# --- not a workbook --------------------------------------------------------------------


@pytest.mark.parametrize(
    "file_name,build,expected",
    [
        ("bilde.xlsx", hostile.png_renamed, f"{NOT_A_WORKBOOK} (innholdet er ikke et regneark)"),
        ("rapport.xlsx", hostile.text_renamed, f"{NOT_A_WORKBOOK} (innholdet er ikke et regneark)"),
        ("rapport.xlsx", hostile.empty, f"Filen er tom (0 byte). {NOT_A_WORKBOOK}"),
        (
            "rapport.xlsx",
            hostile.truncated,
            f"{NOT_A_WORKBOOK}: filen er skadet eller ufullstendig",
        ),
        ("rapport.xlsx", hostile.encrypted_xlsx, PASSWORD),
        (
            "rapport.xlsx",
            hostile.xlsb_renamed,
            f"{NOT_A_WORKBOOK}: den er en binær Excel-arbeidsbok (.xlsb); lagre den som .xlsx "
            "og last den opp på nytt",
        ),
    ],
)
def test_a_file_that_is_no_readable_workbook_is_refused_and_changes_nothing(
    stocked_db, file_name, build, expected
):
    assert [expected] == refused(stocked_db, file_name, build())


def test_a_25_mb_report_is_refused_for_its_size_alone(stocked_db, monkeypatch):
    data = hostile.oversized()
    assert 25 * 1024 * 1024 == len(data)
    assert ["Filen er for stor (25,0 MB); grensen er 20 MB per fil"] == refused(
        stocked_db, "rapport.xlsx", data
    )
    # The same file under a higher limit: a valid report, its photo and all.
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 30 * 1024 * 1024)
    result = import_file(stocked_db, "rapport.xlsx", data, dry_run=True, scope=OPERATOR)
    assert ("kontrollert", []) == (result.status, result.errors)


# --- archives that unpack to far more than they weigh ----------------------------------


def test_a_zip_bomb_is_refused_by_its_size_before_anything_is_unpacked(
    stocked_db, tmp_path, monkeypatch
):
    data = hostile.zip_bomb()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        declared = {i.filename: i.file_size for i in archive.infolist()}
    assert (True, 2048) == (len(data) < 3 * 1024 * 1024, declared[hostile.ACTIVITIES_PART] >> 20)
    unpacked: list[str] = []
    real_open = zipfile.ZipFile.open

    def watched_open(archive, name, *args, **kwargs):
        unpacked.append(getattr(name, "filename", name))
        return real_open(archive, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", watched_open)
    expected = f"{NOT_A_WORKBOOK}: den pakker seg ut til 2048 MB, mer enn grensen på 250 MB"
    assert [expected] == refused(stocked_db, "rapport.xlsx", data)
    assert [] == unpacked
    monkeypatch.undo()
    answer, peak_mb = read_in_a_fresh_process(tmp_path, "rapport.xlsx", data)
    assert (expected, True) == (answer, peak_mb < MEMORY_LIMIT_MB), f"{peak_mb} MB"


def test_a_zip_bomb_that_lies_about_its_size_is_refused_within_bounded_memory(stocked_db, tmp_path):
    # It claims 2 kB; a reader that trusted the stream would unpack 2 GiB.
    data = hostile.zip_bomb(declared=2000)
    answer, peak_mb = read_in_a_fresh_process(tmp_path, "rapport.xlsx", data)
    assert (DAMAGED_ACTIVITIES, True) == (answer, peak_mb < MEMORY_LIMIT_MB), f"{peak_mb} MB"
    assert [DAMAGED_ACTIVITIES] == refused(stocked_db, "rapport.xlsx", data)


@pytest.mark.parametrize(
    "part,expected",
    [
        ("sharedStrings", f"{NOT_A_WORKBOOK}: den er skadet eller har et ukjent format"),
        ("sheet", DAMAGED_ACTIVITIES),
    ],
)
def test_billion_laughs_is_refused_without_expanding_an_entity(
    stocked_db, tmp_path, part, expected
):
    data = hostile.billion_laughs(part)
    answer, peak_mb = read_in_a_fresh_process(tmp_path, "rapport.xlsx", data)
    assert (expected, True) == (answer, peak_mb < MEMORY_LIMIT_MB), f"{peak_mb} MB"
    assert [expected] == refused(stocked_db, "rapport.xlsx", data)


@pytest.mark.parametrize(
    "file_name,build,expected",
    [
        # One value in the very last cell: 17 billion cells between it and A1.
        ("rapport.xlsx", hostile.far_cell, too_many_cells("A1", "XFD1048576")),
        # The same cell, its tag written with a tab or a line break before its reference.
        ("rapport.xlsx", hostile.far_cell_spaced, too_many_cells("A1", "XFD1048576")),
        (
            "rapport.xlsx",
            lambda: hostile.far_cell_spaced(b"\n  "),
            too_many_cells("A1", "XFD1048576"),
        ),
        # The same cell with a namespace prefix of any make: «$:» or «é:».
        ("rapport.xlsx", hostile.far_cell_prefixed, too_many_cells("A1", "XFD1048576")),
        (
            "rapport.xlsx",
            lambda: hostile.far_cell_prefixed("é".encode()),
            too_many_cells("A1", "XFD1048576"),
        ),
        # One value a million rows down, under a table ten columns wide.
        (
            "rapport.xlsx",
            lambda: hostile.far_cell("A1048576"),
            too_many_cells("A1", "J1048576"),
        ),
        # 30 000 rows × 1 000 cells from one repeated .ods cell.
        (
            "rapport.ods",
            hostile.ods_repeat_bomb,
            too_many_cells("A1", "ALL30001"),
        ),
    ],
)
def test_a_sheet_spanning_millions_of_cells_is_refused_before_it_is_read(
    stocked_db, tmp_path, file_name, build, expected
):
    data = build()
    assert len(data) < 10_000
    # In a fresh process first: before the cell count, this crashed the process.
    answer, peak_mb = read_in_a_fresh_process(tmp_path, file_name, data)
    assert (expected, True) == (answer, peak_mb < MEMORY_LIMIT_MB), f"{peak_mb} MB"
    assert [expected] == refused(stocked_db, file_name, data)


def test_a_large_sheet_spanning_millions_of_cells_is_refused_with_the_checks_reason(
    stocked_db, monkeypatch
):
    """A sheet large enough that calamine starts on it beside its check (a 5 000-row report
    with the last cell of the sheet filled; ``Workbook.read_sheet``, ``at_once``): calamine,
    asked for 17 billion cells, ends the worker before the check's refusal is sent, and the
    file is read again, each sheet checked first. The refusal names the sheet's span, as for
    a small sheet; without the second reading it would be only that the reading stopped."""
    data = hostile.far_cell(data=hostile.many_rows(5_000))
    assert [too_many_cells("A1", "XFD1048576")] == refused(stocked_db, "rapport.xlsx", data)
    monkeypatch.setattr(worker, "_READINGS", (True,))
    (stopped,) = refused(stocked_db, "rapport.xlsx", data)
    assert stopped.startswith(f"{worker.UNSAFE}: lesingen trengte mer enn 1 GB minne")


# --- too much --------------------------------------------------------------------------


def test_20_001_activity_rows_are_refused_with_the_limit_named(stocked_db):
    assert [ROW_LIMIT] == refused(stocked_db, "rapport.xlsx", hostile.many_rows(20_001))


def test_20_000_activity_rows_are_stored(stocked_db):
    activities = stored(stocked_db, "rapport.xlsx", hostile.many_rows(20_000))
    assert (20_000, 2_000_000_00) == (len(activities), sum(a[4] for a in activities))
    assert (20_001, date(2012, 3, 1), "Aktivitet 20000") == activities[-1][:3]


# --- formulas, hidden sheets, merged cells ---------------------------------------------

EXPECTED_ACTIVITIES = [
    (2, date(2012, 3, 1), "IA-konferanse for industrien", "Konferanse", 1_250_000, ""),
    (3, date(2012, 5, 10), "Seniorseminar", "Seminar", 400_050, ""),
]


def test_formulas_everywhere_count_by_their_calculated_values(stocked_db):
    data = hostile.formulas_everywhere()
    assert EXPECTED_ACTIVITIES == stored(stocked_db, "formler.xlsx", data)
    with Session(stocked_db) as session:
        report = session.exec(select(Report).where(Report.active == True)).one()  # noqa: E712
        meetings = session.exec(select(Meeting.date).where(Meeting.report_id == report.id)).all()
    assert (date(2012, 8, 20), "Kari Nordmann", True, [date(2012, 4, 19), date(2012, 6, 12)]) == (
        report.submitted,
        report.contact,
        report.action_plan,
        sorted(meetings),
    )


def test_formulas_without_calculated_values_are_empty_cells(stocked_db):
    # Every label is a formula too, so the Rapport sheet reads as empty.
    data = hostile.formulas_everywhere(calculated=False)
    assert [
        "Rapport: fant ikke feltet «Rapportperiode» (godtatte navn: Rapportperiode, Periode, "
        "Period) i de 60 første radene",
        "Rapport: fant ikke feltet «IA-råd» (godtatte navn: IA-råd, IA-rådet, Råd, Fylke, "
        "Council) i de 60 første radene",
    ] == refused(stocked_db, "formler.xlsx", data)


def test_a_formula_that_calculated_to_an_error_is_refused_with_the_error_found(stocked_db):
    # calamine reads such a cell as empty: the cost would have been stored as 0 kr.
    data = hostile.formula_errors()
    for name in ("feil-i-formler.xlsx", "feil-i-formler.xlsm"):
        assert [
            "Aktiviteter, rad 2, kolonne «Kostnad (kr)»: «#DIV/0!» er ikke et beløp (forventet "
            "et beløp i kroner, for eksempel 12 500, 12 500 kr, kr 12.500 eller 12500,50)",
            "Aktiviteter, rad 3, kolonne «Dato»: «#VALUE!» er ikke en dato (forventet en dato "
            "som 31.12.2012, 31.12.12, 1.3.2012, 2012-12-31 eller 31/12/2012)",
            "Aktiviteter, rad 4, kolonne «Delmål»: «#N/A» er ikke et delmål (gyldige verdier: "
            "1, 2, 3)",
        ] == refused(stocked_db, name, data)
    parsed = import_file(stocked_db, "feil-i-formler.xlsx", data, dry_run=True, scope=OPERATOR)
    assert ["#DIV/0!", "#VALUE!", "#N/A"] == [p.found for p in parsed.errors]


def test_a_hidden_activities_sheet_is_read_and_a_very_hidden_list_sheet_ignored(stocked_db):
    assert EXPECTED_ACTIVITIES == stored(stocked_db, "skjult.xlsx", hostile.hidden_sheets())


def test_a_hidden_copy_of_last_years_sheet_does_not_hide_the_visible_one(stocked_db):
    # «Aktivitet» (hidden, 2011) comes before «Aktiviteter» (visible, 2012 H1).
    assert EXPECTED_ACTIVITIES == stored(stocked_db, "kopi.xlsx", hostile.hidden_stale_copy())


def test_a_banner_and_header_cells_merged_over_two_rows_are_read(stocked_db):
    assert [
        (
            4,
            date(2012, 3, 1),
            "IA-konferanse for industrien",
            "Konferanse",
            1_250_000,
            "Godt oppmøte",
        ),
        (5, date(2012, 5, 10), "Seniorseminar", "Seminar", 1_250_000, "Fulltegnet"),
    ] == stored(stocked_db, "flettet.xlsx", hostile.merged_header())


def test_a_data_cell_merged_over_two_rows_is_empty_in_the_second(stocked_db):
    assert ["Aktiviteter, rad 3, kolonne «Type»: Type mangler"] == refused(
        stocked_db, "flettet.xlsx", hostile.merged_data_cell()
    )


def test_a_plan_workbook_is_read_under_the_same_checks_as_a_report(stocked_db):
    """An action plan (issue 25) goes through the same reading as a report — the checks
    before the reader, in the worker — so a plan whose sheet spans millions of cells is
    refused for it, by name, and stores nothing."""
    data = hostile.far_cell(sheet="Handlingsplan", data=xlsx(plan_sheets()))
    expected = too_many_cells("A1", "XFD1048576", sheet="Handlingsplan")
    assert [expected] == refused(stocked_db, "handlingsplan.xlsx", data)
