"""Norwegian number and date formatting for what a person reads (pages, messages),
through Babel. Exports write real numbers and dates instead."""

from __future__ import annotations

from datetime import date, datetime
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


def kroner(ore: int | None, unit: bool = True, ore_always: bool = False) -> str:
    """``1250050`` øre as ``12 500,50 kr`` (no decimals for whole kroner, unless
    ``ore_always``: a column where some amount has øre shows them on every amount)."""
    if ore is None:
        return ""
    pattern = "#,##0" if ore % 100 == 0 and not ore_always else "#,##0.00"
    text = format_decimal(ore / 100, format=pattern, locale=LOCALE)
    return f"{text} kr" if unit else text


def number(value: int | float | None, decimals: int = 0) -> str:
    if value is None:
        return ""
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
    return format_date(value, "dd.MM.yyyy", locale=LOCALE)


def long_day(value: date) -> str:
    """A date as ``1. september 2012``."""
    return format_date(value, "d. MMMM yyyy", locale=LOCALE)


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("Ja" if value else "Nei")
