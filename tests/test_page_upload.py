"""The Last opp page as AppTest runs it: a file is checked and shown before anything is
stored, confirming stores it and the overview shows it, errors come as a table with the
Excel rows, a re-upload shows what it changes, broken files get a Norwegian message, and
several files go at once."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from ia_data.cli import main as cli
from ia_data.demo import SAMPLE_DIR
from ia_data.domain.access import OPERATOR
from ia_data.domain.kinds import ImportStatus, Severity
from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules
from ia_data.ingest.parsed import Problem
from ia_data.output.exports import problems_xlsx
from ia_data.output.template import template_for_year
from ia_data.reporting.overview import overview
from ia_data.reporting.record_tables import PROBLEM_COLUMNS
from ia_data.storage import db, history, store

pytestmark = pytest.mark.page  # a page test: SQLite only (conftest)

PROJECT = Path(__file__).resolve().parent.parent
SAMPLES = SAMPLE_DIR
TROMS_2015 = SAMPLES / "rapport_2015_Ar_ia-radet-i-troms.xlsx"
OSLO_2015 = SAMPLES / "rapport_2015_Ar_ia-radet-i-oslo.xlsx"
AGDER_2016 = SAMPLES / "rapport_2016_Ar_ia-radet-i-agder.xlsx"
ALLOCATIONS = SAMPLES / "tildelinger_2012-2014.xlsx"
PAGE = "views/last_opp.py"
TROMS_COST_ORE = 35_562_000  # 355 620 kr, every activity of the sample counted


@pytest.fixture
def url(database, monkeypatch):
    """A fresh database (sample register), on each engine, that the app uses through the env."""
    url = database(SAMPLES / "register.toml")
    monkeypatch.setenv("IA_DATABASE_URL", url)
    monkeypatch.setenv("IA_REGISTER_FILE", str(SAMPLES / "register.toml"))
    return url


def open_app(page: str = PAGE) -> AppTest:
    at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=60)
    at.switch_page(page)
    return at.run()


def variant(path: Path, edit) -> bytes:
    """A sample workbook changed by ``edit(workbook)``, as .xlsx bytes."""
    book = openpyxl.load_workbook(path)
    edit(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def troms_2015(url: str):
    with Session(db.get_engine(url)) as session:
        rows = overview(
            session, 2015, date(2016, 6, 1), load_rules(DEFAULT_RULES_FILE), scope=OPERATOR
        )
    return next(r for r in rows if r.council.name == "IA-rådet i Troms")


def test_empty_page_offers_the_uploader_and_the_template(url):
    at = open_app()
    assert not at.exception
    assert len(at.file_uploader) == 1
    assert at.file_uploader[0].accept_multiple_files
    # The file chooser (``ui.chooser``) offers the four formats; the uploader under it takes
    # any file, which the app's own check refuses in Norwegian (below).
    chooser = json.loads(at.get("bidi_component")[0].proto.json)
    assert {".xlsx", ".xlsm", ".xls", ".ods"} < set(chooser["accept"].split(","))
    assert chooser["limit"] == "Høyst 20 MB per fil · XLSX, XLSM, XLS, ODS"
    assert not at.file_uploader[0].allowed_type
    assert "Ingen filer valgt ennå" in at.info[0].value
    assert at.download_button(key="template_download").label == "Last ned malen for 2018"


def test_valid_file_is_previewed_and_stored_only_on_confirm(url):
    at = open_app()
    at.file_uploader[0].upload(TROMS_2015.name, TROMS_2015.read_bytes()).run()
    assert not at.exception
    line = next(m.value for m in at.markdown if "rapportperiode" in m.value)
    assert "**IA-rådet i Troms**" in line
    assert "**2015 År**" in line
    assert "frist **01.03.2016** (antatt)" in line
    assert "innsendt **01.02.2016** :green-badge[Levert i tide]" in line
    assert metrics(at) == {
        "Aktiviteter": "12",
        "Delmål 1": "8",
        "Delmål 2": "5",
        "Delmål 3": "3",
        "Møter": "3",
        "Kostnad": "355\xa0620 kr",
    }
    assert "kontrollert uten feil" in at.success[0].value
    assert any(
        "Ingen versjon er lagret for IA-rådet i Troms, 2015 År" in c for c in texts(at.caption)
    )
    assert history.uploads(db.get_engine(url)) == []  # nothing stored before the confirm

    assert (
        "Lagres som lastet opp av **åpen modus (ingen innlogging)** (vises under «Opplastinger»)."
        in texts(at.caption)
    )
    confirm = at.button(key="confirm_upload")
    assert (confirm.label, confirm.disabled) == ("Lagre filen", False)
    confirm.click().run()
    assert not at.exception

    [upload] = history.uploads(db.get_engine(url))
    assert (upload["council_name"], upload["year"], upload["period"]) == (
        "IA-rådet i Troms",
        2015,
        "År",
    )
    assert (upload["activity_count"], upload["meeting_count"], upload["total_cost_ore"]) == (
        12,
        3,
        TROMS_COST_ORE,
    )
    assert (upload["uploaded_by"], upload["uploaded_by_email"]) == (
        "åpen modus (ingen innlogging)",
        "",
    )  # without sign-in (IA_AUTH=av) nobody is named; signed in: tests/test_access.py
    assert upload["active"]
    troms = troms_2015(url)
    assert (troms.spent_ore, troms.activities, troms.goals) == (
        TROMS_COST_ORE,
        12,
        {1: 8, 2: 5, 3: 3},
    )
    assert "Filen er lagret" in at.success[0].value
    assert "opplasting nr. 1" in at.success[0].value
    # The uploader starts empty again, so the same file is not offered twice.
    assert not at.file_uploader[0].value
    assert len(at.metric) == 0

    at.switch_page("views/oversikt.py").run()
    table = at.dataframe[0].value.set_index("IA-råd")
    assert table.loc["Troms", "Brukt (kr)"] == 355_620
    assert table.loc["Troms", "Aktiviteter"] == 12


def _errors(book) -> None:
    sheet = book["Aktiviteter"]
    sheet["D5"] = 4  # Delmål
    sheet["G7"] = -5  # Kostnad (kr)
    sheet["A9"] = "neste uke"  # Dato
    book["Møter"]["A5"] = "31.02.2015"


def test_row_errors_come_as_a_table_with_the_excel_rows(url):
    at = open_app()
    at.file_uploader[0].upload("troms-med-feil.xlsx", variant(TROMS_2015, _errors)).run()
    assert not at.exception
    assert at.error[0].value == (
        "Filen har feil og kan ikke lagres før feilene er rettet i arbeidsboka og filen er "
        "lastet opp på nytt."
    )
    assert "4 feil må rettes" in at.error[1].value
    table = at.table[0].value  # a static table: long messages wrap, none is cut
    assert list(table.columns) == [c.name for c in PROBLEM_COLUMNS]
    located = list(zip(table["Ark"], table["Rad"], table["Kolonne"], strict=True))
    assert located == [
        ("Aktiviteter", "5", "Delmål"),
        ("Aktiviteter", "7", "Kostnad (kr)"),
        ("Aktiviteter", "9", "Dato"),
        ("Møter", "5", "Dato"),
    ]
    assert list(table["Funnet"]) == ["4", "-5", "neste uke", "31.02.2015"]
    assert all(message for message in table["Forventet / melding"])
    assert "delmål" in table.loc[0, "Forventet / melding"]
    assert at.download_button[2].label == "Last ned feillisten (XLSX)"  # after the two templates
    confirm = at.button(key="confirm_upload")
    assert confirm.disabled
    assert confirm.label == "Ingen filer kan lagres"
    assert len(at.metric) == 0  # no counts from a file that cannot be stored
    assert history.uploads(db.get_engine(url)) == []


def test_error_list_download_holds_every_error_row():
    problems = [
        Problem(Severity.ERROR, "«4» er ikke et delmål", "Aktiviteter", 14, "Delmål", "4"),
        Problem(Severity.ERROR, "fant ikke feltet «IA-råd»", "Rapport"),
    ]
    data = problems_xlsx("rapport.xlsx", problems, now=datetime(2016, 2, 1, 12, 0))
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Feil", "Om uttrekket"]
    rows = list(book["Feil"].iter_rows(values_only=True))
    assert rows == [
        tuple(c.name for c in PROBLEM_COLUMNS),
        ("Aktiviteter", 14, "Delmål", "4", "«4» er ikke et delmål"),
        ("Rapport", None, None, None, "fant ikke feltet «IA-råd»"),
    ]
    about = dict(book["Om uttrekket"].iter_rows(values_only=True))
    assert (about["Fil"], about["Antall feil"]) == ("rapport.xlsx", 2)


def _second_version(book) -> None:
    sheet = book["Aktiviteter"]
    sheet["G5"] = 15_000  # Fagdag for tillitsvalgte: 11 000 → 15 000 kr
    for cell in sheet[6]:  # Samling for IA-kontaktene (delmål 1/2, 26 500 kr) removed
        cell.value = None
    new = [date(2015, 12, 20), "Erfaringssamling for seniorer", "Erfaringssamling", 3]
    for column, value in enumerate(new, start=1):
        sheet.cell(17, column, value)
    sheet.cell(17, 7, 5_000)


def test_reupload_shows_what_changes_and_the_overview_follows(url):
    engine = db.get_engine(url)
    first = store.import_file(engine, "troms-v1.xlsx", TROMS_2015.read_bytes(), scope=OPERATOR)
    assert first.status == ImportStatus.STORED
    at = open_app("views/oversikt.py")  # the overview caches the first version's figures
    table = at.dataframe[0].value.set_index("IA-råd")
    assert table.loc["Troms", "Brukt (kr)"] == 355_620

    at.switch_page(PAGE).run()
    at.file_uploader[0].upload("troms-v2.xlsx", variant(TROMS_2015, _second_version)).run()
    assert not at.exception
    captions = texts(at.caption)
    assert any(
        "Erstatter den aktive versjonen (opplasting nr. 1) for IA-rådet i Troms, 2015 År" in c
        for c in captions
    )
    counts = at.dataframe[0].value.set_index("")
    assert counts.loc["Aktiviteter"].tolist() == ["12", "12", "0"]
    assert counts.loc["Delmål 1"].tolist() == ["8", "7", "−1"]
    assert counts.loc["Delmål 2"].tolist() == ["5", "4", "−1"]
    assert counts.loc["Delmål 3"].tolist() == ["3", "4", "+1"]
    assert counts.loc["Møter"].tolist() == ["3", "3", "0"]
    assert counts.loc["Kostnad"].tolist() == [
        "355\xa0620 kr",
        "338\xa0120 kr",
        "−17\xa0500 kr",
    ]
    assert any("1 lagt til, 1 fjernet, 1 endret" in m.value for m in at.markdown)
    changes = at.dataframe[1].value
    assert changes[["Endring", "Aktivitet"]].values.tolist() == [
        ["Ny", "Erfaringssamling for seniorer"],
        ["Endret", "Fagdag for tillitsvalgte og verneombud"],
        ["Fjernet", "Samling for IA-kontaktene i undervisningssektoren"],
    ]
    assert changes.loc[1, "Hva er endret"] == "Kostnad: 11\xa0000 kr → 15\xa0000 kr"
    assert len(history.uploads(engine)) == 1

    at.button(key="confirm_upload").click().run()
    assert not at.exception
    assert "erstatter forrige versjon" in at.success[0].value
    stored = history.uploads(engine)
    assert [(u["id"], u["active"]) for u in stored] == [(2, True), (1, False)]
    assert troms_2015(url).spent_ore == 33_812_000

    at.switch_page("views/oversikt.py").run()
    table = at.dataframe[0].value.set_index("IA-råd")
    assert table.loc["Troms", "Brukt (kr)"] == 338_120


def _password_protected() -> bytes:
    # What check_file sees of an encrypted OOXML file: an OLE container with EncryptionInfo.
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512) + "EncryptionInfo".encode("utf-16-le")


BROKEN = [
    ("rapport.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "godtatte filtyper"),
    ("tom.xlsx", b"", "Filen er tom"),
    ("avkuttet.xlsx", TROMS_2015.read_bytes()[:4000], "skadet eller ufullstendig"),
    ("passord.xlsx", _password_protected(), "passordbeskyttet"),
    ("stor.xlsx", b"\x00nonsense" * (21 * 1024 * 1024 // 9 + 1), "for stor"),
    ("bilde.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(200), "ikke en lesbar"),
]


def test_broken_files_get_a_norwegian_message_and_the_page_keeps_working(url):
    broken = [(name, data, "application/octet-stream") for name, data, _ in BROKEN]
    at = open_app()
    at.file_uploader[0].set_value(broken).run()
    assert not at.exception
    assert at.error[0].value.startswith("Alle de 6 filene har feil og kan ikke lagres")
    messages = texts(at.error)[1:]
    assert len(messages) == len(BROKEN)
    for (name, _, expected), message in zip(BROKEN, messages, strict=True):
        assert message.endswith(". Filen kan ikke lagres."), name
        assert expected in message, name
    assert at.button(key="confirm_upload").disabled
    files = at.dataframe[0].value
    assert list(files["Resultat"]) == ["Har feil"] * 6

    # A valid file next to the broken ones can still be checked and stored.
    valid = (TROMS_2015.name, TROMS_2015.read_bytes(), "application/octet-stream")
    at.file_uploader[0].set_value([*broken, valid]).run()
    assert not at.exception
    assert at.error[0].value.startswith("6 av 7 filer har feil")
    confirm = at.button(key="confirm_upload")
    assert (confirm.label, confirm.disabled) == ("Lagre filen", False)
    confirm.click().run()
    assert not at.exception
    assert [u["file_name"] for u in history.uploads(db.get_engine(url))] == [TROMS_2015.name]


def test_several_files_at_once(url):
    engine = db.get_engine(url)
    store.import_file(engine, OSLO_2015.name, OSLO_2015.read_bytes(), scope=OPERATOR)  # already in
    at = open_app()
    # Troms twice (shown once), Oslo already stored, and an allocation decision.
    files = [TROMS_2015, AGDER_2016, OSLO_2015, TROMS_2015, ALLOCATIONS]
    at.file_uploader[0].set_value(
        [(p.name, p.read_bytes(), "application/vnd.ms-excel") for p in files]
    )
    at.run()
    assert not at.exception
    overview_table = at.dataframe[0].value
    assert overview_table[["Fil", "IA-råd", "Periode", "Resultat"]].values.tolist() == [
        [TROMS_2015.name, "IA-rådet i Troms", "2015 År", "Klar til lagring"],
        [AGDER_2016.name, "IA-rådet i Agder", "2016 År", "Klar til lagring"],
        [OSLO_2015.name, "IA-rådet i Oslo", "2015 År", "Allerede lastet opp"],
        [ALLOCATIONS.name, "", "", "Klar til lagring"],
    ]
    assert any(m.value.startswith("Tildelingsvedtak: ") for m in at.markdown)
    assert any("vises bare én gang" in c for c in texts(at.caption))
    assert any("er lastet opp før" in i for i in texts(at.info))
    confirm = at.button(key="confirm_upload")
    assert confirm.label == "Lagre 3 filer"
    confirm.click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Lagret 3 av 3 filer")
    stored = {u["file_name"]: u for u in history.uploads(engine)}
    assert set(stored) == {TROMS_2015.name, AGDER_2016.name, OSLO_2015.name, ALLOCATIONS.name}
    assert all(u["active"] for u in stored.values())
    assert stored[AGDER_2016.name]["council_name"] == "IA-rådet i Agder"
    assert troms_2015(url).spent_ore == TROMS_COST_ORE


def test_a_rerun_does_not_check_the_file_again(url, monkeypatch):
    calls = []
    real = store.import_file

    def counting(*args, **kwargs):
        calls.append(kwargs.get("dry_run", False))
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "import_file", counting)
    at = open_app()
    at.file_uploader[0].upload(TROMS_2015.name, TROMS_2015.read_bytes()).run()
    at.selectbox(key="template_year").select(2014).run()
    assert not at.exception
    assert calls == [True]  # one dry run, kept under the file's SHA-256
    at.button(key="confirm_upload").click().run()
    assert calls == [True, False]


def test_template_download_is_the_cli_template(url, tmp_path):
    out = tmp_path / "mal.xlsx"
    assert cli(["template", "--db", url, "--year", "2015", "--out", str(out)]) == 0
    with Session(db.get_engine(url)) as session:
        assert (
            template_for_year(session, 2015, load_rules(DEFAULT_RULES_FILE), scope=OPERATOR)
            == out.read_bytes()
        )
    at = open_app()
    at.selectbox(key="template_year").select(2015).run()
    assert at.download_button(key="template_download").label == "Last ned malen for 2015"
