"""What the compiled report shows, gathered once for both of its forms — the XLSX
(``compiled``) and the PDF (``pdf``) — so that they cannot count differently: each
council's row, the key figures of the summary and of each council, the councils on the
route, the deviations, the priority themes and each council's plan against what it did,
and the blocks (``Part``) both forms draw below a summary or a council."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from ia_data.domain.access import Scope
from ia_data.domain.formatting import day
from ia_data.domain.kinds import AllocationSource, DeviationKind, ReviewState
from ia_data.domain.rules import Rules, Status, Themes
from ia_data.reporting import columns as c
from ia_data.reporting.council import council_reports
from ia_data.reporting.deviations import Deviations, deviations
from ia_data.reporting.headline import headline
from ia_data.reporting.overview import OverviewRow, overview
from ia_data.reporting.plan_tables import measures_table, outside_table, plans_summary_table
from ia_data.reporting.plans import DONE_RULE, CouncilPlan
from ia_data.reporting.review import ReviewRow, review_states
from ia_data.reporting.table import Kroner, Percent, Table
from ia_data.reporting.tables import NO_REPORT, action_plan_cell
from ia_data.reporting.themes import ThemeRow, theme_totals, themes_table


@dataclass(frozen=True)
class CompiledFacts:
    """What both forms of the compiled report (the XLSX, the PDF) are made of, gathered
    once so that they cannot count differently: each council's row, the periods shown, the
    report's label, whether it is one half of a half-yearly year, the councils on the route
    (missing, waiting, sent back), the deviations, the priority themes and each council's
    plan against what it did."""

    year: int
    period: str | None
    approved_only: bool
    rows: list[OverviewRow]
    shown: list
    label: str
    half: bool
    on_route: dict[str, list[str]]
    found: Deviations
    themes: list[ThemeRow]  # count and spend per priority theme (the shown period's reports)

    @property
    def plans(self) -> dict[int, CouncilPlan]:
        """Council id → its plan against what was done (in a half-year, by that half's
        report), as the overview found it, where any council has a plan for the year (else
        nothing: the report is as it was before plans)."""
        return {r.council.id: r.plan for r in self.rows if r.plan is not None}

    def council_periods(self, session: Session, rules: Rules, row, as_of: date, *, scope: Scope):
        """A council's reports of the year, the shown period's only."""
        periods = council_reports(
            session, rules, row.council, [self.year], as_of, scope=scope,
            approved_only=self.approved_only,
        )  # fmt: skip
        return [p for p in periods if self.period is None or p.period.code == self.period]


def compiled_facts(
    session: Session,
    rules: Rules,
    year: int,
    as_of: date,
    *,
    scope: Scope,
    period: str | None = None,
    approved_only: bool = True,
) -> CompiledFacts:
    """The compiled report's figures of ``year`` (or its ``period``) in ``scope``."""
    only = {"approved_only": approved_only}
    rows = overview(session, year, as_of, rules, scope=scope, period=period, **only)
    shown = [p for p in rules.periods(year) if period is None or p.code == period]
    label = str(year) if period is None else f"{year}, {shown[0].name.lower()}"
    states = [
        r for r in review_states(session, year, scope=scope) if period is None or r.period == period
    ]
    ids = [r.council.id for r in rows]
    themed = theme_totals(session, year, rules, scope=scope, council_ids=ids, period=period, **only)
    return CompiledFacts(
        year,
        period,
        approved_only,
        rows,
        shown,
        label,
        half=period is not None and len(rules.periods(year)) > 1,
        on_route=route(rows, states),
        found=deviations(session, rules, year, as_of, scope=scope, period=period, **only),
        themes=themed,
    )


def route(rows: list[OverviewRow], states: list[ReviewRow]) -> dict[str, list[str]]:
    """The councils whose report is missing (none stored, the due date passed), waiting for
    review or sent back, by name (with the period where a year has two)."""
    by_key = {(s.council_id, s.period): s for s in states}
    found: dict[str, list[str]] = {MISSING: [], WAITING_REVIEW: [], SENT_BACK: []}
    for row in rows:
        halves = len(row.periods) > 1
        for status in row.periods:
            name = row.council.short_name + (f" ({status.period.code})" if halves else "")
            state = by_key.get((row.council.id, status.period.code))
            if state is None and status.status.status is Status.MISSING:
                found[MISSING].append(name)
            elif state is not None and state.waiting:
                found[WAITING_REVIEW].append(name)
            elif state is not None and state.state == ReviewState.NEEDS_FIXING:
                found[SENT_BACK].append(name)
    return found


MISSING = "Rapporter som mangler"


WAITING_REVIEW = "Rapporter som venter på gjennomgang"


SENT_BACK = "Rapporter sendt tilbake for retting"


WHOLE_YEAR_GRANT = "Tildelt (hele året)"  # a half-year's spending against the year's grant


def summary_facts(
    rows: list[OverviewRow], rules: Rules, year: int, periods, on_route, found: Deviations
) -> list[tuple[str, object, str, bool]]:
    """The summary's key figures — label, typed value, remark (the councils by name) and
    whether it needs attention — for the XLSX and the PDF alike: the sums of ``headline``,
    the councils of ``deviations``, the reports by status and on their route."""
    figures = headline(rows)  # the same functions as the Oversikt page's tiles
    half = len(periods) < len(rules.periods(year))
    expected = rules.meetings_expected(year)
    if half and periods[-1].code != rules.periods(year)[-1].code:
        expected = None  # meetings are judged per year, on its last period

    def counted(label: str, councils) -> tuple[str, int, str, bool]:
        """How many councils, named (short), in red where there are any."""
        return (
            label,
            len(councils),
            ", ".join(council.short_name for council in councils),
            bool(councils),
        )

    facts = [
        ("IA-råd", figures.councils, "", False),
        (
            WHOLE_YEAR_GRANT if half else "Tildelt",
            Kroner(figures.allocated_ore),
            "halvårets forbruk sett mot hele årets tildeling" if half else "",
            False,
        ),
        ("Brukt", Kroner(figures.spent_ore), "alle aktiviteter, også avlyste", False),
        ("Gjenstår", Kroner(figures.remaining_ore), "", figures.remaining_ore < 0),
        ("Andel brukt", _percent(figures.share_used), "", False),
        counted("Råd med overforbruk", found.councils(DeviationKind.OVERSPENT)),
        ("Aktiviteter", figures.activities, "ikke avlyste", False),
        *((f"Delmål {k}", figures.goals[k], "aktiviteter merket delmål", False) for k in (1, 2, 3)),
        counted("Råd uten alle tre delmål", found.councils(DeviationKind.SUB_GOAL)),
        counted("Råd uten handlingsplan", found.councils(DeviationKind.NO_ACTION_PLAN)),
    ]
    if expected:
        assumed = " (antatt)" if rules.meetings_assumed(year) else ""
        label = f"Møter utenfor {expected[0]}–{expected[1]}{assumed}"
        facts.append(counted(label, found.councils(DeviationKind.MEETINGS)))
    for status, count in figures.statuses.items():
        alert = status is Status.MISSING and count > 0
        facts.append((f"Rapporter: {status}", count, "", alert))
    for what, names in on_route.items():
        facts.append((what, len(names), ", ".join(names), bool(names)))
    return facts


def whole_year_grant(table: Table) -> Table:
    """A half-year's table with its grant column named «Tildelt hele året (kr)»: what the
    half spent is set against the whole year's grant."""
    named = c.ALLOCATED.but(name="Tildelt hele året (kr)", short="Tildelt hele året")
    columns = [named if col.name == c.ALLOCATED.name else col for col in table.columns]
    return Table(columns=columns, rows=table.rows, title=table.title, compact=table.compact)


def council_facts(
    row: OverviewRow, rules: Rules, year: int, half: bool = False
) -> list[tuple[str, object, str, bool]]:
    """A council's key figures (label, typed value, remark, needs attention), for its
    sheet and its page of the PDF."""
    expected = row.meetings_expected
    source = {
        AllocationSource.DECISION: "tildelingsvedtak",
        AllocationSource.RULE: "etter reglene for året",
    }
    done = [
        ("Aktiviteter", row.activities, "ikke avlyste", False),
        *(
            (
                f"Delmål {k}",
                row.goals[k],
                "ingen aktivitet på delmålet" if row.goals[k] == 0 else "",
                row.goals[k] == 0,
            )
            for k in (1, 2, 3)
        ),
        (
            "Møter",
            row.meetings,
            (f"forventet {expected[0]}–{expected[1]} i året" if expected else "")
            + (" (antatt)" if expected and rules.meetings_assumed(year) else ""),
            row.meetings_outside_expected,
        ),
    ]
    if not row.reported:  # nothing is known of what it did: said once, nothing flagged
        done = [("Rapport", NO_REPORT, f"ingen rapport for {year} er kommet inn", True)]
    facts = [
        (
            WHOLE_YEAR_GRANT if half else "Tildelt",
            Kroner(row.allocated_ore) if row.allocated_ore is not None else None,
            source.get(row.allocation_source, "ingen tildeling registrert")
            + (" (antatt: brevene bestemmer ikke beløpet)" if row.allocation_assumed else ""),
            False,
        ),
        ("Brukt", Kroner(row.spent_ore), "alle aktiviteter, også avlyste", False),
        (
            "Gjenstår",
            Kroner(row.remaining_ore) if row.remaining_ore is not None else None,
            "brukt mer enn tildelt" if row.overspent else "",
            row.overspent,
        ),
        ("Forbruk", _percent(row.share_used), "", False),
        *done,
        (
            "Handlingsplan",
            action_plan_cell(row.reported, row.action_plan, row.action_plan_date),
            "ingen handlingsplan oppgitt" if row.lacks_action_plan else "",
            row.lacks_action_plan,
        ),
    ]
    return facts


@dataclass(frozen=True)
class Part:
    """One piece of a block the XLSX writes below a sheet and the PDF on a page, in
    order: a heading, a note, or a table."""

    heading: str = ""
    note: str = ""
    table: Table | None = None


def plans_summary_parts(plans: dict[int, CouncilPlan], as_of: date, place: str) -> list[Part]:
    """The summary's plan block: one line per council, planned against done, and what
    «Forfalt» means; the details are on each council's ``place`` (its sheet, its page)."""
    return [
        Part(heading="Handlingsplanene: planlagt mot gjennomført"),
        Part(table=plans_summary_table(list(plans.values()), as_of)),
        Part(
            note=f"{DONE_RULE} Forfalt: tiden tiltaket var planlagt til, er passert per "
            f"{day(as_of)} uten aktivitet under det. Detaljene står på {place} til hvert råd."
        ),
    ]


def council_plan_parts(progress: CouncilPlan, as_of: date) -> list[Part]:
    """A council's plan block: how many measures are done (or that it has no plan), each
    measure against what was done under it, and the activities outside the plan."""
    parts = [Part(heading="Handlingsplan: planlagt mot gjennomført"), Part(note=progress.label)]
    if not progress.has_plan:
        return parts
    outside = len(progress.outside) + len(progress.dropped)
    source = (
        f"Fra handlingsplanen (opplasting nr. {progress.upload_id}) og aktivitetene i "
        f"{progress.reports}, knyttet til tiltakene med kolonnen «Tiltak nr.». "
        f"{DONE_RULE}"
    )
    return [
        *parts,
        Part(note=source),
        Part(table=measures_table(progress, as_of)),
        Part(heading=f"Aktiviteter utenfor planen ({outside})"),
        Part(table=outside_table(progress))
        if outside
        else Part(note="Alle aktivitetene står under et tiltak i planen."),
    ]


def themes_parts(rows: list[ThemeRow], themes: Themes, year: int) -> list[Part]:
    """The summary's theme block: count and spend per priority theme of the year."""
    return [
        Part(heading=f"Prioriterte temaer {year}"),
        Part(table=themes_table(rows, year)),
        Part(
            note=f"Temaene er ordene i {themes.source}. Aktiviteter teller ikke avlyste; Brukt "
            "tar med alle. En aktivitet med to temaer telles under begge."
        ),
    ]


def _percent(share: float | None) -> Percent | None:
    return None if share is None else Percent(share)
