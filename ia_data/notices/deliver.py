"""Sending what waits in the outbox, over SMTP, each message once.

Each row is claimed before it is sent, by a conditional UPDATE in a transaction of its own
(still «Venter», and not tried within ``LEASE``): of two processes at once (two servers, the
daily run beside the app) one claims it and the other moves on. Delivery is at least once:
a process that stops between the server's «250» and marking the row sent leaves it
«Venter», and the next run sends it again with the same ``Message-ID`` (fixed when the row
was written), which the recipient's mail system takes for the same message.

A temporary refusal (4xx, the server down or unreachable) leaves the row «Venter» with the
error, tried again on later runs until ``retry_days`` (the rules' ``[varsler]``) after it
was put in line, then «Utløpt»; a permanent refusal (5xx) is «Feilet» at once. Without
``IA_SMTP_URL`` nothing is sent and the report says so."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ia_data import settings as app_settings
from ia_data.domain.kinds import OutboxState
from ia_data.domain.rules import Rules
from ia_data.notices.compose import email_message
from ia_data.notices.smtp import Server, server
from ia_data.settings import Settings
from ia_data.storage.engine import writing
from ia_data.storage.models import Outbox

# A row tried this recently is not claimed again (another process is sending it, or just
# tried); a process that stopped mid-send releases its rows after this long.
LEASE = timedelta(minutes=10)
NOT_CONFIGURED = "IA_SMTP_URL er ikke satt: ingen e-post er sendt"
NO_SENDER = "IA_MAIL_FROM er ikke satt: ingen e-post er sendt"


@dataclass
class DeliveryReport:
    """What one delivery did: the rows sent, left waiting (to be tried again), failed for
    good and expired; ``errors`` by row; ``not_sent``: why nothing was sent at all."""

    sent: list[int] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)
    errors: dict[int, str] = field(default_factory=dict)
    not_sent: str = ""
    queued: int = 0  # rows waiting when nothing could be sent

    @property
    def message(self) -> str:
        """The report in one Norwegian sentence."""
        if self.not_sent:
            noun = "varsel venter" if self.queued == 1 else "varsler venter"
            return f"{self.not_sent}; {self.queued} {noun} i utboksen"
        parts = [f"{len(self.sent)} sendt"]
        for rows, word in (
            (self.waiting, "venter på nytt forsøk"),
            (self.failed, "feilet"),
            (self.expired, "utløpt"),
        ):
            if rows:
                parts.append(f"{len(rows)} {word}")
        return "E-post: " + ", ".join(parts)


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC).replace(microsecond=0)


def _waiting(session: Session, ids) -> list[int]:
    query = select(Outbox.id).where(Outbox.state == OutboxState.WAITING)
    if ids is not None:
        query = query.where(Outbox.id.in_(list(ids)))
    return list(session.exec(query.order_by(Outbox.id)).all())


def _claim(engine: Engine, outbox_id: int, now: datetime) -> Outbox | None:
    """The row, claimed for this process (attempts + 1, tried ``now``), or None when another
    process has it, it was tried within ``LEASE`` or it is no longer waiting."""
    with writing(), Session(engine) as session:
        claimed = session.exec(
            update(Outbox)
            .where(
                Outbox.id == outbox_id,
                Outbox.state == OutboxState.WAITING,
                or_(Outbox.last_attempt_at.is_(None), Outbox.last_attempt_at <= now - LEASE),
            )
            .values(attempts=Outbox.attempts + 1, last_attempt_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            session.rollback()
            return None
        row = session.get(Outbox, outbox_id)
        session.expunge(row)
        session.commit()
    return row


def _finish(engine: Engine, row: Outbox, now: datetime, state: str, error: str = "") -> None:
    """Record the attempt's outcome on the row this process claimed."""
    values = {"state": state, "error": error[:2000]}
    if state == OutboxState.SENT:
        values["sent_at"] = now
    with writing(), Session(engine) as session:
        session.exec(
            update(Outbox)
            .where(
                Outbox.id == row.id,
                Outbox.state == OutboxState.WAITING,
                Outbox.last_attempt_at == now,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        session.commit()


def _answer(code: int, said) -> str:
    text = said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
    return f"{code} {text}".strip()


def _refusal(exc: Exception, recipient: str) -> tuple[bool, str]:
    """(permanent, the error) of a refusal while sending one message."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, said = exc.recipients.get(recipient, next(iter(exc.recipients.values())))
        return code >= 500, f"Mottakeren ble avvist: {_answer(code, said)}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return (
            exc.smtp_code >= 500,
            f"E-posttjeneren avviste meldingen: {_answer(exc.smtp_code, exc.smtp_error)}",
        )
    return False, f"E-posttjeneren kunne ikke nås: {exc or type(exc).__name__}"


def _unreachable(found: Server, exc: Exception) -> str:
    """Why no message could be sent: the server could not be reached, or refused the
    connection, TLS or the sign-in."""
    if isinstance(exc, smtplib.SMTPResponseException):
        said = _answer(exc.smtp_code, exc.smtp_error)
        return f"E-posttjeneren {found.label} avviste tilkoblingen: {said}"
    return f"E-posttjeneren {found.label} kunne ikke nås: {exc or type(exc).__name__}"


def deliver(
    engine: Engine,
    settings: Settings | None = None,
    ids=None,
    now: datetime | None = None,
    rules: Rules | None = None,
) -> DeliveryReport:
    """Send the messages waiting in the outbox (only ``ids``, if given: what an action just
    wrote), each claimed first so no two processes send one twice. Returns what happened."""
    settings = settings or app_settings.current()
    rules = rules or settings.rules()
    now, report = _now(now), DeliveryReport()
    with Session(engine) as session:
        candidates = _waiting(session, ids)
    found = server(settings)
    if found is None or not settings.mail_from:
        report.not_sent, report.queued = (
            (NOT_CONFIGURED if found is None else NO_SENDER),
            len(candidates),
        )
        return report
    window = timedelta(days=rules.notices.retry_days)
    _Sender(engine, found, settings.mail_from, now, window, report).run(candidates)
    return report


class _Sender:
    """One delivery: one connection, opened at the first message claimed, opened again
    after the server drops it; once the server cannot be reached, the rest wait."""

    def __init__(self, engine, found: Server, sender, now, window, report: DeliveryReport):
        self.engine, self.server, self.sender, self.now = engine, found, sender, now
        self.window, self.report = window, report
        self.connection: smtplib.SMTP | None = None
        self.down = ""  # why the server cannot be reached, once it could not

    def run(self, candidates: list[int]) -> None:
        try:
            for outbox_id in candidates:
                row = _claim(self.engine, outbox_id, self.now)
                if row is not None:
                    self.one(row)
        finally:
            if self.connection is not None:
                try:
                    self.connection.quit()
                except (OSError, smtplib.SMTPException):
                    self.connection.close()

    def one(self, row: Outbox) -> None:
        if self.down:
            return self.temporary(row, self.down)
        try:
            if self.connection is None:
                self.connection = self.server.connect()
        except (OSError, smtplib.SMTPException) as exc:
            self.down = _unreachable(self.server, exc)
            return self.temporary(row, self.down)
        message = email_message(
            sender=self.sender,
            recipient=row.recipient,
            subject=row.subject,
            text=row.text_body,
            html_body=row.html_body,
            message_id=row.message_id,
            sent_at=self.now,
        )
        try:
            self.connection.send_message(message, self.sender, [row.recipient])
        except (OSError, smtplib.SMTPException) as exc:
            if isinstance(exc, (OSError, smtplib.SMTPServerDisconnected)):
                self.connection = None  # opened again for the next message
            permanent, error = _refusal(exc, row.recipient)
            if permanent:
                _finish(self.engine, row, self.now, OutboxState.FAILED, error)
                self.report.failed.append(row.id)
                self.report.errors[row.id] = error
                return None
            return self.temporary(row, error)
        _finish(self.engine, row, self.now, OutboxState.SENT)
        self.report.sent.append(row.id)
        return None

    def temporary(self, row: Outbox, error: str) -> None:
        """Waiting again, or expired once the retry window has passed."""
        expired = self.now - row.created_at >= self.window
        state = OutboxState.EXPIRED if expired else OutboxState.WAITING
        _finish(self.engine, row, self.now, state, error)
        (self.report.expired if expired else self.report.waiting).append(row.id)
        self.report.errors[row.id] = error
