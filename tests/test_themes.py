"""The year's priority themes (issue 25): rules.toml holds them in the letters' words for
the years the letters cover; an activity's «Tema» names them (a value that is none is a
warning); the activities and the compiled report count and sum them per council."""

# ruff: noqa: SIM300  (the expected value comes first, as in the importer's tests)

from __future__ import annotations

from datetime import UTC, date, datetime

from plans import themed_report_sheets
from sqlmodel import Session
from workbooks import lines, sheet_rows, warning_lines, xlsx

from ia_data.domain.access import OPERATOR
from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules
from ia_data.output.compiled import compiled_report
from ia_data.output.compiled_facts import compiled_facts
from ia_data.output.pdf import compiled_html
from ia_data.reporting.themes import theme_totals
from ia_data.storage.store import import_file

LATER = datetime(2016, 3, 1, 10, 0, tzinfo=UTC)

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


def test_count_and_spend_per_theme_per_council_and_in_total(fresh_db):
    troms = ["Unge", ("unge; forebyggende", "Avlyst"), "Seniorer", None]  # 1 000 … 4 000 kr
    nordland = ["Unge", "tidlig oppfølging"]  # 1 000 kr, 2 000 kr
    for name, texts, council in (("t.xlsx", troms, "Troms"), ("n.xlsx", nordland, "Nordland")):
        sheets = themed_report_sheets(texts, council=council)
        assert import_file(fresh_db, name, xlsx(sheets), scope=OPERATOR, now=LATER).ok
    with Session(fresh_db) as session:
        rows = theme_totals(session, 2015, load_rules(DEFAULT_RULES_FILE), scope=OPERATOR)
        none = theme_totals(session, 2014, load_rules(DEFAULT_RULES_FILE), scope=OPERATOR)
    assert [
        ("IA-rådet i Nordland", "Forebyggende arbeidsmiljøarbeid", 0, 0),
        ("IA-rådet i Nordland", "Personer med nedsatt funksjonsevne", 0, 0),
        ("IA-rådet i Nordland", "Unge", 1, 100_000),
        ("IA-rådet i Nordland", "Dialog og tidlig oppfølging av sykmeldte", 1, 200_000),
        ("IA-rådet i Troms", "Forebyggende arbeidsmiljøarbeid", 0, 200_000),  # cancelled
        ("IA-rådet i Troms", "Personer med nedsatt funksjonsevne", 0, 0),
        ("IA-rådet i Troms", "Unge", 1, 300_000),
        ("IA-rådet i Troms", "Dialog og tidlig oppfølging av sykmeldte", 0, 0),
        ("Alle råd", "Forebyggende arbeidsmiljøarbeid", 0, 200_000),
        ("Alle råd", "Personer med nedsatt funksjonsevne", 0, 0),
        ("Alle råd", "Unge", 2, 400_000),
        ("Alle råd", "Dialog og tidlig oppfølging av sykmeldte", 1, 200_000),
    ] == [(r.council, r.theme, r.activities, r.spent_ore) for r in rows]
    assert [] == none
    with Session(fresh_db) as session:
        data = compiled_report(
            session, load_rules(DEFAULT_RULES_FILE), 2015, date(2016, 3, 1),
            datetime(2016, 3, 1, 12, tzinfo=UTC), scope=OPERATOR, approved_only=False,
        )  # fmt: skip
    found = [list(r[:4]) for r in sheet_rows(data, "Sammendrag") if r[0] == "Alle råd"]
    assert [
        ["Alle råd", "Forebyggende arbeidsmiljøarbeid", 0, 2000],
        ["Alle råd", "Personer med nedsatt funksjonsevne", 0, 0],
        ["Alle råd", "Unge", 2, 4000],
        ["Alle råd", "Dialog og tidlig oppfølging av sykmeldte", 1, 2000],
    ] == found  # the totals of the summary, in kroner


JOBBSTRATEGIEN = "Jobbstrategien for personer med nedsatt funksjonsevne"
HALVES_2012 = (  # (council, half, theme texts): the activities cost 1 000 kr, 2 000 kr, …
    ("Troms", 1, ["jobbstrategien", ("Jobbstrategien", "Avlyst"), None]),
    ("Troms", 2, ["jobbstrategien", JOBBSTRATEGIEN]),
    ("Nordland", 1, [JOBBSTRATEGIEN]),
)


def theme_lines_2012(engine, period=None) -> list[list]:
    """The theme block of the compiled report of 2012 (or its ``period``): council,
    activities, spent in kroner."""
    with Session(engine) as session:
        data = compiled_report(
            session, load_rules(DEFAULT_RULES_FILE), 2012, date(2013, 3, 1),
            datetime(2013, 3, 1, 12, tzinfo=UTC), scope=OPERATOR, period=period,
            approved_only=False,
        )  # fmt: skip
    return [[r[0], r[2], r[3]] for r in sheet_rows(data, "Sammendrag") if r[1] == JOBBSTRATEGIEN]


def test_a_half_years_compiled_report_counts_the_themes_of_that_half(fresh_db):
    for council, half, texts in HALVES_2012:
        sheets = themed_report_sheets(texts, 2012, half, council=council)
        name = f"{council}_{half}.xlsx"
        assert import_file(fresh_db, name, xlsx(sheets), scope=OPERATOR, now=LATER).ok
    # By hand from the H1 workbooks: Troms 1 counted (the cancelled one not), 1 000 + 2 000
    # kr spent; Nordland 1 and 1 000 kr. The H2 workbook (2 and 3 000 kr) counts only in
    # the whole year's report.
    assert [
        ["IA-rådet i Nordland", 1, 1000],
        ["IA-rådet i Troms", 1, 3000],
        ["Alle råd", 2, 4000],
    ] == theme_lines_2012(fresh_db, "H1")
    assert [["IA-rådet i Troms", 2, 3000], ["Alle råd", 2, 3000]] == theme_lines_2012(
        fresh_db, "H2"
    )
    assert [
        ["IA-rådet i Nordland", 1, 1000],
        ["IA-rådet i Troms", 3, 6000],
        ["Alle råd", 4, 7000],
    ] == theme_lines_2012(fresh_db)
    rules, as_of = load_rules(DEFAULT_RULES_FILE), date(2013, 3, 1)
    with Session(fresh_db) as session:  # the PDF's block is made of the same facts
        facts = compiled_facts(
            session, rules, 2012, as_of, scope=OPERATOR, period="H1", approved_only=False
        )
        page = compiled_html(session, rules, facts, as_of, LATER, scope=OPERATOR)
    assert (
        f'<tr><td>Alle råd</td><td>{JOBBSTRATEGIEN}</td><td class="num">2</td>'
        '<td class="num">4 000 kr</td></tr>'
    ) in page.replace("\xa0", " ")
