"""What needs attention (``reporting.deviations``) on the demo data, by hand: the councils
a person finds in each kind for 2012 H1, 2012 and 2015, and the compiled report's summary
naming exactly those (the Avvik page and Oversikt's tiles: ``test_page_avvik.py``); the
whole-year rule; the route's kinds and the configured wait; the warnings before an upload
is saved. On both engines."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session
from workbooks import sheet_rows

from ia_data.demo import SAMPLE_DIR
from ia_data.domain.access import OPERATOR, secretariat
from ia_data.domain.kinds import DeviationKind as K
from ia_data.domain.rules import DEFAULT_RULES_FILE, Rules
from ia_data.ingest.parse import parse_workbook
from ia_data.output.compiled import compiled_report
from ia_data.reporting.deviations import deviations, file_deviations, warning_text
from ia_data.storage import db
from ia_data.storage.register import councils

AS_OF = date(2016, 6, 1)

# Found by hand in the demo workbooks (ia_data/demo/sample.py lists the situations), as of
# 1 June 2016: every kind of every case, the councils by short name in register order.
EXPECTED = {
    (2012, "H1"): {
        K.LATE: ["Troms"],  # 14.09.2012, due 01.09.2012
        K.NO_ACTION_PLAN: ["Oslo", "Nord-Trøndelag", "Troms"],  # «Nei» in the first half
    },
    (2012, None): {
        K.MISSING: ["Telemark"],  # its second half never came
        K.LATE: ["Akershus", "Troms"],  # H2 7 days, H1 13 days
        K.NO_ACTION_PLAN: ["Oslo", "Nord-Trøndelag", "Troms"],  # the year holds its halves
    },
    (2015, None): {
        K.LATE: ["Vestfold"],  # 21 days
        K.OVERSPENT: ["Nordland"],  # 437 250 kr of 400 000 kr
        K.NO_ACTION_PLAN: ["Buskerud", "Vestfold", "Troms"],
        K.MEETINGS: ["Rogaland"],  # 5 meetings, 2–4 assumed
    },
}
CASES = list(EXPECTED)


def expected(year: int, period: str | None) -> dict[K, list[str]]:
    """Every kind, the empty ones too."""
    return {kind: EXPECTED[(year, period)].get(kind, []) for kind in K}


def _names(found) -> dict[K, list[str]]:
    return {kind: [c.short_name for c in found.councils(kind)] for kind in K}


@pytest.mark.parametrize("year, period", CASES)
def test_the_councils_in_each_kind(seeded_url, rules, year, period):
    with Session(db.get_engine(seeded_url)) as session:
        found = deviations(session, rules, year, AS_OF, scope=OPERATOR, period=period)
    assert _names(found) == expected(year, period)


def test_what_a_row_says(seeded_url, rules):
    with Session(db.get_engine(seeded_url)) as session:
        found = deviations(session, rules, 2015, AS_OF, scope=OPERATOR)
    (nordland,) = found.of(K.OVERSPENT)
    assert (nordland.label, nordland.amount_ore) == ("2015", 3_725_000)
    assert nordland.detail == (
        "brukt 437\xa0250 kr av 400\xa0000 kr tildelt (109 %), 37\xa0250 kr for mye"
    )
    (vestfold,) = found.of(K.LATE)
    assert (vestfold.days, vestfold.assumed) == (21, True)
    assert vestfold.detail == "mottatt 22.03.2016, 21 dager etter fristen 01.03.2016 (antatt frist)"
    (rogaland,) = found.of(K.MEETINGS)
    assert rogaland.detail == "5 møter i året, forventet 2–4 (antatt)"


@pytest.mark.parametrize("year, period", CASES)
def test_the_compiled_summary_names_the_same_councils(seeded_url, rules, year, period):
    with Session(db.get_engine(seeded_url)) as session:
        book = compiled_report(session, rules, year, AS_OF, scope=OPERATOR, period=period)
    summary = sheet_rows(book, "Sammendrag")
    facts = {r[0]: r[1:3] for r in summary[4:] if r[0]}
    want = expected(year, period)
    for label, kind in [
        ("Råd med overforbruk", K.OVERSPENT),
        ("Råd uten alle tre delmål", K.SUB_GOAL),
        ("Råd uten handlingsplan", K.NO_ACTION_PLAN),
    ]:
        assert facts[label] == (len(want[kind]), ", ".join(want[kind]) or None), label
    if period is None:  # meetings are judged per year
        meetings = next(k for k in facts if str(k).startswith("Møter utenfor 2–4"))
        assert facts[meetings][1] == (", ".join(want[K.MEETINGS]) or None)
    listed = [
        (r[0].removeprefix("IA-rådet i "), r[1]) for r in summary if r[1] in {str(k) for k in K}
    ]
    assert sorted(listed) == sorted((name, str(k)) for k, names in want.items() for name in names)


def test_a_year_holds_what_its_halves_lack(seeded_url, rules):
    """The whole-year rule: a council lacking a plan or a sub-goal in either half counts for
    the year (Hedmark 2014: nothing on sub-goal 3 in either half; Oslo 2012: a plan only in
    the second half)."""
    with Session(db.get_engine(seeded_url)) as session:
        for year in (2012, 2013, 2014):
            whole = deviations(session, rules, year, AS_OF, scope=OPERATOR)
            for kind in (K.NO_ACTION_PLAN, K.SUB_GOAL):
                halves = {
                    c.short_name
                    for code in ("H1", "H2")
                    for c in deviations(
                        session, rules, year, AS_OF, scope=OPERATOR, period=code
                    ).councils(kind)
                }
                assert {c.short_name for c in whole.councils(kind)} == halves, (year, kind)
        hedmark = deviations(session, rules, 2014, AS_OF, scope=OPERATOR).of(K.SUB_GOAL)
    assert [(d.council.short_name, d.label, d.detail) for d in hedmark] == [
        ("Hedmark", "2014 H1", "ingen aktivitet på delmål 3"),
        ("Hedmark", "2014 H2", "ingen aktivitet på delmål 3"),
    ]


def test_meetings_are_judged_once_the_year_is_over(seeded_url, rules):
    with Session(db.get_engine(seeded_url)) as session:
        during = deviations(session, rules, 2015, date(2015, 12, 31), scope=OPERATOR)
        after = deviations(session, rules, 2015, date(2016, 1, 1), scope=OPERATOR)
        first_half = deviations(session, rules, 2013, AS_OF, scope=OPERATOR, period="H1")
        second_half = deviations(session, rules, 2013, AS_OF, scope=OPERATOR, period="H2")
    assert (during.of(K.MEETINGS), [c.short_name for c in after.councils(K.MEETINGS)]) == (
        [],
        ["Rogaland"],
    )
    assert first_half.of(K.MEETINGS) == []
    assert [c.short_name for c in second_half.councils(K.MEETINGS)] == ["Buskerud"]  # 1


def test_the_route_and_the_configured_wait(seeded_url, rules, tmp_path):
    """2016 as of 1 April 2017: Telemark sent back on 10 March, Troms «Mottatt på nytt» for
    19 days; with ``review_wait_days = 19`` in the rules file, Troms has not waited longer."""
    text = DEFAULT_RULES_FILE.read_text(encoding="utf-8")
    own = tmp_path / "rules.toml"
    own.write_text(text.replace("review_wait_days = 14", "review_wait_days = 19"), "utf-8")
    patient = Rules.from_file(own)
    with Session(db.get_engine(seeded_url)) as session:
        found = deviations(session, rules, 2016, date(2017, 4, 1), scope=OPERATOR)
        later = deviations(session, patient, 2016, date(2017, 4, 1), scope=OPERATOR)
    (sent_back,) = found.of(K.SENT_BACK)
    (waiting,) = found.of(K.WAITING)
    assert (sent_back.council.short_name, sent_back.days) == ("Telemark", 22)
    assert sent_back.detail.startswith("sendt tilbake 10.03.2017: Svaret på spørsmål 3")
    assert (waiting.council.short_name, waiting.days) == ("Troms", 19)
    assert waiting.detail == "«Mottatt på nytt» i 19 dager (siden 13.03.2017; grensen er 14 dager)"
    assert (rules.review_wait_days, patient.review_wait_days) == (14, 19)
    assert later.of(K.WAITING) == []
    assert [c.short_name for c in found.councils(K.MISSING)] == ["Oslo"]


def test_a_secretariat_sees_its_own_councils_deviations(seeded_url, rules):
    with Session(db.get_engine(seeded_url)) as session:
        troms = next(c for c in councils(session) if c.short_name == "Troms")
        found = deviations(session, rules, 2015, AS_OF, scope=secretariat({troms.id: troms.name}))
    assert {d.council.short_name for d in found.items} == {"Troms"}
    assert [str(d.kind) for d in found.items] == ["Uten handlingsplan"]


@pytest.mark.parametrize(
    "name, warnings",
    [
        (
            "rapport_2015_Ar_ia-radet-i-nordland.xlsx",
            ["Brukt mer enn tildelt: brukt 437\xa0250 kr av 400\xa0000 kr tildelt (109 %), "
             "37\xa0250 kr for mye"],
        ),
        (
            "rapport_2015_Ar_ia-radet-i-rogaland.xlsx",
            ["Møter utenfor det forventede: 5 møter i året, forventet 2–4 (antatt)"],
        ),
        (
            "rapport_2012_H1_ia-radet-i-oslo.xlsx",
            ["Uten handlingsplan: rapporten svarer «Nei» på om rådet har en handlingsplan"],
        ),
        (
            "rapport_2014_H2_ia-radet-i-hedmark.xlsx",
            ["Delmål uten aktivitet: ingen aktivitet på delmål 3"],
        ),
        # The year so far (H1 stored, this H2): one meeting in 2013; judged with the last half.
        (
            "rapport_2013_H2_ia-radet-i-buskerud.xlsx",
            ["Møter utenfor det forventede: 1 møte i året, forventet 2–4 (antatt)"],
        ),
        ("rapport_2015_Ar_ia-radet-i-ostfold.xlsx", []),
    ],
)  # fmt: skip
def test_warnings_before_an_upload_is_saved(seeded_url, rules, name, warnings):
    """Last opp's warnings come from the same judgement as «Avvik»: the file's own period
    (plan, sub-goals), the year so far with the file (spending against the year's grant;
    meetings once the file completes the year)."""
    data = (SAMPLE_DIR / name).read_bytes()
    with Session(db.get_engine(seeded_url)) as session:
        parsed = parse_workbook(data, name, councils(session), rules)
        found = file_deviations(session, parsed, rules, scope=OPERATOR)
    assert [warning_text(d) for d in found] == warnings
