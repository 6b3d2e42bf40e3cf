"""The Streamlit side of the app, beside ``app.py`` (the router) and ``views/`` (the pages):

- ``auth`` — who is signed in (``st.login``), their role and scope, the open modes;
- ``gate`` — the sidebar of the pages a role may open, the open modes' banners, and what
  stands in for a page the visitor may not see;
- ``data`` — the database handle, the demo seeding, every library query cached until the
  data changes, and the files a page offers for download;
- ``filters`` and ``links`` — the shared filters and their values in the URL, each URL
  parameter checked in one place;
- ``display`` — a ``Table`` on the page, with its download buttons;
- ``text`` — text from a file shown as text (never Markdown or HTML), cut for the screen;
- ``upload`` — the state of Last opp and Opplastinger: files checked once, stored,
  restored;
- ``server`` — the server's warm-up before its first visitor (``app.py``'s ``st.App``).

Only this package, ``app.py`` and ``views/`` import Streamlit; ``ia_data`` never does.
"""

from ui import auth, data, display, filters, gate, links, server, text, upload  # noqa: F401  (ui.display.show_table …)
