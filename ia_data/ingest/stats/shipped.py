"""The app's own CSV (the series that ship with it, ``ia_data/domain/series/``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ia_data.domain.stats import period_code
from ia_data.domain.text import clean, fold
from ia_data.ingest.stats.shared import (
    Observation,
    ParsedSeries,
    StatsFileError,
    checked_value,
    county_of,
    county_problem,
    one_quarter,
    period_problem,
    period_twice,
    quarter_of,
    unit_of,
)

FORM_SHIPPED = "CSV (appens form)"

_YEAR = re.compile(r"^[0-9]{4}$")
_QUARTER_IN_WORDS = re.compile(
    r"\b([1-4])\s*(?:st|nd|rd|th|\.)?\s*(?:quarter|kvartal)\b|\bQ([1-4])\b", re.IGNORECASE
)
_META_KEYS = {
    "nokkel": "key",
    "key": "key",
    "navn": "name",
    "name": "name",
    "kilde": "source",
    "source": "source",
    "mal": "measure",
    "measure": "measure",
    "enhet": "unit",
    "unit": "unit",
    "kvartal": "quarter",
    "quarter": "quarter",
}


def _quarter_in_words(text: str) -> int | None:
    match = _QUARTER_IN_WORDS.search(text)
    if not match:
        return None
    return int(match[1] or match[2])


def parse_shipped(text: str, file_name: str, known: set[str]) -> ParsedSeries:
    """The app's own CSV: its comment lines (what the series is, and its fields), the
    header of counties and periods, and one line per county."""
    lines = text.split("\n")
    meta, description, header_at = _head(lines, file_name)
    problems: list[str] = []
    header = [clean(h) for h in lines[header_at - 1].split(";")]
    if len(header) < 3 or [fold(h) for h in header[:2]] != ["fylkesnummer", "fylke"]:
        raise StatsFileError(
            file_name,
            [
                f"Linje {header_at}: overskriften må begynne med «fylkesnummer;fylke;» og så "
                f"periodene (fant «{clean(lines[header_at - 1])[:80]}»)"
            ],
        )
    quarter_named = _named_quarter(meta, description, problems)
    measure = meta.get("measure") or description.split(" (", 1)[0].strip() or description
    unit = meta.get("unit") or unit_of(measure)
    periods = _periods(header, f"Linje {header_at}", quarter_named, problems)
    rows = _CountyLines(header, periods, known, unit, measure, problems)
    for number in range(header_at + 1, len(lines) + 1):
        line = lines[number - 1]
        if line.strip() and not line.lstrip().startswith("#"):
            rows.read(number, line.split(";"))
    if not rows.line_of and not problems:
        problems.append("filen har ingen fylker under overskriften")
    if problems:
        raise StatsFileError(file_name, problems)
    return ParsedSeries(
        key=meta.get("key", ""),
        name=meta.get("name") or measure,
        source=meta.get("source") or description,
        measure=measure,
        unit=unit,
        form=FORM_SHIPPED,
        quarter=one_quarter(rows.observations),
        observations=rows.observations,
    )


def _head(lines: list[str], file_name: str) -> tuple[dict[str, str], str, int]:
    """The fields of the comment lines (``# mål: …``), the first line's description, and
    the number of the header's line."""
    meta: dict[str, str] = {}
    description = ""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if not line.lstrip().startswith("#"):
            return meta, description, number
        body = line.lstrip()[1:].strip()
        label, colon, rest = body.partition(":")
        field_name = _META_KEYS.get(fold(label)) if colon else None
        if field_name and number > 1:
            meta[field_name] = rest.strip()
        elif not description:
            description = body
    raise StatsFileError(file_name, ["filen har ingen overskrift (fylkesnummer;fylke;…)"])


def _named_quarter(meta: dict[str, str], description: str, problems: list[str]) -> int | None:
    """The quarter a year stands for: ``# kvartal: 1``, or «1. kvartal» in the description."""
    if "quarter" not in meta:
        return _quarter_in_words(description)
    if meta["quarter"].strip() in {"1", "2", "3", "4"}:
        return int(meta["quarter"])
    problems.append(f"«# kvartal: {meta['quarter']}» er ikke et kvartal (1–4)")
    return None


def _periods(
    header: list[str], where: str, quarter_named: int | None, problems: list[str]
) -> list[tuple[int, int] | None]:
    """The period of each column after the county's two (None: refused, said in
    ``problems``): a quarter, or a year standing for the quarter the file names."""
    periods: list[tuple[int, int] | None] = []
    seen: dict[tuple[int, int], str] = {}
    for head in header[2:]:
        period = quarter_of(head)
        if period is None and _YEAR.match(head):
            if quarter_named is None:
                problems.append(
                    f"{where}: perioden «{head}» er et år, og filen sier ikke hvilket kvartal "
                    "tallene gjelder (skriv «# kvartal: 1» under første linje, eller bruk "
                    "perioder som 2014K2)"
                )
                periods.append(None)
                continue
            period = (int(head), quarter_named)
        if period is None:
            problems.append(period_problem(where, head))
        elif period in seen:
            problems.append(period_twice(where, head, seen[period]))
            period = None
        else:
            seen[period] = head
        periods.append(period)
    return periods


@dataclass
class _CountyLines:
    """The lines under the header, one county each: read into ``observations``, what is
    wrong into ``problems``."""

    header: list[str]
    periods: list[tuple[int, int] | None]
    known: set[str]
    unit: str
    measure: str
    problems: list[str]
    observations: list[Observation] = field(default_factory=list)
    line_of: dict[str, int] = field(default_factory=dict)  # county → its line

    def read(self, number: int, cells: list[str]) -> None:
        where = f"Linje {number}"
        if len(cells) != len(self.header):
            self.problems.append(
                f"{where}: {len(cells)} felt, men overskriften har {len(self.header)} "
                "(feltene skilles med semikolon)"
            )
            return
        county = county_of(cells[0]) if re.fullmatch(r"[0-9]{1,2}", clean(cells[0])) else None
        if county is None or county not in self.known:
            self.problems.append(county_problem(where, cells[0]))
            return
        if county in self.line_of:
            self.problems.append(
                f"{where}: fylke {county} står også på linje {self.line_of[county]}"
            )
            return
        self.line_of[county] = number
        for cell, period in zip(cells[2:], self.periods, strict=True):
            if period is None:
                continue
            code = period_code(*period)
            value, problem = checked_value(where, cell, county, code, self.unit, self.measure)
            if problem:
                self.problems.append(problem)
            else:
                self.observations.append(Observation(county, period[0], period[1], value))
