"""«Gå videre til …»: the page a link opened before its reader signed in.

A link in an e-mail goes to a page with its filters (``/varsler?dato=2016-02-16``). A reader
who is not signed in gets the sign-in page there; Streamlit's ``st.login`` then always comes
back to ``/``, in a new session, so neither the URL nor the session state remembers the
link. The sign-in page therefore keeps the page and its query in a cookie of the browser
(``WANTED``: the path and query only, an hour, this site only), and the first page after
sign-in offers a link to it — if the page is one the reader's role may open. The cookie is
cleared when it is offered. What it holds is only ever a link to one of the app's own pages,
whose filters check their values as every link's are (``ui/links.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlencode

import streamlit as st

WANTED = "ia_videre"  # the cookie
LIMIT = 2000  # characters of a kept path and query
_OFFER = "_onward_offer"  # session state: the offer of this session (None: none)

TEXT = {
    "offer": "Du åpnet en lenke til «{title}» før du logget inn.",
    "go": "Gå videre til {title}",
}

# The cookie written or cleared by the browser (a constant script; the value is quoted
# to ASCII letters, digits and ``%-._~``, so it can hold nothing but itself).
_SET = '<script>document.cookie = "{name}={value}; path=/; max-age={age}; samesite=lax";</script>'


@dataclass(frozen=True)
class Wanted:
    """A page of the app (its url path) and the query its link gave."""

    path: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def text(self) -> str:
        """As kept in the cookie: ``path?query``."""
        query = urlencode(self.params)
        return f"{self.path}?{query}" if query else self.path


def read_wanted(raw: str | None, known: set[str]) -> Wanted | None:
    """The page and query a cookie names, if its page is one of ``known`` (url paths) and
    it is not too long; else nothing. An absolute address or another site is no page."""
    if not isinstance(raw, str) or not raw or len(raw) > LIMIT:
        return None
    text = unquote(raw)
    path, _, query = text.partition("?")
    path = path.strip("/")
    if path not in known:
        return None
    params = tuple(parse_qsl(query, keep_blank_values=False))
    return Wanted(path, params)


def kept_cookie() -> str | None:
    """The cookie's value as the browser sent it when this session began (None without a
    browser, as under AppTest)."""
    found = st.context.cookies.get(WANTED)
    return found if isinstance(found, str) else None


def _cookie(value: str, age: int) -> None:
    st.html(_SET.format(name=WANTED, value=quote(value, safe=""), age=age),
            unsafe_allow_javascript=True)  # fmt: skip


def remember(page, default_path: str) -> None:
    """On the sign-in page: keep the page asked for and its query for after the sign-in
    (nothing for the default page without a query: sign-in comes back there anyway)."""
    params = tuple((k, v) for k in st.query_params for v in st.query_params.get_all(k))
    path = page.url_path or ""
    if path in ("", default_path, "oversikt") and not params:
        return
    wanted = Wanted(default_path if path == "" else path, params)
    if len(wanted.text) <= LIMIT:
        _cookie(wanted.text, 3600)


def offer(visitor, page, pages: dict, default_path: str) -> None:
    """On the first page after sign-in (the session's first run): the link the reader opened
    before signing in, as «Gå videre til …», if their role may open it; shown until they
    leave that first page. The cookie is cleared as soon as it is read."""
    if _OFFER not in st.session_state:
        raw = kept_cookie()
        by_path = {p.url_path: p for listed in pages.values() for p in listed}
        by_path["oversikt"] = by_path.get(default_path)  # the alias of the default page
        wanted = read_wanted(raw, {path for path, p in by_path.items() if p is not None})
        target = None
        if wanted is not None and visitor.may_open(_role_path(wanted.path, default_path)):
            target = (by_path[wanted.path], wanted)
        st.session_state[_OFFER] = (page.url_path, target)
        if raw:
            _cookie("", 0)
    landing, target = st.session_state[_OFFER]
    if target is None:
        return
    if page.url_path != landing:  # the reader has moved on
        st.session_state[_OFFER] = (landing, None)
        return
    found, wanted = target
    with st.container(border=True):
        st.markdown(TEXT["offer"].format(title=found.title))
        st.page_link(
            found,
            label=TEXT["go"].format(title=found.title),
            query_params=list(wanted.params),
            icon=":material/arrow_forward:",
        )


def _role_path(path: str, default_path: str) -> str:
    """The path a role's pages name (``ui.auth.PAGES``): the default page is «oversikt»."""
    return "oversikt" if path == default_path else path
