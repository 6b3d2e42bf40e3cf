"""Text from a workbook or a user is shown as text on every page, never as Markdown or
HTML: an image in an answer fetches nothing, a link in a title is no link, ``<img>`` in a
sector is no element in a figure. And a huge stored text is cut on the screen."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from postgres import kept_database
from sqlalchemy import text
from sqlmodel import Session

from ia_data.demo import SAMPLE_DIR
from ia_data.domain.access import OPERATOR, Actor
from ia_data.domain.kinds import ImportStatus
from ia_data.output.charts import rows_of
from ia_data.storage import db, store
from ia_data.storage.register import councils

pytestmark = pytest.mark.page  # a page test: SQLite only (conftest)

PROJECT = Path(__file__).resolve().parent.parent
TROMS_2015 = SAMPLE_DIR / "rapport_2015_Ar_ia-radet-i-troms.xlsx"
REGISTER = SAMPLE_DIR / "register.toml"
IMAGE = "![](http://127.0.0.1:9/x.png)"
LINK = "[Logg inn](http://evil.example)"
HTML = "<img src=x onerror=alert(1)>"
HOSTILE = f"{IMAGE} {LINK} {HTML} **fet** $x^2$"
# What must never reach an element that draws Markdown, and its escaped form (ui.plain).
RAW = ["![](", "[Logg inn](", "<img", "**fet**", "$x^2$"]
ESCAPED = ["\\!\\[\\](http\\:", "\\[Logg inn\\](http\\:", "\\<img src=x", "\\*\\*fet\\*\\*"]
FILE_NAME = f"**fet** {IMAGE} [Logg inn](evil).xlsx"
UPLOADED_BY = LINK
PAGES = [
    (None, "Oversikt", {"ar": "2015"}),
    ("views/frister.py", "Frister", {"fra": "2015", "til": "2015"}),
    ("views/okonomi.py", "Økonomi", {"ar": "2015"}),
    ("views/aktiviteter.py", "Aktiviteter", {"ar": "2015"}),
    ("views/rad.py", "Råd", {"rad": "TROMS"}),
    ("views/opplastinger.py", "Opplastinger", {}),
]


def hostile_workbook() -> bytes:
    """Troms 2015 with the hostile text in every answer, name, title, type, sector,
    organiser, comment and meeting text (an answer also has a line break)."""
    book = openpyxl.load_workbook(TROMS_2015)
    report = book["Rapport"]
    for row in range(13, 18):  # the five answers
        report[f"B{row}"] = f"Svar {row - 12}: {HOSTILE}\nNy linje"
    for row, label in ((7, "Kontakt"), (8, "Leder"), (9, "Organisasjon")):
        report[f"B{row}"] = f"{label} {HOSTILE}"
    activities = book["Aktiviteter"]
    for row in range(4, 8):
        for column, label in (("B", "Tittel"), ("C", "Type"), ("E", "Sektor")):
            activities[f"{column}{row}"] = f"{label} {HOSTILE}"
        activities[f"I{row}"] = f"Ansvarlig {HOSTILE}"
        activities[f"J{row}"] = f"Kommentar {HOSTILE}"
    meetings = book["Møter"]
    for column, label in (("B", "Møte"), ("C", "Parter"), ("D", "Kommentar")):
        meetings[f"{column}4"] = f"{label} {HOSTILE}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module", params=["sqlite"])
def hostile_url(request, tmp_path_factory, postgres):
    """A database holding the hostile Troms 2015 report, uploaded by a «name» with a link."""
    folder = tmp_path_factory.mktemp("plain")
    with (
        kept_database(request.param, postgres, folder, REGISTER) as url,
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setenv("IA_REGISTER_FILE", str(REGISTER))
        engine = db.get_engine(url)
        result = store.import_file(
            engine, FILE_NAME, hostile_workbook(), by=Actor(UPLOADED_BY), scope=OPERATOR
        )
        assert result.status == ImportStatus.STORED, result.message
        patch.undo()
        yield url


def _troms(url: str) -> str:
    with Session(db.get_engine(url)) as session:
        return str(next(c.id for c in councils(session) if c.name == "IA-rådet i Troms"))


def markdown_texts(at) -> list[str]:
    """Every text on the page that Streamlit draws as Markdown."""
    texts = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "toast"):
        texts += [e.value for e in getattr(at, kind)]
    for kind in ("title", "header", "subheader"):
        texts += [e.value for e in getattr(at, kind)]
    texts += [t for m in at.metric for t in (m.label, m.value, m.proto.help)]
    texts += [e.label for e in at.expander]
    for table in at.table:
        frame = table.value
        texts += [*map(str, frame.index), *map(str, frame.columns)]
        texts += [str(v) for v in frame.to_numpy().ravel()]
    return texts


def figures(at) -> list[dict]:
    """Every figure on the page: its Vega-Lite specification."""
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def _keys_and_marks(spec) -> set[str]:
    """Every key of a specification's objects, and every mark type it draws."""
    found = set()
    if isinstance(spec, dict):
        found |= set(spec)
        mark = spec.get("mark")
        found.add(mark if isinstance(mark, str) else (mark or {}).get("type", ""))
        for value in spec.values():
            found |= _keys_and_marks(value)
    elif isinstance(spec, list):
        for value in spec:
            found |= _keys_and_marks(value)
    return found


# Vega draws a figure's texts as text and escapes its tooltips; what would fetch or link
# from a file's text is a link or address (``href``, ``url``) or an image mark.
FETCHING = {"href", "url", "image"}


def _assert_plain(at) -> None:
    for shown in markdown_texts(at):
        live = re.sub(r"\\.", "\x00", shown)  # what is left once the escaped characters go
        for raw in RAW:
            assert raw not in live, shown
    for figure in figures(at):
        assert not FETCHING & _keys_and_marks(figure)


@pytest.mark.parametrize(("page", "title", "query"), PAGES, ids=[p[1] for p in PAGES])
def test_no_page_draws_a_files_text_as_markdown_or_html(app_on, hostile_url, page, title, query):
    query = {k: _troms(hostile_url) if v == "TROMS" else v for k, v in query.items()}
    at = app_on(hostile_url, page=page, **query)
    assert not at.exception
    assert at.title[0].value == title
    _assert_plain(at)


def test_the_answers_are_escaped_and_keep_their_line_breaks(app_on, hostile_url):
    at = app_on(hostile_url, page="views/rad.py", rad=_troms(hostile_url))
    answers = at.table[-1].value  # the newest period's tab
    first = answers.iloc[0, -1]
    assert first.startswith("Svar 1\\: ")
    for escaped in ESCAPED:
        assert escaped in first
    assert "\\$x^2\\$" in first
    assert first.endswith("  \nNy linje")  # a Markdown line break
    # Names, titles, sectors and meeting texts are in dataframes, which show plain text.
    frames = [d.value for d in at.dataframe]
    assert any(f"Leder {HOSTILE}" in set(f.get("Leder", [])) for f in frames)
    assert any(f"Sektor {HOSTILE}" in set(f.get("Bransje/sektor", [])) for f in frames)
    assert any(f"Møte {HOSTILE}" in set(f.get("Møtetype", [])) for f in frames)


def test_the_sector_in_a_figure_is_text(app_on, hostile_url):
    """The sector is a name on the figure's axis as it stands in the file, cut to 100
    characters (Vega draws it as text; no link, address or image in the figure)."""
    at = app_on(hostile_url, page="views/aktiviteter.py", ar="2015")
    names = {row.get("name") for spec in figures(at) for row in rows_of(spec)}
    assert f"Sektor {HOSTILE}"[:99] + "…" in names
    _assert_plain(at)


def test_the_upload_history_shows_file_name_uploader_and_warnings_as_text(app_on, hostile_url):
    at = app_on(hostile_url, page="views/opplastinger.py")
    line = at.markdown[0].value
    assert "fil **\\*\\*fet\\*\\* \\!\\[\\](http\\:" in line  # the page's own bold stays
    assert "av \\[Logg inn\\](http\\:\u2060//evil.example)" in line
    warning = at.warning[0].value
    assert "\\!\\[\\](http\\:\u2060//127.0.0.1" in warning
    assert at.selectbox(key="history_pick").value == 1
    _assert_plain(at)


def test_the_upload_check_shows_the_files_text_as_text(app_on, tmp_path, monkeypatch):
    at = app_on(f"sqlite:///{tmp_path / 'upload.db'}", page="views/last_opp.py")
    at.file_uploader[0].upload(FILE_NAME, hostile_workbook()).run()
    assert not at.exception
    assert any("\\*\\*fet\\*\\* \\!\\[\\]" in m.value for m in at.markdown)
    assert any("\\!\\[\\](http\\:" in w.value for w in at.warning)
    _assert_plain(at)


def test_a_megabyte_sector_is_cut_on_the_screen(app_on, tmp_path, monkeypatch):
    """A sector stored before the importer had limits: the page shows 1 000 characters
    (999 and «…»), so the browser does not freeze; the figure shows 100."""
    monkeypatch.setenv("IA_REGISTER_FILE", str(REGISTER))
    url = f"sqlite:///{tmp_path / 'huge.db'}"
    engine = db.get_engine(url)
    store.import_file(engine, TROMS_2015.name, TROMS_2015.read_bytes(), scope=OPERATOR)
    huge = "Sektor " + "x" * 1_000_000
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE activity SET sector = :sector WHERE id = (SELECT min(id) FROM activity)"),
            {"sector": huge},
        )
    at = app_on(url, page="views/aktiviteter.py", ar="2015")
    assert not at.exception
    cut = huge[:999] + "…"
    activities = at.dataframe[-1].value
    assert cut in set(activities["Bransje/sektor"])
    assert max(len(v) for v in activities["Bransje/sektor"]) == 1_000
    sectors = at.dataframe[3].value
    assert cut in set(sectors["Bransje/sektor"])
    assert max(len(json.dumps(f)) for f in figures(at)) < 20_000
