"""The ``ia-data`` command line: exit codes 0/1/2, Norwegian messages, no traceback."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import openpyxl
import pytest

from ia_data.cli import main
from ia_data.demo import SAMPLE_DIR
from ia_data.domain.access import OPERATOR
from ia_data.domain.kinds import DeviationKind
from ia_data.storage import db
from ia_data.storage import engine as engine_setup
from ia_data.storage.engine import database_label
from ia_data.storage.history import uploads
from ia_data.storage.store import import_file

TROMS_2015 = SAMPLE_DIR / "rapport_2015_Ar_ia-radet-i-troms.xlsx"


@pytest.fixture
def url(sample_db):
    return str(sample_db.url)


def test_import_stores_and_reports(url, sample_db, capsys):
    assert main(["--db", url, "import", str(TROMS_2015), "--by", "Kari Nordmann"]) == 0
    out = capsys.readouterr().out
    assert "lagret som opplasting nr. 1" in out
    assert "IA-rådet i Troms, 2015 År" in out
    (row,) = uploads(sample_db)
    assert (row["uploaded_by"], row["active"], row["year"], row["period"]) == (
        "Kari Nordmann", True, 2015, "År",
    )  # fmt: skip


def test_dry_run_stores_nothing(url, sample_db, capsys):
    assert main(["import", "--dry-run", str(TROMS_2015), "--db", url]) == 0
    assert "kontrollert uten feil" in capsys.readouterr().out
    assert uploads(sample_db) == []


def test_dry_run_warns_of_what_needs_attention_once_stored(url, sample_db, capsys):
    """The dry run says what Last opp's check says before saving: here Nordland's spending
    over its grant (test_deviations holds each kind of warning)."""
    nordland = SAMPLE_DIR / "rapport_2015_Ar_ia-radet-i-nordland.xlsx"
    assert main(["import", "--dry-run", str(nordland), "--db", url]) == 0
    out = capsys.readouterr().out.replace("\xa0", " ")
    assert (
        "  advarsel: Brukt mer enn tildelt: brukt 437 250 kr av 400 000 kr tildelt (109 %), "
        "37 250 kr for mye\n"
    ) in out
    assert uploads(sample_db) == []
    # A file that needs no attention is given none of those warnings (only its own: an
    # answer missing, measure numbers without a plan).
    ostfold = SAMPLE_DIR / "rapport_2015_Ar_ia-radet-i-ostfold.xlsx"
    assert main(["import", "--dry-run", str(ostfold), "--db", url]) == 0
    said = capsys.readouterr().out
    assert "advarsel: Rapport, rad 17: svar på spørsmål 5 mangler" in said
    assert [kind for kind in DeviationKind if f"advarsel: {kind}:" in said] == []


def test_a_bad_file_exits_1_with_the_reason(url, sample_db, tmp_path, capsys):
    bad = tmp_path / "rapport.xlsx"
    bad.write_bytes(b"%PDF-1.4 not a workbook")
    assert main(["--db", url, "import", str(bad), str(TROMS_2015)]) == 1
    out = capsys.readouterr().out
    assert "rapport.xlsx: ikke lagret – Filen er ikke en lesbar Excel- eller ODS-arbeidsbok" in out
    assert len(uploads(sample_db)) == 1  # the good file still landed


def test_row_errors_are_listed(url, tmp_path, capsys):
    book = openpyxl.load_workbook(TROMS_2015)
    sheet = book["Aktiviteter"]
    sheet["D4"] = 4
    sheet["G5"] = -5
    path = tmp_path / "feil.xlsx"
    book.save(path)
    assert main(["--db", url, "import", str(path)]) == 1
    out = capsys.readouterr().out
    assert "ikke lagret – 2 feil" in out
    assert "  feil: Aktiviteter, rad 4, kolonne «Delmål»: «4» er ikke et delmål" in out
    assert "  feil: Aktiviteter, rad 5, kolonne «Kostnad (kr)»: «-5» er negativt" in out


def test_missing_file(url, capsys):
    assert main(["--db", url, "import", "finnes-ikke.xlsx"]) == 1
    assert "finnes-ikke.xlsx: filen finnes ikke" in capsys.readouterr().err


def test_export_overview_csv_to_stdout(url, capsysbinary):
    # A past report, loaded as such: received on the «Innsendt» it gives.
    assert main(["--db", url, "import", "--historisk", str(TROMS_2015)]) == 0
    capsysbinary.readouterr()
    assert main(["--db", url, "export", "overview", "--year", "2015", "--as-of", "2016-06-01",
                 "--format", "csv", "--out", "-"]) == 0  # fmt: skip
    text = capsysbinary.readouterr().out.decode("utf-8-sig")
    rows = {r[0]: r for r in csv.reader(io.StringIO(text), delimiter=";")}
    assert rows["IA-rådet i Troms"][15] == "Levert i tide"
    assert rows["IA-rådet i Finnmark"][15] == "Mangler"


def test_as_of_is_taken_as_norwegians_write_a_date_too(url, capsysbinary):
    assert main(["--db", url, "import", "--historisk", str(TROMS_2015)]) == 0
    outputs = []
    for day in ("2016-06-01", "01.06.2016"):
        capsysbinary.readouterr()
        assert main(["--db", url, "export", "overview", "--year", "2015", "--as-of", day,
                     "--out", "-"]) == 0  # fmt: skip
        outputs.append(capsysbinary.readouterr().out)
    assert outputs[0] == outputs[1] and b"Levert i tide" in outputs[0]
    with pytest.raises(SystemExit) as usage:
        main(["--db", url, "export", "overview", "--year", "2015", "--as-of", "31.02.2016",
              "--out", "-"])  # fmt: skip
    assert usage.value.code == 2
    assert "er ikke en dato (ÅÅÅÅ-MM-DD eller dd.mm.åååå)" in capsysbinary.readouterr().err.decode()


def test_a_refused_file_is_said_once(url, tmp_path, capsys):
    pdf = tmp_path / "rapport.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")
    assert main(["--db", url, "import", str(pdf)]) == 1
    out = capsys.readouterr().out
    assert out == (
        "rapport.pdf: ikke lagret – Filen er ikke en lesbar Excel- eller ODS-arbeidsbok "
        "(godtatte filtyper: .xlsx, .xlsm, .xls, .ods)\n"
    )


def test_export_overview_xlsx_to_file(url, tmp_path):
    out = tmp_path / "oversikt.xlsx"
    assert main(["--db", url, "export", "overview", "--year", "2016", "--format", "xlsx",
                 "--out", str(out)]) == 0  # fmt: skip
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Oversikt", "Om uttrekket"]
    assert book["Oversikt"].max_row == 19  # header + 18 councils


@pytest.mark.parametrize(
    "argv, message",
    [
        (["export", "overview", "--out", "-"], "disse argumentene mangler: --year"),
        (["export", "overview", "--year", "2030", "--out", "-"], "2030 er utenfor"),
        (["export", "overview", "--year", "2015", "--as-of", "i går", "--out", "-"],
         "«i går» er ikke en dato"),
        (["eksporter"], "ugyldig valg"),
    ],
)  # fmt: skip
def test_usage_errors_exit_2_in_norwegian(url, argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        code = main(["--db", url, *argv])
        raise SystemExit(code)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


HELP = """\
bruk: ia-data [-h] [--db URL] KOMMANDO ...

IA-rådsoversikt: importer rapporter og hent ut tabeller fra kommandolinjen.

argumenter:
  KOMMANDO
    import    kontroller og lagre arbeidsbøker
    export    hent ut en tabell som CSV eller XLSX
    template  lag en tom rapportmal
    history   vis alle opplastinger
    restore   gjør en tidligere versjon aktiv igjen
    review    gjennomgang av rapportene, og videresending
    varsler   varsler på e-post: send det som skal ut, vis utboksen
    users     hvem som kan logge inn, med hvilken rolle
    db        databasens skjema (migreringer)
    register  rådsregisteret: ny utgave, historikk
    stats     statistikk ved siden av aktiviteten (sykefravær)
    seed      last inn demodataene (oppdiktede rapporter)

valg:
  -h, --help  vis denne hjelpeteksten og avslutt
  --db URL    databasens URL (overstyrer IA_DATABASE_URL; standard er
              demodatabasen)
"""
EXPORT_USAGE = """\
bruk: ia-data export [-h] [--db URL] [--year ÅR] [--as-of DATO]
                     [--format {csv,xlsx,pdf}] [--period PERIODE] --out FIL
                     {overview,deadlines,activities,compiled}
"""
IMPORT_USAGE = """\
bruk: ia-data import [-h] [--db URL] [--demo] [--dry-run] [--by NAVN]
                     [--historisk]
                     FIL [FIL ...]
"""


def _parsed(argv, capsys, monkeypatch) -> tuple[int, str, str]:
    """What ``ia-data`` says to ``argv`` when it stops while reading its arguments."""
    monkeypatch.setenv("COLUMNS", "80")  # argparse wraps the help to the terminal's width
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    said = capsys.readouterr()
    return exit_info.value.code, said.out, said.err


def test_the_help_loads_no_command_and_no_database_library():
    """``ia-data --help`` answers at once: it names every command but imports none of the
    commands' modules, nor SQLAlchemy, pandas or openpyxl."""
    script = """
import sys
from ia_data.cli import main
from ia_data.cli.parser import COMMANDS
try:
    main(["--help"])
except SystemExit:
    pass
commands = {f"ia_data.cli.{module}" for _, module in COMMANDS.values()}
heavy = ("sqlalchemy", "pandas", "openpyxl")
print(sorted(m for m in sys.modules if m in commands or m.split(".")[0] in heavy))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert (done.returncode, done.stdout.splitlines()[-1]) == (0, "[]"), done.stderr


def test_history_loads_the_models_and_neither_the_readers_nor_the_other_engine(url, sample_db):
    """``ia-data history``, started as installed (``command``), lists the uploads having
    loaded what it needs and no more: no workbook reader, store, pandas or openpyxl, and on
    SQLite not PostgreSQL's dialect; the cycle collector runs again once it has started."""
    import_file(sample_db, TROMS_2015.name, TROMS_2015.read_bytes(), scope=OPERATOR)
    script = f"""
import gc, sys
from ia_data.cli import command
sys.argv = ["ia-data", "--db", {url!r}, "history"]
code = command()
print(code, gc.isenabled(), sorted(m for m in sys.modules if m in {{
    "ia_data.ingest.parse", "ia_data.storage.store", "ia_data.ingest.worker", "pandas",
    "openpyxl"}} or ({url!r}.startswith("sqlite") and m == "sqlalchemy.dialects.postgresql")))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:2] == ["Nr", "Tidspunkt"]
    assert "rapport_2015_Ar_ia-radet-i-troms.xlsx" in done.stdout
    assert lines[-1] == "0 True []"


def test_the_help_is_norwegian(capsys, monkeypatch):
    assert _parsed(["--help"], capsys, monkeypatch) == (0, HELP, "")
    assert _parsed(["history", "-h"], capsys, monkeypatch) == (
        0,
        "bruk: ia-data history [-h] [--db URL]\n\nvalg:\n"
        "  -h, --help  vis denne hjelpeteksten og avslutt\n"
        "  --db URL    databasens URL (overstyrer IA_DATABASE_URL; standard er\n"
        "              demodatabasen)\n",
        "",
    )


@pytest.mark.parametrize(
    "argv, err",
    [
        ([], "bruk: ia-data [-h] [--db URL] KOMMANDO ...\n"
             "ia-data: feil: disse argumentene mangler: KOMMANDO\n"),
        (["export", "nope", "--out", "x"], EXPORT_USAGE + "ia-data export: feil: argument "
         "table: ugyldig valg: 'nope' (velg blant 'overview', 'deadlines', 'activities', "
         "'compiled')\n"),
        (["export", "overview", "--year", "abc", "--out", "-"],
         EXPORT_USAGE + "ia-data export: feil: argument --year: ugyldig verdi: 'abc'\n"),
        (["history", "x", "y"], "bruk: ia-data [-h] [--db URL] KOMMANDO ...\n"
                                "ia-data: feil: ukjente argumenter: x y\n"),
        (["import", "--by"], IMPORT_USAGE + "ia-data import: feil: argument --by: forventet én "
                             "verdi\n"),
        (["import", "--d", "f"], IMPORT_USAGE + "ia-data import: feil: tvetydig valg: --d kan "
                                 "bety --db, --demo, --dry-run\n"),
        (["import", "--dry-run=ja", "f"], IMPORT_USAGE + "ia-data import: feil: argument "
                                          "--dry-run: tar ingen verdi: 'ja'\n"),
    ],
    ids=["missing", "choice", "int", "unrecognised", "one value", "ambiguous", "no value"],
)  # fmt: skip
def test_argparse_errors_are_norwegian(argv, err, capsys, monkeypatch):
    assert _parsed(argv, capsys, monkeypatch) == (2, "", err)


def test_argparse_is_left_as_it_is():
    """The Norwegian texts are the command line's own: argparse is not changed for the
    process (another program in it keeps argparse's English)."""
    import argparse
    import gettext

    assert argparse._ is gettext.gettext
    parser = argparse.ArgumentParser(prog="annet")
    assert parser.format_usage() == "usage: annet [-h]\n"


def test_template_history_restore(url, sample_db, tmp_path, capsys):
    template = tmp_path / "mal.xlsx"
    assert main(["--db", url, "template", "--year", "2015", "--out", str(template)]) == 0
    assert openpyxl.load_workbook(template).sheetnames[:3] == ["Rapport", "Aktiviteter", "Møter"]
    book = openpyxl.load_workbook(TROMS_2015)
    book["Aktiviteter"]["G4"] = 99999
    changed = tmp_path / "troms-ny.xlsx"
    book.save(changed)
    assert main(["--db", url, "import", str(TROMS_2015), str(changed)]) == 0
    capsys.readouterr()
    assert main(["--db", url, "history"]) == 0
    history = capsys.readouterr().out
    assert "troms-ny.xlsx" in history and "rapport_2015_Ar_ia-radet-i-troms.xlsx" in history
    # «--db» shortened as argparse takes it: the URL is its value, not the command.
    assert main(["--d", url, "history"]) == 0
    assert capsys.readouterr().out == history
    assert main(["--db", url, "restore", "1"]) == 0
    assert "Opplasting nr. 1 er gjenopprettet" in capsys.readouterr().out
    assert [u["active"] for u in uploads(sample_db)] == [False, True]  # newest first
    assert main(["--db", url, "restore", "1"]) == 1
    assert "allerede den aktive versjonen" in capsys.readouterr().err
    assert main(["--db", url, "restore", "99"]) == 1


def test_seed_and_the_installed_command(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    done = subprocess.run(
        [sys.executable, "-m", "ia_data.cli", "--db", url, "seed"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Demodata: 220 filer lagret, 0 var allerede lagret, 0 avvist." in done.stdout
    assert "Traceback" not in done.stderr


# --- the open demo database: no write without --demo ------------------------------------


@pytest.fixture
def demo(tmp_path, monkeypatch):
    """The demo database (no ``IA_DATABASE_URL``, no ``--db``) in a folder of the test's
    own, holding the demo's Troms 2015 report; its path."""
    path = tmp_path / "data" / "demo.db"
    monkeypatch.setattr(engine_setup, "DEMO_URL", f"sqlite:///{path}")
    monkeypatch.delenv("IA_DATABASE_URL", raising=False)
    monkeypatch.setenv("IA_REGISTER_FILE", str(SAMPLE_DIR / "register.toml"))
    monkeypatch.setenv("IA_STATBANK_URL", "http://127.0.0.1:1/api/v0/no/table")
    monkeypatch.chdir(tmp_path)
    made = db.get_engine()
    assert import_file(made, TROMS_2015.name, TROMS_2015.read_bytes(), scope=OPERATOR).status == (
        "lagret"
    )
    db._engines.pop(engine_setup.DEMO_URL).dispose()
    yield path
    made = db._engines.pop(engine_setup.DEMO_URL, None)
    if made is not None:
        made.dispose()


def _state(folder):
    """The files of a folder and their content, to compare before and after."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


REAL = "ekte.xlsx"  # a changed copy: not one of the demo's own files
WRITES = [
    (["import", REAL], "import"),
    (["restore", "1"], "restore"),
    (["users", "add", "kari@nav.no", "--role", "oversikt"], "users add"),
    (["users", "remove", "kari@nav.no"], "users remove"),
    (["users", "unbind", "kari@nav.no"], "users unbind"),
    (["register", "load", str(SAMPLE_DIR / "register.toml")], "register load"),
    (["stats", "import", str(SAMPLE_DIR / "register.toml")], "stats import"),
    (["stats", "fetch", "12441"], "stats fetch"),
    (["db", "upgrade"], "db upgrade"),
]


def _real_file(folder):
    book = openpyxl.load_workbook(TROMS_2015)
    book["Aktiviteter"]["G4"] = 12_345
    book.save(folder / REAL)


@pytest.mark.parametrize(("argv", "command"), WRITES, ids=[c for _, c in WRITES])
@pytest.mark.parametrize("named", [False, True], ids=["uten-url", "--db-til-demofilen"])
def test_a_write_to_the_demo_database_needs_demo(demo, tmp_path, argv, command, named, capsys):
    _real_file(tmp_path)
    before = _state(demo.parent)
    db_url = ["--db", "sqlite:///data/demo.db"] if named else []  # the same file, named
    assert main([*db_url, *argv]) == 2
    assert capsys.readouterr().err == (
        f"ia-data: feil: {command} skriver ikke til demodatabasen ({demo}) uten --demo, for "
        "appen viser den til alle, uten innlogging. Sett IA_DATABASE_URL (eller --db) til "
        "databasen det skal skrives til, eller legg til --demo for å skrive til demoen; "
        "ingenting er endret\n"
    )
    assert _state(demo.parent) == before  # not even opened


def test_with_demo_the_write_is_done(demo, tmp_path, capsys):
    _real_file(tmp_path)
    assert main(["import", REAL, "--demo", "--by", "Kari"]) == 0
    assert capsys.readouterr().out.startswith("ekte.xlsx: lagret som opplasting nr. 2")
    assert main(["restore", "1", "--demo"]) == 0
    assert "Opplasting nr. 1 er gjenopprettet" in capsys.readouterr().out
    assert main(["db", "upgrade", "--demo"]) == 0
    assert "er allerede på nyeste utgave" in capsys.readouterr().out
    assert [(u["file_name"], u["active"]) for u in uploads(db.get_engine())] == [
        (REAL, False), (TROMS_2015.name, True),
    ]  # fmt: skip


def test_reading_and_checking_the_demo_need_no_demo(demo, tmp_path, capsys):
    _real_file(tmp_path)
    before = _state(demo.parent)
    assert main(["import", "--dry-run", REAL]) == 0
    assert "ekte.xlsx: kontrollert uten feil" in capsys.readouterr().out
    assert main(["register", "load", str(SAMPLE_DIR / "register.toml"), "--dry-run"]) == 0
    assert main(["history"]) == 0
    assert TROMS_2015.name in capsys.readouterr().out
    db._engines.pop(engine_setup.DEMO_URL).dispose()
    assert _state(demo.parent) == before


def test_seed_loads_the_demo_into_the_demo_database_without_demo(demo, capsys):
    """``seed`` stores only the demo's own workbooks: the demo database is where they
    belong, so it needs no ``--demo`` there."""
    assert main(["seed"]) == 0
    assert "Demodata: 219 filer lagret, 1 var allerede lagret, 0 avvist." in capsys.readouterr().out


def _real_database(folder) -> str:
    """A SQLite database of the operator's own in ``folder`` (no engine left open)."""
    real = f"sqlite:///{folder / 'ekte.db'}"
    db.get_engine(real)
    db._engines.pop(real).dispose()
    return real


def _backup_refused(demo) -> str:
    return (
        f"ia-data: feil: backup skriver ikke til demodatabasen ({demo}) eller filene ved siden "
        "av den, for appen viser den til alle, uten innlogging; velg en annen fil med --out. "
        "Ingenting er endret\n"
    )


@pytest.mark.parametrize("out", ["data/demo.db", "data/../data/demo.db", "data/demo.db-wal"])
def test_a_backup_is_never_written_over_the_demo_database(demo, tmp_path, out, capsys):
    """Neither a real database's copy (the app would show it to anyone) nor the demo's own
    (with --demo), under any spelling of the path, nor over its journal."""
    real = _real_database(tmp_path)
    before = _state(demo.parent)
    for argv in (["--db", real, "db", "backup"], ["db", "backup", "--demo"]):
        assert main([*argv, "--out", out]) == 2
        assert capsys.readouterr().err == _backup_refused(demo)
    assert _state(demo.parent) == before


def test_a_backup_does_not_make_the_demo_database_where_none_is(tmp_path, monkeypatch, capsys):
    demo = tmp_path / "data" / "demo.db"
    monkeypatch.setattr(engine_setup, "DEMO_URL", f"sqlite:///{demo}")
    monkeypatch.setenv("IA_REGISTER_FILE", str(SAMPLE_DIR / "register.toml"))
    real = _real_database(tmp_path)
    demo.parent.mkdir()
    assert main(["--db", real, "db", "backup", "--out", str(demo)]) == 2
    assert capsys.readouterr().err == _backup_refused(demo)
    assert list(demo.parent.iterdir()) == []
    assert main(["--db", real, "db", "backup", "--out", str(tmp_path / "kopi.db")]) == 0


def test_demo_with_another_database_is_refused(url, sample_db, tmp_path, capsys):
    _real_file(tmp_path)
    for argv in (["import", str(tmp_path / REAL)], ["restore", "1"], ["seed"]):
        assert main(["--db", url, *argv, "--demo"]) == 2
        assert capsys.readouterr().err == (
            "ia-data: feil: --demo gjelder bare demodatabasen, og databasen i bruk er "
            f"{database_label(url)}; ingenting er endret\n"
        )
    assert uploads(sample_db) == []


def test_every_error_a_user_reads_is_of_one_family():
    """Every exception the library defines is a ``UserError`` (its Norwegian message and the
    command line's exit status), except the three that never reach a user: a value's problem
    (a part of a workbook problem's line), the reading worker's own signal and the quick
    reading's word that a row needs the full one."""
    import importlib
    import inspect
    import pkgutil

    import ia_data
    from ia_data.domain.errors import UsageError, UserError
    from ia_data.domain.values import ValueProblem
    from ia_data.ingest import parse, worker

    found = set()
    for module in pkgutil.walk_packages(ia_data.__path__, "ia_data."):
        if module.name.endswith("__main__") or ".migrations." in module.name:
            continue
        for _, thing in inspect.getmembers(importlib.import_module(module.name), inspect.isclass):
            if issubclass(thing, BaseException) and thing.__module__.startswith("ia_data."):
                found.add(thing)
    outside = {c.__qualname__ for c in found if not issubclass(c, UserError)}
    signals = {
        worker._Dead.__qualname__,
        worker._Strange.__qualname__,
        parse._Uncommon.__qualname__,
    }
    assert outside == {ValueProblem.__qualname__, *signals}
    assert len(found) >= 15  # (the walk saw the library's errors)
    assert {c.exit_code for c in found - {UsageError} if issubclass(c, UserError)} == {1}
    assert UsageError.exit_code == 2
