"""Oversikt: every council side by side for one year — money, activities per sub-goal,
meetings, action plan and the status of each report — with exports of exactly this."""

from __future__ import annotations

import streamlit as st

import ui
from ia_data.domain import formatting as fmt
from ia_data.domain.money import rule_grants_text
from ia_data.domain.rules import ASSUMED_MARK, Status, load_rules
from ia_data.output import charts
from ia_data.reporting import tables
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
    "assumed_due": "Brevene gir ingen frist for denne perioden; fristen er antatt (se under "
    "tabellen).",
    "views": {"kompakt": "Kompakt", "alle": "Alle kolonner"},
    "compiled": "Samlet rapport",
    "compiled_year": "Hele året",
    "compiled_period": "Rapporten gjelder",
    "compiled_caption": "Én Excel-fil for {year} til Oppfølgingsgruppen: et sammendrag med "
    "nøkkeltallene og tabellen over, og ett ark per IA-råd med rapportsvarene, aktivitetene, "
    "møtene og pengene. Gjelder alle IA-rådene (filtrene over brukes ikke), status per {as_of}.",
    "compiled_button": "Last ned samlet rapport {year} (XLSX)",
}

rules = load_rules()
years = ui.data.page_start(TEXT)

# The compact view's columns: narrow enough that all of them fit a 1440 px screen.
COMPACT_COLUMNS = {
    "IA-råd": st.column_config.TextColumn("IA-råd", width=114),
    "Forbruk (%)": st.column_config.ProgressColumn(
        "Forbruk", min_value=0, max_value=100, format="%.0f %%", width=76,
        help="Brukt som andel av tildelt",
    ),
    "Tildelt (kr)": st.column_config.Column("Tildelt", width=80, help="Tildelt (kr)"),
    "Brukt (kr)": st.column_config.Column("Brukt", width=96, help="Brukt (kr)"),
    "Aktiviteter": st.column_config.Column("Akt.", width=44, help="Aktiviteter (ikke avlyste)"),
    **{
        f"Delmål {k}": st.column_config.Column(
            f"D{k}", width=44, help=f"Delmål {k}: {ui.display.goal_help(f'Delmål {k}')}"
        )
        for k in (1, 2, 3)
    },
    "Møter": st.column_config.Column("Møter", width=54),
    "Handlingsplan": st.column_config.Column("Handl.plan", width=92, help="Handlingsplan"),
}  # fmt: skip

with st.container(horizontal=True):
    year = ui.filters.year_filter(years, default=years[0])
    as_of = ui.filters.as_of_filter()
    goal = ui.filters.goal_filter()
council_ids = ui.filters.council_filter([c for c in ui.data.all_councils() if c.exists_in(year)])

rows = ui.data.query(overview, year=year, as_of=as_of, council_ids=council_ids or None, goal=goal)
if not rows:
    st.info(TEXT["no_rows"])
    st.stop()
periods = rules.periods(year)
sickness = ui.data.query(sickness_overview, year=year, council_ids=council_ids or None)
table = tables.overview_table(rows, periods, screen=True, sickness=sickness)

# --- headline figures ------------------------------------------------------------------
statuses = [p.status.status for r in rows for p in r.periods]
allocated = sum(r.allocated_ore or 0 for r in rows)
spent = sum(r.spent_ore for r in rows)
lacking = [r for r in rows if r.lacks_goals]
without_plan = [r for r in rows if r.lacks_action_plan]
with st.container(horizontal=True, border=True):
    st.metric("IA-råd", len(rows))
    st.metric("Tildelt", fmt.kroner(allocated))
    st.metric("Brukt", fmt.kroner(spent))
    st.metric("Andel brukt", fmt.percent(spent / allocated) if allocated else "–")
    st.metric(
        "Overforbruk",
        sum(1 for r in rows if r.overspent),
        help="IA-råd som har brukt mer enn tildelt",
    )
with st.container(horizontal=True, border=True):
    st.metric("Aktiviteter", fmt.number(sum(r.activities for r in rows)))
    for k in (1, 2, 3):
        st.metric(
            f"Delmål {k}",
            fmt.number(sum(r.goals[k] for r in rows)),
            help=ui.display.goal_help(f"Delmål {k}"),
        )
    st.metric(
        "Uten alle tre delmål",
        len(lacking),
        help=ui.text.plain(", ".join(r.council.name for r in lacking)) or None,
    )
    st.metric(
        "Uten handlingsplan",
        len(without_plan),
        help=ui.text.plain(", ".join(r.council.name for r in without_plan))
        or "Alle rådene som har rapportert, har en handlingsplan",
    )
with st.container(horizontal=True, border=True):
    for status in Status:
        st.metric(str(status), statuses.count(status), help="Antall rapporter (råd × periode)")

# --- the table -------------------------------------------------------------------------
expected = rules.meetings_expected(year) or (2, 4)
meetings_mark = f" {ASSUMED_MARK}" if rules.meetings_assumed(year) else ""
date_columns = [c for c in table.columns if c.startswith(("Frist", "Innsendt"))]
status_columns = [c for c in table.columns if c.startswith("Status")]
if goal:
    st.info(TEXT["goal_note"].format(goal=goal), icon=":material/filter_alt:")
view = ui.filters.view_filter(TEXT["view"], TEXT["views"])
compact = view == "kompakt"
shown = tables.overview_compact_table(rows, periods, sickness) if compact else table
sickness_help = (
    f"{sickness.caption} Et råd som dekker to fylker, viser begge fylkenes tall (i "
    "kompakt visning: i fylkenes rekkefølge under Fylker)."
)
ui.display.show_table(
    shown,
    bars=("Forbruk (%)",),
    flags={
        **{f"Delmål {k}": (lambda v: v == 0) for k in (1, 2, 3)},
        "Møter": lambda v: not expected[0] <= v <= expected[1],
        "Handlingsplan": tables.action_plan_missing,
    },
    flag_words={}
    if compact
    else {
        "Møter": lambda v: (
            (f"under {expected[0]}" if v < expected[0] else f"over {expected[1]}") + meetings_mark
        ),
        "Handlingsplan": lambda v: "mangler",
    },
    alerts={"Alle delmål dekket": lambda v: v == "Nei"},
    max_height=ui.display.table_height(len(rows)),
    column_config={
        **COMPACT_COLUMNS,
        tables.SICKNESS: st.column_config.Column("Sykefr.", width=64, help=sickness_help),
        **{
            tables.compact_status_column(p): st.column_config.TextColumn(
                tables.compact_status_column(p),
                width=158,
                help=TEXT["assumed_due"] if p.due_is_assumption else None,
            )
            for p in periods
        },
    }
    if compact
    else {
        "År": st.column_config.NumberColumn("År", format="%d", width=48),
        "IA-råd": st.column_config.TextColumn("IA-råd", width=175, pinned=True),
        "Fylker": st.column_config.TextColumn("Fylker", width=150),
        "Tildelt (kr)": st.column_config.Column("Tildelt (kr)", width=92),
        "Tildeling": st.column_config.TextColumn("Tildeling", width=104),
        "Brukt (kr)": st.column_config.Column("Brukt (kr)", width=105),
        "Gjenstår (kr)": st.column_config.Column("Gjenstår (kr)", width=112),
        "Aktiviteter": st.column_config.Column("Aktiviteter", width=78),
        **{
            f"Delmål {k}": st.column_config.Column(
                f"Delmål {k}", width=66, help=ui.display.goal_help(f"Delmål {k}")
            )
            for k in (1, 2, 3)
        },
        "Alle delmål dekket": st.column_config.TextColumn(
            "Alle delmål", width=108, help="Aktivitet på alle tre delmål"
        ),
        "Møter": st.column_config.Column("Møter", width=92),
        tables.SICKNESS: st.column_config.Column(tables.SICKNESS, width=110, help=sickness_help),
        tables.SICKNESS_CHANGE: st.column_config.Column(
            "Endring (pp)", width=96, help=f"Endring i prosentpoeng. {sickness.caption}"
        ),
        **{c: st.column_config.TextColumn(c, width=235) for c in status_columns},
        **{c: st.column_config.Column(c, width=88) for c in date_columns},
    },
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
ui.display.goal_legend()
ui.display.council_page_links([r.council for r in rows], TEXT["links"])
ui.display.download_pair(
    lambda file_format: ui.data.overview_export(year, as_of, file_format, council_ids, goal),
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
st.caption(TEXT["compiled_caption"].format(year=year, as_of=fmt.day(as_of)))
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
st.download_button(
    TEXT["compiled_button"].format(year=what.replace("-", " ")),
    data=ui.auth.as_this_visitor(lambda: ui.data.compiled_report(year, as_of, compiled_period)),
    file_name=f"ia-samlet-rapport-{what}-per-{as_of.isoformat()}.xlsx",
    mime=ui.display.XLSX_MIME,
    icon=":material/summarize:",
    on_click="ignore",
    key="compiled",
)
