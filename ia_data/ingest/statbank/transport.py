"""HTTP to StatBank within one deadline: the host name's lookup, the connection, a proxy's
tunnel, TLS, every send and receive, redirects within the base's origin, and a Norwegian
reason for whatever fails."""

from __future__ import annotations

import contextlib
import errno
import functools
import http.client
import io
import re
import socket
import ssl
import string
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from ia_data.domain import limits
from ia_data.ingest.statbank.shared import (
    DEFAULT_URL,
    MAX_REDIRECTS,
    OFFLINE,
    REDIRECTS,
    URL_VARIABLE,
    FetchError,
)


def request(url: str, body: bytes | None, deadline: Deadline, table: str) -> bytes:
    """One request (and its redirects) within what is left of the fetch's time: the answer's
    bytes (at most the file limit), or ``FetchError`` with the reason in Norwegian."""
    try:
        return _follow(url, body, deadline, table)
    except TimeoutError:
        raise FetchError(_slow(url, deadline)) from None
    except urllib.error.URLError as exc:  # (raised by urllib when the connect or send fails)
        if isinstance(exc.reason, TimeoutError):
            raise FetchError(_slow(url, deadline)) from None
        raise FetchError(_no_contact(url, _reason(exc.reason, url))) from None
    except http.client.InvalidURL:  # (a space or a control character in the path)
        raise FetchError(not_an_address(url)) from None
    except http.client.RemoteDisconnected:
        raise FetchError(_no_contact(url, "forbindelsen ble lukket uten svar")) from None
    except http.client.HTTPException as exc:
        raise FetchError(_malformed(exc, url)) from None
    except OSError as exc:  # while the answer is read: a connection reset, TLS failing
        raise FetchError(_no_contact(url, _reason(exc, url))) from None
    except ValueError:  # a URL that is not one
        raise FetchError(not_an_address(url)) from None


def _no_contact(url: str, why: str) -> str:
    return f"Får ikke kontakt med Statistikkbanken ({url}: {why})" + OFFLINE


# Why a certificate is not trusted, by OpenSSL's verify code (X509_V_ERR_…).
_CERTIFICATE = {
    10: "er utløpt",  # CERT_HAS_EXPIRED
    18: "er selvsignert",  # DEPTH_ZERO_SELF_SIGNED_CERT
    19: "er utstedt av en utsteder maskinen ikke stoler på",  # SELF_SIGNED_CERT_IN_CHAIN
    20: "er utstedt av en utsteder maskinen ikke stoler på",  # UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    62: "gjelder en annen vert",  # HOSTNAME_MISMATCH
    64: "gjelder en annen IP-adresse",  # IP_ADDRESS_MISMATCH
}
# OpenSSL's reasons when what answers an https address does not speak TLS (plain HTTP).
_NOT_TLS = {
    "WRONG_VERSION_NUMBER",
    "PACKET_LENGTH_TOO_LONG",
    "RECORD_LAYER_FAILURE",
    "HTTP_REQUEST",
    "UNKNOWN_PROTOCOL",
}
_NETWORK = {
    errno.ENETUNREACH: "nettet er ikke tilgjengelig fra denne maskinen",
    errno.EHOSTUNREACH: "tjeneren kan ikke nås herfra",
    errno.ECONNABORTED: "forbindelsen ble avbrutt",
    errno.EPIPE: "forbindelsen ble brutt av tjeneren",
    errno.EADDRNOTAVAIL: "adressen kan ikke brukes fra denne maskinen",
}
_NO_SUCH_NAME = {
    getattr(socket, name) for name in ("EAI_NONAME", "EAI_NODATA") if hasattr(socket, name)
}
_TUNNEL = re.compile(r"Tunnel connection failed: (\d{3})")


def _reason(exc: object, url: str) -> str:
    """Why the connection failed, in Norwegian (the system's and OpenSSL's words are
    English): a certificate not trusted, an https address that does not answer with TLS, a
    refused or reset connection, a host name not found, a proxy that would not connect."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        why = _CERTIFICATE.get(exc.verify_code, "godtas ikke")
        return f"sertifikatet til tjeneren {why}, så forbindelsen er ikke til å stole på"
    if isinstance(exc, ssl.SSLError):
        if exc.reason in _NOT_TLS:
            return (
                "tjeneren svarer ikke med TLS, som en https-adresse krever – kanskje skal "
                "adressen være http"
            )
        return "den sikre forbindelsen (TLS) kunne ikke settes opp"
    if isinstance(exc, ConnectionRefusedError):
        return "tjeneren tar ikke imot forbindelser på den porten"
    if isinstance(exc, socket.gaierror):
        host = getattr(exc, "host", None) or urllib.parse.urlsplit(url).hostname or ""
        if exc.errno in _NO_SUCH_NAME:
            return f"vertsnavnet «{_shown(host)}» finnes ikke"
        return f"vertsnavnet «{_shown(host)}» kunne ikke slås opp (navnetjenesten svarer ikke)"
    if isinstance(exc, ConnectionResetError | BrokenPipeError):
        return "forbindelsen ble brutt av tjeneren"
    tunnel = _TUNNEL.match(str(exc)) if isinstance(exc, OSError) else None
    if tunnel:
        return f"proxyen ville ikke koble videre (HTTP {tunnel.group(1)})"
    if isinstance(exc, OSError) and exc.errno in _NETWORK:
        return _NETWORK[exc.errno]
    if isinstance(exc, OSError) and exc.errno in errno.errorcode:
        return f"nettverksfeil ({errno.errorcode[exc.errno]})"
    return "nettverksfeil"


def _follow(url: str, body: bytes | None, deadline: Deadline, table: str) -> bytes:
    """The answer to ``url``, following redirects only within its scheme, host and port (a
    303 asks again with GET, the others with the same method and body)."""
    opener = _opener(deadline)
    asked, where = url, origin(url)
    for _ in range(MAX_REDIRECTS + 1):
        try:
            return _read(opener, url, body)
        except urllib.error.HTTPError as exc:
            with contextlib.closing(exc):
                location = exc.headers.get("Location") if exc.code in REDIRECTS else None
                if not location:
                    raise FetchError(_http_message(exc, asked, table)) from None
            target = urllib.parse.urljoin(
                url, urllib.parse.quote(location.strip(), safe=string.punctuation)
            )
            if origin(target) != where:
                raise FetchError(
                    f"Statistikkbanken sendte videre til en annen adresse ({_shown(target)}), og "
                    f"den følges ikke: bare samme protokoll, vert og port som {asked}" + OFFLINE
                ) from None
            url, body = target, (None if exc.code == 303 else body)
    raise FetchError(
        f"Statistikkbanken sendte videre mer enn {MAX_REDIRECTS} ganger ({asked})" + OFFLINE
    )


def _read(opener: urllib.request.OpenerDirector, url: str, body: bytes | None) -> bytes:
    """The answer's bytes, at most the file limit (``FetchError`` beyond it)."""
    headers = {"Accept": "application/json", "User-Agent": "ia-radsoversikt"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=body, headers=headers)
    with opener.open(request) as response:
        chunks, size = [], 0
        while chunk := response.read(65536):
            chunks.append(chunk)
            size += len(chunk)
            if size > limits.MAX_FILE_BYTES:
                raise FetchError(
                    f"Svaret fra Statistikkbanken er større enn "
                    f"{limits.MAX_FILE_BYTES // (1024 * 1024)} MB; velg færre verdier"
                )
        return b"".join(chunks)


def origin(url: str) -> tuple[str, str, int] | None:
    """A URL's scheme, host and port (the default port where none is given); ``None`` for
    anything but an http or https URL with a host."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:  # a port that is not a number
        return None
    if port is None or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port


def not_an_address(url: str) -> str:
    return (
        f"Adressen til Statistikkbanken ({_shown(url)}) er ikke en gyldig http- eller "
        f"https-adresse; sett {URL_VARIABLE} til for eksempel {DEFAULT_URL}"
    )


def _slow(url: str, deadline: Deadline) -> str:
    seconds = f"{deadline.seconds:g}".replace(".", ",")
    unit = "sekund" if deadline.seconds == 1 else "sekunder"
    return (
        f"Statistikkbanken svarte ikke innen {seconds} {unit} ({url}); prøv igjen senere" + OFFLINE
    )


def _malformed(exc: http.client.HTTPException, url: str) -> str:
    """An answer ``http.client`` could not read as HTTP, said in Norwegian."""
    if isinstance(exc, http.client.LineTooLong):
        why = "en linje i svaret er lengre enn 64 KB"
    elif isinstance(exc, http.client.BadStatusLine | http.client.UnknownProtocol):
        why = f"statuslinjen er «{_shown(str(exc.args[0]))}»"
    elif isinstance(exc, http.client.IncompleteRead):
        why = "svaret stoppet før det var ferdig"
    elif "headers" in str(exc):  # «got more than 100 headers»
        why = "svaret har mer enn 100 felt i HTTP-hodet"
    else:
        why = "svaret kan ikke leses"
    return f"Statistikkbanken svarte med noe som ikke er gyldig HTTP ({url}: {why})" + OFFLINE


def _shown(text: str, most: int = 80) -> str:
    """Text from the server as a message shows it: printable, on one line, cut at ``most``."""
    text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return text if len(text) <= most else text[: most - 1] + "…"


class Deadline:
    """The end of a whole fetch (both requests, every redirect): what is left of it, for
    each connect, send and receive."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        """Seconds left; ``TimeoutError`` when there are none."""
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError("the fetch's time is up")
        return left


class _BoundedReader(io.RawIOBase):
    """A socket's answer read with the socket's timeout set, before each receive, to what is
    left of the deadline: a server sending a byte a second cannot stretch the fetch."""

    def __init__(self, sock: socket.socket, deadline: Deadline):
        super().__init__()
        self._sock, self._deadline = sock, deadline
        self._raw = sock.makefile("rb", buffering=0)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int | None:
        self._sock.settimeout(self._deadline.left())
        return self._raw.readinto(buffer)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _BoundedSocket:
    """A connected socket as ``http.client`` uses it (``sendall``, ``makefile``, ``close``),
    each send and receive ending by the deadline."""

    def __init__(self, sock: socket.socket, deadline: Deadline):
        self._sock, self._deadline = sock, deadline

    def sendall(self, data: bytes) -> None:
        self._sock.settimeout(self._deadline.left())  # (the whole sendall, since Python 3.5)
        self._sock.sendall(data)

    def makefile(self, mode: str = "rb", *args, **kwargs) -> io.BufferedReader:
        return io.BufferedReader(_BoundedReader(self._sock, self._deadline))

    def close(self) -> None:
        self._sock.close()


def _resolve(host: str, port: int, deadline: Deadline) -> list[tuple]:
    """The addresses of ``host`` (``getaddrinfo``), within what is left of the deadline: the
    system's lookup cannot be given a timeout, so it runs in a daemon thread that is waited
    for no longer than that (``TimeoutError`` then; an answer that comes later is
    ignored, and the thread ends with the lookup). A name not found is a ``gaierror``
    that names the host."""
    found: dict[str, object] = {}

    def look_up() -> None:
        try:
            found["addresses"] = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
        except OSError as exc:
            found["error"] = exc

    worker = threading.Thread(target=look_up, name="statistikkbanken-navneoppslag", daemon=True)
    worker.start()
    worker.join(deadline.left())
    if worker.is_alive():
        raise TimeoutError("the name lookup's time is up")
    error = found.get("error")
    if error is not None:
        error.host = host  # (for the message)
        raise error
    return list(found["addresses"])


def _connect(address: tuple[str, int], deadline: Deadline, source_address=None):
    """A socket connected to ``address`` (a host and a port) within the deadline: the name
    resolved under it (``_resolve``), and each address the name has given an equal share of
    what is left (the last all of it), so that one address that never answers cannot take
    the time from the next. Raises the last address's error if none connects."""
    host, port = address
    addresses = _resolve(host, port, deadline)
    if not addresses:
        raise OSError(errno.EADDRNOTAVAIL, "no address")
    error: OSError | None = None
    for left, (family, kind, proto, _, where) in zip(
        range(len(addresses), 0, -1), addresses, strict=True
    ):
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(deadline.left() / left)
            if source_address:
                sock.bind(source_address)
            sock.connect(where)
            sock.settimeout(deadline.left())
            return sock
        except OSError as exc:
            sock.close()
            error = exc
            if isinstance(exc, TimeoutError):
                deadline.left()  # none left: the fetch is too slow, not this address wrong
    raise error


class _Bounded:
    """``http.client``'s connection (mixed in) within the deadline: the name lookup and the
    connect (``_connect``), a proxy's tunnel (the CONNECT sent and its answer read as every
    other answer is), TLS's handshake (Python bounds the whole handshake by the socket's
    timeout, set to what is left), then every send and receive."""

    def __init__(self, host: str, *, deadline: Deadline, timeout: object = None, **kwargs):
        self.deadline = deadline
        super().__init__(host, timeout=deadline.left(), **kwargs)
        self._create_connection = self._connect_socket  # (http.client's hook for the socket)

    def _connect_socket(self, address, timeout=None, source_address=None) -> socket.socket:
        return _connect(address, self.deadline, source_address)

    def _tunnel(self) -> None:
        """A proxy's CONNECT, its answer read within the deadline; the socket's timeout
        then set to what is left, for the TLS handshake that follows."""
        raw = self.sock
        self.sock = _BoundedSocket(raw, self.deadline)
        try:
            super()._tunnel()
        finally:
            self.sock = raw
        raw.settimeout(self.deadline.left())

    def connect(self) -> None:
        super().connect()
        self.sock = _BoundedSocket(self.sock, self.deadline)


class _Connection(_Bounded, http.client.HTTPConnection):
    pass


class _SecureConnection(_Bounded, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: Deadline):
        super().__init__()
        self.deadline = deadline

    def http_open(self, req):
        return self.do_open(functools.partial(_Connection, deadline=self.deadline), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: Deadline):
        self.context = ssl.create_default_context()
        super().__init__(context=self.context)
        self.deadline = deadline

    def https_open(self, req):
        connection = functools.partial(_SecureConnection, deadline=self.deadline)
        return self.do_open(connection, req, context=self.context)


def _opener(deadline: Deadline) -> urllib.request.OpenerDirector:
    """urllib for http and https only (the proxy the environment names, if any), no
    redirects of its own (``_follow`` decides), every connection within ``deadline``."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        _HTTPHandler(deadline),
        _HTTPSHandler(deadline),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _http_message(exc: urllib.error.HTTPError, url: str, table: str) -> str:
    code = exc.code
    if code == 404:
        return f"Tabell {table} finnes ikke i Statistikkbanken (HTTP 404, {url})"
    if code == 429:
        return "Statistikkbanken tar ikke imot flere spørringer nå (HTTP 429); vent et minutt"
    if code in (400, 403):
        try:
            said = _shown(exc.read(300).decode("utf-8", "replace"), 300)
        except OSError:
            said = ""
        return f"Statistikkbanken avviste spørringen (HTTP {code}{': ' + said if said else ''})"
    return f"Statistikkbanken svarte med en feil (HTTP {code}, {url}); prøv igjen senere" + OFFLINE
