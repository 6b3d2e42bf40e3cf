"""Gjennomgang: the coordination unit's queue of reports waiting for review (oldest first,
with how long each has waited); for the report chosen, its figures, its workbook, what
changed since the version last sent back or approved, approve or send back with a reason,
and its thread of comments. Below, forwarding a period to the oversight group, and what was
forwarded. The library decides every move (``ia_data.storage.review``); a refused one is
shown as it words it."""

from __future__ import annotations

from functools import partial

import streamlit as st

import ui
from ia_data.domain import formatting as fmt
from ia_data.domain.kinds import ReviewState
from ia_data.output.forward import WHOLE_YEAR, forward_period
from ia_data.reporting import columns, record_tables, tables
from ia_data.reporting.council import council_register, council_reports
from ia_data.reporting.deadlines import years_with_data
from ia_data.reporting.review import (
    days_waiting,
    review_changes,
    review_history,
    review_queue,
    review_queue_table,
    review_states,
    review_states_table,
)
from ia_data.reporting.table import Kroner

TEXT = {
    "title": "Gjennomgang",
    "intro": "Rapportene som venter på Koordineringsenheten, den som har ventet lengst først. "
    "Velg en rapport, se tallene og hva som er endret, og godkjenn den eller send den tilbake "
    "til sekretariatet med en begrunnelse. Nederst: send periodens samlede rapport til "
    "Oppfølgingsgruppen.",
    "queue": "Venter på gjennomgang",
    "queue_none": "Ingen rapporter venter på gjennomgang.",
    "pick": "Rapport",
    "picked": "{council}, {year} {period} · opplasting nr. {upload} · {state} · venter {days}",
    "days_one": "1 dag",
    "days": "{days} dager",
    "today": "siden i dag",
    "figures": "Tallene i versjonen som venter",
    "workbook": "Last ned arbeidsboka ({name})",
    "status": "Frist {due} · {status}, bedømt etter kvitteringen.",
    "received": "Mottatt {when} ({how}). Versjonen som venter kom {since}.",
    "changes": "Endret siden forrige vurderte versjon",
    "changes_first": "Dette er den første versjonen av rapporten som vurderes: ingenting å "
    "sammenligne med.",
    "changes_against": "Versjonen som venter (opplasting nr. {new}) sammenlignet med "
    "opplasting nr. {old}, den som sist ble sendt tilbake eller godkjent.",
    "changes_figures": "Endret: {figures}.",
    "changes_none": "Ingen tall er endret.",
    "counts_file": "{what}: tallene i opplasting nr. {old} og nr. {new}",
    "activities_file": "{what}: aktiviteter endret fra opplasting nr. {old} til nr. {new}",
    "changes_activities": "Ingen aktiviteter er lagt til, fjernet eller endret.",
    "decide": "Vurdering",
    "approve": "Godkjenn",
    "approve_help": "Godkjenn akkurat denne versjonen (opplasting nr. {upload}).",
    "reason": "Begrunnelse (påkrevd når rapporten sendes tilbake)",
    "reason_placeholder": "Hva må sekretariatet rette?",
    "points_to": "Gjelder (valgfritt): ark, rad eller spørsmål",
    "points_to_placeholder": "For eksempel «Aktiviteter, rad 12» eller «Spørsmål 3»",
    "send_back": "Send tilbake",
    "thread": "Hendelser og kommentarer",
    "history_export": "Alle hendelser for rapporten",
    "states": "Alle rapporter og hvor de står",
    "states_year": "År",
    "states_none": "Ingen rapporter for {year}.",
    "forward": "Send til Oppfølgingsgruppen",
    "forward_caption": "Den samlede rapporten lages slik den står nå, med bare godkjente "
    "rapporter, og lagres nøyaktig slik den sendes, med hvem, når og en sjekksum. Den "
    "navngir rådene der rapporten mangler, venter på gjennomgang eller er sendt tilbake.",
    "forward_year": "År",
    "forward_period": "Periode",
    "forward_button": "Send til oppfølgingsgruppen",
    "forward_waiting": "{count} rapport(er) for {year} venter ennå på gjennomgang, og "
    "{back} er sendt tilbake; de telles ikke i den samlede rapporten.",
    "forwarded": "Samlet rapport {label} er sendt til Oppfølgingsgruppen ({name}, sjekksum "
    "{sha}…).",
    "forwarded_list": "Sendt til Oppfølgingsgruppen",
}


def _waited(days: int) -> str:
    if days == 0:
        return TEXT["today"]
    return TEXT["days_one"] if days == 1 else TEXT["days"].format(days=days)


def _amount(value) -> int:
    """A before-and-after table's figure as a number (an amount in øre)."""
    return value.ore if isinstance(value, Kroner) else int(value or 0)


def _figure(value) -> str:
    """A before-and-after table's figure as a person reads it: «12 500 kr», «14»."""
    return fmt.kroner(value.ore) if isinstance(value, Kroner) else fmt.number(value)


rules = ui.data.rules()
today = fmt.today()
st.title(TEXT["title"])
st.caption(TEXT["intro"])
ui.review.take_action()

# --- the queue -------------------------------------------------------------------------
st.subheader(TEXT["queue"])
queue = ui.data.read(review_queue)
if not queue:
    st.info(TEXT["queue_none"], icon=":material/task_alt:")
else:
    ui.display.show_table(
        review_queue_table(queue, today),
        alerts=(),
        key="queue",
        max_height=360,
        download=ui.display.Download(
            f"ia-gjennomgang-ko-{today.isoformat()}",
            title=f"Rapporter som venter på gjennomgang per {fmt.day(today)}",
            filters=[],
            as_of=today,
            upload_ids=[r.upload_id for r in queue],
            row_label="Antall rapporter",
        ),
    )
    by_upload = {r.upload_id: r for r in queue}
    picked = ui.filters.choose_one(
        TEXT["pick"],
        by_upload,
        lambda r: TEXT["picked"].format(
            council=r.council,
            year=r.year,
            period=r.period,
            upload=r.upload_id,
            state=r.state,
            days=_waited(days_waiting(r, today)),
        ),
        key="review_pick",
    )
    row = by_upload[picked]
    st.header(ui.text.plain(f"{row.council}, {row.year} {row.period}"))
    st.caption(
        TEXT["received"].format(
            when=fmt.day(row.received_at), how=row.receipt_text, since=fmt.day(row.updated_at)
        )
    )

    # --- its figures and its workbook --------------------------------------------------
    council = next(c for c in ui.data.read(council_register) if c.id == row.council_id)
    reports = ui.data.read(
        council_reports, rules=rules, council=council, years=[row.year], as_of=today
    )
    report = next((p for p in reports if p.period.code == row.period), None)
    st.markdown(f"**{TEXT['figures']}**")
    if report is not None and report.stored:
        with st.container(horizontal=True, border=True):
            st.metric(columns.SPENT.short, fmt.kroner(report.spent_ore))
            st.metric(columns.ACTIVITIES.name, fmt.number(report.activities))
            for k, sub_goal in columns.GOALS.items():
                st.metric(sub_goal.name, fmt.number(report.totals.goals[k]))
            st.metric(columns.MEETINGS.name, fmt.number(report.meetings))
        st.caption(
            TEXT["status"].format(
                status=tables.status_text(report, screen=True), due=fmt.day(report.period.due)
            )
        )
        file_name = report.file_name or f"opplasting-{row.upload_id}.xlsx"

        ui.display.file_button(
            TEXT["workbook"].format(name=file_name),
            partial(ui.data.upload_bytes, row.upload_id),
            file_name,
            mime=None,
            key="review_workbook",
        )

    # --- what changed since the version last judged --------------------------------------
    st.markdown(f"**{TEXT['changes']}**")
    changes = ui.data.read(
        review_changes, council_id=row.council_id, year=row.year, period=row.period
    )
    if changes is None:
        st.caption(TEXT["changes_first"])
    else:
        st.caption(
            TEXT["changes_against"].format(new=row.upload_id, old=changes.replaces_upload_id)
        )
        counts = record_tables.change_counts_table(changes)
        changed = [r for r in counts.rows if _amount(r[3])]
        if changed:
            st.markdown(
                TEXT["changes_figures"].format(
                    figures="; ".join(
                        f"{label} {_figure(before)} → {_figure(after)}"
                        for label, before, after, _ in changed
                    )
                )
            )
        else:
            st.caption(TEXT["changes_none"])
        what = f"{row.council}, {row.year} {row.period}"
        compared = [changes.replaces_upload_id, row.upload_id]

        def _changes_download(name: str, title: str) -> ui.display.Download:
            return ui.display.Download(
                f"ia-gjennomgang-{row.council_id}-{row.year}-{row.period}-{name}",
                title=TEXT[title].format(what=what, old=compared[0], new=compared[1]),
                filters=[(columns.COUNCIL, row.council), (columns.PERIOD, row.period)],
                upload_ids=compared,
            )

        ui.display.show_table(
            counts, key="review_counts", download=_changes_download("endret", "counts_file")
        )
        if changes.activities:
            ui.display.show_table(
                record_tables.activity_changes_table(changes),
                key="review_activity_changes",
                download=_changes_download("aktiviteter", "activities_file"),
            )
        else:
            st.caption(TEXT["changes_activities"])

    # --- approve, or send back with a reason ---------------------------------------------
    st.markdown(f"**{TEXT['decide']}**")
    st.button(
        TEXT["approve"],
        type="primary",
        icon=":material/verified:",
        help=TEXT["approve_help"].format(upload=row.upload_id),
        on_click=ui.review.ask,
        args=("approve", row.upload_id),
        key="approve",
    )
    st.text_area(
        TEXT["reason"], key="return_reason", placeholder=TEXT["reason_placeholder"], height=90
    )
    st.text_input(
        TEXT["points_to"], key="return_points_to", placeholder=TEXT["points_to_placeholder"]
    )
    st.button(
        TEXT["send_back"],
        icon=":material/assignment_return:",
        on_click=ui.review.ask,
        args=("send_back", row.upload_id),
        key="send_back",
    )

    # --- the thread ----------------------------------------------------------------------
    st.markdown(f"**{TEXT['thread']}**")
    steps = ui.data.read(
        review_history, council_id=row.council_id, year=row.year, period=row.period
    )
    ui.review.thread(steps)
    ui.review.comment_box(row.upload_id)
    with st.expander(TEXT["history_export"]):
        ui.review.history_table(
            steps,
            key="review_history",
            stem=f"ia-gjennomgang-{row.council_id}-{row.year}-{row.period}",
            title=f"Hendelser for {row.council}, {row.year} {row.period}",
            filters=[(columns.COUNCIL, row.council), (columns.PERIOD, row.period)],
        )

# --- every report and where it stands --------------------------------------------------
years = ui.data.read(years_with_data)
if years:
    st.subheader(TEXT["states"])
    year = st.selectbox(TEXT["states_year"], years, key="states_year")
    states = ui.data.read(review_states, year=year)
    if states:
        ui.display.show_table(
            review_states_table(states),
            key="review_states",
            max_height=420,
            download=ui.display.Download(
                f"ia-gjennomgang-{year}",
                title=f"Gjennomgang av rapportene {year}",
                filters=[(columns.YEAR, year)],
                upload_ids=[r.upload_id for r in states],
                row_label="Antall rapporter",
            ),
        )
    else:
        st.info(TEXT["states_none"].format(year=year))

    # --- forwarding ----------------------------------------------------------------------
    st.subheader(TEXT["forward"])
    st.caption(TEXT["forward_caption"])
    with st.container(horizontal=True):
        forward_year = st.selectbox(TEXT["forward_year"], years, key="forward_year")
        forward_code = ""
        periods = rules.periods(forward_year)
        if len(periods) > 1:  # half-yearly: a half-year may be sent alone
            choices = {"": WHOLE_YEAR, **{p.code: p.name for p in periods}}
            forward_code = st.selectbox(
                TEXT["forward_period"],
                list(choices),
                format_func=choices.get,
                key="forward_period",
            )
    open_states = [s for s in ui.data.read(review_states, year=forward_year) if not s.legacy]
    waiting = sum(1 for s in open_states if s.waiting)
    back = sum(1 for s in open_states if s.state == ReviewState.NEEDS_FIXING)
    if waiting or back:
        st.warning(TEXT["forward_waiting"].format(count=waiting, year=forward_year, back=back))
    if st.button(TEXT["forward_button"], icon=":material/send:", key="forward"):
        sent = ui.data.write(
            forward_period, year=forward_year, period=forward_code or None, rules=rules
        )
        if sent is not None:
            st.success(
                TEXT["forwarded"].format(
                    label=sent.label, name=sent.file_name, sha=sent.sha256[:12]
                ),
                icon=":material/send:",
            )

st.subheader(TEXT["forwarded_list"])
ui.review.forwarded_list()
