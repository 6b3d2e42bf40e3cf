"""Who is using the app, and what they may open: sign-in through Streamlit's own OpenID
Connect (``st.login``), the role read from the database on every run (so a change applies
on the user's next click), and the open modes.

- ``[auth]`` in the secrets: everyone signs in; a user with no role sees whom to ask. Every
  run checks the sign-in (``sign_ins.sign_in``): an address the provider has not verified, one
  that only looks like another, or one bound to another account at the provider gets no
  role, and a sign-in from before the user signed out («Logg ut», ``sign_out``) is shown the
  sign-in page again. A new sign-in is stored before it gets access; when the database takes
  no writes (read-only, full), it gets none, and is told why.
- No ``[auth]``: only the demo database is served open (a banner says so), or a database
  whose operator set ``IA_AUTH=av`` (a red banner on every page). Any other database shows
  how to configure sign-in, and no data.

The visitor decided here is who every read and write of the pages is for (``ui.data``): their
scope goes with each, and a change is kept as made by them (``Visitor.actor``).
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, replace

import streamlit as st
from sqlmodel import Session

from ia_data import settings
from ia_data.domain.access import (
    NOBODY,
    OPERATOR,
    ROLE_NAMES,
    Actor,
    Role,
    Scope,
    address_verified,
    normal_email,
)
from ia_data.storage import db, sign_ins
from ia_data.storage.engine import database_problem, is_demo

_VISITOR = "_ia_visitor"  # session state: the visitor of the current run
# The visitor a download is made for: Streamlit calls a download's ``data`` on the click,
# outside the run that drew the button (``as_this_visitor``).
_BOUND: ContextVar[Visitor | None] = ContextVar("ia_bound_visitor", default=None)


class Mode:
    SIGN_IN = "innlogging"  # [auth] configured
    DEMO = "demo"  # open: the demo database
    OPEN = "åpen"  # open: IA_AUTH=av on a real database
    CLOSED = "stengt"  # a real database without sign-in: no data


# Pages by role (their url paths); ``SIGN_IN_ONLY`` only where there is sign-in (a user's
# own notices need a user). Every role receives notices (``Mine varsler``); the coordination
# unit and admins see what goes out (``Varsler``).
READING = ("oversikt", "frister", "okonomi", "aktiviteter", "rad", "avvik")
SIGN_IN_ONLY = ("tilgang", "mine_varsler")
PAGES = {
    Role.ADMIN: (
        *READING,
        "last_opp",
        "opplastinger",
        "gjennomgang",
        "varsler",
        "mine_varsler",
        "tilgang",
        "register",
        "statistikk",
    ),
    Role.OVERSIGHT: (*READING, "opplastinger", "mine_varsler"),
    Role.COORDINATION: (*READING, "opplastinger", "gjennomgang", "varsler", "mine_varsler"),
    Role.SECRETARIAT: (*READING, "last_opp", "opplastinger", "mine_varsler"),
}


@dataclass(frozen=True)
class Visitor:
    mode: str
    scope: Scope | None = None  # None: not signed in, or signed in with no role
    email: str = ""
    name: str = ""

    logged_in: bool = False  # signed in through the identity provider
    subject: str = ""  # the provider's account (the ID token's ``sub``)
    issued_at: int = 0  # when the provider issued the sign-in (``iat``, its clock)
    refusal: str = ""  # why this sign-in gives no role, whatever the address's
    unstored: str = ""  # why a new sign-in could not be stored (the database takes no writes)
    ended: bool = False  # a sign-in from before the user signed out: sign in again

    @property
    def signed_in(self) -> bool:
        return self.logged_in

    @property
    def may_use_app(self) -> bool:
        return self.scope is not None and self.mode != Mode.CLOSED

    def may_open(self, url_path: str) -> bool:
        if not self.may_use_app:
            return False
        if url_path in SIGN_IN_ONLY and self.mode != Mode.SIGN_IN:
            return False
        return (url_path or "oversikt") in PAGES.get(self.scope.role, ())

    @property
    def who(self) -> str:
        """Who is stored as having uploaded or restored."""
        if self.mode == Mode.SIGN_IN:
            return self.name
        return "åpen modus (ingen innlogging)"

    @property
    def actor(self) -> Actor:
        """Who a change is kept as made by."""
        return Actor(self.who, self.email)

    @property
    def role_name(self) -> str:
        if self.scope is None:
            return "ingen rolle"
        name = ROLE_NAMES.get(self.scope.role, self.scope.role)
        if self.scope.role == Role.SECRETARIAT:
            return f"{name} for {self.scope.described()}"
        return name


def sign_in_configured() -> bool:
    """Whether ``[auth]`` is in the secrets (``.streamlit/secrets.toml``)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all, or one that cannot be read
        return False


def _user_claim(name: str) -> str:
    value = st.user.get(name)
    return value.strip() if isinstance(value, str) else ""


def _issued_at() -> int:
    """The sign-in's ``iat`` (whole seconds); 0 if the provider sent no number."""
    value = st.user.get("iat")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    return int(value)


def _signed_in() -> Visitor:
    """The visitor of a run with the provider's identity cookie, checked in the database."""
    email, name = _user_claim("email"), _user_claim("name")
    token = {"subject": _user_claim("sub"), "issued_at": _issued_at()}
    # An address the provider says it has not verified is no address (an identity provider
    # may let a user type any e-mail; access is given per address).
    if not email or not address_verified(st.user):
        return Visitor(Mode.SIGN_IN, None, "", name, logged_in=True, **token)
    try:
        scope = sign_ins.sign_in(db.get_engine(), email, name or email, **token)
    except sign_ins.SessionEnded:
        return Visitor(Mode.SIGN_IN, ended=True)
    except sign_ins.SignInRefused as exc:
        return Visitor(Mode.SIGN_IN, None, email, name or email, True, refusal=str(exc), **token)
    except sign_ins.SignInNotStored as exc:  # fail closed: «Logg ut» could not end it
        return Visitor(Mode.SIGN_IN, None, email, name or email, True, unstored=str(exc), **token)
    email = normal_email(email)
    return Visitor(Mode.SIGN_IN, scope, email, name or email, logged_in=True, **token)


def decide() -> Visitor:
    """Who this run is for (read afresh every run) and what they may reach."""
    if sign_in_configured():
        signed_in = st.user.get("is_logged_in", False)
        visitor = _signed_in() if signed_in else Visitor(Mode.SIGN_IN)
    elif is_demo():
        visitor = Visitor(Mode.DEMO, OPERATOR)
    elif settings.current().open_mode:  # the operator switched sign-in off (``IA_AUTH=av``)
        visitor = Visitor(Mode.OPEN, OPERATOR)
    else:
        visitor = Visitor(Mode.CLOSED)
    st.session_state[_VISITOR] = visitor
    return visitor


def visitor() -> Visitor:
    """The visitor of this run (decided by ``app.py``; nobody if it was not)."""
    bound = _BOUND.get()
    if bound is not None:
        return bound
    try:
        found = st.session_state.get(_VISITOR)
    except Exception:  # outside a run: nobody, so nothing is reached
        found = None
    return found if isinstance(found, Visitor) else Visitor(Mode.CLOSED)


def as_this_visitor(make):
    """``make`` as a download button's ``data``: Streamlit calls it on the click, outside
    this run, so it runs with this run's visitor (and scope), not with nobody's."""
    captured = visitor()

    def run(*args):
        current = captured
        if captured.mode == Mode.SIGN_IN and captured.scope is not None:  # the role as it is now
            current = replace(captured, scope=_scope_now(captured))
        token = _BOUND.set(current)
        try:
            return make(*args)
        finally:
            _BOUND.reset(token)

    return run


def _scope_now(signed_in: Visitor) -> Scope | None:
    """A signed-in visitor's scope read afresh; none if the sign-in has ended or is refused
    since (signed out in another tab, changed by an admin)."""
    with Session(db.get_engine()) as session:
        try:
            return sign_ins.current_scope(
                session,
                signed_in.email,
                subject=signed_in.subject,
                issued_at=signed_in.issued_at,
            )
        except (sign_ins.SessionEnded, sign_ins.SignInRefused):
            return None


def end_session(signed_in: Visitor) -> str | None:
    """«Logg ut» on the server, before the browser forgets its cookie: this sign-in and every
    other of the user so far end (a copied cookie, another tab), checked on their next run.
    Returns why it could not be stored, in Norwegian (the user is then not signed out)."""
    if signed_in.mode != Mode.SIGN_IN or not signed_in.email or signed_in.refusal:
        return None
    try:
        sign_ins.sign_out(
            db.get_engine(),
            signed_in.email,
            subject=signed_in.subject,
            issued_at=signed_in.issued_at,
        )
    except Exception as exc:
        problem = database_problem(exc)
        if problem is None:
            raise
        return f"Du er ikke logget ut: databasen svarte ikke ({problem}). Prøv igjen om litt."
    return None


def scope() -> Scope:
    """The scope of this run's user; a scope that reaches nothing if there is none."""
    found = visitor()
    return found.scope if found.may_use_app else NOBODY
