"""The whole path on the demo data: every sample workbook goes through the importer, and
the overview export must equal figures recomputed here from the workbook rows themselves.

The oracle reads the files with openpyxl (not the importer's calamine path), takes the
council and period from the file name, and interprets the handful of value spellings the
sample generator writes. Any disagreement in a krone or a count fails the test.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from sqlmodel import Session

from ia_data.demo import SAMPLE_DIR, SAMPLE_REGISTER
from ia_data.demo.sample import SITUATIONS, slug
from ia_data.demo.seed import missing_files, seed
from ia_data.domain.access import OPERATOR
from ia_data.domain.register import read_register_file
from ia_data.output.exports import overview_export

AS_OF = date(2030, 1, 1)  # every due date has passed: statuses are final
DUE = {"H1": (0, 9, 1), "H2": (1, 3, 1), "År": (1, 3, 1)}


def _ore(value) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, int | float):
        return int(Decimal(repr(value)) * 100)
    text = str(value).replace("NOK", "").replace("kr", "").replace(",-", "").strip()
    text = text.replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    return int(Decimal(text.replace(",", ".")) * 100)


def _goals(value) -> set[int]:
    if isinstance(value, int | float):
        return {int(value)}
    text = str(value).lower()
    if text.startswith("alle") or text == "1-3":
        return {1, 2, 3}
    words = {"sykefravær": 1, "nedsatt funksjonsevne": 2, "senior": 3}
    if text in words:
        return {words[text]}
    return {int(d) for d in re.findall(r"[123]", text)}


def _table(sheet, first_header: str):
    rows = list(sheet.iter_rows(values_only=True))
    for i, row in enumerate(rows):
        if row and row[0] == first_header:
            header = [str(h) if h is not None else "" for h in row]
            return [
                dict(zip(header, r, strict=False))
                for r in rows[i + 1 :]
                if any(v not in (None, "") for v in r)
            ]
    raise AssertionError(f"no header {first_header!r} in {sheet.title}")


def _label_value(sheet, label: str):
    for row in sheet.iter_rows(values_only=True):
        if row and row[0] == label:
            return next((v for v in row[1:] if v not in (None, "")), None)
    return None


@functools.cache
def recompute() -> dict[tuple[str, int], dict]:
    """Per (council, year): the overview's figures, from the workbook rows alone."""
    names = {slug(c["name"]): c["name"] for c in read_register_file(SAMPLE_REGISTER)["council"]}
    figures: dict[tuple[str, int], dict] = defaultdict(
        lambda: {"spent": 0, "activities": 0, "goals": [0, 0, 0], "meetings": 0, "status": {}}
    )
    for path in sorted(SAMPLE_DIR.glob("rapport_*.xlsx")):
        _, year, code, council_slug = path.stem.split("_", 3)
        year, code = int(year), {"Ar": "År"}.get(code, code)
        council = names[council_slug]
        book = openpyxl.load_workbook(path, data_only=True)
        entry = figures[(council, year)]
        for activity in _table(book["Aktiviteter"], "Dato"):
            entry["spent"] += _ore(activity["Kostnad (kr)"])
            if str(activity["Status"] or "").lower() == "avlyst":
                continue
            entry["activities"] += 1
            for k in _goals(activity["Delmål"]):
                entry["goals"][k - 1] += 1
        entry["meetings"] += len(_table(book["Møter"], "Dato"))
        submitted = _label_value(book["Rapport"], "Innsendt dato")
        submitted = submitted.date() if isinstance(submitted, datetime) else submitted
        offset, month, day = DUE[code]
        due = date(year + offset, month, day)
        late = (submitted - due).days
        entry["status"][code] = (
            "Levert i tide"
            if late <= 0
            else f"Levert for sent (+{late} {'dag' if late == 1 else 'dager'})"
        )
    allocations = {}
    book = openpyxl.load_workbook(SAMPLE_DIR / "tildelinger_2012-2014.xlsx", data_only=True)
    for row in _table(book["Tildelinger"], "IA-råd"):
        allocations[(row["IA-råd"], int(row["År"]))] = _ore(row["Beløp"])
    for key, entry in figures.items():
        entry["allocated"] = allocations.get(key)
    return figures


@pytest.fixture(scope="module")
def seeded(seeded_url):
    from ia_data.storage import db

    return db.get_engine(seeded_url), None


def _export(engine, year: int) -> list[dict]:
    from ia_data.domain.rules import DEFAULT_RULES_FILE, load_rules

    with Session(engine) as session:
        data = overview_export(
            session, year, AS_OF, load_rules(DEFAULT_RULES_FILE), "csv", scope=OPERATOR
        )
    text = data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def _kr(text: str) -> int:
    return int(Decimal(text.replace(",", ".")) * 100) if text else None


def test_every_sample_workbook_is_stored_without_errors(seeded_copy):
    """The run's demo database is seeded once (``conftest._seed``, which fails unless every
    workbook comes back «lagret»): every sample workbook is in it, and seeding it again
    stores nothing, each file «uendret»."""
    from ia_data.storage import db

    engine = db.get_engine(seeded_copy("sqlite"))
    assert missing_files(engine) == []
    again = seed(engine)
    assert len(again) == len(list(SAMPLE_DIR.glob("*.xlsx")))
    assert {r.status for r in again} == {"uendret"}


@pytest.mark.parametrize("year", [2012, 2013, 2014, 2015, 2016])
def test_overview_export_matches_the_workbooks(seeded, year):
    engine, _ = seeded
    expected = recompute()
    rows = _export(engine, year)
    assert len(rows) == 18
    for row in rows:
        key = (row["IA-råd"], year)
        assert key in expected or row["Aktiviteter"] == "", key
        truth = expected.get(key)
        if truth is None:  # no report at all this year (Oslo 2016): nothing known but that
            assert (row["Brukt (kr)"], row["Møter"], row["Alle delmål dekket"]) == (
                "0",
                "",
                "(ingen rapport)",
            )
            continue
        assert _kr(row["Brukt (kr)"]) == truth["spent"], key
        assert int(row["Aktiviteter"]) == truth["activities"], key
        assert [int(row[f"Delmål {k}"]) for k in (1, 2, 3)] == truth["goals"], key
        assert int(row["Møter"]) == truth["meetings"], key
        assert row["Alle delmål dekket"] == ("Ja" if all(truth["goals"]) else "Nei"), key
        for code, status in truth["status"].items():
            assert row[f"Status {code}"] == status, (key, code)
        if truth["allocated"] is not None:
            assert (_kr(row["Tildelt (kr)"]), row["Tildeling"]) == (truth["allocated"], "vedtak")
            assert _kr(row["Gjenstår (kr)"]) == truth["allocated"] - truth["spent"], key


def test_the_situations_the_demo_promises(seeded):
    engine, _ = seeded
    by_year = {
        y: {r["IA-råd"]: r for r in _export(engine, y)} for y in (2012, 2013, 2014, 2015, 2016)
    }
    troms = by_year[2012]["IA-rådet i Troms"]
    assert (troms["Status H1"], troms["Frist H1"], troms["Innsendt H1"]) == (
        "Levert for sent (+13 dager)",
        "2012-09-01",
        "2012-09-14",
    )
    for late in SITUATIONS["late"]:
        row = by_year[late["year"]][late["council"]]
        assert row[f"Status {late['period']}"].startswith("Levert for sent"), late
    for missing in SITUATIONS["missing"]:
        row = by_year[missing["year"]][missing["council"]]
        assert row[f"Status {missing['period']}"] == "Mangler", missing
    nordland = by_year[2015]["IA-rådet i Nordland"]
    assert (nordland["Tildelt (kr)"], nordland["Brukt (kr)"], nordland["Gjenstår (kr)"]) == (
        "400000",
        "437250",
        "-37250",
    )
    assert nordland["Forbruk (%)"] == "109,3"
    hedmark = by_year[2014]["IA-rådet i Hedmark"]
    assert (hedmark["Delmål 3"], hedmark["Alle delmål dekket"]) == ("0", "Nei")
    agder = by_year[2015]["IA-rådet i Agder"]
    assert (agder["Fylker"], agder["Tildelt (kr)"], agder["Tildeling"]) == (
        "Aust-Agder, Vest-Agder",
        "600000",
        "regel",
    )
    assert by_year[2013]["IA-rådet i Buskerud"]["Møter"] == "1"
    assert by_year[2015]["IA-rådet i Rogaland"]["Møter"] == "5"


def test_2012_allocations_share_the_ten_million_pool(seeded):
    engine, _ = seeded
    rows = _export(engine, 2012)
    assert sum(_kr(r["Tildelt (kr)"]) for r in rows) == 10_000_000 * 100
    assert {r["Tildeling"] for r in rows} == {"vedtak"}
