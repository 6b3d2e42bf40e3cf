"""What a visitor sees around and instead of a page: the sidebar (the pages their role may
open, who is signed in, «Logg ut»), the banner of an open mode, and the short pages that
stand in for a page they may not see — sign in, ask for access, no access, sign-in not
configured."""

from __future__ import annotations

import streamlit as st

from ia_data.settings import OPEN_SETTING
from ia_data.storage.sign_ins import admin_emails
from ui.auth import Mode, Visitor, end_session
from ui.demo import demo_additions, demo_failed, demo_loading
from ui.display import NARROW, WIDE
from ui.onward import remember
from ui.text import plain

TEXT = {
    "caption": "IA-rådsoversikt · rapporter fra de fylkesvise IA-rådene, 2010–2018",
    "signed_in": "Innlogget som **{name}**  \n{email}Rolle: {role}",
    "sign_out": "Logg ut",
    "demo": "**Åpen demo, uten innlogging:** tallene er oppdiktet og viser bare hvordan "
    "appen virker. Sett `IA_DATABASE_URL` for å bruke en ekte database, og sett opp "
    "innlogging (se README).",
    "open_html": "<strong>Uten innlogging:</strong> operatøren har slått av innloggingen "
    "(<code>IA_AUTH=av</code>). Alle som når appen, kan se og endre alle rådenes data.",
    "demo_added": "**Demodatabasen har også {count} som ikke følger med demoen:** {names}. "
    "Tall fra slike filer er kanskje ikke oppdiktet, og alle som når appen, ser dem uten å "
    "logge inn.",
    "demo_loading": "Det nyeste året er klart. De eldre årene i demodataene lastes inn: "
    "{done} av {total} filer …",
    "demo_failed": "Demodataene for de eldre årene kunne ikke lastes inn: {why}. Slett "
    "`data/demo.db` og start appen på nytt.",
    "closed_title": "Innlogging er ikke satt opp",
    "closed": "Denne databasen inneholder ekte data, og appen viser dem bare til innloggede "
    "brukere. Sett opp innlogging med OpenID Connect i `.streamlit/secrets.toml` (seksjonen "
    "`[auth]`, se README og docs/operations.md), og start appen på nytt. Vil du likevel "
    f"kjøre uten innlogging, må operatøren sette `{OPEN_SETTING}=av`.",
    "sign_in_title": "Logg inn",
    "sign_in": "IA-rådsoversikt viser rapportene fra de fylkesvise IA-rådene. Logg inn med "
    "jobbkontoen din for å se dem.",
    "sign_in_button": "Logg inn",
    "ended": "Økten din er avsluttet: du har logget ut (her eller i en annen fane), eller en "
    "administrator har endret tilgangen din. Logg inn på nytt for å fortsette.",
    "refused_title": "Innloggingen gir ikke tilgang",
    "unstored_title": "Innloggingen kan ikke tas i bruk nå",
    "refused": "{why}. {ask}",
    "no_role_title": "Du har ikke tilgang ennå",
    "no_role": "Du er logget inn som **{email}**, men har ingen rolle i IA-rådsoversikt. "
    "{ask} Når du har fått en rolle, laster du siden på nytt.",
    "no_email": "Innloggingen ga ingen bekreftet e-postadresse, og tilgang gis per "
    "e-postadresse. {ask}",
    "no_access_title": "Ingen tilgang",
    "no_sign_in": "Tilganger styres bare når innlogging er satt opp: uten innlogging vet ikke "
    "appen hvem du er. Se README om innlogging.",
    "no_access": "Rollen din ({role}) gir ikke tilgang til siden «{page}». Velg en side i "
    "menyen til venstre.",
}


OPEN_BANNER = (
    '<div role="alert" class="ia-open-banner" style="background:#fde2e2;color:#7a1111;'
    "border:1px solid #d93025;border-radius:0.5rem;padding:0.75rem 1rem;"
    'margin-bottom:0.5rem">{text}</div>'
)


NARROW_SCREEN = 640  # px: a phone, held either way


# Less empty margin beside the page on a large screen, so that Oversikt's compact table fits
# 1440 px with the menu open.
PAGE_STYLE = (
    "<style>@media (min-width: 1024px) {[data-testid=stMainBlockContainer] "
    "{padding-left: 2rem; padding-right: 2rem}}"
    # A phone's stand-in for a wide table (``ui.display.WIDE``, ``NARROW``), by the width.
    f"@media (max-width: {NARROW_SCREEN}px) {{[class*=st-key-{WIDE}] {{display: none}}}}"
    f"@media (min-width: {NARROW_SCREEN + 1}px) {{[class*=st-key-{NARROW}] {{display: none}}}}"
    "</style>"
)


# Streamlit's date box takes a typed date only on a click outside it; Enter (as in every
# other box) takes it too, as if such a click. A constant script of ours, no user text.
ENTER_TAKES_A_TYPED_DATE = """<script>
if (!window.iaEnterTakesDate) {
  window.iaEnterTakesDate = true;
  document.addEventListener("keydown", (event) => {
    const field = event.target.closest && event.target.closest("[data-testid=stDateInputField]");
    if (event.key === "Enter" && field) {
      document.body.dispatchEvent(new PointerEvent("pointerdown", {bubbles: true}));
    }
  }, true);
}
</script>"""


# On a phone the menu lies over the page; a page chosen in it (a link of ours, not
# Streamlit's own navigation, which would close it) closes it, as the menu of any app does.
# Below 768 px Streamlit draws the menu over the page. A constant script of ours.
MENU_CLOSES_ON_A_PHONE = """<script>
if (!window.iaMenuCloses) {
  window.iaMenuCloses = true;
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("[data-testid=stSidebar] a[href]");
    if (link && window.innerWidth < 768) {
      const close = document.querySelector("[data-testid=stSidebarCollapseButton] button");
      if (close) setTimeout(() => close.click(), 0);
    }
  }, true);
}
</script>"""


def page_helpers() -> None:
    st.html(PAGE_STYLE)
    st.sidebar.html(ENTER_TAKES_A_TYPED_DATE + MENU_CLOSES_ON_A_PHONE, unsafe_allow_javascript=True)


def sidebar(pages: dict, visitor: Visitor) -> None:
    """The pages the visitor may open, by section, and who is signed in."""
    with st.sidebar:
        for section, listed in pages.items():
            shown = [p for p in listed if visitor.may_open(p.url_path)]
            if not shown:
                continue
            st.caption(section)
            for page in shown:
                st.page_link(page)
        if visitor.signed_in:
            if any(visitor.may_open(p.url_path) for listed in pages.values() for p in listed):
                st.divider()
            email = f"{plain(visitor.email)}  \n" if visitor.email != visitor.name else ""
            st.markdown(
                TEXT["signed_in"].format(
                    name=plain(visitor.name), email=email, role=plain(visitor.role_name)
                )
            )
            if st.button(TEXT["sign_out"], icon=":material/logout:", key="sign_out"):
                failed = end_session(visitor)  # on the server first: a copied cookie, a tab
                if failed:
                    st.error(plain(failed), icon=":material/error:")
                else:
                    st.logout()  # the browser is sent to the provider's sign-out and back
                    st.stop()
        st.caption(TEXT["caption"])


def banner(visitor: Visitor) -> None:
    if visitor.mode == Mode.DEMO:
        st.info(TEXT["demo"], icon=":material/science:")
        added = demo_additions()
        if added:
            st.warning(_demo_added(added), icon=":material/warning:")
        if demo_loading() is not None:
            _demo_progress()
        elif demo_failed():
            st.error(TEXT["demo_failed"].format(why=plain(demo_failed())))
    elif visitor.mode == Mode.OPEN:  # red, on every page: a banner, not an error of the page
        st.html(OPEN_BANNER.format(text=TEXT["open_html"]))


def _demo_added(added: list) -> str:
    """The files in the demo database that did not come with it: how many, the newest three
    by name (a statistics file or a register named as such)."""
    count = "én fil" if len(added) == 1 else f"{len(added)} filer"
    shown = ", ".join(f"«{plain(a.name)}»" + (f" ({a.what})" if a.what else "") for a in added[:3])
    more = f" og {len(added) - 3} til" if len(added) > 3 else ""
    return TEXT["demo_added"].format(count=count, names=shown + more)


@st.fragment(run_every=2)
def _demo_progress() -> None:
    """How far the older years of the demo data have come; the page is drawn again when
    they are all in."""
    loading = demo_loading()
    if loading is None:
        st.rerun(scope="app")
    done, total = loading
    st.progress(done / total, text=TEXT["demo_loading"].format(done=done, total=total))


def admin_contacts() -> str:
    """Whom to ask for access, as a sentence (the first admins the settings name)."""
    admins = admin_emails()
    if admins:
        return f"Be en administrator om tilgang: {', '.join(admins)}."
    return "Be administratoren av IA-rådsoversikt om tilgang."


def admitted(visitor: Visitor, page, default_path: str = "") -> bool:
    """Whether the chosen page may be shown; if not, what stands in for it is shown (the
    sign-in page keeps the page asked for, to offer it after the sign-in: ``ui.onward``)."""
    if visitor.mode == Mode.CLOSED:
        st.title(TEXT["closed_title"])
        st.warning(TEXT["closed"], icon=":material/lock:")
        return False
    if visitor.mode == Mode.SIGN_IN and not visitor.signed_in:
        st.title(TEXT["sign_in_title"])
        if visitor.ended:
            st.warning(TEXT["ended"], icon=":material/logout:")
        st.write(TEXT["sign_in"])
        remember(page, default_path)
        if st.button(
            TEXT["sign_in_button"], type="primary", icon=":material/login:", key="sign_in"
        ):
            st.login()
        return False
    if visitor.refusal:
        st.title(TEXT["refused_title"])
        why = TEXT["refused"].format(why=visitor.refusal, ask=admin_contacts())
        st.warning(plain(why), icon=":material/block:")
        return False
    if visitor.unstored:
        st.title(TEXT["unstored_title"])
        st.error(plain(f"{visitor.unstored}."), icon=":material/database:")
        return False
    if visitor.scope is None:
        st.title(TEXT["no_role_title"])
        text = TEXT["no_role"] if visitor.email else TEXT["no_email"]
        st.info(
            text.format(email=plain(visitor.email), ask=plain(admin_contacts())),
            icon=":material/person_add:",
        )
        return False
    if not visitor.may_open(page.url_path):
        st.title(TEXT["no_access_title"])
        text = (
            TEXT["no_sign_in"]
            if visitor.mode != Mode.SIGN_IN
            else TEXT["no_access"].format(role=plain(visitor.role_name), page=page.title)
        )
        st.warning(text, icon=":material/block:")
        return False
    return True
