"""The cycle collector paused while a workbook is read, checked and stored, and while a
process loads what it keeps for good (``loading_for_good``: a server before its first
visitor, a command as it starts).

An import makes hundreds of thousands of short-lived objects (a 10 000-row report's cells,
rows and activities), none of them in a reference cycle: reference counting frees them all
when the import ends. With the collector running, the young ones are walked again and again
while they are made, and so many survive a young collection that the collector then walks
the whole heap (on a server with Streamlit, pandas and SQLAlchemy loaded, about 100 ms per
walk, every other large import). Paused, none of that happens; the collector runs as before
once the last import in the process has ended.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager

_lock = threading.Lock()
_running = 0  # imports under way in this process
_was_enabled = False


@contextmanager
def collection_paused():
    """Pause the cycle collector for the block, or the call of a function it decorates
    (imports in several threads share one pause: it ends with the last of them, and only if
    the collector was running before)."""
    global _running, _was_enabled
    with _lock:
        if _running == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0 and _was_enabled:
                gc.enable()


@contextmanager
def loading_for_good():
    """Pause the collector while the block loads what lives as long as the process
    (libraries, modules: hundreds of thousands of objects, which it would walk again and
    again while they are made), then set all of it aside from its walks for good
    (``gc.freeze``: nor are they walked once more as the process ends). Frozen before the
    collector runs again: its first run after a long pause would walk them all."""
    with collection_paused():
        yield
        gc.freeze()
