"""A database that refuses every write from a moment on, on both engines, as a read-only or
full database does: SQLite's ``query_only``; a PostgreSQL session whose transactions are
read-only (committed, or the setting would be rolled back with the transaction)."""

from __future__ import annotations

from sqlalchemy import event


def read_only(engine) -> None:
    """From now on every connection of ``engine`` refuses writes (its pool is emptied)."""
    statement = (
        "PRAGMA query_only = ON"
        if engine.dialect.name == "sqlite"
        else "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"
    )

    @event.listens_for(engine, "connect")
    def refuse_writes(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute(statement)
        cursor.close()
        dbapi_connection.commit()

    engine.dispose()
