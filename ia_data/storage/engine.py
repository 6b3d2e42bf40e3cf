"""Connecting to the database: which one (the settings' ``IA_DATABASE_URL``, else the demo
database), an engine set up for it (SQLite: WAL, a busy timeout, foreign keys, ``BEGIN IMMEDIATE``
for writes), and what to say when the database itself fails (read-only, full disk, not a
database, damaged), naming it without its password."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlmodel import create_engine

from ia_data import settings

# The demo database lies in ``data/`` of the project folder (of the folder the app or the
# CLI runs in, for an installed package: never inside the installed package).
_SOURCE = Path(__file__).resolve().parents[2]


DEMO_DB_PATH = (_SOURCE if (_SOURCE / "app.py").is_file() else Path.cwd()) / "data" / "demo.db"


DEMO_URL = f"sqlite:///{DEMO_DB_PATH}"


BUSY_TIMEOUT_MS = 30_000


def database_url(url: str | None = None) -> str:
    """The database in use: an explicit URL (``--db``), else the settings' (``IA_DATABASE_URL``,
    or the demo database)."""
    return settings.current().with_database(url).database_url or DEMO_URL


def is_demo(url: str | None = None) -> bool:
    return database_url(url) == DEMO_URL


def is_demo_file(url: str | None = None) -> bool:
    """Whether the database in use is the demo database's file, however its URL names it
    (``--db sqlite:///data/demo.db`` too): the file the app serves to anyone, without
    sign-in, when no ``IA_DATABASE_URL`` is set."""
    path = sqlite_path(url)
    return is_demo(url) or (path is not None and path.resolve() == demo_file().resolve())


def demo_file() -> Path:
    """The demo database's file: the one the app serves to anyone, without sign-in."""
    return sqlite_path(DEMO_URL)


def sqlite_path(url: str | None = None) -> Path | None:
    """The file of a SQLite database (``None`` for another database or one in memory)."""
    try:
        parsed = make_url(database_url(url))
    except (ArgumentError, ValueError):
        return None
    name = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or name in ("", ":memory:"):
        return None
    if parsed.query.get("uri") in ("true", "1") and name.startswith("file:"):
        name = name.removeprefix("file:").split("?")[0]
    return Path(name).absolute()


# Query parameters that can carry a secret (libpq takes a password as ``?password=``).
SECRET_PARAMETERS = ("password", "sslpassword", "passfile", "dsn")


def database_label(url: str | None = None) -> str:
    """The database as a message names it: a SQLite file's path, any other database's URL
    without its password (in the URL's password field or among its parameters)."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    try:
        parsed = make_url(database_url(url))
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        return "(ugyldig database-URL)"
    hidden = {k: "***" for k in parsed.query if k.lower() in SECRET_PARAMETERS}
    shown = parsed.update_query_dict(hidden).render_as_string(hide_password=True)
    return shown.replace("=%2A%2A%2A", "=***")


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


def create_bare_engine(url: str, immutable: Path | None = None) -> Engine:
    """An engine for the URL, set up for its engine (SQLite: WAL, busy timeout, BEGIN
    IMMEDIATE for writes), without looking at the schema."""
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
    if parsed.get_backend_name() == "postgresql":
        # Lock, then read what the lock protects: that needs each statement to see what
        # others committed, whatever the server's default is; and a connection the server
        # closed (a restart, a failover) is noticed before a page uses it.
        kwargs.update(isolation_level="READ COMMITTED", pool_pre_ping=True)
    engine = create_engine(parsed, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        pragmas = _sqlite_pragmas if immutable is None else _read_only_pragmas
        event.listen(engine, "connect", pragmas)

        @event.listens_for(engine, "connect")
        def _no_pysqlite_begin(dbapi_connection, _record):
            dbapi_connection.isolation_level = None

        event.listen(engine, "begin", _sqlite_begin)
    return engine


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


# PostgreSQL's answers, by SQLSTATE (an exact code first, then its class, the first two).
_SERVER_PROBLEMS = {
    "53100": "Disken er full",
    "25006": "Databasen er skrivebeskyttet",
    "42501": "Databasen kan ikke brukes: brukeren mangler tilgang",
    "28P01": "Databasen kan ikke åpnes: feil brukernavn eller passord",
    "28000": "Databasen kan ikke åpnes: brukeren har ikke adgang",
    "3D000": "Databasen finnes ikke på tjeneren",
    "55000": "Databasen tar ikke imot tilkoblinger nå",
    "53300": "Databasetjeneren har ingen ledige tilkoblinger; prøv igjen om litt",
    "57P01": "Databasetjeneren ble stoppet; prøv igjen om litt",
    "57P03": "Databasetjeneren starter eller stopper; prøv igjen om litt",
    "40001": "Databasen var opptatt med en annen endring; prøv igjen",
    "40P01": "Databasen var opptatt med en annen endring; prøv igjen",
    "55P03": "Databasen er låst av en annen prosess; prøv igjen om litt",
    "08001": "Databasetjeneren kan ikke nås",
    "08": "Kan ikke koble til databasetjeneren",
    "53": "Databasetjeneren mangler ressurser (minne, disk eller tilkoblinger)",
    "58": "Databasetjeneren svarer med en feil fra disken",
    "XX": "Databasetjeneren melder en intern feil",
}


_CONNECT_ANSWERS = [
    ("password authentication failed", "28P01"),
    ("no password supplied", "28P01"),
    ("no pg_hba.conf entry", "28000"),
    ('" does not exist', "role-or-database"),
    ("permission denied for database", "42501"),
    ("is not currently accepting connections", "55000"),
    ("too many clients", "53300"),
    ("remaining connection slots are reserved", "53300"),
    ("the database system is", "57P03"),
    ("Connection refused", "08001"),
    ("could not translate host name", "08001"),
    ("No route to host", "08001"),
    ("timeout expired", "08001"),
]


def _error_name(exc: BaseException) -> str:
    """SQLite's name for the error (``SQLITE_FULL``), or "" for another driver's."""
    return getattr(exc, "sqlite_errorname", None) or ""


def _cannot_write(exc: BaseException) -> bool:
    """Whether SQLite failed because it may not write the file, its folder or its -shm."""
    name = _error_name(exc)
    return name.startswith("SQLITE_READONLY") or name.startswith("SQLITE_CANTOPEN")


def _server_reason(exc: BaseException) -> str | None:
    """What a PostgreSQL error means for a user, or None for an error in a statement."""
    import psycopg

    code = exc.sqlstate or ""
    if not code and isinstance(exc, psycopg.OperationalError):
        # A connection that failed carries no SQLSTATE, only the server's text (in English
        # with the C locale Debian's clusters use); without an answer, it could not be reached.
        said = str(exc)
        code = next((c for text, c in _CONNECT_ANSWERS if text in said), "08")
        if code == "role-or-database":
            code = "3D000" if 'FATAL:  database "' in said else "28000"
    return _SERVER_PROBLEMS.get(code) or _SERVER_PROBLEMS.get(code[:2])


def database_problem(exc: BaseException, url: str | None = None) -> str | None:
    """One Norwegian line for a failure of the database itself, naming it without its
    password; ``None`` when ``exc`` is not one (an error in a statement is the code's)."""
    if isinstance(exc, DBAPIError):
        exc = exc.orig
    if isinstance(exc, sqlite3.Error):
        name = _error_name(exc)
        reason = _PROBLEMS.get(name) or _PROBLEMS.get("_".join(name.split("_")[:2]))
        if reason is None:
            reason = f"Databasen svarte med en feil ({name or type(exc).__name__})"
    elif type(exc).__module__.startswith("psycopg"):
        reason = _server_reason(exc)
        if reason is None:
            return None
    else:
        return None
    return f"{reason} ({database_label(url)})"
