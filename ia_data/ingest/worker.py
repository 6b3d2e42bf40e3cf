"""Workbook reading in a worker process of its own, with a memory and a time limit.

The checks in ``workbook/`` measure a file before calamine reads it (a large .xlsx sheet:
while calamine reads it, see ``read_workbook``), but calamine is native code: a file that
gets past them (or a bug in the reader) could ask for hundreds of gigabytes, and the
process that asked is aborted on the spot. So every file is read in a
separate worker process whose address space is capped at 1 GB and whose reading of one
file is cut off after 30 seconds. Whatever a file does to the reader, the caller gets a
``LoadedWorkbook`` or a ``WorkbookError`` with one Norwegian sentence, and the app or the
CLI goes on serving.

Workers are kept warm and reused (starting Python and calamine takes longer than reading
a normal report); a worker that died or used its memory is replaced by a new one.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import json
import logging
import os
import pickle
import re
import resource
import selectors
import signal
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from ia_data import settings
from ia_data.domain import limits
from ia_data.domain.text import fold
from ia_data.ingest.pause import collection_paused
from ia_data.ingest.workbook import Limits, Sheet, Workbook, WorkbookError, read_at_once_first

UNSAFE = "Filen kunne ikke leses trygt"
_AFTER = (
    "; ingenting er lagret. Lagre arbeidsboka på nytt i Excel eller LibreOffice og last den "
    "opp igjen, og meld fra til administrator om feilen gjentar seg"
)
_HEADER = struct.Struct("<Q")
_log = logging.getLogger(__name__)


@dataclass
class LoadedWorkbook:
    """What the worker read: the sheet names (in the file's order), which of them are
    hidden, and the sheets that were asked for, each as its rows or as the reason it could
    not be read (raised when the sheet is asked for, as ``Workbook.read_sheet`` does)."""

    file_name: str
    sheet_names: list[str]
    hidden: set[str] = field(default_factory=set)
    sheets: dict[str, Sheet | str] = field(default_factory=dict)

    def find_sheets(self, aliases: tuple[str, ...]) -> list[str]:
        """Every sheet whose folded name is one of the folded aliases, in the file's order."""
        wanted = {fold(a) for a in aliases}
        return [name for name in self.sheet_names if fold(name) in wanted]

    def read_sheet(self, name: str) -> Sheet:
        sheet = self.sheets.get(name)
        if sheet is None:
            raise WorkbookError(f"Arket «{name}» ble ikke lest")
        if isinstance(sheet, str):
            raise WorkbookError(sheet)
        return sheet


def load(
    data: bytes, file_name: str, wanted: frozenset[str], checks: Limits, at_once: bool = False
) -> LoadedWorkbook:
    """Open a workbook and read every sheet whose folded name is in ``wanted`` (this is
    what runs inside the worker; ``at_once``: a large sheet's check beside calamine, see
    ``Workbook.read_sheet``)."""
    book = Workbook(data, file_name, checks, at_once=at_once)
    loaded = LoadedWorkbook(file_name, list(book.sheet_names), book.hidden)
    for name in book.sheet_names:
        if fold(name) in wanted:
            try:
                loaded.sheets[name] = book.read_sheet(name)
            except WorkbookError as exc:
                loaded.sheets[name] = str(exc)
    return loaded


# How a file is read: first a large sheet's check beside calamine, then (where the worker
# did not answer) each sheet checked before calamine reads it.
_READINGS = (True, False)


def read_workbook(
    data: bytes, file_name: str, wanted: frozenset[str], checks: Limits | None = None
) -> LoadedWorkbook:
    """Read a workbook in a worker process; raises ``WorkbookError`` with the reason when
    the file is refused or could not be read safely."""
    request = (data, file_name, wanted, checks or Limits.current(), limits.WORKER_SECONDS)
    # First with calamine reading a large sheet beside its check (most files: a sheet's
    # check and its reading take about as long). A worker that did not answer (a file that
    # used up its memory or its time) read the file before the check could refuse it: the
    # file is read again, each sheet checked before calamine reads it, so that a file the
    # checks refuse is refused with their reason, whatever happened first.
    # (Only an .xlsx is read so: a file of another format is read once.)
    readings = _READINGS if read_at_once_first(data) else (False,)
    for at_once in readings:
        with _pool.worker() as worker:
            kind, value = worker.ask((*request, at_once), limits.WORKER_SECONDS + 5)
        if not (kind == "unsafe" and value != STRANGE):
            break
    if kind == "unsafe":  # (said once, for the reading that counts)
        _log.warning("Lesing av %r stoppet: %s", file_name, value)
    if kind == "ok":
        return value
    if kind == "refused":
        raise WorkbookError(value)
    raise WorkbookError(f"{UNSAFE}: {value}{_AFTER}")


def warm_up() -> None:
    """Start a worker now, so that the first file does not wait for one (it does not wait
    for the worker to be ready)."""
    _pool.warm_up()


# --- the parent's side ---------------------------------------------------------------


class _Dead(Exception):
    """The worker is gone; the message says why, in Norwegian."""


class _Strange(Exception):
    """The worker answered with something no worker of ours sends."""


STRANGE = "leseren svarte med noe annet enn det den skal"

# The answer travels as JSON, not pickled: a file that took the worker over through a flaw
# in the reader must not reach the server through its answer, and reading a pickle can
# call, change or allocate what the pickle says (a class's attributes, a memo of
# gigabytes). JSON gives only texts, numbers, lists and dicts, in time and memory in
# proportion to its length; a date goes as a dict of one key. The server builds the
# workbook from it after checking every part's type.
# A cell value JSON has no form for → how it is written, and read back from, a text.
_TAGGED = {
    "date": (dt.date.isoformat, dt.date.fromisoformat),
    "datetime": (dt.datetime.isoformat, dt.datetime.fromisoformat),
    "time": (dt.time.isoformat, dt.time.fromisoformat),
    "timedelta": (
        lambda d: f"{d.days} {d.seconds} {d.microseconds}",
        lambda text: dt.timedelta(*map(int, text.split(" "))),
    ),
}
_BY_TYPE = {getattr(dt, kind): kind for kind in _TAGGED}
_CELL_TYPES = {str, int, float, bool, type(None), *_BY_TYPE}


def _tagged(value) -> dict:
    """A cell value JSON has no form for, as the one-key dict ``_untagged`` reads back."""
    kind = _BY_TYPE.get(type(value))
    if kind is None:
        raise TypeError(f"{type(value).__name__} er ikke en celleverdi")
    return {kind: _TAGGED[kind][0](value)}


def _untagged(found: dict):
    if len(found) != 1:
        raise _Strange
    ((kind, text),) = found.items()
    if kind not in _TAGGED or type(text) is not str:
        raise _Strange
    return _TAGGED[kind][1](text)


def encoded(kind: str, value: LoadedWorkbook | str) -> bytes:
    """The worker's answer as it is sent, UTF-8: ``[kind, message]``, or for ``ok`` the
    workbook's sheet names, hidden sheets and each sheet read (its name as shown and rows,
    or why it could not be read). The file's name is the server's own."""
    if kind != "ok":
        body = [kind, value]
    else:
        sheets = [
            [key, sheet] if isinstance(sheet, str) else [key, sheet.name, sheet.rows]
            for key, sheet in value.sheets.items()
        ]
        body = [kind, value.sheet_names, sorted(value.hidden), sheets]
    text = json.dumps(
        body, default=_tagged, check_circular=False, separators=(",", ":"), ensure_ascii=False
    )
    return text.encode("utf-8", "surrogatepass")  # (a half pair is refused where it is read)


def answer(payload: bytes, file_name: str) -> tuple[str, LoadedWorkbook | str]:
    """A worker's answer to the reading of ``file_name`` read back: ("ok", the workbook),
    ("refused", why) or ("memory", why); anything else, or any part of another type than a
    worker sends, raises ``_Strange``."""
    try:
        text = payload.decode("utf-8")  # strict: no half of a UTF-16 pair gets in unescaped
        found = json.loads(text, object_hook=_untagged, parse_int=_whole)
        kind = found[0]
        if kind in ("refused", "memory") and len(found) == 2 and type(found[1]) is str:
            return kind, found[1]
        if kind != "ok" or len(found) != 4:
            raise _Strange
        # JSON holds a control character or half a pair in a text only as an escape
        # (strict JSON refuses them bare): with none of those escapes in the answer, no
        # text needs looking at (a real answer has none, but where a name the file gives
        # holds one). Looked for in the bytes: in UTF-8 an ASCII byte is always its own
        # character, and a search of bytes is a fraction of one of the decoded text.
        escaped = any(e in payload for e in (b"\\u", b"\\b", b"\\f", b"\\r"))
        return kind, _workbook(file_name, *found[1:], look=escaped)
    except _Strange:
        raise
    except Exception:  # not JSON, too deep, a date that is none, not the shape (TypeError …)
        raise _Strange from None


def _whole(text: str) -> int:
    """A whole number as calamine gives one (64 bits); a longer one is no cell's."""
    number = int(text) if len(text) <= 20 else None
    if number is None or not -(1 << 63) <= number < 1 << 63:
        raise _Strange
    return number


# What no text of a sheet the worker sends holds (its cells, its name as shown, why it
# could not be read): the worker removes control characters but tab and line feed from
# them, and calamine gives no half of a UTF-16 pair. (One would fail only when stored, far
# from the reading that sent it.) The names as the file has them may hold anything.
_NOT_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff]")


def _workbook(file_name, sheet_names, hidden, sheets, look: bool) -> LoadedWorkbook:
    if not (_all_texts(sheet_names) and _all_texts(hidden) and type(sheets) is list):
        raise _Strange
    book = LoadedWorkbook(file_name, sheet_names, set(hidden))
    shown = []
    for entry in sheets:
        if type(entry) is not list or not _all_texts(entry[:2]):
            raise _Strange
        if len(entry) == 2:
            book.sheets[entry[0]] = entry[1]
            continue
        key, name, rows = entry
        if type(rows) is not list or not {list}.issuperset(map(type, rows)):
            raise _Strange
        if not _CELL_TYPES.issuperset(map(type, chain.from_iterable(rows))):
            raise _Strange
        if look:
            shown.extend(v for row in rows for v in row if type(v) is str)
        book.sheets[key] = Sheet(name=name, rows=rows)
    shown.extend(entry[1] for entry in sheets)
    if look and _NOT_IN_TEXT.search("".join(shown)):
        raise _Strange
    return book


def _all_texts(items) -> bool:
    return type(items) is list and {str}.issuperset(map(type, items))


# Two malloc arenas: calamine's thread (workbook/reader.py parses a large sheet in one,
# beside the check) allocates in an arena of its own instead of waiting for the main
# thread's (sharing one cost a large import about a tenth of its time). glibc reserves 64 MB
# of address space for such an arena (64-bit: twice the largest mmap threshold), mostly
# never touched, which the worker's limit counts: it is given on top, so that a file has
# ``limits.WORKER_MEMORY_BYTES`` as with one arena.
_ARENAS = 2
_ADDRESS_SPACE = limits.WORKER_MEMORY_BYTES + (_ARENAS - 1) * (64 << 20)


class _Worker:
    """One worker process, spoken to through its stdin and stdout."""

    def __init__(self) -> None:
        env = settings.child_environment(
            RUST_BACKTRACE="0", PYTHONDONTWRITEBYTECODE="1", MALLOC_ARENA_MAX=str(_ARENAS)
        )
        root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ia_data.ingest.worker", str(_ADDRESS_SPACE)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            bufsize=0,
            close_fds=True,
        )
        self.jobs = 0
        self.fit = True

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def ask(self, request, timeout: float):
        """Send one request and wait for the answer; a worker that dies or does not answer
        in time is ended, and the answer says why."""
        self.jobs += 1
        self.fit = False  # until it has answered well
        payload = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        deadline = time.monotonic() + timeout
        try:
            self._send(_HEADER.pack(len(payload)) + payload)
            size = _HEADER.unpack(self._read(_HEADER.size, deadline))[0]
            if size > limits.WORKER_MEMORY_BYTES:  # more than it could have made
                raise _Strange
            kind, value = answer(self._read(size, deadline), request[1])
        except _Dead as exc:
            kind, value = "unsafe", str(exc)
        except _Strange:
            self.stop()
            kind, value = "unsafe", STRANGE
        except (OSError, EOFError):
            kind, value = "unsafe", self._why_dead()
        if kind == "memory":  # it answered, but a process that ran out of memory is let go
            kind, value = "unsafe", _too_big()
        self.fit = kind != "unsafe" and self.jobs < limits.JOBS_PER_WORKER
        return kind, value

    def _send(self, message: bytes) -> None:
        """All of ``message`` into the worker's stdin. (The pipe is unbuffered, and a write
        of a large file may be cut short when a signal interrupts it: the rest is written
        after, or the worker would wait for it until the time limit.)"""
        stream, view = self.process.stdin, memoryview(message)
        while view:
            view = view[stream.write(view) :]
        stream.flush()

    def _read(self, size: int, deadline: float) -> bytes:
        chunks, left, fd = [], size, self.process.stdout.fileno()
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while left:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not selector.select(remaining):
                    self.stop()
                    raise _Dead(_too_slow())
                chunk = os.read(fd, min(left, 1 << 20))
                if not chunk:
                    raise _Dead(self._why_dead())
                chunks.append(chunk)
                left -= len(chunk)
        return b"".join(chunks)

    def _why_dead(self) -> str:
        self.stop()
        code = self.process.returncode
        if code == -signal.SIGALRM:
            return _too_slow()
        if code in (-signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV, -signal.SIGBUS):
            return _too_big()
        return "leseren stoppet uventet"

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        try:
            self.process.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _too_slow() -> str:
    seconds = f"{limits.WORKER_SECONDS:g}".replace(".", ",")
    return f"lesingen tok mer enn {seconds} sekunder og ble stoppet"


def _too_big() -> str:
    size = f"{limits.WORKER_MEMORY_BYTES / (1 << 30):g}".replace(".", ",")
    return f"lesingen trengte mer enn {size} GB minne og ble stoppet"


class _Pool:
    """Warm workers, at most ``limits.WORKERS`` reading at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._slots = threading.BoundedSemaphore(limits.WORKERS)

    @contextlib.contextmanager
    def worker(self):
        with self._slots:
            with self._lock:
                worker = None
                while self._idle and worker is None:
                    candidate = self._idle.pop()
                    worker = candidate if candidate.alive else None
            worker = worker or _Worker()
            try:
                yield worker
            finally:
                with self._lock:
                    keep = worker.fit and worker.alive and len(self._idle) < limits.WORKERS_IDLE
                    if keep:
                        self._idle.append(worker)
                if not keep:
                    worker.stop()

    def warm_up(self) -> None:
        with self._lock:
            if not self._idle:
                self._idle.append(_Worker())

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.stop()


_pool = _Pool()
atexit.register(_pool.close)


# --- the worker's side ---------------------------------------------------------------


def _read_exactly(stream, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _serve(memory_limit: int) -> None:
    """Answer requests on stdin until it closes: each (data, file name, wanted sheets,
    limits, seconds, at once) with ("ok", LoadedWorkbook), ("refused", message) or
    ("memory", "")."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # the time limit ends the process
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but answers goes to the parent
    while True:
        header = _read_exactly(requests, _HEADER.size)
        if header is None:
            return
        payload = _read_exactly(requests, _HEADER.unpack(header)[0])
        if payload is None:
            return
        data, file_name, wanted, checks, seconds, at_once = pickle.loads(payload)
        del payload
        signal.setitimer(signal.ITIMER_REAL, seconds)
        # A sheet's rows are a hundred thousand new objects, none of them in a cycle: the
        # collector would walk them again and again as they are made (a sixth of the
        # reading). Their counts free them; the collector is back on once the answer is sent.
        with collection_paused():
            try:
                answer = ("ok", load(data, file_name, wanted, checks, at_once))
            except WorkbookError as exc:
                answer = ("refused", str(exc))
            except MemoryError:
                answer = ("memory", "")
            del data
            try:
                body = encoded(*answer)
            except MemoryError:  # the answer itself did not fit
                answer = ("memory", "")
                body = encoded(*answer)
            answers.write(_HEADER.pack(len(body)) + body)
            answers.flush()
        signal.setitimer(signal.ITIMER_REAL, 0)
        if answer[0] == "memory":
            return


if __name__ == "__main__":
    # Run the module's own copy, not this __main__ one (one copy of its classes and state).
    from ia_data.ingest.worker import _serve as serve

    serve(int(sys.argv[1]) if len(sys.argv) > 1 else _ADDRESS_SPACE)
