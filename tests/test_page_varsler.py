"""The e-mail notices on the pages, as AppTest runs them with a signed-in user: «Varsler»
(what goes out on a chosen date, as the library computes it; the outbox's states; «Send på
nytt»), «Mine varsler» (an opt-out kept), the councils' contact addresses on «Tilgang» (a bad
one refused in Norwegian, nothing changed), the roles refused, an approval on «Gjennomgang»
handed to a real mail server after its commit, and «Gå videre til …» after sign-in."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from conftest import SAMPLE_REGISTER
from smtp import SmtpServer
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest
from test_access_pages import AUTH, PAGES, PROJECT, shown, token

import ui.data
import ui.onward
from ia_data.demo import SAMPLE_DIR
from ia_data.domain.access import OPERATOR, Actor, Role
from ia_data.domain.kinds import NoticeKind, OutboxState
from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules
from ia_data.notices.choices import council_contacts, notice_choices
from ia_data.notices.due import due_notices
from ia_data.notices.notice import Notice
from ia_data.notices.outbox import enqueue
from ia_data.storage import db, store, users
from ia_data.storage.models import Outbox
from ia_data.storage.register import councils

pytestmark = pytest.mark.page

UNIT = "enhet@example.no"
ADMIN = "admin@example.no"
OVERSIGHT = "tilsyn@example.no"
TROMS = "troms@example.no"
NORDLAND = "nordland@example.no"
TROMS_2015 = SAMPLE_DIR / "rapport_2015_Ar_ia-radet-i-troms.xlsx"
# 14 days before the 2015 reports are due (1 March 2016, assumed); a Tuesday: no summary.
REMINDER_DAY = date(2016, 2, 16)


@pytest.fixture
def notices_url(sqlite_database):
    """Troms' 2015 report, in on 1 February 2016 (before its due date); a secretariat user
    for Troms and one for Nordland, the coordination unit, an admin, the oversight group."""
    url = sqlite_database(SAMPLE_REGISTER)
    engine = db.get_engine(url)
    came = datetime(2016, 2, 1, 10, tzinfo=UTC)
    assert store.import_file(
        engine, TROMS_2015.name, TROMS_2015.read_bytes(), scope=OPERATOR, now=came
    ).ok
    ids = _council_ids(url)
    for email, role, council_ids in (
        (UNIT, Role.COORDINATION, []),
        (ADMIN, Role.ADMIN, []),
        (OVERSIGHT, Role.OVERSIGHT, []),
        (TROMS, Role.SECRETARIAT, [ids["IA-rådet i Troms"]]),
        (NORDLAND, Role.SECRETARIAT, [ids["IA-rådet i Nordland"]]),
    ):
        users.set_user(engine, email, role, council_ids, by=Actor("test"), scope=OPERATOR)
    return url


@pytest.fixture
def app_as(monkeypatch):
    """``app_as(url, email, page=None, name="", mail=None, **query)``: the app with sign-in
    configured and ``email`` signed in (``None``: nobody); no mail server but the settings in
    ``mail``."""

    def start(url, email, page=None, name="", mail: dict | None = None, **query):
        monkeypatch.delenv("IA_AUTH", raising=False)
        for setting in ("IA_SMTP_URL", "IA_MAIL_FROM", "IA_BASE_URL", "IA_SMTP_CA_FILE"):
            monkeypatch.delenv(setting, raising=False)
        for setting, value in (mail or {}).items():
            monkeypatch.setenv(setting, value)
        monkeypatch.setenv("IA_DATABASE_URL", url)
        monkeypatch.setenv("IA_REGISTER_FILE", str(SAMPLE_REGISTER))
        at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=60)
        at.secrets["auth"] = dict(AUTH)
        at.user = token(email, name) if email else {"is_logged_in": False}
        for key, value in query.items():
            at.query_params[key] = value
        if page:
            at.switch_page(PAGES[page][0])
        return at.run()

    return start


def _council_ids(url: str) -> dict[str, int]:
    with Session(db.get_engine(url)) as session:
        return {c.name: c.id for c in councils(session)}


def _table(at, title: str):
    """The page's table titled ``title`` (its screen reader's name)."""
    (found,) = [d for d in at.dataframe if d.proto.alt == title]
    return found.value


def _outbox(url: str) -> dict[int, tuple[str, str]]:
    """Outbox row → (state, error)."""
    with Session(db.get_engine(url)) as session:
        return {o.id: (o.state, o.error) for o in session.exec(select(Outbox))}


# --- «Varsler» ----------------------------------------------------------------------------


def test_varsler_shows_what_the_library_sends_on_the_chosen_date(notices_url, app_as):
    expected = due_notices(db.get_engine(notices_url), load_rules(DEFAULT_RULES_FILE), REMINDER_DAY)
    assert [(n.kind, n.council, n.recipient) for n in expected] == [
        (NoticeKind.REMINDER, "IA-rådet i Nordland", NORDLAND)  # Troms has reported
    ]
    at = app_as(notices_url, UNIT, "varsler", dato="2016-02-16")
    assert not at.exception
    assert at.title[0].value == "Varsler"
    assert at.warning[0].value.startswith("**Ingen e-post sendes:** `IA_SMTP_URL`")
    assert at.date_input(key="f_dato").value == REMINDER_DAY
    assert "1 e-post 16.02.2016, én per mottaker:" in [m.value for m in at.markdown]
    table = at.dataframe[0].value
    assert list(table["Type"]) == ["Påminnelse"]
    assert list(table["IA-råd"]) == ["IA-rådet i Nordland"]
    assert list(table["Mottaker"]) == [NORDLAND]
    assert list(table["Emne"]) == [expected[0].subject]
    (message,) = at.expander
    assert message.label == f"Påminnelse · IA-rådet i Nordland → {NORDLAND}"
    assert (
        shown(message.markdown[0].value)
        == f"**Til:** {NORDLAND}  \n**Emne:** {expected[0].subject}"
    )
    assert [t.value for t in message.get("text")] == [expected[0].text.rstrip("\n")]
    assert [h.proto.body for h in message.get("html")] == [expected[0].html.rstrip("\n")]

    at.date_input(key="f_dato").set_value(date(2016, 2, 17)).run()  # nothing due
    assert at.info[0].value == "Ingen varsler å sende 17.02.2016."
    assert at.query_params["dato"] == "2016-02-17"
    at.query_params["dato"] = "2016-02-16"  # the browser's Back: the day the address holds
    at.run()
    assert at.date_input(key="f_dato").value == REMINDER_DAY
    assert "1 e-post 16.02.2016, én per mottaker:" in [m.value for m in at.markdown]


def _notice(recipient: str, occasion: str) -> Notice:
    return Notice(
        NoticeKind.REMINDER, recipient, occasion, f"Påminnelse: {occasion}", "tekst", "<p>html</p>"
    )


def _fill_outbox(url: str) -> dict[str, int]:
    """Four messages: one waiting, one sent, one failed (5xx), one expired."""
    engine = db.get_engine(url)
    with Session(engine) as session:
        ids = enqueue(
            session,
            [_notice(f"{s}@example.no", s) for s in ("venter", "sendt", "feilet", "utlopt")],
        )
        for outbox_id, state, error in (
            (ids[1], OutboxState.SENT, ""),
            (ids[2], OutboxState.FAILED, "550 Ukjent mottaker"),
            (ids[3], OutboxState.EXPIRED, "421 Prøv igjen senere"),
        ):
            row = session.get(Outbox, outbox_id)
            row.state, row.error = state, error
        session.commit()
    return dict(zip(("venter", "sendt", "feilet", "utlopt"), ids, strict=True))


def test_the_outbox_shows_each_state_and_send_again_puts_a_failed_one_back(notices_url, app_as):
    ids = _fill_outbox(notices_url)
    at = app_as(notices_url, ADMIN, "varsler", name="Ada Admin", dato="2016-02-17")
    table = _table(at, "Utboksen")
    assert list(table["Varsel nr."]) == [ids["utlopt"], ids["feilet"], ids["sendt"], ids["venter"]]
    assert list(table["Tilstand"]) == ["Utløpt", "Feilet", "Sendt", "Venter"]
    assert list(table["Mottaker"]) == [
        "utlopt@example.no", "feilet@example.no", "sendt@example.no", "venter@example.no"
    ]  # fmt: skip
    assert list(table["Feil fra e-posttjeneren"].fillna("")) == [
        "421 Prøv igjen senere",
        "550 Ukjent mottaker",
        "",
        "",
    ]
    pick = at.selectbox(key="again_pick")
    assert pick.options == [
        f"Nr. {ids['utlopt']}: Påminnelse til utlopt@example.no (Utløpt: 421 Prøv igjen senere)",
        f"Nr. {ids['feilet']}: Påminnelse til feilet@example.no (Feilet: 550 Ukjent mottaker)",
    ]
    pick.set_value(ids["feilet"]).run()
    at.button(key="again").click().run()
    ui.data.wait_for_deliveries()  # no mail server: the row stays waiting
    assert not at.exception
    assert shown(at.success[0].value) == (
        f"Varsel nr. {ids['feilet']} til feilet@example.no venter på å bli sendt på nytt "
        "(Ada Admin (admin@example.no))."
    )
    assert _outbox(notices_url)[ids["feilet"]][0] == "Venter"
    assert _outbox(notices_url)[ids["utlopt"]][0] == "Utløpt"  # only the one chosen


@pytest.mark.parametrize("email", [OVERSIGHT, TROMS])
def test_the_oversight_group_and_a_secretariat_are_refused_varsler(notices_url, app_as, email):
    at = app_as(notices_url, email, "varsler")
    assert [t.value for t in at.title] == ["Ingen tilgang"]
    assert "gir ikke tilgang til siden «Varsler»" in at.warning[0].value
    assert not at.dataframe and not at.expander


# --- «Mine varsler» -------------------------------------------------------------------------


def test_mine_varsler_keeps_an_opt_out_and_the_day_leaves_that_user_out(notices_url, app_as):
    at = app_as(notices_url, NORDLAND, "mine_varsler", name="Nora Nordland")
    assert [t.label for t in at.toggle] == [
        "Påminnelse", "Frist passert", "Trenger retting", "Godkjent", "Ny kommentar"
    ]  # fmt: skip
    assert all(t.value for t in at.toggle)
    at.toggle(key="notice_REMINDER").set_value(False)
    at.button[0].click().run()
    assert not at.exception
    assert at.success[0].value == (
        "Valgene er lagret. Du får «Frist passert», «Trenger retting», «Godkjent» og "
        "«Ny kommentar»."
    )
    chosen = notice_choices(db.get_engine(notices_url), NORDLAND)
    assert [k for k, on in chosen.items() if not on] == [NoticeKind.REMINDER]
    assert at.toggle(key="notice_REMINDER").value is False

    unit = app_as(notices_url, UNIT, "varsler", dato="2016-02-16")  # nobody left to remind
    assert unit.info[0].value == "Ingen varsler å sende 16.02.2016."


def test_mine_varsler_offers_the_oversight_group_its_one_kind(notices_url, app_as):
    at = app_as(notices_url, OVERSIGHT, "mine_varsler")
    assert [t.label for t in at.toggle] == ["Videresendt"]


# --- «Tilgang»: a council's contact address -------------------------------------------------


def _contact(url: str, council: str) -> str:
    return next(c.email for c in council_contacts(db.get_engine(url)) if c.council == council)


def test_tilgang_keeps_a_contact_address_and_refuses_a_bad_one(notices_url, app_as):
    nordland = _council_ids(notices_url)["IA-rådet i Nordland"]
    at = app_as(notices_url, ADMIN, "tilgang", name="Ada Admin")
    at.selectbox(key="contact_council").set_value(nordland)
    at.text_input(key="contact_email").input("post@nordland.example.no")
    at.button(key="FormSubmitter:contact_form-Lagre kontaktadressen").click().run()
    assert not at.exception
    assert (
        shown(at.success[0].value)
        == "Kontaktadressen til IA-rådet i Nordland er post@nordland.example.no"
    )
    assert _contact(notices_url, "IA-rådet i Nordland") == "post@nordland.example.no"
    assert "post@nordland.example.no" in list(
        _table(at, "Rådenes kontaktadresser")["Kontaktadresse"]
    )

    at.selectbox(key="contact_council").set_value(nordland)
    at.text_input(key="contact_email").input("ikke en adresse")
    at.button(key="FormSubmitter:contact_form-Lagre kontaktadressen").click().run()
    assert (
        shown(at.error[0].value)
        == "«ikke en adresse» er ikke en e-postadresse; ingenting er endret"
    )
    assert _contact(notices_url, "IA-rådet i Nordland") == "post@nordland.example.no"


# --- a review action's notice, handed to the mail server after the commit --------------------


@pytest.fixture(scope="module")
def mail_server(tmp_path_factory):
    server = SmtpServer(tmp_path_factory.mktemp("smtp"))
    yield server
    server.stop()


def test_an_approval_on_gjennomgang_is_mailed_to_the_secretariat(notices_url, app_as, mail_server):
    mail_server.reset()
    mail = {
        "IA_SMTP_URL": mail_server.url,
        "IA_SMTP_CA_FILE": str(mail_server.ca_file),
        "IA_MAIL_FROM": "ia@example.no",
        "IA_BASE_URL": "https://ia.example.no",
    }
    at = app_as(notices_url, UNIT, "gjennomgang", name="Enid Enhet", mail=mail)
    at.button(key="approve").click().run()
    assert not at.exception
    assert at.success[0].value == "Opplasting nr. 1 (IA-rådet i Troms, 2015 År) er godkjent."
    ui.data.wait_for_deliveries()
    (arrived,) = mail_server.arrived
    assert arrived.recipients == [TROMS]
    assert "Godkjent" in arrived.subject and "IA-rådet i Troms" in arrived.subject
    assert "https://ia.example.no/rad?rad=" in arrived.text
    assert [state for state, _ in _outbox(notices_url).values()] == ["Sendt"]


# --- «Gå videre til …» -----------------------------------------------------------------------


KNOWN = {"start", "varsler", "rad", "oversikt"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("varsler%3Fdato%3D2016-02-16", ui.onward.Wanted("varsler", (("dato", "2016-02-16"),))),
        (
            "rad?rad=9&per=2017-06-01",
            ui.onward.Wanted("rad", (("rad", "9"), ("per", "2017-06-01"))),
        ),
        ("/varsler", ui.onward.Wanted("varsler")),
        ("https%3A%2F%2Fevil.example%2Fvarsler", None),  # another site is no page
        ("//evil.example/varsler", None),
        ("finnes-ikke?x=1", None),
        ("varsler?dato=" + "9" * 3000, None),  # too long
        ("", None),
        (None, None),
    ],
)
def test_a_kept_link_is_one_of_the_apps_own_pages_or_nothing(raw, expected):
    assert ui.onward.read_wanted(raw, KNOWN) == expected


def test_the_sign_in_page_keeps_the_link_it_was_opened_by(notices_url, app_as):
    at = app_as(notices_url, None, "varsler", dato="2016-02-16")
    assert [t.value for t in at.title] == ["Logg inn"]
    scripts = [h.proto.body for h in at.get("html") if "ia_videre" in h.proto.body]
    assert scripts == [
        '<script>document.cookie = "ia_videre=varsler%3Fdato%3D2016-02-16; path=/; '
        'max-age=3600; samesite=lax";</script>'
    ]


def test_the_first_page_after_sign_in_offers_to_go_on_to_the_link(notices_url, app_as, monkeypatch):
    monkeypatch.setattr(ui.onward, "kept_cookie", lambda: "varsler%3Fdato%3D2016-02-16")
    at = app_as(notices_url, UNIT)  # back at «/» after the provider
    assert at.title[0].value == "Oversikt"
    assert at.markdown[0].value == "Du åpnet en lenke til «Varsler» før du logget inn."
    (link,) = [p for p in at.get("page_link") if p.proto.label.startswith("Gå videre")]
    assert link.proto.label == "Gå videre til Varsler"
    assert link.proto.page == "varsler" and link.proto.query_string == "dato=2016-02-16"
    cleared = [h.proto.body for h in at.get("html") if "ia_videre=;" in h.proto.body]
    assert len(cleared) == 1 and "max-age=0" in cleared[0]

    at.switch_page(PAGES["varsler"][0]).run()  # gone once the reader moved on
    assert not [p for p in at.get("page_link") if p.proto.label.startswith("Gå videre")]


def test_no_offer_of_a_page_the_role_may_not_open(notices_url, app_as, monkeypatch):
    monkeypatch.setattr(ui.onward, "kept_cookie", lambda: "varsler%3Fdato%3D2016-02-16")
    at = app_as(notices_url, TROMS)
    assert at.title[0].value == "Oversikt"
    assert not [p for p in at.get("page_link") if p.proto.label.startswith("Gå videre")]
