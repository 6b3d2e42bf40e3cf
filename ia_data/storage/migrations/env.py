"""Alembic's environment: the models' metadata, and the connection ``schema.upgrade``
hands over (or, for ``alembic`` run by hand, the URL of ``IA_DATABASE_URL``)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from ia_data.storage import models  # noqa: F401  (registers the tables)
from ia_data.storage.engine import create_bare_engine, database_url

target_metadata = SQLModel.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = create_bare_engine(context.config.get_main_option("sqlalchemy.url") or database_url())
    with engine.connect() as bare:
        _run(bare)
    engine.dispose()
