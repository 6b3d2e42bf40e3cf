"""The engine the app and the CLI use: made once per database, with its schema checked
against the code's migrations (``schema``); and a SQLite database's backup.

A SQLite database is brought up to date when it is opened (the demo database, an embedded
file: one process owns it); a PostgreSQL database must be upgraded with
``ia-data db upgrade`` first, and ``get_engine`` refuses one that is behind with
``SchemaBehind``. A database that is up to date is only read when an engine is made, so
commands that read work on a read-only file.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from ia_data.storage import schema
from ia_data.storage.engine import (
    _cannot_write,
    create_bare_engine,
    database_label,
    database_url,
    sqlite_path,
)

_engines: dict[str | tuple[str, str], Engine] = {}


def get_engine(url: str | None = None, *, read_only: bool = False) -> Engine:
    """An engine for the database, its schema up to date and its register loaded.

    ``read_only`` is for callers that only read. SQLite cannot open a WAL database in a
    folder it may not write to (it needs the ``-shm`` file), so such a database is then
    opened as immutable, read-only, instead of failing."""
    url = database_url(url)
    if url in _engines:
        return _engines[url]
    engine = create_bare_engine(url)
    try:
        _ready(engine, url)
    except DBAPIError as exc:
        engine.dispose()
        path = sqlite_path(url)
        if not (read_only and path and path.is_file() and _cannot_write(exc.orig)):
            raise
        if (url, "immutable") not in _engines:
            engine = create_bare_engine(url, immutable=path)
            _ready(engine, url)  # only reads: a database behind the code fails here
            _engines[(url, "immutable")] = engine
        return _engines[(url, "immutable")]
    except schema.SchemaBehind:
        engine.dispose()
        raise
    _engines[url] = engine
    return engine


def _ready(engine: Engine, url: str) -> None:
    """Make sure the schema is the code's: upgrade a SQLite database that is behind, refuse
    any other (or a read-only SQLite file) with the command to run."""
    found = schema.state(engine)
    if found.up_to_date:
        return
    older = found.current is None or schema.known(found.current)
    if engine.dialect.name == "sqlite" and "immutable" not in str(engine.url) and older:
        schema.upgrade(engine)
        return
    raise schema.SchemaBehind(schema.behind_message(found, database_label(url)))


def dispose_engines() -> None:
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


@dataclass(frozen=True)
class Backup:
    uploads: int
    revision: str | None


def backup_sqlite(engine: Engine, target: Path) -> Backup:
    """Copy a SQLite database to ``target`` with SQLite's online backup API: a consistent
    copy even while a server writes (copying the file then could catch half a write).
    The copy is written beside ``target``, checked (``PRAGMA quick_check``, and read), and
    only then moved into place; a failed copy leaves nothing behind."""
    partial = target.with_name(target.name + ".delvis")
    partial.unlink(missing_ok=True)
    try:
        source = engine.raw_connection()
        try:
            copy = sqlite3.connect(partial)
            try:
                source.driver_connection.backup(copy)
                checked = copy.execute("PRAGMA quick_check").fetchone()[0]
                if checked != "ok":
                    raise sqlite3.DatabaseError(f"kopien er ikke hel: {checked}")
                uploads = copy.execute("SELECT count(*) FROM upload").fetchone()[0]
                revision = copy.execute("SELECT version_num FROM alembic_version").fetchone()
            finally:
                copy.close()
        finally:
            source.close()
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Backup(uploads, revision[0] if revision else None)
