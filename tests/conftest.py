"""Shared fixtures: a fresh database per test, and the sample register."""

from __future__ import annotations

from pathlib import Path

import pytest

from ia_data import db
from ia_data.rules import load_rules

PROJECT = Path(__file__).resolve().parent.parent
SAMPLE_REGISTER = PROJECT / "sample_data" / "register.toml"


@pytest.fixture
def rules():
    return load_rules()


@pytest.fixture(scope="session")
def register(tmp_path_factory):
    """The councils of the register that ships with the app (one council per county)."""
    from sqlmodel import Session, create_engine

    from ia_data.register import DEFAULT_REGISTER_FILE, councils

    engine = create_engine(f"sqlite:///{tmp_path_factory.mktemp('register') / 'register.db'}")
    db.ensure_schema(engine, DEFAULT_REGISTER_FILE)
    with Session(engine) as session:
        infos = councils(session)
    engine.dispose()
    return infos


@pytest.fixture
def parse(register, rules):
    """``parse(data, file_name)``: the importer's reading of a workbook, nothing stored."""
    from ia_data.importer import parse_workbook

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
    """URL of a database holding all of ``sample_data/`` (read-only for tests)."""
    from ia_data.seed import seed

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
