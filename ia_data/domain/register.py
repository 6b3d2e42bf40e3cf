"""The council register as data: its file (counties, councils, which counties each covers,
the years they exist, the secretariat), a council as the app knows it (``CouncilInfo``),
and the matching of what a secretariat writes (``Troms``, ``19``, ``IA-rådet i Troms``)
to a council."""

from __future__ import annotations

import errno
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from ia_data.domain.errors import UserError
from ia_data.domain.limits import SHORT_TEXT
from ia_data.domain.text import fold

DEFAULT_REGISTER_FILE = Path(__file__).with_name("register.toml")


@dataclass
class CouncilInfo:
    id: int
    name: str
    secretariat: str
    from_year: int | None
    to_year: int | None
    counties: list[tuple[str, str]] = field(default_factory=list)  # (number, name)
    aliases: list[str] = field(default_factory=list)

    def exists_in(self, year: int) -> bool:
        return (self.from_year is None or self.from_year <= year) and (
            self.to_year is None or year <= self.to_year
        )

    @property
    def short_name(self) -> str:
        """«IA-rådet i Troms» as «Troms» (where a column or a chart says «IA-råd» already)."""
        return self.name.removeprefix("IA-rådet i ")

    @property
    def county_names(self) -> str:
        return ", ".join(name for _, name in self.counties)


# --- the register file, checked --------------------------------------------------------------

COUNTY_FIELDS = ("number", "name", "from_year", "to_year")
COUNCIL_FIELDS = ("name", "counties", "from_year", "to_year", "secretariat", "aliases")
# The years a register may name: those a workbook's year may be (``values.py``); every
# column for a year holds them on both engines (PostgreSQL's are 32-bit).
FIRST_YEAR, LAST_YEAR = 1900, 2100
MAX_PROBLEMS = 20  # named in a refusal; the rest are counted
_NUMBER = re.compile(r"0[1-9]|[1-9][0-9]")  # a county number: two ASCII digits, not 00
_NUMBER_FORM = 'et fylkesnummer er to sifre i anførselstegn, som "09"'
_OS_REASONS = {
    errno.ENOENT: "filen finnes ikke",
    errno.EACCES: "mangler lesetilgang",
    errno.EPERM: "mangler lesetilgang",
    errno.EISDIR: "det er en mappe",
}
_TOML_PLACE = re.compile(r"\s*\(at line (\d+), column (\d+)\)|\s*\(at end of document\)")


class RegisterError(UserError):
    """A register that cannot be taken into use; the message says why, in Norwegian."""


def years_text(first: int | None, last: int | None) -> str:
    """A span of years as the register's messages say it: «alle år», «2016–…», «…–2015»."""
    if first is None and last is None:
        return "alle år"
    if first == last:
        return str(first)
    return f"{first or '…'}–{last or '…'}"


def read_register_file(path: str | Path) -> dict:
    """A register file, checked (``parse_register``); a file that cannot be read is a
    ``RegisterError`` too."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise RegisterError(f"Registeret {path} kan ikke leses: ikke UTF-8") from None
    except OSError as exc:
        reason = _OS_REASONS.get(exc.errno) or exc.strerror or type(exc).__name__
        raise RegisterError(f"Registeret {path} kan ikke leses: {reason}") from None
    return parse_register(text, str(path))


def parse_register(text: str, path: str = "registeret") -> dict:
    """A register file's text, checked so that what passes means one thing and loads on
    both engines: every county once, numbered with two digits; every council once (names
    compared as the app compares them) with at least one county of the register; a county
    in at most one council in any year; no two councils of the same years that a workbook
    could not tell apart (``council_keys``); years as whole numbers; texts without control
    characters; lists as lists; no unknown fields. Raises ``RegisterError`` naming every
    entry that fails, in Norwegian; returns the data with every field of an entry filled."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: no database stores it
        raise RegisterError(f"Registeret {path} kan ikke leses: ikke gyldig UTF-8") from None
    data = _toml(text, path)
    if not (isinstance(data.get("county"), list) and data["county"]) or not (
        isinstance(data.get("council"), list) and data["council"]
    ):
        raise RegisterError(
            f"Registeret {path} mangler fylkene ([[county]]) eller rådene ([[council]])"
        )
    problems: list[str] = []
    counties = _counties(data["county"], problems)
    councils, sound = _councils(data["council"], counties, problems)
    problems += _same_names(councils) + _shared_counties(sound, counties)
    problems += _mistakable(sound, counties)
    if problems:
        more = len(problems) - MAX_PROBLEMS
        raise RegisterError(
            f"Registeret {path} kan ikke tas i bruk: "
            + "; ".join(problems[:MAX_PROBLEMS])
            + (f"; og {more} feil til" if more > 0 else "")
        )
    return {**data, "county": list(counties.values()), "council": councils}


def _toml(text: str, path: str) -> dict:
    """The text as TOML, or why not, with the line and column tomllib names."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        place = _TOML_PLACE.search(str(exc))
        where = (
            f"linje {place.group(1)}, kolonne {place.group(2)}"
            if place and place.group(1)
            else "ved slutten av filen"
        )
        raise RegisterError(
            f"Registeret {path} kan ikke leses som TOML: {where}: "
            + _toml_reason(_TOML_PLACE.sub("", str(exc)))
        ) from None
    except ValueError:  # an integer of more digits than Python converts (4 300)
        raise RegisterError(
            f"Registeret {path} kan ikke leses som TOML: et tall har for mange sifre"
        ) from None
    except RecursionError:
        raise RegisterError(
            f"Registeret {path} kan ikke leses som TOML: lister eller tabeller i for mange lag"
        ) from None


_TOML_REASONS = {  # tomllib's commonest reasons; another is shown as tomllib says it
    "Cannot overwrite a value": "en nøkkel står to ganger",
    "Cannot declare": "en tabell står to ganger",
    "Invalid value": "ugyldig verdi",
    "Unterminated string": "en tekst mangler sitt avsluttende anførselstegn",
    "Illegal character": "et tegn som ikke er lov der",
    "Expected '=' after a key": "«=» mangler etter en nøkkel",
    "Unclosed array": "en liste mangler sin avsluttende ]",
}


def _toml_reason(reason: str) -> str:
    for start, said in _TOML_REASONS.items():
        if reason.startswith(start):
            return said
    return f"«{_plain(reason, 100)}»"


def _counties(entries: list, problems: list[str]) -> dict[str, dict]:
    """The county entries by number (the first of a number), every problem noted."""
    found: dict[str, dict] = {}
    for i, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            problems.append(f"fylke nr. {i} i filen er ikke en tabell ([[county]])")
            continue
        number, name = entry.get("number"), entry.get("name")
        label = f"fylke {number}" if _is_number(number) else f"fylke nr. {i} i filen"
        if not _is_number(number) and isinstance(name, str) and name.strip():
            label += f" ({_shown(name.strip())})"
        _unknown_fields(entry, COUNTY_FIELDS, label, problems)
        if "number" not in entry:
            problems.append(f'{label} mangler nummer (number = "09")')
        elif not _is_number(number):
            problems.append(f"{label} har number = {_shown(number)}; {_NUMBER_FORM}")
        name = _text(entry, "name", f"navnet på {label}", problems, required=label)
        county = {"number": number, "name": name, **_years(entry, label, problems)}
        if not _is_number(number):
            continue
        if number in found:
            names = f"{_shown(found[number]['name'])} og {_shown(name)}"
            problems.append(f"fylke {number} står to ganger ({names})")
        else:
            found[number] = county
    return found


def _councils(
    entries: list, counties: dict[str, dict], problems: list[str]
) -> tuple[list[dict], list[dict]]:
    """The council entries with a name, and those of them whose years are sound (the
    years a county is in two councils are theirs)."""
    councils, sound = [], []
    for i, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            problems.append(f"råd nr. {i} i filen er ikke en tabell ([[council]])")
            continue
        label = _council_label(entry, i)
        _unknown_fields(entry, COUNCIL_FIELDS, label, problems)
        before = len(problems)
        years = _years(entry, label, problems)
        years_sound = len(problems) == before
        secretariat = _text(entry, "secretariat", f"sekretariatet til {label}", problems)
        council = {
            "name": _text(entry, "name", f"navnet på {label}", problems, required=label),
            "counties": _council_counties(entry, label, counties, problems),
            **years,
            "secretariat": secretariat or "",
            "aliases": _aliases(entry, label, problems),
        }
        if council["name"] is not None:
            councils.append(council)
            if years_sound:
                sound.append(council)
    return councils, sound


def _council_label(entry: dict, position: int) -> str:
    """How a message names a council: by its name, else by its place in the file (and its
    counties, to find it by)."""
    name, numbers = entry.get("name"), entry.get("counties")
    if isinstance(name, str) and name.strip():
        return f"rådet {_shown(name.strip())}"
    label = f"råd nr. {position} i filen"
    if isinstance(numbers, list) and numbers and all(_is_number(n) for n in numbers):
        label += f" (fylke {', '.join(numbers)})"
    return label


def _is_number(value: object) -> bool:
    return isinstance(value, str) and _NUMBER.fullmatch(value) is not None


def _council_counties(
    entry: dict, label: str, counties: dict[str, dict], problems: list[str]
) -> list[str]:
    """A council's county numbers: a list, not empty, each once and in the register."""
    value = entry.get("counties")
    if value is None:
        problems.append(f'{label} mangler fylker (counties = ["09"])')
        return []
    if not isinstance(value, list):
        problems.append(
            f"{label} har counties = {_shown(value)}, som ikke er en liste; "
            f"skriv counties = {_as_list(value, '09')}"
        )
        return []
    if not value:
        problems.append(
            f"{label} dekker ingen fylker (counties = []); et råd dekker minst ett fylke"
        )
    numbers: list[str] = []
    for number in value:
        if not _is_number(number):
            problems.append(f"{label} viser til fylke {_shown(number)}; {_NUMBER_FORM}")
        elif number in numbers:
            problems.append(f"{label} har fylke {number} to ganger")
        elif number not in counties:
            problems.append(f"{label} viser til fylke {number}, som ikke finnes i registeret")
        else:
            numbers.append(number)
    return numbers


def _aliases(entry: dict, label: str, problems: list[str]) -> list[str]:
    """A council's other names: a list of texts, none with «|» (which separates them where
    they are stored)."""
    value = entry.get("aliases", [])
    if not isinstance(value, list):
        problems.append(
            f"{label} har aliases = {_shown(value)}, som ikke er en liste; "
            f"skriv aliases = {_as_list(value, 'Tromsø')}"
        )
        return []
    names = []
    for alias in value:
        what = f"et annet navn (aliases) til {label}"
        text = _text({"aliases": alias}, "aliases", what, problems, required=label)
        if text is not None and "|" in text:
            problems.append(f"{what}, {_shown(text)}, har tegnet «|», som ikke kan stå i et navn")
        elif text is not None:
            names.append(text)
    return names


def _text(
    entry: dict, key: str, what: str, problems: list[str], required: str | None = None
) -> str | None:
    """A text field, trimmed: at most ``SHORT_TEXT`` characters, no control characters (a
    name is one line, and PostgreSQL stores no NUL). ``required``: the entry's label when
    the field must be there and hold a name."""
    value = entry.get(key)
    if value is None:
        if required:
            problems.append(f"{required} mangler navn ({key})")
        return None
    if not isinstance(value, str):
        problems.append(f"{what} er ikke tekst ({key} = {_shown(value)})")
        return None
    text = value.strip()
    shown = "" if _shown(text) in what else f", {_shown(text)},"  # not twice
    control = next((c for c in text if _unwritable(c)), None)
    if control is not None:
        problems.append(f"{what}{shown} har et kontrolltegn ({_plain(control)})")
    elif len(text) > SHORT_TEXT:
        problems.append(f"{what} er {len(text)} tegn langt; høyst {SHORT_TEXT} tegn")
    elif required and not text:
        problems.append(f"{what} er tomt")
    elif required and not fold(text):
        problems.append(f"{what}{shown} har bare mellomrom og bindestreker")
    else:
        return text
    return None


def _years(entry: dict, label: str, problems: list[str]) -> dict:
    """``from_year`` and ``to_year``, the first not after the last (a year that fails
    counts as missing)."""
    years = {}
    for key in ("from_year", "to_year"):
        value = entry.get(key)
        problem = _year_problem(value)
        if problem:
            problems.append(f"{label} har {key} = {_shown(value)}; {problem}")
        years[key] = None if problem else value
    first, last = years["from_year"], years["to_year"]
    if first is not None and last is not None and first > last:
        problems.append(f"{label} har from_year = {first} etter to_year = {last}")
    return years


def _year_problem(value: object) -> str | None:
    """What is wrong with a year (none: a whole year from 1900 to 2100, or no year)."""
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        return "et år er et helt tall"
    if not FIRST_YEAR <= value <= LAST_YEAR:
        return f"et år må være fra {FIRST_YEAR} til {LAST_YEAR}"
    return None


def _unknown_fields(entry: dict, known: tuple[str, ...], label: str, problems: list[str]):
    """Fields the register does not know (a misspelt ``to_year`` would mean every year)."""
    unknown = [_plain(key) for key in entry if key not in known]
    if unknown:
        problems.append(
            f"{label} har ukjente felt: {', '.join(unknown)} (kjente felt: {', '.join(known)})"
        )


def _same_names(councils: list[dict]) -> list[str]:
    """Councils named twice, also where only what the app's matching ignores differs
    (letter case, spaces, hyphens, ø/o, å/a)."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    for council in councils:
        name, key = council["name"], fold(council["name"])
        if key not in seen:
            seen[key] = name
        elif seen[key] == name:
            problems.append(f"rådet {_shown(name)} står to ganger")
        else:
            problems.append(
                f"rådene {_shown(seen[key])} og {_shown(name)} har samme navn slik appen "
                "kjenner igjen navn (store og små bokstaver, mellomrom, bindestreker og æ, ø, å "
                "teller ikke)"
            )
    return problems


def _shared_counties(councils: list[dict], counties: dict[str, dict]) -> list[str]:
    """Counties in two councils in the same years: their grants would count twice."""
    problems = []
    holders: dict[str, list[dict]] = {}
    for council in councils:
        for number in council["counties"]:
            holders.setdefault(number, []).append(council)
    for number in sorted(holders):
        for one, other in combinations(holders[number], 2):
            span = _overlap(one, other)
            if span is not None and one["name"] != other["name"]:  # twice: said already
                county = " ".join(filter(None, (number, counties[number]["name"])))
                problems.append(
                    f"fylke {county} hører til både "
                    f"{_shown(one['name'])} og {_shown(other['name'])} i {years_text(*span)}; "
                    "et fylke hører til ett råd om gangen"
                )
    return problems


def _mistakable(councils: list[dict], counties: dict[str, dict]) -> list[str]:
    """Councils in the same years that a workbook cannot tell apart: a text the matcher takes
    for both (``council_keys``: a name, a name without «IA-rådet i», another name, a county's
    name), so that a workbook naming it would be ambiguous. A name twice and a county in two
    councils are said already (``_same_names``, ``_shared_counties``), not again here."""
    problems = []
    keys = {
        id(council): council_keys(
            council["name"],
            council["aliases"],
            [(n, counties[n]["name"]) for n in council["counties"] if counties[n]["name"]],
        )
        for council in councils
    }
    for one, other in combinations(councils, 2):
        span = _overlap(one, other)
        if span is None or fold(one["name"]) == fold(other["name"]):
            continue
        both = {
            fold(counties[n]["name"] or "") for n in set(one["counties"]) & set(other["counties"])
        }
        said = [k for k in keys[id(one)] if k in keys[id(other)] and k not in both]
        if said:
            first, second = keys[id(one)][said[0]], keys[id(other)][said[0]]
            problems.append(
                f"rådene {_shown(one['name'])} og {_shown(other['name'])} kan forveksles i "
                f"{years_text(*span)}: {_source(first)} og {_source(second)} er samme navn slik "
                "appen kjenner igjen navn (store og små bokstaver, mellomrom, bindestreker, æ, "
                "ø, å og «IA-rådet i» teller ikke), så en arbeidsbok som skriver det, kan bety "
                "begge"
            )
    return problems


def _source(source: tuple[str, str]) -> str:
    """Where a council's key comes from, as a message names it: «navnet «…»», «det andre
    navnet «…»», «fylke 19 «Troms»»."""
    what, text = source
    return f"{what} {_shown(text)}"


def _overlap(one: dict, other: dict) -> tuple[int | None, int | None] | None:
    """The years two entries share (``None`` for an open end), or ``None`` if none."""
    firsts = [y for y in (one["from_year"], other["from_year"]) if y is not None]
    lasts = [y for y in (one["to_year"], other["to_year"]) if y is not None]
    first, last = max(firsts, default=None), min(lasts, default=None)
    if first is not None and last is not None and first > last:
        return None
    return first, last


def _shown(value: object) -> str:
    """A value from the file as a message shows it: a text in «», short, its control
    characters written out; a list or table by what it is."""
    if isinstance(value, str):
        return f"«{_plain(value)}»"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "en liste"
    if isinstance(value, dict):
        return "en tabell"
    if isinstance(value, int) and not -(10**18) < value < 10**18:
        return f"et tall på {len(str(abs(value)))} sifre"
    return _plain(str(value))


def _as_list(value: object, instead: str) -> str:
    """How a value given alone is written as a list: its own text, else an example."""
    text = _plain(value) if isinstance(value, str) else instead
    return f'["{text}"]'


def _unwritable(c: str) -> bool:
    """A control character, or one of the two that no XML may hold (U+FFFE, U+FFFF): the
    register's names go into every workbook the app writes."""
    return unicodedata.category(c) == "Cc" or c in "\ufffe\uffff"


def _plain(text: str, limit: int = 40) -> str:
    """A text of the file, at most ``limit`` characters, its control characters as
    ``\\x00`` (and U+FFFE, U+FFFF as ``\\ufffe``, ``\\uffff``)."""
    short = text[:limit] + ("…" if len(text) > limit else "")
    return "".join(_escaped(c) if _unwritable(c) else c for c in short)


def _escaped(c: str) -> str:
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"


def council_keys(
    name: str, aliases: Iterable[str] = (), counties: Iterable[tuple[str, str]] = ()
) -> dict[str, tuple[str, str]]:
    """What a workbook may write for a council, as ``CouncilMatcher`` compares it (folded):
    its name and other names, each also without «IA-rådet i», and its counties' names
    (``counties``: number, name) — each key with where it comes from (what, text)."""
    found: dict[str, tuple[str, str]] = {}
    named = [("navnet", name), *(("det andre navnet", alias) for alias in aliases)]
    for what, text in named:
        key = fold(text)
        for each in (key, key.removeprefix("iaradeti")):
            found.setdefault(each, (what, text))
    for number, county in counties:
        found.setdefault(fold(county), (f"fylke {number}", county))
    found.pop("", None)
    return found


class CouncilMatcher:
    """Finds the council a workbook means, for a given year."""

    def __init__(self, infos: list[CouncilInfo]):
        self.infos = infos

    def match(self, text: str, year: int | None) -> list[CouncilInfo]:
        """Councils that ``text`` can mean in ``year`` (a name, a county name or number)."""
        candidates = [c for c in self.infos if year is None or c.exists_in(year)]
        raw = str(text).strip()
        if raw.endswith(".0") and raw[:-2].isdigit():
            raw = raw[:-2]
        if raw.isdigit():
            number = raw.zfill(2)
            return [c for c in candidates if any(n == number for n, _ in c.counties)]
        key = fold(raw)
        for prefix in ("iaradeti", "iaradet", "iarad"):
            if key.startswith(prefix) and len(key) > len(prefix):
                key = key[len(prefix) :]
                break
        return [
            council
            for council in candidates
            if key in council_keys(council.name, council.aliases, council.counties)
        ]
