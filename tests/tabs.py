"""The browser tests' visitors: one tab per test process, a new visitor in it for each test.

A Streamlit session is the tab's WebSocket, so every load of the app's address in a tab is a
new session, as a new browser's would be. What a new browser would not bring along — cookies
(the sign-in's among them) and the app's storage — is cleared between visitors. A new tab,
or a new browser context, instead starts a new renderer process that draws Streamlit's
frontend from nothing: 3.0–3.2 s of Chromium's CPU for Oversikt on the demo data on these
machines, against 1.6–1.9 s for the same visit in a tab that has drawn the app before (the
same or another of the tests' servers), and the browser tests' largest cost is Chromium's.

A test that needs two visitors at once (another user's cookies beside the first's) gives the
second a tab of a context of its own (``own_tab``), which ``leave`` closes."""

from __future__ import annotations

from urllib.parse import urlsplit

LARGE = {"width": 1440, "height": 1600}  # the ``page`` fixture's
# The window most walks open (and every signed-in person's, ``oidc.signed_in_as``).
SCREEN = {"width": 1440, "height": 1200}
TIMEOUT_MS = 60_000


class Visitors:
    """The process's one tab, handed to one visitor at a time (``visitor``, ``leave``)."""

    def __init__(self, browser):
        self._browser = browser
        self._tab = None
        self._origins: set[str] = set()  # where the app may have stored something
        self._in_use = False

    def visitor(self, viewport: dict | None = None):
        """The tab for a new visitor: no cookies, nothing stored (``leave`` cleared them),
        ``viewport`` (a large screen unless said), the tests' timeout. Opened anew if a test
        closed or crashed it; left first if the visitor before did not leave (a test that
        failed half-way)."""
        if self._in_use:
            self.leave(self._tab)
        if self._tab is None or self._tab.is_closed():
            context = self._browser.new_context(
                viewport=LARGE, locale="nb-NO", accept_downloads=True
            )
            self._tab = context.new_page()
            self._origins = set()
            self._tab.on("framenavigated", self._visited)
        tab = self._tab
        self._in_use = True
        tab.set_viewport_size(viewport or LARGE)
        tab.set_default_timeout(TIMEOUT_MS)
        return tab

    def _visited(self, frame) -> None:
        parts = urlsplit(frame.url)
        if parts.scheme in ("http", "https"):
            self._origins.add(f"{parts.scheme}://{parts.netloc}")

    def leave(self, tab) -> None:
        """The visitor is done: its session ends (the tab on a blank page), its other tabs
        are closed, and what the app stored (Streamlit keeps the menu's state in each
        origin's ``localStorage``) and the cookies are cleared. A tab of a context of its own
        is closed with its context."""
        if tab is not self._tab:
            tab.context.close()
            return
        self._in_use = False
        try:
            for other in tab.context.pages:
                if other is not tab:
                    other.close()
            tab.goto("about:blank")
            cdp = tab.context.new_cdp_session(tab)
            for origin in self._origins:
                cdp.send(
                    "Storage.clearDataForOrigin",
                    {"origin": origin, "storageTypes": "local_storage"},
                )
            cdp.detach()
            self._origins.clear()
            tab.context.clear_cookies()
        except Exception:  # a tab that crashed or hangs: the next visitor gets a new one
            tab.context.close()
            self._tab = None


def own_tab(browser, viewport: dict | None = None, **options):
    """A tab of a context of its own (``options``: the context's, such as a phone's
    ``is_mobile``): a second visitor, with cookies of its own, beside the one in the
    process's tab. ``Visitors.leave`` closes it with its context."""
    options = {"viewport": viewport or LARGE, "locale": "nb-NO", **options}
    tab = browser.new_context(**options).new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    return tab
