"""When each part of a page appears in a new browser session, and what holds the browser.

    uv run python benchmarks/paint.py [--visits N] [--app] [address …]

For each address (``--app``: the app on the demo data, without sign-in, started here) and
for the bench's bare page with its chart drawn by Plotly and by Vega-Lite (started here),
``N`` new browser sessions (5 unless said; the first of each is left out): the median
seconds from the request until the run started, the run ended, and the first headline
figure, table, drawn table and chart appeared on the page (a ``MutationObserver`` in the
page), and the browser's long tasks (over 80 ms) of the last visit. A diagnosis beside
``bench.py --pages``, which gives one number per page.

Found with it (2026-12-06, 2 cores): on Oversikt nothing of the page appears until Plotly's
script (4.7 MB) has been evaluated, one task of 0.7 s in the browser; the bare page draws
its table before that task and its chart after it; with the chart drawn by Vega-Lite there
is no such task, and the chart is drawn 0.6 s sooner.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import load
from bench import BARE_PAGE, SAMPLE_REGISTER, Engine, db, free_port, seed

VEGA_PAGE = BARE_PAGE.replace(
    'st.plotly_chart(px.bar(frame, x="Råd", y=["Tildelt", "Brukt"]))',
    'st.bar_chart(frame, x="Råd", y=["Tildelt", "Brukt"])',
)
assert VEGA_PAGE != BARE_PAGE

# What is noted, by the first element that matches (seconds after the request).
MARKS = {
    "run started": "[data-testid=stApp][data-test-script-state=running]",
    "run ended": "[data-testid=stApp][data-test-script-state=notRunning]",
    "figure": "[data-testid=stMetric]",
    "table": "[data-testid=stDataFrame]",
    "table drawn": "[data-testid=stDataFrame] canvas",
    "chart": ".js-plotly-plot .main-svg, [data-testid=stVegaLiteChart] canvas, "
    "[data-testid=stVegaLiteChart] svg",
}
WATCH = """
window.__marks = {}; window.__long = [];
new PerformanceObserver(list => list.getEntries().forEach(
    e => window.__long.push([e.startTime, e.duration]))
).observe({type: "longtask", buffered: true});
new MutationObserver(() => {
    for (const [name, selector] of Object.entries(MARKS)) {
        if (!(name in window.__marks) && document.querySelector(selector)) {
            window.__marks[name] = performance.now();
        }
    }
}).observe(document, {subtree: true, childList: true, attributes: true});
"""


def visits(browser, address: str, count: int) -> tuple[dict[str, float], list]:
    marks: dict[str, list[float]] = {name: [] for name in MARKS}
    long_tasks: list = []
    for n in range(count + 1):
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        page = context.new_page()
        page.add_init_script(f"const MARKS = {MARKS!r};" + WATCH)
        page.goto(address)
        page.wait_for_selector(MARKS["run ended"], timeout=120_000)
        page.wait_for_timeout(4000)  # what the browser draws after the run
        found = page.evaluate("window.__marks")
        long_tasks = page.evaluate("window.__long")
        context.close()
        if n:  # the first visit fills the server's caches
            for name, at in found.items():
                marks[name].append(at / 1000)
    medians = {name: statistics.median(t) for name, t in marks.items() if len(t) == count}
    return medians, [(start / 1000, length / 1000) for start, length in long_tasks if length > 80]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("addresses", nargs="*")
    parser.add_argument("--visits", type=int, default=5)
    parser.add_argument("--app", action="store_true", help="the app on the demo data too")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="ia-paint-"))
    servers, addresses = [], list(args.addresses)
    try:
        for name, script in (("bar side, Plotly", BARE_PAGE), ("bar side, Vega-Lite", VEGA_PAGE)):
            path = folder / f"{name.split()[-1].lower()}.py"
            path.write_text(script, encoding="utf-8")
            port = free_port()
            servers.append(load.start(str(path), port, dict(os.environ)))
            addresses.append(f"http://127.0.0.1:{port}/")
        if args.app:
            port = free_port()
            url = Engine("sqlite", folder).new_url(SAMPLE_REGISTER)
            seed(db.get_engine(url))
            db.dispose_engines()
            servers.append(load.start_app(url, port))
            addresses.append(f"http://127.0.0.1:{port}/")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox"]
            )
            for address in addresses:
                started = time.perf_counter()
                medians, long_tasks = visits(browser, address, args.visits)
                order = sorted(medians.items(), key=lambda item: item[1])
                print(f"{address} ({time.perf_counter() - started:.0f} s)")
                print("  " + " · ".join(f"{name} {at:.2f}" for name, at in order))
                tasks = ", ".join(f"{s:.2f} s + {d:.2f}" for s, d in long_tasks)
                print(f"  long tasks: {tasks or 'none'}")
            browser.close()
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
