"""Norwegian number and date formatting for what a person reads (pages, messages),
through Babel. Exports write real numbers and dates instead."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "nb_NO"
TIMEZONE = ZoneInfo("Europe/Oslo")


def local(moment: datetime) -> datetime:
    """A stored (UTC) moment as naive Norwegian local time, for people and spreadsheets."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(TIMEZONE).replace(tzinfo=None)


def today() -> date:
    """Today's date in Norway, whatever the server's clock zone: «today» on a page, in a
    message and in a default is the Norwegian day (from 23:00 or 22:00 UTC, tomorrow's)."""
    return local(datetime.now(UTC)).date()


# Babel's Norwegian numbers: «-», a no-break space between groups of three, a decimal
# comma, half to even. Whole numbers and amounts in øre are written here the same way in
# a fraction of the time (a page of 3 000 activities formats 9 000 cells); anything else
# goes through Babel (tests/test_values.py compares the two).
_GROUP = "\u00a0"
_EXACT = 10**15  # beyond this a float's text is no longer its digits


def _grouped(whole: int) -> str:
    return f"{whole:,}".replace(",", _GROUP)


def kroner(ore: int | None, unit: bool = True, ore_always: bool = False) -> str:
    """``1250050`` øre as ``12 500,50 kr`` (no decimals for whole kroner, unless
    ``ore_always``: a column where some amount has øre shows them on every amount)."""
    if ore is None:
        return ""
    if type(ore) is int and -_EXACT < ore < _EXACT:
        whole, cents = divmod(abs(ore), 100)
        text = ("-" if ore < 0 else "") + _grouped(whole)
        if cents or ore_always:
            text += f",{cents:02d}"
    else:
        pattern = "#,##0" if ore % 100 == 0 and not ore_always else "#,##0.00"
        text = format_decimal(ore / 100, format=pattern, locale=LOCALE)
    return f"{text} kr" if unit else text


def number(value: int | float | None, decimals: int = 0) -> str:
    if value is None:
        return ""
    if type(value) is int and -_EXACT < value < _EXACT:
        return _grouped(value) + ("," + "0" * decimals if decimals else "")
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


def percent(share: float | None, decimals: int = 1) -> str:
    """``0.875`` as ``87,5 %``."""
    if share is None:
        return ""
    return f"{number(share * 100, decimals)} %"


def day(value: date | datetime | None) -> str:
    """A date as ``01.09.2012``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value)
        return format_date(value.date(), "dd.MM.yyyy", locale=LOCALE) + value.strftime(" %H:%M")
    return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"  # as Babel's «dd.MM.yyyy»


def long_day(value: date) -> str:
    """A date as ``1. september 2012``."""
    return format_date(value, "d. MMMM yyyy", locale=LOCALE)


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("Ja" if value else "Nei")
