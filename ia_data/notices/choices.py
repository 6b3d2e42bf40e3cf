"""«Mine varsler» (each user turns each kind of notice on or off for themselves) and a
council's contact address (an admin keeps it on «Tilgang»). Each change is one transaction;
a refused one changes nothing and says why, in Norwegian."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ia_data.domain.access import Actor, LookAlikeEmail, OutsideScope, Scope, normal_email
from ia_data.domain.errors import UserError
from ia_data.domain.kinds import NoticeKind
from ia_data.storage.engine import writing
from ia_data.storage.models import Council, CouncilContact, NoticeChoice

NOTHING_CHANGED = "ingenting er endret"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class NoticeChoiceError(UserError):
    """A choice or a contact address that cannot be stored; the message says why."""


def notice_choices(engine: Engine, user: str) -> dict[NoticeKind, bool]:
    """Each kind of notice, and whether ``user`` (an e-mail) gets it (on unless turned off)."""
    email = _address(user)
    with Session(engine) as session:
        off = set(
            session.exec(
                select(NoticeChoice.kind).where(NoticeChoice.email == email, NoticeChoice.off)
            ).all()
        )
    return {kind: kind.value not in off for kind in NoticeKind}


def set_notice_choice(engine: Engine, actor: Actor, kind: NoticeKind | str, on: bool) -> str:
    """Turn a kind of notice on or off for the signed-in ``actor`` themselves."""
    email = _address(actor.email)
    if kind not in set(NoticeKind):
        known = ", ".join(NoticeKind)
        raise NoticeChoiceError(
            f"Ukjent type varsel «{kind}»; velg en av {known}; {NOTHING_CHANGED}"
        )
    kind = NoticeKind(kind)
    with writing(), Session(engine) as session:
        session.exec(
            delete(NoticeChoice).where(NoticeChoice.email == email, NoticeChoice.kind == kind)
        )
        if not on:
            session.add(NoticeChoice(email=email, kind=kind, off=True))
        session.commit()
    return f"Varsler av typen «{kind}» er slått {'på' if on else 'av'} for {email}"


def _address(email: str) -> str:
    try:
        found = normal_email(email)
    except LookAlikeEmail as exc:
        raise NoticeChoiceError(f"{exc}; {NOTHING_CHANGED}") from None
    if not _EMAIL.fullmatch(found):
        raise NoticeChoiceError(f"«{email.strip()}» er ikke en e-postadresse; {NOTHING_CHANGED}")
    return found


@dataclass(frozen=True)
class ContactRow:
    council_id: int
    council: str
    email: str  # "" when none is set
    changed_at: datetime | None
    changed_by: str


def council_contacts(engine: Engine) -> list[ContactRow]:
    """Every council, with its contact address (or none), by name."""
    with Session(engine) as session:
        contacts = {c.council_id: c for c in session.exec(select(CouncilContact))}
        councils = session.exec(select(Council).order_by(Council.name)).all()
    rows = []
    for council in councils:
        found = contacts.get(council.id)
        rows.append(
            ContactRow(
                council.id,
                council.name,
                found.email if found else "",
                found.changed_at if found else None,
                found.changed_by if found else "",
            )
        )
    return rows


def set_council_contact(
    engine: Engine,
    actor: Actor,
    council: int,
    address: str | None,
    *,
    scope: Scope,
    now: datetime | None = None,
) -> str:
    """Set (or, with no ``address``, remove) a council's contact address: an admin only.
    An address that is not one is refused; nothing changes."""
    if not scope.is_admin:
        raise OutsideScope("Ingen tilgang: bare en administrator kan endre rådenes kontaktadresser")
    email = _address(address) if address and address.strip() else ""
    now = now or datetime.now(UTC).replace(microsecond=0)
    with writing(), Session(engine) as session:
        found = session.get(Council, council)
        if found is None:
            raise NoticeChoiceError(f"Ukjent IA-råd (nr. {council}); {NOTHING_CHANGED}")
        name = found.name
        session.exec(delete(CouncilContact).where(CouncilContact.council_id == council))
        if email:
            session.add(
                CouncilContact(
                    council_id=council, email=email, changed_at=now, changed_by=actor.shown
                )
            )
        session.commit()
    if not email:
        return f"{name} har ingen kontaktadresse lenger"
    return f"Kontaktadressen til {name} er {email}"
