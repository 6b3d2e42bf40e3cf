"""The database as the pages see it: the engine, the demo data seeded on first start, and
every library query cached until the data changes (``query``), plus the files a page offers
for download (their writers imported when a file is asked for: openpyxl is not needed to
show a page, and a first start is quicker without it)."""

from __future__ import annotations

import inspect
import logging
import threading
from datetime import date

import streamlit as st
from sqlmodel import Session, select

from ia_data import settings
from ia_data.demo.seed import added_files, first_part, missing_files, seed
from ia_data.reporting.council import council_register
from ia_data.reporting.deadlines import years_with_data
from ia_data.storage import db, version
from ia_data.storage import engine as engine_setup
from ia_data.storage.models import Upload
from ui.auth import scope


def engine():
    return db.get_engine()


def is_demo() -> bool:
    return engine_setup.is_demo()


def data_version() -> int:
    with Session(engine()) as session:
        return version.data_version(session)


def has_uploads() -> bool:
    with Session(engine()) as session:
        return session.exec(select(Upload.id).limit(1)).first() is not None


# The demo data's first start, for the whole server process: the newest year is loaded
# before the first page is shown, the older years after it, in a thread of their own.
_DEMO = {"checked": False, "thread": None, "done": 0, "total": 0, "failed": ""}
_DEMO_LOCK = threading.Lock()


def ensure_demo_data() -> None:
    """Fill the demo database with the demo data on first start: the allocation decisions
    and the newest year (with progress) before the page, the rest in the background once
    the page is drawn (``continue_demo_data``; ``demo_loading`` says how far it has come).
    A start that was stopped half-way loads what is missing."""
    _first_start(on_a_page=True)


def start_demo_data() -> None:
    """At the server's start (``ui.server``): as ``ensure_demo_data``, outside a page's run
    (no progress drawn), the older years started at once."""
    _first_start(on_a_page=False)


def _first_start(on_a_page: bool) -> None:
    if not is_demo():
        return
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
            if not on_a_page:
                _DEMO["thread"].start()
        _DEMO["checked"] = True


def continue_demo_data() -> None:
    """Start loading the older years of the demo data, once the first page is drawn (so
    that the first page does not wait for them)."""
    with _DEMO_LOCK:
        thread = _DEMO["thread"]
        if thread is not None and thread.ident is None:
            thread.start()


def _seed_rest(files) -> None:
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
    try:
        return query(added_files)
    except Exception:
        logging.exception("Demodatabasens filer kunne ikke leses")
        return []


@st.cache_data(show_spinner=False, max_entries=256)
def _cached(url: str, version: int, name: str, _function, kwargs: tuple):
    arguments = dict(kwargs)
    if "rules" in inspect.signature(_function).parameters:
        arguments["rules"] = settings.current().rules()
    with Session(db.get_engine(url)) as session:
        return _function(session, **arguments)


def _hashable(value):
    return tuple(value) if isinstance(value, list | set) else value


def query(function, **kwargs):
    """``function(session, **kwargs, scope=…)`` — a query of the library, in the signed-in
    user's scope — cached until the data changes (any import or restore raises the data
    version, which is part of the key) and per scope; the rules in force are passed where
    the query takes them. The function itself is passed, so a renamed query breaks where
    it is imported, not at run time."""
    kwargs["scope"] = scope()
    key = tuple(sorted((k, _hashable(v)) for k, v in kwargs.items()))
    name = f"{function.__module__}.{function.__qualname__}"
    return _cached(engine_setup.database_url(), data_version(), name, function, key)


def years() -> list[int]:
    """The years that hold data, newest first."""
    return query(years_with_data)


def page_start(text: dict) -> list[int]:
    """A page's title and intro, and the years that hold data (newest first). On a
    database with no data the page says how to get data in (``text["empty"]``) and stops."""
    st.title(text["title"])
    st.caption(text["intro"])
    found = years()
    if not found:
        st.info(text["empty"], icon=":material/upload_file:")
        st.stop()
    return found


def all_councils():
    """The councils in the user's scope, in register order."""
    return query(council_register)


def overview_export(
    year: int, as_of: date, file_format: str, council_ids=None, goal: int | None = None
) -> bytes:
    """The overview export (same query as the page) as CSV or XLSX bytes."""
    with Session(engine()) as session:
        rules = settings.current().rules()
        from ia_data.output.exports import overview_export as build_overview_export

        return build_overview_export(
            session, year, as_of, rules, file_format, council_ids, goal, scope=scope()
        )


def table_export(table, file_format: str, **about) -> bytes:
    """A page's table as CSV, or as XLSX with its ``Om uttrekket`` sheet."""
    with Session(engine()) as session:
        from ia_data.output.exports import table_export as build_table_export

        return build_table_export(
            session, table, file_format, **about, scope=scope(), rules=rules()
        )


def compiled_report(year: int, as_of: date, period: str | None = None) -> bytes:
    """The Samlet rapport of a year (XLSX bytes)."""
    with Session(engine()) as session:
        from ia_data.output.compiled import compiled_report as build_compiled_report

        return build_compiled_report(
            session, settings.current().rules(), year, as_of, scope=scope(), period=period
        )


def rules():
    """The reporting rules in force (the settings' rules file), for a page to hand on."""
    return settings.current().rules()
