"""The year's priority themes (issue 25): rules.toml holds them in the letters' words for
the years the letters cover; an activity's «Tema» names them (a value that is none is a
warning); the activities and the compiled report count and sum them per council."""

# ruff: noqa: SIM300  (the expected value comes first, as in the importer's tests)

from __future__ import annotations

from plans import themed_report_sheets
from workbooks import lines, warning_lines, xlsx

from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules

THEMES_2015 = (
    "Forebyggende arbeidsmiljøarbeid; Personer med nedsatt funksjonsevne; Unge; Dialog og "
    "tidlig oppfølging av sykmeldte"
)


def test_the_themes_are_the_letters_words_for_the_years_they_cover():
    rules = load_rules(DEFAULT_RULES_FILE)
    assert ("Jobbstrategien for personer med nedsatt funksjonsevne",) == rules.themes(2012).names
    assert THEMES_2015.split("; ") == list(rules.themes(2015).names)
    assert rules.themes(2018).names == rules.themes(2015).names
    assert [None] * 5 == [rules.themes(y) for y in (2010, 2011, 2013, 2014, 2019)]


def test_an_activity_names_its_years_themes_whole_or_by_their_words(parse):
    texts = ["Unge", "nedsatt funksjonsevne; forebyggende", "Seniorer", None,
             "Jobbstrategien", "tidlig oppfølging, unge"]  # fmt: skip
    parsed = parse(xlsx(themed_report_sheets(texts)))
    assert [
        ("Unge",),
        ("Personer med nedsatt funksjonsevne", "Forebyggende arbeidsmiljøarbeid"),
        (),
        (),
        (),
        ("Dialog og tidlig oppfølging av sykmeldte", "Unge"),
    ] == [a.themes for a in parsed.activities]
    assert [
        f"Aktiviteter, rad 4, kolonne «Tema»: «Seniorer» er ikke et prioritert tema for 2015 og "
        f"lagres ikke som tema (temaene for 2015: {THEMES_2015})",
        f"Aktiviteter, rad 6, kolonne «Tema»: «Jobbstrategien» er ikke et prioritert tema for "
        f"2015 og lagres ikke som tema (temaene for 2015: {THEMES_2015})",
    ] == warning_lines(parsed)


def test_a_year_without_themes_says_the_letters_name_none(parse):
    parsed = parse(xlsx(themed_report_sheets(["Unge"], year=2013)))
    assert [
        "Aktiviteter, rad 2, kolonne «Tema»: «Unge» er ikke et prioritert tema for 2013 og "
        "lagres ikke som tema (brevene nevner ingen prioriterte temaer for 2013)"
    ] == lines(parsed)
    assert [("Jobbstrategien for personer med nedsatt funksjonsevne",)] == [
        a.themes for a in parse(xlsx(themed_report_sheets(["jobbstrategien"], 2012))).activities
    ]
