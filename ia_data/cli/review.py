"""``review``: the coordination unit's route on the command line — the reports waiting, an
approval, a return with a reason, a comment, and forwarding a period's compiled report to
the oversight group — with the same rules and messages as the page «Gjennomgang»."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from ia_data.cli.common import demo_guard, open_engine
from ia_data.cli.parser import command, one_of
from ia_data.cli.terminal import say, visible
from ia_data.cli.varsler import deliver_after
from ia_data.domain.access import OPERATOR, Actor
from ia_data.domain.errors import UsageError
from ia_data.domain.formatting import local
from ia_data.domain.kinds import ReviewState
from ia_data.output.forward import forward_period, forwarded_file, forwarded_reports
from ia_data.reporting.review import review_history, review_states, review_text
from ia_data.storage.models import MAX_ID
from ia_data.storage.review import ReviewError, approve, comment, send_back

ACTIONS = {
    "list": "rapportene og hvor de står (--state, --year)",
    "approve": "godkjenn en opplasting (OPPLASTING_NR)",
    "return": "send en opplasting tilbake med en begrunnelse (--reason)",
    "comment": "skriv en kommentar til en opplasting (--text)",
    "forward": "send årets eller periodens samlede rapport til oppfølgingsgruppen (--year)",
    "forwarded": "de samlede rapportene som er sendt (med --id og --out: last ned én)",
    "history": "hvert steg og hver kommentar, i rekkefølge (--year)",
}


def add_review(sub) -> None:
    """``review list|approve|return|comment|forward|forwarded``"""
    p = command(sub, "review", demo=True)
    one_of(p, "action", ACTIONS)
    p.add_argument("upload_id", nargs="?", type=int, metavar="OPPLASTING_NR")
    p.add_argument(
        "--state",
        choices=[s.value for s in ReviewState],
        metavar="TILSTAND",
        help="bare rapporter i denne tilstanden (list): " + ", ".join(ReviewState),
    )
    p.add_argument("--year", type=int, metavar="ÅR", help="året (list, forward)")
    p.add_argument("--period", metavar="PERIODE", help="H1 eller H2 (forward; standard: hele året)")
    p.add_argument("--reason", metavar="TEKST", help="hvorfor rapporten sendes tilbake (return)")
    p.add_argument(
        "--points-to", metavar="HVOR", default="", help="arket, raden eller spørsmålet (return)"
    )
    p.add_argument("--text", metavar="TEKST", help="kommentaren (comment)")
    p.add_argument("--id", type=int, metavar="NR", help="den videresendte rapporten (forwarded)")
    p.add_argument("--out", type=Path, metavar="FIL", help="hvor filen skrives (forwarded)")
    p.add_argument("--by", metavar="NAVN", help="hvem som gjør det (lagres i historikken)")
    p.set_defaults(func=cmd_review)


WRITES = ("approve", "return", "comment", "forward")


def cmd_review(args) -> int:
    demo_guard(args, writes=args.action in WRITES)
    if args.action in ("approve", "return", "comment"):
        _need_upload(args)
    if args.action == "list":
        return _list(args)
    if args.action == "forwarded":
        return _forwarded(args)
    if args.action == "history":
        return _history(args)
    engine = open_engine(args)
    by = Actor(args.by or "")
    if args.action == "approve":
        done = approve(engine, args.upload_id, scope=OPERATOR, by=by)
    elif args.action == "return":
        if not args.reason:
            raise UsageError("return krever --reason (hvorfor rapporten sendes tilbake)")
        done = send_back(engine, args.upload_id, args.reason, scope=OPERATOR, by=by,
                         points_to=args.points_to)  # fmt: skip
    elif args.action == "comment":
        if not args.text:
            raise UsageError("comment krever --text (kommentaren)")
        done = comment(engine, args.upload_id, args.text, scope=OPERATOR, by=by)
    else:
        if args.year is None:
            raise UsageError("forward krever --year (året som sendes)")
        sent = forward_period(engine, args.year, args.period, scope=OPERATOR, by=by)
        say(
            f"Samlet rapport {sent.label} er sendt til oppfølgingsgruppen som nr. {sent.id} "
            f"({sent.file_name}, {sent.size} byte, SHA-256 {sent.sha256})"
        )
        deliver_after(engine, sent.outbox_ids)
        return 0
    say(done)
    deliver_after(engine, done.outbox_ids)  # after the commit; the mail never fails the step
    return 0


def _need_upload(args) -> None:
    if args.upload_id is None:
        raise UsageError(f"{args.action} krever OPPLASTING_NR")
    if not 0 < args.upload_id <= MAX_ID:
        raise ReviewError(f"Opplasting nr. {args.upload_id} finnes ikke")


def _list(args) -> int:
    """Every report with its state, the upload number first on each line."""
    engine = open_engine(args, read_only=True)
    with Session(engine) as session:
        rows = review_states(session, args.year, scope=OPERATOR, state=args.state)
    if not rows:
        say("Ingen rapporter" + (f" i tilstanden «{args.state}»" if args.state else "") + ".")
        return 0
    for r in rows:
        line = (
            f"{r.upload_id:>5}  {visible(r.council)[:28]:28}  {r.year} {r.period:3}  "
            f"{review_text(r.state, r.legacy)}  (siden {local(r.updated_at):%d.%m.%Y %H:%M})"
        )
        if r.reason:
            where = f" [{visible(r.points_to)}]" if r.points_to else ""
            line += f": {visible(r.reason)}{where}"
        say(line)
    return 0


def _forwarded(args) -> int:
    """The compiled reports forwarded; with ``--id`` and ``--out`` one of them, as sent."""
    engine = open_engine(args, read_only=True)
    with Session(engine) as session:
        if args.id is not None:
            if args.out is None:
                raise UsageError("forwarded --id krever --out FIL")
            found = forwarded_file(session, args.id, scope=OPERATOR) if args.id <= MAX_ID else None
            if found is None:
                raise ReviewError(f"Videresendt rapport nr. {args.id} finnes ikke")
            args.out.write_bytes(found[1])
            say(f"Skrev {found[0]} ({len(found[1])} byte) til {args.out}")
            return 0
        rows = forwarded_reports(session, scope=OPERATOR)
    if not rows:
        say("Ingen samlede rapporter er sendt ennå.")
    for r in rows:
        say(
            f"{r.id:>4}  {r.label:8}  {local(r.forwarded_at):%d.%m.%Y %H:%M}  "
            f"{visible(r.by) or '–'}  {r.file_name}  SHA-256 {r.sha256}"
        )
    return 0


def _history(args) -> int:
    """Every review step and comment, in the order they happened, the upload number first."""
    engine = open_engine(args, read_only=True)
    with Session(engine) as session:
        steps = review_history(session, scope=OPERATOR, year=args.year)
    if not steps:
        say("Ingen steg i gjennomgangen ennå.")
    for s in steps:
        line = (
            f"{s.upload_id or '':>5}  {local(s.at):%d.%m.%Y %H:%M}  {visible(s.council)[:28]:28}  "
            f"{s.year} {s.period:3}  {s.action}"
            + (f" → {s.state_after}" if s.state_after else "")
            + (f"  ({visible(s.by)})" if s.by else "")
        )
        if s.text:
            line += f": {visible(s.text)}" + (f" [{visible(s.points_to)}]" if s.points_to else "")
        say(line)
    return 0
