"""What the three statistics forms share: the checked series, the error, and the checks of a
county, a quarter and a value, with their messages."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ia_data.domain.errors import UserError
from ia_data.domain.stats import NATIONAL, period_kind, value_problem
from ia_data.domain.text import clean, fold

MISSING = frozenset({"", ".", "..", "...", ":"})
SHOWN_PROBLEMS = 20  # a message names this many, and counts the rest

_QUARTER = re.compile(r"^([0-9]{4})\s*[KkQq]\s*([1-4])$")
_REGION = re.compile(r"^(?:[A-Za-z]{1,3}-)?([0-9]{1,2})$")
_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)$")


@dataclass(frozen=True)
class Observation:
    county: str  # two digits; "00" is the national figure
    year: int
    quarter: int
    value: float | None  # None: missing in the file (never 0)


@dataclass
class ParsedSeries:
    """A checked series: what it measures and where it comes from, and its values."""

    key: str
    name: str
    source: str
    measure: str
    unit: str
    form: str
    quarter: int | None  # the one quarter each year it holds (NAV's 1st), else None
    observations: list[Observation] = field(default_factory=list)

    @property
    def period_kind(self) -> str:
        return period_kind(self.quarter)

    @property
    def periods(self) -> list[tuple[int, int]]:
        return sorted({(o.year, o.quarter) for o in self.observations})


class StatsFileError(UserError):
    """A file that is not loaded; ``problems`` says why, one line each, in Norwegian."""

    def __init__(self, file_name: str, problems: list[str]):
        self.file_name = file_name
        self.problems = problems
        shown = problems[:SHOWN_PROBLEMS]
        more = len(problems) - len(shown)
        text = "; ".join(shown) + (f"; og {more} feil til" if more > 0 else "")
        super().__init__(f"{file_name}: ikke lastet – {text}; ingenting er lagret")


def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte order mark); else Windows-1252, as older Norwegian
    Excel saves a CSV."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def slug(text: str) -> str:
    """A series' key from a name: ``nav_legemeldt Q1`` → ``nav-legemeldt-q1``."""
    words = (re.sub(r"[^a-z0-9]", "", fold(w)) for w in re.split(r"[\s_\-.,:;/]+", text))
    return "-".join(w for w in words if w) or "serie"


def quarter_of(text: str) -> tuple[int, int] | None:
    """``2014K2`` (or ``2014Q2``) as (2014, 2); anything else is None."""
    match = _QUARTER.match(clean(text))
    return (int(match[1]), int(match[2])) if match else None


def county_of(text: str) -> str | None:
    """A region as a two-digit county number: ``01``, ``1``, ``F-01``, ``"01 Østfold"``,
    ``0``/``00`` (the whole country → ``00``); None for anything else (a municipality)."""
    first = clean(text).split(" ", 1)[0] if clean(text) else ""
    match = _REGION.match(first)
    return match[1].zfill(2) if match else None


def value_of(text: object) -> tuple[bool, float | None]:
    """(is it read, the number): a number with a decimal comma or point, or missing
    (blank or one of Statistics Norway's symbols) as None."""
    if text is None:
        return True, None
    if isinstance(text, bool):
        return False, None
    if isinstance(text, int | float):
        try:
            number = float(text)
        except OverflowError:  # an integer of hundreds of digits
            return False, None
        return (True, number) if math.isfinite(number) else (False, None)
    raw = clean(text)
    if raw in MISSING:
        return True, None
    if not _NUMBER.match(raw):
        return False, None
    number = float(raw.replace(",", "."))
    return (True, number) if math.isfinite(number) else (False, None)


def one_quarter(observations: list[Observation]) -> int | None:
    quarters = {o.quarter for o in observations}
    return quarters.pop() if len(quarters) == 1 else None


def period_problem(where: str, text: str) -> str:
    return (
        f"{where}: perioden «{clean(text)}» er ikke et kvartal (skrives ÅÅÅÅKn, for "
        "eksempel 2014K2)"
    )


def county_named(county: str) -> str:
    return "hele landet (00)" if county == NATIONAL else f"fylke {county}"


def period_twice(where: str, head: str, first: str) -> str:
    """A period written twice, or in two spellings of one quarter (``2014K1``, ``2014Q1``)."""
    again = "to ganger" if head == first else f"også som «{first}»"
    return f"{where}: perioden «{head}» står {again}"


def county_problem(where: str, text: str) -> str:
    return f"{where}: fylke «{clean(text)}» finnes ikke i registeret"


def _value_problem(where: str, text: object, county: str, period: str) -> str:
    return f"{where}: verdien «{clean(text)}» (fylke {county}, {period}) er ikke et tall"


def unit_of(measure: str) -> str:
    """The unit StatBank's CSV implies by its measure's name (it names no unit)."""
    return "prosent" if "%" in measure or "prosent" in measure.lower() else ""


def checked_value(
    where: str, raw: object, county: str, period: str, unit: str, measure: str
) -> tuple[float | None, str]:
    """A cell's value, or why it is refused ("" when it is not): not a number, or a number
    the series' measure cannot have — a share outside 0–100, a value beyond what a page can
    hold (``domain.stats.value_problem``)."""
    ok, value = value_of(raw)
    if not ok:
        return None, _value_problem(where, raw, county, period)
    reason = "" if value is None else value_problem(value, unit, measure)
    if reason:
        return None, f"{where}: verdien «{clean(raw)}» (fylke {county}, {period}) {reason}"
    return value, ""


def two_measures(where: str, measures: Iterable[str]) -> str:
    names = sorted(set(measures))
    return (
        f"{where}: filen har {len(names)} ulike mål ("
        + ", ".join(f"«{n}»" for n in names)
        + "); en serie har ett mål – hent eller lagre dem som hver sin fil"
    )
