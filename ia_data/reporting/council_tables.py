"""The tables of one council (Råd, the compiled report): its report for each period, its
answers side by side, year by year, and its counties' sickness absence beside sub-goal 1."""

from __future__ import annotations

from ia_data.reporting import columns as c
from ia_data.reporting.table import Column, Kroner, Percent, Table
from ia_data.reporting.tables import (
    ACTIVITY_COLUMNS,
    MONEY_COLUMNS,
    NO_REPORT,
    action_plan_cell,
    activity_cells,
    money_cells,
    status_text,
)


def council_reports_table(periods, screen: bool = False) -> Table:
    """One council's report for each period: status, who led, action plan, counts (an
    assumed due date marked in the status cell on ``screen``, else in its own column)."""
    table = Table(
        columns=[
            c.PERIOD,
            c.STATUS,
            c.DUE,
            c.SUBMITTED,
            c.CHAIR,
            c.CHAIR_ORGANISATION,
            c.CONTACT,
            c.ACTION_PLAN,
            c.ACTIVITIES,
            c.MEETINGS,
            c.SPENT,
            c.UPLOAD_ID,
        ],
        rows=[
            [
                p.period.label,
                status_text(p, screen),
                p.period.due,
                p.submitted,
                p.chair or None,
                p.chair_organisation or None,
                p.contact or None,
                action_plan_cell(p.stored, p.action_plan, p.action_plan_date),
                p.activities if p.stored else None,
                p.meetings if p.stored else None,
                Kroner(p.spent_ore) if p.stored else None,
                p.report_upload_id,
            ]
            for p in periods
        ],
        title="Rapporter",
    )
    if not screen:
        table.columns.append(c.DUE_ASSUMED)
        for row, p in zip(table.rows, periods, strict=True):
            row.append(p.period.due_is_assumption)
    return table


NO_ANSWER = "(ikke besvart)"


def council_answers_table(periods, questions) -> Table:
    """The five questions (rows) against the periods (columns), side by side."""
    rows = []
    for k, question in enumerate(questions, start=1):
        line = [f"{k}. {question}"]
        for p in periods:
            if not p.stored:
                line.append(NO_REPORT)
            else:
                line.append(p.answers[k - 1] or NO_ANSWER)
        rows.append(line)
    return Table(
        columns=[c.QUESTION, *(Column(p.period.label) for p in periods)],
        rows=rows,
        title="Svar",
    )


def council_years_table(years) -> Table:
    """One council year by year: money, activities per sub-goal and meetings."""
    return Table(
        columns=[c.YEAR, *MONEY_COLUMNS, *ACTIVITY_COLUMNS, c.MEETINGS],
        rows=[
            [
                y.money.year,
                *money_cells(y.money),
                *activity_cells(y.money.activities, y.goals),
                y.meetings,
            ]
            for y in years
        ],
        title="År for år",
    )


def council_sickness_table(counties: list, goal_1: dict) -> Table:
    """A council's counties' sickness absence year by year (one series: ``CountySeries`` of
    its counties), the whole country beside them, and the council's activities on and
    spending for sub-goal 1 that year (``goal_1``: year → ``Totals`` with the sub-goal 1
    filter; a year without a report is blank, never 0). Where the series has several
    quarters in a year, the last."""
    by_year: dict[int, dict] = {}
    for county in counties:
        for year, quarter, value in county.points:
            by_year.setdefault(year, {})[county.county_number] = (quarter, value)
        for year, quarter, value in county.national:
            by_year.setdefault(year, {})["00"] = (quarter, value)
    years = sorted(set(by_year) | set(goal_1))
    columns = [
        c.YEAR,
        c.QUARTER,
        *(c.NATIONAL.but(name=f"{county.county} (%)") for county in counties),
        c.NATIONAL,
        c.GOAL_1_ACTIVITIES,
        c.GOAL_1_SPENT,
    ]
    rows = []
    for year in years:
        found = by_year.get(year, {})
        quarters = sorted({q for q, _ in found.values()})
        done = goal_1.get(year)

        def percent(number: str, found=found):
            value = found.get(number, (None, None))[1]
            return None if value is None else Percent(value / 100)

        rows.append(
            [
                year,
                f"{quarters[-1]}. kvartal" if quarters else None,
                *(percent(county.county_number) for county in counties),
                percent("00"),
                None if done is None else done.activities,
                None if done is None else Kroner(done.spent_ore),
            ]
        )
    return Table(columns=columns, rows=rows, title="Sykefravær og delmål 1")
