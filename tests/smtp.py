"""A real SMTP server for the notices' tests (``aiosmtpd``), on 127.0.0.1, with STARTTLS
(a certificate made for 127.0.0.1, whose file the client is given as ``IA_SMTP_CA_FILE``).
It records what arrived, and can be told to refuse a recipient with a 4xx or 5xx answer;
``down_url`` names a port where no server listens."""

from __future__ import annotations

import email
import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (and its key), made with openssl."""
    cert, key = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@dataclass
class Arrived:
    """One message as the server got it."""

    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(("html",)).get_content()


@dataclass
class Handler:
    """Records each message; ``refuse`` maps a recipient to the answer it gets at RCPT."""

    arrived: list[Arrived] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self.refuse.get(address.lower())
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=default)
        with self.lock:
            self.arrived.append(Arrived(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class SmtpServer:
    """The server: ``url`` (smtp://, STARTTLS required), ``ca_file``, ``arrived``."""

    def __init__(self, folder: Path):
        self.ca_file, key = certificate(folder)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.ca_file, key)
        self.handler = Handler()
        self.port = free_port()
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, tls_context=context,
            require_starttls=True,
        )  # fmt: skip
        self.controller.start()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def down_url(self) -> str:
        """A server that is down: nothing listens there."""
        return f"smtp://127.0.0.1:{free_port()}"

    @property
    def arrived(self) -> list[Arrived]:
        return self.handler.arrived

    def reset(self) -> None:
        self.handler.arrived.clear()
        self.handler.refuse.clear()

    def stop(self) -> None:
        self.controller.stop()
