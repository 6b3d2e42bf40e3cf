"""The app as a person uses it: `streamlit run app.py` on a free loopback port with its own
database, driven by Debian's Chromium through Playwright.

Selected with ``-m browser``. Without Chromium they are skipped with the reason — except under
``CI=true``, where a missing browser is a failure (`.ci/run` installs it)."""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import openpyxl
import pytest
from conftest import PROJECT, SAMPLE_REGISTER
from hostile import case_changed, png_renamed, zip_bomb
from pages import open_titles
from parties import Served
from postgres import need
from runs import idle as _idle
from sqlmodel import Session
from tabs import SCREEN, own_tab

from ia_data.demo import SAMPLE_DIR
from ia_data.storage import db, history, version

# In a browser, a page behaves the same on either engine: SQLite only (conftest's ``page``),
# but for the two servers that share a PostgreSQL database.
pytestmark = [pytest.mark.browser, pytest.mark.page]

NORDLAND_2015 = SAMPLE_DIR / "rapport_2015_Ar_ia-radet-i-nordland.xlsx"
PAGES = open_titles(default="")  # url path → the page's title, Oversikt at «/»


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `streamlit run app.py` on its own port and database."""

    def __init__(self, db_url: str, log: Path, port: int | None = None, **more_env):
        self.db_url = db_url
        self.port = port or _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, IA_DATABASE_URL=db_url, IA_REGISTER_FILE=str(SAMPLE_REGISTER))
        env.update(more_env)
        env = {k: v for k, v in env.items() if v is not None}  # None: a setting taken away
        self.process = Served(
            ["run", "app.py",
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            env, PROJECT, log,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit stoppet: {log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{self.base}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("streamlit svarte ikke på 60 sekunder")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def uploads(self) -> list[dict]:
        engine = db.get_engine(self.db_url)
        try:
            return history.uploads(engine)
        finally:
            db._engines.pop(self.db_url, None)
            engine.dispose()


@pytest.fixture
def empty_server(database, tmp_path):
    """A server on a database (on each engine) with the schema and the demo register, and
    no reports."""
    url = database(SAMPLE_REGISTER)
    engine = db.get_engine(url)
    with Session(engine) as session:
        assert version.data_version(session) == 0
    db._engines.pop(url, None)
    engine.dispose()
    server = Server(url, tmp_path / "streamlit.log")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def refusing_server(tmp_path_factory, sqlite_template):
    """One server on a database with the demo register and no reports, for the tests that
    store nothing (each asserts so): the pages on no data, and files refused on Last opp."""
    # Started before the tests' own settings (a module's fixture): the open mode, as theirs.
    server = open_server_on_empty(tmp_path_factory, sqlite_template, "refusing")
    yield server
    server.stop()


def open_server_on_empty(tmp_path_factory, sqlite_template, name: str) -> Server:
    """A server in the open mode on a new database of its own (``name``) with the demo
    register and no reports."""
    folder = tmp_path_factory.mktemp(name)
    path = folder / f"{name}.db"
    shutil.copyfile(sqlite_template(SAMPLE_REGISTER), path)
    return Server(f"sqlite:///{path}", folder / "streamlit.log", IA_AUTH="av")


# The app's own way to another of its pages, as the browser's Back and Forward go (the
# ``popstate`` Streamlit listens to): the address changes and the other page runs in the same
# session, the app's scripts not loaded and started again (a third of the work of a load, in
# Chromium most of all). Taken only on the app at that address, idle, to another page its
# menu offers (elsewhere Streamlit runs the page it shows), and never with a link's values (a
# ``?query``): the filters follow the user within a session, so a value the link leaves out
# would come from the session, where a new one starts from the default. The wait after it
# (``MOVED``) is for the page to change; the other page's heading and the app idle again
# (``_open``) say its run is done.
IN_APP = """url => {
    const target = new URL(url, location.href);
    const root = location.origin + '/';
    const offered = [...document.querySelectorAll('[data-testid=stSidebar] a')]
        .some(a => new URL(a.getAttribute('href') || '/', root).pathname === target.pathname);
    const app = document.querySelector('[data-testid=stApp]');
    if (target.origin !== location.origin || target.search || !offered
        || target.pathname === location.pathname
        || app?.getAttribute('data-test-script-state') !== 'notRunning') return false;
    window.iaMoved = false;
    new MutationObserver((_, watch) => {
        window.iaMoved = true;
        watch.disconnect();
    }).observe(document.body, {subtree: true, childList: true, attributes: true,
                               characterData: true});
    history.pushState(null, '', target.href);
    dispatchEvent(new PopStateEvent('popstate'));
    return true;
}"""
MOVED = "() => window.iaMoved"


def _go(page, url: str, *, load: bool = False) -> None:
    """Go to ``url``: on the app already, to another page of its menu, the app's own way
    (``IN_APP``), in the same session; else, or with ``load`` (what a deep link or a new
    session tests), the browser loads the address."""
    if not load and page.url.startswith("http") and page.evaluate(IN_APP, url):
        page.wait_for_function(MOVED)
    else:
        page.goto(url)


def _open(page, url: str, heading: str, *, load: bool = False):
    """Open ``url`` (``_go``) and wait until its run, which writes ``heading``, has finished.
    (Before the server has started the first run the app also counts as «not running».)"""
    _go(page, url, load=load)
    page.get_by_role("heading", name=heading, exact=True).first.wait_for()
    _idle(page)


def _choose_file(page, path) -> None:
    """Pick a file (a path, or Playwright's name/type/bytes payload) through Last opp's own
    button («Velg filer», ``ui.chooser``) and the browser's file chooser."""
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Velg filer", exact=True).click()
    chooser.value.set_files(path if isinstance(path, dict) else str(path))


def _store_file(page, base: str, path, said: str = "Filen er kontrollert uten feil") -> None:
    """Open Last opp, choose ``path``, wait until the check ``said`` its word, and save it."""
    _open(page, f"{base}/last_opp", "Last opp")
    _choose_file(page, path)
    _wait_for_text(page, said)
    page.get_by_role("button", name="Lagre filen").click()
    _wait_for_text(page, "Filen er lagret")


def _wait_for_text(page, text: str) -> None:
    """Wait until ``text`` is on the page and the run that wrote it has finished (the
    uploader lists a file before the script has even started on it)."""
    page.get_by_text(text).first.wait_for()
    _idle(page)


def _metrics(page, *waiting_for: str) -> dict[str, str]:
    """The page's metrics, label → value as shown, once the ``waiting_for`` ones are there
    and two readings a moment apart agree (a run that draws the page again replaces its
    metrics one by one: read in between, some would be missing)."""
    for label in waiting_for:
        page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True).first.wait_for()
    deadline = time.monotonic() + 30
    before = None
    while True:
        _idle(page)
        figures = {}
        for metric in page.get_by_test_id("stMetric").all():
            label = metric.get_by_test_id("stMetricLabel").inner_text().strip()
            value = metric.get_by_test_id("stMetricValue").inner_text()
            figures[label] = value.replace("\xa0", " ")
        if figures == before and set(waiting_for) <= set(figures):
            return figures
        if time.monotonic() > deadline:
            return figures
        before = figures


def _no_failure(page) -> None:
    assert page.get_by_test_id("stException").count() == 0
    errors = page.get_by_test_id("stAlertContentError").all_inner_texts()
    assert not [e for e in errors if "Noe gikk galt" in e], errors


def test_upload_through_the_file_chooser_then_the_overview_and_its_xlsx(empty_server, page):
    """Nordland's 2015 report chosen on Last opp, checked and saved; «see the result» opens
    Oversikt on the report's year; the overview as of a day after the deadline,
    on screen and as XLSX, holds the same figures."""
    base = empty_server.base
    _open(page, f"{base}/last_opp", "Last opp")
    assert page.get_by_role("heading", name="Last opp").is_visible()
    _choose_file(page, NORDLAND_2015)
    # The preview: checked, nothing stored yet.
    _wait_for_text(page, "Filen er kontrollert uten feil")
    assert empty_server.uploads() == []
    preview = _metrics(page, "Aktiviteter", "Kostnad")
    assert preview["Aktiviteter"] == "20"
    assert preview["Kostnad"] == "437 250 kr"

    page.get_by_role("button", name="Lagre filen").click()
    _wait_for_text(page, "Filen er lagret")
    success = page.get_by_test_id("stAlertContentSuccess").first.inner_text()
    assert "Filen er lagret" in success
    assert "IA-rådet i Nordland, 2015 År" in success
    stored = empty_server.uploads()
    assert [(u["file_name"], u["active"]) for u in stored] == [(NORDLAND_2015.name, True)]

    # «See the result» opens Oversikt on the report's year, with its figures.
    page.get_by_test_id("stMain").get_by_role("link", name="Oversikt 2015").click()
    page.get_by_role("heading", name="Oversikt", exact=True).first.wait_for()
    _idle(page)
    assert _params(page)["ar"] == "2015"
    figures = _metrics(page, "IA-råd", "Brukt")
    assert (figures["IA-råd"], figures["Brukt"]) == ("1", "437 250 kr")

    # The overview, as of a day after the deadline: Nordland's figures are there, and its
    # report, received by the app today, was not in then: it is missing as of that day.
    _open(page, f"{base}/?ar=2015&per=2016-06-01&vis=alle", "Oversikt")  # a link: loaded
    figures = _metrics(page, "IA-råd", "Brukt", "Mangler")
    assert figures["IA-råd"] == "18"
    assert figures["Tildelt"] == "7 400 000 kr"  # 17 × 400 000 + Agder's 600 000 (rule)
    assert figures["Brukt"] == "437 250 kr"
    assert figures["Aktiviteter"] == "20"
    assert figures["Overforbruk"] == "1"
    assert figures["Levert i tide"] == "0"
    assert figures["Mangler"] == "18"
    # The grid is drawn on a canvas; its accessible table holds the cell values.
    row = page.locator("[data-testid=stDataFrame] tr").filter(has_text="IA-rådet i Nordland")
    row.first.wait_for(state="attached")  # the accessible table is hidden
    cells = row.locator("td").all_inner_texts()
    assert cells[:7] == ["IA-rådet i Nordland", "Nordland", "2015", "400000", "regel",
                         "437250", "-37250"]  # fmt: skip
    # The money chart as Vega draws it: Nordland's spent bar marked as over its grant, the
    # axis in Norwegian kroner (a no-break space between thousands, «kr» after).
    chart = page.get_by_test_id("stVegaLiteChart").first
    chart.locator("svg.marks").wait_for(state="attached")
    drawn = chart.locator("svg.marks text").all_text_contents()
    assert "⚠ over" in drawn
    assert "400\u00a0000\u00a0kr" in drawn

    # The XLSX download holds the same numbers, as number cells.
    with page.expect_download() as download:
        page.get_by_role("button", name="Last ned Excel (XLSX)").click()
    assert download.value.suggested_filename == "ia-oversikt-2015-per-2016-06-01.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    sheet = book["Oversikt"]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(2, values_only=True)}
    assert len(rows) == 18
    nordland = rows["IA-rådet i Nordland"]
    assert (nordland["Tildelt (kr)"], nordland["Brukt (kr)"], nordland["Gjenstår (kr)"]) == (
        400000,
        437250,
        -37250,
    )
    assert (nordland["Status År"], nordland["Innsendt År"]) == ("Mangler", None)
    assert nordland["Gjennomgang År"] == "Mottatt"
    assert rows["IA-rådet i Troms"]["Status År"] == "Mangler"
    about = {r[0]: r[1] for r in book["Om uttrekket"].iter_rows(values_only=True)}
    assert about["Antall opplastinger"] == 1
    _no_failure(page)


@pytest.mark.parametrize(
    "name,content,said",
    [
        ("bilde.xlsx", png_renamed, "innholdet er ikke et regneark"),
        ("bombe.xlsx", zip_bomb, "pakker seg ut til 2048 MB"),
    ],
    ids=["png-as-xlsx", "zip-bomb"],
)
def test_a_hostile_file_is_refused_on_screen_and_stores_nothing(
    refusing_server, page, tmp_path, name, content, said
):
    path = tmp_path / name
    path.write_bytes(content())
    _open(page, f"{refusing_server.base}/last_opp", "Last opp")
    _choose_file(page, path)
    _wait_for_text(page, "Filen har feil og kan ikke lagres")
    errors = " ".join(page.get_by_test_id("stAlertContentError").all_inner_texts())
    assert "Filen har feil og kan ikke lagres" in errors
    assert said in errors
    assert page.get_by_role("button", name="Ingen filer kan lagres").is_disabled()
    _no_failure(page)
    assert refusing_server.uploads() == []


def test_a_file_that_once_killed_the_server_is_refused_and_the_server_serves_on(
    refusing_server, page, tmp_path
):
    # 6.6 kB: the sheet part's name differs in letter case from what the rels say, and a
    # value stands in XFD1048576. Choosing it on Last opp used to abort the server.
    path = tmp_path / "rapport.xlsx"
    path.write_bytes(case_changed("sheet part"))
    _open(page, f"{refusing_server.base}/last_opp", "Last opp")
    _choose_file(page, path)
    _wait_for_text(page, "Filen har feil og kan ikke lagres")
    errors = " ".join(page.get_by_test_id("stAlertContentError").all_inner_texts())
    assert "det brukte området går fra celle A1 til XFD1048576" in errors
    assert refusing_server.process.poll() is None
    _open(page, refusing_server.base, "Oversikt")
    _no_failure(page)
    assert refusing_server.uploads() == []


def test_a_new_visitor_in_the_tab_finds_nothing_the_one_before_left(refusing_server, visitors):
    """The browser tests share a tab (``tabs``): the next visitor is as a new browser, without
    the cookies of the one before and without what the app stored (Streamlit keeps the
    menu's state in the origin's storage)."""
    tab = visitors.visitor()
    _open(tab, f"{refusing_server.base}/frister", "Frister")
    tab.evaluate("() => localStorage.setItem('iaForrige', 'ja')")
    tab.context.add_cookies([{"name": "ia_forrige", "value": "ja", "url": refusing_server.base}])
    visitors.leave(tab)
    tab = visitors.visitor()
    try:
        _open(tab, f"{refusing_server.base}/frister", "Frister")
        assert tab.evaluate("() => localStorage.getItem('iaForrige')") is None
        assert "ia_forrige" not in {c["name"] for c in tab.context.cookies()}
    finally:
        visitors.leave(tab)


def test_every_page_renders_on_an_empty_database(refusing_server, page):
    """Every page, each loaded by its own address as a link opened anew does (the walk of
    deep links; the WCAG walk goes the app's own way)."""
    for path, title in PAGES.items():
        _open(page, f"{refusing_server.base}/{path}", title, load=True)
        _no_failure(page)
    # The overview says how to get data in instead of showing an empty table.
    _open(page, refusing_server.base, "Oversikt")
    assert page.get_by_test_id("stDataFrame").count() == 0
    assert "Last opp" in page.get_by_test_id("stMain").inner_text()


# --- several servers behind a sticky proxy -------------------------------------------------


def _haproxy() -> str:
    path = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if Path(path).is_file():
        return path
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true, men HAProxy finnes ikke: installer det (apt-get install haproxy)")
    pytest.skip("HAProxy finnes ikke på denne maskinen (apt-get install haproxy)")


@pytest.fixture
def two_servers(postgres, tmp_path):
    """HAProxy, run with the very config shipped in ``deploy/``, in front of two servers on
    one PostgreSQL database, both with the same cookie secret."""
    haproxy = _haproxy()
    url = need(postgres).new_database(SAMPLE_REGISTER)
    secret = secrets.token_hex(32)
    servers = [
        Server(url, tmp_path / f"streamlit-{name}.log", STREAMLIT_SERVER_COOKIE_SECRET=secret)
        for name in "ab"
    ]
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "IA_PROXY_BIND": f"127.0.0.1:{port}",
        "IA_SERVER_A": f"127.0.0.1:{servers[0].port}",
        "IA_SERVER_B": f"127.0.0.1:{servers[1].port}",
    }
    log = (tmp_path / "haproxy.log").open("wb")
    proxy = subprocess.Popen(
        [haproxy, "-db", "-f", str(PROJECT / "deploy" / "haproxy.cfg")],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                    if answer.read() == b"ok":
                        break
            except OSError:
                if proxy.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((tmp_path / "haproxy.log").read_text()) from None
                time.sleep(0.1)
        yield SimpleNamespace(base=base, a=servers[0], b=servers[1], url=url)
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)
        log.close()
        for server in servers:
            server.stop()
        postgres.drop(url)


def _pinned(browser, base: str, server: str):
    """A browser pinned to one server, as the proxy's cookie pins it after the first visit,
    and who answered each of its requests: (path, the server's name, or "" where the proxy
    answered from its cache)."""
    tab = own_tab(browser, locale=None)
    tab.context.add_cookies([{"name": "IA_SERVER", "value": server, "url": base}])
    served: list[tuple[str, str]] = []
    tab.on(
        "response",
        lambda r: served.append((urlsplit(r.url).path, r.headers.get("x-ia-server") or "")),
    )
    return tab, served


# Streamlit's built frontend: scripts, styles and fonts named by their content's hash.
FRONTEND_FILE = re.compile(r"^/static/(?:js|css|media)/[^/]+\.[\w-]{8}\.\w+$")


def test_two_servers_behind_haproxy(two_servers, browser):
    """A file uploaded through the proxy on one server is on Oversikt for a browser the
    proxy pins to the other, each server answers its health check, and Streamlit's own
    scripts reach the second browser from the proxy's cache."""
    for server in (two_servers.a, two_servers.b):
        with urllib.request.urlopen(f"{server.base}/_stcore/health", timeout=5) as answer:
            assert answer.read() == b"ok"

    tab, served_a = _pinned(browser, two_servers.base, "a")
    try:
        _open(tab, f"{two_servers.base}/last_opp", "Last opp")
        _choose_file(tab, NORDLAND_2015)
        _wait_for_text(tab, "Filen er kontrollert uten feil")
        tab.get_by_role("button", name="Lagre filen").click()
        _wait_for_text(tab, "Filen er lagret")
        _no_failure(tab)
    finally:
        tab.context.close()
    assert [u["file_name"] for u in two_servers.a.uploads()] == [NORDLAND_2015.name]

    tab, served_b = _pinned(browser, two_servers.base, "b")
    try:
        _open(tab, f"{two_servers.base}/?ar=2015&per=2016-06-01", "Oversikt")
        figures = _metrics(tab, "IA-råd", "Brukt", "Mangler")
        _no_failure(tab)
    finally:
        tab.context.close()
    # Received by the app today, the report was not in as of 1 June 2016.
    assert (figures["Brukt"], figures["Aktiviteter"], figures["Mangler"]) == (
        "437 250 kr",
        "20",
        "18",
    )
    # Both servers served, each only its own browser (the upload's request included).
    assert {s for _, s in served_a} - {""} == {"a"} and {s for _, s in served_b} - {""} == {"b"}
    assert len([s for _, s in served_a if s]) > 1
    # The frontend's files came to the second browser from the proxy's cache, where the
    # first one had left them; the page itself, and what is not such a file, from b.
    first = {path for path, _ in served_a if FRONTEND_FILE.match(path)}
    again = [(path, s) for path, s in served_b if path in first]
    assert len(again) > 10 and all(s == "" for _, s in again)
    assert ("/", "b") in served_b


# --- a day's work: filters that follow, Norwegian files only, links, Enter, WCAG ------------


@pytest.fixture(scope="module")
def pages_server(tmp_path_factory, seeded_copy):
    """One server on a copy of the demo data for the checks of how the pages behave in a
    browser (filters, toolbars, Enter, WCAG)."""
    folder = tmp_path_factory.mktemp("page-checks")
    # Started before the tests' own settings (a module's fixture): the open mode, as theirs.
    server = Server(seeded_copy(), folder / "streamlit.log", IA_AUTH="av")
    yield server
    server.stop()


def _sidebar_link(page, title: str) -> None:
    """Click a page in the sidebar menu, and wait for its run."""
    page.get_by_test_id("stSidebar").get_by_role("link", name=title).click()
    page.get_by_role("heading", name=title, exact=True).first.wait_for()
    _idle(page)


def _params(page) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(page.url).query))


def test_the_filters_follow_the_user_from_page_to_page(pages_server, page):
    start = "ar=2014&per=2015-06-01&rad=19&delmal=3"
    _open(page, f"{pages_server.base}/?{start}", "Oversikt")
    assert _metrics(page, "IA-råd")["IA-råd"] == "1"
    # Økonomi has a year and councils: both follow, and are in its URL.
    _sidebar_link(page, "Økonomi")
    assert _params(page) == {"ar": "2014", "rad": "19"}
    assert page.get_by_test_id("stMain").get_by_text("IA-rådet i Finnmark").first.is_visible()
    # Back on Oversikt: the year, the status date, the sub-goal and the council, as they were.
    _sidebar_link(page, "Oversikt")
    assert _params(page) == {"ar": "2014", "per": "2015-06-01", "rad": "19", "delmal": "3"}
    assert _metrics(page, "IA-råd")["IA-råd"] == "1"
    # Råd opens the council chosen, as of the status date chosen.
    page.get_by_test_id("stSidebar").get_by_role("link", name="Råd").click()
    page.get_by_role("heading", name="IA-rådet i Finnmark").first.wait_for()
    _idle(page)
    assert _params(page) == {"rad": "19", "per": "2015-06-01"}
    _no_failure(page)


def test_oversikt_and_a_council_open_by_their_links_on_the_demo_data(pages_server, page):
    """A link by Oversikt's own name opens it with the link's values — never Streamlit's
    English «Page not found» (which a path that is no page still gets: the check can see
    it); a link to one council opens that council. (Every other page by its own name, with
    its menu: the walk of the WCAG check.)"""
    _open(page, f"{pages_server.base}/oversikt?ar=2014&delmal=3", "Oversikt")
    assert urllib.parse.urlsplit(page.url).path == "/"  # Oversikt's address, the link's values
    assert _params(page) == {"ar": "2014", "delmal": "3"}
    assert _metrics(page, "Tildelt")["Tildelt"] == "10 000 000 kr"  # 2014's grants
    assert page.get_by_test_id("stMain").get_by_text("Filter delmål 3:").first.is_visible()
    assert page.get_by_text("Page not found").count() == 0
    # Every other page by its own name: the walk of the WCAG check, on a large screen.
    # A link to one council opens that council.
    _open(page, f"{pages_server.base}/rad?rad=9&per=2017-06-01", "IA-rådet i Agder")
    assert _metrics(page, "Tildelt i alt")["Tildelt i alt"] == "2 957 000 kr"
    page.goto(f"{pages_server.base}/finnes-ikke")
    page.get_by_text("Page not found").first.wait_for()


@pytest.mark.parametrize("width", [1440, 390])
def test_avvik_names_nordland_overspent_and_opens_its_council_for_the_year(
    pages_server, visitors, width
):
    """The page «Avvik» for 2015, on a large screen and on a phone: Nordland overspent, with
    the amount; its link opens Råd on Nordland for 2015."""
    from oidc import screenshot

    tab = visitors.visitor({"width": width, "height": 1200})
    try:
        _open(tab, f"{pages_server.base}/avvik?ar=2015&per=2016-06-01", "Avvik")
        _no_failure(tab)
        assert _metrics(tab, "Brukt mer enn tildelt")["Brukt mer enn tildelt"] == "1"
        main = tab.get_by_test_id("stMain")
        said = main.inner_text().replace("\xa0", " ")
        assert (
            "Brukt mer enn tildelt: Nordland (2015): brukt 437 250 kr av 400 000 kr tildelt "
            "(109 %), 37 250 kr for mye"
        ) in said
        screenshot(tab, f"avvik-2015-{width}")
        main.get_by_role("link", name="Nordland", exact=True).click()
        tab.get_by_role("heading", name="IA-rådet i Nordland").first.wait_for()
        _idle(tab)
        assert {k: v for k, v in _params(tab).items() if k in ("rad", "ar")} == {
            "rad": "17",
            "ar": "2015",
        }
        assert main.get_by_text("Lenken gjelder 2015: svarene for 2015 vises under.").is_visible()
        _no_failure(tab)
    finally:
        visitors.leave(tab)


def test_no_table_offers_its_own_english_csv(pages_server, page):
    _open(page, f"{pages_server.base}/okonomi?ar=2015", "Økonomi")
    table = page.locator("[data-testid=stDataFrame]:visible").first  # not the folded one
    table.hover()
    toolbar = page.get_by_test_id("stElementToolbar").first
    toolbar.wait_for()
    labels = [b.get_attribute("aria-label") for b in toolbar.get_by_role("button").all()]
    assert any(label.startswith("Search") for label in labels)  # the toolbar is there …
    assert not [label for label in labels if "CSV" in (label or "")]  # … without a CSV
    # The app's own CSV is the one offered: semicolons and decimal commas.
    with page.expect_download() as download:
        page.get_by_role("button", name="Last ned CSV").first.click()
    text = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    header, first = text.splitlines()[:2]
    columns = header.split(";")
    assert columns[0] == "IA-råd" and ";" in first
    assert "Forbruk (%)" in columns, header
    assert "." not in first.split(";")[columns.index("Forbruk (%)")]
    _no_failure(page)


def test_enter_in_the_date_box_applies_the_typed_date(pages_server, page):
    _open(page, f"{pages_server.base}/?ar=2012", "Oversikt")
    day = page.get_by_test_id("stDateInput").first.get_by_role("spinbutton").first
    day.click()
    page.keyboard.type("15062013")
    page.keyboard.press("Enter")
    page.wait_for_function("location.search.includes('per=2013-06-15')")
    _idle(page)
    assert _metrics(page, "Levert for sent")["Levert for sent"] == "2"
    _no_failure(page)
    # The browser's Back: the address without the date, and the page as of today again
    # (before, the date kept in the session came back into the address).
    page.go_back()
    page.wait_for_function("!location.search.includes('per=')")
    _idle(page)
    page.wait_for_timeout(500)  # nothing written back after the run
    assert _params(page) == {"ar": "2012"}
    _no_failure(page)


# Violations Streamlit 1.67 causes and the app cannot fix (README, Known limits): on a
# phone the collapsed sidebar's content is a region that scrolls but holds nothing that can
# take focus while it is collapsed.
STREAMLITS_OWN = {("scrollable-region-focusable", "stSidebarContent")}


def _streamlits_own(tab, rule: str, node: dict) -> bool:
    element = tab.locator(node["target"][0]).first
    return (rule, element.get_attribute("data-testid") or "") in STREAMLITS_OWN


# Every chart in view has drawn its marks (axe checks what is drawn; a chart in a tab not
# chosen is drawn when the tab is).
CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid=stVegaLiteChart]')]
    .filter((chart) => chart.offsetParent !== null)
    .every((chart) => chart.querySelector('svg.marks, canvas.marks'))"""
AXE_PAGES = [*PAGES, "?vis=alle&ar=2012", "rad?rad=9", "aktiviteter?delmal=2"]


def _the_menu_by_title(page) -> None:
    """Every page runs through app.py: the sidebar shows the sections and the pages by title
    (every page, without sign-in), not file names."""
    sidebar = page.get_by_test_id("stSidebar").inner_text()
    assert "Rapportering" in sidebar and "last opp" not in sidebar
    links = page.get_by_test_id("stSidebar").get_by_test_id("stPageLink-NavLink")
    links.nth(len(PAGES) - 1).wait_for()  # the menu is drawn with the page, not before
    shown = links.all_inner_texts()  # each with its icon's name before the title
    assert len(shown) == len(PAGES)
    assert all(t.endswith(title) for t, title in zip(shown, PAGES.values(), strict=True))


# The sidebar has slid out of view: Streamlit collapses it when the window narrows to a
# phone's, as it starts collapsed on a phone.
SIDEBAR_HIDDEN = """() => document.querySelector('[data-testid=stSidebar]')
    .getBoundingClientRect().right <= 0"""
SIDEBAR_SHOWN = """() => document.querySelector('[data-testid=stSidebar]') === null
    || document.querySelector('[data-testid=stSidebar]').getBoundingClientRect().left >= 0"""
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


# Only the violations are read: axe-core then gathers no passes or incomplete results.
AXE_OPTIONS = json.dumps({"runOnly": WCAG, "resultTypes": ["violations"]})
AXE_RUN = f"() => axe.run({AXE_OPTIONS})"


def _serious(tab, axe_script: str) -> list[str]:
    """The page's violations of impact «serious» or «critical», as axe-core finds them once
    the charts are drawn, but for Streamlit's own. axe-core's script (half a megabyte) is
    put in the page once: the app's own way between pages keeps the document, so later
    pages find it there (the library's ``Axe.run`` would send and compile it every time)."""
    tab.wait_for_function(CHARTS_DRAWN)
    if not tab.evaluate("() => typeof axe !== 'undefined'"):
        tab.evaluate(axe_script)
    return [
        f"{v['id']} ({v['impact']}): {node['target']}"
        for v in tab.evaluate(AXE_RUN)["violations"]
        if v["impact"] in ("serious", "critical")
        for node in v["nodes"]
        if not _streamlits_own(tab, v["id"], node)
    ]


def test_every_page_passes_the_wcag_checks_of_axe(pages_server, visitors):
    """WCAG 2.1 AA as axe-core checks it: no violation of impact «serious» or «critical»
    on any page of the sample data, on a large screen and on a phone; each page opened by
    its own address, without failure or «Page not found», and on a large screen with the
    menu by title. Each page is opened once and checked at the width the window has, then
    at the other (narrowed to a phone's, the menu folds away and the page lays itself out
    anew; widened, the menu opens beside it): opened on a large screen and narrowed, the
    next opened on a phone and widened, and so on, so that the window changes once a page.
    From the second page on, the way there is the app's own (``_go``): each page loaded
    anew by its address is the walk of ``test_every_page_renders_on_an_empty_database``."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe().axe_script
    tab = visitors.visitor(SCREEN)
    found = {}
    try:
        for n, path in enumerate(AXE_PAGES):
            _go(tab, f"{pages_server.base}/{path}")
            title = PAGES.get(path)  # a page of its own; else any heading
            tab.get_by_role("heading", name=title, exact=title is not None).first.wait_for()
            _idle(tab)
            assert tab.get_by_text("Page not found").count() == 0, path
            _no_failure(tab)
            tab.wait_for_load_state("networkidle")  # the charts' and tables' scripts loaded
            for width in (1440, 390) if n % 2 == 0 else (390, 1440):
                _window_width(tab, width)
                if path in PAGES and width == 1440:  # the menu, open beside a large screen
                    _the_menu_by_title(tab)
                if serious := _serious(tab, axe):
                    found[f"{path or '/'} ({width})"] = serious
    finally:
        visitors.leave(tab)
    assert found == {}


def _window_width(tab, width: int) -> None:
    """The window at ``width`` (a phone's, 390, or a large screen's), once the menu has
    folded away or opened beside the page as Streamlit lays it out there."""
    if tab.viewport_size["width"] != width:
        tab.set_viewport_size({"width": width, "height": 1200})
        tab.wait_for_function(SIDEBAR_HIDDEN if width < 768 else SIDEBAR_SHOWN)
