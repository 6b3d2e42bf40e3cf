"""The database, on SQLite or PostgreSQL: the tables and the constraints that hold however
many servers write (``models``), connecting and what a failing database means (``engine``),
the schema's version and its Alembic migrations (``schema``, ``migrations/``), the engine
in use and the data version (``db``), the register written into it (``register``), the one
way data gets in — a file in one transaction, history kept, a version restored (``store``)
— and the state derived from the data in the same transaction (``derived``: per-report
totals, active flags).

May import ``ingest`` and ``domain``.
"""
