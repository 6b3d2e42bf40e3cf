"""Sickness absence beside activity (sub-goal 1): a public series' value for each county a
council covers, in a year's quarter, and its change from the agreement's base; a council's
counties over the years; and the figures for a chart of sickness absence against the
council's sub-goal 1 activities.

One call reads one series (``storage.stats``), so two measures never meet in a column or a
chart; every result names the series' measure and source. A council that covers two
counties gets a value for each, never an average of them. A value the series lacks is
missing (None), never 0; nothing is made up for a county the series does not hold
(Trøndelag, 50, is only what the series says). The change is measured from the level
sub-goal 1 names (2nd quarter 2001) where the series holds it, else from the same quarter
of the agreement's base year (``rules.toml`` ``[[agreement]]``), marked as assumed.

A stored value its measure cannot have (a share outside 0–100, a number beyond what a page
can show: ``domain.stats.value_problem``) — refused in a file today, but an older release
stored it — is left out as if missing, and the result says so in its ``notes`` («Utelatt:
ugyldig verdi i serien …»): one value never takes a page down.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, select

from ia_data.domain.access import Scope
from ia_data.domain.register import CouncilInfo
from ia_data.domain.rules import Rules, assumption_text, is_assumed
from ia_data.domain.stats import (
    NATIONAL,
    NATIONAL_NAME,
    quarter_label,
    value_problem,
    value_text,
)
from ia_data.reporting.totals import council_year_totals
from ia_data.storage.models import StatSeries, StatValue
from ia_data.storage.register import councils
from ia_data.storage.stats import SeriesInfo, series_list

SHOWN_NOTES = 5  # a page names this many values left out, and counts the rest


def _usable(info: SeriesInfo, value: float | None) -> bool:
    """Whether a stored value is one the series' measure can have (missing is usable)."""
    return value is None or not value_problem(value, info.unit, info.measure)


class _LeftOut:
    """The stored values a page cannot use, as it reads them: each is read as missing and
    noted once («Utelatt: ugyldig verdi i serien …»)."""

    def __init__(self, info: SeriesInfo):
        self.info = info
        self.notes: list[str] = []

    def value(self, value: float | None, place: str, year: int, quarter: int) -> float | None:
        """``value`` if the series can have it, else None with a note naming ``place``
        (a county's name), the quarter and the value."""
        if _usable(self.info, value):
            return value
        reason = value_problem(value, self.info.unit, self.info.measure)
        note = (
            f"Utelatt: ugyldig verdi i serien «{self.info.key}» for {place}, "
            f"{quarter_label(year, quarter)} ({value_text(value)} {reason})."
        )
        if note not in self.notes:
            self.notes.append(note)
        return None


def shown_notes(notes: list[str]) -> list[str]:
    """The notes a page shows: the first ``SHOWN_NOTES``, and how many more."""
    more = len(notes) - SHOWN_NOTES
    if more <= 0:
        return list(notes)
    return [*notes[:SHOWN_NOTES], f"Og {more} ugyldige verdier til er utelatt."]


def left_out_about(notes: list[str]) -> list[tuple[str, str]]:
    """What an export's ``Om uttrekket`` says of the stored values a table left out
    (``notes``): «Sykefravær, utelatt» and the notes; nothing where none was."""
    return [("Sykefravær, utelatt", " ".join(shown_notes(notes)))] if notes else []


@dataclass(frozen=True)
class SicknessValue:
    """One county's value for a council (a council of two counties has two)."""

    council_id: int | None  # None: the whole country
    council: str
    county_number: str
    county: str
    value: float | None
    base_value: float | None

    @property
    def change(self) -> float | None:
        """The change from the base, in percentage points (for a series in per cent)."""
        if self.value is None or self.base_value is None:
            return None
        return round(self.value - self.base_value, 4)

    @property
    def change_percent(self) -> float | None:
        """The change from the base relative to it, in per cent (sub-goal 1: −20 %)."""
        if self.value is None or not self.base_value:
            return None
        return round((self.value - self.base_value) / self.base_value * 100, 4)


@dataclass(frozen=True)
class SicknessBase:
    """The quarter a change is measured from, and on what grounds."""

    year: int
    quarter: int
    assumed: bool  # not the level sub-goal 1 names, but the agreement's base year
    source: str  # the rule's source in rules.toml (for an assumption, its reason)

    @property
    def label(self) -> str:
        return quarter_label(self.year, self.quarter)


@dataclass
class SicknessYear:
    """Sickness absence by council for a year: the series, the quarter shown, the base the
    change is measured from (or why there is none), the national figure and a row per
    council and county."""

    year: int
    series: SeriesInfo | None  # None: no series holds the year
    quarter: int | None = None
    base: SicknessBase | None = None
    base_note: str = ""  # why there is no base, or what the assumed base rests on
    national: SicknessValue | None = None
    rows: list[SicknessValue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # stored values left out, and why

    @property
    def period_label(self) -> str:
        """``1. kvartal 2012`` (empty without a series)."""
        return "" if self.quarter is None else quarter_label(self.year, self.quarter)

    @property
    def caption(self) -> str:
        """What a page or an export writes under the column: the measure, the quarter, the
        source and the base of the change, marked «(antatt)» where assumed (``base_note``
        says on what grounds)."""
        if self.series is None:
            return f"Ingen statistikkserie har tall for {self.year}."
        if self.quarter is None:
            return f"{self.series.measure}: serien har ingen tall for {self.year}."
        source = self.series.source.rstrip(". ")
        text = f"{self.series.measure}, {self.period_label}. Kilde: {source}."
        if self.base is not None:
            mark = " (antatt)" if self.base.assumed else ""
            text += f" Endring fra {self.base.label}{mark}."
        return " ".join([text, *shown_notes(self.notes)])

    def for_council(self, council_id: int) -> list[SicknessValue]:
        """A council's rows: one per county it covers, in county order."""
        return [r for r in self.rows if r.council_id == council_id]


def _active(session: Session, key: str | None) -> list[StatSeries]:
    query = select(StatSeries).where(StatSeries.active).order_by(StatSeries.key)
    if key is not None:
        query = query.where(StatSeries.key == key)
    return list(session.exec(query))


def sickness_series_for_year(session: Session, year: int, *, scope: Scope) -> list[SeriesInfo]:
    """The active series with a county value in ``year``, the one shown by default first
    (the most counties with a value that year, then by key). Public: any scope."""
    counts = dict(
        session.exec(
            select(StatValue.series_id, func.count(func.distinct(StatValue.county_number)))
            .join(StatSeries, StatSeries.id == StatValue.series_id)
            .where(
                StatSeries.active,
                StatValue.year == year,
                StatValue.county_number != NATIONAL,
                StatValue.value.is_not(None),
            )
            .group_by(StatValue.series_id)
        ).all()
    )
    found = [s for s in series_list(session, scope=scope) if s.id in counts]
    return sorted(found, key=lambda s: (-counts[s.id], s.key))


def _series(session: Session, year: int, key: str | None, scope: Scope) -> SeriesInfo | None:
    if key is None:
        found = sickness_series_for_year(session, year, scope=scope)
        return found[0] if found else None
    return next((s for s in series_list(session, scope=scope) if s.key == key), None)


def _quarters(session: Session, info: SeriesInfo) -> tuple[set[tuple], set[tuple]]:
    """The (year, quarter)s with a county value in the series: every one (a year's
    quarter is shown, a value left out noted), and those with a value a page can use (a
    change is measured from those only)."""
    query = select(StatValue.year, StatValue.quarter, StatValue.value).where(
        StatValue.series_id == info.id,
        StatValue.county_number != NATIONAL,
        StatValue.value.is_not(None),
    )
    rows = session.exec(query).all()
    return {(y, q) for y, q, _ in rows}, {(y, q) for y, q, v in rows if _usable(info, v)}


def _base(
    held: set[tuple], year: int, quarter: int, rules: Rules
) -> tuple[SicknessBase | None, str]:
    """The quarter the change of ``year``'s ``quarter`` is measured from, and a note."""
    agreement = rules.agreement(year)
    if agreement is None:
        return None, f"{year} ligger utenfor IA-avtalene i reglene; ingen endring er regnet."
    reference = agreement.sickness_reference
    if reference is not None and reference[1] == quarter and reference in held:
        source = agreement.sickness_reference_source
        return SicknessBase(*reference, assumed=False, source=source), ""
    first = agreement.sickness_base_year or agreement.from_year
    source = agreement.sickness_base_source
    for candidate in range(first, year + 1):
        if (candidate, quarter) in held:
            base = SicknessBase(candidate, quarter, assumed=is_assumed(source), source=source)
            note = assumption_text(source) if is_assumed(source) else source
            if candidate != first:
                note += (
                    f"; serien har ikke {quarter_label(first, quarter)}, så {base.label} er brukt"
                )
            return base, (note[0].upper() + note[1:] + ".") if note else ""
    return None, (
        f"Serien har ikke {quarter}. kvartal i {agreement.name} før {year}; ingen endring er "
        "regnet."
    )


def sickness_overview(
    session: Session,
    year: int,
    rules: Rules,
    council_ids: list[int] | None = None,
    *,
    scope: Scope,
    series: str | None = None,
    quarter: int | None = None,
) -> SicknessYear:
    """Sickness absence for Oversikt's column: per council in scope (existing in ``year``)
    and county it covers, the value of ``series`` (a key; default: the first of
    ``sickness_series_for_year``) in ``year``'s ``quarter`` (default: the series' last
    quarter that year), with the base value and the change, and the national figure."""
    ids = scope.council_ids(council_ids)
    info = _series(session, year, series, scope)
    result = SicknessYear(year=year, series=info)
    if info is None:
        return result
    held, usable = _quarters(session, info)
    in_year = sorted(q for y, q in held if y == year)
    if quarter is None:
        quarter = in_year[-1] if in_year else None
    if quarter is None:
        result.base_note = f"Serien har ingen tall for {year}."
        return result
    result.quarter = quarter
    result.base, result.base_note = _base(usable, year, quarter, rules)
    wanted = {(year, quarter)} | ({(result.base.year, quarter)} if result.base else set())
    values: dict[tuple[str, int], float | None] = {}
    rows = session.exec(
        select(StatValue.county_number, StatValue.year, StatValue.value).where(
            StatValue.series_id == info.id,
            StatValue.quarter == quarter,
            StatValue.year.in_(sorted({y for y, _ in wanted})),
        )
    )
    for county, y, value in rows.all():
        values[(county, y)] = value
    base_year = result.base.year if result.base else None
    left_out = _LeftOut(info)

    def pair(county: str, name: str) -> tuple[float | None, float | None]:
        value = left_out.value(values.get((county, year)), name, year, quarter)
        if base_year is None:
            return value, None
        return value, left_out.value(values.get((county, base_year)), name, base_year, quarter)

    result.national = SicknessValue(
        None, NATIONAL_NAME, NATIONAL, NATIONAL_NAME, *pair(NATIONAL, NATIONAL_NAME)
    )
    if ids is None or ids:
        for council in councils(session, ids):
            if not council.exists_in(year):
                continue
            for number, name in council.counties:
                result.rows.append(
                    SicknessValue(council.id, council.name, number, name, *pair(number, name))
                )
    result.notes = left_out.notes
    return result


@dataclass
class CountySeries:
    """One series' values for one county of a council over the years, beside the national
    figure of the same series."""

    series: SeriesInfo
    county_number: str
    county: str
    points: list[tuple[int, int, float | None]] = field(default_factory=list)  # year, quarter
    national: list[tuple[int, int, float | None]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # the series' values left out, and why


def council_sickness(
    session: Session, council_id: int, *, scope: Scope, series: str | None = None
) -> list[CountySeries]:
    """A council's counties over the years, for the Råd page: for each active series (or
    the one ``series`` names) and each county the council covers, every (year, quarter,
    value) the series holds, with the national figure. The council must be in scope."""
    scope.check(council_id)
    found = councils(session, [council_id])
    if not found:
        return []
    council: CouncilInfo = found[0]
    numbers = [n for n, _ in council.counties]
    result = []
    infos = {s.id: s for s in series_list(session, scope=scope)}
    for row in _active(session, series):
        values = session.exec(
            select(StatValue.county_number, StatValue.year, StatValue.quarter, StatValue.value)
            .where(
                StatValue.series_id == row.id,
                StatValue.county_number.in_([*numbers, NATIONAL]),
            )
            .order_by(StatValue.year, StatValue.quarter)
        ).all()
        left_out = _LeftOut(infos[row.id])
        names = {**dict(council.counties), NATIONAL: NATIONAL_NAME}
        read = [(c, y, q, left_out.value(v, names[c], y, q)) for c, y, q, v in values]
        national = [(y, q, v) for c, y, q, v in read if c == NATIONAL]
        for number, name in council.counties:
            points = [(y, q, v) for c, y, q, v in read if c == number]
            if points:
                result.append(
                    CountySeries(infos[row.id], number, name, points, national, left_out.notes)
                )
    return result


@dataclass(frozen=True)
class SicknessActivity:
    """A point of the chart: a council's county, its sickness absence, and the council's
    activities on sub-goal 1 that year (None: no report that year — not 0)."""

    council_id: int
    council: str
    county_number: str
    county: str
    sickness: float | None
    goal_1: int | None
    activities: int | None


def sickness_and_activity(
    session: Session,
    year: int,
    rules: Rules,
    council_ids: list[int] | None = None,
    *,
    scope: Scope,
    approved_only: bool = False,
) -> tuple[SicknessYear, list[SicknessActivity]]:
    """Sickness absence against activity for a year: ``sickness_overview`` of the default
    series and quarter (its caption names the measure and source) and, per council and
    county, the value beside the council's sub-goal 1 activities (a council of two
    counties: a point for each, with the same count) — from ``totals.council_year_totals``,
    as on every page (``approved_only``: of the last approved reports)."""
    overview = sickness_overview(session, year, rules, council_ids, scope=scope)
    ids = sorted({r.council_id for r in overview.rows})
    totals = (
        council_year_totals(session, [year], ids, scope=scope, approved_only=approved_only)
        if ids
        else {}
    )
    points = []
    for row in overview.rows:
        done = totals.get((row.council_id, year))
        points.append(
            SicknessActivity(
                row.council_id,
                row.council,
                row.county_number,
                row.county,
                row.value,
                None if done is None else done.goals[1],
                None if done is None else done.activities,
            )
        )
    return overview, points
