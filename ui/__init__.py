"""The Streamlit side of the app, beside ``app.py`` (the router) and ``views/`` (the pages):

- ``auth`` — who is signed in (``st.login``), their role and scope, the open modes;
- ``gate`` — the sidebar of the pages a role may open, the open modes' banners, and what
  stands in for a page the visitor may not see;
- ``data`` — the one way from the pages into the library: ``read`` (a query in the
  visitor's scope, cached until the data changes; a file to download) and ``write`` (a
  change, with the engine, the scope and the visitor as who made it), and the rules in force;
- ``demo`` — the demo database's first start, and what it holds that did not come with it;
- ``filters`` and ``links`` — the shared filters and their values in the URL, each URL
  parameter checked in one place;
- ``display`` — a ``Table`` on the page, with its download buttons;
- ``notices`` — the e-mail notices on the pages: what goes out on a day, the outbox, «Send
  på nytt», a user's own choices, the councils' contact addresses;
- ``onward`` — «Gå videre til …»: the page a link opened before its reader signed in;
- ``text`` — text from a file shown as text (never Markdown or HTML), cut for the screen;
- ``review`` — what the pages show of a report's route: the choice «Bare godkjente
  rapporter»'s note, a report's thread, a secretariat's notice of a report sent back, the
  list of compiled reports forwarded to the oversight group;
- ``upload`` — the state of Last opp: files checked once, stored on confirm;
- ``upload_card`` — what Last opp shows of each checked file, the confirm and its summary;
- ``server`` — the server's warm-up before its first visitor (``app.py``'s ``st.App``), and
  visitors' runs one at a time (``turn``);
- ``static`` — Streamlit's own scripts, styles and fonts answered from memory (``st.App``'s
  middleware).

Only this package, ``app.py`` and ``views/`` import Streamlit; ``ia_data`` never does.

A module is imported when it is first used (``ui.display.show_table``), not with the
package: the server imports ``app.py`` before it answers its first request, and ``app.py``
imports this package; the modules, with pandas and the library, are imported by the
warm-up (``server``) while the browser loads the page.
"""

import importlib
import pkgutil

# Every module of the package, as the folder holds them (a new one needs no listing here).
MODULES = tuple(module.name for module in pkgutil.iter_modules(__path__))


def __getattr__(name: str):
    if name in MODULES:
        return importlib.import_module(f"ui.{name}")
    raise AttributeError(f"module 'ui' has no attribute {name!r}")


def import_all() -> None:
    """Import every module of the package now (the server's warm-up)."""
    for name in MODULES:
        importlib.import_module(f"ui.{name}")
