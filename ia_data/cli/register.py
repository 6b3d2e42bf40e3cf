"""``register``: a new version of the council register, and the versions taken into use."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from ia_data.cli.common import demo_guard, open_engine
from ia_data.cli.parser import command, one_of, operand
from ia_data.cli.terminal import os_reason, say, visible
from ia_data.domain.access import OPERATOR, Actor
from ia_data.domain.errors import UsageError, UserError
from ia_data.domain.formatting import local
from ia_data.storage import register


def add_register(sub) -> None:
    """``register load|history``"""
    p = command(sub, "register", demo=True)
    one_of(
        p,
        "action",
        {"load": "ta i bruk en ny registerfil", "history": "utgavene som er tatt i bruk"},
    )
    operand(p, "file", "FIL", "registerfilen (TOML, som ia_data/domain/register.toml)")
    p.add_argument("--dry-run", action="store_true", help="bare vis endringene")
    p.add_argument("--by", metavar="NAVN", help="hvem som gjør endringen")
    p.set_defaults(func=cmd_register)


def cmd_register(args) -> int:
    """``register load FIL``: a new version of the council register, its changes shown and
    (unless ``--dry-run``) taken into use; ``register history``: the versions taken."""
    demo_guard(args, writes=args.action == "load" and not args.dry_run)
    engine = open_engine(args, read_only=args.action == "history" or args.dry_run)
    if args.action == "history":
        with Session(engine) as session:
            versions = register.register_history(session, scope=OPERATOR)
        if not versions:
            say("Registeret er ikke endret siden databasen ble laget.")
        for v in versions:
            when = f"{local(v.loaded_at):%d.%m.%Y %H:%M}"
            say(f"{when}  {visible(v.file_name)}  ({visible(v.loaded_by)})")
            for line in v.summary.splitlines():
                say(f"  {visible(line)}")
        return 0
    if not args.file:
        raise UsageError("register load trenger en registerfil")
    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = os_reason(exc) if isinstance(exc, OSError) else "ikke UTF-8"
        raise UserError(f"{args.file}: filen kan ikke leses ({reason})") from None
    by = Actor(args.by or "operatør (ia-data register)")
    change = register.load_new_register(
        engine, text, path.name, by=by, scope=OPERATOR, dry_run=args.dry_run
    )
    if change.empty:
        say("Registeret er det samme som det som er i bruk; ingenting er endret.")
        return 0
    for line in change.lines:
        say(visible(line))
    say(
        "Kontrollert; ikke tatt i bruk (--dry-run)."
        if args.dry_run
        else "Registeret er tatt i bruk."
    )
    return 0
