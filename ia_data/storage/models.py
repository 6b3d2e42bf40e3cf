"""The database tables (SQLModel).

Money is stored as whole øre (``*_ore``) so that sums are exact to the krone.
Every stored report version is kept: a report row belongs to one upload, and only the
active version of a council's period counts. Restoring an earlier version flips
``active`` — nothing is copied or lost.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from ia_data.domain.kinds import UploadKind


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

    __table_args__ = (Index("ix_upload_sha256", "sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = UploadKind.REPORT
    file_name: str
    sha256: str
    size: int
    uploaded_at: datetime
    uploaded_by: str = ""
    council_id: int | None = Field(default=None, foreign_key="council.id")
    year: int | None = None
    period: str | None = None
    activity_count: int = 0
    meeting_count: int = 0
    total_cost_ore: int = 0
    warnings: str = ""  # one warning per line
    active: bool = True
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class Report(SQLModel, table=True):
    """A council's report for one period, as one upload stored it."""

    __table_args__ = (Index("ix_report_year_active", "year", "active", "council_id"),)

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
    participants: int | None = None
    cost_ore: int = 0
    status: str = "Gjennomført"
    organiser: str = ""
    comment: str = ""
    source_row: int

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
    )

    id: int | None = Field(default=None, primary_key=True)
    upload_id: int = Field(foreign_key="upload.id")
    council_id: int = Field(foreign_key="council.id")
    year: int
    amount_ore: int
    decision_date: date | None = None
    note: str = ""
    active: bool = True
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
    spent_ore: int = 0
    activities: int = 0
    goal_1: int = 0
    goal_2: int = 0
    goal_3: int = 0
    goal_1_spent_ore: int = 0
    goal_2_spent_ore: int = 0
    goal_3_spent_ore: int = 0
    meetings: int = 0
