"""Database set-up: the engine for ``IA_DATABASE_URL`` (or the demo database), SQLite in
WAL mode with a busy timeout, and a schema with the register loaded on first use."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel, create_engine, select

from . import figures, models  # noqa: F401  (models registers the tables)
from .models import Council, Meta
from .register import load_register, register_path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEMO_DB_PATH = PROJECT_DIR / "data" / "demo.db"
DEMO_URL = f"sqlite:///{DEMO_DB_PATH}"
BUSY_TIMEOUT_MS = 30_000

_engines: dict[str, Engine] = {}


def database_url(url: str | None = None) -> str:
    """The database in use: an explicit URL, ``IA_DATABASE_URL``, or the demo database."""
    return url or os.environ.get("IA_DATABASE_URL") or DEMO_URL


def is_demo(url: str | None = None) -> bool:
    return database_url(url) == DEMO_URL


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    _journal_mode_wal(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _journal_mode_wal(cursor) -> None:
    # Switching a new database to WAL needs an exclusive lock, and SQLite answers "database
    # is locked" at once — without waiting on the busy timeout — when another process is
    # opening the same new file. Retry within the busy timeout instead. (On a database
    # already in WAL mode the pragma changes nothing and does not fail this way.)
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
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


def get_engine(url: str | None = None) -> Engine:
    """An engine for the database, with the schema and the register in place."""
    url = database_url(url)
    if url in _engines:
        return _engines[url]
    parsed = make_url(url)
    kwargs: dict = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
    engine = create_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)

        @event.listens_for(engine, "connect")
        def _no_pysqlite_begin(dbapi_connection, _record):
            dbapi_connection.isolation_level = None

        event.listen(engine, "begin", _sqlite_begin)
    register = None
    if url == DEMO_URL and not os.environ.get("IA_REGISTER_FILE"):
        register = PROJECT_DIR / "sample_data" / "register.toml"
    ensure_schema(engine, register)
    _engines[url] = engine
    return engine


def ensure_schema(engine: Engine, register_file: str | os.PathLike | None = None) -> None:
    """Create missing tables, and load the register into a database that has none."""
    with writing():
        _ensure_schema(engine, register_file)


def _ensure_schema(engine: Engine, register_file: str | os.PathLike | None) -> None:
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        if session.exec(select(Council.id).limit(1)).first() is not None:
            if figures.backfill(session):  # reports stored before the totals table existed
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
