"""What the route changes in the figures (issue 23, points 5, 6 and 8), on both engines:
«Bare godkjente rapporter» counts the last approved version of each report even while a
newer one waits; the compiled report counts approved versions and names the councils whose
report is waiting or sent back; a forwarded compiled report is kept byte for byte, whatever
is approved after; and ``ia-data review`` does the same with the same words."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest
from sqlmodel import Session
from workbooks import about_sheet, activity, report_xlsx, sheet_rows

from ia_data.cli import main
from ia_data.domain.access import COORDINATION, OPERATOR, OVERSIGHT, Actor, secretariat
from ia_data.domain.errors import UserError
from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules
from ia_data.output.compiled import compiled_report
from ia_data.output.exports import (
    overview_export,
    review_history_export,
    review_states_export,
)
from ia_data.output.forward import forward_period, forwarded_file, forwarded_reports
from ia_data.reporting.activities import activity_list
from ia_data.reporting.council import council_history
from ia_data.reporting.deadlines import deadlines
from ia_data.reporting.money import money
from ia_data.reporting.overview import overview
from ia_data.reporting.review import review_changes
from ia_data.storage.review import approve, send_back
from ia_data.storage.store import import_file

RULES = load_rules(DEFAULT_RULES_FILE)
T0 = datetime(2012, 8, 25, 10, 0, tzinfo=UTC)
AS_OF = date(2012, 8, 30)
KOORD = Actor("Kari Koordinator", "kari@nav.no")


def store(engine, cost: int, at: datetime = T0, council: str = "IA-rådet i Troms") -> int:
    data = report_xlsx(council=council, activities=[activity(cost=cost)], contact=str(cost))
    result = import_file(engine, f"{council}-{cost}.xlsx", data, scope=OPERATOR, now=at)
    assert result.status == "lagret", result.message
    return result.upload_id


def spent(engine, approved_only: bool) -> int:
    with Session(engine) as session:
        rows = overview(session, 2012, AS_OF, RULES, scope=OPERATOR, approved_only=approved_only)
    return next(r.spent_ore for r in rows if r.council.name == "IA-rådet i Troms")


def summary_fact(data: bytes, label: str):
    """A fact of the compiled report's summary sheet (column B beside ``label``)."""
    return next((r[1], r[2]) for r in sheet_rows(data, "Sammendrag") if r[0] == label)


@pytest.fixture
def approved_then_changed(fresh_db):
    """Troms 2012 H1: 10 000 kr approved, then a version of 25 000 kr waiting."""
    first = store(fresh_db, 10_000)
    approve(fresh_db, first, scope=COORDINATION, by=KOORD)
    second = store(fresh_db, 25_000, T0 + timedelta(days=1))
    return fresh_db, first, second


def test_approved_only_counts_the_last_approved_version(approved_then_changed):
    engine, first, second = approved_then_changed
    assert (spent(engine, False), spent(engine, True)) == (25_000_00, 10_000_00)
    with Session(engine) as session:
        rows = deadlines(session, RULES, AS_OF, [2012], scope=OPERATOR, approved_only=True)
        troms = next(
            r for r in rows if r.council.name == "IA-rådet i Troms" and r.period.code == "H1"
        )
        assert (troms.upload_id, troms.review_state) == (first, "Endret etter godkjenning")
        listed, _ = activity_list(session, 2012, scope=OPERATOR, approved_only=True)
        assert [a.cost_ore for a in listed] == [10_000_00]
        (year,) = money(session, RULES, [2012], [troms.council.id], scope=OPERATOR,
                        approved_only=True)  # fmt: skip
        assert (year.spent_ore, year.upload_ids) == (10_000_00, [first])
        history = council_history(session, RULES, troms.council.id, AS_OF, scope=OPERATOR,
                                  approved_only=True)  # fmt: skip
        assert history.periods[0].report_upload_id == first
    approve(engine, second, scope=OPERATOR, by=KOORD)
    assert spent(engine, True) == 25_000_00


def test_a_report_never_approved_is_not_counted_when_only_approved_count(fresh_db):
    store(fresh_db, 10_000)
    assert (spent(fresh_db, False), spent(fresh_db, True)) == (10_000_00, 0)
    with Session(fresh_db) as session:
        rows = overview(session, 2012, AS_OF, RULES, scope=OPERATOR, approved_only=True)
    assert not next(r for r in rows if r.council.name == "IA-rådet i Troms").reported


def test_the_overview_export_says_only_approved_count(approved_then_changed):
    engine = approved_then_changed[0]
    with Session(engine) as session:
        data = overview_export(session, 2012, AS_OF, RULES, "xlsx", scope=OPERATOR,
                               approved_only=True)  # fmt: skip
    about = about_sheet(data)
    assert about["Kilde"].startswith("IA-rådsoversikt: bare godkjente rapporter")
    assert "Mottatt" not in about  # every receipt here was stamped by the app


def test_the_compiled_report_counts_approved_versions_and_names_the_route(approved_then_changed):
    engine = approved_then_changed[0]
    returned = store(engine, 5_000, council="IA-rådet i Nordland")
    send_back(engine, returned, "Mangler møter", scope=COORDINATION, by=KOORD)
    with Session(engine) as session:
        data = compiled_report(session, RULES, 2012, AS_OF, scope=OPERATOR, period="H1")
        every = compiled_report(session, RULES, 2012, AS_OF, scope=OPERATOR, period="H1",
                                approved_only=False)  # fmt: skip
    assert summary_fact(data, "Brukt")[0] == 10_000
    assert summary_fact(every, "Brukt")[0] == 30_000
    assert summary_fact(data, "Rapporter som venter på gjennomgang") == (1, "Troms")
    assert summary_fact(data, "Rapporter sendt tilbake for retting") == (1, "Nordland")
    assert summary_fact(data, "Rapporter som mangler") == (0, None)
    with Session(engine) as session:
        late = compiled_report(session, RULES, 2012, date(2012, 9, 2), scope=OPERATOR,
                               period="H1")  # fmt: skip
    count, names = summary_fact(late, "Rapporter som mangler")
    assert count == 17 and "Finnmark" in names and "Troms" not in names


# --- forwarding ----------------------------------------------------------------------------


def test_a_forwarded_report_is_kept_as_it_was_sent(approved_then_changed):
    engine, _, second = approved_then_changed
    at = T0 + timedelta(days=2)
    sent = forward_period(engine, 2012, "H1", scope=COORDINATION, by=KOORD, rules=RULES,
                          as_of=AS_OF, now=at)  # fmt: skip
    assert (sent.label, sent.file_name, sent.by, sent.forwarded_at) == (
        "2012 H1",
        "samlet-rapport-2012-H1.xlsx",
        "Kari Koordinator (kari@nav.no)",
        at,
    )
    approve(engine, second, scope=COORDINATION, by=KOORD)
    with Session(engine) as session:
        name, data = forwarded_file(session, sent.id, scope=OVERSIGHT)
        now = compiled_report(session, RULES, 2012, AS_OF, scope=OPERATOR, period="H1")
        listed = forwarded_reports(session, scope=OVERSIGHT)
    assert name == "samlet-rapport-2012-H1.xlsx"
    assert hashlib.sha256(data).hexdigest() == sent.sha256
    assert summary_fact(data, "Brukt")[0] == 10_000  # as forwarded
    assert summary_fact(now, "Brukt")[0] == 25_000  # as it is now
    assert [(r.id, r.size) for r in listed] == [(sent.id, len(data))]


def test_who_forwards_and_who_reads_what_was_forwarded(fresh_db):
    troms = secretariat({1: "IA-rådet i Østfold"})
    said = (
        "Ingen tilgang: rollen «{}» kan se hvor rapportene står, men ikke godkjenne, sende "
        "tilbake eller videresende; det gjør Koordineringsenheten"
    )
    for scope, role in ((troms, "Sekretariat"), (OVERSIGHT, "Oversiktsgruppen")):
        with pytest.raises(UserError) as refused:
            forward_period(fresh_db, 2012, scope=scope, by=KOORD, rules=RULES)
        assert str(refused.value) == said.format(role)
    with pytest.raises(UserError) as refused:
        forward_period(fresh_db, 2012, "År", scope=COORDINATION, by=KOORD, rules=RULES)
    assert str(refused.value) == (
        "2012 har ingen rapportperiode «År» (bare H1, H2); ingenting er sendt"
    )
    with Session(fresh_db) as session:
        assert forwarded_reports(session, scope=OPERATOR) == []
    sent = forward_period(fresh_db, 2012, scope=OPERATOR, by=KOORD, rules=RULES)
    with Session(fresh_db) as session:
        assert [r.id for r in forwarded_reports(session, scope=COORDINATION)] == [sent.id]
        assert forwarded_reports(session, scope=troms) == []  # a secretariat sees none
        assert forwarded_file(session, sent.id, scope=troms) is None
        assert forwarded_file(session, sent.id + 1, scope=OPERATOR) is None


# --- ia-data review -------------------------------------------------------------------------


def test_ia_data_review(fresh_db, tmp_path, capsys):
    url = fresh_db.url.render_as_string(hide_password=False)
    first = store(fresh_db, 10_000)
    assert main(["--db", url, "review", "list"]) == 0
    assert capsys.readouterr().out == (
        f"{first:>5}  IA-rådet i Troms              2012 H1   Mottatt  (siden 25.08.2012 12:00)\n"
    )
    assert main(["--db", url, "review", "return", str(first), "--reason", "Rad 2 er feil",
                 "--points-to", "Aktiviteter, rad 2", "--by", "Kari"]) == 0  # fmt: skip
    assert capsys.readouterr().out == (
        f"Opplasting nr. {first} (IA-rådet i Troms, 2012 H1) er sendt tilbake: Rad 2 er feil\n"
    )
    assert main(["--db", url, "review", "list", "--state", "Trenger retting"]) == 0
    line = capsys.readouterr().out
    assert line.startswith(f"{first:>5}  IA-rådet i Troms")
    assert line.endswith(": Rad 2 er feil [Aktiviteter, rad 2]\n")
    assert main(["--db", url, "review", "approve", str(first), "--by", "Kari"]) == 1
    assert capsys.readouterr().err.startswith(
        f"Feil: Rapporten (IA-rådet i Troms, 2012 H1, opplasting nr. {first}) er sendt tilbake "
        "(av Kari"
    )
    second = store(fresh_db, 20_000, T0 + timedelta(days=1))
    assert main(["--db", url, "review", "approve", str(first), "--by", "Kari"]) == 1
    assert capsys.readouterr().err == (
        f"Feil: En nyere versjon (opplasting nr. {second}) kom inn etter opplasting nr. {first} "
        "(IA-rådet i Troms, 2012 H1); se på den før du godkjenner noe; ingenting er endret\n"
    )
    assert main(["--db", url, "review", "approve", str(second), "--by", "Kari"]) == 0
    assert capsys.readouterr().out == (
        f"Opplasting nr. {second} (IA-rådet i Troms, 2012 H1) er godkjent\n"
    )
    assert main(["--db", url, "review", "return", str(second)]) == 2
    assert capsys.readouterr().err == (
        "ia-data: feil: return krever --reason (hvorfor rapporten sendes tilbake)\n"
    )
    assert main(["--db", url, "review", "forward", "--year", "2012", "--period", "H1",
                 "--by", "Kari"]) == 0  # fmt: skip
    said = capsys.readouterr().out
    assert said.startswith("Samlet rapport 2012 H1 er sendt til oppfølgingsgruppen som nr. 1 ")
    out = tmp_path / "sendt.xlsx"
    assert main(["--db", url, "review", "forwarded", "--id", "1", "--out", str(out)]) == 0
    assert hashlib.sha256(out.read_bytes()).hexdigest() in said


# --- the demo ---------------------------------------------------------------------------------


def test_the_demo_shows_the_route_and_nothing_added(seeded_url):
    """The demo's reports are approved before the route existed, but for the newest year's
    few that show it: two waiting, one sent back with its reason, one corrected."""
    from ia_data.demo.seed import DRAFT_REASON, RETURNED_REASON, added_files
    from ia_data.reporting.review import review_history, review_states
    from ia_data.storage import db

    with Session(db.get_engine(seeded_url)) as session:
        states = review_states(session, scope=OPERATOR)
        route = [(s.council, s.year, s.state, s.reason) for s in states if not s.legacy]
        assert route == [
            ("IA-rådet i Hordaland", 2016, "Mottatt", ""),
            ("IA-rådet i Rogaland", 2016, "Mottatt", ""),
            ("IA-rådet i Telemark", 2016, "Trenger retting", RETURNED_REASON),
            ("IA-rådet i Troms", 2016, "Mottatt på nytt", ""),
        ]
        assert {s.state for s in states if s.legacy} == {"Godkjent"}
        assert all(s.receipt_given for s in states)
        troms = next(s for s in states if s.council == "IA-rådet i Troms" and s.year == 2016)
        steps = review_history(session, troms.council_id, scope=OPERATOR, year=2016)
        assert [(s.action, s.state_after, s.text) for s in steps] == [
            ("mottatt", "Mottatt", ""),
            ("mottatt", "Mottatt", ""),
            ("sendt tilbake", "Trenger retting", DRAFT_REASON),
            ("mottatt", "Mottatt på nytt", ""),
        ]
        assert added_files(session, scope=OPERATOR) == []


# --- what changed, and the exports of the route ---------------------------------------------


def test_review_changes_compare_the_waiting_version_with_the_one_judged(approved_then_changed):
    engine, first, _ = approved_then_changed
    with Session(engine) as session:
        troms = next(r for r in overview(session, 2012, AS_OF, RULES, scope=OPERATOR)
                     if r.council.name == "IA-rådet i Troms").council.id  # fmt: skip
        changes = review_changes(session, troms, 2012, "H1", scope=OPERATOR)
        assert changes.replaces_upload_id == first
        assert (changes.before["Kostnad (øre)"], changes.after["Kostnad (øre)"]) == (
            10_000_00,
            25_000_00,
        )
        assert [(c.kind, c.details) for c in changes.activities] == [
            ("endret", ["Kostnad: 10\u00a0000 kr → 25\u00a0000 kr"])
        ]
        with pytest.raises(UserError):
            review_changes(session, troms, 2012, "H1", scope=secretariat({999: "Annet råd"}))
    third = store(engine, 30_000, T0 + timedelta(days=2))
    with Session(engine) as session:  # still against the approved one, not the one between
        changes = review_changes(session, troms, 2012, "H1", scope=OPERATOR)
    assert (changes.replaces_upload_id, changes.after["Kostnad (øre)"]) == (first, 30_000_00)
    assert third
    assert [(c.kind, c.details) for c in changes.activities] == [
        ("endret", ["Kostnad: 10\u00a0000 kr → 30\u00a0000 kr"])
    ]


def test_a_first_version_has_nothing_to_compare_with(fresh_db):
    store(fresh_db, 10_000)
    with Session(fresh_db) as session:
        troms = next(r for r in overview(session, 2012, AS_OF, RULES, scope=OPERATOR)
                     if r.council.name == "IA-rådet i Troms").council.id  # fmt: skip
        assert review_changes(session, troms, 2012, "H1", scope=OPERATOR) is None
        assert review_changes(session, troms, 2012, "H2", scope=OPERATOR) is None


def test_the_route_exported(approved_then_changed):
    engine, _, second = approved_then_changed
    send_back(engine, second, "Rad 2; «=SUM(A1)»", scope=COORDINATION, by=KOORD)
    with Session(engine) as session:
        history = review_history_export(session, "csv", scope=OPERATOR, rules=RULES)
        states = review_states_export(session, "xlsx", 2012, scope=OVERSIGHT, rules=RULES)
    lines = list(csv.reader(io.StringIO(history.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == [
        "Tidspunkt", "IA-råd", "År", "Periode", "Opplasting nr.", "Hendelse", "Gjennomgang",
        "Begrunnelse / kommentar", "Gjelder (ark, rad, spørsmål)", "Av",
    ]  # fmt: skip
    assert [line[5] for line in lines[1:]] == ["mottatt", "godkjent", "mottatt", "sendt tilbake"]
    assert lines[-1][4:] == [
        str(second), "sendt tilbake", "Trenger retting", "Rad 2; «=SUM(A1)»", "",
        "Kari Koordinator (kari@nav.no)",
    ]  # fmt: skip
    book = openpyxl.load_workbook(io.BytesIO(states))
    rows = list(book["Gjennomgang"].iter_rows(values_only=True))
    assert rows[1][:5] == (second, "IA-rådet i Troms", 2012, "H1", "Trenger retting")
    assert rows[1][9] == "Rad 2; «=SUM(A1)»"
    assert book["Gjennomgang"].cell(row=2, column=10).data_type == "s"


def test_ia_data_review_history(approved_then_changed, capsys):
    engine, first, second = approved_then_changed
    url = engine.url.render_as_string(hide_password=False)
    assert main(["--db", url, "review", "history", "--year", "2012"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [str(first), str(first), str(second)]
    assert lines[1].endswith("godkjent → Godkjent  (Kari Koordinator (kari@nav.no))")
    assert lines[2].endswith("mottatt → Endret etter godkjenning")
