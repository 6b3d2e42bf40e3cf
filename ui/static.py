"""Streamlit's own scripts, styles and fonts (``/static/…``) served from memory.

A new browser session fetches about 140 of Streamlit's script files before it can draw a
page. Streamlit serves each from disk through Starlette's ``StaticFiles`` (a look at the
file and its reading, each in a thread of the pool): a quarter of a second of the server's
CPU for every new session, more than the run of Oversikt on the demo data, spent while the
visitor waits. The files do not change while the server runs (their names carry a hash of
their content), so Streamlit answers each once, and its answer — status, headers and
bytes, as it made them — is kept and given again to every later request for that file.

Only a file that was in Streamlit's ``static/`` folder when the server started is kept,
found by its exact path in that list, and only a whole, plain answer (200, not compressed,
no cookie). Everything else goes on to Streamlit as before: the page itself, a method other
than ``GET`` and ``HEAD``, a request for part of a file or for a file only if it changed,
any other path. What is held is bounded by the folder (about 25 MB); a visitor who opens
every page asks for 161 of its files, about 6 MB."""

from __future__ import annotations

from pathlib import Path

from streamlit import config, file_util
from streamlit.url_util import make_url_path

FOLDER = "static"  # in Streamlit's static root: the hashed scripts and styles, the fonts
# A request for part of a file, or for it only if it changed: Streamlit answers those.
PARTIAL = (b"range", b"if-none-match", b"if-modified-since", b"if-range")
# An answer that is not the file as it is for everyone: never kept.
PERSONAL = (b"content-encoding", b"set-cookie")


class StaticFromMemory:
    """ASGI middleware (``st.App(middleware=…)``): a ``GET`` or ``HEAD`` of a file in
    Streamlit's ``static/`` folder answered, after its first time, as Streamlit answered it
    then."""

    def __init__(self, app, root: Path | None = None, base_url: str | None = None) -> None:
        self.app = app
        root = root or Path(file_util.get_static_dir())
        base = config.get_option("server.baseUrlPath") if base_url is None else base_url
        self.prefix = make_url_path(base or "", "")  # «/», or «/base/»
        self.known = {
            path.relative_to(root).as_posix()
            for path in (root / FOLDER).rglob("*")
            if path.is_file()
        }
        self.held: dict[str, tuple[dict, bytes]] = {}  # name → (its answer's start, body)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            path = scope["path"]
            name = path[len(self.prefix) :] if path.startswith(self.prefix) else None
            if name in self.known and not _has(scope["headers"], PARTIAL):
                if name in self.held:
                    start, body = self.held[name]
                    head = scope["method"] == "HEAD"  # its headers say the file's length
                    await send(start)
                    await send({"type": "http.response.body", "body": b"" if head else body})
                    return
                if scope["method"] == "GET":
                    await self.app(scope, receive, self._keeping(name, send))
                    return
        await self.app(scope, receive, send)

    def _keeping(self, name: str, send):
        """``send``, keeping Streamlit's answer for ``name`` once it is whole."""
        start, chunks = None, []

        async def sending(message) -> None:
            nonlocal start
            await send(message)
            if message["type"] == "http.response.start":
                start = message
            elif start is not None:
                chunks.append(message.get("body", b""))
                whole = not message.get("more_body", False)
                if whole and start["status"] == 200 and not _has(start["headers"], PERSONAL):
                    self.held[name] = start, b"".join(chunks)

        return sending


def _has(headers, names: tuple[bytes, ...]) -> bool:
    """Whether any of the headers is one of ``names``."""
    return any(key.lower() in names for key, _ in headers)
