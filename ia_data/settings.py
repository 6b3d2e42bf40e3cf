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
- ``IA_AUTH=av`` — a real database served without sign-in (the open mode);
- ``IA_SMTP_URL`` — the mail server the notices go through: ``smtp://user:password@host:587``
  (STARTTLS) or ``smtps://…:465`` (TLS from the start); user and password optional. Without
  it the outbox still fills and nothing is sent. Its password is never shown: ``repr`` of
  the settings and ``smtp_label`` leave it out;
- ``IA_MAIL_FROM`` — the notices' sender address;
- ``IA_BASE_URL`` — where the app is reached (``https://ia.example.no``), for the links in
  the notices;
- ``IA_SMTP_CA_FILE`` — a CA certificate (PEM) the mail server's certificate is checked
  against, for an internal relay (default: the system's CAs).

When the notices go out (reminder days, weeks, retries, the summary's weekday) is in the
rules file (``[varsler]``, ``domain/rules.NoticeRules``).

Tests change the environment between calls (``monkeypatch.setenv``); after
``follow_environment()`` (``tests/conftest.py``) ``current`` reads it afresh on every call.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from ia_data.domain.register import DEFAULT_REGISTER_FILE
from ia_data.domain.rules import DEFAULT_RULES_FILE, Rules, load_rules

DATABASE_URL = "IA_DATABASE_URL"
REGISTER_FILE = "IA_REGISTER_FILE"
RULES_FILE = "IA_RULES_FILE"
STATBANK_URL = "IA_STATBANK_URL"
ADMIN_EMAILS = "IA_ADMIN_EMAILS"
OPEN_SETTING = "IA_AUTH"
SMTP_URL = "IA_SMTP_URL"
MAIL_FROM = "IA_MAIL_FROM"
BASE_URL = "IA_BASE_URL"
SMTP_CA_FILE = "IA_SMTP_CA_FILE"

DEFAULT_STATBANK_URL = "https://data.ssb.no/api/v0/no/table"


@dataclass(frozen=True)
class Settings:
    """The settings of one process (see the module's list)."""

    database_url: str = ""  # none: the demo database (``storage.engine.DEMO_URL``)
    register_file: Path = DEFAULT_REGISTER_FILE
    rules_file: Path = DEFAULT_RULES_FILE
    statbank_url: str = DEFAULT_STATBANK_URL
    admin_emails: str = ""  # as set: ``sign_ins.admin_emails`` reads the addresses
    open_mode: bool = False
    smtp_url: str = field(default="", repr=False)  # holds a password: see ``smtp_label``
    mail_from: str = ""
    base_url: str = ""
    smtp_ca_file: Path | None = None

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={getattr(self, name)!r}"
            for name in self.__dataclass_fields__
            if name != "smtp_url"
        )
        return f"Settings({shown}, smtp_url={self.smtp_label!r})"

    @property
    def smtp_label(self) -> str:
        """The mail server as a message or a log names it: its URL without the password."""
        return without_password(self.smtp_url)

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
            smtp_url=found.get(SMTP_URL, "").strip(),
            mail_from=found.get(MAIL_FROM, "").strip(),
            base_url=found.get(BASE_URL, "").strip().rstrip("/"),
            smtp_ca_file=Path(found[SMTP_CA_FILE]) if found.get(SMTP_CA_FILE) else None,
        )

    def with_database(self, url: str | None) -> Settings:
        """These settings with another database (the command line's ``--db``), if given."""
        return replace(self, database_url=url) if url else self

    def rules(self) -> Rules:
        """The reporting rules of the rules file (read again only when the file changes)."""
        return load_rules(self.rules_file)


def without_password(url: str) -> str:
    """A URL with its password (if any) as ``***``."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        user = parts.username or ""
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # a port that is not a number: show no part that could be a secret
        return "(ugyldig URL)"
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}{port}"))


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
