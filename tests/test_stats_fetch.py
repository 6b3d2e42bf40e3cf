"""Fetching a table from Statistics Norway's StatBank API (``ia-data stats fetch``), against
a local HTTP server on 127.0.0.1 that answers as the API does (``IA_STATBANK_URL`` points
there; no test reaches the internet): a table loaded, and a server too slow, failing
(HTTP 500), answering with something else than a table, or not there — each refused in
Norwegian, within the time given, with nothing stored."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func
from sqlmodel import Session, select
from statsfiles import jsonstat

from ia_data.cli import main
from ia_data.domain.access import OPERATOR
from ia_data.ingest.statbank import build_query
from ia_data.reporting.sickness import sickness_overview
from ia_data.storage.models import StatSeries, StatValue
from ia_data.storage.stats import fetch_stats, series_list

# The fetch does not depend on the database engine: SQLite is enough here.
SQLITE = pytest.mark.parametrize("engine_name", ["sqlite"])

METADATA = {
    "title": "12441: Sykefravær for lønnstakere, etter region, kjønn, statistikkvariabel og "
    "kvartal",
    "variables": [
        {
            "code": "Region",
            "text": "region",
            "values": ["0", "01", "16", "50", "30", "0301", "99"],
            "valueTexts": ["Hele landet", "Østfold", "Sør-Trøndelag", "Trøndelag", "Viken",
                           "Oslo", "Uoppgitt"],
            "elimination": True,
        },
        {
            "code": "Kjonn",
            "text": "kjønn",
            "values": ["0", "1", "2"],
            "valueTexts": ["Begge kjønn", "Menn", "Kvinner"],
        },
        {
            "code": "ContentsCode",
            "text": "statistikkvariabel",
            "values": ["SykefraversProsent"],
            "valueTexts": ["Sykefraværsprosent"],
        },
        {
            "code": "Tid",
            "text": "kvartal",
            "values": ["2017K4", "2018K1"],
            "valueTexts": ["2017K4", "2018K1"],
            "time": True,
        },
    ],
}  # fmt: skip
DATA = jsonstat(
    {"0": "Hele landet", "01": "Østfold", "16": "Sør-Trøndelag", "50": "Trøndelag"},
    ["2017K4", "2018K1"],
    [6.5, 6.4, 7.1, 7.0, 6.2, None, None, 6.0],
)


class StatBank:
    """A local stand-in for the API: ``mode`` says how it answers (``ok``, ``slow``,
    ``500``, ``garbage``), and it keeps the queries it was sent."""

    def __init__(self):
        self.mode = "ok"
        self.queries: list[dict] = []
        self.delay = 3.0
        bank = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _answer(self, body: bytes, status: int = 200):
                if bank.mode == "slow":
                    time.sleep(bank.delay)
                if bank.mode == "500":
                    status, body = 500, b"Internal Server Error"
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)  # (a client that gave up is gone)

            def do_GET(self):
                if self.path != "/api/v0/no/table/12441":
                    self._answer(b'{"error": "not found"}', 404)
                    return
                self._answer(json.dumps(METADATA).encode())

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                bank.queries.append(json.loads(self.rfile.read(length)))
                if bank.mode == "garbage":
                    self._answer(b"<html><body>Vedlikehold</body></html>")
                    return
                self._answer(DATA)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/v0/no/table"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def statbank(monkeypatch):
    bank = StatBank()
    monkeypatch.setenv("IA_STATBANK_URL", bank.url)
    yield bank
    bank.close()


def _counts(engine) -> tuple[int, int]:
    with Session(engine) as session:
        return (
            session.exec(select(func.count()).select_from(StatSeries)).one(),
            session.exec(select(func.count()).select_from(StatValue)).one(),
        )


@SQLITE
def test_a_table_is_fetched_and_loaded(fresh_db, statbank, rules):
    result = fetch_stats(
        fresh_db, "12441", scope=OPERATOR, by="Kari", select={"Kjonn": ["0"]}, timeout=10
    )
    assert result.status == "lagret", result.message
    assert result.message == (
        "statistikkbanken-12441.json: lastet som serien «ssb-12441-sykefraversprosent-0» "
        "(Sykefraværsprosent, Begge kjønn; 8 verdier, 3 fylker og hele landet, 4. kvartal 2017 "
        "– 1. kvartal 2018)"
    )
    (query,) = statbank.queries
    assert query == {
        "query": [
            {"code": "Region", "selection": {"filter": "item", "values": ["0", "01", "16", "50"]}},
            {"code": "Kjonn", "selection": {"filter": "item", "values": ["0"]}},
            {
                "code": "ContentsCode",
                "selection": {"filter": "item", "values": ["SykefraversProsent"]},
            },
            {"code": "Tid", "selection": {"filter": "item", "values": ["2017K4", "2018K1"]}},
        ],
        "response": {"format": "json-stat2"},
    }
    with Session(fresh_db) as session:
        fetched = next(s for s in series_list(session, scope=OPERATOR) if s.key.startswith("ssb"))
        year = sickness_overview(session, 2018, rules, scope=OPERATOR, series=fetched.key)
    assert fetched.source == (
        "Statistisk sentralbyrå, Statistikkbanken tabell 12441, oppdatert 2019-06-13T06:00:00Z"
    )
    assert [(r.council, r.value) for r in year.rows if r.county_number == "50"] == [
        ("IA-rådet i Trøndelag", 6.0)
    ]


@SQLITE
def test_a_choice_left_open_is_asked_for(fresh_db, statbank):
    before = _counts(fresh_db)
    result = fetch_stats(fresh_db, "12441", scope=OPERATOR, timeout=10)
    assert result.status == "avvist"
    assert result.message == (
        "Tabell 12441: ikke hentet – Variabelen «kjønn» (Kjonn) må velges, og en serie har ett "
        "mål: bruk --select Kjonn=VERDI (0 Begge kjønn, 1 Menn, 2 Kvinner)"
    )
    assert statbank.queries == [] and _counts(fresh_db) == before


@SQLITE
def test_a_server_too_slow_is_given_up_on_in_time(fresh_db, statbank):
    statbank.mode = "slow"
    before = _counts(fresh_db)
    started = time.monotonic()
    result = fetch_stats(fresh_db, "12441", scope=OPERATOR, select={"Kjonn": ["0"]}, timeout=0.5)
    assert time.monotonic() - started < 2.5
    assert result.status == "avvist"
    assert result.message == (
        f"Tabell 12441: ikke hentet – Statistikkbanken svarte ikke innen 0.5 sekunder "
        f"({statbank.url}/12441); prøv igjen senere. Uten nett: last ned tabellen som "
        "JSON-stat 2.0 (eller CSV) fra Statistikkbanken, og last filen med «ia-data stats "
        "import FIL»"
    )
    assert _counts(fresh_db) == before


@SQLITE
def test_an_http_error_is_said(fresh_db, statbank):
    statbank.mode = "500"
    before = _counts(fresh_db)
    result = fetch_stats(fresh_db, "12441", scope=OPERATOR, select={"Kjonn": ["0"]})
    assert result.status == "avvist"
    assert result.message.startswith(
        "Tabell 12441: ikke hentet – Statistikkbanken svarte med en feil (HTTP 500, "
        f"{statbank.url}/12441); prøv igjen senere. Uten nett: "
    )
    assert _counts(fresh_db) == before
    statbank.mode = "ok"
    result = fetch_stats(fresh_db, "99999", scope=OPERATOR)
    assert result.message == (
        "Tabell 99999: ikke hentet – Tabell 99999 finnes ikke i Statistikkbanken (HTTP 404, "
        f"{statbank.url}/99999)"
    )


@SQLITE
def test_an_answer_that_is_not_a_table_is_refused(fresh_db, statbank):
    statbank.mode = "garbage"
    before = _counts(fresh_db)
    result = fetch_stats(fresh_db, "12441", scope=OPERATOR, select={"Kjonn": ["0"]})
    assert result.status == "avvist"
    assert result.message.startswith(
        "Tabell 12441: ikke hentet – Statistikkbanken svarte med noe som ikke er JSON-stat 2.0 "
        f"for tabell 12441 ({statbank.url}/12441). Uten nett: "
    )
    assert _counts(fresh_db) == before


@SQLITE
def test_no_network_is_said_and_a_table_number_checked(fresh_db, monkeypatch, capsys):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("IA_STATBANK_URL", f"http://127.0.0.1:{port}/api/v0/no/table")
    url = fresh_db.url.render_as_string(hide_password=False)
    assert main(["--db", url, "stats", "fetch", "12441", "--timeout", "5"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        f"Tabell 12441: ikke hentet – Får ikke kontakt med Statistikkbanken (http://127.0.0.1:"
        f"{port}/api/v0/no/table/12441: "
    )
    assert err.endswith(
        "Uten nett: last ned tabellen som JSON-stat 2.0 (eller CSV) fra Statistikkbanken, og "
        "last filen med «ia-data stats import FIL»\n"
    )
    assert main(["--db", url, "stats", "fetch", "12441; rm"]) == 1
    assert capsys.readouterr().err == (
        "Tabell 12441; rm: ikke hentet – «12441; rm» er ikke et tabellnummer i "
        "Statistikkbanken (fem sifre, for eksempel 12441)\n"
    )
    assert main(["--db", url, "stats", "fetch", "12441", "--select", "Kjonn"]) == 2
    assert "--select «Kjonn» skal skrives VARIABEL=VERDI" in capsys.readouterr().err


@SQLITE
def test_fetch_on_the_command_line(fresh_db, statbank, capsys):
    url = fresh_db.url.render_as_string(hide_password=False)
    argv = ["--db", url, "stats", "fetch", "12441", "--select", "Kjonn=0", "--by", "Kari"]
    assert main([*argv, "--dry-run"]) == 0
    assert capsys.readouterr().out == (
        "statistikkbanken-12441.json: kontrollert uten feil (Sykefraværsprosent, Begge kjønn; "
        "8 verdier, 3 fylker og hele landet, 4. kvartal 2017 – 1. kvartal 2018); ikke lagret\n"
    )
    assert main(argv) == 0
    assert "lastet som serien «ssb-12441-sykefraversprosent-0»" in capsys.readouterr().out
    assert main(["--db", url, "stats", "history", "ssb-12441-sykefraversprosent-0"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert line.split()[2:] == [
        "aktiv", "ssb-12441-sykefraversprosent-0", "statistikkbanken-12441.json", "(Kari),",
        "8", "verdier",
    ]  # fmt: skip


def test_the_query_names_the_measure_when_the_table_has_several():
    metadata = json.loads(json.dumps(METADATA))
    metadata["variables"][2]["values"] = ["SykefraversProsent", "TapteDagsverk"]
    metadata["variables"][2]["valueTexts"] = ["Sykefraværsprosent", "Tapte dagsverk"]
    from ia_data.ingest.statbank import FetchError

    with pytest.raises(FetchError) as refused:
        build_query(metadata, ["01"], select={"Kjonn": ["0"]})
    assert str(refused.value) == (
        "Tabellen har 2 statistikkvariabler, og en serie har ett mål: velg én med --measure "
        "KODE (SykefraversProsent Sykefraværsprosent, TapteDagsverk Tapte dagsverk)"
    )
    query = build_query(metadata, ["01"], measure="TapteDagsverk", select={"Kjonn": ["0"]})
    assert query["query"][2]["selection"]["values"] == ["TapteDagsverk"]
