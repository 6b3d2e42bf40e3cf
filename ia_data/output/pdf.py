"""Samlet rapport as PDF, for the oversight group's meetings: the same report as the XLSX
(``compiled``) — the key figures and the list of deviations first, the overview of every
council, then one page per council — rendered from HTML by WeasyPrint on A4, with page
numbers and Norwegian numbers and dates. Every text from a workbook is escaped: it shows
as written, never as markup."""

from __future__ import annotations

import html
from datetime import date, datetime

from sqlmodel import Session

from ia_data.domain import formatting as fmt
from ia_data.domain.access import Scope
from ia_data.domain.questions import QUESTIONS
from ia_data.domain.rules import Rules
from ia_data.output import compiled_facts as gathered
from ia_data.reporting import columns as c
from ia_data.reporting.council_tables import NO_ANSWER, council_reports_table
from ia_data.reporting.deviations import WHOLE_YEAR_RULE, Deviations, deviations_table
from ia_data.reporting.table import Kind, Kroner, Percent, Table
from ia_data.reporting.tables import NO_REPORT, overview_compact_table

STYLE = """
@page {
  size: A4;
  margin: 16mm 14mm 18mm 14mm;
  @bottom-left { content: string(title); font: 8pt "DejaVu Sans", sans-serif;
                 color: #5a6572; }
  @bottom-right { content: "Side " counter(page) " av " counter(pages);
                  font: 8pt "DejaVu Sans", sans-serif; color: #5a6572; }
}
body { font-family: "DejaVu Sans", sans-serif; font-size: 8.5pt; color: #1c2733; }
h1 { font-size: 16pt; margin: 0 0 2mm; string-set: title content(); }
h2 { font-size: 12pt; margin: 5mm 0 2mm; }
h3 { font-size: 10pt; margin: 4mm 0 1.5mm; }
p.note { color: #5a6572; font-style: italic; margin: 1mm 0; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2mm; }
th, td { border-bottom: 0.4pt solid #c8ced6; padding: 1mm 1.2mm; text-align: left;
         vertical-align: top; }
th { background: #eef1f4; font-weight: bold; }
td.num { text-align: right; white-space: nowrap; }
.alert { color: #8e1c1c; font-weight: bold; }
table.facts td:first-child { font-weight: bold; width: 38%; }
section.council { page-break-before: always; }
tr { page-break-inside: avoid; }
"""


def _cell(value, kind: Kind) -> str:
    """A typed value as the page of a PDF writes it: Norwegian numbers and dates."""
    if value is None:
        return ""
    if isinstance(value, Kroner):
        return fmt.kroner(value.ore)
    if isinstance(value, Percent):
        return fmt.percent(value.share)
    if isinstance(value, bool):
        return fmt.yes_no(value)
    if isinstance(value, (date, datetime)):
        return fmt.day(value)
    if isinstance(value, int) and kind in (Kind.COUNT, Kind.MONEY):
        return fmt.number(value)
    if isinstance(value, float):
        return fmt.number(value, 1)
    return str(value)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def html_table(table: Table) -> str:
    """A ``Table`` as HTML: headers as the compact view names them, cells by their kind,
    numbers to the right, a cell that needs attention in red."""
    head = "".join(
        f"<th>{_e(col.compact_header if table.compact else col.name)}</th>" for col in table.columns
    )
    body = []
    for row in table.rows:
        cells = []
        for col, value in zip(table.columns, row, strict=True):
            classes = []
            if col.kind in (Kind.MONEY, Kind.PERCENT, Kind.COUNT, Kind.NUMBER):
                classes.append("num")
            if col.flags(value):
                classes.append("alert")
            klass = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f"<td{klass}>{_e(_cell(value, col.kind))}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _facts(facts) -> str:
    lines = []
    for label, value, remark, alert in facts:
        klass = ' class="alert"' if alert else ""
        lines.append(
            f"<tr><td>{_e(label)}</td><td{klass}>{_e(_cell(value, Kind.COUNT))}</td>"
            f"<td>{_e(remark)}</td></tr>"
        )
    return f'<table class="facts"><tbody>{"".join(lines)}</tbody></table>'


def _deviations(found: Deviations) -> str:
    if not found.items:
        return '<p class="note">Ingen avvik.</p>'
    return html_table(
        deviations_table(found).only([c.COUNCIL, c.DEVIATION, c.PERIOD, c.DEVIATION_DETAIL])
    )


def compiled_pdf(
    session: Session, rules: Rules, facts: gathered.CompiledFacts, as_of: date, now: datetime, *,
    scope: Scope,
) -> bytes:  # fmt: skip
    """The compiled report as PDF bytes, made of the ``facts`` the XLSX is made of
    (``compiled.compiled_report(..., form="pdf")`` gathers them)."""
    from weasyprint import HTML  # Pango through WeasyPrint, loaded when a PDF is asked for

    return HTML(string=compiled_html(session, rules, facts, as_of, now, scope=scope)).write_pdf()


def compiled_html(
    session: Session, rules: Rules, facts: gathered.CompiledFacts, as_of: date, now: datetime, *,
    scope: Scope,
) -> str:  # fmt: skip
    """The compiled report as the HTML the PDF is rendered from."""
    rows, shown, label, found = facts.rows, facts.shown, facts.label, facts.found
    year = facts.year
    figures = gathered.summary_facts(rows, rules, year, shown, facts.on_route, found)
    table = overview_compact_table(rows, shown)
    if facts.half:
        table = gathered.whole_year_grant(table)
    parts = [
        f"<h1>Samlet rapport fra IA-rådene {_e(label)}</h1>",
        f'<p class="note">Status for rapportene per {fmt.day(as_of)}. Laget '
        f"{fmt.local(now):%d.%m.%Y %H:%M} i IA-rådsoversikt. "
        + ("Tallene gjelder de godkjente versjonene av rapportene. " if facts.approved_only else "")
        + "Én side per IA-råd følger etter oversikten. "
        + f"Gjelder {_e(scope.covers())}.</p>",
        "<h2>Nøkkeltall</h2>",
        _facts(figures),
        f'<p class="note">{_e(WHOLE_YEAR_RULE)}</p>',
        f"<h2>Avvik ({len(found.items)})</h2>",
        _deviations(found),
        "<h2>Oversikt per IA-råd</h2>",
        html_table(table),
    ]
    assumed = rules.assumptions(year)
    if assumed:
        notes = _e(" ".join(assumed))
        parts.append(f'<p class="note">«(antatt)»: antatt, ikke bestemt i brevene. {notes}</p>')
    if facts.plans:
        parts.append(_parts(gathered.plans_summary_parts(facts.plans, as_of, "siden"), 2))
    if facts.themes:
        parts.append(_parts(gathered.themes_parts(facts.themes, rules.themes(year), year), 2))
    for row in rows:
        periods = facts.council_periods(session, rules, row, as_of, scope=scope)
        own = [d for d in found.items if d.council.id == row.council.id]
        plan = facts.plans.get(row.council.id)
        plan_html = _parts(gathered.council_plan_parts(plan, as_of), 3) if plan else ""
        parts.append(_council_page(row, periods, own, rules, year, facts.half, plan_html))
    return (
        '<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8">'
        f"<title>Samlet rapport fra IA-rådene {_e(label)}</title>"
        f"<style>{STYLE}</style></head><body>{''.join(parts)}</body></html>"
    )


def _parts(parts: list[gathered.Part], level: int) -> str:
    """A block both forms show (``compiled_facts.Part``) as HTML: headings at ``level``."""
    html = []
    for part in parts:
        if part.table is not None:
            html.append(html_table(part.table))
        elif part.heading:
            html.append(f"<h{level}>{_e(part.heading)}</h{level}>")
        else:
            html.append(f'<p class="note">{_e(part.note)}</p>')
    return "".join(html)


def _council_page(row, periods, own, rules: Rules, year: int, half: bool, plan: str) -> str:
    """One council's page: who it is, its key figures, its deviations, its reports, its
    answers to the five questions and (as HTML) its plan against what it did."""
    council = row.council
    facts = gathered.council_facts(row, rules, year, half)
    reports = council_reports_table(periods).only(
        [c.PERIOD, c.STATUS, c.DUE, c.SUBMITTED, c.ACTION_PLAN, c.ACTIVITIES, c.MEETINGS, c.SPENT]
    )
    answers = []
    for k, question in enumerate(QUESTIONS, start=1):
        answers.append(f"<h3>Spørsmål {k}: {_e(question)}</h3>")
        for p in periods:
            text = (p.answers[k - 1] or NO_ANSWER) if p.stored else NO_REPORT
            answers.append(f"<p><b>{_e(p.period.label)}:</b> {_e(text)}</p>")
    listed = "".join(f"<li>{_e(d.kind)} ({_e(d.label)}): {_e(d.detail)}</li>" for d in own)
    return (
        f'<section class="council"><h2>{_e(council.name)}</h2>'
        f'<p class="note">{year} · Fylker: {_e(council.county_names)} · Sekretariat: '
        f"{_e(council.secretariat or 'ikke oppgitt')}</p>"
        f"{_facts(facts)}"
        f"<h3>Avvik</h3>{f'<ul>{listed}</ul>' if own else '<p class=note>Ingen avvik.</p>'}"
        f"<h3>Rapporter</h3>{html_table(reports)}"
        f"<h3>Svar på spørsmålene fra Oppfølgingsgruppen</h3>{''.join(answers)}{plan}"
        "</section>"
    )
