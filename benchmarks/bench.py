"""Benchmark: import, the overview query and the Oversikt page, on the demo data and on a
large database (every council 2010–2018, 1 000 activities per council and year), on SQLite
and on PostgreSQL side by side.

Run from the project folder:

    uv run python benchmarks/bench.py            # everything (a few minutes)
    uv run python benchmarks/bench.py --quick    # fewer repetitions
    uv run python benchmarks/bench.py --engine sqlite
    uv run python benchmarks/bench.py --first-start   # the README's first command, timed
    uv run python benchmarks/bench.py --notices       # the daily e-mail run, 2010–2018
    uv run python benchmarks/bench.py --first-visit   # from the printed address, vs a bare page
    uv run python benchmarks/bench.py --sessions      # 20 sessions at once, 20 uploads at once
    uv run python benchmarks/bench.py --pages --engine sqlite  # every page, new sessions
    uv run python benchmarks/bench.py --cli           # the command line's start-up

PostgreSQL is the server in ``IA_TEST_POSTGRES_URL`` (an admin URL, ``…/postgres``), else a
throw-away cluster started from Debian's binaries as the tests start it, but with fsync on.
It builds all its data in a temporary folder (and temporary databases) and prints a table
of medians. It is not part of the test suite: speed is measured here, never asserted in a
test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "tests"))  # the throw-away PostgreSQL of the tests

import load  # noqa: E402  (this folder: many visitors at once, the server's side)
from sqlalchemy import insert  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from ia_data import settings  # noqa: E402
from ia_data.demo import SAMPLE_DIR, SAMPLE_REGISTER  # noqa: E402
from ia_data.demo.seed import seed  # noqa: E402
from ia_data.domain.access import OPERATOR  # noqa: E402
from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules  # noqa: E402
from ia_data.reporting.overview import overview  # noqa: E402
from ia_data.storage import db, derived, version  # noqa: E402
from ia_data.storage.engine import writing  # noqa: E402
from ia_data.storage.models import Activity, Meeting, Report, Upload  # noqa: E402
from ia_data.storage.register import councils  # noqa: E402
from ia_data.storage.store import import_file  # noqa: E402

# The benchmark sets the environment for each database it makes, as the tests do.
settings.follow_environment()

TYPES = ("Konferanse", "Seminar", "Kurs", "Nettverk", "Erfaringssamling", "Dialogmøte")
GOALS = (1, 2, 3, "1, 2", "2, 3", "alle")
TARGETS = {
    "import": "≤ 0,25",
    "query": "≤ 3",
    "rerun": "≤ 250 ms",
    "memory": "≤ 300 MB",
    "cli": "≤ 0,5 s",
}


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# --- data ------------------------------------------------------------------------------


def big_workbook(rows: int = 10_000, council: str = "Troms", year: int = 2015) -> bytes:
    """A council report workbook with ``rows`` activities, in the template's layout."""
    from ia_data.output.template import fill_report, new_report_workbook, workbook_bytes

    rng = random.Random(7)
    activities = []
    for i in range(rows):
        day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        activities.append(
            [day, f"Aktivitet nr. {i} for IA-arbeidet", rng.choice(TYPES), rng.choice(GOALS),
             "Helse og omsorg", rng.randint(5, 120), rng.randint(0, 60_000) + 0.5 * (i % 2),
             rng.choice(("Gjennomført", "Avlyst", "")), "NAV Arbeidslivssenter", "Kommentar"]
        )  # fmt: skip
    book = new_report_workbook(year, rules=load_rules(DEFAULT_RULES_FILE))
    fields = {"IA-råd": council, "Rapportperiode": str(year),
              "Innsendt dato": dt.date(year + 1, 2, 1)}  # fmt: skip
    meetings = [[dt.date(year, m, 10), "Rådsmøte", "NHO, LO, NAV", ""] for m in (2, 5, 9)]
    fill_report(book, fields, ["Svar."] * 5, activities, meetings)
    return workbook_bytes(book)


def build_large(url: str, per_council_year: int = 1_000) -> int:
    """Fill a database with every council of the default register, 2010–2018, straight
    through SQL (the importer's own speed is measured separately)."""
    engine = db.get_engine(url)
    rules = load_rules(DEFAULT_RULES_FILE)
    rng = random.Random(2018)
    now = dt.datetime.now(dt.UTC)
    total = 0
    with writing(), Session(engine) as session:
        infos = councils(session)
        for year in range(2010, 2019):
            periods = rules.periods(year)
            for council in (c for c in infos if c.exists_in(year)):
                for period in periods:
                    upload = Upload(file_name=f"{council.id}-{year}-{period.code}.xlsx",
                                    sha256=f"{council.id}-{year}-{period.code}", size=1,
                                    uploaded_at=now, council_id=council.id, year=year,
                                    period=period.code, content=b"")  # fmt: skip
                    session.add(upload)
                    session.flush()
                    report = Report(upload_id=upload.id, council_id=council.id, year=year,
                                    period=period.code,
                                    submitted=period.due - dt.timedelta(days=rng.randint(-20, 30)),
                                    action_plan=True)  # fmt: skip
                    session.add(report)
                    session.flush()
                    n = per_council_year // len(periods)
                    span = (period.end - period.start).days
                    rows = []
                    for i in range(n):
                        goals = rng.choice(((1,), (2,), (3,), (1, 2), (1, 2, 3)))
                        rows.append({
                            "report_id": report.id,
                            "date": period.start + dt.timedelta(days=rng.randint(0, span)),
                            "title": f"Aktivitet {i}", "type": rng.choice(TYPES),
                            "goal_1": 1 in goals, "goal_2": 2 in goals, "goal_3": 3 in goals,
                            "sector": "Industri", "participants": 20,
                            "cost_ore": rng.randint(0, 2_000_000),
                            "status": "Avlyst" if rng.random() < 0.05 else "Gjennomført",
                            "organiser": "", "comment": "", "source_row": i + 4,
                        })  # fmt: skip
                    session.exec(insert(Activity), params=rows)
                    session.exec(insert(Meeting), params=[
                        {"report_id": report.id, "date": period.start, "kind": "Rådsmøte",
                         "present": "", "comment": "", "source_row": 4}
                    ])  # fmt: skip
                    total += n
        derived.backfill(session)  # the per-report totals an import computes as it stores
        version.bump_data_version(session)
        session.commit()
    return total


# --- measurements ----------------------------------------------------------------------


def bench_import(repeat: int, new_url) -> tuple[float, float]:
    """Median import of a 10 000-activity workbook into a new database, its schema and
    register already there (as on a running server), and of pandas only reading it: the
    two taken in turn (an import, then a read, ``repeat`` times after one of each that
    starts the reading worker and warms the code), which is what compares on a machine
    whose speed drifts."""
    import pandas as pd

    data = big_workbook()
    ours, theirs = [], []
    for k in range(repeat + 1):
        target = db.get_engine(new_url())
        start = time.perf_counter()
        result = import_file(target, "stor.xlsx", data, scope=OPERATOR)
        took = time.perf_counter() - start
        assert result.status == "lagret", result.message
        start = time.perf_counter()
        pd.read_excel(io.BytesIO(data), engine="openpyxl", sheet_name=None)
        read = time.perf_counter() - start
        if k:
            ours.append(took)
            theirs.append(read)
    return statistics.median(ours), statistics.median(theirs)


def bench_query(url: str, year: int, repeat: int) -> float:
    engine = db.get_engine(url)
    rules = load_rules(DEFAULT_RULES_FILE)

    def run():
        with Session(engine) as session:
            rows = overview(session, year, dt.date(2019, 6, 1), rules, scope=OPERATOR)
            assert rows

    run()
    return median_time(run, repeat)


# The app as the oversight group's admin uses it: sign-in configured, an admin signed in, so
# every run reads the role from the database as it does in production.
BENCH_ADMIN = "bench-admin@example.no"
BENCH_AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "bench",
    "client_id": "bench",
    "client_secret": "bench",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def signed_in_app(app_test):
    """``AppTest`` of app.py with ``BENCH_ADMIN`` signed in (``IA_ADMIN_EMAILS``)."""
    at = app_test.from_file(str(PROJECT / "app.py"), default_timeout=120)
    at.secrets["auth"] = dict(BENCH_AUTH)
    at.user = {"is_logged_in": True, "email": BENCH_ADMIN, "name": "Bench"}
    at.user.update(sub="bench", iat=1)  # the ID token's account and issue time (ui.auth)
    return at


def bench_rerun(url: str, repeat: int, register: Path | None) -> float:
    from streamlit.testing.v1 import AppTest

    os.environ["IA_DATABASE_URL"] = url
    os.environ["IA_ADMIN_EMAILS"] = BENCH_ADMIN
    os.environ.pop("IA_AUTH", None)
    if register:
        os.environ["IA_REGISTER_FILE"] = str(register)
    else:
        os.environ.pop("IA_REGISTER_FILE", None)
    at = signed_in_app(AppTest).run()
    assert not at.exception and at.dataframe, "Oversikt did not render"
    return median_time(lambda: at.run(), repeat)


FIRST_RENDER = """
import os, sys, time
start = time.perf_counter()
sys.path.insert(0, os.path.dirname(sys.argv[2]))
from bench import signed_in_app
from streamlit.testing.v1 import AppTest
at = signed_in_app(AppTest)
t = time.perf_counter(); at.run(); run = time.perf_counter() - t
assert not at.exception and at.dataframe
print(run, time.perf_counter() - start)
"""


def bench_first_render(url: str, register: Path | None) -> tuple[float, float]:
    env = {**os.environ, "IA_DATABASE_URL": url, "IA_ADMIN_EMAILS": BENCH_ADMIN}
    env.pop("IA_AUTH", None)
    if register:
        env["IA_REGISTER_FILE"] = str(register)
    done = subprocess.run([sys.executable, "-c", FIRST_RENDER, str(PROJECT / "app.py"), __file__],
                          env=env, capture_output=True, text=True, check=True)  # fmt: skip
    run, total = map(float, done.stdout.split())
    return run, total


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_server_memory(url: str) -> float | None:
    """Peak resident memory (MB) of a real server after one visitor, in Chromium, has opened
    Oversikt for three years, then every page of the menu, and Råd on two councils (the
    pages that list the most)."""
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        return None
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = load.start_app(url, port)  # no sign-in in Chromium here
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(chromium),
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync"],
            )  # fmt: skip
            page = browser.new_page(viewport={"width": 1440, "height": 1200})
            open_every_view(page, f"http://127.0.0.1:{port}")
            browser.close()
        return load.peak_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)


IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"


def open_every_view(page, base: str) -> None:
    """Oversikt for three years, every page of the menu, and Råd on two councils (the pages
    that list the most), in one browser session, each until its run has finished."""
    from pages import open_titles  # the menu's pages, as the browser tests open them

    walk = [f"?ar={year}" for year in (2018, 2014, 2010)]
    walk += [*open_titles(default=""), "rad?rad=3", "rad?rad=9&ar=2014"]
    for path in walk:
        page.goto(f"{base}/{path}")
        page.get_by_role("heading").first.wait_for(timeout=120_000)
        page.wait_for_timeout(300)  # the run has started
        page.wait_for_selector(IDLE, timeout=120_000)


# The pages a new visitor is timed on (``--pages``): title → address.
TIMED_PAGES = {
    "Oversikt": "", "Frister": "frister", "Økonomi": "okonomi", "Aktiviteter": "aktiviteter",
    "Råd (rad=3)": "rad?rad=3", "Avvik": "avvik", "Gjennomgang": "gjennomgang",
    "Varsler": "varsler",
}  # fmt: skip


def visit(browser, address: str, table: bool = True) -> float:
    """A new browser session (nothing in its cache): seconds until the run has finished and,
    where the page has one (``table``), the first table is drawn. (Whether it has one is
    known beforehand, ``has_table``: asked at the end of the run, a table whose script the
    browser has not loaded yet is not on the page, and a slow visit would count as quick.)"""
    context, page = _new_session(browser)
    start = time.perf_counter()
    _until_the_run_ends(page, address)
    if table:
        page.get_by_test_id("stDataFrame").first.locator("canvas").first.wait_for()
    seconds = time.perf_counter() - start
    context.close()
    return seconds


def has_table(browser, address: str) -> bool:
    """Whether the page at ``address`` shows a table, once everything on it is drawn."""
    context, page = _new_session(browser)
    _until_the_run_ends(page, address)
    page.wait_for_timeout(3000)  # the components' scripts loaded and drawn
    found = page.get_by_test_id("stDataFrame").count() > 0
    context.close()
    return found


def _new_session(browser):
    """A browser context of its own (an empty cache, no cookies) and its page."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(120_000)
    return context, page


def _until_the_run_ends(page, address: str) -> None:
    page.goto(address)
    page.get_by_role("heading").first.wait_for()
    page.wait_for_timeout(200)  # the run has started
    page.wait_for_selector(IDLE)


def bench_pages(url: str, rounds: int) -> tuple[dict[str, float], float, float]:
    """Every page in a new browser session, against the bare page (``BARE_PAGE``), each
    server started afresh; first one session opens every view of the app (and the bare page
    once), then the pages and the bare page take turns, ``rounds`` times. Gives each page's
    median as a ratio to the bare page's, and both servers' high-water memory (MB)."""
    from playwright.sync_api import sync_playwright

    bare = bare_page()
    app_port, bare_port = free_port(), free_port()
    app = load.start_app(url, app_port)
    plain = load.start(str(bare), bare_port, dict(os.environ))
    app_base, bare_base = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{bare_port}"

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox"]
            )
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            open_every_view(page, app_base)
            page.close()
            visit(browser, bare_base)
            tables = {p: has_table(browser, f"{app_base}/{p}") for p in TIMED_PAGES.values()}
            times: dict[str, list[float]] = {"": [], **{name: [] for name in TIMED_PAGES}}
            for _ in range(rounds):
                for name, path in TIMED_PAGES.items():
                    times[""].append(visit(browser, bare_base))
                    times[name].append(visit(browser, f"{app_base}/{path}", tables[path]))
            browser.close()
        base = statistics.median(times.pop(""))
        ratios = {name: statistics.median(t) / base for name, t in times.items()}
        medians = ", ".join(f"{name} {statistics.median(t):.2f}" for name, t in times.items())
        print(f"{url}: bar side {base:.2f} s; {medians} s", file=sys.stderr)
        return ratios, load.peak_mb(app.pid), load.peak_mb(plain.pid)
    finally:
        for server in (app, plain):
            server.terminate()
            server.wait(timeout=30)


def pages_only(tmp: Path, rounds: int) -> None:
    """``--pages``: every page in a new session, on the demo data and on the large set
    (SQLite), as ratios to the bare page of the same run."""
    engine = Engine("sqlite", tmp)
    demo_url = engine.new_url(SAMPLE_REGISTER)
    seed(db.get_engine(demo_url))
    large_url = engine.new_url()
    build_large(large_url)
    db.dispose_engines()
    found = {
        "demodata": bench_pages(demo_url, rounds),
        "stor database": bench_pages(large_url, rounds),
    }
    print("\n| Side, ny økt (forhold til en bar side) | demodata | stor database | Mål |")
    print("|---|---|---|---|")
    for name in TIMED_PAGES:
        cells = " | ".join(f"{found[k][0][name]:.2f}×" for k in found)
        print(f"| {name} | {cells} | ≤ 1,3× |".replace(".", ","))
    memory = " | ".join(f"{found[k][1]:.0f} MB ({found[k][1] / found[k][2]:.2f}×)" for k in found)
    print(f"| Serverens høyeste minne etter alt dette (bar side: {found['demodata'][2]:.0f} MB)"
          f" | {memory} | ≤ 300 MB |".replace(".", ","))  # fmt: skip


def _three_ports() -> tuple[int, int, int]:
    return free_port(), free_port(), free_port()


def bench_proxy_cache(tmp: Path, rounds: int) -> None:
    """``--proxy-cache``: new browser sessions on Oversikt (the demo data, SQLite) through
    HAProxy in front of two servers, with ``deploy/haproxy.cfg`` as shipped and with its
    cache of Streamlit's frontend files taken out, the two taking turns: each visit's
    seconds and the servers' CPU for it (medians)."""
    from playwright.sync_api import sync_playwright

    if load.haproxy_binary() is None:
        print("Ingen HAProxy på maskinen (apt-get install haproxy)")
        return
    url = Engine("sqlite", tmp).new_url(SAMPLE_REGISTER)
    seed(db.get_engine(url))
    db.dispose_engines()
    shipped = load.SHIPPED_PROXY.read_text(encoding="utf-8")
    uncached = "".join(line for line in shipped.splitlines(True) if "cache-use" not in line)
    assert uncached != shipped, "deploy/haproxy.cfg bruker ikke lenger mellomlageret"
    plain = tmp / "haproxy-uten-mellomlager.cfg"
    plain.write_text(uncached, encoding="utf-8")
    setups = {"som levert (med mellomlager)": load.SHIPPED_PROXY, "uten mellomlageret": plain}
    found: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in setups}
    with ExitStack() as stack, sync_playwright() as playwright:
        proxies = {
            name: stack.enter_context(load.behind_haproxy(url, _three_ports(), config))
            for name, config in setups.items()
        }
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"]
        )
        for address, _ in proxies.values():  # the servers' own caches (and the proxy's) filled
            visit(browser, f"http://{address}/")
        for round_ in range(rounds):  # the two take turns going first
            for name, (address, pids) in list(proxies.items())[:: 1 if round_ % 2 else -1]:
                before = sum(load.cpu_seconds(pid) for pid in pids)
                found[name][0].append(visit(browser, f"http://{address}/"))
                time.sleep(1)  # the session's end counted too
                found[name][1].append(sum(load.cpu_seconds(pid) for pid in pids) - before)
        browser.close()
    print("\n| Ny nettleserøkt på Oversikt, HAProxy og to servere | besøket | serverenes CPU |")
    print("|---|---|---|")
    for name, (seconds, cpu) in found.items():
        print(
            f"| {name} | {statistics.median(seconds):.2f} s | "
            f"{statistics.median(cpu):.2f} s |".replace(".", ",")
        )


class Engine:
    """New databases on one engine: SQLite files in a folder, or PostgreSQL databases."""

    def __init__(self, name: str, tmp: Path, cluster=None):
        self.name, self.tmp, self.cluster = name, tmp, cluster
        self.count = 0

    def new_url(self, register: Path | None = None) -> str:
        self.count += 1
        if self.name == "sqlite":
            if register:
                os.environ["IA_REGISTER_FILE"] = str(register)
            else:
                os.environ.pop("IA_REGISTER_FILE", None)
            url = f"sqlite:///{self.tmp / f'{self.count}.db'}"
            db.get_engine(url)  # made with its register
            return url
        return self.cluster.new_database(register)


def measure(engine: Engine, repeat: int) -> dict:
    print(f"{engine.name}: bygger data …", flush=True)
    demo_url = engine.new_url(SAMPLE_REGISTER)
    seed(db.get_engine(demo_url))
    large_url = engine.new_url()
    start = time.perf_counter()
    count = build_large(large_url)
    with Session(db.get_engine(large_url)) as session:
        reports = len(session.exec(select(Report.id)).all())
    print(f"{engine.name}: stor database: {count:,} aktiviteter i {reports} rapporter "
          f"({time.perf_counter() - start:.1f} s)".replace(",", " "), flush=True)  # fmt: skip
    ours, theirs = bench_import(repeat, engine.new_url)
    figures = {
        "import": ours, "pandas": theirs,
        "q_demo": bench_query(demo_url, 2016, repeat * 5),
        "q_large": bench_query(large_url, 2016, repeat * 5),
        "r_demo": bench_rerun(demo_url, repeat * 3, SAMPLE_REGISTER),
    }  # fmt: skip
    db.dispose_engines()
    figures["r_large"] = bench_rerun(large_url, repeat * 3, None)
    figures["first_demo"] = bench_first_render(demo_url, SAMPLE_REGISTER)
    figures["first_large"] = bench_first_render(large_url, None)
    figures["memory"] = bench_server_memory(large_url)
    db.dispose_engines()
    return figures


def rows_of(f: dict) -> list[str]:
    memory = "ingen Chromium" if f["memory"] is None else f"{f['memory']:.0f} MB"
    return [
        f"{f['import'] * 1000:.0f} ms", f"{f['pandas'] * 1000:.0f} ms",
        f"{f['import'] / f['pandas']:.2f}",
        f"{f['q_demo'] * 1000:.1f} ms", f"{f['q_large'] * 1000:.1f} ms",
        f"{f['q_large'] / f['q_demo']:.2f}",
        f"{f['r_demo'] * 1000:.0f} ms", f"{f['r_large'] * 1000:.0f} ms",
        f"{f['first_demo'][0] * 1000:.0f} ms ({f['first_demo'][1]:.1f} s)",
        f"{f['first_large'][0] * 1000:.0f} ms ({f['first_large'][1]:.1f} s)",
        memory,
    ]  # fmt: skip


MEASURES = [
    ("Import av 10 000 aktiviteter (lese, kontrollere, lagre)", ""),
    ("pandas.read_excel(engine='openpyxl'), bare lese", ""),
    ("  forhold import / pandas", TARGETS["import"]),
    ("Oversiktsspørring, demodata", ""),
    ("Oversiktsspørring, stor database", ""),
    ("  forhold stor / demo", TARGETS["query"]),
    ("Oversikt, ny kjøring (AppTest), demodata", ""),
    ("Oversikt, ny kjøring (AppTest), stor database", TARGETS["rerun"]),
    ("Oversikt, første visning i ny prosess (prosessen), demo", ""),
    ("Oversikt, første visning i ny prosess (prosessen), stor", ""),
    ("Serverens høyeste minnebruk, stor database, hver side", TARGETS["memory"]),
]


SESSIONS_AT_ONCE = 20


def bench_sessions(names: list[str], tmp: Path, cluster) -> None:
    """Twenty new sessions on Oversikt at once against one server on the large set (and on
    PostgreSQL against two behind HAProxy), measured on the servers' side, and twenty
    uploads at once on PostgreSQL."""
    many = SESSIONS_AT_ONCE
    rows = []
    for name in names:
        engine = Engine(name, tmp, cluster)
        url = engine.new_url()
        count = build_large(url)
        shown = f"{count:,}".replace(",", " ")
        print(f"{name}: stor database, {shown} aktiviteter", flush=True)
        db.dispose_engines()
        rows.append((f"{name}, én server", load.one_server(url, free_port(), many)))
        if name == "postgresql":
            ports = (free_port(), free_port(), free_port())
            two = load.two_servers_behind_haproxy(url, ports, many)
            rows.append((f"{name}, to servere bak HAProxy", two))
    print(
        f"\n| Oppsett (stor database) | CPU per økt alene | CPU per økt, {many} samtidig | "
        f"forhold (mål ≤ 1,2) | én økt alene | alle {many} ferdige | fikk siden | "
        "høyeste minne |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for setup, f in rows:
        if f is None:
            print(f"| {setup} | ingen HAProxy på maskinen | | | | | | |")
            continue
        memory = " + ".join(f"{m:.0f}" for m in f.peak_mb)
        line = (f"| {setup} | {f.alone_cpu:.2f} s | {f.many_cpu:.2f} s | {f.ratio:.2f} | "
                f"{f.alone_seconds:.2f} s | {f.many_seconds:.1f} s | {f.served} av {f.many} | "
                f"{memory} MB |")  # fmt: skip
        print(line.replace(".", ","))
    if "postgresql" in names:
        engine = db.get_engine(Engine("postgresql", tmp, cluster).new_url())
        infos = [c for c in _register_councils(engine) if c.exists_in(2015) and c.exists_in(2016)]
        books = [(f"{c.id}-{year}.xlsx", big_workbook(1_000, c.name, year))
                 for year in (2015, 2016) for c in infos][:many]  # fmt: skip
        statuses, seconds = load.uploads_at_once(engine, books)
        stored = sum(status == "lagret" for status in statuses)
        with Session(engine) as session:
            activities = len(session.exec(select(Activity.id)).all())
        shown = f"{activities:,}".replace(",", " ")
        print(f"\n{len(books)} opplastinger samtidig på PostgreSQL (1 000 aktiviteter hver): "
              f"{stored} lagret, {shown} aktiviteter i databasen, alle ferdige på "
              f"{seconds:.1f} s".replace(".", ","))  # fmt: skip


def bench_cli(names: list[str], tmp: Path, cluster, repeat: int) -> None:
    """The installed ``ia-data`` as an operator starts it, each command a new process (one
    run first, so that Python has compiled the code as on a second use): seconds from start
    until it has answered, for ``--help``, ``history`` of three uploads, and a file refused
    after it is read (the demo's Troms report offered to a database of real reports)."""
    program = str(Path(sys.executable).with_name("ia-data"))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE",)}
    refused = str(SAMPLE_DIR / "rapport_2015_Ar_ia-radet-i-troms.xlsx")
    print(f"\n| Kommando (median av {repeat} starter) | " + " | ".join(names) + " | Mål |")
    print("|---|" + "---|" * len(names) + "---|")
    times: dict[str, list[str]] = {"--help": [], "history": [], "en avvist fil": []}
    for name in names:
        url = Engine(name, tmp, cluster).new_url()
        for council in ("Troms", "Nordland", "Finnmark"):
            data = big_workbook(50, council, 2015)
            result = import_file(db.get_engine(url), f"{council}.xlsx", data, scope=OPERATOR)
            assert result.status == "lagret", result.message
        db.dispose_engines()
        commands = {
            "--help": (["--help"], 0),
            "history": (["--db", url, "history"], 0),
            "en avvist fil": (["--db", url, "import", "--dry-run", refused], 1),
        }
        for label, (args, code) in commands.items():

            def run(args=args, code=code):
                done = subprocess.run([program, *args], env=env, capture_output=True)
                assert done.returncode == code, (args, done.stdout.decode(), done.stderr.decode())

            run()
            times[label].append(f"{median_time(run, repeat):.2f} s".replace(".", ","))
    for label, values in times.items():
        print(f"| `ia-data {label}` | " + " | ".join(values) + f" | {TARGETS['cli']} |")


def _register_councils(engine):
    with Session(engine) as session:
        return councils(session)


def bench_first_start(repeat: int) -> list[float]:
    """The README's first command on a machine that has never run it: ``streamlit run
    app.py`` with no demo database yet, and a browser asking for the first page once the
    server answers its health check — seconds from that request until Oversikt's table is
    drawn."""
    env = {k: v for k, v in os.environ.items() if k not in ("IA_DATABASE_URL", "IA_AUTH")}
    with without_demo_database() as fresh:
        return [first_visit("app.py", env, after_health=True, before=fresh) for _ in range(repeat)]


@contextmanager
def without_demo_database():
    """``data/demo.db`` moved aside for the runs and put back after; gives what removes the
    one a run made (each run is a first start)."""
    folder = PROJECT / "data"
    names = ("demo.db", "demo.db-wal", "demo.db-shm")
    kept = Path(tempfile.mkdtemp(prefix="ia-bench-demo-"))
    for name in names:
        if (folder / name).exists():
            (folder / name).rename(kept / name)

    def fresh() -> None:
        for name in names:
            (folder / name).unlink(missing_ok=True)

    try:
        yield fresh
    finally:
        fresh()
        for name in names:
            if (kept / name).exists():
                (kept / name).rename(folder / name)


BARE_PAGE = """
import pandas as pd
import plotly.express as px
import streamlit as st

st.title("Oversikt")
for column, i in zip(st.columns(5), range(5), strict=True):
    column.metric(f"Tall {i}", f"{i * 1000:,}")
rows = range(18)
frame = pd.DataFrame({"Råd": [f"Råd {i}" for i in rows], "Tildelt": [i * 1000 for i in rows],
                      "Brukt": [i * 900 for i in rows]})
st.dataframe(frame)
st.plotly_chart(px.bar(frame, x="Råd", y=["Tildelt", "Brukt"]))
"""


def bare_page() -> Path:
    """``BARE_PAGE`` written to a file of its own, for ``streamlit run``."""
    bare = Path(tempfile.mkdtemp(prefix="ia-bench-bare-")) / "bare.py"
    bare.write_text(BARE_PAGE, encoding="utf-8")
    return bare


def first_visit(script: str, env: dict, *, after_health: bool = False, before=None) -> float:
    """Start ``streamlit run script`` (``before()`` first) and, the moment it prints its
    address (``after_health``: once it answers its health check), open that address in a new
    Chromium: seconds until the first table is drawn (what a newcomer waits)."""
    from playwright.sync_api import sync_playwright

    if before is not None:
        before()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        for line in server.stdout:
            if "URL:" in line:
                break
        # what the server says after its address is read on, or a full pipe would stop it
        threading.Thread(target=server.stdout.read, daemon=True).start()
        if after_health:
            load.wait_for_health(f"127.0.0.1:{port}", server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox"]
            )
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            start = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
            page.get_by_test_id("stDataFrame").first.wait_for(timeout=120_000)
            seconds = time.perf_counter() - start
            browser.close()
        return seconds
    finally:
        server.terminate()
        server.wait(timeout=30)


def bench_first_visit(repeat: int) -> tuple[list[float], list[float]]:
    """The first visit from the printed address: the app with no ``data/demo.db`` yet, and a
    bare Streamlit page (five metrics, an 18-row table, a Plotly chart), each started afresh,
    interleaved."""
    env = {k: v for k, v in os.environ.items() if k not in ("IA_DATABASE_URL", "IA_AUTH")}
    ours, theirs = [], []
    with without_demo_database() as fresh:
        bare = bare_page()
        for _ in range(repeat):
            ours.append(first_visit("app.py", env, before=fresh))
            theirs.append(first_visit(str(bare), env))
    return ours, theirs


def prepare_notices(url: str) -> None:
    """The large database as the notices see it: a receipt for every report but the 2018
    reports of five councils (missing), a review state for each (some waiting, some sent
    back), and per council a secretariat user and a contact address."""

    from ia_data.domain.access import Actor
    from ia_data.notices.choices import set_council_contact
    from ia_data.storage.models import Receipt, Review
    from ia_data.storage.users import set_user

    engine = db.get_engine(url)
    stamp = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    with writing(), Session(engine) as session:
        reports = session.exec(select(Report)).all()
        missing = sorted({r.council_id for r in reports})[:5]
        for n, r in enumerate(reports):
            key = {"council_id": r.council_id, "year": r.year, "period": r.period}
            if r.year == 2018 and r.council_id in missing:
                continue  # stored straight through SQL, but as if it never arrived
            received = dt.datetime.combine(r.submitted, dt.time(9), dt.UTC)
            session.add(Receipt(**key, received_at=received, upload_id=r.upload_id))
            state = ("Mottatt", "Trenger retting", "Godkjent", "Godkjent")[n % 4]
            session.add(Review(**key, state=state, upload_id=r.upload_id, updated_at=stamp))
        session.commit()
    with Session(engine) as session:
        infos = councils(session)
    admin = Actor("Benk")
    for c in infos:
        set_user(engine, f"sekretariat{c.id}@nav.no", "sekretariat", [c.id], by=admin,
                 scope=OPERATOR)  # fmt: skip
        set_council_contact(engine, admin, c.id, f"post{c.id}@ia-rad.no", scope=OPERATOR)
    set_user(engine, "koordinering@nav.no", "koordinering", by=admin, scope=OPERATOR)


def bench_notices(name: str, url: str, repeat: int) -> list[str]:
    """The daily run (due → outbox → delivery through a local SMTP server) on three busy
    days of 2019: reminders 14 days before 01.03.2019, «Frist passert» the day after, and a
    Monday's weekly summary. The outbox is emptied before each run."""
    from smtp import SmtpServer
    from sqlalchemy import delete

    from ia_data.notices.run import run_daily
    from ia_data.storage.models import Outbox

    smtp = SmtpServer(Path(tempfile.mkdtemp(prefix="ia-smtp-")))
    os.environ.update(
        IA_SMTP_URL=smtp.url,
        IA_SMTP_CA_FILE=str(smtp.ca_file),
        IA_MAIL_FROM="varsler@ia.example.no",
        IA_BASE_URL="https://ia.no",
    )
    engine, rules = db.get_engine(url), load_rules(DEFAULT_RULES_FILE)
    lines = []
    try:
        for day in (dt.date(2019, 2, 15), dt.date(2019, 3, 2), dt.date(2019, 3, 4)):
            times, messages = [], 0
            for _ in range(repeat):
                with writing(), Session(engine) as session:
                    session.exec(delete(Outbox))
                    session.commit()
                start = time.perf_counter()
                done = run_daily(engine, settings.current(), rules, day)
                times.append(time.perf_counter() - start)
                messages = len(done.delivery.sent)
            median = statistics.median(times) * 1000
            lines.append(f"{name}: daglig kjøring {day:%d.%m.%Y}: {messages} e-poster, "
                         f"median {median:.0f} ms")  # fmt: skip
    finally:
        smtp.stop()
    return lines


def notices_only(names: list[str], tmp: Path, cluster, repeat: int) -> None:
    for name in names:
        engine = Engine(name, tmp, cluster)
        url = engine.new_url()
        build_large(url, per_council_year=20)
        prepare_notices(url)
        for line in bench_notices(name, url, repeat):
            print(line, flush=True)
        db.dispose_engines()


def import_only(names: list[str], tmp: Path, cluster, repeat: int) -> None:
    """``bench_import`` alone on each engine, with the ratio of its medians."""
    for name in names:
        mine, pandas = bench_import(repeat, Engine(name, tmp, cluster).new_url)
        print(
            f"{name}: import {mine * 1000:.0f} ms, pandas {pandas * 1000:.0f} ms (medianer av "
            f"{repeat}, etter tur), forhold {mine / pandas:.2f} (mål ≤ 0,25)".replace(".", ",")
        )


def exports_only(names: list[str], tmp: Path, cluster, repeat: int) -> None:
    """The downloads on the demo data, as a button makes them: the compiled report of 2015
    (XLSX and PDF), the overview of 2015 and every activity as XLSX. Medians; the first of
    each is left out (its imports)."""
    from ia_data.output.compiled import PDF, compiled_report
    from ia_data.output.exports import activities_export, overview_export

    rules = load_rules(DEFAULT_RULES_FILE)
    as_of, now = dt.date(2016, 6, 1), dt.datetime(2016, 6, 1, 12, tzinfo=dt.UTC)
    files = {
        "Samlet rapport 2015, XLSX": lambda s: compiled_report(
            s, rules, 2015, as_of, now, scope=OPERATOR
        ),
        "Samlet rapport 2015, PDF": lambda s: compiled_report(
            s, rules, 2015, as_of, now, scope=OPERATOR, form=PDF
        ),
        "Oversikt 2015, XLSX": lambda s: overview_export(
            s, 2015, as_of, rules, "xlsx", now=now, scope=OPERATOR
        ),
        "Alle aktiviteter, XLSX": lambda s: activities_export(
            s, None, "xlsx", now=now, scope=OPERATOR, rules=rules
        ),
    }
    for name in names:
        url = Engine(name, tmp, cluster).new_url(SAMPLE_REGISTER)
        seed(db.get_engine(url))
        print(f"\n| Nedlasting, demodata ({name}) | median |\n|---|---|")
        with Session(db.get_engine(url)) as session:
            for what, make in files.items():
                make(session)
                times = 3 if "PDF" in what else repeat
                seconds = median_time(lambda make=make: make(session), times)
                print(f"| {what} | {seconds * 1000:.0f} ms |".replace(".", ","), flush=True)
        db.dispose_engines()


# What can be measured alone (else the table of ``MEASURES``, on each engine).
ONLY = {
    "first-start": "only the first start on the demo data: request to Oversikt's table",
    "notices": "only the daily run of the e-mail notices",
    "sessions": f"only {SESSIONS_AT_ONCE} sessions at once, the servers' CPU per session",
    "pages": "only every page in a new browser session, against a bare page (SQLite)",
    "cli": "only the command line's start-up (ia-data)",
    "first-visit": "only the first visit from the printed address, against a bare page",
    "proxy-cache": "only new browser sessions through HAProxy, with and without its cache",
    "exports": "only the downloads (compiled report, overview, activities) on the demo data",
    "import": "only the import of the 10 000-activity workbook against pandas, interleaved",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    for flag, help in ONLY.items():
        parser.add_argument(f"--{flag}", action="store_true", help=help)
    args = parser.parse_args()
    repeat = 3 if args.quick else 7
    if args.first_start:
        times = bench_first_start(3 if args.quick else 5)
        shown = ", ".join(f"{t:.1f}" for t in times).replace(".", ",")
        median = f"{statistics.median(times):.1f}".replace(".", ",")
        print(f"Første start (demodata): median {median} s fra første forespørsel til "
              f"Oversikts tabell (målinger: {shown} s; mål ≤ 5 s)")  # fmt: skip
        return
    if args.first_visit:
        ours, theirs = bench_first_visit(3 if args.quick else 5)
        ratio = statistics.median(ours) / statistics.median(theirs)
        shown = " / ".join(f"{a:.1f}–{b:.1f}".replace(".", ",") for a, b in
                           ((min(ours), max(ours)), (min(theirs), max(theirs))))  # fmt: skip
        print(f"Første besøk fra adressen serveren skriver: median {statistics.median(ours):.1f} s "
              f"mot en bar side {statistics.median(theirs):.1f} s, {ratio:.2f}× (spenn {shown} s; "
              f"mål ≤ 1,5×)".replace(".", ","))  # fmt: skip
        return
    tmp = Path(tempfile.mkdtemp(prefix="ia-bench-"))

    print(f"Maskin: {platform.machine()}, {os.cpu_count()} kjerner, Python "
          f"{platform.python_version()}, {platform.system()}; data i {tmp}")  # fmt: skip
    names = ["sqlite", "postgresql"] if args.engine == "both" else [args.engine]
    cluster = None
    if "postgresql" in names:
        import postgres

        cluster = postgres.start(durable=True)
        if cluster is None:
            sys.exit(
                "PostgreSQL finnes ikke (apt-get install postgresql, eller IA_TEST_POSTGRES_URL)"
            )
        with cluster._admin().connect() as connection:
            version = connection.exec_driver_sql("SHOW server_version").scalar()
        print(f"PostgreSQL {version}", flush=True)
    try:
        alone = {  # the measures of ``ONLY`` that run on the engines chosen
            "notices": lambda: notices_only(names, tmp, cluster, repeat),
            "pages": lambda: pages_only(tmp, 3 if args.quick else 5),
            "sessions": lambda: bench_sessions(names, tmp, cluster),
            "cli": lambda: bench_cli(names, tmp, cluster, repeat),
            "proxy_cache": lambda: bench_proxy_cache(tmp, 5 if args.quick else 9),
            "exports": lambda: exports_only(names, tmp, cluster, repeat),
            "import": lambda: import_only(names, tmp, cluster, repeat),
        }
        for flag, run in alone.items():
            if getattr(args, flag):
                run()
                return
        results = {name: rows_of(measure(Engine(name, tmp, cluster), repeat)) for name in names}
    finally:
        if cluster is not None:
            cluster.stop()

    width = max(len(m[0]) for m in MEASURES)
    heads = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    print(f"\n| {'Måling':{width}} | " + " | ".join(f"{heads[n]:>18}" for n in names) + " | Mål |")
    print(f"|{'-' * (width + 2)}|" + "|".join("-" * 20 for _ in names) + "|-----|")
    for k, (name, target) in enumerate(MEASURES):
        values = " | ".join(f"{results[n][k]:>18}" for n in names)
        print(f"| {name:{width}} | {values} | {target} |")


if __name__ == "__main__":
    main()
