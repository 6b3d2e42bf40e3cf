"""``varsler``: the e-mail notices — ``send`` works out what is due on a day, writes it to the
outbox and delivers what waits (the daily run of ``deploy/ia-varsler.timer``); ``--dry-run``
prints each message and stores and sends nothing; ``list`` shows the outbox.

Exit status 1 when a message could not be delivered (it waits for the next run, failed or
expired): the timer's log shows it. Without ``IA_SMTP_URL`` the outbox fills, nothing is
sent, and that is said (exit status 0)."""

from __future__ import annotations

from sqlmodel import Session

from ia_data import settings
from ia_data.cli.common import demo_guard, open_engine
from ia_data.cli.exports import _date
from ia_data.cli.parser import command, one_of
from ia_data.cli.terminal import say, visible
from ia_data.domain.formatting import local, today
from ia_data.domain.kinds import OutboxState
from ia_data.notices.deliver import DeliveryReport, deliver
from ia_data.notices.outbox import outbox_rows
from ia_data.notices.run import run_daily


def add_varsler(sub) -> None:
    """``varsler send|list``"""
    p = command(sub, "varsler", demo=True)
    one_of(
        p,
        "action",
        {
            "send": "finn varslene for datoen, legg dem i utboksen og send det som venter",
            "list": "utboksen: hvert varsel med tilstand, forsøk og feil",
        },
    )
    p.add_argument(
        "--as-of",
        type=_date,
        metavar="DATO",
        help="dagen varslene gjelder (dd.mm.åååå; standard: i dag)",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="skriv ut hvert varsel, men lagre og send ingenting (send)",
    )
    p.add_argument(
        "--state",
        choices=[s.value for s in OutboxState],
        metavar="TILSTAND",
        help="bare varsler i denne tilstanden (list): " + ", ".join(OutboxState),
    )
    p.set_defaults(func=cmd_varsler)


def cmd_varsler(args) -> int:
    demo_guard(args, writes=args.action == "send" and not args.dry_run)
    if args.action == "list":
        return _list(args)
    found = settings.current()
    engine = open_engine(args, read_only=args.dry_run)
    as_of = args.as_of or today()
    run = run_daily(engine, found, found.rules(), as_of, dry_run=args.dry_run)
    if args.dry_run:
        for notice in run.notices:
            say(f"--- {notice.kind} til {notice.recipient}")
            say(f"Emne: {notice.subject}")
            say(notice.text)
    say(run.message)
    return _status(run.delivery)


def _status(report: DeliveryReport | None) -> int:
    """1 when a message is not delivered yet or never will be; else 0."""
    if report is None or report.not_sent:
        return 0
    for outbox_id, error in sorted(report.errors.items()):
        say(f"Varsel nr. {outbox_id}: {error}", err=True)
    return 1 if report.waiting or report.failed or report.expired else 0


def deliver_after(engine, outbox_ids) -> None:
    """Deliver what a command's write just put in the outbox (a review action), after its
    commit; a mail server that fails is only reported — the write stands, and the daily run
    tries again."""
    if not outbox_ids:
        return
    try:
        report = deliver(engine, ids=outbox_ids)
    except Exception as exc:  # the action is done: never fail the command for the mail
        say(f"E-post: varslene venter i utboksen ({type(exc).__name__}: {exc})", err=True)
        return
    say(report.message)
    for outbox_id, error in sorted(report.errors.items()):
        say(f"Varsel nr. {outbox_id}: {error}", err=True)


def _list(args) -> int:
    """The outbox, newest first."""
    engine = open_engine(args, read_only=True)
    with Session(engine) as session:
        rows = outbox_rows(session, args.state)
    if not rows:
        say("Utboksen er tom" + (f" i tilstanden «{args.state}»" if args.state else "") + ".")
    for r in rows:
        when = local(r.sent_at or r.last_attempt_at or r.created_at)
        about = f"{visible(r.council)[:24]} {r.year or ''} {r.period or ''}".strip()
        line = (
            f"{r.id:>5}  {r.state:7}  {r.kind:16}  {when:%d.%m.%Y %H:%M}  {visible(r.recipient)}"
            f"  {about or '–'}  ({r.attempts} forsøk)"
        )
        if r.error:
            line += f": {visible(r.error)}"
        say(line)
    return 0
