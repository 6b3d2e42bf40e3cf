"""The app's pages, in the order of its menu (``app.py``): url path → (file, title). One list
for the tests that open every page — AppTest by role, a link by a page's own name, the
browser."""

from __future__ import annotations

PAGES = {
    "oversikt": ("views/oversikt.py", "Oversikt"),
    "frister": ("views/frister.py", "Frister"),
    "okonomi": ("views/okonomi.py", "Økonomi"),
    "aktiviteter": ("views/aktiviteter.py", "Aktiviteter"),
    "rad": ("views/rad.py", "Råd"),
    "avvik": ("views/avvik.py", "Avvik"),
    "last_opp": ("views/last_opp.py", "Last opp"),
    "opplastinger": ("views/opplastinger.py", "Opplastinger"),
    "gjennomgang": ("views/gjennomgang.py", "Gjennomgang"),
    "varsler": ("views/varsler.py", "Varsler"),
    "mine_varsler": ("views/mine_varsler.py", "Mine varsler"),
    "tilgang": ("views/tilgang.py", "Tilgang"),
    "register": ("views/register.py", "Register"),
    "statistikk": ("views/statistikk.py", "Statistikk"),
}
# Not in the menu without sign-in («Ingen tilgang» by its link): who may sign in, and a
# user's own notices (without sign-in there is no user).
SIGN_IN_ONLY = {"tilgang", "mine_varsler"}


def open_titles(default: str = "oversikt") -> dict[str, str]:
    """url path → title of the pages of the open modes' menu (no sign-in), the default
    page's path as ``default`` (``""``: as the browser reaches it, at ``/``)."""
    return {
        (default if path == "oversikt" else path): title
        for path, (_, title) in PAGES.items()
        if path not in SIGN_IN_ONLY
    }
