"""Oversikt: every council side by side for one year — money, activities per sub-goal,
meetings, action plan and the status of each report — with exports of exactly this."""

from __future__ import annotations

from functools import partial

import streamlit as st

import ui
from ia_data.domain import formatting as fmt
from ia_data.domain.kinds import DeviationKind
from ia_data.domain.money import rule_grants_text
from ia_data.domain.rules import ASSUMED_MARK
from ia_data.output import charts
from ia_data.reporting import columns, tables
from ia_data.reporting.deviations import WHOLE_YEAR_RULE, deviations
from ia_data.reporting.headline import headline
from ia_data.reporting.overview import overview
from ia_data.reporting.sickness import sickness_overview

TEXT = {
    "title": "Oversikt",
    "intro": "Alle IA-råd side om side for valgt år: tilskudd og forbruk, aktiviteter per "
    "delmål, møter, handlingsplan og om rapportene kom inn i tide.",
    "empty": "Databasen har ingen rapporter ennå. Gå til **Last opp** og last opp rapportene "
    "fra IA-rådene (en tom mal finnes der), eller fyll databasen med demodata fra "
    "kommandolinjen: `uv run ia-data seed`.",
    "no_rows": "Ingen IA-råd passer med filteret.",
    "goal_note": "Filter delmål {goal}: Brukt, Gjenstår, Forbruk og Aktiviteter gjelder bare "
    "aktiviteter merket delmål {goal}. Delmålskolonnene viser alle aktiviteter.",
    "caption": "Status per {as_of}. «regel»: beløpet følger av reglene for året "
    "({grants}); «vedtak»: fra et "
    "opplastet tildelingsvedtak. Aktiviteter og delmål teller ikke avlyste aktiviteter; "
    "Brukt tar med alle. Møter forventes {meetings} ganger i året. En rapport sendt inn "
    "etter statusdatoen regnes som ikke sendt. Statusdatoen endrer bare statusene (og "
    "Innsendt); tallene (tildelt, brukt, aktiviteter, møter) er fra den aktive versjonen av "
    "hver rapport, uansett dato.",
    "flags": "⚠ i tabellen: under Gjenstår betyr det brukt mer enn tildelt, under et delmål "
    "ingen aktivitet på delmålet, under Møter et antall utenfor det forventede, under "
    "Handlingsplan at rapporten svarer «Nei» eller ikke oppgir noen handlingsplan (brevet fra "
    "2012 krever en).",
    "links": "Se ett råd nærmere:",
    "view": "Visning",
    "sickness": "Et råd som dekker to fylker, viser hvert fylkes tall (ikke et snitt); et "
    "tomt felt betyr at serien ikke har tall for fylket.",
    "views": {"kompakt": "Kompakt", "alle": "Alle kolonner"},
    "share_used": "Andel brukt",
    "overspent_help": "IA-råd som har brukt mer enn tildelt: {names}",
    "lacking_goals": "Uten alle tre delmål",
    "lacking_goals_help": "IA-råd med en rapport uten aktivitet på et delmål: {names}",
    "without_plan": "Uten handlingsplan",
    "without_plan_help": "IA-råd med en rapport som ikke oppgir handlingsplan: {names}",
    "meetings_outside": "Møter utenfor {range}",
    "meetings_outside_help": "IA-råd med færre eller flere møter i året enn forventet "
    "(telles når året er omme): {names}",
    "none": "ingen",
    "deviation_rule": "Tallene over tabellen er de samme som på siden «Avvik» og i den "
    "samlede rapporten. {rule}",
    "deviation_link": "Alle avvik {year}",
    "overspent_bar": "over tildelt",
    "statuses_help": "Antall rapporter (råd × periode)",
    "compiled": "Samlet rapport",
    "compiled_year": "Hele året",
    "compiled_period": "Rapporten gjelder",
    "compiled_caption": "Én Excel-fil for {year} til Oppfølgingsgruppen: et sammendrag med "
    "nøkkeltallene, avvikene og tabellen over, og ett ark per IA-råd med rapportsvarene, "
    "aktivitetene, møtene og pengene; som PDF (A4, til møtene) med én side per IA-råd. "
    "Gjelder {covers} (filtrene over brukes ikke), status per {as_of}.",
    "compiled_button": "Last ned samlet rapport {year} (XLSX)",
    "compiled_pdf": "Last ned samlet rapport {year} (PDF)",
    "forwarded": "Sendt til Oppfølgingsgruppen",
}

rules, years = ui.data.page_start(TEXT)
ui.review.sent_back_notice()  # a secretariat's report sent back: said first

asked = ui.filters.year_filters(years, as_of=True, goal=True)
year, as_of, goal, approved_only = asked
council_ids = ui.filters.council_filter_for([year])
scoped = asked.query(council_ids)  # as every query of the page takes them

rows = ui.data.read(overview, rules=rules, goal=goal, **scoped)
ui.review.approved_note(approved_only)
if not rows:
    st.info(TEXT["no_rows"])
    st.stop()
periods = rules.periods(year)
sickness = ui.data.read(sickness_overview, year=year, rules=rules, council_ids=council_ids or None)
table = tables.overview_table(rows, periods, screen=True, sickness=sickness)

# --- headline figures ------------------------------------------------------------------
# The same function as the compiled report's «Nøkkeltall»; a tile of a column's figure is
# named as the column is.
figures = headline(rows)
# The councils that need attention: the same function as «Avvik» and the compiled report.
found = ui.data.read(deviations, rules=rules, **scoped)


def _tile(label: str, kind: DeviationKind, help_key: str) -> None:
    """A count of councils with a kind of deviation, its help naming them."""
    ui.display.deviation_metric(found, kind, label, TEXT[help_key], TEXT["none"])


with st.container(horizontal=True, border=True):
    st.metric(columns.COUNCIL.name, figures.councils)
    st.metric(columns.ALLOCATED.short, fmt.kroner(figures.allocated_ore))
    st.metric(columns.SPENT.short, fmt.kroner(figures.spent_ore))
    st.metric(TEXT["share_used"], fmt.percent(figures.share_used) or "–")
    _tile(columns.OVERSPENT.name, DeviationKind.OVERSPENT, "overspent_help")
with st.container(horizontal=True, border=True):
    st.metric(columns.ACTIVITIES.name, fmt.number(figures.activities))
    for k, sub_goal in columns.GOALS.items():
        st.metric(sub_goal.name, fmt.number(figures.goals[k]), help=ui.display.goal_help(k))
    _tile(TEXT["lacking_goals"], DeviationKind.SUB_GOAL, "lacking_goals_help")
    _tile(TEXT["without_plan"], DeviationKind.NO_ACTION_PLAN, "without_plan_help")
    if rules.meetings_expected(year):
        low, high = rules.meetings_expected(year)
        label = TEXT["meetings_outside"].format(range=f"{low}–{high}")
        _tile(label, DeviationKind.MEETINGS, "meetings_outside_help")
with st.container(horizontal=True, gap="small"):
    st.caption(TEXT["deviation_rule"].format(rule=WHOLE_YEAR_RULE))
    st.page_link(
        "views/avvik.py",
        label=TEXT["deviation_link"].format(year=year),
        icon=":material/report:",
        query_params={"ar": str(year)},
    )
with st.container(horizontal=True, border=True):
    for status, count in figures.statuses.items():
        st.metric(str(status), count, help=TEXT["statuses_help"])

# --- the table -------------------------------------------------------------------------
expected = rules.meetings_expected(year) or (2, 4)
meetings_mark = f" {ASSUMED_MARK}" if rules.meetings_assumed(year) else ""
meetings = columns.MEETINGS.needs(
    lambda v: not expected[0] <= v <= expected[1],
    words=lambda v: (
        (f"under {expected[0]}" if v < expected[0] else f"over {expected[1]}") + meetings_mark
    ),
)
if goal:
    st.info(TEXT["goal_note"].format(goal=goal), icon=":material/filter_alt:")
view = ui.filters.view_filter(TEXT["view"], TEXT["views"])
compact = view == "kompakt"
shown = tables.overview_compact_table(rows, periods, sickness) if compact else table
status_columns = (
    [tables.compact_status_column(p) for p in periods]
    if compact
    else [columns.STATUS.of(p.code) for p in periods]
)
shown = ui.review.with_review(
    shown, status_columns, [p.code for p in periods], [r.periods for r in rows]
)
# Spent more than allocated: the bar is red and flagged, not one more full bar.
share = columns.SHARE_USED.needs(lambda p: p.share > 1, words=lambda _: TEXT["overspent_bar"])
ui.display.show_table(
    shown,
    bars=(columns.SHARE_USED,),
    flags=(*columns.GOALS.values(), meetings, columns.ACTION_PLAN, share),
    alerts=(columns.ALL_GOALS,),
    max_height=ui.display.table_height(len(rows)),
)
st.caption(
    TEXT["caption"].format(
        as_of=fmt.day(as_of),
        grants=rule_grants_text(rules),
        meetings=f"{expected[0]}–{expected[1]}",
    )
)
st.caption(TEXT["flags"])
if tables.shows_sickness(sickness):
    st.caption(f"**Sykefravær:** {ui.text.plain(sickness.caption)} {TEXT['sickness']}")
ui.display.assumption_legend(rules, [year])
ui.display.given_legend([status for row in rows for status in row.periods])
ui.display.goal_legend()
ui.display.council_page_links([r.council for r in rows], TEXT["links"])


def _overview_file(file_format: str) -> bytes:
    """The overview as a file (its writers imported when a file is asked for: openpyxl)."""
    from ia_data.output.exports import overview_export

    return ui.data.read(
        overview_export, rules=rules, file_format=file_format, goal=goal, cache=False, **scoped
    )


ui.display.download_pair(
    _overview_file,
    f"ia-oversikt-{year}-per-{as_of.isoformat()}" + (f"-delmal-{goal}" if goal else ""),
    key="overview",
)

# --- charts ----------------------------------------------------------------------------
st.subheader("Figurer")
left, right = st.columns(2)
with left:
    ui.display.chart(charts.money_chart(rows))
with right:
    ui.display.chart(charts.goals_chart(rows))
ui.display.chart(charts.status_chart(rows))

# --- the compiled report ---------------------------------------------------------------
st.subheader(TEXT["compiled"])
covers = ui.auth.scope().covers()  # a secretariat's file holds its own councils only
st.caption(TEXT["compiled_caption"].format(year=year, as_of=fmt.day(as_of), covers=covers))
compiled_period = None
if len(periods) > 1:  # half-yearly: the 2012 letter's combined half-yearly report too
    choices = {"": TEXT["compiled_year"], **{p.code: p.name for p in periods}}
    compiled_period = (
        st.radio(
            TEXT["compiled_period"],
            list(choices),
            format_func=lambda code: choices[code],
            horizontal=True,
            key="compiled_period",
        )
        or None
    )
what = f"{year}" if compiled_period is None else f"{year}-{compiled_period}"


def _compiled(form: str) -> bytes:
    """The compiled report as XLSX or PDF (its writers imported when it is asked for:
    openpyxl, WeasyPrint)."""
    from ia_data.output.compiled import compiled_report

    return ui.data.read(
        compiled_report, rules=rules, year=year, as_of=as_of, period=compiled_period,
        form=form, cache=False,
    )  # fmt: skip


stem = f"ia-samlet-rapport-{what}-per-{as_of.isoformat()}"
compiled_files = [  # the button's text and key, the form (the file's ending), type and icon
    ("compiled_button", "compiled", "xlsx", ui.display.XLSX_MIME, "summarize"),
    ("compiled_pdf", "compiled_pdf", "pdf", "application/pdf", "picture_as_pdf"),
]
with st.container(horizontal=True):
    for text, key, form, mime, icon in compiled_files:
        ui.display.file_button(
            TEXT[text].format(year=what.replace("-", " ")),
            partial(_compiled, form),
            f"{stem}.{form}",
            mime=mime,
            icon=f":material/{icon}:",
            key=key,
        )

# --- what was forwarded to the oversight group -------------------------------------------
if ui.auth.scope().everything:
    with st.expander(TEXT["forwarded"]):
        ui.review.forwarded_list()
