"""Public statistics by county and quarter (sickness absence, NAV and Statistics Norway):
how a period and a series' kind of period are named, the county number of the national
figure, and what value a series can hold. The series themselves are data
(``ia_data/domain/series/``, and what an admin loads); docs/statistikk.md says which
sources a deployment can load."""

from __future__ import annotations

import math
from pathlib import Path

from ia_data.domain.text import clean, fold

NATIONAL = "00"  # «Hele landet»: kept beside the counties as a reference line
NATIONAL_NAME = "Hele landet"

# The series that ship with the app: every CSV in this folder (the form docs/statistikk.md
# describes) is loaded into a new database.
SHIPPED_DIR = Path(__file__).with_name("series")


def quarter_label(year: int, quarter: int) -> str:
    """``2012, 1`` as ``1. kvartal 2012``."""
    return f"{quarter}. kvartal {year}"


def period_code(year: int, quarter: int) -> str:
    """``2012, 1`` as Statistics Norway writes it: ``2012K1``."""
    return f"{year}K{quarter}"


def period_kind(quarter: int | None) -> str:
    """What a series holds: one given quarter each year (NAV's 1st quarter), or quarters."""
    return "kvartal" if quarter is None else f"{quarter}. kvartal hvert år"


# What a series can hold (docs/statistikk.md, «Verdier en serie kan ha»). A share in per
# cent lies in 0–100. Any other measure (a count of people or working days, a change in
# percentage points) is a finite number no further from 0 than ``LARGEST``: far above any
# count of people or working days in Norway, and within what a float column holds to two
# decimals (15 digits) and what the pages' Decimal formatting (28 digits) can show. A value
# outside is refused when a file is checked, and left out, with a note, where an older
# release stored it.
LARGEST = 10**12
PERCENT_UNITS = frozenset({"prosent", "percent", "pst", "%"})
CHANGE_WORDS = ("endring", "prosentpoeng", "change", "percentagepoint")


def is_percent(unit: str, measure: str = "") -> bool:
    """Whether a series holds shares in per cent (0–100): its unit says so — or, without a
    unit, its measure (as the CSV readers infer the unit) — and its measure is not a change
    (a change in per cent or in percentage points may be negative, or over 100)."""
    named = fold(measure)
    if any(word in named for word in CHANGE_WORDS):
        return False
    if clean(unit):
        return fold(unit) in PERCENT_UNITS
    return "prosent" in named or "%" in measure


def value_problem(value: float, unit: str, measure: str = "") -> str:
    """Why a series of ``unit`` (and ``measure``) cannot hold ``value``, as the end of a
    Norwegian sentence that begins with the value («… er ikke en prosent mellom 0 og 100»);
    "" when it can."""
    if not math.isfinite(value):
        return "er ikke et endelig tall"
    if is_percent(unit, measure):
        return "" if 0 <= value <= 100 else "er ikke en prosent mellom 0 og 100"
    if abs(value) <= LARGEST:
        return ""
    bound = f"{LARGEST:,}".replace(",", " ")
    return f"er utenfor det en serie kan holde (mellom -{bound} og {bound})"


def value_text(value: float) -> str:
    """A value as a note names it, whatever its size: ``250``, ``-5,5``, ``1e+27``."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "uendelig" if value > 0 else "minus uendelig"
    return f"{value:.6g}".replace(".", ",")
