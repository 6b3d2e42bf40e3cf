"""What a new user met that read wrong (issue 27), as AppTest runs the pages on a copy of the
demo data with sign-in: the council column pinned in every table that has one (compact
too), Frister newest first, years as years, status columns wide enough for their words, the
multi-choice filters in Norwegian and finding by what is typed, Tilgang's form empty after
saving, «Ingen tilgang til …» for another council's link, and the councils a secretariat's
compiled report covers. The links' and the sheet's rules, as pure functions."""

from __future__ import annotations

import io
import json
from datetime import date, datetime

import openpyxl
import pytest
from conftest import PROJECT, SAMPLE_REGISTER
from sqlmodel import Session
from streamlit.testing.v1 import AppTest
from test_access_pages import AUTH, token

from ia_data.domain.access import OPERATOR, Actor, Role
from ia_data.output.spreadsheet import LINE_HEIGHT, to_xlsx, wrapped_lines
from ia_data.reporting.table import Column, Table
from ia_data.storage import db, users
from ia_data.storage.register import councils
from ui.links import read_ids

pytestmark = pytest.mark.page  # a page test: SQLite only (conftest)

ADMIN = "admin@example.no"
TROMS = "troms@example.no"
NO_ACCESS = (
    "Ingen tilgang til IA-rådet i Oslo: lenken gjelder et IA-råd utenfor rådene du har "
    "tilgang til, og er ikke brukt."
)


@pytest.fixture(scope="module")
def seeded(seeded_copy):
    """A copy of the demo data, an admin and Troms' secretariat; the councils by name."""
    url = seeded_copy()
    engine = db.get_engine(url)
    with Session(engine) as session:
        ids = {c.name: c.id for c in councils(session)}
    users.set_user(engine, ADMIN, Role.ADMIN, [], by=Actor("test"), scope=OPERATOR)
    troms = [ids["IA-rådet i Troms"]]
    users.set_user(engine, TROMS, Role.SECRETARIAT, troms, by=Actor("test"), scope=OPERATOR)
    return url, ids


@pytest.fixture
def app(seeded, monkeypatch):
    """``app(email, page, **query)``: the app, signed in as ``email``, on ``page``."""

    def start(email: str, page: str, **query):
        monkeypatch.delenv("IA_AUTH", raising=False)
        monkeypatch.setenv("IA_DATABASE_URL", seeded[0])
        monkeypatch.setenv("IA_REGISTER_FILE", str(SAMPLE_REGISTER))
        at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=60)
        at.secrets["auth"] = dict(AUTH)
        at.user = token(email)
        for key, value in query.items():
            at.query_params[key] = value
        at.switch_page(page)
        at = at.run()
        assert not at.exception
        return at

    return start


def _columns(frame) -> dict:
    """A dataframe's column settings as Streamlit draws them (header → its settings)."""
    return {k: v for k, v in json.loads(frame.proto.columns).items() if k != "_index"}


def test_the_council_stays_in_view_in_the_compact_and_the_full_overview(app):
    compact = _columns(app(ADMIN, "views/oversikt.py", ar="2012").dataframe[0])
    full = _columns(app(ADMIN, "views/oversikt.py", ar="2012", vis="alle").dataframe[0])
    for shown in (compact, full):
        assert [name for name, c in shown.items() if c.get("pinned")] == ["IA-råd"]
    # Narrow enough that Streamlit keeps it pinned on a phone (at most 60 % of the table).
    assert compact["IA-råd"]["width"] == 114 and full["IA-råd"]["width"] == 190


def test_a_status_column_is_wide_enough_for_its_words(app):
    at = app(ADMIN, "views/oversikt.py", ar="2012")
    statuses = at.dataframe[0].value["Status H1"].tolist()
    assert "Levert for sent (+13 dager) (oppgitt)" in statuses  # Troms' 2012 H1
    assert max(len(s) for s in statuses if s) == 37  # that one, the longest
    # Its 37 characters at the grid's 14 px font (under 7 px each) and the cell's padding
    # fit in 285 px: not cut short on a phone (the browser test scrolls it into view).
    assert _columns(at.dataframe[0])["Status H1"]["width"] == 285


def test_frister_shows_the_newest_period_first_and_the_council_pinned(app):
    at = app(ADMIN, "views/frister.py")
    matrix = at.dataframe[0]
    assert matrix.value.columns.tolist()[:4] == [
        "IA-råd",
        "Status 2016 År",
        "Status 2015 År",
        "Status 2014 H2",
    ]
    assert matrix.value.columns[-1] == "Status 2012 H1"
    assert _columns(matrix)["IA-råd"]["pinned"] is True


def test_register_writes_its_years_as_years(app):
    at = app(ADMIN, "views/register.py")
    shown = _columns(at.dataframe[0])
    for year in ("Fra år", "Til år"):
        assert shown[year]["type_config"] == {"type": "number", "format": "%d"}  # «2017»


def test_tilgang_pins_the_user_and_its_form_is_empty_after_saving(app):
    at = app(ADMIN, "views/tilgang.py")
    assert _columns(at.dataframe[0])["E-post"]["pinned"] is True
    at.text_input(key="access_email").input("ny@example.no")
    at.text_input(key="access_name").input("Nina Ny")
    at.radio(key="access_role").set_value(Role.OVERSIGHT)
    next(b for b in at.button if b.label == "Lagre tilgangen").click()
    at = at.run()
    assert not at.exception
    assert "ny@example.no" in at.dataframe[0].value["E-post"].tolist()
    assert at.text_input(key="access_email").value == ""
    assert at.text_input(key="access_name").value == ""
    assert at.radio(key="access_role").value == Role.SECRETARIAT  # the form's default
    assert at.multiselect(key="access_councils").value == []


def test_every_multi_choice_filter_is_in_norwegian_and_finds_what_is_typed(app):
    # filter_mode 1: «contains» (typing «Troms» finds Troms, not Møre og Romsdal by a fuzzy
    # match first); select_all 0: no «Select all».
    shown = [
        (app(ADMIN, "views/oversikt.py").multiselect[0], "Alle IA-råd"),
        (
            app(ADMIN, "views/tilgang.py").multiselect(key="access_councils"),
            "Velg rådet eller rådene",
        ),
        (app(ADMIN, "views/rad.py", rad="9").multiselect(key="answer_periods"), None),
    ]
    for widget, placeholder in shown:
        assert (widget.proto.select_all, widget.proto.filter_mode) == (0, 1)
        assert widget.proto.placeholder == (placeholder or "Velg én eller flere")
    council = app(ADMIN, "views/rad.py").selectbox[0]
    assert (council.proto.placeholder, council.proto.filter_mode) == ("Velg et IA-råd", 1)


def test_a_link_to_another_councils_page_says_no_access_by_its_name(app, seeded):
    oslo = seeded[1]["IA-rådet i Oslo"]
    at = app(TROMS, "views/rad.py", rad=str(oslo))
    assert [i.value for i in at.info][:1] == [NO_ACCESS]
    assert "rad" not in at.query_params
    at = app(TROMS, "views/oversikt.py", rad=str(oslo))
    assert NO_ACCESS in [i.value for i in at.info]


def test_a_secretariats_compiled_report_says_which_councils_it_covers(app):
    at = app(TROMS, "views/oversikt.py", ar="2015")
    caption = next(c.value for c in at.caption if c.value.startswith("Én Excel-fil"))
    assert "Gjelder IA-rådet i Troms (filtrene over brukes ikke)" in caption
    admin = app(ADMIN, "views/oversikt.py", ar="2015")
    assert any("Gjelder alle IA-rådene (filtrene" in c.value for c in admin.caption)


def test_the_compiled_file_names_the_councils_it_covers(seeded):
    from ia_data.domain.access import secretariat
    from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules
    from ia_data.output.compiled import compiled_report
    from ia_data.output.compiled_facts import compiled_facts
    from ia_data.output.pdf import compiled_html

    url, ids = seeded
    scope = secretariat({ids["IA-rådet i Troms"]: "IA-rådet i Troms"})
    rules = load_rules(DEFAULT_RULES_FILE)
    engine = db.get_engine(url)
    for who, covers in ((scope, "IA-rådet i Troms"), (OPERATOR, "alle IA-rådene")):
        with Session(engine) as session:
            data = compiled_report(session, rules, 2015, date(2016, 6, 1), scope=who)
        summary = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
        assert summary["A3"].value == f"Gjelder {covers}."
    with Session(engine) as session:  # the PDF says it under its title
        facts = compiled_facts(session, rules, 2015, date(2016, 6, 1), scope=scope)
        html = compiled_html(
            session, rules, facts, date(2016, 6, 1), datetime(2016, 6, 1), scope=scope
        )
    assert "Én side per IA-råd følger etter oversikten. Gjelder IA-rådet i Troms.</p>" in html


def test_a_link_names_the_councils_it_may_not_open_and_keeps_the_rest():
    denied = {5: "IA-rådet i Oslo", 7: "IA-rådet i Troms"}
    found = read_ids("rad", "5,1,x,7", valid={1, 2}, denied=denied)
    assert found.value == [1]
    assert found.note == (
        "Ingen tilgang til IA-rådet i Oslo og IA-rådet i Troms: lenken gjelder et IA-råd "
        "utenfor rådene du har tilgang til, og er ikke brukt. Lenken hadde en ugyldig verdi "
        "for IA-råd («x»); den er ikke brukt."
    )
    assert read_ids("rad", "9", valid={1}, denied={}).note == (
        "Lenken hadde en ugyldig verdi for IA-råd («9»); den er ikke brukt."
    )


def test_om_uttrekket_rows_are_as_high_as_their_wrapped_lines():
    long = "IA-rådet i Troms, " * 20  # 360 characters: four lines of 110
    data = to_xlsx(
        [Table(columns=[Column("A")], rows=[["x"]])],
        [("Tittel", "Kort"), ("IA-råd", long), ("Kilde", "én\nto\ntre")],
    )
    about = openpyxl.load_workbook(io.BytesIO(data))["Om uttrekket"]
    assert wrapped_lines(long, 110) == 4
    assert about.row_dimensions[1].height is None  # one line: the sheet's own height
    assert about.row_dimensions[2].height == 4 * LINE_HEIGHT
    assert about.row_dimensions[3].height == 3 * LINE_HEIGHT
