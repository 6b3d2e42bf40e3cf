"""The outbox of the e-mail notices as a table (the page «Varsler», ``ia-data varsler
list``): each message with its kind, council, period, recipient, state, attempts, times and
the mail server's last error. The coordination unit and admins only: it names every
council's recipients."""

from __future__ import annotations

from sqlmodel import Session

from ia_data.domain.access import Scope
from ia_data.notices.outbox import OutboxRow, check_notices, outbox_rows
from ia_data.reporting import columns as c
from ia_data.reporting.table import Table

COLUMNS = [
    c.NOTICE_ID, c.NOTICE_STATE, c.NOTICE_KIND, c.COUNCIL, c.YEAR, c.PERIOD, c.RECIPIENT,
    c.SUBJECT, c.ATTEMPTS, c.CREATED_AT, c.LAST_ATTEMPT, c.SENT_AT, c.MAIL_ERROR,
]  # fmt: skip


def outbox_table(
    session: Session, *, scope: Scope, state: str | None = None, limit: int = 1000
) -> Table:
    """The newest ``limit`` messages of the outbox (those in ``state``, if given), newest
    first; refused (``OutsideScope``) for anyone but the coordination unit and admins."""
    check_notices(scope)
    return rows_table(outbox_rows(session, state, limit))


def rows_table(rows: list[OutboxRow]) -> Table:
    """Messages of the outbox (``outbox_rows``) as the table «Utboksen»."""
    return Table(
        columns=COLUMNS,
        rows=[
            [r.id, r.state, r.kind, r.council or None, r.year, r.period, r.recipient, r.subject,
             r.attempts, r.created_at, r.last_attempt_at, r.sent_at, r.error or None]
            for r in rows
        ],
        title="Utboksen",
    )  # fmt: skip
