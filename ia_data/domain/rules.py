"""Reporting rules by year: periods, due dates, deadline status and rule-based grants.

The rules come from the oversight group's letters and live in a data file
(``ia_data/domain/rules.toml``, or the one the settings name: ``IA_RULES_FILE``), so a
deployment can correct a date without touching code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from ia_data.domain.kinds import AllocationSource

DEFAULT_RULES_FILE = Path(__file__).with_name("rules.toml")


class Status(StrEnum):
    """The deadline status of a council's report for one period, as of a date."""

    ON_TIME = "Levert i tide"
    LATE = "Levert for sent"
    MISSING = "Mangler"
    DUE_SOON = "Forfaller snart"
    NOT_DUE = "Ikke forfalt"


@dataclass(frozen=True)
class PeriodRule:
    code: str  # "H1", "H2" or "År"
    name: str
    start: tuple[int, int]
    end: tuple[int, int]
    due: tuple[int, int]
    due_year_offset: int
    due_source: str = ""

    @property
    def due_is_assumption(self) -> bool:
        return is_assumed(self.due_source)


ASSUMED = "antatt"
ASSUMED_MARK = "(antatt)"  # after a cell's value that rests on an assumed rule


def is_assumed(source: str) -> bool:
    """Whether a rule's source says the app assumes it («antatt: …») rather than a letter."""
    return source.strip().lower().startswith(ASSUMED)


def assumption_text(source: str) -> str:
    """An assumed rule's reason, without the «antatt:» that marks it."""
    return source.strip()[len(ASSUMED) :].lstrip(" :").strip()


@dataclass(frozen=True)
class Regime:
    name: str
    source: str
    from_year: int
    to_year: int
    periods: tuple[PeriodRule, ...]
    meetings_min: int
    meetings_max: int
    allocation: AllocationSource  # from an uploaded decision, or by the rule
    amount_one_county: int | None = None
    amount_shared: int | None = None
    pool: dict[int, int] | None = None
    meetings_source: str = ""
    amount_source: str = ""

    @property
    def meetings_assumed(self) -> bool:
        return is_assumed(self.meetings_source)

    @property
    def amount_assumed(self) -> bool:
        return self.allocation == AllocationSource.RULE and is_assumed(self.amount_source)


@dataclass(frozen=True)
class Agreement:
    """An IA agreement's years, and what the change in sickness absence beside a council's
    activity is measured from: the level sub-goal 1 names (``sickness_reference``, year and
    quarter), or where a series lacks it the same quarter of ``sickness_base_year``
    (assumed: ``sickness_base_source``)."""

    name: str
    from_year: int
    to_year: int
    sickness_reference: tuple[int, int] | None = None
    sickness_reference_source: str = ""
    sickness_base_year: int | None = None
    sickness_base_source: str = ""

    def covers(self, year: int) -> bool:
        return self.from_year <= year <= self.to_year


@dataclass(frozen=True)
class NoticeRules:
    """When the e-mail notices go out (``[varsler]`` in the rules file): a reminder
    ``reminder_days`` before a due date; «Frist passert» the day after it and then every
    week while the report is missing, for at most ``overdue_weeks`` weeks (a period whose due
    date is older is never reminded about); a message the mail server refuses for a while is
    tried again for ``retry_days`` days; the weekly summary goes out on ``summary_weekday``
    (ISO: 1 is Monday)."""

    reminder_days: tuple[int, ...] = (14, 3)
    overdue_weeks: int = 8
    retry_days: int = 3
    summary_weekday: int = 1

    @classmethod
    def from_table(cls, raw: dict) -> NoticeRules:
        """The ``[varsler]`` table (a setting left out keeps its default)."""
        default = cls()
        return cls(
            reminder_days=tuple(
                sorted({int(d) for d in raw.get("reminder_days", default.reminder_days)},
                       reverse=True)
            ),
            overdue_weeks=int(raw.get("overdue_weeks", default.overdue_weeks)),
            retry_days=int(raw.get("retry_days", default.retry_days)),
            summary_weekday=int(raw.get("summary_weekday", default.summary_weekday)),
        )  # fmt: skip


@dataclass(frozen=True)
class Themes:
    """A period's priority themes, in the words of the letter that names them."""

    from_year: int
    to_year: int
    names: tuple[str, ...]
    source: str = ""

    def covers(self, year: int) -> bool:
        return self.from_year <= year <= self.to_year


@dataclass(frozen=True)
class ReportPeriod:
    """One reporting period of one year, with its dates."""

    year: int
    code: str
    name: str
    start: date
    end: date
    due: date
    due_is_assumption: bool = False

    @property
    def label(self) -> str:
        return f"{self.year} {self.code}"


@dataclass(frozen=True)
class DeadlineStatus:
    status: Status
    days_late: int = 0
    days_to_due: int | None = None

    @property
    def text(self) -> str:
        """The status as shown to a user, with the days late for a late report."""
        if self.status is Status.LATE:
            unit = "dag" if self.days_late == 1 else "dager"
            return f"{self.status} (+{self.days_late} {unit})"
        return str(self.status)


def _md(text: str) -> tuple[int, int]:
    month, day = text.split("-")
    return int(month), int(day)


class Rules:
    """The reporting rules of every year, read from a rules file."""

    def __init__(
        self,
        regimes: list[Regime],
        due_soon_days: int = 30,
        path: Path | None = None,
        goals: dict[int, str] | None = None,
        agreements: list[Agreement] | None = None,
        notices: NoticeRules | None = None,
        review_wait_days: int = 14,
        themes: list[Themes] | None = None,
    ):
        self.regimes = sorted(regimes, key=lambda r: r.from_year)
        self.agreements = sorted(agreements or [], key=lambda a: a.from_year)
        self.due_soon_days = due_soon_days
        # A report waiting for review longer than this is a deviation («Avvik»).
        self.review_wait_days = review_wait_days
        self.path = path
        self.goals = dict(sorted((goals or {}).items()))  # sub-goal number → what it is
        self.notices = notices or NoticeRules()
        self.theme_periods = sorted(themes or [], key=lambda t: t.from_year)

    @classmethod
    def from_file(cls, path: str | Path) -> Rules:
        path = Path(path)
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        regimes = []
        for raw in data["regime"]:
            periods = tuple(
                PeriodRule(
                    code=p["code"],
                    name=p.get("name", p["code"]),
                    start=_md(p["start"]),
                    end=_md(p["end"]),
                    due=_md(p["due"]),
                    due_year_offset=int(p.get("due_year_offset", 0)),
                    due_source=p.get("due_source", ""),
                )
                for p in raw["period"]
            )
            regimes.append(
                Regime(
                    name=raw["name"],
                    source=raw.get("source", ""),
                    from_year=int(raw["from_year"]),
                    to_year=int(raw["to_year"]),
                    periods=periods,
                    meetings_min=int(raw.get("meetings_min", 2)),
                    meetings_max=int(raw.get("meetings_max", 4)),
                    allocation=AllocationSource(raw.get("allocation", AllocationSource.DECISION)),
                    amount_one_county=raw.get("amount_one_county"),
                    amount_shared=raw.get("amount_shared"),
                    pool={int(k): int(v) for k, v in raw.get("pool", {}).items()} or None,
                    meetings_source=raw.get("meetings_source", ""),
                    amount_source=raw.get("amount_source", ""),
                )
            )
        goals = {int(k): str(v) for k, v in data.get("goals", {}).items()}
        agreements = [
            Agreement(
                name=raw["name"],
                from_year=int(raw["from_year"]),
                to_year=int(raw["to_year"]),
                sickness_reference=(
                    (int(raw["sickness_reference"][0]), int(raw["sickness_reference"][1]))
                    if raw.get("sickness_reference")
                    else None
                ),
                sickness_reference_source=raw.get("sickness_reference_source", ""),
                sickness_base_year=(
                    int(raw["sickness_base_year"]) if "sickness_base_year" in raw else None
                ),
                sickness_base_source=raw.get("sickness_base_source", ""),
            )
            for raw in data.get("agreement", [])
        ]
        return cls(
            regimes,
            int(data.get("due_soon_days", 30)),
            path,
            goals,
            agreements,
            NoticeRules.from_table(data.get("varsler", {})),
            int(data.get("review_wait_days", 14)),
            [
                Themes(
                    from_year=int(raw["from_year"]),
                    to_year=int(raw["to_year"]),
                    names=tuple(str(n) for n in raw["names"]),
                    source=raw.get("source", ""),
                )
                for raw in data.get("themes", [])
            ],
        )

    @property
    def years(self) -> range:
        return range(self.regimes[0].from_year, self.regimes[-1].to_year + 1)

    def agreement(self, year: int) -> Agreement | None:
        """The IA agreement in force in ``year``, or None outside every agreement."""
        return next((a for a in self.agreements if a.covers(year)), None)

    def regime(self, year: int) -> Regime | None:
        """The regime that governs ``year``, or None outside every regime."""
        for regime in self.regimes:
            if regime.from_year <= year <= regime.to_year:
                return regime
        return None

    def periods(self, year: int) -> list[ReportPeriod]:
        """The reporting periods of a year, in order (empty outside the rules)."""
        regime = self.regime(year)
        if regime is None:
            return []
        return [
            ReportPeriod(
                year=year,
                code=p.code,
                name=p.name,
                start=date(year, *p.start),
                end=date(year, *p.end),
                due=date(year + p.due_year_offset, *p.due),
                due_is_assumption=p.due_is_assumption,
            )
            for p in regime.periods
        ]

    def period(self, year: int, code: str) -> ReportPeriod | None:
        for period in self.periods(year):
            if period.code == code:
                return period
        return None

    def due_is_assumed_because(self, period: ReportPeriod) -> str:
        """Why ``period``'s due date is assumed (the rules file's reason), or "" when a
        letter sets it."""
        regime = self.regime(period.year)
        for rule in regime.periods if regime else ():
            if rule.code == period.code and rule.due_is_assumption:
                return assumption_text(rule.due_source)
        return ""

    def period_of_date(self, day: date) -> ReportPeriod | None:
        """The reporting period a date falls in (an activity belongs to its date's period)."""
        for period in self.periods(day.year):
            if period.start <= day <= period.end:
                return period
        return None

    def deadline_status(
        self, period: ReportPeriod, submitted: date | None, as_of: date
    ) -> DeadlineStatus:
        """Status of a report for ``period`` as of ``as_of``.

        A report submitted after ``as_of`` counts as not submitted as of that day.
        """
        if submitted is not None and submitted <= as_of:
            if submitted <= period.due:
                return DeadlineStatus(Status.ON_TIME)
            return DeadlineStatus(Status.LATE, days_late=(submitted - period.due).days)
        days_to_due = (period.due - as_of).days
        if days_to_due < 0:
            return DeadlineStatus(Status.MISSING, days_to_due=days_to_due)
        if days_to_due <= self.due_soon_days:
            return DeadlineStatus(Status.DUE_SOON, days_to_due=days_to_due)
        return DeadlineStatus(Status.NOT_DUE, days_to_due=days_to_due)

    def rule_allocation(self, year: int, county_count: int) -> int | None:
        """The grant in kroner that the rules fix for a council, or None where the
        year's grants come from a decision."""
        regime = self.regime(year)
        if regime is None or regime.allocation != AllocationSource.RULE:
            return None
        if county_count >= 2 and regime.amount_shared is not None:
            return int(regime.amount_shared)
        return None if regime.amount_one_county is None else int(regime.amount_one_county)

    def meetings_expected(self, year: int) -> tuple[int, int] | None:
        regime = self.regime(year)
        return None if regime is None else (regime.meetings_min, regime.meetings_max)

    def amount_assumed(self, year: int) -> bool:
        """Whether the rule-based grant of ``year`` is assumed (not decided by a letter)."""
        regime = self.regime(year)
        return regime is not None and regime.amount_assumed

    def meetings_assumed(self, year: int) -> bool:
        regime = self.regime(year)
        return regime is not None and regime.meetings_assumed

    def assumptions(self, years) -> list[str]:
        """What the app assumes where the letters do not decide a rule, for ``years`` (a year
        or several), as sentences for a legend or ``Om uttrekket``, one per rule and span of
        years (empty: every rule of those years is from a letter)."""
        wanted = {years} if isinstance(years, int) else set(years)
        notes = []
        for regime in self.regimes:
            shown = sorted(y for y in wanted if regime.from_year <= y <= regime.to_year)
            if not shown:
                continue
            span = str(shown[0]) if shown[0] == shown[-1] else f"{shown[0]}–{shown[-1]}"
            if is_assumed(regime.source):
                notes.append(f"Rapporteringen {span}: {assumption_text(regime.source)}.")
            for period in regime.periods:
                if period.due_is_assumption:
                    notes.append(
                        f"Fristen for {period.name.lower()} {span}: "
                        f"{assumption_text(period.due_source)}."
                    )
            if regime.amount_assumed:
                notes.append(
                    f"Tildelingen etter regel {span}: {assumption_text(regime.amount_source)}."
                )
            if regime.meetings_assumed:
                notes.append(
                    f"Møter forventet {span} ({regime.meetings_min}–{regime.meetings_max}): "
                    f"{assumption_text(regime.meetings_source)}."
                )
        return notes

    def pool(self, year: int) -> int | None:
        """The grant pool of ``year`` in kroner (2012: 10 million, shared by decision), or
        None where the rules set none."""
        regime = self.regime(year)
        return None if regime is None or not regime.pool else regime.pool.get(year)

    def themes(self, year: int) -> Themes | None:
        """The priority themes the letters name for ``year`` (``None``: they name none)."""
        return next((t for t in self.theme_periods if t.covers(year)), None)

    def goals_legend(self) -> list[tuple[str, str]]:
        """(``Delmål k``, what it is) for each sub-goal, for a legend or ``Om uttrekket``."""
        return [(f"Delmål {k}", text) for k, text in self.goals.items()]


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> Rules:
    return Rules.from_file(path)


def load_rules(path: str | Path) -> Rules:
    """The rules of the file at ``path`` (cached until the file changes)."""
    path = Path(path)
    return _load(str(path), path.stat().st_mtime)
