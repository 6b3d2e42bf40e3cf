"""The page «Avvik» and Oversikt's tiles as AppTest runs them (SQLite): the councils per kind
a person finds by hand (``test_deviations.EXPECTED``) for 2012 H1, 2012 and 2015 on the
page, in its list and in Oversikt's tiles; the links to Råd for the year; Råd opened by
such a link."""

from __future__ import annotations

import pytest
from conftest import SAMPLE_REGISTER
from test_deviations import CASES, expected

from ia_data.demo import SAMPLE_DIR
from ia_data.domain.kinds import DeviationKind as K
from ia_data.storage import db, history

pytestmark = pytest.mark.page

AS_OF = "2016-06-01"


def _metrics(at) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.help or "") for m in at.metric}


def _full(names: list[str]) -> str:
    return ", ".join(f"IA-rådet i {n}" for n in names)


@pytest.mark.parametrize("year, period", CASES)
def test_the_page_counts_and_lists_the_councils_of_each_kind(
    app_on, seeded_sqlite_url, year, period
):
    query = {"ar": str(year), "per": AS_OF, **({"periode": period} if period else {})}
    at = app_on(seeded_sqlite_url, "views/avvik.py", **query)
    assert not at.exception
    shown = _metrics(at)
    for kind, names in expected(year, period).items():
        assert shown[str(kind)] == (str(len(names)), f"Antall IA-råd: {_full(names) or 'ingen'}")
    listed = at.dataframe[0].value
    want = sorted(
        (f"IA-rådet i {name}", str(kind))
        for kind, names in expected(year, period).items()
        for name in names
    )
    assert sorted(zip(listed["IA-råd"], listed["Avvik"], strict=True)) == want
    links = [(x.proto.label, x.proto.query_string) for x in at.get("page_link")]
    for name in {n for names in expected(year, period).values() for n in names}:
        council = next(q for label, q in links if label == name)
        assert council.endswith(f"&ar={year}")  # ?rad=<id>&ar=<year>: Råd for the year


def test_nordland_overspent_in_2015_with_the_amount(app_on, seeded_sqlite_url):
    at = app_on(seeded_sqlite_url, "views/avvik.py", ar="2015", per=AS_OF)
    listed = at.dataframe[0].value.set_index("Avvik")
    nordland = listed.loc["Brukt mer enn tildelt"]
    assert (nordland["IA-råd"], nordland["Periode"], nordland["Brukt for mye (kr)"]) == (
        "IA-rådet i Nordland",
        "2015",
        37_250,
    )
    text = "\n".join(m.value for m in at.markdown)
    assert (
        "- **Brukt mer enn tildelt:** Nordland (2015)\\: brukt 437\xa0250 kr av 400\xa0000 kr "
        "tildelt (109 %), 37\xa0250 kr for mye\n"
    ) in text


@pytest.mark.parametrize("year", [2012, 2015])
def test_oversikts_tiles_name_the_same_councils(app_on, seeded_sqlite_url, year):
    """Oversikt 2012 says «Uten handlingsplan 3», as the compiled report of 2012 H1 does."""
    at = app_on(seeded_sqlite_url, ar=str(year), per=AS_OF)
    assert not at.exception
    shown = _metrics(at)
    want = expected(year, None)
    tiles = {
        "Overforbruk": (K.OVERSPENT, "IA-råd som har brukt mer enn tildelt: "),
        "Uten alle tre delmål": (K.SUB_GOAL, "IA-råd med en rapport uten aktivitet på et delmål: "),
        "Uten handlingsplan": (K.NO_ACTION_PLAN, "IA-råd med en rapport som ikke oppgir "),
    }
    for label, (kind, help_start) in tiles.items():
        value, help = shown[label]
        assert value == str(len(want[kind])), label
        assert help.startswith(help_start) and help.endswith(_full(want[kind]) or "ingen")
    value, help = shown["Møter utenfor 2–4"]
    assert (value, help.endswith(_full(want[K.MEETINGS]) or "ingen")) == (
        str(len(want[K.MEETINGS])),
        True,
    )
    rule = next(c.value for c in at.caption if c.value.startswith("Tallene over tabellen"))
    assert "minst én av årets rapporter mangler handlingsplan" in rule
    assert ("Alle avvik " + str(year), f"ar={year}") in [
        (x.proto.label, x.proto.query_string) for x in at.get("page_link")
    ]


def test_rad_opened_for_a_year_shows_that_years_answers(app_on, seeded_sqlite_url):
    at = app_on(seeded_sqlite_url, "views/rad.py", rad="17", ar="2015")
    assert not at.exception
    assert at.header[0].value == "IA-rådet i Nordland"
    assert at.multiselect(key="answer_periods").value == ["2015 År"]
    assert "Lenken gjelder 2015: svarene for 2015 vises under." in [c.value for c in at.caption]


def test_a_year_without_deviations_says_so(app_on, seeded_sqlite_url):
    """Østfold 2012 H1 as of 1 July 2012: nothing due yet, a plan, every sub-goal."""
    at = app_on(
        seeded_sqlite_url, "views/avvik.py", ar="2012", per="2012-07-01", periode="H1", rad="1"
    )
    assert not at.exception
    assert at.success[0].value == "Ingen avvik for 2012 H1 per 01.07.2012."
    assert len(at.dataframe) == 0


def test_last_opp_warns_of_an_overspend_before_saving_and_still_saves(app_on, sqlite_database):
    """Nordland's 2015 report into an empty database: the warning Avvik would list, before
    anything is stored; the file is stored on confirm all the same."""
    url = sqlite_database(SAMPLE_REGISTER)
    path = SAMPLE_DIR / "rapport_2015_Ar_ia-radet-i-nordland.xlsx"
    at = app_on(url, "views/last_opp.py")
    at.file_uploader[0].upload(path.name, path.read_bytes()).run()
    assert not at.exception
    assert at.warning[0].value == (
        "2 advarsler (filen kan likevel lagres):\n\n- Aktiviteter, kolonne «Tiltak nr.»\\: "
        "IA-rådet i Nordland har ingen handlingsplan for 2015 ennå; tiltaksnumrene (1, 2, 3, 4, "
        "5, 6, 7, 8, 9) lagres og teller når planen lastes opp\n"
        "- Brukt mer enn tildelt\\: brukt 437\xa0250 "
        "kr av 400\xa0000 kr tildelt (109 %), 37\xa0250 kr for mye"
    )  # the plan's warning too: the demo report names its measures, and no plan is stored
    assert history.uploads(db.get_engine(url)) == []
    at.button(key="confirm_upload").click().run()
    [upload] = history.uploads(db.get_engine(url))
    assert (upload["council_name"], upload["year"]) == ("IA-rådet i Nordland", 2015)
