"""The one way from the pages into the library: ``read`` (a query in the visitor's scope,
cached until the data changes) and ``write`` (a change with the engine, the visitor's scope
and the visitor as who made it; what was cached is stale after it), with the rules in force
for a page to hand on, and a page's start.

A page passes the library function itself (``ui.data.read(overview, year=…, rules=…)``),
so a renamed function breaks where it is imported, not at run time; and it passes every
argument, the rules too. Only the scope, the engine and the actor are supplied here."""

from __future__ import annotations

import logging
import threading
from typing import NamedTuple

import streamlit as st
from sqlmodel import Session

from ia_data import settings
from ia_data.domain.errors import UserError
from ia_data.domain.rules import Rules
from ia_data.notices.deliver import deliver
from ia_data.reporting.deadlines import years_with_data
from ia_data.storage import db, version
from ia_data.storage import engine as engine_setup
from ia_data.storage.store import upload_content
from ui.auth import scope, visitor
from ui.server import aside
from ui.text import plain

# What a write refuses with a reason (in Norwegian) that the page shows; nothing is changed:
# every error a user reads (``domain/errors.py``).
REFUSALS = UserError
# Session state: Last opp's checks of the chosen files (``ui.upload``), stale after a change.
KEPT_CHECKS = "_upload_checks"


def engine():
    return db.get_engine()


def data_version() -> int:
    with Session(engine()) as session:
        return version.data_version(session)


def rules() -> Rules:
    """The reporting rules in force (the settings' rules file), for a page to hand on."""
    return settings.current().rules()


def read(function, /, *, cache: bool = True, **kwargs):
    """``function(session, **kwargs, scope=…)`` — a query of the library in the visitor's
    scope — cached until the data changes (every change raises the data version, which is
    part of the key, as are the scope and every argument). ``cache=False`` for what is not
    kept: a file to download (made on the click), who may sign in (not part of the data
    version)."""
    kwargs["scope"] = scope()
    if not cache:
        with Session(engine()) as session:
            return function(session, **kwargs)
    key = tuple(sorted((name, _key(value)) for name, value in kwargs.items()))
    name = f"{function.__module__}.{function.__qualname__}"
    return _cached(engine_setup.database_url(), data_version(), name, key, function, kwargs)


@st.cache_data(show_spinner=False, max_entries=256)
def _cached(url: str, version: int, name: str, key: tuple, _function, _arguments: dict):
    with Session(db.get_engine(url)) as session:
        return _function(session, **_arguments)


def upload_bytes(upload_id: int) -> bytes:
    """The original bytes of an upload, read when a download button is pressed (not cached:
    a file may be large); nothing for one outside the visitor's scope."""
    found = read(upload_content, upload_id=upload_id, cache=False)
    return found[1] if found else b""


def _key(value):
    """An argument as part of a cache key: a list or a set as a tuple, rules by what they
    say (a changed rules file is other rules)."""
    if isinstance(value, Rules):
        return repr(
            (value.regimes, value.agreements, value.goals, value.due_soon_days, value.notices)
        )
    return tuple(value) if isinstance(value, list | set) else value


def write(function, /, **kwargs):
    """``function(engine, **kwargs, scope=…, by=…)`` — a change through the library, in the
    visitor's scope and name. A refusal (``REFUSALS``) is shown where the page is, as the
    library says it, and gives ``None``; after a change (anything but a ``dry_run``) every
    cached figure and kept check is stale, on this server at once and on others by the data
    version."""
    try:
        with aside():  # another visitor's page may be drawn meanwhile (ui.server.turn)
            done = function(engine(), **kwargs, scope=scope(), by=visitor().actor)
    except REFUSALS as exc:
        st.error(plain(exc), icon=":material/error:")
        return None
    if not kwargs.get("dry_run"):
        data_changed()
        deliver_soon(getattr(done, "outbox_ids", ()))
    return done


# The notices being handed to the mail server now (``deliver_soon``), for a test to wait for.
_SENDING: list[threading.Thread] = []


def deliver_soon(outbox_ids) -> threading.Thread | None:
    """The notices a change just wrote to the outbox (its transaction committed), handed to
    the mail server in a background thread: the page never waits for the server, and never
    fails because of it — a message it does not take now waits in the outbox, and the daily
    run (``ia-data varsler send``) tries it again."""
    ids = list(outbox_ids or ())
    if not ids:
        return None
    found = settings.current()
    thread = threading.Thread(
        target=_deliver, args=(engine(), found, ids), name="ia-varsler", daemon=True
    )
    _SENDING[:] = [t for t in _SENDING if t.is_alive()]
    _SENDING.append(thread)
    thread.start()
    return thread


def _deliver(engine, found, ids: list[int]) -> None:
    try:
        report = deliver(engine, found, ids=ids)
        logging.info("Varsler nr. %s: %s", ", ".join(map(str, ids)), report.message)
    except Exception:  # the message waits in the outbox: the daily run sends it
        logging.exception("Varsler nr. %s ble ikke sendt nå", ", ".join(map(str, ids)))


def wait_for_deliveries(timeout: float = 60) -> None:
    """Until the notices handed over so far have been tried (the tests)."""
    for thread in list(_SENDING):
        thread.join(timeout)


def data_changed() -> None:
    """After a change: every cached figure and kept check is stale."""
    st.cache_data.clear()
    st.session_state.pop(KEPT_CHECKS, None)


class PageStart(NamedTuple):
    rules: Rules  # in force, for the page to hand on
    years: list[int]  # that hold data, newest first


def page_start(text: dict) -> PageStart:
    """How a page about the data starts: its title and intro, the rules in force and the
    years that hold data. On a database with no data the page says how to get data in
    (``text["empty"]``) and stops."""
    in_force = rules()
    st.title(text["title"])
    st.caption(text["intro"])
    found = read(years_with_data)
    if not found:
        st.info(text["empty"], icon=":material/upload_file:")
        st.stop()
    return PageStart(in_force, found)
