"""Tilgang (admins only): who may sign in and in which role — add, change, remove — the
binding of a user to their account at the identity provider, cleared when that account is
replaced, and every change of access, kept. A user whose role or councils change, or who is
removed, must sign in again."""

from __future__ import annotations

import streamlit as st

import ui
from ia_data.domain.access import ROLE_NAMES, ROLES, Role
from ia_data.reporting import record_tables
from ia_data.reporting.council import council_register
from ia_data.storage import users

TEXT = {
    "title": "Tilgang",
    "intro": "Hvem som kan logge inn, og med hvilken rolle. Oversiktsgruppen ser alle råd, "
    "men laster ikke opp; et sekretariat ser og laster opp for sine egne råd; en "
    "administrator kan alt, også endre tilganger her. En endring gjelder fra brukerens "
    "neste klikk; den som får en annen rolle eller andre råd, eller fjernes, må logge inn på "
    "nytt.",
    "users": "Brukere",
    "no_users": "Ingen brukere ennå.",
    "edit": "Legg til eller endre en bruker",
    "edit_help": "Skriv e-postadressen brukeren logger inn med. Finnes brukeren fra før, "
    "endres rollen og rådene.",
    "email": "E-post",
    "name": "Navn (valgfritt)",
    "role": "Rolle",
    "councils": "IA-råd (for et sekretariat)",
    "councils_placeholder": "Velg rådet eller rådene",
    "save": "Lagre tilgangen",
    "remove": "Fjern en bruker",
    "remove_pick": "Bruker",
    "remove_button": "Fjern tilgangen",
    "remove_confirm": "Ja, fjern tilgangen til {email}",
    "unbind": "Fjern koblingen til en konto",
    "unbind_help": "Første gang en bruker logger inn, knyttes adressen til kontoen hos "
    "innloggingstjenesten. En annen konto med samme adresse får da ingen tilgang. Er "
    "personens konto byttet ut, fjerner du koblingen her; neste innlogging med adressen "
    "knytter den til den nye kontoen, og innloggingene som er i gang, avsluttes.",
    "unbind_pick": "Bruker knyttet til en konto",
    "unbind_none": "Ingen brukere er knyttet til en konto ennå (ingen har logget inn siden de "
    "fikk tilgang).",
    "unbind_confirm": "Ja, fjern koblingen for {email}",
    "unbind_button": "Fjern koblingen",
    "contacts": "Rådenes kontaktadresser for varsler",
    "contacts_help": "Et råds varsler på e-post (påminnelser, «Frist passert», rapporter "
    "sendt tilbake eller godkjent) går til brukerne med sekretariatsrollen for rådet, og til "
    "rådets kontaktadresse, om det har en. Kontaktadressen kan ikke slå av varsler selv.",
    "contact_council": "IA-råd",
    "contact_email": "Kontaktadresse",
    "contact_email_help": "La feltet stå tomt for å fjerne rådets kontaktadresse.",
    "contact_save": "Lagre kontaktadressen",
    "log": "Endringer av tilgang",
    "no_changes": "Ingen endringer av tilgang ennå.",
    "log_caption": "Alle endringer tas vare på: hvem som endret hva, og når.",
}

ROLE_HELP = {
    Role.OVERSIGHT: "ser alle råd, laster ikke opp",
    Role.COORDINATION: "ser alle råd, gjennomgår rapportene og sender dem videre",
    Role.SECRETARIAT: "ser og laster opp for sine egne råd",
    Role.ADMIN: "alt, også tilganger",
}

st.title(TEXT["title"])
st.caption(TEXT["intro"])

message = st.session_state.pop("access_message", None)
if message:
    st.success(ui.text.plain(message), icon=":material/check_circle:")

# --- the users ---------------------------------------------------------------------------
st.subheader(TEXT["users"])
rows = ui.data.read(users.users, cache=False)  # not kept by the data version
ui.display.kept_table(
    record_tables.users_table(rows), "users_table", "ia-tilgang", none=TEXT["no_users"]
)


def _done(text: str | None, *forget: str) -> None:
    """After a change: what was done, said on the next run (the widgets in ``forget`` start
    empty); a refused change (``None``) was said where it was asked for."""
    if text is None:
        return
    for key in forget:
        st.session_state.pop(key, None)
    st.session_state.access_message = text
    st.rerun()


# The form as it starts, and again after a save (set before its widgets are drawn, so that
# the browser shows them empty too: a widget's value taken out of the session is not).
FORM_START = {
    "access_email": "",
    "access_name": "",
    "access_role": Role.SECRETARIAT,
    "access_councils": [],
}
if st.session_state.pop("access_form_saved", False):
    st.session_state.update(FORM_START)
st.session_state.setdefault("access_role", Role.SECRETARIAT)


# --- add or change -------------------------------------------------------------------------
councils = {c.id: c.name for c in ui.data.read(council_register)}
with st.container(border=True):
    st.markdown(f"**{TEXT['edit']}**")
    st.caption(TEXT["edit_help"])
    with st.form("access_form", border=False):
        left, right = st.columns(2)
        email = left.text_input(TEXT["email"], max_chars=254, key="access_email")
        name = right.text_input(TEXT["name"], max_chars=200, key="access_name")
        role = st.radio(
            TEXT["role"],
            ROLES,
            format_func=lambda r: f"{ROLE_NAMES[r]} – {ROLE_HELP[r]}",
            key="access_role",
        )
        chosen = ui.filters.choose_many(
            TEXT["councils"],
            list(councils),
            format_func=lambda i: councils[i],
            placeholder=TEXT["councils_placeholder"],
            key="access_councils",
        )
        if st.form_submit_button(TEXT["save"], type="primary", icon=":material/save:"):
            picked = chosen if role == Role.SECRETARIAT else []
            said = ui.data.write(
                users.set_user, email=email, role=role, council_ids=picked, name=name or None
            )
            st.session_state.access_form_saved = said is not None  # empty for the next user
            _done(said)


def _pick_and_act(rows: dict, what: str, icon: str, act) -> None:
    """A user picked from ``rows`` (e-mail → ``UserRow``), the choice confirmed, and the
    button (``what``: «remove» or «unbind», naming its texts and widgets): the library's
    ``act`` written for the e-mail and said after the rerun, or its refusal said. The e-mail
    is the stored key itself, so that a user stored under a key refused today can be acted
    on."""
    pick = st.selectbox(
        TEXT[f"{what}_pick"],
        list(rows),
        index=None,
        placeholder="Velg en bruker",
        format_func=lambda e: _described(rows[e]),
        key=f"access_{what}_pick",
    )
    sure = st.checkbox(
        TEXT[f"{what}_confirm"].format(email=pick or "…"),
        key=f"access_{what}_sure",
        disabled=pick is None,
    )
    if st.button(
        TEXT[f"{what}_button"], icon=icon, disabled=pick is None or not sure, key=f"access_{what}"
    ):
        forget = (f"access_{what}_pick", f"access_{what}_sure")
        _done(ui.data.write(act, email=pick), *forget)


def _described(row) -> str:
    """A user as a list to pick from names them: the address and the role, and whether a
    sign-in can reach the address."""
    unreachable = "" if row.reachable else f"; {users.UNREACHABLE}"
    return f"{row.email} ({row.role_name}{unreachable})"


# --- remove ---------------------------------------------------------------------------
if rows:
    with st.container(border=True):
        st.markdown(f"**{TEXT['remove']}**")
        everyone = {r.email: r for r in rows}
        _pick_and_act(everyone, "remove", ":material/person_remove:", users.remove_user)

# --- the binding to the provider's account -------------------------------------------------
if rows:
    with st.container(border=True):
        st.markdown(f"**{TEXT['unbind']}**")
        st.caption(TEXT["unbind_help"])
        bound = {r.email: r for r in rows if r.bound}
        if bound:
            _pick_and_act(bound, "unbind", ":material/link_off:", users.clear_subject)
        else:
            st.caption(TEXT["unbind_none"])

# --- the log ---------------------------------------------------------------------------
st.subheader(TEXT["log"])
st.caption(TEXT["log_caption"])
changes = record_tables.access_log_table(ui.data.read(users.access_log, cache=False))
ui.display.kept_table(changes, "access_log_table", "ia-tilgang-endringer", none=TEXT["no_changes"])

# --- the councils' contact addresses for the e-mail notices ---------------------------------
st.subheader(TEXT["contacts"])
st.caption(TEXT["contacts_help"])
contacts = ui.notices.contacts()
ui.display.kept_table(ui.notices.contacts_table(contacts), "contacts_table", "ia-kontaktadresser")
with st.form("contact_form"):
    left, right = st.columns(2)
    named = {c.council_id: c for c in contacts}
    with left:
        council_id = ui.filters.choose_one(
            TEXT["contact_council"], named, lambda c: c.council, key="contact_council"
        )
    address = right.text_input(
        TEXT["contact_email"],
        max_chars=254,
        help=TEXT["contact_email_help"],
        key="contact_email",
    )
    if st.form_submit_button(TEXT["contact_save"], icon=":material/save:"):
        _done(ui.notices.set_contact(council_id, address), "contact_email")
