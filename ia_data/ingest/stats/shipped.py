"""The app's own CSV (the series that ship with it, ``ia_data/domain/series/``)."""

from __future__ import annotations

import re

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
    lines = text.split("\n")
    meta: dict[str, str] = {}
    description = ""
    header_at = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if line.lstrip().startswith("#"):
            body = line.lstrip()[1:].strip()
            label, colon, rest = body.partition(":")
            field_name = _META_KEYS.get(fold(label)) if colon else None
            if field_name and number > 1:
                meta[field_name] = rest.strip()
            elif not description:
                description = body
            continue
        header_at = number
        break
    if header_at is None:
        raise StatsFileError(file_name, ["filen har ingen overskrift (fylkesnummer;fylke;…)"])
    problems: list[str] = []
    header = [clean(h) for h in lines[header_at - 1].split(";")]
    where = f"Linje {header_at}"
    if len(header) < 3 or [fold(h) for h in header[:2]] != ["fylkesnummer", "fylke"]:
        raise StatsFileError(
            file_name,
            [
                f"{where}: overskriften må begynne med «fylkesnummer;fylke;» og så periodene "
                f"(fant «{clean(lines[header_at - 1])[:80]}»)"
            ],
        )
    quarter_named = None
    if "quarter" in meta:
        if meta["quarter"].strip() in {"1", "2", "3", "4"}:
            quarter_named = int(meta["quarter"])
        else:
            problems.append(f"«# kvartal: {meta['quarter']}» er ikke et kvartal (1–4)")
    else:
        quarter_named = _quarter_in_words(description)
    measure = meta.get("measure") or description.split(" (", 1)[0].strip() or description
    unit = meta.get("unit") or unit_of(measure)
    periods: list[tuple[int, int] | None] = []
    seen_periods: dict[tuple[int, int], str] = {}
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
        elif period in seen_periods:
            problems.append(period_twice(where, head, seen_periods[period]))
            period = None
        else:
            seen_periods[period] = head
        periods.append(period)
    observations: list[Observation] = []
    rows_of: dict[str, int] = {}
    for number in range(header_at + 1, len(lines) + 1):
        line = lines[number - 1]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"Linje {number}"
        cells = line.split(";")
        if len(cells) != len(header):
            problems.append(
                f"{where}: {len(cells)} felt, men overskriften har {len(header)} "
                "(feltene skilles med semikolon)"
            )
            continue
        county = county_of(cells[0]) if re.fullmatch(r"[0-9]{1,2}", clean(cells[0])) else None
        if county is None or county not in known:
            problems.append(county_problem(where, cells[0]))
            continue
        if county in rows_of:
            problems.append(f"{where}: fylke {county} står også på linje {rows_of[county]}")
            continue
        rows_of[county] = number
        for cell, period in zip(cells[2:], periods, strict=True):
            if period is None:
                continue
            value, problem = checked_value(where, cell, county, period_code(*period), unit, measure)
            if problem:
                problems.append(problem)
                continue
            observations.append(Observation(county, period[0], period[1], value))
    if not rows_of and not problems:
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
        quarter=one_quarter(observations),
        observations=observations,
    )
