"""Filling a database with the fictional demo data (``ia_data/demo/data/``), through the
importer like any other upload.

The workbooks are past reports, loaded as an operator loads them (``historical``): each is
received on the «Innsendt» it gives, so the demo shows reports on time, late and missing as
its workbooks say, and approved before the review route existed. So that the route can be
seen, a few of the newest year's reports wait for the coordination unit instead
(``ROUTE``): two just received, one sent back with a reason, and one corrected (a draft with
a cost ten times too high arrives after it, is sent back, and the shipped workbook is made
the active version again)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from sqlalchemy import delete, or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ia_data.demo import SAMPLE_DIR
from ia_data.demo.plans import PLAN_PREFIX
from ia_data.domain.access import OPERATOR, Actor, Scope
from ia_data.domain.errors import UserError
from ia_data.domain.kinds import ImportStatus
from ia_data.domain.stats import SHIPPED_DIR
from ia_data.output.template import workbook_bytes
from ia_data.storage.engine import writing
from ia_data.storage.models import (
    Council,
    CouncilCounty,
    County,
    Meta,
    RegisterVersion,
    StatSeries,
    Upload,
)
from ia_data.storage.register import load_register
from ia_data.storage.review import send_back
from ia_data.storage.stats import SHIPPED_BY
from ia_data.storage.store import ImportResult, import_file, restore_upload, sha256_of


class SeedError(UserError):
    """The demo data cannot be loaded into this database; the message says why."""


def sample_files(directory: Path = SAMPLE_DIR) -> list[Path]:
    """The sample workbooks, allocation decisions first (so reports find their grants), the
    action plans last (stored after every report, so that the reports' upload numbers stay
    as they were before the demo had plans)."""
    files = sorted(p for p in directory.iterdir() if p.suffix in (".xlsx", ".xls", ".ods"))
    return sorted(files, key=lambda p: (_kind_order(p), p.name))


def _kind_order(path: Path) -> int:
    """Allocation decisions first, then the reports, then the action plans."""
    if path.name.startswith("tildeling"):
        return 0
    return 2 if path.name.startswith(PLAN_PREFIX) else 1


def use_register(engine: Engine, path: Path) -> None:
    """Replace the register of a database that holds no uploads yet."""
    with writing(), Session(engine) as session:
        current = session.get(Meta, "register_file")
        if current is not None and Path(current.value) == path:
            return
        if session.exec(select(Upload.id).limit(1)).first() is not None:
            raise SeedError(
                "Databasen har allerede opplastinger med et annet rådsregister; "
                "demodataene kan bare lastes inn i en tom database"
            )
        session.exec(delete(CouncilCounty))
        session.exec(delete(Council))
        session.exec(delete(County))
        load_register(session, path)
        session.merge(Meta(key="register_file", value=str(path)))
        session.commit()


def _year(path: Path) -> int:
    """The year in a sample file's name (``rapport_2016_Ar_…``), 0 for none."""
    found = re.search(r"_(\d{4})_", path.name)
    return int(found[1]) if found else 0


def seed_order(directory: Path = SAMPLE_DIR) -> list[Path]:
    """The sample workbooks in the order a first start loads them: allocation decisions
    first (so reports find their grants), then the reports, newest year first (the year a
    page opens on is complete first)."""
    return sorted(sample_files(directory), key=lambda p: (_kind_order(p), -_year(p), p.name))


def missing_files(engine: Engine, directory: Path = SAMPLE_DIR) -> list[Path]:
    """The sample workbooks not stored yet (by content), in ``seed_order``: after a first
    start that was stopped half-way, the rest."""
    with Session(engine) as session:
        stored = set(session.exec(select(Upload.sha256)))
    return [p for p in seed_order(directory) if sha256_of(p.read_bytes()) not in stored]


@cache
def _shipped_digests(directory: Path) -> frozenset[str]:
    """The SHA-256 of every workbook that comes with the demo, and of the route's draft
    (they do not change while the process runs)."""
    files = sample_files(directory)
    drafts = [draft(p) for p in files if p.name == ROUTE_CORRECTED]
    return frozenset(sha256_of(d) for d in [*(p.read_bytes() for p in files), *drafts])


# The demo's route (issue 23): reports of the newest year that wait for review instead of
# being approved before the route existed, by file.
ROUTE_WAITING = (
    "rapport_2016_Ar_ia-radet-i-hordaland.xlsx",
    "rapport_2016_Ar_ia-radet-i-rogaland.xlsx",
)
ROUTE_RETURNED = "rapport_2016_Ar_ia-radet-i-telemark.xlsx"
ROUTE_CORRECTED = "rapport_2016_Ar_ia-radet-i-troms.xlsx"
ROUTE = (*ROUTE_WAITING, ROUTE_RETURNED, ROUTE_CORRECTED)
COORDINATION_UNIT = Actor("Koordineringsenheten (demo)")
# When the route's steps happen: fixed, so that the demo is the same every time it is made.
ROUTE_AT = datetime(2017, 3, 10, 9, 0, tzinfo=UTC)
RETURNED_REASON = (
    "Svaret på spørsmål 3 sier ikke hvilke bransjer rådet har prioritert; utdyp det og "
    "last opp på nytt"
)
DRAFT_REASON = (
    "Kostnaden for den første aktiviteten er ti ganger høyere enn de andre; sjekk beløpet og "
    "last opp på nytt"
)


def draft(path: Path) -> bytes:
    """The corrected report's draft: its first activity's cost ten times too high (the same
    bytes every time). (openpyxl is imported here: every server imports this module, and
    only a demo database ever makes a draft.)"""
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book["Aktiviteter"]
    header = next(r for r in sheet.iter_rows() if any(c.value == "Dato" for c in r))
    column = next(c.column for c in header if str(c.value).startswith("Kostnad"))
    cell = sheet.cell(row=header[0].row + 1, column=column)
    cell.value = (cell.value or 0) * 10
    return workbook_bytes(book)


def _seed_one(engine: Engine, path: Path) -> ImportResult:
    """One demo workbook: approved before the route existed, or (``ROUTE``) waiting for
    review — the one sent back is sent back with its reason."""
    pending = path.name in ROUTE
    result = import_file(engine, path.name, path.read_bytes(), scope=OPERATOR,
                         by=Actor("demodata"), historical=True, review_pending=pending)  # fmt: skip
    if path.name == ROUTE_RETURNED and result.status == ImportStatus.STORED:
        send_back(engine, result.upload_id, RETURNED_REASON, scope=OPERATOR,
                  by=COORDINATION_UNIT, points_to="Spørsmål 3", now=ROUTE_AT)  # fmt: skip
    return result


def _correct(engine: Engine, stored: ImportResult, path: Path) -> None:
    """The corrected report of the route: after every shipped workbook (so that their upload
    numbers stay as they were), a draft arrives as a newer version, is sent back, and the
    shipped workbook is made the active version again — «Mottatt på nytt»."""
    found = import_file(engine, f"utkast-{path.name}", draft(path), scope=OPERATOR,
                        by=Actor("demodata"), historical=True, review_pending=True,
                        now=ROUTE_AT)  # fmt: skip
    if found.status != ImportStatus.STORED:
        return
    returned, restored = ROUTE_AT + timedelta(days=1), ROUTE_AT + timedelta(days=3)
    send_back(engine, found.upload_id, DRAFT_REASON, scope=OPERATOR, by=COORDINATION_UNIT,
              points_to="Aktiviteter, første aktivitet", now=returned)  # fmt: skip
    restore_upload(engine, stored.upload_id, scope=OPERATOR, by=Actor("demodata"), now=restored)


@dataclass(frozen=True)
class Added:
    """Something stored in the demo database that did not come with the demo: its file's
    name, and what it is («» a workbook, «statistikk», «rådsregister»)."""

    name: str
    what: str
    at: datetime
    id: int  # (its row's, to order those stored in the same second)


def added_files(session: Session, *, scope: Scope, directory: Path = SAMPLE_DIR) -> list[Added]:
    """What the demo database holds beside its fictional data — and so shows to anyone —
    newest first: the uploads in scope that are not one of the demo's own workbooks (by
    content), the statistics loads that are not a series that ships with the app, and the
    register versions that are not the demo's own register (through «Last opp», the
    Statistikk and Register pages, or ``ia-data … --demo``)."""
    query = select(Upload.file_name, Upload.uploaded_at, Upload.id).where(
        Upload.sha256.not_in(sorted(_shipped_digests(directory)))
    )
    council_ids = scope.council_ids()
    if council_ids is not None:
        query = query.where(Upload.council_id.in_(council_ids))
    found = [Added(name, "", at, i) for name, at, i in session.exec(query)]
    shipped = sorted(p.name for p in SHIPPED_DIR.glob("*.csv"))
    loads = select(StatSeries.file_name, StatSeries.loaded_at, StatSeries.id).where(
        or_(StatSeries.loaded_by != SHIPPED_BY, StatSeries.file_name.not_in(shipped))
    )
    found += [Added(name, "statistikk", at, i) for name, at, i in session.exec(loads)]
    own = (directory / "register.toml").read_text(encoding="utf-8")
    versions = select(
        RegisterVersion.file_name, RegisterVersion.loaded_at, RegisterVersion.id
    ).where(RegisterVersion.content != own)
    found += [Added(name, "rådsregister", at, i) for name, at, i in session.exec(versions)]
    return sorted(found, key=lambda added: (added.at, added.id), reverse=True)


def first_part(files: list[Path]) -> list[Path]:
    """What a first start loads before it shows a page: the allocation decisions and the
    newest year's reports (the rest can follow while the page is read)."""
    newest = max((_year(p) for p in files if not p.name.startswith("tildeling")), default=0)
    return [p for p in files if p.name.startswith("tildeling") or _year(p) == newest]


def seed(
    engine: Engine,
    directory: Path = SAMPLE_DIR,
    progress: Callable[[int, int, str], None] | None = None,
    files: list[Path] | None = None,
) -> list[ImportResult]:
    """Import every sample workbook (or ``files`` of them); ``progress(done, total,
    file_name)`` after each."""
    use_register(engine, directory / "register.toml")
    files = sample_files(directory) if files is None else files
    # The action plans after the reports and the route's correction (their upload numbers
    # come after every report's).
    plans = [p for p in files if p.name.startswith(PLAN_PREFIX)]
    files = [p for p in files if not p.name.startswith(PLAN_PREFIX)] + plans
    results = []
    for i, path in enumerate(files, start=1):
        if path in plans and path == plans[0]:
            _correct_route(engine, files, results)
        results.append(_seed_one(engine, path))
        if progress is not None:
            progress(i, len(files), path.name)
    if not plans:
        _correct_route(engine, files, results)
    return results


def _correct_route(engine: Engine, files: list[Path], results: list[ImportResult]) -> None:
    for path, result in zip(files, results, strict=False):
        if path.name == ROUTE_CORRECTED and result.status == ImportStatus.STORED:
            _correct(engine, result, path)
