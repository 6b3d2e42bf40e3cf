"""Sign-in as people do it: `streamlit run app.py` with ``[auth]`` pointing at a real local
OpenID Connect provider (``oidc-provider-mock``, ``tests/oidc.py``), driven by Chromium.

Troms' secretariat uploads a Troms workbook (stored as uploaded by that e-mail), is refused
a Nordland workbook (nothing stored), sees only Troms on Oversikt and signs out; the
oversight group sees every council and has no Last opp; an admin gives a new user Finnmark
on «Tilgang», and that user, signing in, uploads for Finnmark; a user with no role is told
whom to ask. Signing out ends the session on the server: a copied identity cookie and the
user's other open tab get no data, and are asked to sign in again. On both database
engines."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import openpyxl
import pytest
from conftest import SAMPLE_REGISTER
from oidc import AUTH_COOKIE, Person, screenshot, sign_in, sign_out, signed_in_as, signed_in_server
from sqlmodel import Session
from tabs import SCREEN, own_tab
from test_browser import (
    Server,
    _choose_file,
    _idle,
    _metrics,
    _no_failure,
    _open,
    _wait_for_text,
)

from ia_data.demo import SAMPLE_DIR
from ia_data.domain.access import OPERATOR, Actor, Role
from ia_data.storage import db, history, store, users
from ia_data.storage.models import SignInState

pytestmark = [pytest.mark.browser, pytest.mark.page]  # a page test: SQLite only (conftest)

TROMS = Person("troms@example.no", "Tove Troms")
TROMS_TOO = Person("troms2@example.no", "Siri Sekretær")  # signs out, in the test of that
OVERSIGHT = Person("tilsyn@example.no", "Odd Oversikt")
ADMIN = Person("admin@example.no", "Ada Admin")
NEW = Person("ny@example.no", "Nina Ny")
NO_ROLE = Person("ukjent@example.no", "Ulf Ukjent")
ENDED = (
    "Økten din er avsluttet: du har logget ut (her eller i en annen fane), eller en "
    "administrator har endret tilgangen din. Logg inn på nytt for å fortsette."
)


@pytest.fixture(scope="module")
def signed_server(tmp_path_factory, sqlite_template):
    """A server with sign-in against a local provider, on a database holding every
    council's 2015 report and a user of each role (the admin from ``IA_ADMIN_EMAILS``);
    one for the module: its tests sign in as different people and count what they add."""
    folder = tmp_path_factory.mktemp("sign-in")
    copy = folder / "ia.db"
    shutil.copyfile(sqlite_template(SAMPLE_REGISTER), copy)
    url = f"sqlite:///{copy}"
    engine = db.get_engine(url)
    for path in sorted(SAMPLE_DIR.glob("rapport_2015_Ar_*.xlsx")):
        assert store.import_file(engine, path.name, path.read_bytes(), scope=OPERATOR).ok
    troms_id = next(u["council_id"] for u in history.uploads(engine) if "troms" in u["file_name"])
    for person in (TROMS, TROMS_TOO):
        users.set_user(
            engine, person.email, Role.SECRETARIAT, [troms_id], by=Actor("test"), scope=OPERATOR
        )
    users.set_user(engine, OVERSIGHT.email, Role.OVERSIGHT, by=Actor("test"), scope=OPERATOR)
    db._engines.pop(url, None)
    engine.dispose()
    people = [TROMS, TROMS_TOO, OVERSIGHT, ADMIN, NEW, NO_ROLE]
    with signed_in_server(url, folder, people, IA_ADMIN_EMAILS=ADMIN.email) as server:
        yield server


def _sidebar_pages(page) -> list[str]:
    """The pages the sidebar offers (there is always one: Oversikt), once the run is done."""
    links = page.get_by_test_id("stSidebar").get_by_test_id("stPageLink-NavLink")
    links.first.wait_for()
    _idle(page)
    return [text.split("\n")[-1].strip() for text in links.all_inner_texts()]


def _upload(page, server: Server, path: Path) -> None:
    _open(page, f"{server.base}/last_opp", "Last opp")
    _choose_file(page, path)


def test_sign_in_roles_and_access_in_a_browser(signed_server, visitors):
    server = signed_server
    before = len(server.uploads())

    # Troms' secretariat: upload for Troms, refused for Nordland, only Troms on Oversikt.
    page = signed_in_as(visitors.visitor(), TROMS, server)
    sidebar = page.get_by_test_id("stSidebar").inner_text().replace("\u2060", "")
    assert "Tove Troms" in sidebar and TROMS.email in sidebar
    assert "Sekretariat for IA-rådet i Troms" in sidebar
    assert _sidebar_pages(page) == [
        "Oversikt", "Frister", "Økonomi", "Aktiviteter", "Råd", "Avvik", "Last opp",
        "Opplastinger", "Mine varsler",
    ]  # fmt: skip
    _upload(page, server, SAMPLE_DIR / "rapport_2016_Ar_ia-radet-i-troms.xlsx")
    _wait_for_text(page, "Filen er kontrollert uten feil")
    page.get_by_role("button", name="Lagre filen").click()
    _wait_for_text(page, "Filen er lagret")
    newest = server.uploads()[0]
    assert (newest["file_name"], newest["uploaded_by"], newest["uploaded_by_email"]) == (
        "rapport_2016_Ar_ia-radet-i-troms.xlsx",
        "Tove Troms",
        TROMS.email,
    )
    _upload(page, server, SAMPLE_DIR / "rapport_2016_Ar_ia-radet-i-nordland.xlsx")
    _wait_for_text(page, "Ingen tilgang")
    refused = " ".join(page.get_by_test_id("stAlertContentError").all_inner_texts())
    refused = refused.replace("\u2060", "")
    assert (
        "Ingen tilgang: arbeidsboka er rapporten til IA-rådet i Nordland, men du kan bare "
        "laste opp for IA-rådet i Troms; ingenting er lagret" in refused
    )
    assert page.get_by_role("button", name="Ingen filer kan lagres").is_disabled()
    screenshot(page, "sekretariat-avvist-opplasting")
    assert len(server.uploads()) == before + 1  # the Nordland file stored nothing
    _open(page, f"{server.base}/?ar=2015&per=2016-06-01&vis=alle", "Oversikt")
    figures = _metrics(page, "IA-råd", "Brukt")
    assert figures["IA-råd"] == "1"
    rows = page.locator("[data-testid=stDataFrame] tr").filter(has_text="IA-rådet i")
    rows.first.wait_for(state="attached")
    councils = {row.locator("td").first.inner_text() for row in rows.all()}
    assert councils == {"IA-rådet i Troms"}
    # The download is made on the click, outside the page's run: for the same user still.
    with page.expect_download() as download:
        page.get_by_role("button", name="Last ned Excel (XLSX)").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    listed = [r[0] for r in book["Oversikt"].iter_rows(min_row=2, values_only=True)]
    assert listed == ["IA-rådet i Troms"]
    screenshot(page, "sekretariat-oversikt")
    _open(page, f"{server.base}/tilgang", "Ingen tilgang")  # a deep link it may not open
    _no_failure(page)
    sign_out(page)
    page.get_by_role("heading", name="Logg inn").wait_for()
    visitors.leave(page)

    # The oversight group: every council, no Last opp.
    page = signed_in_as(visitors.visitor(), OVERSIGHT, server)
    assert "Last opp" not in _sidebar_pages(page)
    _open(page, f"{server.base}/?ar=2015&per=2016-06-01", "Oversikt")
    assert _metrics(page, "IA-råd", "Brukt")["IA-råd"] == "18"
    screenshot(page, "oversiktsgruppen-oversikt")
    _open(page, f"{server.base}/last_opp", "Ingen tilgang")
    visitors.leave(page)

    # The admin (from IA_ADMIN_EMAILS) gives the newcomer Finnmark on «Tilgang».
    page = signed_in_as(visitors.visitor(), ADMIN, server)
    assert _sidebar_pages(page)[-3:] == ["Tilgang", "Register", "Statistikk"]
    _open(page, f"{server.base}/?ar=2015&per=2016-06-01", "Oversikt")
    screenshot(page, "admin-oversikt")
    _open(page, f"{server.base}/tilgang", "Tilgang")
    page.get_by_label("E-post").fill(NEW.email)
    page.get_by_label("Navn (valgfritt)").fill(NEW.name)
    page.get_by_text("Sekretariat – ser og laster opp for sine egne råd").click()
    choose = page.get_by_test_id("stMultiSelect").locator("input")
    choose.fill("Finnmark")
    choose.press("Enter")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Lagre tilgangen").click()
    _wait_for_text(page, "er lagt til med rollen sekretariat for IA-rådet i Finnmark")
    screenshot(page, "admin-tilgang")
    visitors.leave(page)

    # The newcomer, signing in, uploads for Finnmark.
    page = signed_in_as(visitors.visitor(), NEW, server)
    _upload(page, server, SAMPLE_DIR / "rapport_2016_Ar_ia-radet-i-finnmark.xlsx")
    _wait_for_text(page, "Filen er kontrollert uten feil")
    page.get_by_role("button", name="Lagre filen").click()
    _wait_for_text(page, "Filen er lagret")
    newest = server.uploads()[0]
    assert (newest["council_name"], newest["uploaded_by_email"]) == (
        "IA-rådet i Finnmark",
        NEW.email,
    )
    visitors.leave(page)

    # A user with no role is told whom to ask.
    page = signed_in_as(visitors.visitor(), NO_ROLE, server)
    page.get_by_role("heading", name="Du har ikke tilgang ennå").wait_for()
    asked = page.get_by_test_id("stAlertContentInfo").inner_text().replace("\u2060", "")
    assert NO_ROLE.email in asked and ADMIN.email in asked
    screenshot(page, "ingen-rolle")
    visitors.leave(page)


def _sign_in_state(server: Server, email: str) -> tuple[int, int] | None:
    """The server's record of an address's sign-ins: the newest seen, and from when they
    count (the provider's ``iat``)."""
    engine = db.get_engine(server.db_url)
    try:
        with Session(engine) as session:
            state = session.get(SignInState, email)
            return None if state is None else (state.newest_seen, state.counts_from)
    finally:
        db._engines.pop(server.db_url, None)
        engine.dispose()


def _asked_to_sign_in_again(page) -> None:
    """The sign-in page, saying the session has ended, and no data."""
    page.get_by_role("heading", name="Logg inn").wait_for()
    _idle(page)
    warning = page.get_by_test_id("stAlertContentWarning").get_by_test_id("stMarkdownContainer")
    assert warning.inner_text().replace("\u2060", "") == ENDED
    assert page.get_by_test_id("stDataFrame").count() == 0
    assert page.get_by_test_id("stMetric").count() == 0
    assert page.get_by_test_id("stSidebar").get_by_test_id("stPageLink-NavLink").count() == 0


def test_signing_out_ends_the_session_a_copied_cookie_and_another_tab_get_no_data(
    signed_server, browser, visitors
):
    server = signed_server
    page = signed_in_as(visitors.visitor(), TROMS_TOO, server)
    # What a thief would copy: the identity cookie, as the browser holds it.
    copied = [c for c in page.context.cookies(server.base) if c["name"].startswith(AUTH_COOKIE)]
    assert copied
    newest, counts_from = _sign_in_state(server, TROMS_TOO.email)
    assert counts_from == 0  # nothing ended yet
    other_tab = page.context.new_page()  # the same user's other open tab
    other_tab.set_default_timeout(60_000)
    _open(other_tab, f"{server.base}/frister", "Frister")

    sign_out(page)
    page.get_by_role("heading", name="Logg inn").wait_for()
    assert _sign_in_state(server, TROMS_TOO.email) == (newest, newest + 1)

    # The other tab's next click: asked to sign in again, no data.
    links = other_tab.get_by_test_id("stSidebar").get_by_test_id("stPageLink-NavLink")
    links.filter(has_text="Oversikt").click()
    _asked_to_sign_in_again(other_tab)

    # The copied cookie (which the browser would keep for 30 days), in another browser.
    stolen = own_tab(browser, SCREEN)
    stolen.context.add_cookies(copied)
    stolen.goto(f"{server.base}/?ar=2015&per=2016-06-01")
    _asked_to_sign_in_again(stolen)
    _open(stolen, f"{server.base}/opplastinger", "Logg inn")  # a deep link: the same
    assert stolen.get_by_test_id("stDataFrame").count() == 0
    assert _sign_in_state(server, TROMS_TOO.email) == (newest, newest + 1)  # nothing recorded
    visitors.leave(stolen)

    # Signing in anew from the tab that was asked to (a new ID token) gets in again.
    sign_in(other_tab, server.base, TROMS_TOO.email)
    other_tab.get_by_text(TROMS_TOO.name).first.wait_for()
    assert _sidebar_pages(other_tab)[0] == "Oversikt"
    assert _sign_in_state(server, TROMS_TOO.email)[0] > newest
    visitors.leave(page)
