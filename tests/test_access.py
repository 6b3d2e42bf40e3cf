"""Sign-in and roles in the library: every public query, export and store call takes the
user's scope, a secretariat's call returns its own councils' rows only and a call outside
it fails closed; the users and their log; the command line's ``users``. (The pages by role:
``test_access_pages.py``; a real sign-in in a browser: ``test_browser_sign_in.py``.)"""

from __future__ import annotations

import csv
import importlib
import inspect
import io
import itertools
import pkgutil
from datetime import UTC, date, datetime

import openpyxl
import postgres as pg
import pytest
from conftest import SAMPLE_REGISTER
from readonly import read_only
from sqlmodel import Session, select

import ia_data.output
import ia_data.reporting
from ia_data.cli import main
from ia_data.demo import SAMPLE_DIR
from ia_data.domain.access import (
    NOBODY,
    OPERATOR,
    OVERSIGHT,
    Actor,
    OutsideScope,
    Role,
    Scope,
    address_verified,
    email_problem,
    secretariat,
)
from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules
from ia_data.output.compiled import compiled_report
from ia_data.output.compiled_facts import compiled_facts
from ia_data.output.exports import (
    activities_export,
    deadlines_export,
    overview_export,
    table_export,
)
from ia_data.output.pdf import compiled_html
from ia_data.output.plan_template import plan_template_for_year
from ia_data.output.template import template_for_year
from ia_data.reporting.activities import (
    activity_breakdown,
    activity_filter_options,
    activity_list,
    meeting_list,
    report_uploads,
    spend_by_type,
)
from ia_data.reporting.council import (
    council_history,
    council_register,
    council_reports,
    councils_outside,
)
from ia_data.reporting.deadlines import data_years, deadlines, years_with_data
from ia_data.reporting.deviations import deviations
from ia_data.reporting.money import active_allocations, allocation_history, money, pool_status
from ia_data.reporting.money_tables import money_table
from ia_data.reporting.overview import overview
from ia_data.reporting.themes import theme_totals
from ia_data.reporting.totals import council_year_totals, report_totals
from ia_data.reporting.uploads import upload_history, upload_sources, uploaded_periods
from ia_data.storage import (
    db,
    history,
    register,
    review,
    schema,
    sign_ins,
    stats,
    store,
    users,
    versions,
)
from ia_data.storage.engine import create_bare_engine, database_label
from ia_data.storage.models import AccessChange, AppUser, Report, SignInState, Upload
from ia_data.storage.register import councils

AS_OF = date(2017, 6, 1)
YEARS = [2012, 2013, 2014, 2015, 2016]
FILES = [
    *sorted(SAMPLE_DIR.glob("rapport_2012_H1_*.xlsx")),
    *sorted(SAMPLE_DIR.glob("rapport_2015_Ar_*.xlsx")),
    SAMPLE_DIR / "tildelinger_2012-2014.xlsx",
]
NORDLAND_2015 = SAMPLE_DIR / "rapport_2015_Ar_ia-radet-i-nordland.xlsx"
TROMS_2012 = SAMPLE_DIR / "rapport_2012_H1_ia-radet-i-troms.xlsx"


@pytest.fixture(scope="module", params=pg.ENGINES)
def stocked_url(request, tmp_path_factory, postgres):
    """Every council's 2012 H1 and 2015 reports and the allocation decision (read only),
    loaded as past reports are (``historical``: received on their «Innsendt», approved)."""
    folder = tmp_path_factory.mktemp("access")
    with pg.kept_database(request.param, postgres, folder, SAMPLE_REGISTER) as url:
        if request.param == "sqlite":  # the demo register (Agder shared), as PostgreSQL's
            schema.upgrade(create_bare_engine(url), SAMPLE_REGISTER)
        engine = db.get_engine(url)
        for path in FILES:
            data = path.read_bytes()
            result = store.import_file(engine, path.name, data, scope=OPERATOR, historical=True)
            assert result.status == "lagret", result.message
        yield url


@pytest.fixture
def session(stocked_url):
    with Session(db.get_engine(stocked_url)) as s:
        yield s


def _ids(session) -> dict[str, int]:
    return {c.name: c.id for c in councils(session)}


@pytest.fixture
def troms(session) -> Scope:
    return secretariat({_ids(session)["IA-rådet i Troms"]: "IA-rådet i Troms"})


# --- every public query, export and store call takes a scope --------------------------------


def _public_functions():
    """Every public function of the reporting and output packages, the store, the upload
    history, the users and the sign-ins that reads or writes the database (takes a session
    or an engine first)."""
    modules = [
        importlib.import_module(f"{package.__name__}.{info.name}")
        for package in (ia_data.reporting, ia_data.output)
        for info in pkgutil.iter_modules(package.__path__)
    ]
    modules += [store, history, versions, users, sign_ins, register, stats, review]
    found = {}
    for module in modules:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_"):
                continue
            first = next(iter(inspect.signature(function).parameters), "")
            if first in ("session", "engine"):
                found[f"{module.__name__}.{name}"] = function
    return found


# What each public function that takes a scope is checked with below (a secretariat's
# scope: Troms only); those without one are ``WITHOUT_SCOPE``.
SCOPED = {
    "ia_data.reporting.activities.report_uploads",
    "ia_data.reporting.activities.activity_breakdown",
    "ia_data.reporting.activities.activity_list",
    "ia_data.reporting.activities.activity_filter_options",
    "ia_data.reporting.activities.meeting_list",
    "ia_data.reporting.activities.spend_by_type",
    "ia_data.reporting.council.council_reports",
    "ia_data.reporting.council.council_history",
    "ia_data.reporting.council.council_register",
    "ia_data.reporting.council.councils_outside",
    "ia_data.reporting.deadlines.years_with_data",
    "ia_data.reporting.deadlines.data_years",
    "ia_data.reporting.deadlines.deadlines",
    "ia_data.reporting.money.active_allocations",
    "ia_data.reporting.money.money",
    "ia_data.reporting.money.allocation_history",
    "ia_data.reporting.money.pool_status",
    "ia_data.reporting.overview.overview",
    "ia_data.reporting.sickness.sickness_overview",
    "ia_data.reporting.sickness.sickness_series_for_year",
    "ia_data.reporting.sickness.council_sickness",
    "ia_data.reporting.sickness.sickness_and_activity",
    "ia_data.reporting.totals.council_year_totals",
    "ia_data.reporting.totals.report_totals",
    "ia_data.reporting.uploads.upload_history",
    "ia_data.reporting.uploads.uploaded_periods",
    "ia_data.reporting.uploads.upload_sources",
    "ia_data.output.compiled.compiled_report",
    "ia_data.output.compiled_facts.compiled_facts",
    "ia_data.output.pdf.compiled_pdf",
    "ia_data.output.pdf.compiled_html",
    "ia_data.reporting.deviations.deviations",
    "ia_data.reporting.deviations.file_deviations",
    "ia_data.output.exports.overview_export",
    "ia_data.output.exports.table_export",
    "ia_data.output.exports.deadlines_export",
    "ia_data.output.exports.activities_export",
    "ia_data.output.template.template_for_year",
    "ia_data.storage.store.import_file",
    "ia_data.storage.store.restore_upload",
    "ia_data.storage.store.upload_content",
    "ia_data.storage.users.users",
    "ia_data.storage.users.access_log",
    "ia_data.storage.users.set_user",
    "ia_data.storage.users.remove_user",
    "ia_data.storage.users.clear_subject",
    "ia_data.storage.register.load_new_register",
    "ia_data.storage.register.register_history",
    "ia_data.storage.stats.import_stats",
    "ia_data.storage.stats.load_series",
    "ia_data.storage.stats.fetch_stats",
    "ia_data.storage.stats.series_list",
    "ia_data.storage.stats.series_history",
    "ia_data.storage.review.approve",
    "ia_data.storage.review.send_back",
    "ia_data.storage.review.comment",
    "ia_data.reporting.deadlines.arrivals",
    "ia_data.reporting.changes.stored_changes",
    "ia_data.reporting.review.review_changes",
    "ia_data.output.exports.review_history_export",
    "ia_data.output.exports.review_states_export",
    "ia_data.reporting.review.review_states",
    "ia_data.reporting.review.review_queue",
    "ia_data.reporting.review.review_history",
    "ia_data.output.forward.forward_period",
    "ia_data.output.forward.forwarded_reports",
    "ia_data.output.forward.forwarded_file",
    "ia_data.reporting.outbox.outbox_table",  # test_notices.py: refused but to reviewers
    "ia_data.reporting.plans.plan_progress",  # test_plans.py: a secretariat's own councils
    "ia_data.reporting.themes.theme_totals",
    "ia_data.output.plan_template.plan_template_for_year",
}
# Those that need no scope, and why: the operator's list of uploads (CLI only), the insides
# of a store call, and the reading of a user's own scope at sign-in (and their own sign-out).
WITHOUT_SCOPE = {
    "ia_data.storage.history.uploads",  # the operator's list (the CLI)
    # the insides of a store call (a new version and the one it replaces), not queries
    "ia_data.storage.versions.insert_rows",
    "ia_data.storage.versions.active_report",
    "ia_data.storage.versions.store_report",
    "ia_data.storage.versions.store_plan",
    "ia_data.storage.versions.deactivate_plan",
    "ia_data.storage.versions.store_allocations",
    "ia_data.storage.versions.deactivate_allocations",
    "ia_data.storage.store.lock_councils",
    "ia_data.storage.review.record_arrival",  # an upload, a restore
    "ia_data.storage.sign_ins.user_scope",  # the scope itself, read at sign-in
    "ia_data.storage.sign_ins.sign_in",
    "ia_data.storage.sign_ins.current_scope",  # the same check, for a download's click
    "ia_data.storage.sign_ins.sign_out",  # a user's own «Logg ut»
    # the insides of a sign-in, and of an admin's change of a user (``users``)
    "ia_data.storage.sign_ins.user_and_state",
    "ia_data.storage.sign_ins.end_sign_ins",
    "ia_data.storage.sign_ins.council_names",
    "ia_data.storage.register.councils",  # the register itself, for the scoped queries
    "ia_data.storage.register.load_register",  # into a new database, by the migrations
    "ia_data.storage.register.plan_register",  # inside load_new_register
    "ia_data.storage.stats.load_shipped_series",  # into a new database, by the migrations
}


def test_every_public_query_and_store_call_takes_a_scope_it_cannot_do_without():
    found = _public_functions()
    assert set(found) == SCOPED | WITHOUT_SCOPE  # a new query is added to the checks here
    assert not SCOPED & WITHOUT_SCOPE
    for name, function in found.items():
        if name in WITHOUT_SCOPE:
            continue
        parameter = inspect.signature(function).parameters.get("scope")
        assert parameter is not None, name
        assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, name
        assert parameter.default is inspect.Parameter.empty, name  # no default: fails closed


def test_a_secretariat_gets_its_own_councils_rows_from_every_query(session, troms):
    rules = load_rules(DEFAULT_RULES_FILE)
    ids = _ids(session)
    own = ids["IA-rådet i Troms"]
    reports = session.exec(select(Report.id)).all()
    uploads = session.exec(select(Upload.id)).all()
    assert len(uploads) == len(FILES)

    assert [c.id for c in council_register(session, scope=troms)] == [own]
    # a link naming Troms and Oslo: Oslo lies outside, named (the register is no one's data)
    oslo = ids["IA-rådet i Oslo"]
    assert councils_outside(session, scope=troms, council_ids=[own, oslo]) == {
        oslo: "IA-rådet i Oslo"
    }
    assert {r.council.id for r in overview(session, 2015, AS_OF, rules, scope=troms)} == {own}
    assert {r.council.id for r in money(session, rules, scope=troms)} == {own}
    assert {r.council.id for r in deadlines(session, rules, AS_OF, scope=troms)} == {own}
    activities, total = activity_list(session, scope=troms)
    assert {a.council_id for a in activities} == {own} and total == len(activities) > 0
    assert {m.council_id for m in meeting_list(session, scope=troms)} == {own}
    assert {t.council_id for t in spend_by_type(session, 2015, scope=troms)} == {own}
    assert {a.council for a in allocation_history(session, scope=troms)} == {"IA-rådet i Troms"}
    assert pool_status(session, rules, 2012, scope=troms) is None  # the pool is everyone's
    assert {k[0] for k in active_allocations(session, YEARS, scope=troms)} == {own}
    assert {k[0] for k in council_year_totals(session, YEARS, scope=troms)} == {own}
    troms_reports = session.exec(select(Report.id).where(Report.council_id == own)).all()
    assert set(report_totals(session, reports, scope=troms)) == set(troms_reports)
    history = upload_history(session, scope=troms)
    assert [(u.council_id, u.period_label) for u in history] == [(own, "2015 År"), (own, "2012 H1")]
    assert uploaded_periods(session, scope=troms) == [(2015, "År"), (2012, "H1")]
    assert {s.council for s in upload_sources(session, uploads, scope=troms)} == {
        "IA-rådet i Troms"
    }
    assert set(report_uploads(session, 2015, scope=troms)) == {history[0].id}
    # counts over Troms' activities only, by type and by sub-goal
    own_2015 = [a for a in activities if a.year == 2015 and a.status != "Avlyst"]
    by_type = activity_breakdown(session, 2015, "type", scope=troms)
    assert sum(b.activities for b in by_type) == len(own_2015)
    by_goal = activity_breakdown(session, 2015, "goal", scope=troms)
    assert [b.activities for b in by_goal] == [
        sum(1 for a in own_2015 if k in a.goals) for k in (1, 2, 3)
    ]
    options = activity_filter_options(session, 2015, scope=troms)
    assert set(options["types"]) == {a.type for a in activities if a.year == 2015}
    # the years are Troms' own: 2012 (a report and an allocation) to 2015
    assert years_with_data(session, scope=troms) == [2015, 2014, 2013, 2012]
    assert data_years(session, rules, scope=troms) == [2012, 2013, 2014, 2015]
    history_of_own = council_history(session, rules, own, AS_OF, scope=troms)
    assert history_of_own.council.name == "IA-rådet i Troms"
    periods = council_reports(session, rules, history_of_own.council, [2015], AS_OF, scope=troms)
    assert [p.stored for p in periods] == [True]


def test_a_secretariat_asking_for_another_council_is_refused(session, troms):
    rules = load_rules(DEFAULT_RULES_FILE)
    nordland = _ids(session)["IA-rådet i Nordland"]
    calls = [
        lambda: overview(session, 2015, AS_OF, rules, [nordland], scope=troms),
        lambda: money(session, rules, None, [nordland], scope=troms),
        lambda: deadlines(session, rules, AS_OF, None, [nordland], scope=troms),
        lambda: activity_list(session, 2015, [nordland], scope=troms),
        lambda: meeting_list(session, None, [nordland], scope=troms),
        lambda: council_history(session, rules, nordland, AS_OF, scope=troms),
        lambda: upload_history(session, [nordland], scope=troms),
        lambda: overview_export(session, 2015, AS_OF, rules, "csv", [nordland], scope=troms),
        lambda: activity_breakdown(session, 2015, "type", [nordland], scope=troms),
        lambda: activity_breakdown(session, 2015, "goal", [nordland], scope=troms),
        lambda: spend_by_type(session, 2015, [nordland], scope=troms),
        lambda: allocation_history(session, None, [nordland], scope=troms),
        lambda: active_allocations(session, YEARS, [nordland], scope=troms),
        lambda: council_year_totals(session, YEARS, [nordland], scope=troms),
        lambda: report_uploads(session, 2015, [nordland], scope=troms),
        lambda: deadlines_export(session, rules, AS_OF, "csv", None, [nordland], scope=troms),
        lambda: activities_export(session, 2015, "csv", [nordland], scope=troms, rules=rules),
        lambda: council_reports(
            session, rules, councils(session, [nordland])[0], [2015], AS_OF, scope=troms
        ),
    ]
    for call in calls:
        with pytest.raises(OutsideScope, match=r"Ingen tilgang: rådet \(nr\. \d+\) ligger utenfor"):
            call()


def test_a_scope_without_councils_reaches_nothing(session):
    rules = load_rules(DEFAULT_RULES_FILE)
    assert overview(session, 2015, AS_OF, rules, scope=NOBODY) == []
    assert deviations(session, rules, 2015, AS_OF, scope=NOBODY).items == []
    assert activity_list(session, scope=NOBODY) == ([], 0)
    assert upload_history(session, scope=NOBODY) == []
    assert years_with_data(session, scope=NOBODY) == []
    assert money(session, rules, scope=NOBODY) == []


def test_the_oversight_group_reads_every_council(session):
    rules = load_rules(DEFAULT_RULES_FILE)
    assert len(overview(session, 2015, AS_OF, rules, scope=OVERSIGHT)) == 18
    assert overview(session, 2015, AS_OF, rules, scope=OVERSIGHT) == overview(
        session, 2015, AS_OF, rules, scope=OPERATOR
    )


def _csv_councils(data: bytes) -> set[str]:
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    return {row["IA-råd"] for row in rows}


def test_a_secretariats_exports_hold_its_council_only(session, troms):
    rules = load_rules(DEFAULT_RULES_FILE)
    assert _csv_councils(overview_export(session, 2015, AS_OF, rules, "csv", scope=troms)) == {
        "IA-rådet i Troms"
    }
    assert _csv_councils(deadlines_export(session, rules, AS_OF, "csv", scope=troms)) == {
        "IA-rådet i Troms"
    }
    assert _csv_councils(activities_export(session, 2015, "csv", scope=troms, rules=rules)) == {
        "IA-rådet i Troms"
    }
    book = openpyxl.load_workbook(
        io.BytesIO(compiled_report(session, rules, 2015, AS_OF, scope=troms))
    )
    assert book.sheetnames == ["Sammendrag", "Troms", "Om uttrekket"]
    about = {r[0]: r[1] for r in book["Om uttrekket"].iter_rows(values_only=True)}
    assert about["IA-råd"] == "IA-rådet i Troms"
    sources = [v for k, v in about.items() if str(k).startswith("Opplasting nr.")]
    assert len(sources) == 1 and sources[0].startswith("IA-rådet i Troms, 2015 År")
    # a table handed in names only the sources in scope in its «Om uttrekket»
    every_upload = session.exec(select(Upload.id)).all()
    data = table_export(
        session,
        money_table(money(session, rules, scope=troms)),
        "xlsx",
        title="Økonomi",
        filters=[],
        upload_ids=every_upload,
        scope=troms,
        rules=rules,
    )
    about = dict(
        openpyxl.load_workbook(io.BytesIO(data))["Om uttrekket"].iter_rows(values_only=True)
    )
    assert about["Antall opplastinger"] == 2  # Troms' two reports, no other council's
    template = openpyxl.load_workbook(
        io.BytesIO(template_for_year(session, 2015, rules, scope=troms))
    )
    lists = template["Lister"] if "Lister" in template.sheetnames else None
    names = {c.value for row in lists.iter_rows() for c in row if c.value} if lists else set()
    assert "IA-rådet i Troms" in names and "IA-rådet i Nordland" not in names
    # The plan template lists the same councils; the PDF has Troms' page only; the priority
    # themes count the councils in scope only (Troms names none, Nordland and others do).
    plan_template = openpyxl.load_workbook(
        io.BytesIO(plan_template_for_year(session, 2015, rules, scope=troms))
    )
    plan_names = {c.value for ws in plan_template for row in ws.iter_rows() for c in row}
    assert "IA-rådet i Troms" in plan_names and "IA-rådet i Nordland" not in plan_names
    facts = compiled_facts(session, rules, 2015, AS_OF, scope=troms)
    page = compiled_html(session, rules, facts, AS_OF, datetime(2017, 6, 1), scope=troms)
    assert "IA-rådet i Troms" in page and "Nordland" not in page
    everyone = {r.council for r in theme_totals(session, 2015, rules, scope=OPERATOR)}
    assert "IA-rådet i Nordland" in everyone
    assert theme_totals(session, 2015, rules, scope=troms) == []


# --- storing and restoring within the scope ---------------------------------------------------


def _counts(engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table: connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()
            for table in ("upload", "report", "activity", "meeting", "allocation", "restore")
        }


def test_a_secretariat_cannot_store_another_councils_report(sample_db):
    with Session(sample_db) as session:
        troms = secretariat({_ids(session)["IA-rådet i Troms"]: "IA-rådet i Troms"})
    before = _counts(sample_db)
    for dry_run in (True, False):
        result = store.import_file(
            sample_db, NORDLAND_2015.name, NORDLAND_2015.read_bytes(), scope=troms, dry_run=dry_run
        )
        assert result.status == "avvist"
        assert result.message == (
            f"{NORDLAND_2015.name}: ikke lagret – Ingen tilgang: arbeidsboka er rapporten til "
            "IA-rådet i Nordland, men du kan bare laste opp for IA-rådet i Troms; ingenting er "
            "lagret"
        )
    assert _counts(sample_db) == before
    result = store.import_file(
        sample_db, TROMS_2012.name, TROMS_2012.read_bytes(), scope=troms, by=Actor("Kari")
    )
    assert result.status == "lagret"


def test_the_oversight_group_stores_and_restores_nothing_and_only_an_admin_allocations(sample_db):
    with Session(sample_db) as session:
        troms = secretariat({_ids(session)["IA-rådet i Troms"]: "IA-rådet i Troms"})
    before = _counts(sample_db)
    result = store.import_file(sample_db, TROMS_2012.name, TROMS_2012.read_bytes(), scope=OVERSIGHT)
    assert result.message.endswith(
        "ikke lagret – Ingen tilgang: rollen «Oversiktsgruppen» kan lese, men ikke laste opp "
        "eller gjenopprette; ingenting er lagret"
    )
    decision = SAMPLE_DIR / "tildelinger_2012-2014.xlsx"
    result = store.import_file(sample_db, decision.name, decision.read_bytes(), scope=troms)
    assert result.message.endswith(
        "ikke lagret – Ingen tilgang: tildelingsvedtak kan bare lastes opp av en administrator; "
        "ingenting er lagret"
    )
    assert _counts(sample_db) == before


def test_restores_and_files_are_kept_to_the_scope_and_name_who_restored(sample_db):
    with Session(sample_db) as session:
        ids = _ids(session)
    troms = secretariat({ids["IA-rådet i Troms"]: "IA-rådet i Troms"})
    finnmark = secretariat({ids["IA-rådet i Finnmark"]: "IA-rådet i Finnmark"})
    data = TROMS_2012.read_bytes()
    first = store.import_file(sample_db, "v1.xlsx", data, scope=troms, by=Actor("Kari"))
    from workbooks import report_xlsx

    second = store.import_file(sample_db, "v2.xlsx", report_xlsx(), scope=OPERATOR)
    assert (first.status, second.status) == ("lagret", "lagret")
    with pytest.raises(store.RestoreError, match="Ingen tilgang: rådet"):
        store.restore_upload(sample_db, first.upload_id, scope=finnmark, by=Actor("Per"))
    with pytest.raises(store.RestoreError, match="Ingen tilgang: rollen «Oversiktsgruppen»"):
        store.restore_upload(sample_db, first.upload_id, scope=OVERSIGHT)
    with Session(sample_db) as session:
        assert store.upload_content(session, first.upload_id, scope=finnmark) is None
        assert store.upload_content(session, first.upload_id, scope=troms) == ("v1.xlsx", data)
    message = store.restore_upload(
        sample_db, first.upload_id, scope=troms, by=Actor("Kari", "k@x.no")
    )
    assert message.startswith(f"Opplasting nr. {first.upload_id} er gjenopprettet")
    with Session(sample_db) as session:
        rows = {r.id: r for r in upload_history(session, scope=troms)}
    assert (rows[first.upload_id].active, rows[first.upload_id].restored_by) == (
        True,
        "Kari (k@x.no)",
    )
    assert rows[second.upload_id].restored_at is None
    with Session(sample_db) as session:  # and «Om uttrekket» names who uploaded and restored
        data = overview_export(
            session, 2012, AS_OF, load_rules(DEFAULT_RULES_FILE), "xlsx", scope=troms
        )
    about = dict(
        openpyxl.load_workbook(io.BytesIO(data))["Om uttrekket"].iter_rows(values_only=True)
    )
    source = about[f"Opplasting nr. {first.upload_id}"]
    assert source.startswith("IA-rådet i Troms, 2012 H1 – v1.xlsx, lastet opp ")
    assert " av Kari, gjenopprettet " in source and source.endswith(" av Kari (k@x.no)")


# --- users and their log ------------------------------------------------------------------

_PROVIDER_CLOCK = itertools.count(2_000_000_000)  # after the times the tests give


def _sign_in(engine, email: str, name: str = "", admins=None, *, sub=None, iat=None):
    """``sign_ins.sign_in`` as a new sign-in at the provider: its account (``sub``, by default
    one per address) and its issue time (``iat``, by default a second after the last)."""
    return sign_ins.sign_in(
        engine,
        email,
        name,
        admins,
        subject=sub or f"konto-{email.strip().lower()}",
        issued_at=next(_PROVIDER_CLOCK) if iat is None else iat,
    )


def test_users_are_added_changed_and_removed_with_every_change_kept(sample_db):
    with Session(sample_db) as session:
        ids = _ids(session)
    by = Actor("Admin", "admin@x.no")
    assert _sign_in(sample_db, "Admin@X.no", "Admin", admins=["admin@x.no"]) == OPERATOR
    text = users.set_user(
        sample_db,
        " Kari@Troms.no ",
        Role.SECRETARIAT,
        [ids["IA-rådet i Troms"], ids["IA-rådet i Finnmark"]],
        name="Kari",
        by=by,
        scope=OPERATOR,
    )
    assert text == (
        "kari@troms.no er lagt til med rollen sekretariat for IA-rådet i Finnmark, IA-rådet i Troms"
    )
    with Session(sample_db) as session:
        scope = sign_ins.user_scope(session, "KARI@troms.no")
    assert scope.role == Role.SECRETARIAT
    assert scope.councils == {ids["IA-rådet i Troms"], ids["IA-rådet i Finnmark"]}
    users.set_user(sample_db, "kari@troms.no", Role.OVERSIGHT, by=by, scope=OPERATOR)
    assert users.remove_user(sample_db, "kari@troms.no", by=by, scope=OPERATOR) == (
        "kari@troms.no har ikke lenger tilgang"
    )
    with Session(sample_db) as session:
        assert sign_ins.user_scope(session, "kari@troms.no") is None
        log = [
            (c.email, c.action, c.role, c.councils, c.changed_by)
            for c in session.exec(select(AccessChange).order_by(AccessChange.id))
        ]
    who = "Admin (admin@x.no)"  # as the log names the actor
    assert log == [
        ("admin@x.no", "lagt til", "admin", "", "innstillingen IA_ADMIN_EMAILS"),
        ("kari@troms.no", "lagt til", "sekretariat", "IA-rådet i Finnmark, IA-rådet i Troms", who),
        ("kari@troms.no", "endret", "oversikt", "", who),
        ("kari@troms.no", "fjernet", "oversikt", "", who),
    ]


def test_the_last_admin_stays_and_bad_changes_are_refused_with_the_reason(sample_db):
    _sign_in(sample_db, "admin@x.no", "Admin", admins=["admin@x.no"])
    refusals = {
        "er den siste administratoren og kan ikke fjernes": lambda: users.remove_user(
            sample_db, "admin@x.no", by=Actor("x"), scope=OPERATOR
        ),
        "er den siste administratoren og kan ikke få en annen rolle": lambda: users.set_user(
            sample_db, "admin@x.no", Role.OVERSIGHT, by=Actor("x"), scope=OPERATOR
        ),
        "«ikke-en-adresse» er ikke en e-postadresse": lambda: users.set_user(
            sample_db, "ikke-en-adresse", Role.OVERSIGHT, by=Actor("x"), scope=OPERATOR
        ),
        "Et sekretariat må ha minst ett IA-råd": lambda: users.set_user(
            sample_db, "a@b.no", Role.SECRETARIAT, by=Actor("x"), scope=OPERATOR
        ),
        "Ukjent rolle «sjef»": lambda: users.set_user(
            sample_db, "a@b.no", "sjef", by=Actor("x"), scope=OPERATOR
        ),
        r"Ukjent IA-råd \(nr. 999\)": lambda: users.set_user(
            sample_db, "a@b.no", Role.SECRETARIAT, [999], by=Actor("x"), scope=OPERATOR
        ),
        "har ingen tilgang å fjerne": lambda: users.remove_user(
            sample_db, "ingen@x.no", by=Actor("x"), scope=OPERATOR
        ),
    }
    for message, call in refusals.items():
        with pytest.raises(users.AccessError, match=message):
            call()
    for scope in (OVERSIGHT, NOBODY):
        with pytest.raises(OutsideScope, match="bare en administrator"):
            users.set_user(sample_db, "a@b.no", Role.OVERSIGHT, by=Actor("x"), scope=scope)
        with Session(sample_db) as session, pytest.raises(OutsideScope):
            users.users(session, scope=scope)
    # with a second admin, the first can go
    users.set_user(sample_db, "to@x.no", Role.ADMIN, by=Actor("x"), scope=OPERATOR)
    users.remove_user(sample_db, "admin@x.no", by=Actor("to@x.no"), scope=OPERATOR)
    with Session(sample_db) as session:
        assert [u.email for u in users.users(session, scope=OPERATOR)] == ["to@x.no"]


def test_a_user_named_in_the_setting_becomes_admin_at_first_sign_in_only(sample_db):
    assert sign_ins.admin_emails(" A@x.no, b@y.no;c@z.no ") == ["a@x.no", "b@y.no", "c@z.no"]
    assert _sign_in(sample_db, "noen@x.no", "Noen", admins=["a@x.no"]) is None
    assert _sign_in(sample_db, "A@x.no", "A", admins=["a@x.no"]) == OPERATOR
    users.set_user(sample_db, "b@y.no", Role.ADMIN, by=Actor("a@x.no"), scope=OPERATOR)
    users.set_user(sample_db, "a@x.no", Role.OVERSIGHT, by=Actor("b@y.no"), scope=OPERATOR)
    # demoted by another admin, the setting does not make them admin again
    assert _sign_in(sample_db, "a@x.no", "A", admins=["a@x.no"]) == OVERSIGHT


# --- the command line ---------------------------------------------------------------------------


def test_users_list_add_remove_on_the_command_line(database, capsys):
    url = database(SAMPLE_REGISTER)
    args = ["--db", url, "users"]
    assert main([*args, "list"]) == 0
    assert "Ingen brukere ennå" in capsys.readouterr().out
    assert main([*args, "add", "Kari@Troms.no", "--role", "sekretariat", "--council", "Troms",
                 "--council", "finnmark", "--name", "Kari Nordmann"]) == 0  # fmt: skip
    assert capsys.readouterr().out == (
        "kari@troms.no er lagt til med rollen sekretariat for IA-rådet i Finnmark, "
        "IA-rådet i Troms\n"
    )
    assert main([*args, "add", "leder@x.no", "--role", "admin"]) == 0
    capsys.readouterr()
    assert main([*args, "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == [
        "kari@troms.no", "sekretariat", "Kari", "Nordmann", "(IA-rådet", "i", "Finnmark,",
        "IA-rådet", "i", "Troms)",
    ]  # fmt: skip
    assert out[1].split() == ["leder@x.no", "admin"]
    assert main([*args, "add", "x@y.no", "--role", "sekretariat", "--council", "Agde"]) == 0
    assert main([*args, "add", "z@y.no", "--role", "sekretariat", "--council", "Bergen"]) == 2
    assert "IA-rådet «Bergen» finnes ikke; velg blant: " in capsys.readouterr().err
    assert main([*args, "add", "z@y.no", "--role", "sekretariat", "--council", "trøndelag"]) == 2
    assert "IA-rådet «trøndelag» er ikke entydig" in capsys.readouterr().err
    assert main([*args, "remove", "leder@x.no"]) == 1
    assert capsys.readouterr().err == (
        "Feil: leder@x.no er den siste administratoren og kan ikke fjernes; gi først en annen "
        "bruker rollen administrator\n"
    )
    assert main([*args, "remove", "kari@troms.no"]) == 0
    assert capsys.readouterr().out == "kari@troms.no har ikke lenger tilgang\n"
    assert main([*args, "add", "q@y.no"]) == 2


@pytest.mark.parametrize("engine_name", ["postgresql"])  # SQLite writes one at a time
def test_two_first_sign_ins_of_one_admin_at_once_both_get_in(sample_db, monkeypatch):
    # The other sign-in (another tab, another server) stores the admin between this one's
    # look-up and its insert: the primary key stops the second row, and both are admins.
    other = _sign_in
    real_now = sign_ins._now

    def the_other_first(now):
        monkeypatch.setattr(sign_ins, "_now", real_now)
        assert other(sample_db, "a@x.no", "A", admins=["a@x.no"]) == OPERATOR
        return real_now(now)

    monkeypatch.setattr(sign_ins, "_now", the_other_first)
    assert _sign_in(sample_db, "a@x.no", "A", admins=["a@x.no"]) == OPERATOR
    with Session(sample_db) as session:
        assert len(session.exec(select(AccessChange)).all()) == 1  # added once


def test_an_admin_from_the_setting_once_removed_stays_removed(sample_db):
    _sign_in(sample_db, "a@x.no", "A", admins=["a@x.no", "b@x.no"])
    _sign_in(sample_db, "b@x.no", "B", admins=["a@x.no", "b@x.no"])
    users.remove_user(sample_db, "a@x.no", by=Actor("b@x.no"), scope=OPERATOR)
    assert _sign_in(sample_db, "a@x.no", "A", admins=["a@x.no", "b@x.no"]) is None


# --- sign-in: look-alike addresses, the provider's account, sessions that end -----------------

KARI = "kari@x.no"
KELVIN_KARI = "\u212aari@x.no"  # «Kari@x.no» with the Kelvin sign (U+212A) for the K
KELVIN = (
    "E-postadressen «\u212aari@x.no» har tegnet «\u212a» (U+212A), som bare ligner «K»; "
    "skriv adressen med vanlige tegn (æ, ø og å går fint)"
)
ANOTHER_ACCOUNT = (
    "Adressen kari@x.no er knyttet til en annen konto hos innloggingstjenesten enn den du "
    "logget inn med, så denne innloggingen gir ingen tilgang. Er kontoen din byttet ut, kan "
    "en administrator fjerne koblingen på siden «Tilgang»"
)


def _stored(engine) -> tuple:
    """Everything sign-in and access keep: the users with their binding, each address's
    sign-ins, the log."""
    with Session(engine) as session:
        return (
            [(u.email, u.role, u.subject) for u in session.exec(select(AppUser))],
            [(s.email, s.newest_seen, s.counts_from) for s in session.exec(select(SignInState))],
            [(c.email, c.action) for c in session.exec(select(AccessChange))],
        )


def test_a_look_alike_address_gets_no_one_elses_role(sample_db):
    assert KELVIN_KARI.lower() == KARI  # what Python's lower() does, and NFC does the same
    users.set_user(sample_db, KARI, Role.ADMIN, name="Kari", by=Actor("x"), scope=OPERATOR)
    before = _stored(sample_db)
    refusals = {
        KELVIN_KARI: KELVIN,
        "\uff4bari@x.no": (  # a full-width k
            "E-postadressen «\uff4bari@x.no» har tegnet «\uff4b» (U+FF4B), som bare ligner "
            "«k»; skriv adressen med vanlige tegn (æ, ø og å går fint)"
        ),
        "\ufb01nn@x.no": (  # the ligature fi
            "E-postadressen «\ufb01nn@x.no» har tegnet «\ufb01» (U+FB01), som bare ligner "
            "«fi»; skriv adressen med vanlige tegn (æ, ø og å går fint)"
        ),
        "ka\u200bri@x.no": (  # a zero-width space
            "E-postadressen «ka\u200bri@x.no» har et usynlig tegn (U+200B); skriv adressen "
            "med vanlige tegn"
        ),
    }
    for address, message in refusals.items():
        with pytest.raises(sign_ins.SignInRefused) as refused:
            _sign_in(sample_db, address, "Mallory", admins=[KARI])
        assert str(refused.value) == message
        assert not sign_ins.sign_out(sample_db, address, subject="m", issued_at=2_000_000_000)
    assert _stored(sample_db) == before


INVISIBLE = [
    ("\u034f", "U+034F"),  # combining grapheme joiner (a mark, not a format character)
    ("\ufe00", "U+FE00"),  # variation selectors
    ("\ufe0f", "U+FE0F"),
    ("\U000e0100", "U+E0100"),
    ("\U000e01ef", "U+E01EF"),
    ("\u180b", "U+180B"),  # Mongolian free variation selectors
    ("\u180c", "U+180C"),
    ("\u180d", "U+180D"),
    ("\u115f", "U+115F"),  # Hangul fillers (letters)
    ("\u1160", "U+1160"),
    ("\u3164", "U+3164"),
    ("\uffa0", "U+FFA0"),
    ("\u2800", "U+2800"),  # the blank Braille pattern (a symbol)
    ("\u00ad", "U+00AD"),  # soft hyphen
    ("\u200d", "U+200D"),  # zero-width joiner
    ("\U000e0041", "U+E0041"),  # tag latin capital letter A
]


@pytest.mark.parametrize(("char", "code"), INVISIBLE, ids=[c for _, c in INVISIBLE])
def test_an_invisible_character_is_refused_whatever_its_category(char, code):
    address = f"ka{char}ri@x.no"
    assert email_problem(address) == (
        f"E-postadressen «{address}» har et usynlig tegn ({code}); skriv adressen med vanlige tegn"
    )


LOOSE = [
    ("k\u030aari@x.no", "\u030a", "U+030A"),  # a ring over k: no such letter
    ("\u0301kari@x.no", "\u0301", "U+0301"),  # an accent over nothing
    ("a\u0301\u030ase@x.no", "\u030a", "U+030A"),  # a second accent over á
    ("kari\u20dd@x.no", "\u20dd", "U+20DD"),  # an enclosing circle
]


@pytest.mark.parametrize(("address", "mark", "code"), LOOSE, ids=[c for *_, c in LOOSE])
def test_a_combining_mark_nfc_does_not_compose_is_refused(address, mark, code):
    assert email_problem(address) == (
        f"E-postadressen «{address}» har et kombinerende tegn («\u25cc{mark}», {code}) som "
        "ikke blir én bokstav med tegnet foran; skriv adressen med vanlige tegn (æ, ø og å går "
        "fint)"
    )


def test_invisible_characters_and_loose_marks_get_no_role_and_are_stored_nowhere(sample_db):
    users.set_user(sample_db, KARI, Role.ADMIN, by=Actor("x"), scope=OPERATOR)
    before = _stored(sample_db)
    for address in ("ka\ufe0fri@x.no", "ka\u3164ri@x.no", "k\u030aari@x.no"):
        with pytest.raises(sign_ins.SignInRefused) as refused:
            _sign_in(sample_db, address, "Mallory", admins=[KARI])
        assert str(refused.value) == email_problem(address)
        with pytest.raises(users.AccessError) as refused:
            users.set_user(sample_db, address, Role.ADMIN, by=Actor("x"), scope=OPERATOR)
        assert str(refused.value) == email_problem(address)
    assert sign_ins.admin_emails("ka\u034fri@x.no, ada@x.no") == ["ada@x.no"]
    assert _stored(sample_db) == before


def test_ae_oe_aa_and_other_letters_stay_valid_and_match_in_any_case(sample_db):
    text = users.set_user(
        sample_db, "Åse.Ødegård@Bø.no", Role.OVERSIGHT, by=Actor("x"), scope=OPERATOR
    )
    assert text == "åse.ødegård@bø.no er lagt til med rollen oversiktsgruppen"
    assert _sign_in(sample_db, "ÅSE.ØDEGÅRD@BØ.NO", sub="åse") == OVERSIGHT
    # «Å» as «A» and a combining ring, as some systems write it: the same address
    assert _sign_in(sample_db, "A\u030ase.ødegård@bø.no", sub="åse") == OVERSIGHT
    assert users.set_user(
        sample_db, "Ærlig.İlker@x.no", Role.OVERSIGHT, by=Actor("x"), scope=OPERATOR
    )
    assert _sign_in(sample_db, "ærlig.i\u0307lker@x.no", sub="ærlig") == OVERSIGHT
    assert _sign_in(sample_db, "ærlig.ilker@x.no", sub="ærlig") is None  # İ is not I


def test_a_look_alike_address_is_refused_by_the_admin_setting_tilgang_and_the_cli(database, capsys):
    url = database(SAMPLE_REGISTER)
    engine = db.get_engine(url)
    # In IA_ADMIN_EMAILS it is left out (it is nobody's key), and it does not make Kari admin.
    assert sign_ins.admin_emails(f"{KELVIN_KARI}, ada@x.no") == ["ada@x.no"]
    with pytest.raises(sign_ins.SignInRefused, match="U\\+212A"):
        _sign_in(engine, KELVIN_KARI, "Mallory", admins=[KARI])
    assert _sign_in(engine, KARI, "Kari", admins=sign_ins.admin_emails(KELVIN_KARI)) is None
    before = _stored(engine)
    with pytest.raises(users.AccessError) as refused:
        users.set_user(engine, KELVIN_KARI, Role.ADMIN, by=Actor("x"), scope=OPERATOR)
    assert str(refused.value) == KELVIN
    assert main(["--db", url, "users", "add", KELVIN_KARI, "--role", "admin"]) == 1
    assert capsys.readouterr().err == f"Feil: {KELVIN}\n"
    assert main(["--db", url, "users", "remove", KELVIN_KARI]) == 1
    assert capsys.readouterr().err == f"Feil: {KELVIN}\n"
    assert _stored(engine) == before


def test_a_user_is_bound_to_the_account_that_first_signs_in(sample_db):
    users.set_user(sample_db, KARI, Role.OVERSIGHT, name="Kari", by=Actor("x"), scope=OPERATOR)
    assert _stored(sample_db)[0] == [(KARI, Role.OVERSIGHT, None)]
    assert _sign_in(sample_db, KARI, sub="karis-konto", iat=1_900_000_000) == OVERSIGHT
    assert _stored(sample_db)[0] == [(KARI, Role.OVERSIGHT, "karis-konto")]
    before = _stored(sample_db)
    with pytest.raises(sign_ins.SignInRefused) as refused:
        _sign_in(sample_db, "Kari@X.no", sub="en-annen-konto")
    assert str(refused.value) == ANOTHER_ACCOUNT
    with Session(sample_db) as session, pytest.raises(sign_ins.SignInRefused):
        sign_ins.current_scope(session, KARI, subject="en-annen-konto", issued_at=1_900_000_001)
    # the other account's «Logg ut» ends nothing of Kari's
    assert not sign_ins.sign_out(sample_db, KARI, subject="en-annen-konto", issued_at=1_900_000_002)
    assert _stored(sample_db) == before

    # Kari's account at the provider is replaced: an admin clears the binding (logged), and
    # Kari's sign-ins so far end.
    assert users.clear_subject(
        sample_db, "KARI@x.no", by=Actor("Ada", "ada@x.no"), scope=OPERATOR
    ) == (
        "kari@x.no er ikke lenger knyttet til en konto hos innloggingstjenesten; neste "
        "innlogging med adressen knytter den til kontoen som brukes da"
    )
    with Session(sample_db) as session:
        last = session.exec(select(AccessChange).order_by(AccessChange.id.desc())).first()
    assert (last.email, last.action, last.role, last.changed_by) == (
        KARI, "kontokobling fjernet", Role.OVERSIGHT, "Ada (ada@x.no)"
    )  # fmt: skip
    with pytest.raises(sign_ins.SessionEnded):
        _sign_in(sample_db, KARI, sub="karis-konto", iat=1_900_000_000)
    assert _sign_in(sample_db, KARI, sub="karis-nye-konto") == OVERSIGHT  # bound anew
    with pytest.raises(sign_ins.SignInRefused, match="knyttet til en annen konto"):
        _sign_in(sample_db, KARI, sub="karis-konto")


def test_an_admin_from_the_setting_is_bound_from_the_first_sign_in(sample_db):
    assert _sign_in(sample_db, "a@x.no", "A", admins=["a@x.no"], sub="a-konto") == OPERATOR
    before = _stored(sample_db)
    assert before[0] == [("a@x.no", Role.ADMIN, "a-konto")]
    with pytest.raises(sign_ins.SignInRefused, match=r"Adressen a@x\.no er knyttet til en annen"):
        _sign_in(sample_db, "a@x.no", "A", admins=["a@x.no"], sub="b-konto")
    assert _stored(sample_db) == before


def test_clearing_a_binding_that_cannot_be_cleared_is_refused_and_changes_nothing(sample_db):
    users.set_user(sample_db, KARI, Role.OVERSIGHT, by=Actor("x"), scope=OPERATOR)
    before = _stored(sample_db)
    refusals = {
        KARI: "kari@x.no er ikke knyttet til noen konto ennå (ikke logget inn siden tilgangen "
        "ble gitt); ingenting er endret",
        "ingen@x.no": "ingen@x.no har ingen tilgang",
        KELVIN_KARI: KELVIN,
    }
    for email, message in refusals.items():
        with pytest.raises(users.AccessError) as refused:
            users.clear_subject(sample_db, email, by=Actor("x"), scope=OPERATOR)
        assert str(refused.value) == message
    _sign_in(sample_db, KARI, sub="karis-konto")
    before = _stored(sample_db)
    for scope in (OVERSIGHT, NOBODY):
        with pytest.raises(OutsideScope, match="bare en administrator"):
            users.clear_subject(sample_db, KARI, by=Actor("x"), scope=scope)
    assert _stored(sample_db) == before


def test_a_sign_in_without_its_account_or_time_is_refused(sample_db):
    users.set_user(sample_db, KARI, Role.OVERSIGHT, by=Actor("x"), scope=OPERATOR)
    before = _stored(sample_db)
    with pytest.raises(sign_ins.SignInRefused) as refused:
        sign_ins.sign_in(sample_db, KARI, subject="", issued_at=1_900_000_000)
    assert str(refused.value) == (
        "Innloggingstjenesten sendte ingen konto-ID (sub), så innloggingen kan ikke knyttes "
        "til en bruker"
    )
    for iat in (0, True, "1900000000"):
        with pytest.raises(sign_ins.SignInRefused) as refused:
            sign_ins.sign_in(sample_db, KARI, subject="k", issued_at=iat)
        assert str(refused.value) == (
            "Innloggingstjenesten sendte ikke når innloggingen ble gjort (iat), så den kan "
            "ikke kontrolleres mot en utlogging"
        )
    assert _stored(sample_db) == before


def test_signing_out_ends_every_sign_in_of_the_user_seen_so_far(sample_db):
    users.set_user(sample_db, KARI, Role.OVERSIGHT, by=Actor("x"), scope=OPERATOR)
    phone, laptop = 1_900_000_000, 1_900_000_040  # two browsers, on the provider's clock
    for iat in (phone, laptop, phone):  # the phone's next click, after the laptop signed in
        assert _sign_in(sample_db, KARI, sub="k", iat=iat) == OVERSIGHT
    assert _stored(sample_db)[1] == [(KARI, laptop, 0)]
    assert sign_ins.sign_out(sample_db, KARI, subject="k", issued_at=phone)
    ended = _stored(sample_db)
    assert ended[1] == [(KARI, laptop, laptop + 1)]
    # The phone's copied cookie and the laptop's open tab: ended, and nothing recorded.
    for iat in (phone, laptop):
        with pytest.raises(sign_ins.SessionEnded):
            _sign_in(sample_db, KARI, sub="k", iat=iat)
        with Session(sample_db) as session, pytest.raises(sign_ins.SessionEnded):
            sign_ins.current_scope(session, KARI, subject="k", issued_at=iat)
        assert not sign_ins.sign_out(sample_db, KARI, subject="k", issued_at=iat)
    assert _stored(sample_db) == ended
    # The same second as the newest sign-in seen counts as before the sign-out (above); the
    # provider's next second is a new sign-in.
    assert _sign_in(sample_db, KARI, sub="k", iat=laptop + 1) == OVERSIGHT
    with Session(sample_db) as session:
        scope = sign_ins.current_scope(session, KARI, subject="k", issued_at=laptop + 1)
    assert scope == OVERSIGHT
    assert _stored(sample_db)[1] == [(KARI, laptop + 1, laptop + 1)]


def test_an_admin_changing_or_removing_a_user_ends_their_sign_ins(sample_db):
    t = 1_900_000_000
    users.set_user(sample_db, KARI, Role.OVERSIGHT, by=Actor("x"), scope=OPERATOR)
    assert _sign_in(sample_db, KARI, sub="k", iat=t) == OVERSIGHT
    users.set_user(sample_db, KARI, Role.ADMIN, by=Actor("x"), scope=OPERATOR)  # changed
    with pytest.raises(sign_ins.SessionEnded):
        _sign_in(sample_db, KARI, sub="k", iat=t)
    assert _sign_in(sample_db, KARI, sub="k", iat=t + 1) == OPERATOR
    users.set_user(sample_db, "ada@x.no", Role.ADMIN, by=Actor("x"), scope=OPERATOR)
    users.remove_user(sample_db, KARI, by=Actor("ada@x.no"), scope=OPERATOR)
    with pytest.raises(sign_ins.SessionEnded):  # removed: the sign-in has ended, not only the role
        _sign_in(sample_db, KARI, sub="k", iat=t + 1)
    users.set_user(sample_db, KARI, Role.OVERSIGHT, by=Actor("ada@x.no"), scope=OPERATOR)
    with pytest.raises(sign_ins.SessionEnded):  # given access again: the old cookie stays ended
        _sign_in(sample_db, KARI, sub="k", iat=t + 1)
    assert _sign_in(sample_db, KARI, sub="k", iat=t + 2) == OVERSIGHT  # still bound to «k»
    # Adding a user does not end the sign-in of someone waiting for a role.
    assert _sign_in(sample_db, "ny@x.no", sub="ny", iat=t) is None
    users.set_user(sample_db, "ny@x.no", Role.OVERSIGHT, by=Actor("ada@x.no"), scope=OPERATOR)
    assert _sign_in(sample_db, "ny@x.no", sub="ny", iat=t) == OVERSIGHT


@pytest.mark.parametrize(
    ("claims", "verified"),
    [
        ({}, True),  # no claim at all (Microsoft Entra ID): the provider is trusted
        ({"email_verified": True}, True),
        ({"email_verified": "true"}, True),
        ({"email_verified": False}, False),
        ({"email_verified": "False"}, False),
        ({"email_verified": "FALSE"}, False),
        ({"email_verified": "false"}, False),
        ({"email_verified": "0"}, False),
        ({"email_verified": "no"}, False),
        ({"email_verified": None}, False),
        ({"email_verified": 1}, False),  # 1 == True in Python, but not JSON true
        ({"email_verified": "1"}, False),
        ({"email_verified": "yes"}, False),
        ({"email_verified": ""}, False),
    ],
)
def test_only_a_true_email_verified_counts(claims, verified):
    assert address_verified(claims) is verified


def test_users_unbind_on_the_command_line(database, capsys):
    url = database(SAMPLE_REGISTER)
    args = ["--db", url, "users"]
    assert main([*args, "add", KARI, "--role", "oversikt"]) == 0
    assert main([*args, "unbind", KARI]) == 1
    assert capsys.readouterr().err == (
        "Feil: kari@x.no er ikke knyttet til noen konto ennå (ikke logget inn siden tilgangen "
        "ble gitt); ingenting er endret\n"
    )
    _sign_in(db.get_engine(url), KARI, sub="karis-konto")
    assert main([*args, "list"]) == 0
    assert capsys.readouterr().out.split() == [KARI, "oversikt", "[konto", "knyttet]"]
    assert main([*args, "unbind", KARI, "--by", "Ola Drift"]) == 0
    assert capsys.readouterr().out == (
        "kari@x.no er ikke lenger knyttet til en konto hos innloggingstjenesten; neste "
        "innlogging med adressen knytter den til kontoen som brukes da\n"
    )
    assert main([*args, "list"]) == 0
    assert capsys.readouterr().out.split() == [KARI, "oversikt"]
    with Session(db.get_engine(url)) as session:
        log = [(c.action, c.changed_by) for c in session.exec(select(AccessChange))]
    assert log[-1] == ("kontokobling fjernet", "Ola Drift")


# --- rows an older release stored under a key refused today; the binding kept; what ends -----

FULL_WIDTH_KARI = "\uff4bari@x.no"  # «kari@x.no» with a full-width k
DECOMPOSED_ASE = "a\u030ase@x.no"  # «åse@x.no» with «å» as «a» and a combining ring


def _older_row(engine, key: str, role: str = Role.ADMIN) -> None:
    """A user as an older release stored it: under a key ``normal_email`` refuses (the
    full-width k) or keeps apart (the decomposed å), so that no sign-in reaches it."""
    with Session(engine) as session:
        session.add(
            AppUser(
                email=key, name="Gammel", role=role, changed_at=datetime(2020, 1, 1, tzinfo=UTC),
                changed_by="en eldre utgave",
            )
        )  # fmt: skip
        session.commit()


UNUSABLE_ADMINS = (
    "er den siste administratoren som kan logge inn, og kan ikke {what} (a\u030ase@x.no, "
    "\uff4bari@x.no er også administratorer, men adressene kan ikke brukes til å logge inn); "
    "gi først en annen bruker rollen administrator"
)


def test_admins_no_sign_in_can_reach_do_not_count_and_can_be_removed(sample_db):
    """Admins [kari, ｋari, a+◌̊se]: only kari can sign in, so kari is the last admin; the other
    two are changed or removed by their exact stored key (the «Tilgang» list and ``users
    list`` give it), and then kari is the last admin as before."""
    users.set_user(sample_db, KARI, Role.ADMIN, by=Actor("x"), scope=OPERATOR)
    _older_row(sample_db, FULL_WIDTH_KARI)
    _older_row(sample_db, DECOMPOSED_ASE)
    with Session(sample_db) as session:
        listed = [(u.email, u.reachable) for u in users.users(session, scope=OPERATOR)]
    assert sorted(listed) == [(DECOMPOSED_ASE, False), (KARI, True), (FULL_WIDTH_KARI, False)]
    before = _stored(sample_db)
    for what, call in {
        "fjernes": lambda: users.remove_user(sample_db, KARI, by=Actor("x"), scope=OPERATOR),
        "få en annen rolle": lambda: users.set_user(
            sample_db, KARI, Role.OVERSIGHT, by=Actor("x"), scope=OPERATOR
        ),
    }.items():
        with pytest.raises(users.AccessError) as refused:
            call()
        assert str(refused.value) == f"{KARI} " + UNUSABLE_ADMINS.format(what=what)
    assert _stored(sample_db) == before

    # The rows no sign-in reaches, by their own keys: one changed, both removed.
    assert users.set_user(
        sample_db, FULL_WIDTH_KARI, Role.OVERSIGHT, by=Actor("x"), scope=OPERATOR
    ) == (f"{FULL_WIDTH_KARI} er endret med rollen oversiktsgruppen")
    for key in (FULL_WIDTH_KARI, DECOMPOSED_ASE):
        assert users.remove_user(sample_db, key, by=Actor("x"), scope=OPERATOR) == (
            f"{key} har ikke lenger tilgang"
        )
    with pytest.raises(users.AccessError) as refused:
        users.remove_user(sample_db, KARI, by=Actor("x"), scope=OPERATOR)
    assert str(refused.value) == (
        "kari@x.no er den siste administratoren og kan ikke fjernes; gi først en annen bruker "
        "rollen administrator"
    )
    with Session(sample_db) as session:
        assert [u.email for u in users.users(session, scope=OPERATOR)] == [KARI]
        log = session.exec(select(AccessChange.email, AccessChange.action)).all()
    assert [tuple(r) for r in log][-3:] == [
        (FULL_WIDTH_KARI, "endret"), (FULL_WIDTH_KARI, "fjernet"), (DECOMPOSED_ASE, "fjernet"),
    ]  # fmt: skip
    # A look-alike address with no row of its own is still refused, never stored.
    with pytest.raises(users.AccessError, match="U\\+FF4B"):
        users.set_user(sample_db, FULL_WIDTH_KARI, Role.ADMIN, by=Actor("x"), scope=OPERATOR)


def test_an_admin_no_sign_in_reaches_can_be_removed_even_as_the_only_admin(sample_db):
    """Removing it leaves no fewer admins anyone can sign in as (there were none)."""
    _older_row(sample_db, FULL_WIDTH_KARI)
    assert users.remove_user(sample_db, FULL_WIDTH_KARI, by=Actor("x"), scope=OPERATOR) == (
        f"{FULL_WIDTH_KARI} har ikke lenger tilgang"
    )


def test_rows_no_sign_in_reaches_are_marked_and_removed_on_the_command_line(database, capsys):
    url = database(SAMPLE_REGISTER)
    engine = db.get_engine(url)
    users.set_user(engine, KARI, Role.ADMIN, by=Actor("x"), scope=OPERATOR)
    _older_row(engine, FULL_WIDTH_KARI)
    _older_row(engine, DECOMPOSED_ASE, Role.OVERSIGHT)
    assert main(["--db", url, "users", "list"]) == 0
    lines = sorted(line.split("  ") for line in capsys.readouterr().out.splitlines())
    assert [[part.strip() for part in line if part.strip()] for line in lines] == [
        [DECOMPOSED_ASE, "oversikt", "Gammel", "[kan ikke logge inn med adressen]"],
        [KARI, "admin"],
        [FULL_WIDTH_KARI, "admin", "Gammel", "[kan ikke logge inn med adressen]"],
    ]
    assert main(["--db", url, "users", "remove", KARI]) == 1
    assert capsys.readouterr().err == (
        f"Feil: {KARI} er den siste administratoren som kan logge inn, og kan ikke fjernes "
        f"({FULL_WIDTH_KARI} er også administrator, men adressen kan ikke brukes til å logge "
        "inn); gi først en annen bruker rollen administrator\n"
    )
    for key in (FULL_WIDTH_KARI, DECOMPOSED_ASE):
        assert main(["--db", url, "users", "remove", key]) == 0
        assert capsys.readouterr().out == f"{key} har ikke lenger tilgang\n"
    with Session(engine) as session:
        assert [u.email for u in users.users(session, scope=OPERATOR)] == [KARI]


KEPT = (
    "; adressen er fortsatt knyttet til kontoen hos innloggingstjenesten den var knyttet til "
    "før den ble fjernet (fjern koblingen om kontoen er byttet ut)"
)


def test_a_user_removed_and_added_again_keeps_the_account_it_was_bound_to(sample_db):
    t = 1_900_000_000
    users.set_user(sample_db, KARI, Role.OVERSIGHT, by=Actor("x"), scope=OPERATOR)
    assert _sign_in(sample_db, KARI, sub="karis-konto", iat=t) == OVERSIGHT
    users.remove_user(sample_db, KARI, by=Actor("x"), scope=OPERATOR)
    # Removed: another account with the address gets no role, and binds nothing.
    assert _sign_in(sample_db, KARI, sub="en-annen-konto", iat=t + 1) is None
    assert users.set_user(sample_db, KARI, Role.OVERSIGHT, by=Actor("x"), scope=OPERATOR) == (
        "kari@x.no er lagt til med rollen oversiktsgruppen" + KEPT
    )
    assert _stored(sample_db)[0] == [(KARI, Role.OVERSIGHT, "karis-konto")]
    before = _stored(sample_db)
    with pytest.raises(sign_ins.SignInRefused) as refused:  # the next account cannot take it
        _sign_in(sample_db, KARI, sub="en-annen-konto", iat=t + 2)
    assert str(refused.value) == ANOTHER_ACCOUNT
    assert _stored(sample_db) == before
    assert _sign_in(sample_db, KARI, sub="karis-konto", iat=t + 3) == OVERSIGHT
    # Removed and added again once more: kept again; a user never bound gets no binding.
    users.remove_user(sample_db, KARI, by=Actor("x"), scope=OPERATOR)
    users.set_user(sample_db, KARI, Role.OVERSIGHT, by=Actor("x"), scope=OPERATOR)
    users.set_user(sample_db, "ny@x.no", Role.OVERSIGHT, by=Actor("x"), scope=OPERATOR)
    users.remove_user(sample_db, "ny@x.no", by=Actor("x"), scope=OPERATOR)
    assert users.set_user(sample_db, "ny@x.no", Role.OVERSIGHT, by=Actor("x"), scope=OPERATOR) == (
        "ny@x.no er lagt til med rollen oversiktsgruppen"
    )
    assert sorted(_stored(sample_db)[0]) == [
        (KARI, Role.OVERSIGHT, "karis-konto"), ("ny@x.no", Role.OVERSIGHT, None),
    ]  # fmt: skip


def test_only_a_change_of_role_or_councils_ends_the_users_sign_ins(sample_db):
    """An admin editing a user's name (or their own) on «Tilgang» signs nobody out."""
    t = 1_900_000_000
    with Session(sample_db) as session:
        ids = _ids(session)
    troms, finnmark = ids["IA-rådet i Troms"], ids["IA-rådet i Finnmark"]
    users.set_user(sample_db, KARI, Role.SECRETARIAT, [troms], by=Actor("x"), scope=OPERATOR)
    assert _sign_in(sample_db, KARI, sub="k", iat=t).councils == {troms}
    users.set_user(sample_db, KARI, Role.SECRETARIAT, [troms], name="Kari N", by=Actor("x"),
                   scope=OPERATOR)  # fmt: skip
    assert _sign_in(sample_db, KARI, sub="k", iat=t).councils == {troms}  # still signed in
    users.set_user(
        sample_db, KARI, Role.SECRETARIAT, [troms, finnmark], by=Actor("x"), scope=OPERATOR
    )
    with pytest.raises(sign_ins.SessionEnded):  # councils changed
        _sign_in(sample_db, KARI, sub="k", iat=t)
    assert _sign_in(sample_db, KARI, sub="k", iat=t + 1).councils == {troms, finnmark}
    users.set_user(sample_db, KARI, Role.OVERSIGHT, by=Actor("x"), scope=OPERATOR)
    with pytest.raises(sign_ins.SessionEnded):  # role changed
        _sign_in(sample_db, KARI, sub="k", iat=t + 1)
    # An admin editing their own name stays signed in.
    users.set_user(sample_db, "ada@x.no", Role.ADMIN, by=Actor("x"), scope=OPERATOR)
    assert _sign_in(sample_db, "ada@x.no", sub="ada", iat=t) == OPERATOR
    users.set_user(sample_db, "ada@x.no", Role.ADMIN, name="Ada A", by=Actor("ada@x.no"),
                   scope=OPERATOR)  # fmt: skip
    assert _sign_in(sample_db, "ada@x.no", sub="ada", iat=t) == OPERATOR


def test_a_new_sign_in_the_database_will_not_store_gets_no_access_and_is_told_why(sample_db):
    """Fail closed: a sign-in not stored could not be ended by «Logg ut». A sign-in stored
    before the database stopped taking writes still gets in."""
    t = 1_900_000_000
    users.set_user(sample_db, KARI, Role.OVERSIGHT, by=Actor("x"), scope=OPERATOR)
    assert _sign_in(sample_db, KARI, sub="k", iat=t) == OVERSIGHT
    before = _stored(sample_db)
    read_only(sample_db)
    with pytest.raises(sign_ins.SignInNotStored) as refused:
        _sign_in(sample_db, KARI, sub="k", iat=t + 1)
    label = database_label(sample_db.url.render_as_string(hide_password=False))
    assert str(refused.value) == (
        f"Innloggingen kan ikke lagres: Databasen er skrivebeskyttet ({label}). Appen lagrer "
        "hver ny innlogging før den gir tilgang, slik at «Logg ut» kan avslutte den på "
        "tjeneren, så ingen kan logge inn på nytt før databasen tar imot endringer igjen. "
        "Prøv igjen om litt, og meld fra til driftsansvarlig om feilen varer"
    )
    assert _sign_in(sample_db, KARI, sub="k", iat=t) == OVERSIGHT  # seen before: no write
    assert _stored(sample_db) == before
