"""Who gets a notice: a council's are the users holding its secretariat role and its
contact address (``CouncilContact``); the coordination unit's, the oversight group's and
the admins' are the users of that role. A user who turned a kind off (``NoticeChoice``) does
not get it; a contact address has no choices (an admin keeps it). Each address once."""

from __future__ import annotations

from sqlmodel import Session, select

from ia_data.domain.access import Role
from ia_data.domain.kinds import NoticeKind
from ia_data.notices.compose import Recipient
from ia_data.storage.models import AppUser, CouncilContact, NoticeChoice, UserCouncil

# The kinds each role receives, as ``due`` and ``reviewing`` address them (and «Mine
# varsler» offers them): a council's notices go to its secretariat; a corrected report and a
# secretariat's comment to the coordination unit; the weekly summary to the coordination
# unit and admins; a forwarded period to the oversight group.
KINDS_BY_ROLE = {
    Role.SECRETARIAT: (
        NoticeKind.REMINDER,
        NoticeKind.OVERDUE,
        NoticeKind.NEEDS_FIXING,
        NoticeKind.APPROVED,
        NoticeKind.COMMENT,
    ),
    Role.COORDINATION: (NoticeKind.RECEIVED_AGAIN, NoticeKind.COMMENT, NoticeKind.WEEKLY),
    Role.ADMIN: (NoticeKind.WEEKLY,),
    Role.OVERSIGHT: (NoticeKind.FORWARDED,),
}


def turned_off(session: Session, kind: NoticeKind) -> set[str]:
    rows = session.exec(
        select(NoticeChoice.email).where(NoticeChoice.kind == kind, NoticeChoice.off)
    )
    return set(rows.all())


def council_recipients(
    session: Session, council_id: int, kind: NoticeKind, off: set[str] | None = None
) -> list[Recipient]:
    """The council's secretariat users who want ``kind``, then its contact address (unless
    it is one of them), by address; ``off``: who turned ``kind`` off, when the caller has
    read it once for many councils (``turned_off``)."""
    off = turned_off(session, kind) if off is None else off
    users = session.exec(
        select(AppUser.email)
        .join(UserCouncil, UserCouncil.email == AppUser.email)
        .where(UserCouncil.council_id == council_id, AppUser.role == Role.SECRETARIAT)
        .order_by(AppUser.email)
    ).all()
    found = [Recipient(email) for email in users if email not in off]
    contact = session.get(CouncilContact, council_id)
    if contact is not None and contact.email not in users:
        found.append(Recipient(contact.email, contact=True))
    return found


def role_recipients(session: Session, roles: tuple[str, ...], kind: NoticeKind) -> list[Recipient]:
    """The users of ``roles`` who want ``kind``, by address."""
    off = turned_off(session, kind)
    users = session.exec(
        select(AppUser.email).where(AppUser.role.in_(roles)).order_by(AppUser.email)
    ).all()
    return [Recipient(email) for email in users if email not in off]


def councils_reached(session: Session) -> set[int]:
    """The councils that someone gets reminders for: a secretariat user or a contact
    address (whatever their choices: a user who turned reminders off chose so)."""
    users = session.exec(
        select(UserCouncil.council_id)
        .join(AppUser, AppUser.email == UserCouncil.email)
        .where(AppUser.role == Role.SECRETARIAT)
    ).all()
    contacts = session.exec(select(CouncilContact.council_id)).all()
    return set(users) | set(contacts)
