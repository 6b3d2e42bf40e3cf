"""The Opplastinger page as AppTest runs it: every upload newest first with who, when,
period, active flag, counts and warnings; the filters; the original file; and restoring
an earlier version (with a confirmation step), which the overview then reflects."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from ia_data.demo import SAMPLE_DIR
from ia_data.domain.access import OPERATOR, Actor
from ia_data.domain.kinds import ImportStatus
from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules
from ia_data.reporting.overview import overview
from ia_data.reporting.uploads import upload_history
from ia_data.storage import db, store

pytestmark = pytest.mark.page  # a page test: SQLite only (conftest)

PROJECT = Path(__file__).resolve().parent.parent
SAMPLES = SAMPLE_DIR
TROMS_2015 = SAMPLES / "rapport_2015_Ar_ia-radet-i-troms.xlsx"
TROMS_2014_H1 = SAMPLES / "rapport_2014_H1_ia-radet-i-troms.xlsx"
OSLO_2015 = SAMPLES / "rapport_2015_Ar_ia-radet-i-oslo.xlsx"
PAGE = "views/opplastinger.py"
TROMS = 18  # council id in the sample register


@pytest.fixture
def url(database, monkeypatch):
    """A fresh database (sample register), on each engine, that the app uses through the env."""
    url = database(SAMPLES / "register.toml")
    monkeypatch.setenv("IA_DATABASE_URL", url)
    monkeypatch.setenv("IA_REGISTER_FILE", str(SAMPLES / "register.toml"))
    return url


def _history(engine):
    with Session(engine) as session:
        return upload_history(session, scope=OPERATOR)


def open_app(page: str = PAGE, **query) -> AppTest:
    at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(page)
    return at.run()


def second_version() -> bytes:
    """Troms 2015 with one activity's cost raised by 10 000 kr and its type unknown."""
    book = openpyxl.load_workbook(TROMS_2015)
    sheet = book["Aktiviteter"]
    sheet["G5"] = 21_000  # was 11 000
    sheet["C5"] = "Frokostseminar med quiz"  # an unknown type: stored as Annet, a warning
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def history(url):
    """Four uploads: Troms 2015 (replaced), Oslo 2015, Troms 2014 H1, Troms 2015 again."""
    engine = db.get_engine(url)
    for name, data, who in [
        ("troms-2015-v1.xlsx", TROMS_2015.read_bytes(), "Kari"),
        (OSLO_2015.name, OSLO_2015.read_bytes(), ""),
        (TROMS_2014_H1.name, TROMS_2014_H1.read_bytes(), ""),
        ("troms-2015-v2.xlsx", second_version(), "ola@nav.no"),
    ]:
        assert (
            store.import_file(engine, name, data, by=Actor(who), scope=OPERATOR).status
            == ImportStatus.STORED
        )
    return engine


def troms_2015_spent(url: str) -> int:
    with Session(db.get_engine(url)) as session:
        rows = overview(
            session, 2015, date(2016, 6, 1), load_rules(DEFAULT_RULES_FILE), [TROMS], scope=OPERATOR
        )
    return rows[0].spent_ore


def test_empty_state(url):
    at = open_app()
    assert not at.exception
    assert at.info[0].value.startswith("Ingen opplastinger ennå")
    assert len(at.dataframe) == 0


def test_every_upload_newest_first(history):
    at = open_app()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == [
        "Opplasting nr.", "Lastet opp", "Fil", "Innsendt av", "IA-råd", "Periode", "Aktiv",
        "Aktiviteter", "Møter", "Kostnad (kr)", "Advarsler", "Gjenopprettet",
        "Gjenopprettet av",
    ]  # fmt: skip
    assert table[["Opplasting nr.", "Fil", "Innsendt av", "Periode", "Aktiv"]].values.tolist() == [
        [4, "troms-2015-v2.xlsx", "ola@nav.no", "2015 År", "Ja"],
        [3, TROMS_2014_H1.name, "", "2014 H1", "Ja"],
        [2, OSLO_2015.name, "", "2015 År", "Ja"],
        [1, "troms-2015-v1.xlsx", "Kari", "2015 År", "Nei"],
    ]
    newest = table.iloc[0]
    assert (newest["IA-råd"], newest["Aktiviteter"], newest["Møter"]) == ("IA-rådet i Troms", 12, 3)
    assert newest["Kostnad (kr)"] == 365_620
    assert newest["Advarsler"] == 1
    assert {m.label: m.value for m in at.metric} == {
        "Opplastinger": "4",
        "Aktive versjoner": "3",
        "Tidligere versjoner": "1",
    }
    # The newest is picked; its warning and its original file are there.
    assert "Frokostseminar med quiz" in at.warning[0].value
    assert at.download_button(key="original_4").label == "Last ned originalfilen"
    assert "Dette er den aktive versjonen." in [c.value for c in at.caption]


def test_filter_by_council_and_period(history):
    at = open_app()
    at.multiselect(key="f_councils").select(TROMS).run()
    assert not at.exception
    assert list(at.dataframe[0].value["Opplasting nr."]) == [4, 3, 1]
    assert at.query_params["rad"] == str(TROMS)
    at.multiselect(key="f_periode").select("2015 År").run()
    assert list(at.dataframe[0].value["Opplasting nr."]) == [4, 1]
    at.multiselect(key="f_councils").unselect(TROMS).run()
    assert list(at.dataframe[0].value["Opplasting nr."]) == [4, 2, 1]
    # The filters live in the URL: a link opens the same list.
    at = open_app(periode="2014 H1")
    assert list(at.dataframe[0].value["Opplasting nr."]) == [3]


def test_restore_an_earlier_version_after_confirming(history, url):
    assert troms_2015_spent(url) == 36_562_000
    at = open_app("views/oversikt.py", ar="2015")  # caches the second version's figures
    assert at.dataframe[0].value.set_index("IA-råd").loc["Troms", "Brukt (kr)"] == (365_620)
    at.switch_page(PAGE).run()
    at.selectbox(key="history_pick").select(1).run()
    assert not at.exception
    assert at.button(key="restore_ask").label == "Gjenopprett denne versjonen …"
    at.button(key="restore_ask").click().run()
    warning = at.warning[0].value
    assert "Opplasting nr. 1 blir den aktive versjonen for IA-rådet i Troms, 2015 År" in warning
    assert "i stedet for opplasting nr. 4" in warning
    assert [u.active for u in _history(history)] == [True, True, True, False]  # not yet

    at.button(key="restore_confirm").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Opplasting nr. 1 er gjenopprettet som aktiv versjon")
    assert [(u.id, u.active) for u in _history(history)] == [
        (4, False),
        (3, True),
        (2, True),
        (1, True),
    ]
    assert list(at.dataframe[0].value["Aktiv"]) == ["Nei", "Ja", "Ja", "Ja"]
    assert troms_2015_spent(url) == 35_562_000

    at.switch_page("views/oversikt.py").run()
    table = at.dataframe[0].value.set_index("IA-råd")
    assert table.loc["Troms", "Brukt (kr)"] == 355_620


def test_cancelled_restore_changes_nothing(history):
    at = open_app()
    at.selectbox(key="history_pick").select(1).run()
    at.button(key="restore_ask").click().run()
    at.button(key="restore_cancel").click().run()
    assert not at.exception
    assert len(at.warning) == 0
    assert at.button(key="restore_ask").label == "Gjenopprett denne versjonen …"
    assert [u.active for u in _history(history)] == [True, True, True, False]
