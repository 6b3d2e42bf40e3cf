"""Where a command's CPU goes, by kind of process: the test suite's, by default.

    uv run python benchmarks/suite_cpu.py [command …]     # default: uv run pytest -q

Runs the command and reads ``/proc`` twice a second meanwhile: every process's CPU time
(user and system), counted from when it was first seen, so the processes that ran before
the command (this machine's own) count only for what they used during it. At the end: the
wall time, the whole machine's busy and idle CPU seconds (``/proc/stat``: a suite that
leaves cores idle waits; one that does not can only be made faster by less work), and the
CPU seconds of each kind of process — Chromium, the Streamlit servers the browser tests
start, the test processes, the reading workers, PostgreSQL, and the rest. A process that
lives less than half a second may be missed; the busy CPU counts it.

Found with it (2026-12-07, 2 cores, the suite on a warm checkout): 686–718 s of CPU in a
377–391 s run (idle about 60 s), Chromium 240 s of it, the two test processes 270 s, the
Streamlit servers 43 s; in Debian's old headless shell of Chromium and without motion the
browser tests took 281 s of CPU instead of 369 (alone: 158 s instead of 201 s), and the
suite 593–661 s in 332–364 s. Two runs of the same code differ by a tenth here: compare
runs made one after the other. Later that day, on a slower machine of the same kind (the
same code in 475 s instead of 282–302 s): 914 s of CPU in 484 s (idle 47 s), the test
processes 433 s, Chromium 253 s, the forked parties (servers, commands) 89 s, the reading
workers 41 s, PostgreSQL 24 s, the kernel's memory monitor ``kdamond`` 8 s (57 s of 411 in
a run of the browser tests alone).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from load import cpu_and_start

KINDS = (  # (kind, a text its command line holds), the first that matches
    ("Chromium", "chrom"),
    ("Streamlit-server", "streamlit run"),
    # The tests' servers, commands and importing parties are forked from one process
    # (tests/parties.py) and carry its command line.
    ("part fra testenes forkserver (servere, kommandoer, importer)", "multiprocessing.forkserver"),
    ("lesearbeider", "ia_data.ingest.worker"),
    ("ia-data (kommandolinjen)", "ia_data.cli"),
    ("testprosess (pytest-xdist)", "execnet"),
    ("testprosess (pytest-xdist)", "import sys;exec(eval(sys.stdin"),
    ("pytest (hovedprosessen)", "bin/pytest"),
    ("PostgreSQL", "postgres"),
    ("Playwright", "playwright"),
    ("HAProxy", "haproxy"),
    ("annen Python-prosess (startet av en test)", "python"),
)


def _kind(command: str) -> str:
    """The kind of a process by its command line; a kernel thread (``[name]``, no command
    line) by its name without its number: the machine's own work."""
    if command.startswith("[") and command.endswith("]"):
        return f"kjernen: {command[1:-1].split('/')[0].rstrip('0123456789.:')}"
    return next((kind for kind, text in KINDS if text in command), "annet")


def _machine() -> tuple[float, float]:
    """The machine's busy and idle CPU seconds since it started."""
    with open("/proc/stat") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    user, nice, system, idle, iowait, irq, softirq = fields[:7]
    return (user + nice + system + irq + softirq) / tick, (idle + iowait) / tick


def _kernel_thread(pid: str) -> bool:
    """Whether the process is one of the kernel's threads (its parent is ``kthreadd``,
    process 2). A process that has ended has no command line either, but keeps the one
    read while it ran."""
    parent = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]
    return pid == "2" or parent == "2"


class Sampler(threading.Thread):
    """Every process's CPU seconds, read twice a second until stopped."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.seen: dict[tuple[str, str], list] = {}  # (pid, start) → [first, last, command]
        self.done = threading.Event()

    def run(self) -> None:
        first_round = True
        while True:
            self._round(first_round)
            first_round = False
            if self.done.wait(0.5):
                self._round(False)
                return

    def _round(self, first_round: bool) -> None:
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                cpu, started = cpu_and_start(int(pid))
                command = Path(f"/proc/{pid}/cmdline").read_bytes()
                if not command and _kernel_thread(pid):  # no command line: its name
                    command = b"[" + Path(f"/proc/{pid}/comm").read_bytes().strip() + b"]"
            except OSError:
                continue
            entry = self.seen.get((pid, started))
            if entry is None:  # a process the rounds before did not see
                entry = self.seen[pid, started] = [cpu if first_round else 0.0, cpu, ""]
            entry[1] = cpu
            # Read each round: a process just forked names its parent until it has started
            # its own program; one that has ended names nothing.
            entry[2] = command.replace(b"\0", b" ").decode(errors="replace") or entry[2]

    def by_kind(self) -> Counter:
        kinds: Counter = Counter()
        for first, last, command in self.seen.values():
            if last > first:
                kinds[_kind(command)] += last - first
        return kinds


def main(argv: list[str]) -> int:
    command = argv or ["uv", "run", "pytest", "-q"]
    sampler = Sampler()
    busy, idle = _machine()
    start = time.monotonic()
    sampler.start()
    code = subprocess.call(command)
    sampler.done.set()
    sampler.join()
    wall = time.monotonic() - start
    busy_after, idle_after = _machine()
    print(f"\n{' '.join(command)}: avsluttet med {code}", file=sys.stderr)
    print(
        f"{wall:.1f} s, maskinens CPU: {busy_after - busy:.1f} s i arbeid, "
        f"{idle_after - idle:.1f} s ledig ({os.cpu_count()} kjerner)",
        file=sys.stderr,
    )
    kinds = sampler.by_kind()
    for kind, seconds in kinds.most_common():
        print(f"  {seconds:8.1f} s  {kind}", file=sys.stderr)
    print(f"  {sum(kinds.values()):8.1f} s  i alt, sett av målingen", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
