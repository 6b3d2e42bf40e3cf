"""Statistikk (admins): the public statistics shown beside the councils' activity — the
series loaded, a file checked before it is loaded, a StatBank table fetched, every load."""

from __future__ import annotations

import streamlit as st

import ui
from ia_data.domain.kinds import ImportStatus
from ia_data.reporting import record_tables
from ia_data.storage.stats import fetch_stats, import_stats, series_history, series_list

TEXT = {
    "title": "Statistikk",
    "intro": "Offentlig statistikk som vises ved siden av rådenes aktivitet: sykefravær per "
    "fylke og kvartal (på Oversikt, Råd og Aktiviteter). Serien fra NAV (legemeldt "
    "sykefravær, 1. kvartal 2005–2014) følger med appen. Flere serier kan lastes inn fra en "
    "fil (appens CSV, eller JSON-stat 2.0 eller CSV fra SSBs statistikkbank) eller hentes "
    "fra statistikkbanken. To mål blandes aldri i én serie.",
    "series": "Seriene i bruk",
    "series_none": "Ingen statistikkserie er lastet inn.",
    "file": "Last inn en fil",
    "uploader": "Statistikkfil (.csv eller .json)",
    "fetch": "Hent fra SSBs statistikkbank",
    "table": "Tabellnummer (for eksempel 12441)",
    "fetch_button": "Hent og kontroller",
    "checked": "Kontrollert uten feil: {message} Ingenting er lagret ennå.",
    "refused": "Filen kan ikke lastes inn: {message}",
    "fetch_refused": "Tabellen fra statistikkbanken kan ikke lastes inn: {message}",
    "load": "Last inn serien",
    "loaded": "{message}",
    "history": "Alle innlastinger",
    "history_caption": "Hver innlasting tas vare på; en ny innlasting av samme serie "
    "erstatter den aktive versjonen.",
}

st.title(TEXT["title"])
st.caption(TEXT["intro"])
message = st.session_state.pop("stats_message", None)
if message:
    st.success(ui.text.plain(message), icon=":material/check_circle:")


def _show(result, load, refused: str = TEXT["refused"]) -> None:
    """A checked file or table (``refused``: how its refusal begins): its problems (each
    with its line), or a button to load it."""
    if result.status == ImportStatus.REJECTED:
        st.error(refused.format(message=ui.text.plain(result.message)))
        if result.problems:
            st.markdown("\n".join(f"- {ui.text.plain(p)}" for p in result.problems[:50]))
        return
    if result.status == ImportStatus.UNCHANGED:
        st.info(ui.text.plain(result.message))
        return
    st.success(TEXT["checked"].format(message=ui.text.plain(result.message)))
    if st.button(TEXT["load"], type="primary", key=f"stats_load_{result.file_name}"):
        done = load()
        if done.status == ImportStatus.REJECTED:
            st.error(refused.format(message=ui.text.plain(done.message)))
        else:
            st.session_state.stats_message = done.message
            st.session_state.pop("stats_file", None)
            st.rerun()


st.subheader(TEXT["series"])
active = record_tables.stats_series_table(ui.data.read(series_list))
ui.display.kept_table(active, "stats_series", "ia-statistikk", none=TEXT["series_none"])

left, right = st.columns(2, gap="large")
with left:
    st.subheader(TEXT["file"])
    file = st.file_uploader(TEXT["uploader"], type=[".csv", ".json", "text/csv"], key="stats_file")
    if file is not None:
        data = file.getvalue()
        checked = ui.data.write(import_stats, file_name=file.name, data=data, dry_run=True)
        _show(checked, lambda: ui.data.write(import_stats, file_name=file.name, data=data))
with right:
    st.subheader(TEXT["fetch"])
    with st.form("stats_fetch", border=False):
        table_id = st.text_input(TEXT["table"], max_chars=10)
        asked = st.form_submit_button(TEXT["fetch_button"])
    if asked and table_id.strip():
        with st.spinner("Henter …"):
            st.session_state.stats_fetched = ui.data.write(
                fetch_stats, table=table_id.strip(), dry_run=True
            )
            st.session_state.stats_table = table_id.strip()
    fetched = st.session_state.get("stats_fetched")
    if fetched is not None:
        table_asked = st.session_state.stats_table
        _show(
            fetched,
            lambda: ui.data.write(fetch_stats, table=table_asked),
            TEXT["fetch_refused"],
        )

st.subheader(TEXT["history"])
every = record_tables.stats_series_table(ui.data.read(series_history))
if ui.display.kept_table(
    every, "stats_history", "ia-statistikk-historikk", "Statistikk: alle innlastinger"
):
    st.caption(TEXT["history_caption"])
