"""The route of a report (issue 23), on both engines: the review state of a council's period
moves exactly as the table says — a version arrives, the coordination unit approves it or
sends it back with a reason, a new version reopens it — every other move is refused with a
Norwegian reason and changes nothing, each role may do what it may (secretariat, oversight
group, coordination unit, admin), an approval of a version that is no longer the newest is
refused, and every step and comment is kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, func, select
from workbooks import report_xlsx

from ia_data.domain.access import COORDINATION, OPERATOR, OVERSIGHT, Actor, secretariat
from ia_data.domain.errors import UserError
from ia_data.domain.kinds import ReviewAction, ReviewState
from ia_data.reporting.review import review_history, review_queue, review_states
from ia_data.storage.models import Council, Review, ReviewEvent
from ia_data.storage.review import ReviewError, approve, comment, send_back
from ia_data.storage.store import import_file, restore_upload

T0 = datetime(2012, 8, 25, 10, 0, tzinfo=UTC)  # 25.08.2012 12:00 in Oslo: before the due date
SEK = Actor("Siri Sekretær", "siri@nav.no")
KOORD = Actor("Kari Koordinator", "kari@nav.no")
WHAT = "IA-rådet i Troms, 2012 H1"


def council_id(engine, name: str = "IA-rådet i Troms") -> int:
    with Session(engine) as session:
        return session.exec(select(Council.id).where(Council.name == name)).one()


def upload(engine, version: int = 1, at: datetime = T0, **fields) -> int:
    """A version of Troms's 2012 H1 report (each ``version`` a file of its own), stored by
    the secretariat; its upload number."""
    data = report_xlsx(contact=f"Kontakt {version}", **fields)
    result = import_file(engine, f"troms-v{version}.xlsx", data, scope=OPERATOR, by=SEK, now=at)
    assert result.status == "lagret", result.message
    return result.upload_id


def state(engine) -> tuple[str, int, int | None]:
    """Troms 2012 H1: its review state, the version it concerns and the last approved."""
    with Session(engine) as session:
        review = session.get(Review, (council_id(engine), 2012, "H1"))
        return review.state, review.upload_id, review.approved_upload_id


def events(engine) -> list[tuple[str, str, str]]:
    with Session(engine) as session:
        rows = session.exec(select(ReviewEvent).order_by(ReviewEvent.id)).all()
        return [(e.action, e.state_after, e.text) for e in rows]


def troms(engine):
    return secretariat({council_id(engine): "IA-rådet i Troms"})


def nordland(engine):
    return secretariat({council_id(engine, "IA-rådet i Nordland"): "IA-rådet i Nordland"})


# --- the table of moves --------------------------------------------------------------------


def test_a_first_version_is_received(fresh_db):
    first = upload(fresh_db)
    assert state(fresh_db) == ("Mottatt", first, None)
    assert events(fresh_db) == [("mottatt", "Mottatt", "")]


def test_the_whole_route_moves_as_the_table_says(fresh_db):
    first = upload(fresh_db)
    message = send_back(
        fresh_db, first, "Kostnaden på rad 3 er for høy", scope=COORDINATION, by=KOORD,
        points_to="Aktiviteter, rad 3", now=T0 + timedelta(hours=1),
    )  # fmt: skip
    assert (
        message
        == f"Opplasting nr. {first} ({WHAT}) er sendt tilbake: Kostnaden på rad 3 er for høy"
    )
    assert state(fresh_db) == ("Trenger retting", first, None)
    second = upload(fresh_db, 2, T0 + timedelta(days=1))
    assert state(fresh_db) == ("Mottatt på nytt", second, None)
    assert approve(fresh_db, second, scope=COORDINATION, by=KOORD) == (
        f"Opplasting nr. {second} ({WHAT}) er godkjent"
    )
    assert state(fresh_db) == ("Godkjent", second, second)
    third = upload(fresh_db, 3, T0 + timedelta(days=2))
    assert state(fresh_db) == ("Endret etter godkjenning", third, second)
    send_back(fresh_db, third, "Svar 2 mangler", scope=OPERATOR, by=Actor("Admin"))
    assert state(fresh_db) == ("Trenger retting", third, second)
    fourth = upload(fresh_db, 4, T0 + timedelta(days=3))
    assert state(fresh_db) == ("Mottatt på nytt", fourth, second)
    approve(fresh_db, fourth, scope=OPERATOR, by=Actor("Admin"))
    assert state(fresh_db) == ("Godkjent", fourth, fourth)
    assert events(fresh_db) == [
        ("mottatt", "Mottatt", ""),
        ("sendt tilbake", "Trenger retting", "Kostnaden på rad 3 er for høy"),
        ("mottatt", "Mottatt på nytt", ""),
        ("godkjent", "Godkjent", ""),
        ("mottatt", "Endret etter godkjenning", ""),
        ("sendt tilbake", "Trenger retting", "Svar 2 mangler"),
        ("mottatt", "Mottatt på nytt", ""),
        ("godkjent", "Godkjent", ""),
    ]


@pytest.mark.parametrize("waiting", ["Mottatt", "Endret etter godkjenning"])
def test_a_new_version_while_waiting_keeps_the_state_and_follows_the_newest(fresh_db, waiting):
    first = upload(fresh_db)
    if waiting == "Endret etter godkjenning":
        approve(fresh_db, first, scope=COORDINATION, by=KOORD)
        first = upload(fresh_db, 2, T0 + timedelta(days=1))
    assert state(fresh_db)[0] == waiting
    newer = upload(fresh_db, 3, T0 + timedelta(days=2))
    assert state(fresh_db)[:2] == (waiting, newer)


def test_a_restore_is_a_new_version(fresh_db):
    first = upload(fresh_db)
    second = upload(fresh_db, 2, T0 + timedelta(days=1))
    approve(fresh_db, second, scope=COORDINATION, by=KOORD)
    restore_upload(fresh_db, first, scope=OPERATOR, by=SEK, now=T0 + timedelta(days=2))
    assert state(fresh_db) == ("Endret etter godkjenning", first, second)
    send_back(fresh_db, first, "Feil versjon", scope=COORDINATION, by=KOORD)
    restore_upload(fresh_db, second, scope=OPERATOR, by=SEK, now=T0 + timedelta(days=3))
    assert state(fresh_db) == ("Mottatt på nytt", second, second)


# --- every other move refused, nothing changed ----------------------------------------------


def _unchanged(engine, call, expected: str) -> None:
    """``call`` is refused with ``expected`` and changes no state and no history."""
    before = (state(engine), events(engine))
    with pytest.raises(UserError) as refused:
        call()
    assert str(refused.value) == expected
    assert (state(engine), events(engine)) == before


def test_an_approved_report_is_not_approved_or_returned_again(fresh_db):
    first = upload(fresh_db)
    approve(fresh_db, first, scope=COORDINATION, by=KOORD, now=T0 + timedelta(hours=1))
    said = f"Rapporten ({WHAT}, opplasting nr. {first}) er allerede godkjent (av Kari Koordinator (kari@nav.no) 25.08.2012 13:00); ingenting er endret"  # noqa: E501
    _unchanged(fresh_db, lambda: approve(fresh_db, first, scope=COORDINATION, by=KOORD), said)
    _unchanged(
        fresh_db, lambda: send_back(fresh_db, first, "Nei", scope=COORDINATION, by=KOORD), said
    )


def test_a_returned_report_waits_for_a_correction(fresh_db):
    first = upload(fresh_db)
    send_back(fresh_db, first, "Rad 3", scope=COORDINATION, by=KOORD, now=T0 + timedelta(hours=1))
    said = (
        f"Rapporten ({WHAT}, opplasting nr. {first}) er sendt tilbake (av Kari Koordinator "
        "(kari@nav.no) 25.08.2012 13:00) og venter på en rettet versjon fra sekretariatet; "
        "ingenting er endret"
    )
    _unchanged(fresh_db, lambda: approve(fresh_db, first, scope=COORDINATION, by=KOORD), said)
    _unchanged(
        fresh_db, lambda: send_back(fresh_db, first, "Igjen", scope=COORDINATION, by=KOORD), said
    )


@pytest.mark.parametrize("reason", ["", "   ", "\x00"])
def test_a_return_needs_a_reason(fresh_db, reason):
    first = upload(fresh_db)
    _unchanged(
        fresh_db,
        lambda: send_back(fresh_db, first, reason, scope=COORDINATION, by=KOORD),
        f"Skriv hvorfor opplasting nr. {first} sendes tilbake (grunnen er påkrevd); "
        "ingenting er endret",
    )


def test_an_approval_of_a_version_no_longer_the_newest_is_refused(fresh_db):
    first = upload(fresh_db)
    second = upload(fresh_db, 2, T0 + timedelta(days=1))
    for call, doing in (
        (lambda: approve(fresh_db, first, scope=COORDINATION, by=KOORD), "godkjenner"),
        (lambda: send_back(fresh_db, first, "x", scope=COORDINATION, by=KOORD), "sender"),
    ):
        _unchanged(
            fresh_db,
            call,
            f"En nyere versjon (opplasting nr. {second}) kom inn etter opplasting nr. {first} "
            f"({WHAT}); se på den før du {doing} noe; ingenting er endret",
        )


def test_only_a_report_can_be_reviewed(fresh_db):
    first = upload(fresh_db)
    for missing in (first + 1, 999):
        _unchanged(
            fresh_db,
            lambda m=missing: approve(fresh_db, m, scope=COORDINATION, by=KOORD),
            f"Opplasting nr. {missing} er ingen rapport; ingenting er endret",
        )


# --- who may do what --------------------------------------------------------------------


def test_a_secretariat_and_the_oversight_group_never_review(fresh_db):
    first = upload(fresh_db)
    for scope, role in ((troms(fresh_db), "Sekretariat"), (OVERSIGHT, "Oversiktsgruppen")):
        said = (
            f"Ingen tilgang: rollen «{role}» kan se hvor rapportene står, men ikke godkjenne, "
            "sende tilbake eller videresende; det gjør Koordineringsenheten"
        )
        _unchanged(fresh_db, lambda s=scope: approve(fresh_db, first, scope=s, by=SEK), said)
        _unchanged(fresh_db, lambda s=scope: send_back(fresh_db, first, "x", scope=s, by=SEK), said)


@pytest.mark.parametrize("who", ["coordination", "admin"])
def test_the_coordination_unit_and_an_admin_review(fresh_db, who):
    scope = COORDINATION if who == "coordination" else OPERATOR
    first = upload(fresh_db)
    said = approve(fresh_db, first, scope=scope, by=KOORD)
    assert state(fresh_db)[0] == "Godkjent"
    assert said == f"Opplasting nr. {first} ({WHAT}) er godkjent"
    assert state(fresh_db) == ("Godkjent", first, first)
    assert events(fresh_db)[-1] == ("godkjent", "Godkjent", "")


def test_the_thread_takes_comments_from_the_unit_and_the_own_secretariat(fresh_db):
    first = upload(fresh_db)
    said = comment(fresh_db, first, "Vi ser på den", scope=COORDINATION, by=KOORD)
    assert said == f"Kommentaren er lagret ({WHAT}, opplasting nr. {first})"
    comment(fresh_db, first, "Takk!", scope=troms(fresh_db), by=SEK)
    _unchanged(
        fresh_db,
        lambda: comment(fresh_db, first, "Hei", scope=nordland(fresh_db), by=SEK),
        "Ingen tilgang: rådet (nr. "
        f"{council_id(fresh_db)}) ligger utenfor rådene du har tilgang til (IA-rådet i Nordland)",
    )
    _unchanged(
        fresh_db,
        lambda: comment(fresh_db, first, "Hei", scope=OVERSIGHT, by=SEK),
        "Ingen tilgang: rollen «Oversiktsgruppen» kan lese kommentarene, men ikke skrive dem",
    )
    _unchanged(
        fresh_db,
        lambda: comment(fresh_db, first, "  ", scope=COORDINATION, by=KOORD),
        "Kommentaren er tom; ingenting er endret",
    )
    assert state(fresh_db)[0] == "Mottatt"
    steps = review_history(Session(fresh_db), council_id(fresh_db), scope=troms(fresh_db))
    assert [(s.action, s.text, s.by) for s in steps] == [
        ("mottatt", "", "Siri Sekretær (siri@nav.no)"),
        ("kommentar", "Vi ser på den", "Kari Koordinator (kari@nav.no)"),
        ("kommentar", "Takk!", "Siri Sekretær (siri@nav.no)"),
    ]


# --- what the pages read -------------------------------------------------------------------


def test_review_states_and_the_queue_in_scope(fresh_db):
    first = upload(fresh_db)
    data = report_xlsx(council="IA-rådet i Nordland", contact="N")
    later = T0 + timedelta(hours=2)
    other = import_file(fresh_db, "n.xlsx", data, scope=OPERATOR, by=SEK, now=later).upload_id
    send_back(fresh_db, other, "Mangler møter", scope=COORDINATION, by=KOORD, points_to="Møter")
    with Session(fresh_db) as session:
        every = review_states(session, 2012, scope=OVERSIGHT)
        assert [(r.council, r.state, r.reason, r.points_to) for r in every] == [
            ("IA-rådet i Nordland", "Trenger retting", "Mangler møter", "Møter"),
            ("IA-rådet i Troms", "Mottatt", "", ""),
        ]
        assert [r.upload_id for r in review_queue(session, scope=COORDINATION)] == [first]
        own = review_states(session, scope=troms(fresh_db))
        assert [(r.council, r.received_at, r.receipt_given) for r in own] == [
            ("IA-rådet i Troms", T0, False)
        ]
        assert review_states(session, scope=OVERSIGHT, state="Godkjent") == []
        with pytest.raises(UserError):
            review_history(session, council_id(fresh_db, "IA-rådet i Nordland"),
                           scope=troms(fresh_db))  # fmt: skip


def test_review_events_are_never_deleted(fresh_db):
    """Every step is its own row; none is rewritten by the next."""
    first = upload(fresh_db)
    send_back(fresh_db, first, "a", scope=COORDINATION, by=KOORD)
    upload(fresh_db, 2, T0 + timedelta(days=1))
    with Session(fresh_db) as session:
        count = session.exec(select(func.count()).select_from(ReviewEvent)).one()
    assert count == 3
    assert [a for a, _, _ in events(fresh_db)] == [
        ReviewAction.ARRIVED,
        ReviewAction.RETURNED,
        ReviewAction.ARRIVED,
    ]
    assert ReviewState("Mottatt på nytt").waiting
    assert not ReviewState("Trenger retting").waiting
    assert issubclass(ReviewError, UserError)


def test_the_coordination_role_is_given_by_ia_data_users(fresh_db, capsys):
    """``ia-data users add --role koordinering``: a user who reads every council and
    reviews; given councils, refused (as the oversight group)."""
    from ia_data.cli import main
    from ia_data.domain.access import Role
    from ia_data.storage.sign_ins import user_scope

    url = fresh_db.url.render_as_string(hide_password=False)
    assert main(["--db", url, "users", "add", "kari@nav.no", "--role", "koordinering"]) == 0
    capsys.readouterr()
    with Session(fresh_db) as session:
        scope = user_scope(session, "kari@nav.no")
    assert (scope.role, scope.everything, scope.may_review, scope.may_upload) == (
        Role.COORDINATION,
        True,
        True,
        False,
    )
    assert main(["--db", url, "users", "add", "ola@nav.no", "--role", "koordinering",
                 "--council", "Troms"]) == 1  # fmt: skip
    assert "Feil:" in capsys.readouterr().err
    first = upload(fresh_db)
    approve(fresh_db, first, scope=scope, by=Actor("Kari", "kari@nav.no"))
    assert state(fresh_db)[0] == "Godkjent"
