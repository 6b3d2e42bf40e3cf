"""Every table a page shows, built from the rows of its query: exactly the columns
(``columns``: each declared once) and typed values that the page draws and that its CSV and
XLSX downloads write."""

from __future__ import annotations

from datetime import date

from ia_data.domain import formatting as fmt
from ia_data.domain.kinds import APPROVED_BEFORE_REVIEW, GIVEN_NOT_STAMPED, ReviewState
from ia_data.domain.rules import ReportPeriod
from ia_data.reporting import columns as c
from ia_data.reporting.deadlines import PeriodStatus
from ia_data.reporting.overview import OverviewRow
from ia_data.reporting.sickness import SicknessYear
from ia_data.reporting.table import Column, Kroner, Percent, Table, text_width


def period_columns(period: ReportPeriod, screen: bool = False) -> list[Column]:
    """A period's columns: its status, due date and submission (the receipt's date); in a
    file also whether the due date is assumed (on screen that is a mark in the status
    cell), how the receipt was recorded and the review state."""
    code = period.code
    columns = [c.STATUS.of(code, width=235), c.DUE.of(code), c.SUBMITTED.of(code)]
    if screen:
        return columns
    return [*columns, c.DUE_ASSUMED.of(code), c.RECEIPT.of(code), c.REVIEW.of(code)]


def receipt_text(status: PeriodStatus) -> str | None:
    """How the receipt a status is judged by was recorded (blank: none as of the date)."""
    if status.submitted is None:
        return None
    return GIVEN_NOT_STAMPED if status.receipt_given else STAMPED


STAMPED = "registrert av appen"


def review_cell(status: PeriodStatus) -> str | None:
    """The review state of a period's report, as a cell says it (blank: no report)."""
    if not status.review_state:
        return None
    if status.review_legacy and status.review_state == ReviewState.APPROVED:
        return f"{status.review_state} ({APPROVED_BEFORE_REVIEW})"
    return status.review_state


def status_text(status: PeriodStatus, screen: bool = False) -> str:
    """A period's status as a cell says it: on screen, marked where the due date it is
    judged by is assumed (the letters give none for that period), and where the receipt it
    is judged by was given, not stamped by the app (a file has both in columns of their
    own: «Antatt frist», «Kvittering»)."""
    if not screen:
        return status.status.text
    text = status.status.text
    if status.period.due_is_assumption:
        text = f"{text} {ASSUMED_DUE_MARK}"
    return given_marked(text, status)


def given_marked(text: str, status: PeriodStatus) -> str:
    """``text`` (a status cell on screen) marked «(oppgitt)» where the receipt the status is
    judged by was given in the report, not stamped by the app."""
    if status.receipt_given and status.submitted is not None:
        return f"{text} {GIVEN_MARK}"
    return text


ASSUMED_DUE_MARK = "(antatt frist)"
GIVEN_MARK = "(oppgitt)"  # GIVEN_NOT_STAMPED, on screen (the legend says it in full)


# Money and activity, as every table that shows a council's year has them: the grant and
# where it comes from, then what was spent, what remains and the share used.
GRANT_COLUMNS = [c.ALLOCATED, c.ALLOCATION]
USE_COLUMNS = [c.SPENT, c.REMAINING, c.SHARE_USED]
MONEY_COLUMNS = [*GRANT_COLUMNS, *USE_COLUMNS]
ACTIVITY_COLUMNS = [c.ACTIVITIES, *c.GOALS.values()]


def money_cells(money) -> list:
    """Allocated, where it comes from, spent, remaining and share used (``MoneyFigures``)."""
    return [*grant_cells(money), *use_cells(money)]


def grant_cells(money) -> list:
    """Allocated and where it comes from (none known: empty cells)."""
    allocated = money.allocated_ore
    return [Kroner(allocated) if allocated is not None else None, money.allocation_text or None]


def use_cells(money) -> list:
    """Spent, remaining and share used (against no known grant: empty cells)."""
    return [
        Kroner(money.spent_ore),
        Kroner(money.remaining_ore) if money.remaining_ore is not None else None,
        Percent(money.share_used) if money.share_used is not None else None,
    ]


def activity_cells(activities: int, goals: dict[int, int]) -> list:
    return [activities, goals[1], goals[2], goals[3]]


def sickness_cells(sickness: SicknessYear, council_id: int) -> list:
    """A council's sickness absence and its change from the base: numbers for a council of
    one county; for a council of two counties each county's value named, never an average.
    A missing value is blank, never 0."""
    values = sickness.for_council(council_id)
    if len(values) == 1:
        (only,) = values
        change = None if only.change is None else round(only.change, 1)
        return [None if only.value is None else Percent(only.value / 100), change]

    return [
        "; ".join(f"{v.county} {_one_decimal(v.value)}" for v in values) or None,
        "; ".join(f"{v.county} {_one_decimal(v.change)}" for v in values) or None,
    ]  # fmt: skip


def _one_decimal(number: float | None) -> str:
    """A county's value or change in a text cell: one decimal, «–» where the series has none."""
    return "–" if number is None else fmt.number(round(number, 1), 1)


def shows_sickness(sickness: SicknessYear | None) -> bool:
    """Whether a series covers the year (only then is the column shown)."""
    return sickness is not None and sickness.series is not None and sickness.quarter is not None


def overview_table(
    rows: list[OverviewRow],
    periods: list[ReportPeriod],
    screen: bool = False,
    sickness: SicknessYear | None = None,
) -> Table:
    """The overview as a table with DESIGN.md's columns, in order (``screen``: as the page
    shows it, an assumed due date marked in the status cell instead of a column), and the
    sickness absence of each council's counties where a series covers the year."""
    with_sickness = shows_sickness(sickness)
    with_plans = any(row.measures_done is not None for row in rows)
    columns = [
        c.COUNCIL,
        c.COUNTIES,
        c.YEAR,
        *MONEY_COLUMNS,
        *ACTIVITY_COLUMNS,
        c.ALL_GOALS,
        c.MEETINGS,
        c.ACTION_PLAN,
        *((c.MEASURES_DONE,) if with_plans else ()),
        *(sickness_columns(sickness) if with_sickness else ()),
    ]
    for period in periods:
        columns += period_columns(period, screen)
    table_rows = []
    for row in rows:
        line = [
            row.council.name,
            row.council.county_names,
            row.year,
            *money_cells(row),
            *_reported_cells(row),
            action_plan_cell(row.reported, row.action_plan),
            *((row.measures_done,) if with_plans else ()),
            *(sickness_cells(sickness, row.council.id) if with_sickness else ()),
        ]
        for status in row.periods:
            line += [status_text(status, screen), status.period.due, status.submitted]
            if not screen:
                line += [status.period.due_is_assumption, receipt_text(status), review_cell(status)]
        table_rows.append(line)
    return Table(columns=columns, rows=table_rows, title="Oversikt")


def sickness_columns(sickness: SicknessYear) -> list[Column]:
    """The sickness absence and its change, their help naming the series and its quarter."""
    return [
        c.SICKNESS.but(help=f"{sickness.caption} {SICKNESS_HELP}"),
        c.SICKNESS_CHANGE.but(help=f"Endring i prosentpoeng. {sickness.caption}"),
    ]


SICKNESS_HELP = (
    "Et råd som dekker to fylker, viser begge fylkenes tall (i kompakt visning: i fylkenes "
    "rekkefølge under Fylker)."
)


def overview_compact_table(
    rows: list[OverviewRow], periods: list[ReportPeriod], sickness: SicknessYear | None = None
) -> Table:
    """The overview at a glance, for a screen of 1440 px (and a phone's first columns): the
    council's short name, money, activities per sub-goal, meetings, action plan and each
    period's status. Every figure is the full table's (``overview_table``), which the
    «Alle kolonner» view and the downloads have."""
    full = overview_table(rows, periods, sickness=sickness)
    with_sickness = shows_sickness(sickness)
    keep = [
        c.COUNCIL,
        c.SHARE_USED,
        c.ALLOCATED,
        c.SPENT,
        *ACTIVITY_COLUMNS,
        c.MEETINGS,
        c.ACTION_PLAN,
        *((c.MEASURES_DONE,) if any(r.measures_done is not None for r in rows) else ()),
        *(sickness_columns(sickness)[:1] if with_sickness else ()),
        *(c.STATUS.of(p.code) for p in periods),
    ]
    at = [full.names.index(column.name) for column in keep]
    table_rows = []
    short = {}
    if with_sickness:  # two counties: both values, in county order, short
        for row in rows:
            values = sickness.for_council(row.council.id)
            if len(values) > 1:
                short[row.council.id] = " / ".join(_one_decimal(v.value) for v in values)
    for row, line in zip(rows, full.rows, strict=True):
        cells = [row.council.short_name, *(line[i] for i in at[1:])]
        first = len(cells) - len(periods)  # the status cells, marked as on the full table
        for k, status in enumerate(row.periods):
            cells[first + k] = given_marked(cells[first + k], status)
        if row.council.id in short:
            cells[[column.name for column in keep].index(c.SICKNESS.name)] = short[row.council.id]
        table_rows.append(cells)
    # An assumed due date holds for every council alike: marked once, in the header.
    columns = keep[: -len(periods)] + [compact_status_column(p) for p in periods]
    return Table(columns=columns, rows=table_rows, title="Oversikt", compact=True)


ASSUMED_DUE_HELP = (
    "Brevene gir ingen frist for denne perioden; fristen er antatt (se under tabellen)."
)


def compact_status_column(period: ReportPeriod) -> Column:
    """A period's status column in the compact overview, marked where its due date is
    assumed."""
    if not period.due_is_assumption:
        return c.STATUS.of(period.code, compact_width=158)
    name = f"{period.code} {ASSUMED_DUE_MARK}"
    return c.STATUS.of(name, compact_width=158, help=ASSUMED_DUE_HELP)


NO_REPORT = "(ingen rapport)"  # a council with no report for a period or year


def _reported_cells(row: OverviewRow) -> list:
    """Activities, sub-goals, all sub-goals covered and meetings — or, for a council with no
    report for the year, blanks and «ingen rapport»: nothing is known, nothing is flagged."""
    if not row.reported:
        return [None, None, None, None, NO_REPORT, None]
    return [*activity_cells(row.activities, row.goals), row.all_goals, row.meetings]


NOT_GIVEN = c.NOT_GIVEN


def action_plan_cell(reported: bool, value: bool | None, when: date | None = None):
    """Whether there is an action plan: its date, Ja/Nei, «(ikke oppgitt)» where a report
    does not say, blank where there is no report."""
    if not reported:
        return None
    if value is None:
        return NOT_GIVEN
    return when if value and when else value


def _goals_text(goals: list[int]) -> str:
    return ", ".join(str(k) for k in goals)


def deadlines_table(rows) -> Table:
    """Every council × period with its due date, submission and status (long form)."""
    columns = [
        c.COUNCIL,
        c.COUNTIES,
        c.YEAR,
        c.PERIOD,
        c.DUE,
        c.SUBMITTED,
        c.STATUS,
        c.DAYS_OVERDUE,
        c.UPLOAD_ID,
        c.DUE_ASSUMED,
        c.RECEIPT,
        c.GIVEN_IN_REPORT,
        c.REVIEW,
    ]
    return Table(
        columns=columns,
        rows=[
            [
                r.council.name,
                r.council.county_names,
                r.period.year,
                r.period.code,
                r.period.due,
                r.submitted,
                r.status.text,
                r.days_overdue,
                r.upload_id,
                r.period.due_is_assumption,
                receipt_text(r),
                r.given_in_report if r.submitted else None,
                review_cell(r),
            ]
            for r in rows
        ],
        title="Frister",
    )


def deadline_matrix_table(rows, newest_first: bool = False) -> Table:
    """Councils × periods, each cell the status as of the date (empty where the council
    did not exist that year); the periods in time order, or ``newest_first`` (a page, where
    the newest is what a reader looks for first, also on a phone that shows two columns)."""
    periods: dict[tuple[int, str], str] = {}
    cells: dict[int, dict[str, str]] = {}
    names: dict[int, str] = {}
    for r in rows:
        label = r.period.label
        periods.setdefault((r.period.year, r.period.start.month), label)
        names.setdefault(r.council.id, r.council.name)
        cells.setdefault(r.council.id, {})[label] = r.status.text
    labels = [periods[k] for k in sorted(periods, reverse=newest_first)]
    table_rows = [[names[i], *(cells[i].get(label) for label in labels)] for i in names]
    columns = [
        c.STATUS.of(label, label=label, width=_status_width(label, [r[j] for r in table_rows]))
        for j, label in enumerate(labels, start=1)
    ]
    return Table(columns=[c.COUNCIL, *columns], rows=table_rows, title="Matrise")


def _status_width(label: str, statuses: list[str | None]) -> int:
    """A status column wide enough for its longest status (the grid does not measure it)."""
    return text_width([label, *(s or "" for s in statuses)])


def missing_table(rows) -> Table:
    """Reports overdue and not in as of the date."""
    return Table(
        columns=[c.COUNCIL, c.YEAR, c.PERIOD, c.DUE, c.DAYS_OVERDUE],
        rows=[
            [r.council.name, r.period.year, r.period.code, r.period.due, r.days_overdue]
            for r in rows
        ],
        title="Mangler",
    )


def falling_due_table(rows, as_of: date) -> Table:
    """Reports due within the coming days, with whether they are already in."""
    return Table(
        columns=[c.COUNCIL, c.YEAR, c.PERIOD, c.DUE, c.DAYS_TO_DUE, c.STATUS, c.SUBMITTED],
        rows=[
            [
                r.council.name,
                r.period.year,
                r.period.code,
                r.period.due,
                (r.period.due - as_of).days,
                r.status.text,
                r.submitted,
            ]
            for r in rows
        ],
        title="Forfaller snart",
    )


BREAKDOWN_KEYS = {"goal": c.GOALS_TAGGED, "type": c.TYPE, "sector": c.SECTOR}


def breakdown_table(rows, by: str, title: str) -> Table:
    """Activities per type, sector or sub-goal (``by``, as ``activity_breakdown`` groups
    them; cancelled ones counted apart)."""
    return Table(
        columns=[
            BREAKDOWN_KEYS[by],
            *ACTIVITY_COLUMNS,
            c.PARTICIPANTS,
            c.SPENT,
            c.CANCELLED,
            c.COUNCILS_ACTIVE,
        ],
        rows=[
            [
                r.key,
                r.activities,
                r.goals[1],
                r.goals[2],
                r.goals[3],
                r.participants,
                Kroner(r.spent_ore),
                r.cancelled,
                r.councils,
            ]
            for r in rows
        ],
        title=title,
    )


def goal_coverage_table(rows: list[OverviewRow]) -> Table:
    """Per council: activities per sub-goal, and which sub-goals it has nothing on."""
    return Table(
        columns=[c.COUNCIL, *ACTIVITY_COLUMNS, c.ALL_GOALS, c.MISSING_GOALS],
        rows=[
            [
                r.council.name,
                *_reported_cells(r)[:5],
                _goals_text(r.missing_goals) if r.lacks_goals else None,
            ]
            for r in rows
        ],
        title="Delmål per råd",
    )


def activities_table(rows) -> Table:
    """The activity list: every activity with its council, period and source upload (and
    its plan's measure and the year's themes it names, where any listed activity has one)."""
    tied = any(a.measure for a in rows)
    themed = any(a.themes for a in rows)
    table = Table(
        columns=[
            c.COUNCIL,
            c.DATE,
            c.ACTIVITY,
            c.TYPE,
            c.GOALS_TAGGED,
            c.SECTOR,
            c.PARTICIPANTS,
            c.COST,
            c.ACTIVITY_STATUS,
            c.ORGANISER,
            c.COMMENT,
            c.YEAR,
            c.PERIOD,
            c.UPLOAD_ID,
            c.FILE,
            c.ROW_IN_FILE,
        ],
        rows=[
            [
                a.council,
                a.date,
                a.title,
                a.type,
                _goals_text(a.goals),
                a.sector or None,
                a.participants,
                Kroner(a.cost_ore),
                a.status,
                a.organiser or None,
                a.comment or None,
                a.year,
                a.period,
                a.upload_id,
                a.file_name,
                a.source_row,
            ]
            for a in rows
        ],
        title="Aktiviteter",
    )
    at = [col.name for col in table.columns].index(c.COMMENT.name) + 1
    extra = [(c.MEASURE_NO, lambda a: a.measure or None)] if tied else []
    extra += [(c.THEME, lambda a: a.themes.replace("|", "; ") or None)] if themed else []
    for k, (column, value) in enumerate(extra):
        table.columns.insert(at + k, column)
        for row, a in zip(table.rows, rows, strict=True):
            row.insert(at + k, value(a))
    return table


def meetings_table(rows, council_names: dict[int, str]) -> Table:
    """Council meetings on record."""
    return Table(
        columns=[c.COUNCIL, c.DATE, c.MEETING_KIND, c.PRESENT, c.COMMENT, c.YEAR, c.PERIOD],
        rows=[
            [
                council_names.get(m.council_id, ""),
                m.date,
                m.kind or None,
                m.present or None,
                m.comment or None,
                m.year,
                m.period,
            ]
            for m in rows
        ],
        title="Møter",
    )
