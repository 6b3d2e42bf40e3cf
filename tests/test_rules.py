"""Reporting rules from the oversight group's letters: periods, due dates, deadline status
and the grants the rules fix (DESIGN.md, ``ia_data/data/rules.toml``)."""

from __future__ import annotations

from datetime import date

import pytest

from ia_data import settings
from ia_data.domain.rules import Rules, Status


@pytest.mark.parametrize(
    "year,expected",
    [
        (2010, ["H1", "H2"]),
        (2012, ["H1", "H2"]),
        (2014, ["H1", "H2"]),
        (2015, ["År"]),
        (2016, ["År"]),
        (2018, ["År"]),
        (2009, []),
        (2019, []),
    ],
)
def test_periods_of_a_year(rules, year, expected):
    assert expected == [p.code for p in rules.periods(year)]


@pytest.mark.parametrize(
    "year,code,start,end,due,assumed",
    [
        # The 2012 letter: reports by 1 September and 1 March.
        (2012, "H1", date(2012, 1, 1), date(2012, 6, 30), date(2012, 9, 1), False),
        (2012, "H2", date(2012, 7, 1), date(2012, 12, 31), date(2013, 3, 1), False),
        # The 2015 letter gives no date: 1 March the year after, marked as an assumption.
        (2015, "År", date(2015, 1, 1), date(2015, 12, 31), date(2016, 3, 1), True),
        (2016, "År", date(2016, 1, 1), date(2016, 12, 31), date(2017, 3, 1), True),
        # The 2012 letter covers 2012: the same half-years before and after are assumed.
        (2011, "H2", date(2011, 7, 1), date(2011, 12, 31), date(2012, 3, 1), True),
        (2014, "H1", date(2014, 1, 1), date(2014, 6, 30), date(2014, 9, 1), True),
    ],
)
def test_period_dates(rules, year, code, start, end, due, assumed):
    period = rules.period(year, code)
    assert (start, end, due, assumed) == (
        period.start,
        period.end,
        period.due,
        period.due_is_assumption,
    )
    assert f"{year} {code}" == period.label


def test_yearly_due_date_carries_its_note(rules):
    (rule,) = rules.regime(2015).periods
    assert rule.due_source.startswith("antatt: brevet fra 2015 oppgir ingen dato")


# Every rule names its source; what the letters decide and what the app assumes, by year.
@pytest.mark.parametrize(
    "year,due,amount,meetings,cadence",
    [
        (2010, True, False, True, True),
        (2012, False, False, False, False),
        (2013, True, False, True, True),
        (2015, True, False, True, False),  # «For 2015 … så langt besluttet»: the amounts
        (2016, True, True, True, False),
        (2018, True, True, True, False),
    ],
)
def test_each_rule_says_whether_a_letter_decides_it(rules, year, due, amount, meetings, cadence):
    regime = rules.regime(year)
    assert all(p.due_is_assumption == due for p in rules.periods(year))
    assert (rules.amount_assumed(year), rules.meetings_assumed(year)) == (amount, meetings)
    assert regime.source.startswith("antatt") == cadence
    for source in (regime.source, regime.meetings_source, *(p.due_source for p in regime.periods)):
        assert source.startswith(("antatt: ", "Brev til")), source  # a letter, or why assumed
    notes = rules.assumptions(year)
    assert len(notes) == sum((due * len(regime.periods), amount, meetings, cadence))
    assert rules.pool(year) == (10_000_000 if year == 2012 else None)


def test_assumptions_are_said_once_per_span_of_years(rules):
    assert rules.assumptions([2016, 2017, 2018]) == [
        "Fristen for hele året 2016–2018: brevet fra 2015 oppgir ingen dato; 1. mars året "
        "etter er lagt til grunn.",
        "Tildelingen etter regel 2016–2018: brevet fra 2015 bestemmer beløpene bare for 2015; "
        "de samme er lagt til grunn for 2016–2018.",
        "Møter forventet 2016–2018 (2–4): brevet fra 2015 gjentar ikke de 2–4 møtene fra "
        "brevet fra 2012; de er lagt til grunn.",
    ]
    assert rules.assumptions(2012) == []


@pytest.mark.parametrize("year,code", [(2015, "H1"), (2012, "År"), (2009, "H1")])
def test_period_not_in_the_rules(rules, year, code):
    assert rules.period(year, code) is None


@pytest.mark.parametrize(
    "day,expected",
    [
        (date(2012, 1, 1), "2012 H1"),
        (date(2012, 6, 30), "2012 H1"),
        (date(2012, 7, 1), "2012 H2"),
        (date(2015, 7, 1), "2015 År"),
        (date(2009, 7, 1), None),
    ],
)
def test_period_of_date(rules, day, expected):
    period = rules.period_of_date(day)
    assert expected == (period.label if period else None)


@pytest.mark.parametrize(
    "year,code,submitted,as_of,expected",
    [
        # On or before the due date.
        (2012, "H1", date(2012, 9, 1), date(2012, 12, 1), "Levert i tide"),
        (2012, "H1", date(2012, 5, 1), date(2012, 12, 1), "Levert i tide"),
        (2012, "H2", date(2013, 3, 1), date(2013, 6, 1), "Levert i tide"),
        # After it, with the days late.
        (2012, "H1", date(2012, 9, 2), date(2012, 12, 1), "Levert for sent (+1 dag)"),
        (2012, "H1", date(2012, 9, 15), date(2012, 12, 1), "Levert for sent (+14 dager)"),
        (2012, "H2", date(2013, 3, 2), date(2013, 6, 1), "Levert for sent (+1 dag)"),
        (2015, "År", date(2016, 3, 11), date(2016, 6, 1), "Levert for sent (+10 dager)"),
        # Nothing submitted yet.
        (2012, "H1", None, date(2012, 8, 15), "Forfaller snart"),
        (2012, "H1", None, date(2012, 9, 1), "Forfaller snart"),
        (2012, "H1", None, date(2012, 8, 2), "Forfaller snart"),
        (2012, "H1", None, date(2012, 8, 1), "Ikke forfalt"),
        (2012, "H1", None, date(2012, 9, 2), "Mangler"),
        (2012, "H1", None, date(2012, 3, 1), "Ikke forfalt"),
        (2015, "År", None, date(2016, 3, 2), "Mangler"),
        # A report submitted after the as-of date counts as not submitted as of that day.
        (2012, "H1", date(2012, 8, 20), date(2012, 8, 15), "Forfaller snart"),
        (2012, "H1", date(2012, 9, 20), date(2012, 9, 10), "Mangler"),
        (2012, "H1", date(2012, 9, 20), date(2012, 3, 1), "Ikke forfalt"),
        (2012, "H1", date(2012, 9, 20), date(2012, 9, 20), "Levert for sent (+19 dager)"),
    ],
)
def test_deadline_status(rules, year, code, submitted, as_of, expected):
    status = rules.deadline_status(rules.period(year, code), submitted, as_of)
    assert expected == status.text


def test_deadline_status_counts_days(rules):
    h1 = rules.period(2012, "H1")
    late = rules.deadline_status(h1, date(2012, 9, 2), date(2012, 12, 1))
    assert (late.status, late.days_late) == (Status.LATE, 1)
    soon = rules.deadline_status(h1, None, date(2012, 8, 15))
    assert (soon.status, soon.days_to_due) == (Status.DUE_SOON, 17)
    missing = rules.deadline_status(h1, None, date(2012, 9, 11))
    assert (missing.status, missing.days_to_due) == (Status.MISSING, -10)


@pytest.mark.parametrize(
    "year,counties,expected",
    [
        (2015, 1, 400_000),
        (2015, 2, 600_000),
        (2016, 1, 400_000),
        (2018, 2, 600_000),
        # Grants of the half-yearly years come from an uploaded decision.
        (2012, 1, None),
        (2012, 2, None),
        (2009, 1, None),
    ],
)
def test_rule_allocation(rules, year, counties, expected):
    assert expected == rules.rule_allocation(year, counties)


@pytest.mark.parametrize("year,expected", [(2012, (2, 4)), (2015, (2, 4)), (2009, None)])
def test_meetings_expected(rules, year, expected):
    assert expected == rules.meetings_expected(year)


def test_years(rules):
    assert (rules.years[0], rules.years[-1]) == (2010, 2018)


RULES_FILE = """
due_soon_days = 10

[[regime]]
name = "Kvartalsvis"
from_year = 2020
to_year = 2020
allocation = "regel"
amount_one_county = 250000

[[regime.period]]
code = "H1"
start = "01-01"
end = "06-30"
due = "08-15"
due_year_offset = 0
"""


def test_rules_come_from_the_file(tmp_path, monkeypatch):
    path = tmp_path / "regler.toml"
    path.write_text(RULES_FILE, encoding="utf-8")
    own = Rules.from_file(path)
    h1 = own.period(2020, "H1")
    assert (date(2020, 8, 15), "H1") == (h1.due, h1.name)
    # A council covering two counties gets the one-county amount when no shared one is set.
    assert own.rule_allocation(2020, 2) == 250_000
    assert own.deadline_status(h1, None, date(2020, 8, 5)).text == "Forfaller snart"
    assert own.deadline_status(h1, None, date(2020, 8, 4)).text == "Ikke forfalt"
    monkeypatch.setenv("IA_RULES_FILE", str(path))
    assert list(settings.current().rules().years) == [2020]  # the settings name the file
