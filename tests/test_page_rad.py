"""The Råd page as AppTest runs it: a council chosen by ``?rad=``, its reports with
status, the answers side by side, money and activity year by year, its activities and
meetings — and the links to it from Oversikt."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from sqlmodel import Session

from ia_data.domain.access import OPERATOR
from ia_data.output.charts import rows_of
from ia_data.reporting.activities import activity_list
from ia_data.storage import db
from ia_data.storage.register import councils
from ui.display import VIEWS


@pytest.fixture(scope="module")
def ids(seeded_url) -> dict[str, str]:
    with Session(db.get_engine(seeded_url)) as session:
        return {c.name: str(c.id) for c in councils(session)}


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_without_a_council_the_page_offers_them_all(app_on, seeded_url):
    at = app_on(seeded_url, page="views/rad.py")
    assert not at.exception
    assert at.selectbox(key="f_council").value is None
    assert "Velg et IA-råd" in at.info[0].value
    links = at.main.get("page_link")
    assert len(links) == 19  # every council in the register, Trøndelag (from 2018) too
    assert (links[0].proto.label, links[-1].proto.label) == ("Østfold", "Trøndelag")
    assert links[0].proto.page.endswith("rad")
    assert links[0].proto.query_string.startswith("rad=")


def test_back_and_forward_on_rad_show_the_council_the_address_holds(app_on, seeded_url, ids):
    """Råd's box follows the address like the other filters: Back to another council shows
    it, Back to Råd without a council shows none (not the one chosen after it)."""
    at = app_on(seeded_url, page="views/rad.py")
    at.selectbox(key="f_council").select(int(ids["IA-rådet i Troms"])).run()
    assert at.query_params["rad"] == str(ids["IA-rådet i Troms"])
    at.query_params["rad"] = str(ids["IA-rådet i Agder"])  # Forward to a link's council
    at.run()
    assert at.selectbox(key="f_council").value == int(ids["IA-rådet i Agder"])
    del at.query_params["rad"]  # Back to Råd as first opened
    at.run()
    assert at.selectbox(key="f_council").value is None
    assert "rad" not in at.query_params
    # That run stopped (no council to show): a council chosen next is shown all the same
    at.selectbox(key="f_council").select(int(ids["IA-rådet i Troms"])).run()
    assert [h.value for h in at.header][:1] == ["IA-rådet i Troms"]
    assert at.query_params["rad"] == str(ids["IA-rådet i Troms"])


def test_the_shared_agder_council(app_on, seeded_url, ids):
    at = app_on(seeded_url, page="views/rad.py", rad=ids["IA-rådet i Agder"], per="2030-01-01")
    assert not at.exception
    assert at.header[0].value == "IA-rådet i Agder"
    assert "Aust-Agder (09), Vest-Agder (10)" in at.markdown[0].value
    assert "NAV Arbeidslivssenter Agder" in at.markdown[0].value
    reports = at.dataframe[0].value.set_index("Periode")
    assert list(reports.index) == [
        "2012 H1", "2012 H2", "2013 H1", "2013 H2", "2014 H1", "2014 H2", "2015 År", "2016 År",
    ]  # fmt: skip
    assert set(reports["Status"]) == {
        "Levert i tide (oppgitt)", "Levert i tide (antatt frist) (oppgitt)"
    }  # fmt: skip
    assert reports.loc["2012 H1", "Status"] == "Levert i tide (oppgitt)"  # the 2012 letter
    assert reports["Leder"].str.len().min() > 0
    years = at.dataframe[1].value.set_index("År")
    assert (years.loc[2015, "Tildelt (kr)"], years.loc[2015, "Tildeling"]) == (600_000, "regel")
    # 2016: the 2015 letter decided the amounts for 2015 only; the same are assumed.
    assert (years.loc[2016, "Tildelt (kr)"], years.loc[2016, "Tildeling"]) == (
        600_000,
        "regel (antatt)",
    )
    assert years.loc[2014, "Tildeling"] == "vedtak"
    assert years.loc[2015, "Brukt (kr)"] == 529_931
    assert _metrics(at)["Rapporter levert"] == "8"


def test_a_late_report_and_the_as_of_date(app_on, seeded_url, ids):
    at = app_on(seeded_url, page="views/rad.py", rad=ids["IA-rådet i Troms"], per="2030-01-01")
    reports = at.dataframe[0].value.set_index("Periode")
    assert reports.loc["2012 H1", "Status"] == "Levert for sent (+13 dager) (oppgitt)"
    assert str(reports.loc["2012 H1", "Innsendt"]) == "2012-09-14"
    assert _metrics(at)["Levert for sent"] == "1"
    at = app_on(seeded_url, page="views/rad.py", rad=ids["IA-rådet i Troms"], per="2012-09-10")
    reports = at.dataframe[0].value.set_index("Periode")
    assert reports.loc["2012 H1", "Status"] == "Mangler"
    assert reports.loc["2012 H1", "Innsendt"] == ""
    assert reports.loc["2012 H2", "Status"] == "Ikke forfalt"


def test_a_council_outside_the_years_with_data(app_on, seeded_url, ids):
    at = app_on(seeded_url, page="views/rad.py", rad=ids["IA-rådet i Trøndelag"])
    assert not at.exception
    assert at.header[0].value == "IA-rådet i Trøndelag"
    assert "fantes 2018–, og dataene gjelder 2012–2016" in at.info[0].value
    assert len(at.dataframe) == 0


def test_missing_report_and_meetings(app_on, seeded_url, ids):
    at = app_on(seeded_url, page="views/rad.py", rad=ids["IA-rådet i Oslo"], per="2030-01-01")
    reports = at.dataframe[0].value.set_index("Periode")
    assert reports.loc["2016 År", "Status"] == "Mangler (antatt frist)"
    assert reports.loc["2016 År", "Leder"] == ""
    years = at.dataframe[1].value.set_index("År")
    assert years.loc[2016, "Møter"] == 0  # no report, no meetings on record
    at = app_on(seeded_url, page="views/rad.py", rad=ids["IA-rådet i Buskerud"])
    years = at.dataframe[1].value.set_index("År")
    assert years.loc[2013, "Møter"] == 1
    meetings = at.dataframe[-1].value
    assert (meetings["År"] == 2013).sum() == 1
    assert set(meetings["IA-råd"]) == {"IA-rådet i Buskerud"}


def test_answers_one_period_per_tab(app_on, seeded_url, ids):
    at = app_on(seeded_url, page="views/rad.py", rad=ids["IA-rådet i Hedmark"])
    assert _answer_tabs(at) == ["2014 H2", "2015 År", "2016 År"]  # the last three
    answers = at.table[0].value  # 2014 H2
    assert list(answers.columns) == ["Spørsmål", "Svar"]
    assert len(answers) == 5
    assert answers.iloc[0, 0].startswith("1. Hva har myndighetene og partene gjort sammen")
    assert "Seniortiltakene er utsatt til 2015" in answers.iloc[2, 1]
    at.multiselect(key="answer_periods").set_value(["2012 H1", "2016 År"]).run()
    assert _answer_tabs(at) == ["2012 H1", "2016 År"]


def _answer_tabs(at) -> list[str]:
    """The answers' tabs (the sections' «Tabell» and «Figur» left out)."""
    return [t.label for t in at.tabs if t.label not in VIEWS]


def test_the_figures_are_drawn_when_their_tab_is_opened(app_on, seeded_url, ids):
    """Money year by year and sickness absence each have a «Tabell» tab (chosen) and a
    «Figur» tab: the page draws no chart until a visitor opens a figure (a chart's script
    held the page's first table back), and the figure draws the table's figures."""
    at = app_on(seeded_url, page="views/rad.py", rad=ids["IA-rådet i Agder"], per="2030-01-01")
    assert [t.label for t in at.tabs][-4:] == ["Tabell", "Figur", "Tabell", "Figur"]
    assert len(at.get("vega_lite_chart")) == 0
    years = at.dataframe[1].value.set_index("År")
    at.session_state["rad_years_view"] = "Figur"
    at.run()
    (money,) = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    bars = {(r["name"], r["pair"]): r["kr"] for r in rows_of(money)}
    assert bars[("2015", "Tildelt")] == years.loc[2015, "Tildelt (kr)"] == 600_000
    assert bars[("2015", "Brukt")] == years.loc[2015, "Brukt (kr)"] == 529_931
    titles = [m.value.replace("\\", "") for m in at.markdown]
    assert "**Tildelt og brukt per år (rødt og ⚠: brukt mer enn tildelt)**" in titles
    assert at.dataframe[1].value.equals(years.reset_index())  # the table is still there
    at.session_state["rad_sickness_view"] = "Figur"
    at.run()
    sickness = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")][1]
    points = {(r["series"], r["year"]): r["percent"] for r in rows_of(sickness)}
    assert (points[("Aust-Agder", 2012)], points[("Vest-Agder", 2012)]) == (5.9, 5.8)
    assert points[("Hele landet", 2012)] == 5.7
    at.session_state["rad_years_view"] = "Tabell"
    at.run()
    assert len(at.get("vega_lite_chart")) == 1  # the money figure closed, sickness open


def test_activities_list_and_exports(app_on, seeded_url, ids):
    at = app_on(seeded_url, page="views/rad.py", rad=ids["IA-rådet i Nordland"])
    assert not at.exception
    activities = at.dataframe[3].value  # after the answers, the years, the sickness table
    assert set(activities["IA-råd"]) == {"IA-rådet i Nordland"}
    assert sorted(set(activities["År"])) == [2012, 2013, 2014, 2015, 2016]
    years = at.dataframe[1].value.set_index("År")
    assert years.loc[2015, "Gjenstår (kr)"] == -37_250
    spent_2015 = activities[activities["År"] == 2015]["Kostnad (kr)"].sum()
    assert round(spent_2015, 2) == 437_250
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Last ned CSV", "Last ned Excel (XLSX)"] * 6


def test_a_long_activity_list_shows_the_newest_and_its_download_takes_them_all(
    app_on, seeded_url, ids, monkeypatch
):
    """More activities than a page lists (``LIST_LIMIT``, made small here): the newest are
    shown, in date order, a caption says how many of how many, and the download builds the
    whole list when it is asked for."""
    import ui.display

    made = {}
    monkeypatch.setattr(ui.display, "LIST_LIMIT", 25)
    monkeypatch.setattr(
        ui.display, "download_pair", lambda make, stem, key: made.update({stem: make})
    )
    at = app_on(seeded_url, page="views/rad.py", rad=ids["IA-rådet i Nordland"])
    assert not at.exception
    activities = at.dataframe[3].value
    assert len(activities) == 25
    nordland = int(ids["IA-rådet i Nordland"])
    with Session(db.get_engine(seeded_url)) as session:
        everything, total = activity_list(session, council_ids=[nordland], scope=OPERATOR)
    newest = sorted(everything, key=lambda a: (a.date, a.id))[-25:]
    shown = [d.date() for d in pd.to_datetime(activities["Dato"])]
    assert shown == [a.date for a in everything if a in newest]  # in date order
    assert 2016 in set(activities["År"]) and total > 25
    import ui.data  # the click, outside the page's run: as the operator (scope aside here)

    monkeypatch.setattr(ui.data, "scope", lambda: OPERATOR)
    whole = made[f"ia-rad-{nordland}-aktiviteter"]("csv").decode("utf-8-sig")
    assert len(whole.strip().splitlines()) == 1 + total  # a header, then every activity
    caption = (
        f"Viser de 25 nyeste av de {total} aktivitetene rådet har registrert (også avlyste); "
        "nedlastingen tar med alle."
    )
    assert caption in [c.value for c in at.caption]


def test_oversikt_links_to_each_council_and_offers_the_compiled_report(app_on, seeded_url, ids):
    at = app_on(seeded_url, ar="2015")
    assert not at.exception
    links = {link.proto.label: link.proto.query_string for link in at.main.get("page_link")}
    assert links.pop("Alle avvik 2015") == "ar=2015"  # the page «Avvik» for the year
    assert len(links) == 18
    assert links["Agder"] == f"rad={ids['IA-rådet i Agder']}"
    # The overview table keeps exactly the export's columns.
    assert at.dataframe[0].value.columns[0] == "IA-råd"
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[-2:] == [
        "Last ned samlet rapport 2015 (XLSX)",
        "Last ned samlet rapport 2015 (PDF)",
    ]
