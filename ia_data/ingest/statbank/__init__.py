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

The time given bounds the whole fetch, both requests (``Deadline``): the host name's lookup
is waited for no longer than what is left of it, each address the name has gets a share of
what is left to connect, and before a proxy's tunnel, TLS's handshake, each send and each
receive the socket's timeout is set to what is left, so a server that drips its headers or
its answer a byte at a time cannot stretch it. A redirect is followed only within
the base's scheme, host and port (another port, another host, ``ftp:``, ``file:`` are
refused before anything is asked there). An answer that is not HTTP (a garbage status line,
hundreds of header fields, a huge line) is refused with a Norwegian reason, and so is a
connection that fails (``_reason``: a certificate not trusted, no TLS, refused, reset, a name
not found).

One module for the query (``query``), one for HTTP within the deadline (``transport``),
and what they share (``shared``); ``fetch_table`` asks for the table.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ia_data import settings
from ia_data.ingest.statbank.query import build_query
from ia_data.ingest.statbank.shared import (
    DEFAULT_TIMEOUT,
    OFFLINE,
    FetchError,
)
from ia_data.ingest.statbank.transport import Deadline, not_an_address, origin, request

_TABLE = re.compile(r"^[0-9]{5}$")

__all__ = [
    "DEFAULT_TIMEOUT",
    "FetchError",
    "Fetched",
    "build_query",
    "fetch_table",
    "statbank_url",
]


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
    """The StatBank API's table address in use: the settings' (``IA_STATBANK_URL``, or SSB's
    own)."""
    return settings.current().statbank_url


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
    in all), an HTTP error, a redirect elsewhere, an answer that is not HTTP or not a table
    — with what to do."""
    table = table.strip()
    if not _TABLE.match(table):
        raise FetchError(
            f"«{table}» er ikke et tabellnummer i Statistikkbanken (fem sifre, for eksempel 12441)"
        )
    url = f"{(base_url or statbank_url()).rstrip('/')}/{table}"
    if origin(url) is None:
        raise FetchError(not_an_address(url))
    deadline = Deadline(timeout)
    raw = request(url, None, deadline, table)
    try:
        metadata = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        metadata = None
    if not isinstance(metadata, dict) or not isinstance(metadata.get("variables"), list):
        raise FetchError(
            f"Statistikkbanken svarte med noe som ikke er en tabellbeskrivelse for tabell "
            f"{table} ({url})" + OFFLINE
        )
    query = build_query(metadata, counties, measure=measure, select=select)
    body = json.dumps(query).encode("utf-8")
    data = request(url, body, deadline, table)
    try:
        answer = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        answer = None
    if not isinstance(answer, dict) or "dimension" not in answer:
        raise FetchError(
            f"Statistikkbanken svarte med noe som ikke er JSON-stat 2.0 for tabell {table} "
            f"({url})" + OFFLINE
        )
    return Fetched(table, url, str(metadata.get("title") or ""), data)
