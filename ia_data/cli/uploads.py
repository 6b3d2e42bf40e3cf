"""``import`` and ``restore``: workbooks checked and stored, an earlier version made active
again."""

from __future__ import annotations

import errno
from pathlib import Path

from sqlmodel import Session

from ia_data import settings
from ia_data.cli.common import demo_guard, open_engine, stored_name
from ia_data.cli.parser import command
from ia_data.cli.terminal import os_reason, say
from ia_data.domain.access import OPERATOR, Actor
from ia_data.domain.kinds import ImportStatus
from ia_data.storage.engine import database_problem
from ia_data.storage.models import MAX_ID
from ia_data.storage.store import RestoreError, import_file, restore_upload


def add_import(sub) -> None:
    """``import FIL…``"""
    p = command(sub, "import", demo=True)
    p.add_argument("files", nargs="+", metavar="FIL", help="rapport- eller tildelingsarbeidsbok")
    p.add_argument("--dry-run", action="store_true", help="bare kontroller, lagre ingenting")
    p.add_argument("--by", metavar="NAVN", help="hvem som sender inn (lagres med opplastingen)")
    p.add_argument(
        "--historisk",
        action="store_true",
        help="tidligere rapporter: datoen «Innsendt» i hver fil blir kvitteringen (oppgitt, "
        "ikke registrert av appen), og rapporten regnes som godkjent før gjennomgang ble "
        "innført; en fil uten «Innsendt» avvises",
    )
    p.set_defaults(func=cmd_import)


# What became of each file of an import, as the summary of a stopped import names it.
STORED, KNOWN, CHECKED, REFUSED = "lagret", "lagret fra før", "kontrollert", "avvist"
FAILED, NOT_TRIED = "feilet", "ikke forsøkt"
_OUTCOMES = {
    ImportStatus.STORED: STORED,
    ImportStatus.UNCHANGED: KNOWN,
    ImportStatus.CHECKED: CHECKED,
    ImportStatus.REJECTED: REFUSED,
}


def cmd_import(args) -> int:
    """Each file checked and stored in its own transaction. A database that fails stops
    the import (the next file would fail alike), naming what became of every file."""
    demo_guard(args, writes=not args.dry_run)
    engine = open_engine(args, read_only=args.dry_run)
    outcomes: list[tuple[str, str]] = []
    for name in args.files:
        outcomes.append((name, _import_one(engine, args, name)))
        if outcomes[-1][1] == FAILED:
            if len(args.files) > 1:  # one file: its line has said it all
                _say_stopped(outcomes, args.files[len(outcomes) :])
            return 1
    return 1 if any(outcome == REFUSED for _, outcome in outcomes) else 0


def _import_one(engine, args, name: str) -> str:
    """One file of ``import``: read, checked, stored; what became of it (``FAILED``: the
    database failed, and said so)."""
    path = Path(name)
    if not path.is_file():
        say(f"{name}: filen finnes ikke", err=True)
        return REFUSED
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = "mangler lesetilgang" if exc.errno in (errno.EACCES, errno.EPERM) else None
        say(f"{name}: filen kan ikke leses ({reason or os_reason(exc)})", err=True)
        return REFUSED
    try:
        rules = settings.current().rules()
        result = import_file(
            engine,
            stored_name(path),
            data,
            scope=OPERATOR,
            by=Actor(args.by or ""),
            dry_run=args.dry_run,
            rules=rules,
            historical=args.historisk,
        )
        if args.dry_run and result.ok:  # what needs attention once stored, as on Last opp
            # the reporting queries, imported here: ``history`` and a stored import need none
            from ia_data.reporting.deviations import file_deviations, warning_text

            with Session(engine) as session:
                found = file_deviations(session, result.parsed, rules, scope=OPERATOR)
            for deviation in found:
                result.parsed.warn(warning_text(deviation))
    except Exception as exc:
        problem = database_problem(exc, args.db)
        if problem is None:
            raise
        say(f"{path.name}: ikke lagret – {problem}", err=True)
        return FAILED
    say(result.message)
    for note in result.notes:
        say(f"  merk: {note}")
    for problem in result.parsed.problems:
        if problem.text in result.message:  # the one error, said on the line above
            continue
        say(f"  {problem.severity}: {problem.text}")
    return _OUTCOMES[result.status]


def _say_stopped(outcomes: list[tuple[str, str]], rest: list[str]) -> None:
    """An import the database stopped: every file, with what became of it."""
    say("Importen stoppet fordi databasen feilet. Slik gikk det med filene:", err=True)
    for name, outcome in [*outcomes, *((name, NOT_TRIED) for name in rest)]:
        say(f"  {outcome}: {name}", err=True)
    say(
        "Kjør den samme kommandoen igjen når databasen virker: en fil som alt er lagret, "
        "lagres ikke på nytt.",
        err=True,
    )


def add_restore(sub) -> None:
    """``restore OPPLASTING_NR``"""
    p = command(sub, "restore", demo=True)
    p.add_argument("upload_id", type=int, metavar="OPPLASTING_NR")
    p.add_argument("--by", metavar="NAVN", help="hvem som gjenoppretter (lagres i historikken)")
    p.set_defaults(func=cmd_restore)


def cmd_restore(args) -> int:
    demo_guard(args, writes=True)
    if not 0 < args.upload_id <= MAX_ID:
        raise RestoreError(f"Opplasting nr. {args.upload_id} finnes ikke")
    engine = open_engine(args)
    say(restore_upload(engine, args.upload_id, scope=OPERATOR, by=Actor(args.by or "")))
    return 0
