"""The Økonomi page as AppTest runs it: allocated (decision or rule) against spent per
council, overspending, spending by activity type, the trend, and the decisions —
including an uploaded allocation that overrides the rule."""

from __future__ import annotations

from datetime import date

import openpyxl

from ia_data.demo import SAMPLE_DIR
from ia_data.domain.access import OPERATOR
from ia_data.storage.store import import_file
from tests.test_reports import allocation_workbook


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _money(at):
    return at.dataframe[0].value.set_index("IA-råd")


def test_empty_database_explains_how_to_get_data_in(app_on, tmp_path):
    at = app_on(f"sqlite:///{tmp_path / 'empty.db'}", page="views/okonomi.py")
    assert not at.exception
    assert "Last opp" in at.info[0].value


def test_rule_amounts_and_overspending_in_2015(app_on, seeded_url):
    at = app_on(seeded_url, page="views/okonomi.py", ar="2015")
    assert not at.exception
    m = _metrics(at)
    assert m["Tildelt"] == "7\xa0400\xa0000 kr"  # 17 × 400 000 + Agder's 600 000
    assert m["Overforbruk"] == "1"
    assert m["Tildeling vedtak / regel"] == "0 / 18"
    money = _money(at)
    agder = money.loc["IA-rådet i Agder"]
    assert (agder["Fylker"], agder["Tildelt (kr)"], agder["Tildeling"]) == (
        "Aust-Agder, Vest-Agder",
        600_000,
        "regel",
    )
    assert agder["Vedtaksdato"] == ""  # a rule has no decision date
    nordland = money.loc["IA-rådet i Nordland"]
    assert (nordland["Brukt (kr)"], nordland["Gjenstår (kr)"], nordland["Overforbruk"]) == (
        437_250,
        -37_250,
        "Ja",
    )
    assert round(nordland["Forbruk (%)"], 1) == 109.3
    assert (money["Overforbruk"] == "Ja").sum() == 1
    assert "600 000 kr for råd som dekker to fylker" in at.caption[1].value


def test_decisions_in_2012_come_from_the_workbook(app_on, seeded_url):
    book = openpyxl.load_workbook(SAMPLE_DIR / "tildelinger_2012-2014.xlsx")
    decided = {
        row[0]: row[2]
        for row in book["Tildelinger"].iter_rows(min_row=4, values_only=True)
        if row[0] and row[1] == 2012
    }
    at = app_on(seeded_url, page="views/okonomi.py", ar="2012")
    assert not at.exception
    money = _money(at)
    assert money["Tildelt (kr)"].to_dict() == decided
    assert set(money["Tildeling"]) == {"vedtak"}
    assert set(money["Vedtaksdato"]) == {date(2012, 2, 15)}
    assert _metrics(at)["Tildelt"] == "10\xa0000\xa0000 kr"


def test_spend_by_type_adds_up_and_the_trend_covers_every_year(app_on, seeded_url):
    at = app_on(seeded_url, page="views/okonomi.py", ar="2015")
    money = _money(at)
    by_type = at.dataframe[1].value.set_index("IA-råd")
    assert by_type.columns[-1] == "Sum (kr)"
    assert "Konferanse (kr)" in by_type.columns
    for name, spent in money["Brukt (kr)"].items():
        assert round(by_type.loc[name, "Sum (kr)"], 2) == round(spent, 2)
    assert round(by_type.loc["Alle IA-råd", "Sum (kr)"], 2) == round(money["Brukt (kr)"].sum(), 2)
    trend = at.dataframe[2].value.set_index("År")
    assert list(trend.index) == [2012, 2013, 2014, 2015, 2016]
    assert trend.loc[2012, "Tildelt (kr)"] == 10_000_000
    assert trend.loc[2015, "Tildelt (kr)"] == 7_400_000
    assert trend.loc[2015, "Råd med overforbruk"] == 1
    every_year = at.dataframe[3].value
    assert len(every_year) == 18 * 5
    decisions = at.dataframe[4].value
    assert len(decisions) == 18 * 3 and set(decisions["Aktiv"]) == {"Ja"}
    assert len(at.get("download_button")) == 2 * 5
    assert len(at.get("vega_lite_chart")) == 4


def test_an_uploaded_allocation_overrides_the_rule(app_on, sample_db):
    report = (SAMPLE_DIR / "rapport_2015_Ar_ia-radet-i-agder.xlsx").read_bytes()
    assert import_file(sample_db, "agder-2015.xlsx", report, scope=OPERATOR).status == "lagret"
    decision = allocation_workbook([("IA-rådet i Agder", 2015, 650000, date(2015, 3, 2), "")])
    assert (
        import_file(sample_db, "tildeling-2015.xlsx", decision, scope=OPERATOR).status == "lagret"
    )
    at = app_on(str(sample_db.url), page="views/okonomi.py", ar="2015")
    assert not at.exception
    money = _money(at)
    agder = money.loc["IA-rådet i Agder"]
    assert (agder["Tildelt (kr)"], agder["Tildeling"], str(agder["Vedtaksdato"])) == (
        650_000,
        "vedtak",
        "2015-03-02",
    )
    assert agder["Gjenstår (kr)"] == 650_000 - 529_931
    assert money.loc["IA-rådet i Troms", "Tildeling"] == "regel"  # no decision: the rule
    assert _metrics(at)["Tildeling vedtak / regel"] == "1 / 17"
    decisions = at.dataframe[-1].value
    assert decisions[["IA-råd", "År", "Beløp (kr)", "Fil"]].values.tolist() == [
        ["IA-rådet i Agder", 2015, 650_000, "tildeling-2015.xlsx"]
    ]


def test_no_decisions_yet(app_on, sample_db):
    report = (SAMPLE_DIR / "rapport_2015_Ar_ia-radet-i-troms.xlsx").read_bytes()
    assert import_file(sample_db, "troms-2015.xlsx", report, scope=OPERATOR).status == "lagret"
    at = app_on(str(sample_db.url), page="views/okonomi.py")
    assert not at.exception
    assert "Ingen tildelingsvedtak er lastet opp ennå." in [i.value for i in at.info]
