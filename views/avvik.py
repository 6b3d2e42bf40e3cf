"""Avvik: everything that needs attention in a year or one of its periods, across the
councils in scope — one row per council, kind and period, the counts per kind at the top,
each council a link to its Råd page for the year, and downloads of exactly this. The same
function (``reporting.deviations``) counts Oversikt's tiles and the compiled report's
summary."""

from __future__ import annotations

import streamlit as st

import ui
from ia_data.domain import formatting as fmt
from ia_data.domain.kinds import DeviationKind
from ia_data.reporting import columns
from ia_data.reporting.council import council_register
from ia_data.reporting.deviations import WHOLE_YEAR_RULE, deviations, deviations_table

TEXT = {
    "title": "Avvik",
    "intro": "Alt som trenger oppfølging for valgt år eller periode: rapporter som mangler "
    "eller kom for sent, overforbruk, manglende handlingsplan, møter utenfor det forventede, "
    "delmål uten aktivitet, rapporter sendt tilbake og rapporter som har ventet lenge på "
    "gjennomgang. Én rad per råd, type og periode.",
    "empty": "Databasen har ingen rapporter ennå. Gå til **Last opp** og last opp rapportene "
    "fra IA-rådene, eller fyll databasen med demodata fra kommandolinjen: "
    "`uv run ia-data seed`.",
    "period": "Periode",
    "whole_year": "Hele året",
    "none": "Ingen avvik for {what} per {as_of}.",
    "count_help": "Antall IA-råd: {names}",
    "nobody": "ingen",
    "caption": "Status per {as_of}. Fristene vurderes som på «Frister» (en rapport sendt inn "
    "etter statusdatoen regnes som ikke sendt). {rule} Møter vurderes for året når året er "
    "omme (forventet {meetings} i året{assumed}); i et halvår vises de på årets siste periode. "
    "Et halvårs forbruk sammenlignes med hele årets tildeling. «Venter lenge»: mer enn "
    "{days} dager hos Koordineringsenheten. Et råd uten rapport for en periode står under "
    "«Rapport mangler», ikke under handlingsplan, delmål eller møter.",
    "links": "Åpne rådets side for {year}:",
    "file": "Avvik {what} per {as_of}",
    "rows": "Antall avvik",
}

rules, years = ui.data.page_start(TEXT)

asked = ui.filters.year_filters(years, as_of=True)
year, as_of, _, approved_only = asked
periods = rules.periods(year)
period = None
if len(periods) > 1:  # half-yearly: the whole year or one half
    choices = {"aret": TEXT["whole_year"], **{p.code: p.name for p in periods}}
    chosen = ui.filters.view_filter(TEXT["period"], choices, param="periode")
    period = None if chosen == "aret" else chosen
council_ids = ui.filters.council_filter_for([year])

found = ui.data.read(deviations, rules=rules, period=period, **asked.query(council_ids))
ui.review.approved_note(approved_only)
what = f"{year} {period}" if period else str(year)

# --- councils per kind ------------------------------------------------------------------
with st.container(horizontal=True, border=True):
    for kind in DeviationKind:
        ui.display.deviation_metric(found, kind, str(kind), TEXT["count_help"], TEXT["nobody"])

# --- in short: each kind's councils and what they need, readable on a phone too ---------
lines = [
    f"- **{kind}:** "
    + "; ".join(
        ui.text.plain(f"{d.council.short_name} ({d.label}): {d.detail}") for d in found.of(kind)
    )
    for kind in DeviationKind
    if found.of(kind)
]
if lines:
    st.markdown("\n".join(lines))

# --- the list ---------------------------------------------------------------------------
if not found.items:
    st.success(TEXT["none"].format(what=what, as_of=fmt.day(as_of)))
else:
    chosen_names = ", ".join(
        c.name for c in ui.data.read(council_register) if c.id in (council_ids or ())
    )
    ui.display.show_table(
        deviations_table(found),
        key="deviations",
        max_height=ui.display.table_height(len(found.items)),
        download=ui.display.Download(
            f"ia-avvik-{what.replace(' ', '-')}-per-{as_of.isoformat()}",
            title=TEXT["file"].format(what=what, as_of=fmt.day(as_of)),
            filters=[
                (columns.YEAR, year),
                *([(columns.PERIOD, what)] if period else []),
                (columns.COUNCIL, chosen_names or "alle"),
            ],
            as_of=as_of,
            row_label=TEXT["rows"],
            years=[year],
            approved_only=approved_only,
        ),
    )
expected = rules.meetings_expected(year) or (2, 4)
st.caption(
    TEXT["caption"].format(
        as_of=fmt.day(as_of),
        rule=WHOLE_YEAR_RULE,
        meetings=f"{expected[0]}–{expected[1]}",
        assumed=", antatt" if rules.meetings_assumed(year) else "",
        days=rules.review_wait_days,
    )
)
ui.display.assumption_legend(rules, [year])
councils = list({d.council.id: d.council for d in found.items}.values())
if councils:
    ui.display.council_page_links(councils, TEXT["links"].format(year=year), year=year)
