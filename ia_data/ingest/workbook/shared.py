"""What the workbook checks of every format share: the error, the limits, a sheet's cells,
the messages, and the scan of an XML part tag by tag."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from html import unescape

from ia_data.domain import limits
from ia_data.domain.errors import UserError
from ia_data.domain.text import without_controls

NOT_A_WORKBOOK = "Filen er ikke en lesbar Excel- eller ODS-arbeidsbok"


class WorkbookError(UserError):
    """The file cannot be read as a workbook at all; the message says why, in Norwegian."""


@dataclass(frozen=True)
class Limits:
    """The limits a file is read under (``domain.limits``, read when a file is read, so a
    deployment or a test may change them there)."""

    file_bytes: int
    data_rows: int
    unpacked_bytes: int
    sheet_cells: int
    text_bytes: int

    @classmethod
    def current(cls) -> Limits:
        return cls(
            limits.MAX_FILE_BYTES,
            limits.MAX_DATA_ROWS,
            limits.MAX_UNPACKED_BYTES,
            limits.MAX_SHEET_CELLS,
            limits.MAX_TEXT_BYTES,
        )


@dataclass
class Sheet:
    """One sheet's cells. ``rows[i]`` is Excel row ``i + 1``; ``cols[j]`` column ``j + 1``."""

    name: str
    rows: list[list] = field(default_factory=list)

    def cell(self, row: int, col: int):
        if row < len(self.rows) and col < len(self.rows[row]):
            return self.rows[row][col]
        return ""


def pass_on_interrupts(exc: BaseException) -> None:
    """Let Ctrl-C and exits through; turn everything else a reader raises into a refusal.
    (calamine's Rust code can panic on a broken .xls, and pyo3 raises a PanicException,
    which is a BaseException, not an Exception.)"""
    if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
        raise exc


PASSWORD = "Filen er passordbeskyttet; lagre den uten passord og last den opp på nytt"


def shown_name(name: str) -> str:
    """A sheet's name as messages and problems show it: trimmed, no control characters."""
    return without_controls(name).strip()


_CONTROL_BYTES = bytes(range(9)) + bytes(range(11, 32))
# A character reference to any ASCII character (``&#27;``, ``&#x1B;``, and also ``&#95;``:
# calamine reads the references before Excel's escapes, so «&#95;x001B_» is ESC): decimal
# 0–127 or hexadecimal 0–7F, with any leading zeros, either «x», and a sign, which XML does
# not allow but a parser might take. A reference beyond ASCII, such as «&#229;» for å as some
# writers give every letter that is not ASCII, gives no control character.
_ASCII_REFERENCE = re.compile(
    rb"&#\+?0*(?:[0-9]{1,2}|1[01][0-9]|12[0-7]);|&#[xX]\+?0*[0-7]?[0-9a-fA-F];"
)


def may_hold_controls(xml: bytes) -> bool:
    """Whether an XML part can give a text a control character: written raw, as Excel's
    ``_x001B_`` escape (any ``_x``: taken as a possible one), through a character reference
    to an ASCII character, or with an escape cut in two by a comment, a CDATA section, a
    processing instruction or a document type (``<!``, or ``<?`` after the declaration).
    (Scans in C: cleaning every row of a sheet that has none costs a Python pass over every
    cell.)"""
    return (
        b"_x" in xml
        or b"<!" in xml
        or xml.find(b"<?", 5) != -1
        or _ASCII_REFERENCE.search(xml) is not None
        or len(xml.translate(None, _CONTROL_BYTES)) != len(xml)
    )


def too_many_rows(limit: int) -> str:
    """The end of the message for a sheet with more data rows than ``limit``."""
    return f"har mer enn {limit:,} rader med data (grensen er {limit:,} rader per ark)".replace(
        ",", " "
    )


def too_much_text(sheet: str, limits: Limits) -> WorkbookError:
    where = f"Arket «{shown_name(sheet)}»" if sheet else "Arbeidsboka"
    return WorkbookError(
        f"{where} inneholder mer tekst enn grensen på {limits.text_bytes // 1024 // 1024} MB "
        "når hver celle regnes for seg; fjern gjentatte lange tekster, og last opp filen på nytt"
    )


# --- how far a sheet stretches, found before a reader fills in every cell ---------------
#
# calamine builds a sheet as one dense grid from its first to its last used cell, and
# expands an .ods cell's repeat counts; a file of a few kB can so ask for billions of cells
# and crash the process. These scans read the XML as text, a megabyte at a time, and stop
# as soon as a sheet is over the limit.

# XML allows no «<» inside a tag, so a match never runs past the next one, and possessive
# quantifiers never go back: linear time, whatever the file holds.
ATTRS = rb"((?:[^<>\"']++|\"[^<\"]*+\"|'[^<']*+')*+)"
ANY_TAG = re.compile(rb"<" + ATTRS + rb">")


def attribute(attrs: bytes, name: bytes) -> str | None:
    m = re.search(rb"\s" + re.escape(name) + rb"\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", attrs)
    if m is None:
        return None
    return unescape((m[1] if m[1] is not None else m[2]).decode(errors="replace"))


def column_letters(col: int) -> str:
    """A column's letters as Excel shows them (1 → A, 28 → AB)."""
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    """A cell's name as Excel shows it (row and column 1-based: 4, 2 → B4)."""
    return f"{column_letters(col)}{row}"


class Extent:
    """The used cells of one sheet: first and last row and column (1-based)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.first = self.last = None

    def add(self, rows: tuple[int, int], cols: tuple[int, int]) -> bool:
        """Take in a block of used cells; True once the sheet is over the limit."""
        if self.first is None:
            self.first, self.last = (rows[0], cols[0]), (rows[1], cols[1])
        else:
            self.first = (min(self.first[0], rows[0]), min(self.first[1], cols[0]))
            self.last = (max(self.last[0], rows[1]), max(self.last[1], cols[1]))
        height = self.last[0] - self.first[0] + 1
        return height * (self.last[1] - self.first[1] + 1) > self.limit

    def refuse(self, sheet: str) -> WorkbookError:
        return too_many_cells(sheet, self.first, self.last, self.limit)


def too_many_cells(sheet: str, first, last, limit: int) -> WorkbookError:
    return WorkbookError(
        f"Arket «{shown_name(sheet)}» er for stort: det brukte området går fra celle "
        f"{cell_name(*first)} til {cell_name(*last)} "
        f"(grensen er {f'{limit:,}'.replace(',', ' ')} celler per ark); slett det som står "
        "utenfor tabellen, og last opp filen på nytt"
    )


def tags(archive: zipfile.ZipFile, part: str, pattern: re.Pattern):
    """(position in the part, match) for the tags of one XML part that match, read a
    megabyte at a time. A tag that a chunk cuts in two is carried over to the next one;
    a «tag» of a megabyte is no XML."""
    pending, base = b"", 0
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            text = pending + chunk
            cut = text.rfind(b"<")
            if cut < 0 or ANY_TAG.match(text, cut):
                cut = len(text)
            for m in pattern.finditer(text, 0, cut):
                yield base, m
            pending, base = text[cut:], base + cut
            if len(pending) > 1 << 20:
                raise ValueError("a tag of more than a megabyte")
    for m in pattern.finditer(pending):
        yield base, m
