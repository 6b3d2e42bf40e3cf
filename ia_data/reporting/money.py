"""Money: what each council was allocated (an uploaded decision, else the year's rule) and
spent, per year (Økonomi, Råd, and the money columns of Oversikt), and every allocation
decision uploaded.

``council_money`` is the one place a council's money for a year is put together: the
grant (``domain.money.grant``), what was spent (``totals``) and the uploads behind both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, select

from ia_data.domain.access import Scope
from ia_data.domain.kinds import AllocationSource
from ia_data.domain.money import MoneyFigures, grant
from ia_data.domain.register import CouncilInfo
from ia_data.domain.rules import ASSUMED_MARK, Rules
from ia_data.reporting.counted import counted
from ia_data.reporting.deadlines import data_years
from ia_data.reporting.totals import Totals, council_year_totals
from ia_data.storage.models import Allocation, Report, Upload
from ia_data.storage.register import councils


@dataclass
class MoneyRow(MoneyFigures):
    """A council's grant and spending in one year, and the totals behind the spending."""

    council: CouncilInfo
    year: int
    allocated_ore: int | None
    allocation_source: AllocationSource
    totals: Totals
    decision_date: date | None = None
    note: str = ""
    allocation_upload_id: int | None = None
    upload_ids: list[int] = field(default_factory=list)  # reports and allocation behind it
    allocation_assumed: bool = False  # a grant by a rule the letters do not decide that year

    @property
    def allocation_text(self) -> str:
        """Where the grant comes from, as a cell says it: «vedtak», «regel» or «regel
        (antatt)»."""
        if self.allocation_source == AllocationSource.RULE and self.allocation_assumed:
            return f"{self.allocation_source} {ASSUMED_MARK}"
        return str(self.allocation_source)

    @property
    def spent_ore(self) -> int:
        return self.totals.spent_ore

    @property
    def activities(self) -> int:
        return self.totals.activities


def active_allocations(
    session: Session, years: list[int], council_ids: list[int] | None = None, *, scope: Scope
) -> dict[tuple[int, int], Allocation]:
    """(council id, year) → the active uploaded allocation decision."""
    council_ids = scope.council_ids(council_ids)
    query = select(Allocation).where(Allocation.active, Allocation.year.in_(years))
    if council_ids is not None:
        query = query.where(Allocation.council_id.in_(council_ids))
    return {(a.council_id, a.year): a for a in session.exec(query)}


def _report_uploads(
    session: Session,
    years: list[int],
    council_ids: list[int] | None = None,
    approved_only: bool = False,
) -> dict[tuple[int, int], list[int]]:
    """(council id, year) → the uploads of its counted reports that year (``council_ids``
    as scoped by the caller)."""
    query = select(Report.council_id, Report.year, Report.upload_id).where(
        counted(approved_only), Report.year.in_(years)
    )
    if council_ids is not None:
        query = query.where(Report.council_id.in_(council_ids))
    found: dict[tuple[int, int], list[int]] = {}
    for council_id, year, upload_id in session.exec(query).all():
        found.setdefault((council_id, year), []).append(upload_id)
    return found


def council_money(
    rules: Rules,
    council: CouncilInfo,
    year: int,
    totals: Totals,
    allocation: Allocation | None,
    upload_ids: list[int],
) -> MoneyRow:
    """A council's money in a year: the grant (the decision, else the rule), what its
    active reports spent, and the uploads both come from."""
    decided = allocation.amount_ore if allocation is not None else None
    allocated, source = grant(rules, year, len(council.counties), decided)
    row = MoneyRow(council, year, allocated, source, totals, upload_ids=sorted(upload_ids))
    row.allocation_assumed = source == AllocationSource.RULE and rules.amount_assumed(year)
    if allocation is not None:
        row.decision_date, row.note = allocation.decision_date, allocation.note
        row.allocation_upload_id = allocation.upload_id
        row.upload_ids.append(allocation.upload_id)
    return row


def money(
    session: Session,
    rules: Rules,
    years: list[int] | None = None,
    council_ids: list[int] | None = None,
    *,
    scope: Scope,
    approved_only: bool = False,
) -> list[MoneyRow]:
    """Allocated (an uploaded decision, else the year's rule), spent and activities per
    council and year, for ``years`` (default: all years with data); ordered by council,
    then year. ``approved_only``: spent and done by the last approved reports."""
    council_ids = scope.council_ids(council_ids)
    years = sorted(years) if years else data_years(session, rules, scope=scope)
    if not years:
        return []
    totals = council_year_totals(
        session, years, council_ids, scope=scope, approved_only=approved_only
    )
    allocations = active_allocations(session, years, council_ids, scope=scope)
    uploads = _report_uploads(session, years, council_ids, approved_only)
    return [
        council_money(
            rules,
            council,
            year,
            totals.get((council.id, year), Totals()),
            allocations.get((council.id, year)),
            uploads.get((council.id, year), []),
        )
        for council in councils(session, council_ids)
        for year in years
        if council.exists_in(year)
    ]


@dataclass
class AllocationVersion:
    """One stored allocation row, active or replaced, with the upload it came from."""

    council: str
    year: int
    amount_ore: int
    decision_date: date | None
    note: str
    active: bool
    upload_id: int
    file_name: str
    uploaded_at: datetime


def allocation_history(
    session: Session,
    years: list[int] | None = None,
    council_ids: list[int] | None = None,
    *,
    scope: Scope,
) -> list[AllocationVersion]:
    """Every allocation ever uploaded (replaced ones too), newest upload first."""
    council_ids = scope.council_ids(council_ids)
    names = {c.id: c.name for c in councils(session)}
    query = (
        select(
            Allocation.council_id,
            Allocation.year,
            Allocation.amount_ore,
            Allocation.decision_date,
            Allocation.note,
            Allocation.active,
            Upload.id,
            Upload.file_name,
            Upload.uploaded_at,
        )
        .join(Upload, Upload.id == Allocation.upload_id)
        .order_by(Upload.id.desc(), Allocation.year, Allocation.council_id)
    )
    if years:
        query = query.where(Allocation.year.in_(years))
    if council_ids is not None:
        query = query.where(Allocation.council_id.in_(council_ids))
    return [
        AllocationVersion(names.get(r[0], str(r[0])), *r[1:]) for r in session.exec(query).all()
    ]


@dataclass
class PoolStatus:
    """A year's grant pool (2012: 10 million kr, shared by decision) against what the active
    decisions give out."""

    year: int
    pool_ore: int
    allocated_ore: int
    councils: int  # councils with an active decision for the year

    @property
    def left_ore(self) -> int:
        """What is left of the pool; negative: more given out than the pool holds."""
        return self.pool_ore - self.allocated_ore


def pool_status(session: Session, rules: Rules, year: int, *, scope: Scope) -> PoolStatus | None:
    """The pool of ``year`` and the sum of the active decisions of every council, or None
    for a year without a pool — and for a scope that does not cover every council (the pool
    is shared by all of them)."""
    pool = rules.pool(year)
    if pool is None or not scope.everything:
        return None
    allocations = active_allocations(session, [year], scope=scope).values()
    return PoolStatus(
        year=year,
        pool_ore=pool * 100,
        allocated_ore=sum(a.amount_ore for a in allocations),
        councils=len(allocations),
    )
