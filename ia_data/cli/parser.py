"""The command line's parser, in Norwegian, and the options every command takes.

argparse writes a few texts of its own in English: the usage line's prefix, the help
option, the titles of its groups, and the messages of a usage error. ``Parser`` says them
in Norwegian — its own help option and group titles, a formatter with a Norwegian prefix,
and ``error`` translating the messages — without changing argparse for the process."""

from __future__ import annotations

import argparse
import re
import sys
from typing import NoReturn

DB_HELP = "databasens URL (overstyrer IA_DATABASE_URL; standard er demodatabasen)"
DEMO_HELP = "skriv til demodatabasen, som appen viser til alle uten innlogging"

# Every command, in the order the help lists them: its help line and the module that adds
# its parser and runs it (``ia_data.cli.<module>.add_<…>``). Only the module of the command
# given is imported: ``ia-data --help`` loads no database library, ``ia-data history`` no
# exporter.
COMMANDS = {
    "import": ("kontroller og lagre arbeidsbøker", "uploads"),
    "export": ("hent ut en tabell som CSV eller XLSX", "exports"),
    "template": ("lag en tom rapportmal", "exports"),
    "history": ("vis alle opplastinger", "history"),
    "restore": ("gjør en tidligere versjon aktiv igjen", "uploads"),
    "review": ("gjennomgang av rapportene, og videresending", "review"),
    "varsler": ("varsler på e-post: send det som skal ut, vis utboksen", "varsler"),
    "users": ("hvem som kan logge inn, med hvilken rolle", "users"),
    "db": ("databasens skjema (migreringer)", "database"),
    "register": ("rådsregisteret: ny utgave, historikk", "register"),
    "stats": ("statistikk ved siden av aktiviteten (sykefravær)", "stats"),
    "seed": ("last inn demodataene (oppdiktede rapporter)", "database"),
}

# argparse's messages for a usage error (Python 3.11), and how they are said here.
_MESSAGES = [
    (re.compile(english, re.DOTALL), norwegian)
    for english, norwegian in [
        (r"the following arguments are required: (.*)", r"disse argumentene mangler: \1"),
        (r"unrecognized arguments: (.*)", r"ukjente argumenter: \1"),
        (r"ambiguous option: (.*?) could match (.*)", r"tvetydig valg: \1 kan bety \2"),
        (
            r"argument (.*?): invalid choice: (.*) \(choose from (.*)\)",
            r"argument \1: ugyldig valg: \2 (velg blant \3)",
        ),
        (r"argument (.*?): expected one argument", r"argument \1: forventet én verdi"),
        (
            r"argument (.*?): expected at least one argument",
            r"argument \1: forventet minst én verdi",
        ),
        (r"argument (.*?): invalid \w+ value: (.*)", r"argument \1: ugyldig verdi: \2"),
        (r"argument (.*?): ignored explicit argument (.*)", r"argument \1: tar ingen verdi: \2"),
    ]
]


def norwegian(message: str) -> str:
    """An argparse message in Norwegian (one of ours, already Norwegian, as it is)."""
    for english, said in _MESSAGES:
        if found := english.fullmatch(message):
            return found.expand(said)
    return message


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, with the usage line's prefix in Norwegian."""

    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, "bruk: " if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` that speaks Norwegian (so do its subcommands' parsers)."""

    def __init__(self, *args, add_help: bool = True, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, add_help=False, **kwargs)
        # argparse names its two groups when the parser is made; there is no other way in.
        self._positionals.title = "argumenter"
        self._optionals.title = "valg"
        if add_help:
            self.add_argument(
                "-h",
                "--help",
                action="help",
                default=argparse.SUPPRESS,
                help="vis denne hjelpeteksten og avslutt",
            )

    def error(self, message: str) -> NoReturn:
        """A usage error: the usage line and the message, in Norwegian (exit status 2)."""
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: feil: {norwegian(message)}\n")


def command(sub, name: str, *, demo: bool = False) -> Parser:
    """A command's parser, with its help line from ``COMMANDS``: it takes ``--db`` after the
    command too (SUPPRESS keeps it from overwriting a value given before it), and ``--demo``
    if ``demo`` (a command that writes refuses the demo database, no IA_DATABASE_URL,
    without it)."""
    parser = sub.add_parser(name, help=COMMANDS[name][0])
    parser.add_argument("--db", metavar="URL", help=DB_HELP, default=argparse.SUPPRESS)
    if demo:
        parser.add_argument("--demo", action="store_true", help=DEMO_HELP)
    return parser


def one_of(parser: Parser, dest: str, meanings: dict[str, str]) -> None:
    """A positional argument that is one of ``meanings``' keys (an action, a table), its help
    saying what each means."""
    said = "; ".join(f"{name}: {meaning}" for name, meaning in meanings.items())
    parser.add_argument(dest, choices=list(meanings), help=said)


def operand(parser: Parser, dest: str, metavar: str, help: str) -> None:
    """A positional argument some of a command's actions take and others do not (a file, a
    table, a key): optional to argparse, asked for by the action that needs it."""
    parser.add_argument(dest, nargs="?", metavar=metavar, help=help)
