"""The pages by role, as AppTest runs them with a signed-in user (``at.user``) and ``[auth]``
in the secrets: what each role sees in the sidebar and on each page, what it is refused,
the figures a secretariat sees (its council's only), uploads stored as the signed-in user,
«Tilgang», and the open modes (the demo, ``IA_AUTH=av``, a real database without sign-in)."""

from __future__ import annotations

import io
import itertools
from datetime import UTC, date, datetime

import openpyxl
import postgres as pg
import pytest
from conftest import PROJECT, SAMPLE_REGISTER
from pages import PAGES, SIGN_IN_ONLY
from readonly import read_only
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from ia_data.demo import SAMPLE_DIR
from ia_data.domain.access import OPERATOR, Actor, Role
from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules
from ia_data.reporting.overview import overview
from ia_data.storage import db, history, schema, store, users
from ia_data.storage import engine as engine_setup
from ia_data.storage.engine import create_bare_engine, database_label
from ia_data.storage.models import AccessChange, AppUser, SignInState
from ia_data.storage.register import councils

pytestmark = pytest.mark.page  # a page test: SQLite only (conftest), but for the roles' pages

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "en-lang-tilfeldig-tekst-bare-for-testene",
    "client_id": "ia-test",
    "client_secret": "hemmelig",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
TROMS = "troms@example.no"
OVERSIGHT = "tilsyn@example.no"
COORDINATION = "koordinering@example.no"
ADMIN = "admin@example.no"
FILES = [
    *sorted(SAMPLE_DIR.glob("rapport_2015_Ar_*.xlsx")),
    SAMPLE_DIR / "rapport_2016_Ar_ia-radet-i-troms.xlsx",
]
NORDLAND_2016 = SAMPLE_DIR / "rapport_2016_Ar_ia-radet-i-nordland.xlsx"
TROMS_2014 = SAMPLE_DIR / "rapport_2014_H1_ia-radet-i-troms.xlsx"
ADMINISTRATION = {"tilgang", "register", "statistikk"}
MAY_OPEN = {
    ADMIN: set(PAGES),
    OVERSIGHT: set(PAGES) - {"last_opp", "gjennomgang", "varsler", *ADMINISTRATION},
    COORDINATION: set(PAGES) - {"last_opp", *ADMINISTRATION},
    TROMS: set(PAGES) - {"gjennomgang", "varsler", *ADMINISTRATION},
}


def every_2015_report_and_a_user_of_each_role(url: str) -> None:
    """What the module's databases hold: every 2015 report, and a user of each role."""
    engine = db.get_engine(url)
    for path in FILES:
        assert store.import_file(engine, path.name, path.read_bytes(), scope=OPERATOR).ok
    with Session(engine) as session:
        ids = {c.name: c.id for c in councils(session)}
    for email, role, council_ids in (
        (TROMS, Role.SECRETARIAT, [ids["IA-rådet i Troms"]]),
        (OVERSIGHT, Role.OVERSIGHT, []),
        (COORDINATION, Role.COORDINATION, []),
        (ADMIN, Role.ADMIN, []),
    ):
        users.set_user(engine, email, role, council_ids, by=Actor("test"), scope=OPERATOR)


def _shared(engine: str, tmp_path_factory, postgres):
    folder = tmp_path_factory.mktemp("access-pages")
    with pg.kept_database(engine, postgres, folder, SAMPLE_REGISTER) as url:
        if engine == "sqlite":
            schema.upgrade(create_bare_engine(url), SAMPLE_REGISTER)
        every_2015_report_and_a_user_of_each_role(url)
        yield url


@pytest.fixture(scope="module")
def shared_url(tmp_path_factory, postgres):
    """Every council's 2015 report, Troms' 2016 report, and a user of each role."""
    yield from _shared("sqlite", tmp_path_factory, postgres)


@pytest.fixture(scope="module", params=pg.ENGINES)
def shared_url_each_engine(request, tmp_path_factory, postgres):
    """``shared_url`` on each engine: every page in every role is opened on PostgreSQL too
    (the one page test that runs there; conftest's ``page``)."""
    yield from _shared(request.param, tmp_path_factory, postgres)


@pytest.fixture
def own_url(database):
    """The same, in a database of the test's own (for tests that change it): a copy of one
    filled once per run."""
    return database(SAMPLE_REGISTER, fill=every_2015_report_and_a_user_of_each_role)


# The provider's clock: each sign-in is issued a second after the one before (its ``iat``).
PROVIDER_CLOCK = itertools.count(1_800_000_000)


def token(email: str, name: str = "", **claims) -> dict:
    """The identity cookie of a new sign-in as ``email``: what ``st.user`` holds, the ID
    token's claims — its account (``sub``, by default one per address) and issue time."""
    return {
        "is_logged_in": True,
        "email": email,
        "name": name or email.split("@")[0].title(),
        "sub": f"konto-{email.lower()}",
        "iat": next(PROVIDER_CLOCK),
        **claims,
    }


@pytest.fixture
def app_as(monkeypatch):
    """``app_as(url, email, page=None, **query)``: the app with sign-in configured, and
    ``email`` signed in as a new sign-in (``None``: nobody signed in); ``cookie``: signed in
    with that identity cookie (``token``) instead, as a copied cookie or another tab."""

    def start(
        url: str,
        email: str | None,
        page: str | None = None,
        name: str = "",
        claims: dict | None = None,
        cookie: dict | None = None,
        **query,
    ):
        monkeypatch.delenv("IA_AUTH", raising=False)
        monkeypatch.setenv("IA_DATABASE_URL", url)
        monkeypatch.setenv("IA_REGISTER_FILE", str(SAMPLE_REGISTER))
        at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=60)
        at.secrets["auth"] = dict(AUTH)
        if cookie is not None:
            at.user = dict(cookie)
        else:
            at.user = token(email, name, **(claims or {})) if email else {"is_logged_in": False}
        for key, value in query.items():
            at.query_params[key] = value
        if page:
            at.switch_page(PAGES[page][0])
        return at.run()

    return start


def _sidebar_pages(at) -> set[str]:
    titles = {title: path for path, (_, title) in PAGES.items()}
    return {titles[link.proto.label] for link in at.sidebar.get("page_link")}


def shown(text: str) -> str:
    """A text as the page wrote it, without what keeps it plain text (``ui.text.plain``: a
    backslash before Markdown's characters, a word joiner that keeps an address no link)."""
    return text.replace("\u2060", "").replace("\\", "")


def _titles(at) -> list[str]:
    return [t.value for t in at.title]


@pytest.mark.parametrize("email", [ADMIN, OVERSIGHT, COORDINATION, TROMS])
def test_each_role_sees_its_pages_and_is_refused_the_others(shared_url_each_engine, app_as, email):
    at = app_as(shared_url_each_engine, email)
    assert not at.exception
    assert _sidebar_pages(at) == MAY_OPEN[email]
    sidebar = " ".join(m.value for m in at.sidebar.markdown)
    assert f"Innlogget som **{email.split('@')[0].title()}**" in sidebar
    assert at.sidebar.button(key="sign_out").label == "Logg ut"
    for path, (file, title) in PAGES.items():
        at.switch_page(file).run()
        assert not at.exception, path
        if path in MAY_OPEN[email]:
            assert _titles(at)[0] == title, path
            assert not [e.value for e in at.error if "Noe gikk galt" in e.value], path
        else:
            assert _titles(at) == ["Ingen tilgang"], path
            assert f"gir ikke tilgang til siden «{title}»" in at.warning[0].value
            assert not at.dataframe and not at.metric  # and no data at all


def test_a_secretariat_sees_its_own_councils_figures_only(shared_url, app_as):
    with Session(db.get_engine(shared_url)) as session:
        (troms,) = [
            r
            for r in overview(
                session, 2015, date(2017, 1, 1), load_rules(DEFAULT_RULES_FILE), scope=OPERATOR
            )
            if r.council.name == "IA-rådet i Troms"
        ]
    at = app_as(shared_url, TROMS, "oversikt", ar="2015", per="2017-01-01")
    table = at.dataframe[0].value
    assert list(table["IA-råd"]) == ["Troms"]  # the compact view: the short name
    assert (table.iloc[0]["Aktiviteter"], table.iloc[0]["Møter"]) == (
        troms.activities,
        troms.totals.meetings,
    )
    assert at.multiselect(key="f_councils").options == ["IA-rådet i Troms"]
    at = app_as(shared_url, TROMS, "frister")
    assert set(at.dataframe[0].value["IA-råd"]) == {"IA-rådet i Troms"}
    at = app_as(shared_url, TROMS, "aktiviteter", ar="2015")
    listed = [d.value for d in at.dataframe if "IA-råd" in d.value.columns][-1]
    assert set(listed["IA-råd"]) == {"IA-rådet i Troms"}
    at = app_as(shared_url, TROMS, "opplastinger")
    uploads = at.dataframe[0].value
    assert (set(uploads["IA-råd"]), list(uploads["Periode"])) == (
        {"IA-rådet i Troms"},
        ["2016 År", "2015 År"],
    )
    at = app_as(shared_url, TROMS, "rad")
    assert at.selectbox(key="f_council").options == ["IA-rådet i Troms"]


def _troms_2015_changed() -> bytes:
    """Troms' 2015 report with one cost changed: stored, it makes the demo's an older version."""
    book = openpyxl.load_workbook(SAMPLE_DIR / "rapport_2015_Ar_ia-radet-i-troms.xlsx")
    book["Aktiviteter"]["G5"] = 21_000
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_oversight_group_sees_every_council_and_restores_nothing(own_url, app_as):
    engine = db.get_engine(own_url)
    newer = store.import_file(engine, "troms-ny.xlsx", _troms_2015_changed(), scope=OPERATOR)
    assert newer.status == "lagret" and newer.replaced_upload_id
    at = app_as(own_url, OVERSIGHT, "oversikt", ar="2015")
    assert len(at.dataframe[0].value) == 18
    at = app_as(own_url, OVERSIGHT, "opplastinger")
    assert len(at.dataframe[0].value) == len(FILES) + 1
    at.selectbox(key="history_pick").select(newer.replaced_upload_id).run()
    assert "restore_ask" not in [b.key for b in at.button]
    assert "Rollen din kan se opplastingene, men ikke gjenopprette." in [
        c.value for c in at.caption
    ]
    at = app_as(own_url, TROMS, "opplastinger")  # Troms' secretariat may restore it
    at.selectbox(key="history_pick").select(newer.replaced_upload_id).run()
    assert at.button(key="restore_ask").label == "Gjenopprett denne versjonen …"


def test_a_secretariats_upload_is_stored_as_the_signed_in_user_and_another_council_refused(
    own_url, app_as
):
    engine = db.get_engine(own_url)
    before = history.uploads(engine)
    at = app_as(own_url, TROMS, "last_opp", name="Kari Nordmann")
    assert "Du kan laste opp rapporter for IA-rådet i Troms." in [c.value for c in at.caption]
    at.file_uploader[0].upload(NORDLAND_2016.name, NORDLAND_2016.read_bytes()).run()
    assert not at.exception
    assert at.error[0].value == "Du har ikke tilgang til å lagre denne filen; se under."
    assert shown(at.error[1].value) == (
        "Ingen tilgang: arbeidsboka er rapporten til IA-rådet i Nordland, men du kan bare "
        "laste opp for IA-rådet i Troms; ingenting er lagret. Filen kan ikke lagres."
    )
    assert at.button(key="confirm_upload").disabled
    assert history.uploads(engine) == before

    at = app_as(own_url, TROMS, "last_opp", name="Kari Nordmann")
    at.file_uploader[0].upload(TROMS_2014.name, TROMS_2014.read_bytes()).run()
    assert (
        "Lagres som lastet opp av **Kari Nordmann (troms@example.no)** (vises under "
        "«Opplastinger»)." in [shown(c.value) for c in at.caption]
    )
    at.button(key="confirm_upload").click().run()
    assert not at.exception
    newest = history.uploads(engine)[0]
    assert (newest["file_name"], newest["uploaded_by"], newest["uploaded_by_email"]) == (
        TROMS_2014.name,
        "Kari Nordmann",
        TROMS,
    )
    at = app_as(own_url, TROMS, "opplastinger")
    assert at.dataframe[0].value.iloc[0]["Innsendt av"] == "Kari Nordmann (troms@example.no)"


def test_tilgang_offers_the_coordination_unit_and_its_user_may_open_gjennomgang(own_url, app_as):
    at = app_as(own_url, ADMIN, "tilgang", name="Ada Admin")
    role = at.radio(key="access_role")
    assert role.options == [
        "Administrator – alt, også tilganger",
        "Oversiktsgruppen – ser alle råd, laster ikke opp",
        "Koordineringsenheten – ser alle råd, gjennomgår rapportene og sender dem videre",
        "Sekretariat – ser og laster opp for sine egne råd",
    ]
    at.text_input(key="access_email").input("enhet@example.no")
    role.set_value(Role.COORDINATION)
    at.button[0].click().run()
    assert not at.exception
    assert shown(at.success[0].value) == (
        "enhet@example.no er lagt til med rollen koordineringsenheten"
    )
    unit = app_as(own_url, "enhet@example.no", "gjennomgang")
    assert _titles(unit)[0] == "Gjennomgang"
    assert _sidebar_pages(unit) == MAY_OPEN[COORDINATION]


def test_an_admin_gives_access_on_tilgang_and_it_applies_on_the_next_click(own_url, app_as):
    newcomer = app_as(own_url, "ny@example.no", name="Nina Ny")
    assert _titles(newcomer) == ["Du har ikke tilgang ennå"]
    assert "Be administratoren av IA-rådsoversikt om tilgang." in newcomer.info[0].value
    assert not newcomer.sidebar.get("page_link")

    at = app_as(own_url, ADMIN, "tilgang", name="Ada Admin")
    assert list(at.dataframe[0].value["E-post"]) == [ADMIN, COORDINATION, OVERSIGHT, TROMS]
    at.text_input(key="access_email").input("Ny@Example.no")
    at.radio(key="access_role").set_value(Role.SECRETARIAT)
    finnmark = [
        o for o in at.multiselect(key="access_councils").options if o == "IA-rådet i Finnmark"
    ]
    assert finnmark
    at.multiselect(key="access_councils").select(finnmark[0])
    at.button[0].click().run()  # the form's submit button
    assert not at.exception
    assert shown(at.success[0].value) == (
        "ny@example.no er lagt til med rollen sekretariat for IA-rådet i Finnmark"
    )
    log = at.dataframe[1].value
    assert log.iloc[0][["Endret av", "E-post", "Endring", "Sekretariat for"]].tolist() == [
        "Ada Admin (admin@example.no)",
        "ny@example.no",
        "lagt til",
        "IA-rådet i Finnmark",
    ]

    newcomer.run()  # the newcomer's next click
    assert _sidebar_pages(newcomer) == MAY_OPEN[TROMS]
    newcomer.switch_page(PAGES["last_opp"][0]).run()
    assert "Du kan laste opp rapporter for IA-rådet i Finnmark." in [
        c.value for c in newcomer.caption
    ]


def test_an_admin_cannot_remove_the_last_admin_on_the_page(database, app_as):
    url = database(SAMPLE_REGISTER)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IA_ADMIN_EMAILS", ADMIN)
        at = app_as(url, ADMIN, "tilgang")  # added as admin at this first sign-in
        assert not at.exception
        at.selectbox(key="access_remove_pick").select(ADMIN).run()
        at.checkbox(key="access_remove_sure").check().run()
        at.button(key="access_remove").click().run()
    assert shown(at.error[0].value).startswith(
        "admin@example.no er den siste administratoren og kan ikke fjernes"
    )
    with Session(db.get_engine(url)) as session:
        assert [u.email for u in users.users(session, scope=OPERATOR)] == [ADMIN]


FULL_WIDTH = "\uff4bari@example.no"  # «kari@example.no» with a full-width k


def test_on_tilgang_a_user_no_sign_in_reaches_is_marked_and_can_be_removed(own_url, app_as):
    """An admin an older release stored under a key refused today: marked in the list and
    the pick list, removed by its own key, and it never counted as an admin anyone can
    sign in as."""
    with Session(db.get_engine(own_url)) as session:
        session.add(
            AppUser(email=FULL_WIDTH, name="Gammel", role=Role.ADMIN, changed_by="eldre utgave",
                    changed_at=datetime(2020, 1, 1, tzinfo=UTC))
        )  # fmt: skip
        session.commit()
    at = app_as(own_url, ADMIN, "tilgang", name="Ada Admin")
    listed = at.dataframe[0].value.set_index("E-post")["Rolle"]
    assert listed[FULL_WIDTH] == "Administrator (kan ikke logge inn med adressen)"
    assert listed[ADMIN] == "Administrator"
    pick = at.selectbox(key="access_remove_pick")
    assert f"{FULL_WIDTH} (Administrator; kan ikke logge inn med adressen)" in pick.options
    pick.select(ADMIN).run()  # the only admin anyone can sign in as
    at.checkbox(key="access_remove_sure").check().run()
    at.button(key="access_remove").click().run()
    assert [shown(e.value) for e in at.error] == [
        f"{ADMIN} er den siste administratoren som kan logge inn, og kan ikke fjernes "
        f"({FULL_WIDTH} er også administrator, men adressen kan ikke brukes til å logge inn); "
        "gi først en annen bruker rollen administrator"
    ]
    at.selectbox(key="access_remove_pick").select(FULL_WIDTH).run()
    at.checkbox(key="access_remove_sure").check().run()
    at.button(key="access_remove").click().run()
    assert not at.exception
    assert shown(at.success[0].value) == f"{FULL_WIDTH} har ikke lenger tilgang"
    assert FULL_WIDTH not in [email for email, *_ in _stored(own_url)[0]]


def test_an_admin_editing_their_own_name_on_tilgang_stays_signed_in(own_url, app_as):
    at = app_as(own_url, ADMIN, "tilgang", name="Ada Admin")
    at.text_input(key="access_email").input(ADMIN)
    at.text_input(key="access_name").input("Ada Adminsen")
    at.radio(key="access_role").set_value(Role.ADMIN)
    at.button[0].click().run()  # the form's submit button
    assert shown(at.success[0].value) == "admin@example.no er endret med rollen administrator"
    at.run()  # the admin's next click: still signed in
    assert _titles(at)[0] == "Tilgang" and not at.warning
    assert at.dataframe[0].value.set_index("E-post")["Navn"][ADMIN] == "Ada Adminsen"


def _stored(url: str) -> tuple:
    """Everything sign-in and access keep: the users with their binding, each address's
    sign-ins, the log."""
    with Session(db.get_engine(url)) as session:
        return (
            sorted((u.email, u.role, u.subject) for u in session.exec(select(AppUser))),
            sorted(
                (s.email, s.newest_seen, s.counts_from) for s in session.exec(select(SignInState))
            ),
            [
                (c.email, c.action)
                for c in session.exec(select(AccessChange).order_by(AccessChange.id))
            ],
        )


def _no_data(at) -> None:
    assert not at.exception
    assert not at.dataframe and not at.metric and not at.sidebar.get("page_link")


def test_an_address_the_provider_has_not_verified_gets_no_access(own_url, app_as):
    before = _stored(own_url)
    for value in (False, "False", "FALSE", "false", "0", "no", None, 1):
        at = app_as(own_url, ADMIN, "oversikt", claims={"email_verified": value})
        assert _titles(at) == ["Du har ikke tilgang ennå"], value
        assert shown(at.info[0].value) == (
            "Innloggingen ga ingen bekreftet e-postadresse, og tilgang gis per e-postadresse. "
            "Be administratoren av IA-rådsoversikt om tilgang."
        )
        _no_data(at)
    assert _stored(own_url) == before  # not bound, no sign-in recorded
    for claims in ({"email_verified": True}, {"email_verified": "true"}, {}):  # {}: Entra ID
        at = app_as(own_url, ADMIN, "oversikt", claims=claims)
        assert _titles(at) == ["Oversikt"], claims


def test_a_restore_shows_when_and_by_whom_and_no_one_if_nobody_was_named(own_url, app_as):
    engine = db.get_engine(own_url)
    newer = store.import_file(engine, "troms-ny.xlsx", _troms_2015_changed(), scope=OPERATOR)
    at = app_as(own_url, TROMS, "opplastinger", name="Tove Troms")
    at.selectbox(key="history_pick").select(newer.replaced_upload_id).run()
    at.button(key="restore_ask").click().run()
    at.button(key="restore_confirm").click().run()
    assert not at.exception
    at.selectbox(key="history_pick").select(newer.replaced_upload_id).run()
    restored = [shown(c.value) for c in at.caption if "gjenopprettet" in c.value]
    assert len(restored) == 1
    assert restored[0].startswith("Sist gjenopprettet som aktiv versjon ")
    assert restored[0].endswith(" av Tove Troms (troms@example.no)")
    store.restore_upload(engine, newer.upload_id, scope=OPERATOR)  # the CLI, without --by
    at.selectbox(key="history_pick").select(newer.upload_id).run()
    restored = [shown(c.value) for c in at.caption if "gjenopprettet" in c.value]
    assert len(restored) == 1 and " av" not in restored[0]


def test_signed_out_and_signing_out(shared_url, app_as):
    at = app_as(shared_url, None, "oversikt")
    assert _titles(at) == ["Logg inn"]
    assert at.button(key="sign_in").label == "Logg inn"
    assert not at.warning  # nothing ended: only the page
    _no_data(at)


ENDED = (
    "Økten din er avsluttet: du har logget ut (her eller i en annen fane), eller en "
    "administrator har endret tilgangen din. Logg inn på nytt for å fortsette."
)


def _asked_to_sign_in_again(at) -> None:
    assert _titles(at) == ["Logg inn"]
    assert [w.value for w in at.warning] == [ENDED]
    assert at.button(key="sign_in").label == "Logg inn"
    _no_data(at)


def test_signing_out_ends_the_session_for_a_copied_cookie_and_another_tab(own_url, app_as):
    cookie = token(TROMS, "Tove Troms")
    tab = app_as(own_url, None, "oversikt", cookie=cookie, ar="2015")  # another open tab
    assert _titles(tab)[0] == "Oversikt" and tab.dataframe
    at = app_as(own_url, None, "frister", cookie=cookie)
    at.sidebar.button(key="sign_out").click().run()
    assert not at.exception
    at.run()  # the browser's next request, back from the provider: signed out, no cookie
    assert _titles(at) == ["Logg inn"] and not at.warning
    signed_out = _stored(own_url)
    assert (TROMS, cookie["iat"], cookie["iat"] + 1) in signed_out[1]

    tab.run()  # the other tab's next click
    _asked_to_sign_in_again(tab)
    for page in ("oversikt", "opplastinger", "last_opp"):  # the copied cookie, anywhere
        _asked_to_sign_in_again(app_as(own_url, None, page, cookie=cookie, ar="2015"))
    assert _stored(own_url) == signed_out  # nothing recorded, nothing changed

    again = app_as(own_url, TROMS, "oversikt", ar="2015")  # a new sign-in
    assert _titles(again)[0] == "Oversikt" and again.dataframe


def test_an_admin_changing_a_user_ends_their_session(own_url, app_as):
    cookie = token(TROMS)
    assert _titles(app_as(own_url, None, "oversikt", cookie=cookie))[0] == "Oversikt"
    users.set_user(db.get_engine(own_url), TROMS, Role.OVERSIGHT, by=Actor("test"), scope=OPERATOR)
    _asked_to_sign_in_again(app_as(own_url, None, "oversikt", cookie=cookie))
    assert len(app_as(own_url, TROMS, "oversikt", ar="2015").dataframe[0].value) == 18


def test_a_new_sign_in_the_database_will_not_store_is_told_why_and_shown_no_data(own_url, app_as):
    """Fail closed: a sign-in the database will not store (read-only, full) could not be
    ended by «Logg ut», so it gets no data, and the page says why in Norwegian; a sign-in
    stored before still gets in."""
    cookie = token(TROMS)
    assert _titles(app_as(own_url, None, "oversikt", cookie=cookie, ar="2015"))[0] == "Oversikt"
    before = _stored(own_url)
    read_only(db.get_engine(own_url))
    at = app_as(own_url, TROMS, "oversikt", ar="2015")  # a new sign-in
    assert _titles(at) == ["Innloggingen kan ikke tas i bruk nå"]
    assert [shown(e.value) for e in at.error] == [
        f"Innloggingen kan ikke lagres: Databasen er skrivebeskyttet ({database_label(own_url)}). "
        "Appen lagrer hver ny innlogging før den gir tilgang, slik at «Logg ut» kan avslutte "
        "den på tjeneren, så ingen kan logge inn på nytt før databasen tar imot endringer "
        "igjen. Prøv igjen om litt, og meld fra til driftsansvarlig om feilen varer."
    ]
    assert not at.dataframe and not at.metric
    assert _titles(app_as(own_url, None, "oversikt", cookie=cookie, ar="2015"))[0] == "Oversikt"
    assert _stored(own_url) == before


KELVIN_KARI = "\u212aari@example.no"  # «Kari@example.no» with the Kelvin sign for the K


def test_a_look_alike_address_gets_no_role_and_is_told_why(own_url, app_as):
    users.set_user(
        db.get_engine(own_url), "kari@example.no", Role.ADMIN, by=Actor("test"), scope=OPERATOR
    )
    before = _stored(own_url)
    at = app_as(own_url, KELVIN_KARI, "tilgang", name="Mallory")
    assert _titles(at) == ["Innloggingen gir ikke tilgang"]
    assert [shown(w.value) for w in at.warning] == [
        "E-postadressen «\u212aari@example.no» har tegnet «\u212a» (U+212A), som bare ligner "
        "«K»; skriv adressen med vanlige tegn (æ, ø og å går fint). Be administratoren av "
        "IA-rådsoversikt om tilgang."
    ]
    _no_data(at)
    at.sidebar.button(key="sign_out").click().run()  # ends nothing of Kari's
    assert _stored(own_url) == before

    # On «Tilgang» an admin cannot give it a role either.
    at = app_as(own_url, ADMIN, "tilgang", name="Ada Admin")
    before = _stored(own_url)
    at.text_input(key="access_email").input(KELVIN_KARI)
    at.radio(key="access_role").set_value(Role.ADMIN)
    at.button[0].click().run()  # the form's submit button
    assert not at.exception
    assert [shown(e.value) for e in at.error] == [
        "E-postadressen «\u212aari@example.no» har tegnet «\u212a» (U+212A), som bare ligner "
        "«K»; skriv adressen med vanlige tegn (æ, ø og å går fint)"
    ]
    assert _stored(own_url) == before


def test_another_account_with_a_users_address_gets_no_role_until_an_admin_clears_it(
    own_url, app_as
):
    first = app_as(own_url, TROMS, "oversikt")  # binds troms@ to its account
    assert _titles(first)[0] == "Oversikt"
    before = _stored(own_url)
    other = token(TROMS, "Tove Troms", sub="en-annen-konto")
    at = app_as(own_url, None, "oversikt", cookie=other)
    assert _titles(at) == ["Innloggingen gir ikke tilgang"]
    assert [shown(w.value) for w in at.warning] == [
        "Adressen troms@example.no er knyttet til en annen konto hos innloggingstjenesten enn "
        "den du logget inn med, så denne innloggingen gir ingen tilgang. Er kontoen din byttet "
        "ut, kan en administrator fjerne koblingen på siden «Tilgang». Be administratoren av "
        "IA-rådsoversikt om tilgang."
    ]
    _no_data(at)
    at.sidebar.button(key="sign_out").click().run()  # ends nothing of the user's
    assert _stored(own_url) == before
    assert _titles(first.run())[0] == "Oversikt"

    # The admin clears the binding on «Tilgang» (kept in the log).
    admin = app_as(own_url, ADMIN, "tilgang", name="Ada Admin")
    admin.selectbox(key="access_unbind_pick").select(TROMS).run()
    admin.checkbox(key="access_unbind_sure").check().run()
    admin.button(key="access_unbind").click().run()
    assert not admin.exception
    assert shown(admin.success[0].value) == (
        "troms@example.no er ikke lenger knyttet til en konto hos innloggingstjenesten; neste "
        "innlogging med adressen knytter den til kontoen som brukes da"
    )
    log = admin.dataframe[1].value
    assert log.iloc[0][["Endret av", "E-post", "Endring"]].tolist() == [
        "Ada Admin (admin@example.no)",
        TROMS,
        "kontokobling fjernet",
    ]
    _asked_to_sign_in_again(first.run())  # the sign-ins so far have ended
    at = app_as(own_url, None, "oversikt", cookie=token(TROMS, sub="en-annen-konto"))
    assert _titles(at)[0] == "Oversikt"  # bound to the new account
    refused = app_as(own_url, TROMS, "oversikt")  # the old account, signing in anew
    assert _titles(refused) == ["Innloggingen gir ikke tilgang"]


# --- the open modes --------------------------------------------------------------------------


def _open_app(monkeypatch, url: str, page: str = "oversikt") -> AppTest:
    monkeypatch.setenv("IA_REGISTER_FILE", str(SAMPLE_REGISTER))
    at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=60)
    at.switch_page(PAGES[page][0])
    return at.run()


def test_a_real_database_without_sign_in_shows_how_to_set_it_up_and_no_data(
    shared_url, monkeypatch
):
    monkeypatch.delenv("IA_AUTH", raising=False)
    monkeypatch.setenv("IA_DATABASE_URL", shared_url)
    for page in ("oversikt", "last_opp", "tilgang"):
        at = _open_app(monkeypatch, shared_url, page)
        assert _titles(at) == ["Innlogging er ikke satt opp"]
        assert "IA_AUTH=av" in at.warning[0].value and "[auth]" in at.warning[0].value
        assert not at.dataframe and not at.metric and not at.sidebar.get("page_link")


def test_ia_auth_av_opens_a_real_database_under_a_red_banner_on_every_page(shared_url, monkeypatch):
    monkeypatch.setenv("IA_AUTH", "av")
    monkeypatch.setenv("IA_DATABASE_URL", shared_url)
    for page in set(PAGES) - SIGN_IN_ONLY:
        at = _open_app(monkeypatch, shared_url, page)
        banners = [h.proto.body for h in at.get("html")]
        assert any("Uten innlogging:" in b and "IA_AUTH=av" in b for b in banners), page
        assert _titles(at)[0] == PAGES[page][1]
    for page in SIGN_IN_ONLY:  # no users to manage, no user's notices, without sign-in
        at = _open_app(monkeypatch, shared_url, page)
        assert _titles(at) == ["Ingen tilgang"]
        assert at.warning[0].value.startswith("Tilganger styres bare når innlogging er satt opp")


def test_the_demo_is_open_without_sign_in_under_its_banner(seeded_copy, monkeypatch):
    # The demo on a copy of the demo data: nothing is left to load (on a database short of
    # it the first run would load the newest year and leave the rest loading in this process).
    url = seeded_copy("sqlite")
    monkeypatch.delenv("IA_AUTH", raising=False)
    monkeypatch.delenv("IA_DATABASE_URL", raising=False)
    monkeypatch.setattr(engine_setup, "DEMO_URL", url)
    at = _open_app(monkeypatch, url)
    assert at.info[0].value.startswith("**Åpen demo, uten innlogging:**")
    assert len(at.dataframe[0].value) == 18
    assert _sidebar_pages(at) == set(PAGES) - SIGN_IN_ONLY
