"""The demo workbooks that ship with the app are fictional: a database of real reports (made
with any register but the demo's) refuses each of them by its SHA-256, saying so, and stores
nothing; the demo's own database (and ``ia-data seed``, the tests' demo data) stores them; a
workbook changed from one is judged as any other file."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from ia_data.demo import SAMPLE_DIR
from ia_data.demo.seed import draft
from ia_data.domain.access import OPERATOR
from ia_data.domain.kinds import ImportStatus
from ia_data.storage import fictional, history, store

TROMS_2015 = SAMPLE_DIR / "rapport_2015_Ar_ia-radet-i-troms.xlsx"
AGDER_2015 = SAMPLE_DIR / "rapport_2015_Ar_ia-radet-i-agder.xlsx"
GRANTS = next(SAMPLE_DIR.glob("tildeling*.xlsx"))

REFUSED = (
    "Filen er demofilen «{name}» som følger med IA-rådsoversikt: tallene i den er oppdiktet "
    "og hører ikke hjemme i en database med ekte rapporter; ingenting er lagret. Last opp "
    "rådets egen rapport"
)


def test_the_checksum_file_names_every_shipped_workbook_as_it_is():
    written = fictional.CHECKSUMS.read_text("utf-8")
    assert written == fictional.checksums(SAMPLE_DIR)  # regenerate: see ``checksums``
    names = set(fictional.shipped().values())
    assert TROMS_2015.name in names and GRANTS.name in names
    assert len(names) == len([p for p in SAMPLE_DIR.iterdir() if p.suffix == ".xlsx"])


@pytest.mark.parametrize("path", [TROMS_2015, AGDER_2015, GRANTS], ids=lambda p: p.stem)
@pytest.mark.parametrize("dry_run", [True, False], ids=["kontroll", "lagring"])
def test_a_real_database_refuses_a_shipped_demo_workbook(fresh_db, path, dry_run):
    # Agder's council is in the demo register only: the file is refused for what it is,
    # not for the council the real register does not know.
    result = store.import_file(
        fresh_db, path.name, path.read_bytes(), scope=OPERATOR, dry_run=dry_run
    )
    said = REFUSED.format(name=path.name)
    assert result.status == ImportStatus.REJECTED
    assert result.refused == ""  # not a matter of access: the file itself is wrong here
    assert [e.text for e in result.parsed.errors] == [said]
    assert result.message == f"{path.name}: ikke lagret – {said}"
    assert history.uploads(fresh_db) == []


def test_the_refusal_names_the_shipped_file_whatever_the_upload_is_called(fresh_db):
    result = store.import_file(fresh_db, "troms-2015.xlsx", TROMS_2015.read_bytes(), scope=OPERATOR)
    assert [e.text for e in result.parsed.errors] == [REFUSED.format(name=TROMS_2015.name)]
    assert history.uploads(fresh_db) == []


def test_the_demo_register_database_stores_them(sample_db):
    with Session(sample_db) as session:
        assert fictional.fictional_database(session)
    result = store.import_file(sample_db, TROMS_2015.name, TROMS_2015.read_bytes(), scope=OPERATOR)
    assert result.status == ImportStatus.STORED
    assert [u["file_name"] for u in history.uploads(sample_db)] == [TROMS_2015.name]


def test_a_workbook_changed_from_a_demo_one_is_judged_as_any_file(fresh_db):
    with Session(fresh_db) as session:
        assert not fictional.fictional_database(session)
    result = store.import_file(fresh_db, "troms.xlsx", draft(TROMS_2015), scope=OPERATOR)
    assert result.status == ImportStatus.STORED, result.message
    assert [u["file_name"] for u in history.uploads(fresh_db)] == ["troms.xlsx"]
