"""The command line against hostile names and a failing database: every case answers in
one Norwegian line with the right exit status (0, 1, or 2 for a usage error), never a
traceback, never a control character on the terminal, and a refused write leaves the
database as it was.

File permissions bind nobody when the tests run as root, so the read-only cases then run
the command as the user ``nobody`` (effective user id only, switched back after).
"""

from __future__ import annotations

import codecs
import hashlib
import importlib
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from sqlalchemy import event, insert

from ia_data import settings
from ia_data.cli import common as cli_common
from ia_data.cli import history as cli_history
from ia_data.cli import main, visible
from ia_data.cli import uploads as cli_uploads
from ia_data.demo import SAMPLE_DIR
from ia_data.domain.access import OPERATOR
from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules
from ia_data.ingest import worker
from ia_data.ingest.parsed import Problem
from ia_data.storage import db, schema
from ia_data.storage.engine import database_label
from ia_data.storage.history import uploads
from ia_data.storage.models import Upload
from ia_data.storage.store import import_file

PROJECT = Path(__file__).resolve().parent.parent
SAMPLE_REGISTER = SAMPLE_DIR / "register.toml"
TROMS_2015 = SAMPLE_DIR / "rapport_2015_Ar_ia-radet-i-troms.xlsx"
NOBODY = 65534
ESC_NAME = "rapport\x1b[2J.xlsx"
STORED = "IA-rådet i Troms, 2015 År"


@pytest.fixture
def url(sample_db):
    return str(sample_db.url)


# What reaches a terminal or a pipe is the command line's own (the engine gives the same
# rows: the library's tests run on both), so these real processes run on SQLite.
ONE_ENGINE = pytest.mark.parametrize("engine_name", ["sqlite"], indirect=True)


def _path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _changed_troms(folder: Path) -> Path:
    """Troms' 2015 report with one cost changed: a new file, so storing it writes."""
    book = openpyxl.load_workbook(TROMS_2015)
    book["Aktiviteter"]["G5"] = 12_345
    path = folder / "troms-ny.xlsx"
    book.save(path)
    path.chmod(0o644)
    return path


# --- terminal escapes ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, shown",
    [
        ("rapport\x1b[2J.xlsx", "rapport\\x1b[2J.xlsx"),
        ("a\x00b\x07c\x7fd", "a\\x00b\\x07c\\x7fd"),
        ("linje 1\r\nlinje 2\ttab", "linje 1\\r\\nlinje 2 tab"),
        ("\x9b31m", "\\x9b31m"),  # C1 CSI: an escape sequence on its own
        ("abc\u202edef", "abc\\u202edef"),  # bidirectional override
        ("navn-\udcff.xlsx", "navn-\\udcff.xlsx"),  # a file name that is not UTF-8
        ("Østfold – «ok» ✓", "Østfold – «ok» ✓"),
    ],
)
def test_visible(text, shown):
    assert visible(text) == shown


def test_a_file_name_with_an_escape_sequence_is_shown_not_run(url, sample_db, tmp_path, capsys):
    hostile = tmp_path / ESC_NAME
    hostile.write_bytes(TROMS_2015.read_bytes())
    assert main(["--db", url, "import", "--dry-run", str(hostile)]) == 0
    out, err = capsys.readouterr()
    assert (
        out.splitlines()[0]
        == f"rapport\\x1b[2J.xlsx: kontrollert uten feil ({STORED}); ikke lagret"
    )
    assert "\x1b" not in out + err

    assert main(["--db", url, "import", str(hostile), "--by", "x\x1b[31m"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == f"rapport\\x1b[2J.xlsx: lagret som opplasting nr. 1: {STORED}"
    assert "\x1b" not in out + err

    assert main(["--db", url, "history"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[1].endswith("  rapport\\x1b[2J.xlsx  (x\\x1b[31m)")
    assert "\x1b" not in out + err
    (row,) = uploads(sample_db)  # stored as given; only what is printed is made visible
    assert (row["file_name"], row["uploaded_by"]) == (ESC_NAME, "x\x1b[31m")


def test_missing_file_with_an_escape_sequence(url, tmp_path, capsys):
    missing = tmp_path / "borte\x1b]0;tittel\x07.xlsx"
    assert main(["--db", url, "import", str(missing)]) == 1
    assert (
        capsys.readouterr().err == f"{tmp_path}/borte\\x1b]0;tittel\\x07.xlsx: filen finnes ikke\n"
    )


def test_problem_lines_and_notes_are_shown_not_run(url, tmp_path, capsys, monkeypatch):
    problem = Problem("feil", "«\x1b[2J» er ikke en dato", "Aktiviteter", 4, "Dato\x1b[0m")
    result = SimpleNamespace(
        message="rapport.xlsx: ikke lagret – 1 feil må rettes før filen kan lagres",
        notes=["Innsendt\x1b[8m dato mangler"],
        parsed=SimpleNamespace(problems=[problem]),
        status="avvist",
    )
    monkeypatch.setattr(cli_uploads, "import_file", lambda *a, **k: result)
    assert main(["--db", url, "import", str(TROMS_2015)]) == 1
    assert capsys.readouterr().out.splitlines()[1:] == [
        "  merk: Innsendt\\x1b[8m dato mangler",
        "  feil: Aktiviteter, rad 4, kolonne «Dato\\x1b[0m»: «\\x1b[2J» er ikke en dato",
    ]


def test_a_file_name_that_is_not_utf8(url, tmp_path, capsys):
    path = os.fsdecode(os.fsencode(tmp_path) + b"/rapport-\xff.xlsx")
    Path(path).write_bytes(TROMS_2015.read_bytes())
    assert main(["--db", url, "import", path]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        f"rapport-\ufffd.xlsx: lagret som opplasting nr. 1: {STORED}"
    )
    assert main(["--db", url, "history"]) == 0
    assert capsys.readouterr().out.splitlines()[1].endswith("  rapport-\ufffd.xlsx")
    assert main(["--db", url, "import", path + ".mangler"]) == 1
    assert capsys.readouterr().err.endswith("rapport-\\udcff.xlsx.mangler: filen finnes ikke\n")


@ONE_ENGINE
def test_no_escape_reaches_a_real_terminal_stream(url, tmp_path):
    hostile = tmp_path / ESC_NAME
    hostile.write_bytes(TROMS_2015.read_bytes())
    outputs = []
    for argv in (["import", "--dry-run", str(hostile)], ["import", str(hostile), "--by",
                 "x\x1b[31m"], ["history"]):  # fmt: skip
        done = subprocess.run(
            [sys.executable, "-m", "ia_data.cli", "--db", url, *argv],
            capture_output=True, cwd=PROJECT, timeout=60,
        )  # fmt: skip
        assert (done.returncode, done.stderr) == (0, b"")
        outputs.append(done.stdout)
    assert b"\x1b" not in b"".join(outputs)
    assert outputs[2].splitlines()[1].endswith(b"  rapport\\x1b[2J.xlsx  (x\\x1b[31m)")


# --- a database that cannot be written, is full, or is no database ---------------------


@pytest.fixture
def shared_dir():
    """A folder the user ``nobody`` can reach (pytest's own are private to their owner)."""
    folder = Path(tempfile.mkdtemp(prefix="ia-cli-"))
    folder.chmod(0o777)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir():
            path.chmod(0o777)
    shutil.rmtree(folder)


@contextmanager
def without_root():
    """Run as a user whom file permissions bind (as root, nobody may refuse a write). The
    checkout may lie in a folder only root can enter (a clone in ``mktemp -d`` or /root): what
    the commands read from it is given to nobody in a folder of its own."""
    if os.geteuid() != 0:
        yield
        return
    # What the commands load on first use, loaded now: nobody may not read a Python that
    # is installed under /root.
    for codec in ("utf-8-sig", "cp437"):
        codecs.lookup(codec)
    importlib.import_module("ia_data.output.template")
    # The reading worker the commands' files go to, started now as root (nobody may not
    # start that Python either): a fresh one, so that no worker near its last job is
    # retired, and a new one wanted, while nobody runs.
    worker._pool.close()
    worker.warm_up()
    readable = Path(tempfile.mkdtemp(prefix="ia-nobody-"))
    readable.chmod(0o755)
    rules = shutil.copy(settings.current().rules_file, readable / "rules.toml")
    Path(rules).chmod(0o644)
    head = schema.head()  # read from the migrations in the checkout
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IA_RULES_FILE", str(rules))
        patch.setattr(schema, "head", lambda: head)
        os.setegid(NOBODY)
        os.seteuid(NOBODY)
        try:
            yield
        finally:
            os.seteuid(0)
            os.setegid(0)
            shutil.rmtree(readable)


def _stored_database(folder: Path, monkeypatch) -> str:
    """A WAL database in ``folder`` holding Troms' 2015 report, no engine left open."""
    monkeypatch.setenv("IA_REGISTER_FILE", str(SAMPLE_REGISTER))
    folder.mkdir(mode=0o777, exist_ok=True)
    folder.chmod(0o777)
    url = f"sqlite:///{folder / 'ia.db'}"
    engine = db.get_engine(url)
    assert (
        import_file(engine, TROMS_2015.name, TROMS_2015.read_bytes(), scope=OPERATOR).status
        == "lagret"
    )
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    _forget(url)
    assert sorted(p.name for p in folder.iterdir()) == ["ia.db"]  # WAL checkpointed away
    return url


def _forget(url: str) -> None:
    for key in (url, (url, "immutable")):
        engine = db._engines.pop(key, None)
        if engine is not None:
            engine.dispose()


@pytest.fixture
def stored(shared_dir, monkeypatch):
    url = _stored_database(shared_dir / "data", monkeypatch)
    yield url
    _forget(url)


def _make_read_only(url: str, what: str) -> Path:
    path = _path(url)
    if what in ("file", "both"):
        path.chmod(0o444)
    elif os.geteuid() == 0:
        os.chown(path, NOBODY, NOBODY)  # the file itself may be written; only its folder not
    if what in ("folder", "both"):
        path.parent.chmod(0o555)
    return path


@pytest.mark.parametrize("what", ["file", "folder", "both"])
def test_read_only_database_can_be_read(stored, shared_dir, what, capsys):
    _make_read_only(stored, what)
    out_dir = shared_dir / "ut"
    out_dir.mkdir(mode=0o777)
    out_dir.chmod(0o777)
    changed = _changed_troms(shared_dir)
    with without_root():
        checked = main(["--db", stored, "import", "--dry-run", str(changed)])
        history = main(["--db", stored, "history"])
        exported = main(["--db", stored, "export", "activities", "--format", "csv",
                         "--out", str(out_dir / "a.csv")])  # fmt: skip
        template = main(["--db", stored, "template", "--year", "2015",
                         "--out", str(out_dir / "mal.xlsx")])  # fmt: skip
    out, err = capsys.readouterr()
    assert (checked, history, exported, template) == (0, 0, 0, 0), err
    lines = out.splitlines()
    assert lines[0] == f"troms-ny.xlsx: kontrollert uten feil ({STORED}); ikke lagret"
    # What needs attention once stored, judged by reading the read-only database.
    assert lines[1] == (
        "  advarsel: Uten handlingsplan: rapporten svarer «Nei» på om rådet har en handlingsplan"
    )
    fields = lines[3].split()
    assert fields[3:] == ["ja", "IA-rådet", "i", "Troms", "2015", "År", "12", "3", TROMS_2015.name]
    csv_rows = (out_dir / "a.csv").read_text("utf-8-sig").splitlines()
    assert len(csv_rows) == 14 and csv_rows[1].startswith("IA-rådet i Troms;2015-01-01;")
    assert openpyxl.load_workbook(out_dir / "mal.xlsx").sheetnames[0] == "Rapport"


@pytest.mark.parametrize(
    "what, message",
    [
        ("file", "troms-ny.xlsx: ikke lagret – Databasen er skrivebeskyttet ({path})"),
        ("folder", "Feil: Databasen er skrivebeskyttet: mappen den ligger i kan ikke skrives "
         "til ({path})"),
        ("both", "Feil: Databasen er skrivebeskyttet: mappen den ligger i kan ikke skrives "
         "til ({path})"),
    ],
)  # fmt: skip
def test_read_only_database_refuses_a_write(stored, shared_dir, what, message, capsys):
    changed = _changed_troms(shared_dir)
    path = _make_read_only(stored, what)
    before = _digest(path)
    with without_root():
        assert main(["--db", stored, "import", str(changed)]) == 1
    out, err = capsys.readouterr()
    assert (out, err) == ("", message.format(path=path) + "\n")
    assert _digest(path) == before
    assert [u["file_name"] for u in uploads(db.get_engine(stored, read_only=True))] == [
        TROMS_2015.name
    ]


def test_full_disk_stores_nothing(url, sample_db, capsys):
    """The engine's own "disk is full": on SQLite SQLITE_FULL, made by capping the file at
    the size it has (see the test below for a real full disk); on PostgreSQL SQLSTATE 53100
    (disk_full), raised where the server raises it, on a row written to a table."""
    if sample_db.dialect.name == "sqlite":

        @event.listens_for(sample_db, "connect")
        def no_room(dbapi_connection, _record):
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    else:
        with sample_db.begin() as conn:
            conn.exec_driver_sql(
                "CREATE FUNCTION no_room() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "RAISE EXCEPTION 'could not extend file' USING ERRCODE = 'disk_full'; END $$"
            )
            conn.exec_driver_sql(
                "CREATE TRIGGER no_room BEFORE INSERT ON activity EXECUTE FUNCTION no_room()"
            )
    sample_db.dispose()
    assert main(["--db", url, "import", str(TROMS_2015)]) == 1
    assert capsys.readouterr().err == (
        f"{TROMS_2015.name}: ikke lagret – Disken er full ({database_label(url)})\n"
    )
    assert uploads(sample_db) == []


@pytest.mark.parametrize(
    "content, message",
    [
        (b"Dette er en tekstfil.\n", "Databasen kan ikke åpnes: filen er ikke en SQLite-database"),
        (bytes(range(256)) * 20, "Databasen kan ikke åpnes: filen er ikke en SQLite-database"),
        ("truncated", "Databasefilen er skadet"),
    ],
    ids=["tekst", "tilfeldig", "avkortet"],
)
def test_no_database_or_a_damaged_one(tmp_path, monkeypatch, content, message, capsys):
    if content == "truncated":
        whole = _path(_stored_database(tmp_path / "kilde", monkeypatch)).read_bytes()
        content = whole[: len(whole) // 3]
    path = tmp_path / "x.db"
    path.write_bytes(content)
    url = f"sqlite:///{path}"
    assert main(["--db", url, "history"]) == 1
    assert main(["--db", url, "import", str(TROMS_2015)]) == 1
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"Feil: {message} ({path})\n" * 2)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("x.db")) == ["x.db"]


@pytest.mark.parametrize("url", ["ikke en url", "tull://vert/db"])
def test_an_unreadable_url_is_a_usage_error(url, capsys):
    assert main(["--db", url, "history"]) == 2
    assert capsys.readouterr().err == (
        "ia-data: feil: databasens URL (--db eller IA_DATABASE_URL) kan ikke leses; "
        "bruk for eksempel sqlite:///sti/til/ia.db\n"
    )


SECRET_URL = "postgresql://kari:hemmelig@127.0.0.1:1/ia"
HIDDEN_URL = "postgresql://kari:***@127.0.0.1:1/ia"


def test_the_password_is_never_printed(capsys):
    assert main(["--db", SECRET_URL, "history"]) == 1
    err = capsys.readouterr().err
    assert "hemmelig" not in err and err.startswith("Feil: Database")
    assert err.endswith(f" ({HIDDEN_URL})\n")


def test_an_unexpected_error_hides_the_password(monkeypatch, capsys):
    def fail(_engine):
        raise RuntimeError(f"forbindelsen til {SECRET_URL} brøt")

    monkeypatch.setattr(cli_common, "get_engine", lambda *a, **k: None)
    monkeypatch.setattr(cli_history, "uploads", fail)
    assert main(["--db", SECRET_URL, "history"]) == 1
    assert capsys.readouterr().err == (
        f"ia-data: uventet feil (RuntimeError: forbindelsen til {HIDDEN_URL} brøt) – "
        f"database: {HIDDEN_URL}\n"
    )


# --- arguments that name nothing -----------------------------------------------------


@pytest.mark.parametrize("number", ["99999999999999999999", "9223372036854775807", "0", "-1"])
def test_restore_of_an_upload_that_does_not_exist(url, sample_db, number, capsys):
    assert (
        import_file(sample_db, TROMS_2015.name, TROMS_2015.read_bytes(), scope=OPERATOR).status
        == "lagret"
    )
    assert main(["--db", url, "restore", number]) == 1
    assert capsys.readouterr().err == f"Feil: Opplasting nr. {number} finnes ikke\n"
    assert [(u["id"], u["active"]) for u in uploads(sample_db)] == [(1, True)]


@pytest.mark.parametrize("command", ["export", "template"])
@pytest.mark.parametrize(
    "target, reason",
    [
        ("mangler/x.csv", "mappen {tmp}/mangler finnes ikke"),
        (".", "det er en mappe"),
        ("fil.txt/x.csv", "{tmp}/fil.txt er ikke en mappe"),
    ],
)
def test_an_out_file_that_cannot_be_written(url, tmp_path, command, target, reason, capsys):
    (tmp_path / "fil.txt").write_text("x")
    out = str(tmp_path / target) if target != "." else str(tmp_path)
    argv = ["export", "activities"] if command == "export" else ["template"]
    before = sorted(tmp_path.rglob("*"))
    assert main(["--db", url, *argv, "--out", out]) == 1
    message = reason.format(tmp=tmp_path)
    assert capsys.readouterr().err == f"Feil: Kan ikke skrive {out}: {message}\n"
    assert sorted(tmp_path.rglob("*")) == before


def test_an_out_file_without_write_permission(url, shared_dir, capsys):
    locked = shared_dir / "låst"
    locked.mkdir(mode=0o555)
    locked.chmod(0o555)
    db.get_engine(url)  # opened before: only the out file is at stake
    with without_root():
        code = main(["--db", url, "export", "activities", "--out", str(locked / "a.csv")])
    assert code == 1
    assert (
        capsys.readouterr().err == f"Feil: Kan ikke skrive {locked}/a.csv: mangler skrivetilgang\n"
    )
    assert list(locked.iterdir()) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_an_out_file_on_a_full_disk(url, capsys):
    assert main(["--db", url, "export", "activities", "--out", "/dev/full"]) == 1
    assert capsys.readouterr().err == "Feil: Kan ikke skrive /dev/full: disken er full\n"


def test_template_for_a_year_outside_the_rules_is_a_usage_error(url, tmp_path, capsys):
    years = load_rules(DEFAULT_RULES_FILE).years
    assert main(["--db", url, "template", "--year", "1999", "--out", str(tmp_path / "m.xlsx")]) == 2
    assert capsys.readouterr().err == (
        f"ia-data: feil: 1999 er utenfor rapporteringsreglene ({years[0]}–{years[-1]})\n"
    )
    assert not (tmp_path / "m.xlsx").exists()


# --- a reader that goes away -------------------------------------------------------------


@pytest.fixture
def many_uploads(url, sample_db):
    """3 000 uploads: a history of some 300 kB, far more than a pipe holds."""
    now = datetime(2024, 1, 1, tzinfo=UTC)
    rows = [
        {"kind": "tildeling", "file_name": f"tildeling-{i}.xlsx", "sha256": f"{i:064x}",
         "size": 1, "uploaded_at": now, "uploaded_by": "", "warnings": "", "active": True,
         "activity_count": 0, "meeting_count": 0, "total_cost_ore": 0, "content": b""}
        for i in range(3000)
    ]  # fmt: skip
    with sample_db.begin() as conn:
        conn.execute(insert(Upload.__table__), rows)
    return url


@ONE_ENGINE
def test_history_into_a_pipe_closed_after_one_line(many_uploads):
    child = subprocess.Popen(
        [sys.executable, "-m", "ia_data.cli", "--db", many_uploads, "history"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=PROJECT,
    )  # fmt: skip
    first = child.stdout.readline()
    child.stdout.close()
    err = child.stderr.read()
    assert child.wait(timeout=60) == 0
    assert first.startswith(b"  Nr  Tidspunkt")
    assert err == b""


@ONE_ENGINE
def test_history_piped_to_head(many_uploads):
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c",
         f"'{sys.executable}' -m ia_data.cli --db '{many_uploads}' history | head -1"],
        capture_output=True, cwd=PROJECT, timeout=60,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout.startswith(b"  Nr  Tidspunkt") and done.stdout.count(b"\n") == 1


def test_the_app_says_the_server_cannot_be_reached_without_the_password(app_on, caplog):
    at = app_on(SECRET_URL.replace("postgresql://", "postgresql+psycopg://"))
    shown = [e.value for e in at.error]
    assert shown == [
        "Databasetjeneren kan ikke nås (postgresql+psycopg://kari:***@127.0.0.1:1/ia). Ingen "
        "data kan vises. Prøv igjen om litt, og meld fra til administrator om feilen varer."
    ]
    assert not at.exception and len(at.dataframe) == 0
    logged = caplog.text + " ".join(str(e.value) for e in at.markdown)
    assert "hemmelig" not in logged and "kari:***@127.0.0.1:1/ia" in caplog.text


@pytest.mark.parametrize(
    "change, said",
    [
        ({"database": "finnes_ikke"}, "Databasen finnes ikke på tjeneren"),
        ({"username": "ukjent"}, "Databasen kan ikke åpnes: brukeren har ikke adgang"),
    ],
    ids=["database", "bruker"],
)
def test_a_postgresql_that_refuses_says_why(postgres, change, said, capsys):
    from postgres import need
    from sqlalchemy.engine import make_url

    url = make_url(need(postgres).url).set(password="hemmelig", **change)
    text_url = url.render_as_string(hide_password=False)
    assert main(["--db", text_url, "history"]) == 1
    err = capsys.readouterr().err
    assert err == f"Feil: {said} ({url.render_as_string(hide_password=True)})\n"
    assert "hemmelig" not in err


def test_a_postgresql_database_closed_to_us_says_why(postgres, capsys):
    """A database that takes no connections, and one the user may not connect to."""
    from postgres import need
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    cluster = need(postgres)
    url = make_url(cluster.new_database())
    name = url.database
    admin = create_engine(cluster.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql("DROP ROLE IF EXISTS ia_gjest")
        connection.exec_driver_sql("CREATE ROLE ia_gjest LOGIN")
        connection.exec_driver_sql(f'REVOKE CONNECT ON DATABASE "{name}" FROM PUBLIC')
    guest = url.set(username="ia_gjest", password="hemmelig")
    assert main(["--db", guest.render_as_string(hide_password=False), "history"]) == 1
    assert capsys.readouterr().err == (
        "Feil: Databasen kan ikke brukes: brukeren mangler tilgang "
        f"({guest.render_as_string(hide_password=True)})\n"
    )
    with admin.connect() as connection:
        connection.exec_driver_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    try:
        assert main(["--db", url.render_as_string(hide_password=False), "history"]) == 1
        assert capsys.readouterr().err == (
            f"Feil: Databasen tar ikke imot tilkoblinger nå ({url.render_as_string()})\n"
        )
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            connection.exec_driver_sql("DROP OWNED BY ia_gjest")
            connection.exec_driver_sql("DROP ROLE ia_gjest")
        admin.dispose()
        cluster.drop(url.render_as_string(hide_password=False))


def test_a_password_among_the_parameters_is_hidden_too(capsys):
    url = "postgresql+psycopg://kari@127.0.0.1:1/ia?password=hemmelig&sslmode=disable"
    assert main(["--db", url, "history"]) == 1
    err = capsys.readouterr().err
    assert "hemmelig" not in err
    assert err == (
        "Feil: Databasetjeneren kan ikke nås "
        "(postgresql+psycopg://kari@127.0.0.1:1/ia?password=***&sslmode=disable)\n"
    )


def test_a_url_with_a_port_that_is_no_number_is_a_usage_error(capsys):
    for argv in (["history"], ["db", "current"], ["db", "upgrade"]):
        assert main(["--db", "postgresql+psycopg://kari:hemmelig@vert:port/ia", *argv]) == 2
        err = capsys.readouterr().err
        assert err.startswith("ia-data: feil: databasens URL (--db eller IA_DATABASE_URL) kan")
        assert "hemmelig" not in err


@pytest.mark.parametrize("action", ["current", "backup"])
def test_db_current_or_backup_of_a_database_that_is_not_there(tmp_path, action, capsys):
    missing = tmp_path / "skrivefeil" / "ia.db"
    argv = ["--db", f"sqlite:///{missing}", "db", action, "--out", str(tmp_path / "kopi.db")]
    assert main(argv) == 1
    assert capsys.readouterr().err == f"Feil: Databasen finnes ikke ({missing})\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == []


# --- a database that goes away in the middle of an import --------------------------------

FINNMARK_2015 = SAMPLE_DIR / "rapport_2015_Ar_ia-radet-i-finnmark.xlsx"
NORDLAND_2015 = SAMPLE_DIR / "rapport_2015_Ar_ia-radet-i-nordland.xlsx"
GONE = {
    "sqlite": "Databasen kan ikke åpnes: filen eller mappen finnes ikke eller kan ikke leses",
    "postgresql": "Databasen tar ikke imot tilkoblinger nå",
}


@pytest.fixture
def vanishing(engine_name, database, postgres, tmp_path, monkeypatch):
    """A database with the demo register, on each engine, that a test can take away and
    bring back: ``(url, take_away, bring_back)``. SQLite: its folder moved elsewhere (a
    disk or share that is gone); PostgreSQL: the database closed to connections and every
    session on it ended (a server stopped for maintenance)."""
    if engine_name == "sqlite":
        monkeypatch.setenv("IA_REGISTER_FILE", str(SAMPLE_REGISTER))
        home, elsewhere = tmp_path / "db", tmp_path / "borte"
        url = f"sqlite:///{home / 'ia.db'}"
        db.get_engine(url)

        def take_away():
            db.get_engine(url).dispose()
            home.rename(elsewhere)

        def bring_back():
            elsewhere.rename(home)

        yield url, take_away, bring_back
        db._engines.pop(url).dispose()
        return
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    url = database(SAMPLE_REGISTER)
    name = make_url(url).database
    admin = create_engine(postgres.url, isolation_level="AUTOCOMMIT")

    def take_away():
        with admin.connect() as connection:
            connection.exec_driver_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            connection.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
            )

    def bring_back():
        with admin.connect() as connection:
            connection.exec_driver_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')

    yield url, take_away, bring_back
    admin.dispose()


def test_a_database_that_goes_away_mid_import_stops_it_and_says_what_became_of_each_file(
    vanishing, engine_name, tmp_path, monkeypatch, capsys
):
    url, take_away, bring_back = vanishing
    bad = tmp_path / "ikke-en-arbeidsbok.xlsx"
    bad.write_bytes(b"%PDF-1.4 not a workbook")
    files = [str(TROMS_2015), str(bad), str(FINNMARK_2015), str(NORDLAND_2015)]
    tried = []

    def import_then_lose_the_database(engine, file_name, *args, **kwargs):
        if len(tried) == 2:  # after two files, before the third
            take_away()
        tried.append(file_name)
        return import_file(engine, file_name, *args, **kwargs)

    monkeypatch.setattr(cli_uploads, "import_file", import_then_lose_the_database)
    try:
        assert main(["--db", url, "import", *files]) == 1
    finally:
        bring_back()
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == f"{TROMS_2015.name}: lagret som opplasting nr. 1: {STORED}"
    assert out.splitlines()[1].startswith(f"{bad.name}: ikke lagret – Filen er ikke en lesbar")
    assert err == (
        f"{FINNMARK_2015.name}: ikke lagret – {GONE[engine_name]} ({database_label(url)})\n"
        "Importen stoppet fordi databasen feilet. Slik gikk det med filene:\n"
        f"  lagret: {TROMS_2015}\n"
        f"  avvist: {bad}\n"
        f"  feilet: {FINNMARK_2015}\n"
        f"  ikke forsøkt: {NORDLAND_2015}\n"
        "Kjør den samme kommandoen igjen når databasen virker: en fil som alt er lagret, "
        "lagres ikke på nytt.\n"
    )
    assert tried == [TROMS_2015.name, bad.name, FINNMARK_2015.name]  # Nordland not tried
    assert [u["file_name"] for u in uploads(db.get_engine(url))] == [TROMS_2015.name]

    # The same command again, the database back: what was stored is not stored twice.
    assert main(["--db", url, "import", *files]) == 1  # the bad file is still refused
    out, err = capsys.readouterr()
    assert out.splitlines()[0].startswith(
        f"{TROMS_2015.name}: akkurat denne filen er allerede lastet opp (opplasting nr. 1,"
    )
    assert [u["file_name"] for u in uploads(db.get_engine(url))] == [
        NORDLAND_2015.name, FINNMARK_2015.name, TROMS_2015.name,
    ]  # fmt: skip
