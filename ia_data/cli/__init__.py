"""The ``ia-data`` command line: the same library as the pages, for scripts and admins.

Exit status: 0 on success, 1 when any file or check failed, 2 on a usage error.
Messages are Norwegian; no traceback reaches the user, nor does a control character from
a file or the database reach the terminal (every such line goes through ``say``).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from urllib.parse import quote

from ia_data.cli.parser import COMMANDS, DB_HELP, Parser
from ia_data.cli.terminal import say, visible
from ia_data.domain.errors import UsageError, UserError
from ia_data.ingest.pause import loading_for_good

__all__ = ["build_parser", "command", "main", "say", "visible"]


def build_parser(argv: Sequence[str] | None = None) -> Parser:
    """The parser of ``ia-data``: every command by name and help line, and the whole parser
    (its arguments, its function) of the command ``argv`` names — every command's when
    ``argv`` is None. Only that command's module is imported."""
    parser = Parser(
        prog="ia-data",
        description="IA-rådsoversikt: importer rapporter og hent ut tabeller fra kommandolinjen.",
    )
    parser.add_argument("--db", metavar="URL", help=DB_HELP)
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO", required=True)
    given = None if argv is None else _command_in(argv)
    for name, (help, module) in COMMANDS.items():
        if argv is None or name == given:
            getattr(importlib.import_module(f"ia_data.cli.{module}"), f"add_{name}")(sub)
        else:
            sub.add_parser(name, help=help)
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names: its first word that is not an option (nor ``--db``'s
    value, the option written out or shortened as argparse takes it: ``--d``), if it is a
    command."""
    words = iter(argv)
    for word in words:
        if len(word) > 2 and "--db".startswith(word):
            next(words, None)
        elif not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def command() -> int:
    """The installed ``ia-data`` (and ``python -m ia_data.cli``): ``main`` in a process of its
    own, with the process's arguments.

    Starting, a command loads SQLAlchemy, SQLModel and the models: hundreds of thousands of
    objects that live as long as the process. The command's module is loaded with the cycle
    collector paused and its objects then set aside from its walks (``loading_for_good``:
    the walks were a quarter of ``ia-data history``'s half second).

    ``import`` reads each file in a worker process (``ingest.worker``): started first, the
    worker loads beside the command rather than after it."""
    given = _command_in(sys.argv[1:])
    with loading_for_good():
        if given == "import":
            from ia_data.ingest import worker

            worker.warm_up()
        if given is not None:
            importlib.import_module(f"ia_data.cli.{COMMANDS[given][1]}")
    return main()


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``ia-data`` with ``argv`` (the process's arguments by default); the exit status."""
    try:
        return _run(argv)
    except BrokenPipeError:  # the reader of stdout is gone (``ia-data history | head -1``)
        _drop_stdout()
        return 0


def _run(argv: Sequence[str] | None) -> int:
    """The command, and the one place that says what stopped it: a user error (its message
    and exit status), a failing database, or anything else without a traceback."""
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv)
    try:
        args = parser.parse_args(argv)  # exits with 2 on a usage error
    except SystemExit:
        sys.stdout.flush()  # the help text, while a closed pipe can still be caught
        raise
    try:
        code = args.func(args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        raise
    except UserError as exc:  # said as argparse says a usage error, or as a failed check
        lead = "ia-data: feil" if exc.exit_code == UsageError.exit_code else "Feil"
        say(f"{lead}: {exc}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        say("Avbrutt.", err=True)
        return 1
    except Exception as exc:  # never a traceback in front of a user
        from ia_data.storage.engine import database_label, database_problem

        problem = database_problem(exc, args.db)
        if problem is not None:
            say(f"Feil: {problem}", err=True)
            return 1
        what = _without_password(f"{type(exc).__name__}: {exc}", args.db)
        say(f"ia-data: uventet feil ({what}) – database: {database_label(args.db)}", err=True)
        return 1


def _without_password(text: str, url: str | None) -> str:
    """A message with the database's password, should it hold it, blotted out."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from ia_data.storage.engine import SECRET_PARAMETERS, database_url

    try:
        parsed = make_url(database_url(url))
    except (ArgumentError, ValueError):
        return text
    secrets = [parsed.password] + [
        v for k, v in parsed.query.items() if k.lower() in SECRET_PARAMETERS
    ]
    for secret in (str(s) for s in secrets if s):
        text = text.replace(quote(secret, safe=""), "***").replace(secret, "***")
    return text


def _drop_stdout() -> None:
    """Point stdout at /dev/null: what is still buffered then goes nowhere at exit, instead
    of Python printing "Exception ignored … BrokenPipeError"."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real file behind stdout (a test's capture)
        pass
