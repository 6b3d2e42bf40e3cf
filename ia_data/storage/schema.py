"""The schema's version: Alembic migrations (``migrations/``), run by ``ia-data db upgrade``
before the servers start, and the register (and the statistics series that ship) loaded
into a new database in the same step.

A SQLite database (the embedded default, the demo) upgrades itself when it is opened: one
process owns it. A PostgreSQL database is upgraded by the operator, once, before the
servers start; a server that finds its database behind the code's migrations says so (in
Norwegian, with the command to run) and shows no data, rather than guess.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, SQLModel, select

from ia_data import settings
from ia_data.domain.errors import UserError
from ia_data.domain.register import RegisterError
from ia_data.storage.engine import database_label, writing
from ia_data.storage.models import Council, Meta
from ia_data.storage.register import load_register

MIGRATIONS = Path(__file__).with_name("migrations")
# Any fixed number: the key of the PostgreSQL advisory lock that makes two upgrades (two
# servers started at once, say) run one after the other.
_LOCK = 0x1A_0D_A7A
UPGRADE_COMMAND = "ia-data db upgrade"


class SchemaBehind(UserError):
    """The database's schema is not the code's; the message says what to do, in Norwegian."""


class RegisterRefused(SchemaBehind, RegisterError):
    """A new database's register file (``IA_REGISTER_FILE``) refused by the register's
    check: no database is made, and the message is the check's, as wherever a
    ``SchemaBehind`` is shown (the app, the CLI)."""


def _config(connection: Connection | None = None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


# A migration file's own ``revision = "0010"`` and ``down_revision = "0009"`` lines.
_REVISION_LINE = re.compile(r'^(revision|down_revision)\b[^=\n]*=\s*(?:"([^"]*)"|None)', re.M)


@cache
def _revisions() -> tuple[frozenset[str], str]:
    """The code's migrations and the newest of them (the one no other follows), read from
    the files' own lines: a server or a command that only checks where its database stands
    need not load Alembic, a tenth of a second of every start (the migrations test holds
    that Alembic reads the same)."""
    revisions, followed = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict((m[0], m[1]) for m in _REVISION_LINE.findall(path.read_text("utf-8")))
        revisions.add(found["revision"])
        followed.add(found.get("down_revision") or "")
    (newest,) = revisions - followed
    return frozenset(revisions), newest


def head() -> str:
    """The newest migration of the code."""
    return _revisions()[1]


@dataclass(frozen=True)
class SchemaState:
    current: str | None  # the database's revision (None: never migrated)
    head: str
    tables: bool  # whether the database has any of the app's tables

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def state(engine: Engine) -> SchemaState:
    """Where the database stands against the code's migrations (only reads)."""
    with engine.connect() as connection:
        current = _current_revision(connection)
        # A database at the head has the tables; only one behind is looked into.
        tables = current == head() or "council" in inspect(connection).get_table_names()
    return SchemaState(current, head(), tables)


def _current_revision(connection: Connection) -> str | None:
    """The revision Alembic stamped in the database (its ``alembic_version`` table), as
    Alembic's ``MigrationContext.get_current_revision`` reads it: None before any."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def behind_message(found: SchemaState, label: str) -> str:
    """What a server or a command says about a database that is not up to date."""
    where = f"databasen {label}"
    if found.current is None and not found.tables:
        return (
            f"{where.capitalize()} er tom: tabellene er ikke laget ennå. Kjør "
            f"«{UPGRADE_COMMAND}» (med samme IA_DATABASE_URL) før appen startes."
        )
    if found.current is not None and found.current != found.head and known(found.current):
        return (
            f"{where.capitalize()} har en eldre utgave av tabellene ({found.current}) enn "
            f"appen ({found.head}). Kjør «{UPGRADE_COMMAND}» (med samme IA_DATABASE_URL), "
            "og start appen på nytt."
        )
    if found.current is None:
        return (
            f"{where.capitalize()} er laget uten migreringer. Kjør «{UPGRADE_COMMAND}» "
            "(med samme IA_DATABASE_URL), og start appen på nytt."
        )
    return (
        f"{where.capitalize()} har en nyere utgave av tabellene ({found.current}) enn denne "
        "utgaven av appen kjenner; bruk en nyere utgave av appen."
    )


def known(revision: str) -> bool:
    """Whether ``revision`` is one of the code's migrations (not a newer app's)."""
    return revision in _revisions()[0]


def upgrade(
    engine: Engine, register_file: str | os.PathLike | None = None, target: str = "head"
) -> str:
    """Bring the schema to the code's head (or ``target``); returns the revision the
    database is at (see ``migrate``)."""
    return migrate(engine, register_file, target)[1]


def migrate(
    engine: Engine, register_file: str | os.PathLike | None = None, target: str = "head"
) -> tuple[SchemaState, str]:
    """Bring the schema to the code's head (or ``target``) and load the register (and the
    statistics series that ship) into a database that has none, in one transaction (both
    engines change their schema transactionally); two at once run one after the other, so
    the second finds the work done. Returns where the database stood when this one's turn
    came, and where it is."""
    from alembic import command

    with _migration_connection(engine) as connection:
        config = _config(connection)
        tables = "council" in inspect(connection).get_table_names()
        before = SchemaState(_current_revision(connection), head(), tables)
        if before.current is not None and not known(before.current):  # a newer app's
            label = database_label(engine.url.render_as_string(hide_password=True))
            raise SchemaBehind(behind_message(before, label))
        if target == "head" and not tables:
            # A new database: the models' tables as they are, marked as at the head (the
            # drift test holds that the migrations make the very same schema).
            SQLModel.metadata.create_all(connection)
            command.stamp(config, "head")
        else:
            command.upgrade(config, target)
        with Session(bind=connection) as session:
            if session.exec(select(Council.id).limit(1)).first() is None:
                path = Path(register_file or settings.current().register_file)
                try:
                    load_register(session, path)
                except RegisterError as exc:
                    raise RegisterRefused(str(exc)) from None
                session.merge(Meta(key="register_file", value=str(path)))
            if "statseries" in inspect(connection).get_table_names():
                from ia_data.storage.stats import load_shipped_series

                load_shipped_series(session)  # the series that ship, into a database with none
            if session.get(Meta, "data_version") is None:
                session.add(Meta(key="data_version", value="0"))
            session.flush()
        return before, _current_revision(connection)


@contextmanager
def _migration_connection(engine: Engine):
    """A connection in one transaction for migrating. SQLite rebuilds a table to change it,
    which foreign keys would stop half-way: they are off while it runs (SQLite only
    switches them outside a transaction) and checked after."""
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        raw = connection.connection.driver_connection if sqlite else None
        if sqlite:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with writing(), connection.begin():
                if not sqlite:
                    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_LOCK})")
                yield connection
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
                    if broken is not None:
                        raise RuntimeError(f"migrering brøt en fremmednøkkel: {tuple(broken)}")
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys=ON")


def current(engine: Engine) -> str | None:
    return state(engine).current
