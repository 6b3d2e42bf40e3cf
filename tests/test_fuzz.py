"""The cell value parsers fuzzed (hypothesis): whatever a cell holds, a parser returns a
value or raises ``ValueProblem`` with one line of Norwegian, never anything else; every
form WORKBOOK.md («Values», «Periods») lists is read as the value it means, and forms
that only look like them are refused."""

# ruff: noqa: SIM300  (the expected value comes first, as in sqlite-utils' tests)

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from ia_data.domain import values as V

fuzz = settings(max_examples=200, deadline=None)

SPACES = ("", " ", "  ", "\u00a0", "\t")  # around a value; \u00a0 is a non-breaking space

# Everything python-calamine can hand over for a cell, and text near the forms.
NEAR_ALPHABET = "0123456789 .,-–/+:;&kKrRnNoOHhåÅæøadelmsvtiyDM\u00a0\u202f\n"
cell_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
    st.text(),
    st.text(alphabet=NEAR_ALPHABET),
    st.text(alphabet="0123456789", min_size=1, max_size=6000),
    st.from_regex(r"\A[0-9]{1,5000}\s?[-,.]\s?[0-9]{1,5000}\Z"),
)

PARSERS = [V.parse_date, V.parse_amount_ore, V.parse_whole_number, V.parse_goals, V.parse_period]


def problem(parser, value) -> str:
    """The message of the ValueProblem that ``parser`` must raise for ``value``."""
    with pytest.raises(V.ValueProblem) as exc:
        parser(value)
    return str(exc.value)


def padded(text: str, spaces: tuple[str, str]) -> str:
    return spaces[0] + text + spaces[1]


around = st.tuples(st.sampled_from(SPACES), st.sampled_from(SPACES))


# --- any value at all ------------------------------------------------------------------


@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.__name__)
@fuzz
@given(value=cell_values)
@example(value=10**400)  # an int beyond any float
@example(value=-(10**400))
@example(value=1e300)
@example(value=math.inf)
@example(value=math.nan)
@example(value="9" * 5000)  # more digits than int() takes
@example(value="1" * 5000 + "-2")
@example(value="1 000\n500")  # line breaks typed into the cell
@example(value="delmål\r\n4\u2028")
def test_a_parser_returns_or_says_in_one_line_what_is_wrong(parser, value):
    try:
        parser(value)
    except V.ValueProblem as exc:
        message = str(exc)
        assert 1 == len(message.splitlines())
        if not V.is_empty(value):
            assert f"«{V.shown(value)}»" in message


# --- dates -----------------------------------------------------------------------------

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@st.composite
def date_forms(draw) -> tuple[date, object]:
    """A date and one way a secretariat writes it (WORKBOOK.md «Values»)."""
    day = draw(dates)
    forms = [
        day,
        datetime.combine(day, datetime.min.time())
        + draw(st.timedeltas(timedelta(0), timedelta(hours=23))),
        (day - V.EXCEL_EPOCH).days,
        float((day - V.EXCEL_EPOCH).days),
        f"{day.day:02}.{day.month:02}.{day.year}",
        f"{day.day}.{day.month}.{day.year}",
        f"{day.day:02}.{day.month:02}.{day.year % 100:02}",
        f"{day.day}.{day.month}.{day.year % 100:02}",
        f"{day.year}-{day.month:02}-{day.day:02}",
        f"{day.year}-{day.month}-{day.day}",
        f"{day.day:02}/{day.month:02}/{day.year}",
    ]
    form = draw(st.sampled_from(forms))
    return day, padded(form, draw(around)) if isinstance(form, str) else form


@fuzz
@given(case=date_forms())
def test_parse_date_reads_every_listed_form(case):
    expected, value = case
    assert expected == V.parse_date(value)


DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@st.composite
def impossible_dates(draw) -> str:
    """A date in a listed form that no calendar has: 31.02.2012, 29.02.2013, 2012-13-01."""
    year = draw(st.integers(2000, 2099))
    month = draw(st.integers(1, 12))
    leap = year % 4 == 0  # 2000 is a leap year; 2100 is out of range
    last = DAYS_IN_MONTH[month - 1] - (month == 2 and not leap)
    day, month = draw(
        st.one_of(
            st.tuples(st.integers(last + 1, 99), st.just(month)),
            st.tuples(st.integers(1, 28), st.integers(13, 99)),
            st.tuples(st.just(0), st.just(month)),
        )
    )
    return draw(
        st.sampled_from(
            [f"{day:02}.{month:02}.{year}", f"{year}-{month:02}-{day:02}", f"{day}/{month}/{year}"]
        )
    )


@fuzz
@given(text=impossible_dates())
def test_parse_date_refuses_a_day_no_calendar_has(text):
    assert f"«{text}» er ikke en gyldig dato: den dagen finnes ikke" == problem(V.parse_date, text)


@st.composite
def near_miss_dates(draw) -> object:
    """Forms that look like a date but are none of the listed ones."""
    day = draw(dates)
    d, m, y = day.day, day.month, day.year
    return draw(
        st.sampled_from(
            [
                f"{d:02}-{m:02}-{y}",  # dashes in day-first order
                f"{d:02} {m:02} {y}",
                f"{y}/{m:02}/{d:02}",
                f"{y}.{m:02}.{d:02}",
                f"{d:02}.{m:02}",  # no year
                f"{d:02}.{m:02}.{y % 1000:03}",  # a three-digit year
                f"{d:02}/{m:02}/{y % 100:02}",  # slashes take a four-digit year only
                f"{d:02}.{m:02}.{y}.",
                f"ca. {d:02}.{m:02}.{y}",
                f"{d:02}.{m:02}.{y} og {d:02}.{m:02}.{y}",
                f"{d:02}{m:02}{y}",
                (day - V.EXCEL_EPOCH).days + 0.5,  # a serial number with a time of day
                -(day - V.EXCEL_EPOCH).days,
                True,
            ]
        )
    )


@fuzz
@given(value=near_miss_dates())
def test_parse_date_refuses_what_only_looks_like_a_date(value):
    assert problem(V.parse_date, value).startswith(f"«{V.shown(value)}» er ikke en dato")


# --- amounts ---------------------------------------------------------------------------

kroner = st.integers(0, 999_999_999)
ore = st.integers(0, 99)


def grouped(number: int, mark: str) -> str:
    """``1234567`` as ``1 234 567`` (or with another thousands mark)."""
    return f"{number:,}".replace(",", mark)


CURRENCIES = [("", ""), ("kr ", ""), ("kr", ""), ("Kr. ", ""), ("NOK ", "")]
CURRENCIES += [("", " kr"), ("", "kr"), ("", " kr."), ("", " NOK"), ("", " KR")]


@st.composite
def amount_forms(draw) -> tuple[int, object]:
    """An amount in øre and one way a secretariat writes it (WORKBOOK.md «Values»)."""
    kr, cents = draw(kroner), draw(ore)
    kind = draw(st.sampled_from(["number", "decimal number", "text"]))
    if kind == "number":
        return kr * 100, kr
    if kind == "decimal number":
        return kr * 100 + cents, float(f"{kr}.{cents:02}")
    mark = draw(st.sampled_from([" ", "\u00a0", "\u202f", "."]))
    whole = draw(st.sampled_from([str(kr), grouped(kr, mark)]))
    forms = [
        (whole, kr * 100),
        (f"{whole},-", kr * 100),
        (f"{whole},{cents:02}", kr * 100 + cents),
        (f"{whole},{cents // 10}", kr * 100 + cents // 10 * 10),
    ]
    if mark != ".":  # then a point is the decimal mark: 12.5 = 12,5
        forms += [
            (f"{whole}.{cents:02}", kr * 100 + cents),
            (f"{whole}.{cents % 10}", kr * 100 + cents % 10 * 10),
        ]
    number, expected = draw(st.sampled_from(forms))
    before, after = draw(st.sampled_from(CURRENCIES))
    return expected, padded(before + number + after, draw(around))


@fuzz
@given(case=amount_forms())
def test_parse_amount_reads_every_listed_form(case):
    expected, value = case
    assert expected == V.parse_amount_ore(value)


@fuzz
@given(
    amount=st.one_of(
        st.floats(min_value=0, max_value=V.MAX_NUMBER),
        # kroner and øre, and a half øre (where rounding half up decides)
        st.builds(lambda k, o: k + o / 100, st.integers(0, 10**9 - 1), st.integers(0, 99)),
        st.builds(lambda k, o: k + o / 1000, st.integers(0, 10**9 - 1), st.integers(0, 999)),
    )
)
@example(amount=1.005)  # 100,4999… øre as a float, 100,5 as written: 101
@example(amount=0.285)  # 28,4999… øre as a float: 29
@example(amount=0.125)
@example(amount=999_999_999.995)
def test_a_number_cell_is_the_amount_as_written_rounded_half_up_to_the_ore(amount):
    """A number cell's amount is its shortest decimal form (what Excel shows) times 100,
    rounded half up: the float's own error never tips it."""
    exact = (Decimal(repr(amount)) * 100).quantize(Decimal(1), ROUND_HALF_UP)
    assert V.parse_amount_ore(amount) == int(exact)


@fuzz
@given(case=amount_forms())
def test_a_negative_amount_is_refused_as_negative(case):
    expected, value = case
    assume(expected > 0)
    negative = "-" + value.strip() if isinstance(value, str) else -value
    assert f"«{V.shown(negative)}» er negativt; et beløp må være 0 eller mer" == problem(
        V.parse_amount_ore, negative
    )


@st.composite
def near_miss_amounts(draw) -> str:
    """Text that looks like an amount but is not one of the listed forms."""
    kr = draw(st.integers(1_000, 999_999_999))
    small = draw(st.integers(1, 999))
    return draw(
        st.sampled_from(
            [
                f"ca. {kr}",
                f"{kr} kr totalt",
                f"{kr} kroner",
                f"{grouped(kr, ',')},00",  # a comma as thousands mark
                f"{kr},{small:03}.5",
                f"{kr // 10} {(kr % 10) * 10 + 1:02}",  # a group of two digits
                f"{small} {kr}",  # a group of four digits or more
                f"{kr}a",
                f"kr kr {kr}",
                f"{kr} kr kr",
                f"{kr} - {kr}",
                f"{kr}/{small}",
                "kr",
                ",50",
                "mange",
            ]
        )
    )


@fuzz
@given(text=near_miss_amounts())
def test_parse_amount_refuses_what_only_looks_like_an_amount(text):
    assert problem(V.parse_amount_ore, text).startswith(f"«{V.shown(text)}» er ikke et beløp")


@fuzz
@given(
    value=st.one_of(
        st.floats(min_value=1e9 + 0.01, allow_infinity=False),
        st.integers(min_value=10**9 + 1),
        st.integers(10**9 + 1, 10**17).map(lambda n: grouped(n, " ") + " kr"),
    )
)
def test_an_amount_over_a_billion_kroner_is_refused_as_too_large(value):
    expected = f"«{V.shown(value)}» er for stort; et beløp kan være høyst 1 000 000 000 kr"
    assert expected == problem(V.parse_amount_ore, value)


# --- whole numbers (participants) ------------------------------------------------------


@fuzz
@given(n=st.integers(0, 999_999_999), mark=st.sampled_from([" ", "\u00a0", "."]), spaces=around)
def test_parse_whole_number_reads_every_listed_form(n, mark, spaces):
    for value in (n, float(n), str(n), grouped(n, mark), padded(grouped(n, " "), spaces)):
        assert n == V.parse_whole_number(value)


@fuzz
@given(n=st.integers(0, 999_999), tenths=st.integers(1, 9))
def test_parse_whole_number_refuses_fractions_and_guesses(n, tenths):
    for value in (n + tenths / 10, f"{n},{tenths}", f"{n},{tenths} kr", f"ca. {n}"):
        assert f"«{V.shown(value)}» er ikke et helt tall" == problem(V.parse_whole_number, value)


@fuzz
@given(n=st.integers(10**9 + 1, 10**17))
def test_a_whole_number_over_a_billion_is_refused_as_too_large(n):
    for value in (n, float(n), grouped(n, " ")):
        expected = f"«{V.shown(value)}» er for stort; forventet et helt tall på høyst 1 000 000 000"
        assert expected == problem(V.parse_whole_number, value)


# --- sub-goals -------------------------------------------------------------------------

GOAL_WORDS = {
    1: ["sykefravær", "Sykefravær", "SYKEFRAVÆR"],
    2: ["nedsatt funksjonsevne", "funksjonsevne", "Nedsatt funksjonsevne"],
    3: ["senior", "seniorer", "seniorpolitikk", "Seniorpolitikk", "eldre arbeidstakere"],
}
GOAL_PREFIXES = ["", "DM", "DM ", "dm", "Delmål ", "delmål ", "delmal ", "IA-delmål ", "ia-delmål "]
GOAL_JOINS = [", ", ",", "/", " / ", " + ", "+", " og "]


@st.composite
def goal_forms(draw) -> tuple[frozenset[int], object]:
    """Sub-goals and one way a secretariat writes them (WORKBOOK.md «Values»)."""
    goals = draw(st.sets(st.sampled_from([1, 2, 3]), min_size=1))
    items = []
    for goal in draw(st.permutations(sorted(goals))):
        if draw(st.booleans()):
            items.append(draw(st.sampled_from(GOAL_PREFIXES)) + str(goal))
        else:
            items.append(draw(st.sampled_from(GOAL_WORDS[goal])))
    text = draw(st.sampled_from(GOAL_JOINS)).join(items)
    forms = [text]
    if len(goals) == 1:
        (goal,) = goals
        forms += [goal, float(goal)]
    if goals == {1, 2, 3}:
        forms += ["alle", "Alle", "alle tre", "Alle tre", "1-3", "1 - 3", "1–3", "DM 1-3"]
    if goals in ({1, 2}, {2, 3}):
        low, high = min(goals), max(goals)
        forms += [f"{low}-{high}", f"delmål {low}-{high}"]
    form = draw(st.sampled_from(forms))
    return frozenset(goals), padded(form, draw(around)) if isinstance(form, str) else form


@fuzz
@given(case=goal_forms())
def test_parse_goals_reads_every_listed_form(case):
    expected, value = case
    assert expected == V.parse_goals(value)


@st.composite
def near_miss_goals(draw) -> object:
    """Sub-goals that do not exist, in the forms of those that do; and other words."""
    bad = draw(st.one_of(st.just(0), st.integers(4, 99)))
    good = draw(st.sampled_from([1, 2, 3]))
    return draw(
        st.sampled_from(
            [
                bad,
                float(bad),
                good + 0.5,
                str(bad),
                f"DM{bad}",
                f"delmål {bad}",
                f"{good}, {bad}",
                f"{good} og {bad}",
                f"{good}-{max(bad, 4)}",
                f"{good + 1}-{good}" if good < 3 else "3-1",
                f"{good}{good}",
                f"{good} og diverse",
                "diverse",
                "alle fire",
                "delmål",
                "IA",
                f"sykefravær og {bad}",
            ]
        )
    )


@fuzz
@given(value=near_miss_goals())
def test_parse_goals_refuses_a_goal_that_does_not_exist(value):
    expected = f"«{V.shown(value)}» er ikke et delmål (gyldige verdier: 1, 2, 3)"
    assert expected == problem(V.parse_goals, value)


# --- periods ---------------------------------------------------------------------------

years = st.integers(1900, 2100)


@st.composite
def period_forms(draw) -> tuple[tuple[int, str], object]:
    """A period and one way a secretariat writes it (WORKBOOK.md «Periods»)."""
    year = draw(years)
    code = draw(st.sampled_from(["H1", "H2", "År"]))
    if code == "År":
        forms = [year, float(year), f"{year}", f"{year} år", f"{year} helår", f"År {year}"]
    else:
        k, ordinal = code[1], "første" if code == "H1" else "andre"
        forms = [
            f"{year} H{k}",
            f"H{k} {year}",
            f"{year}-H{k}",
            f"{year}-{k}",
            f"{k}. halvår {year}",
            f"{ordinal} halvår {year}",
            f"{year} {k}. halvår",
        ]
    form = draw(st.sampled_from(forms))
    if isinstance(form, str):
        case = draw(st.sampled_from([str.lower, str.upper, str.capitalize]))
        form = padded(case(form), draw(around))
    return (year, code), form


@fuzz
@given(case=period_forms())
def test_parse_period_reads_every_listed_form(case):
    expected, value = case
    assert expected == V.parse_period(value)


@st.composite
def near_miss_periods(draw) -> object:
    year = draw(years)
    return draw(
        st.sampled_from(
            [
                f"{year} H3",
                f"{year}-3",
                f"{year}-0",
                f"tredje halvår {year}",
                f"{year} halvår",
                f"{year} H1 H2",
                f"{year} og {year + 1}",
                f"{year % 100:02} H1",
                f"{year}1",
                "H1",
                "neste år",
                year + 0.5,
                draw(st.sampled_from([1899, 2101, 15, -2012])),
            ]
        )
    )


@fuzz
@given(value=near_miss_periods())
def test_parse_period_refuses_what_only_looks_like_a_period(value):
    expected = (
        f"«{V.shown(value)}» er ikke en rapportperiode "
        "(for eksempel 2012 H1, 1. halvår 2012, 2012-2 eller 2015)"
    )
    assert expected == problem(V.parse_period, value)
