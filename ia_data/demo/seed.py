"""Filling a database with the fictional demo data (``ia_data/demo/data/``), through the
importer like any other upload."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from sqlalchemy import delete, or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ia_data.demo import SAMPLE_DIR
from ia_data.domain.access import OPERATOR, Actor, Scope
from ia_data.domain.errors import UserError
from ia_data.domain.stats import SHIPPED_DIR
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
from ia_data.storage.stats import SHIPPED_BY
from ia_data.storage.store import ImportResult, import_file, sha256_of


class SeedError(UserError):
    """The demo data cannot be loaded into this database; the message says why."""


def sample_files(directory: Path = SAMPLE_DIR) -> list[Path]:
    """The sample workbooks, allocation decisions first (so reports find their grants)."""
    files = sorted(p for p in directory.iterdir() if p.suffix in (".xlsx", ".xls", ".ods"))
    return sorted(files, key=lambda p: (not p.name.startswith("tildeling"), p.name))


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
    return sorted(
        sample_files(directory),
        key=lambda p: (not p.name.startswith("tildeling"), -_year(p), p.name),
    )


def missing_files(engine: Engine, directory: Path = SAMPLE_DIR) -> list[Path]:
    """The sample workbooks not stored yet (by content), in ``seed_order``: after a first
    start that was stopped half-way, the rest."""
    with Session(engine) as session:
        stored = set(session.exec(select(Upload.sha256)))
    return [p for p in seed_order(directory) if sha256_of(p.read_bytes()) not in stored]


@cache
def _shipped_digests(directory: Path) -> frozenset[str]:
    """The SHA-256 of every workbook that comes with the demo (they do not change while
    the process runs)."""
    return frozenset(sha256_of(p.read_bytes()) for p in sample_files(directory))


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
    results = []
    for i, path in enumerate(files, start=1):
        data = path.read_bytes()
        results.append(
            import_file(
                engine, path.name, data, scope=OPERATOR, by=Actor("demodata"), historical=True
            )
        )
        if progress is not None:
            progress(i, len(files), path.name)
    return results
