"""Action plans (issue 25): the plan workbook read and refused, with the exact line said
about each problem; stored per council and year with versions, restorable."""

# ruff: noqa: SIM300  (the expected value comes first, as in the importer's tests)

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import openpyxl
import pytest
from plans import MEASURES, measure, plan_sheets, tied_report_sheets
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select
from workbooks import (
    FIXTURES,
    about_sheet,
    error_lines,
    lines,
    report_xlsx,
    sheet_rows,
    warning_lines,
    xlsx,
)

from ia_data.domain.access import OPERATOR, Role, Scope
from ia_data.domain.kinds import UploadKind
from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules
from ia_data.output.compiled import compiled_report
from ia_data.output.compiled_facts import compiled_facts
from ia_data.output.exports import overview_export, table_export
from ia_data.output.pdf import compiled_html
from ia_data.reporting.overview import overview
from ia_data.reporting.plan_tables import measures_table, outside_table, plans_summary_table
from ia_data.reporting.plans import plan_progress
from ia_data.reporting.tables import overview_compact_table, overview_table
from ia_data.reporting.themes import themes_table
from ia_data.storage import store
from ia_data.storage.models import Activity, Council, Plan, PlanMeasure, Upload
from ia_data.storage.store import RestoreError, import_file, restore_upload


def test_a_plan_is_read_with_every_measure(parse):
    parsed = parse(xlsx(plan_sheets()), "plan.xlsx")
    assert parsed.kind == UploadKind.PLAN
    assert [] == lines(parsed)
    assert "IA-rådet i Troms" == parsed.council.name
    assert 2015 == parsed.plan_year
    assert date(2015, 2, 3) == parsed.plan_adopted
    got = [(m.row, m.number, m.planned, m.planned_by, m.goals, m.responsible, m.budget_ore)
           for m in parsed.measures]  # fmt: skip
    assert [
        (8, "1", "mars 2015", date(2015, 3, 31), frozenset({1}), "NAV, KS", 5_000_000),
        (9, "2", "2. kvartal 2015", date(2015, 6, 30), frozenset({2}), "NHO og LO", 2_000_000),
        (10, "3", "15.10.2015", date(2015, 10, 15), frozenset({3}), "Virke", None),
    ] == got
    assert "Bransjenettverk for sykehjemmene" == parsed.measures[0].measure
    assert "Lavere sykefravær i helse og omsorg" == parsed.measures[0].goal


# --- what the importer says about a bad plan ---------------------------------------------

WHEN = (
    "forventet en dato som 15.03.2015, en måned som mars 2015, et kvartal som 2. kvartal "
    "2015, et halvår som 1. halvår 2015 eller året (2015)"
)
PARTIES = "NAV, NHO, LO, KS, Spekter, Virke, Unio, YS, Akademikerne, Fylkesmannen, " + (
    "Statsforvalteren, Arbeidstilsynet"
)
BAD_MEASURES = [
    measure(1, planned="neste uke", goals="4", budget=-5),
    measure(2, goal=None, text=None, planned="mars 2016", responsible="BHT og LO"),
    measure(1, planned="K4"),
    measure("1.", planned="2015"),
]


def test_every_problem_of_a_plan_is_said_at_once(parse):
    parsed = parse(xlsx(plan_sheets(measures=BAD_MEASURES)), "plan.xlsx")
    assert [
        "Handlingsplan, rad 8, kolonne «Delmål»: «4» er ikke et delmål (gyldige verdier: 1, 2, 3)",
        f"Handlingsplan, rad 8, kolonne «Når»: «neste uke» er ikke et tidspunkt ({WHEN})",
        "Handlingsplan, rad 8, kolonne «Budsjett (kr)»: «-5» er negativt; et beløp må være 0 "
        "eller mer",
        "Handlingsplan, rad 9, kolonne «Mål»: Mål mangler",
        "Handlingsplan, rad 9, kolonne «Tiltak»: Tiltak mangler",
        "Handlingsplan, rad 9, kolonne «Når»: «mars 2016» ligger utenfor planåret 2015",
        "Handlingsplan, rad 10, kolonne «Nr.»: tiltak nr. 1 står også på rad 8; et nummer kan "
        "bare brukes én gang i planen",
        "Handlingsplan, rad 11, kolonne «Nr.»: tiltak nr. 1 står også på rad 8; et nummer kan "
        "bare brukes én gang i planen",
    ] == error_lines(parsed)
    assert [
        f"Handlingsplan, rad 9, kolonne «Ansvarlig»: «BHT» er ikke en kjent part og lagres som "
        f"skrevet (kjente parter: {PARTIES})"
    ] == warning_lines(parsed)


def test_a_plan_without_council_or_year_is_refused(parse):
    parsed = parse(xlsx(plan_sheets(council=None, year=None, adopted=None)), "plan.xlsx")
    assert [
        "Handlingsplan: feltet «År» mangler over tabellen (godtatt også: Planår, "
        "Handlingsplan for, Year)",
        "Handlingsplan: feltet «IA-råd» mangler over tabellen (godtatt også: IA-rådet, Råd, "
        "Fylke, Council)",
    ] == lines(parsed)


def test_a_plan_with_unknown_council_year_and_date_is_refused(parse):
    parsed = parse(xlsx(plan_sheets(council="Atlantis", year=2031, adopted="i fjor")), "p.xlsx")
    assert [
        "Handlingsplan: År (B4): 2031 er ikke et rapporteringsår (årene er 2010–2018)",
        "Handlingsplan: IA-råd (B3): «Atlantis» er ikke et IA-råd i registeret",
        "Handlingsplan: Vedtatt: «i fjor» er ikke en dato (forventet en dato som 31.12.2012, "
        "31.12.12, 1.3.2012, 2012-12-31 eller 31/12/2012)",
    ] == lines(parsed)


def test_a_plan_without_measures_or_a_required_column_is_refused(parse):
    assert ["Handlingsplan: arket har ingen tiltak"] == lines(
        parse(xlsx(plan_sheets(measures=[])), "plan.xlsx")
    )
    sheets = plan_sheets(measures=[[1, "Mål", "mars"]])
    sheets["Handlingsplan"][6] = ["Nr.", "Mål", "Når"]
    assert [
        "Handlingsplan, rad 7: kolonnen «Tiltak» mangler (godtatte navn: Tiltak, Aktivitet, "
        "Beskrivelse, Measure)"
    ] == lines(parse(xlsx(sheets), "plan.xlsx"))


@pytest.mark.parametrize(
    "written,shown,last_day",
    [
        ("mars", "mars 2015", date(2015, 3, 31)),
        ("Februar 2015", "februar 2015", date(2015, 2, 28)),
        ("okt.", "oktober 2015", date(2015, 10, 31)),
        ("06.2015", "juni 2015", date(2015, 6, 30)),
        ("2015-11", "november 2015", date(2015, 11, 30)),
        ("K3", "3. kvartal 2015", date(2015, 9, 30)),
        ("Q1 2015", "1. kvartal 2015", date(2015, 3, 31)),
        ("4. kvartal", "4. kvartal 2015", date(2015, 12, 31)),
        ("2. halvår", "2. halvår 2015", date(2015, 12, 31)),
        ("hele året", "2015", date(2015, 12, 31)),
        (2015, "2015", date(2015, 12, 31)),
        ("1.9.2015", "01.09.2015", date(2015, 9, 1)),
        (date(2015, 5, 6), "06.05.2015", date(2015, 5, 6)),
    ],
)
def test_a_planned_time_is_a_date_month_quarter_half_or_year(parse, written, shown, last_day):
    parsed = parse(xlsx(plan_sheets(measures=[measure(planned=written)])), "plan.xlsx")
    assert [] == lines(parsed)
    assert (shown, last_day) == (parsed.measures[0].planned, parsed.measures[0].planned_by)


# --- stored, replaced, restored -----------------------------------------------------------

NOW = datetime(2015, 3, 2, 10, 0, tzinfo=UTC)


def store_plan(engine, data: bytes, file_name="handlingsplan.xlsx", scope=OPERATOR):
    return import_file(engine, file_name, data, scope=scope, now=NOW)


def stored_plans(engine) -> list[tuple]:
    """(upload id, active, council, year, the measures' numbers) of every stored plan."""
    with Session(engine) as session:
        plans = session.exec(select(Plan).order_by(Plan.id)).all()
        return [
            (
                p.upload_id,
                p.active,
                session.get(Council, p.council_id).name,
                p.year,
                [
                    m.number
                    for m in session.exec(
                        select(PlanMeasure)
                        .where(PlanMeasure.plan_id == p.id)
                        .order_by(PlanMeasure.source_row)
                    )
                ],
            )
            for p in plans
        ]


def row_counts(engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        return tuple(
            session.exec(select(func.count()).select_from(t)).one()
            for t in (Upload, Plan, PlanMeasure)
        )


def test_a_plan_is_stored_replaced_and_restored(fresh_db):
    first = store_plan(fresh_db, xlsx(plan_sheets()))
    assert (
        "handlingsplan.xlsx: lagret som opplasting nr. 1: IA-rådet i Troms, handlingsplan 2015 "
        "(3 tiltak)"
    ) == first.message
    with Session(fresh_db) as session:
        kept = session.exec(select(PlanMeasure).order_by(PlanMeasure.id)).first()
        upload = session.get(Upload, 1)
        assert (UploadKind.PLAN, 2015, 7_000_000) == (
            upload.kind,
            upload.year,
            upload.total_cost_ore,
        )
    assert ("1", "Bransjenettverk for sykehjemmene", "mars 2015", date(2015, 3, 31)) == (
        kept.number,
        kept.measure,
        kept.planned,
        kept.planned_by,
    )
    assert (True, False, False, "NAV, KS", 5_000_000) == (
        kept.goal_1,
        kept.goal_2,
        kept.goal_3,
        kept.responsible,
        kept.budget_ore,
    )
    second = store_plan(fresh_db, xlsx(plan_sheets(measures=MEASURES[:2])), "plan_v2.xlsx")
    assert (
        "plan_v2.xlsx: lagret som opplasting nr. 2 (erstatter forrige versjon): IA-rådet i "
        "Troms, handlingsplan 2015 (2 tiltak)"
    ) == second.message
    assert [
        (1, False, "IA-rådet i Troms", 2015, ["1", "2", "3"]),
        (2, True, "IA-rådet i Troms", 2015, ["1", "2"]),
    ] == stored_plans(fresh_db)
    assert (
        "Opplasting nr. 1 er gjenopprettet som aktiv versjon (IA-rådet i Troms, handlingsplan 2015)"
    ) == restore_upload(fresh_db, 1, scope=OPERATOR, now=NOW)
    assert [True, False] == [p[1] for p in stored_plans(fresh_db)]
    with Session(fresh_db) as session:
        assert [True, False] == [session.get(Upload, i).active for i in (1, 2)]
    with pytest.raises(RestoreError) as exc:
        restore_upload(fresh_db, 1, scope=OPERATOR, now=NOW)
    assert "Opplasting nr. 1 er allerede den aktive versjonen" == str(exc.value)


def test_plans_of_other_councils_and_years_are_not_replaced(fresh_db):
    store_plan(fresh_db, xlsx(plan_sheets()))
    store_plan(fresh_db, xlsx(plan_sheets(council="Nordland")))
    store_plan(fresh_db, xlsx(plan_sheets(year=2014, measures=[measure(planned="mai")])))
    assert [True, True, True] == [p[1] for p in stored_plans(fresh_db)]
    assert ["IA-rådet i Troms", "IA-rådet i Nordland", "IA-rådet i Troms"] == [
        p[2] for p in stored_plans(fresh_db)
    ]


def test_a_bad_plan_stores_nothing(fresh_db):
    store_plan(fresh_db, xlsx(plan_sheets()))
    before = (row_counts(fresh_db), stored_plans(fresh_db))
    result = store_plan(fresh_db, xlsx(plan_sheets(measures=BAD_MEASURES)), "feil.xlsx")
    assert ("avvist", "feil.xlsx: ikke lagret – 8 feil må rettes før filen kan lagres") == (
        result.status,
        result.message,
    )
    assert before == (row_counts(fresh_db), stored_plans(fresh_db))


def test_a_secretariat_stores_only_its_own_councils_plan(fresh_db):
    with Session(fresh_db) as session:
        nordland = session.exec(select(Council.id).where(Council.name == "IA-rådet i Nordland"))
        scope = Scope(Role.SECRETARIAT, frozenset({nordland.one()}), ("IA-rådet i Nordland",))
    result = store_plan(fresh_db, xlsx(plan_sheets()), scope=scope)
    assert (
        "handlingsplan.xlsx: ikke lagret – Ingen tilgang: arbeidsboka er handlingsplanen til "
        "IA-rådet i Troms, men du kan bare laste opp for IA-rådet i Nordland; ingenting er "
        "lagret"
    ) == result.message
    assert (0, 0, 0) == row_counts(fresh_db)
    assert store_plan(fresh_db, xlsx(plan_sheets(council="Nordland")), scope=scope).ok


# --- the four formats, as LibreOffice saved them --------------------------------------------

FORMATS = ("xlsx", "xlsm", "xls", "ods")


@pytest.mark.parametrize("suffix", FORMATS)
def test_a_plan_saved_by_libreoffice_is_read_in_every_format(parse, suffix):
    path = FIXTURES / f"handlingsplan_troms_2015.{suffix}"
    parsed = parse(path.read_bytes(), path.name)
    assert [] == lines(parsed)
    assert ("IA-rådet i Troms", 2015, date(2015, 1, 28)) == (
        parsed.council.name,
        parsed.plan_year,
        parsed.plan_adopted,
    )
    assert [
        ("1", "mars 2015", frozenset({1}), 5_000_000),
        ("2", "2. kvartal 2015", frozenset({2}), 2_500_000),  # the formula's value
        ("3", "15.10.2015", frozenset({3}), None),
    ] == [(m.number, m.planned, m.goals, m.budget_ore) for m in parsed.measures]


@pytest.mark.parametrize("suffix", FORMATS)
def test_a_bad_plan_saved_by_libreoffice_is_refused_in_every_format(parse, suffix):
    path = FIXTURES / f"handlingsplan_feil.{suffix}"
    assert [
        "Handlingsplan, rad 8, kolonne «Delmål»: «4» er ikke et delmål (gyldige verdier: 1, 2, 3)",
        f"Handlingsplan, rad 8, kolonne «Når»: «neste uke» er ikke et tidspunkt ({WHEN})",
        "Handlingsplan, rad 9, kolonne «Når»: «mars 2016» ligger utenfor planåret 2015",
        "Handlingsplan, rad 10, kolonne «Nr.»: tiltak nr. 2 står også på rad 9; et nummer kan "
        "bare brukes én gang i planen",
    ] == lines(parse(path.read_bytes(), path.name))


def test_every_format_stores_the_same_plan(fresh_db):
    for suffix in FORMATS:
        path = FIXTURES / f"handlingsplan_troms_2015.{suffix}"
        assert "lagret" == store_plan(fresh_db, path.read_bytes(), path.name).status
    assert [(i, i == 4, "IA-rådet i Troms", 2015, ["1", "2", "3"]) for i in (1, 2, 3, 4)] == (
        stored_plans(fresh_db)
    )
    with Session(fresh_db) as session:
        assert [7_500_000] * 4 == [u.total_cost_ore for u in session.exec(select(Upload))]
    for suffix in FORMATS:
        path = FIXTURES / f"handlingsplan_feil.{suffix}"
        assert "avvist" == store_plan(fresh_db, path.read_bytes(), path.name).status
    assert (4, 4, 12) == row_counts(fresh_db)


# --- activities tied to the plan ------------------------------------------------------------

LATER = datetime(2016, 3, 1, 10, 0, tzinfo=UTC)  # after a 2015 report's submitted date


def store_at(engine, data: bytes, file_name: str, now=LATER):
    return import_file(engine, file_name, data, scope=OPERATOR, now=now)


def tied(engine) -> list[tuple[str, str]]:
    """(title, measure) of the stored activities, in order."""
    with Session(engine) as session:
        rows = session.exec(select(Activity.title, Activity.measure).order_by(Activity.id))
        return [tuple(r) for r in rows]


def test_a_report_tied_to_a_plan_that_has_not_come_is_kept_with_a_warning(fresh_db):
    result = store_at(fresh_db, xlsx(tied_report_sheets([1, 2, None, "9"])), "rapport.xlsx")
    assert "lagret" == result.status
    assert [
        "Aktiviteter, kolonne «Tiltak nr.»: IA-rådet i Troms har ingen handlingsplan for 2015 "
        "ennå; tiltaksnumrene (1, 2, 9) lagres og teller når planen lastes opp"
    ] == warning_lines(result.parsed)
    assert [("Aktivitet 1", "1"), ("Aktivitet 2", "2"), ("Aktivitet 3", ""),
            ("Aktivitet 4", "9")] == tied(fresh_db)  # fmt: skip
    plan = store_at(fresh_db, xlsx(plan_sheets()), "plan.xlsx")
    assert ["Rapportene for 2015 har aktiviteter under 2 av 3 tiltak i planen"] == plan.notes


def test_a_number_not_in_the_plan_names_the_plan_version(fresh_db):
    store_at(fresh_db, xlsx(plan_sheets()), "plan.xlsx")
    result = store_at(fresh_db, xlsx(tied_report_sheets([1, "1.", "9"])), "rapport.xlsx")
    assert [
        "Aktiviteter, rad 4, kolonne «Tiltak nr.»: tiltak nr. 9 finnes ikke i handlingsplanen "
        "for 2015 (opplasting nr. 1, lastet opp 01.03.2016); nummeret lagres og teller om en ny "
        "versjon av planen har tiltaket"
    ] == warning_lines(result.parsed)
    with Session(fresh_db) as session:
        assert result.parsed.warnings[0].text in session.get(Upload, 2).warnings


def lost_race_once(monkeypatch) -> list[str]:
    """The store's first attempt fails as a lost race does (an IntegrityError before its
    commit), once; the store then tries again. Returns a list that records each attempt."""
    real, attempts = store.bump_data_version, []

    def bump(session):
        attempts.append("forsøk")
        if len(attempts) == 1:
            raise IntegrityError("INSERT INTO upload", {}, Exception("lost race"))
        real(session)

    monkeypatch.setattr(store, "bump_data_version", bump)
    return attempts


def test_a_retried_report_warns_and_notes_each_thing_once(fresh_db, monkeypatch):
    store_at(fresh_db, xlsx(plan_sheets()), "plan.xlsx")
    attempts = lost_race_once(monkeypatch)
    sheets = tied_report_sheets([1, "9"], submitted=None)
    result = store_at(fresh_db, xlsx(sheets), "rapport.xlsx")
    assert ("lagret", 2) == (result.status, len(attempts))
    warning = (
        "Aktiviteter, rad 3, kolonne «Tiltak nr.»: tiltak nr. 9 finnes ikke i handlingsplanen "
        "for 2015 (opplasting nr. 1, lastet opp 01.03.2016); nummeret lagres og teller om en ny "
        "versjon av planen har tiltaket"
    )
    assert [warning] == warning_lines(result.parsed)
    assert ["Innsendt dato mangler i arbeidsboka; opplastingsdatoen 01.03.2016 er brukt"] == (
        result.notes
    )
    with Session(fresh_db) as session:
        assert warning == session.get(Upload, result.upload_id).warnings


def test_a_retried_plan_notes_each_thing_once(fresh_db, monkeypatch):
    store_at(fresh_db, xlsx(plan_sheets()), "plan.xlsx")
    store_at(fresh_db, xlsx(tied_report_sheets([1, 2, 2, 3])), "rapport.xlsx")
    attempts = lost_race_once(monkeypatch)
    v2 = store_at(fresh_db, xlsx(plan_sheets(measures=[MEASURES[0], MEASURES[2]])), "v2.xlsx")
    assert ("lagret", 2, 1) == (v2.status, len(attempts), v2.replaced_upload_id)
    assert [
        "Rapportene for 2015 har aktiviteter under 2 av 2 tiltak i planen",
        "2 aktiviteter står under tiltak ikke lenger i planen: «Aktivitet 2» (tiltak nr. 2); "
        "«Aktivitet 3» (tiltak nr. 2)",
    ] == v2.notes


def test_a_plan_stored_while_a_report_waits_is_what_the_report_is_checked_against(
    fresh_db, monkeypatch
):
    """The plan arrives after the report is read but before it is stored: the report's
    numbers are checked against it (no «ingen handlingsplan» warning left behind)."""
    real = store._refused

    def plan_arrives(parsed, scope):
        if parsed.kind == UploadKind.REPORT:
            assert store_at(fresh_db, xlsx(plan_sheets()), "plan.xlsx").status == "lagret"
        return real(parsed, scope)

    monkeypatch.setattr(store, "_refused", plan_arrives)
    result = store_at(fresh_db, xlsx(tied_report_sheets([1, 2])), "rapport.xlsx")
    assert ("lagret", 2) == (result.status, result.upload_id)
    assert [] == warning_lines(result.parsed)
    with Session(fresh_db) as session:
        assert "" == session.get(Upload, 2).warnings


def test_a_plan_version_that_drops_a_measure_lists_its_activities(fresh_db):
    store_at(fresh_db, xlsx(plan_sheets()), "plan.xlsx")
    store_at(fresh_db, xlsx(tied_report_sheets([1, 2, 2, 3])), "rapport.xlsx")
    checked = import_file(
        fresh_db, "plan_v2.xlsx", xlsx(plan_sheets(measures=[MEASURES[0], MEASURES[2]])),
        scope=OPERATOR, now=LATER, dry_run=True,
    )  # fmt: skip
    expected = [
        "Rapportene for 2015 har aktiviteter under 2 av 2 tiltak i planen",
        "2 aktiviteter står under tiltak ikke lenger i planen: «Aktivitet 2» (tiltak nr. 2); "
        "«Aktivitet 3» (tiltak nr. 2)",
    ]
    assert expected == checked.notes
    stored = store_at(fresh_db, xlsx(plan_sheets(measures=[MEASURES[0], MEASURES[2]])), "v2.xlsx")
    assert expected == stored.notes


def test_a_report_without_the_column_stays_valid(parse):
    parsed = parse(report_xlsx())
    assert [] == lines(parsed)
    assert ["", ""] == [a.measure for a in parsed.activities]


def test_a_measure_number_that_is_no_number_refuses_the_report(fresh_db):
    sheets = tied_report_sheets([1, -1, "x" * 21])
    result = store_at(fresh_db, xlsx(sheets), "rapport.xlsx")
    assert [
        "Aktiviteter, rad 3, kolonne «Tiltak nr.»: «-1» er ikke et tiltaksnummer",
        "Aktiviteter, rad 4, kolonne «Tiltak nr.»: teksten er 21 tegn lang; grensen er 20 tegn",
    ] == error_lines(result.parsed)
    assert [] == tied(fresh_db)


# --- planned against done ----------------------------------------------------------------

FOUR = [*MEASURES, measure(4, "Unge i arbeid", "2", "Ungdomskonferanse", "K4", "LO", 10000)]
FIVE = [*FOUR, measure(5, "Dialog", "1", "Dialogmøter", "mai", "NAV", None)]
TIED = [(1, "Gjennomført"), (1, "Planlagt"), (2, "Avlyst"), None, 9, (3, "Pågår"), 5]


@pytest.fixture
def troms_2015_tied(fresh_db):
    """Troms 2015: plan version 1 with measures 1–5, version 2 (active) without 5, and a
    report whose activities 1–7 (1 000 kr … 7 000 kr) are tied as in ``TIED``."""
    for name, measures in (("plan_v1.xlsx", FIVE), ("plan_v2.xlsx", FOUR)):
        assert store_at(fresh_db, xlsx(plan_sheets(measures=measures)), name).ok
    assert store_at(fresh_db, xlsx(tied_report_sheets(TIED)), "rapport.xlsx").ok
    return fresh_db


def progress_of(engine, council: str, year: int = 2015):
    with Session(engine) as session:
        rows = plan_progress(session, year, scope=OPERATOR)
    return next(r for r in rows if r.council.name == council)


def test_planned_against_done_for_a_council_as_its_files_say(troms_2015_tied):
    troms = progress_of(troms_2015_tied, "IA-rådet i Troms")
    assert (2, 8_000_000) == (troms.upload_id, troms.budget_ore)
    measures = [
        (m.number, m.planned, [a.title for a in m.activities], m.spent_ore, m.budget_ore, m.done)
        for m in troms.measures
    ]
    assert [
        ("1", "mars 2015", ["Aktivitet 1", "Aktivitet 2"], 300_000, 5_000_000, True),
        ("2", "2. kvartal 2015", ["Aktivitet 3"], 300_000, 2_000_000, False),  # cancelled
        ("3", "15.10.2015", ["Aktivitet 6"], 600_000, None, False),  # still «Pågår»
        ("4", "4. kvartal 2015", [], 0, 1_000_000, False),
    ] == measures
    assert "Tiltak med gjennomført aktivitet: 1 av 4" == troms.label
    assert "1 av 4" == troms.done_text
    # In January 2016: 2 (only a cancelled activity) and 4 (none) are overdue; in June 2015
    # only 2's time has passed, and it is not overdue on its last day.
    assert ["2", "4"] == [m.number for m in troms.overdue(date(2016, 1, 15))]
    assert ["2"] == [m.number for m in troms.overdue(date(2015, 7, 1))]
    assert [] == [m.number for m in troms.overdue(date(2015, 6, 30))]
    assert [("Aktivitet 4", ""), ("Aktivitet 5", "9")] == [
        (a.title, a.measure) for a in troms.outside
    ]
    assert [("Aktivitet 7", "5")] == [(a.title, a.measure) for a in troms.dropped]


def test_a_council_without_a_plan_says_so(troms_2015_tied):
    nordland = progress_of(troms_2015_tied, "IA-rådet i Nordland")
    assert (False, "ingen plan") == (nordland.has_plan, nordland.done_text)
    assert "IA-rådet i Nordland har ingen handlingsplan for 2015" == nordland.label
    troms_2014 = progress_of(troms_2015_tied, "IA-rådet i Troms", 2014)
    assert ([], [], "ingen plan") == (troms_2014.measures, troms_2014.outside, troms_2014.done_text)


def test_a_plan_restored_counts_again(troms_2015_tied):
    restore_upload(troms_2015_tied, 1, scope=OPERATOR, now=LATER)
    troms = progress_of(troms_2015_tied, "IA-rådet i Troms")
    assert "Tiltak med gjennomført aktivitet: 2 av 5" == troms.label  # 7 is «Gjennomført»
    assert (["Aktivitet 7"], []) == (
        [a.title for a in troms.measures[4].activities],
        troms.dropped,
    )


def test_the_plan_decides_has_an_action_plan_and_fills_oversikt(fresh_db):
    store_at(fresh_db, xlsx(plan_sheets()), "plan.xlsx")
    troms = tied_report_sheets([1, 2], action_plan="nei")  # the report's own field says no
    nordland = tied_report_sheets([None], council="Nordland", action_plan="nei")
    for name, sheets in (("troms.xlsx", troms), ("nordland.xlsx", nordland)):
        assert store_at(fresh_db, xlsx(sheets), name).ok
    with Session(fresh_db) as session:
        rows = overview(session, 2015, date(2016, 3, 1), load_rules(DEFAULT_RULES_FILE),
                        scope=OPERATOR)  # fmt: skip
        earlier = overview(session, 2014, date(2016, 3, 1), load_rules(DEFAULT_RULES_FILE),
                           scope=OPERATOR)  # fmt: skip
    by_name = {r.council.name: r for r in rows}
    assert (True, date(2015, 2, 3), "2 av 3") == (
        by_name["IA-rådet i Troms"].action_plan,
        by_name["IA-rådet i Troms"].action_plan_date,
        by_name["IA-rådet i Troms"].measures_done,
    )
    assert (False, "ingen plan") == (
        by_name["IA-rådet i Nordland"].action_plan,
        by_name["IA-rådet i Nordland"].measures_done,
    )
    table = overview_table(rows, load_rules(DEFAULT_RULES_FILE).periods(2015))
    column = [col.name for col in table.columns].index("Tiltak gjennomført")
    assert "Handlingsplan" == table.columns[column - 1].name
    # A year no council has a plan for has no such column (and no figure).
    assert {None} == {r.measures_done for r in earlier}
    names = [col.name for col in overview_table(earlier, []).columns]
    assert "Tiltak gjennomført" not in names


# --- the compiled report and the exports ----------------------------------------------------


def cells(sheet) -> list[list]:
    return [[c for c in row] for row in sheet.iter_rows(values_only=True)]


def row_with(sheet, first) -> list:
    """The last row whose first cell is ``first`` (on the summary: the plans' line)."""
    return [list(r) for r in sheet.iter_rows(values_only=True) if r[0] == first][-1]


def test_the_compiled_report_carries_the_plans(troms_2015_tied):
    formula = measure(6, "@SUM(A1:A2)", "1", "+47 kroner", "desember", "NAV", 100)
    assert store_at(troms_2015_tied, xlsx(plan_sheets(measures=[*FOUR, formula])), "v3.xlsx").ok
    with Session(troms_2015_tied) as session:
        data = compiled_report(
            session, load_rules(DEFAULT_RULES_FILE), 2015, date(2016, 1, 15),
            datetime(2016, 1, 15, 12, tzinfo=UTC), scope=OPERATOR, approved_only=False,
        )  # fmt: skip
    book = openpyxl.load_workbook(io.BytesIO(data))
    summary = book["Sammendrag"]
    headers = [r for r in cells(summary) if r[0] == "IA-råd" and r[1] in ("Fylker", "År")]
    assert 2 == len(headers)  # the overview's, then the plans'
    assert ["Tiltak gjennomført"] * 2 == [h[h.index("Tiltak gjennomført")] for h in headers]
    assert ["IA-rådet i Troms", 2015, "1 av 5", 3, 80_100, 12_000, 3] == row_with(
        summary, "IA-rådet i Troms"
    )[:7]
    assert ["IA-rådet i Nordland", 2015, "ingen plan", None, None, None, None] == row_with(
        summary, "IA-rådet i Nordland"
    )[:7]
    troms = book["Troms"]
    assert ["6", "@SUM(A1:A2)", "+47 kroner"] == row_with(troms, "6")[:3]
    kept = next(r for r in troms.iter_rows() if r[0].value == "6")
    assert ("s", "s") == (kept[1].data_type, kept[2].data_type)  # text, never a formula
    assert "Tiltak med gjennomført aktivitet: 1 av 5" in [r[0] for r in cells(troms)]
    assert [date(2015, 4, 10), "Aktivitet 4", "Gjennomført", 4000, None, "utenfor planen"] == [
        v.date() if isinstance(v, datetime) else v for v in row_with(troms, datetime(2015, 4, 10))
    ][:6]
    assert "IA-rådet i Nordland har ingen handlingsplan for 2015" in [
        r[0] for r in cells(book["Nordland"])
    ]
    about = {r[0]: r[1] for r in book["Om uttrekket"].iter_rows(values_only=True)}
    assert about["Handlingsplaner"].startswith("«Tiltak gjennomført» og handlingsplanene: fra")
    assert about["Opplasting nr. 4"].startswith(
        "IA-rådet i Troms, handlingsplan 2015 – v3.xlsx, lastet opp 01.03.2016"
    )


def test_the_overview_export_carries_the_column_and_its_source(troms_2015_tied):
    with Session(troms_2015_tied) as session:
        data = overview_export(
            session, 2015, date(2016, 1, 15), load_rules(DEFAULT_RULES_FILE), "xlsx",
            scope=OPERATOR,
        )  # fmt: skip
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    at = header.index("Tiltak gjennomført")
    troms = row_with(sheet, "IA-rådet i Troms")
    assert ("Ja", "1 av 4") == (troms[at - 1], troms[at])
    about = {r[0]: r[1] for r in book["Om uttrekket"].iter_rows(values_only=True)}
    assert about["Handlingsplaner"].startswith("«Tiltak gjennomført» og handlingsplanene: fra")
    assert about["Opplasting nr. 2"].startswith("IA-rådet i Troms, handlingsplan 2015 – plan_v2")


# What «Om uttrekket» says of a plan column or block, word for word (output.exports).
PLANS_SOURCE = (
    "«Tiltak gjennomført» og handlingsplanene: fra rådenes opplastede handlingsplaner (den "
    "aktive versjonen for rådet og året, se opplastingene under) og aktivitetene i rapportene, "
    "knyttet til tiltakene med kolonnen «Tiltak nr.». Et tiltak er gjennomført når minst én "
    "aktivitet under det har status «Gjennomført»; forfalt når tiden det var planlagt til, er "
    "passert per statusdatoen uten aktivitet (avlyste teller ikke). «ingen plan»: rådet har "
    "ikke lastet opp en plan for året. Der en plan er lastet opp, avgjør den «Handlingsplan» "
    "for året; ellers svaret i rapportene."
)
# What the compiled report says under a council's plan, in the XLSX and the PDF alike.
TROMS_PLAN_SOURCE = (
    "Fra handlingsplanen (opplasting nr. 2) og aktivitetene i rapportene for 2015, knyttet til "
    "tiltakene med kolonnen «Tiltak nr.». Et tiltak er gjennomført når minst én aktivitet "
    "under det har status «Gjennomført»."
)


def test_every_download_with_a_plan_column_says_how_a_measure_counts(troms_2015_tied):
    """Råd's two plan tables, the plans' summary and Oversikt's table (the page's
    downloads) say it, with the plan among the uploads; a table without one does not."""
    rules, as_of = load_rules(DEFAULT_RULES_FILE), date(2016, 1, 15)
    troms = progress_of(troms_2015_tied, "IA-rådet i Troms")
    with Session(troms_2015_tied) as session:
        rows = overview(session, 2015, as_of, rules, scope=OPERATOR)
        tables = [
            measures_table(troms, as_of),
            outside_table(troms),
            plans_summary_table([troms], as_of),
            overview_compact_table(rows, rules.periods(2015)),
            themes_table([], 2015),
        ]
        abouts = [
            about_sheet(table_export(
                session, table, "xlsx", title="Uttrekk", filters=[], upload_ids=[2, 3],
                scope=OPERATOR, rules=rules,
            ))
            for table in tables
        ]  # fmt: skip
        overview_about = about_sheet(overview_export(session, 2015, as_of, rules, "xlsx",
                                                  scope=OPERATOR))  # fmt: skip
    for about in [*abouts[:4], overview_about]:
        assert PLANS_SOURCE == about["Handlingsplaner"]
        assert about["Opplasting nr. 2"].startswith("IA-rådet i Troms, handlingsplan 2015 –")
    assert "Handlingsplaner" not in abouts[4]


def test_the_compiled_report_says_where_each_plan_comes_from(troms_2015_tied):
    rules, as_of, now = load_rules(DEFAULT_RULES_FILE), date(2016, 1, 15), LATER
    with Session(troms_2015_tied) as session:
        data = compiled_report(
            session, rules, 2015, as_of, now, scope=OPERATOR, approved_only=False
        )
        facts = compiled_facts(session, rules, 2015, as_of, scope=OPERATOR, approved_only=False)
        page = compiled_html(session, rules, facts, as_of, now, scope=OPERATOR)
    assert PLANS_SOURCE == about_sheet(data)["Handlingsplaner"]
    assert TROMS_PLAN_SOURCE in [r[0] for r in sheet_rows(data, "Troms")]
    done = "Et tiltak er gjennomført når minst én aktivitet under det har status «Gjennomført»."
    summary_note = f"{done} Forfalt: tiden tiltaket var planlagt til, er passert per 15.01.2016"
    assert any(str(r[0]).startswith(summary_note) for r in sheet_rows(data, "Sammendrag"))
    assert f'<p class="note">{TROMS_PLAN_SOURCE}</p>' in page
    assert f'<p class="note">{summary_note}' in page


def test_a_secretariat_sees_only_its_own_councils_plans(troms_2015_tied):
    with Session(troms_2015_tied) as session:
        nordland = session.exec(select(Council.id).where(Council.name == "IA-rådet i Nordland"))
        scope = Scope(Role.SECRETARIAT, frozenset({nordland.one()}), ("IA-rådet i Nordland",))
        rows = plan_progress(session, 2015, scope=scope)
    assert [("IA-rådet i Nordland", "ingen plan")] == [(r.council.name, r.done_text) for r in rows]
