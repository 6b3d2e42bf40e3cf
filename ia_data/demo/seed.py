"""Filling a database with the fictional demo data (``ia_data/demo/data/``), through the
importer like any other upload."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ia_data.demo import SAMPLE_DIR
from ia_data.domain.access import OPERATOR
from ia_data.storage.engine import writing
from ia_data.storage.models import Council, CouncilCounty, County, Meta, Upload
from ia_data.storage.register import load_register
from ia_data.storage.store import ImportResult, import_file


class SeedError(Exception):
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


def seed(
    engine: Engine,
    directory: Path = SAMPLE_DIR,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[ImportResult]:
    """Import every sample workbook; ``progress(done, total, file_name)`` after each."""
    use_register(engine, directory / "register.toml")
    files = sample_files(directory)
    results = []
    for i, path in enumerate(files, start=1):
        data = path.read_bytes()
        results.append(import_file(engine, path.name, data, scope=OPERATOR, uploaded_by="demodata"))
        if progress is not None:
            progress(i, len(files), path.name)
    return results
