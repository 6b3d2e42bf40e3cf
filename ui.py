"""Streamlit helpers for the pages — the one place that knows about Streamlit besides
``app.py`` and ``views/``: the database handle, the demo seeding, cached queries keyed on
the data version, the shared filters that live in the URL, and status colours."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import streamlit as st
from sqlmodel import Session, select

from ia_data.demo.seed import seed
from ia_data.domain.rules import Status, load_rules
from ia_data.output import exports
from ia_data.reporting.overview import overview, years_with_data
from ia_data.storage import db
from ia_data.storage.models import Upload
from ia_data.storage.register import councils

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
    """Fill the demo database with the demo data on first start, with progress."""
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
    return cached_councils(db.database_url(), data_version())


# --- links: every URL parameter is checked in one place per kind ----------------------

LINK_TEXT = {
    "bad_one": "Lenken hadde en ugyldig verdi for {what} ({values}); den er ikke brukt.",
    "bad_many": "Lenken hadde ugyldige verdier for {what} ({values}); de er ikke brukt.",
    "years": " År med data: {years}.",
    "date": " Bruk en dato mellom {first} og {last}, skrevet ÅÅÅÅ-MM-DD.",
    "goal": " Delmålet må være 1, 2 eller 3.",
    "range": " Til år kan ikke være før fra år ({first}).",
    "too_long": "Søket i lenken var lengre enn {limit} tegn; bare de første {limit} er brukt.",
    "control": "Søket i lenken hadde tegn som ikke kan brukes i et søk; de er fjernet.",
}
# What each URL parameter is, as the note about a bad value names it.
PARAMETERS = {
    "ar": "år",
    "per": "statusdato",
    "rad": "IA-råd",
    "delmal": "delmål",
    "fra": "fra år",
    "til": "til år",
    "sok": "søk",
    "type": "type",
    "status": "status",
    "periode": "periode",
}
DATE_MIN = date(2010, 1, 1)  # the as-of date widget's range
DATE_MAX = date(2100, 12, 31)
SEARCH_LIMIT = 200  # characters of a free-text search
LIST_LIMIT = 2000  # characters of a comma list in a link
SHOWN_LIMIT = 40  # characters of a bad value quoted back in the note
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_NOTES = "_link_notes"  # session state: where this run's notes about links go


def link_notes_here() -> None:
    """Mark where the notes about a link's bad values go (``app.py``, above the page)."""
    st.session_state[_NOTES] = st.container()


def _param(key: str) -> str | None:
    value = st.query_params.get(key)
    return value if value else None


def _shown(value: str) -> str:
    """A value from a link quoted in a note: control and format characters (which could
    turn the line around) shown as «�», cut to ``SHOWN_LIMIT`` characters, as plain text."""
    text = "".join("\ufffd" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in value)
    if len(text) > SHOWN_LIMIT:
        text = text[: SHOWN_LIMIT - 1] + "…"
    return plain(text)


def _note(text: str) -> None:
    where = st.session_state.get(_NOTES)
    with where if where is not None else st.container():
        st.info(text, icon=":material/link_off:")


def _reject(param: str, values: list[str], hint: str = "") -> None:
    """Drop ``param`` from the URL and say on the page which of its values were not used."""
    st.query_params.pop(param, None)
    quoted = ", ".join(f"«{_shown(v)}»" for v in values[:3]) + (", …" if len(values) > 3 else "")
    key = "bad_one" if len(values) == 1 else "bad_many"
    _note(LINK_TEXT[key].format(what=PARAMETERS.get(param, param), values=quoted) + hint)


def _number(text: str, digits: int) -> int | None:
    """``text`` as a whole number if it is 1 to ``digits`` ASCII digits (``"²".isdigit()``
    holds, and ``int()`` of 5 000 digits raises), else None."""
    if 0 < len(text) <= digits and text.isascii() and text.isdigit():
        return int(text)
    return None


def _span(years: list[int]) -> str:
    return f"{min(years)}–{max(years)}" if len(years) > 1 else str(years[0])


def year_param(param: str, options: list[int]) -> int | None:
    """The year in ``?<param>=`` if it is one of ``options``; a bad one is dropped with a
    note, and None returned."""
    raw = _param(param)
    if raw is None:
        return None
    year = _number(raw, 4)
    if year in options:
        return year
    _reject(param, [raw], LINK_TEXT["years"].format(years=_span(options)) if options else "")
    return None


def date_param(param: str, first: date = DATE_MIN, last: date = DATE_MAX) -> date | None:
    """The date in ``?<param>=ÅÅÅÅ-MM-DD`` if it exists and lies in ``first``–``last``;
    a bad one is dropped with a note, and None returned."""
    from ia_data.domain import formatting as fmt

    raw = _param(param)
    if raw is None:
        return None
    if _ISO_DATE.fullmatch(raw):
        try:
            found = date.fromisoformat(raw)
        except ValueError:
            found = None
        if found is not None and first <= found <= last:
            return found
    _reject(param, [raw], LINK_TEXT["date"].format(first=fmt.day(first), last=fmt.day(last)))
    return None


def ids_param(param: str, valid) -> list[int]:
    """The ids in ``?<param>=1,5`` that are in ``valid``, in order and once each; the
    others are dropped from the URL with a note."""
    raw = _param(param)
    if raw is None:
        return []
    if len(raw) > LIST_LIMIT:
        _reject(param, [raw])
        return []
    found, bad = [], []
    for item in (x.strip() for x in raw.split(",")):
        number = _number(item, 9)
        if number is not None and number in valid:
            if number not in found:
                found.append(number)
        elif item:
            bad.append(item)
    if bad:
        _reject(param, bad)
    return found


def texts_param(param: str, options: list[str]) -> list[str]:
    """The texts in ``?<param>=a,b`` that are in ``options``; the others are dropped from
    the URL with a note."""
    raw = _param(param)
    if raw is None:
        return []
    if len(raw) > LIST_LIMIT:
        _reject(param, [raw])
        return []
    found = [x for x in raw.split(",") if x in options]
    bad = [x for x in raw.split(",") if x and x not in options]
    if bad:
        _reject(param, bad)
    return list(dict.fromkeys(found))


def clean_search(text: str) -> str:
    """A free-text search without control characters, at most ``SEARCH_LIMIT`` long."""
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cc")
    return text[:SEARCH_LIMIT]


def search_param(param: str) -> str:
    """The search in ``?<param>=``, cleaned (``clean_search``), with a note if it changed."""
    raw = _param(param) or ""
    text = clean_search(raw)
    if text != raw:
        if len(raw) > SEARCH_LIMIT:
            _note(LINK_TEXT["too_long"].format(limit=SEARCH_LIMIT))
        if any(unicodedata.category(ch) == "Cc" for ch in raw):
            _note(LINK_TEXT["control"])
        if text.strip():
            st.query_params[param] = text.strip()
        else:
            st.query_params.pop(param, None)
    return text


# --- filters kept in the URL -----------------------------------------------------------
# Each filter reads its parameter only when its widget has no valid value yet (a first
# visit, a link, or a value that no longer fits the options), and writes it back after.

# Session state that a page keeps besides the widgets' own (cleared after an error).
PAGE_STATE = ("_rad_written", "answer_periods", "history_pick", "restore_pending")


def forget_filters() -> None:
    """Forget every filter's value and the URL, so that the next run starts from the
    defaults (after a page failed: a kept value must not make it fail again)."""
    for key in list(st.session_state.keys()):
        if str(key).startswith("f_") or key in PAGE_STATE:
            del st.session_state[key]
    st.query_params.clear()


def year_filter(options: list[int], default: int) -> int:
    """A year select box whose value lives in ``?ar=``."""
    if st.session_state.get("f_year") not in options:
        found = year_param("ar", options)
        st.session_state.f_year = found if found is not None else default
    year = st.selectbox("År", options, key="f_year")
    st.query_params["ar"] = str(year)
    return year


def as_of_filter() -> date:
    """The as-of date (default today), kept in ``?per=ÅÅÅÅ-MM-DD``."""
    today = min(max(date.today(), DATE_MIN), DATE_MAX)
    kept = st.session_state.get("f_as_of")
    if not isinstance(kept, date) or not DATE_MIN <= kept <= DATE_MAX:
        st.session_state.f_as_of = date_param("per") or today
    as_of = st.date_input(
        "Status per dato",
        key="f_as_of",
        format="DD.MM.YYYY",
        min_value=DATE_MIN,
        max_value=DATE_MAX,
        help="Se fristene slik de sto på en valgt dag. En rapport sendt inn etter denne "
        "datoen regnes som ikke sendt.",
    )
    if as_of == today:
        st.query_params.pop("per", None)
    else:
        st.query_params["per"] = as_of.isoformat()
    return as_of


def council_filter(options) -> list[int]:
    """A multiselect of councils (none chosen = all), kept in ``?rad=1,5``."""
    by_id = {c.id: c for c in options}
    kept = st.session_state.get("f_councils")
    if not isinstance(kept, list):
        st.session_state.f_councils = ids_param("rad", by_id)
    else:
        st.session_state.f_councils = [i for i in kept if i in by_id]
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
    if st.session_state.get("f_goal") not in options:
        raw = _param("delmal")
        if raw is not None and raw not in ("1", "2", "3"):
            _reject("delmal", [raw], LINK_TEXT["goal"])
        st.session_state.f_goal = int(raw) if raw in ("1", "2", "3") else 0
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
    from ia_data.output.exports import overview_export as build

    with Session(engine()) as session:
        return build(session, year, as_of, load_rules(), file_format, council_ids, goal)


# --- Frister, Økonomi, Aktiviteter, Råd: cached queries, filters, tables, downloads ----

DOWNLOAD_TEXT = {"csv": "Last ned CSV", "xlsx": "Last ned Excel (XLSX)"}
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALERT_STYLE = "color: #8e1c1c; font-weight: 600"
# The display value of a missing cell (st.dataframe's own placeholder for a missing value
# is set to "" where the tables are drawn).
EMPTY = "\u00a0"
SCREEN_TEXT_LIMIT = 1000  # characters of a text cell on the screen (``screen_text``)


@st.cache_data(show_spinner=False, max_entries=128)
def _cached_report(url: str, version: int, name: str, kwargs: tuple):
    import inspect

    from ia_data.reporting import reports

    function = getattr(reports, name)
    arguments = dict(kwargs)
    if "rules" in inspect.signature(function).parameters:
        arguments["rules"] = load_rules()
    with Session(db.get_engine(url)) as session:
        return function(session, **arguments)


def report(name: str, **kwargs):
    """A query of ``ia_data.reports`` by name (keyword arguments only), cached until the
    data changes; the rules in force are passed where the query takes them."""
    key = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in kwargs.items()))
    return _cached_report(db.database_url(), data_version(), name, key)


def year_range_filter(options: list[int]) -> list[int]:
    """First and last year (two select boxes over ``options``, ascending), kept in
    ``?fra=&til=``; returns every year from first to last."""
    if not options:
        return []
    from_link = set()
    for key, param, default in (("f_from", "fra", options[0]), ("f_to", "til", options[-1])):
        if st.session_state.get(key) not in options:
            found = year_param(param, options)
            if found is not None:
                from_link.add(param)
            st.session_state[key] = found if found is not None else default
    if st.session_state.f_to < st.session_state.f_from:
        if "til" in from_link:  # a link's last year before its first
            hint = LINK_TEXT["range"].format(first=st.session_state.f_from)
            _reject("til", [str(st.session_state.f_to)], hint)
            st.session_state.f_to = options[-1]
        else:  # the first year was moved past the last
            st.session_state.f_to = st.session_state.f_from
    first = st.selectbox("Fra år", options, key="f_from")
    last = st.selectbox("Til år", [y for y in options if y >= first] or options, key="f_to")
    last = max(first, last)
    for param, value, default in (("fra", first, options[0]), ("til", last, options[-1])):
        if value == default:
            st.query_params.pop(param, None)
        else:
            st.query_params[param] = str(value)
    return [y for y in options if first <= y <= last]


def council_picker(options) -> int | None:
    """One council (select box), kept in ``?rad=<id>`` so that a link opens it. A link
    that changes ``?rad=`` wins over the box's remembered value."""
    by_id = {c.id: c for c in options}
    raw = _param("rad") or ""
    kept = st.session_state.get("f_council", ...)
    if kept is ... or kept not in (*by_id, None) or raw != st.session_state.get("_rad_written"):
        found = ids_param("rad", by_id)
        if found:
            st.session_state.f_council = found[0]
        elif kept is ... or kept not in (*by_id, None):
            st.session_state.f_council = None
    chosen = st.selectbox(
        "IA-råd",
        list(by_id),
        key="f_council",
        index=None,
        format_func=lambda i: by_id[i].name,
        placeholder="Velg et IA-råd",
    )
    if chosen is None:
        st.query_params.pop("rad", None)
        st.session_state._rad_written = ""
    else:
        st.query_params["rad"] = str(chosen)
        st.session_state._rad_written = str(chosen)
    return chosen


def search_filter(label: str = "Søk", help: str | None = None) -> str:
    """A free-text search box, kept in ``?sok=`` (``clean_search``: no control
    characters, at most ``SEARCH_LIMIT`` characters)."""
    kept = st.session_state.get("f_search")
    if not isinstance(kept, str):
        st.session_state.f_search = search_param("sok")
    elif clean_search(kept) != kept:
        st.session_state.f_search = clean_search(kept)
    text = st.text_input(
        label,
        key="f_search",
        help=help,
        placeholder="Ord i tittel, sektor …",
        max_chars=SEARCH_LIMIT,
    )
    text = text.strip()
    if text:
        st.query_params["sok"] = text
    else:
        st.query_params.pop("sok", None)
    return text


def choice_filter(label: str, options: list[str], param: str, placeholder: str) -> list[str]:
    """A multiselect of texts (none chosen = all), kept in ``?<param>=a,b``."""
    key = f"f_{param}"
    kept = st.session_state.get(key)
    if not isinstance(kept, list):
        st.session_state[key] = texts_param(param, options)
    else:
        st.session_state[key] = [x for x in kept if x in options]
    chosen = st.multiselect(label, options, key=key, placeholder=placeholder)
    if chosen:
        st.query_params[param] = ",".join(chosen)
    else:
        st.query_params.pop(param, None)
    return chosen


def _column_kind(values: list) -> str:
    from ia_data.output.exports import Kroner, Percent

    present = [v for v in values if v is not None]
    if present and all(isinstance(v, Kroner) for v in present):
        return "money"
    if present and all(isinstance(v, Percent) for v in present):
        return "percent"
    return "other"


def _display(value, plain: bool = False) -> str:
    """One cell as a person reads it (Norwegian numbers and dates, Ja/Nei)."""
    from datetime import datetime

    import pandas as pd

    from ia_data.domain import formatting as fmt

    if value is None or (not isinstance(value, str | bool | date) and pd.isna(value)):
        return EMPTY
    if isinstance(value, bool):
        return fmt.yes_no(value)
    if isinstance(value, datetime | date):
        return fmt.day(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return str(value) if plain else fmt.number(value)
    if isinstance(value, float):
        return fmt.number(value, 2)
    return str(value)


def _alert(predicate, value) -> str:
    """The alert style where ``predicate`` holds (an empty cell never alerts)."""
    try:
        return ALERT_STYLE if value != "" and predicate(value) else ""
    except TypeError:
        return ""


def table_frame(table):
    """A ``Table`` as a DataFrame for the screen: kroner as numbers of kroner, shares as
    percent, yes/no as ``Ja``/``Nei``, a very long text cut (``screen_text``), everything
    else as it is (so sorting works on the real values). A missing text is an empty
    string; a missing number or date stays missing, so that the column still sorts as
    numbers or dates (``show_table`` draws a missing value as an empty cell)."""
    import pandas as pd

    from ia_data.domain import formatting as fmt

    frame = pd.DataFrame(table.rows, columns=table.columns, dtype=object)
    kinds = {c: _column_kind([row[j] for row in table.rows]) for j, c in enumerate(table.columns)}
    for column, kind in kinds.items():
        if kind == "money":
            frame[column] = [v.ore / 100 if v is not None else None for v in frame[column]]
        elif kind == "percent":
            frame[column] = [v.share * 100 if v is not None else None for v in frame[column]]
    for column in frame.columns:
        values = [v for v in frame[column] if v is not None]
        if values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            frame[column] = pd.to_numeric(frame[column])
        elif values and all(isinstance(v, bool) for v in values):
            # st.dataframe draws a bool column as check boxes; the export says Ja/Nei.
            frame[column] = [fmt.yes_no(v) if v is not None else None for v in frame[column]]
        elif len({type(v) for v in values}) > 1:  # e.g. an action plan: a date, or Ja/Nei
            frame[column] = [
                screen_text(_display(v)) if v is not None else "" for v in frame[column]
            ]
        elif values and all(isinstance(v, date) for v in values):
            pass  # real dates, so the column sorts by date; a gap shows as an empty cell
        elif kinds[column] == "other":
            frame[column] = ["" if v is None else screen_text(v) for v in frame[column]]
    return frame, kinds


def show_table(
    table,
    *,
    alerts: dict | None = None,
    column_config: dict | None = None,
    bars: tuple[str, ...] = (),
    max_height: int = 560,
    key: str | None = None,
):
    """Show a ``Table`` as the page's dataframe: Norwegian formats, status colours, and
    ``alerts`` (column → predicate on the cell value) in red. Negative amounts in a
    ``Gjenstår`` column get red and ⚠; percent columns in ``bars`` show as bars."""
    import pandas as pd

    from ia_data.domain import formatting as fmt

    frame, kinds = table_frame(table)
    alerts = dict(alerts or {})
    styler = frame.style
    for column in frame.columns:
        kind = kinds[column]
        if kind == "money":
            flag = column.startswith("Gjenstår")

            def money(v, flag=flag):
                if v is None or pd.isna(v):
                    return EMPTY
                text = fmt.kroner(round(v * 100))
                return f"{text} ⚠" if flag and v < 0 else text

            styler = styler.format(money, subset=[column])
            if flag:
                alerts.setdefault(column, lambda v: v is not None and pd.notna(v) and v < 0)
        elif kind == "percent" and column in bars:
            column_config = dict(column_config or {})
            bar = st.column_config.ProgressColumn(
                column, min_value=0, max_value=100, format="%.0f %%"
            )
            column_config.setdefault(column, bar)
        elif kind == "percent":
            styler = styler.format(
                lambda v: EMPTY if v is None or pd.isna(v) else f"{fmt.number(v, 1)} %",
                subset=[column],
            )
        else:
            plain = column in exports.PLAIN_NUMBER_COLUMNS
            styler = styler.format(lambda v, plain=plain: _display(v, plain), subset=[column])
        if column.startswith("Status"):
            styler = styler.map(lambda v: status_style(v) if isinstance(v, str) else "", [column])
    for column, predicate in alerts.items():
        if column in frame.columns:
            styler = styler.map(lambda v, p=predicate: _alert(p, v), subset=[column])
    st.dataframe(
        styler,
        placeholder="",  # an empty cell, not «None»
        hide_index=True,
        height=min(38 + 35 * max(len(frame), 1), max_height),
        column_config=column_config,
        key=key,
    )
    return frame


def table_export(table, file_format: str, **about) -> bytes:
    """A page's table as CSV, or as XLSX with its ``Om uttrekket`` sheet."""
    from ia_data.output.exports import table_export as build

    with Session(engine()) as session:
        return build(session, table, file_format, **about)


def download_buttons(
    table,
    file_stem: str,
    *,
    title: str,
    filters: list,
    as_of: date | None = None,
    upload_ids=(),
    row_label: str = "Antall rader",
    key: str,
) -> None:
    """CSV and XLSX download buttons for exactly the table shown (``table`` may be a
    function that builds it, for a list too long to show whole)."""
    if callable(table):  # built only when a button is pressed (a long list)
        build = table
    else:

        def build(table=table):
            return table

    about = {
        "title": title,
        "filters": filters,
        "as_of": as_of,
        "upload_ids": list(upload_ids),
        "row_label": row_label,
    }
    with st.container(horizontal=True):
        st.download_button(
            DOWNLOAD_TEXT["csv"],
            data=lambda: table_export(build(), "csv", **about),
            file_name=f"{file_stem}.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
            key=f"{key}_csv",
        )
        st.download_button(
            DOWNLOAD_TEXT["xlsx"],
            data=lambda: table_export(build(), "xlsx", **about),
            file_name=f"{file_stem}.xlsx",
            mime=XLSX_MIME,
            icon=":material/table_view:",
            on_click="ignore",
            key=f"{key}_xlsx",
        )


def compiled_report(year: int, as_of: date) -> bytes:
    """The Samlet rapport of a year (XLSX bytes)."""
    from ia_data.output.compiled import compiled_report as build

    with Session(engine()) as session:
        return build(session, load_rules(), year, as_of)


def council_page_links(councils, label: str) -> None:
    """A row of links, one per council, each opening the Råd page on that council."""
    with st.container(horizontal=True, gap="small"):
        st.caption(label)
        for council in councils:
            st.page_link(
                "views/rad.py",
                label=council.name.removeprefix("IA-rådet i "),
                query_params={"rad": str(council.id)},
            )


# --- Last opp, Opplastinger: checks kept per file, storing, restoring, history ---------

UPLOAD_CHECKS = "_upload_checks"  # session state: SHA-256 → (data version, Preview)


def check_upload(file_name: str, data: bytes):
    """The dry run of one file as a ``uploads.Preview``, kept in the session under the
    file's SHA-256 so that a rerun does not parse it again (checked again only when the
    data changed since, as the comparison with the active version depends on it). Never
    raises: an unexpected failure becomes a rejected file with a Norwegian message."""
    import logging

    from ia_data.reporting import uploads as up
    from ia_data.storage import store

    digest = store.sha256_of(data)
    version = data_version()
    checks = st.session_state.setdefault(UPLOAD_CHECKS, {})
    kept = checks.get(digest)
    if kept is not None and kept[0] == version and kept[1].file_name == file_name:
        return kept[1]
    rules = load_rules()
    try:
        result = store.import_file(engine(), file_name, data, dry_run=True, rules=rules)
        shown = up.preview(result, rules, date.today())
    except Exception:
        logging.exception("Kontroll av %s feilet", file_name)
        shown = up.preview(up.failed_result(file_name, data), rules, date.today())
    checks[digest] = (version, shown)
    return shown


def forget_upload_checks(keep: set[str] | None = None) -> None:
    """Drop the kept checks, except those of the files in ``keep`` (SHA-256)."""
    checks = st.session_state.get(UPLOAD_CHECKS, {})
    for digest in list(checks):
        if keep is None or digest not in keep:
            del checks[digest]


def store_upload(file_name: str, data: bytes, uploaded_by: str = ""):
    """Store one checked file in its own transaction (``store.import_file``); never raises."""
    import logging

    from ia_data.reporting import uploads as up
    from ia_data.storage import store

    try:
        return store.import_file(engine(), file_name, data, uploaded_by=uploaded_by)
    except Exception:
        logging.exception("Lagring av %s feilet", file_name)
        return up.failed_result(file_name, data, up.UNEXPECTED_STORE)


def data_changed() -> None:
    """After an import or a restore: every cached figure and kept check is stale."""
    st.cache_data.clear()
    forget_upload_checks()


def restore_upload(upload_id: int) -> str:
    """Make an earlier upload active again; raises ``store.RestoreError`` with the reason."""
    from ia_data.storage import store

    message = store.restore_upload(engine(), upload_id)
    data_changed()
    return message


@st.cache_data(show_spinner=False, max_entries=32)
def _cached_upload_history(url: str, version: int, council_ids: tuple, periods: tuple):
    from ia_data.reporting.uploads import upload_history as history

    return history(db.get_engine(url), list(council_ids) or None, list(periods) or None)


def upload_history(council_ids=None, periods=None):
    """Uploads (newest first), optionally only those councils and (year, period) pairs."""
    return _cached_upload_history(
        db.database_url(),
        data_version(),
        tuple(sorted(council_ids or ())),
        tuple(sorted(periods or ())),
    )


@st.cache_data(show_spinner=False, max_entries=8)
def _cached_uploaded_periods(url: str, version: int):
    from ia_data.reporting.uploads import uploaded_periods as periods

    return periods(db.get_engine(url))


def uploaded_periods() -> list[tuple[int, str]]:
    return _cached_uploaded_periods(db.database_url(), data_version())


def upload_file(upload_id: int) -> bytes:
    """The original bytes of an upload (not cached: a file may be large)."""
    from ia_data.storage.store import upload_content

    found = upload_content(engine(), upload_id)
    return found[1] if found else b""


@st.cache_data(show_spinner=False, max_entries=16)
def _cached_template(url: str, version: int, year: int) -> bytes:
    from ia_data.reporting.uploads import template_for_year

    return template_for_year(db.get_engine(url), year, load_rules())


def template(year: int) -> bytes:
    """The blank report template for ``year`` (as ``ia-data template --year``)."""
    return _cached_template(db.database_url(), data_version(), year)


# Markdown (with GitHub's and Streamlit's additions) starts at one of these characters;
# a backslash before each makes it literal (CommonMark allows one before any punctuation).
_MARKDOWN_SPECIAL = frozenset("\\`*_[]<>$~|&!#:")
# Markdown that no backslash stops, because it is found in the text after parsing: bare web
# and e-mail addresses (made links), and :emoji: and :material/icon: codes. An invisible
# word joiner (U+2060) inside each breaks it.
_AFTER_PARSING = re.compile(r"(?<=:)(?=//|[\w+/-]+:)|(?<=\bwww)(?=\.)|(?<=@)", re.IGNORECASE)
# At the start of a line: indentation (a code block), a list, or a setext heading's line.
_LINE_START = re.compile(r"^[ \t]*(?:([-+=])|(\d+)([.)]))?", re.MULTILINE)
WORD_JOINER = "\u2060"


def _line_start(match: re.Match) -> str:
    if match[1]:
        return "\\" + match[1]
    return f"{match[2]}\\{match[3]}" if match[2] else ""


def plain(text: object) -> str:
    """Text from a file or a user (a file name, an answer, a name) made safe to put in
    Markdown: it shows as the very same text, never as an image, a link, HTML, emphasis,
    code, maths, a heading or a list. Each line break is kept (a Markdown line break);
    control characters are dropped."""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    text = _AFTER_PARSING.sub(WORD_JOINER, text)
    text = "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text)
    text = _LINE_START.sub(_line_start, text)
    return re.sub(r"[ \t]*\n+", "  \n", text.strip())


def screen_text(value, limit: int | None = None):
    """A text cut for the screen: longer than ``limit`` characters (``SCREEN_TEXT_LIMIT``),
    it shows its first ``limit - 1`` and «…» (a browser freezes drawing a megabyte in a
    table cell; the exports keep the whole text). Anything else is returned as it is."""
    limit = limit or SCREEN_TEXT_LIMIT
    if isinstance(value, str) and len(value) > limit:
        return value[: limit - 1] + "…"
    return value
