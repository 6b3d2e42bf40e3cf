"""The exports: a page's table as a file (``table_export``), the overview of a year, the
deadlines and the activity list as the CLI and the pages write them, and a file's list of
problems. Each XLSX export carries an ``Om uttrekket`` sheet: what the figures are, when
they were made, as of which date, with which filters, and every upload version they come
from.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from ia_data.domain.access import Scope
from ia_data.domain.formatting import local
from ia_data.domain.kinds import GIVEN_NOT_STAMPED, Severity, UploadKind
from ia_data.domain.rules import Rules
from ia_data.ingest.parsed import Problem
from ia_data.output.spreadsheet import to_csv, to_xlsx
from ia_data.reporting import columns as c
from ia_data.reporting.activities import activity_list
from ia_data.reporting.deadlines import deadlines, missing_reports
from ia_data.reporting.overview import OverviewRow, overview
from ia_data.reporting.record_tables import problems_table
from ia_data.reporting.review import (
    review_history,
    review_history_table,
    review_states,
    review_states_table,
)
from ia_data.reporting.sickness import left_out_about, sickness_overview
from ia_data.reporting.table import Column, Table
from ia_data.reporting.tables import (
    activities_table,
    deadline_matrix_table,
    deadlines_table,
    missing_table,
    overview_table,
    shows_sickness,
)
from ia_data.reporting.uploads import upload_sources


def about_rows(
    title: str,
    *,
    rules: Rules,
    as_of: date | None,
    filters: list[tuple[str | Column, object]],
    row_count: tuple[str, int],
    sources: list,
    now: datetime | None = None,
    assumptions: list[str] = (),
    statistics: list[tuple[str, object]] = (),
    approved_only: bool = False,
    receipts_given: bool = False,
) -> list[tuple[str | Column, object]]:
    """The facts of an ``Om uttrekket`` sheet: what, when, as of which date, which filters,
    how many rows, and every upload version the figures come from (a filter's label may be
    the column it filters: its value is then written as the column writes it).
    ``approved_only``: the figures count only approved versions, and it says so;
    ``receipts_given``: some status is judged by a date the report gave, and it says so."""
    now = now or datetime.now(UTC).replace(microsecond=0)
    about: list[tuple[str | Column, object]] = [
        ("Uttrekk", title),
        ("Laget", now),
    ]
    if as_of is not None:
        about.append(("Status per dato", as_of))
    about += [(label, value) for label, value in filters]
    about += rules.goals_legend()  # what sub-goals 1–3 are
    if assumptions:
        about.append(("Antakelser", " ".join(assumptions)))
    about += list(statistics)
    about.append(row_count)
    if receipts_given:
        about.append(("Mottatt", RECEIPTS_GIVEN))
    about.append(("Kilde", APPROVED_SOURCE if approved_only else ACTIVE_SOURCE))
    about.append(("Antall opplastinger", len(sources)))
    for source in sources:
        what = (
            f"{source.council}, {source.year} {source.period}"
            if source.kind == UploadKind.REPORT
            else f"{source.council}, handlingsplan {source.year}"
            if source.kind == UploadKind.PLAN
            else "Tildelingsvedtak"
        )
        about.append(
            (
                f"Opplasting nr. {source.id}",
                f"{what} – {source.file_name}, "
                f"lastet opp {local(source.uploaded_at):%d.%m.%Y %H:%M}"
                + (f" av {source.uploaded_by}" if source.uploaded_by else "")
                + (
                    f", gjenopprettet {local(source.restored_at):%d.%m.%Y %H:%M}"
                    + (f" av {source.restored_by}" if source.restored_by else "")
                    if source.restored_at
                    else ""
                ),
            )
        )
    return about


ACTIVE_SOURCE = "IA-rådsoversikt: aktive versjoner av rapportene og tildelingene"
APPROVED_SOURCE = (
    "IA-rådsoversikt: bare godkjente rapporter (den sist godkjente versjonen av hver rapport, "
    "også der en nyere versjon venter på gjennomgang) og aktive tildelinger"
)
RECEIPTS_GIVEN = (
    "En rapport er levert den dagen appen tok imot den første versjonen. For rapporter "
    "lagret før appen registrerte mottak, er datoen den rapporten selv oppgir "
    f"(«{GIVEN_NOT_STAMPED}»)."
)


def _assumed(rules, years) -> list[str]:
    """The assumptions behind figures of ``years``: the column «Frist antatt» and the
    «(antatt)» marks say where; this says what and why."""
    notes = rules.assumptions(years)
    if not notes:
        return []
    return ["Der reglene ikke er bestemt i brevene, er de antatt («Frist antatt» = Ja, "
            "«regel (antatt)»):", *notes]  # fmt: skip


def overview_filters(
    year: int, rows: list[OverviewRow], council_ids: list[int] | None, goal: int | None
) -> list[tuple[str | Column, object]]:
    """The filters of an overview, as the ``Om uttrekket`` sheet names them."""
    councils = ", ".join(r.council.name for r in rows) if council_ids else "alle"
    goal_text = (
        f"delmål {goal}: Brukt, Gjenstår, Forbruk og Aktiviteter gjelder bare aktiviteter "
        f"merket delmål {goal}"
        if goal
        else "alle delmål"
    )
    return [(c.YEAR, year), (c.COUNCIL, councils), ("Delmål", goal_text)]


def overview_export(
    session,
    year: int,
    as_of: date,
    rules,
    file_format: str,
    council_ids: list[int] | None = None,
    goal: int | None = None,
    now: datetime | None = None,
    *,
    scope: Scope,
    approved_only: bool = False,
) -> bytes:
    """The overview of a year as CSV or XLSX bytes — exactly the rows the page shows
    (``approved_only``: counting only approved versions, as the page's choice)."""
    council_ids = scope.council_ids(council_ids)
    rows = overview(
        session, year, as_of, rules, council_ids, goal, scope=scope, approved_only=approved_only
    )
    sickness = sickness_overview(session, year, rules, council_ids, scope=scope)
    table = overview_table(rows, rules.periods(year), sickness=sickness)
    if file_format == "csv":
        return to_csv(table)
    plans = [r.plan_upload_id for r in rows if r.plan_upload_id]
    uploads = [i for r in rows for i in r.upload_ids] + plans
    sources = upload_sources(session, uploads, scope=scope)
    filters = overview_filters(year, rows, council_ids, goal)
    about = about_rows(
        f"Oversikt over IA-rådene {year}",
        rules=rules,
        as_of=as_of,
        filters=filters,
        row_count=("Antall IA-råd", len(rows)),
        sources=sources,
        now=now,
        assumptions=_assumed(rules, [year]),
        statistics=sickness_about(sickness) + plans_about(rows),
        approved_only=approved_only,
        receipts_given=any(p.receipt_given for r in rows for p in r.periods),
    )
    return to_xlsx([table], about)


PLANS_SOURCE = (
    "«Tiltak gjennomført» og handlingsplanene: fra rådenes opplastede handlingsplaner (den "
    "aktive versjonen for rådet og året, se opplastingene under) og aktivitetene i rapportene, "
    "knyttet til tiltakene med kolonnen «Tiltak nr.». Et tiltak er gjennomført når minst én "
    "aktivitet under det har status «Gjennomført»; forfalt når tiden det var planlagt til, er "
    "passert per statusdatoen uten aktivitet (avlyste teller ikke). «ingen plan»: rådet har "
    "ikke lastet opp en plan for året. Der en plan er lastet opp, avgjør den «Handlingsplan» "
    "for året; ellers svaret i rapportene."
)


# The columns that count a council's work against its plan: a table with any of them says
# in ``Om uttrekket`` how («Handlingsplaner»), and names the plan uploads among its sources.
PLAN_COLUMNS = (c.MEASURES_DONE, c.MEASURE_DONE, c.OVERDUE_COUNT, c.OUTSIDE_COUNT, c.PLAN_PLACE)


def plans_about(rows) -> list[tuple[str, object]]:
    """What ``Om uttrekket`` says of the action plans (nothing where no council has one)."""
    if all(r.measures_done is None for r in rows):
        return []
    return [("Handlingsplaner", PLANS_SOURCE)]


def plan_columns_about(table: Table) -> list[tuple[str, object]]:
    """What ``Om uttrekket`` says of a table with a column of ``PLAN_COLUMNS`` (as
    ``plans_about``); nothing for any other table."""
    planned = {col.name for col in PLAN_COLUMNS}
    return [("Handlingsplaner", PLANS_SOURCE)] if planned & set(table.names) else []


def sickness_about(sickness) -> list[tuple[str, object]]:
    """What ``Om uttrekket`` says of the sickness columns: measure, quarter, source, base
    (nothing where no series covers the year)."""
    if not shows_sickness(sickness):
        return []
    facts = [
        ("Sykefravær (%)", f"{sickness.series.measure}, {sickness.period_label}"),
        ("Sykefravær, kilde", sickness.series.source),
    ]
    if sickness.base is not None:
        mark = " (antatt)" if sickness.base.assumed else ""
        facts.append(("Sykefravær, endring fra", f"{sickness.base.label}{mark}"))
    if sickness.base_note:
        facts.append(("Sykefravær, om endringen", sickness.base_note))
    return facts + left_out_about(sickness.notes)


def table_export(
    session,
    table: Table,
    file_format: str,
    *,
    title: str,
    filters: list[tuple[str | Column, object]],
    as_of: date | None = None,
    upload_ids=(),
    row_label: str = "Antall rader",
    now: datetime | None = None,
    scope: Scope,
    rules: Rules,
    assumption_years=(),
    approved_only: bool = False,
    receipts_given: bool = False,
) -> bytes:
    """One page table as CSV, or as XLSX with its ``Om uttrekket`` sheet (the table made
    by queries in ``scope``; its sources are named only if in scope too; the rules assumed
    for ``assumption_years`` said in «Antakelser»)."""

    if file_format == "csv":
        return to_csv(table)
    about = about_rows(
        title,
        rules=rules,
        as_of=as_of,
        filters=filters,
        row_count=(row_label, len(table.rows)),
        sources=upload_sources(session, [i for i in upload_ids if i is not None], scope=scope),
        now=now,
        assumptions=_assumed(rules, assumption_years),
        statistics=plan_columns_about(table),
        approved_only=approved_only,
        receipts_given=receipts_given,
    )
    return to_xlsx([table], about)


def deadlines_export(
    session,
    rules,
    as_of: date,
    file_format: str,
    years: list[int] | None = None,
    council_ids: list[int] | None = None,
    now: datetime | None = None,
    *,
    scope: Scope,
    approved_only: bool = False,
) -> bytes:
    """The deadlines of every council and period (default: all years with data) as CSV,
    or as XLSX with the matrix and the missing list as extra sheets."""
    council_ids = scope.council_ids(council_ids)
    rows = deadlines(
        session, rules, as_of, years, council_ids, scope=scope, approved_only=approved_only
    )
    table = deadlines_table(rows)
    if file_format == "csv":
        return to_csv(table)
    shown_years = sorted({r.period.year for r in rows})
    span = f"{shown_years[0]}–{shown_years[-1]}" if shown_years else "ingen"
    names = sorted({r.council.name for r in rows})
    about = about_rows(
        f"Rapportfrister for IA-rådene {span}",
        rules=rules,
        as_of=as_of,
        filters=[(c.YEAR, span), (c.COUNCIL, ", ".join(names) if council_ids else "alle")],
        row_count=("Antall rapporter (råd × periode)", len(rows)),
        assumptions=_assumed(rules, shown_years),
        sources=upload_sources(session, [r.upload_id for r in rows if r.upload_id], scope=scope),
        now=now,
        approved_only=approved_only,
        receipts_given=any(r.receipt_given for r in rows),
    )
    extra = [deadline_matrix_table(rows), missing_table(missing_reports(rows))]
    return to_xlsx([table, *extra], about)


def activities_export(
    session,
    year: int | None,
    file_format: str,
    council_ids: list[int] | None = None,
    goal: int | None = None,
    types: list[str] | None = None,
    statuses: list[str] | None = None,
    search: str = "",
    now: datetime | None = None,
    *,
    scope: Scope,
    rules: Rules,
    approved_only: bool = False,
) -> bytes:
    """The activity list (a year, or every year) as CSV or XLSX."""
    council_ids = scope.council_ids(council_ids)
    rows, _ = activity_list(
        session, year, council_ids, goal, types, statuses, search,
        scope=scope, approved_only=approved_only,
    )  # fmt: skip
    table = activities_table(rows)
    if file_format == "csv":
        return to_csv(table)
    names = sorted({a.council for a in rows})
    filters = [
        (c.YEAR, year if year is not None else "alle"),
        (c.COUNCIL, ", ".join(names) if council_ids else "alle"),
        ("Delmål", f"delmål {goal}" if goal else "alle delmål"),
        (c.TYPE, ", ".join(types) if types else "alle"),
        (c.ACTIVITY_STATUS, ", ".join(statuses) if statuses else "alle"),
        ("Søk", search or "–"),
    ]
    about = about_rows(
        f"Aktiviteter i IA-rådene {year if year is not None else '(alle år)'}",
        rules=rules,
        as_of=None,
        filters=filters,
        row_count=("Antall aktiviteter", len(rows)),
        sources=upload_sources(session, [a.upload_id for a in rows], scope=scope),
        now=now,
        approved_only=approved_only,
    )
    return to_xlsx([table], about)


def problems_xlsx(file_name: str, problems: list[Problem], now: datetime | None = None) -> bytes:
    """The problems of one file as a workbook to work through (sheet «Feil»)."""
    now = now or datetime.now(UTC).replace(microsecond=0)
    errors = sum(1 for p in problems if p.severity == Severity.ERROR)
    about: list[tuple[str, object]] = [
        ("Uttrekk", "Feil funnet ved kontroll av en opplastet rapport"),
        ("Fil", file_name),
        ("Kontrollert", now),
        ("Antall feil", errors),
        ("Antall advarsler", len(problems) - errors),
        ("Rad", "Radnummeret slik Excel viser det"),
    ]
    return to_xlsx([problems_table(problems)], about)


def review_history_export(
    session,
    file_format: str,
    council_id: int | None = None,
    now: datetime | None = None,
    *,
    scope: Scope,
    rules: Rules,
) -> bytes:
    """Every review step and comment (of one council, or of every council in scope), in the
    order they happened, as CSV or XLSX."""
    steps = review_history(session, council_id, scope=scope)
    names = sorted({s.council for s in steps})
    return table_export(
        session,
        review_history_table(steps),
        file_format,
        title="Gjennomgangshistorikk for IA-rådene",
        filters=[(c.COUNCIL, ", ".join(names) if council_id is not None else "alle")],
        upload_ids=sorted({s.upload_id for s in steps if s.upload_id is not None}),
        row_label="Antall hendelser",
        now=now,
        scope=scope,
        rules=rules,
    )


def review_states_export(
    session,
    file_format: str,
    year: int | None = None,
    now: datetime | None = None,
    *,
    scope: Scope,
    rules: Rules,
) -> bytes:
    """Where every report stands on its route (of ``year``), with its receipt, as CSV or
    XLSX; ``Om uttrekket`` says where a receipt is only the date a report gave."""
    rows = review_states(session, year, scope=scope)
    return table_export(
        session,
        review_states_table(rows),
        file_format,
        title="Gjennomgang av rapportene",
        filters=[(c.YEAR, year if year is not None else "alle")],
        upload_ids=sorted({r.upload_id for r in rows}),
        row_label="Antall rapporter",
        now=now,
        scope=scope,
        rules=rules,
        receipts_given=any(r.receipt_given for r in rows),
    )
