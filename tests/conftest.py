"""Shared fixtures: a fresh database per test, and the sample register."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ia_data.demo import SAMPLE_DIR
from ia_data.domain.rules import load_rules
from ia_data.storage import db

PROJECT = Path(__file__).resolve().parent.parent
SAMPLE_REGISTER = SAMPLE_DIR / "register.toml"


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
    db.ensure_schema(engine, DEFAULT_REGISTER_FILE)
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


@pytest.fixture
def fresh_db(tmp_path, monkeypatch):
    """An engine on an empty SQLite file with the register that ships with the app."""
    monkeypatch.delenv("IA_REGISTER_FILE", raising=False)
    url = f"sqlite:///{tmp_path / 'test.db'}"
    engine = db.get_engine(url)
    yield engine
    db._engines.pop(url, None)
    engine.dispose()


@pytest.fixture
def stocked_db(fresh_db):
    """A database holding a report (IA-rådet i Troms, 2012 H1) and an allocation."""
    from workbooks import allocation_xlsx, report_xlsx

    from ia_data.storage.store import import_file

    for name, data in [
        ("rapport.xlsx", report_xlsx()),
        ("tildelinger.xlsx", allocation_xlsx([["Troms", 2012, 350_000]])),
    ]:
        assert import_file(fresh_db, name, data).status == "lagret"
    return fresh_db


@pytest.fixture
def sample_db(tmp_path, monkeypatch):
    """An engine on an empty SQLite file with the demo register (Agder shared)."""
    monkeypatch.setenv("IA_REGISTER_FILE", str(SAMPLE_REGISTER))
    url = f"sqlite:///{tmp_path / 'sample.db'}"
    engine = db.get_engine(url)
    yield engine
    db._engines.pop(url, None)
    engine.dispose()


@pytest.fixture(scope="session")
def seeded_url(tmp_path_factory):
    """URL of a database holding all of the demo data (read-only for tests)."""
    from ia_data.demo.seed import seed

    url = f"sqlite:///{tmp_path_factory.mktemp('seeded') / 'demo.db'}"
    engine = db.get_engine(url)
    results = seed(engine)
    assert [r.message for r in results if r.status != "lagret"] == []
    yield url
    db._engines.pop(url, None)
    engine.dispose()


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
