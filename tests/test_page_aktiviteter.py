"""The Aktiviteter page as AppTest runs it: the sub-goal gap, the breakdowns per
sub-goal, type and sector, and the searchable activity list with filters in the URL."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from ia_data.domain.access import OPERATOR
from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules
from ia_data.reporting.overview import overview
from ia_data.storage import db


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _tables(at) -> dict[str, object]:
    """The page's tables by their first column: Delmål per råd, the three breakdowns, the
    activity list."""
    frames = [d.value for d in at.dataframe]
    return {
        "coverage": frames[0],
        "goal": frames[1],
        "type": frames[2],
        "sector": frames[3],
        "list": frames[4] if len(frames) > 4 else None,
    }


def test_empty_database_explains_how_to_get_data_in(app_on, tmp_path):
    at = app_on(f"sqlite:///{tmp_path / 'empty.db'}", page="views/aktiviteter.py")
    assert not at.exception
    assert "Last opp" in at.info[0].value


def test_the_council_without_sub_goal_3_is_named(app_on, seeded_url):
    at = app_on(seeded_url, page="views/aktiviteter.py", ar="2014")
    assert not at.exception
    assert "IA-rådet i Hedmark** har ingen aktivitet på delmål 3 i 2014" in at.warning[0].value
    coverage = _tables(at)["coverage"].set_index("IA-råd")
    hedmark = coverage.loc["IA-rådet i Hedmark"]
    assert (hedmark["Delmål 3"], hedmark["Alle delmål dekket"], hedmark["Mangler delmål"]) == (
        0,
        "Nei",
        "3",
    )
    assert (coverage["Alle delmål dekket"] == "Ja").sum() == 17


def test_figures_agree_with_the_overview(app_on, seeded_url):
    at = app_on(seeded_url, page="views/aktiviteter.py", ar="2015")
    assert not at.exception
    with Session(db.get_engine(seeded_url)) as session:
        rows = overview(
            session, 2015, date(2030, 1, 1), load_rules(DEFAULT_RULES_FILE), scope=OPERATOR
        )
    m = _metrics(at)
    assert m["Aktiviteter"] == str(sum(r.activities for r in rows))
    for k in (1, 2, 3):
        assert m[f"Delmål {k}"] == str(sum(r.goals[k] for r in rows))
    assert "Alle IA-rådene har aktiviteter på alle tre delmål i 2015." in at.success[0].value
    tables = _tables(at)
    goal = tables["goal"].set_index("Delmål")
    assert goal.loc["Delmål 2", "Aktiviteter"] == sum(r.goals[2] for r in rows)
    by_type = tables["type"]
    assert by_type["Aktiviteter"].sum() == sum(r.activities for r in rows)
    assert round(by_type["Brukt (kr)"].sum() * 100) == sum(r.spent_ore for r in rows)
    assert list(by_type["Type"])[:3] == ["Konferanse", "Seminar", "Kurs"]
    sector = tables["sector"]
    assert sector["Aktiviteter"].sum() == sum(r.activities for r in rows)
    activities = tables["list"]
    cancelled = (activities["Status"] == "Avlyst").sum()
    assert len(activities) == sum(r.activities for r in rows) + cancelled
    assert m["Avlyst"] == str(cancelled)
    assert at.caption[-1].value == f"{len(activities)} aktiviteter" or any(
        c.value == f"{len(activities)} aktiviteter" for c in at.caption
    )


def test_the_list_shows_where_each_activity_came_from(app_on, seeded_url):
    at = app_on(seeded_url, page="views/aktiviteter.py", ar="2015", rad="18")
    activities = _tables(at)["list"]
    assert set(activities["IA-råd"]) == {"IA-rådet i Troms"}
    assert set(activities["Fil"]) == {"rapport_2015_Ar_ia-radet-i-troms.xlsx"}
    assert activities["Opplasting nr."].nunique() == 1
    assert list(activities.columns[:8]) == [
        "IA-råd", "Dato", "Aktivitet", "Type", "Delmål", "Bransje/sektor", "Deltakere",
        "Kostnad (kr)",
    ]  # fmt: skip


def test_search_type_status_and_sub_goal_filters_live_in_the_url(app_on, seeded_url):
    at = app_on(
        seeded_url, page="views/aktiviteter.py", ar="2015", sok="LIVSFASE", delmal="3", type="Kurs"
    )
    assert not at.exception
    activities = _tables(at)["list"]
    assert len(activities) > 0
    assert all("livsfase" in t.lower() for t in activities["Aktivitet"])
    assert set(activities["Type"]) == {"Kurs"}
    assert all("3" in goals for goals in activities["Delmål"])
    at.multiselect(key="f_status").select("Avlyst").run()
    assert at.query_params["status"] == "Avlyst"
    at.text_input(key="f_search").input("finnes ikke").run()
    assert not at.exception
    assert dict(at.query_params)["sok"] == "finnes ikke"
    assert "Ingen aktiviteter passer med søket og filtrene." in [i.value for i in at.info]


def test_every_table_has_both_exports(app_on, seeded_url):
    at = app_on(seeded_url, page="views/aktiviteter.py", ar="2013")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Last ned CSV", "Last ned Excel (XLSX)"] * 5
    assert len(at.get("vega_lite_chart")) == 3  # by type, by sector, sickness against delmål 1


def test_a_long_list_shows_its_first_activities_and_its_download_takes_them_all(
    app_on, seeded_url, monkeypatch
):
    """More activities than a page lists (``LIST_LIMIT``, made small here): the first are
    shown, a caption says how many of how many, and the download builds the whole list
    (with every report of the year named) when it is asked for."""
    import ui.data
    import ui.display
    from ia_data.reporting.activities import activity_list

    made = {}
    monkeypatch.setattr(ui.display, "LIST_LIMIT", 25)
    monkeypatch.setattr(
        ui.display, "download_pair", lambda make, stem, key: made.update({stem: make})
    )
    at = app_on(seeded_url, page="views/aktiviteter.py", ar="2015")
    assert not at.exception
    with Session(db.get_engine(seeded_url)) as session:
        everything, total = activity_list(session, 2015, scope=OPERATOR)
    shown = _tables(at)["list"]
    assert list(shown["Aktivitet"]) == [a.title for a in everything[:25]]
    assert total > 25
    caption = (
        f"Viser de første 25 av {total} aktiviteter. Søk, eller velg type eller status, for å "
        "finne de andre; nedlastingen tar med alle."
    )
    assert caption in [c.value for c in at.caption]
    monkeypatch.setattr(ui.data, "scope", lambda: OPERATOR)  # the click, outside the run
    whole = made["ia-aktiviteter-2015"]("csv").decode("utf-8-sig")
    assert len(whole.strip().splitlines()) == 1 + total  # a header, then every activity
