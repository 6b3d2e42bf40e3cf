"""The data version: a number in the database that every stored change raises, in the
change's own transaction, so that caches keyed on it (the pages', every server's) see the
change on their next read."""

from __future__ import annotations

from sqlalchemy import BigInteger, String, update
from sqlmodel import Session

from ia_data.storage.models import Meta


def data_version(session: Session) -> int:
    """A number that every stored change raises (for caches keyed on the data)."""
    meta = session.get(Meta, "data_version")
    return int(meta.value) if meta else 0


def bump_data_version(session: Session) -> None:
    """Raise the data version by one, in the caller's transaction, in one statement: two
    servers that store at once each add their one (a read-then-write would lose one)."""
    raised = session.exec(
        update(Meta)
        .where(Meta.key == "data_version")
        .values(value=(Meta.__table__.c.value.cast(BigInteger) + 1).cast(String))
    )
    if raised.rowcount == 0:  # a database from before the version was kept
        session.add(Meta(key="data_version", value="1"))
