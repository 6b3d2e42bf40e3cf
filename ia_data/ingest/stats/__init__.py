"""A statistics file by county and quarter → a checked series (``ParsedSeries``), or every
problem at once, each one Norwegian line that names the line (or cell) and the reason.
Nothing here touches the database; ``storage.stats`` stores a clean result.

Three forms are read (docs/statistikk.md):

1. **The app's own CSV** (the series that ship with it, ``ia_data/domain/series/``)::

       # <what the series is, and its source: one line>
       # mål: <the measure>          (optional lines «# nøkkel:», «# navn:», «# kilde:»,
       # kvartal: 1                   «# mål:», «# enhet:», «# kvartal:»)
       fylkesnummer;fylke;2005;2006;…    (or 2014K2;2015K4;…)
       00;Hele landet;5,8;6,2;…
       01;Østfold;6,5;7,1;…

   A period is a quarter (``2014K2``) or a year; a year means the quarter the file names
   (``# kvartal: 1``, or «1st quarter» / «1. kvartal» in the first line), and is refused
   when it names none.

2. **JSON-stat 2.0**, what Statistics Norway's StatBank API (PxWebApi v0, ``"response":
   {"format": "json-stat2"}``) returns for a table: a dataset with ``id``, ``size``,
   ``dimension`` and ``value`` (a list in row-major order, or an object of positions),
   its region dimension (``role.geo``, else ``Region``), its time dimension (``role.time``,
   else ``Tid``) and its measures (``role.metric``, else ``ContentsCode``). Every other
   dimension must hold one value (one sex, one kind of absence); its label goes into the
   measure's name.

3. **StatBank's CSV** (PxWeb's ``csv``, comma- or semicolon-separated, a header line and
   quoted texts), in either shape:

   - wide, as the API's ``csv`` gives it: the stub columns (``region``, and any other
     variable with one value), then one column per measure and quarter, headed
     ``<measure> <quarter>`` (``"Sykefraværsprosent 2014K2"``);
   - long, one value per line: a region column, a quarter column (``kvartal``/``tid``),
     perhaps a measure column (``statistikkvariabel``), and the value last.

   A region is written with its code first (``"01 Østfold"``, ``"0 Hele landet"``).

In every form: a county must be in the register (``00``/``0`` is the national figure), a
period a quarter, every value a number (decimal comma or point) its measure can have (a
share in per cent 0–100, anything else within ±10^12: ``domain.stats.value_problem``) or
missing — blank, or Statistics Norway's ``.``, ``..``, ``...``, ``:`` — and a file holds
one measure: two are two series, and refused. A county, quarter or value is there once: two
spellings of one (``01`` and ``1``, ``F-01`` and ``01``, ``2014K1`` and ``2014Q1``, value
positions ``0`` and ``00``, a JSON key written twice) are refused, both named, rather than
one kept in silence. A missing value is kept as missing, never as 0. Nothing is invented:
Trøndelag (50) is what the file says it is, as are 16 and 17.

One module per form (``shipped``, ``jsonstat``, ``statbank_csv``) and what they share
(``shared``); ``parse_stats`` tells the forms apart.
"""

from __future__ import annotations

from collections.abc import Iterable

from ia_data.domain import limits
from ia_data.domain.stats import NATIONAL
from ia_data.ingest.stats.jsonstat import FORM_JSONSTAT, parse_jsonstat
from ia_data.ingest.stats.shared import (
    Observation,
    ParsedSeries,
    StatsFileError,
    county_of,
    decode,
    quarter_of,
    slug,
    value_of,
)
from ia_data.ingest.stats.shipped import FORM_SHIPPED, parse_shipped
from ia_data.ingest.stats.statbank_csv import FORM_STATBANK_CSV, parse_statbank_csv

__all__ = [
    "FORM_JSONSTAT",
    "FORM_SHIPPED",
    "FORM_STATBANK_CSV",
    "Observation",
    "ParsedSeries",
    "StatsFileError",
    "county_of",
    "parse_stats",
    "quarter_of",
    "value_of",
]


def parse_stats(
    data: bytes,
    file_name: str,
    counties: Iterable[str],
    *,
    key: str | None = None,
) -> ParsedSeries:
    """Read and check a statistics file (any of the three forms) against the register's
    county numbers; raises ``StatsFileError`` with every problem found."""
    if len(data) > limits.MAX_FILE_BYTES:
        raise StatsFileError(
            file_name,
            [f"filen er større enn {limits.MAX_FILE_BYTES // (1024 * 1024)} MB"],
        )
    text = decode(data)
    known = set(counties) | {NATIONAL}
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        parsed = parse_jsonstat(stripped, file_name, known)
    elif stripped.startswith("#"):
        parsed = parse_shipped(text, file_name, known)
    elif stripped:
        parsed = parse_statbank_csv(text, file_name, known)
    else:
        raise StatsFileError(file_name, ["filen er tom"])
    if not parsed.observations:
        raise StatsFileError(file_name, ["filen har ingen verdier"])
    if key:
        parsed.key = key.strip()
    if not parsed.key:
        parsed.key = slug(file_name.rsplit(".", 1)[0])
    if len(parsed.observations) > limits.MAX_STAT_OBSERVATIONS:
        raise StatsFileError(
            file_name,
            [f"filen har mer enn {limits.MAX_STAT_OBSERVATIONS:,} verdier".replace(",", " ")],
        )
    return parsed
