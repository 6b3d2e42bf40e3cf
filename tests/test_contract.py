"""WORKBOOK.md, point by point, in all four formats.

Every workbook described here (``book(...)``) is written once with openpyxl and then saved by
LibreOffice Calc as ``.xlsx``, ``.xlsm``, ``.xls`` and ``.ods`` (``soffice --convert-to``),
so each accepted form and each rejection is read from real files of every format, as a
secretariat would send them. The saved files are committed in ``fixtures/contract/``, named
by a hash of the workbook's description (see ``saved``).
"""

# ruff: noqa: SIM300  (the expected value comes first, as in the other importer tests)

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook as OpenpyxlWorkbook
from sqlalchemy import func
from sqlmodel import Session, select
from workbooks import (
    ACTIVITY_HEADER,
    ALLOCATION_HEADER,
    ANSWERS,
    FIXTURES,
    MEETING_HEADER,
    activity,
    error_lines,
    lines,
    meeting,
    report_rows,
    report_sheets,
    warning_lines,
)

from ia_data.domain.access import OPERATOR, Actor
from ia_data.domain.questions import QUESTIONS
from ia_data.reporting.overview import overview
from ia_data.storage.history import uploads
from ia_data.storage.models import Activity, Allocation, Council, Meeting, Report, Upload
from ia_data.storage.store import import_file, restore_upload

FORMATS = ("xlsx", "xlsm", "xls", "ods")
LIBREOFFICE_FILTERS = {
    "xlsx": "xlsx:Calc MS Excel 2007 XML",
    "xlsm": "xlsm:Calc MS Excel 2007 VBA XML",
    "xls": "xls:MS Excel 97",
    "ods": "ods:calc8",
}
NOT_A_WORKBOOK = "Filen er ikke en lesbar Excel- eller ODS-arbeidsbok"
PASSWORD = "Filen er passordbeskyttet; lagre den uten passord og last den opp på nytt"
DATE_EXPECTED = (
    "(forventet en dato som 31.12.2012, 31.12.12, 1.3.2012, 2012-12-31 eller 31/12/2012)"
)
AMOUNT_EXPECTED = (
    "(forventet et beløp i kroner, for eksempel 12 500, 12 500 kr, kr 12.500 eller 12500,50)"
)
TYPES = (
    "Konferanse, Seminar, Kurs, Nettverk, Erfaringssamling, Dialogmøte, Informasjon, "
    "Prosjekt, Annet"
)
NOW = datetime(2012, 9, 3, 10, 0, tzinfo=UTC)


# --- the workbooks, described once and saved by LibreOffice in every format -------------


@dataclass(frozen=True)
class Spec:
    """A workbook: ``{sheet: rows}`` as in ``workbooks.py``, and merged ranges per sheet."""

    sheets: dict
    merges: dict = field(default_factory=dict)

    def key(self) -> str:
        text = repr((list(self.sheets.items()), sorted(self.merges.items())))
        return hashlib.sha256(text.encode()).hexdigest()[:20]

    def source(self) -> bytes:
        """The workbook as openpyxl writes it (what LibreOffice opens and saves)."""
        book = OpenpyxlWorkbook()
        book.remove(book.active)
        for name, rows in self.sheets.items():
            sheet = book.create_sheet(name)
            for r, row in enumerate(rows, start=1):
                for c, value in enumerate(row, start=1):
                    if value is not None:
                        sheet.cell(row=r, column=c, value=value)
            for cells in self.merges.get(name, ()):
                sheet.merge_cells(cells)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


BOOKS: dict[str, Spec] = {}


def book(name: str, sheets: dict, merges: dict | None = None) -> str:
    assert name not in BOOKS, name
    BOOKS[name] = Spec(sheets, merges or {})
    return name


def _convert(sources: Path, out: Path, fmt: str, profile: Path) -> subprocess.Popen:
    files = sorted(str(p) for p in sources.glob("*.xlsx"))
    return subprocess.Popen(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            LIBREOFFICE_FILTERS[fmt],
            "--outdir",
            str(out / fmt),
            *files,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


# The saved files are committed here, named by the description's key, so that the tests run
# on a machine without LibreOffice too (CI). A new or changed description is saved by
# LibreOffice on the next run where it is installed; commit the new files then (and
# delete the files of a description that changed). The two 20 000-row workbooks weigh
# 6 MB, under 1 MB as git stores them.
SAVED = Path(__file__).parent / "fixtures" / "contract"


@pytest.fixture(scope="session")
def saved():
    """``saved(name, fmt)``: the bytes of workbook ``name`` as LibreOffice saved it."""
    missing = {
        spec.key(): spec
        for spec in BOOKS.values()
        if not all((SAVED / f"{spec.key()}.{fmt}").exists() for fmt in FORMATS)
    }
    if missing and shutil.which("soffice") is not None:
        SAVED.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            (tmp / "src").mkdir()
            for key, spec in missing.items():
                (tmp / "src" / f"{key}.xlsx").write_bytes(spec.source())
            jobs = [
                _convert(tmp / "src", tmp / "out", fmt, tmp / f"profile-{fmt}") for fmt in FORMATS
            ]
            try:
                for job in jobs:
                    job.wait(timeout=900)
            finally:
                for job in jobs:
                    if job.poll() is None:
                        job.kill()
            for key in missing:
                for fmt in FORMATS:
                    made = tmp / "out" / fmt / f"{key}.{fmt}"
                    assert made.exists(), f"LibreOffice did not save {key}.{fmt}"
                    target = SAVED / f"{key}.{fmt}"
                    part = SAVED / f"{key}.{fmt}.{os.getpid()}.part"
                    shutil.copyfile(made, part)
                    os.replace(part, target)

    def get(name: str, fmt: str) -> bytes:
        path = SAVED / f"{BOOKS[name].key()}.{fmt}"
        if not path.exists():
            pytest.skip(f"{name}.{fmt} is not saved yet, and LibreOffice (soffice) is missing")
        return path.read_bytes()

    return get


@pytest.fixture
def read(saved, parse):
    """``read(name, fmt)``: workbook ``name``, saved by LibreOffice as ``fmt``, parsed."""

    def run(name: str, fmt: str):
        return parse(saved(name, fmt), f"{name}.{fmt}")

    return run


def test_libreoffice_saved_each_format_as_itself(saved):
    """The files are what their names say: OOXML (macro-enabled for .xlsm), BIFF8, ODF."""
    name = "sheets-0"
    for fmt in ("xlsx", "xlsm", "ods"):
        with zipfile.ZipFile(io.BytesIO(saved(name, fmt))) as archive:
            names = archive.namelist()
            if fmt == "ods":
                assert b"application/vnd.oasis.opendocument.spreadsheet" == archive.read("mimetype")
            else:
                types = archive.read("[Content_Types].xml")
                assert (b"macroEnabled" in types) == (fmt == "xlsm")
                assert "xl/workbook.xml" in names
    assert saved(name, "xls").startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


# --- Sheets ------------------------------------------------------------------------------
# «Sheet names are matched case-insensitively, ignoring spaces, -/_, and with ø→o, å→a,
# æ→ae folded» · the alias table · «Other sheets (instructions, lists, pivot tables) are
# ignored.»

SHEET_NAMES = [
    ("Rapport", "Aktiviteter", "Møter"),
    ("Report", "Activities", "Meetings"),
    ("Rapportering", "Aktivitet", "Rådsmøter"),
    ("Forside", "Tiltak", "Moter"),
    ("RAPPORT", "AKTIVITETER", "MØTER"),
    ("rapport ", "aktivi_teter", "møter "),
    ("Rap-port", "Aktivi-teter", "Råds møter"),
    ("FORSIDE", "tiltak", "Radsmoter"),
]
for _i, (_report, _activities, _meetings) in enumerate(SHEET_NAMES):
    _sheets = report_sheets()
    book(
        f"sheets-{_i}",
        {
            "Instruksjoner": [["Slik fyller du ut rapporten"], ["Dato", "Aktivitet", "Type"]],
            _report: _sheets["Rapport"],
            _activities: _sheets["Aktiviteter"],
            _meetings: _sheets["Møter"],
            "Lister": [["Aktivitetstype", "Delmål"], ["Konferanse", 1]],
            "Pivot": [["Delmål", "Kostnad"], [1, 12500]],
        },
    )


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("i", range(len(SHEET_NAMES)), ids=lambda i: "/".join(SHEET_NAMES[i]))
def test_sheet_names_and_aliases(read, i, fmt):
    parsed = read(f"sheets-{i}", fmt)
    assert [] == lines(parsed)
    assert ("IA-rådet i Troms", "2012 H1") == (parsed.council.name, parsed.period.label)
    assert (2, 2) == (len(parsed.activities), len(parsed.meetings))


_sheets = report_sheets()
book("no-meetings-sheet", {"Rapport": _sheets["Rapport"], "Aktiviteter": _sheets["Aktiviteter"]})
book(
    "activities-header-only",
    {"Rapport": _sheets["Rapport"], "Aktiviteter": [list(ACTIVITY_HEADER)], "Møter": []},
)
book("activities-empty-sheet", {"Rapport": _sheets["Rapport"], "Aktiviteter": []})
book("no-report-sheet", {"Ark1": _sheets["Rapport"], "Aktiviteter": _sheets["Aktiviteter"]})
book("no-activities-sheet", {"Rapport": _sheets["Rapport"], "Møter": _sheets["Møter"]})


@pytest.mark.parametrize("fmt", FORMATS)
def test_meetings_sheet_is_optional(read, fmt):
    parsed = read("no-meetings-sheet", fmt)
    assert ([], 2, []) == (lines(parsed), len(parsed.activities), parsed.meetings)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", ["activities-header-only", "activities-empty-sheet"])
def test_activities_sheet_may_hold_zero_rows(read, name, fmt):
    parsed = read(name, fmt)
    assert ([], [], []) == (lines(parsed), parsed.activities, parsed.meetings)
    assert parsed.ok


@pytest.mark.parametrize("fmt", FORMATS)
def test_missing_report_sheet_is_an_error(read, fmt):
    assert [
        "Arbeidsboka mangler arket «Rapport» (godtatt også: Report, Rapportering, Forside); "
        "arkene i filen er: Ark1, Aktiviteter"
    ] == lines(read("no-report-sheet", fmt))


@pytest.mark.parametrize("fmt", FORMATS)
def test_missing_activities_sheet_is_an_error(read, fmt):
    assert [
        "Arbeidsboka mangler arket «Aktiviteter» (godtatt også: Aktivitet, Activities, Tiltak)"
    ] == error_lines(read("no-activities-sheet", fmt))


# --- Rapport: labels ---------------------------------------------------------------------
# «Labels may stand anywhere in the first 60 rows; the value is the first non-empty cell to
# the right of the label on the same row. Label matching: case-insensitive, trailing : and
# * ignored, same folding as sheet names.» · the label table.

LABEL_SETS = [
    ("IA-råd", "Rapportperiode", "Innsendt", "Kontaktperson", "Leder",
     "Leders organisasjon", "Handlingsplan"),
    ("IA-rådet", "Periode", "Innsendt dato", "Kontakt", "Rådets leder",
     "Organisasjon (leder)", "Handlingsplan vedtatt"),
    ("Råd", "Period", "Dato innsendt", "Contact", "Chair", "Leders organisasjon",
     "Action plan"),
    ("Fylke", "Periode", "Submitted", "Kontakt", "Leder", "Organisasjon (leder)",
     "Handlingsplan"),
    ("Council", "Period", "Submitted", "Contact", "Chair", "Leders organisasjon",
     "Action plan"),
    ("IA-RÅD:", "rapportperiode *", "Innsendt dato:", "KONTAKTPERSON:", "Rådets leder *",
     "LEDERS ORGANISASJON:", "Handlingsplan vedtatt:"),
    ("IA-rad", "Rapport-periode", "innsendt_dato", "Kontakt person", "Radets leder",
     "Leders organisasjon*", "handlingsplan"),
]  # fmt: skip
for _i, _labels in enumerate(LABEL_SETS):
    _values = ("Troms", "2012 H1", date(2012, 8, 20), "Kari", "Ola", "LO", "nei")
    _sheets = report_sheets()
    _sheets["Rapport"] = [list(pair) for pair in zip(_labels, _values, strict=True)]
    _sheets["Rapport"] += report_rows()[7:]  # the answers
    book(f"labels-{_i}", _sheets)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("i", range(len(LABEL_SETS)), ids=lambda i: LABEL_SETS[i][0])
def test_report_label_aliases(read, i, fmt):
    parsed = read(f"labels-{i}", fmt)
    assert [] == lines(parsed)
    assert ("IA-rådet i Troms", "2012 H1", date(2012, 8, 20)) == (
        parsed.council.name,
        parsed.period.label,
        parsed.submitted,
    )
    assert ("Kari", "Ola", "LO", False) == (
        parsed.contact,
        parsed.chair,
        parsed.chair_organisation,
        parsed.action_plan,
    )
    assert list(ANSWERS) == parsed.answers


_rapport = [[None] * 8 for _ in range(60)]
_rapport[0][0] = "Rapport fra IA-rådet i Troms"
_rapport[9][2] = "IA-råd:"
_rapport[9][5] = "Troms"  # the first non-empty cell to the right …
_rapport[9][6] = "Finnmark"  # … not this one
_rapport[30][0] = "Innsendt"
_rapport[30][1] = date(2012, 8, 20)
_rapport[30][3] = "Kontaktperson"
_rapport[30][4] = "Kari Nordmann"
_rapport[59][4] = "Rapportperiode*"  # Excel row 60
_rapport[59][7] = "1. halvår 2012"
for _k, _answer in enumerate(ANSWERS):
    _rapport[40 + _k][1] = f"{_k + 1}."
    _rapport[40 + _k][2] = _answer
book("labels-anywhere", {**report_sheets(), "Rapport": _rapport})

_rapport = [row for row in report_rows() if row[0] != "Rapportperiode"]
_rapport += [[None]] * (60 - len(_rapport)) + [["Rapportperiode", "2012 H1"]]  # row 61
book("label-in-row-61", {**report_sheets(), "Rapport": _rapport})


@pytest.mark.parametrize("fmt", FORMATS)
def test_labels_stand_anywhere_in_the_first_60_rows(read, fmt):
    parsed = read("labels-anywhere", fmt)
    assert [] == lines(parsed)
    assert ("IA-rådet i Troms", "2012 H1", date(2012, 8, 20), "Kari Nordmann") == (
        parsed.council.name,
        parsed.period.label,
        parsed.submitted,
        parsed.contact,
    )
    assert list(ANSWERS) == parsed.answers


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_label_in_row_61_is_not_read(read, fmt):
    assert [
        "Rapport: fant ikke feltet «Rapportperiode» (godtatte navn: Rapportperiode, Periode, "
        "Period) i de 60 første radene"
    ] == error_lines(read("label-in-row-61", fmt))


# The values of the report's fields, several forms per workbook (one of each field).
# council: «council name as in the registry (IA-rådet i Troms, Troms, troms), or a county
# number (19, 1, 01)» · period: see *Periods* · submitted: «a date» · action plan: «a date,
# or ja/nei/yes/no» · contact/chair/organisation: text (trimmed).
FIELD_FORMS = [
    # council, expected council, period, expected period, submitted, expected submitted,
    # action plan, expected
    ("IA-rådet i Troms", "Troms", "2012 H1", "2012 H1", date(2012, 8, 20), date(2012, 8, 20),
     "ja", (True, None)),
    ("Troms", "Troms", "H1 2012", "2012 H1", datetime(2012, 8, 20, 14, 5), date(2012, 8, 20),
     "Ja", (True, None)),
    ("troms", "Troms", "2012-H1", "2012 H1", "20.08.2012", date(2012, 8, 20), "yes",
     (True, None)),
    ("  TROMS ", "Troms", "2012-1", "2012 H1", "20.08.12", date(2012, 8, 20), "nei",
     (False, None)),
    ("19", "Troms", "1. halvår 2012", "2012 H1", "2012-08-20", date(2012, 8, 20), "NO",
     (False, None)),
    (19, "Troms", "første halvår 2012", "2012 H1", "20/08/2012", date(2012, 8, 20), "no",
     (False, None)),
    ("1", "Østfold", "2012 2. halvår", "2012 H2", 41141, date(2012, 8, 20), date(2012, 2, 2),
     (True, date(2012, 2, 2))),
    ("01", "Østfold", "2015", "2015 År", "20.2.2016", date(2016, 2, 20), "02.02.2012",
     (True, date(2012, 2, 2))),
    (1, "Østfold", 2015, "2015 År", date(2016, 2, 20), date(2016, 2, 20), 40941,
     (True, date(2012, 2, 2))),
    ("Ostfold", "Østfold", "2015 år", "2015 År", date(2016, 2, 20), date(2016, 2, 20), None,
     (None, None)),
    ("møre og romsdal", "Møre og Romsdal", "2015 helår", "2015 År", date(2016, 2, 20),
     date(2016, 2, 20), "ja", (True, None)),
    ("IA-rådet i Troms", "Troms", "År 2015", "2015 År", date(2016, 2, 20), date(2016, 2, 20),
     "ja", (True, None)),
    ("IA-rådet i Troms", "Troms", " 2012 H2 ", "2012 H2", date(2012, 8, 20), date(2012, 8, 20),
     "ja", (True, None)),
]  # fmt: skip
for _i, (_council, _, _period, _, _submitted, _, _plan, _) in enumerate(FIELD_FORMS):
    _sheets = report_sheets(
        council=_council,
        period=_period,
        submitted=_submitted,
        action_plan=_plan,
        contact="  Kari Nordmann\u00a0",
        chair="\tOla Hansen ",
        chair_organisation=" NHO ",
        activities=[],
        meetings=[],
    )
    book(f"fields-{_i}", _sheets)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "i", range(len(FIELD_FORMS)), ids=lambda i: f"{FIELD_FORMS[i][0]}|{FIELD_FORMS[i][2]}"
)
def test_report_field_value_forms(read, i, fmt):
    _, council, _, period, _, submitted, _, plan = FIELD_FORMS[i]
    parsed = read(f"fields-{i}", fmt)
    assert [] == lines(parsed)
    assert (f"IA-rådet i {council}", period, submitted) == (
        parsed.council.name,
        parsed.period.label,
        parsed.submitted,
    )
    assert plan == (parsed.action_plan, parsed.action_plan_date)
    assert ("Kari Nordmann", "Ola Hansen", "NHO") == (
        parsed.contact,
        parsed.chair,
        parsed.chair_organisation,
    )


FIELD_ERRORS = [
    (
        {"council": "Lappland"},
        "Rapport, rad 1, kolonne «IA-råd»: «Lappland» er ikke et IA-råd i registeret for 2012 "
        "(skriv rådets navn, fylkets navn eller fylkesnummeret)",
    ),
    (
        {"council": 99},
        "Rapport, rad 1, kolonne «IA-råd»: «99» er ikke et IA-råd i registeret for 2012 "
        "(skriv rådets navn, fylkets navn eller fylkesnummeret)",
    ),
    (
        {"council": None},
        "Rapport: fant ikke feltet «IA-råd» (godtatte navn: IA-råd, IA-rådet, Råd, Fylke, "
        "Council) i de 60 første radene",
    ),
    # «A period that the year's rules don't have (2015 H1 in a yearly year, 2012 in a
    # half-yearly year) is an error that names the periods that year does have.»
    (
        {"period": "2015 H1"},
        "Rapport, rad 2, kolonne «Rapportperiode»: «2015 H1» er ikke en rapportperiode i 2015; "
        "2015 har perioden 2015",
    ),
    (
        {"period": "2012"},
        "Rapport, rad 2, kolonne «Rapportperiode»: «2012» er ikke en rapportperiode i 2012; "
        "2012 har periodene 2012 H1, 2012 H2",
    ),
    (
        {"period": 2012},
        "Rapport, rad 2, kolonne «Rapportperiode»: «2012» er ikke en rapportperiode i 2012; "
        "2012 har periodene 2012 H1, 2012 H2",
    ),
    (
        {"period": "neste halvår"},
        "Rapport, rad 2, kolonne «Rapportperiode»: «neste halvår» er ikke en rapportperiode "
        "(for eksempel 2012 H1, 1. halvår 2012, 2012-2 eller 2015)",
    ),
    (
        {"submitted": "i går"},
        f"Rapport, rad 3, kolonne «Innsendt dato»: «i går» er ikke en dato {DATE_EXPECTED}",
    ),
    (
        {"submitted": "31.02.2012"},
        "Rapport, rad 3, kolonne «Innsendt dato»: «31.02.2012» er ikke en gyldig dato: "
        "den dagen finnes ikke",
    ),
    (
        {"action_plan": "kanskje"},
        "Rapport, rad 7, kolonne «Handlingsplan vedtatt»: «kanskje» er verken en dato eller "
        "ja/nei (forventet en dato, ja eller nei)",
    ),
]
for _i, (_fields, _) in enumerate(FIELD_ERRORS):
    book(f"field-error-{_i}", report_sheets(activities=[], meetings=[], **_fields))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "i", range(len(FIELD_ERRORS)), ids=lambda i: repr(next(iter(FIELD_ERRORS[i][0].values())))
)
def test_report_field_errors(read, i, fmt):
    parsed = read(f"field-error-{i}", fmt)
    assert [FIELD_ERRORS[i][1]] == error_lines(parsed)


book("submitted-left-out", report_sheets(submitted=None))


@pytest.mark.parametrize("fmt", FORMATS)
def test_submitted_is_optional(read, fmt):
    parsed = read("submitted-left-out", fmt)
    assert ([], None) == (lines(parsed), parsed.submitted)


# «answers 1–5: a label that starts with the question's number (1, 1., 1), Spørsmål 1, Q1)
# — no (a missing answer is a warning) — free text»
QUESTION_LABELS = [
    ("1", "2.", "3)", "Spørsmål 4", "Q5"),
    ("Spørsmål 1:", "SPØRSMÅL 2", "q3", "4:", "5 )"),
    tuple(f"{k}. {QUESTIONS[k - 1]}" for k in range(1, 6)),
    (1, 2, 3, 4, 5),  # number cells
]
for _i, _labels in enumerate(QUESTION_LABELS):
    _sheets = report_sheets()
    _sheets["Rapport"] = report_rows(answers=[])
    _sheets["Rapport"] += [[label, f"Svar nummer {k}"] for k, label in enumerate(_labels, 1)]
    book(f"questions-{_i}", _sheets)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("i", range(len(QUESTION_LABELS)))
def test_question_labels(read, i, fmt):
    parsed = read(f"questions-{i}", fmt)
    assert [] == lines(parsed)
    assert [f"Svar nummer {k}" for k in range(1, 6)] == parsed.answers


_sheets = report_sheets()
_sheets["Rapport"] = [*report_rows(answers=ANSWERS[:2]), ["3. Næringer?", None]]
book("answers-missing", _sheets)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_missing_answer_is_a_warning(read, fmt):
    parsed = read("answers-missing", fmt)
    assert parsed.ok
    assert [
        f"Rapport, rad 10: svar på spørsmål 3 mangler («{QUESTIONS[2]}»)",
        f"Rapport: svar på spørsmål 4 mangler («{QUESTIONS[3]}»)",
        f"Rapport: svar på spørsmål 5 mangler («{QUESTIONS[4]}»)",
    ] == sorted(warning_lines(parsed))


# --- Aktiviteter and Møter: tables ---------------------------------------------------------
# «The header row is the first row, within the first 20, that holds at least two known
# column names; rows above it (titles, logos, merged banner cells) are ignored.»

_sheets = report_sheets()
_sheets["Aktiviteter"] = [
    ["Aktivitet"],  # a merged banner with one column name: not the header
    ["Én rad per aktivitet. Dato og aktivitet er påkrevd."],
    [],
    list(ACTIVITY_HEADER),
    activity(title="Kurs i nærværsarbeid"),
]
_sheets["Møter"] = [[None] * 3 for _ in range(19)] + [[None, "Dato", "Møtetype"]]  # row 20
_sheets["Møter"].append([None, date(2012, 2, 2), "Rådsmøte"])
book("header-under-titles", _sheets, merges={"Aktiviteter": ["A1:J1", "A2:D2"]})

_sheets = report_sheets()
_sheets["Aktiviteter"] = [["Aktiviteter"]] + [[]] * 19 + _sheets["Aktiviteter"]  # row 21
book("header-in-row-21", _sheets)


@pytest.mark.parametrize("fmt", FORMATS)
def test_header_row_under_titles_and_merged_banners(read, fmt):
    parsed = read("header-under-titles", fmt)
    assert [] == lines(parsed)
    assert [(5, "Kurs i nærværsarbeid")] == [(a.row, a.title) for a in parsed.activities]
    assert [(21, date(2012, 2, 2), "Rådsmøte")] == [
        (m.row, m.date, m.kind) for m in parsed.meetings
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_header_row_below_row_20_is_not_found(read, fmt):
    assert [
        "Aktiviteter: fant ingen overskriftsrad i de 20 første radene (en rad med minst to "
        "kjente kolonnenavn, som Dato, Aktivitet, Type, Delmål)"
    ] == error_lines(read("header-in-row-21", fmt))


# The column tables of Aktiviteter and Møter: every name, in any order, units in brackets.
ACTIVITY_HEADERS = [
    ACTIVITY_HEADER,
    tuple(reversed(ACTIVITY_HEADER)),
    ("Date", "Title", "Type", "Sub-goal", "Sector", "Participants", "Cost", "Status",
     "Organiser", "Comment"),
    ("Startdato", "Tittel", "Aktivitetstype", "IA-delmål", "Næring", "Ant. deltakere",
     "Kostnad IA-rådsmidler", "STATUS", "Arrangør", "Merknad"),
    ("Fra dato", "Navn", "Kategori", "Delmal", "Sektor", "Deltakere", "Brukt", "status",
     "Ansvarlig part", "Kommentar"),
    ("Tidspunkt", "Beskrivelse", "type", "delmål:", "Bransje", "Antall deltakere (stk)",
     "Utgift [NOK]", "Status *", "Ansvarlig", "Kommentar"),
    ("Dato", "Activity", "Type", "Delmål (1–3)", "Bransje/sektor", "Deltakere", "Beløp (kr)",
     "Status", "Organiser", "Comment"),
    (" Dato ", "Aktivitet", "TYPE", "DELMÅL", "Bransje / sektor", "Participants",
     "Kostnad", "Status", "Arrangor", "merknad"),
]  # fmt: skip
MEETING_HEADERS = [
    MEETING_HEADER,
    ("Dato", "Møtetype", "Til stede", "Referat"),
    ("Møtedato", "Type", "Parter", "Kommentar"),
    ("Date", "Type", "Present", "Comment"),
    ("MOTEDATO", "motetype", "Deltakende parter", "Referat (kort)"),
]
for _i, _header in enumerate(ACTIVITY_HEADERS):
    _row = activity(
        date(2012, 3, 1), "Kurs", "Kurs", "1, 3", "Helse", 12, "2 500", "Planlagt", "LO", "ok"
    )
    if _header[0] == ACTIVITY_HEADER[-1]:
        _row = list(reversed(_row))
    _meetings = MEETING_HEADERS[_i % len(MEETING_HEADERS)]
    _sheets = report_sheets()
    _sheets["Aktiviteter"] = [list(_header), _row]
    _sheets["Møter"] = [list(_meetings), ["02.02.2012", "Rådsmøte", "Alle", "Referat i vedlegg"]]
    book(f"columns-{_i}", _sheets)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("i", range(len(ACTIVITY_HEADERS)), ids=lambda i: ACTIVITY_HEADERS[i][0])
def test_column_names_in_any_order(read, i, fmt):
    parsed = read(f"columns-{i}", fmt)
    assert [] == lines(parsed)
    (a,) = parsed.activities
    assert (date(2012, 3, 1), "Kurs", "Kurs", frozenset({1, 3}), "Helse", 12, 250_000) == (
        a.date,
        a.title,
        a.type,
        a.goals,
        a.sector,
        a.participants,
        a.cost_ore,
    )
    assert ("Planlagt", "LO", "ok") == (a.status, a.organiser, a.comment)
    (m,) = parsed.meetings
    assert (date(2012, 2, 2), "Rådsmøte", "Alle", "Referat i vedlegg") == (
        m.date,
        m.kind,
        m.present,
        m.comment,
    )


_sheets = report_sheets()
_sheets["Aktiviteter"][0] += ["Budsjett", "Notat (intern)"]
for _row in _sheets["Aktiviteter"][1:]:
    _row += [10_000, "husk faktura"]
book("unknown-columns", _sheets)


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_columns_are_ignored_and_listed_once(read, fmt):
    parsed = read("unknown-columns", fmt)
    assert [
        "Aktiviteter, rad 1: ukjente kolonner blir ikke lest: «Budsjett», «Notat (intern)»"
    ] == lines(parsed)
    assert parsed.ok
    assert 2 == len(parsed.activities)


_sheets = report_sheets()
_sheets["Aktiviteter"] = [
    ["Dato", "Aktivitet", "Type", "Kostnad"],
    [date(2012, 3, 1), "Kurs", "Kurs", 100],
]
_sheets["Møter"] = [["Møtetype", "Kommentar"], ["Rådsmøte", "ok"]]
book("required-columns-missing", _sheets)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_required_column_missing_is_an_error(read, fmt):
    assert [
        "Aktiviteter, rad 1: kolonnen «Delmål» mangler (godtatte navn: Delmål, Delmal, "
        "IA-delmål, Sub-goal)",
        "Møter, rad 1: kolonnen «Dato» mangler (godtatte navn: Dato, Møtedato, Date)",
    ] == error_lines(read("required-columns-missing", fmt))


# «… or, where no row does, the first row that holds all the sheet's required column names
# (so a `Møter` sheet with only a `Dato` column is read)» (the contract as amended).
_sheets = report_sheets()
_sheets["Møter"] = [["Rådsmøter i 2012"], [], ["Dato"], [date(2012, 2, 2)], ["15.05.2012"]]
book("meetings-date-only", _sheets)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_meetings_sheet_with_only_a_date_column_is_read_and_stored(saved, fresh_db, fmt):
    result = import_file(
        fresh_db, f"moter.{fmt}", saved("meetings-date-only", fmt), now=NOW, scope=OPERATOR
    )
    assert result.status == "lagret", result.message
    assert [(m.row, m.date, m.kind) for m in result.parsed.meetings] == [
        (4, date(2012, 2, 2), ""),
        (5, date(2012, 5, 15), ""),
    ]
    with Session(fresh_db) as session:
        assert session.exec(select(func.count()).select_from(Meeting)).one() == 2


# «Wholly empty rows are skipped wherever they stand. A row that has any value is a data row
# and is validated in full.»
_sheets = report_sheets()
_sheets["Aktiviteter"] = [
    [],
    list(ACTIVITY_HEADER),
    [None, "   ", "\u00a0"],
    activity(title="Første"),
    [],
    [],
    activity(title="Andre"),
    ["", None, " "],
    activity(title="Tredje"),
    [],
    [],
]
_sheets["Møter"] = [[], [], list(MEETING_HEADER), [], meeting(), [], [], meeting()]
book("empty-rows", _sheets)

book("any-value-row", report_sheets(activities=[activity(), [None] * 9 + ["se vedlegg"]]))
_sheets = report_sheets(activities=[[*activity(), 1], [None] * 10 + [2]])
_sheets["Aktiviteter"][0].append("Nr")
book("value-only-in-an-unknown-column", _sheets)
_sheets = report_sheets()
_sheets["Aktiviteter"] = [
    ["Dato", "Aktivitet", "Type", "Delmål"],
    ["01.03.2012", "Kurs", "Kurs", 2],
]
book("only-required-columns", _sheets)


@pytest.mark.parametrize("fmt", FORMATS)
def test_wholly_empty_rows_are_skipped_anywhere(read, fmt):
    parsed = read("empty-rows", fmt)
    assert [] == lines(parsed)
    assert [(4, "Første"), (7, "Andre"), (9, "Tredje")] == [
        (a.row, a.title) for a in parsed.activities
    ]
    assert [5, 8] == [m.row for m in parsed.meetings]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_row_with_any_value_is_validated_in_full(read, fmt):
    assert [
        "Aktiviteter, rad 3, kolonne «Dato»: Dato mangler",
        "Aktiviteter, rad 3, kolonne «Aktivitet»: Aktivitet mangler",
        "Aktiviteter, rad 3, kolonne «Type»: Type mangler",
        "Aktiviteter, rad 3, kolonne «Delmål»: Delmål mangler",
    ] == lines(read("any-value-row", fmt))


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_value_in_an_unknown_column_makes_a_data_row(read, fmt):
    assert [
        "Aktiviteter, rad 1: ukjente kolonner blir ikke lest: «Nr»",
        "Aktiviteter, rad 3, kolonne «Dato»: Dato mangler",
        "Aktiviteter, rad 3, kolonne «Aktivitet»: Aktivitet mangler",
        "Aktiviteter, rad 3, kolonne «Type»: Type mangler",
        "Aktiviteter, rad 3, kolonne «Delmål»: Delmål mangler",
    ] == lines(read("value-only-in-an-unknown-column", fmt))


@pytest.mark.parametrize("fmt", FORMATS)
def test_optional_columns_may_be_left_out(read, fmt):
    parsed = read("only-required-columns", fmt)
    assert [] == lines(parsed)
    (a,) = parsed.activities
    assert ("", None, 0, "Gjennomført", "", "") == (
        a.sector,
        a.participants,
        a.cost_ore,
        a.status,
        a.organiser,
        a.comment,
    )


# Row and column numbers stay Excel's when a sheet does not start in A1.
_sheets = report_sheets()
_sheets["Rapport"] = [[], [], *([None, None, *row] for row in _sheets["Rapport"])]
_sheets["Aktiviteter"] = [[], [], [], *([None, *row] for row in _sheets["Aktiviteter"])]
_sheets["Aktiviteter"][-1][4] = "4"
_sheets["Møter"] = [[], *([None, None, None, *row] for row in _sheets["Møter"])]
_sheets["Møter"][-1][3] = "neste uke"
book("not-in-a1", _sheets)


@pytest.mark.parametrize("fmt", FORMATS)
def test_excel_row_numbers_when_a_sheet_does_not_start_in_a1(read, fmt):
    parsed = read("not-in-a1", fmt)
    assert [
        "Aktiviteter, rad 6, kolonne «Delmål»: «4» er ikke et delmål (gyldige verdier: 1, 2, 3)",
        f"Møter, rad 4, kolonne «Dato»: «neste uke» er ikke en dato {DATE_EXPECTED}",
    ] == lines(parsed)
    assert ("IA-rådet i Troms", "2012 H1") == (parsed.council.name, parsed.period.label)


# --- Values ------------------------------------------------------------------------------
# «Dates: a date cell; an Excel serial number (a number cell in a date column); or text
# 31.12.2012, 31.12.12, 1.3.2012, 2012-12-31, 31/12/2012. Two-digit years mean 20xx.»

DATE_FORMS = [
    (date(2012, 3, 1), date(2012, 3, 1)),
    (datetime(2012, 3, 1, 14, 30), date(2012, 3, 1)),
    (40969, date(2012, 3, 1)),  # a serial number
    (40969.0, date(2012, 3, 1)),
    ("31.03.2012", date(2012, 3, 31)),
    ("31.03.12", date(2012, 3, 31)),
    ("1.3.2012", date(2012, 3, 1)),
    ("2012-06-30", date(2012, 6, 30)),
    ("30/06/2012", date(2012, 6, 30)),
    (" 01.01.2012\u00a0", date(2012, 1, 1)),
]
book(
    "date-forms",
    report_sheets(
        activities=[activity(day=value) for value, _ in DATE_FORMS],
        meetings=[meeting(day=value) for value, _ in DATE_FORMS],
    ),
)


@pytest.mark.parametrize("fmt", FORMATS)
def test_date_forms(read, fmt):
    parsed = read("date-forms", fmt)
    assert [] == lines(parsed)
    expected = [day for _, day in DATE_FORMS]
    assert expected == [a.date for a in parsed.activities]
    assert expected == [m.date for m in parsed.meetings]


# «Whole numbers and amounts: a number cell; or text with optional kr/NOK before or after,
# spaces (also non-breaking) or . as thousands separators, , as the decimal mark: 12 500,
# 12 500 kr, kr 12.500, 12500,50, NOK 1 000 000, 12 500,-. A . followed by exactly three
# digits is a thousands separator; any other . is a decimal mark (12.5 = 12,5).»
AMOUNT_FORMS = [
    (12500, 1_250_000),
    (12500.5, 1_250_050),
    ("12 500", 1_250_000),
    ("12\u00a0500", 1_250_000),
    ("12 500 kr", 1_250_000),
    ("kr 12.500", 1_250_000),
    ("12500,50", 1_250_050),
    ("NOK 1 000 000", 100_000_000),
    ("12 500,-", 1_250_000),
    ("12.5", 1_250),
    ("12.500,50", 1_250_050),
    (0, 0),
    (None, 0),  # «no (empty = 0)»
]
PARTICIPANT_FORMS = [
    (30, 30),
    (30.0, 30),
    ("30", 30),
    ("1 200", 1200),
    ("1\u00a0200", 1200),
    ("1.200", 1200),
    (0, 0),
    (None, None),
    (" 30 ", 30),
    ("12", 12),
    ("2 000", 2000),
    ("7", 7),
    ("40", 40),
]
book(
    "number-forms",
    report_sheets(
        activities=[
            activity(cost=cost, participants=people)
            for (cost, _), (people, _) in zip(AMOUNT_FORMS, PARTICIPANT_FORMS, strict=True)
        ]
    ),
)


@pytest.mark.parametrize("fmt", FORMATS)
def test_amount_and_whole_number_forms(read, fmt):
    parsed = read("number-forms", fmt)
    assert [] == lines(parsed)
    assert [ore for _, ore in AMOUNT_FORMS] == [a.cost_ore for a in parsed.activities]
    assert [n for _, n in PARTICIPANT_FORMS] == [a.participants for a in parsed.activities]


# «Sub-goals: a number cell 1, 2 or 3; or text holding one or more of: digits 1–3, DM1,
# Delmål 2, delmål 1 og 3, 1, 2, 1/3, 1 + 2, 1-3 (a range), alle / alle tre (= 1, 2, 3); or
# the sub-goals' own words: sykefravær → 1, nedsatt funksjonsevne / funksjonsevne → 2,
# senior / seniorer / seniorpolitikk / eldre arbeidstakere → 3.»
GOAL_FORMS = [
    (1, {1}),
    (2, {2}),
    (3, {3}),
    (2.0, {2}),
    ("1", {1}),
    ("3", {3}),
    ("DM1", {1}),
    ("Delmål 2", {2}),
    ("delmål 1 og 3", {1, 3}),
    ("1, 2", {1, 2}),
    ("1/3", {1, 3}),
    ("1 + 2", {1, 2}),
    ("1-3", {1, 2, 3}),
    ("2-3", {2, 3}),
    ("alle", {1, 2, 3}),
    ("alle tre", {1, 2, 3}),
    ("Alle tre", {1, 2, 3}),
    ("sykefravær", {1}),
    ("nedsatt funksjonsevne", {2}),
    ("funksjonsevne", {2}),
    ("senior", {3}),
    ("seniorer", {3}),
    ("seniorpolitikk", {3}),
    ("eldre arbeidstakere", {3}),
    (" 1, 3 ", {1, 3}),
]
book("goal-forms", report_sheets(activities=[activity(goals=g) for g, _ in GOAL_FORMS]))


@pytest.mark.parametrize("fmt", FORMATS)
def test_sub_goal_forms(read, fmt):
    parsed = read("goal-forms", fmt)
    assert [] == lines(parsed)
    assert [frozenset(g) for _, g in GOAL_FORMS] == [a.goals for a in parsed.activities]


# status: «Planlagt, Pågår, Gjennomført, Avlyst (also planned, ongoing, done/completed,
# cancelled)», «no (empty = Gjennomført)».
STATUS_FORMS = [
    ("Planlagt", "Planlagt"),
    ("Pågår", "Pågår"),
    ("Gjennomført", "Gjennomført"),
    ("Avlyst", "Avlyst"),
    ("planned", "Planlagt"),
    ("ongoing", "Pågår"),
    ("done", "Gjennomført"),
    ("completed", "Gjennomført"),
    ("cancelled", "Avlyst"),
    ("PLANLAGT", "Planlagt"),
    ("pågår", "Pågår"),
    (" avlyst ", "Avlyst"),
    (None, "Gjennomført"),
]
book("status-forms", report_sheets(activities=[activity(status=s) for s, _ in STATUS_FORMS]))


@pytest.mark.parametrize("fmt", FORMATS)
def test_status_forms(read, fmt):
    parsed = read("status-forms", fmt)
    assert [] == lines(parsed)
    assert [s for _, s in STATUS_FORMS] == [a.status for a in parsed.activities]


# «Activity types: Konferanse, Seminar, Kurs, Nettverk, Erfaringssamling, Dialogmøte,
# Informasjon, Prosjekt, Annet. Match case-insensitively and accept the obvious long forms
# (IA-konferanse, Seniorkonferanse → Konferanse; Bransjenettverk → Nettverk;
# Dialogkonferanse → Dialogmøte; Samling → Seminar; Informasjonsmøte, Mediearbeid →
# Informasjon).»
TYPE_FORMS = [
    ("Konferanse", "Konferanse"),
    ("Seminar", "Seminar"),
    ("Kurs", "Kurs"),
    ("Nettverk", "Nettverk"),
    ("Erfaringssamling", "Erfaringssamling"),
    ("Dialogmøte", "Dialogmøte"),
    ("Informasjon", "Informasjon"),
    ("Prosjekt", "Prosjekt"),
    ("Annet", "Annet"),
    ("konferanse", "Konferanse"),
    ("KURS", "Kurs"),
    ("dialogmote", "Dialogmøte"),
    ("IA-konferanse", "Konferanse"),
    ("Seniorkonferanse", "Konferanse"),
    ("Bransjenettverk", "Nettverk"),
    ("Dialogkonferanse", "Dialogmøte"),
    ("Samling", "Seminar"),
    ("Informasjonsmøte", "Informasjon"),
    ("Mediearbeid", "Informasjon"),
    (" Seminar ", "Seminar"),
]
book("type-forms", report_sheets(activities=[activity(type_=t) for t, _ in TYPE_FORMS]))
book(
    "type-unknown",
    report_sheets(activities=[activity(), activity(type_="Frokostmøte"), activity(type_="Lunsj")]),
)


@pytest.mark.parametrize("fmt", FORMATS)
def test_activity_type_forms(read, fmt):
    parsed = read("type-forms", fmt)
    assert [] == lines(parsed)
    assert [t for _, t in TYPE_FORMS] == [a.type for a in parsed.activities]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_type_is_kept_as_annet_with_a_warning_that_names_it(read, fmt):
    parsed = read("type-unknown", fmt)
    assert parsed.ok
    assert [
        "Aktiviteter, rad 3, kolonne «Type»: «Frokostmøte» er ikke en kjent aktivitetstype og "
        f"lagres som «Annet» (kjente typer: {TYPES})",
        "Aktiviteter, rad 4, kolonne «Type»: «Lunsj» er ikke en kjent aktivitetstype og "
        f"lagres som «Annet» (kjente typer: {TYPES})",
    ] == warning_lines(parsed)
    assert ["Konferanse", "Annet", "Annet"] == [a.type for a in parsed.activities]


# «Leading and trailing white space is trimmed from every text.»
book(
    "trimmed",
    report_sheets(
        council=" Troms\u00a0",
        period="  2012 H1 ",
        contact="  Kari Nordmann  ",
        chair="\u00a0Ola Hansen\u00a0",
        chair_organisation=" NHO",
        answers=[f"  {a}  " for a in ANSWERS],
        activities=[
            activity(
                day=" 01.03.2012 ",
                title="  IA-konferanse\u00a0",
                type_=" Kurs ",
                goals=" 1 ",
                sector=" Industri ",
                participants=" 40 ",
                cost=" 12 500 kr ",
                status=" Planlagt ",
                organiser="  NAV  ",
                comment="\tse referat  ",
            )
        ],
        meetings=[meeting(kind="  Rådsmøte ", present=" Alle parter ", comment=" ok ")],
    ),
)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_text_is_trimmed(read, fmt):
    parsed = read("trimmed", fmt)
    assert [] == lines(parsed)
    assert ("IA-rådet i Troms", "2012 H1", "Kari Nordmann", "Ola Hansen", "NHO") == (
        parsed.council.name,
        parsed.period.label,
        parsed.contact,
        parsed.chair,
        parsed.chair_organisation,
    )
    assert list(ANSWERS) == parsed.answers
    (a,) = parsed.activities
    assert (date(2012, 3, 1), "IA-konferanse", "Kurs", frozenset({1}), "Industri", 40) == (
        a.date,
        a.title,
        a.type,
        a.goals,
        a.sector,
        a.participants,
    )
    assert (1_250_000, "Planlagt", "NAV", "se referat") == (
        a.cost_ore,
        a.status,
        a.organiser,
        a.comment,
    )
    (m,) = parsed.meetings
    assert ("Rådsmøte", "Alle parter", "ok") == (m.kind, m.present, m.comment)


# «Formula cells count by their last calculated value; a formula with no stored value is an
# empty cell.» LibreOffice calculates and stores every formula's value when it saves.
book(
    "formulas",
    report_sheets(
        council='="Tro"&"ms"',
        activities=[
            activity(
                day="=DATE(2012,3,1)",
                title='="Kurs "&"A"',
                goals="=1+2",
                participants="=20+5",
                cost="=1000+250",
            ),
            activity(goals='="1, "&"3"', cost="=12500/2"),
        ],
    ),
)


@pytest.mark.parametrize("fmt", FORMATS)
def test_formulas_count_by_their_calculated_value(read, fmt):
    parsed = read("formulas", fmt)
    assert [] == lines(parsed)
    assert "IA-rådet i Troms" == parsed.council.name
    first, second = parsed.activities
    assert (date(2012, 3, 1), "Kurs A", frozenset({3}), 25, 125_000) == (
        first.date,
        first.title,
        first.goals,
        first.participants,
        first.cost_ore,
    )
    assert (frozenset({1, 3}), 625_000) == (second.goals, second.cost_ore)


book(
    "formula-values-dropped",
    report_sheets(
        activities=[
            activity(cost="=1000+250", participants="=20+5", sector='="Hel"&"se"'),
            activity(goals="=1+0"),
        ]
    ),
)

_XLSX_FORMULA_VALUE = re.compile(rb"(<f[^>]*>[^<]*</f>)<v>[^<]*</v>")
_ODS_FORMULA_CELL = re.compile(rb"<table:table-cell([^>]*?table:formula=[^>]*?)(/?)>")


def _drop_stored_values(data: bytes, fmt: str) -> bytes:
    """The file as a program that never calculates would write it: formulas, no values."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if fmt == "ods" and info.filename == "content.xml":

                def bare(m: re.Match) -> bytes:
                    attrs = re.sub(
                        rb"\s(?:office:value-type|office:value|office:string-value|"
                        rb'office:date-value|calcext:value-type)="[^"]*"',
                        b"",
                        m[1],
                    )
                    return b"<table:table-cell" + attrs + m[2] + b">"

                content = _ODS_FORMULA_CELL.sub(bare, content)
                # The shown text of a formula cell goes too.
                content = re.sub(
                    rb"(<table:table-cell[^>]*table:formula=[^>]*>)<text:p>.*?</text:p>",
                    rb"\1",
                    content,
                )
            elif fmt != "ods" and info.filename.startswith("xl/worksheets/"):
                content = _XLSX_FORMULA_VALUE.sub(rb"\1", content)
                content = content.replace(b' t="str"', b"")
            compress = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(info, content, compress_type=compress)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["xlsx", "xlsm", "ods"])  # an .xls formula always has a value
def test_a_formula_with_no_stored_value_is_an_empty_cell(saved, parse, fmt):
    data = _drop_stored_values(saved("formula-values-dropped", fmt), fmt)
    assert data != saved("formula-values-dropped", fmt)
    parsed = parse(data, f"uten-verdier.{fmt}")
    assert ["Aktiviteter, rad 3, kolonne «Delmål»: Delmål mangler"] == lines(parsed)
    (a,) = parsed.activities
    assert (0, None, "") == (a.cost_ore, a.participants, a.sector)


# --- What the importer says --------------------------------------------------------------
# «Every problem is reported at once (not just the first), each as one line in Norwegian that
# names the sheet, the Excel row number (1-based, as Excel shows it) and the column's header
# as written in the file, and says what was found and what was expected:
# Aktiviteter, rad 14, kolonne «Delmål»: «4» er ikke et delmål (gyldige verdier: 1, 2, 3)»

_sheets = report_sheets(
    activities=[activity(day=date(2012, 1, 1 + k)) for k in range(10)] + [activity(goals="4")]
)
_sheets["Aktiviteter"] = [["Aktiviteter i 2012"], []] + _sheets["Aktiviteter"]
book("contract-example-line", _sheets)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_contracts_example_line(read, fmt):
    parsed = read("contract-example-line", fmt)
    assert [
        "Aktiviteter, rad 14, kolonne «Delmål»: «4» er ikke et delmål (gyldige verdier: 1, 2, 3)"
    ] == lines(parsed)
    assert not parsed.ok
    assert 10 == len(parsed.activities)


_sheets = report_sheets(
    activities=[
        activity(),
        activity(day="31.02.2012"),
        activity(participants="mange"),
        activity(cost=-500),
        activity(status="kanskje", goals="delmål 5"),
        activity(goals="diverse"),
        activity(title="Gyldig"),
        activity(goals=4, cost="ca. 30"),
        activity(day=date(2012, 7, 1), participants=-3),
        activity(cost="-12 500 kr", participants=30.5),
        activity(cost="mange", participants="ca. 30"),
    ],
    meetings=[meeting(day="neste uke"), meeting(day="31.12.2011")],
)
_sheets["Rapport"][2] = ["Innsendt dato", "31.02.2012"]
_sheets["Aktiviteter"][0][6] = "Kostnad IA-rådsmidler (kr)"
book("every-problem", _sheets)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_problem_at_once_with_sheet_row_column_found_and_expected(read, fmt):
    parsed = read("every-problem", fmt)
    cost = "Kostnad IA-rådsmidler (kr)"
    assert [
        "Rapport, rad 3, kolonne «Innsendt dato»: «31.02.2012» er ikke en gyldig dato: "
        "den dagen finnes ikke",
        "Aktiviteter, rad 3, kolonne «Dato»: «31.02.2012» er ikke en gyldig dato: "
        "den dagen finnes ikke",
        "Aktiviteter, rad 4, kolonne «Antall deltakere»: «mange» er ikke et helt tall",
        f"Aktiviteter, rad 5, kolonne «{cost}»: «-500» er negativt; et beløp må være 0 eller mer",
        "Aktiviteter, rad 6, kolonne «Delmål»: «delmål 5» er ikke et delmål (gyldige verdier: "
        "1, 2, 3)",
        "Aktiviteter, rad 6, kolonne «Status»: «kanskje» er ikke en status (gyldige verdier: "
        "Planlagt, Pågår, Gjennomført, Avlyst)",
        "Aktiviteter, rad 7, kolonne «Delmål»: «diverse» er ikke et delmål (gyldige verdier: "
        "1, 2, 3)",
        "Aktiviteter, rad 9, kolonne «Delmål»: «4» er ikke et delmål (gyldige verdier: 1, 2, 3)",
        f"Aktiviteter, rad 9, kolonne «{cost}»: «ca. 30» er ikke et beløp {AMOUNT_EXPECTED}",
        "Aktiviteter, rad 10, kolonne «Dato»: 01.07.2012 ligger utenfor rapportperioden "
        "2012 H1 (01.01.2012–30.06.2012)",
        "Aktiviteter, rad 10, kolonne «Antall deltakere»: «-3» er negativt; forventet et helt "
        "tall, 0 eller mer",
        "Aktiviteter, rad 11, kolonne «Antall deltakere»: «30,5» er ikke et helt tall",
        f"Aktiviteter, rad 11, kolonne «{cost}»: «-12 500 kr» er negativt; et beløp må være 0 "
        "eller mer",
        "Aktiviteter, rad 12, kolonne «Antall deltakere»: «ca. 30» er ikke et helt tall",
        f"Aktiviteter, rad 12, kolonne «{cost}»: «mange» er ikke et beløp {AMOUNT_EXPECTED}",
        f"Møter, rad 2, kolonne «Dato»: «neste uke» er ikke en dato {DATE_EXPECTED}",
        "Møter, rad 3, kolonne «Dato»: 31.12.2011 ligger utenfor rapportperioden 2012 H1 "
        "(01.01.2012–30.06.2012)",
    ] == lines(parsed)
    assert all("\n" not in line for line in lines(parsed))
    assert [2, 8] == [a.row for a in parsed.activities]


# --- Formats and limits ------------------------------------------------------------------
# «Anything else (a PDF, a picture renamed .xlsx, an empty file, a truncated or
# password-protected workbook) is rejected with a one-line Norwegian message that says what
# the file is not» · «Limits: 20 MB per file, 20 000 data rows per sheet. Over a limit:
# rejected, with the limit named.»

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40)


def _zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("les_meg.txt", "Dette er ikke et regneark.")
    return buffer.getvalue()


NOT_WORKBOOKS = {
    "pdf": (PDF, f"{NOT_A_WORKBOOK} (innholdet er ikke et regneark)"),
    "png": (PNG, f"{NOT_A_WORKBOOK} (innholdet er ikke et regneark)"),
    "text": (b"Dato;Aktivitet\n01.03.2012;Kurs\n", f"{NOT_A_WORKBOOK} (innholdet er "
             "ikke et regneark)"),
    "empty": (b"", f"Filen er tom (0 byte). {NOT_A_WORKBOOK}"),
    "zip": (_zip_without_workbook(), f"{NOT_A_WORKBOOK}: den er skadet eller har et ukjent "
            "format"),
}  # fmt: skip


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", list(NOT_WORKBOOKS))
def test_a_file_that_is_no_workbook_is_one_line(parse, kind, fmt):
    data, message = NOT_WORKBOOKS[kind]
    parsed = parse(data, f"rapport.{fmt}")
    assert [message] == lines(parsed)
    assert "\n" not in message


TRUNCATED = {
    "xlsx": f"{NOT_A_WORKBOOK}: filen er skadet eller ufullstendig",
    "xlsm": f"{NOT_A_WORKBOOK}: filen er skadet eller ufullstendig",
    "xls": f"{NOT_A_WORKBOOK}: den er skadet eller har et ukjent format",
    "ods": f"{NOT_A_WORKBOOK}: filen er skadet eller ufullstendig",
}


@pytest.mark.parametrize(
    "fmt",
    [
        "xlsx",
        "xlsm",
        "xls",  # calamine can panic on a cut .xls; Workbook turns that into this line too
        "ods",
    ],
)
def test_a_truncated_workbook_is_one_line(saved, parse, fmt):
    data = saved("sheets-0", fmt)
    cuts = [*range(512, len(data) - 512, 512), len(data) // 2 + 7, len(data) - 100]
    for cut in cuts:
        assert [TRUNCATED[fmt]] == lines(parse(data[:cut], f"rapport.{fmt}")), cut


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_password_protected_workbook_is_one_line(parse, fmt):
    # An encrypted .xlsm is the same OLE container as an encrypted .xlsx.
    data = (FIXTURES / f"passord.{'xlsx' if fmt == 'xlsm' else fmt}").read_bytes()
    assert [PASSWORD] == lines(parse(data, f"passord.{fmt}"))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("suffix", [".csv", ".pdf", ".txt", ".docx", ".xlsb", ".ots", ""])
def test_another_file_type_is_refused_by_name(saved, parse, suffix, fmt):
    parsed = parse(saved("sheets-0", fmt), f"rapport{suffix}")
    assert [f"{NOT_A_WORKBOOK} (godtatte filtyper: .xlsx, .xlsm, .xls, .ods)"] == lines(parsed)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_name_does_not_decide_the_format(saved, parse, fmt):
    other = {"xlsx": "ods", "xlsm": "xls", "xls": "xlsx", "ods": "xlsm"}[fmt]
    parsed = parse(saved("sheets-0", fmt), f"rapport.{other}")
    assert ([], 2) == (lines(parsed), len(parsed.activities))


def test_the_20_mb_limit_is_named(parse):
    limit = 20 * 1024 * 1024
    assert [f"{NOT_A_WORKBOOK} (innholdet er ikke et regneark)"] == lines(
        parse(b"\0" * limit, "rapport.xlsx")
    )
    assert ["Filen er for stor (20,1 MB); grensen er 20 MB per fil"] == lines(
        parse(b"\0" * (limit + 1), "rapport.xlsx")
    )


def _many_rows(n: int) -> dict:
    report = [["IA-råd", "Troms"], ["Rapportperiode", "2012 H1"], ["Innsendt", 41141]]
    report += [[f"{k}.", "svar"] for k in range(1, 6)]
    header = ["Dato", "Aktivitet", "Type", "Delmål", "Kostnad"]
    rows = [[40969, f"Aktivitet {k}", "Kurs", 1, 100] for k in range(n)]
    return {"Rapport": report, "Aktiviteter": [["Aktiviteter 2012"], [], header, *rows]}


book("rows-20000", _many_rows(20_000))
book("rows-20001", _many_rows(20_001))


@pytest.mark.parametrize("fmt", FORMATS)
def test_20_000_data_rows_per_sheet(read, fmt):
    parsed = read("rows-20000", fmt)
    assert ([], 20_000, 200_000_000) == (
        lines(parsed),
        len(parsed.activities),
        parsed.total_cost_ore,
    )
    assert [
        "Aktiviteter: arket har mer enn 20 000 rader med data (grensen er 20 000 rader per ark)"
    ] == lines(read("rows-20001", fmt))


# --- Storing and re-uploading ------------------------------------------------------------
# «Storing it replaces everything stored earlier for that council and period (its
# activities, meetings and answers), in one transaction. The earlier version is kept as
# history, and can be restored.» · «The very same file again (same SHA-256) stores nothing
# and says so.» · «Error: the workbook is not stored at all.» · «Warning …: stored, and the
# warnings are shown with the import and kept with the upload.»

book(
    "store-second-version",
    report_sheets(
        activities=[activity(title="Ny konferanse", cost=2000)],
        meetings=[meeting(day=date(2012, 5, 5), kind="Arbeidsmøte")],
        answers=[f"Nytt svar {k}" for k in range(1, 6)],
    ),
)
_sheets = report_sheets(activities=[activity(type_="Frokostmøte")])
_sheets["Aktiviteter"][0].append("Budsjett")
_sheets["Rapport"] = _sheets["Rapport"][:-1]  # no answer to question 5
book("store-with-warnings", _sheets)


def table_counts(engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            table.__tablename__: session.exec(select(func.count()).select_from(table)).one()
            for table in (Upload, Report, Activity, Meeting, Allocation)
        }


def active_report(engine) -> tuple[list[str], list[str], list[str]]:
    """The active Troms 2012 H1 report: answers, activity titles, meeting kinds."""
    with Session(engine) as session:
        report = session.exec(select(Report).where(Report.active == True)).one()  # noqa: E712
        titles = session.exec(
            select(Activity.title)
            .where(Activity.report_id == report.id)
            .order_by(Activity.source_row)
        ).all()
        kinds = session.exec(
            select(Meeting.kind).where(Meeting.report_id == report.id).order_by(Meeting.source_row)
        ).all()
        answers = [getattr(report, f"answer_{k}") for k in range(1, 6)]
    return answers, list(titles), list(kinds)


@pytest.mark.parametrize("fmt", FORMATS)
def test_store_replace_keep_history_and_refuse_the_same_file(fresh_db, saved, fmt):
    first, second = saved("sheets-0", fmt), saved("store-second-version", fmt)
    bad = saved("every-problem", fmt)

    result = import_file(fresh_db, f"v1.{fmt}", first, now=NOW, scope=OPERATOR)
    assert "lagret" == result.status, result.message
    assert (list(ANSWERS), ["IA-konferanse for industrien", "Seniorseminar"]) == (
        active_report(fresh_db)[:2]
    )

    result = import_file(fresh_db, f"v2.{fmt}", second, now=NOW, scope=OPERATOR)
    assert (
        "lagret",
        f"v2.{fmt}: lagret som opplasting nr. 2 (erstatter forrige versjon): "
        "IA-rådet i Troms, 2012 H1",
    ) == (result.status, result.message)
    assert (
        [f"Nytt svar {k}" for k in range(1, 6)],
        ["Ny konferanse"],
        ["Arbeidsmøte"],
    ) == active_report(fresh_db)
    # The earlier version is kept as history.
    assert {"upload": 2, "report": 2, "activity": 3, "meeting": 3, "allocation": 0} == (
        table_counts(fresh_db)
    )
    assert [(2, True), (1, False)] == [(u["id"], u["active"]) for u in uploads(fresh_db)]

    before = table_counts(fresh_db)
    result = import_file(fresh_db, f"kopi.{fmt}", second, now=NOW, scope=OPERATOR)
    assert (
        "uendret",
        f"kopi.{fmt}: akkurat denne filen er allerede lastet opp (opplasting nr. 2, "
        "03.09.2012 12:00, den aktive versjonen); ingenting er lagret",
    ) == (result.status, result.message)
    assert before == table_counts(fresh_db)

    result = import_file(fresh_db, f"feil.{fmt}", bad, now=NOW, scope=OPERATOR)
    assert (
        "avvist",
        f"feil.{fmt}: ikke lagret – 17 feil må rettes før filen kan lagres",
    ) == (result.status, result.message)
    assert before == table_counts(fresh_db)
    assert ["Ny konferanse"] == active_report(fresh_db)[1]

    restore_upload(fresh_db, 1, scope=OPERATOR)
    assert (list(ANSWERS), ["IA-konferanse for industrien", "Seniorseminar"]) == (
        active_report(fresh_db)[:2]
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_error_stores_nothing_at_all(fresh_db, saved, fmt):
    for name in ("every-problem", "contract-example-line", "no-report-sheet", "header-in-row-21"):
        result = import_file(fresh_db, f"{name}.{fmt}", saved(name, fmt), now=NOW, scope=OPERATOR)
        assert "avvist" == result.status
    assert {"upload": 0, "report": 0, "activity": 0, "meeting": 0, "allocation": 0} == (
        table_counts(fresh_db)
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_warnings_are_stored_and_kept_with_the_upload(fresh_db, saved, fmt):
    result = import_file(
        fresh_db, f"r.{fmt}", saved("store-with-warnings", fmt), now=NOW, scope=OPERATOR
    )
    assert "lagret" == result.status
    expected = [
        f"Rapport: svar på spørsmål 5 mangler («{QUESTIONS[4]}»)",
        "Aktiviteter, rad 1: ukjente kolonner blir ikke lest: «Budsjett»",
        "Aktiviteter, rad 2, kolonne «Type»: «Frokostmøte» er ikke en kjent aktivitetstype og "
        f"lagres som «Annet» (kjente typer: {TYPES})",
    ]
    assert expected == [p.text for p in result.warnings]
    (row,) = uploads(fresh_db)
    assert "\n".join(expected) == row["warnings"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_upload_is_recorded(fresh_db, saved, fmt):
    data = saved("sheets-0", fmt)
    import_file(fresh_db, f"rapport.{fmt}", data, by=Actor("Kari"), now=NOW, scope=OPERATOR)
    (row,) = uploads(fresh_db)
    assert (
        f"rapport.{fmt}",
        hashlib.sha256(data).hexdigest(),
        len(data),
        "Kari",
        "IA-rådet i Troms",
        2012,
        "H1",
        2,
        2,
        True,
    ) == (
        row["file_name"],
        row["sha256"],
        row["size"],
        row["uploaded_by"],
        row["council_name"],
        row["year"],
        row["period"],
        row["activity_count"],
        row["meeting_count"],
        row["active"],
    )
    assert NOW == row["uploaded_at"].replace(tzinfo=UTC)


# --- Grant allocations ---------------------------------------------------------------------
# «Sheet Tildelinger (also Tildeling, Allocations), a table with columns IA-råd (as above),
# År (a year), Beløp (NOK ≥ 0; names as for cost, also Tildelt), optional Vedtaksdato and
# Merknad. A row replaces the allocation stored for that council and year.»

ALLOCATION_FORMS = [
    ("Tildelinger", ALLOCATION_HEADER),
    ("Tildeling", ("IA-rådet", "År", "Tildelt", "Vedtaksdato", "Merknad")),
    ("Allocations", ("Council", "År", "Kostnad", "Vedtaksdato", "Merknad")),
    ("TILDELINGER ", ("Råd", "år", "Kostnad IA-rådsmidler", "vedtaksdato", "merknad")),
    ("tildeling", ("Fylke", "År", "Brukt (kr)", "Vedtaksdato", "Merknad")),
    ("Tildelinger", ("IA-råd:", "År", "Utgift", "Vedtaksdato", "Merknad")),
    ("Tildelinger", ("IA-råd", "År", "Cost", "Vedtaksdato", "Merknad")),
]
for _i, (_sheet, _header) in enumerate(ALLOCATION_FORMS):
    book(
        f"allocations-{_i}",
        {
            "Instruksjoner": [["Én rad per råd og år"]],
            _sheet: [
                ["Tildelinger fra oversiktsgruppen"],
                list(_header),
                ["IA-rådet i Troms", 2012, "350 000", date(2012, 1, 20), " Vedtak i OG "],
                ["19", "2013", 400_000, None, None],
                [1, 2012, "kr 300.000", "20.01.2012", None],
            ],
        },
    )


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("i", range(len(ALLOCATION_FORMS)), ids=lambda i: ALLOCATION_FORMS[i][1][2])
def test_allocation_sheet_and_column_names(read, i, fmt):
    parsed = read(f"allocations-{i}", fmt)
    assert ([], "tildeling") == (lines(parsed), parsed.kind)
    assert [
        (3, "IA-rådet i Troms", 2012, 35_000_000, date(2012, 1, 20), "Vedtak i OG"),
        (4, "IA-rådet i Troms", 2013, 40_000_000, None, ""),
        (5, "IA-rådet i Østfold", 2012, 30_000_000, date(2012, 1, 20), ""),
    ] == [
        (a.row, a.council.name, a.year, a.amount_ore, a.decision_date, a.note)
        for a in parsed.allocations
    ]


book(
    "allocations-bad",
    {
        "Tildelinger": [
            list(ALLOCATION_HEADER),
            ["Troms", 2012, 350_000],
            ["IA-rådet i Troms", 2012, 360_000],
            ["Lappland", 2012, 100],
            ["Finnmark", "i fjor", -5],
            ["Oslo", 2012, None],
        ]
    },
)
book("allocations-replace", {"Tildelinger": [list(ALLOCATION_HEADER), ["19", 2012, "375 000"]]})


@pytest.mark.parametrize("fmt", FORMATS)
def test_allocation_errors(read, fmt):
    assert [
        "Tildelinger, rad 3, kolonne «IA-råd»: IA-rådet i Troms 2012 står også på rad 2",
        "Tildelinger, rad 4, kolonne «IA-råd»: «Lappland» er ikke et IA-råd i registeret for 2012",
        "Tildelinger, rad 5, kolonne «År»: «i fjor» er ikke et årstall",
        "Tildelinger, rad 5, kolonne «Beløp»: «-5» er negativt; et beløp må være 0 eller mer",
        "Tildelinger, rad 6, kolonne «Beløp»: Beløp mangler",
    ] == lines(read("allocations-bad", fmt))


def active_allocations(engine) -> dict[tuple[str, int], tuple[int, int]]:
    """(council, year) → (amount in øre, upload id) of the active allocations."""
    with Session(engine) as session:
        rows = session.exec(
            select(Council.name, Allocation.year, Allocation.amount_ore, Allocation.upload_id)
            .join(Council, Council.id == Allocation.council_id)
            .where(Allocation.active == True)  # noqa: E712
        ).all()
    return {(name, year): (amount, upload) for name, year, amount, upload in rows}


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_allocation_row_replaces_that_council_and_year(fresh_db, saved, fmt):
    for name in ("allocations-0", "allocations-replace"):
        result = import_file(fresh_db, f"{name}.{fmt}", saved(name, fmt), now=NOW, scope=OPERATOR)
        assert "lagret" == result.status, result.message
    expected = {
        ("IA-rådet i Troms", 2012): (37_500_000, 2),
        ("IA-rådet i Troms", 2013): (40_000_000, 1),
        ("IA-rådet i Østfold", 2012): (30_000_000, 1),
    }
    assert expected == active_allocations(fresh_db)
    before = table_counts(fresh_db)
    result = import_file(
        fresh_db, f"feil.{fmt}", saved("allocations-bad", fmt), now=NOW, scope=OPERATOR
    )
    assert "avvist" == result.status
    assert (before, expected) == (table_counts(fresh_db), active_allocations(fresh_db))


# --- The rules, end to end -----------------------------------------------------------------
# Foundation issue: «H1 2012 due 2012-09-01; H2 2012 due 2013-03-01; 2015 due 2016-03-01;
# submitted 2012-09-02 is 1 day late; as of 2012-08-15 an unsent H1 2012 is Forfaller snart;
# 400 000 and 600 000 kr in 2015» — here through stored workbooks and the overview.

book("submitted-a-day-late", report_sheets(submitted="02.09.2012"))
book(
    "troms-2015",
    report_sheets(
        period="2015",
        submitted=date(2016, 3, 1),
        activities=[activity(day=date(2015, 5, 5))],
        meetings=[],
    ),
)


def _row(rows, council: str):
    return next(r for r in rows if r.council.name == council)


@pytest.mark.parametrize("fmt", FORMATS)
def test_due_dates_and_deadline_statuses_of_stored_reports(fresh_db, saved, rules, fmt):
    # A past report loaded as one (``historical``): its «Innsendt» is its receipt.
    data = saved("submitted-a-day-late", fmt)
    result = import_file(fresh_db, f"r.{fmt}", data, now=NOW, scope=OPERATOR, historical=True)
    assert "lagret" == result.status, result.message
    with Session(fresh_db) as session:
        late = overview(session, 2012, date(2012, 12, 1), rules, scope=OPERATOR)
        early = overview(session, 2012, date(2012, 8, 15), rules, scope=OPERATOR)
    h1, h2 = _row(late, "IA-rådet i Troms").periods
    assert (date(2012, 9, 1), "Levert for sent (+1 dag)") == (h1.period.due, h1.status.text)
    assert (date(2013, 3, 1), "Ikke forfalt") == (h2.period.due, h2.status.text)
    # As of 15 August the report (sent 2 September) is not in yet: due soon.
    assert "Forfaller snart" == _row(early, "IA-rådet i Troms").periods[0].status.text
    assert "Forfaller snart" == _row(early, "IA-rådet i Finnmark").periods[0].status.text


def test_2015_due_date_and_grants_by_rule(sample_db, saved, rules):
    data = saved("troms-2015", "xlsx")
    result = import_file(
        sample_db, "troms.xlsx", data, now=datetime(2016, 6, 1, tzinfo=UTC), scope=OPERATOR,
        historical=True,
    )  # fmt: skip
    assert "lagret" == result.status, result.message
    with Session(sample_db) as session:
        rows = overview(session, 2015, date(2016, 6, 1), rules, scope=OPERATOR)
    troms, agder = _row(rows, "IA-rådet i Troms"), _row(rows, "IA-rådet i Agder")
    (year,) = troms.periods
    assert (date(2016, 3, 1), "Levert i tide") == (year.period.due, year.status.text)
    assert (400_000_00, "regel") == (troms.allocated_ore, troms.allocation_source)
    assert (600_000_00, "regel") == (agder.allocated_ore, agder.allocation_source)


# --- Where the code and WORKBOOK.md disagree ------------------------------------------------

book("whole-number-with-kr", report_sheets(activities=[activity(participants="30 kr")]))
book("amount-dot-three-digits", report_sheets(activities=[activity(cost="1234.567")]))
_sheets = report_sheets()
_sheets["Aktiviteter"] = [
    ["Dato", "Aktivitet", "Type", "Kostnad"],
    ["31.02.2012", "Kurs", "Kurs", -100],
]
book("column-missing-and-bad-rows", _sheets)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_whole_number_may_carry_kr(read, fmt):
    parsed = read("whole-number-with-kr", fmt)
    assert ([], [30]) == (lines(parsed), [a.participants for a in parsed.activities])


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_dot_before_three_digits_is_a_thousands_separator(read, fmt):
    parsed = read("amount-dot-three-digits", fmt)
    assert ([], [123_456_700]) == (lines(parsed), [a.cost_ore for a in parsed.activities])


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_missing_column_does_not_hide_the_rows_problems(read, fmt):
    assert [
        "Aktiviteter, rad 1: kolonnen «Delmål» mangler (godtatte navn: Delmål, Delmal, "
        "IA-delmål, Sub-goal)",
        "Aktiviteter, rad 2, kolonne «Dato»: «31.02.2012» er ikke en gyldig dato: "
        "den dagen finnes ikke",
        "Aktiviteter, rad 2, kolonne «Kostnad»: «-100» er negativt; et beløp må være 0 eller mer",
    ] == error_lines(read("column-missing-and-bad-rows", fmt))
