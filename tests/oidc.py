"""Sign-in for browser tests: a local OpenID Connect provider (``oidc-provider-mock``), the
``[auth]`` secrets that point Streamlit's ``st.login()`` at it, and the clicks through it.

    with Provider([Person("troms@example.no", "Troms")]) as provider:
        secrets = write_secrets(tmp_path / "secrets.toml", port, provider)
        # streamlit run app.py --server.port PORT --secrets.files SECRETS ...
        sign_in(page, f"http://localhost:{port}", "troms@example.no")
        sign_out(page)

The browser must open the app on ``localhost``, the host of ``redirect_uri``: on 127.0.0.1 the
callback finds no login state ("Missing provider for OAuth callback") and nobody is signed in.

The provider issues each ID token in a second of its own (``iat`` strictly increasing, as
sign-ins by people are): the app counts a sign-in in the same second as the newest it has seen
before a sign-out as ended (docs/operations.md), and a test that signs in again right after
signing out must not depend on how fast the browser was.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import threading
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote, urlsplit

from authlib.oidc.core.grants import util as id_tokens
from oidc_provider_mock import User, run_server_in_thread
from runs import idle
from tabs import SCREEN

AUTH_COOKIE = "_streamlit_user"


class Person(NamedTuple):
    """A user of the provider: ``st.user.email`` and ``st.user.name`` after sign-in, and
    ``st.user.sub``, the name typed on the provider's login page (the e-mail unless given)."""

    email: str
    name: str
    sub: str | None = None

    def user(self) -> User:
        return User(sub=self.sub or self.email, claims={"email": self.email, "name": self.name})


class _SecondPerToken:
    """``time`` for the ID tokens of the provider: the real time, but never a second that a
    token has had already (authlib reads ``time.time()`` once per token)."""

    def __init__(self):
        self._last = 0
        self._lock = threading.Lock()

    def time(self) -> float:
        with self._lock:
            self._last = max(int(time.time()), self._last + 1)
            return float(self._last)


class Provider:
    """``oidc-provider-mock`` in a thread on a free port of 127.0.0.1, as a context manager.

    Any client id and secret are accepted. Its login page takes any ``sub``: one of the given
    people, one added with ``add``, or else a new user whose only claim is ``email = sub``.
    """

    def __init__(self, people: list[Person] | tuple[Person, ...] = ()):
        self.people = list(people)
        self._stack = ExitStack()
        self.port = 0

    def __enter__(self) -> Provider:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
        users = [person.user() for person in self.people]
        real_time = id_tokens.time
        id_tokens.time = _SecondPerToken()
        self._stack.callback(setattr, id_tokens, "time", real_time)
        server = self._stack.enter_context(run_server_in_thread(port=0, user_claims=users))
        self.port = server.server_port
        return self

    def __exit__(self, *exc_info) -> None:
        self._stack.close()

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def add(self, person: Person) -> None:
        """Add (or replace) a person while the provider runs (``PUT /users/{sub}``)."""
        user = person.user()
        request = urllib.request.Request(
            f"{self.issuer}/users/{quote(user.sub, safe='')}",
            data=json.dumps(user.claims).encode(),
            headers={"Content-Type": "application/json"},
            method="PUT",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 204, response.status


def write_secrets(path: Path, app_port: int, provider: Provider) -> Path:
    """Write a ``secrets.toml`` whose ``[auth]`` signs in at ``provider`` and comes back to
    ``http://localhost:{app_port}``. Give it to the server with ``--secrets.files PATH``."""
    auth = {
        "redirect_uri": f"http://localhost:{app_port}/oauth2callback",
        "cookie_secret": secrets.token_urlsafe(32),
        "client_id": "ia-data-test",
        "client_secret": secrets.token_urlsafe(16),
        "server_metadata_url": provider.metadata_url,
    }
    lines = ["[auth]", *(f"{key} = {json.dumps(value)}" for key, value in auth.items())]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def sign_in(page, base_url: str, email_or_sub: str, button: str = "Logg inn") -> None:
    """Sign in as ``email_or_sub`` (the person's ``sub``) and wait until the app has run again.

    Opens ``base_url`` (``http://localhost:PORT``) unless the page is already on it, clicks
    the app's ``button`` (which calls ``st.login()``), types the ``sub`` on the provider's
    page and waits for the app's callback to have set the identity cookie.
    """
    base_url = base_url.rstrip("/")
    if not page.url.startswith(base_url):
        page.goto(base_url)
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_url("**/oauth2/authorize?**")
    page.get_by_placeholder("sub").fill(email_or_sub)
    page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(_back_in_app)
    if not _signed_in(page, base_url):
        raise AssertionError(
            f"signed in as {email_or_sub} but {base_url} has no identity cookie: is its host "
            "that of redirect_uri (localhost)?"
        )
    idle(page)


def sign_out(page, button: str = "Logg ut") -> None:
    """Click the app's ``button`` (which calls ``st.logout()``), confirm on the provider's
    end-session page, and wait until the app has run again without the identity cookie."""
    parts = urlsplit(page.url)
    base_url = f"{parts.scheme}://{parts.netloc}"
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_url("**/oauth2/end_session?**")
    page.get_by_role("button", name="End session", exact=True).click()
    page.wait_for_url(_back_in_app)
    if _signed_in(page, base_url):
        raise AssertionError("sign-out left the identity cookie")
    idle(page)


def _back_in_app(url: str) -> bool:
    """Past the provider's pages and the app's own /auth/login and /oauth2callback."""
    return "/oauth2" not in url and "/auth/" not in url


def _signed_in(page, base_url: str) -> bool:
    return any(c["name"].startswith(AUTH_COOKIE) for c in page.context.cookies(base_url))


# --- a signed-in server and browser, as the browser tests use them -------------------------

SHOTS = Path(os.environ["IA_SCREENSHOTS"]) if os.environ.get("IA_SCREENSHOTS") else None


@contextmanager
def signed_in_server(url: str, folder: Path, people: list[Person], **env):
    """``streamlit run app.py`` on ``url`` with sign-in against a local provider that knows
    ``people`` (``env``: more of the server's environment), reached on ``localhost``, the
    host of ``redirect_uri``."""
    from test_browser import Server, _free_port

    with Provider(people) as provider:
        port = _free_port()
        secrets_file = write_secrets(folder / "secrets.toml", port, provider)
        server = Server(
            url,
            folder / "streamlit.log",
            port=port,
            IA_AUTH=None,  # sign-in, not the open mode of the other tests
            STREAMLIT_SECRETS_FILES=str(secrets_file),
            **env,
        )
        server.base = f"http://localhost:{port}"
        try:
            yield server
        finally:
            server.stop()


def signed_in_as(page, person: Person, server):
    """``person`` signed in in ``page``, a new visitor's tab (``tabs``: the process's one, or
    one of a context of its own beside it), once the first run after the callback has named
    who is signed in (or, with no role, said so)."""
    page.set_viewport_size(SCREEN)
    page.goto(server.base)
    page.get_by_role("heading", name="Logg inn").wait_for()
    sign_in(page, server.base, person.email)
    page.get_by_text(person.name).first.wait_for()
    idle(page)
    return page


def screenshot(page, name: str) -> None:
    """With ``IA_SCREENSHOTS=DIR``: the whole page, once its run is done, as ``DIR/name.png``."""
    if SHOTS is not None:
        idle(page)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
