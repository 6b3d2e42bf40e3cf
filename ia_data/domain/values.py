"""Parsers for the values a secretariat types into a workbook cell.

Each parser takes a cell value as python-calamine gives it (``str``, ``float``, ``int``,
``bool``, ``date``, ``datetime``, …) and returns the normalised value, or raises
``ValueProblem`` with the Norwegian message that ends up after the ``:`` in the importer's
report line. Nothing else is ever raised: the fuzz tests hold them to that.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from ia_data.domain.kinds import ActivityStatus
from ia_data.domain.limits import MAX_NUMBER
from ia_data.domain.text import clean, fold

EXCEL_EPOCH = date(1899, 12, 30)
ACTIVITY_TYPES = (
    "Konferanse",
    "Seminar",
    "Kurs",
    "Nettverk",
    "Erfaringssamling",
    "Dialogmøte",
    "Informasjon",
    "Prosjekt",
    "Annet",
)
STATUSES = tuple(ActivityStatus)


class ValueProblem(ValueError):
    """A cell value that does not fit its column; the message says what and why."""


def shown(value: object) -> str:
    """A cell value as a user would recognise it in a message: on one line (a cell's line
    breaks become spaces), and cut at 60 characters."""
    if isinstance(value, bool):
        return "SANN" if value else "USANN"
    if isinstance(value, datetime):
        return (
            value.strftime("%d.%m.%Y %H:%M")
            if value.time() != time()
            else value.strftime("%d.%m.%Y")
        )
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, float):
        text = str(value).replace(".", ",")
    else:
        text = " ".join(line.strip() for line in clean(value).splitlines() if line.strip())
    return text if len(text) <= 60 else text[:57] + "…"


def is_empty(value: object) -> bool:
    # str.strip() also strips non-breaking spaces, so this agrees with clean(). (Called for
    # every cell: the exact type test is cheaper than isinstance, and str is final enough.)
    return value is None or (type(value) is str and not value.strip())


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return float(value)
        except OverflowError:  # an int beyond any float
            return math.inf if value > 0 else -math.inf
    return None


# --- text ------------------------------------------------------------------------------


def parse_text(value: object, limit: int) -> str:
    """Free text, trimmed (a number or date cell as it shows); a text longer than
    ``limit`` characters is refused with the limit named (docs/arbeidsboka.md)."""
    if type(value) is str:  # (the common case first: this runs for most cells of a file)
        text = value.strip()
        if "\u00a0" in text or "\u202f" in text:
            text = clean(text)
    elif value is None:
        return ""
    else:
        text = shown(value)
    if len(text) > limit:
        raise ValueProblem(
            f"teksten er {len(text):,} tegn lang; grensen er {limit:,} tegn".replace(",", " ")
        )
    return text


# --- dates -----------------------------------------------------------------------------

_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
DATE_FORMS = "en dato som 31.12.2012, 31.12.12, 1.3.2012, 2012-12-31 eller 31/12/2012"


def parse_date(value: object) -> date:
    """A date from a date cell, an Excel serial number, or text in the accepted forms."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    number = _number(value)
    if number is not None:
        if not math.isfinite(number) or not number.is_integer() or not 1 <= number <= 2958465:
            raise ValueProblem(f"«{shown(value)}» er ikke en dato (forventet {DATE_FORMS})")
        return EXCEL_EPOCH + timedelta(days=int(number))
    text = clean(value)
    day = month = year = None
    if m := _DOTTED.fullmatch(text):
        day, month, year = int(m[1]), int(m[2]), m[3]
        year = int(year) + 2000 if len(year) == 2 else int(year)
    elif m := _ISO.fullmatch(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := _SLASHED.fullmatch(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    if year is None:
        raise ValueProblem(f"«{shown(value)}» er ikke en dato (forventet {DATE_FORMS})")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueProblem(
            f"«{shown(value)}» er ikke en gyldig dato: den dagen finnes ikke"
        ) from None


# --- amounts and whole numbers ---------------------------------------------------------

_CURRENCY_BEFORE = re.compile(r"^(?:kr\.?|nok)\s*", re.IGNORECASE)
_CURRENCY_AFTER = re.compile(r"\s*(?:kr\.?|nok)$", re.IGNORECASE)
# At most 18 digits before the decimal mark: int() of a cell of 5 000 digits would raise.
_AMOUNT = re.compile(r"(?P<int>\d{1,3}(?:[ .]\d{3}){1,5}|\d{1,18})(?:(?P<mark>[,.])(?P<frac>\d+))?")
AMOUNT_FORMS = "et beløp i kroner, for eksempel 12 500, 12 500 kr, kr 12.500 eller 12500,50"
_TOO_LARGE_AMOUNT = "er for stort; et beløp kan være høyst 1 000 000 000 kr"
_TOO_LARGE_NUMBER = "er for stort; forventet et helt tall på høyst 1 000 000 000"


def _decimal_text(text: str) -> tuple[int, str] | None:
    """Split accepted number text into whole part and fraction digits, or None."""
    text = re.sub(r"[\u00a0\u202f\u2009]", " ", text).strip()
    text = _CURRENCY_BEFORE.sub("", text)
    text = _CURRENCY_AFTER.sub("", text)
    text = re.sub(r",-+$", "", text).strip()
    m = _AMOUNT.fullmatch(text)
    if not m:
        return None
    whole, mark, frac = m["int"], m["mark"], m["frac"] or ""
    whole = re.sub(r"[ .]", "", whole)
    if (
        mark == "." and len(frac) == 3
    ):  # docs/arbeidsboka.md: «.» before exactly three digits groups
        return int(whole + frac), ""
    return int(whole), frac


def _looks_negative(text: str) -> bool:
    stripped = _CURRENCY_BEFORE.sub("", clean(text).replace("\u2212", "-"))
    return stripped.startswith("-") and _decimal_text(stripped[1:]) is not None


def parse_amount_ore(value: object) -> int:
    """An amount in NOK ≥ 0 as whole øre (exact, rounded half up to the øre)."""
    number = _number(value)
    if number is not None:
        if not math.isfinite(number):
            raise ValueProblem(f"«{shown(value)}» er ikke et beløp (forventet {AMOUNT_FORMS})")
        if number < 0:
            raise ValueProblem(f"«{shown(value)}» er negativt; et beløp må være 0 eller mer")
        if number > MAX_NUMBER:
            raise ValueProblem(f"«{shown(value)}» {_TOO_LARGE_AMOUNT}")
        if number.is_integer():  # whole kroner, as most costs are: exact without Decimal
            return int(number) * 100
        # Kroner and øre (12 500,50): the nearest whole øre, unless the amount lies within a
        # thousandth of an øre of a half (where the float's error, under 10⁻⁴ øre up to the
        # largest amount, could tip it): then exactly, half up, as the number is written.
        ore = number * 100
        nearest = round(ore)
        if abs(ore - nearest) < 0.499:
            return int(nearest)
        return int((Decimal(repr(number)) * 100).quantize(Decimal(1), ROUND_HALF_UP))
    text = clean(value)
    if _looks_negative(text):
        raise ValueProblem(f"«{shown(value)}» er negativt; et beløp må være 0 eller mer")
    parts = _decimal_text(text)
    if parts is None:
        raise ValueProblem(f"«{shown(value)}» er ikke et beløp (forventet {AMOUNT_FORMS})")
    whole, frac = parts
    frac_ore = int((frac + "000")[:3])  # thousandths of a krone, then round to øre
    ore = whole * 100 + (frac_ore + 5) // 10
    if ore > MAX_NUMBER * 100:
        raise ValueProblem(f"«{shown(value)}» {_TOO_LARGE_AMOUNT}")
    return ore


def parse_whole_number(value: object) -> int:
    """A whole number ≥ 0 (participants)."""
    number = _number(value)
    if number is not None:
        if not math.isfinite(number) or not number.is_integer():
            raise ValueProblem(f"«{shown(value)}» er ikke et helt tall")
        if number < 0:
            raise ValueProblem(f"«{shown(value)}» er negativt; forventet et helt tall, 0 eller mer")
        if number > MAX_NUMBER:
            raise ValueProblem(f"«{shown(value)}» {_TOO_LARGE_NUMBER}")
        return int(number)
    text = clean(value)
    if _looks_negative(text):
        raise ValueProblem(f"«{shown(value)}» er negativt; forventet et helt tall, 0 eller mer")
    parts = _decimal_text(
        text
    )  # «30 kr» too: docs/arbeidsboka.md gives whole numbers the amounts' forms
    if parts is None or parts[1].strip("0"):
        raise ValueProblem(f"«{shown(value)}» er ikke et helt tall")
    if parts[0] > MAX_NUMBER:
        raise ValueProblem(f"«{shown(value)}» {_TOO_LARGE_NUMBER}")
    return parts[0]


# --- sub-goals -------------------------------------------------------------------------

_GOAL_WORDS = (
    ("nedsatt funksjonsevne", " 2 "),
    ("funksjonsevne", " 2 "),
    ("eldre arbeidstakere", " 3 "),
    ("seniorpolitikk", " 3 "),
    ("seniorer", " 3 "),
    ("senior", " 3 "),
    ("sykefravær", " 1 "),
    ("sykefravaer", " 1 "),
    ("alle tre", " 1 2 3 "),
    ("alle", " 1 2 3 "),
)
_GOAL_FILLERS = {"ia", "delmål", "delmal", "dm", "og", "ia-delmål", "ia-delmal", "-"}
_GOAL_TOKEN = re.compile(r"\d+|[^\d\s,/+&;.]+")
GOALS_EXPECTED = "gyldige verdier: 1, 2, 3"


@lru_cache(maxsize=4096, typed=True)
def parse_goals(value: object) -> frozenset[int]:
    """The sub-goals (delmål) an activity serves: one or more of 1, 2, 3."""
    number = _number(value)
    if number is not None:
        if number in (1.0, 2.0, 3.0):
            return frozenset({int(number)})
        raise ValueProblem(f"«{shown(value)}» er ikke et delmål ({GOALS_EXPECTED})")
    text = clean(value).lower()
    if not text:
        raise ValueProblem(f"delmål mangler ({GOALS_EXPECTED})")
    for word, digits in _GOAL_WORDS:
        text = re.sub(rf"(?<![a-zæøå]){word}(?![a-zæøå])", digits, text)

    def expand(m: re.Match) -> str:
        low, high = int(m[1]), int(m[2])
        if not 1 <= low < high <= 3:
            raise ValueProblem(f"«{shown(value)}» er ikke et delmål ({GOALS_EXPECTED})")
        return " " + " ".join(str(k) for k in range(low, high + 1)) + " "

    text = re.sub(r"(?<!\d)(\d{1,9})\s*[-–]\s*(\d{1,9})(?!\d)", expand, text)
    goals = set()
    for token in _GOAL_TOKEN.findall(text):
        if token.isdigit() and token in ("1", "2", "3"):
            goals.add(int(token))
        elif token not in _GOAL_FILLERS:
            raise ValueProblem(f"«{shown(value)}» er ikke et delmål ({GOALS_EXPECTED})")
    if not goals:
        raise ValueProblem(f"«{shown(value)}» er ikke et delmål ({GOALS_EXPECTED})")
    return frozenset(goals)


# --- periods ---------------------------------------------------------------------------

_H1 = {"h1", "1", "1halvar", "forstehalvar", "halvar1"}
_H2 = {"h2", "2", "2halvar", "andrehalvar", "halvar2"}
_YEAR = {"", "ar", "helar"}
PERIOD_FORMS = "for eksempel 2012 H1, 1. halvår 2012, 2012-2 eller 2015"


def parse_period(value: object) -> tuple[int, str]:
    """A reporting period as (year, code), code ``H1``, ``H2`` or ``År``.

    Whether the year has that period is for the rules to say.
    """
    number = _number(value)
    if number is not None:
        if number.is_integer() and 1900 <= number <= 2100:
            return int(number), "År"
        raise ValueProblem(f"«{shown(value)}» er ikke en rapportperiode ({PERIOD_FORMS})")
    text = clean(value)
    years = re.findall(r"(?<!\d)(\d{4})(?!\d)", text)
    if len(years) != 1:
        raise ValueProblem(f"«{shown(value)}» er ikke en rapportperiode ({PERIOD_FORMS})")
    rest = text.replace(years[0], " ", 1)
    key = fold(re.sub(r"[.\-/,]", " ", rest))
    year = int(years[0])
    if key in _H1:
        return year, "H1"
    if key in _H2:
        return year, "H2"
    if key in _YEAR:
        return year, "År"
    raise ValueProblem(f"«{shown(value)}» er ikke en rapportperiode ({PERIOD_FORMS})")


# --- statuses, types, yes/no -----------------------------------------------------------

_STATUS_WORDS = {
    "planlagt": "Planlagt",
    "planned": "Planlagt",
    "pagar": "Pågår",
    "ongoing": "Pågår",
    "gjennomfort": "Gjennomført",
    "done": "Gjennomført",
    "completed": "Gjennomført",
    "avlyst": "Avlyst",
    "cancelled": "Avlyst",
    "canceled": "Avlyst",
}


@lru_cache(maxsize=1024, typed=True)
def parse_status(value: object) -> str:
    """An activity's status; empty means ``Gjennomført``."""
    if is_empty(value):
        return ActivityStatus.DONE
    status = _STATUS_WORDS.get(fold(value))
    if status is None:
        raise ValueProblem(
            f"«{shown(value)}» er ikke en status (gyldige verdier: {', '.join(STATUSES)})"
        )
    return status


@lru_cache(maxsize=4096, typed=True)
def parse_activity_type(value: object) -> tuple[str, bool]:
    """An activity type as (type, known). Unknown text is kept as ``Annet`` (known=False),
    which the importer reports as a warning that names it."""
    key = fold(value)
    if not key:
        raise ValueProblem(f"aktivitetstype mangler (gyldige verdier: {', '.join(ACTIVITY_TYPES)})")
    for name in ACTIVITY_TYPES:
        if key == fold(name):
            return name, True
    rules = (
        (lambda k: k.startswith("dialog"), "Dialogmøte"),
        (lambda k: k.startswith("erfaringssamling"), "Erfaringssamling"),
        (lambda k: k.endswith(("konferanse", "konferanser")), "Konferanse"),
        (lambda k: k.endswith(("nettverk", "nettverket")), "Nettverk"),
        (lambda k: k.startswith("informasjon") or k.startswith("mediearbeid"), "Informasjon"),
        (lambda k: k.endswith(("seminar", "seminarer", "samling", "samlinger")), "Seminar"),
        (lambda k: k.endswith(("kurs", "kursing")), "Kurs"),
        (lambda k: k.endswith(("prosjekt", "prosjekter")), "Prosjekt"),
    )
    for test, name in rules:
        if test(key):
            return name, True
    return "Annet", False


_YES = {"ja", "yes", "j", "y", "x"}
_NO = {"nei", "no", "n"}


def parse_action_plan(value: object) -> tuple[bool, date | None]:
    """Whether the council has an action plan: a date (adopted then) or ja/nei/yes/no."""
    if isinstance(value, bool):
        return value, None
    key = fold(value)
    if key in _YES:
        return True, None
    if key in _NO:
        return False, None
    try:
        return True, parse_date(value)
    except ValueProblem:
        raise ValueProblem(
            f"«{shown(value)}» er verken en dato eller ja/nei (forventet en dato, ja eller nei)"
        ) from None
