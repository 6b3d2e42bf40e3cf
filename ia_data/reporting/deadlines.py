"""Deadlines: every council's report for every period, with its status as of a date (the
Frister page, the overview's status cells, the Råd page and their exports).

``period_status`` is the one place that says what a report's submission means as of a
date: a report submitted after the date counts as not submitted then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, select

from ia_data.domain.access import Scope
from ia_data.domain.register import CouncilInfo
from ia_data.domain.rules import DeadlineStatus, ReportPeriod, Rules, Status
from ia_data.storage.models import Allocation, Report
from ia_data.storage.register import councils


def years_with_data(session: Session, *, scope: Scope) -> list[int]:
    """Years that hold at least one active report or allocation (of a council in scope),
    newest first."""
    council_ids = scope.council_ids()
    reports = select(Report.year).where(Report.active).distinct()
    allocations = select(Allocation.year).where(Allocation.active).distinct()
    if council_ids is not None:
        reports = reports.where(Report.council_id.in_(council_ids))
        allocations = allocations.where(Allocation.council_id.in_(council_ids))
    report_years = session.exec(reports).all()
    allocation_years = session.exec(allocations).all()
    return sorted(set(report_years) | set(allocation_years), reverse=True)


def data_years(session: Session, rules: Rules, *, scope: Scope) -> list[int]:
    """Every year from the first to the last with data (a report or an allocation),
    within the reporting rules, oldest first — a year without data in between shows as
    a gap, not as nothing."""
    found = [y for y in years_with_data(session, scope=scope) if y in rules.years]
    return list(range(min(found), max(found) + 1)) if found else []


@dataclass
class PeriodStatus:
    """A council's report for one period as of a date: its deadline status, the day it
    was submitted (None if not yet, as of the date) and the upload of the active report
    (whenever it was submitted)."""

    period: ReportPeriod
    status: DeadlineStatus
    submitted: date | None
    report_upload_id: int | None = None

    @property
    def upload_id(self) -> int | None:
        """The upload of the report, if it was submitted as of the date."""
        return self.report_upload_id if self.submitted is not None else None

    @property
    def days_overdue(self) -> int | None:
        """Days after the due date: how late a late report came, or how long a missing
        one has been overdue as of the date."""
        if self.status.status is Status.LATE:
            return self.status.days_late
        if self.status.status is Status.MISSING:
            return -self.status.days_to_due
        return None


def period_status(
    rules: Rules,
    period: ReportPeriod,
    submitted: date | None,
    report_upload_id: int | None,
    as_of: date,
) -> PeriodStatus:
    """The status of a report (``submitted`` None when there is none) as of ``as_of``."""
    return PeriodStatus(
        period=period,
        status=rules.deadline_status(period, submitted, as_of),
        submitted=submitted if submitted is not None and submitted <= as_of else None,
        report_upload_id=report_upload_id,
    )


@dataclass
class DeadlineRow(PeriodStatus):
    """One council's report for one period, and its deadline status as of a date."""

    council: CouncilInfo = field(kw_only=True)


def deadlines(
    session: Session,
    rules: Rules,
    as_of: date,
    years: list[int] | None = None,
    council_ids: list[int] | None = None,
    *,
    scope: Scope,
) -> list[DeadlineRow]:
    """Every council × reporting period of ``years`` (default: all years with data), in
    register order and then period order; a council only for the years it exists."""
    council_ids = scope.council_ids(council_ids)
    years = sorted(years) if years else data_years(session, rules, scope=scope)
    if not years:
        return []
    reports = {
        (r[0], r[1], r[2]): r[3:]
        for r in session.exec(
            select(
                Report.council_id, Report.year, Report.period, Report.submitted, Report.upload_id
            ).where(Report.active, Report.year.in_(years))
        ).all()
    }
    rows = []
    for council in councils(session, council_ids):
        for year in years:
            if not council.exists_in(year):
                continue
            for period in rules.periods(year):
                submitted, upload_id = reports.get((council.id, year, period.code), (None, None))
                state = period_status(rules, period, submitted, upload_id, as_of)
                rows.append(DeadlineRow(**vars(state), council=council))
    return rows


def missing_reports(rows: list[DeadlineRow]) -> list[DeadlineRow]:
    """The reports overdue and not in as of the date, longest overdue first."""
    missing = [r for r in rows if r.status.status is Status.MISSING]
    return sorted(missing, key=lambda r: (r.period.due, r.council.name))


def falling_due(rows: list[DeadlineRow], as_of: date, days: int) -> list[DeadlineRow]:
    """The reports whose due date lies from ``as_of`` to ``days`` days after it (those
    already in included), soonest first."""
    last = as_of + timedelta(days=days)
    due = [r for r in rows if as_of <= r.period.due <= last]
    return sorted(due, key=lambda r: (r.period.due, r.council.name))
