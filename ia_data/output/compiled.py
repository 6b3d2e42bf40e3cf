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
from datetime import UTC, date, datetime

from openpyxl.utils import get_column_letter
from sqlmodel import Session

from ia_data.domain.access import Scope
from ia_data.domain.formatting import day, local
from ia_data.domain.money import rule_grants_text
from ia_data.domain.questions import QUESTIONS
from ia_data.domain.register import CouncilInfo
from ia_data.domain.rules import Rules
from ia_data.output.compiled_facts import (
    Part,
    compiled_facts,
    council_facts,
    council_plan_parts,
    plans_summary_parts,
    summary_facts,
    themes_parts,
    whole_year_grant,
)
from ia_data.output.exports import about_rows, plans_about
from ia_data.output.spreadsheet import (
    alignment,
    fit_to_page_width,
    font,
    header_widths,
    new_workbook,
    set_text,
    sheet_title,
    write_about,
    write_cell,
    write_table,
)
from ia_data.reporting import columns as c
from ia_data.reporting.activities import activity_list, meeting_list
from ia_data.reporting.council_tables import NO_ANSWER, council_reports_table
from ia_data.reporting.deviations import (
    WHOLE_YEAR_RULE,
    Deviations,
    deviations_table,
)
from ia_data.reporting.overview import OverviewRow
from ia_data.reporting.table import Table
from ia_data.reporting.tables import (
    NO_REPORT,
    activities_table,
    overview_table,
)
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
    book = new_workbook()
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
        cell.alignment = alignment(horizontal="left")
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


# --- one sheet per council ---------------------------------------------------------------


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
    wrap = alignment(wrap_text=True, vertical="top")
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


# --- the blocks both forms show (``compiled_facts.Part``), on a sheet ----------------------


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
    cell.alignment = alignment(wrap_text=True, vertical="top")
    if font is not None:
        cell.font = font
    sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=ANSWER_MERGE)
    lines = sum(max(1, math.ceil(len(part) / width)) for part in text.split("\n"))
    sheet.row_dimensions[row].height = 15 * max(1, lines) + 2


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
