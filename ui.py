"""Streamlit helpers for the pages — the one place that knows about Streamlit besides
``app.py`` and ``pages/``: the database handle, the demo seeding, cached queries keyed on
the data version, the shared filters that live in the URL, and status colours."""

from __future__ import annotations

from datetime import date

import streamlit as st
from sqlmodel import Session, select

from ia_data import db
from ia_data.models import Upload
from ia_data.queries import overview, years_with_data
from ia_data.register import councils
from ia_data.rules import Status, load_rules
from ia_data.seed import seed

STATUS_COLOURS = {
    Status.ON_TIME: ("#e3f1e6", "#1b5e20"),
    Status.LATE: ("#fff1d6", "#7a4b00"),
    Status.MISSING: ("#fbe3e3", "#8e1c1c"),
    Status.DUE_SOON: ("#e6eefb", "#1a4480"),
    Status.NOT_DUE: ("#f1f2f4", "#44474f"),
}


def engine():
    return db.get_engine()


def is_demo() -> bool:
    return db.is_demo()


def data_version() -> int:
    with Session(engine()) as session:
        return db.data_version(session)


def has_uploads() -> bool:
    with Session(engine()) as session:
        return session.exec(select(Upload.id).limit(1)).first() is not None


def ensure_demo_data() -> None:
    """Fill the demo database from ``sample_data/`` on first start, with progress."""
    if not is_demo() or has_uploads():
        return
    bar = st.progress(0.0, text="Laster inn demodata …")

    def progress(done: int, total: int, name: str) -> None:
        bar.progress(done / total, text=f"Laster inn demodata: {done} av {total} filer")

    seed(engine(), progress=progress)
    bar.empty()
    st.cache_data.clear()


@st.cache_data(show_spinner=False, max_entries=64)
def cached_overview(
    url: str, version: int, year: int, as_of: date, council_ids: tuple[int, ...], goal
):
    """The overview rows; a new data version (any import or restore) misses the cache."""
    with Session(db.get_engine(url)) as session:
        return overview(session, year, as_of, load_rules(), list(council_ids) or None, goal)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_years(url: str, version: int) -> list[int]:
    with Session(db.get_engine(url)) as session:
        return years_with_data(session)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_councils(url: str, version: int):
    with Session(db.get_engine(url)) as session:
        return councils(session)


def overview_rows(
    year: int, as_of: date, council_ids: list[int] | None = None, goal: int | None = None
):
    return cached_overview(
        db.database_url(), data_version(), year, as_of, tuple(sorted(council_ids or ())), goal
    )


def years() -> list[int]:
    return cached_years(db.database_url(), data_version())


def all_councils():
    return cached_councils(db.database_url(), data_version())


# --- filters kept in the URL -----------------------------------------------------------


def _param(key: str) -> str | None:
    value = st.query_params.get(key)
    return value if value else None


def year_filter(options: list[int], default: int) -> int:
    """A year select box whose value lives in ``?ar=``."""
    raw = _param("ar")
    initial = int(raw) if raw and raw.isdigit() and int(raw) in options else default
    if "f_year" not in st.session_state or st.session_state.f_year not in options:
        st.session_state.f_year = initial
    year = st.selectbox("År", options, key="f_year")
    st.query_params["ar"] = str(year)
    return year


def as_of_filter() -> date:
    """The as-of date (default today), kept in ``?per=ÅÅÅÅ-MM-DD``."""
    raw = _param("per")
    try:
        initial = date.fromisoformat(raw) if raw else date.today()
    except ValueError:
        initial = date.today()
    if "f_as_of" not in st.session_state:
        st.session_state.f_as_of = initial
    as_of = st.date_input(
        "Status per dato",
        key="f_as_of",
        format="DD.MM.YYYY",
        min_value=date(2010, 1, 1),
        max_value=date(2100, 12, 31),
        help="Se fristene slik de sto på en valgt dag. En rapport sendt inn etter denne "
        "datoen regnes som ikke sendt.",
    )
    if as_of == date.today():
        st.query_params.pop("per", None)
    else:
        st.query_params["per"] = as_of.isoformat()
    return as_of


def council_filter(options) -> list[int]:
    """A multiselect of councils (none chosen = all), kept in ``?rad=1,5``."""
    by_id = {c.id: c for c in options}
    raw = _param("rad") or ""
    initial = [int(x) for x in raw.split(",") if x.isdigit() and int(x) in by_id]
    if "f_councils" not in st.session_state:
        st.session_state.f_councils = initial
    st.session_state.f_councils = [i for i in st.session_state.f_councils if i in by_id]
    chosen = st.multiselect(
        "IA-råd",
        list(by_id),
        key="f_councils",
        format_func=lambda i: by_id[i].name,
        placeholder="Alle IA-råd",
    )
    if chosen:
        st.query_params["rad"] = ",".join(str(i) for i in chosen)
    else:
        st.query_params.pop("rad", None)
    return chosen


def goal_filter() -> int | None:
    """A sub-goal select box (``Alle delmål`` or 1–3), kept in ``?delmal=2``."""
    options = [0, 1, 2, 3]  # 0 = all sub-goals
    raw = _param("delmal")
    initial = int(raw) if raw in ("1", "2", "3") else 0
    if "f_goal" not in st.session_state:
        st.session_state.f_goal = initial
    goal = st.selectbox(
        "Delmål",
        options,
        key="f_goal",
        format_func=lambda k: f"Delmål {k}" if k else "Alle delmål",
        help="Med ett delmål valgt gjelder Brukt og Aktiviteter bare aktiviteter merket med "
        "det delmålet.",
    )
    if goal:
        st.query_params["delmal"] = str(goal)
        return goal
    st.query_params.pop("delmal", None)
    return None


def status_style(text: str) -> str:
    """CSS for a status cell: a calm background and dark text; the word always shows."""
    for status, (background, colour) in STATUS_COLOURS.items():
        if text.startswith(status):
            return f"background-color: {background}; color: {colour}"
    return ""


def overview_export(
    year: int, as_of: date, file_format: str, council_ids=None, goal: int | None = None
) -> bytes:
    """The overview export (same query as the page) as CSV or XLSX bytes."""
    from ia_data.exports import overview_export as build

    with Session(engine()) as session:
        return build(session, year, as_of, load_rules(), file_format, council_ids, goal)
