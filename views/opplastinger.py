"""Opplastinger: every upload, newest first — who sent what and when, which version is
active, the warnings — with the original file to download and earlier versions to
restore."""

from __future__ import annotations

from functools import partial

import streamlit as st

import ui
from ia_data.domain import formatting as fmt
from ia_data.domain.kinds import UploadKind
from ia_data.reporting import columns, record_tables
from ia_data.reporting import uploads as up
from ia_data.reporting.council import council_register
from ia_data.reporting.review import review_history
from ia_data.storage.store import restore_upload

TEXT = {
    "route": "Gjennomgang: hendelser og kommentarer",
    "route_caption": "Hvert steg på rapportenes vei (mottatt, sendt tilbake med begrunnelse, "
    "godkjent) og hver kommentar, med hvem og når. Ingenting slettes.",
    "route_none": "Ingen hendelser på rapportenes vei for filteret.",
    "title": "Opplastinger",
    "intro": "Alle filer som er lastet opp, nyeste først. Den aktive versjonen av en rapport "
    "er den som teller i oversikten; tidligere versjoner tas vare på og kan gjenopprettes.",
    "empty": "Ingen opplastinger ennå. Gå til **Last opp** for å laste opp rapportene fra "
    "IA-rådene.",
    "no_rows": "Ingen opplastinger passer med filteret.",
    "period": "Periode",
    "period_placeholder": "Alle perioder",
    "metric_uploads": "Opplastinger",
    "metric_active": "Aktive versjoner",
    "metric_earlier": "Tidligere versjoner",
    "caption": "«Aktiv»: versjonen som teller i oversikten. Aktiviteter teller ikke avlyste "
    "aktiviteter; Kostnad tar med alle. Advarsler: hvor mange advarsler kontrollen ga.",
    "details": "Én opplasting",
    "pick": "Velg opplasting",
    "line": "**Opplasting nr. {id}** · {what} · fil **{file}** ({size}) · lastet opp {when}",
    "by": " av {who}",
    "active": ":green-badge[Aktiv versjon]",
    "inactive": ":gray-badge[Tidligere versjon]",
    "warnings": "Advarsler ved opplastingen:",
    "no_warnings": "Ingen advarsler ved opplastingen.",
    "download": "Last ned originalfilen",
    "restore": "Gjenopprett denne versjonen …",
    "restore_report": "Opplasting nr. {id} blir den aktive versjonen for {what}{instead}. "
    "Oversikten og eksportene viser da tallene fra denne filen. Ingenting slettes: du kan "
    "bytte tilbake her senere.",
    "restore_instead": ", i stedet for opplasting nr. {id}",
    "restore_allocations": "Tildelingene i opplasting nr. {id} blir de aktive for sine råd "
    "og år. Ingenting slettes: du kan bytte tilbake her senere.",
    "restore_plan": "Opplasting nr. {id} ({what}) blir den aktive handlingsplanen igjen; den "
    "som er aktiv nå, blir en tidligere versjon. Ingenting slettes: du kan bytte tilbake her "
    "senere.",
    "restore_confirm": "Ja, gjenopprett",
    "restore_cancel": "Avbryt",
    "is_active": "Dette er den aktive versjonen.",
    "restored": "Sist gjenopprettet som aktiv versjon {when}",
    "read_only": "Rollen din kan se opplastingene, men ikke gjenopprette.",
}


def _label(row: up.UploadRow) -> str:
    return f"Nr. {row.id} · {row.what} · {row.file_name} · {fmt.day(row.uploaded_at)}"


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{fmt.number(size / 1024 / 1024, 1)} MB"
    return f"{fmt.number(max(1, round(size / 1024)))} kB"


st.title(TEXT["title"])
st.caption(TEXT["intro"])

message = st.session_state.pop("restore_message", None)
if message:
    st.success(ui.text.plain(message), icon=":material/check_circle:")

everything = ui.data.read(up.upload_history)
if not everything:
    st.info(TEXT["empty"], icon=":material/upload_file:")
    st.stop()

# --- filters ---------------------------------------------------------------------------
with_uploads = {r.council_id for r in everything if r.council_id is not None}
periods = {f"{y} {p}": (y, p) for y, p in ui.data.read(up.uploaded_periods)}
with st.container(horizontal=True):
    council_ids = ui.filters.council_filter(
        [c for c in ui.data.read(council_register) if c.id in with_uploads]
    )
    chosen = ui.filters.choice_filter(
        TEXT["period"], list(periods), "periode", TEXT["period_placeholder"]
    )
rows = ui.data.read(
    up.upload_history,
    council_ids=sorted(council_ids) or None,
    periods=sorted(periods[label] for label in chosen) or None,
)
if not rows:
    st.info(TEXT["no_rows"])
    st.stop()

with st.container(horizontal=True, border=True):
    active = sum(1 for r in rows if r.active)
    st.metric(TEXT["metric_uploads"], fmt.number(len(rows)))
    st.metric(TEXT["metric_active"], fmt.number(active))
    st.metric(TEXT["metric_earlier"], fmt.number(len(rows) - active))

ui.display.show_table(record_tables.history_table(rows), key="history_table")
st.caption(TEXT["caption"])

# --- one upload: details, the original file, restore -----------------------------------
st.subheader(TEXT["details"])
by_id = {r.id: r for r in rows}
if st.session_state.get("history_pick") not in by_id:
    st.session_state.history_pick = rows[0].id
picked = st.selectbox(
    TEXT["pick"], list(by_id), key="history_pick", format_func=lambda i: _label(by_id[i])
)
row = by_id[picked]
scope = ui.auth.scope()
may_restore = scope.may_upload and (row.kind != UploadKind.ALLOCATION or scope.is_admin)

with st.container(border=True):
    by = TEXT["by"].format(who=ui.text.plain(row.uploader)) if row.uploader else ""
    st.markdown(
        TEXT["line"].format(
            id=row.id,
            what=ui.text.plain(row.what),
            file=ui.text.plain(row.file_name),
            size=_size(row.size),
            when=fmt.day(row.uploaded_at),
        )
        + by
        + " "
        + (TEXT["active"] if row.active else TEXT["inactive"])
    )
    if row.restored_at:
        restored = TEXT["restored"].format(when=fmt.day(row.restored_at))
        by = TEXT["by"].format(who=ui.text.plain(row.restored_by)) if row.restored_by else ""
        st.caption(restored + by)
    if row.warnings:
        lines = "\n".join(f"- {ui.text.plain(w)}" for w in row.warnings)
        st.warning(f"{TEXT['warnings']}\n\n{lines}", icon=":material/warning:")
    else:
        st.caption(TEXT["no_warnings"])

    pending = st.session_state.get("restore_pending")
    with st.container(horizontal=True):
        ui.display.file_button(
            TEXT["download"],
            partial(ui.data.upload_bytes, row.id),
            row.file_name,
            mime=up.mime_type(row.file_name),
            key=f"original_{row.id}",
        )
        if (
            not row.active
            and may_restore
            and pending != row.id
            and st.button(TEXT["restore"], icon=":material/restore:", key="restore_ask")
        ):
            st.session_state.restore_pending = row.id
            st.rerun()
    if row.active:
        st.caption(TEXT["is_active"])
    elif not may_restore:
        st.caption(TEXT["read_only"])
    elif pending == row.id:
        if row.kind == UploadKind.REPORT:
            current = up.active_version(everything, row)
            instead = TEXT["restore_instead"].format(id=current.id) if current else ""
            text = TEXT["restore_report"].format(
                id=row.id, what=ui.text.plain(row.what), instead=instead
            )
        elif row.kind == UploadKind.PLAN:
            text = TEXT["restore_plan"].format(id=row.id, what=ui.text.plain(row.what))
        else:
            text = TEXT["restore_allocations"].format(id=row.id)
        st.warning(text, icon=":material/restore:")
        with st.container(horizontal=True):
            confirm = st.button(TEXT["restore_confirm"], type="primary", key="restore_confirm")
            cancel = st.button(TEXT["restore_cancel"], key="restore_cancel")
        if cancel:
            st.session_state.pop("restore_pending", None)
            st.rerun()
        if confirm:
            st.session_state.pop("restore_pending", None)
            done = ui.data.write(restore_upload, upload_id=row.id)  # a refusal: said there
            if done is not None:
                st.session_state.restore_message = done
                st.rerun()

# --- the route: every review step and comment, kept for good ----------------------------
st.subheader(TEXT["route"])
wanted = {periods[label] for label in chosen}
steps = [
    s
    for s in ui.data.read(review_history)
    if (not council_ids or s.council_id in council_ids)
    and (not wanted or (s.year, s.period) in wanted)
]
if steps:
    ui.review.history_table(
        steps,
        key="route_history",
        max_height=420,
        stem="ia-gjennomgangshistorikk",
        title=TEXT["route"],
        filters=[(columns.COUNCIL, ", ".join(sorted({s.council for s in steps})))],
    )
    st.caption(TEXT["route_caption"])
else:
    st.info(TEXT["route_none"])
