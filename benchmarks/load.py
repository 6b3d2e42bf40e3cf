"""Many visitors at once, measured on the server's side.

A browser per visitor on a 2-core machine measures the browsers more than the server, so
each visitor here is what a browser is to the server: a WebSocket to ``/_stcore/stream``
that asks for a page (Streamlit's own ``BackMsg``) and reads what the run sends until it
has finished (``ForwardMsg``). A visit counts as served when the run finished on its own,
showed no exception and drew the page's table. The server's CPU is read from ``/proc``
before and after: per visit alone (one after the other), and per visit with all of them at
once. Used by ``bench.py --sessions``.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Visit:
    seconds: float
    elements: Counter
    finished: bool

    @property
    def served(self) -> bool:
        return self.finished and not self.elements["exception"] and self.elements["dataframe"] > 0


async def visit(address: str) -> Visit:
    """One new session asking for the first page (Oversikt)."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    start = time.perf_counter()
    elements: Counter = Counter()
    # What a browser asks for before it opens the session (the page's scripts and styles
    # it keeps in its cache, or a proxy does, so they are left out).
    for path in ("/", "/_stcore/health", "/_stcore/host-config"):
        await asyncio.to_thread(_get, f"http://{address}{path}")
    url = f"ws://{address}/_stcore/stream"
    async with websockets.connect(
        url, subprotocols=["streamlit"], max_size=None, open_timeout=60
    ) as socket:
        ask = BackMsg()
        ask.rerun_script.query_string = ""
        await socket.send(ask.SerializeToString())
        while True:
            message = ForwardMsg()
            message.ParseFromString(await asyncio.wait_for(socket.recv(), 120))
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                elements[message.delta.new_element.WhichOneof("type")] += 1
            if kind == "script_finished":
                finished = message.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY
                return Visit(time.perf_counter() - start, elements, finished)


def _get(url: str) -> None:
    with urllib.request.urlopen(url, timeout=60) as answer:
        answer.read()


def visits_at_once(address: str, count: int) -> list[Visit]:
    async def all_of_them():
        return await asyncio.gather(*(visit(address) for _ in range(count)))

    return asyncio.run(all_of_them())


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a process so far (all its threads)."""
    return cpu_and_start(pid)[0]


def cpu_and_start(pid: int) -> tuple[float, str]:
    """``cpu_seconds`` and when the process started (in clock ticks after boot: with the
    pid, it tells a process from a later one given the same pid)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS, fields[19]


def peak_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM"))
    return int(line.split()[1]) / 1024


def start_app(url: str, port: int, **env_extra: str) -> subprocess.Popen:
    """``streamlit run app.py`` on ``url`` without sign-in, answering on 127.0.0.1:port."""
    env = {**os.environ, "IA_DATABASE_URL": url, "IA_AUTH": "av", **env_extra}
    env.pop("IA_REGISTER_FILE", None)
    return start(str(PROJECT / "app.py"), port, env)


def start(script: str, port: int, env: dict) -> subprocess.Popen:
    """``streamlit run script``, answering on 127.0.0.1:port once it says it is healthy."""
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script,
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        env=env, cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for_health(f"127.0.0.1:{port}", server)
    return server


def wait_for_health(address: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{address}/_stcore/health", timeout=2) as answer:
                if answer.read() == b"ok":
                    return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"{address} stoppet før den svarte") from None
            time.sleep(0.2)
    raise RuntimeError(f"{address} svarte ikke på 90 sekunder")


@dataclass
class Load:
    """One round: the servers' CPU per visit alone and at once, and how the visits went."""

    alone_cpu: float  # CPU seconds of the servers per visit, one visit at a time
    alone_seconds: float  # median seconds of one visit alone
    many: int
    many_cpu: float  # CPU seconds per visit, all at once
    many_seconds: float  # seconds until the last of them had its page
    served: int  # visits at once that got their page
    peak_mb: list[float]  # each server's high-water memory after it all

    @property
    def ratio(self) -> float:
        return self.many_cpu / self.alone_cpu


def measure(address: str, pids: list[int], many: int, alone: int = 5) -> Load:
    """``alone`` visits one after the other, then ``many`` at once, through ``address``."""

    def total() -> float:
        return sum(cpu_seconds(pid) for pid in pids)

    for _ in range(3):  # the first visits fill the caches every later visitor shares
        assert asyncio.run(visit(address)).served, "Oversikt ble ikke vist"
    # What the servers spend with nobody on them (the proxy's health checks, Streamlit's
    # own timers), per second, is taken off each measurement.
    time.sleep(1)
    start, before = time.perf_counter(), total()
    time.sleep(4)
    idle = (total() - before) / (time.perf_counter() - start)

    def spent(run) -> tuple[object, float, float]:
        start, before = time.perf_counter(), total()
        result = run()
        seconds = time.perf_counter() - start
        time.sleep(1)  # the sessions' ends are counted too
        cpu = total() - before - idle * (time.perf_counter() - start)
        return result, seconds, cpu

    def one_after_the_other() -> list[Visit]:
        return [asyncio.run(visit(address)) for _ in range(alone)]

    singles, _, cpu = spent(one_after_the_other)
    assert all(v.served for v in singles), "Oversikt ble ikke vist"
    alone_cpu = cpu / alone
    times = [v.seconds for v in singles]
    visits, many_seconds, cpu = spent(lambda: visits_at_once(address, many))
    many_cpu = cpu / many
    return Load(
        alone_cpu=alone_cpu,
        alone_seconds=sorted(times)[len(times) // 2],
        many=many,
        many_cpu=many_cpu,
        many_seconds=many_seconds,
        served=sum(v.served for v in visits),
        peak_mb=[peak_mb(pid) for pid in pids],
    )


def one_server(url: str, port: int, many: int) -> Load:
    server = start_app(url, port)
    try:
        return measure(f"127.0.0.1:{port}", [server.pid], many)
    finally:
        server.terminate()
        server.wait(timeout=30)


def haproxy_binary() -> str | None:
    path = shutil.which("haproxy") or "/usr/sbin/haproxy"
    return path if Path(path).is_file() else None


def two_servers_behind_haproxy(url: str, ports: tuple[int, int, int], many: int) -> Load | None:
    """Two servers on one database behind HAProxy run with ``deploy/haproxy.cfg``; each
    visit a new WebSocket through the proxy (which spreads them round robin)."""
    if haproxy_binary() is None:
        return None
    with behind_haproxy(url, ports) as (address, pids):
        return measure(address, pids, many)


SHIPPED_PROXY = PROJECT / "deploy" / "haproxy.cfg"


@contextmanager
def behind_haproxy(url: str, ports: tuple[int, int, int], config: Path = SHIPPED_PROXY):
    """Two servers on ``url`` behind HAProxy run with ``config`` (as shipped unless said):
    (the proxy's address, the servers' process ids), stopped at the end."""
    proxy_port, port_a, port_b = ports
    secret = {"STREAMLIT_SERVER_COOKIE_SECRET": "bench-load"}
    servers = [start_app(url, port, **secret) for port in (port_a, port_b)]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "IA_PROXY_BIND": f"127.0.0.1:{proxy_port}",
        "IA_SERVER_A": f"127.0.0.1:{port_a}",
        "IA_SERVER_B": f"127.0.0.1:{port_b}",
    }
    proxy = subprocess.Popen(
        [haproxy_binary(), "-db", "-f", str(config)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        address = f"127.0.0.1:{proxy_port}"
        wait_for_health(address, proxy)
        yield address, [s.pid for s in servers]
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)
        for server in servers:
            server.terminate()
            server.wait(timeout=30)


def uploads_at_once(engine, workbooks: list[tuple[str, bytes]]) -> tuple[list[str], float]:
    """Every workbook imported at the same time, each from a thread of its own (as a
    server's sessions do): the statuses, and seconds until the last was stored."""
    from ia_data.domain.access import OPERATOR
    from ia_data.storage.store import import_file

    def one(item: tuple[str, bytes]) -> str:
        name, data = item
        return import_file(engine, name, data, scope=OPERATOR).status

    start = time.perf_counter()
    with ThreadPoolExecutor(len(workbooks)) as pool:
        statuses = list(pool.map(one, workbooks))
    return statuses, time.perf_counter() - start
