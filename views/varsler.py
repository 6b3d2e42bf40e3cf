"""Varsler (the coordination unit, admins): the e-mail that would go out on a chosen date,
each message as its recipient reads it, and the outbox — every message written, its state,
error and times — with «Send på nytt» for one that failed or expired. Whether mail is
delivered at all (``IA_SMTP_URL``) is said at the top."""

from __future__ import annotations

from datetime import date

import streamlit as st

import ui
from ia_data.domain import formatting as fmt
from ia_data.domain.kinds import OutboxState
from ia_data.reporting import columns
from ia_data.reporting.outbox import rows_table

TEXT = {
    "title": "Varsler",
    "intro": "E-postene IA-rådsoversikt sender: påminnelser før en frist, «Frist passert» "
    "etter den, varsler når en rapport sendes tilbake, godkjennes, kommenteres, kommer på "
    "nytt eller sendes videre, og ukesoppsummeringen. Hver e-post skrives først i utboksen "
    "og sendes derfra, én gang.",
    "off": "**Ingen e-post sendes:** `IA_SMTP_URL` (e-posttjeneren) og `IA_MAIL_FROM` "
    "(avsenderen) må være satt. Varslene skrives likevel i utboksen og venter der; de sendes "
    "når e-posttjeneren er satt opp.",
    "on": "E-post sendes gjennom {server} fra {sender}.",
    "no_links": "IA_BASE_URL er ikke satt: e-postene har ingen lenker tilbake til appen.",
    "day": "Hva sendes denne dagen?",
    "date": "Dato",
    "day_help": "Det den daglige kjøringen (`ia-data varsler send`) ville sende denne "
    "dagen, slik det ser ut nå. Et varsel som alt er sendt for samme anledning, sendes ikke "
    "igjen.",
    "none": "Ingen varsler å sende {day}.",
    "count": "{count} {noun} {day}, én per mottaker:",
    "to": "**Til:** {to}  \n**Emne:** {subject}",
    "as_html": "Som e-post",
    "as_text": "Ren tekst",
    "outbox": "Utboksen",
    "outbox_caption": "De nyeste {shown} meldingene, nyeste først. «Venter»: ikke sendt "
    "ennå, eller e-posttjeneren avviste den for nå (prøves igjen i {days} dager); «Feilet»: "
    "avvist for godt; «Utløpt»: ikke sendt innen {days} dager.",
    "outbox_none": "Utboksen er tom: ingen varsler er skrevet ennå.",
    "state": "Vis",
    "every_state": "Alle",
    "read": "Les en melding",
    "again": "Send på nytt",
    "again_pick": "Melding som feilet eller er utløpt",
    "again_none": "Ingen meldinger har feilet eller er utløpt.",
    "again_help": "Meldingen legges tilbake i køen og sendes nå (samme Message-ID, så "
    "mottakeren får den ikke to ganger om den likevel kom fram).",
}
LIMIT = 500  # messages of the outbox shown

rules = ui.data.rules()
today = fmt.today()
st.title(TEXT["title"])
st.caption(TEXT["intro"])
message = st.session_state.pop("varsler_message", None)
if message:
    st.success(ui.text.plain(message), icon=":material/check_circle:")

found = ui.notices.mail_settings()
if not found.delivering:
    st.warning(TEXT["off"], icon=":material/mail_lock:")
else:
    st.caption(TEXT["on"].format(server=found.server, sender=found.sender))
if not found.base_url:
    st.caption(TEXT["no_links"])


def _day_label(day: date) -> str:
    return f"{fmt.day(day)}" + (" (i dag)" if day == today else "")


# --- what goes out on a day -----------------------------------------------------------
st.subheader(TEXT["day"])
day = ui.filters.date_filter("dato", TEXT["date"], today, help=TEXT["day_help"])
notices = ui.notices.preview(day, rules)
if not notices:
    st.info(TEXT["none"].format(day=_day_label(day)), icon=":material/mail:")
else:
    noun = "e-post" if len(notices) == 1 else "e-poster"
    st.markdown(TEXT["count"].format(count=len(notices), noun=noun, day=_day_label(day)))
    ui.display.show_table(
        ui.notices.notices_table(notices),
        key="notices",
        max_height=320,
        download=ui.display.Download(
            f"ia-varsler-{day.isoformat()}",
            title=f"Varsler som sendes {fmt.day(day)}",
            as_of=day,
            row_label="Antall e-poster",
        ),
    )
    for notice in notices:
        where = f" · {notice.council}" if notice.council else ""
        with st.expander(f"{notice.kind}{where} → {notice.recipient}"):
            st.markdown(
                TEXT["to"].format(
                    to=ui.text.plain(notice.recipient), subject=ui.text.plain(notice.subject)
                )
            )
            as_html, as_text = st.tabs([TEXT["as_html"], TEXT["as_text"]])
            as_html.html(notice.html)
            as_text.text(notice.text)

# --- the outbox ----------------------------------------------------------------------
st.subheader(TEXT["outbox"])
states = {"": TEXT["every_state"], **{s.value: s.value for s in OutboxState}}
state = st.segmented_control(
    TEXT["state"], list(states), format_func=states.get, key="outbox_state", default=""
)
rows = ui.notices.outbox(state or None, LIMIT)
if not rows:
    st.info(TEXT["outbox_none"], icon=":material/outbox:")
else:
    st.caption(TEXT["outbox_caption"].format(shown=len(rows), days=rules.notices.retry_days))
    ui.display.show_table(
        rows_table(rows),
        key="outbox",
        max_height=420,
        download=ui.display.Download(
            "ia-utboksen",
            title="Utboksen",
            filters=[(columns.NOTICE_STATE, states[state or ""])],
            row_label="Antall meldinger",
        ),
    )
    by_id = {r.id: r for r in rows}
    with st.expander(TEXT["read"]):
        picked = ui.filters.choose_one(
            TEXT["read"],
            by_id,
            lambda r: f"Nr. {r.id}: {r.subject} → {r.recipient}",
            key="outbox_read",
            label_visibility="collapsed",
        )
        kept = ui.notices.message(picked)
        if kept is not None:
            st.markdown(
                TEXT["to"].format(
                    to=ui.text.plain(kept.recipient), subject=ui.text.plain(kept.subject)
                )
            )
            st.text(kept.text_body)

# --- «Send på nytt» ---------------------------------------------------------------------
st.subheader(TEXT["again"])
stuck = {r.id: r for r in ui.notices.outbox((OutboxState.FAILED, OutboxState.EXPIRED), LIMIT)}
if not stuck:
    st.caption(TEXT["again_none"])
else:
    again = ui.filters.choose_one(
        TEXT["again_pick"],
        stuck,
        lambda r: f"Nr. {r.id}: {r.kind} til {r.recipient} ({r.state}: {r.error})",
        key="again_pick",
    )
    if st.button(TEXT["again"], icon=":material/send:", help=TEXT["again_help"], key="again"):
        said = ui.notices.send_again(again)
        if said is not None:
            st.session_state.varsler_message = f"{said}."
            st.rerun()
