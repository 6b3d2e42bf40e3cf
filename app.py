"""IA-rådsoversikt — the router: pages in sections, the shared sidebar, the demo banner."""

from __future__ import annotations

import logging

import streamlit as st

import ui
from ia_data.storage.engine import database_problem
from ia_data.storage.schema import SchemaBehind

st.set_page_config(page_title="IA-rådsoversikt", page_icon=":material/groups:", layout="wide")

PAGES = {
    "Oversikt": [
        st.Page("views/oversikt.py", title="Oversikt", icon=":material/table_chart:", default=True),
        st.Page("views/frister.py", title="Frister", icon=":material/event:"),
        st.Page("views/okonomi.py", title="Økonomi", icon=":material/payments:"),
        st.Page("views/aktiviteter.py", title="Aktiviteter", icon=":material/event_note:"),
        st.Page("views/rad.py", title="Råd", icon=":material/groups:"),
    ],
    "Rapportering": [
        st.Page("views/last_opp.py", title="Last opp", icon=":material/upload_file:"),
        st.Page("views/opplastinger.py", title="Opplastinger", icon=":material/history:"),
    ],
}

navigation = st.navigation(PAGES)

try:
    ui.data.engine()
except SchemaBehind as exc:  # a database behind the code's migrations: no data, and why
    logging.warning("%s", exc)
    st.title("IA-rådsoversikt")
    st.error(str(exc), icon=":material/database:")
    st.stop()
except Exception as exc:  # a database that cannot be reached or opened: why, not a traceback
    problem = database_problem(exc)
    if problem is None:
        raise
    logging.error("Databasen kan ikke brukes: %s", problem)
    st.title("IA-rådsoversikt")
    st.error(f"{problem}. Ingen data kan vises. Prøv igjen om litt, og meld fra til "
             "administrator om feilen varer.", icon=":material/database:")  # fmt: skip
    st.stop()

try:
    ui.data.ensure_demo_data()
except Exception:  # a broken demo database must not hide the app behind a traceback
    logging.exception("Kunne ikke laste inn demodata")
    st.error("Demodataene kunne ikke lastes inn. Slett `data/demo.db` og start appen på nytt.")

with st.sidebar:
    st.caption("IA-rådsoversikt · rapporter fra de fylkesvise IA-rådene, 2010–2018")

if ui.data.is_demo():
    st.info(
        "**Demodata:** tallene er oppdiktet og viser bare hvordan appen virker. "
        "Sett `IA_DATABASE_URL` for å bruke en ekte database.",
        icon=":material/science:",
    )

ui.links.link_notes_here()  # a link's bad values are named here, above the page

page = st.empty()
try:
    with page.container():
        navigation.run()
except Exception as exc:
    logging.exception("Uventet feil på siden")
    problem = database_problem(exc)
    # The filters start again from their defaults, so that a value kept in the session or
    # the URL cannot make the next run fail the same way; the failed page's widgets are
    # taken away, or the browser would send their values back on the next run.
    page.empty()
    ui.filters.forget_filters()
    what = f"Databasen svarte ikke: {problem}." if problem else "Noe gikk galt da siden ble laget."
    st.error(
        f"{what} Ingen data er endret. Filtrene er satt tilbake. "
        "Prøv igjen, og meld fra til administrator om feilen gjentar seg.",
        icon=":material/error:",
    )
    st.button("Prøv igjen", icon=":material/refresh:", key="retry_after_error")
