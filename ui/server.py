"""The server before its first visitor: ``streamlit run app.py`` serves ``app.py`` as an
ASGI app (``st.App``) whose lifespan is ``warm_up``. It imports what the pages use (pandas,
Plotly, the library), and on the demo database it loads the demo data's allocation decisions
and newest year, then the older years in the background — so that a newcomer sees Oversikt
within seconds of the first request, not after the imports and 141 workbooks. Nothing here
may stop the server: a failure is logged, and the first visitor's run tries again."""

from __future__ import annotations

import logging
import time
from contextlib import asynccontextmanager

_log = logging.getLogger(__name__)


@asynccontextmanager
async def warm_up(app):
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
    yield
