"""The shared filters — year, as-of date, councils, sub-goal, years, one council, search,
choices — each a widget whose value lives in the URL, so that a link shows the same view.
Each reads its parameter (through ``links``) only when its widget has no valid value yet
(a first visit, a link, or a value that no longer fits the options), and writes it back."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

import streamlit as st

from ia_data.domain import formatting as fmt
from ia_data.reporting.council import council_register, councils_outside
from ui.data import read
from ui.links import (
    DATE_MAX,
    DATE_MIN,
    LINK_TEXT,
    SEARCH_LIMIT,
    _param,
    choice_param,
    clean_search,
    date_param,
    goal_param,
    ids_param,
    link_ids,
    reject,
    search_param,
    texts_param,
    year_param,
)

# Session state that a page keeps besides the widgets' own (cleared after an error).
PAGE_STATE = ("answer_periods", "history_pick", "restore_pending")


# Streamlit forgets a widget's value when a page without that widget runs, and a click in
# the menu clears the URL; so the shared filters (year, status date, sub-goal, councils) also
# keep their value here, and the next page's filter starts from it: they follow the user.
_KEPT = "_kept_"


def _kept(name: str):
    return st.session_state.get(_KEPT + name)


def _keep(name: str, value) -> None:
    st.session_state[_KEPT + name] = value


def _rebind(key: str) -> None:
    """Give a kept value back to its widget: a widget on another page is another widget to
    Streamlit, which shows its default unless the value is set again before it is drawn."""
    if key in st.session_state:
        st.session_state[key] = st.session_state[key]


# The page and the address's values as this session's last run left them
# (``address_left``), and what each parameter's filter remembers (else ``f_<param>``):
# its widgets' values and the value kept for other pages.
_LEFT = "_address_left"
_FILTER_KEYS = {
    "ar": ("f_year", _KEPT + "year"),
    "per": ("f_as_of", _KEPT + "as_of"),
    "rad": ("f_councils", "f_council", _KEPT + "councils"),  # Oversikt's and Råd's box
    "delmal": ("f_goal", _KEPT + "goal"),
    "fra": ("f_from",),
    "til": ("f_to",),
    "sok": ("f_search",),
    "godkjent": ("f_approved", _KEPT + "approved"),
}


def follow_the_address(page: str) -> None:
    """Before ``page`` (its url path) runs: what the address says that this session's last
    run did not leave there came from outside the page's own widgets — the browser's Back
    or Forward, a link followed within the session — and wins, as a link does in a new
    session. A value that differs, or on the same page a value gone, drops what its filter
    remembers, and the filter reads the address. (Another page chosen in the menu starts
    without the values, and the filters follow the user there as before.)"""
    left = st.session_state.get(_LEFT)
    now = _address()
    # What this run found stands for what it left until ``address_left`` replaces it: a run
    # that ends in st.stop() or st.rerun() cannot record what it left (any Streamlit call
    # after them raises them again), and the next run compares with this, not with the
    # address of a page before it.
    st.session_state[_LEFT] = (page, now)
    if left is None:
        return
    left_page, values = left
    changed = {p for p in now if values.get(p) != now[p]}
    if page == left_page:
        changed |= set(values) - set(now)
    for param in changed:
        for key in _FILTER_KEYS.get(param, (f"f_{param}",)):
            st.session_state.pop(key, None)


def address_left(page: str) -> None:
    """After ``page`` has run (however its run ended): the page and what the address now
    holds, for ``follow_the_address`` on the next run."""
    st.session_state[_LEFT] = (page, _address())


def _address() -> dict[str, list[str]]:
    return {param: st.query_params.get_all(param) for param in st.query_params}


def forget_filters() -> None:
    """Forget every filter's value and the URL, so that the next run starts from the
    defaults (after a page failed: a kept value must not make it fail again)."""
    for key in list(st.session_state.keys()):
        if str(key).startswith(("f_", _KEPT)) or key in PAGE_STATE:
            del st.session_state[key]
    st.query_params.clear()


def year_filter(options: list[int], default: int) -> int:
    """A year select box whose value lives in ``?ar=``."""
    if st.session_state.get("f_year") not in options:
        found = year_param("ar", options)
        if found is None and _kept("year") in options:
            found = _kept("year")
        st.session_state.f_year = found if found is not None else default
    _rebind("f_year")
    year = st.selectbox("År", options, key="f_year")
    st.query_params["ar"] = str(year)
    _keep("year", year)
    return year


def as_of_filter() -> date:
    """The as-of date (default today), kept in ``?per=ÅÅÅÅ-MM-DD``."""
    today = min(max(fmt.today(), DATE_MIN), DATE_MAX)
    kept = st.session_state.get("f_as_of")
    if not isinstance(kept, date) or not DATE_MIN <= kept <= DATE_MAX:
        st.session_state.f_as_of = date_param("per") or _kept("as_of") or today
    _rebind("f_as_of")
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
        _keep("as_of", None)
    else:
        st.query_params["per"] = as_of.isoformat()
        _keep("as_of", as_of)
    return as_of


def date_filter(param: str, label: str, default: date, *, help: str) -> date:
    """A date of one page's own (default ``default``), kept in ``?<param>=ÅÅÅÅ-MM-DD`` so
    that a link opens the page on it; not carried to other pages. Its widget's key is
    ``f_<param>``, which ``follow_the_address`` drops when the address changes it."""
    key = f"f_{param}"
    kept = st.session_state.get(key)
    if not isinstance(kept, date) or not DATE_MIN <= kept <= DATE_MAX:
        st.session_state[key] = date_param(param) or default
    _rebind(key)
    chosen = st.date_input(
        label, key=key, format="DD.MM.YYYY", min_value=DATE_MIN, max_value=DATE_MAX, help=help
    )
    if chosen == default:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = chosen.isoformat()
    return chosen


def choose_many(label: str, options, *, placeholder: str = "Velg én eller flere", **more):
    """``st.multiselect`` in the app's words: a Norwegian placeholder, no «Select all» (its
    words are Streamlit's English), and typing finds the options that contain what is typed,
    in their order («Troms» finds Troms, not Møre og Romsdal by a fuzzy match first)."""
    return st.multiselect(
        label, options, placeholder=placeholder, select_all=False, filter_mode="contains", **more
    )


def choose_one(label: str, records: dict, describe, *, key: str, **more):
    """``st.selectbox`` over records (key → record), each written as ``describe(record)``;
    gives the key chosen. A key the records no longer hold (the list changed under the box,
    on a click that is still running) is written as nothing rather than fail the page."""
    return st.selectbox(
        label,
        list(records),
        format_func=lambda k: describe(records[k]) if k in records else "",
        key=key,
        **more,
    )


def council_filter(options) -> list[int]:
    """A multiselect of councils (none chosen = all), kept in ``?rad=1,5``."""
    by_id = {c.id: c for c in options}
    kept = st.session_state.get("f_councils")
    if not isinstance(kept, list):
        chosen = ids_param("rad", by_id, _denied_councils(by_id))
        if not chosen and _param("rad") is None:
            chosen = [i for i in _kept("councils") or [] if i in by_id]
        st.session_state.f_councils = chosen
    else:
        st.session_state.f_councils = [i for i in kept if i in by_id]
    chosen = choose_many(
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
    _keep("councils", chosen)
    return chosen


def _denied_councils(shown) -> dict[int, str]:
    """The councils a link's ``?rad=`` names that the user may not see, id → name (the
    note then says «Ingen tilgang til …»); ``shown``: the councils offered."""
    asked = tuple(i for i in link_ids(_param("rad")) if i not in shown)
    return read(councils_outside, council_ids=asked) if asked else {}


def council_filter_for(years: list[int]) -> list[int]:
    """The council filter offering the councils that exist in any of ``years``: a page
    about those years offers no council that was not there then."""
    councils = read(council_register)
    return council_filter([c for c in councils if any(c.exists_in(y) for y in years)])


def goal_filter() -> int | None:
    """A sub-goal select box (``Alle delmål`` or 1–3), kept in ``?delmal=2``."""
    options = [0, 1, 2, 3]  # 0 = all sub-goals
    if st.session_state.get("f_goal") not in options:
        linked = _param("delmal") is not None
        found = goal_param()
        if found is not None:
            st.session_state.f_goal = found
        else:
            st.session_state.f_goal = _kept("goal") if not linked and _kept("goal") else 0
    _rebind("f_goal")
    goal = st.selectbox(
        "Delmål",
        options,
        key="f_goal",
        format_func=lambda k: f"Delmål {k}" if k else "Alle delmål",
        help="Med ett delmål valgt gjelder Brukt og Aktiviteter bare aktiviteter merket med "
        "det delmålet.",
    )
    _keep("goal", goal)
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
    _rebind("f_from")
    _rebind("f_to")
    if st.session_state.f_to < st.session_state.f_from:
        if "til" in from_link:  # a link's last year before its first
            hint = LINK_TEXT["range"].format(first=st.session_state.f_from)
            reject("til", [str(st.session_state.f_to)], hint)
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
    """One council (select box), kept in ``?rad=<id>`` so that a link opens it. (A link
    that changes ``?rad=`` within the session drops the box's value: ``follow_the_address``.)"""
    by_id = {c.id: c for c in options}
    kept = st.session_state.get("f_council", ...)
    if kept is ... or kept not in (*by_id, None):
        found = ids_param("rad", by_id, _denied_councils(by_id))
        if not found and _param("rad") is None:  # no link: the council chosen on another page
            found = [i for i in _kept("councils") or [] if i in by_id]
        st.session_state.f_council = found[0] if found else None
    _rebind("f_council")
    chosen = st.selectbox(
        "IA-råd",
        list(by_id),
        key="f_council",
        index=None,
        format_func=lambda i: by_id[i].name,
        placeholder="Velg et IA-råd",
        filter_mode="contains",  # «Troms» finds Troms, as in ``choose_many``
    )
    if chosen is None:
        st.query_params.pop("rad", None)
    else:
        st.query_params["rad"] = str(chosen)
    _keep("councils", [chosen] if chosen is not None else [])
    return chosen


def search_filter(label: str = "Søk", help: str | None = None) -> str:
    """A free-text search box, kept in ``?sok=`` (``clean_search``: no control
    characters, at most ``SEARCH_LIMIT`` characters)."""
    kept = st.session_state.get("f_search")
    if not isinstance(kept, str):
        st.session_state.f_search = search_param("sok")
    elif clean_search(kept) != kept:
        st.session_state.f_search = clean_search(kept)
    _rebind("f_search")
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
    chosen = choose_many(label, options, key=key, placeholder=placeholder)
    if chosen:
        st.query_params[param] = ",".join(chosen)
    else:
        st.query_params.pop(param, None)
    return chosen


def view_filter(label: str, options: dict[str, str], param: str = "vis") -> str:
    """A choice between views of one table (``options``: value in the URL → label; the
    first is the default, kept out of the URL), kept in ``?<param>=``."""
    key = f"f_{param}"
    values = list(options)
    if st.session_state.get(key) not in values:
        st.session_state[key] = choice_param(param, values) or values[0]
    _rebind(key)
    chosen = st.segmented_control(label, values, key=key, format_func=options.get, required=True)
    if chosen == values[0]:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = chosen
    return chosen


APPROVED_ONLY = "ja"  # ``?godkjent=ja``: only approved versions counted


def approved_filter() -> bool:
    """The choice «Bare godkjente rapporter» (every figure counts only the last approved
    version of each report), kept in ``?godkjent=ja`` and across pages like the other
    filters."""
    if not isinstance(st.session_state.get("f_approved"), bool):
        linked = _param("godkjent") is not None
        found = choice_param("godkjent", (APPROVED_ONLY,))
        if found is not None:
            st.session_state.f_approved = True
        else:
            st.session_state.f_approved = bool(_kept("approved")) and not linked
    _rebind("f_approved")
    chosen = st.toggle(
        "Bare godkjente rapporter",
        key="f_approved",
        help="Tell bare versjoner som Koordineringsenheten har godkjent: for hvert råd og "
        "hver periode den sist godkjente versjonen, også når en nyere versjon venter på "
        "gjennomgang. En rapport som aldri er godkjent, telles ikke.",
    )
    _keep("approved", chosen)
    if chosen:
        st.query_params["godkjent"] = APPROVED_ONLY
    else:
        st.query_params.pop("godkjent", None)
    return chosen


class YearFilters(NamedTuple):
    """What a page about one year was asked to show (``None``: a filter the page has not)."""

    year: int
    as_of: date | None
    goal: int | None
    approved_only: bool

    def query(self, council_ids: list[int]) -> dict:
        """These filters and the councils chosen as the library's queries take them: the
        year, the status date where the page has one, the councils (none chosen: ``None``,
        every council in scope) and whether only approved versions count. The sub-goal is
        left to each query that narrows by it."""
        asked = {
            "year": self.year,
            "council_ids": council_ids or None,
            "approved_only": self.approved_only,
        }
        if self.as_of is not None:
            asked["as_of"] = self.as_of
        return asked


def year_filters(years: list[int], *, as_of: bool = False, goal: bool = False) -> YearFilters:
    """The row of filters a page about one year starts with, in the same order on every
    page: the year (the newest by default), the status date and the sub-goal where the page
    asks for them, and «Bare godkjente rapporter»."""
    with st.container(horizontal=True):
        year = year_filter(years, default=years[0])
        chosen_as_of = as_of_filter() if as_of else None
        chosen_goal = goal_filter() if goal else None
        approved_only = approved_filter()
    return YearFilters(year, chosen_as_of, chosen_goal, approved_only)
