"""The council register in the database: written there from its file when a database is
created, and read back as ``CouncilInfo`` in register order."""

from __future__ import annotations

import os

from sqlmodel import Session, select

from ia_data.domain.register import CouncilInfo, read_register_file
from ia_data.storage.models import Council, CouncilCounty, County


def load_register(session: Session, path: str | os.PathLike) -> None:
    """Write the register file's counties and councils into an empty database."""
    data = read_register_file(path)
    for c in data["county"]:
        session.add(
            County(
                number=c["number"],
                name=c["name"],
                from_year=c.get("from_year"),
                to_year=c.get("to_year"),
            )
        )
    session.flush()
    for c in data["council"]:
        council = Council(
            name=c["name"],
            secretariat=c.get("secretariat", ""),
            from_year=c.get("from_year"),
            to_year=c.get("to_year"),
            aliases="|".join(c.get("aliases", [])),
        )
        session.add(council)
        session.flush()
        for number in c["counties"]:
            session.add(CouncilCounty(council_id=council.id, county_number=number))


def councils(session: Session, ids: list[int] | None = None) -> list[CouncilInfo]:
    """Every council in the register (or only those of ``ids``, which may be none), with
    its counties, in county-number order."""
    county_names = {c.number: c.name for c in session.exec(select(County))}
    links: dict[int, list[str]] = {}
    for link in session.exec(select(CouncilCounty)):
        links.setdefault(link.council_id, []).append(link.county_number)
    result = []
    for council in session.exec(select(Council)):
        numbers = sorted(links.get(council.id, []))
        result.append(
            CouncilInfo(
                id=council.id,
                name=council.name,
                secretariat=council.secretariat,
                from_year=council.from_year,
                to_year=council.to_year,
                counties=[(n, county_names[n]) for n in numbers],
                aliases=[a for a in council.aliases.split("|") if a],
            )
        )
    result.sort(key=lambda c: (c.counties[0][0] if c.counties else "99", c.name))
    if ids is not None:
        wanted = set(ids)
        result = [c for c in result if c.id in wanted]
    return result
