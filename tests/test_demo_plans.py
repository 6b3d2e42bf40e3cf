"""The demo's action plans (``ia_data.demo.plans``, issue 25): a plan for every council and
year of the demo but where the council's own report says «Nei» (the demo's «ingen plan»),
both halves of a half-yearly year tied to the year's one plan, a council with no report
still planned (and overdue), «Tema» only where the year has themes; and the script gives
the same bytes when it is run again. Read from the seeded demo (SQLite; the figures come
from functions ``test_plans.py`` checks on both engines)."""

# ruff: noqa: SIM300  (the expected value comes first, as in the importer's tests)

from __future__ import annotations

import shutil
from datetime import date

from sqlmodel import Session, select

from ia_data.demo import SAMPLE_DIR
from ia_data.demo.plans import make
from ia_data.domain.access import OPERATOR
from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules
from ia_data.reporting.overview import overview
from ia_data.reporting.plans import plan_progress
from ia_data.reporting.themes import theme_totals
from ia_data.storage import db
from ia_data.storage.models import Activity, Plan, Report
from ia_data.storage.register import councils

SAID_NO = {  # the reports that answer «Nei» to «Handlingsplan vedtatt», by hand
    ("Nord-Trøndelag", 2012), ("Oslo", 2012), ("Troms", 2012), ("Buskerud", 2013),
    ("Sogn og Fjordane", 2013), ("Buskerud", 2015), ("Troms", 2015), ("Vestfold", 2015),
    ("Nordland", 2016), ("Østfold", 2016), ("Sør-Trøndelag", 2016),
}  # fmt: skip
JOBBSTRATEGIEN = "Jobbstrategien for personer med nedsatt funksjonsevne"


def test_every_council_and_year_has_a_plan_but_where_its_report_says_no(seeded_sqlite_url):
    with Session(db.get_engine(seeded_sqlite_url)) as session:
        planned = set(session.exec(select(Plan.council_id, Plan.year).where(Plan.active)))
        said_no = set(
            session.exec(
                select(Report.council_id, Report.year).where(
                    Report.active,
                    Report.action_plan == False,  # noqa: E712
                )
            )
        )
        infos = councils(session)
    names = {c.id: c.short_name for c in infos}
    assert SAID_NO == {(names[i], year) for i, year in said_no}
    every = {(c.id, year) for year in range(2012, 2017) for c in infos if c.exists_in(year)}
    assert every - said_no == planned
    assert 79 == len(planned)


def test_a_council_without_a_report_has_its_plan_with_nothing_done(seeded_sqlite_url):
    with Session(db.get_engine(seeded_sqlite_url)) as session:
        oslo = next(
            p
            for p in plan_progress(session, 2016, scope=OPERATOR)
            if p.council.short_name == "Oslo"
        )
    assert ("0 av 3", 3) == (oslo.done_text, len(oslo.overdue(date(2017, 1, 1))))
    assert [] == [a for m in oslo.measures for a in m.activities] + oslo.outside


def test_both_halves_of_a_year_are_tied_to_its_one_plan(seeded_sqlite_url):
    with Session(db.get_engine(seeded_sqlite_url)) as session:
        plans = plan_progress(session, 2013, scope=OPERATOR)
        tied = session.exec(
            select(Report.council_id, Report.period, Activity.measure, Activity.themes)
            .join(Activity, Activity.report_id == Report.id)
            .where(Report.year.in_([2013, 2014]), Report.active)
        ).all()
    agder = next(p for p in plans if p.council.short_name == "Agder")
    days = [a.date for m in agder.measures for a in m.activities]
    assert min(days) < date(2013, 7, 1) <= max(days)  # activities of H1 and H2 under it
    assert {"H1", "H2"} == {period for _, period, measure, _ in tied if measure}
    assert {""} == {themes for *_, themes in tied}  # 2013 and 2014: the letters name none


def test_2012s_theme_is_on_the_activities_of_sub_goal_2(seeded_sqlite_url):
    """Every counted activity of sub-goal 2 of a council with a plan names «Jobbstrategien»
    (Oversikt's D2 of those councils), and nothing else does."""
    rules = load_rules(DEFAULT_RULES_FILE)
    with Session(db.get_engine(seeded_sqlite_url)) as session:
        rows = overview(session, 2012, date(2013, 6, 1), rules, scope=OPERATOR)
        themed = theme_totals(session, 2012, rules, scope=OPERATOR)
    planned = [r for r in rows if r.council.short_name not in {n for n, y in SAID_NO if y == 2012}]
    total = next(t for t in themed if t.council == "Alle råd")
    assert (JOBBSTRATEGIEN, sum(r.goals[2] for r in planned)) == (total.theme, total.activities)


def test_the_script_gives_the_same_bytes_when_run_again(tmp_path):
    """On a copy of two councils' files (Oslo has no report for 2016): a second run changes
    no byte of what the first wrote."""
    shutil.copy(SAMPLE_DIR / "register.toml", tmp_path)
    for path in SAMPLE_DIR.glob("rapport_*_ia-radet-i-[ao][gs]*.xlsx"):  # Agder, Oslo
        shutil.copy(path, tmp_path)
    first = {name: (tmp_path / name).read_bytes() for name in make(tmp_path)}
    assert {
        "handlingsplan_2016_ia-radet-i-oslo.xlsx",
        "handlingsplan_2013_ia-radet-i-agder.xlsx",
    } < (set(first))
    assert first == {name: (tmp_path / name).read_bytes() for name in make(tmp_path)}


def test_a_half_year_counts_what_its_own_report_did(seeded_sqlite_url):
    """Agder 2013, whose plan has 9 measures: a half-year's «Tiltak gjennomført» (Oversikt
    and the compiled report of that half) counts the measures its own report did, as its
    workbook says — H1 a done activity under measures 1–6, H2 under 1, 2, 3, 5, 7 and 9 —
    and the whole year the two halves together (8: all but measure 8)."""
    rules = load_rules(DEFAULT_RULES_FILE)
    with Session(db.get_engine(seeded_sqlite_url)) as session:
        shown = {}
        for period in ("H1", "H2", None):
            (agder,) = [
                p
                for p in plan_progress(session, 2013, scope=OPERATOR, period=period)
                if p.council.short_name == "Agder"
            ]
            (row,) = [
                r
                for r in overview(session, 2013, date(2014, 6, 1), rules, scope=OPERATOR,
                                  period=period)
                if r.council.short_name == "Agder"
            ]  # fmt: skip
            shown[period] = (row.measures_done, agder.reports)
    assert {
        "H1": ("6 av 9", "rapporten for 2013 H1"),
        "H2": ("6 av 9", "rapporten for 2013 H2"),
        None: ("8 av 9", "rapportene for 2013"),
    } == shown
