"""Who is signed in, checked on every run of a signed-in page (``sign_in``), and «Logg ut»
on the server (``sign_out``); who may do what is kept in ``users``.

An address that only looks like another is refused (``normal_email``); a user is bound to
the provider's account (``sub``) that first signed in with the address, and another account
gets no role until an admin clears the binding (``users.clear_subject``); and a sign-in
issued before the moment from which the address's sign-ins count (``SignInState``) has
ended. «Logg ut», an admin changing or removing the user, and clearing the binding move
that moment past every sign-in seen (``end_sign_ins``). The moments are the ID token's
``iat``, on the provider's clock only (Entra ID dates ``iat`` five minutes back, so the
server's clock is never compared with it). The first admins come from ``IA_ADMIN_EMAILS``
(``admin_emails``): such a user is added as an admin the first time they sign in.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session, select

from ia_data import settings
from ia_data.domain.access import (
    LookAlikeEmail,
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


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC).replace(microsecond=0)


def council_names(session: Session) -> dict[int, str]:
    return dict(session.exec(select(Council.id, Council.name)).all())


def user_scope(session: Session, email: str) -> Scope | None:
    """The scope of a signed-in user, read afresh (so a change applies on the next
    click); ``None`` for a user with no role."""
    user = session.get(AppUser, normal_email(email))
    if user is None:
        return None
    if user.role != Role.SECRETARIAT:
        return Scope(user.role)
    names = council_names(session)
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


def user_and_state(session: Session, email: str, lock: bool = False):
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
    _check(*user_and_state(session, email), subject, issued_at)
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
        user, state = user_and_state(session, email)
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
        user, state = user_and_state(session, email, lock=True)
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
        user, state = user_and_state(session, email, lock=True)
        try:
            _check(user, state, subject, issued_at)
        except (SignInRefused, SessionEnded):
            return False
        end_sign_ins(session, email, state, issued_at)
        session.commit()
    return True


def end_sign_ins(
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
