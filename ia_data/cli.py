"""The ``ia-data`` command line: the same library as the pages, for scripts and admins.

Exit status: 0 on success, 1 when any file or check failed, 2 on a usage error.
Messages are Norwegian; no traceback reaches the user.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sqlmodel import Session

from . import exports
from .db import database_url, get_engine, is_demo
from .formatting import local
from .rules import load_rules
from .store import REJECTED, RestoreError, import_file, restore_upload, uploads

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


class UsageError(Exception):
    """Wrong use of the command (exit status 2)."""


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"«{text}» er ikke en dato (ÅÅÅÅ-MM-DD)") from None


def _write(data: bytes, out: str) -> None:
    if out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        Path(out).write_bytes(data)
        print(f"Skrev {out} ({len(data):,} byte)".replace(",", " "), file=sys.stderr)


def cmd_import(args) -> int:
    engine = get_engine(args.db)
    failed = False
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            print(f"{name}: filen finnes ikke", file=sys.stderr)
            failed = True
            continue
        result = import_file(
            engine, path.name, path.read_bytes(), uploaded_by=args.by or "", dry_run=args.dry_run
        )
        print(result.message)
        for note in result.notes:
            print(f"  merk: {note}")
        for problem in result.parsed.problems:
            label = "feil" if problem.severity == "feil" else "advarsel"
            print(f"  {label}: {problem.text}")
        failed = failed or result.status == REJECTED
    return 1 if failed else 0


EXPORTS_NEEDING_YEAR = ("overview", "compiled")


def cmd_export(args) -> int:
    rules = load_rules()
    if args.year is None and args.table in EXPORTS_NEEDING_YEAR:
        raise UsageError(f"disse argumentene mangler: --year (påkrevd for {args.table})")
    if args.year is not None and not rules.periods(args.year):
        raise UsageError(
            f"{args.year} er utenfor rapporteringsreglene ({rules.years[0]}–{rules.years[-1]})"
        )
    file_format = args.format or ("xlsx" if args.table == "compiled" else "csv")
    if args.table == "compiled" and file_format != "xlsx":
        raise UsageError("den samlede rapporten finnes bare som xlsx (--format xlsx)")
    as_of = args.as_of or date.today()
    engine = get_engine(args.db)
    with Session(engine) as session:
        if args.table == "overview":
            data = exports.overview_export(session, args.year, as_of, rules, file_format)
        elif args.table == "deadlines":
            years = [args.year] if args.year is not None else None
            data = exports.deadlines_export(session, rules, as_of, file_format, years)
        elif args.table == "activities":
            data = exports.activities_export(session, args.year, file_format)
        else:
            from .compiled import compiled_report

            data = compiled_report(session, rules, args.year, as_of)
    _write(data, args.out)
    return 0


def cmd_template(args) -> int:
    from .register import councils
    from .template import build_template

    engine = get_engine(args.db)
    with Session(engine) as session:
        names = [c.name for c in councils(session) if args.year is None or c.exists_in(args.year)]
    _write(build_template(args.year, names), args.out)
    return 0


def cmd_history(args) -> int:
    engine = get_engine(args.db)
    rows = uploads(engine)
    if not rows:
        print("Ingen opplastinger ennå.")
        return 0
    print(
        f"{'Nr':>4}  {'Tidspunkt':16}  {'Aktiv':5}  {'Råd':28}  {'Periode':8}  "
        f"{'Akt.':>4}  {'Møter':>5}  Fil"
    )
    for r in rows:
        period = f"{r['year']} {r['period']}" if r["period"] else (str(r["year"] or "") or "–")
        council = r["council_name"] or ("Tildelinger" if r["kind"] == "tildeling" else "")
        print(
            f"{r['id']:>4}  {local(r['uploaded_at']):%d.%m.%Y %H:%M}  "
            f"{'ja' if r['active'] else 'nei':5}  "
            f"{council[:28]:28}  {period:8}  {r['activity_count']:>4}  {r['meeting_count']:>5}  "
            f"{r['file_name']}" + (f"  ({r['uploaded_by']})" if r["uploaded_by"] else "")
        )
    return 0


def cmd_restore(args) -> int:
    engine = get_engine(args.db)
    try:
        print(restore_upload(engine, args.upload_id))
    except RestoreError as exc:
        print(f"Feil: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_seed(args) -> int:
    from .seed import SeedError, seed

    engine = get_engine(args.db)

    def progress(done: int, total: int, name: str) -> None:
        print(f"\r{done}/{total} {name[:60]:60}", end="", file=sys.stderr, flush=True)

    try:
        results = seed(engine, progress=progress)
    except SeedError as exc:
        print(f"Feil: {exc}", file=sys.stderr)
        return 1
    print(file=sys.stderr)
    stored = sum(1 for r in results if r.status == "lagret")
    same = sum(1 for r in results if r.status == "uendret")
    rejected = [r for r in results if r.status == REJECTED]
    print(f"Demodata: {stored} filer lagret, {same} var allerede lagret, {len(rejected)} avvist.")
    for r in rejected:
        print(r.message)
        for p in r.errors:
            print(f"  feil: {p.text}")
    return 1 if rejected else 0


def build_parser() -> argparse.ArgumentParser:
    db_help = "databasens URL (overstyrer IA_DATABASE_URL; standard er demodatabasen)"
    # --db is accepted before and after the command; SUPPRESS keeps the subcommand's
    # parser from overwriting a value given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="URL", help=db_help, default=argparse.SUPPRESS)
    parser = argparse.ArgumentParser(
        prog="ia-data",
        description="IA-rådsoversikt: importer rapporter og hent ut tabeller fra kommandolinjen.",
    )
    parser.add_argument("--db", metavar="URL", help=db_help)
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO", required=True)

    p = sub.add_parser("import", parents=[common], help="kontroller og lagre arbeidsbøker")
    p.add_argument("files", nargs="+", metavar="FIL", help="rapport- eller tildelingsarbeidsbok")
    p.add_argument("--dry-run", action="store_true", help="bare kontroller, lagre ingenting")
    p.add_argument("--by", metavar="NAVN", help="hvem som sender inn (lagres med opplastingen)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", parents=[common], help="hent ut en tabell som CSV eller XLSX")
    p.add_argument(
        "table",
        choices=["overview", "deadlines", "activities", "compiled"],
        help="overview: oversikten for et år; deadlines: fristene (alle år uten --year); "
        "activities: aktivitetslisten (alle år uten --year); compiled: den samlede "
        "rapporten for et år (bare xlsx)",
    )
    p.add_argument("--year", type=int, metavar="ÅR", help="året (påkrevd for overview og compiled)")
    p.add_argument("--as-of", type=_date, metavar="DATO", help="status per dato (standard: i dag)")
    p.add_argument(
        "--format",
        choices=["csv", "xlsx"],
        help="filformat (standard: csv; xlsx for compiled)",
    )
    p.add_argument("--out", required=True, metavar="FIL", help="filnavn, eller - for stdout")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("template", parents=[common], help="lag en tom rapportmal")
    p.add_argument("--out", required=True, metavar="FIL")
    p.add_argument("--year", type=int, metavar="ÅR", help="året malen gjelder (periodeliste)")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("history", parents=[common], help="vis alle opplastinger")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("restore", parents=[common], help="gjør en tidligere versjon aktiv igjen")
    p.add_argument("upload_id", type=int, metavar="OPPLASTING_NR")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("seed", parents=[common], help="last inn demodataene fra sample_data/")
    p.set_defaults(func=cmd_seed)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # exits with 2 on a usage error
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"ia-data: feil: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Avbrutt.", file=sys.stderr)
        return 1
    except Exception as exc:  # never a traceback in front of a user
        where = "demodatabasen" if is_demo(getattr(args, "db", None)) else database_url(args.db)
        print(
            f"ia-data: uventet feil ({type(exc).__name__}: {exc}) – database: {where}",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
