"""A report's whole route as people walk it: `streamlit run app.py` with sign-in through a
local OpenID Connect provider (``tests/oidc.py``), driven by Chromium.

Troms' secretariat uploads its 2016 report (the receipt shown in Norwegian time); the
coordination unit sends it back with a reason; the secretariat sees the reason and uploads a
correction (the receipt unchanged); the coordination unit sees what changed — the cost,
before and after — approves, and forwards 2016 to the oversight group; the oversight group
sees «Godkjent» and Troms' figures, and downloads the forwarded report exactly as it was
stored."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import openpyxl
import pytest
from conftest import SAMPLE_REGISTER
from oidc import Person, screenshot, signed_in_as, signed_in_server
from sqlmodel import Session
from tabs import own_tab
from test_browser import Server, _idle, _metrics, _open, _store_file

from ia_data.demo import SAMPLE_DIR
from ia_data.domain.access import OPERATOR, Actor, Role
from ia_data.domain.formatting import kroner, local
from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules
from ia_data.output.forward import forwarded_file, forwarded_reports
from ia_data.reporting.overview import overview
from ia_data.reporting.review import review_changes, review_states
from ia_data.storage import db, store, users
from ia_data.storage.register import councils

pytestmark = [pytest.mark.browser, pytest.mark.page]  # a page test: SQLite only (conftest)

TROMS = Person("troms@example.no", "Tove Troms")
UNIT = Person("enhet@example.no", "Enid Enhet")
OVERSIGHT = Person("tilsyn@example.no", "Odd Oversikt")
TROMS_2016 = SAMPLE_DIR / "rapport_2016_Ar_ia-radet-i-troms.xlsx"
WRONG_COST = 152_000  # the first activity's cost, ten times too high
REASON = "Kostnaden for den første aktiviteten er ti ganger for høy"


def _engine_do(url: str, work):
    """``work(session)`` on the server's database, the engine let go after."""
    engine = db.get_engine(url)
    try:
        with Session(engine) as session:
            return work(session)
    finally:
        db._engines.pop(url, None)
        engine.dispose()


@pytest.fixture
def route_server(database, tmp_path):
    """A server with sign-in against a local provider, on a database holding every
    council's 2015 report as historical (approved before the route), Troms' secretariat,
    the coordination unit and the oversight group."""
    url = database(SAMPLE_REGISTER)
    engine = db.get_engine(url)
    for path in sorted(SAMPLE_DIR.glob("rapport_2015_Ar_*.xlsx")):
        found = store.import_file(
            engine, path.name, path.read_bytes(), scope=OPERATOR, historical=True
        )
        assert found.ok, found.message
    with Session(engine) as session:
        troms_id = next(c.id for c in councils(session) if c.name == "IA-rådet i Troms")
    users.set_user(
        engine, TROMS.email, Role.SECRETARIAT, [troms_id], by=Actor("test"), scope=OPERATOR
    )
    users.set_user(engine, UNIT.email, Role.COORDINATION, by=Actor("test"), scope=OPERATOR)
    users.set_user(engine, OVERSIGHT.email, Role.OVERSIGHT, by=Actor("test"), scope=OPERATOR)
    db._engines.pop(url, None)
    engine.dispose()
    with signed_in_server(url, tmp_path, [TROMS, UNIT, OVERSIGHT]) as server:
        server.troms_id = troms_id
        yield server


def _text(page) -> str:
    """What the page says, as a reader sees it (no word joiners, no hard spaces)."""
    text = page.get_by_test_id("stMain").inner_text()
    return text.replace("\u2060", "").replace("\xa0", " ")


def _done(page, text: str) -> None:
    """Wait until the page confirms the step with ``text`` (its green message) and its run
    has finished. Not any ``text`` on the page: Gjennomgang's own captions say «er sendt
    tilbake» and «… er sendt til Oppfølgingsgruppen ennå» before anything is done, and a wait
    for them would end before the click's run has stored anything."""
    page.get_by_test_id("stAlertContentSuccess").get_by_text(text).first.wait_for()
    _idle(page)


def _troms(server: Server):
    """Troms' 2016 report on its route, as the library has it."""
    rows = _engine_do(server.db_url, lambda s: review_states(s, 2016, scope=OPERATOR))
    return next(r for r in rows if r.council == "IA-rådet i Troms")


def test_a_report_walks_its_route_in_a_browser(route_server, browser, visitors, tmp_path):
    server = route_server
    book = openpyxl.load_workbook(TROMS_2016)
    right_cost = book["Aktiviteter"]["G5"].value
    book["Aktiviteter"]["G5"] = WRONG_COST
    wrong = tmp_path / "rapport_2016_Ar_ia-radet-i-troms.xlsx"
    book.save(wrong)

    # The secretariat uploads: the receipt, in Norwegian time.
    troms = signed_in_as(visitors.visitor(), TROMS, server)
    _store_file(troms, server.base, wrong)
    first = _troms(server)
    assert first.state == "Mottatt"
    receipt = f"Kvittering: mottatt {local(first.received_at):%d.%m.%Y %H:%M} (norsk tid)."
    assert f"{receipt} Gjennomgang: «Mottatt»." in _text(troms)

    # The coordination unit sends it back with a reason.
    unit = signed_in_as(own_tab(browser), UNIT, server)  # beside Troms
    _open(unit, f"{server.base}/gjennomgang", "Gjennomgang")
    assert "IA-rådet i Troms, 2016 År" in _text(unit)
    # Each box given its text and left (Tab), as a person does, and its run waited for: the
    # box's value is the app's before the next is typed in (not raced by the run of the one
    # before).
    for label, text in (
        ("Begrunnelse (påkrevd når rapporten sendes tilbake)", REASON),
        ("Gjelder (valgfritt): ark, rad eller spørsmål", "Aktiviteter, rad 5"),
    ):
        unit.get_by_label(label).fill(text)
        unit.get_by_label(label).press("Tab")
        _idle(unit)
        assert unit.get_by_label(label).input_value() == text
    unit.get_by_role("button", name="Send tilbake").scroll_into_view_if_needed()
    screenshot(unit, "gjennomgang-vurdering")
    unit.get_by_role("button", name="Send tilbake").click()
    _done(unit, "er sendt tilbake")
    assert _troms(server).state == "Trenger retting"
    screenshot(unit, "gjennomgang-sendt-tilbake")

    # The secretariat sees the reason (its first page, and Råd) and uploads a correction.
    _open(troms, server.base, "Oversikt")
    notice = (
        "Trenger retting: Koordineringsenheten har sendt tilbake rapporten IA-rådet i Troms, "
        "2016 År."
    )
    assert notice in _text(troms)
    _open(troms, f"{server.base}/rad?rad={server.troms_id}", "Råd")
    said = _text(troms)
    reason = "IA-rådet i Troms, 2016 År: Trenger retting. Begrunnelse fra Koordineringsenheten:"
    assert f"{reason} {REASON}" in said
    assert "Gjelder: Aktiviteter, rad 5" in said
    screenshot(troms, "rad-trenger-retting")
    _store_file(troms, server.base, TROMS_2016)
    assert f"{receipt} Gjennomgang: «Mottatt på nytt»." in _text(troms)  # the same receipt
    assert _troms(server).received_at == first.received_at

    # The coordination unit sees what changed, and approves.
    _open(unit, f"{server.base}/gjennomgang", "Gjennomgang")
    changes = _engine_do(
        server.db_url,
        lambda s: review_changes(s, server.troms_id, 2016, "År", scope=OPERATOR),
    )
    before, after = changes.before["Kostnad (øre)"], changes.after["Kostnad (øre)"]
    assert before - after == (WRONG_COST - right_cost) * 100
    named = f"Endret: Kostnad {kroner(before)} → {kroner(after)}.".replace("\xa0", " ")
    assert named in _text(unit)
    screenshot(unit, "gjennomgang-endret")
    unit.get_by_role("button", name="Godkjenn").click()
    _done(unit, "er godkjent")
    assert _troms(server).state == "Godkjent"
    assert "Ingen rapporter venter på gjennomgang." in _text(unit)

    # … and forwards 2016 to the oversight group.
    unit.get_by_role("button", name="Send til oppfølgingsgruppen").click()
    _done(unit, "er sendt til Oppfølgingsgruppen")
    screenshot(unit, "gjennomgang-sendt-videre")

    # The oversight group: «Godkjent», Troms' figures, and the forwarded report.
    rules = load_rules(DEFAULT_RULES_FILE)
    spent = _engine_do(
        server.db_url,
        lambda s: next(
            r.totals.spent_ore
            for r in overview(s, 2016, local(first.received_at).date(), rules, scope=OPERATOR)
            if r.council.name == "IA-rådet i Troms"
        ),
    )
    group = signed_in_as(own_tab(browser), OVERSIGHT, server)
    _open(group, f"{server.base}/?ar=2016&rad={server.troms_id}&vis=alle", "Oversikt")
    assert _metrics(group, "Brukt")["Brukt"] == kroner(spent).replace("\xa0", " ")
    screenshot(group, "oversiktsgruppen-oversikt")
    group.get_by_text("Sendt til Oppfølgingsgruppen").first.click()
    forwarded = group.get_by_role("button", name="Last ned samlet-rapport-2016.xlsx")
    forwarded.wait_for()  # the expander open, its button drawn
    _idle(group)  # and no run under way that would replace the button's file
    with group.expect_download() as download:
        forwarded.click()
    data = Path(download.value.path()).read_bytes()
    (sent,) = _engine_do(server.db_url, lambda s: forwarded_reports(s, scope=OPERATOR))
    stored = _engine_do(server.db_url, lambda s: forwarded_file(s, sent.id, scope=OPERATOR))
    assert hashlib.sha256(data).hexdigest() == sent.sha256 and data == stored[1]
    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    screenshot(group, "oversiktsgruppen-sendt")
    _open(group, f"{server.base}/rad?rad={server.troms_id}", "Råd")  # status, then review
    row = group.locator("[data-testid=stDataFrame] tr").filter(has_text="2016 År")
    row.first.wait_for(state="attached")
    cells = row.first.locator("td").all_inner_texts()
    status = next(i for i, cell in enumerate(cells) if cell.startswith("Levert"))
    assert cells[status + 1] == "Godkjent"  # the review state beside the deadline status
    for page in (troms, unit, group):
        visitors.leave(page)
