"""Action plans on the pages (issue 25), as AppTest runs them: Last opp offers the blank
plan (the very file of ``ia-data template --plan``), checks a plan workbook and shows its
measures before anything is stored, and stores it on confirm; Opplastinger names it."""

# ruff: noqa: SIM300  (the expected value comes first, as in the importer's tests)

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from plans import plan_sheets, themed_report_sheets, tied_report_sheets
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest
from workbooks import xlsx

from ia_data.cli import main as cli
from ia_data.domain.access import OPERATOR
from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules
from ia_data.output.plan_template import plan_template_for_year
from ia_data.storage import db
from ia_data.storage.models import Plan
from ia_data.storage.register import councils

pytestmark = pytest.mark.page  # a page test: SQLite only (conftest)

PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture
def url(database, monkeypatch):
    url = database()
    monkeypatch.setenv("IA_DATABASE_URL", url)
    return url


def open_app(page: str = "views/last_opp.py") -> AppTest:
    at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=60)
    at.switch_page(page)
    return at.run()


def test_the_plan_template_is_offered_and_is_the_cli_template(url, tmp_path):
    out = tmp_path / "plan.xlsx"
    assert cli(["template", "--db", url, "--plan", "--year", "2015", "--out", str(out)]) == 0
    with Session(db.get_engine(url)) as session:
        offered = plan_template_for_year(
            session, 2015, load_rules(DEFAULT_RULES_FILE), scope=OPERATOR
        )
    assert offered == out.read_bytes()
    book = openpyxl.load_workbook(out)
    sheet = book["Handlingsplan"]
    assert ["IA-råd", "År", "Vedtatt"] == [sheet[f"A{r}"].value for r in (3, 4, 5)]
    assert 2015 == sheet["B4"].value
    assert ["Nr.", "Mål", "Delmål", "Tiltak", "Når", "Ansvarlig", "Budsjett (kr)"] == [
        c.value for c in sheet[7]
    ]
    at = open_app()
    at.selectbox(key="template_year").select(2015).run()
    button = at.download_button(key="plan_template_download")
    assert "Last ned tom handlingsplan for 2015" == button.label


def test_a_filled_in_plan_template_is_read(parse, tmp_path):
    from ia_data.output.plan_template import fill_plan, new_plan_workbook
    from ia_data.output.template import workbook_bytes

    book = fill_plan(
        new_plan_workbook(2015, ["IA-rådet i Troms"]),
        "IA-rådet i Troms",
        2015,
        None,
        [[1, "Lavere sykefravær", "1", "Bransjenettverk", "mars", "NAV", 12500]],
    )
    parsed = parse(workbook_bytes(book), "plan.xlsx")
    assert [] == [p.text for p in parsed.problems]
    assert [("1", "mars 2015", 1_250_000)] == [
        (m.number, m.planned, m.budget_ore) for m in parsed.measures
    ]
    blank = parse(workbook_bytes(new_plan_workbook(2015)), "tom.xlsx")
    assert [
        "Handlingsplan: feltet «IA-råd» mangler over tabellen (godtatt også: IA-rådet, Råd, "
        "Fylke, Council)",
        "Handlingsplan: arket har ingen tiltak",
    ] == [p.text for p in blank.problems]


def test_a_plan_is_previewed_then_stored_on_confirm(url):
    at = open_app()
    at.file_uploader[0].upload("handlingsplan.xlsx", xlsx(plan_sheets())).run()
    assert not at.exception
    assert (
        "Handlingsplan for **IA-rådet i Troms** for **2015**: 3 tiltak, budsjett til sammen "
        "70\xa0000 kr. Lagres den, blir den rådets aktive plan for året (en tidligere versjon "
        "tas vare på under «Opplastinger»)."
    ) in [m.value for m in at.markdown]
    frame = at.dataframe[0].value
    assert ["1", "2", "3"] == list(frame["Tiltak nr."])
    assert ["mars 2015", "2. kvartal 2015", "15.10.2015"] == list(frame["Planlagt"])
    engine = db.get_engine(url)
    with Session(engine) as session:
        assert [] == session.exec(select(Plan)).all()
    at.button(key="confirm_upload").click().run()
    assert not at.exception
    with Session(engine) as session:
        assert [(2015, True)] == [(p.year, p.active) for p in session.exec(select(Plan))]
    assert [
        "Filen er lagret. Oversikten viser de nye tallene.\n\n- handlingsplan.xlsx\\: lagret "
        "som opplasting nr. 1\\: IA-rådet i Troms, handlingsplan 2015 (3 tiltak)"
    ] == [s.value for s in at.success]


@pytest.fixture
def tied_url(database):
    """Troms 2015: plan version 1 (measures 1–5), version 2 (active, 1–4), and a report
    with activities tied as ``test_plans.TIED`` (the figures checked there by hand)."""
    from test_plans import FIVE, FOUR, TIED, store_at

    url = database()
    engine = db.get_engine(url)
    for name, measures in (("plan_v1.xlsx", FIVE), ("plan_v2.xlsx", FOUR)):
        assert store_at(engine, xlsx(plan_sheets(measures=measures)), name).ok
    assert store_at(engine, xlsx(tied_report_sheets(TIED)), "rapport.xlsx").ok
    return url


def test_rad_shows_the_plan_against_what_was_done(app_on, tied_url, monkeypatch):
    import ui.display

    offered = {}  # each table's download, by the table's key on the page
    monkeypatch.setattr(
        ui.display, "download_buttons", lambda table, download, key: offered.update({key: download})
    )
    with Session(db.get_engine(tied_url)) as session:
        troms = next(c.id for c in councils(session) if c.name == "IA-rådet i Troms")
    at = app_on(tied_url, page="views/rad.py", rad=str(troms), per="2016-01-15")
    assert not at.exception
    # The plan's files are of its year, overdue as of the status date, from its sources.
    for key, title in (
        ("plan_measures", "Handlingsplanen til IA-rådet i Troms 2015"),
        ("plan_outside", "Aktivitetene til IA-rådet i Troms utenfor planen 2015"),
    ):
        download = offered[key]
        assert (download.title, download.as_of, list(download.years)) == (
            title,
            date(2016, 1, 15),
            [2015],
        )
        assert [value for _, value in download.filters] == ["IA-rådet i Troms", 2015]
    assert (
        "**Tiltak med gjennomført aktivitet: 1 av 4** · vedtatt 03.02.2015 · budsjett "
        "80\xa0000 kr · brukt på tiltakene 12\xa0000 kr · 2 forfalt uten aktivitet per 15.01.2016"
    ) in [m.value for m in at.markdown]
    measures = next(d.value for d in at.dataframe if "Tiltak nr." in d.value.columns)
    assert list(measures["Tiltak nr."]) == ["1", "2", "3", "4"]
    assert list(measures["Aktiviteter under tiltaket"]) == [2, 1, 1, 0]
    outside = next(d.value for d in at.dataframe if "Hvorfor utenfor" in d.value.columns)
    assert list(zip(outside["Aktivitet"], outside["Hvorfor utenfor"], strict=True)) == [
        ("Aktivitet 4", "utenfor planen"),
        ("Aktivitet 5", "utenfor planen"),
        ("Aktivitet 7", "tiltak ikke lenger i planen"),
    ]


def test_oversikt_shows_the_measures_done(app_on, tied_url):
    at = app_on(tied_url, page="views/oversikt.py", ar="2015", per="2016-01-15")
    assert not at.exception
    table = at.dataframe[0].value.set_index(at.dataframe[0].value.columns[0])
    column = next(name for name in table.columns if name.startswith("Tiltak"))
    assert "1 av 4" == table.loc["Troms", column]
    assert "ingen plan" == table.loc["Nordland", column]


def test_aktiviteter_counts_the_priority_themes(app_on, database):
    from test_themes import LATER

    from ia_data.storage.store import import_file

    url = database()
    sheets = themed_report_sheets(["Unge", ("unge; forebyggende", "Avlyst"), "Seniorer"])
    assert import_file(db.get_engine(url), "t.xlsx", xlsx(sheets), scope=OPERATOR, now=LATER).ok
    at = app_on(url, page="views/aktiviteter.py", ar="2015")
    assert not at.exception
    assert "Prioriterte temaer 2015" in [h.value for h in at.subheader]
    table = next(d.value for d in at.dataframe if "Tema" in d.value and "Dato" not in d.value)
    total = table[table["IA-råd"] == "Alle råd"].set_index("Tema")
    # Unge: activity 1 (1 000 kr) counted, activity 2 (2 000 kr) cancelled but spent.
    assert (1, 3000) == (total.loc["Unge", "Aktiviteter"], total.loc["Unge", "Brukt (kr)"])
