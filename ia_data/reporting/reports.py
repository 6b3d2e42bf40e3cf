"""The queries behind Frister, Økonomi, Aktiviteter, Råd and the compiled report.

Like ``queries.overview`` (which these pages reuse for the per-council view of one year),
every sum and count is made in SQL and grouped by council and year; Python only applies
the year's rules (periods, due dates, rule-based grants) to the handful of result rows.
The counting follows DESIGN.md everywhere: an activity belongs to the year of its report
(the importer keeps every date inside its report's period), ``Aktiviteter`` and the
sub-goal counts leave out cancelled activities, money spent includes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, func, or_
from sqlmodel import Session, select

from ia_data.domain.register import CouncilInfo
from ia_data.domain.rules import DeadlineStatus, ReportPeriod, Rules, Status
from ia_data.domain.values import ACTIVITY_TYPES, CANCELLED, STATUSES
from ia_data.reporting.overview import DECISION, RULE, MoneyFigures, years_with_data
from ia_data.storage.models import Activity, Allocation, Council, Meeting, Report, Upload
from ia_data.storage.register import councils

NO_SECTOR = "(ikke oppgitt)"
_COUNTED = Activity.status != CANCELLED
_GOAL = {1: Activity.goal_1, 2: Activity.goal_2, 3: Activity.goal_3}


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _sum_if(condition, column):
    return func.coalesce(func.sum(case((condition, column), else_=0)), 0)


def _councils(session: Session, council_ids: list[int] | None) -> list[CouncilInfo]:
    infos = councils(session)
    if council_ids:
        wanted = set(council_ids)
        infos = [c for c in infos if c.id in wanted]
    return infos


def data_years(session: Session, rules: Rules) -> list[int]:
    """Every year from the first to the last with data (a report or an allocation),
    within the reporting rules, oldest first — a year without data in between shows as
    a gap, not as nothing."""
    found = [y for y in years_with_data(session) if y in rules.years]
    return list(range(min(found), max(found) + 1)) if found else []


# --- deadlines -------------------------------------------------------------------------


@dataclass
class DeadlineRow:
    """One council's report for one period, and its deadline status as of a date."""

    council: CouncilInfo
    period: ReportPeriod
    status: DeadlineStatus
    submitted: date | None  # as of the as-of date: a later submission counts as none
    upload_id: int | None  # the upload of the report, if submitted as of the date

    @property
    def days_overdue(self) -> int | None:
        """Days after the due date: how late a late report came, or how long a missing
        one has been overdue as of the date."""
        if self.status.status is Status.LATE:
            return self.status.days_late
        if self.status.status is Status.MISSING:
            return -self.status.days_to_due
        return None


def deadlines(
    session: Session,
    rules: Rules,
    as_of: date,
    years: list[int] | None = None,
    council_ids: list[int] | None = None,
) -> list[DeadlineRow]:
    """Every council × reporting period of ``years`` (default: all years with data), in
    register order and then period order; a council only for the years it exists."""
    years = sorted(years) if years else data_years(session, rules)
    if not years:
        return []
    infos = _councils(session, council_ids)
    reports = {
        (r[0], r[1], r[2]): r[3:]
        for r in session.exec(
            select(
                Report.council_id, Report.year, Report.period, Report.submitted, Report.upload_id
            ).where(Report.active, Report.year.in_(years))
        ).all()
    }
    rows = []
    for council in infos:
        for year in years:
            if not council.exists_in(year):
                continue
            for period in rules.periods(year):
                submitted, upload_id = reports.get((council.id, year, period.code), (None, None))
                seen = submitted is not None and submitted <= as_of
                rows.append(
                    DeadlineRow(
                        council=council,
                        period=period,
                        status=rules.deadline_status(period, submitted, as_of),
                        submitted=submitted if seen else None,
                        upload_id=upload_id if seen else None,
                    )
                )
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


# --- money -----------------------------------------------------------------------------


@dataclass
class MoneyRow(MoneyFigures):
    """A council's grant and spending in one year."""

    council: CouncilInfo
    year: int
    allocated_ore: int | None
    allocation_source: str  # DECISION, RULE or "" (no allocation known)
    spent_ore: int
    activities: int
    decision_date: date | None = None
    note: str = ""
    allocation_upload_id: int | None = None
    upload_ids: list[int] = field(default_factory=list)  # reports and allocation behind it


def money(
    session: Session,
    rules: Rules,
    years: list[int] | None = None,
    council_ids: list[int] | None = None,
) -> list[MoneyRow]:
    """Allocated (an uploaded decision, else the year's rule), spent and activities per
    council and year, for ``years`` (default: all years with data); ordered by council,
    then year."""
    years = sorted(years) if years else data_years(session, rules)
    if not years:
        return []
    infos = _councils(session, council_ids)
    spent = {
        (r[0], r[1]): (int(r[2]), int(r[3]))
        for r in session.exec(
            select(
                Report.council_id,
                Report.year,
                func.coalesce(func.sum(Activity.cost_ore), 0),
                _count_if(_COUNTED),
            )
            .join(Report, Report.id == Activity.report_id)
            .where(Report.active, Report.year.in_(years))
            .group_by(Report.council_id, Report.year)
        ).all()
    }
    allocations = {
        (a.council_id, a.year): a
        for a in session.exec(
            select(Allocation).where(Allocation.active, Allocation.year.in_(years))
        )
    }
    uploads: dict[tuple[int, int], list[int]] = {}
    for council_id, year, upload_id in session.exec(
        select(Report.council_id, Report.year, Report.upload_id).where(
            Report.active, Report.year.in_(years)
        )
    ).all():
        uploads.setdefault((council_id, year), []).append(upload_id)
    rows = []
    for council in infos:
        for year in years:
            if not council.exists_in(year):
                continue
            cost, n = spent.get((council.id, year), (0, 0))
            allocation = allocations.get((council.id, year))
            row = MoneyRow(council, year, None, "", cost, n)
            row.upload_ids = sorted(uploads.get((council.id, year), []))
            if allocation is not None:
                row.allocated_ore, row.allocation_source = allocation.amount_ore, DECISION
                row.decision_date, row.note = allocation.decision_date, allocation.note
                row.allocation_upload_id = allocation.upload_id
                row.upload_ids.append(allocation.upload_id)
            else:
                kroner = rules.rule_allocation(year, len(council.counties))
                if kroner is not None:
                    row.allocated_ore, row.allocation_source = kroner * 100, RULE
            rows.append(row)
    return rows


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
    uploaded_at: object


def allocation_history(
    session: Session, years: list[int] | None = None, council_ids: list[int] | None = None
) -> list[AllocationVersion]:
    """Every allocation ever uploaded (replaced ones too), newest upload first."""
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
    if council_ids:
        query = query.where(Allocation.council_id.in_(council_ids))
    return [
        AllocationVersion(names.get(r[0], str(r[0])), *r[1:]) for r in session.exec(query).all()
    ]


@dataclass
class TypeSpend:
    """Money spent and activities held of one activity type, by one council in a year."""

    council_id: int
    type: str
    spent_ore: int
    activities: int  # not cancelled
    cancelled: int


def spend_by_type(
    session: Session, year: int, council_ids: list[int] | None = None
) -> list[TypeSpend]:
    """Spent per council and activity type in ``year`` (cancelled activities' costs
    included, as in ``Brukt``)."""
    query = (
        select(
            Report.council_id,
            Activity.type,
            func.coalesce(func.sum(Activity.cost_ore), 0),
            _count_if(_COUNTED),
            _count_if(Activity.status == CANCELLED),
        )
        .join(Report, Report.id == Activity.report_id)
        .where(Report.active, Report.year == year)
        .group_by(Report.council_id, Activity.type)
    )
    if council_ids:
        query = query.where(Report.council_id.in_(council_ids))
    return [TypeSpend(r[0], r[1], int(r[2]), int(r[3]), int(r[4])) for r in session.exec(query)]


def activity_types(found: set[str] | list[str]) -> list[str]:
    """Activity types in the order of WORKBOOK.md, any other stored type after them."""
    known = [t for t in ACTIVITY_TYPES if t in found]
    return known + sorted(set(found) - set(ACTIVITY_TYPES))


# --- activities ------------------------------------------------------------------------


def report_uploads(
    session: Session, year: int | None = None, council_ids: list[int] | None = None
) -> list[int]:
    """The uploads of the active reports of a year (for an export's ``Om uttrekket``)."""
    query = select(Report.upload_id).where(Report.active)
    if year is not None:
        query = query.where(Report.year == year)
    if council_ids:
        query = query.where(Report.council_id.in_(council_ids))
    return sorted(session.exec(query).all())


@dataclass
class Breakdown:
    """Activities of one kind (a type, a sector or a sub-goal) in a year."""

    key: str
    activities: int  # not cancelled
    goals: dict[int, int]  # not cancelled, per sub-goal
    participants: int  # of the activities not cancelled
    spent_ore: int  # all activities, cancelled ones included
    cancelled: int
    councils: int  # councils with at least one (not cancelled) activity


def _activity_scope(query, year: int | None, council_ids, goal: int | None):
    query = query.select_from(Activity).join(Report, Report.id == Activity.report_id)
    query = query.where(Report.active)
    if year is not None:
        query = query.where(Report.year == year)
    if council_ids:
        query = query.where(Report.council_id.in_(council_ids))
    if goal is not None:
        query = query.where(_GOAL[goal])
    return query


def activity_breakdown(
    session: Session,
    year: int,
    by: str,
    council_ids: list[int] | None = None,
    goal: int | None = None,
) -> list[Breakdown]:
    """Activities in ``year`` grouped by ``by`` — ``"type"``, ``"sector"`` or ``"goal"``.

    With ``goal``, only activities tagged with that sub-goal are counted.
    """
    if by == "goal":
        return _goal_breakdown(session, year, council_ids, goal)
    column = {"type": Activity.type, "sector": Activity.sector}[by]
    query = _activity_scope(
        select(
            column,
            _count_if(_COUNTED),
            _count_if(_COUNTED & Activity.goal_1),
            _count_if(_COUNTED & Activity.goal_2),
            _count_if(_COUNTED & Activity.goal_3),
            _sum_if(_COUNTED & Activity.participants.is_not(None), Activity.participants),
            func.coalesce(func.sum(Activity.cost_ore), 0),
            _count_if(Activity.status == CANCELLED),
            func.count(func.distinct(case((_COUNTED, Report.council_id)))),
        ),
        year,
        council_ids,
        goal,
    ).group_by(column)
    rows = [
        Breakdown(
            key=r[0] or NO_SECTOR,
            activities=int(r[1]),
            goals={1: int(r[2]), 2: int(r[3]), 3: int(r[4])},
            participants=int(r[5]),
            spent_ore=int(r[6]),
            cancelled=int(r[7]),
            councils=int(r[8]),
        )
        for r in session.exec(query).all()
    ]
    if by == "type":
        order = {t: i for i, t in enumerate(activity_types({r.key for r in rows}))}
        return sorted(rows, key=lambda r: order[r.key])
    return sorted(rows, key=lambda r: (r.key == NO_SECTOR, -r.activities, r.key))


def _goal_breakdown(session, year, council_ids, goal) -> list[Breakdown]:
    columns = []
    for k in (1, 2, 3):
        tagged = _COUNTED & _GOAL[k]
        columns += [
            _count_if(tagged),
            *(_count_if(tagged & _GOAL[j]) for j in (1, 2, 3)),
            _sum_if(tagged & Activity.participants.is_not(None), Activity.participants),
            _sum_if(_GOAL[k], Activity.cost_ore),
            _count_if(_GOAL[k] & (Activity.status == CANCELLED)),
            func.count(func.distinct(case((tagged, Report.council_id)))),
        ]
    r = session.exec(_activity_scope(select(*columns), year, council_ids, goal)).one()
    rows = []
    for i, k in enumerate((1, 2, 3)):
        f = [int(v or 0) for v in r[i * 8 : i * 8 + 8]]
        rows.append(
            Breakdown(
                key=f"Delmål {k}",
                activities=f[0],
                goals={1: f[1], 2: f[2], 3: f[3]},
                participants=f[4],
                spent_ore=f[5],
                cancelled=f[6],
                councils=f[7],
            )
        )
    return rows


@dataclass
class ActivityRow:
    """One stored activity, with its council, period and the upload it came from."""

    id: int
    date: date
    title: str
    type: str
    goals: list[int]
    sector: str
    participants: int | None
    cost_ore: int
    status: str
    organiser: str
    comment: str
    council_id: int
    council: str
    year: int
    period: str
    upload_id: int
    file_name: str
    source_row: int


def _search_condition(term: str):
    """Case-insensitive match of one word in the activity's texts. SQLite lowers only
    ASCII letters, so the word is also tried as typed, in lower, upper and title case
    (``øst`` finds ``Østfold``)."""
    variants = {term, term.lower(), term.upper(), term.capitalize()}
    columns = (Activity.title, Activity.type, Activity.sector, Activity.organiser, Activity.comment)
    return or_(*(c.icontains(v, autoescape=True) for c in columns for v in sorted(variants)))


def activity_list(
    session: Session,
    year: int | None = None,
    council_ids: list[int] | None = None,
    goal: int | None = None,
    types: list[str] | None = None,
    statuses: list[str] | None = None,
    search: str = "",
    limit: int | None = None,
) -> tuple[list[ActivityRow], int]:
    """Activities matching the filters, by council (register order), then date; and how
    many match in all (``limit`` cuts the list, not the count). ``search`` matches every
    word in the title, type, sector, organiser or comment."""
    query = _activity_scope(
        select(
            Activity.id,
            Activity.date,
            Activity.title,
            Activity.type,
            Activity.goal_1,
            Activity.goal_2,
            Activity.goal_3,
            Activity.sector,
            Activity.participants,
            Activity.cost_ore,
            Activity.status,
            Activity.organiser,
            Activity.comment,
            Report.council_id,
            Council.name,
            Report.year,
            Report.period,
            Report.upload_id,
            Upload.file_name,
            Activity.source_row,
        ),
        year,
        council_ids,
        goal,
    )
    query = query.join(Council, Council.id == Report.council_id).join(
        Upload, Upload.id == Report.upload_id
    )
    if types:
        query = query.where(Activity.type.in_(types))
    if statuses:
        query = query.where(Activity.status.in_(statuses))
    for word in search.split():
        query = query.where(_search_condition(word))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    # Register order (county number) is not a column: map each council to its position.
    position = {c.id: i for i, c in enumerate(councils(session))}
    by_register = case(position, value=Report.council_id, else_=len(position))
    query = query.order_by(by_register, Activity.date, Activity.id)
    if limit is not None:
        query = query.limit(limit)
    rows = [
        ActivityRow(
            id=r[0],
            date=r[1],
            title=r[2],
            type=r[3],
            goals=[k for k, on in zip((1, 2, 3), r[4:7], strict=True) if on],
            sector=r[7],
            participants=r[8],
            cost_ore=r[9],
            status=r[10],
            organiser=r[11],
            comment=r[12],
            council_id=r[13],
            council=r[14],
            year=r[15],
            period=r[16],
            upload_id=r[17],
            file_name=r[18],
            source_row=r[19],
        )
        for r in session.exec(query).all()
    ]
    return rows, int(total)


def activity_filter_options(session: Session, year: int | None = None) -> dict[str, list[str]]:
    """The activity types and statuses stored (for a year), for the list's filters."""
    scope = _activity_scope(select(Activity.type).distinct(), year, None, None)
    found_types = set(session.exec(scope).all())
    found_statuses = set(
        session.exec(_activity_scope(select(Activity.status).distinct(), year, None, None)).all()
    )
    statuses = [s for s in STATUSES if s in found_statuses]
    statuses += sorted(found_statuses - set(STATUSES))
    return {"types": activity_types(found_types), "statuses": statuses}


@dataclass
class MeetingRow:
    date: date
    kind: str
    present: str
    comment: str
    council_id: int
    year: int
    period: str
    upload_id: int


def meeting_list(
    session: Session, year: int | None = None, council_ids: list[int] | None = None
) -> list[MeetingRow]:
    """Council meetings on record (active reports), by council, then date."""
    query = (
        select(
            Meeting.date,
            Meeting.kind,
            Meeting.present,
            Meeting.comment,
            Report.council_id,
            Report.year,
            Report.period,
            Report.upload_id,
        )
        .join(Report, Report.id == Meeting.report_id)
        .where(Report.active)
        .order_by(Report.council_id, Meeting.date, Meeting.id)
    )
    if year is not None:
        query = query.where(Report.year == year)
    if council_ids:
        query = query.where(Report.council_id.in_(council_ids))
    return [MeetingRow(*r) for r in session.exec(query).all()]


# --- one council -----------------------------------------------------------------------


@dataclass
class PeriodReport:
    """A council's report for one period (or its absence), with its deadline status."""

    period: ReportPeriod
    status: DeadlineStatus
    submitted: date | None  # as of the as-of date
    stored: bool = False  # an active report exists (possibly submitted after the as-of date)
    upload_id: int | None = None
    file_name: str = ""
    contact: str = ""
    chair: str = ""
    chair_organisation: str = ""
    action_plan: bool | None = None
    action_plan_date: date | None = None
    answers: list[str] = field(default_factory=lambda: [""] * 5)
    activities: int = 0
    meetings: int = 0
    spent_ore: int = 0


@dataclass
class CouncilYear:
    """A council's year: its money and what it did."""

    money: MoneyRow
    goals: dict[int, int]
    meetings: int
    meetings_expected: tuple[int, int] | None

    @property
    def missing_goals(self) -> list[int]:
        return [k for k in (1, 2, 3) if self.goals[k] == 0]


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
) -> list[PeriodReport]:
    """Every period of ``years`` for one council: the active report (if any), its
    deadline status as of ``as_of``, and counts from SQL."""
    years = [y for y in years if council.exists_in(y)]
    if not years:
        return []
    stored = {
        (r.year, r.period): r
        for r in session.exec(
            select(Report).where(
                Report.council_id == council.id, Report.active, Report.year.in_(years)
            )
        )
    }
    report_ids = [r.id for r in stored.values()]
    files = dict(
        session.exec(
            select(Upload.id, Upload.file_name).where(
                Upload.id.in_([r.upload_id for r in stored.values()])
            )
        ).all()
    )
    activity = {
        r[0]: r[1:]
        for r in session.exec(
            select(
                Activity.report_id,
                _count_if(_COUNTED),
                func.coalesce(func.sum(Activity.cost_ore), 0),
            )
            .where(Activity.report_id.in_(report_ids))
            .group_by(Activity.report_id)
        ).all()
    }
    meetings = dict(
        session.exec(
            select(Meeting.report_id, func.count(Meeting.id))
            .where(Meeting.report_id.in_(report_ids))
            .group_by(Meeting.report_id)
        ).all()
    )
    result = []
    for year in years:
        for period in rules.periods(year):
            report = stored.get((year, period.code))
            submitted = report.submitted if report is not None else None
            seen = submitted is not None and submitted <= as_of
            item = PeriodReport(
                period=period,
                status=rules.deadline_status(period, submitted, as_of),
                submitted=submitted if seen else None,
            )
            if report is not None:
                n, cost = activity.get(report.id, (0, 0))
                item.stored = True
                item.upload_id = report.upload_id
                item.file_name = files.get(report.upload_id, "")
                item.contact, item.chair = report.contact, report.chair
                item.chair_organisation = report.chair_organisation
                item.action_plan = report.action_plan
                item.action_plan_date = report.action_plan_date
                item.answers = [getattr(report, f"answer_{k}") for k in range(1, 6)]
                item.activities, item.spent_ore = int(n), int(cost)
                item.meetings = int(meetings.get(report.id, 0))
            result.append(item)
    return result


def council_history(
    session: Session, rules: Rules, council_id: int, as_of: date
) -> CouncilHistory | None:
    """One council over all years with data: money, activities per sub-goal and meetings
    per year, and every period's report with its status. None for an unknown council."""
    council = next((c for c in councils(session) if c.id == council_id), None)
    if council is None:
        return None
    history = CouncilHistory(council=council)
    years = data_years(session, rules)
    if not years:
        return history
    goals = {
        r[0]: [int(v) for v in r[1:]]
        for r in session.exec(
            select(
                Report.year,
                _count_if(_COUNTED & Activity.goal_1),
                _count_if(_COUNTED & Activity.goal_2),
                _count_if(_COUNTED & Activity.goal_3),
            )
            .join(Report, Report.id == Activity.report_id)
            .where(Report.active, Report.council_id == council_id)
            .group_by(Report.year)
        ).all()
    }
    meetings = dict(
        session.exec(
            select(Report.year, func.count(Meeting.id))
            .join(Report, Report.id == Meeting.report_id)
            .where(Report.active, Report.council_id == council_id)
            .group_by(Report.year)
        ).all()
    )
    for row in money(session, rules, years, [council_id]):
        g = goals.get(row.year, [0, 0, 0])
        history.years.append(
            CouncilYear(
                money=row,
                goals={1: g[0], 2: g[1], 3: g[2]},
                meetings=int(meetings.get(row.year, 0)),
                meetings_expected=rules.meetings_expected(row.year),
            )
        )
    history.periods = council_reports(session, rules, council, years, as_of)
    return history
