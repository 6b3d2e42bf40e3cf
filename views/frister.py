"""Frister: every council's report for every period across the years, coloured by its
deadline status as of a chosen date; what is missing and what falls due soon."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

import ui
from ia_data.domain import formatting as fmt
from ia_data.domain.kinds import ReviewState
from ia_data.domain.rules import Status
from ia_data.output import charts
from ia_data.reporting import columns, tables
from ia_data.reporting.deadlines import data_years, deadlines, falling_due, missing_reports

TEXT = {
    "title": "Frister",
    "intro": "Hver rapport fra hvert IA-råd, periode for periode og år for år, med frist, "
    "innsendt dato og status slik den var på statusdatoen.",
    "empty": "Databasen har ingen rapporter ennå. Gå til **Last opp** og last opp rapportene "
    "fra IA-rådene, eller fyll databasen med demodata fra kommandolinjen: "
    "`uv run ia-data seed`.",
    "no_rows": "Ingen IA-råd passer med filteret.",
    "matrix": "Status per IA-råd og periode",
    "matrix_caption": "Status per {as_of}. En rapport sendt inn etter statusdatoen regnes "
    "som ikke sendt. Tomme celler: rådet fantes ikke det året. Periodene følger reglene "
    "for hvert år: {rules}",
    "assumed": " (antatt frist)",
    "chart": "Figur",
    "missing": "Mangler per {as_of}",
    "missing_none": "Ingen rapporter mangler per {as_of}.",
    "due": "Frist de neste {days} dagene",
    "due_none": "Ingen rapporter har frist mellom {as_of} og {last}.",
    "due_after_data": " Dataene gjelder {first}–{last_year}; velg en tidligere statusdato for "
    "å se fristene slik de sto da.",
    "details": "Alle frister med datoer",
    "review_help": "Antall rapporter (råd × periode) i denne tilstanden hos "
    "Koordineringsenheten; se Gjennomgang i tabellen under.",
    "details_caption": "«Gjennomgang»: hvor rapporten står hos Koordineringsenheten. "
    "«Dager over frist»: hvor mange dager etter fristen en sen rapport kom, "
    "eller hvor lenge en manglende rapport har vært på overtid per statusdatoen.",
    # each table's download: its title, and what its rows are
    "matrix_file": "Rapportstatus per IA-råd og periode {span}",
    "matrix_rows": "Antall IA-råd",
    "missing_file": "Rapporter som mangler per {as_of}",
    "missing_rows": "Antall manglende rapporter",
    "due_file": "Rapporter med frist {as_of}–{last}",
    "due_rows": "Antall rapporter",
    "details_file": "Rapportfrister for IA-rådene {span}",
    "details_rows": "Antall rapporter (råd × periode)",
}

rules = ui.data.rules()
st.title(TEXT["title"])
st.caption(TEXT["intro"])

all_years = ui.data.read(data_years, rules=rules)
if not all_years:
    st.info(TEXT["empty"], icon=":material/upload_file:")
    st.stop()

with st.container(horizontal=True):
    as_of = ui.filters.as_of_filter()
    years = ui.filters.year_range_filter(all_years)
    approved_only = ui.filters.approved_filter()
council_ids = ui.filters.council_filter_for(years)
rows = ui.data.read(
    deadlines,
    rules=rules,
    as_of=as_of,
    years=years,
    council_ids=council_ids or None,
    approved_only=approved_only,
)
ui.review.approved_note(approved_only)
if not rows:
    st.info(TEXT["no_rows"])
    st.stop()

span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
stem = f"ia-frister-{span.replace('–', '-')}-per-{as_of.isoformat()}"
chosen = ", ".join(sorted({r.council.name for r in rows})) if council_ids else "alle"
filters = [(columns.YEAR, span), (columns.COUNCIL, chosen)]
uploads = [r.upload_id for r in rows if r.upload_id]
last = as_of + timedelta(rules.due_soon_days)
titled = {"span": span, "as_of": fmt.day(as_of), "last": fmt.day(last)}  # the files' titles


def _show(table, key: str, name: str, upload_ids=(), **shown) -> None:
    """One of the page's tables (``key``) with its download: the file ``stem`` + ``name``,
    titled and its rows counted as ``TEXT`` says, about the years, filters and date shown."""
    title, row_label = TEXT[f"{key}_file"].format(**titled), TEXT[f"{key}_rows"]
    download = ui.display.Download(
        stem + name,
        title,
        filters,
        upload_ids,
        as_of,
        row_label,
        years=years,
        approved_only=approved_only,
    )
    ui.display.show_table(table, key=key, download=download, **shown)


# --- headline figures ------------------------------------------------------------------
statuses = [r.status.status for r in rows]
with st.container(horizontal=True, border=True):
    st.metric("Rapporter (råd × periode)", fmt.number(len(rows)))
    for status in Status:
        st.metric(str(status), fmt.number(statuses.count(status)))
reviewed = [r.review_state for r in rows if r.review_state]
with st.container(horizontal=True, border=True):
    for state in ReviewState:
        st.metric(state.value, fmt.number(reviewed.count(state)), help=TEXT["review_help"])


# --- the matrix ------------------------------------------------------------------------
def _rules_text() -> str:
    parts = []
    for regime in rules.regimes:
        shown = [y for y in years if regime.from_year <= y <= regime.to_year]
        if not shown:
            continue
        periods = []
        for period in rules.periods(shown[0]):
            due = fmt.long_day(period.due).rsplit(" ", 1)[0]
            later = " året etter" if period.due.year > period.year else ""
            note = TEXT["assumed"] if period.due_is_assumption else ""
            periods.append(f"{period.code} ({period.name.lower()}) frist {due}{later}{note}")
        span = str(shown[0]) if shown[0] == shown[-1] else f"{shown[0]}–{shown[-1]}"
        parts.append(f"{span}: " + "; ".join(periods))
    return " · ".join(parts) + "."


st.subheader(TEXT["matrix"])
_show(
    tables.deadline_matrix_table(rows, newest_first=True),
    "matrix",
    "-matrise",
    uploads,
    max_height=720,
)
st.caption(TEXT["matrix_caption"].format(as_of=fmt.day(as_of), rules=_rules_text()))
ui.display.assumption_legend(rules, years)
with st.expander(TEXT["chart"], expanded=True):
    ui.display.chart(charts.deadline_chart(rows), caption=charts.STATUS_MARK_TEXT)

# --- what is missing, what falls due ---------------------------------------------------
left, right = st.columns(2)
with left:
    st.subheader(TEXT["missing"].format(as_of=fmt.day(as_of)))
    missing = missing_reports(rows)
    if missing:
        _show(tables.missing_table(missing), "missing", "-mangler", alerts=(columns.DAYS_OVERDUE,))
    else:
        st.success(TEXT["missing_none"].format(as_of=fmt.day(as_of)), icon=":material/check:")
with right:
    days = rules.due_soon_days
    st.subheader(TEXT["due"].format(days=days))
    due = falling_due(rows, as_of, days)
    if due:
        due_uploads = [r.upload_id for r in due if r.upload_id]
        _show(tables.falling_due_table(due, as_of), "due", "-forfaller", due_uploads)
    else:
        message = TEXT["due_none"].format(as_of=fmt.day(as_of), last=fmt.day(last))
        if as_of > max(r.period.due for r in rows):
            message += TEXT["due_after_data"].format(first=years[0], last_year=years[-1])
        st.info(message, icon=":material/event_available:")

# --- every deadline, with dates --------------------------------------------------------
st.subheader(TEXT["details"])
_show(
    tables.deadlines_table(rows),
    "details",
    "",
    uploads,
    alerts=(columns.DAYS_OVERDUE,),
    max_height=420,
)
st.caption(TEXT["details_caption"])
