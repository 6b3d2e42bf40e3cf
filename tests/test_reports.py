"""The queries behind Frister, Økonomi, Aktiviteter and Råd, on the sample data: the
known situations come out right, the counting rules hold, and every figure agrees with
the overview (the one source the oversight group already trusts)."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from sqlmodel import Session

from ia_data.demo import SAMPLE_DIR
from ia_data.demo.sample import SITUATIONS
from ia_data.domain.access import OPERATOR
from ia_data.domain.rules import Status
from ia_data.reporting.activities import (
    activity_breakdown,
    activity_list,
    activity_types,
    meeting_list,
    spend_by_type,
)
from ia_data.reporting.council import council_history
from ia_data.reporting.deadlines import data_years, deadlines, falling_due, missing_reports
from ia_data.reporting.money import allocation_history, money
from ia_data.reporting.overview import overview
from ia_data.storage import db
from ia_data.storage.register import councils
from ia_data.storage.store import import_file, restore_upload

FINAL = date(2030, 1, 1)  # every due date has passed: statuses are final


@pytest.fixture(scope="module")
def session(seeded_url):
    with Session(db.get_engine(seeded_url)) as session:
        yield session


@pytest.fixture(scope="module")
def ids(session) -> dict[str, int]:
    return {c.name: c.id for c in councils(session)}


def allocation_workbook(rows: list[tuple], sheet: str = "Tildelinger") -> bytes:
    """An allocation decision as the oversight group sends it: a title, then the table."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(["Tildeling av midler til IA-rådene"])
    ws.append([])
    ws.append(["IA-råd", "År", "Beløp", "Vedtaksdato", "Merknad"])
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- deadlines -------------------------------------------------------------------------


def test_years_span_the_data(session, rules):
    assert data_years(session, rules, scope=OPERATOR) == [2012, 2013, 2014, 2015, 2016]


def test_every_council_and_period_follows_the_year_rules(session, rules):
    rows = deadlines(session, rules, FINAL, scope=OPERATOR)
    assert len(rows) == 18 * (2 * 3 + 2)  # half-yearly 2012–2014, yearly 2015–2016
    codes = {(r.period.year, r.period.code) for r in rows}
    assert {code for year, code in codes if year <= 2014} == {"H1", "H2"}
    assert {code for year, code in codes if year >= 2015} == {"År"}
    assert all(r.period.due_is_assumption == (r.period.year != 2012) for r in rows)


@pytest.mark.parametrize("case", SITUATIONS["late"], ids=lambda c: f"{c['council']} {c['year']}")
def test_late_reports_show_their_days(session, rules, case):
    rows = deadlines(session, rules, FINAL, years=[case["year"]], scope=OPERATOR)
    (row,) = [
        r for r in rows if r.council.name == case["council"] and r.period.code == case["period"]
    ]
    unit = "dag" if case["days_late"] == 1 else "dager"
    assert row.status.text == f"Levert for sent (+{case['days_late']} {unit})"
    assert (row.period.due, row.submitted, row.days_overdue) == (
        case["due"],
        case["submitted"],
        case["days_late"],
    )
    assert row.upload_id is not None


def test_missing_reports_are_exactly_the_known_ones(session, rules):
    missing = missing_reports(deadlines(session, rules, FINAL, scope=OPERATOR))
    expected = {(c["council"], c["year"], c["period"]) for c in SITUATIONS["missing"]}
    assert {(r.council.name, r.period.year, r.period.code) for r in missing} == expected
    assert [r.period.due for r in missing] == sorted(r.period.due for r in missing)
    assert missing[0].days_overdue == (FINAL - missing[0].period.due).days


def test_a_report_sent_after_the_as_of_date_counts_as_not_sent(session, rules, ids):
    # Troms sent its 2012 H1 report on 14 Sep 2012 (due 1 Sep).
    def troms(as_of):
        rows = deadlines(session, rules, as_of, [2012], [ids["IA-rådet i Troms"]], scope=OPERATOR)
        return rows[0]

    assert troms(date(2012, 8, 15)).status.status is Status.DUE_SOON
    before = troms(date(2012, 9, 10))
    assert (before.status.status, before.submitted, before.upload_id) == (
        Status.MISSING,
        None,
        None,
    )
    assert before.days_overdue == 9
    assert troms(date(2012, 9, 14)).status.text == "Levert for sent (+13 dager)"


def test_falling_due_lists_the_coming_deadlines(session, rules):
    as_of = date(2016, 2, 15)
    rows = deadlines(session, rules, as_of, scope=OPERATOR)
    due = falling_due(rows, as_of, rules.due_soon_days)
    assert {(r.period.year, r.period.code) for r in due} == {(2015, "År")}
    assert len(due) == 18
    soon = [r for r in due if r.status.status is Status.DUE_SOON]
    assert {r.status.status for r in due} == {Status.DUE_SOON, Status.ON_TIME}
    assert all(r.submitted is None for r in soon)
    assert falling_due(rows, date(2016, 6, 1), 30) == []


# --- money -----------------------------------------------------------------------------


def test_money_agrees_with_the_overview_every_year(session, rules):
    rows = money(session, rules, scope=OPERATOR)
    for year in data_years(session, rules, scope=OPERATOR):
        expected = {
            r.council.id: (r.allocated_ore, r.allocation_source, r.spent_ore, r.activities)
            for r in overview(session, year, FINAL, rules, scope=OPERATOR)
        }
        got = {
            r.council.id: (r.allocated_ore, r.allocation_source, r.spent_ore, r.activities)
            for r in rows
            if r.year == year
        }
        assert got == expected, year


def test_the_shared_agder_council_gets_600_000_by_rule(session, rules, ids):
    agder = money(session, rules, [2014, 2015, 2016], [ids["IA-rådet i Agder"]], scope=OPERATOR)
    assert [(r.year, r.allocated_ore // 100, r.allocation_source) for r in agder] == [
        (2014, 580_000, "vedtak"),
        (2015, 600_000, "regel"),
        (2016, 600_000, "regel"),
    ]
    troms = money(session, rules, [2015], [ids["IA-rådet i Troms"]], scope=OPERATOR)
    assert troms[0].allocated_ore == 400_000_00


def test_decisions_come_from_the_allocation_workbook(session, rules):
    book = openpyxl.load_workbook(SAMPLE_DIR / "tildelinger_2012-2014.xlsx")
    decided = {
        (row[0], row[1]): row[2]
        for row in book["Tildelinger"].iter_rows(min_row=4, values_only=True)
        if row[0]
    }
    rows = money(session, rules, [2012, 2013, 2014], scope=OPERATOR)
    assert {(r.council.name, r.year): r.allocated_ore / 100 for r in rows} == decided
    assert {r.allocation_source for r in rows} == {"vedtak"}
    assert all(r.decision_date is not None and r.allocation_upload_id for r in rows)
    assert sum(r.allocated_ore for r in rows if r.year == 2012) == 10_000_000_00


def test_overspending_is_flagged(session, rules):
    (case,) = SITUATIONS["overspent"]
    rows = [r for r in money(session, rules, [case["year"]], scope=OPERATOR) if r.overspent]
    assert [(r.council.name, r.spent_ore // 100, r.remaining_ore // 100) for r in rows] == [
        (case["council"], case["spent"], case["allocated"] - case["spent"])
    ]
    assert rows[0].share_used == pytest.approx(437_250 / 400_000)


def test_spend_by_type_adds_up_to_spent(session, rules):
    spend = spend_by_type(session, 2013, scope=OPERATOR)
    spent = {r.council.id: r.spent_ore for r in money(session, rules, [2013], scope=OPERATOR)}
    totals: dict[int, int] = {}
    for s in spend:
        totals[s.council_id] = totals.get(s.council_id, 0) + s.spent_ore
    assert totals == {k: v for k, v in spent.items() if v}
    assert activity_types({"Annet", "Kurs", "Konferanse", "Egen"}) == [
        "Konferanse",
        "Kurs",
        "Annet",
        "Egen",
    ]


def test_an_uploaded_allocation_overrides_the_rule_and_keeps_history(sample_db, rules):
    data = allocation_workbook([("Agder", 2015, "650 000 kr", date(2015, 2, 1), "Ekstra")])
    first = import_file(sample_db, "tildeling-2015.xlsx", data, scope=OPERATOR)
    assert (first.status, first.parsed.kind) == ("lagret", "tildeling")
    with Session(sample_db) as session:
        agder = next(c.id for c in councils(session) if c.name == "IA-rådet i Agder")
        (row,) = money(session, rules, [2015], [agder], scope=OPERATOR)
        assert (row.allocated_ore, row.allocation_source, row.note) == (
            650_000_00,
            "vedtak",
            "Ekstra",
        )
        assert row.decision_date == date(2015, 2, 1)
        assert row.upload_ids == [first.upload_id]
        assert (
            overview(session, 2015, FINAL, rules, [agder], scope=OPERATOR)[0].allocated_ore
            == 650_000_00
        )
    second = import_file(
        sample_db,
        "tildeling-2015-rettet.xlsx",
        allocation_workbook([("09", 2015, 620000)]),
        scope=OPERATOR,
    )
    assert second.status == "lagret"
    with Session(sample_db) as session:
        history = allocation_history(session, [2015], scope=OPERATOR)
        assert [(v.upload_id, v.amount_ore, v.active) for v in history] == [
            (second.upload_id, 620_000_00, True),
            (first.upload_id, 650_000_00, False),
        ]
        assert money(session, rules, [2015], [agder], scope=OPERATOR)[0].allocated_ore == 620_000_00
    restore_upload(sample_db, first.upload_id, scope=OPERATOR)
    with Session(sample_db) as session:
        assert money(session, rules, [2015], [agder], scope=OPERATOR)[0].allocated_ore == 650_000_00
        # Councils without a decision still get the rule's amount.
        others = [r for r in money(session, rules, [2015], scope=OPERATOR) if r.council.id != agder]
        assert {(r.allocated_ore, r.allocation_source) for r in others} == {(400_000_00, "regel")}


def test_a_bad_allocation_workbook_stores_nothing(sample_db, rules):
    data = allocation_workbook([("Agder", 2015, "mange"), ("Atlantis", 2015, 1000)])
    result = import_file(sample_db, "tildeling.xlsx", data, scope=OPERATOR)
    assert result.status == "avvist"
    assert len(result.errors) == 2
    with Session(sample_db) as session:
        assert allocation_history(session, scope=OPERATOR) == []


# --- activities ------------------------------------------------------------------------


def test_breakdowns_agree_with_the_overview(session, rules):
    rows = overview(session, 2015, FINAL, rules, scope=OPERATOR)
    activities = sum(r.activities for r in rows)
    spent = sum(r.spent_ore for r in rows)
    for by in ("type", "sector"):
        groups = activity_breakdown(session, 2015, by, scope=OPERATOR)
        assert sum(g.activities for g in groups) == activities, by
        assert sum(g.spent_ore for g in groups) == spent, by
        for k in (1, 2, 3):
            assert sum(g.goals[k] for g in groups) == sum(r.goals[k] for r in rows), (by, k)
    goals = activity_breakdown(session, 2015, "goal", scope=OPERATOR)
    assert [g.key for g in goals] == ["Delmål 1", "Delmål 2", "Delmål 3"]
    assert [g.activities for g in goals] == [sum(r.goals[k] for r in rows) for k in (1, 2, 3)]
    assert [g.goals[k] for k, g in zip((1, 2, 3), goals, strict=True)] == [
        g.activities for g in goals
    ]


def test_one_activity_on_two_sub_goals_counts_once_in_each(session):
    rows, _ = activity_list(session, 2015, scope=OPERATOR)
    counted = [a for a in rows if a.status != "Avlyst"]
    both = [a for a in counted if {1, 2} <= set(a.goals)]
    assert both, "the sample has activities tagged with two sub-goals"
    goals = activity_breakdown(session, 2015, "goal", scope=OPERATOR)
    assert (
        goals[0].goals[2] == goals[1].goals[1] == sum(1 for a in counted if {1, 2} <= set(a.goals))
    )
    assert goals[0].activities == sum(1 for a in counted if 1 in a.goals)


def test_a_sub_goal_gap_shows(session, ids):
    (case,) = SITUATIONS["sub_goal_gap"]
    groups = activity_breakdown(
        session, case["year"], "goal", [ids[case["council"]]], scope=OPERATOR
    )
    assert groups[case["sub_goal"] - 1].activities == 0
    assert groups[case["sub_goal"] - 1].councils == 0


def test_activity_list_carries_its_upload(session, ids):
    rows, total = activity_list(session, 2015, [ids["IA-rådet i Troms"]], scope=OPERATOR)
    assert total == len(rows) > 0
    assert {(a.council, a.year, a.period) for a in rows} == {("IA-rådet i Troms", 2015, "År")}
    assert {a.file_name for a in rows} == {"rapport_2015_Ar_ia-radet-i-troms.xlsx"}
    assert len({a.upload_id for a in rows}) == 1
    assert [a.date for a in rows] == sorted(a.date for a in rows)
    assert min(a.source_row for a in rows) == 4


def test_activity_list_filters_and_limit(session, rules):
    everything, total = activity_list(session, 2015, scope=OPERATOR)
    assert total == len(everything) == 310
    first, again = activity_list(session, 2015, limit=10, scope=OPERATOR)
    assert (len(first), again) == (10, 310)
    assert first == everything[:10]
    # The newest ten (by date, then as stored), listed in the list's own order.
    newest, again = activity_list(session, 2015, limit=10, newest=True, scope=OPERATOR)
    assert (len(newest), again) == (10, 310)
    latest = sorted(everything, key=lambda a: (a.date, a.id))[-10:]
    assert newest == [a for a in everything if a in latest]
    assert min(a.date for a in newest) >= max(a.date for a in everything if a not in latest)
    # Register order: Østfold first, Finnmark last.
    assert everything[0].council == "IA-rådet i Østfold"
    assert everything[-1].council == "IA-rådet i Finnmark"
    kurs, _ = activity_list(session, 2015, types=["Kurs"], goal=3, scope=OPERATOR)
    assert kurs and all(a.type == "Kurs" and 3 in a.goals for a in kurs)
    cancelled, _ = activity_list(session, 2015, statuses=["Avlyst"], scope=OPERATOR)
    assert cancelled and {a.status for a in cancelled} == {"Avlyst"}


@pytest.mark.parametrize("term", ["seniorseminar", "SENIORSEMINAR", "Seniorseminar"])
def test_search_ignores_case(session, term):
    rows, total = activity_list(session, 2015, search=term, scope=OPERATOR)
    assert total > 0
    assert all("seniorseminar" in a.title.lower() for a in rows)


def test_search_folds_norwegian_letters_and_needs_every_word(session):
    lower, _ = activity_list(session, 2015, search="østfold", scope=OPERATOR)
    upper, _ = activity_list(session, 2015, search="Østfold", scope=OPERATOR)
    assert lower == upper and lower
    both, _ = activity_list(session, 2015, search="nettverk senior", scope=OPERATOR)
    assert both and all("nettverk" in a.title.lower() and "senior" in a.title.lower() for a in both)
    assert activity_list(session, 2015, search="%", scope=OPERATOR)[1] == 0  # no wildcard
    assert activity_list(session, 2015, search="finnes-ikke", scope=OPERATOR)[1] == 0


def test_meetings_outside_the_expected_range(session, ids):
    for case in SITUATIONS["meetings_outside"]:
        meetings = meeting_list(session, case["year"], [ids[case["council"]]], scope=OPERATOR)
        assert len(meetings) == case["meetings"]


# --- one council -----------------------------------------------------------------------


def test_council_history(session, rules, ids):
    history = council_history(session, rules, ids["IA-rådet i Agder"], FINAL, scope=OPERATOR)
    assert history.council.county_names == "Aust-Agder, Vest-Agder"
    assert [y.money.year for y in history.years] == [2012, 2013, 2014, 2015, 2016]
    assert [p.period.label for p in history.periods] == [
        "2012 H1", "2012 H2", "2013 H1", "2013 H2", "2014 H1", "2014 H2", "2015 År", "2016 År",
    ]  # fmt: skip
    assert all(p.stored and p.chair and p.file_name for p in history.periods)
    assert all(any(p.answers) for p in history.periods)
    by_year = {y.money.year: y for y in history.years}
    assert (by_year[2015].money.allocated_ore, by_year[2015].money.allocation_source) == (
        600_000_00,
        "regel",
    )
    row = overview(session, 2015, FINAL, rules, [ids["IA-rådet i Agder"]], scope=OPERATOR)[0]
    assert (by_year[2015].goals, by_year[2015].meetings) == (row.goals, row.meetings)
    periods = {p.period.label: p for p in history.periods}
    assert periods["2015 År"].activities == row.activities
    assert periods["2015 År"].spent_ore == row.spent_ore


def test_council_history_shows_gaps(session, rules, ids):
    oslo = council_history(session, rules, ids["IA-rådet i Oslo"], FINAL, scope=OPERATOR)
    last = oslo.periods[-1]
    assert (last.period.label, last.stored, last.status.status) == (
        "2016 År",
        False,
        Status.MISSING,
    )
    assert last.answers == [""] * 5
    hedmark = council_history(session, rules, ids["IA-rådet i Hedmark"], FINAL, scope=OPERATOR)
    assert {y.money.year: y.missing_goals for y in hedmark.years}[2014] == [3]
    assert council_history(session, rules, 999, FINAL, scope=OPERATOR) is None


def test_the_command_line_imports_an_allocation_workbook(sample_db, rules, tmp_path, capsys):
    from ia_data.cli import main

    path = tmp_path / "tildelinger-2016.xlsx"
    path.write_bytes(allocation_workbook([("Troms", 2016, "kr 450.000")], sheet="Tildeling"))
    assert main(["--db", str(sample_db.url), "import", str(path)]) == 0
    assert "lagret som opplasting nr. 1: 1 tildelinger for 2016" in capsys.readouterr().out
    with Session(sample_db) as session:
        troms = next(c.id for c in councils(session) if c.name == "IA-rådet i Troms")
        (row,) = money(session, rules, [2016], [troms], scope=OPERATOR)
        assert (row.allocated_ore, row.allocation_source) == (450_000_00, "vedtak")
