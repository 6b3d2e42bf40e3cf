"""The command line's parser, in Norwegian, and the options every command takes."""

from __future__ import annotations

import argparse

_ARGPARSE_NO = {
    "usage: ": "bruk: ",
    "the following arguments are required: %s": "disse argumentene mangler: %s",
    "unrecognized arguments: %s": "ukjente argumenter: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ugyldig valg: %(value)r "
    "(velg blant %(choices)s)",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s: %(message)s",
    "expected one argument": "forventet én verdi",
    "invalid %(type)s value: %(value)r": "ugyldig verdi: %(value)r",
    "show this help message and exit": "vis denne hjelpeteksten og avslutt",
    "positional arguments": "argumenter",
    "options": "valg",
    "%(prog)s: error: %(message)s\n": "%(prog)s: feil: %(message)s\n",
}


def _translate(message: str) -> str:
    return _ARGPARSE_NO.get(message, message)


argparse._ = _translate  # argparse looks its messages up through this name at run time


def parents() -> tuple[argparse.ArgumentParser, argparse.ArgumentParser, str]:
    """The options of the commands: ``--db`` (all), ``--demo`` (those that write)."""
    db_help = "databasens URL (overstyrer IA_DATABASE_URL; standard er demodatabasen)"
    # --db is accepted before and after the command; SUPPRESS keeps the subcommand's
    # parser from overwriting a value given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="URL", help=db_help, default=argparse.SUPPRESS)
    # A command that writes refuses the demo database (no IA_DATABASE_URL) without --demo.
    demo = argparse.ArgumentParser(add_help=False)
    demo.add_argument(
        "--demo",
        action="store_true",
        help="skriv til demodatabasen, som appen viser til alle uten innlogging",
    )
    return common, demo, db_help
