"""Visitors' runs one at a time (``ui.server.turn``): a run waits for the one before it, at
most ``WAIT_FOR_A_TURN`` seconds, and a write gives its turn up while it works."""

# ruff: noqa: SIM300  (the expected value comes first, as in the other tests)

from __future__ import annotations

import threading
import time

import pytest

from ui import server


@pytest.fixture
def turns(monkeypatch):
    """One turn, waited for at most half a second."""
    monkeypatch.setattr(server, "_turns", threading.BoundedSemaphore(1))
    monkeypatch.setattr(server, "WAIT_FOR_A_TURN", 0.5)
    return server


def _run_beside(turns, log: list, name: str, hold: float = 0.0) -> threading.Thread:
    def run():
        with turns.turn():
            log.append(f"{name} in")
            time.sleep(hold)
            log.append(f"{name} out")

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_run_waits_for_the_run_that_has_the_turn(turns):
    log: list[str] = []
    with turns.turn():
        other = _run_beside(turns, log, "other")
        time.sleep(0.2)
        log.append("first out")
    other.join()
    assert ["first out", "other in", "other out"] == log


def test_a_run_waits_no_longer_than_the_limit(turns):
    log: list[str] = []
    with turns.turn():
        started = time.monotonic()
        other = _run_beside(turns, log, "other")
        other.join(timeout=5)
        waited = time.monotonic() - started
        log.append("first out")
    assert ["other in", "other out", "first out"] == log
    assert 0.4 < waited < 3  # it went in after the half second, not when the first left
    with turns.turn():  # and the turn it never had was not given back twice
        assert not turns._turns.acquire(blocking=False)


def test_a_write_gives_its_turn_up_while_it_works_and_takes_it_again(turns):
    log: list[str] = []
    with turns.turn():
        with turns.aside():
            other = _run_beside(turns, log, "other", hold=0.2)
            time.sleep(0.05)
            log.append("write done")
        log.append("first again")  # after the other run has left
        other.join()
    assert ["other in", "write done", "other out", "first again"] == log
    assert turns._turns.acquire(blocking=False)  # every turn is back
    turns._turns.release()


def test_outside_a_run_a_write_takes_no_turn(turns):
    with turns.aside():
        assert turns._turns.acquire(blocking=False)
        turns._turns.release()


def test_a_run_waits_no_longer_than_the_limit_in_all_after_its_writes(turns, monkeypatch):
    """After a write, a run takes its turn back only within what is left of its limit: a
    run that writes twice, and finds the turn taken each time, waits the limit in all, not
    the limit after each write."""
    monkeypatch.setattr(turns, "WAIT_FOR_A_TURN", 1.0)
    release = threading.Event()

    def holder(seconds: float | None, inside: threading.Event):
        with turns.turn():
            inside.set()
            release.wait(seconds)

    with turns.turn():
        started = time.monotonic()
        first, second = threading.Event(), threading.Event()
        with turns.aside():  # another run takes the turn for 0.6 s
            threading.Thread(target=holder, args=(0.6, first)).start()
            first.wait(5)
        back = turns._held.turn  # this run has it again, after about 0.6 s
        with turns.aside():  # another takes it and keeps it
            threading.Thread(target=holder, args=(None, second)).start()
            second.wait(5)
        waited = time.monotonic() - started
        assert not turns._held.turn  # it went on without
    release.set()
    assert back
    assert 0.8 < waited < 1.4  # 1 s in all, not 0.6 + 1
    time.sleep(0.1)
    assert turns._turns.acquire(blocking=False)  # every turn is back, and not twice
    assert not turns._turns.acquire(blocking=False)
    turns._turns.release()


def test_a_turn_inside_a_turn_keeps_the_one_it_has(turns):
    with turns.turn():
        with turns.turn():
            assert not turns._turns.acquire(blocking=False)
        assert turns._held.turn
    assert turns._turns.acquire(blocking=False)
    turns._turns.release()
