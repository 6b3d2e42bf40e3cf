"""The council register in the database: written there from its file when a database is
created, and read back as ``CouncilInfo`` in register order."""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ia_data.domain.access import Actor, OutsideScope, Scope
from ia_data.domain.register import (
    CouncilInfo,
    RegisterError,
    parse_register,
    read_register_file,
    years_text,
)
from ia_data.storage.engine import writing
from ia_data.storage.models import (
    Allocation,
    Council,
    CouncilCounty,
    County,
    RegisterVersion,
    Report,
    UserCouncil,
)
from ia_data.storage.version import bump_data_version


def load_register(session: Session, path: str | os.PathLike) -> None:
    """Write the register file's counties and councils into an empty database; a file the
    check refuses raises ``RegisterError`` with its reasons, and nothing is written."""
    _apply(session, read_register_file(path))


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


# --- a new version of the register ------------------------------------------------------------


@dataclass
class RegisterChange:
    """What a new register changes, and what it would leave without a council."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # «IA-rådet i X: fylker 09 → 09, 10»
    counties: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)  # reports, allocations, users

    @property
    def lines(self) -> list[str]:
        return (
            [f"Nytt råd: {n}" for n in self.added]
            + [f"Fjernet råd: {n}" for n in self.removed]
            + self.changed
            + self.counties
        )

    @property
    def empty(self) -> bool:
        return not self.lines


def _exists(entry: dict, year: int) -> bool:
    first, last = entry.get("from_year"), entry.get("to_year")
    return (first is None or first <= year) and (last is None or year <= last)


def plan_register(session: Session, data: dict) -> RegisterChange:
    """Compare a checked register (``parse_register``) with the one in the database."""
    change = RegisterChange()
    old_counties = {c.number: c for c in session.exec(select(County))}
    for c in data["county"]:
        old = old_counties.get(c["number"])
        if old is None:
            change.counties.append(f"Nytt fylke: {c['number']} {c['name']}")
        elif (old.name, old.from_year, old.to_year) != (
            c["name"],
            c.get("from_year"),
            c.get("to_year"),
        ):
            change.counties.append(
                f"Fylke {c['number']}: {old.name} ({years_text(old.from_year, old.to_year)}) → "
                f"{c['name']} ({years_text(c.get('from_year'), c.get('to_year'))})"
            )
    current = {c.name: c for c in councils(session)}
    wanted = {c["name"]: c for c in data["council"]}
    change.added = [n for n in wanted if n not in current]
    change.removed = [n for n in current if n not in wanted]
    for name, new in wanted.items():
        old = current.get(name)
        if old is None:
            continue
        what = []
        before = [n for n, _ in old.counties]
        if before != sorted(new["counties"]):
            what.append(f"fylker {', '.join(before)} → {', '.join(sorted(new['counties']))}")
        if (old.from_year, old.to_year) != (new.get("from_year"), new.get("to_year")):
            what.append(
                f"år {years_text(old.from_year, old.to_year)} → "
                f"{years_text(new.get('from_year'), new.get('to_year'))}"
            )
        if old.secretariat != new.get("secretariat", ""):
            what.append(f"sekretariat «{old.secretariat}» → «{new.get('secretariat', '')}»")
        if old.aliases != list(new.get("aliases", [])):
            what.append("andre navn endret")
        if what:
            change.changed.append(f"{name}: {'; '.join(what)}")
    change.orphans = _orphans(session, current, wanted)
    return change


def _orphans(session: Session, current: dict, wanted: dict) -> list[str]:
    """What a register would leave without its council: stored reports (every version)
    and allocations of a council removed or outside its new years, and users' councils."""
    found = []
    by_id = {c.id: c for c in current.values()}
    reports = session.exec(
        select(Report.council_id, Report.year, Report.period, Report.upload_id).order_by(
            Report.upload_id
        )
    ).all()
    for council_id, year, period, upload_id in reports:
        name = by_id[council_id].name
        if name not in wanted or not _exists(wanted[name], year):
            found.append(f"rapporten {name}, {year} {period} (opplasting nr. {upload_id})")
    allocations = session.exec(
        select(Allocation.council_id, Allocation.year, Allocation.upload_id).order_by(
            Allocation.upload_id
        )
    ).all()
    for council_id, year, upload_id in allocations:
        name = by_id[council_id].name
        if name not in wanted or not _exists(wanted[name], year):
            found.append(f"tildelingen til {name} for {year} (opplasting nr. {upload_id})")
    for email, council_id in session.exec(select(UserCouncil.email, UserCouncil.council_id)):
        name = by_id[council_id].name
        if name not in wanted:
            found.append(f"tilgangen til {email} ({name})")
    return found


def load_new_register(
    engine: Engine,
    text: str,
    file_name: str,
    *,
    by: Actor,
    scope: Scope,
    dry_run: bool = False,
    now: datetime | None = None,
) -> RegisterChange:
    """Check a new register against the stored data and, unless ``dry_run``, take it into
    use in one transaction (councils kept by name, so their reports stay theirs), kept in
    the history. Refused (``RegisterError``) if it would leave a stored report, allocation
    or user without its council. Rule-based grants follow (they are computed from the
    counties a council covers in a year)."""
    if not scope.is_admin:
        raise OutsideScope("Ingen tilgang: bare en administrator kan endre registeret")
    file_name, loaded_by = _one_line(file_name), _one_line(by.shown)
    data = parse_register(text, file_name)
    with writing(), Session(engine) as session:
        change = plan_register(session, data)
        if change.orphans:
            raise RegisterError(
                "Registeret kan ikke tas i bruk: det ville etterlate "
                + "; ".join(change.orphans)
                + " uten sitt råd. Behold rådet (og årene) i registeret, eller rett dataene først"
            )
        if dry_run or change.empty:
            return change
        _apply(session, data)
        session.add(
            RegisterVersion(
                loaded_at=now or datetime.now(UTC).replace(microsecond=0),
                loaded_by=loaded_by,
                file_name=file_name,
                content=text,
                summary="\n".join(change.lines),
            )
        )
        bump_data_version(session)
        session.commit()
    return change


def _one_line(text: str) -> str:
    """A file or user name as it is stored and shown: no control characters or lone
    surrogates (a browser's file name is the sender's to choose; PostgreSQL stores
    neither a NUL nor a surrogate)."""
    return "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cs"))


def _apply(session: Session, data: dict) -> None:
    """Make the database's counties and councils those of ``data`` (checked by
    ``parse_register``): councils kept by name, links made anew, the rest removed."""
    counties = {c.number: c for c in session.exec(select(County))}
    for c in data["county"]:
        county = counties.get(c["number"]) or County(number=c["number"], name=c["name"])
        county.name, county.from_year, county.to_year = (
            c["name"],
            c.get("from_year"),
            c.get("to_year"),
        )
        session.add(county)
    session.flush()
    existing = {c.name: c for c in session.exec(select(Council))}
    wanted = {c["name"]: c for c in data["council"]}
    session.exec(delete(CouncilCounty))
    for name, council in existing.items():
        if name not in wanted:  # nothing refers to it (checked): gone
            session.delete(council)
    session.flush()
    for name, c in wanted.items():
        council = existing.get(name) or Council(name=name)
        council.secretariat = c.get("secretariat", "")
        council.from_year, council.to_year = c.get("from_year"), c.get("to_year")
        council.aliases = "|".join(c.get("aliases", []))
        session.add(council)
        session.flush()
        for number in c["counties"]:
            session.add(CouncilCounty(council_id=council.id, county_number=number))
    session.flush()
    numbers = {c["number"] for c in data["county"]}
    for number, county in counties.items():
        if number not in numbers:
            session.delete(county)


def register_history(session: Session, *, scope: Scope) -> list[RegisterVersion]:
    """Every register version taken into use here, newest first (an admin's view)."""
    if not scope.is_admin:
        raise OutsideScope("Ingen tilgang: bare en administrator kan se registerets historikk")
    return list(session.exec(select(RegisterVersion).order_by(RegisterVersion.id.desc())))
