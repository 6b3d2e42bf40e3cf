"""Streamlit's own scripts, styles and fonts (``/static/…``) served from memory.

A new browser session fetches about 140 of Streamlit's script files before it can draw a
page. Streamlit serves each from disk through Starlette's ``StaticFiles`` (a look at the
file and its reading, each in a thread of the pool): a quarter of a second of the server's
CPU for every new session, more than the run of Oversikt on the demo data, spent while the
visitor waits. The files do not change while the server runs (their names carry a hash of
their content), so each is read once, when first asked for, and answered from memory
afterwards, with the headers Streamlit gives it.

Only a file that was in Streamlit's ``static/`` folder when the server started is answered
here, found by its exact path in that list (nothing a request names is looked for on
disk). Everything else goes on to Streamlit as before: the page itself, a method other
than ``GET`` and ``HEAD``, a request for part of a file or for a file only if it changed,
any other path. What is held is bounded by the folder (about 25 MB); a visitor who opens
every page asks for 161 of its files, about 6 MB."""

from __future__ import annotations

import hashlib
import mimetypes
from email.utils import formatdate
from pathlib import Path

from streamlit import config, file_util
from streamlit.url_util import make_url_path
from streamlit.web.server.starlette.starlette_server_config import (
    STATIC_ASSET_CACHE_MAX_AGE_SECONDS,
)

FOLDER = "static"  # in Streamlit's static root: the hashed scripts and styles, the fonts
Answer = tuple[bytes, list[tuple[bytes, bytes]]]  # the body and the headers
# A request for part of a file, or for it only if it changed: Streamlit answers those.
PARTIAL = (b"range", b"if-none-match", b"if-modified-since", b"if-range")


class StaticFromMemory:
    """ASGI middleware (``st.App(middleware=…)``): a ``GET`` or ``HEAD`` of a file in
    Streamlit's ``static/`` folder answered from memory, as Streamlit answers it."""

    def __init__(self, app, root: Path | None = None, base_url: str | None = None) -> None:
        self.app = app
        root = root or Path(file_util.get_static_dir())
        base = config.get_option("server.baseUrlPath") if base_url is None else base_url
        self.prefix = make_url_path(base or "", "")  # «/», or «/base/»
        self.known = {
            path.relative_to(root).as_posix(): path
            for path in (root / FOLDER).rglob("*")
            if path.is_file()
        }
        self.held: dict[str, Answer] = {}

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            path = scope["path"]
            name = path[len(self.prefix) :] if path.startswith(self.prefix) else None
            if name in self.known and not _asks_for_less(scope):
                await self._answer(name, scope, send)
                return
        await self.app(scope, receive, send)

    async def _answer(self, name: str, scope, send) -> None:
        body, headers = self.held.get(name) or self._read(name)
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        head = scope["method"] == "HEAD"
        await send({"type": "http.response.body", "body": b"" if head else body})

    def _read(self, name: str) -> Answer:
        """The file's bytes and the headers Starlette's ``FileResponse`` and Streamlit give
        it: its type, length, time and entity tag, and a year in the browser's cache."""
        path = self.known[name]
        body = path.read_bytes()
        stat = path.stat()
        tag = hashlib.md5(f"{stat.st_mtime}-{stat.st_size}".encode(), usedforsecurity=False)
        etag = f'"{tag.hexdigest()}"'.encode()  # as Starlette makes it
        kind = mimetypes.guess_type(name)[0] or "text/plain"
        if kind.startswith("text/"):
            kind += "; charset=utf-8"
        cache = f"public, immutable, max-age={STATIC_ASSET_CACHE_MAX_AGE_SECONDS}"
        headers = [
            (b"content-type", kind.encode()),
            (b"accept-ranges", b"bytes"),
            (b"content-length", str(len(body)).encode()),
            (b"last-modified", formatdate(stat.st_mtime, usegmt=True).encode()),
            (b"etag", etag),
            (b"cache-control", cache.encode()),
        ]
        self.held[name] = body, headers
        return self.held[name]


def _asks_for_less(scope) -> bool:
    """Whether the request asks for part of the file, or for it only if it has changed."""
    return any(key in PARTIAL for key, _ in scope.get("headers", ()))
