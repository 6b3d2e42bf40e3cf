"""``db`` and ``seed``: the schema to the code's migrations, a SQLite backup, the demo data."""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy.exc import ArgumentError

from ia_data.cli.common import demo_guard, open_engine
from ia_data.cli.parser import command, one_of
from ia_data.cli.terminal import say
from ia_data.demo.seed import seed
from ia_data.domain.errors import UsageError, UserError
from ia_data.domain.kinds import ImportStatus
from ia_data.storage import schema
from ia_data.storage.db import backup_sqlite
from ia_data.storage.engine import (
    create_bare_engine,
    database_label,
    database_url,
    demo_file,
    sqlite_path,
)


def add_db(sub) -> None:
    """``db upgrade|current|backup``"""
    p = command(sub, "db", demo=True)
    one_of(
        p,
        "action",
        {
            "upgrade": "oppdater til nyeste utgave (før appen startes)",
            "current": "vis utgaven",
            "backup": "sikkerhetskopi av en SQLite-database mens appen kjører (--out FIL)",
        },
    )
    p.add_argument("--out", type=Path, help="filen sikkerhetskopien skrives til (backup)")
    p.set_defaults(func=cmd_db)


def cmd_db(args) -> int:
    """``db upgrade``: the schema to the code's migrations, and the register into a new
    database; ``db current``: where the database stands."""
    demo_guard(args, writes=args.action == "upgrade")
    path = sqlite_path(args.db)
    if args.action != "upgrade" and path is not None and not path.is_file():
        raise UserError(f"Databasen finnes ikke ({path})")  # only an upgrade makes a new one
    try:
        engine = create_bare_engine(database_url(args.db))
    except (ArgumentError, ValueError):
        raise UsageError("databasens URL (--db eller IA_DATABASE_URL) kan ikke leses") from None
    label = database_label(args.db)
    try:
        if args.action == "backup":
            return _backup(engine, args)
        if args.action == "current":
            before = schema.state(engine)
            if before.up_to_date:
                say(f"Databasen {label} er på nyeste utgave ({before.head}).")
                return 0
            say(schema.behind_message(before, label))
            return 1
        before, after = schema.migrate(engine)  # where it stood when its turn came
        if before.up_to_date:
            say(f"Databasen {label} er allerede på nyeste utgave ({after}); ingenting endret.")
            return 0
        was = before.current or ("tom" if not before.tables else "uten migreringer")
        say(f"Databasen {label} er oppdatert: {was} → {after}.")
        return 0
    finally:
        engine.dispose()


def _not_the_demo(out: Path) -> None:
    """Refuse a copy written to the demo database's file, or over its journal beside it,
    with or without ``--demo``: the app shows that file to anyone, without sign-in, so a
    real database's copy there would be open to all (and a copy of the demo is no backup
    written over itself)."""
    demo = demo_file()
    taken = {demo.resolve(), *(Path(f"{demo.resolve()}{end}") for end in _SQLITE_FILES)}
    if out.resolve() in taken:
        raise UsageError(
            f"backup skriver ikke til demodatabasen ({demo}) eller filene ved siden av den, "
            "for appen viser den til alle, uten innlogging; velg en annen fil med --out. "
            "Ingenting er endret"
        )


_SQLITE_FILES = ("-wal", "-shm", "-journal")


def _backup(engine, args) -> int:
    """A copy of a SQLite database made with SQLite's online backup (a file copy while the
    app writes can be torn); PostgreSQL has pg_dump. Never to the demo database's file."""
    if args.out is None:
        raise UsageError("backup trenger --out FIL")
    _not_the_demo(args.out)
    if engine.dialect.name != "sqlite":
        raise UserError(
            "backup gjelder SQLite; ta sikkerhetskopi av PostgreSQL med pg_dump "
            f"(se docs/operations.md) ({database_label(args.db)})"
        )
    if args.out.exists():
        raise UserError(f"{args.out} finnes allerede; velg et nytt filnavn")
    done = backup_sqlite(engine, args.out)
    say(
        f"Sikkerhetskopi av {database_label(args.db)} skrevet til {args.out} "
        f"({done.uploads} opplastinger, utgave {done.revision})."
    )
    return 0


def add_seed(sub) -> None:
    """``seed``"""
    p = command(sub, "seed", demo=True)
    p.set_defaults(func=cmd_seed)


def cmd_seed(args) -> int:
    """``seed``: the demo's own workbooks into the database. Allowed on the demo database
    without ``--demo``: it stores only the files that come with the demo."""
    demo_guard(args, writes=False)
    engine = open_engine(args)

    def progress(done: int, total: int, name: str) -> None:
        print("\r", end="", file=sys.stderr)
        say(f"{done}/{total} {name[:60]:60}", end="", err=True)
        sys.stderr.flush()

    results = seed(engine, progress=progress)
    say(err=True)
    stored = sum(1 for r in results if r.status == ImportStatus.STORED)
    same = sum(1 for r in results if r.status == ImportStatus.UNCHANGED)
    rejected = [r for r in results if r.status == ImportStatus.REJECTED]
    say(f"Demodata: {stored} filer lagret, {same} var allerede lagret, {len(rejected)} avvist.")
    for r in rejected:
        say(r.message)
        for p in r.errors:
            say(f"  feil: {p.text}")
    return 1 if rejected else 0
