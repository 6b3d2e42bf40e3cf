"""Shared fixtures: a fresh database per test on each engine (SQLite and PostgreSQL), the
demo data in a database, the sample register, and the app under AppTest.

Every fixture that gives a database is parametrised over ``ENGINES``, so a test that uses
one runs on both — library and storage tests; a page test takes the SQLite-only fixtures
(``sqlite_database``, ``seeded_sqlite_url``), and ``test_access_pages.py`` opens each
page in each role on PostgreSQL. Without PostgreSQL (not installed, no
``IA_TEST_POSTGRES_URL``) the PostgreSQL half skips with the reason; under ``CI=true`` that
is a failure.

What every test would otherwise make again is made once per run and copied, shared by the
run's processes (``once.py``): the PostgreSQL server, a migrated database per register
(copied as a file on SQLite, as ``CREATE DATABASE … TEMPLATE`` on PostgreSQL), and a
database holding all of the demo data.
"""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import postgres as pg
import pytest
from once import locked, run_folder
from postgres import ENGINES, need
from runs import WATCH_RUNS
from tabs import Visitors

from ia_data import settings
from ia_data.demo import SAMPLE_DIR
from ia_data.domain.access import OPERATOR
from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules
from ia_data.storage import db, schema
from ia_data.storage.engine import create_bare_engine

PROJECT = Path(__file__).resolve().parent.parent
# The tests change the environment between calls (monkeypatch.setenv): the settings follow it.
settings.follow_environment()


def _one_scan_of_installed_components_per_run() -> None:
    """Each new AppTest scans the metadata of every installed package for Streamlit
    components (0.3 s of CPU, a tenth of a page test) and compiles app.py and the page
    afresh; neither what is installed nor the scripts change during a run, so each process
    scans once and keeps one bytecode cache (a running server does both once, too)."""
    from functools import cache

    from streamlit.components.v2 import manifest_scanner
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    manifest_scanner.scan_component_manifests = cache(manifest_scanner.scan_component_manifests)
    shared = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared


_one_scan_of_installed_components_per_run()
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
    return load_rules(DEFAULT_RULES_FILE)


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


PAGE_FIXTURES = {"app_on", "app_as"}  # a test that takes one of these renders a page


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc):
    """A page test — one that renders a page (``app_on``, ``app_as``) or is marked ``page`` —
    runs on SQLite only: how a page reads, shows and stores does not depend on the engine,
    and the library's tests run on both. ``test_access_pages.py`` opens every page in
    every role on PostgreSQL."""
    page = PAGE_FIXTURES & set(metafunc.fixturenames) or metafunc.definition.get_closest_marker(
        "page"
    )
    if not page:
        return
    chosen = {
        name
        for mark in metafunc.definition.iter_markers("parametrize")
        for name in (mark.args[0].split(",") if isinstance(mark.args[0], str) else mark.args[0])
    }
    for name, scope in (("engine_name", "function"), ("seeded_url", "session")):
        if name in metafunc.fixturenames and name not in chosen:  # as if the test said so
            mark = pytest.mark.parametrize(name, ["sqlite"], indirect=True, scope=scope)
            metafunc.definition.add_marker(mark)


def pytest_collection_modifyitems(items):
    """A browser test is slow (``-m "not slow"`` leaves them out, with the other slow ones).
    The slow tests run first (in their modules' order), so that the run's end is made of
    short tests the workers share out (``--dist worksteal``), not one worker's long test."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_collection_finish(session):
    """Once the tests are collected (in each worker), what they imported — Streamlit,
    pandas, SQLAlchemy, the library: a million objects that live as long as the run — is
    set aside from the cycle collector's walks, and it walks the young less often: it spent
    an eighth of the suite's CPU walking them again and again, as a command's start did
    (``ia_data.cli.command``)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def pytest_unconfigure(config):
    """At the end of the run (in its first process, not in a worker): stop the PostgreSQL
    server the run started."""
    factory = getattr(config, "_tmp_path_factory", None)
    if factory is not None and not os.environ.get("PYTEST_XDIST_WORKER"):
        pg.stop_shared(factory.getbasetemp())


@pytest.fixture(scope="session")
def shared_folder(tmp_path_factory) -> Path:
    """The folder the run's processes share (what is made once per run lies there)."""
    return run_folder(tmp_path_factory)


@pytest.fixture(scope="session")
def postgres(shared_folder):
    """The PostgreSQL server of the test run (``tests/postgres.py``), or None."""
    return pg.shared(shared_folder)


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent one-file copy of a SQLite database (its WAL folded in)."""
    found, copy = sqlite3.connect(source), sqlite3.connect(target)
    try:
        found.backup(copy)
    finally:
        found.close()
        copy.close()


def _once_sqlite(folder: Path, name: str, make) -> Path:
    """The run's SQLite database ``name``: made by ``make(url)`` by the first process that
    asks, then only copied from."""
    path = folder / name
    with locked(folder, name):
        if not path.exists():
            partial = folder / f"{name}.partial"
            partial.unlink(missing_ok=True)
            make(f"sqlite:///{partial}")
            _sqlite_copy(partial, path)
    return path


def _migrated(register: Path | None, fill=None):
    """What makes a template: the schema at the head, ``register`` loaded, and ``fill``
    (a function of the database's URL) done in it."""

    def make(url: str) -> None:
        engine = create_bare_engine(url)
        schema.upgrade(engine, register)
        engine.dispose()
        if fill is not None:
            fill(url)
            _forget(url)

    return make


def _fill_name(fill) -> str:
    """What names a ``fill`` among the run's templates: its module and name (two modules'
    fills of one name are two templates)."""
    return "" if fill is None else f"{fill.__module__}.{fill.__qualname__}"


@pytest.fixture(scope="session")
def sqlite_template(shared_folder):
    """``sqlite_template(register)``: a SQLite file migrated to the head with ``register``
    loaded, made once per run, to copy a test's database from."""

    def template(register: Path | None, fill=None) -> Path:
        what = f"{register or ''}|{_fill_name(fill)}"
        key = hashlib.sha1(what.encode()).hexdigest()[:12]
        return _once_sqlite(shared_folder, f"tpl-{key}.db", _migrated(register, fill))

    return template


@pytest.fixture(params=ENGINES)
def engine_name(request):
    """The database engine this run of the test is on."""
    return request.param


def _forget(url: str) -> None:
    for key in (url, (url, "immutable")):
        engine = db._engines.pop(key, None)
        if engine is not None:
            engine.dispose()


def _databases(engine_name, postgres, sqlite_template, tmp_path, monkeypatch):
    made: list[str] = []

    def new(register: Path | None = None, empty: bool = False, fill=None) -> str:
        if engine_name == "sqlite":
            if register is None:
                monkeypatch.delenv("IA_REGISTER_FILE", raising=False)
            else:
                monkeypatch.setenv("IA_REGISTER_FILE", str(register))
            path = tmp_path / f"test-{len(made)}.db"
            if not empty:
                shutil.copyfile(sqlite_template(register, fill), path)
            url = f"sqlite:///{path}"
        else:
            cluster = need(postgres)
            if empty:
                source = "template0"
            elif fill is None:
                source = cluster.template(register)
            else:
                what = f"{register or ''}|{_fill_name(fill)}"
                source = cluster.once(what, _migrated(register, fill))
            url = cluster.new_database(template=source)
        made.append(url)
        return url

    yield new
    for url in made:
        _forget(url)
        if engine_name == "postgresql":
            postgres.drop(url)


@pytest.fixture
def database(engine_name, postgres, sqlite_template, tmp_path, monkeypatch):
    """``database(register=None, empty=False, fill=None)``: the URL of a new database on
    this test's engine, its schema at the head and ``register`` (default: the one that
    ships) loaded; ``empty``: a database with nothing in it (for the migrations to make);
    ``fill``: a copy of a database that ``fill(url)`` filled once per run."""
    yield from _databases(engine_name, postgres, sqlite_template, tmp_path, monkeypatch)


@pytest.fixture
def sqlite_database(postgres, sqlite_template, tmp_path, monkeypatch):
    """``database`` on SQLite only: for page tests (how a page reads, shows and stores does
    not depend on the engine; ``test_access_pages.py`` checks every page there)."""
    yield from _databases("sqlite", postgres, sqlite_template, tmp_path, monkeypatch)


@pytest.fixture
def fresh_db(database):
    """An engine on an empty database with the register that ships with the app."""
    return db.get_engine(database())


def troms_2012_and_a_grant(url: str) -> None:
    """A report (IA-rådet i Troms, 2012 H1) and an allocation, stored."""
    from workbooks import allocation_xlsx, report_xlsx

    from ia_data.storage.store import import_file

    for name, data in [
        ("rapport.xlsx", report_xlsx()),
        ("tildelinger.xlsx", allocation_xlsx([["Troms", 2012, 350_000]])),
    ]:
        assert import_file(db.get_engine(url), name, data, scope=OPERATOR).status == "lagret"


@pytest.fixture
def stocked_db(database):
    """A database holding a report (IA-rådet i Troms, 2012 H1) and an allocation (a copy of
    one stocked once per run)."""
    return db.get_engine(database(fill=troms_2012_and_a_grant))


@pytest.fixture
def sample_db(database):
    """An engine on an empty database with the demo register (Agder shared)."""
    return db.get_engine(database(SAMPLE_REGISTER))


def _seed(register: Path):
    def make(url: str) -> None:
        from ia_data.demo.seed import seed

        _migrated(register)(url)
        results = seed(db.get_engine(url))
        assert [r.message for r in results if r.status != "lagret"] == []
        _forget(url)

    return make


def _seeded(engine_name: str, postgres, shared_folder: Path, folder: Path):
    """A copy of the run's database holding all of the demo data (seeded once per run)."""
    if engine_name == "sqlite":
        master = _once_sqlite(shared_folder, "seeded.db", _seed(SAMPLE_REGISTER))
        shutil.copyfile(master, folder / "seeded.db")
        url = f"sqlite:///{folder / 'seeded.db'}"
    else:
        cluster = need(postgres)
        url = cluster.new_database(template=cluster.once("seeded", _seed(SAMPLE_REGISTER)))
    try:
        yield url
    finally:
        _forget(url)
        if engine_name == "postgresql":
            postgres.drop(url)


@pytest.fixture(scope="session", params=ENGINES)
def seeded_url(request, tmp_path_factory, postgres, shared_folder):
    """URL of a database holding all of the demo data, on each engine (read-only)."""
    folder = tmp_path_factory.mktemp("seeded")
    yield from _seeded(request.param, postgres, shared_folder, folder)


@pytest.fixture(scope="session")
def seeded_sqlite_url(tmp_path_factory, postgres, shared_folder):
    """``seeded_url`` on SQLite only, for page tests (read-only)."""
    folder = tmp_path_factory.mktemp("seeded-sqlite")
    yield from _seeded("sqlite", postgres, shared_folder, folder)


@pytest.fixture(scope="session")
def seeded_copy(tmp_path_factory, shared_folder, postgres):
    """``seeded_copy(engine_name="sqlite")``: the URL of a copy of the demo data of one's
    own, to change (or to give a server of one's own); dropped at the end of the run."""
    made = []

    def copy(engine_name: str = "sqlite") -> str:
        folder = tmp_path_factory.mktemp("seeded-copy")
        found = _seeded(engine_name, postgres, shared_folder, folder)
        made.append(found)
        return next(found)

    yield copy
    for found in made:
        found.close()


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
    """``IA_CHROMIUM``, else Debian's old headless shell of Chromium (package
    ``chromium-headless-shell``: the same Blink without the browser's windowing, a third
    less CPU per page load on these machines — the browser tests' largest cost), else
    Debian's Chromium."""
    for candidate in (
        os.environ.get("IA_CHROMIUM"),
        shutil.which("chromium-headless-shell"),
        shutil.which("chromium"),
        "/usr/bin/chromium",
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright (the browser tests: ``-m browser``): one per
    process of the run, each test a new visitor in its one tab (``visitors``)."""
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
            executable_path=path,
            # Without motion (Streamlit's fades and spinners): frames nobody looks at.
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--force-prefers-reduced-motion",
            ],
        )
        # Every page of every context counts the runs it asks for (``runs.idle``).
        new_context = chromium.new_context

        def watched_context(**options):
            context = new_context(**options)
            context.add_init_script(WATCH_RUNS)
            return context

        chromium.new_context = watched_context
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def visitors(browser):
    """The process's one tab, a new visitor in it for each test (``tabs``)."""
    return Visitors(browser)


@pytest.fixture
def page(visitors):
    """A new visitor on a large screen, in the process's one tab."""
    tab = visitors.visitor()
    yield tab
    visitors.leave(tab)
