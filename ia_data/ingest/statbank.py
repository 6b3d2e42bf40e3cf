"""A table fetched from Statistics Norway's StatBank API (PxWebApi v0), as JSON-stat 2.0
bytes for ``ingest.stats`` to check — when the network is there; when it is not, a clear
Norwegian message (``FetchError``) within the time given.

Two requests, as the API wants them:

1. ``GET {base}/{table}`` — the table's variables (``{"title": …, "variables": [{"code":
   "Region", "values": [...], "valueTexts": [...], "elimination": true}, …]}``);
2. ``POST {base}/{table}`` with a query (``{"query": [{"code": "Region", "selection":
   {"filter": "item", "values": [...]}}, …], "response": {"format": "json-stat2"}}``):
   the counties the register knows (and the whole country), every quarter, the one measure
   (``ContentsCode``; ``measure`` picks one of several), and for any other variable the
   value ``select`` names — or none where the table may leave it out (its total).

The base is ``https://data.ssb.no/api/v0/no/table``, or ``IA_STATBANK_URL`` (a mirror, or
the tests' local server). No API key; the API allows some 30 queries a minute.
"""

from __future__ import annotations

import json
import os
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ia_data.domain import limits
from ia_data.domain.stats import NATIONAL
from ia_data.domain.text import fold
from ia_data.ingest.stats import county_of, quarter_of

DEFAULT_URL = "https://data.ssb.no/api/v0/no/table"
URL_VARIABLE = "IA_STATBANK_URL"
DEFAULT_TIMEOUT = 30.0
_TABLE = re.compile(r"^[0-9]{5}$")
_OFFLINE = (
    ". Uten nett: last ned tabellen som JSON-stat 2.0 (eller CSV) fra Statistikkbanken, og "
    "last filen med «ia-data stats import FIL»"
)


class FetchError(Exception):
    """A table that could not be fetched; the message says why, in Norwegian."""


@dataclass(frozen=True)
class Fetched:
    table: str
    url: str
    title: str
    data: bytes  # JSON-stat 2.0

    @property
    def file_name(self) -> str:
        return f"statistikkbanken-{self.table}.json"


def statbank_url() -> str:
    """The StatBank API's table address in use: ``IA_STATBANK_URL`` or SSB's own."""
    return (os.environ.get(URL_VARIABLE) or DEFAULT_URL).rstrip("/")


def fetch_table(
    table: str,
    counties: Iterable[str],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    measure: str | None = None,
    select: Mapping[str, list[str]] | None = None,
    base_url: str | None = None,
) -> Fetched:
    """Fetch ``table`` for the register's ``counties`` (and the whole country), every
    quarter, one measure; raises ``FetchError`` — offline, too slow (``timeout`` seconds
    in all), an HTTP error, an answer that is not a table — with what to do."""
    table = table.strip()
    if not _TABLE.match(table):
        raise FetchError(
            f"«{table}» er ikke et tabellnummer i Statistikkbanken (fem sifre, for eksempel 12441)"
        )
    url = f"{(base_url or statbank_url()).rstrip('/')}/{table}"
    deadline = time.monotonic() + timeout
    raw = _request(url, None, deadline, timeout, table)
    try:
        metadata = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        metadata = None
    if not isinstance(metadata, dict) or not isinstance(metadata.get("variables"), list):
        raise FetchError(
            f"Statistikkbanken svarte med noe som ikke er en tabellbeskrivelse for tabell "
            f"{table} ({url})" + _OFFLINE
        )
    query = build_query(metadata, counties, measure=measure, select=select)
    body = json.dumps(query).encode("utf-8")
    data = _request(url, body, deadline, timeout, table)
    try:
        answer = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        answer = None
    if not isinstance(answer, dict) or "dimension" not in answer:
        raise FetchError(
            f"Statistikkbanken svarte med noe som ikke er JSON-stat 2.0 for tabell {table} "
            f"({url})" + _OFFLINE
        )
    return Fetched(table, url, str(metadata.get("title") or ""), data)


def _values(variable: dict) -> list[tuple[str, str]]:
    values = [str(v) for v in variable.get("values") or []]
    texts = [str(t) for t in variable.get("valueTexts") or values]
    return list(zip(values, texts + values[len(texts) :], strict=False))


def build_query(
    metadata: dict,
    counties: Iterable[str],
    *,
    measure: str | None = None,
    select: Mapping[str, list[str]] | None = None,
) -> dict:
    """The query for a table's variables (``metadata``): see the module's docstring.
    Raises ``FetchError`` where a choice is the user's (which measure, which value)."""
    known = set(counties) | {NATIONAL}
    select = dict(select or {})
    query = []
    found = {"region": False, "time": False}
    for variable in metadata["variables"]:
        if not isinstance(variable, dict):
            continue
        code = str(variable.get("code") or "")
        text = str(variable.get("text") or code)
        values = _values(variable)
        kind = _kind(variable)
        if kind == "region":
            found["region"] = True
            wanted = [v for v, _ in values if county_of(v) in known]
            if not wanted:
                raise FetchError(
                    f"Variabelen «{text}» ({code}) har ingen fylker som registeret kjenner"
                )
            query.append(_item(code, wanted))
        elif kind == "time":
            found["time"] = True
            wanted = [v for v, _ in values if quarter_of(v)]
            if not wanted:
                shown = ", ".join(v for v, _ in values[:3])
                raise FetchError(
                    f"Tabellen er ikke etter kvartal: «{text}» har perioder som {shown}"
                )
            query.append(_item(code, wanted))
        elif kind == "measure":
            codes = [v for v, _ in values]
            if measure is not None:
                if measure not in codes:
                    raise FetchError(
                        f"Tabellen har ikke statistikkvariabelen «{measure}»; velg blant "
                        + _listed(values)
                    )
                query.append(_item(code, [measure]))
            elif len(codes) == 1:
                query.append(_item(code, codes))
            else:
                raise FetchError(
                    f"Tabellen har {len(codes)} statistikkvariabler, og en serie har ett mål: "
                    f"velg én med --measure KODE ({_listed(values)})"
                )
        elif code in select:
            wrong = [v for v in select[code] if v not in {c for c, _ in values}]
            if wrong or len(select[code]) != 1:
                raise FetchError(f"Velg én verdi for «{text}» ({code}), blant {_listed(values)}")
            query.append(_item(code, select.pop(code)))
        elif len(values) == 1:
            query.append(_item(code, [values[0][0]]))
        elif not variable.get("elimination"):
            raise FetchError(
                f"Variabelen «{text}» ({code}) må velges, og en serie har ett mål: bruk "
                f"--select {code}=VERDI ({_listed(values)})"
            )
    unknown = [c for c in select if c not in {str(v.get("code")) for v in metadata["variables"]}]
    if unknown:
        raise FetchError(f"Tabellen har ingen variabel {', '.join(unknown)}")
    if not found["region"] or not found["time"]:
        lacking = " og ".join(
            name for name, ok in (("region", found["region"]), ("kvartal", found["time"])) if not ok
        )
        raise FetchError(
            f"Tabellen har ingen variabel for {lacking}; den er ikke etter fylke og kvartal"
        )
    return {"query": query, "response": {"format": "json-stat2"}}


def _kind(variable: dict) -> str:
    code, text = fold(variable.get("code") or ""), fold(variable.get("text") or "")
    if code == "region" or text in ("region", "fylke"):
        return "region"
    if variable.get("time") or code == "tid" or text in ("kvartal", "tid"):
        return "time"
    if code == "contentscode" or text == "statistikkvariabel":
        return "measure"
    return ""


def _item(code: str, values: list[str]) -> dict:
    return {"code": code, "selection": {"filter": "item", "values": values}}


def _listed(values: list[tuple[str, str]], most: int = 8) -> str:
    shown = ", ".join(f"{v} {t}" if t != v else v for v, t in values[:most])
    return shown + (f" og {len(values) - most} til" if len(values) > most else "")


def _request(url: str, body: bytes | None, deadline: float, timeout: float, table: str) -> bytes:
    """One request within what is left of ``timeout``; the answer's bytes (at most the file
    limit), or ``FetchError``."""
    left = deadline - time.monotonic()
    slow = (
        f"Statistikkbanken svarte ikke innen {timeout:g} sekunder ({url}); prøv igjen senere"
        + _OFFLINE
    )
    if left <= 0:
        raise FetchError(slow)
    headers = {"Accept": "application/json", "User-Agent": "ia-radsoversikt"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=left) as response:
            chunks, size = [], 0
            while chunk := response.read(65536):
                chunks.append(chunk)
                size += len(chunk)
                if size > limits.MAX_FILE_BYTES:
                    raise FetchError(
                        f"Svaret fra Statistikkbanken er større enn "
                        f"{limits.MAX_FILE_BYTES // (1024 * 1024)} MB; velg færre verdier"
                    )
                if time.monotonic() > deadline:
                    raise FetchError(slow)
            return b"".join(chunks)
    except urllib.error.HTTPError as exc:
        raise FetchError(_http_message(exc, url, table)) from None
    except TimeoutError:
        raise FetchError(slow) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise FetchError(slow) from None
        raise FetchError(
            f"Får ikke kontakt med Statistikkbanken ({url}: {exc.reason})" + _OFFLINE
        ) from None
    except (OSError, ValueError) as exc:  # a connection reset, a URL that is not one
        raise FetchError(
            f"Får ikke kontakt med Statistikkbanken ({url}: {exc})" + _OFFLINE
        ) from None


def _http_message(exc: urllib.error.HTTPError, url: str, table: str) -> str:
    code = exc.code
    if code == 404:
        return f"Tabell {table} finnes ikke i Statistikkbanken (HTTP 404, {url})"
    if code == 429:
        return "Statistikkbanken tar ikke imot flere spørringer nå (HTTP 429); vent et minutt"
    if code in (400, 403):
        try:
            said = exc.read(300).decode("utf-8", "replace").strip()
        except OSError:
            said = ""
        return f"Statistikkbanken avviste spørringen (HTTP {code}{': ' + said if said else ''})"
    return f"Statistikkbanken svarte med en feil (HTTP {code}, {url}); prøv igjen senere" + _OFFLINE
