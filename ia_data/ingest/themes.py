"""An activity's «Tema»: the priority themes of its year that it names (rules.toml, in the
letters' words). A theme may be written whole or by a part of its words that names one
theme only («unge», «jobbstrategien», «tidlig oppfølging»), several separated by «;» or «,».
A value that is not a theme of its year is a warning, and is not kept as a theme."""

from __future__ import annotations

import re

from ia_data.domain.rules import Themes
from ia_data.domain.text import fold
from ia_data.ingest.parsed import ParsedWorkbook

_SPLIT = re.compile(r"\s*[;,]\s*")


def theme_of(text: str, themes: Themes) -> str | None:
    """The one theme ``text`` names (whole, or by words found in one theme only)."""
    key = fold(text)
    exact = [t for t in themes.names if fold(t) == key]
    if exact:
        return exact[0]
    partial = [t for t in themes.names if key and key in fold(t)]
    return partial[0] if len(partial) == 1 else None


def read_themes(result: ParsedWorkbook, themes: Themes | None, year: int) -> None:
    """Set each activity's themes from its «Tema», warning of each value that is none."""
    for activity in result.activities:
        if not activity.theme_text:
            continue
        found, unknown = [], []
        for part in _SPLIT.split(activity.theme_text):
            if not part:
                continue
            theme = theme_of(part, themes) if themes else None
            (found if theme else unknown).append(theme or part)
        activity.themes = tuple(dict.fromkeys(found))
        if unknown:
            names = ", ".join(f"«{u}»" for u in unknown)
            listed = (
                f"temaene for {year}: {'; '.join(themes.names)}"
                if themes
                else f"brevene nevner ingen prioriterte temaer for {year}"
            )
            result.warn(
                f"{names} er ikke et prioritert tema for {year} og lagres ikke som tema ({listed})",
                sheet=activity.sheet,
                row=activity.row,
                column=activity.theme_column,
                found=activity.theme_text,
            )
