"""The URL parameters of the pages, each kind checked in one place: a bad value (``?ar=²``,
a 10 000-digit year, ``?per=9999-12-31``) is dropped from the URL with a short note on the
page, and the filter falls back to its default; a link never breaks a page."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import streamlit as st

from ia_data.domain import formatting as fmt
from ui.text import plain

LINK_TEXT = {
    "bad_one": "Lenken hadde en ugyldig verdi for {what} ({values}); den er ikke brukt.",
    "bad_many": "Lenken hadde ugyldige verdier for {what} ({values}); de er ikke brukt.",
    "no_access": "Ingen tilgang til {names}: lenken gjelder et IA-råd utenfor rådene du har "
    "tilgang til, og er ikke brukt.",
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
    "godkjent": "bare godkjente rapporter",
    "dato": "dato",
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


# --- reading a parameter: pure functions of its text (no Streamlit) --------------------------


@dataclass(frozen=True)
class LinkValue:
    """What a link's parameter gives its filter: the ``value`` it may use (None, or a list,
    when nothing), and the ``note`` saying which of its values were not used (None when
    every one was); a parameter with a note is dropped from the URL."""

    value: object = None
    note: str | None = None


def shown(value: str) -> str:
    """A value from a link quoted in a note: control and format characters (which could
    turn the line around) shown as «�», cut to ``SHOWN_LIMIT`` characters, as plain text."""
    text = "".join("\ufffd" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in value)
    if len(text) > SHOWN_LIMIT:
        text = text[: SHOWN_LIMIT - 1] + "…"
    return plain(text)


def rejection(param: str, values: list[str], hint: str = "") -> str:
    """The note about ``param``'s values that were not used (at most three quoted)."""
    quoted = ", ".join(f"«{shown(v)}»" for v in values[:3]) + (", …" if len(values) > 3 else "")
    key = "bad_one" if len(values) == 1 else "bad_many"
    return LINK_TEXT[key].format(what=PARAMETERS.get(param, param), values=quoted) + hint


def _number(text: str, digits: int) -> int | None:
    """``text`` as a whole number if it is 1 to ``digits`` ASCII digits (``"²".isdigit()``
    holds, and ``int()`` of 5 000 digits raises), else None."""
    if 0 < len(text) <= digits and text.isascii() and text.isdigit():
        return int(text)
    return None


def _span(years: list[int]) -> str:
    return f"{min(years)}–{max(years)}" if len(years) > 1 else str(years[0])


def read_year(param: str, raw: str | None, options: list[int]) -> LinkValue:
    """A year, if it is one of ``options``."""
    if raw is None:
        return LinkValue()
    year = _number(raw, 4)
    if year in options:
        return LinkValue(year)
    hint = LINK_TEXT["years"].format(years=_span(options)) if options else ""
    return LinkValue(note=rejection(param, [raw], hint))


def read_date(param: str, raw: str | None, first: date = DATE_MIN, last: date = DATE_MAX):
    """A date written ``ÅÅÅÅ-MM-DD`` that exists and lies in ``first``–``last``."""
    if raw is None:
        return LinkValue()
    if _ISO_DATE.fullmatch(raw):
        try:
            found = date.fromisoformat(raw)
        except ValueError:
            found = None
        if found is not None and first <= found <= last:
            return LinkValue(found)
    hint = LINK_TEXT["date"].format(first=fmt.day(first), last=fmt.day(last))
    return LinkValue(note=rejection(param, [raw], hint))


def read_choice(param: str, raw: str | None, options, hint: str = "") -> LinkValue:
    """One of ``options`` (texts), as written."""
    if raw is None or raw in options:
        return LinkValue(raw)
    return LinkValue(note=rejection(param, [raw], hint))


def read_goal(raw: str | None) -> LinkValue:
    """A sub-goal, 1, 2 or 3 (as a number)."""
    found = read_choice("delmal", raw, ("1", "2", "3"), LINK_TEXT["goal"])
    return LinkValue(int(found.value), None) if found.value else found


def _read_list(param: str, raw: str | None, read) -> LinkValue:
    """The items of ``a,b`` that ``read`` (an item → its value, or None) knows, in order
    and once each; a note names the others."""
    if raw is None:
        return LinkValue([])
    if len(raw) > LIST_LIMIT:
        return LinkValue([], rejection(param, [raw]))
    found, bad = [], []
    for item in raw.split(","):
        value = read(item)
        if value is not None:
            found.append(value)
        elif item.strip():
            bad.append(item)
    return LinkValue(list(dict.fromkeys(found)), rejection(param, bad) if bad else None)


def read_ids(param: str, raw: str | None, valid, denied: dict | None = None) -> LinkValue:
    """The ids in ``1,5`` that are in ``valid``; the councils in ``denied`` (id → name: in
    the register, outside the user's scope) are named in a note of their own, «Ingen
    tilgang til …», not called invalid."""
    denied = denied or {}
    named = [denied[n] for n in dict.fromkeys(link_ids(raw)) if n in denied]

    def read(item: str) -> int | None:
        number = _number(item.strip(), 9)
        return number if number in valid else None

    kept = raw if raw is None else ",".join(i for i in raw.split(",") if not _denied(i, denied))
    found = _read_list(param, kept, read)
    if not named:
        return found
    note = LINK_TEXT["no_access"].format(names=_and([plain(n) for n in named]))
    return LinkValue(found.value, f"{note} {found.note}" if found.note else note)


def link_ids(raw: str | None) -> list[int]:
    """The whole numbers of a comma list in a link (what else it holds, left out)."""
    if raw is None or len(raw) > LIST_LIMIT:
        return []
    return [n for n in (_number(item.strip(), 9) for item in raw.split(",")) if n is not None]


def _denied(item: str, denied: dict) -> bool:
    return _number(item.strip(), 9) in denied


def _and(names: list[str]) -> str:
    """Names as a Norwegian list: «A», «A og B», «A, B og C»."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} og {names[-1]}"


def read_texts(param: str, raw: str | None, options: list[str]) -> LinkValue:
    """The texts in ``a,b`` that are in ``options``."""
    return _read_list(param, raw, lambda item: item if item in options else None)


def clean_search(text: str) -> str:
    """A free-text search without control characters, at most ``SEARCH_LIMIT`` long."""
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cc")
    return text[:SEARCH_LIMIT]


def search_notes(raw: str) -> list[str]:
    """What a search in a link lost when it was cleaned (``clean_search``), in words."""
    notes = []
    if len(raw) > SEARCH_LIMIT:
        notes.append(LINK_TEXT["too_long"].format(limit=SEARCH_LIMIT))
    if any(unicodedata.category(ch) == "Cc" for ch in raw):
        notes.append(LINK_TEXT["control"])
    return notes


# --- on the page: the parameter read from the URL, a bad one dropped with its note ----------


def _note(text: str) -> None:
    where = st.session_state.get(_NOTES)
    with where if where is not None else st.container():
        st.info(text, icon=":material/link_off:")


def _used(param: str, found: LinkValue):
    """The value a link gave; where some of it was not used, the parameter is dropped from
    the URL and the note said above the page."""
    if found.note is not None:
        st.query_params.pop(param, None)
        _note(found.note)
    return found.value


def reject(param: str, values: list[str], hint: str = "") -> None:
    """Drop ``param`` from the URL and say on the page which of its values were not used."""
    _used(param, LinkValue(note=rejection(param, values, hint)))


def year_param(param: str, options: list[int]) -> int | None:
    """The year in ``?<param>=`` if it is one of ``options`` (else None, and a note)."""
    return _used(param, read_year(param, _param(param), options))


def date_param(param: str, first: date = DATE_MIN, last: date = DATE_MAX) -> date | None:
    """The date in ``?<param>=ÅÅÅÅ-MM-DD`` if it exists and lies in ``first``–``last``."""
    return _used(param, read_date(param, _param(param), first, last))


def goal_param() -> int | None:
    """The sub-goal in ``?delmal=`` (1–3)."""
    return _used("delmal", read_goal(_param("delmal")))


def choice_param(param: str, options) -> str | None:
    """One of ``options`` in ``?<param>=``."""
    return _used(param, read_choice(param, _param(param), options))


def ids_param(param: str, valid, denied: dict | None = None) -> list[int]:
    """The ids in ``?<param>=1,5`` that are in ``valid`` (``denied``: see ``read_ids``)."""
    return _used(param, read_ids(param, _param(param), valid, denied))


def texts_param(param: str, options: list[str]) -> list[str]:
    """The texts in ``?<param>=a,b`` that are in ``options``."""
    return _used(param, read_texts(param, _param(param), options))


def search_param(param: str) -> str:
    """The search in ``?<param>=``, cleaned (``clean_search``), with a note if it changed."""
    raw = _param(param) or ""
    text = clean_search(raw)
    if text != raw:
        for note in search_notes(raw):
            _note(note)
        if text.strip():
            st.query_params[param] = text.strip()
        else:
            st.query_params.pop(param, None)
    return text


def council_link(council_id: int, year: int | None = None) -> dict[str, str]:
    """The parameters of a link to a council's Råd page (``?rad=``), for ``year`` too
    (``?ar=``: the Råd page shows that year's answers first, and the year follows the user
    to the other pages)."""
    params = {"rad": str(council_id)}
    if year is not None:
        params["ar"] = str(year)
    return params
