"""What is due on a date: the reminders, «Frist passert» and the weekly summary, each a
composed ``Notice`` to one recipient.

- «Påminnelse» ``reminder_days`` before a due date (14 and 3), to each council whose report
  for the period has not arrived by that day;
- «Frist passert» the day after the due date and then every seventh day while the report
  is missing, for at most ``overdue_weeks`` weeks (8): a period whose due date is older is
  never reminded about, so a first run does not mail about reports missing since 2013;
- «Ukesoppsummering» on ``summary_weekday`` to the coordination unit and admins: the reports
  missing and late within those weeks, those waiting for review, those sent back and not yet
  corrected, each with a link, and the councils with no one to remind.

A council's notices go to its secretariat's users and its contact address, one message per
recipient, naming only that council and its figures. A report counts as arrived on the day
of its receipt (in Oslo): on a date before it arrived it is missing, as in Frister."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from ia_data import settings as app_settings
from ia_data.domain import formatting as fmt
from ia_data.domain.access import Role
from ia_data.domain.kinds import WAITING, AllocationSource, NoticeKind, ReviewState
from ia_data.domain.money import grant
from ia_data.domain.rules import ReportPeriod, Rules
from ia_data.notices import compose
from ia_data.notices.compose import DueReport, Item
from ia_data.notices.notice import Notice
from ia_data.notices.recipients import (
    council_recipients,
    councils_reached,
    role_recipients,
    turned_off,
)
from ia_data.settings import Settings
from ia_data.storage.models import Allocation, Council, CouncilCounty, Receipt, Review
from ia_data.storage.review import received_on


@dataclass(frozen=True)
class _Facts:
    """What the notices of a day are worked out from, read once."""

    councils: list[Council]
    counties: dict[int, int]  # council id → how many counties it covers
    received: dict[tuple[int, int, str], date]  # (council, year, period) → arrival (Oslo)
    reviews: dict[tuple[int, int, str], str]  # → review state
    decided: dict[tuple[int, int], int]  # (council, year) → the active decision's øre

    @classmethod
    def read(cls, session: Session) -> _Facts:
        counties = session.exec(
            select(CouncilCounty.council_id, func.count()).group_by(CouncilCounty.council_id)
        ).all()
        receipts = session.exec(select(Receipt)).all()
        reviews = session.exec(
            select(Review.council_id, Review.year, Review.period, Review.state)
        ).all()
        decided = session.exec(
            select(Allocation.council_id, Allocation.year, Allocation.amount_ore).where(
                Allocation.active
            )
        ).all()
        return cls(
            councils=list(session.exec(select(Council).order_by(Council.name)).all()),
            counties=dict(counties),
            received={
                (r.council_id, r.year, r.period): received_on(r.received_at) for r in receipts
            },
            reviews={(c, y, p): s for c, y, p, s in reviews},
            decided={(c, y): ore for c, y, ore in decided},
        )

    def existing(self, year: int) -> list[Council]:
        return [
            c
            for c in self.councils
            if (c.from_year is None or c.from_year <= year)
            and (c.to_year is None or year <= c.to_year)
        ]

    def arrived(self, council_id: int, period: ReportPeriod, as_of: date) -> date | None:
        found = self.received.get((council_id, period.year, period.code))
        return found if found is not None and found <= as_of else None


def _grant(facts: _Facts, rules: Rules, council: Council, year: int) -> tuple[int | None, str]:
    """The council's grant for ``year`` in øre, and where it comes from."""
    counties = facts.counties.get(council.id, 1)
    ore, source = grant(rules, year, counties, facts.decided.get((council.id, year)))
    assumed = source == AllocationSource.RULE and rules.amount_assumed(year)
    return ore, f"{source}, antatt" if assumed else str(source)


def _periods(rules: Rules, first: date, last: date) -> list[ReportPeriod]:
    """Every period whose due date lies in ``first``–``last``."""
    years = range(first.year - 2, last.year + 1)
    return [p for y in years for p in rules.periods(y) if first <= p.due <= last]


def _due_report(facts, rules, council: Council, period: ReportPeriod) -> DueReport:
    grant, note = _grant(facts, rules, council, period.year)
    assumed = rules.due_is_assumed_because(period)
    return DueReport(council.name, council.id, period, assumed, grant, note)


def _to_council(session, kind, facts, rules, period, as_of, occasion, write, base) -> list[Notice]:
    """``kind`` to every council of ``period`` whose report has not arrived by ``as_of``."""
    notices = []
    off = turned_off(session, kind)  # read once for every council
    for council in facts.existing(period.year):
        if facts.arrived(council.id, period, as_of) is not None:
            continue
        letter = write(_due_report(facts, rules, council, period), as_of, base)
        about = {
            "council_id": council.id,
            "council": council.name,
            "year": period.year,
            "period": period.code,
        }
        notices += [
            compose.notice(r, kind, occasion, letter, base, **about)
            for r in council_recipients(session, council.id, kind, off)
        ]
    return notices


def due_notices(
    engine: Engine, rules: Rules, as_of: date, settings: Settings | None = None
) -> list[Notice]:
    """Every notice due on ``as_of`` (composed, not stored): reminders, «Frist passert» and,
    on the summary's weekday, the weekly summary."""
    base = (settings or app_settings.current()).base_url
    when = rules.notices
    notices: list[Notice] = []
    with Session(engine) as session:
        facts = _Facts.read(session)
        for days in when.reminder_days:
            for period in _periods(rules, as_of + timedelta(days), as_of + timedelta(days)):
                occasion = f"frist {period.due.isoformat()}, {days} dager før"
                notices += _to_council(
                    session,
                    NoticeKind.REMINDER,
                    facts,
                    rules,
                    period,
                    as_of,
                    occasion,
                    compose.reminder,
                    base,
                )
        for period in _periods(rules, as_of - timedelta(weeks=when.overdue_weeks), as_of):
            late = (as_of - period.due).days
            if late >= 1 and (late - 1) % 7 == 0:
                occasion = f"frist {period.due.isoformat()}, uke {(late - 1) // 7 + 1}"
                notices += _to_council(
                    session,
                    NoticeKind.OVERDUE,
                    facts,
                    rules,
                    period,
                    as_of,
                    occasion,
                    compose.overdue,
                    base,
                )
        if as_of.isoweekday() == when.summary_weekday:
            notices += _weekly(session, facts, rules, as_of, base)
    return notices


def _weekly(session, facts: _Facts, rules: Rules, as_of: date, base: str) -> list[Notice]:
    """The weekly summary, one message to each coordination-unit user and admin (none when
    there is nothing to say)."""
    window = as_of - timedelta(weeks=rules.notices.overdue_weeks)
    names = {c.id: c.name for c in facts.councils}
    missing, late = [], []
    for period in _periods(rules, window, as_of - timedelta(days=1)):
        what = compose.period_words(period.year, period.code, period.name)
        assumed = " (antatt)" if period.due_is_assumption else ""
        for council in facts.existing(period.year):
            url = compose.council_link(base, council.id, as_of)
            arrived = facts.arrived(council.id, period, as_of)
            if arrived is None:
                days = (as_of - period.due).days
                missing.append(
                    Item(
                        f"{council.name}, {what}: frist {fmt.day(period.due)}"
                        f"{assumed}, {days} dager på overtid",
                        url,
                    )
                )
            elif arrived > period.due:
                days = (arrived - period.due).days
                late.append(
                    Item(
                        f"{council.name}, {what}: kom {fmt.day(arrived)}, {days} "
                        f"dager etter fristen {fmt.day(period.due)}{assumed}",
                        url,
                    )
                )
    waiting, sent_back = [], []
    for (council_id, year, code), state in sorted(facts.reviews.items(), key=lambda i: i[0][1:]):
        found = rules.period(year, code)
        what = compose.period_words(year, code, found.name if found else "")
        text = f"{names.get(council_id, council_id)}, {what}: «{state}»"
        if ReviewState(state) in WAITING:
            waiting.append(Item(text, compose.link(base, compose.GJENNOMGANG)))
        elif state == ReviewState.NEEDS_FIXING:
            sent_back.append(Item(text, compose.council_link(base, council_id)))
    horizon = as_of + timedelta(days=max(rules.notices.reminder_days, default=0))
    active = {c.id: c for p in _periods(rules, window, horizon) for c in facts.existing(p.year)}
    reached = councils_reached(session)
    nobody = [
        Item(c.name, compose.council_link(base, c.id))
        for i, c in sorted(active.items(), key=lambda i: i[1].name)
        if i not in reached
    ]
    sections = tuple(
        (title, tuple(items))
        for title, items in (
            ("Mangler", missing),
            ("Levert for sent", late),
            ("Venter på gjennomgang", waiting),
            ("Sendt tilbake, ikke rettet ennå", sent_back),
            ("Råd uten noen å sende påminnelser til", nobody),
        )
        if items
    )
    if not sections:
        return []
    counts = ", ".join(
        f"{len(items)} {title.lower()}"
        for title, items in sections[:4]
        if title != "Råd uten noen å sende påminnelser til"
    )
    letter = compose.weekly(as_of, sections, counts or "ingen rapporter å følge opp")
    week = as_of.isocalendar()
    occasion = f"uke {week.year}-{week.week:02d}"
    kind = NoticeKind.WEEKLY
    return [
        compose.notice(r, kind, occasion, letter, base)
        for r in role_recipients(session, (Role.COORDINATION, Role.ADMIN), kind)
    ]
