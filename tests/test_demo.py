"""The open demo database holding files that did not come with it — workbooks, statistics
loads, register versions: the library names them (workbooks by content, not by name) and the
demo's banner says so, on both engines."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from conftest import SAMPLE_REGISTER
from sqlmodel import Session
from statsfiles import REFERENCE, SSB_SAMPLE

import ui
from ia_data.demo import SAMPLE_DIR
from ia_data.demo.seed import added_files, missing_files
from ia_data.domain.access import OPERATOR, Actor, secretariat
from ia_data.storage import db
from ia_data.storage import engine as engine_setup
from ia_data.storage.register import councils, load_new_register
from ia_data.storage.stats import import_stats
from ia_data.storage.store import import_file

TROMS_2015 = SAMPLE_DIR / "rapport_2015_Ar_ia-radet-i-troms.xlsx"
PROJECT = Path(__file__).resolve().parent.parent
NOTE = (
    "**Demodatabasen har også {count} som ikke følger med demoen:** {names}. Tall fra slike "
    "filer er kanskje ikke oppdiktet, og alle som når appen, ser dem uten å logge inn."
)


def _changed(path, name: str, cost: int) -> tuple[str, bytes]:
    """A demo workbook with one cost changed, under another name: not the demo's own."""
    book = openpyxl.load_workbook(path)
    book["Aktiviteter"]["G4"] = cost
    data = io.BytesIO()
    book.save(data)
    return name, data.getvalue()


def _store(engine, name: str, data: bytes) -> None:
    assert import_file(engine, name, data, scope=OPERATOR).status == "lagret"


def test_the_uploads_that_are_not_the_demos_own_files(sample_db):
    _store(sample_db, TROMS_2015.name, TROMS_2015.read_bytes())
    _store(sample_db, "kopi.xlsx", (SAMPLE_DIR / "tildelinger_2012-2014.xlsx").read_bytes())
    _store(sample_db, *_changed(TROMS_2015, "troms-ekte.xlsx", 12_345))
    with Session(sample_db) as session:
        # The demo's own file under another name is the demo's; the changed one is not.
        assert _names(added_files(session, scope=OPERATOR)) == [("troms-ekte.xlsx", "")]
        known = {c.name: c.id for c in councils(session)}
        finnmark = secretariat({known["IA-rådet i Finnmark"]: "IA-rådet i Finnmark"})
        troms = secretariat({known["IA-rådet i Troms"]: "IA-rådet i Troms"})
        assert added_files(session, scope=finnmark) == []  # another council's file
        assert _names(added_files(session, scope=troms)) == [("troms-ekte.xlsx", "")]


def _names(added) -> list[tuple[str, str]]:
    return [(a.name, a.what) for a in added]


def _load_statistics_and_a_register(engine) -> None:
    """A statistics file and a register version of the operator's own (the register: the
    demo's, Troms with another name), stored with a second between them."""
    base = datetime(2026, 12, 1, 12, tzinfo=UTC)
    result = import_stats(engine, SSB_SAMPLE.name, SSB_SAMPLE.read_bytes(), scope=OPERATOR,
                          by=Actor("Kari"), now=base)  # fmt: skip
    assert result.status == "lagret", result.message
    text = SAMPLE_REGISTER.read_text(encoding="utf-8").replace(
        'name = "IA-rådet i Troms"', 'name = "IA-rådet i Troms"\naliases = ["Tromsø"]', 1
    )
    load_new_register(engine, text, "register-ekte.toml", by=Actor("Kari"), scope=OPERATOR,
                      now=base + timedelta(seconds=1))  # fmt: skip


def test_statistics_and_register_versions_that_did_not_come_with_the_demo(sample_db):
    """Counted beside the workbooks, for every scope (statistics and the register are
    public); the series that ship with the app, and the demo's own register, are not."""
    with Session(sample_db) as session:
        assert added_files(session, scope=OPERATOR) == []  # the shipped series: not counted
    # The shipped series loaded again by hand changes nothing, and is not counted.
    assert import_stats(sample_db, REFERENCE.name, REFERENCE.read_bytes(),
                        scope=OPERATOR).status == "uendret"  # fmt: skip
    _load_statistics_and_a_register(sample_db)
    with Session(sample_db) as session:
        troms = secretariat({c.id: c.name for c in councils(session) if c.name.endswith("Troms")})
        for scope in (OPERATOR, troms):
            assert _names(added_files(session, scope=scope)) == [
                ("register-ekte.toml", "rådsregister"),
                (SSB_SAMPLE.name, "statistikk"),
            ]
    # Back to the demo's own register: that version is the demo's, the other is still there.
    load_new_register(sample_db, SAMPLE_REGISTER.read_text(encoding="utf-8"), "demo.toml",
                      by=Actor("Kari"), scope=OPERATOR)  # fmt: skip
    with Session(sample_db) as session:
        assert [a.name for a in added_files(session, scope=OPERATOR)] == [
            "register-ekte.toml", SSB_SAMPLE.name,
        ]  # fmt: skip


@pytest.fixture
def demo_app(database, app_on, monkeypatch):
    """``(engine, run)``: a test database served as the demo database (open, its banner),
    the demo data not loaded into it; ``run()`` opens Oversikt and gives the AppTest."""
    url = database(SAMPLE_REGISTER)
    monkeypatch.setattr(engine_setup, "DEMO_URL", url)
    monkeypatch.setitem(ui.demo._DEMO, "checked", True)  # no first start: the test's files
    return db.get_engine(url), lambda: app_on(url)


def _warnings(at) -> list[str]:
    return [w.value for w in at.warning]


def test_the_demo_banner_says_when_the_demo_holds_files_that_did_not_come_with_it(demo_app):
    engine, run = demo_app
    _store(engine, TROMS_2015.name, TROMS_2015.read_bytes())
    at = run()
    assert at.info[0].value.startswith("**Åpen demo, uten innlogging:**")
    assert _warnings(at) == []  # only the demo's own file

    _store(engine, *_changed(TROMS_2015, "troms-ekte.xlsx", 12_345))
    at = run()
    assert _warnings(at) == [NOTE.format(count="én fil", names="«troms-ekte.xlsx»")]

    for number, council in enumerate(["finnmark", "nordland", "oslo"], start=1):
        path = SAMPLE_DIR / f"rapport_2015_Ar_ia-radet-i-{council}.xlsx"
        _store(engine, *_changed(path, f"{council}_**fet**.xlsx", 1_000 + number))
    at = run()
    # Markdown in a name is shown as it is (not bold); the newest three are named.
    names = "«oslo\\_\\*\\*fet\\*\\*.xlsx», «nordland\\_\\*\\*fet\\*\\*.xlsx», "
    names += "«finnmark\\_\\*\\*fet\\*\\*.xlsx» og 1 til"
    assert _warnings(at) == [NOTE.format(count="4 filer", names=names)]
    assert not at.exception and at.title[0].value == "Oversikt"


def test_the_demo_banner_names_statistics_and_register_versions_too(demo_app):
    engine, run = demo_app
    _load_statistics_and_a_register(engine)
    at = run()
    names = (
        "«register-ekte.toml» (rådsregister), «ssb\\_sykefravaer\\_fylke\\_utvalg.csv» (statistikk)"
    )
    assert _warnings(at) == [NOTE.format(count="2 filer", names=names)]


def test_the_warm_up_leaves_the_older_years_for_after_the_first_page_even_one_that_stops(
    database, app_on, monkeypatch
):
    """The server's warm-up loads the allocation decisions and the newest year, and starts
    the older years only once a first page has run (they would slow it) — also when that
    page stops early, as Råd does with no council chosen."""
    url = database(SAMPLE_REGISTER)
    # An earlier test's older years, still loading in this process, would write their
    # progress into the state this test puts in place: they finish first.
    earlier = ui.demo._DEMO["thread"]
    if earlier is not None and earlier.ident is not None:
        earlier.join(timeout=120)
    monkeypatch.setattr(engine_setup, "DEMO_URL", url)
    monkeypatch.setenv("IA_DATABASE_URL", url)
    fresh = {"checked": False, "thread": None, "done": 0, "total": 0, "failed": ""}
    monkeypatch.setattr(ui.demo, "_DEMO", fresh)
    loaded = []  # the older years' files, as the thread is given them (not loaded here)
    monkeypatch.setattr(ui.demo, "_seed_rest", lambda files: loaded.append(len(files)))

    ui.demo.start_demo_data()  # as ui.server's warm-up does, before any visitor
    waiting = ui.demo._DEMO["thread"]
    assert waiting is not None and waiting.ident is None  # not started
    assert ui.demo.demo_loading() == (0, ui.demo._DEMO["total"])
    with Session(db.get_engine(url)) as session:
        stored = {u.name for u in added_files(session, scope=OPERATOR)}
    assert stored == set()  # only the demo's own files so far
    newest = max(p.name for p in SAMPLE_DIR.glob("rapport_*.xlsx"))[8:12]
    assert ui.demo._DEMO["total"] == len(missing_files(db.get_engine(url)))
    assert all(newest not in p.name for p in missing_files(db.get_engine(url)))

    at = app_on(url, page="views/rad.py")  # no council chosen: the page stops
    assert [i.value for i in at.info][-1].startswith("Velg et IA-råd i listen")
    assert waiting.ident is not None  # started by that page's run
    waiting.join(timeout=30)
    assert loaded == [ui.demo._DEMO["total"]]


def test_the_server_imports_app_py_at_once_and_the_warm_up_loads_the_rest():
    """``streamlit run app.py`` imports ``app.py`` before it answers a first request: that
    import loads no library storage, SQLAlchemy or pandas (a second that the first visitor
    would wait); the warm-up loads them, and every module of ``ui``, and freezes them."""
    script = """
import gc, sys
import streamlit
import app
heavy = ("sqlalchemy", "sqlmodel", "pandas", "ia_data.storage", "ui.data", "ui.display")
print(sorted(m for m in sys.modules if m.startswith(heavy)))
frozen = gc.get_freeze_count()
import ui.server
ui.server._warm()
print(all(f"ui.{name}" in sys.modules for name in ui.MODULES), "pandas" in sys.modules,
      gc.get_freeze_count() > frozen + 100_000, gc.isenabled())
"""
    env = {k: v for k, v in os.environ.items() if k not in ("IA_DATABASE_URL", "IA_AUTH")}
    env["IA_DATABASE_URL"] = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "tom.db")
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=PROJECT, env=env,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-2:] == ["[]", "True True True True"]
