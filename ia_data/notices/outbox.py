"""The outbox: every notice is written here before it is sent, once (the unique key,
``Notice.once_key``), in the caller's transaction — a review action's, or the daily run's.
``resend`` puts a failed or expired message back in line («Send på nytt»).

The list of the outbox for a page and ``ia-data varsler list`` is
``ia_data.reporting.outbox.outbox_table`` (the table model lives above this layer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import make_msgid

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ia_data import settings
from ia_data.domain.access import UNNAMED, Actor, OutsideScope, Scope
from ia_data.domain.errors import UserError
from ia_data.domain.kinds import OutboxState
from ia_data.notices.notice import Notice
from ia_data.storage.engine import writing
from ia_data.storage.models import MAX_ID, Council, Outbox

_ENQUEUED = "ia_outbox_ids"  # a session's ``info``: the rows its transaction wrote
NOTHING_CHANGED = "ingenting er endret"


class OutboxError(UserError):
    """A change to the outbox that cannot be made; the message says why, in Norwegian."""


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC).replace(microsecond=0)


def message_domain(sender: str | None = None) -> str:
    """The domain of the ``Message-ID``s: the sender's (``IA_MAIL_FROM``), else a fixed one."""
    sender = settings.current().mail_from if sender is None else sender
    domain = sender.rpartition("@")[2].strip(" >").lower()
    return domain or "ia-radsoversikt.invalid"


def _insert(dialect: str):
    """The engine's ``INSERT … ON CONFLICT``, from its dialect's package: imported here, as
    the engine has already loaded it, not by every command that imports the outbox."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def enqueue(session: Session, notices: list[Notice], now: datetime | None = None) -> list[int]:
    """Write ``notices`` to the outbox in the caller's transaction (``INSERT … ON CONFLICT
    DO NOTHING`` on both engines): one already there — a second run, a second server, a
    retried run — writes no second row. Returns the ids of the rows written now (also kept
    for ``enqueued_in``)."""
    now = _now(now)
    dialect = session.get_bind().dialect.name
    insert = _insert(dialect)
    domain = message_domain()
    written = []
    for notice in notices:
        statement = (
            insert(Outbox)
            .values(
                once_key=notice.once_key,
                kind=notice.kind,
                council_id=notice.council_id,
                year=notice.year,
                period=notice.period,
                recipient=notice.recipient,
                occasion=notice.occasion,
                state=OutboxState.WAITING,
                subject=notice.subject,
                text_body=notice.text,
                html_body=notice.html,
                message_id=make_msgid("ia-varsel", domain),
                attempts=0,
                created_at=now,
                error="",
            )
            .on_conflict_do_nothing()
            .returning(Outbox.id)
        )
        found = session.exec(statement).first()
        if found is not None:
            written.append(found[0])
    session.info.setdefault(_ENQUEUED, []).extend(written)
    return written


class Outcome(str):
    """What a write says (its Norwegian message, as before: it compares equal to it), with
    the outbox rows its transaction wrote (``outbox_ids``), for the caller to hand to
    ``deliver`` after the commit."""

    outbox_ids: tuple[int, ...]

    def __new__(cls, message: str, outbox_ids=()) -> Outcome:
        made = super().__new__(cls, message)
        made.outbox_ids = tuple(outbox_ids)
        return made


def enqueued_in(session: Session) -> list[int]:
    """The outbox rows this session's transactions wrote (``enqueue``), for the caller to
    hand to ``deliver`` once the transaction is committed."""
    return list(session.info.get(_ENQUEUED, []))


@dataclass(frozen=True)
class OutboxRow:
    """A message in the outbox, as a list shows it."""

    id: int
    kind: str
    council: str
    year: int | None
    period: str | None
    recipient: str
    occasion: str
    state: str
    subject: str
    attempts: int
    created_at: datetime
    last_attempt_at: datetime | None
    sent_at: datetime | None
    error: str
    message_id: str


def outbox_rows(
    session: Session, state: str | tuple[str, ...] | None = None, limit: int = 1000
) -> list[OutboxRow]:
    """The newest ``limit`` messages of the outbox (only those in ``state``, or in one of
    the states of a tuple, if given), newest first."""
    query = select(Outbox, Council.name).join(Council, isouter=True)
    if state:
        query = query.where(Outbox.state.in_((state,) if isinstance(state, str) else state))
    rows = session.exec(query.order_by(Outbox.id.desc()).limit(limit)).all()
    return [
        OutboxRow(
            o.id,
            o.kind,
            name or "",
            o.year,
            o.period,
            o.recipient,
            o.occasion,
            o.state,
            o.subject,
            o.attempts,
            o.created_at,
            o.last_attempt_at,
            o.sent_at,
            o.error,
            o.message_id,
        )
        for o, name in rows
    ]


def outbox_message(session: Session, outbox_id: int) -> Outbox | None:
    """One row of the outbox, with its text and HTML (a page's preview)."""
    return session.get(Outbox, outbox_id) if 0 < outbox_id <= MAX_ID else None


def check_notices(scope: Scope) -> None:
    """Fail unless this user may see and resend the notices: the coordination unit and
    admins (the outbox names every council's recipients)."""
    if not scope.may_review:
        raise OutsideScope(
            "Ingen tilgang: bare Koordineringsenheten og administratorer ser og sender "
            "varslene på e-post"
        )


def resend(
    engine: Engine,
    outbox_id: int,
    *,
    scope: Scope,
    by: Actor = UNNAMED,
    now: datetime | None = None,
) -> Outcome:
    """«Send på nytt»: a failed or expired message back to «Venter» (its error kept until
    the next attempt, its ``Message-ID`` the same), its row handed on for ``deliver`` to
    send as any write's are. Anything else is refused with the reason; the coordination
    unit and admins only."""
    check_notices(scope)
    now = _now(now)
    with writing(), Session(engine) as session:
        row = outbox_message(session, outbox_id)
        if row is None:
            raise OutboxError(f"Varsel nr. {outbox_id} finnes ikke; {NOTHING_CHANGED}")
        if row.state not in (OutboxState.FAILED, OutboxState.EXPIRED):
            raise OutboxError(
                f"Varsel nr. {outbox_id} til {row.recipient} er «{row.state}»; bare et varsel "
                f"som er «{OutboxState.FAILED}» eller «{OutboxState.EXPIRED}» kan sendes på "
                f"nytt; {NOTHING_CHANGED}"
            )
        moved = session.exec(
            update(Outbox)
            .where(Outbox.id == outbox_id, Outbox.state == row.state)
            .values(state=OutboxState.WAITING, created_at=now, last_attempt_at=None)
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:
            raise OutboxError(f"Varsel nr. {outbox_id} ble endret samtidig; {NOTHING_CHANGED}")
        recipient = row.recipient
        session.commit()
    who = f" ({by.shown})" if by.shown else ""
    said = f"Varsel nr. {outbox_id} til {recipient} venter på å bli sendt på nytt{who}"
    return Outcome(said, (outbox_id,))
