"""The database tables (SQLModel), the same on SQLite and PostgreSQL.

Money is stored as whole øre (``*_ore``) in 64-bit integers, so that sums are exact to the
krone (3 000 000 000 øre does not fit in PostgreSQL's 32-bit ``INTEGER``). Every stored
report version is kept: a report row belongs to one upload, and only the active version of
a council's period counts. Restoring an earlier version flips ``active`` — nothing is
copied or lost.

What must hold however many servers write at once is a constraint, not only code: a file
(by its SHA-256) is stored once per kind, and at most one version of a council's period
(and one allocation of a council and year) is active — partial unique indexes on both
engines. Schema changes are Alembic migrations (``migrations/``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, LargeBinary, UniqueConstraint, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateIndex
from sqlmodel import Field, SQLModel

from ia_data.domain.kinds import ReceiptHow, UploadKind

# The largest id a row can have on both engines: PostgreSQL's ids are 32-bit (``SERIAL``),
# SQLite's 64-bit. A larger number names no row (asking PostgreSQL would be an error).
MAX_ID = 2**31 - 1


class County(SQLModel, table=True):
    number: str = Field(primary_key=True, max_length=2)
    name: str
    from_year: int | None = None
    to_year: int | None = None


class Council(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    secretariat: str = ""
    from_year: int | None = None
    to_year: int | None = None
    aliases: str = ""  # extra names, separated by "|"


class CouncilCounty(SQLModel, table=True):
    """Which counties a council covers."""

    council_id: int = Field(foreign_key="council.id", primary_key=True)
    county_number: str = Field(foreign_key="county.number", primary_key=True)


class Upload(SQLModel, table=True):
    """One file handed in: a council report or an allocation decision."""

    __table_args__ = (UniqueConstraint("sha256", "kind", name="uq_upload_sha256_kind"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = UploadKind.REPORT
    file_name: str
    sha256: str
    size: int = Field(sa_type=BigInteger)
    uploaded_at: datetime
    uploaded_by: str = ""  # the signed-in user's name (or the CLI's ``--by``)
    uploaded_by_email: str = ""  # the signed-in user's e-mail; empty from the CLI
    council_id: int | None = Field(default=None, foreign_key="council.id")
    year: int | None = None
    period: str | None = None
    activity_count: int = Field(default=0, sa_type=BigInteger)
    meeting_count: int = Field(default=0, sa_type=BigInteger)
    total_cost_ore: int = Field(default=0, sa_type=BigInteger)
    warnings: str = ""  # one warning per line
    active: bool = True
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


def _only_active(name: str, *columns: str) -> Index:
    """A unique index over the active rows alone: one active version, any number of old.

    Its ``WHERE`` is given to each engine's dialect as the index is created (``_partial``),
    not as ``sqlite_where``/``postgresql_where`` here: those load both dialects' packages
    (PostgreSQL's with its five drivers) when the models are imported, a fifth of the
    command line's start-up on an engine that needs neither."""
    return Index(name, *columns, unique=True, info={"where": "active"})


@compiles(CreateIndex, "sqlite")
@compiles(CreateIndex, "postgresql")
def _partial(create: CreateIndex, compiler, **kw) -> str:
    """``CREATE INDEX`` of a partial index (``info["where"]``) with its ``WHERE``, on the
    dialect that creates it (loaded by then)."""
    index = create.element
    if "where" in index.info:
        index.dialect_options[compiler.dialect.name]["where"] = text(index.info["where"])
    return compiler.visit_create_index(create, **kw)


class Report(SQLModel, table=True):
    """A council's report for one period, as one upload stored it."""

    __table_args__ = (
        Index("ix_report_year_active", "year", "active", "council_id"),
        _only_active("uq_report_active_period", "council_id", "year", "period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    upload_id: int = Field(foreign_key="upload.id", unique=True)
    council_id: int = Field(foreign_key="council.id")
    year: int
    period: str
    active: bool = True
    submitted: date
    submitted_from_upload_date: bool = False
    contact: str = ""
    chair: str = ""
    chair_organisation: str = ""
    action_plan: bool | None = None
    action_plan_date: date | None = None
    answer_1: str = ""
    answer_2: str = ""
    answer_3: str = ""
    answer_4: str = ""
    answer_5: str = ""


class Activity(SQLModel, table=True):
    __table_args__ = (Index("ix_activity_report", "report_id"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id")
    date: date
    title: str
    type: str
    goal_1: bool = False
    goal_2: bool = False
    goal_3: bool = False
    sector: str = ""
    participants: int | None = Field(default=None, sa_type=BigInteger)
    cost_ore: int = Field(default=0, sa_type=BigInteger)
    status: str = "Gjennomført"
    organiser: str = ""
    comment: str = ""
    source_row: int
    measure: str = ""  # the plan's measure number as written («Tiltak nr.»), or empty
    themes: str = ""  # the year's priority themes it names («Tema»), separated by "|"

    @property
    def goals(self) -> list[int]:
        return [k for k, on in ((1, self.goal_1), (2, self.goal_2), (3, self.goal_3)) if on]


class Meeting(SQLModel, table=True):
    __table_args__ = (Index("ix_meeting_report", "report_id"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id")
    date: date
    kind: str = ""
    present: str = ""
    comment: str = ""
    source_row: int


class Allocation(SQLModel, table=True):
    """A grant decided for a council and year (from an allocation workbook).

    Every version is kept; the active one counts.
    """

    __table_args__ = (
        Index("ix_allocation_year_active", "year", "active", "council_id"),
        UniqueConstraint("upload_id", "council_id", "year"),
        _only_active("uq_allocation_active_year", "council_id", "year"),
    )

    id: int | None = Field(default=None, primary_key=True)
    upload_id: int = Field(foreign_key="upload.id")
    council_id: int = Field(foreign_key="council.id")
    year: int
    amount_ore: int = Field(sa_type=BigInteger)
    decision_date: date | None = None
    note: str = ""
    active: bool = True
    source_row: int


class Plan(SQLModel, table=True):
    """A council's action plan for a year, as one upload stored it (issue 25). Every
    version is kept; the active one counts, and decides «has an action plan» for its year."""

    __table_args__ = (
        Index("ix_plan_year_active", "year", "active", "council_id"),
        _only_active("uq_plan_active_year", "council_id", "year"),
    )

    id: int | None = Field(default=None, primary_key=True)
    upload_id: int = Field(foreign_key="upload.id", unique=True)
    council_id: int = Field(foreign_key="council.id")
    year: int
    adopted: date | None = None
    active: bool = True


class PlanMeasure(SQLModel, table=True):
    """One measure of an action plan: its number (as written; activities name it), goal,
    sub-goals, the measure, its planned time (as shown, and its last day), who is
    responsible, and its budget (``None``: none given)."""

    __table_args__ = (Index("ix_planmeasure_plan", "plan_id"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id")
    number: str
    goal: str
    goal_1: bool = False
    goal_2: bool = False
    goal_3: bool = False
    measure: str
    planned: str
    planned_by: date
    responsible: str = ""
    budget_ore: int | None = Field(default=None, sa_type=BigInteger)
    source_row: int


class Meta(SQLModel, table=True):
    """Small key/value facts about the database (register file, data version)."""

    key: str = Field(primary_key=True)
    value: str


class ReportFigures(SQLModel, table=True):
    """A report's totals, summed from its activities and meetings in the transaction that
    stores them (``figures.refresh``), so the overview sums one row per report instead of
    every activity of the year. Counts leave cancelled activities out; money takes all."""

    report_id: int = Field(foreign_key="report.id", primary_key=True)
    spent_ore: int = Field(default=0, sa_type=BigInteger)
    activities: int = Field(default=0, sa_type=BigInteger)
    goal_1: int = Field(default=0, sa_type=BigInteger)
    goal_2: int = Field(default=0, sa_type=BigInteger)
    goal_3: int = Field(default=0, sa_type=BigInteger)
    goal_1_spent_ore: int = Field(default=0, sa_type=BigInteger)
    goal_2_spent_ore: int = Field(default=0, sa_type=BigInteger)
    goal_3_spent_ore: int = Field(default=0, sa_type=BigInteger)
    meetings: int = Field(default=0, sa_type=BigInteger)


class Restore(SQLModel, table=True):
    """An earlier upload made the active version again: when, and by whom."""

    id: int | None = Field(default=None, primary_key=True)
    upload_id: int = Field(foreign_key="upload.id", index=True)
    restored_at: datetime
    restored_by: str = ""
    restored_by_email: str = ""


class AppUser(SQLModel, table=True):
    """A user who may sign in, keyed on the lower-cased e-mail, with a role; a
    secretariat's councils are in ``UserCouncil``. ``subject`` is the identity provider's
    ``sub`` of the account that first signed in with the address (``None``: not yet); a
    sign-in from another account gets no role until an admin clears it."""

    email: str = Field(primary_key=True)
    name: str = ""
    role: str
    changed_at: datetime
    changed_by: str = ""
    subject: str | None = None


class SignInState(SQLModel, table=True):
    """The sign-ins of an address, on the identity provider's clock (the ID token's ``iat``,
    whole seconds): the newest seen, and the moment from which a sign-in counts — moved past
    every sign-in seen by «Logg ut», and by an admin changing or removing the user. Kept
    apart from ``AppUser`` so that removing a user does not forget it, and kept for an
    address with no role too. ``subject``: the provider's account the user was bound to when
    an admin removed the user, given back when the address is added again."""

    email: str = Field(primary_key=True)
    newest_seen: int = Field(default=0, sa_type=BigInteger)
    counts_from: int = Field(default=0, sa_type=BigInteger)
    subject: str | None = None


class UserCouncil(SQLModel, table=True):
    """The councils a secretariat user reports for."""

    email: str = Field(foreign_key="appuser.email", primary_key=True)
    council_id: int = Field(foreign_key="council.id", primary_key=True)


class AccessChange(SQLModel, table=True):
    """Who changed whose access, when, and to what (kept for good)."""

    id: int | None = Field(default=None, primary_key=True)
    changed_at: datetime
    changed_by: str
    email: str
    action: str  # lagt til / endret / fjernet
    role: str = ""
    councils: str = ""  # the councils' names, comma-separated


class RegisterVersion(SQLModel, table=True):
    """A version of the council register taken into use: when, by whom, the file, and what
    it changed (the first is the one the database was made with, if loaded since)."""

    id: int | None = Field(default=None, primary_key=True)
    loaded_at: datetime
    loaded_by: str = ""
    file_name: str = ""
    content: str = ""
    summary: str = ""  # the changes, one per line


class StatSeries(SQLModel, table=True):
    """One load of a public statistics series by county and quarter (sickness absence):
    what it measures, its source, from which file, who loaded it and when. Loading the same
    series (its key) again keeps this version, inactive, as history: one version of a key
    is active (a partial unique index), and a key keeps its measure."""

    __table_args__ = (_only_active("uq_statseries_active_key", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str
    name: str
    source: str = ""
    measure: str
    unit: str = ""
    period_kind: str = ""  # «1. kvartal hvert år» or «kvartal»
    form: str = ""  # the file's form (CSV, JSON-stat 2.0, …)
    file_name: str = ""
    loaded_at: datetime
    loaded_by: str = ""
    observations: int = Field(default=0, sa_type=BigInteger)
    active: bool = True


class StatValue(SQLModel, table=True):
    """A series' value for a county (``00``: the whole country) and quarter, as the file
    has it; missing is NULL, never 0."""

    series_id: int = Field(foreign_key="statseries.id", primary_key=True)
    county_number: str = Field(primary_key=True, max_length=2)
    year: int = Field(primary_key=True)
    quarter: int = Field(primary_key=True)
    value: float | None = None


class Receipt(SQLModel, table=True):
    """When a council's report for a period first arrived: stamped by the server in the
    transaction that stores the first version (``how`` «app»), or — for a report stored
    before the app stamped receipts, and an operator's historical load — the date the
    report gives (``how`` «oppgitt»: midnight of that day in Oslo). A correction or a
    restore never changes it; the deadline status judges its date in Oslo."""

    council_id: int = Field(foreign_key="council.id", primary_key=True)
    year: int = Field(primary_key=True)
    period: str = Field(primary_key=True)
    received_at: datetime
    how: str = ReceiptHow.APP
    upload_id: int | None = Field(default=None, foreign_key="upload.id")  # the first version


class Review(SQLModel, table=True):
    """Where a council's report for a period stands on its route (``ReviewState``): the
    version it concerns (the newest), the last approved version, and whether it was
    approved before the route existed. Changed only by a conditional UPDATE on the state
    and the version seen, so that of two reviewers at once one wins."""

    council_id: int = Field(foreign_key="council.id", primary_key=True)
    year: int = Field(primary_key=True)
    period: str = Field(primary_key=True)
    state: str
    upload_id: int = Field(foreign_key="upload.id")
    approved_upload_id: int | None = Field(default=None, foreign_key="upload.id")
    legacy: bool = False  # «godkjent før gjennomgang ble innført»
    updated_at: datetime


class ReviewEvent(SQLModel, table=True):
    """One step on a report's route, or a comment in its thread: kept for good, never
    changed or deleted."""

    __table_args__ = (Index("ix_reviewevent_period", "council_id", "year", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="council.id")
    year: int
    period: str
    upload_id: int | None = Field(default=None, foreign_key="upload.id")
    action: str
    state_after: str = ""
    text: str = ""  # the reason of a return, a comment
    points_to: str = ""  # where in the workbook a reason points (a sheet, a row, a question)
    by_name: str = ""
    by_email: str = ""
    at: datetime


class Forwarded(SQLModel, table=True):
    """A period's compiled report as forwarded to the oversight group: its exact bytes,
    their SHA-256, who forwarded it and when."""

    id: int | None = Field(default=None, primary_key=True)
    year: int
    period: str | None = None  # None: the whole year
    file_name: str
    sha256: str
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    forwarded_by: str = ""
    forwarded_by_email: str = ""
    forwarded_at: datetime


class Outbox(SQLModel, table=True):
    """An e-mail notice, written here before it is sent (``ia_data.notices``): in the same
    transaction as what caused it (a review action) or by the daily run. ``once_key`` is
    the unique key (kind, council, year, period, recipient, occasion) as one text — a SQL
    unique key never counts two NULLs as equal, and a weekly summary has no council — so a
    second run, a second server or a retried run writes no second row. ``message_id`` is
    fixed when the row is written, so a resend is the same message to the recipient's mail
    system."""

    __table_args__ = (
        UniqueConstraint("once_key", name="uq_outbox_once"),
        Index("ix_outbox_state", "state", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    once_key: str
    kind: str  # NoticeKind
    council_id: int | None = Field(default=None, foreign_key="council.id")
    year: int | None = None
    period: str | None = None
    recipient: str
    occasion: str  # which due date, week, review step or forwarding it is about
    state: str  # OutboxState
    subject: str
    text_body: str
    html_body: str
    message_id: str
    attempts: int = 0
    created_at: datetime
    last_attempt_at: datetime | None = None
    sent_at: datetime | None = None
    error: str = ""  # the mail server's last answer, or why it could not be reached


class NoticeChoice(SQLModel, table=True):
    """A kind of notice a user has turned off for themselves («Mine varsler»); a kind with
    no row is on."""

    email: str = Field(primary_key=True)
    kind: str = Field(primary_key=True)  # NoticeKind
    off: bool = True


class CouncilContact(SQLModel, table=True):
    """A council's contact address, kept by an admin: it gets the council's notices beside
    the secretariat's users."""

    council_id: int = Field(foreign_key="council.id", primary_key=True)
    email: str
    changed_at: datetime
    changed_by: str = ""


def record_fields(record: SQLModel, row_class) -> dict:
    """The fields of ``row_class`` (a dataclass) that the stored ``record`` holds, with its
    values: a row that a query reads is its record and what the query adds to it (a
    council's name, a span of periods …)."""
    held = type(record).model_fields
    return {f: getattr(record, f) for f in row_class.__dataclass_fields__ if f in held}
