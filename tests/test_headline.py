"""The headline figures (``reporting.headline``) on the demo data, checked once here: the
tiles of Oversikt, Økonomi and Råd and the compiled report's «Nøkkeltall» all show them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session
from workbooks import sheet_rows

from ia_data.domain.access import OPERATOR
from ia_data.domain.rules import Status
from ia_data.output.compiled import compiled_report
from ia_data.reporting.council import council_history
from ia_data.reporting.headline import headline
from ia_data.reporting.money import money
from ia_data.reporting.overview import overview
from ia_data.storage import db

AS_OF = date(2016, 6, 1)


def _names(councils) -> list[str]:
    return [c.short_name for c in councils]


def _overview(seeded_url, rules, year: int, period: str | None = None):
    with Session(db.get_engine(seeded_url)) as session:
        return headline(overview(session, year, AS_OF, rules, scope=OPERATOR, period=period))


def test_the_overview_of_2015(seeded_url, rules):
    figures = _overview(seeded_url, rules, 2015)
    assert (figures.councils, figures.allocated_ore, figures.spent_ore) == (
        18,
        740_000_000,  # 17 × 400 000 kr + Agder's 600 000 kr
        659_734_315,
    )
    assert (figures.remaining_ore, round(figures.share_used, 6)) == (80_265_685, 0.891533)
    assert (figures.activities, figures.goals, figures.meetings) == (
        299,
        {1: 199, 2: 151, 3: 112},
        62,
    )
    assert (figures.decisions, figures.rule_grants) == (0, 18)
    assert _names(figures.overspent) == ["Nordland"]  # the councils needing attention:
    # tests/test_deviations.py
    assert figures.statuses == {
        Status.ON_TIME: 17,
        Status.LATE: 1,  # Vestfold, 21 days
        Status.MISSING: 0,
        Status.DUE_SOON: 0,
        Status.NOT_DUE: 0,
    }
    assert figures.submitted == 18


def test_a_half_year_counts_that_half(seeded_url, rules):
    """A half-year's sums are that half's; its grant is the whole year's. (Which councils
    lack a plan in a year and its halves: tests/test_deviations.py.)"""
    year = _overview(seeded_url, rules, 2012)
    first_half = _overview(seeded_url, rules, 2012, "H1")
    assert (year.spent_ore, first_half.spent_ore) == (800_190_947, 379_544_629)
    assert (year.activities, first_half.activities) == (341, 175)
    assert year.statuses[Status.MISSING] == 1  # Telemark's second half never came
    assert (sum(first_half.statuses.values()), first_half.submitted) == (18, 18)
    assert first_half.allocated_ore == year.allocated_ore == 1_000_000_000  # the 2012 pool


def test_money_rows_and_a_councils_history(seeded_url, rules):
    """Økonomi's tiles (money rows: no reports judged) and Råd's (one council, all years,
    its reports' statuses)."""
    with Session(db.get_engine(seeded_url)) as session:
        figures = headline(money(session, rules, [2015], scope=OPERATOR))
        history = council_history(session, rules, 1, AS_OF, scope=OPERATOR)
    assert (figures.allocated_ore, figures.spent_ore) == (740_000_000, 659_734_315)
    assert _names(figures.overspent) == ["Nordland"]
    assert figures.submitted == 0
    own = headline([y.money for y in history.years], history.periods)
    assert history.council.name == "IA-rådet i Østfold"
    assert (own.allocated_ore, own.spent_ore, own.activities, own.meetings) == (
        257_400_000,
        216_030_700,
        104,
        17,
    )
    assert (own.submitted, own.statuses[Status.LATE], own.statuses[Status.MISSING]) == (7, 1, 0)


@pytest.mark.parametrize(
    "period,without_plan",
    [(None, (3, "Oslo, Nord-Trøndelag, Troms")), ("H1", (3, "Oslo, Nord-Trøndelag, Troms"))],
)
def test_the_compiled_report_says_the_same(seeded_url, rules, period, without_plan):
    with Session(db.get_engine(seeded_url)) as session:
        book = compiled_report(session, rules, 2012, AS_OF, scope=OPERATOR, period=period)
    facts = {
        row[0]: row[1:3] for row in sheet_rows(book, "Sammendrag", min_row=5, max_row=30) if row[0]
    }
    figures = _overview(seeded_url, rules, 2012, period)
    assert facts["Brukt"][0] == figures.spent_ore / 100
    assert facts["Aktiviteter"][0] == figures.activities
    assert facts["Råd uten handlingsplan"] == without_plan
    assert facts["Rapporter: Levert for sent"][0] == figures.statuses[Status.LATE]
