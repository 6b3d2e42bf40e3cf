"""What every command shares: the database it opens, and the demo's guard."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import ArgumentError

from ia_data.cli.terminal import os_reason
from ia_data.domain.errors import UsageError, UserError
from ia_data.storage.db import get_engine
from ia_data.storage.engine import database_label, is_demo_file


def open_engine(args, read_only: bool = False):
    """The engine of ``--db``, or a Norwegian message on why the database cannot be used."""
    try:
        return get_engine(args.db, read_only=read_only)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise UsageError(
            "databasens URL (--db eller IA_DATABASE_URL) kan ikke leses; "
            "bruk for eksempel sqlite:///sti/til/ia.db"
        ) from None
    except ModuleNotFoundError as exc:
        raise UserError(
            f"Databasedriveren {exc.name} er ikke installert ({database_label(args.db)})"
        ) from None
    except OSError as exc:  # the database's folder could not be made
        raise UserError(
            f"Databasen kan ikke lages: {os_reason(exc)} ({database_label(args.db)})"
        ) from None


DEMO_REFUSED = (
    "{command} skriver ikke til demodatabasen ({label}) uten --demo, for appen viser den til "
    "alle, uten innlogging. Sett IA_DATABASE_URL (eller --db) til databasen det skal skrives "
    "til, eller legg til --demo for å skrive til demoen; ingenting er endret"
)
DEMO_ONLY = "--demo gjelder bare demodatabasen, og databasen i bruk er {label}; ingenting er endret"


def demo_guard(args, writes: bool) -> None:
    """Refuse, before the database is opened, a write to the demo database without
    ``--demo`` (the app serves it to anyone, without sign-in: a real file stored there is
    shown to all), and ``--demo`` with any other database (the write would not go where
    the operator thinks)."""
    demo = is_demo_file(args.db)
    if getattr(args, "demo", False) and not demo:
        raise UsageError(DEMO_ONLY.format(label=database_label(args.db)))
    if writes and demo and not getattr(args, "demo", False):
        command = " ".join(filter(None, [args.command, getattr(args, "action", None)]))
        raise UsageError(DEMO_REFUSED.format(command=command, label=database_label(args.db)))


def stored_name(path: Path) -> str:
    """A file's name as stored: a name that is not UTF-8 keeps its readable part."""
    return path.name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
