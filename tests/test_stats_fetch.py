"""Fetching a table from Statistics Norway's StatBank API (``ia-data stats fetch``), against
a local HTTP server on 127.0.0.1 that answers as the API does (``IA_STATBANK_URL`` points
there; no test reaches the internet): a table loaded, over http and https, and a server too
slow, failing (HTTP 500), answering with something else than a table, or not there — each
refused in Norwegian, within the time given, with nothing stored. And a hostile server
(issue «Hardening, second round»): headers or an answer dripped a byte at a time (given up
at the fetch's deadline, on the command line and on the Statistikk page too), redirects to
another port, host or scheme (refused before anything is asked there; within the server
followed), hundreds of header fields, a garbage status line, a huge header line."""

from __future__ import annotations

import errno
import ipaddress
import json
import socket
import ssl
import struct
import sys
import threading
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func
from sqlmodel import Session, select
from statsfiles import jsonstat

from ia_data.cli import main
from ia_data.domain.access import OPERATOR, Actor
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
    """A local stand-in for the API: ``mode`` says how it answers (``ok``, ``silent``,
    ``500``, ``garbage``; the hostile ones: ``drip-headers`` on the GET, ``drip-body`` on
    the POST, ``redirect`` to ``location``, ``many-headers``, ``status``, ``long-line``,
    ``reset``; and as a proxy ``proxy-drip`` and ``proxy-refuse``), and
    it keeps the requests and the queries it was sent. Anything under ``/gammel/`` moved to
    the same path under ``/api/v0/no/table/`` (301 for a GET, 307 for a POST)."""

    def __init__(self, tls: ssl.SSLContext | None = None):
        self.mode = "ok"
        self.location = ""
        self.requests: list[tuple[str, str]] = []
        self.queries: list[dict] = []
        self.stopped = threading.Event()
        self.dripped = threading.Event()  # a drip sent to its end
        bank = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _write(self, data: bytes) -> bool:
                try:
                    self.wfile.write(data)
                    return True
                except (BrokenPipeError, ConnectionResetError):  # a client that gave up
                    return False

            def _drip(self, data: bytes) -> bool:
                """``data`` a byte every 50 ms (10 s for 200 bytes), until the test ends."""
                for byte in data:
                    if bank.stopped.wait(0.05) or not self._write(bytes([byte])):
                        return False
                if data:
                    bank.dripped.set()
                return True

            def _answer(self, body: bytes, status: int = 200):
                if bank.mode == "silent":
                    bank.stopped.wait(10)
                if bank.mode == "500":
                    status, body = 500, b"Internal Server Error"
                head = (
                    f"HTTP/1.0 {status} {HTTPStatus(status).phrase}\r\n"
                    f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                ).encode()
                if bank.mode == "drip-headers" and self.command == "GET":
                    before, drip, after = head, b"X-Drip: " + 190 * b"." + b"\r\n", b"\r\n" + body
                elif bank.mode == "drip-body" and self.command == "POST":
                    before, drip, after = head + b"\r\n", body[:200], body[200:]
                else:
                    before, drip, after = head + b"\r\n" + body, b"", b""
                if self._write(before) and self._drip(drip):
                    self._write(after)

            def _hostile(self) -> bool:
                """Answer as a hostile server does, if ``mode`` is one; ``True`` then."""
                moved = self.path.startswith("/gammel/")
                if moved or bank.mode == "redirect":
                    code = (301 if self.command == "GET" else 307) if moved else 303
                    target = "/api/v0/no/table/" + self.path[8:] if moved else bank.location
                    self._write(f"HTTP/1.0 {code} Flyttet\r\nLocation: {target}\r\n\r\n".encode())
                elif bank.mode == "many-headers":
                    fields = "".join(f"X-Felt-{i}: {i}\r\n" for i in range(300))
                    self._write(f"HTTP/1.0 200 OK\r\n{fields}\r\n{{}}".encode())
                elif bank.mode == "status":
                    self._write(b"SSH-2.0-OpenSSH_9.6\r\n\x1b[31mProtocol mismatch.\r\n")
                elif bank.mode == "long-line":
                    self._write(b"HTTP/1.0 200 OK\r\nX-Lang: " + 70_000 * b"x" + b"\r\n\r\n")
                elif bank.mode == "reset":  # closed with a TCP reset, the request read
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    self.connection.close()
                else:
                    return False
                return True

            def do_CONNECT(self):
                """As a proxy: ``proxy-drip`` drips the answer's head, ``proxy-refuse``
                asks for a password (407)."""
                bank.requests.append(("CONNECT", self.path))
                if bank.mode == "proxy-refuse":
                    self._write(b"HTTP/1.0 407 Proxy Authentication Required\r\n\r\n")
                elif self._write(b"HTTP/1.0 200 Connection established\r\n"):
                    self._drip(b"X-Drip: " + 190 * b"." + b"\r\n")

            def do_GET(self):
                bank.requests.append(("GET", self.path))
                if self._hostile():
                    return
                if self.path != "/api/v0/no/table/12441":
                    self._answer(b'{"error": "not found"}', 404)
                    return
                self._answer(json.dumps(METADATA).encode())

            def do_POST(self):
                bank.requests.append(("POST", self.path))
                length = int(self.headers.get("Content-Length", 0))
                query = self.rfile.read(length)
                if self._hostile():
                    return
                bank.queries.append(json.loads(query))
                if bank.mode == "garbage":
                    self._answer(b"<html><body>Vedlikehold</body></html>")
                    return
                self._answer(DATA)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        scheme = "https" if tls else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}/api/v0/no/table"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def close(self):
        self.stopped.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def statbank(monkeypatch):
    bank = StatBank()
    monkeypatch.setenv("IA_STATBANK_URL", bank.url)
    yield bank
    bank.close()


@pytest.fixture(scope="module")
def tls(tmp_path_factory) -> tuple[ssl.SSLContext, str]:
    """A certificate for 127.0.0.1 that the fetch trusts (``SSL_CERT_FILE``): the server's
    TLS context and the file."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return context, str(folder / "cert.pem")


OFFLINE = (
    ". Uten nett: last ned tabellen som JSON-stat 2.0 (eller CSV) fra Statistikkbanken, og "
    "last filen med «ia-data stats import FIL»"
)


def _counts(engine) -> tuple[int, int]:
    with Session(engine) as session:
        return (
            session.exec(select(func.count()).select_from(StatSeries)).one(),
            session.exec(select(func.count()).select_from(StatValue)).one(),
        )


@SQLITE
def test_a_table_is_fetched_and_loaded(fresh_db, statbank, rules):
    result = fetch_stats(
        fresh_db, "12441", scope=OPERATOR, by=Actor("Kari"), select={"Kjonn": ["0"]}, timeout=10
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
def test_a_silent_server_is_given_up_on_in_time(fresh_db, statbank):
    statbank.mode = "silent"
    before = _counts(fresh_db)
    result = fetch_stats(fresh_db, "12441", scope=OPERATOR, select={"Kjonn": ["0"]}, timeout=0.5)
    assert result.status == "avvist"
    assert result.message == (
        f"Tabell 12441: ikke hentet – Statistikkbanken svarte ikke innen 0,5 sekunder "
        f"({statbank.url}/12441); prøv igjen senere" + OFFLINE
    )
    assert _counts(fresh_db) == before


@SQLITE
@pytest.mark.parametrize(
    ("mode", "asked"),
    [
        ("drip-headers", [("GET", "/api/v0/no/table/12441")]),
        ("drip-body", [("GET", "/api/v0/no/table/12441"), ("POST", "/api/v0/no/table/12441")]),
    ],
    ids=["headers", "body"],
)
def test_a_dripping_server_is_given_up_on_at_the_deadline(fresh_db, statbank, mode, asked):
    """A byte every 50 ms never lets one receive wait a second, and the drip takes 10 s: the
    fetch gives up at its 1 s, while the server still drips, with the timeout message (for
    the body: the GET and the POST share the second)."""
    statbank.mode = mode
    before = _counts(fresh_db)
    result = fetch_stats(fresh_db, "12441", scope=OPERATOR, select={"Kjonn": ["0"]}, timeout=1)
    assert result.status == "avvist"
    assert result.message == (
        f"Tabell 12441: ikke hentet – Statistikkbanken svarte ikke innen 1 sekund "
        f"({statbank.url}/12441); prøv igjen senere" + OFFLINE
    )
    assert not statbank.dripped.is_set()
    assert statbank.requests == asked
    assert _counts(fresh_db) == before


@SQLITE
def test_over_https_a_table_is_fetched_and_a_dripping_server_given_up_on(
    fresh_db, tls, monkeypatch
):
    """StatBank's own address is https: the same fetch, the same deadline, through TLS."""
    context, certificate = tls
    monkeypatch.setenv("SSL_CERT_FILE", certificate)
    bank = StatBank(tls=context)
    try:
        monkeypatch.setenv("IA_STATBANK_URL", bank.url)
        result = fetch_stats(fresh_db, "12441", scope=OPERATOR, select={"Kjonn": ["0"]})
        assert result.status == "lagret", result.message
        before = _counts(fresh_db)
        bank.mode = "drip-body"
        result = fetch_stats(fresh_db, "12441", scope=OPERATOR, select={"Kjonn": ["0"]}, timeout=1)
        assert result.message == (
            f"Tabell 12441: ikke hentet – Statistikkbanken svarte ikke innen 1 sekund "
            f"({bank.url}/12441); prøv igjen senere" + OFFLINE
        )
        assert not bank.dripped.is_set()
        assert _counts(fresh_db) == before
    finally:
        bank.close()


@SQLITE
def test_the_command_line_gives_up_on_a_dripping_server_at_its_timeout(fresh_db, statbank, capsys):
    statbank.mode = "drip-body"
    before = _counts(fresh_db)
    url = fresh_db.url.render_as_string(hide_password=False)
    argv = ["--db", url, "stats", "fetch", "12441", "--select", "Kjonn=0", "--timeout", "1.5"]
    assert main(argv) == 1
    assert capsys.readouterr().err == (
        f"Tabell 12441: ikke hentet – Statistikkbanken svarte ikke innen 1,5 sekunder "
        f"({statbank.url}/12441); prøv igjen senere{OFFLINE}\n"
    )
    assert not statbank.dripped.is_set()
    assert _counts(fresh_db) == before


def _threads_in(module) -> list[str]:
    """The threads whose stack is in ``module`` now."""
    frames = sys._current_frames()
    names = []
    for thread in threading.enumerate():
        frame = frames.get(thread.ident)
        while frame is not None and frame.f_code.co_filename != module.__file__:
            frame = frame.f_back
        if frame is not None:
            names.append(thread.name)
    return names


@SQLITE
def test_the_statistikk_page_gives_up_on_a_dripping_server(app_on, fresh_db, statbank, monkeypatch):
    """The page's fetch (30 s, here 1 s) ends at its deadline with the message, and leaves
    no thread behind in the fetch."""
    from ia_data.ingest.statbank import transport as module
    from ia_data.storage import stats as storage
    from ui.text import plain

    real = storage.fetch_table
    monkeypatch.setattr(storage, "fetch_table", lambda *a, **k: real(*a, **{**k, "timeout": 1}))
    statbank.mode = "drip-headers"
    before = _counts(fresh_db)
    at = app_on(fresh_db.url.render_as_string(hide_password=False), page="views/statistikk.py")
    at.text_input[0].input("12441")
    at.button[0].click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Tabellen fra statistikkbanken kan ikke lastes inn: "
        + plain(
            f"Tabell 12441: ikke hentet – Statistikkbanken svarte ikke innen 1 sekund "
            f"({statbank.url}/12441); prøv igjen senere" + OFFLINE
        )
    ]
    assert not statbank.dripped.is_set()
    assert _threads_in(module) == []
    assert _counts(fresh_db) == before


@SQLITE
@pytest.mark.parametrize("where", ["another port", "another host", "https", "ftp", "file"])
def test_a_redirect_elsewhere_is_refused_before_asking_there(fresh_db, statbank, where):
    other = StatBank()
    try:
        statbank.mode = "redirect"
        statbank.location = {
            "another port": f"{other.url}/12441",
            "another host": f"http://localhost:{statbank.port}/api/v0/no/table/12441",
            "https": f"https://127.0.0.1:{statbank.port}/api/v0/no/table/12441",
            "ftp": f"ftp://127.0.0.1:{statbank.port}/api/v0/no/table/12441",
            "file": "file:///etc/passwd",
        }[where]
        before = _counts(fresh_db)
        result = fetch_stats(fresh_db, "12441", scope=OPERATOR, select={"Kjonn": ["0"]}, timeout=10)
        assert result.status == "avvist"
        assert result.message == (
            f"Tabell 12441: ikke hentet – Statistikkbanken sendte videre til en annen adresse "
            f"({statbank.location}), og den følges ikke: bare samme protokoll, vert og port som "
            f"{statbank.url}/12441" + OFFLINE
        )
        assert statbank.requests == [("GET", "/api/v0/no/table/12441")]
        assert other.requests == []
        assert _counts(fresh_db) == before
    finally:
        other.close()


@SQLITE
def test_a_redirect_within_the_server_is_followed(fresh_db, statbank, monkeypatch):
    """Moved under the same scheme, host and port (a 301 for the GET, a 307 for the POST,
    with a relative address): followed, the POST with its query."""
    monkeypatch.setenv("IA_STATBANK_URL", f"http://127.0.0.1:{statbank.port}/gammel")
    result = fetch_stats(
        fresh_db, "12441", scope=OPERATOR, by=Actor("Kari"), select={"Kjonn": ["0"]}, timeout=10
    )
    assert result.status == "lagret", result.message
    assert result.message.startswith(
        "statistikkbanken-12441.json: lastet som serien «ssb-12441-sykefraversprosent-0» "
    )
    assert statbank.requests == [
        ("GET", "/gammel/12441"),
        ("GET", "/api/v0/no/table/12441"),
        ("POST", "/gammel/12441"),
        ("POST", "/api/v0/no/table/12441"),
    ]
    assert len(statbank.queries) == 1


@SQLITE
def test_a_redirect_loop_is_given_up(fresh_db, statbank):
    statbank.mode = "redirect"
    statbank.location = "/api/v0/no/table/12441"
    before = _counts(fresh_db)
    result = fetch_stats(fresh_db, "12441", scope=OPERATOR, select={"Kjonn": ["0"]}, timeout=10)
    assert result.message == (
        f"Tabell 12441: ikke hentet – Statistikkbanken sendte videre mer enn 5 ganger "
        f"({statbank.url}/12441)" + OFFLINE
    )
    assert len(statbank.requests) == 6
    assert _counts(fresh_db) == before


@SQLITE
@pytest.mark.parametrize(
    "address",
    [
        "file:///etc",
        "ftp://127.0.0.1/api",
        "http://:80/api",
        "http://127.0.0.1:x/api",
        "http://127.0.0.1/a b",
    ],
)
def test_an_address_that_is_not_http_is_refused(fresh_db, monkeypatch, address):
    """``IA_STATBANK_URL`` another scheme, without a host, with a port or path that is not
    one: refused before anything is asked."""
    monkeypatch.setenv("IA_STATBANK_URL", address)
    before = _counts(fresh_db)
    result = fetch_stats(fresh_db, "12441", scope=OPERATOR, select={"Kjonn": ["0"]})
    assert result.message == (
        f"Tabell 12441: ikke hentet – Adressen til Statistikkbanken ({address}/12441) er ikke "
        "en gyldig http- eller https-adresse; sett IA_STATBANK_URL til for eksempel "
        "https://data.ssb.no/api/v0/no/table"
    )
    assert _counts(fresh_db) == before


@SQLITE
@pytest.mark.parametrize(
    ("mode", "why"),
    [
        ("many-headers", "svaret har mer enn 100 felt i HTTP-hodet"),
        ("status", "statuslinjen er «SSH-2.0-OpenSSH_9.6»"),
        ("long-line", "en linje i svaret er lengre enn 64 KB"),
    ],
    ids=["many-headers", "status", "long-line"],
)
def test_an_answer_that_is_not_http_is_refused(fresh_db, statbank, mode, why):
    statbank.mode = mode
    before = _counts(fresh_db)
    result = fetch_stats(fresh_db, "12441", scope=OPERATOR, select={"Kjonn": ["0"]}, timeout=10)
    assert result.status == "avvist"
    assert result.message == (
        f"Tabell 12441: ikke hentet – Statistikkbanken svarte med noe som ikke er gyldig HTTP "
        f"({statbank.url}/12441: {why})" + OFFLINE
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
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("IA_STATBANK_URL", f"http://127.0.0.1:{port}/api/v0/no/table")
    url = fresh_db.url.render_as_string(hide_password=False)
    assert main(["--db", url, "stats", "fetch", "12441", "--timeout", "5"]) == 1
    assert capsys.readouterr().err == (
        f"Tabell 12441: ikke hentet – Får ikke kontakt med Statistikkbanken (http://127.0.0.1:"
        f"{port}/api/v0/no/table/12441: tjeneren tar ikke imot forbindelser på den porten)"
        f"{OFFLINE}\n"
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


# --- a connection that fails, said in Norwegian; the deadline over the name lookup and the proxy


def _not_fetched(engine, timeout: float = 10) -> str:
    """The answer to a fetch that is refused, nothing stored."""
    before = _counts(engine)
    result = fetch_stats(engine, "12441", scope=OPERATOR, select={"Kjonn": ["0"]}, timeout=timeout)
    assert result.status == "avvist"
    assert _counts(engine) == before
    return result.message


def _no_contact(url: str, why: str) -> str:
    return (
        f"Tabell 12441: ikke hentet – Får ikke kontakt med Statistikkbanken ({url}/12441: {why})"
        + OFFLINE
    )


def _too_slow(url: str, seconds: str) -> str:
    return (
        f"Tabell 12441: ikke hentet – Statistikkbanken svarte ikke innen {seconds} ({url}/12441); "
        "prøv igjen senere" + OFFLINE
    )


UNTRUSTED = "sertifikatet til tjeneren {why}, så forbindelsen er ikke til å stole på"


@SQLITE
def test_a_certificate_that_is_not_trusted_is_said(fresh_db, tls, monkeypatch):
    """OpenSSL's «[SSL: CERTIFICATE_VERIFY_FAILED] …» in Norwegian: a certificate nobody
    vouches for, and one trusted but for another host."""
    context, certificate = tls
    bank = StatBank(tls=context)
    try:
        monkeypatch.delenv("SSL_CERT_FILE", raising=False)
        monkeypatch.delenv("SSL_CERT_DIR", raising=False)
        monkeypatch.setenv("IA_STATBANK_URL", bank.url)
        assert _not_fetched(fresh_db) == _no_contact(
            bank.url, UNTRUSTED.format(why="er selvsignert")
        )
        monkeypatch.setenv("SSL_CERT_FILE", certificate)  # trusted, for 127.0.0.1 only
        elsewhere = bank.url.replace("127.0.0.1", "localhost")
        monkeypatch.setenv("IA_STATBANK_URL", elsewhere)
        assert _not_fetched(fresh_db) == _no_contact(
            elsewhere, UNTRUSTED.format(why="gjelder en annen vert")
        )
        assert bank.requests == []
    finally:
        bank.close()


@SQLITE
def test_an_https_address_that_does_not_answer_with_tls_is_said(fresh_db, statbank, monkeypatch):
    """OpenSSL's «[SSL: WRONG_VERSION_NUMBER]»: plain HTTP where https was asked for."""
    url = statbank.url.replace("http://", "https://")
    monkeypatch.setenv("IA_STATBANK_URL", url)
    assert _not_fetched(fresh_db) == _no_contact(
        url,
        "tjeneren svarer ikke med TLS, som en https-adresse krever – kanskje skal adressen "
        "være http",
    )


@SQLITE
def test_a_connection_reset_is_said(fresh_db, statbank):
    """«[Errno 104] Connection reset by peer» in Norwegian: the request read, then reset."""
    statbank.mode = "reset"
    assert _not_fetched(fresh_db) == _no_contact(statbank.url, "forbindelsen ble brutt av tjeneren")
    assert statbank.requests == [("GET", "/api/v0/no/table/12441")]


class Names:
    """The name lookup as a test answers it (``socket.getaddrinfo``): a host in ``answers``
    gets its addresses ((ip, port) each, the port the address's own), its error, or —
    ``"slow"`` — no answer until ``released``; any other host the system's answer."""

    def __init__(self, real):
        self.real = real
        self.answers: dict[str, object] = {}
        self.released = threading.Event()

    def getaddrinfo(self, host, port, *args, **kwargs):
        answer = self.answers.get(host)
        if answer is None:
            return self.real(host, port, *args, **kwargs)
        if answer == "slow":
            self.released.wait()
            return self.real("127.0.0.1", port, *args, **kwargs)
        if isinstance(answer, BaseException):
            raise answer
        if callable(answer):
            answer = answer()
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", where) for where in answer]


@pytest.fixture
def names(monkeypatch):
    """The test's name lookup (``Names``), and no proxy from the environment."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    found = Names(socket.getaddrinfo)
    monkeypatch.setattr(socket, "getaddrinfo", found.getaddrinfo)
    yield found
    found.released.set()


@SQLITE
@pytest.mark.parametrize(
    ("host", "error", "why"),
    [
        ("finnes-ikke.test", socket.EAI_NONAME, "vertsnavnet «finnes-ikke.test» finnes ikke"),
        (
            "uten-svar.test",
            socket.EAI_AGAIN,
            "vertsnavnet «uten-svar.test» kunne ikke slås opp (navnetjenesten svarer ikke)",
        ),
    ],
    ids=["not-found", "no-answer"],
)
def test_a_host_name_not_found_is_said(fresh_db, names, monkeypatch, host, error, why):
    """«[Errno -2] Name or service not known» and «[Errno -3] Temporary failure in name
    resolution» in Norwegian."""
    names.answers[host] = socket.gaierror(error, "(the system's English)")
    url = f"http://{host}/api/v0/no/table"
    monkeypatch.setenv("IA_STATBANK_URL", url)
    assert _not_fetched(fresh_db) == _no_contact(url, why)


@SQLITE
def test_a_name_lookup_that_does_not_answer_is_given_up_at_the_deadline(
    fresh_db, statbank, names, monkeypatch
):
    """The system's lookup takes no timeout: the fetch stops waiting for it at its deadline,
    and the answer that comes later is ignored (nothing is asked of the server)."""
    from ia_data.ingest.statbank import transport as module

    names.answers["treg.test"] = "slow"
    url = f"http://treg.test:{statbank.port}/api/v0/no/table"
    monkeypatch.setenv("IA_STATBANK_URL", url)
    assert _not_fetched(fresh_db, timeout=1) == _too_slow(url, "1 sekund")
    (lookup,) = [t for t in threading.enumerate() if t.name == "statistikkbanken-navneoppslag"]
    assert lookup.daemon  # (the process does not wait for it)
    names.released.set()  # the answer comes, too late
    lookup.join(10)
    assert not lookup.is_alive() and _threads_in(module) == []
    assert statbank.requests == []


@pytest.fixture
def full_port():
    """A local port whose queue of connections is full: a connect there is never answered
    (Linux drops the SYN while the queue is full), as an address of a host that is down."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    waiting = []
    for _ in range(64):
        client = socket.socket()
        client.settimeout(0.5)
        waiting.append(client)
        try:
            client.connect(("127.0.0.1", port))
        except TimeoutError:
            break
    else:
        pytest.fail("the queue of connections never filled")
    yield port
    for client in waiting:
        client.close()
    server.close()


@SQLITE
def test_each_address_of_a_name_gets_a_share_of_the_time(
    fresh_db, statbank, names, full_port, monkeypatch
):
    """A name with two addresses, the first never answering: it gets half of what is left,
    so the second is reached within the fetch's time (given the whole, the first would take
    all of it)."""
    lookups = []

    def addresses() -> list[tuple[str, int]]:  # the POST's lookup: the second only
        lookups.append("to.test")
        down = [("127.0.0.1", full_port)] if len(lookups) == 1 else []
        return [*down, ("127.0.0.1", statbank.port)]

    names.answers["to.test"] = addresses
    monkeypatch.setenv("IA_STATBANK_URL", f"http://to.test:{statbank.port}/api/v0/no/table")
    result = fetch_stats(fresh_db, "12441", scope=OPERATOR, select={"Kjonn": ["0"]}, timeout=4)
    assert result.status == "lagret", result.message
    assert len(lookups) == 2
    assert statbank.requests == [
        ("GET", "/api/v0/no/table/12441"),
        ("POST", "/api/v0/no/table/12441"),
    ]


@SQLITE
@pytest.mark.parametrize(
    ("mode", "answer"),
    [
        ("proxy-drip", _too_slow("https://statistikkbanken.test/api/v0/no/table", "1 sekund")),
        (
            "proxy-refuse",
            _no_contact(
                "https://statistikkbanken.test/api/v0/no/table",
                "proxyen ville ikke koble videre (HTTP 407)",
            ),
        ),
    ],
    ids=["drip", "refused"],
)
def test_through_a_proxy_the_tunnel_is_within_the_deadline(
    fresh_db, statbank, names, monkeypatch, mode, answer
):
    """https through the proxy ``https_proxy`` names: its answer to CONNECT dripped a byte
    at a time is given up at the fetch's deadline; a proxy that will not connect is said."""
    from ia_data.ingest.statbank import transport as module

    statbank.mode = mode
    monkeypatch.setenv("https_proxy", f"http://127.0.0.1:{statbank.port}")
    monkeypatch.setenv("IA_STATBANK_URL", "https://statistikkbanken.test/api/v0/no/table")
    assert _not_fetched(fresh_db, timeout=1) == answer
    assert statbank.requests == [("CONNECT", "statistikkbanken.test:443")]
    assert not statbank.dripped.is_set() and _threads_in(module) == []


@pytest.mark.parametrize(
    ("error", "why"),
    [
        (OSError(errno.ENETUNREACH, "Network is unreachable"),
         "nettet er ikke tilgjengelig fra denne maskinen"),
        (OSError(errno.EHOSTUNREACH, "No route to host"), "tjeneren kan ikke nås herfra"),
        (OSError(errno.EIO, "Input/output error"), "nettverksfeil (EIO)"),
        (OSError("something else"), "nettverksfeil"),
    ],
    ids=["net", "host", "another-errno", "no-errno"],
)  # fmt: skip
def test_any_other_network_error_is_said_without_the_systems_english(
    fresh_db, names, monkeypatch, error, why
):
    names.answers["feil.test"] = error
    url = "http://feil.test/api/v0/no/table"
    monkeypatch.setenv("IA_STATBANK_URL", url)
    assert _not_fetched(fresh_db) == _no_contact(url, why)


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
