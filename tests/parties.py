"""Real OS processes that run a short Python script against the library, for the tests in
which several parties act on one database at once (``test_concurrency.py``,
``test_review_concurrency.py``), and the browser tests' ``streamlit run app.py`` servers
(``Served``).

Each party is forked from a server process that has imported the library once
(``multiprocessing``'s forkserver), not started as a new Python that imports SQLAlchemy,
SQLModel and the library again: about a second of CPU each, most of what such a test cost.
A party is still a process of its own, with its own pid, connections and reading worker:
it meets the others at file barriers, can be killed with SIGKILL, and its exit code, its
output and what it wrote to stderr (an uncaught error's traceback, ``sys.exit``'s message)
are the test's to read, as with ``subprocess.Popen``.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# What every party imports, and what a Streamlit server loads before its first page (its
# command line, pandas, Arrow), imported once in the forkserver: nothing there reads the
# environment or a setting, which each process reads from its own (Streamlit its options,
# which ``streamlit run`` parses afresh).
PRELOAD = [
    "ia_data.storage.store", "ia_data.storage.review", "ia_data.domain.access",
    "streamlit.web.cli", "streamlit.web.bootstrap", "pandas", "pyarrow",
]  # fmt: skip

_context = None


def _forkserver():
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD)
    return _context


def _become(env: dict[str, str], argv: list[str], out: str, err: str, cwd: str | None = None):
    """In a forked process: stdout and stderr into the files ``out`` and ``err`` (one file
    for both where they are the same), the environment ``env``, the folder ``cwd`` and the
    arguments ``argv``, as a new Python started so would have them."""
    opened = {
        path: os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600) for path in {out, err}
    }
    os.dup2(opened[out], 1)
    os.dup2(opened[err], 2)
    for file in opened.values():
        os.close(file)
    os.environ.clear()
    os.environ.update(env)
    if cwd is not None:
        os.chdir(cwd)
    sys.argv = argv


def _run(script: str, argv: list[str], env: dict[str, str], out: str, err: str) -> None:
    """In the party: ``_become`` it, then the script as ``python -c`` runs it."""
    _become(env, ["-c", *argv], out, err)
    try:
        exec(compile(script, "<party>", "exec"), {"__name__": "__main__"})
    finally:  # as Python at its exit (a multiprocessing child skips it): the reading worker
        atexit._run_exitfuncs()  # stopped and waited for, not left to whoever adopts it


class Party:
    """One party's process, used as a ``subprocess.Popen`` of ``python -c script *argv``
    with text output: ``pid``, ``poll``, ``wait``, ``kill``, ``communicate``,
    ``returncode``; ``stderr()`` what it has written there so far."""

    def __init__(self, script: str, argv: list[str], env: dict[str, str]) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="ia-party-"))
        self._out, self._err = self._folder / "stdout", self._folder / "stderr"
        self._process = _forkserver().Process(
            target=_run, args=(script, argv, env, str(self._out), str(self._err))
        )
        self._process.start()
        self.pid = self._process.pid

    @property
    def returncode(self) -> int | None:
        return self._process.exitcode

    def poll(self) -> int | None:
        return self._process.exitcode

    def wait(self, timeout: float | None = None) -> int:
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise TimeoutError(f"party {self.pid} still running after {timeout} s")
        return self._process.exitcode

    def kill(self) -> None:
        self._process.kill()

    def stderr(self) -> str:
        return self._err.read_text(errors="replace") if self._err.exists() else ""

    def communicate(self, timeout: float | None = None) -> tuple[str, str]:
        """Wait for the end (killing the party after ``timeout``); its stdout and stderr."""
        self._process.join(timeout)
        if self._process.exitcode is None:
            self.close()
            raise TimeoutError(f"party {self.pid} killed after {timeout} s")
        out = self._out.read_text() if self._out.exists() else ""
        err = self.stderr()
        self.close()
        return out, err

    def close(self) -> None:
        """Kill the party if it still runs, wait for it, and remove its files."""
        if self._process.exitcode is None:
            self.kill()
            self._process.join()
        shutil.rmtree(self._folder, ignore_errors=True)


def _serve(argv: list[str], env: dict[str, str], cwd: str, log: str) -> None:
    """In the server: ``_become`` it (what it prints into ``log``), then Streamlit's command
    line as ``python -m streamlit`` runs it (it exits with the server's code)."""
    _become(env, ["streamlit", *argv], log, log, cwd)
    try:
        from streamlit.web import cli

        cli.main(prog_name="streamlit")
    finally:  # as ``_run``: the reading workers stopped and waited for
        atexit._run_exitfuncs()


class Served:
    """``streamlit *argv`` in ``cwd``, forked from the forkserver rather than started as a new
    Python (about a second and a half of CPU less a server, and half a second sooner up),
    used as a ``subprocess.Popen`` of it: ``pid``, ``poll``, ``terminate``, ``kill``, ``wait``.
    What it prints goes to ``log``."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path, log: Path) -> None:
        self._process = _forkserver().Process(target=_serve, args=(argv, env, str(cwd), str(log)))
        self._process.start()
        self.pid = self._process.pid

    def poll(self) -> int | None:
        return self._process.exitcode

    def terminate(self) -> None:
        self._process.terminate()

    def kill(self) -> None:
        self._process.kill()

    def wait(self, timeout: float | None = None) -> int:
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise subprocess.TimeoutExpired(f"streamlit (pid {self.pid})", timeout)
        return self._process.exitcode


def outcomes(parties: dict[str, Party], timeout: float) -> dict[str, tuple[str, str]]:
    """Each party's stdout and stderr once it has ended; whatever happens (one of them
    hangs past ``timeout``), none is left running."""
    try:
        return {name: party.communicate(timeout) for name, party in parties.items()}
    finally:
        for party in parties.values():
            party.close()
