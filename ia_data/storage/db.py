"""Database set-up: the engine for ``IA_DATABASE_URL`` (or the demo database), SQLite in
WAL mode with a busy timeout, and a schema with the register loaded on first use.

A database whose schema is in place is only read when an engine is made, so commands that
read work on a read-only file; ``database_problem`` says in Norwegian what went wrong when
the database itself fails (read-only, full disk, not a database, damaged).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlmodel import Session, SQLModel, create_engine, select

from ia_data.domain.register import register_path
from ia_data.storage import (
    derived,
    models,  # noqa: F401  (models registers the tables)
)
from ia_data.storage.models import Council, Meta, Report, ReportFigures
from ia_data.storage.register import load_register

# The demo database lies in ``data/`` of the project folder (of the folder the app or the
# CLI runs in, for an installed package: never inside the installed package).
_SOURCE = Path(__file__).resolve().parents[2]
DEMO_DB_PATH = (_SOURCE if (_SOURCE / "app.py").is_file() else Path.cwd()) / "data" / "demo.db"
DEMO_URL = f"sqlite:///{DEMO_DB_PATH}"
BUSY_TIMEOUT_MS = 30_000

_engines: dict[str | tuple[str, str], Engine] = {}


def database_url(url: str | None = None) -> str:
    """The database in use: an explicit URL, ``IA_DATABASE_URL``, or the demo database."""
    return url or os.environ.get("IA_DATABASE_URL") or DEMO_URL


def is_demo(url: str | None = None) -> bool:
    return database_url(url) == DEMO_URL


def sqlite_path(url: str | None = None) -> Path | None:
    """The file of a SQLite database (``None`` for another database or one in memory)."""
    try:
        parsed = make_url(database_url(url))
    except ArgumentError:
        return None
    name = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or name in ("", ":memory:"):
        return None
    if parsed.query.get("uri") in ("true", "1") and name.startswith("file:"):
        name = name.removeprefix("file:").split("?")[0]
    return Path(name).absolute()


def database_label(url: str | None = None) -> str:
    """The database as a message names it: a SQLite file's path, any other database's URL
    without its password."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    try:
        return make_url(database_url(url)).render_as_string(hide_password=True)
    except ArgumentError:
        return "(ugyldig database-URL)"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    _journal_mode_wal(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _read_only_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _journal_mode_wal(cursor) -> None:
    # Switching a new database to WAL needs an exclusive lock, and SQLite answers "database
    # is locked" at once — without waiting on the busy timeout — when another process is
    # opening the same new file. Retry within the busy timeout instead. (On a database
    # already in WAL mode the pragma changes nothing and does not fail this way.)
    # A file (or folder) that cannot be written keeps its journal mode: reading it works,
    # and a write fails on its own with SQLITE_READONLY.
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if _error_name(exc).startswith("SQLITE_READONLY"):
                return
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


_writing: ContextVar[bool] = ContextVar("ia_writing", default=False)


@contextmanager
def writing() -> Iterator[None]:
    """Mark the transactions begun inside as writes. Every change to the database runs in
    one: a write takes SQLite's write lock at BEGIN (IMMEDIATE), so two writers queue on
    the busy timeout instead of failing half-way with "database is locked"; everything
    else begins as a plain read, which WAL lets run beside a writer without waiting."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


def _sqlite_begin(conn) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if _writing.get() else "BEGIN")


def get_engine(url: str | None = None, *, read_only: bool = False) -> Engine:
    """An engine for the database, with the schema and the register in place.

    ``read_only`` is for callers that only read. SQLite cannot open a WAL database in a
    folder it may not write to (it needs the ``-shm`` file), so such a database is then
    opened as immutable, read-only, instead of failing."""
    url = database_url(url)
    if url in _engines:
        return _engines[url]
    engine = _create_engine(url)
    try:
        ensure_schema(engine)
    except DBAPIError as exc:
        engine.dispose()
        path = sqlite_path(url)
        if not (read_only and path and path.is_file() and _cannot_write(exc.orig)):
            raise
        if (url, "immutable") not in _engines:
            engine = _create_engine(url, immutable=path)
            ensure_schema(engine)  # only reads: a missing schema fails here
            _engines[(url, "immutable")] = engine
        return _engines[(url, "immutable")]
    _engines[url] = engine
    return engine


def _create_engine(url: str, immutable: Path | None = None) -> Engine:
    parsed = make_url(url)
    kwargs: dict = {}
    if parsed.get_backend_name() == "sqlite":
        if immutable is not None:
            file_uri = f"file:{quote(str(immutable))}"
            parsed = parsed.set(
                database=file_uri, query={"mode": "ro", "immutable": "1", "uri": "true"}
            )
        elif parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
    engine = create_engine(parsed, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        pragmas = _sqlite_pragmas if immutable is None else _read_only_pragmas
        event.listen(engine, "connect", pragmas)

        @event.listens_for(engine, "connect")
        def _no_pysqlite_begin(dbapi_connection, _record):
            dbapi_connection.isolation_level = None

        event.listen(engine, "begin", _sqlite_begin)
    return engine


def ensure_schema(engine: Engine, register_file: str | os.PathLike | None = None) -> None:
    """Create missing tables, and load the register into a database that has none. A
    database that has both is only read, without the write lock, so a read-only file
    still opens."""
    if _schema_in_place(engine):
        return
    with writing():
        _ensure_schema(engine, register_file)


def _schema_in_place(engine: Engine) -> bool:
    """Whether every table is there, the register loaded, every report's totals made and
    every allocation upload's active flag right."""
    if not set(SQLModel.metadata.tables) <= set(inspect(engine).get_table_names()):
        return False
    with Session(engine) as session:
        if session.exec(select(Council.id).limit(1)).first() is None:
            return False
        done = select(ReportFigures.report_id)
        lacking = select(Report.id).where(Report.id.not_in(done)).limit(1)
        if session.exec(lacking).first() is not None:
            return False
        return derived.allocation_flags_right(session)


def _ensure_schema(engine: Engine, register_file: str | os.PathLike | None) -> None:
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        if session.exec(select(Council.id).limit(1)).first() is not None:
            derived.backfill(session)  # reports stored before the totals table existed
            derived.sync_allocation_uploads(session)  # uploads stored before the flag was kept
            session.commit()
            return
        path = Path(register_file) if register_file else register_path()
        load_register(session, path)
        session.merge(Meta(key="register_file", value=str(path)))
        session.merge(Meta(key="data_version", value="0"))
        session.commit()


def data_version(session: Session) -> int:
    """A number that every stored change raises (for caches keyed on the data)."""
    meta = session.get(Meta, "data_version")
    return int(meta.value) if meta else 0


def bump_data_version(session: Session) -> None:
    meta = session.get(Meta, "data_version") or Meta(key="data_version", value="0")
    meta.value = str(int(meta.value) + 1)
    session.add(meta)


def dispose_engines() -> None:
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


# --- when the database itself fails ------------------------------------------------------

# SQLite's result codes, by the name Python gives them (``sqlite_errorname``): an
# extended code (``SQLITE_READONLY_DIRECTORY``) that is not here counts as its primary code.
_PROBLEMS = {
    "SQLITE_NOTADB": "Databasen kan ikke åpnes: filen er ikke en SQLite-database",
    "SQLITE_CORRUPT": "Databasefilen er skadet",
    "SQLITE_READONLY_DIRECTORY": "Databasen er skrivebeskyttet: mappen den ligger i kan ikke "
    "skrives til",
    "SQLITE_READONLY": "Databasen er skrivebeskyttet",
    "SQLITE_FULL": "Disken er full",
    # No room left to grow the WAL index (-shm) is how a full disk shows when it is full
    # before the write starts.
    "SQLITE_IOERR_SHMSIZE": "Disken er full",
    "SQLITE_CANTOPEN": "Databasen kan ikke åpnes: filen eller mappen finnes ikke eller kan "
    "ikke leses",
    "SQLITE_PERM": "Databasen kan ikke åpnes: mangler tilgang",
    "SQLITE_AUTH": "Databasen kan ikke åpnes: mangler tilgang",
    "SQLITE_BUSY": "Databasen er låst av en annen prosess; prøv igjen om litt",
    "SQLITE_LOCKED": "Databasen er låst av en annen prosess; prøv igjen om litt",
    "SQLITE_IOERR": "Databasen kan ikke leses eller skrives: disken svarer med feil",
}


def _error_name(exc: BaseException) -> str:
    """SQLite's name for the error (``SQLITE_FULL``), or "" for another driver's."""
    return getattr(exc, "sqlite_errorname", None) or ""


def _cannot_write(exc: BaseException) -> bool:
    """Whether SQLite failed because it may not write the file, its folder or its -shm."""
    name = _error_name(exc)
    return name.startswith("SQLITE_READONLY") or name.startswith("SQLITE_CANTOPEN")


def database_problem(exc: BaseException, url: str | None = None) -> str | None:
    """One Norwegian line for a failure of the database itself, naming it without its
    password; ``None`` when ``exc`` is not one."""
    if isinstance(exc, DBAPIError):
        exc = exc.orig
    elif not isinstance(exc, sqlite3.Error):
        return None
    name = _error_name(exc)
    reason = _PROBLEMS.get(name) or _PROBLEMS.get("_".join(name.split("_")[:2]))
    if reason is None:
        reason = f"Databasen svarte med en feil ({name or type(exc).__name__})"
    return f"{reason} ({database_label(url)})"
