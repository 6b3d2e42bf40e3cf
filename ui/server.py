"""The server before its first visitor: ``streamlit run app.py`` serves ``app.py`` as an
ASGI app (``st.App``) whose lifespan is ``warm_up``. In a thread of its own (the server
answers at once, and the browser fetches the page's scripts meanwhile) it imports what the
pages use (pandas, the library), and on the demo database it loads the demo data's
allocation decisions and newest year; the older years follow once the first page is drawn —
so that a newcomer sees Oversikt within seconds of the first request, not after the imports
and 141 workbooks. Nothing here may stop the server: a failure is logged, and the first
visitor's run tries again.

While it serves, ``turn`` lets visitors' runs in one at a time, once the warm-up's imports
are done."""

from __future__ import annotations

import logging
import threading
import time
from contextlib import asynccontextmanager, contextmanager

from ia_data.ingest.pause import loading_for_good

_log = logging.getLogger(__name__)


@asynccontextmanager
async def warm_up(app):
    """The lifespan: the warm-up in a thread of its own, so that the server answers at once
    (the browser fetches the page's scripts meanwhile). A visitor's run that comes first
    waits for the warm-up's imports (``turn``), then only for what it needs: the demo data's
    lock."""
    _warming.set()
    threading.Thread(target=_warm, name="oppvarming", daemon=True).start()
    yield


def _warm() -> None:
    started = time.perf_counter()
    try:
        try:  # visitors' runs wait for these, done or failed (``turn``)
            _imports()
        finally:
            _imported.set()
        import ui

        ui.demo.start_demo_data()
    except Exception:
        _log.exception("Oppvarmingen før første besøk feilet; første besøk gjør det selv")
    _log.info("Klar til første besøk etter %.1f s", time.perf_counter() - started)


def _imports() -> None:
    """What a visitor's run would import, loaded now: the libraries live as long as the
    server, so they are loaded with the cycle collector paused and then set aside from its
    walks (``loading_for_good``)."""
    with loading_for_good():
        # pandas and the tables' Styler (with Jinja2): now, not in the first run
        import pandas.io.formats.style
        from sqlalchemy.orm import configure_mappers

        import ui

        ui.import_all()
        ui.demo.import_seeding()
        # What the first page would otherwise do once, for everyone after it too: the
        # models' mappers set up and a Styler drawn.
        configure_mappers()
        pandas.DataFrame({"kr": [1.5]}).style.format(str).to_html()
    # The database opened (on SQLite made or upgraded, with Alembic imported)
    ui.data.data_version()


# A package whose modules import each other (SQLAlchemy's) imported by two threads at once
# can leave one of them a half-made module: «cannot import name 'AdaptedConnection' from
# partially initialized module 'sqlalchemy.engine'», in the warm-up and in the first
# visitor's run alike, and a server that then failed every run. So no run imports beside the
# warm-up: a visitor's run that comes while it imports waits until it is done (it would wait
# as long for the same imports in its own run).
_warming = threading.Event()  # the server's warm-up has begun (never under AppTest)
_imported = threading.Event()  # and its imports are done, or failed
IMPORTS_AT_MOST = 120.0  # seconds a run waits for them, should an import hang


def _after_the_imports() -> None:
    if _warming.is_set() and not _imported.wait(IMPORTS_AT_MOST):
        _log.warning("Oppvarmingens importer var ikke ferdige etter %.0f s", IMPORTS_AT_MOST)


# --- visitors' runs, one at a time ---------------------------------------------------
#
# Each visitor's run is a thread of the one server process, and Python runs one thread at
# a time: twenty runs side by side take turns every few milliseconds, and the switching
# costs. Measured with ``benchmarks/bench.py --sessions`` on the large set, 2 cores, twenty
# new sessions at once: all side by side, 1.2–1.4× the server's CPU per visit of one visit
# alone, the last page after 3.0 s; two at a time, 1.1× and 2.3 s; one at a time,
# 0.9–1.0× and 2.0 s. A run waits at most ``WAIT_FOR_A_TURN`` seconds in all, and a write (a file
# checked or stored, figures fetched: ``ui.data.write``) gives its turn up while it works
# (``aside``), so that one long run delays the others by no more than that.
RUNS_AT_ONCE = 1
WAIT_FOR_A_TURN = 2.0
_turns = threading.BoundedSemaphore(RUNS_AT_ONCE)
_held = threading.local()  # whether this thread's run holds a turn now


@contextmanager
def turn():
    """Run the block when a turn is free, or after ``WAIT_FOR_A_TURN`` seconds anyway (in
    all: the waits after ``aside`` count too). A run that has its turn keeps it."""
    if getattr(_held, "turn", False):
        yield
        return
    _after_the_imports()
    _held.until = time.monotonic() + WAIT_FOR_A_TURN
    _held.turn = _turns.acquire(timeout=WAIT_FOR_A_TURN)
    try:
        yield
    finally:
        if _held.turn:
            _turns.release()
        _held.turn = False


@contextmanager
def aside():
    """The block without this run's turn (another run may go meanwhile); the turn is taken
    again after it, waiting no longer than what is left of the run's ``WAIT_FOR_A_TURN``."""
    if not getattr(_held, "turn", False):
        yield
        return
    _turns.release()
    _held.turn = False
    try:
        yield
    finally:
        _held.turn = _turns.acquire(timeout=max(0.0, _held.until - time.monotonic()))
