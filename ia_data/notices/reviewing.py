"""The notices of a review action, written to the outbox in the action's own transaction
(``storage.review``, ``output.forward``): «Trenger retting» and «Godkjent» to the council
(its secretariat and contact address), «Ny kommentar» to the other side of the thread,
«Mottatt på nytt» to the coordination unit, «Videresendt» to the oversight group. The
action never waits for the mail server: the caller hands the rows written
(``outbox.enqueued_in``) to ``deliver`` after the commit."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from ia_data import settings
from ia_data.domain.access import Actor, Role
from ia_data.domain.kinds import NoticeKind
from ia_data.notices import compose
from ia_data.notices.compose import Letter
from ia_data.notices.outbox import enqueue
from ia_data.notices.recipients import council_recipients, role_recipients
from ia_data.storage.models import Council, ReviewEvent, Upload


def _what(upload: Upload) -> str:
    period = settings.current().rules().period(upload.year, upload.period)
    return compose.period_words(upload.year, upload.period, period.name if period else "")


def _send(session, kind, recipients, letter: Letter, occasion, upload, now, by: Actor) -> list[int]:
    """One notice per recipient (never the one who acted), enqueued."""
    base = settings.current().base_url
    council = session.get(Council, upload.council_id)
    about = {
        "council_id": upload.council_id,
        "council": council.name,
        "year": upload.year,
        "period": upload.period,
    }
    mine = by.stored_email
    notices = [
        compose.notice(r, kind, occasion, letter, base, **about)
        for r in recipients
        if r.email != mine
    ]
    return enqueue(session, notices, now)


def review_step(
    session: Session,
    upload: Upload,
    event: ReviewEvent,
    kind: NoticeKind,
    *,
    by: Actor,
    reviewer: bool = True,
    now: datetime | None = None,
) -> list[int]:
    """The notices of one review step (``event``, flushed: its id is the occasion):
    ``kind`` «Trenger retting», «Godkjent», «Ny kommentar» (``reviewer``: written by the
    coordination unit's side, so to the council; else to the coordination unit) or
    «Mottatt på nytt». Returns the outbox ids written."""
    council = session.get(Council, upload.council_id).name
    base, what, who = settings.current().base_url, _what(upload), by.shown
    args = (council, upload.council_id, what, upload.id)
    to_council = True
    if kind == NoticeKind.NEEDS_FIXING:
        letter = compose.sent_back(*args, event.text, event.points_to, who, base)
    elif kind == NoticeKind.APPROVED:
        letter = compose.approved(*args, who, base)
    elif kind == NoticeKind.COMMENT:
        letter = compose.commented(*args, event.text, who, not reviewer, base)
        to_council = reviewer
    else:
        letter = compose.received_again(council, what, upload.id, base)
        to_council = False
    recipients = (
        council_recipients(session, upload.council_id, kind)
        if to_council
        else role_recipients(session, (Role.COORDINATION,), kind)
    )
    return _send(session, kind, recipients, letter, f"steg {event.id}", upload, now, by)


def forwarded(
    session: Session,
    forwarded_id: int,
    year: int,
    period: str | None,
    file_name: str,
    *,
    by: Actor,
    now: datetime | None = None,
) -> list[int]:
    """«Videresendt» to the oversight group: a period's compiled report was forwarded."""
    kind, base = NoticeKind.FORWARDED, settings.current().base_url
    label = str(year) if period is None else f"{year} {period}"
    letter = compose.forwarded(label, file_name, by.shown, base)
    occasion = f"videresendt nr. {forwarded_id}"
    notices = [
        compose.notice(r, kind, occasion, letter, base, year=year, period=period)
        for r in role_recipients(session, (Role.OVERSIGHT,), kind)
        if r.email != by.stored_email
    ]
    return enqueue(session, notices, now)
