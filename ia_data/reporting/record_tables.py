"""The tables of what is kept rather than counted: a file's problems and what it
changes, the files of an upload and the upload history, who may sign in and the log of
access changes, the council register and its versions, the statistics series — exactly the
columns (``columns``) and typed values that their pages draw and download."""

from __future__ import annotations

from ia_data.domain.access import ROLE_NAMES
from ia_data.domain.kinds import UploadKind
from ia_data.ingest.parsed import ParsedWorkbook, Problem
from ia_data.reporting import columns as c
from ia_data.reporting.changes import Changes
from ia_data.reporting.table import Kroner, Table
from ia_data.reporting.uploads import Preview, UploadRow
from ia_data.storage.users import UNREACHABLE, UserRow

PROBLEM_COLUMNS = [c.SHEET, c.ROW, c.SHEET_COLUMN, c.FOUND, c.MESSAGE]


def problems_table(problems: list[Problem], title: str = "Feil") -> Table:
    """Problems as rows: sheet, Excel row, column as written, the value found (when the
    importer gives it) and the message saying what is expected."""
    return Table(
        columns=list(PROBLEM_COLUMNS),
        rows=[[p.sheet, p.row, p.column, p.found, p.message] for p in problems],
        title=title,
    )


def change_counts_table(changes: Changes) -> Table:
    """Counts and cost before → after, with the difference."""
    rows = []
    for label, before in changes.before.items():
        after = changes.after[label]
        if label == "Kostnad (øre)":
            rows.append(["Kostnad", Kroner(before), Kroner(after), Kroner(after - before)])
        else:
            rows.append([label, before, after, after - before])
    columns = [c.FIGURE, c.BEFORE, c.AFTER, c.DIFFERENCE]
    return Table(columns=columns, rows=rows, title="Før og etter")


CHANGE_WORDS = {"ny": "Ny", "fjernet": "Fjernet", "endret": "Endret"}


def activity_changes_table(changes: Changes) -> Table:
    """The activities added, removed and changed (matched on date and title)."""
    return Table(
        columns=[c.CHANGE, c.DATE, c.ACTIVITY, c.WHAT_CHANGED],
        rows=[
            [CHANGE_WORDS[a.kind], a.date, a.title, "; ".join(a.details)]
            for a in changes.activities
        ],
        title="Endrede aktiviteter",
    )


def allocations_preview_table(parsed: ParsedWorkbook) -> Table:
    """The rows of an allocation workbook, for a file that holds grants instead of a report."""
    return Table(
        columns=[c.COUNCIL, c.YEAR, c.AMOUNT, c.DECISION_DATE, c.NOTE],
        rows=[
            [a.council.name, a.year, Kroner(a.amount_ore), a.decision_date, a.note]
            for a in parsed.allocations
        ],
        title="Tildelinger",
    )


def plan_preview_table(parsed: ParsedWorkbook) -> Table:
    """The measures of a plan workbook, as its upload card shows them before it is stored."""
    return Table(
        columns=[c.MEASURE_NO, c.PLAN_GOAL, c.GOALS_TAGGED, c.PLAN_MEASURE, c.PLANNED,
                 c.RESPONSIBLE, c.BUDGET],
        rows=[
            [m.number, m.goal, ", ".join(map(str, sorted(m.goals))), m.measure, m.planned,
             m.responsible, None if m.budget_ore is None else Kroner(m.budget_ore)]
            for m in parsed.measures
        ],
        title="Handlingsplan",
    )  # fmt: skip


# Narrow: the upload list has many columns, and its council need not stay in view.
HISTORY_COLUMNS = [
    c.UPLOAD_ID.but(label="Nr.", width=45),
    c.UPLOADED_AT.but(width=115),
    c.FILE.but(width=165),
    c.UPLOADER.but(width=110),
    c.COUNCIL.but(width=150, pinned=False),
    c.PERIOD.but(width=65),
    c.ACTIVE.but(width=45),
    c.ACTIVITIES.but(width=70),
    c.MEETINGS.but(width=50),
    c.COST.but(width=90),
    c.WARNINGS.but(width=65),
    c.RESTORED_AT,
    c.RESTORED_BY,
]


def upload_files_table(previews: list[Preview], result) -> Table:
    """The files of one upload, checked: council, period, errors, warnings and what becomes
    of each (``result``: a preview → its words)."""
    return Table(
        columns=[c.FILE, c.COUNCIL, c.PERIOD, c.ERRORS, c.WARNINGS, c.RESULT],
        rows=[
            [
                p.file_name,
                p.council or None,
                p.period_label or None,
                len(p.errors),
                len(p.warnings),
                result(p),
            ]
            for p in previews
        ],
    )


def history_table(rows: list[UploadRow]) -> Table:
    """The upload list as the page shows it."""
    return Table(
        columns=HISTORY_COLUMNS,
        rows=[
            [
                r.id,
                r.uploaded_at,
                r.file_name,
                r.uploader or None,
                r.council if r.kind == UploadKind.REPORT else "Tildelinger",
                r.period_label or None,
                r.active,
                r.activities,
                r.meetings,
                Kroner(r.cost_ore),
                len(r.warnings),
                r.restored_at,
                r.restored_by or None,
            ]
            for r in rows
        ],
        title="Opplastinger",
    )


# The user, in view while the table scrolls sideways on a phone (as a council elsewhere).
USER = c.EMAIL.but(width=190, pinned=True)


def users_table(rows: list[UserRow]) -> Table:
    """Who may sign in, as «Tilgang» shows them (a user no sign-in reaches, marked)."""
    return Table(
        columns=[USER, c.NAME, c.ROLE, c.SECRETARIAT_FOR, c.CHANGED_AT, c.CHANGED_BY],
        rows=[
            [
                r.email,
                r.name or None,
                r.role_name if r.reachable else f"{r.role_name} ({UNREACHABLE})",
                ", ".join(r.councils) if r.councils else None,
                r.changed_at,
                r.changed_by or None,
            ]
            for r in rows
        ],
        title="Tilgang",
    )


def access_log_table(changes) -> Table:
    """Every change of access, newest first."""
    return Table(
        columns=[c.WHEN, c.CHANGED_BY, c.EMAIL, c.CHANGE, c.ROLE, c.SECRETARIAT_FOR],
        rows=[
            [
                change.changed_at,
                change.changed_by,
                change.email,
                change.action,
                ROLE_NAMES.get(change.role, change.role) or None,
                change.councils or None,
            ]
            for change in changes
        ],
        title="Endringer av tilgang",
    )


def register_table(councils) -> Table:
    """The councils of the register in use, as «Register» shows them."""
    return Table(
        columns=[c.COUNCIL, c.COUNTIES, c.FROM_YEAR, c.TO_YEAR, c.SECRETARIAT, c.ALIASES],
        rows=[
            [
                council.name,
                council.county_names,
                council.from_year,
                council.to_year,
                council.secretariat or None,
                ", ".join(council.aliases) or None,
            ]
            for council in councils
        ],
        title="Register",
    )


def register_history_table(versions) -> Table:
    """Every register version taken into use, newest first."""
    return Table(
        columns=[c.LOADED_AT, c.LOADED_BY, c.FILE, c.CHANGES],
        rows=[
            [v.loaded_at, v.loaded_by, v.file_name, v.summary.replace("\n", "; ")] for v in versions
        ],
        title="Registerets historikk",
    )


def stats_series_table(series: list) -> Table:
    """Statistics series (``SeriesInfo``): what each measures, from where, which periods,
    and each load (who, when, which file), the active one marked."""
    columns = [
        c.SERIES, c.SERIES_KEY, c.MEASURE, c.SOURCE, c.PERIODS, c.COUNTY_COUNT, c.VALUES,
        c.FORM, c.FILE, c.SERIES_LOADED_AT, c.SERIES_LOADED_BY, c.ACTIVE,
    ]  # fmt: skip
    rows = [
        [
            s.name,
            s.key,
            s.measure,
            s.source,
            s.span,
            s.counties,
            s.observations,
            s.form,
            s.file_name,
            s.loaded_at,
            s.loaded_by,
            s.active,
        ]
        for s in series
    ]
    return Table(columns=columns, rows=rows, title="Statistikkserier")
