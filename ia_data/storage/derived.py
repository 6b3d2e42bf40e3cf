"""State derived from the stored data and kept with it, in the transaction that changes it:
the per-report totals, and which allocation uploads are active.

Per-report totals (``ReportFigures``), summed in SQL when a report is stored.

The overview asks, for every council of a year, what was spent, how many activities there
were per sub-goal and how many meetings. Summing every activity of the year on each rerun
makes that query grow with the data; summing them once, in the transaction that stores the
report, keeps it to one row per report. ``refresh`` is that sum, and ``backfill`` makes it
for reports stored before the table existed.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import case, delete, exists, func, insert, select, update
from sqlmodel import Session

from ia_data.domain.kinds import ActivityStatus, UploadKind
from ia_data.storage.models import Activity, Allocation, Meeting, Report, ReportFigures, Upload

GOALS = {1: Activity.goal_1, 2: Activity.goal_2, 3: Activity.goal_3}
COLUMNS = [
    "report_id", "spent_ore", "activities", "goal_1", "goal_2", "goal_3",
    "goal_1_spent_ore", "goal_2_spent_ore", "goal_3_spent_ore", "meetings",
]  # fmt: skip


def _sums(report_filter):
    """SELECT report id and its totals for the reports ``report_filter`` picks."""
    counted = Activity.status != ActivityStatus.CANCELLED

    def count_if(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    def cost_if(condition):
        return func.coalesce(func.sum(case((condition, Activity.cost_ore), else_=0)), 0)

    meetings = (
        select(func.count(Meeting.id)).where(Meeting.report_id == Report.id).scalar_subquery()
    )
    return (
        select(
            Report.id,
            func.coalesce(func.sum(Activity.cost_ore), 0),
            count_if(counted),
            *(count_if(counted & GOALS[k]) for k in (1, 2, 3)),
            *(cost_if(GOALS[k]) for k in (1, 2, 3)),
            meetings,
        )
        .select_from(Report)
        .outerjoin(Activity, Activity.report_id == Report.id)
        .where(report_filter)
        .group_by(Report.id)
    )


def refresh(session: Session, report_ids: Iterable[int]) -> None:
    """(Re)compute the totals of these reports, inside the caller's transaction."""
    ids = list(report_ids)
    if not ids:
        return
    session.exec(delete(ReportFigures).where(ReportFigures.report_id.in_(ids)))
    session.exec(insert(ReportFigures).from_select(COLUMNS, _sums(Report.id.in_(ids))))


def backfill(session: Session) -> int:
    """Compute the totals of every report that has none yet; returns how many."""
    missing = select(ReportFigures.report_id)
    result = session.exec(
        insert(ReportFigures).from_select(COLUMNS, _sums(Report.id.not_in(missing)))
    )
    return result.rowcount or 0


# An allocation upload is active while any of its rows is the active allocation of its
# council and year (a newer decision may replace some of its rows and not others).
_STILL_ACTIVE = exists().where(
    Allocation.upload_id == Upload.id,
    Allocation.active == True,  # noqa: E712
)


def sync_allocation_uploads(session: Session, upload_ids: Iterable[int] | None = None) -> None:
    """Set the active flag of these allocation uploads (default: all) from their rows."""
    query = update(Upload).where(Upload.kind == UploadKind.ALLOCATION)
    if upload_ids is not None:
        ids = sorted(set(upload_ids))
        if not ids:
            return
        query = query.where(Upload.id.in_(ids))
        # Two servers replacing different rows of one older decision at once each lock only
        # their own councils. Lock the upload rows first, in one order: the UPDATE below is
        # then a new statement that sees the other's rows committed (on PostgreSQL an UPDATE
        # that merely waited would judge them from its own, older snapshot).
        session.exec(
            select(Upload.id).where(Upload.id.in_(ids)).order_by(Upload.id).with_for_update()
        ).all()
    session.exec(query.values(active=_STILL_ACTIVE).execution_options(synchronize_session=False))
