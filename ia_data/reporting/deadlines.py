"""Deadlines: every council's report for every period, with its status as of a date (the
Frister page, the overview's status cells, the Råd page and their exports).

``period_status`` is the one place that says what a report's submission means as of a
date: a report submitted after the date counts as not submitted then. A report is
submitted on its receipt's date in Oslo (``storage.review``: stamped by the server when the
first version arrived; for reports stored before that, and historical loads, the date the
report gives, marked «oppgitt, ikke registrert av appen»); the «Innsendt» a workbook gives
is kept beside it as «oppgitt i rapporten», never judged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, select

from ia_data.domain.access import Scope
from ia_data.domain.kinds import ReceiptHow
from ia_data.domain.register import CouncilInfo
from ia_data.domain.rules import DeadlineStatus, ReportPeriod, Rules, Status
from ia_data.reporting.counted import counted
from ia_data.storage.models import Allocation, Receipt, Report, Review
from ia_data.storage.register import councils
from ia_data.storage.review import received_on


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


@dataclass(frozen=True)
class Arrival:
    """What is known of a council's report for a period: its receipt's date in Oslo,
    whether that date is only the one the report gave (``given``: «oppgitt, ikke
    registrert av appen»), the «Innsendt» the counted version gives (``typed``), the
    counted version's upload and the review state."""

    received: date
    upload_id: int
    given: bool = False
    typed: date | None = None
    review_state: str = ""
    review_legacy: bool = False  # approved before the route existed


def arrivals(
    session: Session,
    years: list[int],
    council_ids: list[int] | None = None,
    approved_only: bool = False,
    *,
    scope: Scope,
) -> dict[tuple[int, int, str], Arrival]:
    """(council id, year, period) → its ``Arrival``, for the counted versions of the
    councils in scope. A report without a receipt (none since the migration gives every
    stored report one) is judged by the date it gives."""
    council_ids = scope.council_ids(council_ids)
    query = (
        select(
            Report.council_id, Report.year, Report.period, Report.submitted, Report.upload_id,
            Receipt.received_at, Receipt.how, Review.state, Review.legacy,
        )
        .outerjoin(Receipt, (Receipt.council_id == Report.council_id)
                   & (Receipt.year == Report.year) & (Receipt.period == Report.period))
        .outerjoin(Review, (Review.council_id == Report.council_id)
                   & (Review.year == Report.year) & (Review.period == Report.period))
        .where(counted(approved_only), Report.year.in_(years))
    )  # fmt: skip
    if council_ids is not None:
        query = query.where(Report.council_id.in_(council_ids))
    found = {}
    for row in session.exec(query).all():
        council_id, year, period, typed, upload_id, at, how, state, legacy = row
        found[(council_id, year, period)] = Arrival(
            received=typed if at is None else received_on(at),
            upload_id=upload_id,
            given=at is None or how == ReceiptHow.GIVEN,
            typed=typed,
            review_state=state or "",
            review_legacy=bool(legacy),
        )
    return found


@dataclass
class PeriodStatus:
    """A council's report for one period as of a date: its deadline status, the day it
    was received (None if not yet, as of the date), the upload of the counted report
    (whenever it was received), whether the receipt is only the date the report gave, the
    «Innsendt» the report gives, and its review state."""

    period: ReportPeriod
    status: DeadlineStatus
    submitted: date | None
    report_upload_id: int | None = None
    receipt_given: bool = False  # «oppgitt, ikke registrert av appen»
    given_in_report: date | None = None  # «oppgitt i rapporten»
    review_state: str = ""
    review_legacy: bool = False  # «godkjent før gjennomgang ble innført»

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
    rules: Rules, period: ReportPeriod, arrival: Arrival | None, as_of: date
) -> PeriodStatus:
    """The status of a report (``arrival`` None when there is none) as of ``as_of``,
    judged by its receipt's date."""
    received = arrival.received if arrival is not None else None
    return PeriodStatus(
        period=period,
        status=rules.deadline_status(period, received, as_of),
        submitted=received if received is not None and received <= as_of else None,
        report_upload_id=arrival.upload_id if arrival else None,
        receipt_given=bool(arrival and arrival.given),
        given_in_report=arrival.typed if arrival else None,
        review_state=arrival.review_state if arrival else "",
        review_legacy=bool(arrival and arrival.review_legacy),
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
    approved_only: bool = False,
) -> list[DeadlineRow]:
    """Every council × reporting period of ``years`` (default: all years with data), in
    register order and then period order; a council only for the years it exists.
    ``approved_only``: a period counts as reported once a version of it is approved."""
    council_ids = scope.council_ids(council_ids)
    years = sorted(years) if years else data_years(session, rules, scope=scope)
    if not years:
        return []
    reports = arrivals(session, years, council_ids, approved_only, scope=scope)
    rows = []
    for council in councils(session, council_ids):
        for year in years:
            if not council.exists_in(year):
                continue
            for period in rules.periods(year):
                arrival = reports.get((council.id, year, period.code))
                state = period_status(rules, period, arrival, as_of)
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
