"""StatBank's CSV (PxWeb's ``csv``), wide as the API gives it or long, one value per line."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from ia_data.domain.stats import period_code
from ia_data.domain.text import clean, fold
from ia_data.ingest.stats import shared
from ia_data.ingest.stats.shared import Observation, ParsedSeries, StatsFileError

FORM_STATBANK_CSV = "CSV fra Statistikkbanken"

_TRAILING_QUARTER = re.compile(r"^(.*?)[\s,;:]*([0-9]{4}\s*[KkQq]\s*[1-4])$")
_REGION_COLUMNS = {"region", "fylke", "fylkesnummer", "county", "arbeidsstedsfylke"}
_TIME_COLUMNS = {"kvartal", "tid", "time", "quarter", "periode", "period"}
_MEASURE_COLUMNS = {"statistikkvariabel", "contentscode", "contents", "statisticsvariable"}


def parse_statbank_csv(text: str, file_name: str, known: set[str]) -> ParsedSeries:
    first = text.lstrip("\n").split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:  # a NUL byte, a field beyond the reader's limit
        raise StatsFileError(file_name, [f"filen kan ikke leses som CSV ({exc})"]) from None
    numbered = [(n, row) for n, row in enumerate(rows, start=1) if any(c.strip() for c in row)]
    if not numbered:
        raise StatsFileError(file_name, ["filen er tom"])
    header_line, header = numbered[0]
    header = [clean(h) for h in header]
    folded = [fold(h) for h in header]
    region_at = next((k for k, h in enumerate(folded) if h in _REGION_COLUMNS), None)
    if region_at is None:
        raise StatsFileError(
            file_name,
            [
                f"Linje {header_line}: finner ingen kolonne for region (fylke) i overskriften "
                f"«{clean(first)[:80]}»"
            ],
        )
    body = numbered[1:]
    if any(_header_quarter(h) for h in header):
        return _wide_csv(file_name, header_line, header, region_at, body, known)
    time_at = next((k for k, h in enumerate(folded) if h in _TIME_COLUMNS), None)
    if time_at is None:
        raise StatsFileError(
            file_name,
            [
                f"Linje {header_line}: finner ingen kolonne for kvartal («kvartal»), og ingen "
                "kolonne er et kvartal (som «Sykefraværsprosent 2014K2»)"
            ],
        )
    return _long_csv(file_name, header_line, header, region_at, time_at, body, known)


def _header_quarter(head: str) -> tuple[int, int] | None:
    """The quarter a wide CSV's column is for (``"Sykefraværsprosent 2014K2"``), if any."""
    match = _TRAILING_QUARTER.match(head)
    return shared.quarter_of(match[2]) if match else None


def _stub_problems(
    header: list[str], stubs: list[int], body: list[tuple[int, list[str]]]
) -> tuple[list[str], list[str]]:
    """Other variables than region, time and measure must hold one value each: (problems,
    the values that describe the series)."""
    problems, described = [], []
    for k in stubs:
        seen = sorted({clean(row[k]) for _, row in body if k < len(row)})
        if len(seen) > 1:
            shown = ", ".join(f"«{v}»" for v in seen[:4])
            problems.append(
                f"kolonnen «{header[k]}» har {len(seen)} verdier ({shown}); en serie har ett "
                "mål – hent én verdi"
            )
        elif seen and seen[0]:
            described.append(seen[0])
    return problems, described


def _wide_csv(file_name, header_line, header, region_at, body, known) -> ParsedSeries:
    """Wide, as the API's ``csv`` gives it: one column per measure and quarter."""
    problems: list[str] = []
    columns, measures, stubs = _wide_columns(header, region_at, f"Linje {header_line}", problems)
    stub_problems, described = _stub_problems(header, stubs, body)
    problems += stub_problems
    named = {k: ", ".join([m, *described]) for k, m in measures.items()}  # a column's measure
    observations: list[Observation] = []
    line_of: dict[str, int] = {}
    for number, row in body:
        where = f"Linje {number}"
        county = _county(where, row, header, region_at, known, problems)
        if county is None:
            continue
        if county in line_of:
            problems.append(f"{where}: fylke {county} står også på linje {line_of[county]}")
            continue
        line_of[county] = number
        for k, (year, quarter) in columns.items():
            code = period_code(year, quarter)
            unit = shared.unit_of(measures[k])
            value, problem = shared.checked_value(where, row[k], county, code, unit, named[k])
            if problem:
                problems.append(problem)
            else:
                observations.append(Observation(county, year, quarter, value))
    _refuse_any(file_name, body, problems)
    measure = next(iter(measures.values()), "") or "verdi"
    return _csv_series(file_name, measure, described, observations)


def _wide_columns(header: list[str], region_at: int, where: str, problems: list[str]):
    """A wide header's columns: (column → its quarter, column → its measure, the other
    variables' columns). Two measures, a quarter twice, or a column after the quarters that
    is no quarter are problems."""
    columns: dict[int, tuple[int, int]] = {}
    measures: dict[int, str] = {}
    stubs = []
    for k, head in enumerate(header):
        if k == region_at:
            continue
        period = _header_quarter(head)
        if period is not None:
            columns[k] = period
            measures[k] = clean(_TRAILING_QUARTER.match(head)[1])
        elif k > region_at and (columns or re.search(r"[0-9]{4}", head)):
            problems.append(shared.period_problem(where, head))  # a column after the quarters
        else:
            stubs.append(k)
    if len(set(measures.values())) > 1:
        problems.append(shared.two_measures(where, measures.values()))
    else:
        first: dict[tuple[int, int], str] = {}
        for k, period in columns.items():
            if period in first:
                problems.append(shared.period_twice(where, header[k], first[period]))
            first.setdefault(period, header[k])
    return columns, measures, stubs


def _county(where, row, header, region_at, known, problems) -> str | None:
    """A line's county (None: a problem, said: the line's fields, or its region)."""
    if len(row) != len(header):
        problems.append(f"{where}: {len(row)} felt, men overskriften har {len(header)}")
        return None
    county = shared.county_of(row[region_at])
    if county is None or county not in known:
        problems.append(shared.county_problem(where, row[region_at]))
        return None
    return county


def _refuse_any(file_name: str, body: list, problems: list[str]) -> None:
    """Refuse the file for its problems, or for having no lines under its header."""
    if not body and not problems:
        problems.append("filen har ingen linjer under overskriften")
    if problems:
        raise StatsFileError(file_name, problems)


def _long_csv(file_name, header_line, header, region_at, time_at, body, known) -> ParsedSeries:
    """Long: one value per line, last, with its region, quarter and perhaps measure."""
    value_at = len(header) - 1
    measure_at = next((k for k, h in enumerate(header) if fold(h) in _MEASURE_COLUMNS), None)
    if value_at in (region_at, time_at, measure_at):
        raise StatsFileError(
            file_name, [f"Linje {header_line}: den siste kolonnen må være verdiene"]
        )
    stubs = [k for k in range(value_at) if k not in (region_at, time_at, measure_at)]
    problems, described = _stub_problems(header, stubs, body)
    lines = _LongLines(header, region_at, time_at, measure_at, described, known, problems)
    for number, row in body:
        lines.read(number, row)
    if len(lines.measures) > 1:
        second = sorted(lines.measures.items(), key=lambda item: item[1])[1][1]
        problems.append(shared.two_measures(f"Linje {second}", lines.measures))
    _refuse_any(file_name, body, problems)
    measure = next(iter(lines.measures), "") or header[value_at]
    return _csv_series(file_name, measure, described, lines.observations)


@dataclass
class _LongLines:
    """The lines of a long CSV, one value each: read into ``observations``, what is wrong
    into ``problems``, each measure named with its first line."""

    header: list[str]
    region_at: int
    time_at: int
    measure_at: int | None
    described: list[str]
    known: set[str]
    problems: list[str]
    measures: dict[str, int] = field(default_factory=dict)
    observations: list[Observation] = field(default_factory=list)
    line_of: dict[tuple[str, str, int, int], int] = field(default_factory=dict)

    def read(self, number: int, row: list[str]) -> None:
        where = f"Linje {number}"
        if len(row) == len(self.header) and self.measure_at is not None:
            self.measures.setdefault(clean(row[self.measure_at]), number)
        county = _county(where, row, self.header, self.region_at, self.known, self.problems)
        if county is None:
            return
        period = shared.quarter_of(row[self.time_at])
        if period is None:
            self.problems.append(shared.period_problem(where, row[self.time_at]))
            return
        measure = clean(row[self.measure_at]) if self.measure_at is not None else ""
        if (measure, county, *period) in self.line_of:
            first = self.line_of[(measure, county, *period)]
            self.problems.append(
                f"{where}: fylke {county}, {period_code(*period)} står også på linje {first}"
            )
            return
        self.line_of[(measure, county, *period)] = number
        named = measure or self.header[-1]
        value, problem = shared.checked_value(
            where, row[-1], county, period_code(*period), shared.unit_of(named),
            ", ".join([named, *self.described]),
        )  # fmt: skip
        if problem:
            self.problems.append(problem)
        else:
            self.observations.append(Observation(county, period[0], period[1], value))


def _csv_series(file_name, measure, described, observations) -> ParsedSeries:
    text = ", ".join([measure, *described])
    return ParsedSeries(
        key="",
        name=text,
        source=f"Statistisk sentralbyrå (fil {file_name})",
        measure=text,
        unit=shared.unit_of(measure),
        form=FORM_STATBANK_CSV,
        quarter=shared.one_quarter(observations),
        observations=observations,
    )
