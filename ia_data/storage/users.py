"""Who may sign in, and in which role: users keyed on the lower-cased e-mail, a
secretariat's councils, and every change of access kept (``AccessChange``).

The first admins come from ``IA_ADMIN_EMAILS``: such a user is added as an admin the first
time they sign in, and is from then on a user like any other (removed, they stay removed).
An admin cannot remove (or demote) the last admin anyone can sign in as. Every change is one
transaction and needs an admin's scope; the command line works with the operator's. A change
acts on a stored row's own key when it is given exactly, so that a row an older release stored
under a key refused today (``_usable``) can still be changed or removed.

Every run of a signed-in page checks its sign-in here (``sign_in``): an address that only
looks like another is refused (``normal_email``); a user is bound to the provider's account
(``sub``) that first signed in with the address, and another account gets no role until an
admin clears the binding (``clear_subject``); and a sign-in issued before the moment from
which the address's sign-ins count (``SignInState``) has ended. «Logg ut» (``sign_out``),
an admin changing or removing the user, and clearing the binding move that moment past every
sign-in seen. The moments are the ID token's ``iat``, on the provider's clock only (Entra ID
dates ``iat`` five minutes back, so the server's clock is never compared with it).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session, select

from ia_data import settings
from ia_data.domain.access import (
    ROLE_NAMES,
    ROLES,
    Actor,
    LookAlikeEmail,
    OutsideScope,
    Role,
    Scope,
    email_problem,
    normal_email,
    secretariat,
)
from ia_data.domain.errors import UserError
from ia_data.storage.engine import database_problem, writing
from ia_data.storage.models import AccessChange, AppUser, Council, SignInState, UserCouncil

ADMIN_EMAILS = settings.ADMIN_EMAILS
FROM_SETTING = f"innstillingen {ADMIN_EMAILS}"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


UNBOUND = "kontokobling fjernet"  # the log's word for a binding an admin cleared
UNREACHABLE = "kan ikke logge inn med adressen"  # a user stored under a key refused today


class AccessError(UserError):
    """A change of access that cannot be made; the message says why, in Norwegian."""


class SignInRefused(UserError):
    """A sign-in that gives no role, whatever the address's: the message says why, in
    Norwegian (an address that only looks like another, one bound to another account)."""


class SignInNotStored(UserError):
    """A new sign-in the database would not store (read-only, full): it gets no access,
    since a sign-in not stored could not be ended by «Logg ut»; the message says why, in
    Norwegian."""


class SessionEnded(UserError):
    """A sign-in issued before the user signed out, or before an admin changed or removed
    the user: the browser must sign in again."""


def admin_emails(value: str | None = None) -> list[str]:
    """The e-mails of ``IA_ADMIN_EMAILS`` (default: the settings'), separated by commas,
    semicolons or spaces. An address that only looks like another is left out (and logged):
    it is nobody's key."""
    raw = settings.current().admin_emails if value is None else value
    found = set()
    for entry in (e for e in re.split(r"[,;\s]+", raw) if e.strip()):
        problem = email_problem(entry)
        if problem is None:
            found.add(normal_email(entry))
        else:
            logging.getLogger(__name__).warning("%s: %s", ADMIN_EMAILS, problem)
    return sorted(found)


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


def _token_key(email: str, subject: str, issued_at: int) -> str:
    """The key of a sign-in's address; ``SignInRefused`` for one that cannot be checked."""
    try:
        key = normal_email(email)
    except LookAlikeEmail as exc:
        raise SignInRefused(str(exc)) from None
    if not subject:
        raise SignInRefused(
            "Innloggingstjenesten sendte ingen konto-ID (sub), så innloggingen kan ikke "
            "knyttes til en bruker"
        )
    if isinstance(issued_at, bool) or not isinstance(issued_at, int) or issued_at <= 0:
        raise SignInRefused(
            "Innloggingstjenesten sendte ikke når innloggingen ble gjort (iat), så den kan "
            "ikke kontrolleres mot en utlogging"
        )
    return key


def _check(user: AppUser | None, state: SignInState | None, subject: str, issued_at: int):
    """Refuse a sign-in from another account than the address is bound to, and end one
    from before the moment the address's sign-ins count from."""
    if user is not None and user.subject is not None and user.subject != subject:
        raise SignInRefused(
            f"Adressen {user.email} er knyttet til en annen konto hos innloggingstjenesten "
            "enn den du logget inn med, så denne innloggingen gir ingen tilgang. Er kontoen "
            "din byttet ut, kan en administrator fjerne koblingen på siden «Tilgang»"
        )
    if state is not None and issued_at < state.counts_from:
        raise SessionEnded()


def _rows(session: Session, email: str, lock: bool = False):
    """The user and the sign-in state of an address (locked until the transaction ends)."""
    user_query = select(AppUser).where(AppUser.email == email)
    state_query = select(SignInState).where(SignInState.email == email)
    if lock:
        user_query, state_query = user_query.with_for_update(), state_query.with_for_update()
    return session.exec(user_query).first(), session.exec(state_query).first()


def current_scope(session: Session, email: str, *, subject: str, issued_at: int) -> Scope | None:
    """The scope of a sign-in, read afresh, as ``sign_in`` checks it but storing nothing
    (a download made on a click, outside the run)."""
    email = _token_key(email, subject, issued_at)
    _check(*_rows(session, email), subject, issued_at)
    return user_scope(session, email)


def sign_in(
    engine: Engine,
    email: str,
    name: str = "",
    admins: list[str] | None = None,
    *,
    subject: str,
    issued_at: int,
) -> Scope | None:
    """The scope of a signed-in user, checked on every run: ``SignInRefused`` for an
    address that only looks like another or is bound to another account (``subject``, the
    ID token's ``sub``), ``SessionEnded`` for a sign-in issued (``issued_at``, its ``iat``)
    before the address's sign-ins count from. A sign-in's first run is recorded, and binds
    a user not yet bound to its account; a user named in ``IA_ADMIN_EMAILS`` whose access
    has never been set is added as an admin (and the addition kept in the log); once an
    admin has changed or removed it, the setting no longer counts for them. Only a first
    run writes (one transaction)."""
    email = _token_key(email, subject, issued_at)
    admins = admin_emails() if admins is None else admins
    with Session(engine) as session:
        user, state = _rows(session, email)
        _check(user, state, subject, issued_at)
        bootstrap = user is None and email in admins and not _ever_set(session, email)
        first_run = state is None or issued_at > state.newest_seen
        unbound = user is not None and user.subject is None
    if first_run or unbound or bootstrap:
        _record_once(engine, email, name, subject, issued_at, bootstrap)
    with Session(engine) as session:
        return user_scope(session, email)


NOT_STORED = (
    "Innloggingen kan ikke lagres: {problem}. Appen lagrer hver ny innlogging før den gir "
    "tilgang, slik at «Logg ut» kan avslutte den på tjeneren, så ingen kan logge inn på nytt "
    "før databasen tar imot endringer igjen. Prøv igjen om litt, og meld fra til "
    "driftsansvarlig om feilen varer"
)


def _record_once(engine: Engine, email: str, name: str, subject: str, issued_at: int, bootstrap):
    """``_record``, once more if another tab or server stored the same first row first;
    ``SignInNotStored`` when the database will not store it (fail closed: a sign-in not
    stored could not be ended by «Logg ut»)."""
    for attempt in (1, 2):
        try:
            _record(engine, email, name, subject, issued_at, bootstrap)
            return
        except IntegrityError:
            if attempt == 2:
                raise
        except DBAPIError as exc:
            problem = database_problem(exc, engine.url.render_as_string(hide_password=False))
            if problem is None:
                raise
            raise SignInNotStored(NOT_STORED.format(problem=problem)) from exc


def _ever_set(session: Session, email: str) -> bool:
    """Whether an admin (or the setting) has ever given or taken this address's access."""
    return (
        session.exec(select(AccessChange.id).where(AccessChange.email == email)).first() is not None
    )


def _record(engine: Engine, email: str, name: str, subject: str, issued_at: int, bootstrap: bool):
    """A sign-in's first run: the newest sign-in seen, the binding of a user not yet bound,
    and an admin from the setting — checked again under the rows' locks."""
    with writing(), Session(engine) as session:
        user, state = _rows(session, email, lock=True)
        _check(user, state, subject, issued_at)
        state = state or SignInState(email=email)
        state.newest_seen = max(state.newest_seen, issued_at)
        session.add(state)
        if user is None and bootstrap:
            now = _now(None)
            session.add(
                AppUser(
                    email=email,
                    name=name,
                    role=Role.ADMIN,
                    changed_at=now,
                    changed_by=FROM_SETTING,
                    subject=subject,
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
        elif user is not None and user.subject is None:
            user.subject = subject
            session.add(user)
        session.commit()


def sign_out(engine: Engine, email: str, *, subject: str, issued_at: int) -> bool:
    """«Logg ut» on the server: this sign-in and every other of the address seen so far end
    (their next run is asked to sign in again). Only a sign-in that is accepted may do it — an
    account the address is not bound to cannot sign its user out. Returns whether it did."""
    try:
        email = _token_key(email, subject, issued_at)
    except SignInRefused:
        return False
    with writing(), Session(engine) as session:
        user, state = _rows(session, email, lock=True)
        try:
            _check(user, state, subject, issued_at)
        except (SignInRefused, SessionEnded):
            return False
        _end_sign_ins(session, email, state, issued_at)
        session.commit()
    return True


def _end_sign_ins(
    session: Session, email: str, state: SignInState | None = None, issued_at: int = 0
) -> None:
    """Move the moment the address's sign-ins count from past every sign-in seen (and
    ``issued_at``): a sign-in within the same second (of the provider's clock) as the
    newest seen counts as before it, and is asked to sign in once more."""
    if state is None:
        state = session.exec(
            select(SignInState).where(SignInState.email == email).with_for_update()
        ).first()
    if state is None:
        if not issued_at:
            return  # no sign-in seen: none to end
        state = SignInState(email=email, newest_seen=issued_at)
    state.counts_from = max(state.counts_from, state.newest_seen + 1, issued_at + 1)
    session.add(state)


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
        names = _council_names(session)
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
            _end_sign_ins(session, email)
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
        user, state = _rows(session, email, lock=True)
        if user is None:
            raise AccessError(f"{email} har ingen tilgang å fjerne")
        _check_not_last_admin(admins, email, "fjernes")
        if user.subject is not None or state is not None:
            state = state or SignInState(email=email)
            state.subject = user.subject
        session.exec(delete(UserCouncil).where(UserCouncil.email == email))
        session.delete(user)
        _end_sign_ins(session, email, state)
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
        user, state = _rows(session, email, lock=True)
        if user is None:
            raise AccessError(f"{email} har ingen tilgang")
        if user.subject is None:
            raise AccessError(
                f"{email} er ikke knyttet til noen konto ennå (ikke logget inn siden tilgangen "
                "ble gitt); ingenting er endret"
            )
        user.subject = None
        session.add(user)
        _end_sign_ins(session, email, state)
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
    names = _council_names(session)
    ids = session.exec(select(UserCouncil.council_id).where(UserCouncil.email == email)).all()
    return ", ".join(sorted(names.get(i, str(i)) for i in ids))
