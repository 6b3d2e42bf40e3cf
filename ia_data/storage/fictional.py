"""The demo workbooks that ship with the app (``ia_data/demo/data``), known by their SHA-256
(``demo_checksums.txt``, written from the folder by ``checksums``): their figures are
fictional, so they are stored only in a database made with the demo's register (the demo
database, ``ia-data seed``), and refused by any other — a database of real reports."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from sqlmodel import Session

from ia_data.storage.models import Meta

CHECKSUMS = Path(__file__).with_name("demo_checksums.txt")


# Where the demo's register lies in the package (``ia_data/demo/data/register.toml``): a
# database made with it holds the fictional councils (Agder shared), in any checkout.
DEMO_REGISTER = ("demo", "data", "register.toml")


def checksums(folder: Path) -> str:
    """The checksum file's text for the workbooks in ``folder``: «SHA-256  name» a line,
    by name (``tests/test_fictional.py`` holds the shipped file to the folder)."""
    lines = [
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}"
        for path in sorted(folder.iterdir())
        if path.suffix in (".xlsx", ".xlsm", ".xls", ".ods")
    ]
    return "\n".join(lines) + "\n"


@cache
def shipped() -> dict[str, str]:
    """SHA-256 → file name, of every demo workbook that ships with the app."""
    pairs = (line.split("  ", 1) for line in CHECKSUMS.read_text("utf-8").splitlines() if line)
    return {digest: name for digest, name in pairs}


def fictional_database(session: Session) -> bool:
    """Whether the database was made with the demo's register (its fictional councils)."""
    found = session.get(Meta, "register_file")
    return found is not None and Path(found.value).parts[-3:] == DEMO_REGISTER


def refusal(session: Session, digest: str) -> str:
    """Why a file is refused for being a shipped demo workbook (empty if it is not one, or
    the database is the demo's own)."""
    name = shipped().get(digest)
    if name is None or fictional_database(session):
        return ""
    return (
        f"Filen er demofilen «{name}» som følger med IA-rådsoversikt: tallene i den er "
        "oppdiktet og hører ikke hjemme i en database med ekte rapporter; ingenting er lagret. "
        "Last opp rådets egen rapport"
    )
