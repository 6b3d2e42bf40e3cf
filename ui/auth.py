"""Who is using the app, and what they may open: sign-in through Streamlit's own OpenID
Connect (``st.login``), the role read from the database on every run (so a change applies
on the user's next click), and the open modes.

- ``[auth]`` in the secrets: everyone signs in; a user with no role sees whom to ask.
- No ``[auth]``: only the demo database is served open (a banner says so), or a database
  whose operator set ``IA_AUTH=av`` (a red banner on every page). Any other database shows
  how to configure sign-in, and no data.

The scope decided here goes with every query (``ui.data.query``) and every store call.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from dataclasses import dataclass

import streamlit as st
from sqlmodel import Session

from ia_data.domain.access import (
    NOBODY,
    OPERATOR,
    ROLE_NAMES,
    Role,
    Scope,
    identity,
    normal_email,
)
from ia_data.storage import db, register, stats, users
from ia_data.storage.engine import is_demo

OPEN_SETTING = "IA_AUTH"
_VISITOR = "_ia_visitor"  # session state: the visitor of the current run
# The visitor a download is made for: Streamlit calls a download's ``data`` on the click,
# outside the run that drew the button (``as_this_visitor``).
_BOUND: ContextVar[Visitor | None] = ContextVar("ia_bound_visitor", default=None)


class Mode:
    SIGN_IN = "innlogging"  # [auth] configured
    DEMO = "demo"  # open: the demo database
    OPEN = "åpen"  # open: IA_AUTH=av on a real database
    CLOSED = "stengt"  # a real database without sign-in: no data


# Pages by role (their url paths); ``tilgang`` only where there is sign-in.
READING = ("oversikt", "frister", "okonomi", "aktiviteter", "rad")
PAGES = {
    Role.ADMIN: (*READING, "last_opp", "opplastinger", "tilgang", "register", "statistikk"),
    Role.OVERSIGHT: (*READING, "opplastinger"),
    Role.SECRETARIAT: (*READING, "last_opp", "opplastinger"),
}


@dataclass(frozen=True)
class Visitor:
    mode: str
    scope: Scope | None = None  # None: not signed in, or signed in with no role
    email: str = ""
    name: str = ""

    logged_in: bool = False  # signed in through the identity provider

    @property
    def signed_in(self) -> bool:
        return self.logged_in

    @property
    def may_use_app(self) -> bool:
        return self.scope is not None and self.mode != Mode.CLOSED

    def may_open(self, url_path: str) -> bool:
        if not self.may_use_app:
            return False
        if url_path == "tilgang" and self.mode != Mode.SIGN_IN:
            return False
        return (url_path or "oversikt") in PAGES.get(self.scope.role, ())

    @property
    def who(self) -> str:
        """Who is stored as having uploaded or restored."""
        if self.mode == Mode.SIGN_IN:
            return self.name
        return "åpen modus (ingen innlogging)"

    @property
    def who_shown(self) -> str:
        """Who is stored, as a page names them."""
        return identity(self.who, self.email)

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


def open_setting() -> bool:
    """Whether the operator switched sign-in off for a real database (``IA_AUTH=av``)."""
    return os.environ.get(OPEN_SETTING, "").strip().lower() in ("av", "off")


def _user_claim(name: str) -> str:
    value = st.user.get(name)
    return value.strip() if isinstance(value, str) else ""


def decide() -> Visitor:
    """Who this run is for (read afresh every run) and what they may reach."""
    if sign_in_configured():
        if not st.user.get("is_logged_in", False):
            visitor = Visitor(Mode.SIGN_IN)
        else:
            # An address the provider says it has not verified is no address (an identity
            # provider may let a user type any e-mail; access is given per address).
            verified = st.user.get("email_verified", True) not in (False, "false")
            email = normal_email(_user_claim("email")) if verified else ""
            name = _user_claim("name") or email
            scope = users.sign_in(db.get_engine(), email, name) if email else None
            visitor = Visitor(Mode.SIGN_IN, scope, email, name, logged_in=True)
    elif is_demo():
        visitor = Visitor(Mode.DEMO, OPERATOR)
    elif open_setting():
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
        if captured.mode == Mode.SIGN_IN and captured.email:  # the role as it is now
            with Session(db.get_engine()) as session:
                fresh = users.user_scope(session, captured.email)
            current = Visitor(captured.mode, fresh, captured.email, captured.name, True)
        token = _BOUND.set(current)
        try:
            return make(*args)
        finally:
            _BOUND.reset(token)

    return run


def scope() -> Scope:
    """The scope of this run's user; a scope that reaches nothing if there is none."""
    found = visitor()
    return found.scope if found.may_use_app else NOBODY


def admin_contacts() -> str:
    """Whom to ask for access, as a sentence."""
    admins = users.admin_emails()
    if admins:
        return f"Be en administrator om tilgang: {', '.join(admins)}."
    return "Be administratoren av IA-rådsoversikt om tilgang."


# --- «Tilgang»: an admin's changes, in the admin's scope --------------------------------
AccessError = users.AccessError


def user_list() -> list[users.UserRow]:
    with Session(db.get_engine()) as session:
        return users.users(session, scope=scope())


def access_log():
    with Session(db.get_engine()) as session:
        return users.access_log(session, scope=scope())


def set_user(email: str, role: str, council_ids, name: str | None = None) -> str:
    """Add or change a user; raises ``AccessError`` with the reason."""
    return users.set_user(
        db.get_engine(), email, role, council_ids, name=name, by=visitor().who_shown, scope=scope()
    )


def remove_user(email: str) -> str:
    return users.remove_user(db.get_engine(), email, by=visitor().who_shown, scope=scope())


# --- «Register»: a new version of the council register (an admin) ----------------------------
RegisterError = register.RegisterError


def register_change(text: str, file_name: str, dry_run: bool):
    """What a register file changes (``dry_run``), or take it into use; raises
    ``RegisterError`` with the reason."""
    return register.load_new_register(
        db.get_engine(), text, file_name, by=visitor().who_shown, scope=scope(), dry_run=dry_run
    )


def register_versions():
    with Session(db.get_engine()) as session:
        return register.register_history(session, scope=scope())


# --- «Statistikk»: public statistics loaded or fetched (an admin) ---------------------------
def stats_import(file_name: str, data: bytes, dry_run: bool):
    """A statistics file checked (``dry_run``) or loaded: a ``LoadResult``."""
    return stats.import_stats(
        db.get_engine(), file_name, data, by=visitor().who_shown, scope=scope(), dry_run=dry_run
    )


def stats_fetch(table: str, dry_run: bool):
    """A StatBank table fetched and checked (``dry_run``) or loaded: a ``LoadResult``."""
    return stats.fetch_stats(
        db.get_engine(), table, by=visitor().who_shown, scope=scope(), dry_run=dry_run
    )


def stats_series(history: bool = False):
    """The active series, or (``history``) every load of every series."""
    with Session(db.get_engine()) as session:
        if history:
            return stats.series_history(session, scope=scope())
        return stats.series_list(session, scope=scope())
