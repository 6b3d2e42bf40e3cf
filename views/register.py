"""Register (admins): the councils in use, a new version of the register checked against
the stored data and taken into use in one transaction, and every version taken."""

from __future__ import annotations

import streamlit as st

import ui
from ia_data.domain.money import rule_grants_text
from ia_data.reporting import record_tables
from ia_data.reporting.council import council_register
from ia_data.storage.register import load_new_register, register_history

TEXT = {
    "title": "Register",
    "intro": "Rådsregisteret: fylkene, IA-rådene, hvilke fylker hvert råd dekker, årene det "
    "finnes og sekretariatet. En tildeling etter regel følger av hvor mange fylker rådet "
    "dekker det året ({grants}). Last opp en ny utgave av "
    "registerfilen (samme form som ia_data/domain/register.toml) for å se hva den endrer før "
    "den tas i bruk.",
    "current": "Rådene i bruk",
    "new": "Ny utgave av registeret",
    "uploader": "Registerfil (.toml)",
    "unreadable": "Filen kan ikke leses som tekst (UTF-8).",
    "same": "Registeret i filen er det samme som det som er i bruk; ingenting å endre.",
    "changes": "Dette endrer registerfilen «{name}»:",
    "apply": "Ta registeret i bruk",
    "applied": "Registeret «{name}» er tatt i bruk. Tildelinger etter regel følger det nye "
    "registeret fra nå av.",
    "history": "Historikk",
    "history_none": "Registeret er ikke endret siden databasen ble laget.",
}

st.title(TEXT["title"])
st.caption(TEXT["intro"].format(grants=rule_grants_text(ui.data.rules())))
message = st.session_state.pop("register_message", None)
if message:
    st.success(ui.text.plain(message), icon=":material/check_circle:")

st.subheader(TEXT["current"])
ui.display.show_table(
    record_tables.register_table(ui.data.read(council_register)),
    key="register_table",
    download=ui.display.Download(stem="ia-register", title="Rådsregisteret", filters=[]),
)

st.subheader(TEXT["new"])
file = st.file_uploader(TEXT["uploader"], type=["toml"], key="register_file")
if file is not None:
    try:
        text = file.getvalue().decode("utf-8")
    except UnicodeDecodeError:
        st.error(TEXT["unreadable"], icon=":material/error:")
        text = None
    change = None
    if text is not None:  # a refusal is said by the write, with the reason
        change = ui.data.write(load_new_register, text=text, file_name=file.name, dry_run=True)
    if change is not None and change.empty:
        st.info(TEXT["same"])
    elif change is not None:
        lines = "\n".join(f"- {ui.text.plain(line)}" for line in change.lines)
        st.markdown(f"{TEXT['changes'].format(name=ui.text.plain(file.name))}\n\n{lines}")
        if st.button(TEXT["apply"], type="primary", key="register_apply"):
            done = ui.data.write(load_new_register, text=text, file_name=file.name)
            if done is not None:
                st.session_state.register_message = TEXT["applied"].format(name=file.name)
                st.session_state.pop("register_file", None)
                st.rerun()

st.subheader(TEXT["history"])
history = record_tables.register_history_table(ui.data.read(register_history))
ui.display.kept_table(
    history, "register_history", "ia-register-historikk", none=TEXT["history_none"]
)
