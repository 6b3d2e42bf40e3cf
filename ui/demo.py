"""The demo database's first start, for the whole server process: the demo data's allocation
decisions and newest year loaded before the first page, the older years after it in a
thread of their own (how far they have come, or why they failed, for the banner), and the
files in the demo database that did not come with the demo."""

from __future__ import annotations

import logging
import threading

import streamlit as st

from ia_data.storage.engine import is_demo
from ui.data import engine, read

_DEMO = {"checked": False, "thread": None, "done": 0, "total": 0, "failed": ""}
_DEMO_LOCK = threading.Lock()


def ensure_demo_data() -> None:
    """Fill the demo database with the demo data on first start: the allocation decisions
    and the newest year (with progress) before the page, the rest in the background once
    the page is drawn (``continue_demo_data``; ``demo_loading`` says how far it has come).
    A start that was stopped half-way loads what is missing."""
    _first_start(on_a_page=True)


def import_seeding() -> None:
    """The demo's seeding (and openpyxl with it) imported now on a demo database, by the
    server's warm-up before any visitor's run may import it too (``ui.server``)."""
    if is_demo():
        import ia_data.demo.seed  # noqa: F401


def start_demo_data() -> None:
    """At the server's start (``ui.server``): as ``ensure_demo_data``, outside a page's run
    (no progress drawn); the older years, as there, once the first page is drawn (loading
    them at once would slow that page)."""
    _first_start(on_a_page=False)


def _first_start(on_a_page: bool) -> None:
    if not is_demo():
        return
    # (The demo's seeding, and openpyxl with it, is imported only for a demo database.)
    from ia_data.demo.seed import first_part, missing_files, seed

    with _DEMO_LOCK:
        if _DEMO["checked"]:
            return
        missing = missing_files(engine())
        first = first_part(missing)
        rest = [p for p in missing if p not in first]
        if first and on_a_page:
            bar = st.progress(0.0, text="Laster inn demodata …")

            def progress(done: int, total: int, name: str) -> None:
                bar.progress(done / total, text=f"Laster inn demodata: {done} av {total} filer")

            seed(engine(), progress=progress, files=first)
            bar.empty()
        elif first:
            seed(engine(), files=first)
        if rest:
            _DEMO["total"] = len(rest)
            _DEMO["thread"] = threading.Thread(target=_seed_rest, args=(rest,), daemon=True)
        _DEMO["checked"] = True


def continue_demo_data() -> None:
    """Start loading the older years of the demo data, once the first page is drawn (so
    that the first page does not wait for them)."""
    with _DEMO_LOCK:
        thread = _DEMO["thread"]
        if thread is not None and thread.ident is None:
            thread.start()


def _seed_rest(files) -> None:
    from ia_data.demo.seed import seed

    def progress(done: int, total: int, name: str) -> None:
        _DEMO["done"] = done

    try:
        seed(engine(), progress=progress, files=files)
    except Exception as exc:  # said on the pages, not lost in a thread
        logging.exception("Demodataene for de eldre årene kunne ikke lastes inn")
        _DEMO["failed"] = str(exc)


def demo_loading() -> tuple[int, int] | None:
    """(files loaded, files in all) while the older years of the demo data are loading."""
    thread = _DEMO["thread"]
    if thread is None or (thread.ident is not None and not thread.is_alive()):
        return None
    return _DEMO["done"], _DEMO["total"]


def demo_failed() -> str:
    return _DEMO["failed"]


def demo_additions() -> list:
    """What the demo database holds that did not come with the demo (``Added``, newest
    first): workbooks, statistics loads, register versions; none when the database cannot
    say (the page then says what fails, not the banner)."""
    from ia_data.demo.seed import added_files

    try:
        return read(added_files)
    except Exception:
        logging.exception("Demodatabasens filer kunne ikke leses")
        return []
