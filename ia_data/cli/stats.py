"""``stats``: statistics series by county and quarter, loaded from a file or StatBank."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from ia_data.cli.common import demo_guard, open_engine, stored_name
from ia_data.cli.parser import command, one_of, operand
from ia_data.cli.terminal import os_reason, say, visible
from ia_data.domain.access import OPERATOR, Actor
from ia_data.domain.errors import UsageError, UserError
from ia_data.domain.formatting import local
from ia_data.ingest.statbank import DEFAULT_TIMEOUT
from ia_data.storage import stats

BY = "operatør (ia-data stats)"  # who loads, when --by names no one


def add_stats(sub) -> None:
    """``stats import|fetch|list|history``"""
    p = command(sub, "stats", demo=True)
    one_of(
        p,
        "action",
        {
            "import": "last en fil (CSV eller JSON-stat 2.0)",
            "fetch": "hent en tabell fra SSBs statistikkbank",
            "list": "seriene",
            "history": "alle lastinger (valgfritt for én nøkkel)",
        },
    )
    operand(
        p,
        "target",
        "FIL|TABELL|NØKKEL",
        "filen (import), tabellnummeret (fetch) eller seriens nøkkel (history)",
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
    demo_guard(args, writes=args.action in ("import", "fetch") and not args.dry_run)
    if args.action in ("import", "fetch") and not args.target:
        what = "en fil" if args.action == "import" else "et tabellnummer"
        raise UsageError(f"stats {args.action} trenger {what}")
    action = {"list": _list, "history": _history, "fetch": _fetch, "import": _import}
    return action[args.action](args)


def _list(args) -> int:
    with Session(open_engine(args, read_only=True)) as session:
        found = stats.series_list(session, scope=OPERATOR)
    if not found:
        say("Ingen statistikkserier er lastet.")
    for info in found:
        _say_series(info)
    return 0


def _history(args) -> int:
    with Session(open_engine(args, read_only=True)) as session:
        found = stats.series_history(session, args.target, scope=OPERATOR)
    if not found:
        say("Ingen statistikk er lastet" + (f" for «{visible(args.target)}»." if args.target
            else "."))  # fmt: skip
    for info in found:
        _say_series(info, history=True)
    return 0


def _fetch(args) -> int:
    if args.timeout is not None and not 0 < args.timeout <= 600:
        raise UsageError("--timeout må være mellom 0 og 600 sekunder")
    result = stats.fetch_stats(
        open_engine(args, read_only=args.dry_run),
        args.target,
        scope=OPERATOR,
        by=Actor(args.by or BY),
        timeout=args.timeout or DEFAULT_TIMEOUT,
        measure=args.measure,
        select=_selections(args.select),
        key=args.key,
        dry_run=args.dry_run,
    )
    return _say_load(result)


def _import(args) -> int:
    path = Path(args.target)
    if not path.is_file():
        raise UserError(f"{args.target}: filen finnes ikke")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"{args.target}: filen kan ikke leses ({os_reason(exc)})") from None
    result = stats.import_stats(
        open_engine(args, read_only=args.dry_run),
        stored_name(path),
        data,
        scope=OPERATOR,
        by=Actor(args.by or BY),
        key=args.key,
        dry_run=args.dry_run,
    )
    return _say_load(result)
