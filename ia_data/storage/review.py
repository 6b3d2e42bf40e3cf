"""A report's route (the letters: secretariat → the coordination unit → the oversight group):
the receipt the server stamps when a council's report for a period first arrives, and the
review state the coordination unit moves.

``record_arrival`` runs inside the transaction that stores a version (an upload or a
restore): the first version stamps the receipt, and every version moves the state as
``ReviewState``'s table says. ``approve``, ``send_back`` and ``comment`` are the coordination
unit's writes; each names the upload the reviewer saw, and a state changes only by a
conditional UPDATE on the state and the version seen, so that of two reviewers acting at
once one wins and the other is told what happened. Every step and comment is a
``ReviewEvent``, kept for good.

Each step writes its e-mail notices to the outbox in its own transaction
(``ia_data.notices.reviewing``): «Mottatt på nytt» when a version arrives after a return,
«Trenger retting», «Godkjent», «Ny kommentar». ``approve``, ``send_back`` and ``comment``
return their message as an ``Outcome`` (a ``str``) whose ``outbox_ids`` the caller hands to
``ia_data.notices.deliver.deliver`` after the commit: the step never waits for the mail
server.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ia_data.domain.access import UNNAMED, Actor, Scope, identity
from ia_data.domain.errors import UserError
from ia_data.domain.formatting import TIMEZONE, local
from ia_data.domain.kinds import (
    APPROVED_BEFORE_REVIEW,
    NoticeKind,
    ReceiptHow,
    ReviewAction,
    ReviewState,
    UploadKind,
)
from ia_data.notices import reviewing
from ia_data.notices.outbox import Outcome, enqueued_in
from ia_data.storage.engine import writing
from ia_data.storage.models import Council, Receipt, Review, ReviewEvent, Upload
from ia_data.storage.version import bump_data_version

# A new version moves the state thus; a state not named stays as it is.
ON_ARRIVAL = {
    ReviewState.NEEDS_FIXING: ReviewState.RECEIVED_AGAIN,
    ReviewState.APPROVED: ReviewState.CHANGED_AFTER_APPROVAL,
}
NOTHING_CHANGED = "ingenting er endret"


class ReviewError(UserError):
    """A review step that cannot be taken; the message says why, in Norwegian."""


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC).replace(microsecond=0)


def given_moment(day: date) -> datetime:
    """A date given in a report as a receipt's moment: its midnight in Oslo, in UTC (its
    Oslo date is the date given)."""
    return datetime.combine(day, time(0), TIMEZONE).astimezone(UTC)


def received_on(moment: datetime) -> date:
    """A receipt's date, in Oslo: what the deadline status judges."""
    return local(moment).date()


def record_arrival(
    session: Session,
    upload: Upload,
    *,
    by: Actor,
    now: datetime,
    given: date | None = None,
    legacy: bool | None = None,
) -> Receipt:
    """A version of a council's report arrived (``upload``, stored or restored in the
    caller's transaction, its council's row locked): the first stamps the receipt (``now``,
    or, for an operator's historical load, the date ``given`` in the report, marked
    «oppgitt»), and the review state moves — none → «Mottatt» (a historical load:
    «Godkjent», approved before the route existed), «Trenger retting» → «Mottatt på nytt»,
    «Godkjent» → «Endret etter godkjenning»; the others stay, the version they concern
    follows the newest. A correction or a restore never changes the receipt. ``legacy``
    (default: a historical load is): a first version approved before the route existed.
    Returns the period's receipt (for the upload's confirmation)."""
    receipt = session.get(Receipt, _key(upload))
    if receipt is None:
        receipt = Receipt(
            **_key_fields(upload),
            received_at=now if given is None else given_moment(given),
            how=ReceiptHow.APP if given is None else ReceiptHow.GIVEN,
            upload_id=upload.id,
        )
        session.add(receipt)
    review = session.exec(
        select(Review)
        .where(*_where(upload.council_id, upload.year, upload.period))
        .with_for_update()
    ).first()
    if review is None:
        legacy = given is not None if legacy is None else legacy
        state = ReviewState.APPROVED if legacy else ReviewState.RECEIVED
        session.add(
            Review(
                **_key_fields(upload),
                state=state,
                upload_id=upload.id,
                approved_upload_id=upload.id if legacy else None,
                legacy=legacy,
                updated_at=now,
            )
        )
        action = ReviewAction.LEGACY if legacy else ReviewAction.ARRIVED
        _event(session, upload, action, state, by, now, APPROVED_BEFORE_REVIEW if legacy else "")
        return receipt
    state = ON_ARRIVAL.get(ReviewState(review.state), ReviewState(review.state))
    review.state, review.upload_id, review.updated_at = state, upload.id, now
    session.add(review)
    event = _event(session, upload, ReviewAction.ARRIVED, state, by, now)
    if state == ReviewState.RECEIVED_AGAIN:
        session.flush()
        reviewing.review_step(session, upload, event, NoticeKind.RECEIVED_AGAIN, by=by, now=now)
    return receipt


def _key(upload: Upload) -> tuple[int, int, str]:
    return (upload.council_id, upload.year, upload.period)


def _key_fields(upload: Upload) -> dict:
    return {"council_id": upload.council_id, "year": upload.year, "period": upload.period}


def _where(council_id: int, year: int, period: str) -> tuple:
    return (Review.council_id == council_id, Review.year == year, Review.period == period)


def _event(session, upload, action, state, by: Actor, now, text="", points_to="") -> ReviewEvent:
    event = ReviewEvent(
        **_key_fields(upload),
        upload_id=upload.id,
        action=action,
        state_after=state,
        text=text,
        points_to=points_to,
        by_name=by.stored_name,
        by_email=by.stored_email,
        at=now,
    )
    session.add(event)
    return event


def _report_upload(session: Session, upload_id: int) -> Upload:
    upload = session.get(Upload, upload_id)
    if upload is None or upload.kind != UploadKind.REPORT:
        raise ReviewError(f"Opplasting nr. {upload_id} er ingen rapport; {NOTHING_CHANGED}")
    return upload


def _what(session: Session, upload: Upload) -> str:
    """The report an upload is, in words: «IA-rådet i Troms, 2012 H1»."""
    council = session.get(Council, upload.council_id)
    return f"{council.name}, {upload.year} {upload.period}"


def _refusal(session: Session, review: Review | None, upload: Upload, doing: str) -> str | None:
    """Why ``doing`` (approve, send back) the version ``upload`` cannot be done now, or None."""
    what = _what(session, upload)
    if review is None:
        return f"Rapporten ({what}) har ingen gjennomgang ennå; {NOTHING_CHANGED}"
    if review.upload_id != upload.id:
        return (
            f"En nyere versjon (opplasting nr. {review.upload_id}) kom inn etter opplasting "
            f"nr. {upload.id} ({what}); se på den før du {doing} noe; {NOTHING_CHANGED}"
        )
    if review.state == ReviewState.APPROVED:
        return (
            f"Rapporten ({what}, opplasting nr. {upload.id}) er allerede godkjent"
            f"{_by_whom(session, upload)}; {NOTHING_CHANGED}"
        )
    if review.state == ReviewState.NEEDS_FIXING:
        return (
            f"Rapporten ({what}, opplasting nr. {upload.id}) er sendt tilbake"
            f"{_by_whom(session, upload)} og venter på en rettet versjon fra sekretariatet; "
            f"{NOTHING_CHANGED}"
        )
    return None


def _last_step(session: Session, upload: Upload) -> ReviewEvent | None:
    """The last step on the route of the report ``upload`` is a version of (no comment)."""
    return session.exec(
        select(ReviewEvent)
        .where(*_event_where(upload), ReviewEvent.action != ReviewAction.COMMENT)
        .order_by(ReviewEvent.id.desc())
    ).first()


def _by_whom(session: Session, upload: Upload) -> str:
    """« (av Kari Nordmann (kari@x.no) 06.12.2026 01:02)», from the last step; or nothing."""
    last = _last_step(session, upload)
    if last is None:
        return ""
    who = identity(last.by_name, last.by_email)
    return f" ({'av ' + who + ' ' if who else ''}{local(last.at):%d.%m.%Y %H:%M})"


def _lost(session: Session, upload: Upload, seen: str) -> str:
    """What another reviewer did between this one's look and their click."""
    review = session.get(Review, _key(upload))
    last = _last_step(session, upload)
    return (
        f"Noen andre rakk det først: rapporten ({_what(session, upload)}) var «{seen}» da du "
        f"så den, og er nå «{review.state}» (opplasting nr. {review.upload_id}; "
        f"{last.action if last else 'endret'}{_by_whom(session, upload)}); {NOTHING_CHANGED}"
    )


def _event_where(upload: Upload) -> tuple:
    return (
        ReviewEvent.council_id == upload.council_id,
        ReviewEvent.year == upload.year,
        ReviewEvent.period == upload.period,
    )


NOTICE_OF = {
    ReviewState.APPROVED: NoticeKind.APPROVED,
    ReviewState.NEEDS_FIXING: NoticeKind.NEEDS_FIXING,
}


def _move(engine, upload_id, scope, by, now, to, action, doing, text="", points_to=""):
    """Approve or send back the version ``upload_id``: checked against the state, then one
    conditional UPDATE (the state and the version seen), the event and its notices, in one
    transaction. Returns the report in words and the outbox rows written."""
    scope.check_review()
    now = _now(now)
    with writing(), Session(engine) as session:
        upload = _report_upload(session, upload_id)
        review = session.get(Review, _key(upload))
        refusal = _refusal(session, review, upload, doing)
        if refusal:
            raise ReviewError(refusal)
        seen = review.state
        values = {"state": to, "updated_at": now}
        if to == ReviewState.APPROVED:
            values.update(approved_upload_id=upload.id, legacy=False)
        moved = session.exec(
            update(Review)
            .where(*_where(*_key(upload)), Review.state == seen, Review.upload_id == upload.id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:
            session.rollback()
            raise ReviewError(_lost(session, upload, seen))
        event = _event(session, upload, action, to, by, now, text, points_to)
        session.flush()
        reviewing.review_step(session, upload, event, NOTICE_OF[to], by=by, now=now)
        bump_data_version(session)
        what, written = _what(session, upload), enqueued_in(session)
        session.commit()
    return what, written


def approve(
    engine: Engine,
    upload_id: int,
    *,
    scope: Scope,
    by: Actor = UNNAMED,
    now: datetime | None = None,
) -> Outcome:
    """Approve the version ``upload_id`` of a council's report (the one the reviewer saw):
    from «Mottatt», «Mottatt på nytt» or «Endret etter godkjenning» to «Godkjent». Refused
    if a newer version came in, or the state allows no approval; the coordination unit
    and admins only."""
    what, written = _move(
        engine, upload_id, scope, by, now, ReviewState.APPROVED, ReviewAction.APPROVED,
        "godkjenner",
    )  # fmt: skip
    return Outcome(f"Opplasting nr. {upload_id} ({what}) er godkjent", written)


def send_back(
    engine: Engine,
    upload_id: int,
    reason: str,
    *,
    scope: Scope,
    by: Actor = UNNAMED,
    points_to: str = "",
    now: datetime | None = None,
) -> Outcome:
    """Send the version ``upload_id`` back to the secretariat with a ``reason`` (required;
    ``points_to``: a sheet, a row or a question, optional): «Trenger retting». The same
    rules as ``approve``."""
    reason = reason.replace("\x00", "").strip()
    if not reason:
        scope.check_review()
        raise ReviewError(
            f"Skriv hvorfor opplasting nr. {upload_id} sendes tilbake (grunnen er påkrevd); "
            f"{NOTHING_CHANGED}"
        )
    what, written = _move(
        engine, upload_id, scope, by, now, ReviewState.NEEDS_FIXING, ReviewAction.RETURNED,
        "sender", reason, points_to.replace("\x00", "").strip(),
    )  # fmt: skip
    return Outcome(f"Opplasting nr. {upload_id} ({what}) er sendt tilbake: {reason}", written)


def comment(
    engine: Engine,
    upload_id: int,
    text: str,
    *,
    scope: Scope,
    by: Actor = UNNAMED,
    now: datetime | None = None,
) -> Outcome:
    """A comment in the thread of a council's report (about the version ``upload_id``):
    by the coordination unit, an admin or the council's own secretariat. The state stays."""
    now = _now(now)
    text = text.replace("\x00", "").strip()
    with writing(), Session(engine) as session:
        upload = _report_upload(session, upload_id)
        scope.check_comment(upload.council_id)
        if not text:
            raise ReviewError(f"Kommentaren er tom; {NOTHING_CHANGED}")
        review = session.get(Review, _key(upload))
        state = review.state if review is not None else ""
        event = _event(session, upload, ReviewAction.COMMENT, state, by, now, text)
        session.flush()
        reviewing.review_step(
            session, upload, event, NoticeKind.COMMENT, by=by, reviewer=scope.may_review, now=now
        )
        bump_data_version(session)
        what, written = _what(session, upload), enqueued_in(session)
        session.commit()
    return Outcome(f"Kommentaren er lagret ({what}, opplasting nr. {upload_id})", written)
