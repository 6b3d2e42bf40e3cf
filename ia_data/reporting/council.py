"""One council's history: every period's report with its status, and its money, activities
and meetings year by year (the Råd page and the compiled report's council sheets). The
statuses are ``deadlines.period_status``, the money ``money.money`` and the counts
``totals``, as on every other page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from ia_data.domain.access import Scope
from ia_data.domain.register import CouncilInfo
from ia_data.domain.report import ReportDetails
from ia_data.domain.rules import Rules
from ia_data.reporting.counted import counted
from ia_data.reporting.deadlines import PeriodStatus, arrivals, data_years, period_status
from ia_data.reporting.money import MoneyRow, money
from ia_data.reporting.totals import Totals, report_totals
from ia_data.storage.models import Report, Upload
from ia_data.storage.register import councils


@dataclass
class PeriodReport(PeriodStatus, ReportDetails):
    """A council's report for one period (or its absence), with its deadline status as
    of a date and what the active report says (whenever it was submitted)."""

    stored: bool = False  # an active report exists (possibly submitted after the as-of date)
    file_name: str = ""
    totals: Totals = field(default_factory=Totals)

    @property
    def activities(self) -> int:
        return self.totals.activities

    @property
    def meetings(self) -> int:
        return self.totals.meetings

    @property
    def spent_ore(self) -> int:
        return self.totals.spent_ore


@dataclass
class CouncilYear:
    """A council's year: its money and what it did."""

    money: MoneyRow
    meetings_expected: tuple[int, int] | None

    @property
    def goals(self) -> dict[int, int]:
        return self.money.totals.goals

    @property
    def meetings(self) -> int:
        return self.money.totals.meetings

    @property
    def missing_goals(self) -> list[int]:
        return self.money.totals.missing_goals


@dataclass
class CouncilHistory:
    council: CouncilInfo
    years: list[CouncilYear] = field(default_factory=list)
    periods: list[PeriodReport] = field(default_factory=list)


def council_reports(
    session: Session,
    rules: Rules,
    council: CouncilInfo,
    years: list[int],
    as_of: date,
    *,
    scope: Scope,
    approved_only: bool = False,
) -> list[PeriodReport]:
    """Every period of ``years`` for one council: the counted report (if any), its
    deadline status as of ``as_of`` (by its receipt), its review state and its totals."""
    scope.check(council.id)
    years = [y for y in years if council.exists_in(y)]
    if not years:
        return []
    stored = {
        (r.year, r.period): r
        for r in session.exec(
            select(Report).where(
                Report.council_id == council.id, counted(approved_only), Report.year.in_(years)
            )
        )
    }
    received = arrivals(session, years, [council.id], approved_only, scope=scope)
    files = dict(
        session.exec(
            select(Upload.id, Upload.file_name).where(
                Upload.id.in_([r.upload_id for r in stored.values()])
            )
        ).all()
    )
    totals = report_totals(session, [r.id for r in stored.values()], scope=scope)
    result = []
    for year in years:
        for period in rules.periods(year):
            report = stored.get((year, period.code))
            if report is None:
                state = period_status(rules, period, None, as_of)
                result.append(PeriodReport(**vars(state)))
                continue
            arrival = received.get((council.id, year, period.code))
            state = period_status(rules, period, arrival, as_of)
            result.append(
                PeriodReport(
                    **vars(state),
                    stored=True,
                    file_name=files.get(report.upload_id, ""),
                    contact=report.contact,
                    chair=report.chair,
                    chair_organisation=report.chair_organisation,
                    action_plan=report.action_plan,
                    action_plan_date=report.action_plan_date,
                    answers=[getattr(report, f"answer_{k}") for k in range(1, 6)],
                    totals=totals.get(report.id, Totals()),
                )
            )
    return result


def council_history(
    session: Session,
    rules: Rules,
    council_id: int,
    as_of: date,
    *,
    scope: Scope,
    approved_only: bool = False,
) -> CouncilHistory | None:
    """One council over all years with data: money, activities per sub-goal and meetings
    per year, and every period's report with its status. None for an unknown council."""
    scope.check(council_id)
    found = councils(session, [council_id])
    if not found:
        return None
    history = CouncilHistory(council=found[0])
    years = data_years(session, rules, scope=scope)
    if not years:
        return history
    history.years = [
        CouncilYear(money=row, meetings_expected=rules.meetings_expected(row.year))
        for row in money(
            session, rules, years, [council_id], scope=scope, approved_only=approved_only
        )
    ]
    history.periods = council_reports(
        session, rules, history.council, years, as_of, scope=scope, approved_only=approved_only
    )
    return history


def council_register(session: Session, *, scope: Scope) -> list[CouncilInfo]:
    """The councils in scope, in register order (for the pages' council filters)."""
    return councils(session, scope.council_ids())


def councils_outside(session: Session, *, scope: Scope, council_ids) -> dict[int, str]:
    """The councils among ``council_ids`` that exist but lie outside the scope, id → name:
    a link to one says «Ingen tilgang til …» by its name instead of calling the id invalid
    (the register's names are no one's data)."""
    outside = [i for i in council_ids if not scope.allows(i)]
    return {c.id: c.name for c in councils(session, outside)} if outside else {}
