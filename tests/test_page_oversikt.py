"""The Oversikt page as AppTest runs it: the figures a reader checks, the filters in the
URL, the empty state, and the flags."""

from __future__ import annotations

from datetime import UTC, date, datetime

from conftest import SAMPLE_REGISTER

from ia_data.demo import SAMPLE_DIR
from ia_data.domain import formatting as fmt
from ia_data.domain.access import OPERATOR
from ia_data.storage import db
from ia_data.storage.store import import_file


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _table(at):
    return at.dataframe[0].value.set_index("IA-råd")


def test_empty_database_explains_how_to_get_data_in(app_on, tmp_path):
    at = app_on(f"sqlite:///{tmp_path / 'empty.db'}")
    assert not at.exception
    assert len(at.dataframe) == 0
    assert "Last opp" in at.info[0].value
    assert "ia-data seed" in at.info[0].value


def test_defaults_to_the_latest_year_with_data(app_on, seeded_url):
    at = app_on(seeded_url)
    assert not at.exception
    assert at.selectbox(key="f_year").value == 2016
    assert at.date_input(key="f_as_of").value == fmt.today()
    assert len(_table(at)) == 18


def test_headline_figures_for_2015(app_on, seeded_url):
    at = app_on(seeded_url, ar="2015", per="2016-06-01")
    assert not at.exception
    m = _metrics(at)
    assert m["IA-råd"] == "18"
    assert m["Tildelt"] == "7\xa0400\xa0000 kr"  # 17 × 400 000 + Agder's 600 000
    assert m["Overforbruk"] == "1"  # Nordland
    assert m["Levert i tide"] == "17"
    assert m["Levert for sent"] == "1"  # Vestfold, 21 days
    assert m["Mangler"] == "0"
    assert m["Uten alle tre delmål"] == "0"


def test_table_values_for_2015(app_on, seeded_url):
    at = app_on(seeded_url, ar="2015", per="2016-06-01", vis="alle")
    table = _table(at)
    nordland = table.loc["IA-rådet i Nordland"]
    assert (nordland["Tildelt (kr)"], nordland["Brukt (kr)"], nordland["Gjenstår (kr)"]) == (
        400_000,
        437_250,
        -37_250,
    )
    assert round(nordland["Forbruk (%)"], 1) == 109.3
    agder = table.loc["IA-rådet i Agder"]
    assert (agder["Fylker"], agder["Tildelt (kr)"], agder["Tildeling"]) == (
        "Aust-Agder, Vest-Agder",
        600_000,
        "regel",
    )
    assert table.loc["IA-rådet i Vestfold"]["Status År"] == (
        "Levert for sent (+21 dager) (antatt frist) (oppgitt)"  # no date in the 2015 letter;
        # the demo's reports are historical: their receipt is the «Innsendt» they give
    )
    assert table.loc["IA-rådet i Rogaland"]["Møter"] == 5


def test_the_compact_view_fits_the_figures_of_the_full_one(app_on, seeded_url):
    # The default view: short names, no Fylker/Tildeling/Gjenstår/dates, the same figures;
    # an assumed due date (2015) marked once in the status column's header.
    at = app_on(seeded_url, ar="2015", per="2016-06-01")
    assert at.get("button_group")[0].value == "kompakt"
    table = _table(at)
    assert list(table.columns) == [
        "Forbruk (%)", "Tildelt (kr)", "Brukt (kr)", "Aktiviteter", "Delmål 1", "Delmål 2",
        "Delmål 3", "Møter", "Handlingsplan", "Tiltak gjennomført",
        "Status År (antatt frist)", "Gjennomgang År",
    ]  # fmt: skip
    nordland = table.loc["Nordland"]
    assert (nordland["Tildelt (kr)"], nordland["Brukt (kr)"]) == (400_000, 437_250)
    assert round(nordland["Forbruk (%)"], 1) == 109.3
    assert table.loc["Vestfold"]["Status År (antatt frist)"] == (
        "Levert for sent (+21 dager) (oppgitt)"
    )
    assert table.loc["Rogaland"]["Møter"] == 5
    # Where each report stands, beside its status: the demo's reports of 2015 were
    # approved before the route existed (its 2016 shows the route).
    assert set(table["Gjennomgang År"]) == {"Godkjent (godkjent før gjennomgang ble innført)"}
    assert "vis" not in at.query_params
    # «Alle kolonner» is kept in the URL, and shows every column.
    at.get("button_group")[0].set_value("alle").run()
    assert at.query_params["vis"] == "alle"
    assert "Gjenstår (kr)" in _table(at).columns


def test_as_of_date_changes_the_status(app_on, seeded_url):
    # On 15 Aug 2012 the H1 reports not yet sent (due 1 Sep) fall due soon; Troms sent
    # its report on 14 Sep, so as of that day it is not sent.
    at = app_on(seeded_url, ar="2012", per="2012-08-15", vis="alle")
    table = _table(at)
    assert table.loc["IA-rådet i Troms"]["Status H1"] == "Forfaller snart"
    assert table.loc["IA-rådet i Troms"]["Innsendt H1"] is None
    assert set(table["Status H1"]) == {"Forfaller snart", "Levert i tide (oppgitt)"}
    assert set(table["Status H2"]) == {"Ikke forfalt"}
    soon = (table["Status H1"] == "Forfaller snart").sum()
    assert _metrics(at)["Forfaller snart"] == str(soon)
    # After the due date, Troms (sent 14 Sep) is late; Telemark H2 2012 never came.
    at = app_on(seeded_url, ar="2012", per="2013-06-01", vis="alle")
    table = _table(at)
    assert table.loc["IA-rådet i Troms"]["Status H1"] == "Levert for sent (+13 dager) (oppgitt)"
    assert table.loc["IA-rådet i Telemark"]["Status H2"] == "Mangler"


def test_url_parameters_set_every_filter(app_on, seeded_url):
    at = app_on(seeded_url, ar="2014", per="2015-01-10", delmal="3", rad="4,9", vis="alle")
    assert not at.exception
    assert at.selectbox(key="f_year").value == 2014
    assert at.date_input(key="f_as_of").value == date(2015, 1, 10)
    assert at.selectbox(key="f_goal").value == 3
    table = _table(at)
    assert list(table.index) == ["IA-rådet i Hedmark", "IA-rådet i Agder"]
    # Hedmark did nothing on delmål 3 in 2014: with the filter nothing is counted.
    assert (
        table.loc["IA-rådet i Hedmark"]["Aktiviteter"],
        table.loc["IA-rådet i Hedmark"]["Brukt (kr)"],
    ) == (0, 0)
    assert table.loc["IA-rådet i Hedmark"]["Alle delmål dekket"] == "Nei"


def test_changing_a_filter_writes_the_url(app_on, seeded_url):
    at = app_on(seeded_url)
    at.selectbox(key="f_year").select(2013).run()
    at.selectbox(key="f_goal").select(2).run()
    assert dict(at.query_params) == {"ar": "2013", "delmal": "2"}


def test_an_address_changed_from_outside_wins_over_the_remembered_filters(app_on, seeded_url):
    """Back or Forward (the address changed between runs, not by the page's widgets) shows
    what the address says, as a link opened anew does — a value changed, or gone; a widget
    changed afterwards still wins over the address it came from."""
    at = app_on(seeded_url, ar="2015", delmal="2")
    assert (at.selectbox(key="f_year").value, at.selectbox(key="f_goal").value) == (2015, 2)
    at.query_params["ar"] = "2013"  # Back to an address of the same session
    at.query_params["delmal"] = "3"
    at.run()
    assert (at.selectbox(key="f_year").value, at.selectbox(key="f_goal").value) == (2013, 3)
    assert dict(at.query_params) == {"ar": "2013", "delmal": "3"}
    anew = app_on(seeded_url, ar="2013", delmal="3")  # the same address in a new session
    assert _metrics(at) == _metrics(anew) and _metrics(at) != _metrics(
        app_on(seeded_url, ar="2015")
    )
    assert _table(at).equals(_table(anew))
    at.selectbox(key="f_year").select(2014).run()
    assert at.selectbox(key="f_year").value == 2014
    assert dict(at.query_params) == {"ar": "2014", "delmal": "3"}
    # Back to an address of this page without the sub-goal: all sub-goals again.
    del at.query_params["delmal"]
    at.run()
    assert (at.selectbox(key="f_year").value, at.selectbox(key="f_goal").value) == (2014, 0)
    assert dict(at.query_params) == {"ar": "2014"}


def test_page_has_both_exports_and_three_charts(app_on, seeded_url):
    at = app_on(seeded_url, ar="2015")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [
        "Last ned CSV",
        "Last ned Excel (XLSX)",
        "Last ned samlet rapport 2015 (XLSX)",
        "Last ned samlet rapport 2015 (PDF)",
    ]
    assert len(at.get("vega_lite_chart")) == 3


def test_a_given_receipt_is_marked_in_the_status_and_a_stamped_one_is_not(app_on, sqlite_database):
    """A status judged by the «Innsendt» a report gives (a historical load, or a report from
    before the app stamped receipts) says so in its cell, «(oppgitt)», with the legend; one
    judged by the receipt the app stamped does not."""
    url = sqlite_database(SAMPLE_REGISTER)
    engine = db.get_engine(url)
    for council, historical in (("troms", True), ("nordland", False)):
        path = SAMPLE_DIR / f"rapport_2015_Ar_ia-radet-i-{council}.xlsx"
        result = import_file(
            engine, path.name, path.read_bytes(), scope=OPERATOR, historical=historical,
            now=datetime(2016, 2, 15, 12, tzinfo=UTC),
        )  # fmt: skip
        assert result.status == "lagret"
    at = app_on(url, ar="2015", per="2016-06-01", vis="alle")
    table = _table(at)
    assert table.loc["IA-rådet i Troms"]["Status År"] == "Levert i tide (antatt frist) (oppgitt)"
    assert table.loc["IA-rådet i Nordland"]["Status År"] == "Levert i tide (antatt frist)"
    legend = [c.value for c in at.caption if c.value.startswith("**«(oppgitt)»:**")]
    assert legend and "oppgitt, ikke registrert av appen" in legend[0]
