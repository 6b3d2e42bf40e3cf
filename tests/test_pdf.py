"""The compiled report as PDF (``output.pdf``), read back with pypdf: A4, page numbers, the
summary's figures and the deviations first, then one page per council, every council named;
and ``ia-data export compiled --format pdf``. Rendered once per module, on SQLite: its
figures come from the functions ``test_deviations.py`` and ``test_headline.py`` check on
both engines."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest
from pypdf import PdfReader
from sqlmodel import Session
from workbooks import report_xlsx

from ia_data.cli import main
from ia_data.demo import SAMPLE_DIR
from ia_data.domain import formatting as fmt
from ia_data.domain.access import OPERATOR
from ia_data.output.compiled import compiled_report
from ia_data.output.compiled_facts import compiled_facts
from ia_data.output.pdf import compiled_html
from ia_data.storage import db, store

AS_OF = date(2016, 6, 1)
NOW = datetime(2016, 6, 1, 12, 0)
COUNCILS = [
    "Østfold", "Akershus", "Oslo", "Hedmark", "Oppland", "Buskerud", "Vestfold", "Telemark",
    "Agder", "Rogaland", "Hordaland", "Sogn og Fjordane", "Møre og Romsdal", "Sør-Trøndelag",
    "Nord-Trøndelag", "Nordland", "Troms", "Finnmark",
]  # fmt: skip


def _html(session, rules, year: int, period: str | None = None) -> str:
    """The HTML the PDF of ``year`` (or its ``period``) is rendered from."""
    facts = compiled_facts(session, rules, year, AS_OF, scope=OPERATOR, period=period)
    return compiled_html(session, rules, facts, AS_OF, NOW, scope=OPERATOR)


def _pages(data: bytes) -> list[str]:
    """Each page's text, its spaces made plain (a thousands space is a no-break space)."""
    reader = PdfReader(io.BytesIO(data))
    return [" ".join(p.extract_text().replace("\xa0", " ").split()) for p in reader.pages]


@pytest.fixture(scope="module")
def pdf_2015(seeded_sqlite_url, tmp_path_factory):
    """The compiled report of 2015 as PDF, made as an operator makes it: by the command
    line (``export compiled --format pdf``; a PDF takes seconds, so one serves the module),
    and read back once."""
    out = tmp_path_factory.mktemp("pdf") / "samlet.pdf"
    argv = ["export", "compiled", "--year", "2015", "--as-of", AS_OF.isoformat()]
    assert main(["--db", seeded_sqlite_url, *argv, "--format", "pdf", "--out", str(out)]) == 0
    data = out.read_bytes()
    return data, _pages(data)


def test_a4_with_page_numbers(pdf_2015):
    data, pages = pdf_2015
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    for n, text in enumerate(pages, start=1):
        assert f"Side {n} av {len(pages)}" in text


def test_the_summary_and_the_deviations_come_first(pdf_2015):
    first = pdf_2015[1][0]
    assert first.startswith("Samlet rapport fra IA-rådene 2015")
    for figure in [
        "IA-råd 18",
        "Tildelt 7 400 000 kr",
        "Brukt 6 597 343,15 kr",
        "Andel brukt 89,2 %",
        "Råd med overforbruk 1 Nordland",
        "Aktiviteter 299",
        "Råd uten handlingsplan 3 Buskerud, Vestfold, Troms",
        "Møter utenfor 2–4 (antatt) 1 Rogaland",
        "Rapporter: Levert for sent 1",
        "Avvik (6)",
        "brukt 437 250 kr av 400 000 kr tildelt (109 %), 37 250 kr for mye",
    ]:
        assert figure in first, figure
    # the overview follows (on the next page once the plans' block has taken the room)
    text = "\n".join(pdf_2015[1])
    assert text.index("Nøkkeltall") < text.index("Avvik (6)") < text.index("Oversikt per")


def test_one_page_per_council_after_the_overview(pdf_2015):
    pages = pdf_2015[1]
    starts = [next(i for i, t in enumerate(pages) if t.startswith(f"IA-rådet i {name} 2015"))
              for name in COUNCILS]  # fmt: skip
    assert starts == sorted(starts) and len(set(starts)) == 18
    overview = " ".join(pages[: starts[0]]).replace("- ", "-")  # «Sør-» wraps in a cell
    assert all(name in overview for name in COUNCILS)
    nordland = pages[starts[COUNCILS.index("Nordland")]]
    assert "Gjenstår -37 250 kr brukt mer enn tildelt" in nordland
    assert "Brukt mer enn tildelt (2015)" in nordland


def test_a_half_years_grant_is_the_whole_years(seeded_sqlite_url, rules):
    with Session(db.get_engine(seeded_sqlite_url)) as session:
        page = _html(session, rules, 2012, "H1")
    assert "Samlet rapport fra IA-rådene 2012, 1. halvår" in page
    assert "<td>Tildelt (hele året)</td><td>10 000 000 kr</td>" in page.replace("\xa0", " ")
    assert "<th>Tildelt hele året</th>" in page
    assert (
        'Råd uten handlingsplan</td><td class="alert">3</td><td>Oslo, Nord-Trøndelag, Troms</td>'
        in page
    )


def test_text_from_a_workbook_is_escaped(sqlite_database, rules):
    """An answer written as markup shows as written: escaped, never a tag."""
    engine = db.get_engine(sqlite_database())
    title = "<b>Fet</b> & <script>x()</script>"
    data = report_xlsx(answers=[title, "Svar 2", "Svar 3", "Svar 4", "Svar 5"])
    assert store.import_file(engine, "rapport.xlsx", data, scope=OPERATOR).ok
    with Session(engine) as session:
        facts = compiled_facts(
            session, rules, 2012, AS_OF, scope=OPERATOR, period="H1", approved_only=False
        )
        page = compiled_html(session, rules, facts, AS_OF, NOW, scope=OPERATOR)
    assert "&lt;b&gt;Fet&lt;/b&gt; &amp; &lt;script&gt;x()&lt;/script&gt;" in page
    assert "<script" not in page and "<b>Fet" not in page and page.count("<html") == 1


def _kr(ore: float) -> str:
    """Kroner as ``_pages`` reads them: «12 500 kr» with plain spaces."""
    return fmt.kroner(round(ore)).replace("\xa0", " ")


def _council_text(pages: list[str], name: str, year: int = 2015) -> str:
    """The text of a council's pages: from its heading to the next council's."""
    start = next(i for i, t in enumerate(pages) if t.startswith(f"IA-rådet i {name} {year}"))
    end = next((i for i in range(start + 1, len(pages)) if pages[i].startswith("IA-rådet i ")),
               len(pages))  # fmt: skip
    return " ".join(pages[start:end])


def test_a_council_page_carries_its_plan_as_its_sheet_does(pdf_2015):
    pages = pdf_2015[1]
    agder = _council_text(pages, "Agder").replace("- ", "-")  # «IA-» wraps in a cell
    plan = openpyxl.load_workbook(SAMPLE_DIR / "handlingsplan_2015_ia-radet-i-agder.xlsx")
    measures = [r for r in plan["Handlingsplan"].iter_rows(values_only=True) if r[0] in range(99)]
    assert len(measures) == 9
    for number, goal, _, text, _, who, budget in measures:
        assert f"{number} {goal} {text}".replace("- ", "-") in agder
        assert f"{who} {_kr(budget * 100)}" in agder
    # By hand from Agder's 2015 report: measure 6 has only a cancelled activity, 9 none.
    done = "Handlingsplan: planlagt mot gjennomført Tiltak med gjennomført aktivitet: 7 av 9"
    sixth = "Erfaringssamling om seniortiltak 2. kvartal 2015 LO 10 000 kr 1 2 500 kr Nei Ja"
    outside = "16.12.2015 Mediearbeid om IA-avtalen Gjennomført 18 000 kr utenfor planen"
    assert done in agder and sixth in agder and outside in agder
    assert "Aktiviteter utenfor planen (1)" in agder
    troms = _council_text(pages, "Troms")
    none = "Handlingsplan: planlagt mot gjennomført IA-rådet i Troms har ingen handlingsplan"
    assert f"{none} for 2015" in troms


def test_the_summary_carries_the_xlsx_plan_and_theme_lines(seeded_sqlite_url, rules, pdf_2015):
    with Session(db.get_engine(seeded_sqlite_url)) as session:
        data = compiled_report(session, rules, 2015, AS_OF, NOW, scope=OPERATOR)
    summary = openpyxl.load_workbook(io.BytesIO(data))["Sammendrag"]
    rows = list(summary.iter_rows(values_only=True))
    themes = rules.themes(2015).names
    plan_lines = [r for r in rows if r[1] == 2015 and str(r[0]).startswith("IA-rådet")]
    theme_lines = [r for r in rows if r[1] in themes]
    # every council; the themes of the 15 whose reports name any, and «Alle råd»
    assert (len(plan_lines), len(theme_lines)) == (18, 16 * 4)
    text = " ".join(pdf_2015[1]).replace("- ", "-")  # «Sør-» wraps in a cell
    before = text.index("IA-rådet i Østfold 2015 ·")  # the first council's page
    for name, year, done, overdue, budget, spent, outside in (r[:7] for r in plan_lines):
        figures = "" if done == "ingen plan" else (
            f" {overdue} {_kr(budget * 100)} {_kr(spent * 100)} "
            f"{outside}"
        )  # fmt: skip
        assert f"{name} {year} {done}{figures}" in text[:before]
    for name, theme, count, spent in (r[:4] for r in theme_lines):
        assert f"{name} {theme} {count} {_kr(spent * 100)}" in text[:before]
    assert "Detaljene står på siden til hvert råd." in text[:before]
