"""The settings: every one read from the environment in ``ia_data/settings.py`` and nowhere
else, once per process, with the command line's ``--db`` over the database's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ia_data import settings
from ia_data.domain.register import DEFAULT_REGISTER_FILE
from ia_data.domain.rules import DEFAULT_RULES_FILE
from ia_data.settings import Settings
from ia_data.storage import engine

PROJECT = Path(__file__).resolve().parent.parent
READS_ENVIRONMENT = re.compile(r"\benviron\b|\bgetenv\b|\bputenv\b")


def test_only_the_settings_module_reads_the_environment():
    sources = [PROJECT / "app.py"]
    for folder in ("ia_data", "ui", "views"):
        sources += sorted((PROJECT / folder).rglob("*.py"))
    found = [
        f"{path.relative_to(PROJECT)}:{number}: {line.strip()}"
        for path in sources
        if path != PROJECT / "ia_data" / "settings.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if READS_ENVIRONMENT.search(line)
    ]
    assert found == []
    assert len(sources) > 50  # the folders were found


def test_without_variables_the_defaults():
    assert Settings.from_environment({}) == Settings(
        database_url="",
        register_file=DEFAULT_REGISTER_FILE,
        rules_file=DEFAULT_RULES_FILE,
        statbank_url="https://data.ssb.no/api/v0/no/table",
        admin_emails="",
        open_mode=False,
    )
    assert Settings.from_environment({"IA_DATABASE_URL": "", "IA_RULES_FILE": ""}) == Settings()


def test_each_variable(tmp_path):
    found = Settings.from_environment(
        {
            "IA_DATABASE_URL": "sqlite:////srv/ia/ia.db",
            "IA_REGISTER_FILE": str(tmp_path / "register.toml"),
            "IA_RULES_FILE": str(tmp_path / "regler.toml"),
            "IA_STATBANK_URL": "http://127.0.0.1:9/table/",
            "IA_ADMIN_EMAILS": "ada@x.no, per@y.no",
            "IA_AUTH": "av",
            "IA_OTHER": "ignored",
        }
    )
    assert found == Settings(
        database_url="sqlite:////srv/ia/ia.db",
        register_file=tmp_path / "register.toml",
        rules_file=tmp_path / "regler.toml",
        statbank_url="http://127.0.0.1:9/table",  # without its trailing slash
        admin_emails="ada@x.no, per@y.no",
        open_mode=True,
    )


@pytest.mark.parametrize(
    ("value", "open_mode"),
    [("av", True), (" OFF ", True), ("Av", True), ("på", False), ("", False), ("0", False)],
)
def test_the_open_mode_is_av_or_off(value, open_mode):
    assert Settings.from_environment({"IA_AUTH": value}).open_mode is open_mode


def test_the_command_lines_database_goes_over_the_settings(monkeypatch):
    given = Settings(database_url="sqlite:////a.db")
    assert given.with_database("sqlite:////b.db").database_url == "sqlite:////b.db"
    assert given.with_database(None) is given
    monkeypatch.setenv("IA_DATABASE_URL", "sqlite:////a.db")
    assert engine.database_url("sqlite:////b.db") == "sqlite:////b.db"
    assert engine.database_url() == "sqlite:////a.db"
    monkeypatch.delenv("IA_DATABASE_URL")
    assert engine.database_url() == engine.DEMO_URL


def test_read_once_per_process_unless_told_to_follow(monkeypatch):
    """Outside the tests the environment is read at first use and kept: a change after
    that is not seen (the tests follow it, ``conftest.py``)."""
    monkeypatch.setattr(settings, "_kept", None)
    monkeypatch.setattr(settings, "_follow", False)
    monkeypatch.setenv("IA_STATBANK_URL", "http://first.example/table")
    first = settings.current()
    monkeypatch.setenv("IA_STATBANK_URL", "http://second.example/table")
    assert settings.current() is first
    assert first.statbank_url == "http://first.example/table"
    settings.follow_environment()
    assert settings.current().statbank_url == "http://second.example/table"


def test_the_rules_of_the_settings_file(tmp_path, monkeypatch):
    changed = tmp_path / "regler.toml"
    changed.write_text(
        DEFAULT_RULES_FILE.read_text(encoding="utf-8").replace(
            "amount_one_county = 400000", "amount_one_county = 450000"
        ),
        encoding="utf-8",
    )
    assert settings.current().rules().rule_allocation(2016, 1) == 400_000
    monkeypatch.setenv("IA_RULES_FILE", str(changed))
    assert settings.current().rules().rule_allocation(2016, 1) == 450_000


def test_a_child_process_gets_the_environment_and_more(monkeypatch):
    monkeypatch.setenv("IA_DATABASE_URL", "sqlite:////child.db")
    child = settings.child_environment(RUST_BACKTRACE="0")
    assert (child["IA_DATABASE_URL"], child["RUST_BACKTRACE"]) == ("sqlite:////child.db", "0")
