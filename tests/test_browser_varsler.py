"""«Varsler» in a browser, through a real sign-in: a link to the page with a date, opened
before signing in, is offered as «Gå videre til Varsler» on the first page after sign-in
(Streamlit's ``st.login`` comes back to ``/``), and the page then shows what will be sent
on that date. One server for the module (``tests/oidc.py``)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

import pytest
from conftest import SAMPLE_REGISTER
from oidc import Person, screenshot, sign_in, signed_in_as, signed_in_server
from sqlmodel import Session
from tabs import SCREEN
from test_browser import _idle

from ia_data.demo import SAMPLE_DIR
from ia_data.domain.access import OPERATOR, Actor, Role
from ia_data.storage import db, store, users
from ia_data.storage.register import councils

pytestmark = [pytest.mark.browser, pytest.mark.page]

UNIT = Person("enhet@example.no", "Enid Enhet")
NORDLAND = Person("nordland@example.no", "Nora Nordland")
TROMS_2015 = SAMPLE_DIR / "rapport_2015_Ar_ia-radet-i-troms.xlsx"


@pytest.fixture(scope="module")
def server(tmp_path_factory, sqlite_template):
    """Troms' 2015 report in on 1 February 2016; the coordination unit and Nordland's
    secretariat, who gets the reminder 14 days before the due date (16 February 2016)."""
    folder = tmp_path_factory.mktemp("varsler")
    path = folder / "varsler.db"
    shutil.copyfile(sqlite_template(SAMPLE_REGISTER), path)
    url = f"sqlite:///{path}"
    engine = db.get_engine(url)
    came = datetime(2016, 2, 1, 10, tzinfo=UTC)
    data = TROMS_2015.read_bytes()
    assert store.import_file(engine, TROMS_2015.name, data, scope=OPERATOR, now=came).ok
    with Session(engine) as session:
        nordland = next(c.id for c in councils(session) if c.name == "IA-rådet i Nordland")
    users.set_user(engine, UNIT.email, Role.COORDINATION, [], by=Actor("t"), scope=OPERATOR)
    users.set_user(
        engine, NORDLAND.email, Role.SECRETARIAT, [nordland], by=Actor("t"), scope=OPERATOR
    )
    db._engines.pop(url, None)
    engine.dispose()
    with signed_in_server(url, folder, [UNIT, NORDLAND]) as running:
        yield running


def test_a_link_opened_before_sign_in_leads_on_to_what_is_sent_that_day(server, visitors):
    page = visitors.visitor(SCREEN)
    try:
        page.goto(f"{server.base}/varsler?dato=2016-02-16")
        page.get_by_role("heading", name="Logg inn").wait_for()
        _idle(page)
        sign_in(page, server.base, UNIT.email)
        page.get_by_role("heading", name="Oversikt").first.wait_for()
        page.get_by_text("Du åpnet en lenke til «Varsler» før du logget inn.").wait_for()
        page.get_by_role("link", name="Gå videre til Varsler").click()
        page.get_by_role("heading", name="Varsler").first.wait_for()
        _idle(page)
        assert page.url.endswith("/varsler?dato=2016-02-16")
        main = page.get_by_test_id("stMain")
        main.get_by_text("1 e-post 16.02.2016, én per mottaker:").wait_for()
        message = "Påminnelse · IA-rådet i Nordland → nordland@example.no"
        main.get_by_text(message).click()  # the message as its recipient reads it
        main.locator("p", has_text="Det er 14 dager igjen.").first.wait_for()
        assert main.get_by_text("Ingen e-post sendes:").is_visible()
        screenshot(page, "varsler-1440")
        page.set_viewport_size({"width": 390, "height": 900})
        _idle(page)
        screenshot(page, "varsler-390")
    finally:
        visitors.leave(page)


def test_mine_varsler_as_a_secretariat(server, visitors):
    page = signed_in_as(visitors.visitor(), NORDLAND, server)
    try:
        page.goto(f"{server.base}/mine_varsler")
        page.get_by_role("heading", name="Mine varsler").wait_for()
        _idle(page)
        assert page.get_by_text("Varslene sendes til").is_visible()
        screenshot(page, "mine-varsler-1440")
        page.set_viewport_size({"width": 390, "height": 900})
        _idle(page)
        screenshot(page, "mine-varsler-390")
    finally:
        visitors.leave(page)
