"""Action plans in a browser (issue 25): a secretariat's plan and a report tied to it are
uploaded through Last opp; Oversikt shows «Tiltak gjennomført» and Råd the measures with
what was done under them. One server for the module (SQLite: a page behaves the same on
either engine)."""

from __future__ import annotations

import pytest
from oidc import screenshot
from plans import plan_sheets, tied_report_sheets
from sqlmodel import Session
from test_browser import (
    _no_failure,
    _open,
    _store_file,
    _wait_for_text,
    open_server_on_empty,
)
from workbooks import xlsx

from ia_data.storage import db
from ia_data.storage.register import councils

pytestmark = [pytest.mark.browser, pytest.mark.page, pytest.mark.slow]


@pytest.fixture(scope="module")
def plan_server(tmp_path_factory, sqlite_template):
    server = open_server_on_empty(tmp_path_factory, sqlite_template, "plans")
    yield server
    server.stop()


def test_a_plan_and_a_tied_report_on_oversikt_and_rad(plan_server, page, tmp_path):
    base = plan_server.base
    plan = tmp_path / "handlingsplan_troms_2015.xlsx"
    plan.write_bytes(xlsx(plan_sheets()))
    report = tmp_path / "rapport_troms_2015.xlsx"
    report.write_bytes(xlsx(tied_report_sheets([1, 2, None])))
    _store_file(page, base, plan, "Handlingsplan for IA-rådet i Troms for 2015: 3 tiltak")
    screenshot(page, "plan-last-opp")
    _store_file(page, base, report, "Filen er kontrollert uten feil")
    assert [u["kind"] for u in plan_server.uploads()] == ["rapport", "handlingsplan"]

    _open(page, f"{base}/?ar=2015&per=2016-01-15", "Oversikt")  # the compact view
    screenshot(page, "plan-oversikt")
    # The grid is drawn on a canvas; its accessible table holds the header and the cells.
    grid = page.locator("[data-testid=stDataFrame]").filter(has_text="Tiltak gjennomført")
    grid.first.wait_for(state="attached")
    troms = grid.first.locator("tr").filter(has_text="Troms")
    assert "2 av 3" in troms.first.locator("td").all_inner_texts()
    nordland = grid.first.locator("tr").filter(has_text="Nordland")
    assert "ingen plan" in nordland.first.locator("td").all_inner_texts()

    engine = db.get_engine(plan_server.db_url)
    with Session(engine) as session:
        troms = next(c.id for c in councils(session) if c.name == "IA-rådet i Troms")
    db._engines.pop(plan_server.db_url, None)
    engine.dispose()
    _open(page, f"{base}/rad?rad={troms}&per=2016-01-15", "IA-rådet i Troms")
    _wait_for_text(page, "Tiltak med gjennomført aktivitet: 2 av 3")
    measures = page.locator("[data-testid=stDataFrame]").filter(has_text="Bransjenettverk")
    measures.first.wait_for(state="attached")
    texts = " ".join(measures.first.locator("td").all_inner_texts())
    assert "Bransjenettverk for sykehjemmene" in texts
    assert "Jobbmesse" in texts
    assert "Seniorseminar" in texts
    page.get_by_role("heading", name="Handlingsplan og gjennomføring").scroll_into_view_if_needed()
    screenshot(page, "plan-rad")
    _no_failure(page)
