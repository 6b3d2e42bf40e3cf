"""What the importer makes of one workbook, valid or not: the report (or allocations) it
read, its rows, and every problem found, each located as Excel shows it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ia_data.domain.kinds import ActivityStatus, Severity, UploadKind
from ia_data.domain.register import CouncilInfo
from ia_data.domain.report import ReportDetails
from ia_data.domain.rules import ReportPeriod


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in a workbook, located as Excel shows it."""

    severity: Severity
    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    found: str = ""

    @property
    def text(self) -> str:
        where = [self.sheet] if self.sheet else []
        if self.row is not None:
            where.append(f"rad {self.row}")
        if self.column:
            where.append(f"kolonne «{self.column}»" if self.row is not None else self.column)
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class ParsedActivity:
    row: int
    date: date
    title: str
    type: str
    goals: frozenset[int]
    sector: str = ""
    participants: int | None = None
    cost_ore: int = 0
    status: str = ActivityStatus.DONE
    organiser: str = ""
    comment: str = ""
    sheet: str = ""
    date_column: str = ""
    measure: str = ""  # the number of the plan's measure it is done under («Tiltak nr.»)
    measure_column: str = ""  # that column's header as written
    theme_text: str = ""  # «Tema» as written
    theme_column: str = ""
    themes: tuple[str, ...] = ()  # the year's priority themes it names (the letters' words)

    @property
    def counted(self) -> bool:
        """Counted among ``Aktiviteter``: everything that is not cancelled."""
        return self.status != ActivityStatus.CANCELLED


@dataclass
class ParsedMeeting:
    row: int
    date: date
    kind: str = ""
    present: str = ""
    comment: str = ""
    sheet: str = ""
    date_column: str = ""


@dataclass
class ParsedAllocation:
    row: int
    council: CouncilInfo
    year: int
    amount_ore: int
    decision_date: date | None = None
    note: str = ""


@dataclass
class ParsedMeasure:
    """One measure (row) of an action plan's ``Handlingsplan`` sheet."""

    row: int
    number: str
    goal: str
    measure: str
    planned: str  # the planned time as the app shows it: «15.03.2015», «mars 2015», …
    planned_by: date  # the last day of the planned time (after it, the measure is due)
    goals: frozenset[int] = frozenset()
    responsible: str = ""
    budget_ore: int | None = None


@dataclass
class ParsedWorkbook(ReportDetails):
    """Everything read from one file, valid or not."""

    kind: UploadKind = UploadKind.REPORT
    problems: list[Problem] = field(default_factory=list)
    council: CouncilInfo | None = None
    period: ReportPeriod | None = None
    submitted: date | None = None
    activities: list[ParsedActivity] = field(default_factory=list)
    meetings: list[ParsedMeeting] = field(default_factory=list)
    allocations: list[ParsedAllocation] = field(default_factory=list)
    plan_year: int | None = None  # an action plan's year
    plan_adopted: date | None = None  # the date the council adopted the plan, if given
    measures: list[ParsedMeasure] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == Severity.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, message: str, **where) -> None:
        self.problems.append(Problem(Severity.ERROR, message, **where))

    def warn(self, message: str, **where) -> None:
        self.problems.append(Problem(Severity.WARNING, message, **where))

    @property
    def total_cost_ore(self) -> int:
        return sum(a.cost_ore for a in self.activities)

    @property
    def plan_budget_ore(self) -> int:
        """An action plan's budget: its measures' budgets summed (a measure without one: 0)."""
        return sum(m.budget_ore or 0 for m in self.measures)

    def goal_counts(self) -> dict[int, int]:
        return {k: sum(1 for a in self.activities if a.counted and k in a.goals) for k in (1, 2, 3)}
