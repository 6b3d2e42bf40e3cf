"""``export`` and ``template``: tables as CSV or XLSX, the compiled report, a blank
report workbook."""

from __future__ import annotations

import argparse
from datetime import date, datetime

from sqlmodel import Session

from ia_data import settings
from ia_data.cli.common import open_engine
from ia_data.cli.parser import command, one_of
from ia_data.cli.terminal import check_out, visible, write_out
from ia_data.domain.access import OPERATOR
from ia_data.domain.errors import UsageError
from ia_data.domain.formatting import today
from ia_data.output import exports
from ia_data.output.compiled import compiled_report
from ia_data.output.plan_template import build_plan_template
from ia_data.output.template import build_template
from ia_data.storage.register import councils


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


def add_export(sub) -> None:
    """``export TABELL``"""
    p = command(sub, "export")
    one_of(
        p,
        "table",
        {
            "overview": "oversikten for et år",
            "deadlines": "fristene (alle år uten --year)",
            "activities": "aktivitetslisten (alle år uten --year)",
            "compiled": "den samlede rapporten for et år (xlsx eller pdf)",
        },
    )
    p.add_argument("--year", type=int, metavar="ÅR", help="året (påkrevd for overview og compiled)")
    p.add_argument("--as-of", type=_date, metavar="DATO", help="status per dato (standard: i dag)")
    p.add_argument(
        "--format",
        choices=["csv", "xlsx", "pdf"],
        help="filformat (standard: csv; xlsx for compiled, som også finnes som pdf)",
    )
    p.add_argument(
        "--period",
        metavar="PERIODE",
        help="compiled: bare ett halvår (H1 eller H2) i år med halvårlig rapportering",
    )
    p.add_argument("--out", required=True, metavar="FIL", help="filnavn, eller - for stdout")
    p.set_defaults(func=cmd_export)


EXPORTS_NEEDING_YEAR = ("overview", "compiled")


def _check_year(year: int | None, rules) -> None:
    if year is not None and not rules.periods(year):
        raise UsageError(
            f"{year} er utenfor rapporteringsreglene ({rules.years[0]}–{rules.years[-1]})"
        )


def cmd_export(args) -> int:
    rules = settings.current().rules()
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
    if args.table == "compiled" and file_format not in ("xlsx", "pdf"):
        raise UsageError("den samlede rapporten finnes som xlsx eller pdf (--format xlsx|pdf)")
    if args.table != "compiled" and file_format == "pdf":
        raise UsageError("bare den samlede rapporten (compiled) finnes som pdf")
    as_of = args.as_of or today()
    check_out(args.out)
    engine = open_engine(args, read_only=True)
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
            data = exports.activities_export(
                session, args.year, file_format, scope=OPERATOR, rules=rules
            )
        else:  # the XLSX, or the PDF (WeasyPrint loaded only for it)
            data = compiled_report(
                session, rules, args.year, as_of, scope=OPERATOR, period=args.period,
                form=file_format,
            )  # fmt: skip
    write_out(data, args.out)
    return 0


def add_template(sub) -> None:
    """``template``"""
    p = command(sub, "template")
    p.add_argument("--out", required=True, metavar="FIL")
    p.add_argument("--year", type=int, metavar="ÅR", help="året malen gjelder (periodeliste)")
    p.add_argument(
        "--plan", action="store_true", help="en tom handlingsplan i stedet for en rapport"
    )
    p.set_defaults(func=cmd_template)


def cmd_template(args) -> int:
    rules = settings.current().rules()
    _check_year(args.year, rules)
    check_out(args.out)
    engine = open_engine(args, read_only=True)
    with Session(engine) as session:
        known = councils(session)
    names = [c.name for c in known if args.year is None or c.exists_in(args.year)]
    build = build_plan_template if args.plan else build_template
    write_out(build(args.year, names, rules=rules), args.out)
    return 0
