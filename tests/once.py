"""What a test run makes once and shares between its processes (pytest-xdist's workers):
the folder they share, and a lock around making a thing there, so that the first worker
makes it and the others wait and use it."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def run_folder(tmp_path_factory) -> Path:
    """The temporary folder of the whole run: a worker's own folder lies inside it."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextmanager
def locked(folder: Path, name: str) -> Iterator[None]:
    """Hold the run's lock called ``name`` (one process at a time makes that thing)."""
    with open(folder / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
