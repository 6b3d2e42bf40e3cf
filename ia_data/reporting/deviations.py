"""What needs attention («Avvik»): one function judges it, so that the page «Avvik», the
Oversikt tiles, the compiled report's summary and the warnings before an upload is saved
cannot disagree.

One ``Deviation`` per council, kind and period. The kinds (``domain.kinds.DeviationKind``)
and how each is judged:

- a report missing or late: its deadline status as of the date (``deadlines.period_status``);
- overspent: spent more than allocated — a year's spending against its grant; a half-year's
  spending against the whole year's grant («Tildelt (hele året)»);
- no action plan, a sub-goal without activity: per report, so per period. **The whole-year
  rule:** a council counts for a year when any of the year's reports lacks it (2012: the
  letter wants a plan behind each half-yearly report, and activities on all three sub-goals
  reported each time) — so a year's figure always holds every half-year's;
- meetings outside the range the rules expect («antatt» where the rules say so): per year,
  and only once the year is over as of the date (a half-year shows it on its last period);
- sent back and not corrected, and waiting for review longer than the rules'
  ``review_wait_days`` (default 14): where the report stands on its route, as of the date.

A council with no report for a period is a missing report, not a council without a plan,
activity or meetings (DESIGN.md, «Honest figures»).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from sqlmodel import Session

from ia_data.domain import formatting as fmt
from ia_data.domain.access import Scope
from ia_data.domain.kinds import DeviationKind, ReviewState, UploadKind
from ia_data.domain.register import CouncilInfo
from ia_data.domain.rules import Rules, Status
from ia_data.ingest.parsed import ParsedWorkbook
from ia_data.reporting import columns as c
from ia_data.reporting.deadlines import PeriodStatus
from ia_data.reporting.overview import OverviewRow, overview
from ia_data.reporting.review import ReviewRow, review_states
from ia_data.reporting.table import Kroner, Table
from ia_data.reporting.totals import Totals

WHOLE_YEAR_RULE = (
    "Et råd telles for året når minst én av årets rapporter mangler handlingsplan eller "
    "aktivitet på et delmål; overforbruk og møter gjelder året samlet."
)


@dataclass(frozen=True)
class Deviation:
    """One thing that needs attention: a council's kind of deviation in a period (``period``
    None: the whole year), what it is in words, and its days or amount where it has one."""

    council: CouncilInfo
    kind: DeviationKind
    year: int
    period: str | None
    label: str  # the period as a list shows it: «2012 H1», «2015»
    detail: str
    days: int | None = None
    amount_ore: int | None = None
    assumed: bool = False  # judged by a rule the letters do not decide («antatt»)


@dataclass
class Deviations:
    """Everything that needs attention in a year (or one of its periods) as of a date, in
    the order a list shows it: by kind, then as the councils come in the register."""

    year: int
    period: str | None
    as_of: date
    items: list[Deviation] = field(default_factory=list)

    def of(self, kind: DeviationKind) -> list[Deviation]:
        return [d for d in self.items if d.kind is kind]

    def councils(self, kind: DeviationKind) -> list[CouncilInfo]:
        """The councils with this kind of deviation, each once, in register order."""
        seen: dict[int, CouncilInfo] = {}
        for item in self.of(kind):
            seen.setdefault(item.council.id, item.council)
        return list(seen.values())

    def names(self, kind: DeviationKind) -> str:
        """The councils of a kind by full name, for a tile's help."""
        return ", ".join(council.name for council in self.councils(kind))


# --- judging one row ----------------------------------------------------------------------


def _days(n: int) -> str:
    return f"{n} dag" if n == 1 else f"{n} dager"


def _item(row: OverviewRow, kind, label: str, period: str | None, detail: str, **more):
    return Deviation(row.council, kind, row.year, period, label, detail, **more)


def report_deviations(row: OverviewRow, status: PeriodStatus, label: str) -> list[Deviation]:
    """A report missing or late as of the date, judged as its deadline status is."""
    code = status.period.code
    assumed = status.period.due_is_assumption
    due = fmt.day(status.period.due) + (" (antatt frist)" if assumed else "")
    if status.status.status is Status.MISSING:
        days = status.days_overdue or 0
        detail = f"ikke kommet inn, {_days(days)} etter fristen {due}"
        return [_item(row, DeviationKind.MISSING, label, code, detail, days=days, assumed=assumed)]
    if status.status.status is Status.LATE:
        days = status.status.days_late
        detail = f"mottatt {fmt.day(status.submitted)}, {_days(days)} etter fristen {due}"
        return [_item(row, DeviationKind.LATE, label, code, detail, days=days, assumed=assumed)]
    return []


def overspent(row: OverviewRow, label: str, period: str | None, half: bool = False):
    """Spent more than allocated (a half-year: its spending against the whole year's
    grant), with the amount over."""
    if not row.overspent:
        return []
    over = row.spent_ore - (row.allocated_ore or 0)
    granted = "tildelt for hele året" if half else "tildelt"
    detail = (
        f"brukt {fmt.kroner(row.spent_ore)} av {fmt.kroner(row.allocated_ore)} {granted} "
        f"({fmt.percent(row.share_used, 0)}), {fmt.kroner(over)} for mye"
    )
    kind = DeviationKind.OVERSPENT
    return [_item(row, kind, label, period, detail, amount_ore=over)]


def period_content(row: OverviewRow, label: str, period: str | None) -> list[Deviation]:
    """What a report says (or lacks) of its own period: no action plan, a sub-goal without
    activity. A council without a report has neither (it is a missing report)."""
    found = []
    if row.lacks_action_plan:
        said = "svarer «Nei»" if row.action_plan is False else "oppgir ingen"
        detail = f"rapporten {said} på om rådet har en handlingsplan"
        found.append(_item(row, DeviationKind.NO_ACTION_PLAN, label, period, detail))
    if row.lacks_goals:
        goals = ", ".join(str(k) for k in row.missing_goals)
        word = "delmål" if len(row.missing_goals) == 1 else "delmålene"
        found.append(
            _item(row, DeviationKind.SUB_GOAL, label, period, f"ingen aktivitet på {word} {goals}")
        )
    return found


def meetings(row: OverviewRow, label: str, rules: Rules) -> list[Deviation]:
    """A year's meetings outside the range the rules expect (``row``: a whole year's)."""
    if not row.meetings_outside_expected:
        return []
    low, high = row.meetings_expected
    assumed = rules.meetings_assumed(row.year)
    word = "møte" if row.meetings == 1 else "møter"
    detail = f"{row.meetings} {word} i året, forventet {low}–{high}" + (
        " (antatt)" if assumed else ""
    )
    return [_item(row, DeviationKind.MEETINGS, label, None, detail, assumed=assumed)]


def route_deviations(
    row: OverviewRow, state: ReviewRow, label: str, as_of: date, rules: Rules
) -> list[Deviation]:
    """A report sent back and not corrected, or waiting for review longer than the rules'
    ``review_wait_days``, as of the date."""
    since = fmt.local(state.updated_at).date()
    days = (as_of - since).days
    if days < 0:  # not in this state yet on that day
        return []
    if state.state == ReviewState.NEEDS_FIXING:
        detail = f"sendt tilbake {fmt.day(since)}" + (f": {state.reason}" if state.reason else "")
        kind = DeviationKind.SENT_BACK
        return [_item(row, kind, label, state.period, detail, days=days)]
    if state.waiting and days > rules.review_wait_days:
        detail = (
            f"«{state.state}» i {_days(days)} (siden {fmt.day(since)}; grensen er "
            f"{rules.review_wait_days} dager)"
        )
        return [_item(row, DeviationKind.WAITING, label, state.period, detail, days=days)]
    return []


# --- a year or a period ---------------------------------------------------------------------


def _label(year: int, code: str | None, halves: bool) -> str:
    return f"{year} {code}" if code and halves else str(year)


def _year_over(rules: Rules, year: int, as_of: date) -> bool:
    periods = rules.periods(year)
    return bool(periods) and as_of > periods[-1].end


def deviations(
    session: Session,
    rules: Rules,
    year: int,
    as_of: date,
    council_ids: list[int] | None = None,
    *,
    scope: Scope,
    period: str | None = None,
    approved_only: bool = False,
) -> Deviations:
    """Everything that needs attention in ``year`` (or its ``period``) as of ``as_of``, for
    the councils in scope (optionally only ``council_ids``); ``approved_only``: judged by the
    last approved version of each report, as the compiled report is (a report that waits
    for review is then on its route, not missing)."""
    only = {"scope": scope, "approved_only": approved_only}
    periods = rules.periods(year)
    shown = [p for p in periods if period is None or p.code == period]
    if not shown:
        raise ValueError(f"{year} har ingen rapportperiode «{period}»")
    halves = len(periods) > 1
    year_rows = overview(session, year, as_of, rules, council_ids, **only)
    by_period = {
        p.code: overview(session, year, as_of, rules, council_ids, period=p.code, **only)
        if halves
        else year_rows
        for p in shown
    }
    states = {
        (s.council_id, s.period): s for s in review_states(session, year, council_ids, scope=scope)
    }
    judge_meetings = _year_over(rules, year, as_of) and (period in (None, periods[-1].code))
    found: list[Deviation] = []
    for i, year_row in enumerate(year_rows):
        for p in shown:
            row = by_period[p.code][i]
            label = _label(year, p.code, halves)
            status = row.periods[0] if halves else row.periods[periods.index(p)]
            state = states.get((row.council.id, p.code))
            if not (approved_only and state is not None and status.submitted is None):
                found += report_deviations(row, status, label)
            found += period_content(row, label, p.code)
            if period is not None:  # a half-year's spending against the year's grant
                found += overspent(row, label, p.code, half=halves)
            if state is not None:
                found += route_deviations(row, state, label, as_of, rules)
        if period is None:
            found += overspent(year_row, str(year), None)
        if judge_meetings:
            found += meetings(year_row, str(year), rules)
    order = list(DeviationKind)
    found.sort(key=lambda d: order.index(d.kind))  # stable: register and period order kept
    return Deviations(year, period, as_of, found)


# --- a workbook before it is stored ----------------------------------------------------------


def file_deviations(
    session: Session, parsed: ParsedWorkbook, rules: Rules, *, scope: Scope
) -> list[Deviation]:
    """What a checked report workbook would need attention for once stored (Last opp's
    warnings before saving; the file can still be stored), judged by the same rules as
    «Avvik»: no action plan and a sub-goal without activity in the file's own period;
    spending over the year's grant, the year so far (the council's other stored reports of
    the year and this one); meetings outside the range when the file completes the year."""
    if parsed.kind != UploadKind.REPORT or not parsed.ok or parsed.period is None:
        return []
    shown, year = parsed.period, parsed.period.year
    periods = rules.periods(year)
    council = [parsed.council.id]
    (year_row,) = overview(session, year, shown.end, rules, council, scope=scope)
    others = [
        overview(session, year, shown.end, rules, council, scope=scope, period=p.code)[0]
        for p in periods
        if p.code != shown.code
    ]
    own = Totals(
        spent_ore=parsed.total_cost_ore,
        activities=sum(1 for a in parsed.activities if a.counted),
        goals=parsed.goal_counts(),
        meetings=len(parsed.meetings),
    )
    so_far = Totals(
        spent_ore=own.spent_ore + sum(r.spent_ore for r in others),
        activities=own.activities + sum(r.activities for r in others),
        goals={k: own.goals[k] + sum(r.goals[k] for r in others) for k in (1, 2, 3)},
        meetings=own.meetings + sum(r.meetings for r in others),
    )
    halves = len(periods) > 1
    label = _label(year, shown.code, halves)
    plan = {"action_plan": parsed.action_plan, "reported": True}
    in_file = replace(year_row, totals=own, meetings_expected=None, **plan)
    year_so_far = replace(year_row, totals=so_far, **plan)
    found = period_content(in_file, label, shown.code)
    found += overspent(year_so_far, label, shown.code)
    if shown.code == periods[-1].code:  # the file completes the year: its meetings judged
        found += meetings(year_so_far, str(year), rules)
    order = list(DeviationKind)
    return sorted(found, key=lambda d: order.index(d.kind))


def warning_text(found: Deviation) -> str:
    """A deviation as an upload's warning says it."""
    return f"{found.kind}: {found.detail}"


# --- the table ------------------------------------------------------------------------------


def deviations_table(found: Deviations) -> Table:
    """One row per council, kind and period, as the page, its downloads and the compiled
    report list them."""
    return Table(
        columns=[c.COUNCIL, c.DEVIATION, c.PERIOD, c.DEVIATION_DETAIL, c.DAYS, c.AMOUNT_OVER],
        rows=[
            [
                d.council.name,
                str(d.kind),
                d.label,
                d.detail,
                d.days,
                Kroner(d.amount_ore) if d.amount_ore is not None else None,
            ]
            for d in found.items
        ],
        title="Avvik",
    )
