"""The receipt the server stamps (issue 23, point 1), on both engines: the first version of a
council's report for a period is received when the app stores it, and the deadline status
judges that moment's date in Oslo; a correction or a restore never moves it; the «Innsendt»
typed in the workbook is kept as «oppgitt i rapporten» and judges nothing — except for an
operator's historical load, which needs it and marks it «oppgitt, ikke registrert av
appen»; and a database of the previous release keeps every figure and status."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from conftest import downgrade
from sqlalchemy import func, inspect, text
from sqlmodel import Session, select
from workbooks import activity, meeting, report_xlsx

from ia_data.cli import main
from ia_data.demo import SAMPLE_DIR
from ia_data.domain.access import OPERATOR, Actor
from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules
from ia_data.output.exports import deadlines_export
from ia_data.reporting.deadlines import deadlines
from ia_data.reporting.overview import overview
from ia_data.reporting.review import review_states
from ia_data.storage import schema
from ia_data.storage.models import Receipt, Upload
from ia_data.storage.store import import_file, restore_upload

RULES = load_rules(DEFAULT_RULES_FILE)
DUE = date(2012, 9, 1)  # Troms 2012 H1
SEK = Actor("Siri", "siri@nav.no")


def store(engine, at: datetime, version: int = 1, **fields):
    data = report_xlsx(contact=f"Kontakt {version}", **fields)
    result = import_file(engine, f"v{version}.xlsx", data, scope=OPERATOR, by=SEK, now=at)
    assert result.status == "lagret", result.message
    return result


def troms_h1(engine, as_of: date = date(2013, 1, 1)):
    with Session(engine) as session:
        rows = deadlines(session, RULES, as_of, [2012], scope=OPERATOR)
    return next(r for r in rows if r.council.name == "IA-rådet i Troms" and r.period.code == "H1")


def test_the_receipt_is_the_moment_the_first_version_is_stored(fresh_db):
    at = datetime(2012, 8, 25, 10, 0, tzinfo=UTC)
    first = store(fresh_db, at)
    with Session(fresh_db) as session:
        receipt = session.exec(select(Receipt)).one()
    assert (receipt.received_at, receipt.how, receipt.upload_id) == (at, "app", first.upload_id)
    row = troms_h1(fresh_db)
    assert (row.status.text, row.submitted, row.receipt_given) == (
        "Levert i tide",
        date(2012, 8, 25),
        False,
    )
    assert row.given_in_report == date(2012, 8, 20)  # «oppgitt i rapporten», kept


def test_a_correction_after_the_due_date_leaves_an_on_time_report_on_time(fresh_db):
    store(fresh_db, datetime(2012, 8, 25, 10, 0, tzinfo=UTC))
    store(fresh_db, datetime(2012, 10, 1, 10, 0, tzinfo=UTC), version=2)
    row = troms_h1(fresh_db)
    assert (row.status.text, row.submitted) == ("Levert i tide", date(2012, 8, 25))


def test_a_backdated_innsendt_does_not_make_a_late_report_on_time(fresh_db):
    store(fresh_db, datetime(2012, 10, 1, 10, 0, tzinfo=UTC), submitted=date(2012, 8, 20))
    row = troms_h1(fresh_db)
    assert (row.status.text, row.submitted, row.given_in_report) == (
        "Levert for sent (+30 dager)",
        date(2012, 10, 1),
        date(2012, 8, 20),
    )


@pytest.mark.parametrize(
    "at, status",
    [
        (datetime(2012, 8, 31, 22, 30, tzinfo=UTC), "Levert i tide"),  # 1.9 00:30 in Oslo
        (datetime(2012, 9, 1, 22, 30, tzinfo=UTC), "Levert for sent (+1 dag)"),  # 2.9 00:30
    ],
)
def test_the_receipt_is_judged_by_its_date_in_oslo(fresh_db, at, status):
    store(fresh_db, at)
    assert troms_h1(fresh_db).status.text == status


def test_a_restore_keeps_the_receipt(fresh_db):
    first = store(fresh_db, datetime(2012, 8, 25, 10, 0, tzinfo=UTC))
    store(fresh_db, datetime(2012, 9, 20, 10, 0, tzinfo=UTC), version=2)
    restore_upload(fresh_db, first.upload_id, scope=OPERATOR, by=SEK,
                   now=datetime(2012, 11, 1, tzinfo=UTC))  # fmt: skip
    with Session(fresh_db) as session:
        receipts = session.exec(select(Receipt.received_at)).all()
    assert receipts == [datetime(2012, 8, 25, 10, 0, tzinfo=UTC)]
    assert troms_h1(fresh_db).status.text == "Levert i tide"


def test_a_report_not_in_as_of_a_date_before_its_receipt(fresh_db):
    store(fresh_db, datetime(2012, 8, 25, 10, 0, tzinfo=UTC))
    row = troms_h1(fresh_db, as_of=date(2012, 8, 24))
    assert (row.status.text, row.submitted) == ("Forfaller snart", None)


# --- historical loads ------------------------------------------------------------------------


def test_a_historical_load_takes_the_given_date_marked_as_given(fresh_db):
    data = report_xlsx(submitted=date(2012, 9, 3))
    now = datetime(2026, 12, 6, tzinfo=UTC)
    result = import_file(fresh_db, "h.xlsx", data, scope=OPERATOR, now=now, historical=True)
    assert result.status == "lagret", result.message
    row = troms_h1(fresh_db)
    assert (row.status.text, row.submitted, row.receipt_given) == (
        "Levert for sent (+2 dager)",
        date(2012, 9, 3),
        True,
    )
    with Session(fresh_db) as session:
        (state,) = review_states(session, scope=OPERATOR)
    assert (state.state, state.legacy, state.approved_upload_id) == (
        "Godkjent",
        True,
        result.upload_id,
    )
    assert state.receipt_text == "oppgitt, ikke registrert av appen"
    csv = deadlines_export(Session(fresh_db), RULES, date(2013, 1, 1), "csv", [2012],
                           scope=OPERATOR).decode("utf-8-sig")  # fmt: skip
    troms = next(
        line for line in csv.splitlines() if line.startswith("IA-rådet i Troms;Troms;2012;H1")
    )
    assert troms.endswith(
        ";oppgitt, ikke registrert av appen;2012-09-03;"
        "Godkjent (godkjent før gjennomgang ble innført)"
    )


def test_a_historical_load_without_innsendt_is_refused(fresh_db):
    data = report_xlsx(submitted=None)
    result = import_file(fresh_db, "uten-dato.xlsx", data, scope=OPERATOR, historical=True)
    assert (result.status, result.message) == (
        "avvist",
        "uten-dato.xlsx: ikke lagret – arbeidsboka har ingen «Innsendt»-dato; en historisk "
        "rapport må oppgi datoen den ble sendt inn, for den er kvitteringen; ingenting er lagret",
    )
    with Session(fresh_db) as session:
        assert session.exec(select(func.count()).select_from(Upload)).one() == 0
        assert session.exec(select(func.count()).select_from(Receipt)).one() == 0


def test_only_an_admin_loads_historical_reports(fresh_db):
    from ia_data.domain.access import secretariat

    with Session(fresh_db) as session:
        from ia_data.storage.models import Council

        troms = session.exec(select(Council.id).where(Council.name == "IA-rådet i Troms")).one()
    scope = secretariat({troms: "IA-rådet i Troms"})
    result = import_file(fresh_db, "h.xlsx", report_xlsx(), scope=scope, historical=True)
    assert result.message == (
        "h.xlsx: ikke lagret – Ingen tilgang: bare en administrator kan laste inn historiske "
        "rapporter; ingenting er lagret"
    )
    assert result.status == "avvist"
    with Session(fresh_db) as session:  # a refused file stores nothing
        assert session.exec(select(func.count()).select_from(Upload)).one() == 0
        assert session.exec(select(func.count()).select_from(Receipt)).one() == 0


def test_ia_data_import_historisk(fresh_db, tmp_path, capsys):
    url = fresh_db.url.render_as_string(hide_password=False)
    without = tmp_path / "uten.xlsx"
    without.write_bytes(report_xlsx(submitted=None))
    assert main(["--db", url, "import", "--historisk", str(without)]) == 1
    assert (
        "uten.xlsx: ikke lagret – arbeidsboka har ingen «Innsendt»-dato" in capsys.readouterr().out
    )
    given = tmp_path / "med.xlsx"
    given.write_bytes(report_xlsx(submitted=date(2012, 8, 30)))
    assert main(["--db", url, "import", "--historisk", str(given)]) == 0
    assert troms_h1(fresh_db).status.text == "Levert i tide"


# --- a database of the previous release --------------------------------------------------------


def _figures(engine) -> list[tuple]:
    with Session(engine) as session:
        rows = overview(session, 2015, date(2016, 6, 1), RULES, scope=OPERATOR)
        return [
            (r.council.name, r.spent_ore, r.activities, r.goals, r.meetings,
             [(p.status.text, p.submitted) for p in r.periods])
            for r in rows
        ]  # fmt: skip


IN_2015 = {"activities": [activity(date(2015, 3, 1))], "meetings": [meeting(date(2015, 4, 1))]}


def test_0008_keeps_every_figure_and_status_and_approves_before_review(sample_db):
    """A database of 0007 (reports stored before receipts existed, judged by their given
    date), upgraded: every stored row and figure is what it was, each status is what the
    previous release showed (by the «Innsendt» given, or the upload date where none was),
    every report is received on that date, «oppgitt», and approved before the route
    existed; a new version reopens it and keeps the receipt."""
    names = ["rapport_2015_Ar_ia-radet-i-troms.xlsx", "rapport_2015_Ar_ia-radet-i-vestfold.xlsx"]
    for name in names:
        data = (SAMPLE_DIR / name).read_bytes()
        at = datetime(2026, 1, 1, tzinfo=UTC)
        assert import_file(sample_db, name, data, scope=OPERATOR, now=at).status == "lagret"
    no_date = report_xlsx(council="IA-rådet i Nordland", period="2015", submitted=None, **IN_2015)
    at = datetime(2016, 2, 10, 9, 0, tzinfo=UTC)
    assert import_file(sample_db, "n.xlsx", no_date, scope=OPERATOR, now=at).status == "lagret"
    money_and_counts = [row[:5] for row in _figures(sample_db)]
    downgrade(sample_db, "0007")
    assert "receipt" not in inspect(sample_db).get_table_names()
    with sample_db.connect() as connection:
        before = connection.execute(text("SELECT * FROM report ORDER BY id")).all()
    assert schema.upgrade(sample_db) == schema.head()
    with sample_db.connect() as connection:
        assert connection.execute(text("SELECT * FROM report ORDER BY id")).all() == before
    after = _figures(sample_db)
    assert [row[:5] for row in after] == money_and_counts
    statuses = {row[0]: row[5] for row in after}
    assert statuses["IA-rådet i Troms"] == [("Levert i tide", date(2016, 2, 1))]
    assert statuses["IA-rådet i Vestfold"] == [("Levert for sent (+21 dager)", date(2016, 3, 22))]
    assert statuses["IA-rådet i Nordland"] == [("Levert i tide", date(2016, 2, 10))]
    with Session(sample_db) as session:
        states = review_states(session, scope=OPERATOR)
    assert [(s.council, s.state, s.legacy, s.receipt_given, s.approved_upload_id == s.upload_id)
            for s in states] == [
        ("IA-rådet i Nordland", "Godkjent", True, True, True),
        ("IA-rådet i Troms", "Godkjent", True, True, True),
        ("IA-rådet i Vestfold", "Godkjent", True, True, True),
    ]  # fmt: skip
    newer = report_xlsx(
        council="IA-rådet i Troms",
        period="2015",
        contact="ny",
        submitted=date(2016, 3, 15),
        **IN_2015,
    )
    at = datetime(2026, 12, 6, tzinfo=UTC)
    assert import_file(sample_db, "t.xlsx", newer, scope=OPERATOR, now=at).status == "lagret"
    with Session(sample_db) as session:
        troms = next(s for s in review_states(session, scope=OPERATOR) if "Troms" in s.council)
    assert (troms.state, troms.receipt_given) == ("Endret etter godkjenning", True)
    assert {row[0]: row[5] for row in _figures(sample_db)}["IA-rådet i Troms"] == [
        ("Levert i tide", date(2016, 2, 1))
    ]


def test_the_upload_says_its_receipt_and_state(fresh_db):
    """What the upload's confirmation shows: the receipt (kept by a correction) and the
    state the report is in now."""
    at = datetime(2012, 8, 25, 10, 0, tzinfo=UTC)
    first = store(fresh_db, at)
    assert (first.received_at, first.receipt_given, first.review_state) == (at, False, "Mottatt")
    again = store(fresh_db, datetime(2012, 9, 20, tzinfo=UTC), version=2)
    assert (again.received_at, again.review_state) == (at, "Mottatt")
