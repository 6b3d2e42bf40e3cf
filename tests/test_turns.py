"""Visitors' runs one at a time (``ui.server.turn``): a run waits for the one before it, at
most ``WAIT_FOR_A_TURN`` seconds in all, and a write gives its turn up while it works.

The order of runs is tested with real threads, each step waiting for the one before it (an
event, never a sleep); the limits with a clock the test moves and turns that record how
long a run would wait for them."""

# ruff: noqa: SIM300  (the expected value comes first, as in the other tests)

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from ui import server


class _Signalled:
    """The one turn, saying when a run has begun to wait for it."""

    def __init__(self) -> None:
        self._turn = threading.BoundedSemaphore(1)
        self.asked = threading.Event()

    def acquire(self, blocking: bool = True, timeout: float | None = None) -> bool:
        self.asked.set()
        return self._turn.acquire(blocking, timeout)

    def release(self) -> None:
        self._turn.release()


class _Timed:
    """The one turn on the test's clock: free, or kept by another run (``kept``) for ever;
    a run that waits for a kept turn is recorded with the seconds it would wait, which the
    clock then moves on by."""

    def __init__(self) -> None:
        self.now = 100.0
        self.kept = False
        self.waits: list[float] = []
        self.released = 0

    def acquire(self, blocking: bool = True, timeout: float | None = None) -> bool:
        if not self.kept:
            self.kept = True
            return True
        self.waits.append(timeout)
        self.now += timeout
        return False

    def release(self) -> None:
        self.kept = False
        self.released += 1


@pytest.fixture
def signalled(monkeypatch):
    turns = _Signalled()
    monkeypatch.setattr(server, "_turns", turns)
    return turns


@pytest.fixture
def timed(monkeypatch):
    turns = _Timed()
    monkeypatch.setattr(server, "_turns", turns)
    monkeypatch.setattr(server, "time", SimpleNamespace(monotonic=lambda: turns.now))
    return turns


def _beside(block) -> threading.Thread:
    thread = threading.Thread(target=block, daemon=True)
    thread.start()
    return thread


def test_a_run_waits_for_the_run_that_has_the_turn(signalled):
    log: list[str] = []

    def other():
        with server.turn():
            log.append("other in")

    with server.turn():
        signalled.asked.clear()
        waiting = _beside(other)
        assert signalled.asked.wait(5)  # the other run is waiting for the turn
        log.append("first out")
    waiting.join(5)
    assert ["first out", "other in"] == log


def test_a_write_gives_its_turn_up_while_it_works_and_takes_it_again(signalled):
    log: list[str] = []
    inside, leave = threading.Event(), threading.Event()

    def other():
        with server.turn():
            log.append("other in")
            inside.set()
            leave.wait(5)
            log.append("other out")

    with server.turn():
        with server.aside():
            waiting = _beside(other)
            assert inside.wait(5)  # it went in while this run writes
            log.append("write done")
            leave.set()
        log.append("first again")  # after the other run has left
    waiting.join(5)
    assert ["other in", "write done", "other out", "first again"] == log
    assert signalled.acquire(blocking=False)  # every turn is back


def test_a_run_waits_no_longer_than_the_limit(timed):
    timed.kept = True  # another run has the turn, and keeps it
    with server.turn():
        assert not server._held.turn  # it went on without
    assert [server.WAIT_FOR_A_TURN] == timed.waits
    assert 0 == timed.released  # the turn it never had is not given back


def test_a_run_waits_no_longer_than_the_limit_in_all_after_its_writes(timed):
    """After a write, a run takes its turn back only within what is left of its limit: a
    run that finds the turn taken after its second write waits for what is left of the
    limit, not the limit again."""
    with server.turn():
        with server.aside():  # another run takes the turn while this one writes, 0.6 s
            timed.kept = True
            timed.now += 0.6
            timed.kept = False  # and has left when the write is done
        assert server._held.turn and [] == timed.waits  # taken back at once
        with server.aside():  # another takes it and keeps it; this write takes 0.2 s
            timed.kept = True
            timed.now += 0.2
        assert not server._held.turn  # it went on without
    assert [pytest.approx(server.WAIT_FOR_A_TURN - 0.8)] == timed.waits
    assert 2 == timed.released  # once per write, and not again at the end


def test_outside_a_run_a_write_takes_no_turn(timed):
    with server.aside():
        pass
    assert ([], 0, False) == (timed.waits, timed.released, timed.kept)


def test_a_turn_inside_a_turn_keeps_the_one_it_has(timed):
    with server.turn():
        with server.turn():
            assert server._held.turn
        assert server._held.turn
    assert ([], 1, False) == (timed.waits, timed.released, timed.kept)


class _Watched(threading.Event):
    """The warm-up's imports, saying when a run has begun to wait for them."""

    def __init__(self) -> None:
        super().__init__()
        self.asked = threading.Event()

    def wait(self, timeout: float | None = None) -> bool:
        self.asked.set()
        return super().wait(timeout)


@pytest.fixture
def warming(monkeypatch):
    """A server whose warm-up has begun and is importing."""
    started, imported = threading.Event(), _Watched()
    started.set()
    monkeypatch.setattr(server, "_warming", started)
    monkeypatch.setattr(server, "_imported", imported)
    return imported


def test_a_run_waits_for_the_warm_ups_imports(warming, signalled):
    """Two threads importing SQLAlchemy at once left a half-made module in both (and a
    server that failed every run after): the first visitor's run waits for the imports."""
    log: list[str] = []

    def visitor():
        with server.turn():
            log.append("run")

    waiting = _beside(visitor)
    assert warming.asked.wait(5)  # the run is waiting for the imports
    assert not signalled.asked.is_set() and [] == log  # and has not even asked for a turn
    warming.set()  # the imports are done
    waiting.join(5)
    assert ["run"] == log


def test_the_imports_let_runs_in_when_they_fail(warming, monkeypatch):
    """A warm-up whose imports fail is logged and lets the runs in: they import themselves."""
    import ui

    def broken() -> None:
        raise ImportError("cannot import name 'AdaptedConnection'")

    monkeypatch.setattr(ui, "import_all", broken)
    server._warm()
    assert warming.is_set()


def test_without_a_warm_up_a_run_does_not_wait(monkeypatch, timed):
    """Under AppTest (no server, no warm-up) a run waits for no imports."""
    monkeypatch.setattr(server, "_warming", threading.Event())
    monkeypatch.setattr(server, "_imported", _Watched())
    with server.turn():
        assert server._held.turn
    assert not server._imported.asked.is_set()
