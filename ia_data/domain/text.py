"""Text folding shared by every matcher: sheet names, labels, column names, councils.

Workbooks are filled in by hand, so ``Møter``, ``MOTER`` and ``møter `` must all mean the
same sheet. ``fold`` is the one place that decides what "the same" means.
"""

from __future__ import annotations

import re
import unicodedata

_FOLD_TABLE = str.maketrans({"ø": "o", "å": "a", "æ": "ae", "é": "e", "ö": "o", "ä": "ae"})
_UNIT_IN_BRACKETS = re.compile(r"\s*[\(\[][^\)\]]*[\)\]]\s*")
_DROP = re.compile(r"[\s\-_]+")


def clean(value: object) -> str:
    """A cell value as trimmed text (non-breaking spaces count as spaces)."""
    if value is None:
        return ""
    text = str(value).replace("\u00a0", " ").replace("\u202f", " ")
    return text.strip()


def fold(text: object) -> str:
    """Fold a name for matching: lower case, ø→o, å→a, æ→ae, no spaces, ``-`` or ``_``."""
    folded = unicodedata.normalize("NFC", clean(text)).casefold().translate(_FOLD_TABLE)
    return _DROP.sub("", folded)


def fold_label(text: object) -> str:
    """Fold a label or column header: as ``fold``, also ignoring a trailing ``:``/``*``
    and a unit in brackets (``Kostnad (kr)`` is ``Kostnad``)."""
    raw = clean(text).rstrip(":*").strip()
    raw = _UNIT_IN_BRACKETS.sub(" ", raw).strip().rstrip(":*").strip()
    return fold(raw)


# C0 control characters but tab and line feed (docs/arbeidsboka.md): a cell of Excel's holds them
# as «_x001B_», which the reader turns back into the character.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f]")


def without_controls(text: str) -> str:
    """A text with its control characters removed (tab and line feed stay)."""
    return _CONTROLS.sub("", text) if _CONTROLS.search(text) else text
