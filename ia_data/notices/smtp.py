"""The mail server of ``IA_SMTP_URL``: ``smtp://[user[:password]@]host[:port]`` (STARTTLS,
required; default port 587) or ``smtps://…`` (TLS from the start; default port 465). The
server's certificate is checked against the system's CAs, or the one ``IA_SMTP_CA_FILE``
names (an internal relay). The password is never shown (``Server.label``)."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ia_data.domain.errors import UserError
from ia_data.settings import Settings, without_password

TIMEOUT = 30  # seconds to wait for the mail server


class SmtpSettingError(UserError):
    """An ``IA_SMTP_URL`` (or CA file) that cannot be used; the message says why."""


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    tls_from_start: bool  # smtps://
    user: str = ""
    password: str = field(default="", repr=False)
    ca_file: Path | None = None
    label: str = ""  # the URL without its password

    def context(self) -> ssl.SSLContext:
        """TLS that checks the server's certificate and name."""
        try:
            return ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)
        except (OSError, ssl.SSLError) as exc:
            raise SmtpSettingError(
                f"CA-filen i IA_SMTP_CA_FILE ({self.ca_file}) kan ikke leses: {exc}"
            ) from None

    def connect(self) -> smtplib.SMTP:
        """A connection, TLS in place and signed in (if a user is given); ``OSError`` or
        ``smtplib.SMTPException`` when the server cannot be reached or refuses."""
        context = self.context()
        if self.tls_from_start:
            connection = smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT, context=context)
        else:
            connection = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT)
            try:
                connection.ehlo()
                if not connection.has_extn("starttls"):
                    raise smtplib.SMTPNotSupportedError(
                        f"e-posttjeneren {self.label} tilbyr ikke STARTTLS, og e-post sendes "
                        "ikke ukryptert (bruk smtps:// for TLS fra start)"
                    )
                connection.starttls(context=context)
                connection.ehlo()
            except BaseException:
                connection.close()
                raise
        if self.user:
            try:
                connection.login(self.user, self.password)
            except BaseException:
                connection.close()
                raise
        return connection


def server(found: Settings) -> Server | None:
    """The mail server of the settings, or None when ``IA_SMTP_URL`` is not set."""
    url = found.smtp_url
    if not url:
        return None
    label = without_password(url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise SmtpSettingError(f"IA_SMTP_URL ({label}) har et ugyldig portnummer") from None
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise SmtpSettingError(
            f"IA_SMTP_URL ({label}) må være smtp://vert:587 (STARTTLS) eller smtps://vert:465"
        )
    tls = parts.scheme == "smtps"
    return Server(
        host=parts.hostname,
        port=port or (465 if tls else 587),
        tls_from_start=tls,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        ca_file=found.smtp_ca_file,
        label=label,
    )
