"""Every setting of the app and the ``ia-data`` command, read from the environment here and
nowhere else: one frozen ``Settings``, read once per process (``current``) and handed to
what needs it. The domain reads no setting: it is handed the rules file or the register
file it reads.

- ``IA_DATABASE_URL`` — the database (default: the demo database, ``data/demo.db``); the
  command line's ``--db`` goes over it (``with_database``);
- ``IA_REGISTER_FILE`` — the council register a new database is made with;
- ``IA_RULES_FILE`` — the reporting rules by year;
- ``IA_STATBANK_URL`` — Statistics Norway's StatBank API (``ia-data stats fetch``);
- ``IA_ADMIN_EMAILS`` — the first admins, made admins at their first sign-in;
- ``IA_AUTH=av`` — a real database served without sign-in (the open mode).

Tests change the environment between calls (``monkeypatch.setenv``); after
``follow_environment()`` (``tests/conftest.py``) ``current`` reads it afresh on every call.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ia_data.domain.register import DEFAULT_REGISTER_FILE
from ia_data.domain.rules import DEFAULT_RULES_FILE, Rules, load_rules

DATABASE_URL = "IA_DATABASE_URL"
REGISTER_FILE = "IA_REGISTER_FILE"
RULES_FILE = "IA_RULES_FILE"
STATBANK_URL = "IA_STATBANK_URL"
ADMIN_EMAILS = "IA_ADMIN_EMAILS"
OPEN_SETTING = "IA_AUTH"

DEFAULT_STATBANK_URL = "https://data.ssb.no/api/v0/no/table"


@dataclass(frozen=True)
class Settings:
    """The settings of one process (see the module's list)."""

    database_url: str = ""  # none: the demo database (``storage.engine.DEMO_URL``)
    register_file: Path = DEFAULT_REGISTER_FILE
    rules_file: Path = DEFAULT_RULES_FILE
    statbank_url: str = DEFAULT_STATBANK_URL
    admin_emails: str = ""  # as set: ``users.admin_emails`` reads the addresses
    open_mode: bool = False

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings an environment gives (default: this process's); an empty variable
        counts as not set."""
        found = os.environ if environ is None else environ
        return cls(
            database_url=found.get(DATABASE_URL, ""),
            register_file=Path(found.get(REGISTER_FILE) or DEFAULT_REGISTER_FILE),
            rules_file=Path(found.get(RULES_FILE) or DEFAULT_RULES_FILE),
            statbank_url=(found.get(STATBANK_URL) or DEFAULT_STATBANK_URL).rstrip("/"),
            admin_emails=found.get(ADMIN_EMAILS, ""),
            open_mode=found.get(OPEN_SETTING, "").strip().lower() in ("av", "off"),
        )

    def with_database(self, url: str | None) -> Settings:
        """These settings with another database (the command line's ``--db``), if given."""
        return replace(self, database_url=url) if url else self

    def rules(self) -> Rules:
        """The reporting rules of the rules file (read again only when the file changes)."""
        return load_rules(self.rules_file)


_kept: Settings | None = None
_follow = False


def current() -> Settings:
    """The settings of this process: read from the environment at first use and kept."""
    global _kept
    if _kept is None or _follow:
        _kept = Settings.from_environment()
    return _kept


def follow_environment(on: bool = True) -> None:
    """Read the environment afresh on every ``current()`` (for tests, which change it)."""
    global _follow
    _follow = on


def child_environment(**extra: str) -> dict[str, str]:
    """The environment of a process this one starts (the reading worker), with ``extra``."""
    return {**os.environ, **extra}
