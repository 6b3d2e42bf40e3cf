"""Forwarding a period to the oversight group («Send til oppfølgingsgruppen»), on record: the
compiled report as it was sent — its exact bytes, their SHA-256, who and when — kept for
good, so that what the oversight group got can be downloaded again as it was, whatever is
approved or corrected after.

The coordination unit and admins forward; the oversight group, the coordination unit and
admins list and download what was forwarded. A secretariat gets an empty list and no file:
a compiled report holds every council's figures, not only its own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ia_data import settings
from ia_data.domain.access import UNNAMED, Actor, Role, Scope, identity
from ia_data.domain.errors import UserError
from ia_data.domain.formatting import local
from ia_data.domain.rules import Rules
from ia_data.notices.reviewing import forwarded as notify_forwarded
from ia_data.reporting import columns as c
from ia_data.reporting.table import Table
from ia_data.storage.engine import writing
from ia_data.storage.models import Forwarded
from ia_data.storage.store import sha256_of
from ia_data.storage.version import bump_data_version

READERS = (Role.ADMIN, Role.OVERSIGHT, Role.COORDINATION)


class ForwardError(UserError):
    """A period that cannot be forwarded; the message says why, in Norwegian."""


@dataclass(frozen=True)
class ForwardedReport:
    """A compiled report forwarded to the oversight group (without its bytes)."""

    id: int
    year: int
    period: str | None
    file_name: str
    sha256: str
    size: int
    forwarded_by: str
    forwarded_by_email: str
    forwarded_at: datetime
    outbox_ids: tuple[int, ...] = ()  # «Videresendt» to the oversight group, to deliver

    @property
    def by(self) -> str:
        return identity(self.forwarded_by, self.forwarded_by_email)

    @property
    def label(self) -> str:
        return str(self.year) if self.period is None else f"{self.year} {self.period}"


def forward_period(
    engine: Engine,
    year: int,
    period: str | None = None,
    *,
    scope: Scope,
    by: Actor = UNNAMED,
    rules: Rules | None = None,
    as_of: date | None = None,
    now: datetime | None = None,
) -> ForwardedReport:
    """Make the compiled report of ``year`` (``period``: one half-year) as it stands — the
    approved versions, statuses as of ``as_of`` (default: today in Oslo) — and store its
    bytes with who and when, in one transaction, with the notice «Videresendt» to the
    oversight group written to the outbox (``outbox_ids``: for the caller to deliver after
    the commit). The coordination unit and admins only."""
    scope.check_review()
    rules = rules or settings.current().rules()
    now = now or datetime.now(UTC).replace(microsecond=0)
    periods = [p.code for p in rules.periods(year)]
    if not periods:
        raise ForwardError(f"Reglene har ingen rapportperioder for {year}; ingenting er sendt")
    if period is not None and period not in periods:
        raise ForwardError(
            f"{year} har ingen rapportperiode «{period}» (bare {', '.join(periods)}); "
            "ingenting er sendt"
        )
    as_of = as_of or local(now).date()
    # (openpyxl with it: the review page imports this module, and only a forwarding writes.)
    from ia_data.output.compiled import compiled_report

    with writing(), Session(engine) as session:
        data = compiled_report(session, rules, year, as_of, now, scope=scope, period=period)
        suffix = f"{year}" if period is None else f"{year}-{period}"
        row = Forwarded(
            year=year,
            period=period,
            file_name=f"samlet-rapport-{suffix}.xlsx",
            sha256=sha256_of(data),
            content=data,
            forwarded_by=by.stored_name,
            forwarded_by_email=by.stored_email,
            forwarded_at=now,
        )
        session.add(row)
        bump_data_version(session)
        session.flush()
        written = notify_forwarded(session, row.id, year, period, row.file_name, by=by, now=now)
        found = replace(_listed(row, len(data)), outbox_ids=tuple(written))
        session.commit()
    return found


def _listed(row: Forwarded, size: int) -> ForwardedReport:
    return ForwardedReport(
        row.id, row.year, row.period, row.file_name, row.sha256, size,
        row.forwarded_by, row.forwarded_by_email, row.forwarded_at,
    )  # fmt: skip


def forwarded_reports(session: Session, *, scope: Scope) -> list[ForwardedReport]:
    """Every compiled report forwarded, newest first (empty for a secretariat)."""
    if scope.role not in READERS:
        return []
    rows = session.exec(
        select(Forwarded, func.length(Forwarded.content)).order_by(Forwarded.id.desc())
    ).all()
    return [_listed(row, int(size)) for row, size in rows]


def forwarded_file(
    session: Session, forwarded_id: int, *, scope: Scope
) -> tuple[str, bytes] | None:
    """A forwarded report's file name and bytes, exactly as forwarded; ``None`` for one
    that does not exist or a secretariat."""
    if scope.role not in READERS:
        return None
    row = session.get(Forwarded, forwarded_id)
    return None if row is None else (row.file_name, row.content)


WHOLE_YEAR = "Hele året"


def forwarded_table(reports: list[ForwardedReport]) -> Table:
    """The compiled reports forwarded to the oversight group, newest first (a page's list)."""
    return Table(
        columns=[c.YEAR, c.PERIOD, c.FORWARDED_AT, c.FORWARDED_BY, c.FILE, c.CHECKSUM],
        rows=[
            [r.year, r.period or WHOLE_YEAR, r.forwarded_at, r.by or None, r.file_name, r.sha256]
            for r in reports
        ],
        title="Sendt til Oppfølgingsgruppen",
    )
