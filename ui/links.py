"""The URL parameters of the pages, each kind checked in one place: a bad value (``?ar=²``,
a 10 000-digit year, ``?per=9999-12-31``) is dropped from the URL with a short note on the
page, and the filter falls back to its default; a link never breaks a page."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import streamlit as st

from ia_data.domain import formatting as fmt
from ui.text import plain

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
    "vis": "visning",
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


def _list_param(param: str, read) -> list:
    """The items of ``?<param>=a,b`` that ``read`` (an item → its value, or None) knows,
    in order and once each; the others are dropped from the URL with a note."""
    raw = _param(param)
    if raw is None:
        return []
    if len(raw) > LIST_LIMIT:
        _reject(param, [raw])
        return []
    found, bad = [], []
    for item in raw.split(","):
        value = read(item)
        if value is not None:
            found.append(value)
        elif item.strip():
            bad.append(item)
    if bad:
        _reject(param, bad)
    return list(dict.fromkeys(found))


def ids_param(param: str, valid) -> list[int]:
    """The ids in ``?<param>=1,5`` that are in ``valid``."""

    def read(item: str) -> int | None:
        number = _number(item.strip(), 9)
        return number if number in valid else None

    return _list_param(param, read)


def texts_param(param: str, options: list[str]) -> list[str]:
    """The texts in ``?<param>=a,b`` that are in ``options``."""
    return _list_param(param, lambda item: item if item in options else None)


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
