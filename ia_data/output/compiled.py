"""Samlet rapport: one XLSX for a year that the oversight group can send on.

A summary sheet (headline figures and the overview table, exactly as the Oversikt page
and its export show them), one sheet per council (its key figures, each period's report
with status, the answers to the five questions, its activities and meetings), and the
``Om uttrekket`` sheet. Cells are typed and formatted like the overview export: kroner,
percentages and dates as real numbers with Norwegian formats, coloured status cells, and
text from a workbook that always stays text.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from sqlmodel import Session

from ia_data.domain.access import Scope
from ia_data.domain.formatting import day, local
from ia_data.domain.kinds import AllocationSource, DeviationKind, ReviewState
from ia_data.domain.money import rule_grants_text
from ia_data.domain.questions import QUESTIONS
from ia_data.domain.register import CouncilInfo
from ia_data.domain.rules import Rules, Status, Themes
from ia_data.output.exports import about_rows, plans_about
from ia_data.output.spreadsheet import (
    fit_to_page_width,
    font,
    header_widths,
    set_text,
    sheet_title,
    write_about,
    write_cell,
    write_table,
)
from ia_data.reporting import columns as c
from ia_data.reporting.activities import activity_list, meeting_list
from ia_data.reporting.council import council_reports
from ia_data.reporting.council_tables import NO_ANSWER, council_reports_table
from ia_data.reporting.deviations import (
    WHOLE_YEAR_RULE,
    Deviations,
    deviations,
    deviations_table,
)
from ia_data.reporting.headline import headline
from ia_data.reporting.overview import OverviewRow, overview
from ia_data.reporting.plan_tables import measures_table, outside_table, plans_summary_table
from ia_data.reporting.plans import DONE_RULE, CouncilPlan, plan_progress
from ia_data.reporting.review import ReviewRow, review_states
from ia_data.reporting.table import Kroner, Percent, Table
from ia_data.reporting.tables import (
    NO_REPORT,
    action_plan_cell,
    activities_table,
    overview_table,
)
from ia_data.reporting.themes import ThemeRow, theme_totals, themes_table
from ia_data.reporting.uploads import upload_sources

XLSX, PDF = "xlsx", "pdf"  # the forms of the compiled report
SUMMARY_SHEET = "Sammendrag"
ABOUT_SHEET = "Om uttrekket"
ALERT = "8E1C1C"
# Column widths of a council sheet: its blocks (figures, reports, answers, activities,
# meetings) share the columns, so the widths suit all of them.
COUNCIL_WIDTHS = (14, 58, 16, 11, 22, 18, 18, 14, 26, 30, 16, 14)
ANSWER_MERGE = 7  # answers span columns B–G


def compiled_report(
    session: Session,
    rules: Rules,
    year: int,
    as_of: date,
    now: datetime | None = None,
    *,
    scope: Scope,
    period: str | None = None,
    approved_only: bool = True,
    form: str = XLSX,
) -> bytes:
    """The compiled report of ``year`` (statuses as of ``as_of``) as XLSX bytes (``form``
    ``"pdf"``: as PDF, ``output.pdf``), of the councils in ``scope``; with ``period``
    (``H1``, ``H2``) of that half-year only: its reports, figures, activities and meetings
    (the 2012 letter's half-yearly report). It counts the approved versions
    (``approved_only``, by default: the last approved version of each report, even while a
    newer one waits), and names the councils whose report is missing, waiting for review or
    sent back. Both forms are made of the same ``compiled_facts``."""
    now = now or datetime.now(UTC).replace(microsecond=0)
    facts = compiled_facts(
        session, rules, year, as_of, scope=scope, period=period, approved_only=approved_only
    )
    if form == PDF:
        from ia_data.output.pdf import compiled_pdf  # WeasyPrint, loaded when a PDF is asked for

        return compiled_pdf(session, rules, facts, as_of, now, scope=scope)
    return _workbook(session, rules, facts, as_of, now, scope=scope)


def _workbook(session: Session, rules: Rules, facts, as_of: date, now, *, scope: Scope) -> bytes:
    """The compiled report as XLSX: the summary, a sheet per council, «Om uttrekket»."""
    year, period, only = facts.year, facts.period, {"approved_only": facts.approved_only}
    rows, shown, label, found = facts.rows, facts.shown, facts.label, facts.found
    activities, _ = activity_list(session, year, scope=scope, period=period, **only)
    meetings = meeting_list(session, year, scope=scope, period=period, **only)
    book = Workbook()
    summary = book.active
    summary.title = SUMMARY_SHEET
    _write_summary(summary, rows, rules, year, as_of, now, shown, label, facts.on_route, found)
    _note(summary, 3, f"Gjelder {scope.covers()}.")
    if facts.plans:
        _write_parts(summary, plans_summary_parts(facts.plans, as_of, "arket"))
    if facts.themes:
        _write_parts(summary, themes_parts(facts.themes, rules.themes(year), year))
    names = {SUMMARY_SHEET.lower(), ABOUT_SHEET.lower()}
    upload_ids = [i for r in rows for i in r.upload_ids]
    upload_ids += [r.plan_upload_id for r in rows if r.plan_upload_id]
    for row in rows:
        sheet = book.create_sheet(sheet_name(row.council, names))
        periods = facts.council_periods(session, rules, row, as_of, scope=scope)
        own_activities = [a for a in activities if a.council_id == row.council.id]
        own_meetings = [m for m in meetings if m.council_id == row.council.id]
        _write_council(sheet, row, periods, own_activities, own_meetings, rules, year, facts.half)
        if facts.plans:
            _write_parts(sheet, council_plan_parts(facts.plans[row.council.id], as_of))
    about = about_rows(
        f"Samlet rapport fra IA-rådene {label}",
        rules=rules,
        as_of=as_of,
        filters=[
            (c.YEAR, year),
            *([(c.PERIOD, f"{year} {period}")] if period else []),
            (c.COUNCIL, "alle" if scope.everything else scope.described()),
        ],
        row_count=("Antall IA-råd", len(rows)),
        sources=upload_sources(session, upload_ids, scope=scope),
        now=now,
        assumptions=rules.assumptions(year),
        statistics=plans_about(rows),
        approved_only=facts.approved_only,
        receipts_given=any(p.receipt_given for r in rows for p in r.periods),
    )
    write_about(book.create_sheet(ABOUT_SHEET), about)
    book.properties.creator = "IA-rådsoversikt"
    book.properties.title = f"Samlet rapport fra IA-rådene {label}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


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
    plans: dict[int, CouncilPlan]  # council id → planned against done (none: no plan at all)

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
        plans=_plans(session, year, rows, scope, approved_only, period),
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


def sheet_name(council: CouncilInfo, taken: set[str]) -> str:
    """A council's sheet name: its short name, without the characters Excel forbids (nor
    control characters or line breaks), at most 31 characters, and unique in the workbook."""
    base = sheet_title(council.name.removeprefix("IA-rådet i ")) or f"Råd {council.id}"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


# --- writing blocks ----------------------------------------------------------------------


def _title(sheet, row: int, text: str, size: int = 14) -> None:

    cell = sheet.cell(row=row, column=1)
    set_text(cell, text)
    cell.font = font(bold=True, size=size, color="1C2733")


def _note(sheet, row: int, text: str) -> None:

    cell = sheet.cell(row=row, column=1)
    set_text(cell, text)
    cell.font = font(italic=True, color="5A6572")


def _facts(sheet, row: int, facts: list[tuple[str, object, str, bool]]) -> int:
    """Label (A), typed value (B, left-aligned) and a remark (C); red when flagged.
    Returns the next free row."""
    for label, value, remark, alert in facts:
        label_cell = sheet.cell(row=row, column=1)
        set_text(label_cell, label)
        label_cell.font = font(bold=True)
        cell = sheet.cell(row=row, column=2)
        write_cell(cell, value)
        cell.alignment = Alignment(horizontal="left")
        if alert:
            cell.font = font(bold=True, color=ALERT)
        if remark:
            remark_cell = sheet.cell(row=row, column=3)
            set_text(remark_cell, remark)
            remark_cell.font = font(italic=True, color=ALERT if alert else "5A6572")
        row += 1
    return row


def _write_table(sheet, table: Table, first_row: int, widths: list[int] | None = None) -> int:
    """A table from ``first_row``, a negative amount in red (``write_table``)."""
    return write_table(sheet, table, first_row, widths, negative=font(bold=True, color=ALERT))


def _set_widths(sheet, widths) -> None:
    for j, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(j)].width = width


# --- the summary sheet -------------------------------------------------------------------


WHOLE_YEAR_GRANT = "Tildelt (hele året)"  # a half-year's spending against the year's grant


def _write_summary(
    sheet,
    rows: list[OverviewRow],
    rules: Rules,
    year,
    as_of,
    now,
    periods,
    label,
    on_route,
    found: Deviations,
) -> None:
    _title(sheet, 1, f"Samlet rapport fra IA-rådene {label}", 16)
    _note(
        sheet,
        2,
        f"Status for rapportene per {day(as_of)}. Laget {local(now):%d.%m.%Y %H:%M} "
        "i IA-rådsoversikt. Ett ark per IA-råd følger etter dette.",
    )
    _title(sheet, 4, "Nøkkeltall", 12)
    facts = summary_facts(rows, rules, year, periods, on_route, found)
    half = len(periods) < len(rules.periods(year))
    row = _facts(sheet, 5, facts)
    _note(sheet, row, WHOLE_YEAR_RULE)
    row += 2
    _title(sheet, row, f"Avvik ({len(found.items)})", 12)
    if found.items:
        row = _write_table(sheet, deviations_table(found), row + 1) + 1
    else:
        _note(sheet, row + 1, "Ingen avvik.")
        row += 3
    _title(sheet, row, "Oversikt per IA-råd", 12)
    header = row + 1
    table = overview_table(rows, periods)  # as the export: «Frist antatt»
    if half:
        table = whole_year_grant(table)
    widths = header_widths(table)
    widths[0] = max(widths[0], 24)
    end = _write_table(sheet, table, header, widths)
    for j, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(j)].width = width + 2
    sheet.freeze_panes = f"B{header + 1}"
    last = get_column_letter(len(table.columns))
    if table.rows:
        sheet.auto_filter.ref = f"A{header}:{last}{end - 1}"
    notes = [
        f"«regel»: tildelingen følger av reglene for året ({rule_grants_text(rules)}); "
        "«vedtak»: fra et opplastet tildelingsvedtak.",
        "Aktiviteter og delmål teller ikke avlyste aktiviteter; Brukt tar med alle. En "
        "aktivitet merket to delmål telles én gang under hvert.",
        "En rapport sendt inn etter statusdatoen regnes som ikke sendt.",
    ]
    assumed = rules.assumptions(year)
    if assumed:  # «(antatt …)» in a cell: what the app assumes where the letters say nothing
        notes.append(
            "«(antatt)» og «(antatt frist)»: antatt, ikke bestemt i brevene. " + " ".join(assumed)
        )
    for i, text in enumerate(notes, start=end + 1):
        _note(sheet, i, text)
    fit_to_page_width(sheet, landscape=True)


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


# --- one sheet per council ---------------------------------------------------------------


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


def _write_council(
    sheet, row: OverviewRow, periods, activities, meetings, rules, year, half: bool = False
) -> None:
    council = row.council
    _title(sheet, 1, council.name, 14)
    _note(
        sheet,
        2,
        f"{year} · Fylker: {council.county_names} · "
        f"Sekretariat: {council.secretariat or 'ikke oppgitt'}",
    )
    facts = council_facts(row, rules, year, half)
    _title(sheet, 4, "Nøkkeltall", 12)
    next_row = _facts(sheet, 5, facts) + 1

    _title(sheet, next_row, "Rapporter", 12)
    widths = list(COUNCIL_WIDTHS)
    next_row = _write_table(sheet, council_reports_table(periods), next_row + 1) + 1

    _title(sheet, next_row, "Svar på spørsmålene fra Oppfølgingsgruppen", 12)
    next_row += 1
    wrap = Alignment(wrap_text=True, vertical="top")
    merged_width = sum(widths[1:ANSWER_MERGE])
    for k, question in enumerate(QUESTIONS, start=1):
        cell = sheet.cell(row=next_row, column=1)
        set_text(cell, f"Spørsmål {k}")
        cell.font = font(bold=True)
        cell.alignment = wrap
        _merged_text(sheet, next_row, question, merged_width, font(bold=True, italic=True))
        next_row += 1
        for p in periods:
            label = sheet.cell(row=next_row, column=1)
            set_text(label, p.period.label)
            label.alignment = wrap
            answer = (p.answers[k - 1] or NO_ANSWER) if p.stored else NO_REPORT
            _merged_text(sheet, next_row, answer, merged_width)
            next_row += 1
    next_row += 1

    _title(sheet, next_row, f"Aktiviteter ({len(activities)})", 12)
    if activities:
        next_row = _write_table(sheet, _activities(activities), next_row + 1) + 1
    else:
        _note(sheet, next_row + 1, "Ingen aktiviteter registrert dette året.")
        next_row += 3

    _title(sheet, next_row, f"Møter ({len(meetings)})", 12)
    if meetings:
        _write_table(sheet, _meetings(meetings), next_row + 1)
    else:
        _note(sheet, next_row + 1, "Ingen møter registrert dette året.")
    _set_widths(sheet, widths)
    fit_to_page_width(sheet, landscape=True)


def _plans(session, year, rows, scope, approved_only, period) -> dict[int, CouncilPlan]:
    """Council id → its plan against what was done (in ``period``, a half-year's report),
    where any council has a plan for the year (else nothing: the report is as it was before
    plans)."""
    if all(r.measures_done is None for r in rows):
        return {}
    found = plan_progress(
        session, year, scope=scope, council_ids=[r.council.id for r in rows],
        approved_only=approved_only, period=period,
    )  # fmt: skip
    return {p.council.id: p for p in found}


# --- blocks that the XLSX and the PDF both show ------------------------------------------


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


def _write_parts(sheet, parts: list[Part]) -> None:
    """A block below everything on the sheet, after a blank row: a heading or a note a
    row each, a table with a blank row after it."""
    row = sheet.max_row + 2
    for part in parts:
        if part.table is not None:
            row = _write_table(sheet, part.table, row) + 1
            continue
        if part.heading:
            _title(sheet, row, part.heading, 12)
        else:
            _note(sheet, row, part.note)
        row += 1


def _merged_text(sheet, row: int, text: str, width: int, font=None) -> None:
    """Text across columns B–G, wrapped, with a row height that shows all of it."""
    cell = sheet.cell(row=row, column=2)
    text = set_text(cell, text)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if font is not None:
        cell.font = font
    sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=ANSWER_MERGE)
    lines = sum(max(1, math.ceil(len(part) / width)) for part in text.split("\n"))
    sheet.row_dimensions[row].height = 15 * max(1, lines) + 2


def _percent(share: float | None) -> Percent | None:
    return None if share is None else Percent(share)


def _activities(rows) -> Table:
    """The council's activities as the activity export has them, without the columns the
    sheet already says (council, year) or that only matter for tracing (file, row)."""
    return activities_table(rows).only(
        [
            c.DATE, c.ACTIVITY, c.TYPE, c.GOALS_TAGGED, c.SECTOR, c.PARTICIPANTS, c.COST,
            c.ACTIVITY_STATUS, c.ORGANISER, c.COMMENT, c.PERIOD, c.UPLOAD_ID,
        ],
        title="Aktiviteter",
    )  # fmt: skip


def _meetings(rows) -> Table:
    return Table(
        columns=[c.DATE, c.COMMENT, c.MEETING_KIND, c.PERIOD, c.PRESENT],
        rows=[
            [m.date, m.comment or None, m.kind or None, m.period, m.present or None] for m in rows
        ],
        title="Møter",
    )
