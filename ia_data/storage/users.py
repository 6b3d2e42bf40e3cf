"""Who may sign in, and in which role: users keyed on the lower-cased e-mail, a
secretariat's councils, and every change of access kept (``AccessChange``).

The first admins come from ``IA_ADMIN_EMAILS``: such a user is added as an admin the first
time they sign in, and is from then on a user like any other (removed, they stay removed).
An admin cannot remove (or demote) the last admin anyone can sign in as. Every change is one
transaction and needs an admin's scope; the command line works with the operator's. A change
acts on a stored row's own key when it is given exactly, so that a row an older release stored
under a key refused today (``_usable``) can still be changed or removed.

Every run of a signed-in page checks its sign-in in ``sign_ins``; an admin's change here
(changing or removing a user, clearing the binding to the provider's account) ends the
user's sign-ins there (``end_sign_ins``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ia_data.domain.access import (
    ROLE_NAMES,
    ROLES,
    Actor,
    LookAlikeEmail,
    OutsideScope,
    Role,
    Scope,
    normal_email,
)
from ia_data.domain.errors import UserError
from ia_data.storage.engine import writing
from ia_data.storage.models import AccessChange, AppUser, SignInState, UserCouncil
from ia_data.storage.sign_ins import (
    council_names,
    end_sign_ins,
    user_and_state,
)

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


UNBOUND = "kontokobling fjernet"  # the log's word for a binding an admin cleared
UNREACHABLE = "kan ikke logge inn med adressen"  # a user stored under a key refused today


class AccessError(UserError):
    """A change of access that cannot be made; the message says why, in Norwegian."""


def _key(email: str) -> str:
    """The user's key for a change by an admin; ``AccessError`` for a look-alike address."""
    try:
        return normal_email(email)
    except LookAlikeEmail as exc:
        raise AccessError(str(exc)) from None


def _usable(key: str) -> bool:
    """Whether a sign-in can reach a stored key today: an address ``normal_email`` accepts and
    keeps as it is. A row an older release stored under a look-alike address (a full-width
    «ｋ»), or with «å» written as «a» and a combining ring, is reached by no sign-in."""
    try:
        return normal_email(key) == key
    except LookAlikeEmail:
        return False


def _target(session: Session, email: str) -> str:
    """The key an admin's change acts on: a stored row's own key when ``email`` is exactly
    it (so that a row stored under a key refused today can be changed or removed), else the
    address's key today (``AccessError`` for a look-alike)."""
    exact = email.strip()
    if exact and session.get(AppUser, exact) is not None:
        return exact
    return _key(email)


@dataclass(frozen=True)
class UserRow:
    email: str
    name: str
    role: str
    councils: tuple[str, ...]  # names, for a secretariat
    council_ids: tuple[int, ...]
    changed_at: datetime
    changed_by: str
    subject: str | None = None  # the provider's account the address is bound to
    reachable: bool = True  # a sign-in can reach the key (not so for some older rows)

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.role, self.role)

    @property
    def bound(self) -> bool:
        return self.subject is not None


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC).replace(microsecond=0)


def users(session: Session, *, scope: Scope) -> list[UserRow]:
    """Every user, by e-mail (an admin's view)."""
    _check_admin(scope)
    names = council_names(session)
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
                subject=user.subject,
                reachable=_usable(user.email),
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


def _check_not_last_admin(admins: list[str], email: str, what: str) -> None:
    """Refuse to take the admin role from ``email`` (``what``: «fjernes», «få en annen
    rolle») when no other admin anyone can sign in as would be left; an admin stored under
    a key no sign-in reaches (``_usable``) does not count, and is named."""
    if email not in admins or not _usable(email):
        return
    others = sorted(a for a in admins if a != email)
    if any(_usable(a) for a in others):
        return
    if not others:
        raise AccessError(
            f"{email} er den siste administratoren og kan ikke {what}; gi først en annen "
            "bruker rollen administrator"
        )
    many = len(others) > 1
    raise AccessError(
        f"{email} er den siste administratoren som kan logge inn, og kan ikke {what} "
        f"({', '.join(others)} er også {'administratorer' if many else 'administrator'}, men "
        f"{'adressene' if many else 'adressen'} kan ikke brukes til å logge inn); gi først en "
        "annen bruker rollen administrator"
    )


def set_user(
    engine: Engine,
    email: str,
    role: str,
    council_ids=(),
    *,
    name: str | None = None,
    by: Actor,
    scope: Scope,
    now: datetime | None = None,
) -> str:
    """Add a user or change one's role and councils (one transaction, kept in the log).
    Returns what was done, in Norwegian; raises ``AccessError`` with the reason. A user
    whose role or councils change must sign in again: their sign-ins so far end (a change of
    the name alone ends none). A user added again keeps the account they were bound to when
    removed, so that the next account to sign in with the address cannot take the row."""
    _check_admin(scope)
    now = _now(now)
    with writing(), Session(engine) as session:
        admins = _admins_locked(session)
        email = _target(session, email)
        names = council_names(session)
        ids = _checked_access(email, role, council_ids, names)
        user = session.get(AppUser, email)
        if user is not None and role != Role.ADMIN:
            _check_not_last_admin(admins, email, "få en annen rolle")
        action = "lagt til" if user is None else "endret"
        before = None if user is None else (user.role, _council_ids(session, email))
        kept = None
        if user is None:
            user = AppUser(email=email, name=name or "", role=role, changed_at=now)
            kept = _kept_binding(session, email)
            user.subject = kept
        user.role, user.changed_at, user.changed_by = role, now, by.shown
        if name is not None:
            user.name = name.strip()
        session.add(user)
        session.flush()
        if before is not None and before != (role, ids):
            end_sign_ins(session, email)
        session.exec(delete(UserCouncil).where(UserCouncil.email == email))
        session.add_all(UserCouncil(email=email, council_id=i) for i in ids)
        chosen = ", ".join(sorted(names[i] for i in ids))
        session.add(
            AccessChange(
                changed_at=now,
                changed_by=by.shown,
                email=email,
                action=action,
                role=role,
                councils=chosen,
            )
        )
        session.commit()
    where = f" for {chosen}" if chosen else ""
    bound = (
        "; adressen er fortsatt knyttet til kontoen hos innloggingstjenesten den var knyttet "
        "til før den ble fjernet (fjern koblingen om kontoen er byttet ut)"
        if kept
        else ""
    )
    return f"{email} er {action} med rollen {ROLE_NAMES[role].lower()}{where}{bound}"


def _checked_access(email: str, role: str, council_ids, names: dict[int, str]) -> list[int]:
    """The councils of a change, checked with its address and role against the councils
    known (``names``); ``AccessError`` with the reason."""
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
    unknown = [str(i) for i in ids if i not in names]
    if unknown:
        raise AccessError(f"Ukjent IA-råd (nr. {', '.join(unknown)})")
    return ids


def _council_ids(session: Session, email: str) -> list[int]:
    return sorted(
        session.exec(select(UserCouncil.council_id).where(UserCouncil.email == email)).all()
    )


def _kept_binding(session: Session, email: str) -> str | None:
    """The account a removed user was bound to, taken back from the address's sign-in state
    for the user added again."""
    state = session.exec(
        select(SignInState).where(SignInState.email == email).with_for_update()
    ).first()
    if state is None or state.subject is None:
        return None
    kept, state.subject = state.subject, None
    session.add(state)
    return kept


def remove_user(
    engine: Engine, email: str, *, by: Actor, scope: Scope, now: datetime | None = None
) -> str:
    """Take a user's access away (kept in the log), and end their sign-ins; never the last
    admin's. The account the user was bound to is kept with the address's sign-ins, for the
    user added again."""
    _check_admin(scope)
    with writing(), Session(engine) as session:
        admins = _admins_locked(session)
        email = _target(session, email)
        user, state = user_and_state(session, email, lock=True)
        if user is None:
            raise AccessError(f"{email} har ingen tilgang å fjerne")
        _check_not_last_admin(admins, email, "fjernes")
        if user.subject is not None or state is not None:
            state = state or SignInState(email=email)
            state.subject = user.subject
        session.exec(delete(UserCouncil).where(UserCouncil.email == email))
        session.delete(user)
        end_sign_ins(session, email, state)
        session.add(
            AccessChange(
                changed_at=_now(now),
                changed_by=by.shown,
                email=email,
                action="fjernet",
                role=user.role,
            )
        )
        session.commit()
    return f"{email} har ikke lenger tilgang"


def clear_subject(
    engine: Engine, email: str, *, by: Actor, scope: Scope, now: datetime | None = None
) -> str:
    """Clear a user's binding to the provider's account, when the person's account there has
    been replaced: the next sign-in with the address binds it again, and the sign-ins so far
    end (kept in the log)."""
    _check_admin(scope)
    with writing(), Session(engine) as session:
        email = _target(session, email)
        user, state = user_and_state(session, email, lock=True)
        if user is None:
            raise AccessError(f"{email} har ingen tilgang")
        if user.subject is None:
            raise AccessError(
                f"{email} er ikke knyttet til noen konto ennå (ikke logget inn siden tilgangen "
                "ble gitt); ingenting er endret"
            )
        user.subject = None
        session.add(user)
        end_sign_ins(session, email, state)
        chosen = _councils_of(session, email)
        session.add(
            AccessChange(
                changed_at=_now(now),
                changed_by=by.shown,
                email=email,
                action=UNBOUND,
                role=user.role,
                councils=chosen,
            )
        )
        session.commit()
    return (
        f"{email} er ikke lenger knyttet til en konto hos innloggingstjenesten; neste "
        "innlogging med adressen knytter den til kontoen som brukes da"
    )


def _councils_of(session: Session, email: str) -> str:
    """A secretariat's councils' names, comma-separated, as the log keeps them."""
    names = council_names(session)
    ids = session.exec(select(UserCouncil.council_id).where(UserCouncil.email == email)).all()
    return ", ".join(sorted(names.get(i, str(i)) for i in ids))
