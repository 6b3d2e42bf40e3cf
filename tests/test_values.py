"""Cell value parsers: every form WORKBOOK.md accepts, and every form it rejects, with the
message a secretariat reads after the «kolonne …:» part of the line."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as hs

from ia_data.domain import formatting as fmt
from ia_data.domain import values as V

DATE_EXPECTED = (
    "(forventet en dato som 31.12.2012, 31.12.12, 1.3.2012, 2012-12-31 eller 31/12/2012)"
)
AMOUNT_EXPECTED = (
    "(forventet et beløp i kroner, for eksempel 12 500, 12 500 kr, kr 12.500 eller 12500,50)"
)
GOALS_EXPECTED = "(gyldige verdier: 1, 2, 3)"


# --- dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expected,value",
    [
        (date(2012, 12, 31), date(2012, 12, 31)),
        (date(2012, 12, 31), datetime(2012, 12, 31, 14, 30)),
        # An Excel serial number: a number cell in a date column.
        (date(2012, 3, 1), 40969),
        (date(2012, 3, 1), 40969.0),
        (date(2012, 12, 31), 41274),
        (date(2012, 12, 31), "31.12.2012"),
        (date(2012, 12, 31), "31.12.12"),
        (date(2012, 3, 1), "1.3.2012"),
        (date(2012, 3, 1), "01.03.2012"),
        (date(2012, 12, 31), "2012-12-31"),
        (date(2012, 3, 1), "2012-3-1"),
        (date(2012, 12, 31), "31/12/2012"),
        (date(2012, 12, 31), "  31.12.2012\u00a0"),
        # Two-digit years mean 20xx.
        (date(2009, 6, 5), "5.6.09"),
        (date(2029, 6, 5), "5.6.29"),
        (date(2012, 2, 29), "29.02.2012"),
    ],
)
def test_parse_date_accepts(expected, value):
    assert expected == V.parse_date(value)


@pytest.mark.parametrize(
    "expected,value",
    [
        ("«31.02.2012» er ikke en gyldig dato: den dagen finnes ikke", "31.02.2012"),
        ("«29.02.2013» er ikke en gyldig dato: den dagen finnes ikke", "29.02.2013"),
        ("«2012-13-01» er ikke en gyldig dato: den dagen finnes ikke", "2012-13-01"),
        (f"«neste uke» er ikke en dato {DATE_EXPECTED}", "neste uke"),
        (f"«31.12» er ikke en dato {DATE_EXPECTED}", "31.12"),
        (f"«31-12-2012» er ikke en dato {DATE_EXPECTED}", "31-12-2012"),
        (f"«uke 12 2012» er ikke en dato {DATE_EXPECTED}", "uke 12 2012"),
        (f"«40969,5» er ikke en dato {DATE_EXPECTED}", 40969.5),
        (f"«-1» er ikke en dato {DATE_EXPECTED}", -1),
        (f"«0» er ikke en dato {DATE_EXPECTED}", 0),
        (f"«SANN» er ikke en dato {DATE_EXPECTED}", True),
    ],
)
def test_parse_date_rejects(expected, value):
    with pytest.raises(V.ValueProblem) as exc:
        V.parse_date(value)
    assert expected == str(exc.value)


# --- amounts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expected_ore,value",
    [
        (1_250_000, 12500),
        (1_250_000, 12500.0),
        (1_250_050, 12500.5),
        (1_250_000, "12500"),
        (1_250_000, "12 500"),
        (1_250_000, "12\u00a0500"),
        (1_250_000, "12\u202f500"),
        (1_250_000, "12 500 kr"),
        (1_250_000, "12 500kr"),
        (1_250_000, "kr 12.500"),
        (1_250_000, "Kr. 12 500"),
        (1_250_000, "12.500"),
        (1_250_050, "12500,50"),
        (1_250_050, "12 500,50 kr"),
        (1_250_050, "12.500,50"),
        (100_000_000, "NOK 1 000 000"),
        (100_000_000, "1 000 000 NOK"),
        (100_000_000, "1.000.000"),
        (1_250_000, "12 500,-"),
        (1_250_000, "kr 12 500,-"),
        # A "." before exactly three digits groups thousands, also after four digits.
        (123_456_700, "1234.567"),
        # A "." not followed by exactly three digits is a decimal mark.
        (1_250, "12.5"),
        (1_250, "12.50"),
        (1_250, "12,5"),
        (0, "0"),
        (0, 0),
        # Rounded half up to the øre.
        (1_001, "10,005"),
    ],
)
def test_parse_amount_accepts(expected_ore, value):
    assert expected_ore == V.parse_amount_ore(value)


@pytest.mark.parametrize(
    "expected,value",
    [
        ("«-500» er negativt; et beløp må være 0 eller mer", -500),
        ("«-500» er negativt; et beløp må være 0 eller mer", "-500"),
        ("«-12 500 kr» er negativt; et beløp må være 0 eller mer", "-12 500 kr"),
        ("«kr -500» er negativt; et beløp må være 0 eller mer", "kr -500"),
        ("«−500» er negativt; et beløp må være 0 eller mer", "\u2212500"),
        (f"«mange» er ikke et beløp {AMOUNT_EXPECTED}", "mange"),
        (f"«ca. 30» er ikke et beløp {AMOUNT_EXPECTED}", "ca. 30"),
        (f"«12 500 kr totalt» er ikke et beløp {AMOUNT_EXPECTED}", "12 500 kr totalt"),
        (f"«12,500,00» er ikke et beløp {AMOUNT_EXPECTED}", "12,500,00"),
        (f"«SANN» er ikke et beløp {AMOUNT_EXPECTED}", True),
    ],
)
def test_parse_amount_rejects(expected, value):
    with pytest.raises(V.ValueProblem) as exc:
        V.parse_amount_ore(value)
    assert expected == str(exc.value)


@pytest.mark.parametrize(
    "expected,value",
    [
        (30, 30),
        (30, 30.0),
        (30, "30"),
        (1200, "1 200"),
        (1200, "1.200"),
        (0, "0"),
        (30, " 30 "),
        (30, "30 kr"),
    ],
)
def test_parse_whole_number_accepts(expected, value):
    assert expected == V.parse_whole_number(value)


@pytest.mark.parametrize(
    "expected,value",
    [
        ("«mange» er ikke et helt tall", "mange"),
        ("«ca. 30» er ikke et helt tall", "ca. 30"),
        ("«30,5» er ikke et helt tall", 30.5),
        ("«4,5» er ikke et helt tall", "4,5"),
        ("«-3» er negativt; forventet et helt tall, 0 eller mer", -3),
        ("«-3» er negativt; forventet et helt tall, 0 eller mer", "-3"),
    ],
)
def test_parse_whole_number_rejects(expected, value):
    with pytest.raises(V.ValueProblem) as exc:
        V.parse_whole_number(value)
    assert expected == str(exc.value)


# --- sub-goals -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expected,value",
    [
        ({1}, 1),
        ({2}, 2.0),
        ({3}, 3),
        ({1}, "1"),
        ({1}, "DM1"),
        ({2}, "Delmål 2"),
        ({2}, "delmal 2"),
        ({2}, "IA-delmål 2"),
        ({1, 3}, "delmål 1 og 3"),
        ({1, 2}, "1, 2"),
        ({1, 2}, "1,2"),
        ({1, 3}, "1/3"),
        ({1, 2}, "1 + 2"),
        ({1, 2}, "1 & 2"),
        ({1, 2, 3}, "1-3"),
        ({1, 2, 3}, "1 – 3"),
        ({2, 3}, "2-3"),
        ({1, 2, 3}, "1, 2, 3"),
        ({1, 2, 3}, "alle"),
        ({1, 2, 3}, "Alle tre"),
        ({1}, "sykefravær"),
        ({1}, "Sykefravær"),
        ({2}, "nedsatt funksjonsevne"),
        ({2}, "funksjonsevne"),
        ({3}, "senior"),
        ({3}, "seniorer"),
        ({3}, "Seniorpolitikk"),
        ({3}, "eldre arbeidstakere"),
        ({1, 3}, "sykefravær og seniorer"),
        ({1, 2}, "DM1, DM2"),
    ],
)
def test_parse_goals_accepts(expected, value):
    assert frozenset(expected) == V.parse_goals(value)


@pytest.mark.parametrize(
    "expected,value",
    [
        (f"«4» er ikke et delmål {GOALS_EXPECTED}", "4"),
        (f"«4» er ikke et delmål {GOALS_EXPECTED}", 4),
        (f"«0» er ikke et delmål {GOALS_EXPECTED}", 0),
        (f"«1,5» er ikke et delmål {GOALS_EXPECTED}", 1.5),
        (f"«delmål 5» er ikke et delmål {GOALS_EXPECTED}", "delmål 5"),
        (f"«diverse» er ikke et delmål {GOALS_EXPECTED}", "diverse"),
        (f"«1 og diverse» er ikke et delmål {GOALS_EXPECTED}", "1 og diverse"),
        (f"«1-4» er ikke et delmål {GOALS_EXPECTED}", "1-4"),
        (f"«3-1» er ikke et delmål {GOALS_EXPECTED}", "3-1"),
        (f"«12» er ikke et delmål {GOALS_EXPECTED}", "12"),
        (f"«delmål» er ikke et delmål {GOALS_EXPECTED}", "delmål"),
        (f"delmål mangler {GOALS_EXPECTED}", ""),
    ],
)
def test_parse_goals_rejects(expected, value):
    with pytest.raises(V.ValueProblem) as exc:
        V.parse_goals(value)
    assert expected == str(exc.value)


# --- periods ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expected,value",
    [
        ((2012, "H1"), "2012 H1"),
        ((2012, "H1"), "H1 2012"),
        ((2012, "H1"), "h1 2012"),
        ((2012, "H1"), "2012-H1"),
        ((2012, "H1"), "2012-1"),
        ((2012, "H1"), "1. halvår 2012"),
        ((2012, "H1"), "første halvår 2012"),
        ((2012, "H1"), "Første halvår 2012"),
        ((2012, "H1"), "2012 1. halvår"),
        ((2012, "H2"), "2012 H2"),
        ((2012, "H2"), "2012-2"),
        ((2012, "H2"), "2. halvår 2012"),
        ((2012, "H2"), "2012 2. halvår"),
        ((2012, "H2"), "andre halvår 2012"),
        ((2015, "År"), "2015"),
        ((2015, "År"), 2015),
        ((2015, "År"), 2015.0),
        ((2015, "År"), "2015 år"),
        ((2015, "År"), "2015 helår"),
        ((2015, "År"), "År 2015"),
        ((2015, "År"), "  2015  "),
    ],
)
def test_parse_period_accepts(expected, value):
    assert expected == V.parse_period(value)


PERIOD_EXPECTED = "(for eksempel 2012 H1, 1. halvår 2012, 2012-2 eller 2015)"


@pytest.mark.parametrize(
    "value", ["neste år", "2012 H3", "2012-3", "tredje halvår 2012", "2012 og 2013", "12 H1", 15]
)
def test_parse_period_rejects(value):
    with pytest.raises(V.ValueProblem) as exc:
        V.parse_period(value)
    assert f"«{V.shown(value)}» er ikke en rapportperiode {PERIOD_EXPECTED}" == str(exc.value)


# --- statuses, types, action plan ------------------------------------------------------


@pytest.mark.parametrize(
    "expected,value",
    [
        ("Gjennomført", ""),
        ("Gjennomført", None),
        ("Gjennomført", "   "),
        ("Planlagt", "Planlagt"),
        ("Planlagt", "planned"),
        ("Pågår", "pågår"),
        ("Pågår", "PÅGÅR"),
        ("Pågår", "ongoing"),
        ("Gjennomført", "Gjennomført"),
        ("Gjennomført", "gjennomfort"),
        ("Gjennomført", "done"),
        ("Gjennomført", "Completed"),
        ("Avlyst", "Avlyst"),
        ("Avlyst", "cancelled"),
    ],
)
def test_parse_status_accepts(expected, value):
    assert expected == V.parse_status(value)


def test_parse_status_rejects():
    with pytest.raises(V.ValueProblem) as exc:
        V.parse_status("kanskje")
    assert (
        str(exc.value)
        == "«kanskje» er ikke en status (gyldige verdier: Planlagt, Pågår, Gjennomført, Avlyst)"
    )


@pytest.mark.parametrize(
    "expected,value",
    [
        ("Konferanse", "Konferanse"),
        ("Konferanse", "konferanse"),
        ("Konferanse", "IA-konferanse"),
        ("Konferanse", "Seniorkonferanse"),
        ("Seminar", "Seminar"),
        ("Seminar", "Samling"),
        ("Kurs", "KURS"),
        ("Nettverk", "Nettverk"),
        ("Nettverk", "Bransjenettverk"),
        ("Erfaringssamling", "Erfaringssamling"),
        ("Dialogmøte", "Dialogmøte"),
        ("Dialogmøte", "dialogmote"),
        ("Dialogmøte", "Dialogkonferanse"),
        ("Informasjon", "Informasjon"),
        ("Informasjon", "Informasjonsmøte"),
        ("Informasjon", "Mediearbeid"),
        ("Prosjekt", "Prosjekt"),
        ("Annet", "Annet"),
        ("Annet", "annet"),
    ],
)
def test_parse_activity_type_known(expected, value):
    assert (expected, True) == V.parse_activity_type(value)


@pytest.mark.parametrize("value", ["Frokostmøte", "Lunsj", "Diverse"])
def test_parse_activity_type_unknown_is_annet(value):
    assert V.parse_activity_type(value) == ("Annet", False)


def test_parse_activity_type_empty_is_a_problem():
    with pytest.raises(V.ValueProblem) as exc:
        V.parse_activity_type("  ")
    assert str(exc.value).startswith("aktivitetstype mangler (gyldige verdier: Konferanse, ")


@pytest.mark.parametrize(
    "expected,value",
    [
        ((True, None), "ja"),
        ((True, None), "Ja"),
        ((True, None), "yes"),
        ((False, None), "nei"),
        ((False, None), "NO"),
        ((True, None), True),
        ((False, None), False),
        ((True, date(2012, 3, 15)), date(2012, 3, 15)),
        ((True, date(2012, 3, 15)), datetime(2012, 3, 15)),
        ((True, date(2012, 3, 15)), "15.03.2012"),
        ((True, date(2012, 3, 15)), 40983),
    ],
)
def test_parse_action_plan_accepts(expected, value):
    assert expected == V.parse_action_plan(value)


@pytest.mark.parametrize("value", ["kanskje", "31.02.2012"])
def test_parse_action_plan_rejects(value):
    with pytest.raises(V.ValueProblem) as exc:
        V.parse_action_plan(value)
    assert f"«{value}» er verken en dato eller ja/nei (forventet en dato, ja eller nei)" == str(
        exc.value
    )


# --- how a value is shown in a message --------------------------------------------------


@pytest.mark.parametrize(
    "expected,value",
    [
        ("4", 4.0),
        ("4,5", 4.5),
        ("SANN", True),
        ("01.03.2012", date(2012, 3, 1)),
        ("01.03.2012", datetime(2012, 3, 1)),
        ("01.03.2012 14:30", datetime(2012, 3, 1, 14, 30)),
        ("tekst", "  tekst\u00a0"),
        ("x" * 57 + "…", "x" * 80),
    ],
)
def test_shown(expected, value):
    assert expected == V.shown(value)


# --- Norwegian numbers and dates: the quick ways write what Babel writes ------------------


@given(
    ore=hs.one_of(hs.integers(-(10**16), 10**16), hs.integers(-(10**6), 10**6)),
    unit=hs.booleans(),
    ore_always=hs.booleans(),
)
def test_kroner_writes_what_babel_writes(ore, unit, ore_always):
    from babel.numbers import format_decimal

    pattern = "#,##0" if ore % 100 == 0 and not ore_always else "#,##0.00"
    expected = format_decimal(ore / 100, format=pattern, locale=fmt.LOCALE)
    assert (f"{expected} kr" if unit else expected) == fmt.kroner(ore, unit, ore_always)


@given(value=hs.integers(-(10**16), 10**16), decimals=hs.integers(0, 3))
def test_a_whole_number_is_written_as_babel_writes_it(value, decimals):
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    assert format_decimal(value, format=pattern, locale=fmt.LOCALE) == fmt.number(value, decimals)


@given(day=hs.dates())
def test_a_date_is_written_as_babel_writes_it(day):
    from babel.dates import format_date

    assert format_date(day, "dd.MM.yyyy", locale=fmt.LOCALE) == fmt.day(day)


def test_the_quick_ways_write_norwegian_numbers_and_dates():
    assert fmt.kroner(1_250_050) == "12\u00a0500,50 kr"
    assert (
        fmt.kroner(-50),
        fmt.kroner(100_000),
        fmt.kroner(700, unit=False, ore_always=True),
    ) == ("-0,50 kr", "1\u00a0000 kr", "7,00")
    assert (fmt.number(-1_234_567), fmt.number(5, 1)) == ("-1\u00a0234\u00a0567", "5,0")
    assert (fmt.day(date(2012, 9, 1)), fmt.day(date(5, 1, 2))) == ("01.09.2012", "02.01.0005")


@pytest.mark.parametrize(
    "expected,utc",
    [
        (date(2026, 12, 6), datetime(2026, 12, 6, 22, 59)),
        (date(2026, 12, 7), datetime(2026, 12, 6, 23, 0)),  # winter: Oslo is UTC+1
        (date(2026, 7, 1), datetime(2026, 6, 30, 22, 0)),  # summer: UTC+2
        (date(2026, 6, 30), datetime(2026, 6, 30, 21, 59)),
    ],
)
def test_today_is_the_day_in_norway_whatever_the_servers_clock_zone(monkeypatch, expected, utc):
    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return utc.replace(tzinfo=UTC).astimezone(tz)

    monkeypatch.setattr(fmt, "datetime", Clock)
    assert expected == fmt.today()
