"""The database: the tables (``models``), the engine for SQLite or PostgreSQL (``db``), the
register written into it (``register``), the one way data gets in — a file in one
transaction, history kept, a version restored (``store``) — and the state derived from
the data in the same transaction (``derived``: per-report totals, active flags).

May import ``ingest`` and ``domain``.
"""
