"""The ``ia-data`` command line: the same library as the pages, for scripts and admins.

Exit status: 0 on success, 1 when any file or check failed, 2 on a usage error.
Messages are Norwegian; no traceback reaches the user, nor does a control character from
a file or the database reach the terminal (every such line goes through ``say``).
"""

from __future__ import annotations

import argparse
import errno
import os
import re
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlmodel import Session

from ia_data.demo.seed import SeedError, seed
from ia_data.domain.access import OPERATOR, ROLES
from ia_data.domain.formatting import local
from ia_data.domain.kinds import ImportStatus, UploadKind
from ia_data.domain.rules import load_rules
from ia_data.ingest.statbank import DEFAULT_TIMEOUT
from ia_data.output import exports
from ia_data.output.compiled import compiled_report
from ia_data.output.template import build_template
from ia_data.storage import register, schema, stats, users
from ia_data.storage.db import backup_sqlite, get_engine
from ia_data.storage.engine import (
    SECRET_PARAMETERS,
    create_bare_engine,
    database_label,
    database_problem,
    database_url,
    demo_file,
    is_demo_file,
    sqlite_path,
)
from ia_data.storage.models import MAX_ID
from ia_data.storage.register import councils
from ia_data.storage.store import RestoreError, import_file, restore_upload, uploads

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


class Failure(Exception):
    """A command that cannot be done; the message says why, in Norwegian (exit status 1)."""


# What a terminal would act on: control characters (C0, DEL, C1), lone surrogates (a file
# name that is not UTF-8), line and paragraph separators, and bidirectional overrides.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]"
)
_NAMED = {"\n": "\\n", "\r": "\\r"}


def visible(text: object) -> str:
    """Text that is safe to print: a tab becomes a space, and every character a terminal
    would act on is shown as its code (ESC as the four characters ``\\x1b``)."""

    def code(match: re.Match) -> str:
        char = match[0]
        return _NAMED.get(char) or (
            f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"
        )

    return _INVISIBLE.sub(code, str(text).replace("\t", " "))


def say(line: object = "", *, err: bool = False, end: str = "\n") -> None:
    """Print one line that may hold text from a file, a file name or the database."""
    print(visible(line), end=end, file=sys.stderr if err else sys.stdout)


def _date(text: str) -> date:
    """A date as ``ÅÅÅÅ-MM-DD`` or as Norwegians write it, ``dd.mm.åååå``."""
    for parse in (date.fromisoformat, lambda t: datetime.strptime(t, "%d.%m.%Y").date()):
        try:
            return parse(text.strip())
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(
        f"«{visible(text)}» er ikke en dato (ÅÅÅÅ-MM-DD eller dd.mm.åååå)"
    ) from None


_OS_REASONS = {
    errno.ENOENT: "filen eller mappen finnes ikke",
    errno.ENOTDIR: "en del av stien er ikke en mappe",
    errno.EISDIR: "det er en mappe",
    errno.EACCES: "mangler skrivetilgang",
    errno.EPERM: "mangler skrivetilgang",
    errno.EROFS: "filsystemet er skrivebeskyttet",
    errno.ENOSPC: "disken er full",
    errno.EDQUOT: "diskkvoten er brukt opp",
    errno.ENAMETOOLONG: "filnavnet er for langt",
}


def _os_reason(exc: OSError) -> str:
    """Why a file could not be written or made, in Norwegian."""
    known = _OS_REASONS.get(exc.errno)
    return known or f"systemfeil {errno.errorcode.get(exc.errno, exc.errno)}"


def _check_out(out: str) -> None:
    """Refuse an output file that cannot be written, before any work is done."""
    if out == "-":
        return
    path = Path(out)
    folder = path.parent
    if path.is_dir():
        raise Failure(f"Kan ikke skrive {out}: det er en mappe")
    if not folder.exists():
        raise Failure(f"Kan ikke skrive {out}: mappen {folder} finnes ikke")
    if not folder.is_dir():
        raise Failure(f"Kan ikke skrive {out}: {folder} er ikke en mappe")
    if not os.access(path if path.exists() else folder, os.W_OK):
        raise Failure(f"Kan ikke skrive {out}: mangler skrivetilgang")


def _write(data: bytes, out: str) -> None:
    if out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    path = Path(out)
    try:
        file = path.open("wb")
    except OSError as exc:
        raise Failure(f"Kan ikke skrive {out}: {_os_reason(exc)}") from None
    try:
        with file:
            file.write(data)
    except OSError as exc:
        if path.is_file():  # not a device such as /dev/full
            path.unlink(missing_ok=True)  # half a file is a wrong file
        raise Failure(f"Kan ikke skrive {out}: {_os_reason(exc)}") from None
    say(f"Skrev {out} ({len(data):,} byte)".replace(",", " "), err=True)


def _engine(args, read_only: bool = False):
    """The engine of ``--db``, or a Norwegian message on why the database cannot be used."""
    try:
        return get_engine(args.db, read_only=read_only)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise UsageError(
            "databasens URL (--db eller IA_DATABASE_URL) kan ikke leses; "
            "bruk for eksempel sqlite:///sti/til/ia.db"
        ) from None
    except ModuleNotFoundError as exc:
        raise Failure(
            f"Databasedriveren {exc.name} er ikke installert ({database_label(args.db)})"
        ) from None
    except OSError as exc:  # the database's folder could not be made
        raise Failure(
            f"Databasen kan ikke lages: {_os_reason(exc)} ({database_label(args.db)})"
        ) from None
    except schema.SchemaBehind as exc:
        raise Failure(str(exc)) from None


DEMO_REFUSED = (
    "{command} skriver ikke til demodatabasen ({label}) uten --demo, for appen viser den til "
    "alle, uten innlogging. Sett IA_DATABASE_URL (eller --db) til databasen det skal skrives "
    "til, eller legg til --demo for å skrive til demoen; ingenting er endret"
)
DEMO_ONLY = "--demo gjelder bare demodatabasen, og databasen i bruk er {label}; ingenting er endret"


def _demo_guard(args, writes: bool) -> None:
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


def cmd_db(args) -> int:
    """``db upgrade``: the schema to the code's migrations, and the register into a new
    database; ``db current``: where the database stands."""
    _demo_guard(args, writes=args.action == "upgrade")
    path = sqlite_path(args.db)
    if args.action != "upgrade" and path is not None and not path.is_file():
        raise Failure(f"Databasen finnes ikke ({path})")  # only an upgrade makes a new one
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
        try:
            before, after = schema.migrate(engine)  # where it stood when its turn came
        except schema.SchemaBehind as exc:  # made by a newer app: nothing to do here
            say(f"Feil: {exc}", err=True)
            return 1
        if before.up_to_date:
            say(f"Databasen {label} er allerede på nyeste utgave ({after}); ingenting endret.")
            return 0
        was = before.current or ("tom" if not before.tables else "uten migreringer")
        say(f"Databasen {label} er oppdatert: {was} → {after}.")
        return 0
    finally:
        engine.dispose()


def _backup(engine, args) -> int:
    """A copy of a SQLite database made with SQLite's online backup (a file copy while the
    app writes can be torn); PostgreSQL has pg_dump. Never to the demo database's file."""
    if args.out is None:
        raise UsageError("backup trenger --out FIL")
    _not_the_demo(args.out)
    if engine.dialect.name != "sqlite":
        raise Failure(
            "backup gjelder SQLite; ta sikkerhetskopi av PostgreSQL med pg_dump "
            f"(se docs/operations.md) ({database_label(args.db)})"
        )
    if args.out.exists():
        raise Failure(f"{args.out} finnes allerede; velg et nytt filnavn")
    done = backup_sqlite(engine, args.out)
    say(
        f"Sikkerhetskopi av {database_label(args.db)} skrevet til {args.out} "
        f"({done.uploads} opplastinger, utgave {done.revision})."
    )
    return 0


def _stored_name(path: Path) -> str:
    """A file's name as stored: a name that is not UTF-8 keeps its readable part."""
    return path.name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


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
    _demo_guard(args, writes=not args.dry_run)
    engine = _engine(args, read_only=args.dry_run)
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
        say(f"{name}: filen kan ikke leses ({reason or _os_reason(exc)})", err=True)
        return REFUSED
    try:
        result = import_file(
            engine,
            _stored_name(path),
            data,
            scope=OPERATOR,
            uploaded_by=args.by or "",
            dry_run=args.dry_run,
        )
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


EXPORTS_NEEDING_YEAR = ("overview", "compiled")


def _check_year(year: int | None, rules) -> None:
    if year is not None and not rules.periods(year):
        raise UsageError(
            f"{year} er utenfor rapporteringsreglene ({rules.years[0]}–{rules.years[-1]})"
        )


def cmd_export(args) -> int:
    rules = load_rules()
    if args.year is None and args.table in EXPORTS_NEEDING_YEAR:
        raise UsageError(f"disse argumentene mangler: --year (påkrevd for {args.table})")
    _check_year(args.year, rules)
    if args.period is not None:
        if args.table != "compiled":
            raise UsageError("--period gjelder bare den samlede rapporten (compiled)")
        codes = [p.code for p in rules.periods(args.year)]
        if args.period not in codes:
            raise UsageError(
                f"{args.year} har ingen rapportperiode «{visible(args.period)}» "
                f"(periodene er {', '.join(codes)})"
            )
    file_format = args.format or ("xlsx" if args.table == "compiled" else "csv")
    if args.table == "compiled" and file_format != "xlsx":
        raise UsageError("den samlede rapporten finnes bare som xlsx (--format xlsx)")
    as_of = args.as_of or date.today()
    _check_out(args.out)
    engine = _engine(args, read_only=True)
    with Session(engine) as session:
        if args.table == "overview":
            data = exports.overview_export(
                session, args.year, as_of, rules, file_format, scope=OPERATOR
            )
        elif args.table == "deadlines":
            years = [args.year] if args.year is not None else None
            data = exports.deadlines_export(
                session, rules, as_of, file_format, years, scope=OPERATOR
            )
        elif args.table == "activities":
            data = exports.activities_export(session, args.year, file_format, scope=OPERATOR)
        else:
            data = compiled_report(
                session, rules, args.year, as_of, scope=OPERATOR, period=args.period
            )
    _write(data, args.out)
    return 0


def cmd_template(args) -> int:
    _check_year(args.year, load_rules())
    _check_out(args.out)
    engine = _engine(args, read_only=True)
    with Session(engine) as session:
        known = councils(session)
    names = [c.name for c in known if args.year is None or c.exists_in(args.year)]
    _write(build_template(args.year, names), args.out)
    return 0


def cmd_history(args) -> int:
    rows = uploads(_engine(args, read_only=True))
    if not rows:
        say("Ingen opplastinger ennå.")
        return 0
    say(
        f"{'Nr':>4}  {'Tidspunkt':16}  {'Aktiv':5}  {'Råd':28}  {'Periode':8}  "
        f"{'Akt.':>4}  {'Møter':>5}  Fil"
    )
    for r in rows:
        period = f"{r['year']} {r['period']}" if r["period"] else (str(r["year"] or "") or "–")
        council = visible(
            r["council_name"] or ("Tildelinger" if r["kind"] == UploadKind.ALLOCATION else "")
        )
        say(
            f"{r['id']:>4}  {local(r['uploaded_at']):%d.%m.%Y %H:%M}  "
            f"{'ja' if r['active'] else 'nei':5}  "
            f"{council[:28]:28}  {period:8}  {r['activity_count']:>4}  {r['meeting_count']:>5}  "
            f"{r['file_name']}" + (f"  ({r['uploaded_by']})" if r["uploaded_by"] else "")
        )
    return 0


def cmd_restore(args) -> int:
    _demo_guard(args, writes=True)
    try:
        if not 0 < args.upload_id <= MAX_ID:
            raise RestoreError(f"Opplasting nr. {args.upload_id} finnes ikke")
        say(
            restore_upload(_engine(args), args.upload_id, scope=OPERATOR, restored_by=args.by or "")
        )
    except RestoreError as exc:
        say(f"Feil: {exc}", err=True)
        return 1
    return 0


def _council_id(text: str, known) -> int:
    """A council named on the command line: by its number, or by (a part of) its name."""
    wanted = text.strip().casefold()
    by_number = [c for c in known if str(c.id) == wanted]
    if by_number:
        return by_number[0].id
    exact = [c for c in known if c.name.casefold() == wanted]
    found = exact or [c for c in known if wanted and wanted in c.name.casefold()]
    if len(found) != 1:
        names = ", ".join(f"{c.id} {c.name}" for c in known)
        what = "er ikke entydig" if found else "finnes ikke"
        raise UsageError(f"IA-rådet «{visible(text)}» {what}; velg blant: {names}")
    return found[0].id


def cmd_users(args) -> int:
    """``users list|add|remove|unbind``: the users and their roles, as on the page
    «Tilgang»; ``unbind`` clears a user's binding to the provider's account."""
    _demo_guard(args, writes=args.action != "list")
    by = args.by or "operatør (ia-data users)"
    if args.action != "list" and not args.email:
        raise UsageError(f"users {args.action} trenger en e-postadresse")
    if args.action == "add" and not args.role:
        raise UsageError("users add trenger --role (admin, oversikt eller sekretariat)")
    engine = _engine(args, read_only=args.action == "list")
    try:
        if args.action == "list":
            with Session(engine) as session:
                rows = users.users(session, scope=OPERATOR)
            if not rows:
                say("Ingen brukere ennå (administratorer fra IA_ADMIN_EMAILS legges til når de "
                    "logger inn første gang).")  # fmt: skip
            for row in rows:
                where = f"  ({', '.join(row.councils)})" if row.councils else ""
                name = f"  {visible(row.name)}" if row.name else ""
                bound = "  [konto knyttet]" if row.bound else ""
                bound += "" if row.reachable else f"  [{users.UNREACHABLE}]"
                say(f"{row.email:40}  {row.role:12}{name}{where}{bound}")
            return 0
        if args.action == "add":
            with Session(engine) as session:
                known = councils(session)
            ids = [_council_id(text, known) for text in args.council]
            say(
                users.set_user(
                    engine, args.email, args.role, ids, name=args.name, by=by, scope=OPERATOR
                )
            )
        elif args.action == "unbind":
            say(users.clear_subject(engine, args.email, by=by, scope=OPERATOR))
        else:
            say(users.remove_user(engine, args.email, by=by, scope=OPERATOR))
    except users.AccessError as exc:
        say(f"Feil: {exc}", err=True)
        return 1
    return 0


def cmd_register(args) -> int:
    """``register load FIL``: a new version of the council register, its changes shown and
    (unless ``--dry-run``) taken into use; ``register history``: the versions taken."""
    _demo_guard(args, writes=args.action == "load" and not args.dry_run)
    engine = _engine(args, read_only=args.action == "history" or args.dry_run)
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
        reason = _os_reason(exc) if isinstance(exc, OSError) else "ikke UTF-8"
        raise Failure(f"{args.file}: filen kan ikke leses ({reason})") from None
    by = args.by or "operatør (ia-data register)"
    try:
        change = register.load_new_register(
            engine, text, path.name, by=by, scope=OPERATOR, dry_run=args.dry_run
        )
    except register.RegisterError as exc:
        say(f"Feil: {exc}", err=True)
        return 1
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


def _selections(texts: list[str]) -> dict[str, list[str]]:
    """``--select Kjonn=0`` as ``{"Kjonn": ["0"]}``."""
    chosen: dict[str, list[str]] = {}
    for text in texts:
        code, equals, value = text.partition("=")
        if not equals or not code.strip() or not value.strip():
            raise UsageError(f"--select «{visible(text)}» skal skrives VARIABEL=VERDI")
        chosen.setdefault(code.strip(), []).append(value.strip())
    return chosen


def _say_load(result: stats.LoadResult) -> int:
    if result.ok:
        say(result.message)
        return 0
    if len(result.problems) > 1:
        say(
            f"{result.file_name}: ikke lastet – {len(result.problems)} feil; ingenting er lagret",
            err=True,
        )
        for problem in result.problems:
            say(f"  feil: {problem}", err=True)
    else:
        say(result.message, err=True)
    return 1


def _say_series(info: stats.SeriesInfo, history: bool = False) -> None:
    when = f"{local(info.loaded_at):%d.%m.%Y %H:%M}"
    if history:
        state = "aktiv" if info.active else "erstattet"
        say(
            f"{when}  {state:9}  {info.key}  {info.file_name}  ({info.loaded_by or '–'}), "
            f"{info.observations} verdier"
        )
        return
    say(f"{info.key}: {info.name}")
    say(f"  mål: {info.measure}" + (f" ({info.unit})" if info.unit else ""))
    say(f"  perioder: {info.span or '–'} ({info.period_kind}), {info.counties} fylker, "
        f"{info.observations} verdier")  # fmt: skip
    say(f"  kilde: {info.source}")
    say(f"  lastet {when} av {info.loaded_by or '–'} fra {info.file_name}")


def cmd_stats(args) -> int:
    """``stats import FIL``, ``stats fetch TABELL``: a statistics series by county and quarter
    loaded (docs/statistikk.md); ``stats list``: the series; ``stats history``: every load."""
    _demo_guard(args, writes=args.action in ("import", "fetch") and not args.dry_run)
    by = args.by or "operatør (ia-data stats)"
    if args.action in ("import", "fetch") and not args.target:
        what = "en fil" if args.action == "import" else "et tabellnummer"
        raise UsageError(f"stats {args.action} trenger {what}")
    if args.action == "list":
        with Session(_engine(args, read_only=True)) as session:
            found = stats.series_list(session, scope=OPERATOR)
        if not found:
            say("Ingen statistikkserier er lastet.")
        for info in found:
            _say_series(info)
        return 0
    if args.action == "history":
        with Session(_engine(args, read_only=True)) as session:
            found = stats.series_history(session, args.target, scope=OPERATOR)
        if not found:
            say("Ingen statistikk er lastet" + (f" for «{visible(args.target)}»." if args.target
                else "."))  # fmt: skip
        for info in found:
            _say_series(info, history=True)
        return 0
    if args.action == "fetch":
        if args.timeout is not None and not 0 < args.timeout <= 600:
            raise UsageError("--timeout må være mellom 0 og 600 sekunder")
        result = stats.fetch_stats(
            _engine(args, read_only=args.dry_run),
            args.target,
            scope=OPERATOR,
            by=by,
            timeout=args.timeout or DEFAULT_TIMEOUT,
            measure=args.measure,
            select=_selections(args.select),
            key=args.key,
            dry_run=args.dry_run,
        )
        return _say_load(result)
    path = Path(args.target)
    if not path.is_file():
        raise Failure(f"{args.target}: filen finnes ikke")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Failure(f"{args.target}: filen kan ikke leses ({_os_reason(exc)})") from None
    result = stats.import_stats(
        _engine(args, read_only=args.dry_run),
        _stored_name(path),
        data,
        scope=OPERATOR,
        by=by,
        key=args.key,
        dry_run=args.dry_run,
    )
    return _say_load(result)


def cmd_seed(args) -> int:
    """``seed``: the demo's own workbooks into the database. Allowed on the demo database
    without ``--demo``: it stores only the files that come with the demo."""
    _demo_guard(args, writes=False)
    engine = _engine(args)

    def progress(done: int, total: int, name: str) -> None:
        print("\r", end="", file=sys.stderr)
        say(f"{done}/{total} {name[:60]:60}", end="", err=True)
        sys.stderr.flush()

    try:
        results = seed(engine, progress=progress)
    except SeedError as exc:
        say(f"Feil: {exc}", err=True)
        return 1
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


def build_parser() -> argparse.ArgumentParser:
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
    parser = argparse.ArgumentParser(
        prog="ia-data",
        description="IA-rådsoversikt: importer rapporter og hent ut tabeller fra kommandolinjen.",
    )
    parser.add_argument("--db", metavar="URL", help=db_help)
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO", required=True)

    p = sub.add_parser("import", parents=[common, demo], help="kontroller og lagre arbeidsbøker")
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
    p.add_argument(
        "--period",
        metavar="PERIODE",
        help="compiled: bare ett halvår (H1 eller H2) i år med halvårlig rapportering",
    )
    p.add_argument("--out", required=True, metavar="FIL", help="filnavn, eller - for stdout")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("template", parents=[common], help="lag en tom rapportmal")
    p.add_argument("--out", required=True, metavar="FIL")
    p.add_argument("--year", type=int, metavar="ÅR", help="året malen gjelder (periodeliste)")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("history", parents=[common], help="vis alle opplastinger")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser(
        "restore", parents=[common, demo], help="gjør en tidligere versjon aktiv igjen"
    )
    p.add_argument("upload_id", type=int, metavar="OPPLASTING_NR")
    p.add_argument("--by", metavar="NAVN", help="hvem som gjenoppretter (lagres i historikken)")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser(
        "users", parents=[common, demo], help="hvem som kan logge inn, med hvilken rolle"
    )
    p.add_argument(
        "action",
        choices=["list", "add", "remove", "unbind"],
        help="list: alle brukere; add: legg til eller endre en bruker; remove: ta bort tilgangen; "
        "unbind: fjern koblingen til kontoen hos innloggingstjenesten (kontoen er byttet ut)",
    )
    p.add_argument("email", nargs="?", metavar="E-POST", help="brukerens e-postadresse")
    p.add_argument("--role", choices=list(ROLES), help="rollen (add)")
    p.add_argument(
        "--council",
        action="append",
        default=[],
        metavar="RÅD",
        help="et IA-råd sekretariatet rapporterer for, ved navn eller nr. (add; kan gjentas)",
    )
    p.add_argument("--name", metavar="NAVN", help="brukerens navn (add)")
    p.add_argument("--by", metavar="NAVN", help="hvem som gjør endringen (standard: operatør)")
    p.set_defaults(func=cmd_users)

    p = sub.add_parser("db", parents=[common, demo], help="databasens skjema (migreringer)")
    p.add_argument(
        "action",
        choices=["upgrade", "current", "backup"],
        help="upgrade: oppdater til nyeste utgave (før appen startes); current: vis utgaven; "
        "backup: sikkerhetskopi av en SQLite-database mens appen kjører (--out FIL)",
    )
    p.add_argument("--out", type=Path, help="filen sikkerhetskopien skrives til (backup)")
    p.set_defaults(func=cmd_db)

    p = sub.add_parser(
        "register", parents=[common, demo], help="rådsregisteret: ny utgave, historikk"
    )
    p.add_argument(
        "action",
        choices=["load", "history"],
        help="load: ta i bruk en ny registerfil; history: utgavene som er tatt i bruk",
    )
    p.add_argument(
        "file",
        nargs="?",
        metavar="FIL",
        help="registerfilen (TOML, som ia_data/domain/register.toml)",
    )
    p.add_argument("--dry-run", action="store_true", help="bare vis endringene")
    p.add_argument("--by", metavar="NAVN", help="hvem som gjør endringen")
    p.set_defaults(func=cmd_register)

    p = sub.add_parser(
        "stats", parents=[common, demo], help="statistikk ved siden av aktiviteten (sykefravær)"
    )
    p.add_argument(
        "action",
        choices=["import", "fetch", "list", "history"],
        help="import: last en fil (CSV eller JSON-stat 2.0); fetch: hent en tabell fra SSBs "
        "statistikkbank; list: seriene; history: alle lastinger (valgfritt for én nøkkel)",
    )
    p.add_argument(
        "target",
        nargs="?",
        metavar="FIL|TABELL|NØKKEL",
        help="filen (import), tabellnummeret (fetch) eller seriens nøkkel (history)",
    )
    p.add_argument("--by", metavar="NAVN", help="hvem som laster (lagres i historikken)")
    p.add_argument("--key", metavar="NØKKEL", help="seriens nøkkel (standard: fra filen)")
    p.add_argument("--dry-run", action="store_true", help="bare kontroller, lagre ingenting")
    p.add_argument(
        "--timeout",
        type=float,
        metavar="SEK",
        help=f"fetch: gi opp etter så mange sekunder (standard {DEFAULT_TIMEOUT:g})",
    )
    p.add_argument(
        "--measure", metavar="KODE", help="fetch: statistikkvariabelen (ContentsCode) å hente"
    )
    p.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="VARIABEL=VERDI",
        help="fetch: verdien for en annen variabel, som Kjonn=0 (kan gjentas)",
    )
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser(
        "seed",
        parents=[common, demo],
        help="last inn demodataene (oppdiktede rapporter)",
    )
    p.set_defaults(func=cmd_seed)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _run(argv)
    except BrokenPipeError:  # the reader of stdout is gone (``ia-data history | head -1``)
        _drop_stdout()
        return 0


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
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
    except UsageError as exc:
        say(f"ia-data: feil: {exc}", err=True)
        return 2
    except Failure as exc:
        say(f"Feil: {exc}", err=True)
        return 1
    except KeyboardInterrupt:
        say("Avbrutt.", err=True)
        return 1
    except Exception as exc:  # never a traceback in front of a user
        problem = database_problem(exc, args.db)
        if problem is not None:
            say(f"Feil: {problem}", err=True)
            return 1
        what = _without_password(f"{type(exc).__name__}: {exc}", args.db)
        say(f"ia-data: uventet feil ({what}) – database: {database_label(args.db)}", err=True)
        return 1


def _without_password(text: str, url: str | None) -> str:
    """A message with the database's password, should it hold it, blotted out."""
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


if __name__ == "__main__":
    sys.exit(main())
