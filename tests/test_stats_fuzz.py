"""The statistics reader fuzzed (hypothesis): whatever the bytes, it returns a checked series
or refuses the file with its reasons — never another exception — and a series written in
the app's own CSV reads back as the very same values, missing ones as missing."""

from __future__ import annotations

import json

from hypothesis import example, given, settings
from hypothesis import strategies as st
from statsfiles import jsonstat, shipped

from ia_data.domain.register import DEFAULT_REGISTER_FILE, read_register_file
from ia_data.ingest.stats import Observation, ParsedSeries, StatsFileError, parse_stats

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
