"""E-mail notices (issue 24), on both engines, delivered through a real SMTP server on
127.0.0.1 (``tests/smtp.py``, STARTTLS with the test's own CA): who gets what and when
(the reminder days, the weekly rhythm after a missed due date and its end, a council that
reported, a user's opt-out, a period older than the cut-off), what arrives (recipients,
subject, both parts, Norwegian dates and amounts, the link), and that nothing is lost (the
server down, a recipient refused, 4xx retried then expired, 5xx failed at once, the same
Message-ID on a resend, a review action with the server down)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from smtp import SmtpServer
from sqlmodel import Session, select
from workbooks import report_xlsx

from ia_data import settings
from ia_data.domain.access import (
    COORDINATION,
    OPERATOR,
    OVERSIGHT,
    Actor,
    OutsideScope,
    secretariat,
)
from ia_data.domain.kinds import NoticeKind, OutboxState
from ia_data.notices.choices import (
    NoticeChoiceError,
    council_contacts,
    notice_choices,
    set_council_contact,
    set_notice_choice,
)
from ia_data.notices.deliver import DeliveryReport, deliver
from ia_data.notices.due import due_notices
from ia_data.notices.outbox import OutboxError, resend
from ia_data.notices.run import DailyRun, run_daily
from ia_data.reporting.outbox import outbox_table
from ia_data.storage.models import Council, Outbox
from ia_data.storage.review import approve, comment, send_back
from ia_data.storage.store import import_file
from ia_data.storage.users import set_user

BASE = "https://ia.example.no"
SENDER = "varsler@ia.example.no"
SIRI, KARI, ADA, OLAV = "siri@nav.no", "kari@nav.no", "ada@nav.no", "olav@ia.no"
CONTACT = "post@ia-troms.no"
ADMIN = Actor("Ada Admin", ADA)
NOON = timedelta(hours=10)  # 12:00 in Oslo in summer: the moment a run is made on a day


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + NOON


@pytest.fixture(scope="module")
def smtp(tmp_path_factory):
    server = SmtpServer(tmp_path_factory.mktemp("smtp"))
    yield server
    server.stop()


@pytest.fixture
def mail(smtp, monkeypatch):
    """The SMTP server, empty and answering every recipient; the app set to use it."""
    smtp.reset()
    monkeypatch.setenv("IA_SMTP_URL", smtp.url)
    monkeypatch.setenv("IA_SMTP_CA_FILE", str(smtp.ca_file))
    monkeypatch.setenv("IA_MAIL_FROM", SENDER)
    monkeypatch.setenv("IA_BASE_URL", BASE + "/")
    return smtp


def council_id(engine, name: str = "IA-rådet i Troms") -> int:
    with Session(engine) as session:
        return session.exec(select(Council.id).where(Council.name == name)).one()


@pytest.fixture
def people(fresh_db):
    """A database with Troms's secretariat (Siri) and contact address, the coordination
    unit (Kari), an admin (Ada) and the oversight group (Olav)."""
    troms = council_id(fresh_db)
    for email, role, councils in (
        (SIRI, "sekretariat", [troms]),
        (KARI, "koordinering", []),
        (ADA, "admin", []),
        (OLAV, "oversikt", []),
    ):
        set_user(fresh_db, email, role, councils, by=ADMIN, scope=OPERATOR)
    set_council_contact(fresh_db, ADMIN, troms, CONTACT, scope=OPERATOR)
    return fresh_db


def run(engine, day: date, **kwargs):
    found = settings.current()
    return run_daily(engine, found, found.rules(), day, now=at(day), **kwargs)


def outbox(engine) -> list[Outbox]:
    with Session(engine) as session:
        return list(session.exec(select(Outbox).order_by(Outbox.id)).all())


def arrived_by_recipient(smtp) -> dict[str, object]:
    return {m.recipients[0]: m for m in smtp.arrived}


# --- what arrives -------------------------------------------------------------------------


def test_a_reminder_14_days_before_reaches_the_secretariat_and_the_contact(people, mail):
    troms = council_id(people)
    done = run(people, date(2012, 8, 18))
    assert done.delivery.message == "E-post: 2 sendt"
    got = arrived_by_recipient(mail)
    assert sorted(got) == [CONTACT, SIRI]  # one message per recipient
    siri = got[SIRI]
    assert siri.sender == SENDER
    assert siri.message["To"] == SIRI
    assert siri.subject == (
        "Påminnelse: rapporten for 1. halvår 2012 fra IA-rådet i Troms har frist 01.09.2012"
    )
    assert (
        "Rapporten fra IA-rådet i Troms for 1. halvår 2012 er ikke kommet inn ennå. "
        "Fristen er 01.09.2012. Det er 14 dager igjen." in siri.text
    )
    page = f"{BASE}/rad?rad={troms}&per=2012-08-18"
    assert page in siri.text
    assert f'<a href="{BASE}/rad?rad={troms}&amp;per=2012-08-18">' in siri.html
    assert f"{BASE}/last_opp" in siri.text
    assert "«Mine varsler»" in siri.text  # a user can turn the kind off
    assert "kontaktadresse" in got[CONTACT].text  # the contact is told why it gets it
    assert "Nordland" not in siri.text + siri.html  # only this council
    rows = outbox(people)
    assert [(r.kind, r.recipient, r.state, r.attempts) for r in rows] == [
        ("Påminnelse", SIRI, "Sendt", 1),
        ("Påminnelse", CONTACT, "Sendt", 1),
    ]
    assert {r.message_id for r in rows} == {m.message["Message-ID"] for m in mail.arrived}


def test_the_reminder_days_and_nothing_between(people, mail):
    days = {}
    for offset in range(0, 20):
        day = date(2012, 8, 15) + timedelta(offset)
        kinds = {n.kind for n in due_notices(people, settings.current().rules(), day)}
        kinds.discard(NoticeKind.WEEKLY)
        if kinds:
            days[day] = kinds
    assert days == {
        date(2012, 8, 18): {NoticeKind.REMINDER},  # 14 days before 01.09.2012
        date(2012, 8, 29): {NoticeKind.REMINDER},  # 3 days before
        date(2012, 9, 2): {NoticeKind.OVERDUE},  # the day after
    }
    three = due_notices(people, settings.current().rules(), date(2012, 8, 29))
    assert "Det er 3 dager igjen." in three[0].text


def test_a_council_that_reported_gets_nothing(people, mail):
    stored = import_file(
        people, "troms.xlsx", report_xlsx(), scope=OPERATOR, now=at(date(2012, 8, 20))
    )
    assert stored.status == "lagret"
    assert run(people, date(2012, 8, 29)).notices == []
    assert run(people, date(2012, 9, 2)).notices == []
    assert mail.arrived == [] and outbox(people) == []


def test_the_weekly_rhythm_after_a_missed_date_ends_after_8_weeks(people, mail):
    rules = settings.current().rules()
    overdue = [
        day
        for day in (date(2012, 9, 1) + timedelta(n) for n in range(70))
        for notice in due_notices(people, rules, day)
        if notice.kind == NoticeKind.OVERDUE and notice.recipient == SIRI
    ]
    assert overdue == [date(2012, 9, 2) + timedelta(weeks=k) for k in range(8)]
    assert overdue[-1] == date(2012, 10, 21)
    first = run(people, date(2012, 9, 2))
    assert first.delivery.message == "E-post: 2 sendt"
    siri = arrived_by_recipient(mail)[SIRI]
    assert siri.subject == (
        "Frist passert: rapporten for 1. halvår 2012 fra IA-rådet i Troms mangler "
        "(frist 01.09.2012)"
    )
    assert "Den er 1 dag på overtid per 02.09.2012." in siri.text


def test_an_assumed_deadline_says_so_and_the_grant_is_in_kroner(people, mail):
    run(people, date(2017, 3, 2))  # the day after 01.03.2017, the assumed due date of 2016
    siri = arrived_by_recipient(mail)[SIRI]
    assert siri.subject == (
        "Frist passert: rapporten for 2016 fra IA-rådet i Troms mangler (frist 01.03.2017)"
    )
    assert "Fristen er 01.03.2017 (antatt: brevet fra 2015 oppgir ingen dato" in siri.text
    kroner = "400\xa0000 kr"  # Babel's Norwegian: no break inside the number
    assert f"Tildelt IA-rådet i Troms for 2016: {kroner} (regel, antatt)." in siri.text
    assert kroner in siri.html


def test_a_period_older_than_the_cut_off_gets_nothing(people, mail):
    rules = settings.current().rules()
    assert [
        n for n in due_notices(people, rules, date(2012, 10, 28)) if n.kind == NoticeKind.OVERDUE
    ] == []
    # A first run today: every report since 2010 is missing, and nobody hears of it.
    assert run(people, date(2026, 12, 7)).notices == []
    assert mail.arrived == []


def test_a_user_who_turned_reminders_off_gets_none(people, mail):
    siri = Actor("Siri", SIRI)
    assert set_notice_choice(people, siri, NoticeKind.REMINDER, False) == (
        f"Varsler av typen «Påminnelse» er slått av for {SIRI}"
    )
    assert notice_choices(people, SIRI)[NoticeKind.REMINDER] is False
    assert notice_choices(people, SIRI)[NoticeKind.OVERDUE] is True
    run(people, date(2012, 8, 18))
    assert [m.recipients for m in mail.arrived] == [[CONTACT]]
    set_notice_choice(people, siri, NoticeKind.REMINDER, True)
    assert notice_choices(people, SIRI)[NoticeKind.REMINDER] is True


def test_the_weekly_summary_to_the_coordination_unit_and_admins(people, mail):
    done = run(people, date(2012, 9, 3))  # a Monday: Troms's report is 2 days late
    summaries = [m for m in mail.arrived if m.subject.startswith("Ukesoppsummering")]
    assert sorted(m.recipients[0] for m in summaries) == [ADA, KARI]
    summary = summaries[0]
    assert summary.subject.startswith("Ukesoppsummering uke 36 2012: ")
    troms = council_id(people)
    assert "IA-rådet i Troms, 1. halvår 2012: frist 01.09.2012, 2 dager på overtid" in summary.text
    assert f"{BASE}/rad?rad={troms}&per=2012-09-03" in summary.text
    assert "Råd uten noen å sende påminnelser til:" in summary.text
    assert "- IA-rådet i Nordland" in summary.text  # no user, no contact
    assert "- IA-rådet i Troms\n" not in summary.text
    assert done.delivery.failed == []


# --- nothing lost -------------------------------------------------------------------------


def test_the_mail_server_down_loses_nothing_and_the_next_run_delivers(people, mail, monkeypatch):
    monkeypatch.setenv("IA_SMTP_URL", mail.down_url)
    day = date(2012, 8, 18)
    first = run(people, day)
    assert (len(first.delivery.waiting), first.delivery.sent) == (2, [])
    assert all("kunne ikke nås" in e for e in first.delivery.errors.values())
    assert [r.state for r in outbox(people)] == ["Venter", "Venter"]
    assert mail.arrived == []
    monkeypatch.setenv("IA_SMTP_URL", mail.url)
    again = run(people, day + timedelta(days=1))  # the next day: nothing new due, the rest sent
    assert (again.enqueued, again.delivery.message) == ([], "E-post: 2 sendt")
    assert sorted(arrived_by_recipient(mail)) == [CONTACT, SIRI]
    assert [(r.state, r.attempts, r.error) for r in outbox(people)] == [("Sendt", 2, "")] * 2


def test_a_second_run_writes_and_sends_nothing_again(people, mail):
    run(people, date(2012, 8, 18))
    again = run(people, date(2012, 8, 18))
    assert (len(again.notices), again.enqueued, again.delivery.sent) == (2, [], [])
    assert len(mail.arrived) == 2 and len(outbox(people)) == 2


def test_a_refused_recipient_is_recorded_and_the_others_delivered(people, mail):
    mail.handler.refuse[CONTACT] = "550 5.1.1 Ukjent mottaker"
    done = run(people, date(2012, 8, 18))
    assert [m.recipients for m in mail.arrived] == [[SIRI]]
    rows = {r.recipient: r for r in outbox(people)}
    assert (rows[SIRI].state, rows[CONTACT].state) == ("Sendt", "Feilet")  # 5xx: at once
    assert rows[CONTACT].error == "Mottakeren ble avvist: 550 5.1.1 Ukjent mottaker"
    assert done.delivery.failed == [rows[CONTACT].id]


def test_a_4xx_is_retried_then_expires_and_a_resend_keeps_the_message_id(people, mail):
    mail.handler.refuse[SIRI] = "450 4.2.0 Postkassen er full"
    day = date(2012, 8, 18)
    run(people, day)
    row = next(r for r in outbox(people) if r.recipient == SIRI)
    assert (row.state, row.error) == (
        "Venter",
        "Mottakeren ble avvist: 450 4.2.0 Postkassen er full",
    )
    for later, state in ((1, "Venter"), (2, "Venter"), (3, "Utløpt")):
        deliver(people, now=at(day) + timedelta(days=later))
        found = next(r for r in outbox(people) if r.id == row.id)
        assert (found.state, found.attempts) == (state, 1 + later)
    with pytest.raises(OutboxError) as sent:
        resend(
            people,
            next(r.id for r in outbox(people) if r.recipient == CONTACT),
            scope=OPERATOR,
            by=ADMIN,
        )
    assert "er «Sendt»; bare et varsel som er «Feilet» eller «Utløpt» kan sendes på nytt" in str(
        sent.value
    )
    with pytest.raises(OutsideScope):
        resend(people, row.id, scope=secretariat({council_id(people): "Troms"}), by=ADMIN)
    mail.handler.refuse.clear()
    assert resend(
        people, row.id, scope=COORDINATION, by=ADMIN, now=at(day) + timedelta(days=4)
    ) == (f"Varsel nr. {row.id} til {SIRI} venter på å bli sendt på nytt (Ada Admin ({ADA}))")
    assert deliver(people, now=at(day) + timedelta(days=4)).sent == [row.id]
    (siri,) = [m for m in mail.arrived if m.recipients == [SIRI]]
    assert siri.message["Message-ID"] == row.message_id


def test_a_message_sent_twice_after_a_crash_has_the_same_message_id(people, mail):
    """A process that stopped between the server's «250» and marking the row sent: the row
    still waits, and the next run sends the same message again."""
    day = date(2012, 8, 18)
    run(people, day)
    with Session(people) as session:
        for row in session.exec(select(Outbox)):
            row.state, row.sent_at = OutboxState.WAITING, None
            session.add(row)
        session.commit()
    deliver(people, now=at(day) + timedelta(days=1))
    ids = [m.message["Message-ID"] for m in mail.arrived if m.recipients == [SIRI]]
    assert len(ids) == 2 and ids[0] == ids[1]


def test_without_a_mail_server_the_outbox_fills_and_nothing_is_sent(people, mail, monkeypatch):
    monkeypatch.delenv("IA_SMTP_URL")
    done = run(people, date(2012, 8, 18))
    assert done.delivery.message == (
        "IA_SMTP_URL er ikke satt: ingen e-post er sendt; 2 varsler venter i utboksen"
    )
    assert [r.state for r in outbox(people)] == ["Venter", "Venter"]
    assert mail.arrived == []


def test_a_dry_run_stores_and_sends_nothing(people, mail):
    done = run(people, date(2012, 8, 18), dry_run=True)
    assert [n.recipient for n in done.notices] == [SIRI, CONTACT]
    assert done.message == (
        "2 varsler til sending 18.08.2012; prøvekjøring: ingenting er lagret eller sendt"
    )
    assert (outbox(people), mail.arrived) == ([], [])


# --- the review actions -------------------------------------------------------------------


def test_a_review_action_with_the_mail_server_down_succeeds_and_its_notice_waits(
    people, mail, monkeypatch
):
    first = import_file(
        people,
        "troms.xlsx",
        report_xlsx(),
        scope=OPERATOR,
        by=Actor("Siri", SIRI),
        now=at(date(2012, 8, 20)),
    ).upload_id
    monkeypatch.setenv("IA_SMTP_URL", mail.down_url)
    reason = "Kostnaden <b>på rad 3</b> & datoen"
    done = send_back(
        people,
        first,
        reason,
        scope=COORDINATION,
        by=Actor("Kari", KARI),
        points_to="Aktiviteter, rad 3",
        now=at(date(2012, 8, 21)),
    )
    assert done == f"Opplasting nr. {first} (IA-rådet i Troms, 2012 H1) er sendt tilbake: {reason}"
    assert len(done.outbox_ids) == 2
    waiting = deliver(people, ids=done.outbox_ids, now=at(date(2012, 8, 21)))
    assert len(waiting.waiting) == 2 and mail.arrived == []
    monkeypatch.setenv("IA_SMTP_URL", mail.url)
    deliver(people, now=at(date(2012, 8, 22)))
    siri = arrived_by_recipient(mail)[SIRI]
    assert (
        siri.subject
        == "Trenger retting: rapporten for 1. halvår 2012 fra IA-rådet i Troms er sendt tilbake"
    )
    assert f"Begrunnelse: {reason} Gjelder: Aktiviteter, rad 3." in siri.text
    assert "Kostnaden &lt;b&gt;på rad 3&lt;/b&gt; &amp; datoen" in siri.html
    assert "<b>på rad 3</b>" not in siri.html


def test_each_review_step_notifies_the_other_side(people, mail):
    siri, kari = Actor("Siri", SIRI), Actor("Kari", KARI)
    first = import_file(
        people, "v1.xlsx", report_xlsx(), scope=OPERATOR, by=siri, now=at(date(2012, 8, 20))
    ).upload_id
    send_back(people, first, "Rett datoen", scope=COORDINATION, by=kari, now=at(date(2012, 8, 21)))
    again = import_file(
        people,
        "v2.xlsx",
        report_xlsx(contact="Ny kontakt"),
        scope=OPERATOR,
        by=siri,
        now=at(date(2012, 8, 22)),
    )
    assert len(again.outbox_ids) == 1  # «Mottatt på nytt» to the coordination unit
    said = comment(
        people,
        again.upload_id,
        "Datoen er rettet",
        by=siri,
        now=at(date(2012, 8, 22)),
        scope=secretariat({council_id(people): "IA-rådet i Troms"}),
    )
    done = approve(people, again.upload_id, scope=COORDINATION, by=kari, now=at(date(2012, 8, 23)))
    deliver(people, now=at(date(2012, 8, 23)))
    got = sorted((m.recipients[0], m.subject.split(":")[0]) for m in mail.arrived)
    assert got == [
        (KARI, "Mottatt på nytt"),
        (KARI, "Ny kommentar"),
        (CONTACT, "Godkjent"),
        (CONTACT, "Trenger retting"),
        (SIRI, "Godkjent"),
        (SIRI, "Trenger retting"),
    ]
    assert len(said.outbox_ids) == 1 and len(done.outbox_ids) == 2
    note = next(m for m in mail.arrived if m.subject.startswith("Ny kommentar"))
    assert "Datoen er rettet" in note.text and f"{BASE}/gjennomgang" in note.text


def test_the_outbox_table_is_the_coordination_units_and_the_admins(people, mail):
    run(people, date(2012, 8, 18))
    with Session(people) as session:
        for scope in (OVERSIGHT, secretariat({council_id(people): "IA-rådet i Troms"})):
            with pytest.raises(OutsideScope) as refused:
                outbox_table(session, scope=scope)
            assert str(refused.value) == (
                "Ingen tilgang: bare Koordineringsenheten og administratorer ser og sender "
                "varslene på e-post"
            )
        table = outbox_table(session, scope=COORDINATION, state="Sendt")
    assert [row[:3] + row[6:7] for row in table.rows] == [
        [2, "Sendt", "Påminnelse", CONTACT],
        [1, "Sendt", "Påminnelse", SIRI],
    ]


# --- choices and contacts -----------------------------------------------------------------


def test_a_contact_address_is_an_admins_and_a_bad_one_changes_nothing(people):
    troms = council_id(people)
    with pytest.raises(NoticeChoiceError) as bad:
        set_council_contact(people, ADMIN, troms, "ikke en adresse", scope=OPERATOR)
    assert str(bad.value) == "«ikke en adresse» er ikke en e-postadresse; ingenting er endret"
    with pytest.raises(OutsideScope) as refused:
        set_council_contact(people, ADMIN, troms, "ny@ia.no", scope=COORDINATION)
    assert str(refused.value) == (
        "Ingen tilgang: bare en administrator kan endre rådenes kontaktadresser"
    )
    contacts = {c.council: c.email for c in council_contacts(people)}
    assert (contacts["IA-rådet i Troms"], contacts["IA-rådet i Nordland"]) == (CONTACT, "")
    assert set_council_contact(people, ADMIN, troms, None, scope=OPERATOR) == (
        "IA-rådet i Troms har ingen kontaktadresse lenger"
    )


def test_the_settings_never_show_the_mail_servers_password():
    found = settings.Settings.from_environment(
        {
            "IA_SMTP_URL": "smtps://ola:hemmelig@smtp.example.no:465",
            "IA_MAIL_FROM": SENDER,
            "IA_BASE_URL": BASE + "/",
            "IA_SMTP_CA_FILE": "/etc/ia/ca.pem",
        }
    )
    assert "hemmelig" not in repr(found) and "hemmelig" not in str(found)
    assert found.smtp_label == "smtps://ola:***@smtp.example.no:465"
    assert (found.mail_from, found.base_url, str(found.smtp_ca_file)) == (
        SENDER,
        BASE,
        "/etc/ia/ca.pem",
    )


def test_one_notice_is_said_in_the_singular():
    """«1 varsel», not «1 varsler», in the daily run's and the delivery's sentence."""
    one = DailyRun(date(2016, 2, 16), notices=[object()], dry_run=True)
    assert (
        one.message
        == "1 varsel til sending 16.02.2016; prøvekjøring: ingenting er lagret eller sendt"
    )
    waiting = DeliveryReport(not_sent="IA_SMTP_URL er ikke satt: ingen e-post er sendt", queued=1)
    assert (
        waiting.message
        == "IA_SMTP_URL er ikke satt: ingen e-post er sendt; 1 varsel venter i utboksen"
    )
