"""A statistics file by county and quarter → a checked series (``ParsedSeries``), or every
problem at once, each one Norwegian line that names the line (or cell) and the reason.
Nothing here touches the database; ``storage.stats`` stores a clean result.

Three forms are read (docs/statistikk.md):

1. **The app's own CSV** (the series that ship with it, ``ia_data/domain/series/``)::

       # <what the series is, and its source: one line>
       # mål: <the measure>          (optional lines «# nøkkel:», «# navn:», «# kilde:»,
       # kvartal: 1                   «# mål:», «# enhet:», «# kvartal:»)
       fylkesnummer;fylke;2005;2006;…    (or 2014K2;2015K4;…)
       00;Hele landet;5,8;6,2;…
       01;Østfold;6,5;7,1;…

   A period is a quarter (``2014K2``) or a year; a year means the quarter the file names
   (``# kvartal: 1``, or «1st quarter» / «1. kvartal» in the first line), and is refused
   when it names none.

2. **JSON-stat 2.0**, what Statistics Norway's StatBank API (PxWebApi v0, ``"response":
   {"format": "json-stat2"}``) returns for a table: a dataset with ``id``, ``size``,
   ``dimension`` and ``value`` (a list in row-major order, or an object of positions),
   its region dimension (``role.geo``, else ``Region``), its time dimension (``role.time``,
   else ``Tid``) and its measures (``role.metric``, else ``ContentsCode``). Every other
   dimension must hold one value (one sex, one kind of absence); its label goes into the
   measure's name.

3. **StatBank's CSV** (PxWeb's ``csv``, comma- or semicolon-separated, a header line and
   quoted texts), in either shape:

   - wide, as the API's ``csv`` gives it: the stub columns (``region``, and any other
     variable with one value), then one column per measure and quarter, headed
     ``<measure> <quarter>`` (``"Sykefraværsprosent 2014K2"``);
   - long, one value per line: a region column, a quarter column (``kvartal``/``tid``),
     perhaps a measure column (``statistikkvariabel``), and the value last.

   A region is written with its code first (``"01 Østfold"``, ``"0 Hele landet"``).

In every form: a county must be in the register (``00``/``0`` is the national figure), a
period a quarter, every value a number (decimal comma or point) its measure can have (a
share in per cent 0–100, anything else within ±10^12: ``domain.stats.value_problem``) or
missing — blank, or Statistics Norway's ``.``, ``..``, ``...``, ``:`` — and a file holds
one measure: two are two series, and refused. A county, quarter or value is there once: two
spellings of one (``01`` and ``1``, ``F-01`` and ``01``, ``2014K1`` and ``2014Q1``, value
positions ``0`` and ``00``, a JSON key written twice) are refused, both named, rather than
one kept in silence. A missing value is kept as missing, never as 0. Nothing is invented:
Trøndelag (50) is what the file says it is, as are 16 and 17.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ia_data.domain import limits
from ia_data.domain.stats import NATIONAL, period_code, period_kind, value_problem
from ia_data.domain.text import clean, fold

MISSING = frozenset({"", ".", "..", "...", ":"})
SHOWN_PROBLEMS = 20  # a message names this many, and counts the rest

FORM_SHIPPED = "CSV (appens form)"
FORM_JSONSTAT = "JSON-stat 2.0"
FORM_STATBANK_CSV = "CSV fra Statistikkbanken"

_QUARTER = re.compile(r"^([0-9]{4})\s*[KkQq]\s*([1-4])$")
_YEAR = re.compile(r"^[0-9]{4}$")
_TRAILING_QUARTER = re.compile(r"^(.*?)[\s,;:]*([0-9]{4}\s*[KkQq]\s*[1-4])$")
_QUARTER_IN_WORDS = re.compile(
    r"\b([1-4])\s*(?:st|nd|rd|th|\.)?\s*(?:quarter|kvartal)\b|\bQ([1-4])\b", re.IGNORECASE
)
_REGION = re.compile(r"^(?:[A-Za-z]{1,3}-)?([0-9]{1,2})$")
_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)$")
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
_REGION_COLUMNS = {"region", "fylke", "fylkesnummer", "county", "arbeidsstedsfylke"}
_TIME_COLUMNS = {"kvartal", "tid", "time", "quarter", "periode", "period"}
_MEASURE_COLUMNS = {"statistikkvariabel", "contentscode", "contents", "statisticsvariable"}


@dataclass(frozen=True)
class Observation:
    county: str  # two digits; "00" is the national figure
    year: int
    quarter: int
    value: float | None  # None: missing in the file (never 0)


@dataclass
class ParsedSeries:
    """A checked series: what it measures and where it comes from, and its values."""

    key: str
    name: str
    source: str
    measure: str
    unit: str
    form: str
    quarter: int | None  # the one quarter each year it holds (NAV's 1st), else None
    observations: list[Observation] = field(default_factory=list)

    @property
    def period_kind(self) -> str:
        return period_kind(self.quarter)

    @property
    def periods(self) -> list[tuple[int, int]]:
        return sorted({(o.year, o.quarter) for o in self.observations})


class StatsFileError(ValueError):
    """A file that is not loaded; ``problems`` says why, one line each, in Norwegian."""

    def __init__(self, file_name: str, problems: list[str]):
        self.file_name = file_name
        self.problems = problems
        shown = problems[:SHOWN_PROBLEMS]
        more = len(problems) - len(shown)
        text = "; ".join(shown) + (f"; og {more} feil til" if more > 0 else "")
        super().__init__(f"{file_name}: ikke lastet – {text}; ingenting er lagret")


def parse_stats(
    data: bytes,
    file_name: str,
    counties: Iterable[str],
    *,
    key: str | None = None,
) -> ParsedSeries:
    """Read and check a statistics file (any of the three forms) against the register's
    county numbers; raises ``StatsFileError`` with every problem found."""
    if len(data) > limits.MAX_FILE_BYTES:
        raise StatsFileError(
            file_name,
            [f"filen er større enn {limits.MAX_FILE_BYTES // (1024 * 1024)} MB"],
        )
    text = _decode(data)
    known = set(counties) | {NATIONAL}
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        parsed = _jsonstat(stripped, file_name, known)
    elif stripped.startswith("#"):
        parsed = _shipped(text, file_name, known)
    elif stripped:
        parsed = _statbank_csv(text, file_name, known)
    else:
        raise StatsFileError(file_name, ["filen er tom"])
    if not parsed.observations:
        raise StatsFileError(file_name, ["filen har ingen verdier"])
    if key:
        parsed.key = key.strip()
    if not parsed.key:
        parsed.key = _slug(file_name.rsplit(".", 1)[0])
    if len(parsed.observations) > limits.MAX_STAT_OBSERVATIONS:
        raise StatsFileError(
            file_name,
            [f"filen har mer enn {limits.MAX_STAT_OBSERVATIONS:,} verdier".replace(",", " ")],
        )
    return parsed


# --- shared pieces ---------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    """UTF-8 (with or without a byte order mark); else Windows-1252, as older Norwegian
    Excel saves a CSV."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _slug(text: str) -> str:
    """A series' key from a name: ``nav_legemeldt Q1`` → ``nav-legemeldt-q1``."""
    words = (re.sub(r"[^a-z0-9]", "", fold(w)) for w in re.split(r"[\s_\-.,:;/]+", text))
    return "-".join(w for w in words if w) or "serie"


def quarter_of(text: str) -> tuple[int, int] | None:
    """``2014K2`` (or ``2014Q2``) as (2014, 2); anything else is None."""
    match = _QUARTER.match(clean(text))
    return (int(match[1]), int(match[2])) if match else None


def county_of(text: str) -> str | None:
    """A region as a two-digit county number: ``01``, ``1``, ``F-01``, ``"01 Østfold"``,
    ``0``/``00`` (the whole country → ``00``); None for anything else (a municipality)."""
    first = clean(text).split(" ", 1)[0] if clean(text) else ""
    match = _REGION.match(first)
    return match[1].zfill(2) if match else None


def value_of(text: object) -> tuple[bool, float | None]:
    """(is it read, the number): a number with a decimal comma or point, or missing
    (blank or one of Statistics Norway's symbols) as None."""
    if text is None:
        return True, None
    if isinstance(text, bool):
        return False, None
    if isinstance(text, int | float):
        try:
            number = float(text)
        except OverflowError:  # an integer of hundreds of digits
            return False, None
        return (True, number) if math.isfinite(number) else (False, None)
    raw = clean(text)
    if raw in MISSING:
        return True, None
    if not _NUMBER.match(raw):
        return False, None
    number = float(raw.replace(",", "."))
    return (True, number) if math.isfinite(number) else (False, None)


def _quarter_in_words(text: str) -> int | None:
    match = _QUARTER_IN_WORDS.search(text)
    if not match:
        return None
    return int(match[1] or match[2])


def _one_quarter(observations: list[Observation]) -> int | None:
    quarters = {o.quarter for o in observations}
    return quarters.pop() if len(quarters) == 1 else None


def _period_problem(where: str, text: str) -> str:
    return (
        f"{where}: perioden «{clean(text)}» er ikke et kvartal (skrives ÅÅÅÅKn, for "
        "eksempel 2014K2)"
    )


def _county_named(county: str) -> str:
    return "hele landet (00)" if county == NATIONAL else f"fylke {county}"


def _period_twice(where: str, head: str, first: str) -> str:
    """A period written twice, or in two spellings of one quarter (``2014K1``, ``2014Q1``)."""
    again = "to ganger" if head == first else f"også som «{first}»"
    return f"{where}: perioden «{head}» står {again}"


def _county_problem(where: str, text: str) -> str:
    return f"{where}: fylke «{clean(text)}» finnes ikke i registeret"


def _value_problem(where: str, text: object, county: str, period: str) -> str:
    return f"{where}: verdien «{clean(text)}» (fylke {county}, {period}) er ikke et tall"


def _unit_of(measure: str) -> str:
    """The unit StatBank's CSV implies by its measure's name (it names no unit)."""
    return "prosent" if "%" in measure or "prosent" in measure.lower() else ""


def _cell(
    where: str, raw: object, county: str, period: str, unit: str, measure: str
) -> tuple[float | None, str]:
    """A cell's value, or why it is refused ("" when it is not): not a number, or a number
    the series' measure cannot have — a share outside 0–100, a value beyond what a page can
    hold (``domain.stats.value_problem``)."""
    ok, value = value_of(raw)
    if not ok:
        return None, _value_problem(where, raw, county, period)
    reason = "" if value is None else value_problem(value, unit, measure)
    if reason:
        return None, f"{where}: verdien «{clean(raw)}» (fylke {county}, {period}) {reason}"
    return value, ""


def _two_measures(where: str, measures: Iterable[str]) -> str:
    names = sorted(set(measures))
    return (
        f"{where}: filen har {len(names)} ulike mål ("
        + ", ".join(f"«{n}»" for n in names)
        + "); en serie har ett mål – hent eller lagre dem som hver sin fil"
    )


# --- 1. the app's own CSV ----------------------------------------------------------------------


def _shipped(text: str, file_name: str, known: set[str]) -> ParsedSeries:
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
    unit = meta.get("unit") or _unit_of(measure)
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
            problems.append(_period_problem(where, head))
        elif period in seen_periods:
            problems.append(_period_twice(where, head, seen_periods[period]))
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
            problems.append(_county_problem(where, cells[0]))
            continue
        if county in rows_of:
            problems.append(f"{where}: fylke {county} står også på linje {rows_of[county]}")
            continue
        rows_of[county] = number
        for cell, period in zip(cells[2:], periods, strict=True):
            if period is None:
                continue
            value, problem = _cell(where, cell, county, period_code(*period), unit, measure)
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
        quarter=_one_quarter(observations),
        observations=observations,
    )


# --- 2. JSON-stat 2.0 ----------------------------------------------------------------------------


def _load_json(text: str, file_name: str) -> object:
    """The JSON in a file; refused when it is not JSON, or when an object names a key twice
    (JSON keeps the last without a word: a second «value», or a position written twice,
    would silently win over the first)."""
    repeated: list[tuple[dict, str]] = []

    def keep(pairs: list[tuple[str, object]]) -> dict:
        made = dict(pairs)
        if len(made) < len(pairs):
            seen: set[str] = set()
            for name, _ in pairs:
                if name in seen:
                    repeated.append((made, name))
                seen.add(name)
        return made

    try:
        data = json.loads(text, object_pairs_hook=keep)
    except (ValueError, RecursionError) as exc:  # (an integer of over 4 300 digits: ValueError)
        line = getattr(exc, "lineno", None)
        where = f"Linje {line}: " if line else ""
        raise StatsFileError(file_name, [f"{where}filen er ikke gyldig JSON"]) from None
    if repeated:
        paths = _paths(data, {id(made) for made, _ in repeated})
        raise StatsFileError(
            file_name,
            [
                f"«{name}» står to ganger i {paths.get(id(made), 'samme objekt')}; bare én "
                "kan gjelde"
                for made, name in repeated
            ],
        )
    return data


def _paths(data: object, wanted: set[int]) -> dict[int, str]:
    """Where each of the ``wanted`` objects (by ``id``) is in the JSON: «datasettet», or
    the keys down to it (``«dimension › Region › category › index»``). Walked without
    recursion: the JSON may be nested as deep as its reader allows."""
    found: dict[int, str] = {}
    stack: list[tuple[object, tuple[str, ...]]] = [(data, ())]
    while stack and len(found) < len(wanted):
        node, path = stack.pop()
        if isinstance(node, dict):
            if id(node) in wanted:
                found[id(node)] = "datasettet" if not path else f"«{' › '.join(path)}»"
            stack += [(v, (*path, str(k))) for k, v in node.items()]
        elif isinstance(node, list):
            stack += [(v, (*path, str(k))) for k, v in enumerate(node)]
    return found


def _category(dimension: dict) -> dict:
    """A dimension's ``category`` (empty where it is not an object)."""
    category = dimension.get("category")
    return category if isinstance(category, dict) else {}


def _category_codes(dimension: dict) -> list[str]:
    """A dimension's codes in their order (``index`` as a list or as code → position)."""
    category = _category(dimension)
    index = category.get("index")
    if isinstance(index, list):
        return [str(c) for c in index]
    if isinstance(index, dict):
        if not all(isinstance(k, int) and not isinstance(k, bool) for k in index.values()):
            return []
        return [str(c) for c, _ in sorted(index.items(), key=lambda item: item[1])]
    labels = category.get("label")
    if isinstance(labels, dict) and len(labels) == 1:
        return [str(c) for c in labels]
    return []


def _category_label(dimension: dict, code: str) -> str:
    labels = _category(dimension).get("label") or {}
    return str(labels.get(code, code)) if isinstance(labels, dict) else code


def _index_problems(ids: list[str], dimensions: dict, codes: dict[str, list[str]]) -> list[str]:
    """A dimension named twice in ``id``, a code twice in a dimension's index, or two codes
    on one place of it: each would put two values where the dataset has room for one."""
    named = Counter(ids)
    problems = [f"dimensjonen «{d}» står {n} ganger i «id»" for d, n in named.items() if n > 1]
    for dim in named:
        label = clean(dimensions[dim].get("label") or dim)
        for code, times in Counter(codes[dim]).items():
            if times > 1:
                problems.append(f"dimensjonen «{label}»: koden «{code}» står {times} ganger")
        index = _category(dimensions[dim]).get("index")
        if isinstance(index, dict):
            first_at: dict[int, str] = {}
            for code, place in index.items():
                if not isinstance(place, int):
                    continue
                if place in first_at:
                    problems.append(
                        f"dimensjonen «{label}»: «{first_at[place]}» og «{code}» har samme "
                        f"plass ({place}) i indeksen"
                    )
                first_at.setdefault(place, code)
    return problems


def _same_as(where: str, spellings: dict[str, str | None]) -> list[str]:
    """Two spellings of one county or quarter (``01`` and ``1``, ``F-01`` and ``01``,
    ``2014K1`` and ``2014Q1``): the second is refused, named beside the first.
    ``spellings``: code → the county or quarter it means (None: neither, refused on its
    own)."""
    problems: list[str] = []
    first: dict[str, str] = {}
    for code, meaning in spellings.items():
        if meaning is None:
            continue
        if meaning in first:
            problems.append(f"{where} «{code}»: {meaning} står også som «{first[meaning]}»")
        first.setdefault(meaning, code)
    return problems


def _jsonstat(text: str, file_name: str, known: set[str]) -> ParsedSeries:
    data = _load_json(text, file_name)
    ids, sizes, dimensions, codes = _jsonstat_shape(data, file_name)
    total = math.prod(sizes)
    problems = _index_problems(ids, dimensions, codes)
    role = data.get("role") if isinstance(data.get("role"), dict) else {}

    def pick(kind: str, names: tuple[str, ...]) -> str | None:
        named = role.get(kind)
        if isinstance(named, list) and named and named[0] in ids:
            return named[0]
        return next((i for i in ids if fold(i) in names), None)

    geo = pick("geo", ("region", "fylke"))
    time = pick("time", ("tid", "kvartal", "time"))
    metric = pick("metric", ("contentscode", "statistikkvariabel"))
    missing = [what for what, dim in (("region", geo), ("tid (kvartal)", time)) if dim is None]
    if missing:
        raise StatsFileError(
            file_name, [f"datasettet har ingen dimensjon for {' eller '.join(missing)}"]
        )
    described: list[str] = []
    for dim in ids:
        if dim in (geo, time, metric):
            continue
        label = str(dimensions[dim].get("label") or dim)
        if len(codes[dim]) > 1:
            shown = ", ".join(f"«{_category_label(dimensions[dim], c)}»" for c in codes[dim][:4])
            problems.append(
                f"dimensjonen «{label}» har {len(codes[dim])} verdier ({shown}); en serie har "
                "ett mål – hent én verdi"
            )
        elif codes[dim]:
            described.append(_category_label(dimensions[dim], codes[dim][0]))
    measures = codes[metric] if metric else []
    if len(set(measures)) > 1:
        problems.append(
            _two_measures(
                f"dimensjonen «{dimensions[metric].get('label') or metric}»",
                [_category_label(dimensions[metric], c) for c in measures],
            )
        )
    counties: dict[str, str | None] = {}
    for code in codes[geo]:
        county = county_of(code)
        counties[code] = county if county in known else None
        if counties[code] is None:
            name = _category_label(dimensions[geo], code)
            shown = code if name == code else f"{code} {name}"
            problems.append(_county_problem(f"Region «{code}»", shown))
    problems += _same_as("Region", {c: n and _county_named(n) for c, n in counties.items()})
    periods: dict[str, tuple[int, int] | None] = {}
    for code in codes[time]:
        periods[code] = quarter_of(code)
        if periods[code] is None:
            problems.append(_period_problem(f"Tid «{code}»", code))
    problems += _same_as(
        "Tid", {c: p and f"kvartalet {period_code(*p)}" for c, p in periods.items()}
    )
    cells = _jsonstat_cells(data.get("value"), total, problems)
    if problems:
        raise StatsFileError(file_name, problems)
    label = clean(data.get("label") or "")
    measure_code = measures[0] if measures else ""
    measure, unit = _jsonstat_measure(dimensions.get(metric) if metric else None, measure_code)
    measure_text = ", ".join([measure or label or "verdi", *described])
    observations: list[Observation] = []
    strides = [math.prod(sizes[k + 1 :]) for k in range(len(sizes))]
    geo_at, time_at = ids.index(geo), ids.index(time)
    for position in range(total):
        geo_code = codes[geo][(position // strides[geo_at]) % sizes[geo_at]]
        time_code = codes[time][(position // strides[time_at]) % sizes[time_at]]
        where = f"Verdi nr. {position + 1}"
        raw = cells.get(position)
        value, problem = _cell(where, raw, geo_code, time_code, unit, measure_text)
        if problem:
            problems.append(problem)
            continue
        year, quarter = periods[time_code]
        observations.append(Observation(counties[geo_code], year, quarter, value))
    if problems:
        raise StatsFileError(file_name, problems)
    table = _table_id(data, label)
    source_parts = [clean(data.get("source") or "Statistisk sentralbyrå")]
    if table:
        source_parts.append(f"Statistikkbanken tabell {table}")
    if data.get("updated"):
        source_parts.append(f"oppdatert {clean(data['updated'])}")
    key_parts = ["ssb", table or _slug(label)[:40], measure_code]
    key_parts += [codes[d][0] for d in ids if d not in (geo, time, metric) and codes[d]]
    return ParsedSeries(
        key=_slug("-".join(p for p in key_parts if p)),
        name=label or measure_text,
        source=", ".join(source_parts),
        measure=measure_text,
        unit=unit,
        form=FORM_JSONSTAT,
        quarter=_one_quarter(observations),
        observations=observations,
    )


def _jsonstat_shape(data: object, file_name: str) -> tuple[list, list, dict, dict]:
    """A JSON-stat 2.0 dataset's ``id``, ``size`` and ``dimension`` and each dimension's
    codes, checked to hang together; refused otherwise (JSON-stat 1, too many values)."""
    if isinstance(data, dict) and "dataset" in data and "id" not in data:
        raise StatsFileError(
            file_name,
            [
                "filen er JSON-stat 1 (et «dataset» inni); hent tabellen som JSON-stat 2.0 "
                "(«format»: «json-stat2»)"
            ],
        )
    if not isinstance(data, dict) or not all(k in data for k in ("id", "size", "dimension")):
        raise StatsFileError(
            file_name,
            ["filen er ikke et JSON-stat 2.0-datasett (mangler «id», «size» eller «dimension»)"],
        )
    ids, sizes, dimensions = data["id"], data["size"], data["dimension"]
    if (
        not isinstance(ids, list)
        or not isinstance(sizes, list)
        or not isinstance(dimensions, dict)
        or len(ids) != len(sizes)
        or not all(isinstance(s, int) and s >= 0 for s in sizes)
        or not all(isinstance(i, str) and isinstance(dimensions.get(i), dict) for i in ids)
    ):
        raise StatsFileError(
            file_name, ["JSON-stat-datasettet henger ikke sammen («id», «size», «dimension»)"]
        )
    if math.prod(sizes) > limits.MAX_STAT_OBSERVATIONS:
        raise StatsFileError(
            file_name,
            [f"filen har mer enn {limits.MAX_STAT_OBSERVATIONS:,} verdier".replace(",", " ")],
        )
    codes = {i: _category_codes(dimensions[i]) for i in ids}
    if any(len(codes[i]) != size for i, size in zip(ids, sizes, strict=True)):
        raise StatsFileError(
            file_name, ["JSON-stat-datasettet henger ikke sammen (kategoriene og «size»)"]
        )
    return ids, sizes, dimensions, codes


def _jsonstat_cells(values: object, total: int, problems: list[str]) -> dict[int, object]:
    """The dataset's values by position: ``value`` as a list in row-major order, or as an
    object of positions (``"0"``, ``"17"``). A position outside the dataset, or written
    twice (``0`` and ``00``), is a problem."""
    if isinstance(values, list):
        if len(values) != total:
            problems.append(f"datasettet har {len(values)} verdier, men dimensjonene gir {total}")
            return {}
        return dict(enumerate(values))
    if not isinstance(values, dict):
        problems.append("datasettet mangler verdiene («value»)")
        return {}
    cells: dict[int, object] = {}
    written: dict[int, str] = {}
    for position, value in values.items():
        if not (re.fullmatch(r"[0-9]{1,9}", str(position)) and int(position) < total):
            problems.append(f"verdien i posisjon «{position}» ligger utenfor datasettet")
        elif int(position) in written:
            problems.append(
                f"verdien i posisjon «{position}» står også som posisjon "
                f"«{written[int(position)]}»; bare én kan gjelde"
            )
        else:
            written[int(position)] = position
            cells[int(position)] = value
    return cells


def _jsonstat_measure(dimension: dict | None, code: str) -> tuple[str, str]:
    """The measure's name and unit (``category.unit.<code>.base``) from the metric
    dimension; ("", "") without one."""
    if dimension is None:
        return "", ""
    unit_of = _category(dimension).get("unit")
    unit_of = unit_of.get(code) if isinstance(unit_of, dict) else None
    unit = (
        str(unit_of.get("base") or unit_of.get("label") or "") if isinstance(unit_of, dict) else ""
    )
    return _category_label(dimension, code), unit


def _table_id(data: dict, label: str) -> str:
    extension = data.get("extension")
    px = extension.get("px") if isinstance(extension, dict) else None
    if isinstance(px, dict) and px.get("tableid"):
        return clean(px["tableid"])
    match = re.match(r"^([0-9]{5}):", label)
    return match[1] if match else ""


# --- 3. StatBank's CSV ---------------------------------------------------------------------------


def _statbank_csv(text: str, file_name: str, known: set[str]) -> ParsedSeries:
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
    return quarter_of(match[2]) if match else None


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
    problems: list[str] = []
    where = f"Linje {header_line}"
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
            problems.append(_period_problem(where, head))  # a column after the quarters
        else:
            stubs.append(k)
    if len(set(measures.values())) > 1:
        problems.append(_two_measures(where, measures.values()))
    if len(set(measures.values())) <= 1:
        first: dict[tuple[int, int], str] = {}
        for k, period in columns.items():
            if period in first:
                problems.append(_period_twice(where, header[k], first[period]))
            first.setdefault(period, header[k])
    stub_problems, described = _stub_problems(header, stubs, body)
    problems += stub_problems
    named = {k: ", ".join([m, *described]) for k, m in measures.items()}  # a column's measure
    observations: list[Observation] = []
    rows_of: dict[str, int] = {}
    for number, row in body:
        where = f"Linje {number}"
        if len(row) != len(header):
            problems.append(f"{where}: {len(row)} felt, men overskriften har {len(header)}")
            continue
        county = county_of(row[region_at])
        if county is None or county not in known:
            problems.append(_county_problem(where, row[region_at]))
            continue
        if county in rows_of:
            problems.append(f"{where}: fylke {county} står også på linje {rows_of[county]}")
            continue
        rows_of[county] = number
        for k, period in columns.items():
            code = period_code(*period)
            value, problem = _cell(where, row[k], county, code, _unit_of(measures[k]), named[k])
            if problem:
                problems.append(problem)
                continue
            observations.append(Observation(county, period[0], period[1], value))
    if not body and not problems:
        problems.append("filen har ingen linjer under overskriften")
    if problems:
        raise StatsFileError(file_name, problems)
    measure = next(iter(measures.values()), "") or "verdi"
    return _csv_series(file_name, measure, described, observations)


def _long_csv(file_name, header_line, header, region_at, time_at, body, known) -> ParsedSeries:
    folded = [fold(h) for h in header]
    value_at = len(header) - 1
    measure_at = next((k for k, h in enumerate(folded) if h in _MEASURE_COLUMNS), None)
    problems: list[str] = []
    if value_at in (region_at, time_at, measure_at):
        raise StatsFileError(
            file_name, [f"Linje {header_line}: den siste kolonnen må være verdiene"]
        )
    stubs = [k for k in range(value_at) if k not in (region_at, time_at, measure_at)]
    stub_problems, described = _stub_problems(header, stubs, body)
    problems += stub_problems
    measures: dict[str, int] = {}
    observations: list[Observation] = []
    seen: dict[tuple[str, str, int, int], int] = {}
    for number, row in body:
        where = f"Linje {number}"
        if len(row) != len(header):
            problems.append(f"{where}: {len(row)} felt, men overskriften har {len(header)}")
            continue
        if measure_at is not None:
            measures.setdefault(clean(row[measure_at]), number)
        county = county_of(row[region_at])
        if county is None or county not in known:
            problems.append(_county_problem(where, row[region_at]))
            continue
        period = quarter_of(row[time_at])
        if period is None:
            problems.append(_period_problem(where, row[time_at]))
            continue
        measure = clean(row[measure_at]) if measure_at is not None else ""
        if (measure, county, *period) in seen:
            problems.append(
                f"{where}: fylke {county}, {period_code(*period)} står også på linje "
                f"{seen[(measure, county, *period)]}"
            )
            continue
        seen[(measure, county, *period)] = number
        named = measure or header[value_at]
        value, problem = _cell(
            where,
            row[value_at],
            county,
            period_code(*period),
            _unit_of(named),
            ", ".join([named, *described]),
        )
        if problem:
            problems.append(problem)
            continue
        observations.append(Observation(county, period[0], period[1], value))
    if len(measures) > 1:
        second = sorted(measures.items(), key=lambda item: item[1])[1][1]
        problems.append(_two_measures(f"Linje {second}", measures))
    if not body and not problems:
        problems.append("filen har ingen linjer under overskriften")
    if problems:
        raise StatsFileError(file_name, problems)
    measure = next(iter(measures), "") or header[value_at]
    return _csv_series(file_name, measure, described, observations)


def _csv_series(file_name, measure, described, observations) -> ParsedSeries:
    text = ", ".join([measure, *described])
    return ParsedSeries(
        key="",
        name=text,
        source=f"Statistisk sentralbyrå (fil {file_name})",
        measure=text,
        unit=_unit_of(measure),
        form=FORM_STATBANK_CSV,
        quarter=_one_quarter(observations),
        observations=observations,
    )
