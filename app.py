"""IA-rådsoversikt — the router: who the visitor is (sign-in, role), the pages their role may
open in the sidebar, the shared sidebar, the banners of the open modes.

`streamlit run app.py` serves this file as an ASGI app (``st.App``, at the end): the server
imports it once and warms up before the first visitor comes (``ui.server.warm_up``: the
libraries the pages use, and on the demo database its data). Every visitor's run executes
it as the script (``__name__ == "__main__"``), and that run routes (``main``)."""

from __future__ import annotations

import logging

import streamlit as st

import ui
from ia_data.domain.errors import UserError

# The default page is served at ``/``, but Streamlit still reserves its own path for it
# (``oversikt``, from the file's name) and resolves ``/oversikt`` to nothing: «Page not
# found». So it reserves another, never shown, and ``/oversikt`` is a hidden page that
# opens it (``to_oversikt``).
DEFAULT_PATH = "start"


def to_oversikt() -> None:
    """``/oversikt``: Oversikt at ``/``, with the link's parameters."""
    params = [(key, value) for key in st.query_params for value in st.query_params.get_all(key)]
    st.switch_page("views/oversikt.py", query_params=params)


def routes(pages: dict) -> dict:
    """Every page the router knows: those of the menu, and ``/oversikt``."""
    alias = st.Page(to_oversikt, title="Oversikt", url_path="oversikt", visibility="hidden")
    return {**pages, "Oversikt": [*pages["Oversikt"], alias]}


# The pages by section, in the order of the menu: each its file in ``views/``, its title
# and its icon. The first is the default page, served at ``/``.
MENU = {
    "Oversikt": [
        ("oversikt", "Oversikt", "table_chart"),
        ("frister", "Frister", "event"),
        ("okonomi", "Økonomi", "payments"),
        ("aktiviteter", "Aktiviteter", "event_note"),
        ("rad", "Råd", "groups"),
        ("avvik", "Avvik", "report"),
    ],
    "Rapportering": [
        ("last_opp", "Last opp", "upload_file"),
        ("opplastinger", "Opplastinger", "history"),
        ("gjennomgang", "Gjennomgang", "fact_check"),
        ("varsler", "Varsler", "mail"),
        ("mine_varsler", "Mine varsler", "notifications"),
    ],
    "Administrasjon": [
        ("tilgang", "Tilgang", "manage_accounts"),
        ("register", "Register", "account_tree"),
        ("statistikk", "Statistikk", "query_stats"),
    ],
}


def pages() -> dict:
    """The pages by section (``MENU``), the first the default."""
    first = next(iter(MENU.values()))[0]
    return {
        section: [_page(*page, default=page == first) for page in listed]
        for section, listed in MENU.items()
    }


def _page(name: str, title: str, icon: str, default: bool) -> st.Page:
    """One page of the menu; the default one at ``DEFAULT_PATH``."""
    served = {"default": True, "url_path": DEFAULT_PATH} if default else {}
    return st.Page(f"views/{name}.py", title=title, icon=f":material/{icon}:", **served)


def database_problem(exc: Exception) -> str | None:
    """What ``exc`` says of a failing database, in Norwegian (None: it is not one); the
    library and SQLAlchemy imported here, in a visitor's run, not as the server imports this
    file before it answers its first request."""
    from ia_data.storage.engine import database_problem

    return database_problem(exc)


def stop_before_the_page(exc: Exception, log: str, consequence: str) -> None:
    """What stops every page before it runs, and no data: a user error as it says itself (a
    database behind the code's migrations, a register refused); a database that fails, in
    Norwegian, with the ``consequence``; any other error is raised on."""
    if isinstance(exc, UserError):
        logging.warning("%s", exc)
        said = str(exc)
    else:
        problem = database_problem(exc)
        if problem is None:
            raise exc
        logging.error("%s: %s", log, problem)
        said = f"{problem}. {consequence}"
    st.title("IA-rådsoversikt")
    st.error(said, icon=":material/database:")
    st.stop()


def sentence(exc: UserError) -> str:
    """A user error's message as a sentence on the page (ending with a full stop)."""
    said = str(exc)
    return said if said.endswith((".", "!", "?")) else f"{said}."


def main() -> None:
    """One run of a visitor's page: the visitor, the sidebar, the banners, the page."""
    st.set_page_config(page_title="IA-rådsoversikt", page_icon=":material/groups:", layout="wide")
    ui.gate.page_helpers()  # the page margin, and Enter in a date box

    PAGES = pages()

    # Every page is known to the router, so that a deep link to a page the role may not open
    # gets the short «ingen tilgang» page; the sidebar lists only those it may (``ui.gate``).
    navigation = st.navigation(routes(PAGES), position="hidden")

    try:
        ui.data.engine()
    except Exception as exc:  # a database that is behind, or cannot be reached: why, no data
        stop_before_the_page(
            exc,
            "Databasen kan ikke brukes",
            "Ingen data kan vises. Prøv igjen om litt, og meld fra til administrator om feilen "
            "varer.",
        )

    try:
        ui.demo.ensure_demo_data()
    except Exception:  # a broken demo database must not hide the app behind a traceback
        logging.exception("Kunne ikke laste inn demodata")
        st.error("Demodataene kunne ikke lastes inn. Slett `data/demo.db` og start appen på nytt.")

    try:
        visitor = ui.auth.decide()  # the role, read from the database on every run
    except Exception as exc:
        stop_before_the_page(
            exc,
            "Rollen kunne ikke leses",
            "Tilgangen din kan ikke kontrolleres nå, så ingen data vises. Prøv igjen om litt.",
        )
    ui.gate.sidebar(PAGES, visitor)
    ui.gate.banner(visitor)
    if not ui.gate.admitted(visitor, navigation, DEFAULT_PATH):
        st.stop()
    ui.onward.offer(visitor, navigation, PAGES, DEFAULT_PATH)  # a link opened before sign-in

    ui.links.link_notes_here()  # a link's bad values are named here, above the page

    ui.filters.follow_the_address(navigation.url_path)  # Back, Forward: the address wins
    page = st.empty()
    try:
        with page.container():
            navigation.run()
    except UserError as exc:  # a refusal the page did not answer itself (a council outside
        page.empty()  # the user's scope, say): said, not a traceback
        ui.filters.forget_filters()
        st.warning(sentence(exc), icon=":material/block:")
    except Exception as exc:
        logging.exception("Uventet feil på siden")
        problem = database_problem(exc)
        # The filters start again from their defaults, so that a value kept in the session or
        # the URL cannot make the next run fail the same way; the failed page's widgets are
        # taken away, or the browser would send their values back on the next run.
        page.empty()
        ui.filters.forget_filters()
        what = (
            f"Databasen svarte ikke: {problem}." if problem else "Noe gikk galt da siden ble laget."
        )
        st.error(
            f"{what} Ingen data er endret. Filtrene er satt tilbake. "
            "Prøv igjen, og meld fra til administrator om feilen gjentar seg.",
            icon=":material/error:",
        )
        st.button("Prøv igjen", icon=":material/refresh:", key="retry_after_error")
    finally:  # also after st.stop() or st.rerun() in the page, where any Streamlit call
        # raises them again: the older years of the demo data, after the first page, first
        # (no Streamlit call); then what the page left in the address, where it can be read
        # (else what the run found stands: follow_the_address)
        ui.demo.continue_demo_data()
        ui.filters.address_left(navigation.url_path)


if __name__ == "__main__":  # a visitor's run, when its turn comes (ui.server.turn)
    with ui.server.turn():
        main()
else:  # `streamlit run app.py` imports this file to serve it
    from starlette.middleware import Middleware

    from ui.static import StaticFromMemory

    app = st.App(__file__, lifespan=ui.server.warm_up, middleware=[Middleware(StaticFromMemory)])
