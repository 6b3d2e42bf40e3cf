"""The per-report totals the overview sums (``ReportFigures``) always equal a sum over the
activities and meetings themselves — after the import, for every year and sub-goal filter,
and after a backfill of a database that had none."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import downgrade
from sqlalchemy import delete, func
from sqlmodel import Session, select

from ia_data.demo import SAMPLE_DIR
from ia_data.domain.access import OPERATOR
from ia_data.reporting.overview import overview
from ia_data.storage import db, schema
from ia_data.storage.engine import create_bare_engine
from ia_data.storage.models import Activity, Meeting, Report, ReportFigures
from ia_data.storage.store import import_file

AS_OF = date(2017, 6, 1)


def _straight_sums(session: Session, year: int, goal: int | None) -> dict[str, tuple]:
    """Council → (spent øre, activities, delmål 1–3, meetings), from the rows themselves."""
    found = {}
    for report in session.exec(select(Report).where(Report.year == year, Report.active)):
        activities = session.exec(select(Activity).where(Activity.report_id == report.id)).all()
        meetings = session.exec(
            select(func.count(Meeting.id)).where(Meeting.report_id == report.id)
        ).one()
        picked = [a for a in activities if goal is None or goal in a.goals]
        counted = [a for a in activities if a.status != "Avlyst"]
        figures = (
            sum(a.cost_ore for a in picked),
            sum(1 for a in picked if a.status != "Avlyst"),
            *(sum(1 for a in counted if k in a.goals) for k in (1, 2, 3)),
            meetings,
        )
        before = found.get(report.council_id, (0,) * 6)
        found[report.council_id] = tuple(x + y for x, y in zip(before, figures, strict=True))
    return found


def _overview_sums(session: Session, year: int, goal: int | None, rules) -> dict[int, tuple]:
    return {
        row.council.id: (row.spent_ore, row.activities, *row.goals.values(), row.meetings)
        for row in overview(session, year, AS_OF, rules, goal=goal, scope=OPERATOR)
        if row.spent_ore or row.activities or row.meetings
    }


@pytest.mark.parametrize("goal", [None, 1, 2, 3])
def test_overview_equals_the_sum_of_the_rows_for_every_year(seeded_url, rules, goal):
    with Session(db.get_engine(seeded_url)) as session:
        for year in range(2012, 2017):
            straight = _straight_sums(session, year, goal)
            assert straight, year
            assert _overview_sums(session, year, goal, rules) == straight, year


def test_nordland_2015_figures(seeded_url, rules):
    """One council checked by hand against its workbook: 437 250 kr, 20 activities."""
    with Session(db.get_engine(seeded_url)) as session:
        rows = {r.council.name: r for r in overview(session, 2015, AS_OF, rules, scope=OPERATOR)}
    nordland = rows["IA-rådet i Nordland"]
    assert (nordland.spent_ore, nordland.activities) == (43_725_000, 20)
    assert nordland.goals == {1: 13, 2: 11, 3: 9}


def test_the_migration_makes_the_totals_of_reports_stored_without_them(database, rules):
    engine = create_bare_engine(database(empty=True))
    schema.upgrade(engine, SAMPLE_DIR / "register.toml")
    for name in (
        "rapport_2015_Ar_ia-radet-i-nordland.xlsx",
        "rapport_2012_H1_ia-radet-i-agder.xlsx",
    ):
        path = SAMPLE_DIR / name
        assert import_file(engine, name, path.read_bytes(), scope=OPERATOR).status == "lagret"
    downgrade(engine, "0001")
    with Session(engine) as session:
        stored = session.exec(select(ReportFigures).order_by(ReportFigures.report_id)).all()
        stored = [f.model_dump() for f in stored]
        assert len(stored) == 2
        session.exec(delete(ReportFigures))  # as a database from before the table existed
        session.commit()
        assert session.exec(select(func.count()).select_from(ReportFigures)).one() == 0
    assert schema.upgrade(engine) == schema.head()
    with Session(engine) as session:
        again = session.exec(select(ReportFigures).order_by(ReportFigures.report_id)).all()
        assert [f.model_dump() for f in again] == stored
        assert _overview_sums(session, 2015, None, rules) == _straight_sums(session, 2015, None)
    engine.dispose()
