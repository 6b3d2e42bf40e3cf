"""JSON-stat 2.0, as Statistics Norway's StatBank API returns a table."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass

from ia_data.domain import limits
from ia_data.domain.stats import period_code
from ia_data.domain.text import clean, fold
from ia_data.ingest.stats.shared import (
    Observation,
    ParsedSeries,
    StatsFileError,
    checked_value,
    county_named,
    county_of,
    county_problem,
    one_quarter,
    period_problem,
    quarter_of,
    slug,
    two_measures,
)

FORM_JSONSTAT = "JSON-stat 2.0"


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


@dataclass(frozen=True)
class _Dataset:
    """A JSON-stat 2.0 dataset whose shape hangs together: its dimensions in order, their
    sizes and codes, and which of them is the region, the time and the measure."""

    data: dict
    ids: list[str]
    sizes: list[int]
    dimensions: dict
    codes: dict[str, list[str]]
    geo: str
    time: str
    metric: str | None

    def label(self, dim: str, code: str) -> str:
        return _category_label(self.dimensions[dim], code)

    def positions(self):
        """(position, region code, time code) of every value, in ``value``'s row-major
        order."""
        strides = [math.prod(self.sizes[k + 1 :]) for k in range(len(self.sizes))]
        geo_at, time_at = self.ids.index(self.geo), self.ids.index(self.time)
        geo_codes, time_codes = self.codes[self.geo], self.codes[self.time]
        for position in range(math.prod(self.sizes)):
            geo = geo_codes[(position // strides[geo_at]) % self.sizes[geo_at]]
            yield position, geo, time_codes[(position // strides[time_at]) % self.sizes[time_at]]


def parse_jsonstat(text: str, file_name: str, known: set[str]) -> ParsedSeries:
    """A JSON-stat 2.0 dataset: one region, one time and at most one measure dimension;
    every other dimension holds one value, which describes the series."""
    data = _load_json(text, file_name)
    ids, sizes, dimensions, codes = _jsonstat_shape(data, file_name)
    problems = _index_problems(ids, dimensions, codes)
    dataset = _Dataset(data, ids, sizes, dimensions, codes, *_roles(data, ids, file_name))
    described = _described(dataset, problems)
    counties = _counties(dataset, known, problems)
    periods = _periods(dataset, problems)
    cells = _jsonstat_cells(data.get("value"), math.prod(sizes), problems)
    if problems:
        raise StatsFileError(file_name, problems)
    measures = codes[dataset.metric] if dataset.metric else []
    metric = dimensions.get(dataset.metric) if dataset.metric else None
    measure, unit = _jsonstat_measure(metric, measures[0] if measures else "")
    label = clean(data.get("label") or "")
    measure_text = ", ".join([measure or label or "verdi", *described])
    observations: list[Observation] = []
    for position, geo_code, time_code in dataset.positions():
        where = f"Verdi nr. {position + 1}"
        raw = cells.get(position)
        value, problem = checked_value(where, raw, geo_code, time_code, unit, measure_text)
        if problem:
            problems.append(problem)
            continue
        year, quarter = periods[time_code]
        observations.append(Observation(counties[geo_code], year, quarter, value))
    if problems:
        raise StatsFileError(file_name, problems)
    return _series(dataset, label, measure_text, unit, observations)


def _roles(data: dict, ids: list[str], file_name: str) -> tuple[str, str, str | None]:
    """The region, time and measure dimensions: as ``role`` names them, else by their usual
    names; refused without a region or a time."""
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
    return geo, time, metric


def _described(dataset: _Dataset, problems: list[str]) -> list[str]:
    """The labels of the other dimensions' one value each (a sex, a kind of absence): they
    describe the measure. A dimension with more, or two measures, is a problem."""
    described: list[str] = []
    codes = dataset.codes
    for dim in dataset.ids:
        if dim in (dataset.geo, dataset.time, dataset.metric):
            continue
        label = str(dataset.dimensions[dim].get("label") or dim)
        if len(codes[dim]) > 1:
            shown = ", ".join(f"«{dataset.label(dim, c)}»" for c in codes[dim][:4])
            problems.append(
                f"dimensjonen «{label}» har {len(codes[dim])} verdier ({shown}); en serie har "
                "ett mål – hent én verdi"
            )
        elif codes[dim]:
            described.append(dataset.label(dim, codes[dim][0]))
    metric = dataset.metric
    if metric and len(set(codes[metric])) > 1:
        problems.append(
            two_measures(
                f"dimensjonen «{dataset.dimensions[metric].get('label') or metric}»",
                [dataset.label(metric, c) for c in codes[metric]],
            )
        )
    return described


def _counties(dataset: _Dataset, known: set[str], problems: list[str]) -> dict[str, str | None]:
    """Each region code's county (None: not in the register, a problem); two codes for one
    county are a problem too."""
    counties: dict[str, str | None] = {}
    for code in dataset.codes[dataset.geo]:
        county = county_of(code)
        counties[code] = county if county in known else None
        if counties[code] is None:
            name = dataset.label(dataset.geo, code)
            shown = code if name == code else f"{code} {name}"
            problems.append(county_problem(f"Region «{code}»", shown))
    problems += _same_as("Region", {c: n and county_named(n) for c, n in counties.items()})
    return counties


def _periods(dataset: _Dataset, problems: list[str]) -> dict[str, tuple[int, int] | None]:
    """Each time code's quarter (None: not a quarter, a problem); two codes for one quarter
    are a problem too."""
    periods: dict[str, tuple[int, int] | None] = {}
    for code in dataset.codes[dataset.time]:
        periods[code] = quarter_of(code)
        if periods[code] is None:
            problems.append(period_problem(f"Tid «{code}»", code))
    problems += _same_as(
        "Tid", {c: p and f"kvartalet {period_code(*p)}" for c, p in periods.items()}
    )
    return periods


def _series(dataset: _Dataset, label: str, measure_text: str, unit: str, observations):
    """The checked series: its source and key from the table, the measure and the one value
    of each other dimension."""
    data, codes = dataset.data, dataset.codes
    table = _table_id(data, label)
    source_parts = [clean(data.get("source") or "Statistisk sentralbyrå")]
    if table:
        source_parts.append(f"Statistikkbanken tabell {table}")
    if data.get("updated"):
        source_parts.append(f"oppdatert {clean(data['updated'])}")
    measure_code = codes[dataset.metric][0] if dataset.metric and codes[dataset.metric] else ""
    key_parts = ["ssb", table or slug(label)[:40], measure_code]
    roles = (dataset.geo, dataset.time, dataset.metric)
    key_parts += [codes[d][0] for d in dataset.ids if d not in roles and codes[d]]
    return ParsedSeries(
        key=slug("-".join(p for p in key_parts if p)),
        name=label or measure_text,
        source=", ".join(source_parts),
        measure=measure_text,
        unit=unit,
        form=FORM_JSONSTAT,
        quarter=one_quarter(observations),
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
