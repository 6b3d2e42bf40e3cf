"""The council register as data: its file (counties, councils, which counties each covers,
the years they exist, the secretariat), a council as the app knows it (``CouncilInfo``),
and the matching of what a secretariat writes (``Troms``, ``19``, ``IA-rådet i Troms``)
to a council."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ia_data.domain.text import fold

DEFAULT_REGISTER_FILE = Path(__file__).with_name("register.toml")


@dataclass
class CouncilInfo:
    id: int
    name: str
    secretariat: str
    from_year: int | None
    to_year: int | None
    counties: list[tuple[str, str]] = field(default_factory=list)  # (number, name)
    aliases: list[str] = field(default_factory=list)

    def exists_in(self, year: int) -> bool:
        return (self.from_year is None or self.from_year <= year) and (
            self.to_year is None or year <= self.to_year
        )

    @property
    def short_name(self) -> str:
        """«IA-rådet i Troms» as «Troms» (where a column or a chart says «IA-råd» already)."""
        return self.name.removeprefix("IA-rådet i ")

    @property
    def county_names(self) -> str:
        return ", ".join(name for _, name in self.counties)


def register_path() -> Path:
    """The register file in force: ``IA_REGISTER_FILE`` or the one that ships with the app."""
    return Path(os.environ.get("IA_REGISTER_FILE") or DEFAULT_REGISTER_FILE)


def read_register_file(path: str | os.PathLike) -> dict:
    return parse_register(Path(path).read_text(encoding="utf-8"), str(path))


def parse_register(text: str, path: str = "registeret") -> dict:
    """A register file's text, checked: every council once, every county it names there.
    Raises ``ValueError`` with the reason, in Norwegian."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"Registeret {path} kan ikke leses som TOML: {exc}") from None
    if not isinstance(data.get("county"), list) or not isinstance(data.get("council"), list):
        raise ValueError(
            f"Registeret {path} mangler fylkene ([[county]]) eller rådene ([[council]])"
        )
    numbers = {c["number"] for c in data["county"]}
    names = set()
    for council in data["council"]:
        if council["name"] in names:
            raise ValueError(f"Rådet «{council['name']}» står to ganger i registeret {path}")
        names.add(council["name"])
        for number in council["counties"]:
            if number not in numbers:
                raise ValueError(
                    f"Rådet «{council['name']}» viser til fylke {number}, "
                    f"som ikke finnes i registeret {path}"
                )
    return data


class CouncilMatcher:
    """Finds the council a workbook means, for a given year."""

    def __init__(self, infos: list[CouncilInfo]):
        self.infos = infos

    def match(self, text: str, year: int | None) -> list[CouncilInfo]:
        """Councils that ``text`` can mean in ``year`` (a name, a county name or number)."""
        candidates = [c for c in self.infos if year is None or c.exists_in(year)]
        raw = str(text).strip()
        if raw.endswith(".0") and raw[:-2].isdigit():
            raw = raw[:-2]
        if raw.isdigit():
            number = raw.zfill(2)
            return [c for c in candidates if any(n == number for n, _ in c.counties)]
        key = fold(raw)
        for prefix in ("iaradeti", "iaradet", "iarad"):
            if key.startswith(prefix) and len(key) > len(prefix):
                key = key[len(prefix) :]
                break
        hits = []
        for council in candidates:
            names = [council.name, *council.aliases]
            keys = {fold(n) for n in names}
            keys |= {k.removeprefix("iaradeti") for k in keys}
            keys |= {fold(name) for _, name in council.counties}
            if key in keys:
                hits.append(council)
        return hits
