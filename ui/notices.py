"""What the pages do with the e-mail notices (``ia_data.notices``): what would go out on a
date, the outbox, «Send på nytt», the signed-in user's own choices («Mine varsler») and the
councils' contact addresses («Tilgang») — each through ``ui.data``'s read and write, in the
visitor's scope and name — and whether mail is delivered at all (``IA_SMTP_URL``).

What a change writes to the outbox is handed to the sender by ``ui.data.write`` as soon as
the change is committed (``ui.data.deliver_soon``, a background thread)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ia_data import settings
from ia_data.domain.access import Scope
from ia_data.domain.kinds import NoticeKind
from ia_data.domain.rules import Rules
from ia_data.notices.choices import (
    council_contacts,
    notice_choices,
    set_council_contact,
    set_notice_choice,
)
from ia_data.notices.due import due_notices
from ia_data.notices.notice import Notice
from ia_data.notices.outbox import check_notices, outbox_message, outbox_rows, resend
from ia_data.notices.recipients import KINDS_BY_ROLE
from ia_data.reporting import columns
from ia_data.reporting.table import Column, Kind, Table
from ui.auth import visitor
from ui.data import engine, read, write


@dataclass(frozen=True)
class MailSettings:
    """What the page says of the mail settings: the server without its password."""

    delivering: bool  # a mail server and a sender are set
    server: str
    sender: str
    base_url: str


def mail_settings() -> MailSettings:
    found = settings.current()
    return MailSettings(
        bool(found.smtp_url and found.mail_from),
        found.smtp_label,
        found.mail_from,
        found.base_url,
    )


PREVIEW_COLUMNS = [
    columns.NOTICE_KIND, columns.COUNCIL, columns.YEAR, columns.PERIOD, columns.RECIPIENT,
    columns.SUBJECT,
]  # fmt: skip


def notices_table(notices: list[Notice]) -> Table:
    """What would go out on a day, one e-mail a row."""
    return Table(
        columns=PREVIEW_COLUMNS,
        rows=[
            [n.kind.value, n.council or None, n.year, n.period, n.recipient, n.subject]
            for n in notices
        ],
        title="Varsler som sendes",
    )


def _outbox(session, *, state: str | tuple[str, ...] | None, limit: int, scope: Scope):
    check_notices(scope)
    return outbox_rows(session, state, limit)


def outbox(state: str | tuple[str, ...] | None, limit: int):
    """The newest ``limit`` messages of the outbox (``OutboxRow``, those in ``state``), for
    the coordination unit and admins; not cached (the sender changes them, not the data)."""
    return read(_outbox, state=state, limit=limit, cache=False)


def _preview(session, *, as_of: date, rules: Rules, scope: Scope) -> list[Notice]:
    """What the daily run would send on ``as_of`` (composed, nothing stored): every council's
    messages, so only for those who review (the coordination unit, admins)."""
    check_notices(scope)
    return due_notices(session.get_bind(), rules, as_of, settings.current())


def preview(as_of: date, rules: Rules) -> list[Notice]:
    """What would go out on ``as_of`` (not cached: a user's choice or a contact address
    changes it without changing the data)."""
    return read(_preview, as_of=as_of, rules=rules, cache=False)


def _message(session, *, outbox_id: int, scope: Scope):
    """One message of the outbox with its text and HTML, for those who review."""
    check_notices(scope)
    return outbox_message(session, outbox_id)


def message(outbox_id: int):
    """One message of the outbox as it was written (``Outbox``), or None."""
    return read(_message, outbox_id=outbox_id, cache=False)


def send_again(outbox_id: int) -> str | None:
    """A failed or expired message back in line, and tried now; None if refused (said)."""
    return write(resend, outbox_id=outbox_id)


def my_choices() -> dict[NoticeKind, bool]:
    """Each kind of notice the signed-in user's role receives, and whether they get it."""
    found = visitor()
    if not found.signed_in or found.scope is None:
        return {}
    kinds = KINDS_BY_ROLE.get(found.scope.role, ())
    chosen = notice_choices(engine(), found.email)
    return {kind: chosen[kind] for kind in kinds}


def _set_choice(engine, *, kind: NoticeKind, on: bool, scope: Scope, by) -> str:
    """A kind of notice on or off for the signed-in user themselves (``by``: their address;
    the library refuses a change for no address)."""
    return set_notice_choice(engine, by, kind, on)


def set_my_choice(kind: NoticeKind, on: bool) -> str | None:
    return write(_set_choice, kind=kind, on=on)


CONTACT_ADDRESS = Column("Kontaktadresse", width=260)
CONTACT_CHANGED = Column("Endret", Kind.DATE)
CONTACT_CHANGED_BY = Column("Endret av")


def contacts_table(rows) -> Table:
    """Every council and its contact address (empty: none)."""
    return Table(
        columns=[columns.COUNCIL, CONTACT_ADDRESS, CONTACT_CHANGED, CONTACT_CHANGED_BY],
        rows=[[r.council, r.email or None, r.changed_at, r.changed_by or None] for r in rows],
        title="Rådenes kontaktadresser",
    )


def _contacts(session, *, scope: Scope):
    if not scope.is_admin:
        return []
    return council_contacts(session.get_bind())


def contacts():
    """Every council with its contact address («» when none), for an admin."""
    return read(_contacts, cache=False)


def _set_contact(engine, *, council_id: int, address: str, scope: Scope, by) -> str:
    return set_council_contact(engine, by, council_id, address, scope=scope)


def set_contact(council_id: int, address: str) -> str | None:
    """A council's contact address set (empty: removed); None if refused (said)."""
    return write(_set_contact, council_id=council_id, address=address)
