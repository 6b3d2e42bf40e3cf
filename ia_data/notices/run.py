"""The daily run (``ia-data varsler send``, a systemd timer or cron): what is due that day
(``due.due_notices``) written to the outbox in one transaction, then everything waiting
delivered — also what failed for now on an earlier run or right after a review action."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from ia_data.domain.rules import Rules
from ia_data.notices.deliver import DeliveryReport, deliver
from ia_data.notices.due import due_notices
from ia_data.notices.notice import Notice
from ia_data.notices.outbox import enqueue
from ia_data.settings import Settings
from ia_data.storage.engine import writing


@dataclass
class DailyRun:
    """What a run did: the notices due (all of them, also those an earlier run already wrote),
    the outbox rows written now, and the delivery (None for a dry run)."""

    as_of: date
    notices: list[Notice]
    enqueued: list[int] = field(default_factory=list)
    delivery: DeliveryReport | None = None
    dry_run: bool = False

    @property
    def message(self) -> str:
        count = len(self.notices)
        noun = "varsel" if count == 1 else "varsler"
        due = f"{count} {noun} til sending {self.as_of:%d.%m.%Y}"
        if self.dry_run:
            return f"{due}; prøvekjøring: ingenting er lagret eller sendt"
        said = f"{due}, {len(self.enqueued)} nye i utboksen"
        return f"{said}. {self.delivery.message}" if self.delivery else said


def run_daily(
    engine: Engine,
    settings: Settings,
    rules: Rules,
    as_of: date,
    dry_run: bool = False,
    now: datetime | None = None,
) -> DailyRun:
    """Work out what is due on ``as_of``, write it to the outbox (once: a second run writes
    nothing new) and deliver what waits. ``dry_run``: only the messages, nothing stored or
    sent."""
    notices = due_notices(engine, rules, as_of, settings)
    if dry_run:
        return DailyRun(as_of, notices, dry_run=True)
    now = now or datetime.now(UTC).replace(microsecond=0)
    with writing(), Session(engine) as session:
        written = enqueue(session, notices, now)
        session.commit()
    return DailyRun(as_of, notices, written, deliver(engine, settings, now=now, rules=rules))
