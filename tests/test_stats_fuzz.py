"""The statistics reader fuzzed (hypothesis): whatever the bytes, it returns a checked series
— one value per county and quarter, each one its measure can have — or refuses the file with
its reasons, never another exception; a series written in the app's own CSV reads back as
the very same values, missing ones as missing; and whatever a series may hold, a page can
show."""

from __future__ import annotations

import json

from hypothesis import example, given, settings
from hypothesis import strategies as st
from statsfiles import jsonstat, shipped

from ia_data.domain import formatting as fmt
from ia_data.domain.register import DEFAULT_REGISTER_FILE, read_register_file
from ia_data.domain.stats import LARGEST, value_problem
from ia_data.ingest.stats import Observation, ParsedSeries, StatsFileError, parse_stats
from ia_data.output.spreadsheet import csv_value
from ia_data.reporting.table import Percent

COUNTIES = [c["number"] for c in read_register_file(DEFAULT_REGISTER_FILE)["county"]]
fuzz = settings(max_examples=200, deadline=None)


def read(data: bytes):
    try:
        parsed = parse_stats(data, "fil.csv", COUNTIES)
    except StatsFileError as exc:
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
        return None
    assert isinstance(parsed, ParsedSeries) and parsed.observations
    assert {o.county for o in parsed.observations} <= {"00", *COUNTIES}
    assert all(1 <= o.quarter <= 4 for o in parsed.observations)
    # What is read can be stored and shown: one value per county and quarter, each one its
    # measure can have.
    places = [(o.county, o.year, o.quarter) for o in parsed.observations]
    assert len(set(places)) == len(places)
    assert all(
        o.value is None or value_problem(o.value, parsed.unit, parsed.measure) == ""
        for o in parsed.observations
    )
    return parsed


@fuzz
@given(st.binary(max_size=400))
@example(b"region;2014K2\n01;1\x00")
@example(b'{"id": ["Region", "Tid"], "size": [1, 1], "dimension": {"Region": {"category": '
         b'{"index": {"01": "x"}}}, "Tid": {"category": {"index": {"2014K2": 0}}}}, '
         b'"value": [1]}')  # fmt: skip
@example(b'{"id": [], "size": [], "dimension": {}, "value": [' + b"9" * 5000 + b"]}")
@example(b"# x\nfylkesnummer;fylke;2014K2\n01;A;" + b"9" * 400 + b"\n")
def test_any_bytes_are_read_or_refused(data):
    read(data)


TOKENS = st.sampled_from(
    ["#", ";", ",", '"', "\n", "\r\n", " ", "fylkesnummer", "fylke", "region", "kvartal",
     "statistikkvariabel", "01", "0", "50", "99", "2014K2", "2014", "2014M03", "K", "6,5",
     "6.5", "..", ".", ":", "-", "Østfold", "# kvartal: 1", "1st quarter", "{", "}", "[", "]"]
)  # fmt: skip


@fuzz
@given(st.lists(TOKENS, max_size=60))
def test_text_that_looks_like_a_statistics_file_is_read_or_refused(tokens):
    read("".join(tokens).encode("utf-8"))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


@fuzz
@given(JSON, st.sampled_from(["id", "size", "dimension", "value", "role"]))
@example({"²": None}, "value")  # a position that is a digit to str.isdigit, not to int()
def test_a_jsonstat_dataset_with_a_part_replaced_is_read_or_refused(junk, part):
    dataset = json.loads(jsonstat({"01": "Østfold", "02": "Akershus"}, ["2014K2"], [7.2, 6.1]))
    dataset[part] = junk
    read(json.dumps(dataset).encode("utf-8"))


# Spellings of one county or one quarter, and values of any size (issue «Hardening, second
# round»): a JSON-stat dataset built from them is read with one value per county and
# quarter, each one its measure can have, or refused.
REGIONS = st.sampled_from(["01", "1", "F-01", "K-01", "02", "2", "0", "00", "50", "99"])
TIMES = st.sampled_from(["2014K1", "2014Q1", "2014k1", "2014 K1", "2014K2", "2014Q2", "2014M1"])
NUMBERS = (
    st.none() | st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(10**40), 10**40)
)


@fuzz
@given(
    st.lists(REGIONS, min_size=1, max_size=4),
    st.lists(TIMES, min_size=1, max_size=3),
    st.data(),
    st.sampled_from(["prosent", "dagsverk", ""]),
)
def test_a_jsonstat_dataset_of_any_spellings_and_values_is_read_or_refused(
    regions, times, data, unit
):
    values = data.draw(st.lists(NUMBERS, min_size=len(regions) * len(times),
                                max_size=len(regions) * len(times)))  # fmt: skip
    dataset = json.loads(jsonstat({"01": "Østfold"}, ["2014K2"], [1.0], measure_unit=unit))
    dataset["size"] = [len(regions), 1, 1, len(times)]
    dataset["dimension"]["Region"]["category"] = {"index": regions}
    dataset["dimension"]["Tid"]["category"] = {"index": times}
    dataset["value"] = values
    read(json.dumps(dataset).encode("utf-8"))


@fuzz
@given(JSON, st.sampled_from(["category", "label", "index", "unit"]))
def test_a_jsonstat_dimension_with_a_part_replaced_is_read_or_refused(junk, part):
    dataset = json.loads(jsonstat({"01": "Østfold", "02": "Akershus"}, ["2014K2"], [7.2, 6.1]))
    for dimension in ("Region", "ContentsCode"):
        if part in ("category", "label"):
            dataset["dimension"][dimension][part] = junk
        else:
            dataset["dimension"][dimension]["category"][part] = junk
    read(json.dumps(dataset).encode("utf-8"))


@fuzz
@given(st.floats(-LARGEST, LARGEST))
@example(float(LARGEST))
@example(float(-LARGEST))
@example(99.95)
def test_a_value_a_series_can_hold_can_be_shown_on_every_page(value):
    """Whatever a series may hold (``LARGEST`` either side of 0, docs/statistikk.md), every
    page and export can write: as a share, with one or two decimals, as a change (before
    this round a value of 10^27 made the one-decimal format fail, and the page with it)."""
    assert value_problem(value, "antall") == ""
    assert fmt.number(round(value, 1), 1)
    assert fmt.number(value, 2)
    assert fmt.percent(Percent(value / 100).share)
    assert csv_value(Percent(value / 100))
    assert csv_value(round(value - (-LARGEST), 1))  # a change from the other end


VALUES = st.none() | st.integers(0, 300).map(lambda tenths: tenths / 10)


@fuzz
@given(
    st.lists(st.sampled_from(["00", *COUNTIES]), min_size=1, max_size=6, unique=True),
    st.lists(
        st.tuples(st.integers(2000, 2030), st.integers(1, 4)), min_size=1, max_size=5, unique=True
    ),
    st.data(),
)
def test_a_series_in_the_apps_csv_reads_back_the_same(counties, periods, data):
    values = {(c, p): data.draw(VALUES) for c in counties for p in periods}

    def text(value):
        if value is None:
            return data.draw(st.sampled_from(["", "..", ".", ":", "..."]))
        return f"{value:.1f}".replace(".", ",")

    rows = [[c, "navn", *(text(values[(c, p)]) for p in periods)] for c in counties]
    parsed = parse_stats(shipped([f"{y}K{q}" for y, q in periods], rows), "x.csv", COUNTIES)
    assert sorted(parsed.observations, key=lambda o: (o.county, o.year, o.quarter)) == sorted(
        (Observation(c, y, q, values[(c, (y, q))]) for c in counties for y, q in periods),
        key=lambda o: (o.county, o.year, o.quarter),
    )
