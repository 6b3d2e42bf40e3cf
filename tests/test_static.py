"""Streamlit's own files answered from memory (``ui.static``): every file of its static
folder with the same status, headers and bytes as Streamlit's own handler gives, and
everything else left to Streamlit."""

from __future__ import annotations

import asyncio
from contextlib import suppress
from pathlib import Path

import pytest
from starlette.exceptions import HTTPException
from starlette.routing import Router
from streamlit import file_util
from streamlit.web.server.starlette.starlette_static_routes import (
    create_streamlit_static_assets_routes,
)

from ui.static import StaticFromMemory

ROOT = Path(file_util.get_static_dir())


def _call(app, path: str, method: str = "GET", headers: tuple = ()) -> tuple[int, dict, bytes]:
    """One request to an ASGI app: its status, headers and body."""
    scope = {
        "type": "http", "method": method, "path": path, "raw_path": path.encode(),
        "query_string": b"", "headers": list(headers), "root_path": "", "scheme": "http",
        "server": ("127.0.0.1", 8501), "client": ("127.0.0.1", 50000), "http_version": "1.1",
    }  # fmt: skip
    said: dict = {"body": b""}
    asked = []

    async def receive():  # the request, then nothing until the answer is sent
        if asked:
            await asyncio.Event().wait()
        asked.append(True)
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            said["status"], said["headers"] = message["status"], message.get("headers", [])
        else:
            said["body"] += message.get("body", b"")

    asyncio.run(app(scope, receive, send))
    headers = {k.decode(): v.decode() for k, v in said["headers"]}
    return said["status"], headers, said["body"]


class Streamlits:
    """Streamlit's own routes for its static files, as its server mounts them, counting what
    reaches them."""

    def __init__(self, base_url: str = "") -> None:
        self.handler = Router(create_streamlit_static_assets_routes(base_url))
        self.asked: list[str] = []

    async def __call__(self, scope, receive, send):
        self.asked.append(scope["path"])
        await self.handler(scope, receive, send)


def test_every_static_file_is_answered_as_streamlit_answers_it():
    """Each of the folder's files (scripts, styles, fonts): the same status, headers and
    bytes as Streamlit's own handler gives, which is asked the first time only."""
    streamlits = Streamlits()
    ours = StaticFromMemory(streamlits, ROOT, "")
    names = sorted(ours.known)
    assert len(names) > 100 and any(n.endswith(".js") for n in names)
    for name in names:
        theirs = _call(streamlits.handler, f"/{name}")
        assert theirs[0] == 200, name
        first, again = _call(ours, f"/{name}"), _call(ours, f"/{name}")
        assert first == theirs, name
        assert again == theirs, name
    assert streamlits.asked == [f"/{name}" for name in names]
    head = _call(ours, f"/{names[0]}", "HEAD")  # from memory, without the body
    assert head == _call(streamlits.handler, f"/{names[0]}", "HEAD")
    assert head[2] == b""
    assert len(streamlits.asked) == len(names)


@pytest.mark.parametrize(
    "path, method, headers",
    [
        ("/", "GET", ()),  # the page itself
        ("/oversikt", "GET", ()),
        ("/static/../index.html", "GET", ()),  # not a name in the list
        ("/static/js/finnes-ikke.js", "GET", ()),
        ("/_stcore/host-config", "GET", ()),
        ("/static/js/{script}", "POST", ()),
        ("/static/js/{script}", "GET", ((b"range", b"bytes=0-9"),)),
        ("/static/js/{script}", "GET", ((b"if-none-match", b'"x"'),)),
        ("/static/js/{script}", "GET", ((b"if-modified-since", b"Sun, 06 Dec 2026 20:39:54 GMT"),)),
    ],
)
def test_anything_else_goes_on_to_streamlit(path, method, headers):
    streamlits = Streamlits()
    ours = StaticFromMemory(streamlits, ROOT, "")
    script = next(n for n in ours.known if n.startswith("static/js/")).removeprefix("static/js/")
    path = path.format(script=script)
    with suppress(HTTPException):  # Streamlit's 404 or 405, which its server answers with
        _call(ours, path, method, headers)
    assert streamlits.asked == [path]
    assert ours.held == {}


def test_under_a_base_path_the_files_are_answered_there_only():
    streamlits = Streamlits("ia")
    ours = StaticFromMemory(streamlits, ROOT, "ia")
    name = next(n for n in ours.known if n.endswith(".css"))
    for _ in range(2):  # Streamlit's answer, then the same from memory
        status, headers, body = _call(ours, f"/ia/{name}")
        assert (status, headers["content-type"]) == (200, "text/css; charset=utf-8")
        assert body == (ROOT / name).read_bytes()
    assert streamlits.asked == [f"/ia/{name}"]
    with suppress(HTTPException):
        _call(ours, f"/{name}")  # without the base path: Streamlit's to answer
    assert streamlits.asked == [f"/ia/{name}", f"/{name}"]
    assert list(ours.held) == [name]
