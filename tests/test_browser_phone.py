"""The app on a phone (390 px wide), through a real sign-in (issue 27): the council stays in
view while a table scrolls sideways, the menu closes after a page is chosen, an upload's
errors are stacked cards read whole, Frister starts with the newest period; and what read
wrong, as a user reads it: the Norwegian file chooser, a shipped demo workbook refused by a
real database, «Ingen tilgang til …», the councils a compiled report covers, the council
filter finding Troms first, Tilgang's form empty after saving.

One server for the module (``tests/oidc.py``), on a copy of the demo data marked as a
database of real reports: made with another register than the demo's, as a real one is
(``storage.fictional``), so that it refuses the shipped workbooks as a real one does."""

from __future__ import annotations

import pytest
from oidc import Person, screenshot, sign_in, signed_in_server
from sqlmodel import Session
from tabs import own_tab
from test_browser import _choose_file, _idle, _no_failure, _open, _wait_for_text
from test_page_upload import _errors, variant

from ia_data.demo import SAMPLE_DIR
from ia_data.domain.access import OPERATOR, Actor, Role
from ia_data.domain.register import DEFAULT_REGISTER_FILE
from ia_data.storage import db, users
from ia_data.storage.models import Meta
from ia_data.storage.register import councils

pytestmark = [pytest.mark.browser, pytest.mark.page]

ADMIN = Person("admin@example.no", "Ada Admin")
TROMS = Person("troms@example.no", "Tor Troms")
TROMS_2015 = SAMPLE_DIR / "rapport_2015_Ar_ia-radet-i-troms.xlsx"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(tmp_path_factory, seeded_copy):
    """The demo data, an admin and Troms' secretariat; the database's register is not the
    demo's. Yields the server and the councils by name."""
    folder = tmp_path_factory.mktemp("phone")
    url = seeded_copy()
    engine = db.get_engine(url)
    with Session(engine) as session:
        ids = {c.name: c.id for c in councils(session)}
        session.merge(Meta(key="register_file", value=str(DEFAULT_REGISTER_FILE)))
        session.commit()
    users.set_user(engine, ADMIN.email, Role.ADMIN, [], by=Actor("t"), scope=OPERATOR)
    troms = [ids["IA-rådet i Troms"]]
    users.set_user(engine, TROMS.email, Role.SECRETARIAT, troms, by=Actor("t"), scope=OPERATOR)
    db._engines.pop(url, None)
    engine.dispose()
    with signed_in_server(url, folder, [ADMIN, TROMS]) as running:
        running.ids = ids
        yield running


def _phone(browser, server, person: Person):
    """A phone of ``person``'s own, signed in."""
    page = own_tab(browser, PHONE, is_mobile=True, has_touch=True)
    page.goto(server.base)
    page.get_by_role("heading", name="Logg inn").wait_for()
    sign_in(page, server.base, person.email)
    return page


@pytest.fixture(scope="module")
def admin(browser, server):
    page = _phone(browser, server, ADMIN)
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def troms(browser, server):
    page = _phone(browser, server, TROMS)
    yield page
    page.context.close()


def _row(table, i: int) -> list[str]:
    """The cells of the grid's row ``i`` that are drawn (in view, or pinned), as its
    accessible table lists them (row 0: the headers)."""
    return [c.inner_text() for c in table.locator("tr").nth(i).locator("th, td").all()]


def _grid(page):
    """The page's first table in view, once the grid has drawn its rows."""
    table = page.locator("[data-testid=stDataFrame]:visible").first
    table.scroll_into_view_if_needed()
    table.locator("tr").nth(1).locator("td").first.wait_for(state="attached")
    return table


def _scrolled_to_the_end(page, table) -> None:
    table.locator(".dvn-scroller").evaluate("e => e.scrollLeft = e.scrollWidth")
    page.wait_for_timeout(300)  # the grid draws the columns now in view on its next frame


# path, heading, the first column and its first cell, the table's last column
TABLES = [
    ("?ar=2012", "Oversikt", "IA-råd", "Østfold", "Gjennomgang H2"),
    ("?ar=2012&vis=alle", "Oversikt", "IA-råd", "IA-rådet i Østfold", "Innsendt H2"),
    ("frister", "Frister", "IA-råd", "IA-rådet i Østfold", "2012 H1"),
    ("avvik?ar=2015", "Avvik", "IA-råd", "IA-rådet i ", None),
    ("tilgang", "Tilgang", "E-post", "@example.no", "Endret av"),
]


SHOTS = {  # the screenshot of each (``IA_SCREENSHOTS``), after the scroll
    "?ar=2012": "oversikt-kompakt",
    "?ar=2012&vis=alle": "oversikt-alle",
    "frister": "frister",
    "avvik?ar=2015": "avvik",
    "tilgang": "tilgang",
}


@pytest.mark.parametrize(
    ("path", "heading", "first", "cell", "last"), TABLES, ids=[t[0] or "/" for t in TABLES]
)
def test_the_council_stays_in_view_when_a_table_scrolls_sideways(
    server, admin, path, heading, first, cell, last
):
    _open(admin, f"{server.base}/{path}", heading)
    table = _grid(admin)
    assert _row(table, 0)[0] == first
    _scrolled_to_the_end(admin, table)
    headers, cells = _row(table, 0), _row(table, 1)
    assert headers[0] == first and len(headers) < 5  # the end of the table is in view …
    if last:
        assert headers[-1] == last
    assert cell in cells[0]  # … beside the council (or the user) it is about
    box = table.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    screenshot(admin, f"telefon-{SHOTS[path]}")
    _no_failure(admin)


def test_frister_starts_with_the_newest_period(server, admin):
    _open(admin, f"{server.base}/frister", "Frister")
    matrix = _grid(admin)
    assert _row(matrix, 0)[:2] == ["IA-råd", "2016 År"]  # what a phone shows of it
    assert _row(matrix, 1)[0] == "IA-rådet i Østfold"


def test_the_menu_closes_after_a_page_is_chosen(server, admin):
    _open(admin, f"{server.base}/", "Oversikt")
    menu = admin.get_by_test_id("stSidebar")
    admin.get_by_test_id("stExpandSidebarButton").click()
    menu.get_by_role("link", name="Frister").wait_for()
    admin.wait_for_function(  # open over the page
        "() => document.querySelector('[data-testid=stSidebar]').getBoundingClientRect().left === 0"
    )
    menu.get_by_role("link", name="Frister").click()
    admin.get_by_role("heading", name="Frister", exact=True).first.wait_for()
    _idle(admin)
    admin.wait_for_function(
        "() => document.querySelector('[data-testid=stSidebar]').getBoundingClientRect().right <= 0"
    )
    assert admin.get_by_role("heading", name="Frister", exact=True).first.is_visible()


def test_last_opp_in_norwegian_with_errors_as_cards_and_the_demo_refused(server, admin, tmp_path):
    _open(admin, f"{server.base}/last_opp", "Last opp")
    chooser = admin.get_by_test_id("iaFileChooser")
    chooser.get_by_role("button", name="Velg filer").wait_for()  # the script has drawn it
    assert chooser.inner_text().split("\n") == [
        "Dra filene hit, eller velg dem",
        "Høyst 20 MB per fil · XLSX, XLSM, XLS, ODS",
        "Velg filer",
    ]
    assert admin.get_by_test_id("stFileUploaderDropzone").is_hidden()  # Streamlit's English
    assert not [e for e in admin.get_by_text("Upload", exact=True).all() if e.is_visible()]

    # A report with errors: each error a card of its own, its whole message in view.
    wrong = tmp_path / "rapport_2015_Ar_ia-radet-i-troms-med-feil.xlsx"
    wrong.write_bytes(variant(TROMS_2015, _errors))
    _choose_file(admin, wrong)
    _wait_for_text(admin, "4 feil må rettes")
    listed = admin.get_by_test_id("iaChosenFiles")
    assert listed.get_by_text(wrong.name, exact=True).is_visible()  # the whole name
    cards = admin.locator("[class*=st-key-ia_narrow_errors] [data-testid=stVerticalBlock]")
    cost = cards.filter(has_text="Aktiviteter, rad 7, kolonne «Kostnad (kr)»").last
    message = cost.get_by_test_id("stMarkdownContainer").last
    assert message.is_visible()
    box = message.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    cost.scroll_into_view_if_needed()
    assert admin.locator("[class*=st-key-ia_wide_errors]").first.is_hidden()
    assert (
        admin.get_by_test_id("stTable").count() == 0
        or admin.get_by_test_id("stTable").first.is_hidden()
    )
    screenshot(admin, "telefon-last-opp-feil")

    # Taken away again, and a shipped demo workbook chosen: refused as fictional.
    listed.get_by_role("button", name=f"Fjern {wrong.name}").click()
    admin.get_by_text("Ingen filer valgt ennå").wait_for()
    _idle(admin)
    _choose_file(admin, TROMS_2015)
    _wait_for_text(admin, "er oppdiktet")
    assert admin.get_by_text("Filen har feil og kan ikke lagres før feilene er rettet").is_visible()
    errors = " ".join(admin.get_by_test_id("stAlertContentError").all_inner_texts())
    assert (
        f"Filen er demofilen «{TROMS_2015.name}» som følger med IA-rådsoversikt: tallene i "
        "den er oppdiktet og hører ikke hjemme i en database med ekte rapporter; ingenting er "
        "lagret. Last opp rådets egen rapport. Filen kan ikke lagres."
    ) in errors
    assert admin.get_by_role("button", name="Ingen filer kan lagres").is_disabled()
    screenshot(admin, "telefon-last-opp-demofil")
    _no_failure(admin)


def test_the_council_filter_finds_troms_first_in_norwegian(server, admin):
    _open(admin, f"{server.base}/", "Oversikt")
    box = admin.get_by_test_id("stMultiSelect").first.get_by_role("combobox")
    assert box.get_attribute("placeholder") == "Alle IA-råd"
    box.click()
    options = admin.get_by_role("option")
    options.first.wait_for()
    assert "Select all" not in options.all_inner_texts()
    admin.keyboard.type("Troms")
    admin.wait_for_function("() => [...document.querySelectorAll('[role=option]')].length === 1")
    assert options.all_inner_texts() == ["IA-rådet i Troms"]
    admin.keyboard.press("Escape")


def test_tilgangs_form_is_empty_after_saving(server, admin):
    _open(admin, f"{server.base}/tilgang", "Tilgang")
    admin.get_by_role("textbox", name="E-post", exact=True).fill("ny@example.no")
    admin.get_by_role("textbox", name="Navn (valgfritt)").fill("Nina Ny")
    admin.get_by_text("Oversiktsgruppen –").click()  # a role with no councils to choose
    admin.get_by_role("button", name="Lagre tilgangen").click()
    admin.get_by_test_id("stAlertContentSuccess").wait_for()
    _idle(admin)
    said = admin.get_by_test_id("stAlertContentSuccess").inner_text().replace("\u2060", "")
    assert said.endswith("ny@example.no er lagt til med rollen oversiktsgruppen")
    assert admin.get_by_role("textbox", name="E-post", exact=True).input_value() == ""
    assert admin.get_by_role("textbox", name="Navn (valgfritt)").input_value() == ""


def test_a_secretariat_reads_no_access_and_the_councils_its_report_covers(server, troms):
    oslo = server.ids["IA-rådet i Oslo"]
    _open(troms, f"{server.base}/rad?rad={oslo}", "Råd")
    said = troms.get_by_test_id("stAlertContentInfo").first
    said = said.get_by_test_id("stMarkdownContainer").inner_text()
    assert said == (
        "Ingen tilgang til IA-rådet i Oslo: lenken gjelder et IA-råd utenfor rådene du har "
        "tilgang til, og er ikke brukt."
    )
    screenshot(troms, "telefon-rad-ingen-tilgang")
    _open(troms, f"{server.base}/?ar=2015", "Oversikt")
    troms.get_by_text("Gjelder IA-rådet i Troms (filtrene over brukes ikke)").wait_for()
    _no_failure(troms)
