"""The report's route on the pages, as AppTest runs them with a signed-in user: the
coordination unit's queue on «Gjennomgang» (oldest first, days waiting), approving, sending
back (a reason required), a stale approval refused, forwarding; the secretariat's view of a
report sent back (Oversikt's notice, Råd, Last opp) and the receipt in its upload's
confirmation; the oversight group without the page; «Bare godkjente rapporter»."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from conftest import SAMPLE_REGISTER
from sqlmodel import Session
from streamlit.testing.v1 import AppTest
from test_access_pages import AUTH, PAGES, PROJECT, shown, token

from ia_data.demo import SAMPLE_DIR
from ia_data.domain.access import OPERATOR, Actor, Role, secretariat
from ia_data.domain.formatting import local, today
from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules
from ia_data.output.forward import forwarded_reports
from ia_data.reporting.overview import overview
from ia_data.reporting.review import review_states
from ia_data.storage import db, store, users
from ia_data.storage.models import Review
from ia_data.storage.register import councils

pytestmark = pytest.mark.page

UNIT = "enhet@example.no"
OVERSIGHT = "tilsyn@example.no"
TROMS = "troms@example.no"
TROMS_2015 = SAMPLE_DIR / "rapport_2015_Ar_ia-radet-i-troms.xlsx"
TROMS_2016 = SAMPLE_DIR / "rapport_2016_Ar_ia-radet-i-troms.xlsx"
NORDLAND_2016 = SAMPLE_DIR / "rapport_2016_Ar_ia-radet-i-nordland.xlsx"
NOW = datetime.now(UTC).replace(microsecond=0)
NORDLAND_CAME = NOW - timedelta(days=9)
TROMS_CAME = NOW - timedelta(days=2)


def _changed(path, cost: int) -> tuple[bytes, int]:
    """The workbook with its first activity's cost set to ``cost``, and the cost it had."""
    book = openpyxl.load_workbook(path)
    before = book["Aktiviteter"]["G5"].value
    book["Aktiviteter"]["G5"] = cost
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), before


@pytest.fixture
def route_url(database):
    """Every council's 2015 report loaded as historical (approved before the route), and
    two 2016 reports waiting: Nordland's for nine days, Troms' for two; a user of the
    coordination unit, of the oversight group and Troms' secretariat."""
    url = database(SAMPLE_REGISTER)
    engine = db.get_engine(url)
    for path in sorted(SAMPLE_DIR.glob("rapport_2015_Ar_*.xlsx")):
        found = store.import_file(
            engine, path.name, path.read_bytes(), scope=OPERATOR, historical=True
        )
        assert found.review_state == "Godkjent", found.message
    for path, came in ((NORDLAND_2016, NORDLAND_CAME), (TROMS_2016, TROMS_CAME)):
        found = store.import_file(engine, path.name, path.read_bytes(), scope=OPERATOR, now=came)
        assert found.review_state == "Mottatt"
    with Session(engine) as session:
        ids = {c.name: c.id for c in councils(session)}
    for email, role, council_ids in (
        (UNIT, Role.COORDINATION, []),
        (OVERSIGHT, Role.OVERSIGHT, []),
        (TROMS, Role.SECRETARIAT, [ids["IA-rådet i Troms"]]),
    ):
        users.set_user(engine, email, role, council_ids, by=Actor("test"), scope=OPERATOR)
    return url


@pytest.fixture
def app_as(monkeypatch):
    """``app_as(url, email, page=None, name="", **query)``: the app with sign-in configured
    and ``email`` signed in (as ``test_access_pages``' fixture of the same name)."""

    def start(url: str, email: str, page: str | None = None, name: str = "", **query):
        monkeypatch.delenv("IA_AUTH", raising=False)
        monkeypatch.setenv("IA_DATABASE_URL", url)
        monkeypatch.setenv("IA_REGISTER_FILE", str(SAMPLE_REGISTER))
        at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=60)
        at.secrets["auth"] = dict(AUTH)
        at.user = token(email, name)
        for key, value in query.items():
            at.query_params[key] = value
        if page:
            at.switch_page(PAGES[page][0])
        return at.run()

    return start


def _council_id(url: str, name: str) -> int:
    with Session(db.get_engine(url)) as session:
        return next(c.id for c in councils(session) if c.name == name)


def _waiting(url: str) -> dict[str, int]:
    """Council → the upload waiting for review."""
    with Session(db.get_engine(url)) as session:
        return {r.council: r.upload_id for r in review_states(session, 2016, scope=OPERATOR)}


def _state(url: str, council: str, year: int = 2016) -> str:
    with Session(db.get_engine(url)) as session:
        (row,) = [r for r in review_states(session, year, scope=OPERATOR) if r.council == council]
        return row.state


def _days(came: datetime) -> int:
    """The days a report has waited as the page counts them now (not at collection: a suite
    started before midnight in Oslo runs this after it)."""
    return (today() - local(came).date()).days


def test_the_queue_is_oldest_first_with_the_days_each_has_waited(route_url, app_as):
    at = app_as(route_url, UNIT, "gjennomgang", name="Enid Enhet")
    assert not at.exception
    assert at.title[0].value == "Gjennomgang"
    queue = at.dataframe[0].value
    assert list(queue["IA-råd"]) == ["IA-rådet i Nordland", "IA-rådet i Troms"]
    assert list(queue["Dager på vent"]) == [_days(NORDLAND_CAME), _days(TROMS_CAME)] == [9, 2]
    assert list(queue["Gjennomgang"]) == ["Mottatt", "Mottatt"]
    waiting = _waiting(route_url)
    pick = at.selectbox(key="review_pick")
    assert pick.value == waiting["IA-rådet i Nordland"]  # the oldest is shown first
    assert at.header[0].value == "IA-rådet i Nordland, 2016 År"
    assert "Dette er den første versjonen av rapporten som vurderes" in " ".join(
        c.value for c in at.caption
    )
    assert [b.label for b in at.button if b.key in ("approve", "send_back")] == [
        "Godkjenn",
        "Send tilbake",
    ]


def test_approving_moves_the_state_to_godkjent_and_out_of_the_queue(route_url, app_as):
    nordland = _waiting(route_url)["IA-rådet i Nordland"]
    at = app_as(route_url, UNIT, "gjennomgang", name="Enid Enhet")
    at.button(key="approve").click().run()
    assert not at.exception
    assert shown(at.success[0].value) == (
        f"Opplasting nr. {nordland} (IA-rådet i Nordland, 2016 År) er godkjent."
    )
    assert _state(route_url, "IA-rådet i Nordland") == "Godkjent"
    assert list(at.dataframe[0].value["IA-råd"]) == ["IA-rådet i Troms"]
    at = app_as(route_url, OVERSIGHT, "frister", fra="2016")
    details = at.dataframe[-1].value.set_index("IA-råd")
    assert details.loc["IA-rådet i Nordland", "Gjennomgang"] == "Godkjent"
    assert details.loc["IA-rådet i Troms", "Gjennomgang"] == "Mottatt"


def test_sending_back_without_a_reason_is_refused_and_changes_nothing(route_url, app_as):
    nordland = _waiting(route_url)["IA-rådet i Nordland"]
    at = app_as(route_url, UNIT, "gjennomgang")
    at.text_input(key="return_points_to").input("Aktiviteter, rad 5")
    at.button(key="send_back").click().run()
    assert not at.exception
    assert shown(at.error[0].value) == (
        f"Skriv hvorfor opplasting nr. {nordland} sendes tilbake (grunnen er påkrevd); "
        "ingenting er endret"
    )
    assert _state(route_url, "IA-rådet i Nordland") == "Mottatt"
    assert list(at.dataframe[0].value["IA-råd"]) == ["IA-rådet i Nordland", "IA-rådet i Troms"]


def test_a_report_sent_back_shows_its_reason_to_the_secretariat(route_url, app_as):
    troms = _waiting(route_url)["IA-rådet i Troms"]
    at = app_as(route_url, UNIT, "gjennomgang", name="Enid Enhet")
    at.selectbox(key="review_pick").select(troms).run()
    at.text_area(key="return_reason").input("Svar 3 mangler bransjene")
    at.text_input(key="return_points_to").input("Spørsmål 3")
    at.button(key="send_back").click().run()
    assert not at.exception
    assert shown(at.success[0].value) == (
        f"Opplasting nr. {troms} (IA-rådet i Troms, 2016 År) er sendt tilbake: "
        "Svar 3 mangler bransjene."
    )
    assert at.text_area(key="return_reason").value == ""  # emptied once kept
    assert _state(route_url, "IA-rådet i Troms") == "Trenger retting"

    first = app_as(route_url, TROMS, name="Kari Nordmann")  # the first page after sign-in
    assert shown(first.warning[0].value) == (
        "**Trenger retting:** Koordineringsenheten har sendt tilbake rapporten IA-rådet i "
        "Troms, 2016 År. Se begrunnelsen på Råd, og last opp en rettet versjon."
    )
    link = first.main.get("page_link")[0].proto
    assert (link.label, link.page.endswith("rad")) == ("Se IA-rådet i Troms på Råd", True)
    reason = (
        "**IA-rådet i Troms, 2016 År: Trenger retting.** Begrunnelse fra "
        "Koordineringsenheten: Svar 3 mangler bransjene · Gjelder: Spørsmål 3"
    )
    troms_id = str(_council_id(route_url, "IA-rådet i Troms"))
    rad = app_as(route_url, TROMS, "rad", name="Kari Nordmann", rad=troms_id)
    assert reason in [shown(w.value) for w in rad.warning]
    reports = rad.dataframe[0].value.set_index("Periode")
    assert reports.loc["2016 År", "Gjennomgang"] == "Trenger retting"
    assert "Enid Enhet (enhet@example.no) · sendt tilbake" in " ".join(
        shown(m.value) for m in rad.markdown
    )
    upload = app_as(route_url, TROMS, "last_opp", name="Kari Nordmann")
    assert reason in [shown(w.value) for w in upload.warning]
    history = app_as(route_url, TROMS, "opplastinger", name="Kari Nordmann")
    steps = next(d.value for d in history.dataframe if "Hendelse" in d.value.columns)
    assert steps[["Hendelse", "Begrunnelse / kommentar", "Gjelder (ark, rad, spørsmål)", "Av"]][
        steps["Hendelse"] == "sendt tilbake"
    ].values.tolist() == [
        ["sendt tilbake", "Svar 3 mangler bransjene", "Spørsmål 3", "Enid Enhet (enhet@example.no)"]
    ]

    # The secretariat answers in the thread, on Råd; the coordination unit reads it.
    rad.text_area(key="comment").input("Vi retter svar 3 i morgen")
    rad.button(key="add_comment").click().run()
    assert not rad.exception
    assert shown(rad.success[0].value).startswith("Kommentaren er lagret (IA-rådet i Troms")
    texts = [t.value for t in rad.text]
    assert "Vi retter svar 3 i morgen" in texts


def test_a_stale_approval_is_refused_with_the_newer_version_named(route_url, app_as):
    nordland = _waiting(route_url)["IA-rådet i Nordland"]
    at = app_as(route_url, UNIT, "gjennomgang")
    assert at.selectbox(key="review_pick").value == nordland
    data, _ = _changed(NORDLAND_2016, 12_345)  # the secretariat sends a newer version
    newer = store.import_file(db.get_engine(route_url), "ny.xlsx", data, scope=OPERATOR)
    at.button(key="approve").click().run()
    assert not at.exception
    assert shown(at.error[0].value) == (
        f"En nyere versjon (opplasting nr. {newer.upload_id}) kom inn etter opplasting nr. "
        f"{nordland} (IA-rådet i Nordland, 2016 År); se på den før du godkjenner noe; "
        "ingenting er endret"
    )
    assert _state(route_url, "IA-rådet i Nordland") == "Mottatt"


def test_the_coordination_unit_sees_what_changed_since_it_sent_a_report_back(route_url, app_as):
    engine = db.get_engine(route_url)
    troms = _waiting(route_url)["IA-rådet i Troms"]
    from ia_data.storage.review import send_back

    send_back(engine, troms, "Kostnaden ser feil ut", scope=OPERATOR, by=Actor("Enid"))
    data, before = _changed(TROMS_2016, 15_200)
    troms_id = _council_id(route_url, "IA-rådet i Troms")
    secretariat_scope = secretariat({troms_id: "IA-rådet i Troms"})
    fixed = store.import_file(engine, "rettet.xlsx", data, scope=secretariat_scope)
    assert fixed.review_state == "Mottatt på nytt"
    at = app_as(route_url, UNIT, "gjennomgang")
    at.selectbox(key="review_pick").select(fixed.upload_id).run()
    assert not at.exception
    page = " ".join(shown(m.value) for m in at.markdown)
    assert f"Endret: Kostnad {_kr(troms_cost(route_url, troms))} → " in page
    listed = next(d.value for d in at.dataframe if "Hva er endret" in d.value.columns)
    assert list(listed["Hva er endret"]) == [f"Kostnad: {_kr(before * 100)} → {_kr(15_200_00)}"]


def _kr(ore: int) -> str:
    from ia_data.domain.formatting import kroner

    return kroner(ore)


def troms_cost(url: str, upload_id: int) -> int:
    from ia_data.reporting.changes import stored_changes

    with Session(db.get_engine(url)) as session:
        return stored_changes(session, upload_id, upload_id, scope=OPERATOR).before["Kostnad (øre)"]


def test_the_oversight_group_has_no_gjennomgang_page_and_no_approve_button(route_url, app_as):
    at = app_as(route_url, OVERSIGHT, "gjennomgang")
    assert [t.value for t in at.title] == ["Ingen tilgang"]
    assert not at.dataframe and not at.metric
    assert [b.key for b in at.button] == ["sign_out"]
    for page in ("oversikt", "frister", "rad"):
        at = app_as(route_url, OVERSIGHT, page, rad=str(_council_id(route_url, "IA-rådet i Troms")))
        assert not at.exception
        assert not {"approve", "send_back"} & {b.key for b in at.button}, page


def test_only_approved_reports_changes_a_figure_and_is_in_the_url(route_url, app_as):
    engine = db.get_engine(route_url)
    troms_id = _council_id(route_url, "IA-rådet i Troms")
    data, before = _changed(TROMS_2015, 21_000)
    newer = store.import_file(
        engine, "troms-2015-ny.xlsx", data, scope=secretariat({troms_id: "IA-rådet i Troms"})
    )
    assert newer.review_state == "Endret etter godkjenning"
    rules = load_rules(DEFAULT_RULES_FILE)
    with Session(engine) as session:
        spent = {
            approved: next(
                r.totals.spent_ore
                for r in overview(
                    session, 2015, NOW.date(), rules, scope=OPERATOR, approved_only=approved
                )
                if r.council.name == "IA-rådet i Troms"
            )
            for approved in (False, True)
        }
    assert spent[False] - spent[True] == (21_000 - before) * 100

    at = app_as(route_url, OVERSIGHT, ar="2015")  # Oversikt, at «/»
    table = at.dataframe[0].value.set_index("IA-råd")
    assert table.loc["Troms", "Brukt (kr)"] == spent[False] / 100
    assert table.loc["Troms", "Gjennomgang År"] == "Endret etter godkjenning"
    at.toggle(key="f_approved").set_value(True).run()
    assert not at.exception
    assert at.query_params["godkjent"] == "ja"
    table = at.dataframe[0].value.set_index("IA-råd")
    assert table.loc["Troms", "Brukt (kr)"] == spent[True] / 100
    assert at.info[0].value.startswith("**Bare godkjente rapporter:**")
    at.switch_page("views/rad.py").run()  # the choice follows the user to the next page
    assert at.toggle(key="f_approved").value is True
    at = app_as(route_url, OVERSIGHT, "frister", godkjent="ja")  # a link with it
    assert at.toggle(key="f_approved").value is True


def test_forwarding_a_period_lists_it_for_the_oversight_group(route_url, app_as):
    at = app_as(route_url, UNIT, "gjennomgang", name="Enid Enhet")
    assert "Ingen samlede rapporter er sendt til Oppfølgingsgruppen ennå." in [
        i.value for i in at.info
    ]
    at.selectbox(key="forward_year").select(2015).run()
    at.button(key="forward").click().run()
    assert not at.exception
    with Session(db.get_engine(route_url)) as session:
        (sent,) = forwarded_reports(session, scope=OPERATOR)
    assert (sent.year, sent.period, sent.by) == (2015, None, "Enid Enhet (enhet@example.no)")
    assert shown(at.success[0].value) == (
        f"Samlet rapport 2015 er sendt til Oppfølgingsgruppen (samlet-rapport-2015.xlsx, "
        f"sjekksum {sent.sha256[:12]}…)."
    )
    at = app_as(route_url, OVERSIGHT, "oversikt", ar="2015")
    listed = next(d.value for d in at.dataframe if "Sjekksum (SHA-256)" in d.value.columns)
    assert listed.iloc[0][["År", "Periode", "Sendt av", "Fil"]].tolist() == [
        2015,
        "Hele året",
        "Enid Enhet (enhet@example.no)",
        "samlet-rapport-2015.xlsx",
    ]
    assert [b.proto.label for b in at.get("download_button")][-1] == (
        "Last ned samlet-rapport-2015.xlsx"
    )
    troms = app_as(route_url, TROMS, "oversikt", ar="2015")  # a secretariat: not listed
    assert not [d for d in troms.dataframe if "Sjekksum (SHA-256)" in d.value.columns]


def test_the_upload_confirmation_shows_the_receipt_in_norwegian_time(route_url, app_as):
    data, _ = _changed(TROMS_2015, 9_999)
    at = app_as(route_url, TROMS, "last_opp", name="Kari Nordmann")
    at.file_uploader[0].upload("troms-2015.xlsx", data).run()
    at.button(key="confirm_upload").click().run()
    assert not at.exception
    with Session(db.get_engine(route_url)) as session:
        review = next(
            r for r in review_states(session, 2015, scope=OPERATOR) if r.council.endswith("Troms")
        )
        assert session.get(Review, (review.council_id, 2015, "År")).state == (
            "Endret etter godkjenning"
        )
    summary = shown(at.success[0].value)
    assert (
        f"Kvittering: mottatt {local(review.received_at):%d.%m.%Y %H:%M} (norsk tid), "
        "oppgitt, ikke registrert av appen. Gjennomgang: «Endret etter godkjenning». "
        "Kvitteringen er den første versjonens; en rettet versjon endrer den ikke."
    ) in summary
