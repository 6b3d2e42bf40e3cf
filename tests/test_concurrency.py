"""Several processes on one database, on each engine (a SQLite file; a PostgreSQL
database): simultaneous imports, and a crash mid-import.

Each test starts real OS processes (``parties.Party``: ``DRIVER`` run as ``python -c``
would, in a process forked from one that has imported the library) that import workbooks
with ``ia_data.store.import_file``. The driver makes the processes meet at file barriers —
once before they open the database and once more after parsing, right before the write
transaction — so they really are inside ``import_file`` at the same moment. No assertion
depends on timing; the only clocks are deadlines that stop a hung test.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from parties import Party, outcomes
from sqlalchemy import inspect, text
from sqlalchemy.exc import OperationalError
from workbooks import (
    ACTIVITY_HEADER,
    MEETING_HEADER,
    allocation_xlsx,
    large_xlsx,
    report_rows,
    report_xlsx,
)

from ia_data.demo import SAMPLE_DIR
from ia_data.domain.access import OPERATOR
from ia_data.domain.kinds import ImportStatus
from ia_data.domain.register import read_register_file
from ia_data.storage import db
from ia_data.storage import engine as engine_setup
from ia_data.storage.engine import create_bare_engine
from ia_data.storage.store import import_file, sha256_of
from ia_data.storage.version import bump_data_version, data_version

pytestmark = pytest.mark.slow  # real processes against both engines

SAMPLES = SAMPLE_DIR
SAMPLE_REGISTER = SAMPLES / "register.toml"
NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
DEADLINE_S = 120  # only for a hung process; never asserted on

DRIVER = r"""
import json, os, sys, time
from datetime import datetime
from pathlib import Path

from ia_data.domain.access import OPERATOR
from ia_data.storage import db
from ia_data.storage import store

spec = json.loads(sys.argv[1])
job = {}


def meet(stage):
    # Wait until every party of the current job has reached this stage.
    barrier = Path(job["barrier"])
    (barrier / f"{stage}-{spec['party']}").touch()
    deadline = time.monotonic() + 60
    while len(list(barrier.glob(f"{stage}-*"))) < job["parties"]:
        if (barrier / "failed").exists():
            sys.exit(f"another party failed before {stage}")
        if time.monotonic() > deadline:
            sys.exit(f"nobody else reached {stage}")
        time.sleep(0.002)


real_parse = store.parse_workbook


def parse_then_meet(*args, **kwargs):
    parsed = real_parse(*args, **kwargs)
    if job.get("barrier"):
        meet("parsed")  # everyone parsed: all go for the write transaction together
    return parsed


store.parse_workbook = parse_then_meet

if spec.get("no_lock"):
    # Without the council locks only the constraints stand between two writers: what a
    # lost race then looks like (an IntegrityError) must still be answered as a user expects.
    store.lock_councils = lambda session, ids: None

if spec.get("pause_marker"):
    real_bump = store.bump_data_version

    def bump_then_hang(session):
        # Called inside the write transaction after every row is inserted: flush the
        # last change, tell the test, and wait here for SIGKILL.
        real_bump(session)
        session.flush()
        Path(spec["pause_marker"]).write_text(str(os.getpid()))
        time.sleep(600)
        sys.exit("not killed")

    store.bump_data_version = bump_then_hang

results = []
try:
    for job in spec["jobs"]:
        if job.get("barrier"):
            meet("start")  # everyone opens the database (and maybe creates it) together
        engine = db.get_engine(job["url"])
        path = Path(job["file"])
        result = store.import_file(
            engine, job.get("name") or path.name, path.read_bytes(),
            now=datetime.fromisoformat(spec["now"]), scope=OPERATOR,
        )
        results.append({
            "status": result.status,
            "upload_id": result.upload_id,
            "replaced_upload_id": result.replaced_upload_id,
            "message": result.message,
        })
except BaseException:
    for j in spec["jobs"]:
        if j.get("barrier"):
            Path(j["barrier"], "failed").touch()
    raise
print(json.dumps(results))
"""


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if k != "IA_DATABASE_URL"}
    env["IA_REGISTER_FILE"] = str(SAMPLE_REGISTER)
    return env


def _start(party: str, jobs: list[dict], **options) -> Party:
    spec = {"party": party, "jobs": jobs, "now": NOW.isoformat(), **options}
    return Party(DRIVER, [json.dumps(spec)], _env())


def _job(url: str, file: Path, barrier: Path, name: str = "", parties: int = 2) -> dict:
    """One import for one of the parties that meet at ``barrier`` (a directory)."""
    return {"url": url, "file": str(file), "name": name, "barrier": str(barrier),
            "parties": parties}  # fmt: skip


def _run_parties(jobs_by_party: dict[str, list[dict]], **options) -> dict[str, list[dict]]:
    """Run one process per party at once; every one must exit 0. Returns their results."""
    procs = {party: _start(party, jobs, **options) for party, jobs in jobs_by_party.items()}
    done = outcomes(procs, DEADLINE_S)
    failed = {
        party: f"exit {proc.returncode}: {done[party][1]}"
        for party, proc in procs.items()
        if proc.returncode != 0
    }
    assert failed == {}
    return {party: json.loads(out) for party, (out, _err) in done.items()}


@pytest.fixture
def new_url(database):
    """``new_url()``: a new database (sample register) on this test's engine. A SQLite one
    does not exist yet — the processes make it — a PostgreSQL one is migrated, as
    ``ia-data db upgrade`` leaves it before the servers start."""
    return lambda: database(SAMPLE_REGISTER)


@contextmanager
def _connection(url: str):
    """A connection of its own (not the engine the code under test uses)."""
    engine = create_bare_engine(url)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def _snapshot(url: str) -> dict:
    """Row count and checksum of every table, the data version, and a checksum of the
    active reports with their activities and meetings — read in one transaction (a snapshot
    on PostgreSQL) on a fresh connection."""
    with _connection(url) as con:
        if con.dialect.name == "postgresql":
            con = con.execution_options(isolation_level="REPEATABLE READ")
        found = inspect(con)
        counts, checksums = {}, {}
        for table in sorted(found.get_table_names()):
            key = found.get_pk_constraint(table)["constrained_columns"]
            order = ", ".join(f'"{c}"' for c in key) or "1"
            listed = ", ".join(
                f'"{c["name"]}"' for c in found.get_columns(table) if c["name"] != CLOCK.get(table)
            )
            rows = con.execute(text(f'SELECT {listed} FROM "{table}" ORDER BY {order}')).all()
            counts[table] = len(rows)
            checksums[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
        active = hashlib.sha256()
        for report in con.execute(
            text("SELECT * FROM report WHERE active ORDER BY council_id, year, period")
        ).all():
            active.update(repr(report).encode())
            for table in ("activity", "meeting"):
                rows = con.execute(
                    text(f"SELECT * FROM {table} WHERE report_id = :r ORDER BY id"),
                    {"r": report[0]},
                ).all()
                active.update(repr(rows).encode())
        version = con.execute(text("SELECT value FROM meta WHERE key = 'data_version'")).scalar()
    return {
        **{f"{table} rows": n for table, n in counts.items()},
        **{f"{table} checksum": sha for table, sha in checksums.items()},
        "data_version": int(version),
        "active reports checksum": active.hexdigest(),
    }


SURROGATE = {"id", "report_id", "upload_id"}


# When the shipped statistics series went into each new database: the clock of its
# creation, not anything an import wrote.
CLOCK = {"statseries": "loaded_at"}


def _content(url: str) -> dict:
    """Every table's rows without the numbers the database hands out (ids): two imports
    that ran at once on PostgreSQL draw their activities' ids from one sequence by turns,
    so only what the rows say can match a one-after-the-other import, not their ids."""
    with _connection(url) as con:
        found = inspect(con)
        content = {}
        for table in sorted(found.get_table_names()):
            columns = [
                c["name"]
                for c in found.get_columns(table)
                if c["name"] not in SURROGATE and c["name"] != CLOCK.get(table)
            ]
            listed = ", ".join(f'"{c}"' for c in columns)
            rows = con.execute(text(f'SELECT {listed} FROM "{table}"')).all()
            content[table] = sorted(repr(tuple(row)) for row in rows)
    return content


def _query(url: str, sql: str, **params) -> list[tuple]:
    with _connection(url) as con:
        return [tuple(row) for row in con.execute(text(sql), params).all()]


def _sound(url: str) -> None:
    """The database is whole: SQLite's own checks (PostgreSQL's are its WAL and
    constraints, which a killed client cannot break)."""
    if url.startswith("sqlite"):
        assert _query(url, "PRAGMA integrity_check") == [("ok",)]
        assert _query(url, "PRAGMA foreign_key_check") == []


def _serial_reference(url: str, files: list[tuple[str, Path]]) -> dict:
    """The snapshot of a database where the same files were imported one after another
    (same names, same time) in this process."""
    engine = db.get_engine(url)
    for name, file in files:
        assert (
            import_file(engine, name, file.read_bytes(), now=NOW, scope=OPERATOR).status
            == ImportStatus.STORED
        )
    return _snapshot(url)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- different workbooks at once -------------------------------------------------------


def test_two_processes_importing_different_workbooks_at_once_both_land(
    tmp_path, new_url, engine_name
):
    """Three rounds, each on a new database (SQLite: a file that does not exist yet, so
    both processes create the schema at once), two imports at once. Both land, and the
    result is exactly what importing the two files one after the other gives."""
    _different_workbooks_at_once(tmp_path, new_url, engine_name, locks=True)


@pytest.mark.parametrize("engine_name", ["postgresql"])  # SQLite writes one at a time anyway
def test_without_the_council_locks_the_constraints_still_decide(tmp_path, new_url, engine_name):
    """The council locks taken out: a lost race on PostgreSQL is then an IntegrityError from
    a unique index, which the importer answers by storing again — both land, the later one
    active, the earlier in history (only the ids differ from one after the other)."""
    _different_workbooks_at_once(tmp_path, new_url, engine_name, locks=False)


def _different_workbooks_at_once(tmp_path, new_url, engine_name, locks: bool) -> None:
    rounds = [
        # two councils
        (
            SAMPLES / "rapport_2012_H1_ia-radet-i-troms.xlsx",
            SAMPLES / "rapport_2013_H2_ia-radet-i-agder.xlsx",
        ),
        # two versions of one council's period: one must replace the other
        (
            _write(tmp_path / "troms-kari.xlsx", report_xlsx(contact="Kari Nordmann")),
            _write(tmp_path / "troms-per.xlsx", report_xlsx(contact="Per Hansen")),
        ),
        # an allocation decision and a report
        (SAMPLES / "tildelinger_2012-2014.xlsx", SAMPLES / "rapport_2014_H2_ia-radet-i-oslo.xlsx"),
    ]
    urls = [new_url() for _ in rounds]
    jobs: dict[str, list[dict]] = {"a": [], "b": []}
    for n, pair in enumerate(rounds):
        barrier = tmp_path / f"barrier-{n}"
        barrier.mkdir()
        for party, file in zip("ab", pair, strict=True):
            jobs[party].append(_job(urls[n], file, barrier))

    outcome = _run_parties(jobs, no_lock=not locks)

    for n, pair in enumerate(rounds):
        url = urls[n]
        results = {party: outcome[party][n] for party in "ab"}
        files = dict(zip("ab", pair, strict=True))
        assert [r["status"] for r in results.values()] == [ImportStatus.STORED] * 2, results
        first, second = sorted("ab", key=lambda p: results[p]["upload_id"])
        _sound(url)
        assert _query(url, "SELECT sha256, active FROM upload ORDER BY id") == [
            (sha256_of(files[first].read_bytes()), n != 1),
            (sha256_of(files[second].read_bytes()), True),
        ]
        if n == 1:  # the later version replaced the earlier one, which stays in history
            assert results[second]["replaced_upload_id"] == results[first]["upload_id"]
            assert _query(url, "SELECT upload_id FROM report WHERE active") == [
                (results[second]["upload_id"],)
            ]
            assert _query(url, "SELECT count(*) FROM report") == [(2,)]
        if not locks:
            continue  # a transaction that lost used up an id: the rows are alike, not the ids
        assert [results[first]["upload_id"], results[second]["upload_id"]] == [1, 2]
        # Every row is exactly what importing the two files one after the other gives.
        reference = new_url()
        expected = _serial_reference(
            reference, [(files[p].name, files[p]) for p in (first, second)]
        )
        assert expected["data_version"] == 2
        assert _content(url) == _content(reference)
        if engine_name == "sqlite":  # one writer at a time: even the ids are the same
            assert _snapshot(url) == expected


EIGHT = [
    "rapport_2015_Ar_ia-radet-i-troms.xlsx",
    "rapport_2015_Ar_ia-radet-i-oslo.xlsx",
    "rapport_2015_Ar_ia-radet-i-nordland.xlsx",
    "rapport_2015_Ar_ia-radet-i-rogaland.xlsx",
    "rapport_2015_Ar_ia-radet-i-hordaland.xlsx",
    "rapport_2015_Ar_ia-radet-i-hedmark.xlsx",
    "rapport_2015_Ar_ia-radet-i-more-og-romsdal.xlsx",
    "rapport_2015_Ar_ia-radet-i-finnmark.xlsx",
]


def test_eight_councils_at_once_all_land(tmp_path, new_url):
    """Eight secretariats send their 2015 reports at the same moment: all eight are stored,
    each active, and the data version rose by exactly eight — what importing them one by
    one gives, figure for figure."""
    url = new_url()
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    files = [SAMPLES / name for name in EIGHT]
    outcome = _run_parties(
        {f"p{k}": [_job(url, file, barrier, parties=len(files))] for k, file in enumerate(files)}
    )
    assert [r[0]["status"] for r in outcome.values()] == [ImportStatus.STORED] * 8
    assert sorted(r[0]["upload_id"] for r in outcome.values()) == list(range(1, 9))
    _sound(url)
    figures = (
        "SELECT c.name, u.activity_count, u.total_cost_ore FROM report r "
        "JOIN council c ON c.id = r.council_id JOIN upload u ON u.id = r.upload_id "
        "WHERE r.active ORDER BY c.name"
    )
    reference = new_url()
    expected = _serial_reference(reference, [(f.name, f) for f in files])
    assert len(_query(url, figures)) == 8
    assert _query(url, figures) == _query(reference, figures)
    assert _content(url) == _content(reference)
    assert _snapshot(url)["data_version"] == expected["data_version"] == 8


def test_opening_a_new_database_while_another_connection_writes_to_it_waits(tmp_path, monkeypatch):
    """SQLite only (its WAL switch; a PostgreSQL database is made by ``db upgrade``): switching
    a new file to WAL fails at once with "database is locked" — without the busy timeout —
    while another connection holds a write lock on it (what two processes opening one new
    database at once can run into). ``get_engine`` retries instead."""
    monkeypatch.setenv("IA_REGISTER_FILE", str(SAMPLE_REGISTER))
    path = tmp_path / "new.db"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("CREATE TABLE other (x)")
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO other VALUES (1)")
    waits = []

    def release_on_wait(seconds):  # the first retry's pause: the other writer finishes
        waits.append(seconds)
        if other.in_transaction:
            other.execute("COMMIT")

    clock = SimpleNamespace(monotonic=time.monotonic, sleep=release_on_wait)
    monkeypatch.setattr(engine_setup, "time", clock)
    url = f"sqlite:///{path}"
    try:
        engine = db.get_engine(url)
        db._engines.pop(url, None)
        engine.dispose()
    finally:
        other.close()
    assert len(waits) >= 1
    assert _query(url, "PRAGMA journal_mode") == [("wal",)]
    councils = len(read_register_file(SAMPLE_REGISTER)["council"])
    assert _query(url, "SELECT count(*) FROM council") == [(councils,)]


# --- the same workbook twice at once ---------------------------------------------------


def test_the_same_workbook_imported_twice_at_once_is_stored_once(tmp_path, new_url):
    """Of two simultaneous imports of the same bytes one stores and the other finds it
    stored: the duplicate check runs after the council locks (SQLite: inside BEGIN
    IMMEDIATE)."""
    _same_workbook_twice_at_once(tmp_path, new_url, locks=True)


@pytest.mark.parametrize("engine_name", ["postgresql"])  # SQLite writes one at a time anyway
def test_without_the_council_locks_the_same_file_is_still_stored_once(
    tmp_path, new_url, engine_name
):
    """The council locks taken out: the unique SHA-256 stops the second, which then says
    what it would have said had it come second."""
    _same_workbook_twice_at_once(tmp_path, new_url, locks=False)


def _same_workbook_twice_at_once(tmp_path, new_url, locks: bool) -> None:
    rounds = [
        SAMPLES / "rapport_2012_H2_ia-radet-i-nordland.xlsx",
        SAMPLES / "tildelinger_2012-2014.xlsx",
        SAMPLES / "rapport_2016_Ar_ia-radet-i-agder.xlsx",
    ]
    urls = [new_url() for _ in rounds]
    jobs: dict[str, list[dict]] = {"a": [], "b": []}
    for n, file in enumerate(rounds):
        barrier = tmp_path / f"barrier-{n}"
        barrier.mkdir()
        for party in "ab":  # two people, the same bytes under their own file names
            name = f"{party}-{file.name}"
            jobs[party].append(_job(urls[n], file, barrier, name))

    outcome = _run_parties(jobs, no_lock=not locks)

    for n, file in enumerate(rounds):
        url = urls[n]
        results = {party: outcome[party][n] for party in "ab"}
        winner, other = sorted("ab", key=lambda p: results[p]["status"] != ImportStatus.STORED)
        assert [results[winner]["status"], results[other]["status"]] == [
            ImportStatus.STORED,
            ImportStatus.UNCHANGED,
        ]
        assert results[winner]["upload_id"] == results[other]["upload_id"]
        stored = results[winner]["upload_id"]
        message = results[other]["message"]
        assert f"akkurat denne filen er allerede lastet opp (opplasting nr. {stored}" in message
        _sound(url)
        assert _query(url, "SELECT sha256, file_name, active FROM upload") == [
            (sha256_of(file.read_bytes()), f"{winner}-{file.name}", True)
        ]
        if file.name.startswith("rapport"):
            assert _query(url, "SELECT upload_id FROM report WHERE active") == [(stored,)]
        if not locks:
            continue
        reference = _serial_reference(new_url(), [(f"{winner}-{file.name}", file)])
        assert reference["data_version"] == 1
        assert _snapshot(url) == reference


# --- a crash in the middle of an import ------------------------------------------------


def _large_report(rows: int = 20_000) -> bytes:
    """IA-rådet i Troms, 2012 H1, with ``rows`` activities (dates as Excel serials)."""
    report = report_rows(submitted=41141)  # 20.08.2012
    activities = [
        [40969 + k % 120, f"Aktivitet {k}", "Kurs", "1, 2", "Industri", 10, 100, "Gjennomført"]
        for k in range(rows)
    ]
    meetings = [[41018, "Rådsmøte", "Alle parter"], [41072, "Arbeidsmøte", "NHO, LO, NAV"]]
    return large_xlsx(
        {
            "Rapport": report,
            "Aktiviteter": [list(ACTIVITY_HEADER[:8]), *activities],
            "Møter": [list(MEETING_HEADER[:3]), *meetings],
        }
    )


def _wait_for(path: Path, proc: Party) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not path.exists():
        if proc.poll() is not None:
            pytest.fail(
                f"the import ended (exit {proc.returncode}) before pausing:\n{proc.stderr()}"
            )
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the import never reached the pause")
        time.sleep(0.01)


def _held(url: str) -> None:
    """Another writer cannot take what the paused import holds: SQLite's write lock, or on
    PostgreSQL the lock on Troms' register row."""
    if url.startswith("sqlite"):
        con = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0)
        try:
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                con.execute("BEGIN IMMEDIATE")
        finally:
            con.close()
        return
    with _connection(url) as con, pytest.raises(OperationalError, match="could not obtain lock"):
        con.execute(
            text("SELECT id FROM council WHERE name = 'IA-rådet i Troms' FOR UPDATE NOWAIT")
        )


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_process_killed_mid_import_leaves_the_database_as_it_was(tmp_path, new_url):
    """A 20 000-row import is paused after its last write, before COMMIT (the driver
    hangs in ``bump_data_version``), and killed with SIGKILL. The database is unchanged
    and sound, and the next import — of the same file — stores normally."""
    url = new_url()
    engine = db.get_engine(url)
    small = report_xlsx()  # Troms 2012 H1, the version the big import would replace
    for name, data in [
        ("troms.xlsx", small),
        ("tildelinger.xlsx", (SAMPLES / "tildelinger_2012-2014.xlsx").read_bytes()),
        ("oslo.xlsx", (SAMPLES / "rapport_2012_H1_ia-radet-i-oslo.xlsx").read_bytes()),
    ]:
        assert (
            import_file(engine, name, data, now=NOW, scope=OPERATOR).status == ImportStatus.STORED
        )
    db._engines.pop(url, None)
    engine.dispose()
    before = _snapshot(url)
    assert before["data_version"] == 3
    assert before["upload rows"] == 3

    big = _write(tmp_path / "troms-stor.xlsx", _large_report())
    marker = tmp_path / "inside-the-transaction"
    proc = _start("crash", [{"url": url, "file": str(big)}], pause_marker=str(marker))
    try:
        _wait_for(marker, proc)
        # The import has inserted all 20 000 activities, replaced the active version and
        # raised the data version, but not committed: it holds its lock, and a reader
        # still sees the database as it was.
        _held(url)
        assert _snapshot(url) == before
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=DEADLINE_S)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL

    # A fresh connection finds the database whole and exactly as before.
    _sound(url)
    assert _snapshot(url) == before

    # A new engine can write again (on PostgreSQL once the server has rolled the dead
    # client's transaction back, which the council lock waits for), and the same big file
    # stores as new (no trace of the killed attempt), replacing the small version.
    engine = db.get_engine(url)
    result = import_file(engine, "troms-stor.xlsx", big.read_bytes(), now=NOW, scope=OPERATOR)
    db._engines.pop(url, None)
    engine.dispose()
    assert (result.status, result.replaced_upload_id) == (ImportStatus.STORED, 1)
    after = _snapshot(url)
    assert after["data_version"] == before["data_version"] + 1
    assert after["upload rows"] == before["upload rows"] + 1
    _sound(url)
    assert _query(
        url,
        "SELECT r.upload_id, count(a.id) FROM report r JOIN activity a ON a.report_id = r.id "
        "WHERE r.active AND r.council_id = (SELECT id FROM council WHERE name = :name) "
        "GROUP BY r.id",
        name="IA-rådet i Troms",
    ) == [(result.upload_id, 20_000)]


def test_a_reader_does_not_wait_for_an_import_holding_the_write_lock(new_url, monkeypatch):
    """A page shown while a secretariat's import is being written reads the data as it was
    before, at once: only writes take SQLite's write lock at BEGIN, and PostgreSQL's readers
    take no lock a writer holds. (With a short busy timeout, or lock timeout, a reader that
    queued behind the writer would fail.)"""
    from sqlmodel import Session

    from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules
    from ia_data.reporting.overview import overview
    from ia_data.storage.store import lock_councils

    monkeypatch.setattr(engine_setup, "BUSY_TIMEOUT_MS", 300)
    url = new_url()
    engine = db.get_engine(url)
    assert (
        import_file(engine, "troms.xlsx", report_xlsx(), scope=OPERATOR).status
        == ImportStatus.STORED
    )
    writer_engine = create_bare_engine(url)
    writer = Session(writer_engine)
    try:
        with engine_setup.writing():  # as import_file holds them while it stores
            every = writer.execute(text("SELECT id FROM council ORDER BY id")).scalars().all()
            lock_councils(writer, every)
            bump_data_version(writer)
            writer.flush()
        with Session(engine) as session:
            if engine.dialect.name == "postgresql":
                session.execute(text("SET LOCAL lock_timeout = '300ms'"))
            rows = overview(
                session,
                2012,
                datetime(2012, 12, 31).date(),
                load_rules(DEFAULT_RULES_FILE),
                scope=OPERATOR,
            )
            version = data_version(session)
    finally:
        writer.rollback()
        writer.close()
        writer_engine.dispose()
    troms = next(r for r in rows if r.council.name == "IA-rådet i Troms")
    assert (troms.activities, version) == (2, 1)


def test_two_decisions_replacing_parts_of_one_older_decision_at_once(tmp_path, new_url):
    """A decision for Troms and Finnmark 2012; then, at once, a new decision for Troms on
    one server and one for Finnmark on another. Each locks only its own council, yet both
    change the older decision: it has no active row left, so it is no longer active."""
    url = new_url()
    engine = db.get_engine(url)
    both = allocation_xlsx([["Troms", 2012, 350_000], ["Finnmark", 2012, 310_000]])
    assert (
        import_file(engine, "begge.xlsx", both, now=NOW, scope=OPERATOR).status
        == ImportStatus.STORED
    )
    db._engines.pop(url, None)
    engine.dispose()
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    troms = _write(tmp_path / "troms.xlsx", allocation_xlsx([["Troms", 2012, 375_000]]))
    finnmark = _write(tmp_path / "finnmark.xlsx", allocation_xlsx([["Finnmark", 2012, 320_000]]))
    outcome = _run_parties({"a": [_job(url, troms, barrier)], "b": [_job(url, finnmark, barrier)]})
    assert [r[0]["status"] for r in outcome.values()] == [ImportStatus.STORED] * 2
    assert _query(url, "SELECT id, active FROM upload ORDER BY id") == [
        (1, False),
        (2, True),
        (3, True),
    ]
    assert _query(url, "SELECT count(*) FROM allocation WHERE active") == [(2,)]
    assert _snapshot(url)["data_version"] == 3
