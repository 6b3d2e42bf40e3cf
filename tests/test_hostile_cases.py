"""The cases that took the app down or stored a wrong figure on an earlier ``main``, each
run through the command line (``ia-data import``) and through the Last opp page (AppTest,
in this process: had the reader crashed, so would the test), against a database that
holds data. Every refused file gives its exact Norwegian message, exit status 1 and an
unchanged database; every file that must be read is stored as WORKBOOK.md says.

The reading worker is tested here too: with the precise checks switched off, a file that
asks for hundreds of gigabytes ends the worker, not the server, and with a tiny time limit
a slow read is cut off.
"""

# ruff: noqa: SIM300  (the expected value comes first, as in sqlite-utils' tests)

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import hostile
import pandas as pd
import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest
from test_hostile import snapshot
from workbooks import ANSWERS, activity, report_sheets, xlsx

from ia_data.cli import main as cli
from ia_data.domain import limits
from ia_data.domain.formatting import today
from ia_data.ingest import worker
from ia_data.ingest.workbook import Workbook, reader
from ia_data.ingest.workbook.shared import may_hold_controls
from ia_data.storage.models import Activity, Meeting, Report

PROJECT = Path(__file__).resolve().parent.parent
TOO_BIG = (
    "Arket «{sheet}» er for stort: det brukte området går fra celle A1 til {last} (grensen er "
    "2 000 000 celler per ark); slett det som står utenfor tabellen, og last opp filen på nytt"
)
TOO_MUCH_TEXT = (
    "Arket «{sheet}» inneholder mer tekst enn grensen på 64 MB når hver celle regnes for seg; "
    "fjern gjentatte lange tekster, og last opp filen på nytt"
)
UNSAFE = (
    "Filen kunne ikke leses trygt: {why}; ingenting er lagret. Lagre arbeidsboka på nytt i "
    "Excel eller LibreOffice og last den opp igjen, og meld fra til administrator om feilen "
    "gjentar seg"
)
NOT_A_WORKBOOK = "Filen er ikke en lesbar Excel- eller ODS-arbeidsbok"


def _sheets(**changes) -> dict:
    """The report sheets of Troms 2012 H1, some of them changed (sheet name → rows)."""
    sheets = report_sheets()
    sheets.update(changes)
    return sheets


def _rapport(*extra_rows, **fields) -> list[list]:
    return [*report_sheets(**fields)["Rapport"], *extra_rows]


def _note_right_of_submitted() -> bytes:
    rapport = report_sheets()["Rapport"]
    rapport[2] = [*rapport[2], "2 dager etter fristen"]  # row 3: «Innsendt dato»
    rapport[0] = [*rapport[0], "1. utkast"]
    return xlsx(_sheets(Rapport=rapport))


def _two_cost_columns() -> bytes:
    sheets = report_sheets()
    header, *rows = sheets["Aktiviteter"]
    sheets["Aktiviteter"] = [[*header, "Brukt"], *[[*row, 5_000] for row in rows]]
    return xlsx(sheets)


def _header_only_beside_data() -> bytes:
    sheets = report_sheets()
    activities = sheets.pop("Aktiviteter")
    meetings = sheets.pop("Møter")
    return xlsx(
        {**sheets, "Aktiviteter": activities[:1], "aktiviteter ": activities, "Møter": meetings}
    )


def _two_councils() -> bytes:
    return xlsx(_sheets(Rapport=_rapport(["Fylke", "Finnmark"])))


def _same_council_twice() -> bytes:
    return xlsx(_sheets(Rapport=_rapport(["Fylke", "19"])))


def _text(title="Kurs", sector="Industri", comment=None, answer=None, writer=xlsx) -> bytes:
    answers = list(ANSWERS)
    if answer is not None:
        answers[0] = answer
    sheets = report_sheets(answers=answers)
    sheets["Aktiviteter"] = [
        sheets["Aktiviteter"][0],
        activity(title=title, sector=sector, comment=comment),
    ]
    return writer(sheets)


def _controls() -> bytes:
    """A title with ESC (as Excel writes it: ``_x001B_``), a comment with NUL and BEL, an
    answer with a carriage return, and a meeting kind with a vertical tab."""
    sheets = report_sheets(answers=["Svar_x000D_\nmed linjeskift", *ANSWERS[1:]])
    sheets["Aktiviteter"][1][1] = "Kurs_x001B_[31m i rødt"
    sheets["Aktiviteter"][1][9] = "Null_x0000_ og bjelle_x0007_"
    sheets["Møter"][1][1] = "Råds_x000B_møte"
    return hostile.xml_xlsx(sheets)


# Stands for today's date in Norway in an expected line; filled in when the test runs (a
# suite started before midnight in Oslo runs this after it).
TODAY = "<i dag>"


def _today_in(lines: list[str]) -> list[str]:
    return [line.replace(TODAY, f"{today():%d.%m.%Y}") for line in lines]


# (id, file name, the file, the error lines as Problem.text gives them)
REFUSED = [
    *(
        (
            f"case-{change.replace(' ', '-')}",
            "rapport.xlsx",
            lambda change=change: hostile.case_changed(change),
            [TOO_BIG.format(sheet="Aktiviteter", last="XFD1048576")],
        )
        for change in hostile.CASE_CHANGES
    ),
    (
        "two-parts-one-name",
        "rapport.xlsx",
        hostile.duplicate_part,
        [f"{NOT_A_WORKBOOK}: den har to deler med samme navn («XL/worksheets/SHEET2.xml»)"],
    ),
    (
        "sheet-part-missing",
        "rapport.xlsx",
        hostile.missing_sheet_part,
        [
            f"{NOT_A_WORKBOOK}: arket «Aktiviteter» kan ikke kontrolleres før det leses (delen "
            "som skal holde arket, finnes ikke i filen)"
        ],
    ),
    (
        "shared-string-x-4000",
        "rapport.xlsx",
        hostile.shared_string_bomb,
        [TOO_MUCH_TEXT.format(sheet="Aktiviteter")],
    ),
    (
        "ods-long-text-repeated",
        "rapport.ods",
        lambda: hostile.ods_repeat_bomb(rows=1, columns=1_000, text="y" * 100_000),
        [TOO_MUCH_TEXT.format(sheet="Aktiviteter")],
    ),
    (
        "xls-far-cell",
        "rapport.xls",
        hostile.xls_far_cell,
        [TOO_BIG.format(sheet="Rapport", last="IV65536")],
    ),
    (
        "xls-lying-dimensions",
        "rapport.xls",
        hostile.xls_lying_dimensions,
        [TOO_BIG.format(sheet="Rapport", last="IV4294967295")],
    ),
    (
        "xls-shared-string-x-2000",
        "rapport.xls",
        hostile.xls_shared_string_bomb,
        [TOO_MUCH_TEXT.format(sheet="Rapport")],
    ),
    (
        "two-cost-columns",
        "rapport.xlsx",
        _two_cost_columns,
        [
            "Aktiviteter, rad 1, kolonne «Brukt»: kolonnene «Kostnad (kr)» (G) og «Brukt» (K) er "
            "begge kolonnen «Kostnad»; behold bare én av dem"
        ],
    ),
    (
        "two-activity-sheets",
        "rapport.xlsx",
        _header_only_beside_data,
        [
            "Arbeidsboka har 2 ark som begge kan være «Aktiviteter»: «Aktiviteter» og "
            "«aktiviteter »; gi bare ett av dem dette navnet (eller skjul det som ikke skal leses)"
        ],
    ),
    (
        "two-councils",
        "rapport.xlsx",
        _two_councils,
        [
            "Rapport, rad 13, kolonne «Fylke»: «IA-råd» i B1 («IA-rådet i Troms») og «Fylke» i "
            "B13 («Finnmark») sier ulike ting; fjern den ene, eller rett den slik at de sier det "
            "samme"
        ],
    ),
    (
        "title-501-characters",
        "rapport.xlsx",
        lambda: _text(title="K" * 501),
        ["Aktiviteter, rad 2, kolonne «Aktivitet»: teksten er 501 tegn lang; grensen er 500 tegn"],
    ),
    (
        "sector-of-a-megabyte",
        "rapport.xlsx",
        # (Excel and openpyxl stop at 32 767 characters; the XML of a file has no limit.)
        lambda: _text(sector="s" * (1 << 20), writer=hostile.xml_xlsx),
        [
            "Aktiviteter, rad 2, kolonne «Bransje/sektor»: teksten er 1 048 576 tegn lang; "
            "grensen er 500 tegn"
        ],
    ),
    (
        "comment-2001-characters",
        "rapport.xlsx",
        lambda: _text(comment="k" * 2_001),
        [
            "Aktiviteter, rad 2, kolonne «Kommentar»: teksten er 2 001 tegn lang; grensen er "
            "2 000 tegn"
        ],
    ),
    (
        "answer-20001-characters",
        "rapport.xlsx",
        lambda: _text(answer="a" * 20_001),
        [
            "Rapport, rad 8, kolonne «1. Spørsmål 1»: teksten er 20 001 tegn lang; grensen er "
            "20 000 tegn"
        ],
    ),
    (
        "submitted-1900",
        "rapport.xlsx",
        lambda: xlsx(_sheets(Rapport=_rapport(submitted=date(1900, 1, 1)))),
        [
            "Rapport, rad 3, kolonne «Innsendt dato»: 01.01.1900 er før rapportperioden 2012 H1 "
            "begynte (01.01.2012); skriv datoen rapporten ble sendt inn"
        ],
    ),
    (
        "submitted-2099",
        "rapport.xlsx",
        lambda: xlsx(_sheets(Rapport=_rapport(submitted="31.12.2099"))),
        [
            f"Rapport, rad 3, kolonne «Innsendt dato»: 31.12.2099 ligger fram i tid (i dag er "
            f"{TODAY}); skriv datoen rapporten ble sendt inn"
        ],
    ),
]


def _cli_import(engine, tmp_path, file_name: str, data: bytes, capsys) -> tuple[int, str]:
    path = tmp_path / file_name
    path.write_bytes(data)
    status = cli(["--db", engine.url.render_as_string(hide_password=False), "import", str(path)])
    out = capsys.readouterr()
    return status, out.out + out.err


def _page(engine, monkeypatch) -> AppTest:
    monkeypatch.setenv("IA_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=60)
    at.switch_page("views/last_opp.py")
    return at.run()


def _unescaped(text: str) -> str:
    """A Markdown text as a reader sees it: escapes and word joiners gone."""
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "").replace("  \n", "\n")


def _page_problems(at: AppTest) -> list[str]:
    """The problems the page shows for one file, as ``Problem.text`` writes them: from the
    error table where the problems have a place, else from the one-line error."""
    for frame in [d.value for d in at.dataframe] + [t.value for t in at.table]:
        if list(frame.columns)[:3] == ["Ark", "Rad", "Kolonne"]:
            lines = []
            for sheet, row, column, _found, message in frame.itertuples(index=False):
                located = pd.notna(row) and row != ""  # the static table writes no row as ""
                where = [sheet] if sheet else []
                if located:
                    where.append(f"rad {int(row)}")
                if column:
                    where.append(f"kolonne «{column}»" if located else column)
                lines.append(f"{', '.join(where)}: {message}" if where else message)
            return lines
    return [
        _unescaped(e.value).removesuffix(". Filen kan ikke lagres.")
        for e in at.error
        if e.value.endswith("Filen kan ikke lagres.")
    ]


@pytest.mark.parametrize(
    "file_name,build,expected", [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED]
)
def test_refused_through_the_command_line(stocked_db, tmp_path, capsys, file_name, build, expected):
    before = snapshot(stocked_db)
    status, output = _cli_import(stocked_db, tmp_path, file_name, build(), capsys)
    expected = _today_in(expected)
    first, *lines = output.splitlines()
    if first == f"{file_name}: ikke lagret – {expected[0]}":
        assert (lines, len(expected)) == ([], 1)  # the one error, said once
    else:
        assert first == (
            f"{file_name}: ikke lagret – {len(expected)} feil må rettes før filen kan lagres"
        )
        assert [f"  feil: {line}" for line in expected] == lines
    assert (1, before) == (status, snapshot(stocked_db))


@pytest.mark.page
@pytest.mark.parametrize(
    "file_name,build,expected", [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED]
)
def test_refused_on_the_upload_page(stocked_db, monkeypatch, file_name, build, expected):
    before = snapshot(stocked_db)
    at = _page(stocked_db, monkeypatch)
    at.file_uploader[0].upload(file_name, build()).run()
    assert not at.exception
    assert _today_in(expected) == _page_problems(at)
    assert (True, "Ingen filer kan lagres") == (
        at.button(key="confirm_upload").disabled,
        at.button(key="confirm_upload").label,
    )
    # The server is still there: the next page it serves is the overview.
    at.switch_page("views/oversikt.py").run()
    assert (False, "Oversikt") == (bool(at.exception), at.title[0].value)
    assert before == snapshot(stocked_db)


# --- files that must be read, and read right -------------------------------------------


def _active(engine) -> tuple[Report, list[Activity], list[Meeting]]:
    with Session(engine) as session:
        report = session.exec(
            select(Report).where(Report.active == True, Report.year == 2012)  # noqa: E712
        ).one()
        activities = session.exec(
            select(Activity).where(Activity.report_id == report.id).order_by(Activity.source_row)
        ).all()
        meetings = session.exec(select(Meeting).where(Meeting.report_id == report.id)).all()
        return report, activities, meetings


def _store_on_the_page(engine, monkeypatch, file_name: str, data: bytes) -> None:
    at = _page(engine, monkeypatch)
    at.file_uploader[0].upload(file_name, data).run()
    assert (False, []) == (bool(at.exception), _page_problems(at))
    at.button(key="confirm_upload").click().run()
    assert not at.exception
    assert "Filen er lagret" in at.success[0].value


@pytest.mark.parametrize("path", ["cli", "page"])
def test_a_note_right_of_a_value_is_neither_a_label_nor_an_answer(
    stocked_db,
    tmp_path,
    capsys,
    monkeypatch,
    path,
):
    data = _note_right_of_submitted()
    if path == "cli":
        assert 0 == _cli_import(stocked_db, tmp_path, "notat.xlsx", data, capsys)[0]
    else:
        _store_on_the_page(stocked_db, monkeypatch, "notat.xlsx", data)
    report, _, _ = _active(stocked_db)
    assert (date(2012, 8, 20), list(ANSWERS)) == (
        report.submitted,
        [getattr(report, f"answer_{k}") for k in range(1, 6)],
    )


@pytest.mark.parametrize("path", ["cli", "page"])
def test_the_same_council_given_twice_in_two_ways_is_read(
    stocked_db,
    tmp_path,
    capsys,
    monkeypatch,
    path,
):
    data = _same_council_twice()  # «IA-råd: IA-rådet i Troms» and «Fylke: 19»
    if path == "cli":
        assert 0 == _cli_import(stocked_db, tmp_path, "to-ganger.xlsx", data, capsys)[0]
    else:
        _store_on_the_page(stocked_db, monkeypatch, "to-ganger.xlsx", data)
    report, activities, _ = _active(stocked_db)
    assert (19, 2) == (report.council_id, len(activities))


@pytest.mark.parametrize("path", ["cli", "page"])
def test_control_characters_are_removed_on_import(
    stocked_db,
    tmp_path,
    capsys,
    monkeypatch,
    path,
):
    data = _controls()
    if path == "cli":
        status, output = _cli_import(stocked_db, tmp_path, "styretegn.xlsx", data, capsys)
        assert (0, False) == (status, "\x1b" in output)
    else:
        _store_on_the_page(stocked_db, monkeypatch, "styretegn.xlsx", data)
    report, activities, meetings = _active(stocked_db)
    assert ("Kurs[31m i rødt", "Null og bjelle") == (activities[0].title, activities[0].comment)
    assert ("Svar\nmed linjeskift", "Rådsmøte") == (report.answer_1, meetings[0].kind)


def _controls_as_references() -> bytes:
    """Control characters written only as XML character references, in every form a
    parser reads (decimal, hexadecimal in either case, leading zeros), in sheets with no
    ``_x`` escape and no raw control character: ESC in a title, BEL and VT in a comment,
    CR and (a reference to «_» making Excel's escape of it) ESC in an answer, and «ø» as a
    reference too, which stays."""
    sheets = report_sheets(answers=["Svar@CR@med linjeskift@US@x001B_", *ANSWERS[1:]])
    sheets["Aktiviteter"][1][1] = "Kurs@ESC@[31m i r@OE@dt"
    sheets["Aktiviteter"][1][9] = "Bjelle@BEL@ og tab@VT@ulator"
    marks = {
        b"@CR@": b"&#x0d;",
        b"@ESC@": b"&#x1B;",
        b"@BEL@": b"&#0000007;",
        b"@VT@": b"&#11;",
        b"@OE@": b"&#248;",
        b"@US@": b"&#95;",  # «_», which makes «_x001B_» (ESC) of what follows
    }

    def referenced(xml: bytes) -> bytes:
        for mark, reference in marks.items():
            xml = xml.replace(mark, reference)
        return xml

    data = hostile.xml_xlsx(sheets)
    parts = [f"xl/worksheets/sheet{i}.xml" for i in range(1, len(sheets) + 1)]
    return hostile._rewrite(data, dict.fromkeys(parts, referenced))


def test_control_characters_written_as_references_are_removed_on_import(
    stocked_db, tmp_path, capsys
):
    data = _controls_as_references()
    status, output = _cli_import(stocked_db, tmp_path, "referanser.xlsx", data, capsys)
    assert (0, False) == (status, "\x1b" in output)
    report, activities, _ = _active(stocked_db)
    assert ("Kurs[31m i rødt", "Bjelle og tabulator") == (
        activities[0].title,
        activities[0].comment,
    )
    assert report.answer_1 == "Svarmed linjeskift"


def test_a_reference_to_an_ascii_character_is_taken_for_a_possible_control_character():
    """``may_hold_controls`` on a text of one character reference, for every code point to
    U+03FF and a few beyond, in each form a parser reads it: true for every ASCII character
    (a control character itself, or part of an escape such as «&#95;x001B_», which calamine
    reads as ESC), false beyond (``&#229;``, as openpyxl writes «å»). An escape cut in two by
    a comment, a CDATA section or a processing instruction counts too; the XML declaration
    does not."""
    forms = ["&#{:d};", "&#{:07d};", "&#x{:x};", "&#x{:X};", "&#x000{:x};", "&#X{:x};"]
    for point in [*range(0x400), 0x202E, 0xFEFF, 0x10FFFF]:
        for form in forms:
            xml = f'<?xml version="1.0"?><t>a{form.format(point)}b</t>'.encode()
            assert may_hold_controls(xml) == (point < 128), (point, form)
    assert may_hold_controls(b"<t>&#+27;</t>")  # a sign, which a parser might take
    for cut in [b"_<!---->x001B_", b"_<![CDATA[x001B_]]>", b"_<?pi?>x001B_"]:
        assert may_hold_controls(b'<?xml version="1.0"?><t>' + cut + b"</t>"), cut
    assert not may_hold_controls(b'\xef\xbb\xbf<?xml version="1.0"?><t>R&#229;d</t>')


def test_control_characters_written_as_references_in_shared_strings_are_removed(
    stocked_db, tmp_path, capsys
):
    """The same through the workbook's shared strings, where Excel keeps a sheet's texts:
    a title the activity row refers to holds ESC as a reference and as «&#95;x001B_»."""
    sheets = report_sheets()
    sheets["Aktiviteter"][1][1] = "@TITLE@"
    inline = b'<c r="B2" t="inlineStr"><is><t>@TITLE@</t></is></c>'

    def shared(xml: bytes) -> bytes:
        assert inline in xml
        return xml.replace(inline, b'<c r="B2" t="s"><v>0</v></c>')

    strings = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{hostile.MAIN_NS}" count="1" '
        'uniqueCount="1"><si><t>Kurs&#x1B;[31m i r&#248;dt&#95;x001B_</t></si></sst>'
    ).encode()
    data = hostile._with_shared_strings(
        hostile.xml_xlsx(sheets), strings, {hostile.ACTIVITIES_PART: shared}
    )
    status, output = _cli_import(stocked_db, tmp_path, "delte.xlsx", data, capsys)
    assert (0, False) == (status, "\x1b" in output)
    _, activities, _ = _active(stocked_db)
    assert activities[0].title == "Kurs[31m i rødt"


# --- the reading worker ------------------------------------------------------------------


@pytest.fixture
def no_precise_checks(monkeypatch):
    """The checks before calamine switched off: only the worker's limits stand."""
    monkeypatch.setattr(limits, "MAX_SHEET_CELLS", 10**15)
    monkeypatch.setattr(limits, "MAX_TEXT_BYTES", 10**15)


MEMORY = UNSAFE.format(why="lesingen trengte mer enn 1 GB minne og ble stoppet")


@pytest.mark.slow  # each file fills the worker's 1 GB
@pytest.mark.page  # the worker's limits, on the command line and the page: one engine
@pytest.mark.parametrize(
    "file_name,build",
    [
        ("rapport.xlsx", lambda: hostile.case_changed("sheet part")),
        ("rapport.xlsx", hostile.shared_string_bomb),
        ("rapport.xls", hostile.xls_lying_dimensions),
    ],
    ids=["case-changed-far-cell", "shared-string-x-4000", "xls-lying-dimensions"],
)
def test_without_the_checks_the_worker_runs_out_of_memory_not_the_server(
    stocked_db,
    tmp_path,
    capsys,
    monkeypatch,
    no_precise_checks,
    file_name,
    build,
):
    data = build()
    before = snapshot(stocked_db)
    status, output = _cli_import(stocked_db, tmp_path, file_name, data, capsys)
    assert (1, f"{file_name}: ikke lagret – {MEMORY}") == (status, output.splitlines()[0])
    at = _page(stocked_db, monkeypatch)
    at.file_uploader[0].upload(file_name, data).run()
    assert ([MEMORY], before) == (_page_problems(at), snapshot(stocked_db))
    # The next file is read as ever, by a fresh worker.
    assert 0 == _cli_import(stocked_db, tmp_path, "rapport.xlsx", hostile.report_xlsx(), capsys)[0]


def test_a_read_over_the_time_limit_is_stopped(stocked_db, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(limits, "WORKER_SECONDS", 0.01)
    before = snapshot(stocked_db)
    status, output = _cli_import(
        stocked_db, tmp_path, "rader.xlsx", hostile.many_rows(20_000), capsys
    )
    expected = UNSAFE.format(why="lesingen tok mer enn 0,01 sekunder og ble stoppet")
    assert (1, f"rader.xlsx: ikke lagret – {expected}", before) == (
        status,
        output.splitlines()[0],
        snapshot(stocked_db),
    )
    monkeypatch.undo()
    assert 0 == _cli_import(stocked_db, tmp_path, "rapport.xlsx", hostile.report_xlsx(), capsys)[0]


def test_a_check_that_runs_out_of_memory_says_so_not_that_the_file_is_damaged(monkeypatch):
    """Out of memory in a sheet's check (beside calamine, both take memory) is the worker's
    «memory» answer, which the server reads again checks first, not «skadet» for the sheet."""

    def no_memory(*args):
        raise MemoryError

    monkeypatch.setattr(reader, "check_xlsx_sheet", no_memory)
    with pytest.raises(MemoryError):
        Workbook(hostile.report_xlsx(), "rapport.xlsx").read_sheet("Rapport")


class _ShortWrites:
    """A worker's stdin whose every write takes at most 16 kB, as a write into a pipe does
    when a signal interrupts it (a profiler attached to the server sends them all the time)."""

    def __init__(self, stream) -> None:
        self.stream = stream

    def write(self, data) -> int:
        return self.stream.write(bytes(data[: 1 << 14]))

    def __getattr__(self, name):
        return getattr(self.stream, name)


def test_a_large_file_reaches_the_worker_whole_though_each_write_takes_only_part(monkeypatch):
    """A file of 120 kB, written into the worker's pipe in pieces: the worker
    gets all of it and reads it (before, it waited for the rest until the time limit)."""
    worker._pool.close()
    made = worker._Worker.__init__

    def short_writes(self):
        made(self)
        self.process.stdin = _ShortWrites(self.process.stdin)

    monkeypatch.setattr(worker._Worker, "__init__", short_writes)
    monkeypatch.setattr(limits, "WORKER_SECONDS", 10)
    data = hostile.many_rows(20_000)
    assert len(data) > 1 << 16
    try:
        read = worker.read_workbook(data, "rapport.xlsx", frozenset({"aktiviteter"}))
    finally:
        worker._pool.close()
    assert len(read.read_sheet("Aktiviteter").rows) == 20_001


# A worker that ends without an answer (as one calamine took all the memory of does).
ENDS = "import sys; sys.stdin.buffer.read(8); sys.exit(0)"


@pytest.mark.parametrize("suffix, readings", [("xlsx", 2), ("ods", 1)])
def test_a_worker_that_ends_without_answering_is_asked_again_only_for_an_xlsx(
    monkeypatch, suffix, readings
):
    """Only an .xlsx is read first with calamine beside the checks, so only its reading is
    tried again, checks first, when the worker ends without an answer; any other file is
    said to be unsafe after one reading."""
    started = []

    def ends(self):
        self.process = subprocess.Popen(
            [sys.executable, "-c", ENDS], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.jobs, self.fit = 0, True
        started.append(self.process)

    worker._pool.close()
    monkeypatch.setattr(worker._Worker, "__init__", ends)
    data = Path(__file__).parent / "fixtures" / "contract" / f"032bfa3df74123943e49.{suffix}"
    try:
        with pytest.raises(worker.WorkbookError) as refused:
            worker.read_workbook(data.read_bytes(), f"rapport.{suffix}", frozenset({"rapport"}))
    finally:
        worker._pool.close()
        for process in started:
            process.kill()
            process.wait()
    assert (len(started), str(refused.value)) == (
        readings,
        UNSAFE.format(why="leseren stoppet uventet"),
    )


def test_workers_are_kept_warm_and_reused():
    worker._pool.close()
    first = worker.read_workbook(hostile.report_xlsx(), "rapport.xlsx", frozenset({"rapport"}))
    (kept,) = worker._pool._idle
    second = worker.read_workbook(hostile.report_xlsx(), "rapport.xlsx", frozenset({"rapport"}))
    assert (["Rapport"], ["Rapport"], [kept], 2) == (
        list(first.sheets),
        list(second.sheets),
        worker._pool._idle,
        kept.jobs,
    )


def test_a_worker_has_two_malloc_arenas_and_a_file_its_gigabyte_beside_the_second():
    """The worker process runs with two malloc arenas (calamine's thread allocates in its
    own), and its address space is capped at the file's 1 GB plus the 64 MB glibc reserves
    for that second arena, as ``/proc`` shows for the running worker."""
    worker._pool.close()
    try:
        worker.read_workbook(hostile.report_xlsx(), "rapport.xlsx", frozenset({"rapport"}))
        (kept,) = worker._pool._idle
        pid = kept.process.pid
        limit = next(
            line.split()[3]
            for line in Path(f"/proc/{pid}/limits").read_text().splitlines()
            if line.startswith("Max address space")
        )
        environment = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    finally:
        worker._pool.close()
    assert (int(limit), b"MALLOC_ARENA_MAX=2" in environment) == (
        limits.WORKER_MEMORY_BYTES + (64 << 20),
        True,
    )


# A worker a file has taken over (through a flaw in the reader) answers the server as it
# likes: with a pickle that names a function to call as it is read, a size no worker could
# make, a workbook whose parts are of the wrong kind, or a date that names a class. The
# server reads none of them: the file is refused as unsafe, the worker is ended, nothing it
# named has run, and the next file is read as ever.
TAKEN_OVER = r"""
import os, pickle, struct, sys
class Call:
    def __reduce__(self):
        return (os.system, ("touch " + sys.argv[1],))
answers = {
    "call": pickle.dumps(("ok", Call())),
    "rows": b'["ok",["Rapport"],[],[["Rapport","Rapport",[[{"date":"2015-01-01"}],7]]]]',
    "class": b'["ok",["Rapport"],[],[["Rapport","Rapport",[[{"LoadedWorkbook":"x"}]]]]]',
    "shape": b'["ok",null,[],[]]',
    "number": b'["ok",["Rapport"],[],[["Rapport","Rapport",[[1' + b"0" * 30 + b']]]]]',
    "nul": b'["ok",["Rapport"],[],[["Rapport","Rapport",[["Kurs\\u0000"]]]]]',
    "half": b'["ok",["Rapport"],[],[["Rapport","Rapport",[["Kurs\xed\xa0\x80"]]]]]',
    # A pickle that sets an attribute on a class the server knows (BUILD on the class).
    "build": b"cia_data.ingest.worker\nLoadedWorkbook\n(N}Vfind_sheets\nNstb0(Vok\nI1\nt.",
}
header = struct.Struct("<Q")
stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
size = header.unpack(stdin.read(header.size))[0]
stdin.read(size)
if sys.argv[2] == "size":
    stdout.write(header.pack(1 << 62) + b"x" * 100)
else:
    body = answers[sys.argv[2]]
    stdout.write(header.pack(len(body)) + body)
stdout.flush()
stdin.read()
"""


@pytest.mark.parametrize(
    "answer", ["call", "size", "rows", "class", "shape", "number", "nul", "half", "build"]
)
def test_a_worker_taken_over_cannot_reach_the_server_through_its_answer(
    tmp_path, monkeypatch, answer
):
    marker = tmp_path / "ran"
    started = []
    find_sheets = worker.LoadedWorkbook.find_sheets

    def taken_over(self):
        self.process = subprocess.Popen(
            [sys.executable, "-c", TAKEN_OVER, str(marker), answer],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
        )
        self.jobs, self.fit = 0, True
        started.append(self.process)

    worker._pool.close()
    monkeypatch.setattr(worker._Worker, "__init__", taken_over)
    try:
        with pytest.raises(worker.WorkbookError) as refused:
            worker.read_workbook(hostile.report_xlsx(), "rapport.xlsx", frozenset({"rapport"}))
        assert str(refused.value) == UNSAFE.format(why=worker.STRANGE)
        (process,) = started
        assert (process.poll() is not None, marker.exists(), worker._pool._idle) == (
            True,
            False,
            [],
        )
    finally:  # whatever happened, no later test meets the fake
        worker._pool.close()
        for process in started:
            process.kill()
            process.wait()
    monkeypatch.undo()  # the next file is read as ever, by a worker of our own
    read = worker.read_workbook(hostile.report_xlsx(), "rapport.xlsx", frozenset({"rapport"}))
    assert (list(read.sheets), worker.LoadedWorkbook.find_sheets) == (["Rapport"], find_sheets)
