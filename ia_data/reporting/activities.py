"""Activities: per sub-goal, type and sector (Aktiviteter), spent per type (Økonomi), the
searchable list of activities (Aktiviteter, Råd, the compiled report) and the list of
council meetings. Every sum and count is made in SQL, over the activities of active
reports, and counts as DESIGN.md says: ``Aktiviteter`` and the sub-goal counts leave out
cancelled activities, ``Brukt`` includes them. (The totals per council and year, which
every other page shows, come from ``totals``.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, or_
from sqlmodel import Session, select

from ia_data.domain.access import Scope
from ia_data.domain.kinds import ActivityStatus
from ia_data.domain.values import ACTIVITY_TYPES, STATUSES
from ia_data.reporting.counted import counted, where_given
from ia_data.storage.models import Activity, Council, Meeting, Report, Upload
from ia_data.storage.register import councils

NO_SECTOR = "(ikke oppgitt)"
_COUNTED = Activity.status != ActivityStatus.CANCELLED
_CANCELLED = Activity.status == ActivityStatus.CANCELLED
_GOAL = {1: Activity.goal_1, 2: Activity.goal_2, 3: Activity.goal_3}


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _sum_if(condition, column):
    return func.coalesce(func.sum(case((condition, column), else_=0)), 0)


_SPENT = func.coalesce(func.sum(Activity.cost_ore), 0)  # ``Brukt``: cancelled ones included


# --- deadlines -------------------------------------------------------------------------


# --- money -----------------------------------------------------------------------------


def activity_types(found: set[str] | list[str]) -> list[str]:
    """Activity types in the order of docs/arbeidsboka.md, any other stored type after them."""
    known = [t for t in ACTIVITY_TYPES if t in found]
    return known + sorted(set(found) - set(ACTIVITY_TYPES))


# --- activities ------------------------------------------------------------------------


def report_uploads(
    session: Session,
    year: int | None = None,
    council_ids: list[int] | None = None,
    *,
    scope: Scope,
    approved_only: bool = False,
) -> list[int]:
    """The uploads of the counted reports of a year (for an export's ``Om uttrekket``)."""
    council_ids = scope.council_ids(council_ids)
    query = select(Report.upload_id).where(counted(approved_only))
    query = where_given(query, (Report.year, year), (Report.council_id, council_ids))
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


def _activity_scope(
    query, year: int | None, council_ids, goal: int | None, period=None, approved_only=False
):
    query = query.select_from(Activity).join(Report, Report.id == Activity.report_id)
    query = where_given(
        query.where(counted(approved_only)),
        (Report.year, year),
        (Report.period, period),
        (Report.council_id, council_ids),
    )
    if goal is not None:
        query = query.where(_GOAL[goal])
    return query


def activity_breakdown(
    session: Session,
    year: int,
    by: str,
    council_ids: list[int] | None = None,
    goal: int | None = None,
    *,
    scope: Scope,
    approved_only: bool = False,
) -> list[Breakdown]:
    """Activities in ``year`` grouped by ``by`` — ``"type"``, ``"sector"`` or ``"goal"``.

    With ``goal``, only activities tagged with that sub-goal are counted.
    """
    council_ids = scope.council_ids(council_ids)
    if by == "goal":
        return _goal_breakdown(session, year, council_ids, goal, approved_only)
    column = {"type": Activity.type, "sector": Activity.sector}[by]
    query = _activity_scope(
        select(
            column,
            _count_if(_COUNTED),
            _count_if(_COUNTED & Activity.goal_1),
            _count_if(_COUNTED & Activity.goal_2),
            _count_if(_COUNTED & Activity.goal_3),
            _sum_if(_COUNTED & Activity.participants.is_not(None), Activity.participants),
            _SPENT,
            _count_if(_CANCELLED),
            func.count(func.distinct(case((_COUNTED, Report.council_id)))),
        ),
        year,
        council_ids,
        goal,
        approved_only=approved_only,
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


def _goal_breakdown(session, year, council_ids, goal, approved_only=False) -> list[Breakdown]:
    columns = []
    for k in (1, 2, 3):
        tagged = _COUNTED & _GOAL[k]
        columns += [
            _count_if(tagged),
            *(_count_if(tagged & _GOAL[j]) for j in (1, 2, 3)),
            _sum_if(tagged & Activity.participants.is_not(None), Activity.participants),
            _sum_if(_GOAL[k], Activity.cost_ore),
            _count_if(_GOAL[k] & _CANCELLED),
            func.count(func.distinct(case((tagged, Report.council_id)))),
        ]
    r = session.exec(
        _activity_scope(select(*columns), year, council_ids, goal, approved_only=approved_only)
    ).one()
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
    measure: str = ""  # the plan's measure number («Tiltak nr.»), or empty
    themes: str = ""  # the year's priority themes it names, separated by "|"


# The columns of an ``ActivityRow`` (its sub-goals aside), named as its fields.
_LISTED = (
    Activity.id,
    Activity.date,
    Activity.title,
    Activity.type,
    Activity.sector,
    Activity.participants,
    Activity.cost_ore,
    Activity.status,
    Activity.organiser,
    Activity.comment,
    Report.council_id,
    Council.name.label("council"),
    Report.year,
    Report.period,
    Report.upload_id,
    Upload.file_name,
    Activity.source_row,
    Activity.measure,
    Activity.themes,
)
# The listed columns' names, read once (an attribute's ``name`` is slow to look up).
_LISTED_NAMES = tuple(c.name for c in _LISTED)


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
    *,
    scope: Scope,
    period: str | None = None,
    approved_only: bool = False,
    newest: bool = False,
) -> tuple[list[ActivityRow], int]:
    """Activities matching the filters, by council (register order), then date; and how
    many match in all (``limit`` cuts the list, not the count: to its first activities, or
    with ``newest`` to its newest, still listed in that order). ``search`` matches every
    word in the title, type, sector, organiser or comment."""
    council_ids = scope.council_ids(council_ids)
    query = _activity_scope(
        select(*_LISTED, Activity.goal_1, Activity.goal_2, Activity.goal_3),
        year,
        council_ids,
        goal,
        period,
        approved_only,
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
    if limit is not None and newest:
        kept = query.with_only_columns(Activity.id).order_by(
            Activity.date.desc(), Activity.id.desc()
        )
        query, limit = query.where(Activity.id.in_(kept.limit(limit).scalar_subquery())), None
    # Register order (county number) is not a column: map each council to its position.
    position = {c.id: i for i, c in enumerate(councils(session))}
    by_register = case(position, value=Report.council_id, else_=len(position))
    query = query.order_by(by_register, Activity.date, Activity.id)
    if limit is not None:
        query = query.limit(limit)
    listed = len(_LISTED_NAMES)
    rows = [
        ActivityRow(
            goals=[k for k, on in zip((1, 2, 3), row[listed:], strict=True) if on],
            **dict(zip(_LISTED_NAMES, row[:listed], strict=True)),
        )
        for row in session.exec(query).all()
    ]
    return rows, int(total)


def activity_filter_options(
    session: Session, year: int | None = None, *, scope: Scope
) -> dict[str, list[str]]:
    """The activity types and statuses stored (for a year), for the list's filters."""
    council_ids = scope.council_ids()
    found_types = set(
        session.exec(
            _activity_scope(select(Activity.type).distinct(), year, council_ids, None)
        ).all()
    )
    found_statuses = set(
        session.exec(
            _activity_scope(select(Activity.status).distinct(), year, council_ids, None)
        ).all()
    )
    statuses = [s for s in STATUSES if s in found_statuses]
    statuses += sorted(found_statuses - set(STATUSES))
    return {"types": activity_types(found_types), "statuses": statuses}


@dataclass
class MeetingRow:
    """A council meeting, and the report that records it."""

    date: date
    kind: str
    present: str
    comment: str
    council_id: int
    year: int
    period: str
    upload_id: int


# What a MeetingRow is read from, field by field.
_MEETING_ROW = (
    Meeting.date,
    Meeting.kind,
    Meeting.present,
    Meeting.comment,
    Report.council_id,
    Report.year,
    Report.period,
    Report.upload_id,
)


def meeting_list(
    session: Session,
    year: int | None = None,
    council_ids: list[int] | None = None,
    *,
    scope: Scope,
    period: str | None = None,
    approved_only: bool = False,
) -> list[MeetingRow]:
    """Council meetings on record (active reports; ``period``: of that period's reports),
    by council, then date."""
    council_ids = scope.council_ids(council_ids)
    query = (
        select(*_MEETING_ROW)
        .join(Report, Report.id == Meeting.report_id)
        .where(counted(approved_only))
        .order_by(Report.council_id, Meeting.date, Meeting.id)
    )
    query = where_given(
        query, (Report.year, year), (Report.council_id, council_ids), (Report.period, period)
    )
    return [MeetingRow(*r) for r in session.exec(query).all()]


# --- one council -----------------------------------------------------------------------


@dataclass
class TypeSpend:
    """Money spent and activities held of one activity type, by one council in a year."""

    council_id: int
    type: str
    spent_ore: int
    activities: int  # not cancelled
    cancelled: int


def spend_by_type(
    session: Session,
    year: int,
    council_ids: list[int] | None = None,
    *,
    scope: Scope,
    approved_only: bool = False,
) -> list[TypeSpend]:
    """Spent per council and activity type in ``year`` (cancelled activities' costs
    included, as in ``Brukt``)."""
    council_ids = scope.council_ids(council_ids)
    query = _activity_scope(
        select(
            Report.council_id, Activity.type, _SPENT, _count_if(_COUNTED), _count_if(_CANCELLED)
        ),
        year,
        council_ids,
        None,
        approved_only=approved_only,
    ).group_by(Report.council_id, Activity.type)
    return [TypeSpend(r[0], r[1], int(r[2]), int(r[3]), int(r[4])) for r in session.exec(query)]
