"""The Frister page as AppTest runs it: every council × period across the years with its
status as of a date, the missing list, the deadlines falling due, and the filters in the
URL."""

from __future__ import annotations

from ia_data.demo.sample import SITUATIONS


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _matrix(at):
    return at.dataframe[0].value.set_index("IA-råd")


def test_empty_database_explains_how_to_get_data_in(app_on, tmp_path):
    at = app_on(f"sqlite:///{tmp_path / 'empty.db'}", page="views/frister.py")
    assert not at.exception
    assert len(at.dataframe) == 0
    assert "Last opp" in at.info[0].value and "ia-data seed" in at.info[0].value


def test_matrix_has_the_periods_of_each_year(app_on, seeded_url):
    at = app_on(seeded_url, page="views/frister.py", per="2030-01-01")
    assert not at.exception
    matrix = _matrix(at)
    assert list(matrix.columns) == [  # the newest first
        "Status 2016 År", "Status 2015 År", "Status 2014 H2", "Status 2014 H1",
        "Status 2013 H2", "Status 2013 H1", "Status 2012 H2", "Status 2012 H1",
    ]  # fmt: skip
    assert len(matrix) == 18
    assert matrix.loc["IA-rådet i Troms", "Status 2012 H1"] == "Levert for sent (+13 dager)"
    assert matrix.loc["IA-rådet i Vestfold", "Status 2015 År"] == "Levert for sent (+21 dager)"
    assert matrix.loc["IA-rådet i Nord-Trøndelag", "Status 2016 År"] == "Levert for sent (+1 dag)"
    for case in SITUATIONS["missing"]:
        assert matrix.loc[case["council"], f"Status {case['year']} {case['period']}"] == "Mangler"
    m = _metrics(at)
    assert (m["Rapporter (råd × periode)"], m["Levert for sent"], m["Mangler"]) == ("144", "6", "4")
    assert m["Levert i tide"] == str(144 - 6 - 4)


def test_missing_list_and_details_as_of_a_date(app_on, seeded_url):
    at = app_on(seeded_url, page="views/frister.py", per="2016-06-01")
    assert not at.exception
    missing = at.dataframe[1].value
    assert list(missing.columns) == ["IA-råd", "År", "Periode", "Frist", "Dager over frist"]
    assert list(missing["IA-råd"]) == [
        "IA-rådet i Telemark",
        "IA-rådet i Finnmark",
        "IA-rådet i Sogn og Fjordane",
    ]  # Oslo 2016 is not due yet on 1 June 2016
    assert list(missing["Dager over frist"]) == [1188, 823, 639]
    details = at.dataframe[-1].value
    troms = details[(details["IA-råd"] == "IA-rådet i Troms") & (details["År"] == 2012)]
    first = troms.iloc[0]
    assert (first["Periode"], first["Status"], first["Dager over frist"]) == (
        "H1",
        "Levert for sent (+13 dager)",
        13,
    )
    assert (str(first["Frist"]), str(first["Innsendt"])) == ("2012-09-01", "2012-09-14")
    # 2015–2016 (no date in the 2015 letter) and 2013–2014 (the 2012 letter covers 2012)
    assert details["Frist antatt"].tolist().count("Ja") == (2 + 4) * 18
    # Nothing falls due in the 30 days after 1 June 2016, and the page says so.
    assert "Ingen rapporter har frist mellom 01.06.2016 og 01.07.2016." in at.info[0].value


def test_a_report_sent_after_the_as_of_date_is_not_sent_yet(app_on, seeded_url):
    at = app_on(seeded_url, page="views/frister.py", per="2012-09-10", til="2012")
    assert not at.exception
    matrix = _matrix(at)
    assert list(matrix.columns) == ["Status 2012 H2", "Status 2012 H1"]
    assert matrix.loc["IA-rådet i Troms", "Status 2012 H1"] == "Mangler"
    assert at.dataframe[1].value["IA-råd"].tolist() == ["IA-rådet i Troms"]


def test_falling_due_in_the_next_30_days(app_on, seeded_url):
    at = app_on(seeded_url, page="views/frister.py", per="2016-02-15", fra="2015", til="2015")
    assert not at.exception
    assert list(_matrix(at).columns) == ["Status 2015 År"]
    due = at.dataframe[-2].value
    assert len(due) == 18
    assert set(due["Dager til frist"]) == {15}
    assert set(due["Status"]) == {"Forfaller snart", "Levert i tide"}
    soon = (due["Status"] == "Forfaller snart").sum()
    assert _metrics(at)["Forfaller snart"] == str(soon)
    assert "Ingen rapporter mangler per 15.02.2016." in at.success[0].value


def test_filters_live_in_the_url(app_on, seeded_url):
    at = app_on(seeded_url, page="views/frister.py", per="2016-06-01", rad="9")
    assert list(_matrix(at).index) == ["IA-rådet i Agder"]
    at.selectbox(key="f_from").select(2014).run()
    at.selectbox(key="f_to").select(2015).run()
    assert not at.exception
    assert dict(at.query_params) == {"per": "2016-06-01", "rad": "9", "fra": "2014", "til": "2015"}
    assert list(_matrix(at).columns) == ["Status 2015 År", "Status 2014 H2", "Status 2014 H1"]


def test_every_table_has_both_exports_and_the_chart_shows(app_on, seeded_url):
    at = app_on(seeded_url, page="views/frister.py", per="2016-02-15")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Last ned CSV", "Last ned Excel (XLSX)"] * 4  # matrix, 2 lists, details
    assert len(at.dataframe) == 4
    assert len(at.get("vega_lite_chart")) == 1


def test_today_lies_after_the_data_and_the_page_says_so(app_on, seeded_url):
    at = app_on(seeded_url, page="views/frister.py")  # as of today, years after the data
    assert not at.exception
    assert "velg en tidligere statusdato" in at.info[0].value
    assert "Dataene gjelder 2012–2016" in at.info[0].value
    assert _metrics(at)["Mangler"] == "4"
