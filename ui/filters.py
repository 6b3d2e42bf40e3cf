"""The shared filters — year, as-of date, councils, sub-goal, years, one council, search,
choices — each a widget whose value lives in the URL, so that a link shows the same view.
Each reads its parameter (through ``links``) only when its widget has no valid value yet
(a first visit, a link, or a value that no longer fits the options), and writes it back."""

from __future__ import annotations

from datetime import date

import streamlit as st

from ui.links import (
    DATE_MAX,
    DATE_MIN,
    LINK_TEXT,
    SEARCH_LIMIT,
    _param,
    _reject,
    clean_search,
    date_param,
    ids_param,
    search_param,
    texts_param,
    year_param,
)

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
