"""Shared fixtures: a fresh database per test on each engine (SQLite and PostgreSQL), the
demo data in a database, the sample register, and the app under AppTest.

Every fixture that gives a database is parametrised over ``ENGINES``, so a test that uses
one runs on both. Without PostgreSQL (not installed, no ``IA_TEST_POSTGRES_URL``) the
PostgreSQL half skips with the reason; under ``CI=true`` that is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import postgres as pg
import pytest
from postgres import ENGINES, need

from ia_data.demo import SAMPLE_DIR
from ia_data.domain.access import OPERATOR
from ia_data.domain.rules import load_rules
from ia_data.storage import db, schema

PROJECT = Path(__file__).resolve().parent.parent
SAMPLE_REGISTER = SAMPLE_DIR / "register.toml"


def pytest_terminal_summary(terminalreporter):
    """How many tests ran on each database engine, so that the log shows the PostgreSQL
    half passing rather than skipped."""
    tally: dict[str, dict[str, int]] = {}
    for outcome in ("passed", "failed", "skipped", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            if report.when not in ("call", "setup") or (
                outcome == "passed" and report.when != "call"
            ):
                continue
            nodeid = getattr(report, "nodeid", "")
            engine = next((e for e in ENGINES if f"[{e}" in nodeid or f"-{e}" in nodeid), None)
            if engine is not None:
                counts = tally.setdefault(engine, {})
                counts[outcome] = counts.get(outcome, 0) + 1
    for engine in ENGINES:
        counts = tally.get(engine, {})
        said = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items())) or "ingen"
        terminalreporter.write_line(f"Databasemotor {engine}: {said}")


def pytest_sessionfinish(session, exitstatus):
    """Under ``CI=true`` a skipped test is a failure: CI installs what every test needs
    (Chromium, LibreOffice-saved fixtures), so a skip there means a test did not run."""
    if os.environ.get("CI") != "true":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(
            f"CI=true: {len(skipped)} test(s) skipped, which CI counts as failed:", red=True
        )
        for report in skipped:
            reporter.write_line(f"  {report.nodeid}: {report.longrepr[-1]}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def downgrade(engine, revision: str) -> None:
    """Take a database, data and all, down to an older revision of the schema: the state a
    database of that time was in (data is stored by today's code, at the head, first)."""
    from alembic import command

    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # SQLite rebuilds a table to drop a column: its references must wait
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        with connection.begin():
            command.downgrade(schema._config(connection), revision)
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


@pytest.fixture(autouse=True)
def open_mode(monkeypatch):
    """The app without sign-in, as an operator runs it with ``IA_AUTH=av``: the tests of
    figures, pages and files see every council. The tests of sign-in and roles
    (``test_access.py``) take the setting away or sign a user in."""
    monkeypatch.setenv("IA_AUTH", "av")
    monkeypatch.delenv("IA_ADMIN_EMAILS", raising=False)


@pytest.fixture
def rules():
    return load_rules()


@pytest.fixture(scope="session")
def register(tmp_path_factory):
    """The councils of the register that ships with the app (one council per county)."""
    from sqlmodel import Session, create_engine

    from ia_data.domain.register import DEFAULT_REGISTER_FILE
    from ia_data.storage.register import councils

    engine = create_engine(f"sqlite:///{tmp_path_factory.mktemp('register') / 'register.db'}")
    schema.upgrade(engine, DEFAULT_REGISTER_FILE)
    with Session(engine) as session:
        infos = councils(session)
    engine.dispose()
    return infos


@pytest.fixture
def parse(register, rules):
    """``parse(data, file_name)``: the importer's reading of a workbook, nothing stored."""
    from ia_data.ingest.parse import parse_workbook

    def run(data: bytes, file_name: str = "rapport.xlsx"):
        return parse_workbook(data, file_name, register, rules)

    return run


@pytest.fixture(scope="session")
def postgres():
    """The PostgreSQL server of the test run (``tests/postgres.py``), or None."""
    cluster = pg.start()
    yield cluster
    if cluster is not None:
        cluster.stop()


@pytest.fixture(params=ENGINES)
def engine_name(request):
    """The database engine this run of the test is on."""
    return request.param


@pytest.fixture
def database(engine_name, postgres, tmp_path, monkeypatch):
    """``database(register=None, empty=False)``: the URL of a new database on this test's
    engine, its schema at the head and ``register`` (default: the one that ships) loaded;
    ``empty``: a database with nothing in it (for the migrations to make)."""
    made: list[str] = []

    def new(register: Path | None = None, empty: bool = False) -> str:
        if engine_name == "sqlite":
            if register is None:
                monkeypatch.delenv("IA_REGISTER_FILE", raising=False)
            else:
                monkeypatch.setenv("IA_REGISTER_FILE", str(register))
            url = f"sqlite:///{tmp_path / f'test-{len(made)}.db'}"
        else:
            cluster = need(postgres)
            url = cluster.new_database(
                template="template0" if empty else cluster.template(register)
            )
        made.append(url)
        return url

    yield new
    for url in made:
        for key in (url, (url, "immutable")):
            engine = db._engines.pop(key, None)
            if engine is not None:
                engine.dispose()
        if engine_name == "postgresql":
            postgres.drop(url)


@pytest.fixture
def fresh_db(database):
    """An engine on an empty database with the register that ships with the app."""
    return db.get_engine(database())


@pytest.fixture
def stocked_db(fresh_db):
    """A database holding a report (IA-rådet i Troms, 2012 H1) and an allocation."""
    from workbooks import allocation_xlsx, report_xlsx

    from ia_data.storage.store import import_file

    for name, data in [
        ("rapport.xlsx", report_xlsx()),
        ("tildelinger.xlsx", allocation_xlsx([["Troms", 2012, 350_000]])),
    ]:
        assert import_file(fresh_db, name, data, scope=OPERATOR).status == "lagret"
    return fresh_db


@pytest.fixture
def sample_db(database):
    """An engine on an empty database with the demo register (Agder shared)."""
    return db.get_engine(database(SAMPLE_REGISTER))


@pytest.fixture(scope="session", params=ENGINES)
def seeded_url(request, tmp_path_factory, postgres):
    """URL of a database holding all of the demo data, on each engine (read-only)."""
    from ia_data.demo.seed import seed

    folder = tmp_path_factory.mktemp("seeded")
    with pg.kept_database(request.param, postgres, folder, SAMPLE_REGISTER) as url:
        results = seed(db.get_engine(url))
        assert [r.message for r in results if r.status != "lagret"] == []
        yield url


@pytest.fixture
def app_on(monkeypatch):
    """Start the app (AppTest) on a database URL; returns a function url → AppTest."""
    from streamlit.testing.v1 import AppTest

    def start(url: str, page: str | None = None, **query):
        monkeypatch.setenv("IA_DATABASE_URL", url)
        monkeypatch.setenv("IA_REGISTER_FILE", str(SAMPLE_REGISTER))
        at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=60)
        for key, value in query.items():
            at.query_params[key] = value
        if page:
            at.switch_page(page)
        return at.run()

    return start


def _chromium() -> str | None:
    for candidate in (os.environ.get("IA_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright (the browser tests: ``-m browser``)."""
    path = _chromium()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(
                "CI=true, men Chromium finnes ikke: installer det (apt-get install chromium)"
            )
        pytest.skip("Chromium finnes ikke på denne maskinen (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=path, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        )
        yield chromium
        chromium.close()
