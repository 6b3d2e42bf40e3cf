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
