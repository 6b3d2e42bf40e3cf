"""Statistics beside activity (issue 17): a series by county and quarter read from each
accepted form (docs/statistikk.md), every refusal with its line and reason and nothing
stored, a load again kept as history, the NAV series that ships in every new database, and
the figures the pages show — per council and county (a council of two counties gets both
values, never their average), with the change from the agreement's base. (Fetching from
StatBank against a local server: ``test_stats_fetch.py``.)"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func
from sqlmodel import Session, select
from statsfiles import (
    REFERENCE,
    SSB_SAMPLE,
    jsonstat,
    shipped,
    statbank_long,
    statbank_wide,
    store_directly,
)

from ia_data.cli import main
from ia_data.domain.access import NOBODY, OPERATOR, OVERSIGHT, Actor, OutsideScope, secretariat
from ia_data.domain.register import DEFAULT_REGISTER_FILE, read_register_file
from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules
from ia_data.ingest.stats import (
    FORM_JSONSTAT,
    FORM_SHIPPED,
    FORM_STATBANK_CSV,
    Observation,
    StatsFileError,
    parse_stats,
)
from ia_data.reporting.sickness import (
    council_sickness,
    sickness_and_activity,
    sickness_overview,
    sickness_series_for_year,
)
from ia_data.storage.models import StatSeries, StatValue
from ia_data.storage.register import councils
from ia_data.storage.stats import import_stats, series_history, series_list
from ia_data.storage.version import data_version

COUNTIES = [c["number"] for c in read_register_file(DEFAULT_REGISTER_FILE)["county"]]
NAV_KEY = "nav-legemeldt-k1"
SSB_KEY = "ssb-sykefravaer-fylke-utvalg"


def parse(data: bytes, name: str = "serie.csv", **kwargs):
    return parse_stats(data, name, COUNTIES, **kwargs)


def refusal(data: bytes, name: str = "serie.csv") -> list[str]:
    with pytest.raises(StatsFileError) as refused:
        parse(data, name)
    assert str(refused.value).startswith(f"{name}: ikke lastet – ")
    assert str(refused.value).endswith("; ingenting er lagret")
    return refused.value.problems


def value(parsed, county: str, year: int, quarter: int):
    (found,) = [
        o.value
        for o in parsed.observations
        if (o.county, o.year, o.quarter) == (county, year, quarter)
    ]
    return found


# --- the forms that are read ------------------------------------------------------------------


def test_the_shipped_nav_series_reads_its_years_as_the_first_quarter():
    parsed = parse(REFERENCE.read_bytes(), REFERENCE.name)
    assert (parsed.key, parsed.form, parsed.quarter, parsed.period_kind) == (
        NAV_KEY,
        FORM_SHIPPED,
        1,
        "1. kvartal hvert år",
    )
    assert parsed.measure == "Legemeldt sykefravær i prosent av avtalte dagsverk"
    assert parsed.unit == "prosent"
    assert len(parsed.observations) == 20 * 10  # 19 counties and the whole country, 2005–2014
    assert value(parsed, "01", 2012, 1) == 6.5  # Østfold
    assert value(parsed, "20", 2012, 1) == 6.5  # Finnmark
    assert value(parsed, "00", 2012, 1) == 5.7  # the whole country, kept as «00»
    assert {o.county for o in parsed.observations} == {"00", *COUNTIES} - {"50"}


def test_a_year_means_the_quarter_the_first_line_names():
    data = shipped(["2012", "2013"], [["01", "Østfold", "6,5", "7,0"]],
                   first="# Sykefravær, 1st quarter (test)")  # fmt: skip
    parsed = parse(data, "legemeldt_test.csv")
    assert parsed.observations == [
        Observation("01", 2012, 1, 6.5),
        Observation("01", 2013, 1, 7.0),
    ]
    assert (parsed.key, parsed.measure, parsed.source) == (
        "legemeldt-test",
        "Sykefravær, 1st quarter",
        "Sykefravær, 1st quarter (test)",
    )


def test_the_shipped_form_with_quarters_holds_several_quarters():
    parsed = parse(SSB_SAMPLE.read_bytes(), SSB_SAMPLE.name)
    assert (parsed.key, parsed.quarter, parsed.period_kind) == (SSB_KEY, None, "kvartal")
    assert parsed.periods == [(2014, 2), (2015, 4), (2016, 4)]
    assert value(parsed, "01", 2014, 2) == 7.2
    assert value(parsed, "20", 2016, 4) == 7.4


@pytest.mark.parametrize(
    "measure", ["Prosent sykefravær", "Sykefravær i PROSENT", "Sykefravær (%)"]
)
def test_the_unit_of_a_file_without_one_is_read_from_its_measure_in_any_case(measure):
    """No «# enhet:» line: the unit is the one the measure's name implies, as for
    StatBank's CSV (``_unit_of``), whatever the letters' case."""
    parsed = parse(shipped(["2014K2"], [["02", "Akershus", "6,1"]], meta={"mål": measure}))
    assert (parsed.measure, parsed.unit) == (measure, "prosent")
    days = parse(shipped(["2014K2"], [["02", "Akershus", "6,1"]], meta={"mål": "Tapte dagsverk"}))
    assert days.unit == ""


@pytest.mark.parametrize("index_as_list", [False, True])
@pytest.mark.parametrize("sparse", [False, True])
def test_jsonstat_as_statbank_returns_it(index_as_list, sparse):
    data = jsonstat(
        {"0": "Hele landet", "01": "Østfold", "50": "Trøndelag"},
        ["2017K4", "2018K1"],
        [6.5, 6.4, 7.1, None, None, 6.0],
        index_as_list=index_as_list,
        sparse=sparse,
    )
    parsed = parse(data, "statistikkbanken-12441.json")
    assert parsed.observations == [
        Observation("00", 2017, 4, 6.5),
        Observation("00", 2018, 1, 6.4),
        Observation("01", 2017, 4, 7.1),
        Observation("01", 2018, 1, None),  # missing (null) stays missing, never 0
        Observation("50", 2017, 4, None),  # Trøndelag: only what the file says
        Observation("50", 2018, 1, 6.0),
    ]
    assert parsed.form == FORM_JSONSTAT
    assert parsed.key == "ssb-12441-sykefraversprosent-0"
    assert parsed.measure == "Sykefraværsprosent, Begge kjønn"
    assert parsed.unit == "prosent"
    assert parsed.source == (
        "Statistisk sentralbyrå, Statistikkbanken tabell 12441, oppdatert 2019-06-13T06:00:00Z"
    )


@pytest.mark.parametrize("delimiter", [";", ","])
def test_statbank_csv_wide(delimiter):
    decimal = "," if delimiter == ";" else "."
    data = statbank_wide(
        [
            ["0 Hele landet", f"6{decimal}0", f"6{decimal}3"],
            ["01 Østfold", f"7{decimal}2", ".."],
            ["50 Trøndelag", ".", f"6{decimal}9"],
        ],
        ["Sykefraværsprosent 2014K2", "Sykefraværsprosent 2015K4"],
        delimiter,
    )
    parsed = parse(data, "12441.csv")
    assert parsed.form == FORM_STATBANK_CSV
    assert parsed.measure == "Sykefraværsprosent"
    assert parsed.observations == [
        Observation("00", 2014, 2, 6.0),
        Observation("00", 2015, 4, 6.3),
        Observation("01", 2014, 2, 7.2),
        Observation("01", 2015, 4, None),  # ".." : not available
        Observation("50", 2014, 2, None),  # "." : not possible (no Trøndelag before 2018)
        Observation("50", 2015, 4, 6.9),
    ]


def test_statbank_csv_long():
    data = statbank_long(
        [
            ["0 Hele landet", "Begge kjønn", "Sykefraværsprosent", "2016K4", "6.5"],
            ["01 Østfold", "Begge kjønn", "Sykefraværsprosent", "2016K4", "7.4"],
            ["02 Akershus", "Begge kjønn", "Sykefraværsprosent", "2016K4", ".."],
        ],
        ["region", "kjønn", "statistikkvariabel", "kvartal", "12441: Sykefravær"],
    )
    parsed = parse(data, "12441-lang.csv")
    assert parsed.measure == "Sykefraværsprosent, Begge kjønn"
    assert parsed.observations == [
        Observation("00", 2016, 4, 6.5),
        Observation("01", 2016, 4, 7.4),
        Observation("02", 2016, 4, None),
    ]


# --- what is refused, with the line and the reason ----------------------------------------------

REFUSALS = {
    "unknown county": (
        shipped(["2014K2"], [["01", "Østfold", "7,2"], ["99", "Uoppgitt", "6,1"]]),
        ["Linje 4: fylke «99» finnes ikke i registeret"],
    ),
    "a new county of 2020": (
        statbank_wide([["30 Viken", "6,5"]], ["Sykefraværsprosent 2020K1"]),
        ["Linje 2: fylke «30 Viken» finnes ikke i registeret"],
    ),
    "a month": (
        shipped(["2014K2", "2014M03"], [["01", "Østfold", "7,2", "7,0"]]),
        ["Linje 2: perioden «2014M03» er ikke et kvartal (skrives ÅÅÅÅKn, for eksempel 2014K2)"],
    ),
    "a year the file does not say the quarter of": (
        shipped(["2014"], [["01", "Østfold", "7,2"]]),
        [
            "Linje 2: perioden «2014» er et år, og filen sier ikke hvilket kvartal tallene "
            "gjelder (skriv «# kvartal: 1» under første linje, eller bruk perioder som 2014K2)"
        ],
    ),
    "not a number": (
        shipped(
            ["2014K2", "2015K4"],
            [["01", "Østfold", "7,2", "7,5"], ["02", "Akershus", "6,1", "6,3 %"]],
        ),
        ["Linje 4: verdien «6,3 %» (fylke 02, 2015K4) er ikke et tall"],
    ),
    "a dash (SSB's «nil») is not taken for 0": (
        shipped(["2014K2"], [["01", "Østfold", "-"]]),
        ["Linje 3: verdien «-» (fylke 01, 2014K2) er ikke et tall"],
    ),
    "two measures, wide": (
        statbank_wide(
            [["01 Østfold", "7,2", "123"]],
            ["Sykefraværsprosent 2014K2", "Tapte dagsverk 2014K2"],
        ),
        [
            "Linje 1: filen har 2 ulike mål («Sykefraværsprosent», «Tapte dagsverk»); en serie "
            "har ett mål – hent eller lagre dem som hver sin fil"
        ],
    ),
    "two measures, long": (
        statbank_long(
            [
                ["01 Østfold", "Sykefraværsprosent", "2014K2", "7.2"],
                ["01 Østfold", "Tapte dagsverk", "2014K2", "123"],
            ],
            ["region", "statistikkvariabel", "kvartal", "verdi"],
        ),
        [
            "Linje 3: filen har 2 ulike mål («Sykefraværsprosent», «Tapte dagsverk»); en serie "
            "har ett mål – hent eller lagre dem som hver sin fil"
        ],
    ),
    "two measures, JSON-stat": (
        jsonstat(
            {"01": "Østfold"},
            ["2014K2"],
            [7.2, 123],
            measures={"SykefraversProsent": "Sykefraværsprosent", "TapteDagsverk": "Tapte"},
        ),
        [
            "dimensjonen «statistikkvariabel»: filen har 2 ulike mål («Sykefraværsprosent», "
            "«Tapte»); en serie har ett mål – hent eller lagre dem som hver sin fil"
        ],
    ),
    "men and women in one JSON-stat": (
        jsonstat({"01": "Østfold"}, ["2014K2"], [6.0, 8.5], sexes={"1": "Menn", "2": "Kvinner"}),
        [
            "dimensjonen «kjønn» har 2 verdier («Menn», «Kvinner»); en serie har ett mål – "
            "hent én verdi"
        ],
    ),
    "unknown county and a month in JSON-stat": (
        jsonstat({"01": "Østfold", "99": "Uoppgitt"}, ["2014M03"], [7.0, 6.0]),
        [
            "Region «99»: fylke «99 Uoppgitt» finnes ikke i registeret",
            "Tid «2014M03»: perioden «2014M03» er ikke et kvartal (skrives ÅÅÅÅKn, for "
            "eksempel 2014K2)",
        ],
    ),
    "text in JSON-stat": (
        jsonstat({"01": "Østfold"}, ["2014K2"], ["mye"]),
        ["Verdi nr. 1: verdien «mye» (fylke 01, 2014K2) er ikke et tall"],
    ),
    "not JSON": (b'{"version": "2.0", "id": [', ["Linje 1: filen er ikke gyldig JSON"]),
    "JSON-stat 1": (
        b'{"dataset": {"dimension": {}, "value": []}}',
        [
            "filen er JSON-stat 1 (et «dataset» inni); hent tabellen som JSON-stat 2.0 "
            "(«format»: «json-stat2»)"
        ],
    ),
    "a row too short": (
        shipped(["2014K2", "2015K4"], [["01", "Østfold", "7,2"]]),
        ["Linje 3: 3 felt, men overskriften har 4 (feltene skilles med semikolon)"],
    ),
    "a county twice": (
        shipped(["2014K2"], [["01", "Østfold", "7,2"], ["01", "Østfold", "7,3"]]),
        ["Linje 4: fylke 01 står også på linje 3"],
    ),
    "empty": (b"", ["filen er tom"]),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_a_file_that_does_not_match_is_refused_with_the_line_and_reason(case):
    data, problems = REFUSALS[case]
    assert refusal(data) == problems


def test_a_year_in_statbanks_csv_is_not_a_quarter():
    data = statbank_long([["01 Østfold", "2014", "7.2"]], ["region", "år", "verdi"])
    assert refusal(data) == [
        "Linje 1: finner ingen kolonne for kvartal («kvartal»), og ingen kolonne er et kvartal "
        "(som «Sykefraværsprosent 2014K2»)"
    ]
    data = statbank_long([["01 Østfold", "2014", "7.2"]], ["region", "kvartal", "verdi"])
    assert refusal(data) == [
        "Linje 2: perioden «2014» er ikke et kvartal (skrives ÅÅÅÅKn, for eksempel 2014K2)"
    ]


def test_every_problem_is_said_at_once():
    data = shipped(
        ["2014K2", "2014M03"],
        [["99", "X", "1,2", "3"], ["01", "Østfold", "1,x", ""]],
    )
    assert refusal(data) == [
        "Linje 2: perioden «2014M03» er ikke et kvartal (skrives ÅÅÅÅKn, for eksempel 2014K2)",
        "Linje 3: fylke «99» finnes ikke i registeret",
        "Linje 4: verdien «1,x» (fylke 01, 2014K2) er ikke et tall",
    ]


# --- a value a measure cannot have (issue «Hardening, second round», point 1) -----------------

PERCENT = {"mål": "Sykefravær i prosent", "enhet": "prosent"}
DAYS = {"mål": "Tapte dagsverk", "enhet": "dagsverk"}
BEYOND = "er utenfor det en serie kan holde (mellom -1 000 000 000 000 og 1 000 000 000 000)"
NOT_A_SHARE = "er ikke en prosent mellom 0 og 100"

IMPOSSIBLE = {
    "10^27 in a series in per cent": (
        shipped(["2012K1"], [["01", "Østfold", "1" + "0" * 27]], meta=PERCENT),
        [f"Linje 5: verdien «1{'0' * 27}» (fylke 01, 2012K1) {NOT_A_SHARE}"],
    ),
    "10^27 working days": (
        shipped(["2012K1"], [["01", "Østfold", "1" + "0" * 27]], meta=DAYS),
        [f"Linje 5: verdien «1{'0' * 27}» (fylke 01, 2012K1) {BEYOND}"],
    ),
    "a 38-digit integer in StatBank's CSV": (
        statbank_long(
            [["01 Østfold", "Tapte dagsverk", "2014K2", "9" * 38]],
            ["region", "statistikkvariabel", "kvartal", "verdi"],
        ),
        [f"Linje 2: verdien «{'9' * 38}» (fylke 01, 2014K2) {BEYOND}"],
    ),
    "±1e308 in JSON-stat": (
        jsonstat(
            {"01": "Østfold"},
            ["2014K2", "2014K3"],
            [1e308, -1e308],
            measures={"TapteDagsverk": "Tapte dagsverk"},
            measure_unit="dagsverk",
        ),
        [
            f"Verdi nr. 1: verdien «1e+308» (fylke 01, 2014K2) {BEYOND}",
            f"Verdi nr. 2: verdien «-1e+308» (fylke 01, 2014K3) {BEYOND}",
        ],
    ),
    "1e308 in JSON-stat in per cent": (
        jsonstat({"01": "Østfold"}, ["2014K2"], [1e308]),
        [f"Verdi nr. 1: verdien «1e+308» (fylke 01, 2014K2) {NOT_A_SHARE}"],
    ),
    "-5 % and 250 %": (
        shipped(["2014K2"], [["01", "Østfold", "-5"], ["02", "Akershus", "250"]], meta=PERCENT),
        [
            f"Linje 5: verdien «-5» (fylke 01, 2014K2) {NOT_A_SHARE}",
            f"Linje 6: verdien «250» (fylke 02, 2014K2) {NOT_A_SHARE}",
        ],
    ),
    "250 % in StatBank's wide CSV": (
        statbank_wide([["01 Østfold", "250,0"]], ["Sykefraværsprosent 2014K2"]),
        [f"Linje 2: verdien «250,0» (fylke 01, 2014K2) {NOT_A_SHARE}"],
    ),
    "-5 % in StatBank's long CSV": (
        statbank_long(
            [["01 Østfold", "Sykefraværsprosent", "2014K2", "-5"]],
            ["region", "statistikkvariabel", "kvartal", "verdi"],
        ),
        [f"Linje 2: verdien «-5» (fylke 01, 2014K2) {NOT_A_SHARE}"],
    ),
    "-5 in JSON-stat in per cent": (
        jsonstat({"01": "Østfold"}, ["2014K2"], [-5]),
        [f"Verdi nr. 1: verdien «-5» (fylke 01, 2014K2) {NOT_A_SHARE}"],
    ),
}


@pytest.mark.parametrize("case", IMPOSSIBLE)
def test_a_value_the_measure_cannot_have_is_refused_naming_county_quarter_value(case):
    data, problems = IMPOSSIBLE[case]
    assert refusal(data) == problems


def test_the_bounds_themselves_are_values_a_measure_can_have():
    shares = parse(shipped(["2014K2", "2014K3"], [["01", "Østfold", "0", "100,0"]], meta=PERCENT))
    assert [o.value for o in shares.observations] == [0.0, 100.0]
    big = "1000000000000"  # 10^12: the largest value of any other measure, either sign
    days = parse(shipped(["2014K2", "2014K3"], [["01", "Østfold", big, f"-{big}"]], meta=DAYS))
    assert [o.value for o in days.observations] == [1e12, -1e12]
    assert refusal(shipped(["2014K2"], [["01", "Østfold", "100,01"]], meta=PERCENT)) == [
        f"Linje 5: verdien «100,01» (fylke 01, 2014K2) {NOT_A_SHARE}"
    ]
    assert refusal(shipped(["2014K2"], [["01", "Østfold", big + "1"]], meta=DAYS)) == [
        f"Linje 5: verdien «{big}1» (fylke 01, 2014K2) {BEYOND}"
    ]
    # A change is not a share: it may be negative, or over 100 — with any unit, or one
    # inferred from a measure that says «prosent».
    for meta in (
        {"mål": "Endring i sykefravær", "enhet": "prosentpoeng"},
        {"mål": "Endring i sykefravær i prosent", "enhet": "prosent"},
        {"mål": "Sykefravær, endring i prosentpoeng"},
    ):
        change = parse(shipped(["2014K2", "2014K3"], [["01", "Østfold", "-0,4", "150"]], meta=meta))
        assert [o.value for o in change.observations] == [-0.4, 150.0], meta


# --- one county or quarter named twice in JSON-stat (point 2) ----------------------------------


def _dataset(**changes) -> dict:
    """Østfold and Akershus in 2nd quarter 2014 as StatBank returns them, parts replaced."""
    dataset = json.loads(jsonstat({"01": "Østfold", "02": "Akershus"}, ["2014K2"], [7.2, 6.1]))
    for path, value in changes.items():
        *parents, last = path.split("__")
        node = dataset
        for parent in parents:
            node = node[parent]
        node[last] = value
    return dataset


def _with_key_of_akershus_as(key: bytes) -> bytes:
    """The two counties with Akershus's key in the index written as ``key``."""
    data = jsonstat({"01": "Østfold", "02": "Akershus"}, ["2014K2"], [7.2, 6.1])
    return data.replace(b'"02": 1', key + b": 1")


def _index(codes) -> dict:
    return {"index": codes, "label": {c: c for c in codes}}


TWICE = {
    "01 and 1": (
        jsonstat({"01": "Østfold", "1": "Østfold"}, ["2014K2"], [7.2, 7.3]),
        ["Region «1»: fylke 01 står også som «01»"],
    ),
    "F-01 and 01": (
        jsonstat({"F-01": "Østfold", "01": "Østfold"}, ["2014K2"], [7.2, 7.3]),
        ["Region «01»: fylke 01 står også som «F-01»"],
    ),
    "0 and 00": (
        jsonstat({"0": "Hele landet", "00": "Hele landet"}, ["2014K2"], [6.0, 6.1]),
        ["Region «00»: hele landet (00) står også som «0»"],
    ),
    "K1 and Q1": (
        jsonstat({"01": "Østfold"}, ["2014K1", "2014Q1"], [7.2, 7.3]),
        ["Tid «2014Q1»: kvartalet 2014K1 står også som «2014K1»"],
    ),
    "a code twice in an index list": (
        json.dumps(_dataset(dimension__Region__category=_index(["01", "01"]))).encode(),
        ["dimensjonen «region»: koden «01» står 2 ganger"],
    ),
    "two codes on one place of the index": (
        json.dumps(_dataset(dimension__Region__category=_index({"01": 0, "02": 0}))).encode(),
        ["dimensjonen «region»: «01» og «02» har samme plass (0) i indeksen"],
    ),
    "a code twice as a key of the index": (
        _with_key_of_akershus_as(b'"01"'),
        ["«01» står to ganger i «dimension › Region › category › index»; bare én kan gjelde"],
    ),
    "a dimension twice in id": (
        json.dumps(
            _dataset(id=["Region", "Kjonn", "ContentsCode", "Tid", "Kjonn"], size=[2, 1, 1, 1, 1])
        ).encode(),
        ["dimensjonen «Kjonn» står 2 ganger i «id»"],
    ),
    "value positions 0 and 00": (
        json.dumps(_dataset(value={"0": 7.2, "00": 7.3, "1": 6.1})).encode(),
        ["verdien i posisjon «00» står også som posisjon «0»; bare én kan gjelde"],
    ),
    "a second value key": (
        jsonstat({"01": "Østfold", "02": "Akershus"}, ["2014K2"], [7.2, 6.1]).rstrip(b"\n}")
        + b',\n "value": [9.9, 9.9]\n}',
        ["«value» står to ganger i datasettet; bare én kan gjelde"],
    ),
}


@pytest.mark.parametrize("case", TWICE)
def test_jsonstat_naming_one_county_or_quarter_twice_is_refused_naming_both(case):
    data, problems = TWICE[case]
    assert refusal(data, "statistikkbanken-12441.json") == problems


# --- in the database ------------------------------------------------------------------------------


def _counts(engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        series = session.exec(select(func.count()).select_from(StatSeries)).one()
        values = session.exec(select(func.count()).select_from(StatValue)).one()
        return series, values, data_version(session)


def test_a_new_database_holds_the_shipped_nav_series(fresh_db, rules):
    with Session(fresh_db) as session:
        (nav,) = series_list(session, scope=NOBODY)  # public: any signed-in scope reads it
        year = sickness_overview(session, 2012, rules, scope=OPERATOR)
    assert (nav.key, nav.observations, nav.span, nav.counties, nav.loaded_by) == (
        NAV_KEY,
        200,
        "1. kvartal 2005 – 1. kvartal 2014",
        19,
        "følger med appen",
    )
    assert year.series.key == NAV_KEY and year.period_label == "1. kvartal 2012"
    by_county = {r.county: r.value for r in year.rows}
    assert (by_county["Østfold"], by_county["Finnmark"]) == (6.5, 6.5)
    assert (year.national.county_number, year.national.value) == ("00", 5.7)
    assert year.caption == (
        "Legemeldt sykefravær i prosent av avtalte dagsverk, 1. kvartal 2012. Kilde: NAV: "
        "«Legemeldt sykefravær i prosent 1. kvartal 2005-2014. Totalt, fylke, kjønn og "
        "IA-avtale». Endring fra 1. kvartal 2010 (antatt)."
    )


def test_the_change_is_measured_from_the_agreements_base_year(fresh_db, rules):
    """Sub-goal 1's level (2nd quarter 2001) is not in the NAV series: the change is from the
    same quarter of the agreement's base year (rules.toml), marked as assumed."""
    with Session(fresh_db) as session:
        year = sickness_overview(session, 2012, rules, scope=OPERATOR)
        later = sickness_overview(session, 2014, rules, scope=OPERATOR)
    ostfold = next(r for r in year.rows if r.county_number == "01")
    assert (ostfold.value, ostfold.base_value, ostfold.change) == (6.5, 6.8, -0.3)
    assert ostfold.change_percent == pytest.approx(-4.4118, abs=1e-4)
    assert (year.base.label, year.base.assumed) == ("1. kvartal 2010", True)
    assert year.base_note == (
        "Serien har ikke 2. kvartal 2001, avtalens utgangspunkt; endringen regnes fra samme "
        "kvartal i avtalens første år med tall i serien."
    )
    assert later.base.label == "1. kvartal 2014"  # the 2014–2018 agreement's own base


def test_the_level_of_2nd_quarter_2001_is_the_base_where_a_series_holds_it(fresh_db, rules):
    data = shipped(["2001K2", "2010K2", "2012K2"], [["01", "Østfold", "7,0", "6,0", "5,6"]])
    assert import_stats(fresh_db, "lang.csv", data, scope=OPERATOR).status == "lagret"
    with Session(fresh_db) as session:
        year = sickness_overview(session, 2012, rules, scope=OPERATOR, series="lang")
    assert (year.base.label, year.base.assumed, year.base_note) == ("2. kvartal 2001", False, "")
    ostfold = year.for_council(next(r.council_id for r in year.rows if r.county_number == "01"))
    assert [(r.value, r.base_value, r.change_percent) for r in ostfold] == [(5.6, 7.0, -20.0)]
    assert year.caption.endswith("Endring fra 2. kvartal 2001.")


def test_a_refused_file_stores_nothing(fresh_db):
    before = _counts(fresh_db)
    data = shipped(["2014K2"], [["01", "Østfold", "7,2"], ["99", "Uoppgitt", "6,1"]])
    result = import_stats(fresh_db, "feil.csv", data, scope=OPERATOR)
    assert (result.status, result.problems) == (
        "avvist",
        ["Linje 4: fylke «99» finnes ikke i registeret"],
    )
    assert result.message == (
        "feil.csv: ikke lastet – Linje 4: fylke «99» finnes ikke i registeret; ingenting er lagret"
    )
    assert _counts(fresh_db) == before


def test_a_value_the_measure_cannot_have_stores_nothing(fresh_db):
    """Point 1 on both engines: a file with a value its measure cannot have is refused when
    it is checked (and in a dry run), naming the county, quarter and value."""
    before = _counts(fresh_db)
    data = shipped(["2012K1"], [["01", "Østfold", "1" + "0" * 27]], meta=PERCENT)
    for dry_run in (True, False):
        result = import_stats(fresh_db, "stor.csv", data, scope=OPERATOR, dry_run=dry_run)
        assert (result.status, result.message) == (
            "avvist",
            f"stor.csv: ikke lastet – Linje 5: verdien «1{'0' * 27}» (fylke 01, 2012K1) er ikke "
            "en prosent mellom 0 og 100; ingenting er lagret",
        )
    for case, (data, problems) in IMPOSSIBLE.items():
        result = import_stats(fresh_db, "fil.csv", data, scope=OPERATOR)
        assert (result.status, result.problems) == ("avvist", problems), case
    assert _counts(fresh_db) == before


def test_jsonstat_naming_one_county_or_quarter_twice_stores_nothing(fresh_db):
    """Point 2 on both engines: refused when checked, never a constraint error on load, and
    never one of two values kept in silence."""
    before = _counts(fresh_db)
    for case, (data, problems) in TWICE.items():
        result = import_stats(fresh_db, "tabell.json", data, scope=OPERATOR)
        assert (result.status, result.problems) == ("avvist", problems), case
        assert result.message.startswith("tabell.json: ikke lastet – "), case
    assert _counts(fresh_db) == before


def test_a_series_made_in_code_is_checked_again_before_it_is_stored(fresh_db):
    """``load_series`` takes a series from other code than the file reader too: two values
    for one county and quarter, or a value its measure cannot have, are refused in Norwegian
    before the database sees them (not a raw constraint error), and nothing is stored."""
    from ia_data.ingest.stats import ParsedSeries
    from ia_data.storage.stats import load_series

    before = _counts(fresh_db)
    parsed = ParsedSeries(
        key="kode", name="Kode", source="test", measure="Sykefravær i prosent",
        unit="prosent", form=FORM_SHIPPED, quarter=1,
        observations=[
            Observation("01", 2012, 1, 6.5),
            Observation("01", 2012, 1, 6.6),
            Observation("02", 2012, 1, 1e27),
        ],
    )  # fmt: skip
    result = load_series(fresh_db, parsed, "kode.csv", scope=OPERATOR)
    assert (result.status, result.message) == (
        "avvist",
        "kode.csv: ikke lastet – fylke 01, 2012K1 har to verdier; verdien «1e+27» (fylke 02, "
        "2012K1) er ikke en prosent mellom 0 og 100; ingenting er lagret",
    )
    assert _counts(fresh_db) == before


def _stored(engine, county: str, year: int) -> float | None:
    with Session(engine) as session:
        return session.exec(
            select(StatValue.value)
            .join(StatSeries, StatSeries.id == StatValue.series_id)
            .where(StatSeries.key == NAV_KEY, StatValue.county_number == county,
                   StatValue.year == year, StatValue.quarter == 1)
        ).one()  # fmt: skip


STORED_NOTES = [
    "Utelatt: ugyldig verdi i serien «nav-legemeldt-k1» for Hele landet, 1. kvartal 2010 "
    "(-5 er ikke en prosent mellom 0 og 100).",
    "Utelatt: ugyldig verdi i serien «nav-legemeldt-k1» for Østfold, 1. kvartal 2012 (250 er "
    "ikke en prosent mellom 0 og 100).",
    "Utelatt: ugyldig verdi i serien «nav-legemeldt-k1» for Vest-Agder, 1. kvartal 2012 "
    "(1e+27 er ikke en prosent mellom 0 og 100).",
]


def test_a_stored_value_a_page_cannot_use_is_left_out_with_a_note(sample_db, rules):
    """Point 1, what is already stored: a value an older release let in is read as missing,
    and the figures say which and why; the rest of the year is shown, and the stored value
    is left as it is."""
    store_directly(sample_db, {("10", 2012): 1e27, ("01", 2012): 250.0, ("00", 2010): -5.0})
    with Session(sample_db) as session:
        agder = next(c for c in councils(session) if c.name == "IA-rådet i Agder")
        year = sickness_overview(session, 2012, rules, scope=OPERATOR)
        own = sickness_overview(session, 2012, rules, scope=secretariat({agder.id: agder.name}))
        over_years = council_sickness(session, agder.id, scope=OPERATOR)
        _, points = sickness_and_activity(session, 2012, rules, scope=OPERATOR)
    by_county = {r.county_number: (r.value, r.base_value, r.change) for r in year.rows}
    assert by_county["01"] == (None, 6.8, None)  # Østfold: 250 % left out
    assert by_county["09"] == (5.9, 6.2, -0.3)  # Aust-Agder as before
    assert by_county["10"] == (None, 6.1, None)  # Vest-Agder: 10^27 left out
    assert (year.national.value, year.national.base_value) == (5.7, None)  # base −5 left out
    assert year.notes == STORED_NOTES
    assert year.caption == (
        "Legemeldt sykefravær i prosent av avtalte dagsverk, 1. kvartal 2012. Kilde: NAV: "
        "«Legemeldt sykefravær i prosent 1. kvartal 2005-2014. Totalt, fylke, kjønn og "
        "IA-avtale». Endring fra 1. kvartal 2010 (antatt). " + " ".join(STORED_NOTES)
    )
    assert own.notes == [STORED_NOTES[0], STORED_NOTES[2]]  # only what Agder's page reads
    assert [(c.county, c.points[7]) for c in over_years] == [
        ("Aust-Agder", (2012, 1, 5.9)),
        ("Vest-Agder", (2012, 1, None)),
    ]
    assert over_years[0].national[5] == (2010, 1, None)
    assert over_years[0].notes == [STORED_NOTES[0], STORED_NOTES[2]]
    assert {p.county_number: p.sickness for p in points}["10"] is None
    assert (_stored(sample_db, "10", 2012), _stored(sample_db, "01", 2012)) == (1e27, 250.0)


def test_a_year_whose_every_value_is_unusable_shows_the_notes_not_a_made_up_change(
    sample_db, rules
):
    """Every county's 2010 value (the base) unusable: the change is measured from the next
    year with values the page can use, and the notes name what is left out (five, and the
    count of the rest)."""
    with Session(sample_db) as session:
        numbers = [n for c in councils(session) for n, _ in c.counties]
    store_directly(sample_db, {(n, 2010): 1e27 for n in numbers})
    with Session(sample_db) as session:
        year = sickness_overview(session, 2012, rules, scope=OPERATOR)
    assert year.base.label == "1. kvartal 2011"
    assert year.base_note.endswith(
        "; serien har ikke 1. kvartal 2010, så 1. kvartal 2011 er brukt."
    )
    assert len(year.notes) == 0  # the 2010 values are not read: the base is 2011
    store_directly(sample_db, {(n, 2012): 1e27 for n in numbers})
    with Session(sample_db) as session:
        year = sickness_overview(session, 2012, rules, scope=OPERATOR)
    assert year.period_label == "1. kvartal 2012"
    assert [r.value for r in year.rows] == [None] * 19
    assert len(year.notes) == 19
    assert year.caption.endswith(
        "(1e+27 er ikke en prosent mellom 0 og 100). Og 14 ugyldige verdier til er utelatt."
    )


def test_a_series_loaded_again_replaces_it_and_keeps_the_old_as_history(fresh_db, rules):
    first = shipped(["2012K1"], [["01", "Østfold", "6,5"], ["09", "Aust-Agder", "5,9"]],
                    meta={"nøkkel": "egen", "mål": "Sykefravær"})  # fmt: skip
    second = shipped(["2012K1"], [["01", "Østfold", "6,6"], ["09", "Aust-Agder", ".."]],
                     meta={"nøkkel": "egen", "mål": "Sykefravær"})  # fmt: skip
    one = import_stats(fresh_db, "v1.csv", first, scope=OPERATOR, by=Actor("Kari"))
    two = import_stats(fresh_db, "v2.csv", second, scope=OPERATOR, by=Actor("Per"))
    assert (one.status, two.status) == ("lagret", "lagret")
    assert two.message.startswith(
        "v2.csv: lastet som serien «egen» (Sykefravær; 2 verdier, 2 fylker, 1. kvartal 2012); "
        "erstatter versjonen fra "
    )
    assert two.message.endswith(" (av Kari), som er tatt vare på")
    again = import_stats(fresh_db, "v2-igjen.csv", second, scope=OPERATOR)
    assert (again.status, again.message) == (
        "uendret",
        "v2-igjen.csv: uendret – serien «egen» har allerede akkurat disse tallene; ingenting "
        "er lagret",
    )
    with Session(fresh_db) as session:
        active = {s.key: s for s in series_list(session, scope=OVERSIGHT)}
        history = series_history(session, "egen", scope=OPERATOR)
        every = series_history(session, scope=OPERATOR)
        year = sickness_overview(session, 2012, rules, scope=OPERATOR, series="egen")
        kept = session.exec(
            select(func.count()).select_from(StatValue).where(StatValue.series_id == one.series.id)
        ).one()
    assert set(active) == {NAV_KEY, "egen"}
    assert [(h.file_name, h.loaded_by, h.active, h.observations) for h in history] == [
        ("v2.csv", "Per", True, 2),
        ("v1.csv", "Kari", False, 2),
    ]
    assert [h.key for h in every] == ["egen", "egen", NAV_KEY]
    assert kept == 2  # the replaced version's values stay with it
    values = {r.county_number: r.value for r in year.rows}
    assert (values["01"], values["09"]) == (6.6, None)  # missing, not 0


def test_a_key_keeps_its_measure(fresh_db):
    """The NAV series is doctor-certified absence; SSB's is self- and doctor-certified: a
    file that measures the other under the same key is refused, and stored as its own."""
    data = SSB_SAMPLE.read_bytes()
    before = _counts(fresh_db)
    mixed = import_stats(fresh_db, SSB_SAMPLE.name, data, scope=OPERATOR, key=NAV_KEY)
    assert mixed.status == "avvist"
    assert mixed.problems == [
        "serien «nav-legemeldt-k1» måler «Legemeldt sykefravær i prosent av avtalte dagsverk», "
        "men filen måler «Sickness absence, self- and doctor-certified, % of agreed working "
        "days, by county of work»; en serie har ett mål – last filen som en ny serie (en annen "
        "nøkkel)"
    ]
    assert _counts(fresh_db) == before
    assert import_stats(fresh_db, SSB_SAMPLE.name, data, scope=OPERATOR).status == "lagret"
    with Session(fresh_db) as session:
        keys = [s.key for s in series_list(session, scope=OPERATOR)]
        for_2014 = [s.key for s in sickness_series_for_year(session, 2014, scope=OPERATOR)]
        for_2016 = [s.key for s in sickness_series_for_year(session, 2016, scope=OPERATOR)]
    assert keys == [NAV_KEY, SSB_KEY]
    assert (for_2014, for_2016) == ([NAV_KEY, SSB_KEY], [SSB_KEY])


def test_only_an_admin_loads_and_sees_who_loaded(sample_db):
    with Session(sample_db) as session:
        troms = next(c for c in councils(session) if c.name == "IA-rådet i Troms")
    data = SSB_SAMPLE.read_bytes()
    before = _counts(sample_db)
    for scope in (OVERSIGHT, secretariat({troms.id: troms.name}), NOBODY):
        result = import_stats(sample_db, "x.csv", data, scope=scope)
        assert (result.status, result.message) == (
            "avvist",
            "x.csv: ikke lastet – Ingen tilgang: bare en administrator kan laste statistikk",
        )
        with Session(sample_db) as session, pytest.raises(OutsideScope):
            series_history(session, scope=scope)
    assert _counts(sample_db) == before


def test_a_council_of_two_counties_gets_both_values_never_their_average(sample_db, rules):
    """In the demo register Aust-Agder (09) and Vest-Agder (10) share «IA-rådet i Agder»."""
    with Session(sample_db) as session:
        agder = next(c for c in councils(session) if c.name == "IA-rådet i Agder")
        year = sickness_overview(session, 2012, rules, scope=OPERATOR)
        own = sickness_overview(session, 2012, rules, scope=secretariat({agder.id: agder.name}))
        over_years = council_sickness(session, agder.id, scope=OPERATOR)
    rows = [(r.county_number, r.value, r.base_value, r.change) for r in year.for_council(agder.id)]
    assert rows == [("09", 5.9, 6.2, -0.3), ("10", 5.8, 6.1, -0.3)]
    assert len(year.rows) == 19  # 18 councils, Agder twice
    assert [(r.council, r.county) for r in own.rows] == [
        ("IA-rådet i Agder", "Aust-Agder"),
        ("IA-rådet i Agder", "Vest-Agder"),
    ]
    assert own.national.value == 5.7  # the national line for every scope
    assert [(s.series.key, s.county_number, len(s.points)) for s in over_years] == [
        (NAV_KEY, "09", 10),
        (NAV_KEY, "10", 10),
    ]
    assert over_years[0].points[7] == (2012, 1, 5.9)
    assert over_years[0].national[7] == (2012, 1, 5.7)


def test_a_secretariat_reads_its_own_councils_and_is_refused_another(sample_db, rules):
    with Session(sample_db) as session:
        ids = {c.name: c.id for c in councils(session)}
        troms = secretariat({ids["IA-rådet i Troms"]: "IA-rådet i Troms"})
        assert {r.council for r in sickness_overview(session, 2012, rules, scope=troms).rows} == {
            "IA-rådet i Troms"
        }
        assert sickness_overview(session, 2012, rules, scope=NOBODY).rows == []
        nordland = ids["IA-rådet i Nordland"]
        with pytest.raises(OutsideScope, match=r"Ingen tilgang: rådet \(nr\. \d+\) ligger"):
            sickness_overview(session, 2012, rules, [nordland], scope=troms)
        with pytest.raises(OutsideScope, match=r"Ingen tilgang: rådet \(nr\. \d+\) ligger"):
            council_sickness(session, nordland, scope=troms)
        with pytest.raises(OutsideScope, match=r"Ingen tilgang: rådet \(nr\. \d+\) ligger"):
            sickness_and_activity(session, 2012, rules, [nordland], scope=troms)


def test_sickness_beside_sub_goal_1_activities(sample_db):
    from workbooks import report_xlsx

    from ia_data.storage.store import import_file

    assert import_file(sample_db, "troms.xlsx", report_xlsx(), scope=OPERATOR).status == "lagret"
    with Session(sample_db) as session:
        overview, points = sickness_and_activity(
            session, 2012, load_rules(DEFAULT_RULES_FILE), scope=OPERATOR
        )
    by_county = {p.county_number: p for p in points}
    troms = by_county["19"]
    assert (troms.council, troms.sickness) == ("IA-rådet i Troms", 6.5)
    assert troms.goal_1 is not None and troms.goal_1 >= 1 and troms.activities >= troms.goal_1
    assert (by_county["09"].goal_1, by_county["10"].goal_1) == (None, None)  # no report: not 0
    assert (by_county["09"].sickness, by_county["10"].sickness) == (5.9, 5.8)
    assert overview.series.key == NAV_KEY


def test_trondelag_is_what_the_series_says(fresh_db, rules):
    """16 and 17 until 2017, 50 from 2018: nothing is made up for a county or year the
    series does not hold (no 50 before 2018, no 16 + 17 from 2018)."""
    data = shipped(
        ["2017K1", "2018K1"],
        [
            ["16", "Sør-Trøndelag", "6,0", ".."],
            ["17", "Nord-Trøndelag", "6,8", ".."],
            ["50", "Trøndelag", "..", "6,2"],
        ],
        meta={"nøkkel": "trondelag"},
    )
    assert import_stats(fresh_db, "t.csv", data, scope=OPERATOR).status == "lagret"
    with Session(fresh_db) as session:
        y2017 = sickness_overview(session, 2017, rules, scope=OPERATOR, series="trondelag")
        y2018 = sickness_overview(session, 2018, rules, scope=OPERATOR, series="trondelag")
    assert [(r.council, r.value) for r in y2017.rows if r.county_number in ("16", "17", "50")] == [
        ("IA-rådet i Sør-Trøndelag", 6.0),
        ("IA-rådet i Nord-Trøndelag", 6.8),
    ]
    assert [(r.council, r.value) for r in y2018.rows if r.county_number in ("16", "17", "50")] == [
        ("IA-rådet i Trøndelag", 6.2)
    ]


def test_a_year_no_series_holds(fresh_db, rules):
    with Session(fresh_db) as session:
        year = sickness_overview(session, 2018, rules, scope=OPERATOR)
        asked = sickness_overview(session, 2018, rules, scope=OPERATOR, series=NAV_KEY)
    assert (year.series, year.rows, year.caption) == (
        None,
        [],
        "Ingen statistikkserie har tall for 2018.",
    )
    assert asked.caption == (
        "Legemeldt sykefravær i prosent av avtalte dagsverk: serien har ingen tall for 2018."
    )


# --- the command line -----------------------------------------------------------------------------


def test_stats_import_list_history_on_the_command_line(database, capsys, tmp_path):
    url = database()
    args = ["--db", url, "stats"]
    assert main([*args, "import", str(SSB_SAMPLE), "--by", "Kari"]) == 0
    assert capsys.readouterr().out == (
        "ssb_sykefravaer_fylke_utvalg.csv: lastet som serien «ssb-sykefravaer-fylke-utvalg» "
        "(Sickness absence, self- and doctor-certified, % of agreed working days, by county of "
        "work; 60 verdier, 19 fylker og hele landet, 2. kvartal 2014 – 4. kvartal 2016)\n"
    )
    bad = tmp_path / "feil.csv"
    bad.write_bytes(
        shipped(["2014K2", "2014M03"], [["99", "X", "1,2", "3"], ["01", "Østfold", "1,x", ""]])
    )
    assert main([*args, "import", str(bad)]) == 1
    assert capsys.readouterr().err == (
        "feil.csv: ikke lastet – 3 feil; ingenting er lagret\n"
        "  feil: Linje 2: perioden «2014M03» er ikke et kvartal (skrives ÅÅÅÅKn, for eksempel "
        "2014K2)\n"
        "  feil: Linje 3: fylke «99» finnes ikke i registeret\n"
        "  feil: Linje 4: verdien «1,x» (fylke 01, 2014K2) er ikke et tall\n"
    )
    one = tmp_path / "en.csv"
    one.write_bytes(shipped(["2014K2"], [["99", "X", "1,2"]]))
    assert main([*args, "import", str(one)]) == 1
    assert capsys.readouterr().err == (
        "en.csv: ikke lastet – Linje 3: fylke «99» finnes ikke i registeret; ingenting er lagret\n"
    )
    assert main([*args, "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "nav-legemeldt-k1: Legemeldt sykefravær, 1. kvartal (NAV)"
    assert out[2] == (
        "  perioder: 1. kvartal 2005 – 1. kvartal 2014 (1. kvartal hvert år), 19 fylker, "
        "200 verdier"
    )
    assert out[5] == f"{SSB_KEY}: Sickness absence, self- and doctor-certified, % of agreed " \
        "working days, by county of work"  # fmt: skip
    assert main([*args, "history"]) == 0
    history = capsys.readouterr().out.splitlines()
    assert [line.split()[2:5] for line in history] == [
        ["aktiv", SSB_KEY, "ssb_sykefravaer_fylke_utvalg.csv"],
        ["aktiv", NAV_KEY, "nav_legemeldt_q1_fylke.csv"],
    ]
    assert main([*args, "import"]) == 2
    assert capsys.readouterr().err == "ia-data: feil: stats import trenger en fil\n"


def test_a_database_brought_up_from_before_statistics_gets_the_shipped_series(fresh_db):
    from conftest import downgrade

    from ia_data.storage import schema

    downgrade(fresh_db, "0004")
    assert schema.upgrade(fresh_db) == schema.head()
    with Session(fresh_db) as session:
        assert [s.key for s in series_list(session, scope=OPERATOR)] == [NAV_KEY]
    schema.upgrade(fresh_db)  # once only
    assert _counts(fresh_db)[:2] == (1, 200)
