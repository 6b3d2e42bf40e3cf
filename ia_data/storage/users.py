"""Who may sign in, and in which role: users keyed on the lower-cased e-mail, a
secretariat's councils, and every change of access kept (``AccessChange``).

The first admins come from ``IA_ADMIN_EMAILS``: such a user is added as an admin the first
time they sign in, and is from then on a user like any other (removed, they stay removed).
An admin cannot remove (or demote) the last admin. Every change is one transaction and
needs an admin's scope; the command line works with the operator's.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ia_data.domain.access import (
    ROLE_NAMES,
    ROLES,
    OutsideScope,
    Role,
    Scope,
    normal_email,
    secretariat,
)
from ia_data.storage.engine import writing
from ia_data.storage.models import AccessChange, AppUser, Council, UserCouncil

ADMIN_EMAILS = "IA_ADMIN_EMAILS"
FROM_SETTING = f"innstillingen {ADMIN_EMAILS}"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class AccessError(Exception):
    """A change of access that cannot be made; the message says why, in Norwegian."""


def admin_emails(value: str | None = None) -> list[str]:
    """The e-mails of ``IA_ADMIN_EMAILS`` (separated by commas, semicolons or spaces)."""
    raw = os.environ.get(ADMIN_EMAILS, "") if value is None else value
    return sorted({normal_email(e) for e in re.split(r"[,;\s]+", raw) if e.strip()})


@dataclass(frozen=True)
class UserRow:
    email: str
    name: str
    role: str
    councils: tuple[str, ...]  # names, for a secretariat
    council_ids: tuple[int, ...]
    changed_at: datetime
    changed_by: str

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.role, self.role)


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC).replace(microsecond=0)


def _council_names(session: Session) -> dict[int, str]:
    return dict(session.exec(select(Council.id, Council.name)).all())


def user_scope(session: Session, email: str) -> Scope | None:
    """The scope of a signed-in user, read afresh (so a change applies on the next
    click); ``None`` for a user with no role."""
    user = session.get(AppUser, normal_email(email))
    if user is None:
        return None
    if user.role != Role.SECRETARIAT:
        return Scope(user.role)
    names = _council_names(session)
    ids = session.exec(select(UserCouncil.council_id).where(UserCouncil.email == user.email))
    return secretariat({i: names.get(i, str(i)) for i in ids.all()})


def sign_in(
    engine: Engine, email: str, name: str = "", admins: list[str] | None = None
) -> Scope | None:
    """The scope of a user who has just signed in. A user named in ``IA_ADMIN_EMAILS``
    whose access has never been set is added as an admin (and the addition kept in the log);
    once an admin has changed or removed it, the setting no longer counts for them."""
    email = normal_email(email)
    admins = admin_emails() if admins is None else admins
    with Session(engine) as session:
        found = user_scope(session, email)
        if found is not None or email not in admins:
            return found
        known = session.exec(select(AccessChange.id).where(AccessChange.email == email)).first()
    if known is not None:  # an admin has set or taken away this user's access since
        return found
    try:
        with writing(), Session(engine) as session:
            if session.get(AppUser, email) is None:
                now = _now(None)
                session.add(
                    AppUser(
                        email=email,
                        name=name,
                        role=Role.ADMIN,
                        changed_at=now,
                        changed_by=FROM_SETTING,
                    )
                )
                session.add(
                    AccessChange(
                        changed_at=now,
                        changed_by=FROM_SETTING,
                        email=email,
                        action="lagt til",
                        role=Role.ADMIN,
                    )
                )
                session.commit()
    except IntegrityError:  # the same first sign-in in another tab or server came first
        pass
    with Session(engine) as session:
        return user_scope(session, email)


def users(session: Session, *, scope: Scope) -> list[UserRow]:
    """Every user, by e-mail (an admin's view)."""
    _check_admin(scope)
    names = _council_names(session)
    links: dict[str, list[int]] = {}
    for link in session.exec(select(UserCouncil)):
        links.setdefault(link.email, []).append(link.council_id)
    rows = []
    for user in session.exec(select(AppUser).order_by(AppUser.email)):
        ids = sorted(links.get(user.email, []), key=lambda i: names.get(i, ""))
        rows.append(
            UserRow(
                email=user.email,
                name=user.name,
                role=user.role,
                councils=tuple(names.get(i, str(i)) for i in ids),
                council_ids=tuple(ids),
                changed_at=user.changed_at,
                changed_by=user.changed_by,
            )
        )
    return rows


def access_log(session: Session, *, scope: Scope) -> list[AccessChange]:
    """Every change of access, newest first."""
    _check_admin(scope)
    return list(
        session.exec(
            select(AccessChange).order_by(AccessChange.changed_at.desc(), AccessChange.id.desc())
        )
    )


def _check_admin(scope: Scope) -> None:
    if not scope.is_admin:
        raise OutsideScope("Ingen tilgang: bare en administrator kan se og endre tilganger")


def _admins_locked(session: Session) -> list[str]:
    """The admins' e-mails, their rows locked until the transaction ends (on PostgreSQL), so
    that two admins demoting each other at once cannot leave none."""
    return list(
        session.exec(
            select(AppUser.email)
            .where(AppUser.role == Role.ADMIN)
            .order_by(AppUser.email)
            .with_for_update()
        ).all()
    )


def set_user(
    engine: Engine,
    email: str,
    role: str,
    council_ids=(),
    *,
    name: str | None = None,
    by: str,
    scope: Scope,
    now: datetime | None = None,
) -> str:
    """Add a user or change one's role and councils (one transaction, kept in the log).
    Returns what was done, in Norwegian; raises ``AccessError`` with the reason."""
    _check_admin(scope)
    email = normal_email(email)
    if not _EMAIL.fullmatch(email):
        raise AccessError(f"«{email}» er ikke en e-postadresse")
    if role not in ROLES:
        known = ", ".join(ROLES)
        raise AccessError(f"Ukjent rolle «{role}»; velg en av {known}")
    ids = sorted(set(council_ids))
    if role == Role.SECRETARIAT and not ids:
        raise AccessError("Et sekretariat må ha minst ett IA-råd")
    if role != Role.SECRETARIAT and ids:
        raise AccessError(
            f"Bare et sekretariat har egne IA-råd; rollen «{ROLE_NAMES[role]}» ser alle råd"
        )
    now = _now(now)
    with writing(), Session(engine) as session:
        names = _council_names(session)
        unknown = [str(i) for i in ids if i not in names]
        if unknown:
            raise AccessError(f"Ukjent IA-råd (nr. {', '.join(unknown)})")
        admins = _admins_locked(session)
        user = session.get(AppUser, email)
        if user is not None and admins == [email] and role != Role.ADMIN:
            raise AccessError(
                f"{email} er den siste administratoren og kan ikke få en annen rolle; "
                "gi først en annen bruker rollen administrator"
            )
        action = "lagt til" if user is None else "endret"
        if user is None:
            user = AppUser(email=email, name=name or "", role=role, changed_at=now)
        user.role, user.changed_at, user.changed_by = role, now, by
        if name is not None:
            user.name = name.strip()
        session.add(user)
        session.flush()
        session.exec(delete(UserCouncil).where(UserCouncil.email == email))
        session.add_all(UserCouncil(email=email, council_id=i) for i in ids)
        chosen = ", ".join(sorted(names[i] for i in ids))
        session.add(
            AccessChange(
                changed_at=now,
                changed_by=by,
                email=email,
                action=action,
                role=role,
                councils=chosen,
            )
        )
        session.commit()
    where = f" for {chosen}" if chosen else ""
    return f"{email} er {action} med rollen {ROLE_NAMES[role].lower()}{where}"


def remove_user(
    engine: Engine, email: str, *, by: str, scope: Scope, now: datetime | None = None
) -> str:
    """Take a user's access away (kept in the log); never the last admin's."""
    _check_admin(scope)
    email = normal_email(email)
    with writing(), Session(engine) as session:
        admins = _admins_locked(session)
        user = session.get(AppUser, email)
        if user is None:
            raise AccessError(f"{email} har ingen tilgang å fjerne")
        if admins == [email]:
            raise AccessError(
                f"{email} er den siste administratoren og kan ikke fjernes; "
                "gi først en annen bruker rollen administrator"
            )
        session.exec(delete(UserCouncil).where(UserCouncil.email == email))
        session.delete(user)
        session.add(
            AccessChange(
                changed_at=_now(now), changed_by=by, email=email, action="fjernet", role=user.role
            )
        )
        session.commit()
    return f"{email} har ikke lenger tilgang"
