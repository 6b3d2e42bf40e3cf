"""The server before its first visitor: ``streamlit run app.py`` serves ``app.py`` as an
ASGI app (``st.App``) whose lifespan is ``warm_up``. In a thread of its own (the server
answers at once, and the browser fetches the page's scripts meanwhile) it imports what the
pages use (pandas, Plotly, the library), and on the demo database it loads the demo data's
allocation decisions and newest year; the older years follow once the first page is drawn —
so that a newcomer sees Oversikt within seconds of the first request, not after the imports
and 141 workbooks. Nothing here may stop the server: a failure is logged, and the first
visitor's run tries again."""

from __future__ import annotations

import logging
import threading
import time
from contextlib import asynccontextmanager

_log = logging.getLogger(__name__)


@asynccontextmanager
async def warm_up(app):
    """The lifespan: the warm-up in a thread of its own, so that the server answers at once
    (the browser fetches the page's scripts meanwhile). A visitor's run that comes first
    waits only for what it needs: an import under way, the demo data's lock."""
    threading.Thread(target=_warm, name="oppvarming", daemon=True).start()
    yield


def _warm() -> None:
    started = time.perf_counter()
    try:
        import pandas  # noqa: F401 - imported now, not in the first visitor's run
        import plotly.graph_objects  # noqa: F401

        import ia_data.output.charts
        import ia_data.reporting.sickness
        import ia_data.reporting.tables  # noqa: F401
        from ui import demo

        demo.start_demo_data()
    except Exception:
        _log.exception("Oppvarmingen før første besøk feilet; første besøk gjør det selv")
    _log.info("Klar til første besøk etter %.1f s", time.perf_counter() - started)
