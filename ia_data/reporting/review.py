"""Where each council's report stands on its route (``storage.review`` moves it): the review
state, the receipt and the last reason of each council's period, the queue of reports
waiting for the coordination unit (oldest first), and a council's history of review steps
and comments — for the pages, the exports and ``ia-data review``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, select

from ia_data.domain.access import Scope, identity
from ia_data.domain.formatting import local
from ia_data.domain.kinds import (
    APPROVED_BEFORE_REVIEW,
    GIVEN_NOT_STAMPED,
    ReceiptHow,
    ReviewAction,
    ReviewState,
)
from ia_data.reporting import columns as c
from ia_data.reporting.changes import Changes, stored_changes
from ia_data.reporting.counted import where_given
from ia_data.reporting.table import Table
from ia_data.storage.models import Council, Receipt, Review, ReviewEvent, record_fields


@dataclass
class ReviewRow:
    """A council's report for a period on its route: the state, the version it concerns
    (the newest), the last approved version, the receipt, and — sent back — the reason."""

    council_id: int
    council: str
    year: int
    period: str
    state: str
    upload_id: int
    approved_upload_id: int | None
    legacy: bool  # «godkjent før gjennomgang ble innført»
    updated_at: datetime  # since when it is in this state (waiting: since the version came)
    received_at: datetime | None = None
    receipt_given: bool = False  # «oppgitt, ikke registrert av appen»
    reason: str = ""  # the last return's reason
    points_to: str = ""  # where the last return's reason points

    @property
    def waiting(self) -> bool:
        return ReviewState(self.state).waiting

    @property
    def receipt_text(self) -> str:
        """How the receipt was recorded, as a cell says it."""
        if self.received_at is None:
            return ""
        return GIVEN_NOT_STAMPED if self.receipt_given else "registrert av appen"


def review_states(
    session: Session,
    year: int | None = None,
    council_ids: list[int] | None = None,
    *,
    scope: Scope,
    state: str | None = None,
) -> list[ReviewRow]:
    """Every council's period with a report (of ``year``; only ``state``), in scope: its
    review state, receipt and last reason; by year, period and council name. The oversight
    group and a secretariat read it as the coordination unit does (the secretariat its own
    councils')."""
    council_ids = scope.council_ids(council_ids)
    key = (
        (Receipt.council_id == Review.council_id)
        & (Receipt.year == Review.year)
        & (Receipt.period == Review.period)
    )
    query = (
        select(Review, Council.name, Receipt.received_at, Receipt.how)
        .join(Council, Council.id == Review.council_id)
        .outerjoin(Receipt, key)
        .order_by(Review.year, Review.period, Council.name)
    )
    query = where_given(
        query, (Review.year, year), (Review.council_id, council_ids), (Review.state, state)
    )
    rows = [
        ReviewRow(
            council=name,
            received_at=received_at,
            receipt_given=how == ReceiptHow.GIVEN,
            **record_fields(review, ReviewRow),
        )
        for review, name, received_at, how in session.exec(query).all()
    ]
    _add_reasons(session, [r for r in rows if r.state == ReviewState.NEEDS_FIXING])
    return rows


def _add_reasons(session: Session, rows: list[ReviewRow]) -> None:
    """The reason of the last return of each of these (sent back) reports, in one query."""
    if not rows:
        return
    returns = session.exec(
        select(
            ReviewEvent.council_id, ReviewEvent.year, ReviewEvent.period,
            ReviewEvent.text, ReviewEvent.points_to,
        )
        .where(
            ReviewEvent.council_id.in_(sorted({r.council_id for r in rows})),
            ReviewEvent.action == ReviewAction.RETURNED,
        )
        .order_by(ReviewEvent.id)
    ).all()  # fmt: skip
    last = {(c_id, year, period): (text, to) for c_id, year, period, text, to in returns}
    for row in rows:
        row.reason, row.points_to = last.get((row.council_id, row.year, row.period), ("", ""))


def review_queue(session: Session, *, scope: Scope) -> list[ReviewRow]:
    """The reports waiting for the coordination unit («Mottatt», «Mottatt på nytt»,
    «Endret etter godkjenning»), the one waiting longest first."""
    waiting = [r for r in review_states(session, scope=scope) if r.waiting]
    return sorted(waiting, key=lambda r: (r.updated_at, r.council, r.year, r.period))


@dataclass
class ReviewStep:
    """One step on a report's route or one comment in its thread."""

    id: int
    council_id: int
    council: str
    year: int
    period: str
    upload_id: int | None
    action: str
    state_after: str
    text: str
    points_to: str
    by_name: str
    by_email: str
    at: datetime

    @property
    def by(self) -> str:
        return identity(self.by_name, self.by_email)


def review_changes(
    session: Session, council_id: int, year: int, period: str, *, scope: Scope
) -> Changes | None:
    """What changed between the version of a council's report now under review and the
    version before it that the coordination unit sent back or approved (``None``: there is
    none — the first version — or the report has no review)."""
    scope.check(council_id)
    review = session.get(Review, (council_id, year, period))
    if review is None:
        return None
    judged = session.exec(
        select(ReviewEvent.upload_id)
        .where(
            ReviewEvent.council_id == council_id,
            ReviewEvent.year == year,
            ReviewEvent.period == period,
            ReviewEvent.action.in_(JUDGED),
            ReviewEvent.upload_id != review.upload_id,
        )
        .order_by(ReviewEvent.id.desc())
    ).first()
    if judged is None:
        return None
    return stored_changes(session, judged, review.upload_id, scope=scope)


# The steps that judged a version: what a new version is compared with.
JUDGED = (ReviewAction.APPROVED, ReviewAction.RETURNED, ReviewAction.LEGACY)


def review_history(
    session: Session,
    council_id: int | None = None,
    *,
    scope: Scope,
    year: int | None = None,
    period: str | None = None,
) -> list[ReviewStep]:
    """Every review step and comment of a council's reports (``None``: of every council in
    scope; ``year``, ``period``: of one report), in the order they happened. Nothing is ever
    deleted."""
    council_ids = scope.council_ids([council_id] if council_id is not None else None)
    query = (
        select(ReviewEvent, Council.name)
        .join(Council, Council.id == ReviewEvent.council_id)
        .order_by(ReviewEvent.id)
    )
    query = where_given(
        query,
        (ReviewEvent.council_id, council_ids),
        (ReviewEvent.year, year),
        (ReviewEvent.period, period),
    )
    return [
        ReviewStep(council=name, **record_fields(e, ReviewStep))
        for e, name in session.exec(query).all()
    ]


def review_states_table(rows: list[ReviewRow]) -> Table:
    """The review state of every report (the queue, a page's list, an export)."""
    return Table(
        columns=[
            c.UPLOAD_ID, c.COUNCIL, c.YEAR, c.PERIOD, c.REVIEW, c.RECEIVED, c.RECEIPT,
            c.APPROVED_UPLOAD, c.REVIEW_SINCE, c.REASON, c.POINTS_TO,
        ],
        rows=[
            [
                r.upload_id, r.council, r.year, r.period, review_text(r.state, r.legacy),
                r.received_at, r.receipt_text, r.approved_upload_id, r.updated_at,
                r.reason or None, r.points_to or None,
            ]
            for r in rows
        ],
        title="Gjennomgang",
    )  # fmt: skip


def days_waiting(row: ReviewRow, today: date) -> int:
    """How many days a report has waited for review: from the Oslo date its version came to
    ``today``."""
    return max((today - local(row.updated_at).date()).days, 0)


def review_queue_table(rows: list[ReviewRow], today: date) -> Table:
    """The queue (oldest first, as ``review_queue`` orders it) with how long each report
    has waited as of ``today``."""
    return Table(
        columns=[
            c.UPLOAD_ID, c.COUNCIL, c.YEAR, c.PERIOD, c.REVIEW, c.REVIEW_SINCE, c.DAYS_WAITING,
            c.RECEIVED,
        ],
        rows=[
            [
                r.upload_id, r.council, r.year, r.period, review_text(r.state, r.legacy),
                r.updated_at, days_waiting(r, today), r.received_at,
            ]
            for r in rows
        ],
        title="Venter på gjennomgang",
    )  # fmt: skip


def review_history_table(steps: list[ReviewStep]) -> Table:
    """A council's review steps and comments, oldest first (its export)."""
    return Table(
        columns=[
            c.WHEN, c.COUNCIL, c.YEAR, c.PERIOD, c.UPLOAD_ID, c.REVIEW_ACTION, c.REVIEW,
            c.REASON, c.POINTS_TO, c.REVIEWED_BY,
        ],
        rows=[
            [
                s.at, s.council, s.year, s.period, s.upload_id, s.action, s.state_after or None,
                s.text or None, s.points_to or None, s.by or None,
            ]
            for s in steps
        ],
        title="Gjennomgangshistorikk",
    )  # fmt: skip


def review_text(state: str, legacy: bool = False) -> str:
    """A review state as a cell says it: «Godkjent (godkjent før gjennomgang ble innført)»
    for a report approved before the route existed."""
    if not state:
        return ""
    if legacy and state == ReviewState.APPROVED:
        return f"{state} ({APPROVED_BEFORE_REVIEW})"
    return state
