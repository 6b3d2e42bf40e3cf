"""Several processes on one SQLite file: simultaneous imports, and a crash mid-import.

Each test starts real OS processes (``sys.executable -c DRIVER``) that import workbooks
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
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from workbooks import ACTIVITY_HEADER, MEETING_HEADER, large_xlsx, report_rows, report_xlsx

from ia_data.demo import SAMPLE_DIR
from ia_data.domain.kinds import ImportStatus
from ia_data.domain.register import read_register_file
from ia_data.storage import db
from ia_data.storage.store import import_file, sha256_of

PROJECT = Path(__file__).resolve().parent.parent
SAMPLES = SAMPLE_DIR
SAMPLE_REGISTER = SAMPLES / "register.toml"
NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
DEADLINE_S = 120  # only for a hung process; never asserted on

DRIVER = r"""
import json, os, sys, time
from datetime import datetime
from pathlib import Path

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
            now=datetime.fromisoformat(spec["now"]),
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


def _start(party: str, jobs: list[dict], pause_marker: Path | None = None) -> subprocess.Popen:
    spec = {"party": party, "jobs": jobs, "now": NOW.isoformat()}
    if pause_marker is not None:
        spec["pause_marker"] = str(pause_marker)
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, json.dumps(spec)],
        cwd=PROJECT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _job(db_path: Path, file: Path, barrier: Path, name: str = "") -> dict:
    """One import for one of two parties that meet at ``barrier`` (a directory)."""
    return {
        "url": _url(db_path),
        "file": str(file),
        "name": name,
        "barrier": str(barrier),
        "parties": 2,
    }


def _run_parties(jobs_by_party: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Run one process per party at once; every one must exit 0. Returns their results."""
    procs = {party: _start(party, jobs) for party, jobs in jobs_by_party.items()}
    done = {party: proc.communicate(timeout=DEADLINE_S) for party, proc in procs.items()}
    failed = {
        party: f"exit {proc.returncode}: {done[party][1]}"
        for party, proc in procs.items()
        if proc.returncode != 0
    }
    assert failed == {}
    return {party: json.loads(out) for party, (out, _err) in done.items()}


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


def _snapshot(path: Path) -> dict:
    """Row count and checksum of every table, the data version, and a checksum of the
    active reports with their activities and meetings — read in one read transaction on
    a fresh connection."""
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("BEGIN")
        tables = [
            name
            for (name,) in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        counts, checksums = {}, {}
        for table in tables:
            rows = con.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
            counts[table] = len(rows)
            checksums[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
        active = hashlib.sha256()
        for report in con.execute(
            "SELECT * FROM report WHERE active ORDER BY council_id, year, period"
        ).fetchall():
            active.update(repr(report).encode())
            for table in ("activity", "meeting"):
                rows = con.execute(
                    f"SELECT * FROM {table} WHERE report_id = ? ORDER BY id", (report[0],)
                ).fetchall()
                active.update(repr(rows).encode())
        (version,) = con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    finally:
        con.close()
    return {
        **{f"{table} rows": n for table, n in counts.items()},
        **{f"{table} checksum": sha for table, sha in checksums.items()},
        "data_version": int(version),
        "active reports checksum": active.hexdigest(),
    }


def _query(path: Path, sql: str, *params):
    con = sqlite3.connect(path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def _serial_reference(path: Path, files: list[tuple[str, Path]], monkeypatch) -> dict:
    """The snapshot of a database where the same files were imported one after another
    (same names, same time) in this process."""
    monkeypatch.setenv("IA_REGISTER_FILE", str(SAMPLE_REGISTER))
    url = _url(path)
    engine = db.get_engine(url)
    try:
        for name, file in files:
            assert (
                import_file(engine, name, file.read_bytes(), now=NOW).status == ImportStatus.STORED
            )
    finally:
        db._engines.pop(url, None)
        engine.dispose()
    return _snapshot(path)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- two different workbooks at once ---------------------------------------------------


def test_two_processes_importing_different_workbooks_at_once_both_land(tmp_path, monkeypatch):
    """Three rounds, each on a database file that does not exist yet: both processes
    create the schema at once, then import at once. Both land, and the result is exactly
    what importing the two files one after the other gives."""
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
    jobs: dict[str, list[dict]] = {"a": [], "b": []}
    for n, pair in enumerate(rounds):
        barrier = tmp_path / f"barrier-{n}"
        barrier.mkdir()
        for party, file in zip("ab", pair, strict=True):
            jobs[party].append(_job(tmp_path / f"round-{n}.db", file, barrier))

    outcome = _run_parties(jobs)

    for n, pair in enumerate(rounds):
        path = tmp_path / f"round-{n}.db"
        results = {party: outcome[party][n] for party in "ab"}
        files = dict(zip("ab", pair, strict=True))
        assert [r["status"] for r in results.values()] == [
            ImportStatus.STORED,
            ImportStatus.STORED,
        ], results
        first, second = sorted("ab", key=lambda p: results[p]["upload_id"])
        assert [results[first]["upload_id"], results[second]["upload_id"]] == [1, 2]
        assert _query(path, "PRAGMA integrity_check") == [("ok",)]
        assert _query(path, "SELECT sha256, active FROM upload ORDER BY id") == [
            (sha256_of(files[first].read_bytes()), 0 if n == 1 else 1),
            (sha256_of(files[second].read_bytes()), 1),
        ]
        if n == 1:  # the later version replaced the earlier one; only it is active
            assert results[second]["replaced_upload_id"] == 1
            assert _query(path, "SELECT upload_id FROM report WHERE active") == [(2,)]
        # Every row is exactly what importing the two files one after the other gives.
        reference = _serial_reference(
            tmp_path / f"serial-{n}.db",
            [(files[p].name, files[p]) for p in (first, second)],
            monkeypatch,
        )
        assert reference["data_version"] == 2
        assert _snapshot(path) == reference


def test_opening_a_new_database_while_another_connection_writes_to_it_waits(tmp_path, monkeypatch):
    """Switching a new file to WAL fails at once with "database is locked" — without the
    busy timeout — while another connection holds a write lock on it (what two processes
    opening one new database at once can run into). ``get_engine`` retries instead."""
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
    monkeypatch.setattr(db, "time", clock, raising=False)
    url = _url(path)
    try:
        engine = db.get_engine(url)
        db._engines.pop(url, None)
        engine.dispose()
    finally:
        other.close()
    assert len(waits) >= 1
    assert _query(path, "PRAGMA journal_mode") == [("wal",)]
    councils = len(read_register_file(SAMPLE_REGISTER)["council"])
    assert _query(path, "SELECT count(*) FROM council") == [(councils,)]


# --- the same workbook twice at once ---------------------------------------------------


def test_the_same_workbook_imported_twice_at_once_is_stored_once(tmp_path, monkeypatch):
    """The duplicate check runs inside the write transaction (BEGIN IMMEDIATE), so of two
    simultaneous imports of the same bytes one stores and the other finds it stored."""
    rounds = [
        SAMPLES / "rapport_2012_H2_ia-radet-i-nordland.xlsx",
        SAMPLES / "tildelinger_2012-2014.xlsx",
        SAMPLES / "rapport_2016_Ar_ia-radet-i-agder.xlsx",
    ]
    jobs: dict[str, list[dict]] = {"a": [], "b": []}
    for n, file in enumerate(rounds):
        barrier = tmp_path / f"barrier-{n}"
        barrier.mkdir()
        for party in "ab":  # two people, the same bytes under their own file names
            name = f"{party}-{file.name}"
            jobs[party].append(_job(tmp_path / f"round-{n}.db", file, barrier, name))

    outcome = _run_parties(jobs)

    for n, file in enumerate(rounds):
        path = tmp_path / f"round-{n}.db"
        results = {party: outcome[party][n] for party in "ab"}
        winner, other = sorted("ab", key=lambda p: results[p]["status"] != ImportStatus.STORED)
        assert [results[winner]["status"], results[other]["status"]] == [
            ImportStatus.STORED,
            ImportStatus.UNCHANGED,
        ]
        assert results[winner]["upload_id"] == results[other]["upload_id"] == 1
        message = results[other]["message"]
        assert "akkurat denne filen er allerede lastet opp (opplasting nr. 1" in message
        assert _query(path, "PRAGMA integrity_check") == [("ok",)]
        assert _query(path, "SELECT sha256, file_name, active FROM upload") == [
            (sha256_of(file.read_bytes()), f"{winner}-{file.name}", 1)
        ]
        if file.name.startswith("rapport"):
            assert _query(path, "SELECT upload_id FROM report WHERE active") == [(1,)]
        reference = _serial_reference(
            tmp_path / f"serial-{n}.db", [(f"{winner}-{file.name}", file)], monkeypatch
        )
        assert reference["data_version"] == 1
        assert _snapshot(path) == reference


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


def _wait_for(path: Path, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not path.exists():
        if proc.poll() is not None:
            pytest.fail(
                f"the import ended (exit {proc.returncode}) before pausing:\n{proc.stderr.read()}"
            )
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the import never reached the pause")
        time.sleep(0.01)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_process_killed_mid_import_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    """A 20 000-row import is paused after its last write, before COMMIT (the driver
    hangs in ``bump_data_version``), and killed with SIGKILL. The database is unchanged
    and sound, and the next import — of the same file — stores normally."""
    monkeypatch.setenv("IA_REGISTER_FILE", str(SAMPLE_REGISTER))
    path = tmp_path / "crash.db"
    url = _url(path)
    engine = db.get_engine(url)
    small = report_xlsx()  # Troms 2012 H1, the version the big import would replace
    for name, data in [
        ("troms.xlsx", small),
        ("tildelinger.xlsx", (SAMPLES / "tildelinger_2012-2014.xlsx").read_bytes()),
        ("oslo.xlsx", (SAMPLES / "rapport_2012_H1_ia-radet-i-oslo.xlsx").read_bytes()),
    ]:
        assert import_file(engine, name, data, now=NOW).status == ImportStatus.STORED
    db._engines.pop(url, None)
    engine.dispose()
    before = _snapshot(path)
    assert before["data_version"] == 3
    assert before["upload rows"] == 3

    big = _write(tmp_path / "troms-stor.xlsx", _large_report())
    marker = tmp_path / "inside-the-transaction"
    proc = _start("crash", [{"url": url, "file": str(big)}], pause_marker=marker)
    try:
        _wait_for(marker, proc)
        # The import has inserted all 20 000 activities, replaced the active version and
        # raised the data version, but not committed: it holds the write lock, and a
        # reader still sees the database as it was.
        con = sqlite3.connect(path, timeout=0)
        try:
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                con.execute("BEGIN IMMEDIATE")
        finally:
            con.close()
        assert _snapshot(path) == before
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=DEADLINE_S)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL

    # A fresh connection finds the database whole and exactly as before.
    assert _query(path, "PRAGMA integrity_check") == [("ok",)]
    assert _query(path, "PRAGMA foreign_key_check") == []
    assert _snapshot(path) == before

    # A new engine can write again, and the same big file stores as new (no trace of the
    # killed attempt), replacing the small version.
    engine = db.get_engine(url)
    try:
        result = import_file(engine, "troms-stor.xlsx", big.read_bytes(), now=NOW)
    finally:
        db._engines.pop(url, None)
        engine.dispose()
    assert (result.status, result.upload_id, result.replaced_upload_id) == (
        ImportStatus.STORED,
        4,
        1,
    )
    after = _snapshot(path)
    assert after["data_version"] == before["data_version"] + 1
    assert _query(path, "PRAGMA integrity_check") == [("ok",)]
    assert _query(
        path,
        "SELECT r.upload_id, count(a.id) FROM report r JOIN activity a ON a.report_id = r.id "
        "WHERE r.active AND r.council_id = (SELECT id FROM council WHERE name = ?) "
        "GROUP BY r.id",
        "IA-rådet i Troms",
    ) == [(4, 20_000)]


def test_a_reader_does_not_wait_for_an_import_holding_the_write_lock(tmp_path, monkeypatch):
    """A page shown while a secretariat's import is being written reads the data as it was
    before, at once: only writes take the write lock at BEGIN. (With a short busy timeout, a
    reader that queued behind the writer would fail with «database is locked».)"""
    from sqlmodel import Session

    from ia_data.domain.rules import load_rules
    from ia_data.reporting.overview import overview

    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 300)
    url = f"sqlite:///{tmp_path / 'les.db'}"
    engine = db.get_engine(url)
    try:
        assert import_file(engine, "troms.xlsx", report_xlsx()).status == ImportStatus.STORED
        writer = sqlite3.connect(tmp_path / "les.db", isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")  # as import_file holds it while it stores
        writer.execute("UPDATE meta SET value = value + 1 WHERE key = 'data_version'")
        with Session(engine) as session:
            rows = overview(session, 2012, datetime(2012, 12, 31).date(), load_rules())
            version = db.data_version(session)
        troms = next(r for r in rows if r.council.name == "IA-rådet i Troms")
        assert (troms.activities, version) == (2, 1)
        writer.execute("ROLLBACK")
        writer.close()
    finally:
        db._engines.pop(url, None)
        engine.dispose()
