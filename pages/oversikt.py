"""Oversikt: every council side by side for one year — money, activities per sub-goal,
meetings, action plan and the status of each report."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from ia_data import exports
from ia_data import formatting as fmt
from ia_data.rules import Status, load_rules

TEXT = {
    "title": "Oversikt",
    "intro": "Alle IA-råd side om side for valgt år: tilskudd og forbruk, aktiviteter per "
    "delmål, møter, handlingsplan og om rapportene kom inn i tide.",
    "empty": "Databasen har ingen rapporter ennå. Last opp rapportene fra IA-rådene, eller "
    "fyll databasen med demodata fra kommandolinjen: `uv run ia-data seed`.",
    "no_year": "Ingen rapporter eller tildelinger for {year}.",
    "csv": "Last ned CSV",
    "xlsx": "Last ned Excel (XLSX)",
    "caption": "Status per {as_of}. Forbruk er brukt av tildelt. «regel» betyr at beløpet følger "
    "av reglene for året (400 000 kr per råd, 600 000 kr for råd som dekker to fylker); "
    "«vedtak» at det kommer fra et opplastet tildelingsvedtak.",
}

rules = load_rules()
st.title(TEXT["title"])
st.caption(TEXT["intro"])

years = ui.years()
if not years:
    st.info(TEXT["empty"], icon=":material/upload_file:")
    st.stop()

with st.container(horizontal=True):
    year = ui.year_filter(years, default=years[0])
    as_of = ui.as_of_filter()

rows = ui.overview_rows(year, as_of)
periods = rules.periods(year)
table = exports.overview_table(rows, periods)

# Headline figures
statuses = [p.status.status for r in rows for p in r.periods]
allocated = sum(r.allocated_ore or 0 for r in rows)
spent = sum(r.spent_ore for r in rows)
with st.container(horizontal=True):
    st.metric("IA-råd", len(rows))
    st.metric("Tildelt", fmt.kroner(allocated))
    st.metric(
        "Brukt",
        fmt.kroner(spent),
        fmt.percent(spent / allocated) if allocated else None,
        delta_color="off",
    )
    st.metric("Aktiviteter", fmt.number(sum(r.activities for r in rows)))
    st.metric("Rapporter i tide", statuses.count(Status.ON_TIME))
    st.metric("For sent", statuses.count(Status.LATE))
    st.metric("Mangler", statuses.count(Status.MISSING))

frame = pd.DataFrame(table.rows, columns=table.columns)
money = ["Tildelt (kr)", "Brukt (kr)", "Gjenstår (kr)"]
for column in money:
    frame[column] = [v.ore / 100 if v is not None else None for v in frame[column]]
frame["Forbruk (%)"] = [v.share * 100 if v is not None else None for v in frame["Forbruk (%)"]]
date_columns = [c for c in frame.columns if c.startswith(("Frist", "Innsendt"))]
status_columns = [c for c in frame.columns if c.startswith("Status")]

styled = (
    frame.style.format(lambda v: fmt.kroner(round(v * 100)) if pd.notna(v) else "", subset=money)
    .format(lambda v: fmt.day(v) if pd.notna(v) and v else "", subset=date_columns)
    .format(
        lambda v: fmt.yes_no(v) if isinstance(v, bool) else "",
        subset=["Alle delmål dekket", "Handlingsplan"],
    )
    .map(ui.status_style, subset=status_columns)
)
st.dataframe(
    styled,
    hide_index=True,
    column_config={
        "Forbruk (%)": st.column_config.ProgressColumn(
            "Forbruk (%)", min_value=0, max_value=100, format="%.0f %%"
        ),
        "År": st.column_config.NumberColumn("År", format="%d"),
    },
)
st.caption(TEXT["caption"].format(as_of=fmt.day(as_of)))
file_stem = f"ia-oversikt-{year}-per-{as_of.isoformat()}"
with st.container(horizontal=True):
    st.download_button(
        TEXT["csv"],
        data=lambda: ui.overview_export(year, as_of, "csv"),
        file_name=f"{file_stem}.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )
    st.download_button(
        TEXT["xlsx"],
        data=lambda: ui.overview_export(year, as_of, "xlsx"),
        file_name=f"{file_stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/table_view:",
        on_click="ignore",
    )
