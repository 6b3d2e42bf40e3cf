"""Mine varsler (every signed-in role): the e-mail notices the user's role receives, each
turned on or off for themselves. The library keeps the choice (``ia_data.notices``); the
daily run and the review actions respect it."""

from __future__ import annotations

import streamlit as st

import ui
from ia_data.domain.kinds import NoticeKind

TEXT = {
    "title": "Mine varsler",
    "intro": "E-postene IA-rådsoversikt sender deg. Slå av det du ikke vil ha; valget gjelder "
    "bare deg, fra neste varsel. Et råds kontaktadresse (som en administrator fører på "
    "«Tilgang») får rådets varsler uansett.",
    "to": "Varslene sendes til **{email}**.",
    "none": "Rollen din ({role}) får ingen varsler på e-post.",
    "save": "Lagre valgene",
    "saved": "Valgene er lagret. Du får {on}.",
    "saved_off": "Valgene er lagret. Du får ingen varsler på e-post.",
    "unchanged": "Ingen valg er endret.",
}

# What each kind is, as the user decides whether to have it.
KIND_HELP = {
    NoticeKind.REMINDER: "Før en frist, når rådets rapport for perioden ikke er kommet.",
    NoticeKind.OVERDUE: "Dagen etter en frist, og så hver uke mens rapporten mangler.",
    NoticeKind.NEEDS_FIXING: "Når Koordineringsenheten sender en rapport tilbake, med "
    "begrunnelsen.",
    NoticeKind.APPROVED: "Når Koordineringsenheten godkjenner en rapport.",
    NoticeKind.COMMENT: "Når den andre parten skriver en kommentar til en rapport.",
    NoticeKind.RECEIVED_AGAIN: "Når et sekretariat laster opp en rettet rapport.",
    NoticeKind.FORWARDED: "Når Koordineringsenheten sender en periodes samlede rapport til "
    "Oppfølgingsgruppen.",
    NoticeKind.WEEKLY: "Hver uke: rapporter som mangler, er sene, venter på gjennomgang eller "
    "er sendt tilbake, og råd uten noen å varsle.",
}

st.title(TEXT["title"])
st.caption(TEXT["intro"])
visitor = ui.auth.visitor()
message = st.session_state.pop("notice_message", None)
if message:
    st.success(message, icon=":material/check_circle:")

choices = ui.notices.my_choices()
if not choices:
    st.info(TEXT["none"].format(role=visitor.role_name), icon=":material/notifications_off:")
    st.stop()
st.markdown(TEXT["to"].format(email=ui.text.plain(visitor.email)))
with st.form("notice_choices"):
    wanted = {
        kind: st.toggle(kind.value, value=on, help=KIND_HELP[kind], key=f"notice_{kind.name}")
        for kind, on in choices.items()
    }
    if st.form_submit_button(TEXT["save"], type="primary", icon=":material/save:"):
        changed = [kind for kind, on in wanted.items() if on != choices[kind]]
        stored = [ui.notices.set_my_choice(kind, wanted[kind]) for kind in changed]
        if all(said is not None for said in stored):  # a refusal is said where it happened
            on = [f"«{kind}»" for kind, chosen in wanted.items() if chosen]
            if not changed:
                said = TEXT["unchanged"]
            elif on:
                said = TEXT["saved"].format(
                    on=", ".join(on[:-1]) + (" og " if len(on) > 1 else "") + on[-1]
                )
            else:
                said = TEXT["saved_off"]
            st.session_state.notice_message = said
            st.rerun()
