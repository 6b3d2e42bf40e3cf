"""Reading a workbook file (``.xlsx``, ``.xlsm``, ``.xls``, ``.ods``) into plain rows.

Everything goes through python-calamine. The file is checked before it is parsed — size,
format, password protection, how far a zip archive unpacks, how many cells a sheet spans —
so a hostile or broken file ends as one Norwegian sentence, never as an exception or an
exhausted machine.
"""

from __future__ import annotations

import io
import math
import posixpath
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from html import unescape

import python_calamine as calamine

from .text import fold

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DATA_ROWS = 20_000
MAX_UNPACKED_BYTES = 250 * 1024 * 1024
# A reader holds every cell between a sheet's first and last used cell (32 bytes each, in
# calamine), so one value in XFD1048576 asks for 512 GB. 20 000 rows of 100 columns fit.
MAX_SHEET_CELLS = 2_000_000
ACCEPTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
NOT_A_WORKBOOK = "Filen er ikke en lesbar Excel- eller ODS-arbeidsbok"


class WorkbookError(Exception):
    """The file cannot be read as a workbook at all; the message says why, in Norwegian."""


@dataclass
class Sheet:
    """One sheet's cells. ``rows[i]`` is Excel row ``i + 1``; ``cols[j]`` column ``j + 1``."""

    name: str
    rows: list[list] = field(default_factory=list)

    def cell(self, row: int, col: int):
        if row < len(self.rows) and col < len(self.rows[row]):
            return self.rows[row][col]
        return ""


class Workbook:
    """An opened workbook: its sheet names, and sheets read on demand."""

    def __init__(self, data: bytes, file_name: str = ""):
        self.file_name = file_name
        check_file(data, file_name)
        self._data = data
        try:
            self._book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            self.sheet_names: list[str] = list(self._book.sheet_names)
        except calamine.PasswordError:
            raise WorkbookError(_PASSWORD) from None
        except BaseException as exc:  # calamine raises several kinds for a broken file
            _pass_on_interrupts(exc)
            if _password_protected(data):
                raise WorkbookError(_PASSWORD) from None
            raise WorkbookError(
                f"{NOT_A_WORKBOOK}: den er skadet eller har et ukjent format"
            ) from None

    def find_sheet(self, aliases: tuple[str, ...]) -> str | None:
        """The first sheet whose folded name is one of the folded aliases; a visible one
        before a hidden one (a hidden copy left from last year's file is not the report)."""
        wanted = {fold(a) for a in aliases}
        found = [name for name in self.sheet_names if fold(name) in wanted]
        hidden = {m.name for m in self._book.sheets_metadata if m.visible != _VISIBLE}
        return next((n for n in found if n not in hidden), found[0] if found else None)

    def read_sheet(self, name: str, max_data_rows: int = MAX_DATA_ROWS) -> Sheet:
        """All rows of a sheet from Excel row 1, refusing one with too many data rows."""
        xml = _check_xlsx_sheet(self._data, name)
        try:
            sheet = self._book.get_sheet_by_name(name)
            rows: list[list] = []
            filled = 0
            # Header rows count too, so allow a little more than the data-row limit.
            for row in sheet.iter_rows():
                rows.append(row)
                if row.count("") != len(row):  # any value (in C, not a Python loop)
                    filled += 1
                    if filled > max_data_rows + 20:
                        raise WorkbookError(
                            f"Arket «{name}» har mer enn {max_data_rows:,} rader med data "
                            f"(grensen er {max_data_rows:,} rader per ark)".replace(",", " ")
                        )
            end_row, end_col = sheet.end if sheet.end is not None else (len(rows) - 1, 0)
            start_col = sheet.start[1] if sheet.start is not None else 0
        except WorkbookError:
            raise
        except calamine.PasswordError:
            raise WorkbookError(_PASSWORD) from None
        except BaseException as exc:
            _pass_on_interrupts(exc)
            raise WorkbookError(
                f"{NOT_A_WORKBOOK}: arket «{name}» kan ikke leses (filen er skadet)"
            ) from None
        # calamine yields rows from the sheet's first used row or from row 1, and columns
        # from the first used column: pad both so that indexes are Excel's.
        skipped_rows = max(0, end_row + 1 - len(rows))
        width = end_col - start_col + 1
        if start_col and rows and len(rows[0]) == width:
            rows = [[""] * start_col + list(r) for r in rows]
        padded: list[list] = [[] for _ in range(skipped_rows)]
        while rows and rows[-1].count("") == len(rows[-1]):
            rows.pop()
        result = padded + [list(r) for r in rows]
        for (row, col), error in (_error_cells(xml) if xml else {}).items():
            while len(result) < row:
                result.append([])
            cells = result[row - 1]
            cells.extend([""] * (col - len(cells)))
            if cells[col - 1] == "":
                cells[col - 1] = error
        return Sheet(name=name.strip(), rows=result)


def _pass_on_interrupts(exc: BaseException) -> None:
    """Let Ctrl-C and exits through; turn everything else a reader raises into a refusal.
    (calamine's Rust code can panic on a broken .xls, and pyo3 raises a PanicException,
    which is a BaseException, not an Exception.)"""
    if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
        raise exc


_PASSWORD = "Filen er passordbeskyttet; lagre den uten passord og last den opp på nytt"
_VISIBLE = calamine.SheetVisibleEnum.Visible


def _password_protected(data: bytes) -> bool:
    """Whether calamine, told the format, finds an unreadable .xls or .ods encrypted.

    From a file-like object calamine guesses the format by trying each reader in turn and,
    when all fail, says only that it cannot detect the format, which hides the password
    error of an encrypted .xls or .ods. Given a file name, it uses the one right reader."""
    if data.startswith(_OLE_MAGIC):
        suffix = ".xls"
    elif data.startswith(_ZIP_MAGIC) and _ODS_MIMETYPE in data[:200]:
        suffix = ".ods"
    else:
        return False
    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/arbeidsbok{suffix}"
        with open(path, "wb") as file:
            file.write(data)
        try:
            calamine.CalamineWorkbook.from_path(path)
        except calamine.PasswordError:
            return True
        except BaseException as exc:
            _pass_on_interrupts(exc)
            return False
    return False


def check_file(data: bytes, file_name: str = "") -> None:
    """Refuse, with a reason, a file that is too big, empty, not a workbook, encrypted,
    or an archive that unpacks to far more than any real workbook."""
    size_mb = math.ceil(len(data) * 10 / 1024 / 1024) / 10  # rounded up: over 20 shows so
    if len(data) > MAX_FILE_BYTES:
        raise WorkbookError(
            f"Filen er for stor ({size_mb:.1f} MB); grensen er 20 MB per fil".replace(".", ",")
        )
    if not data:
        raise WorkbookError(f"Filen er tom (0 byte). {NOT_A_WORKBOOK}")
    lower = file_name.lower()
    if file_name and not lower.endswith(ACCEPTED_SUFFIXES):
        raise WorkbookError(f"{NOT_A_WORKBOOK} (godtatte filtyper: .xlsx, .xlsm, .xls, .ods)")
    if data.startswith(_OLE_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in data or b"E\x00n\x00c\x00r\x00y\x00p" in data:
            raise WorkbookError(_PASSWORD)
        return
    if data.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                unpacked = sum(info.file_size for info in archive.infolist())
                binary = "xl/workbook.bin" in archive.namelist()
        except zipfile.BadZipFile:
            raise WorkbookError(f"{NOT_A_WORKBOOK}: filen er skadet eller ufullstendig") from None
        if unpacked > MAX_UNPACKED_BYTES:
            raise WorkbookError(
                f"{NOT_A_WORKBOOK}: den pakker seg ut til {unpacked // 1024 // 1024} MB, "
                f"mer enn grensen på {MAX_UNPACKED_BYTES // 1024 // 1024} MB"
            )
        if binary:  # calamine would read it, but no check here looks inside one
            raise WorkbookError(
                f"{NOT_A_WORKBOOK}: den er en binær Excel-arbeidsbok (.xlsb); "
                "lagre den som .xlsx og last den opp på nytt"
            )
        _check_ods_tables(data)
        return
    raise WorkbookError(f"{NOT_A_WORKBOOK} (innholdet er ikke et regneark)")


# --- how far a sheet stretches, found before a reader fills in every cell ---------------
#
# calamine builds a sheet as one dense grid from its first to its last used cell, and
# expands an .ods cell's repeat counts; a file of a few kB can so ask for billions of cells
# and crash the process. These scans read the XML as text, a megabyte at a time, and stop
# as soon as a sheet is over MAX_SHEET_CELLS. (An .xls sheet has at most 65 536 × 256.)

# XML allows no «<» inside a tag, so a match never runs past the next one, and possessive
# quantifiers never go back: linear time, whatever the file holds.
_ATTRS = rb"((?:[^<>\"']++|\"[^<\"]*+\"|'[^<']*+')*+)"
_ANY_TAG = re.compile(rb"<" + _ATTRS + rb">")
_EMPTY_CELL = rb"(?:[\w.-]+:)?c(?=[\s/>])(?:[^<>\"'/]++|/(?!>)|\"[^<\"]*+\"|'[^<']*+')*+/>"
_XLSX_TAG = re.compile(
    # A run of empty cells (a formatted range) is one match, group 1 (its first «<» left
    # out): only where it ends counts. The «<» stands first, so the search skips text fast.
    rb"<(?:(" + _EMPTY_CELL + rb"(?:<" + _EMPTY_CELL + rb")*)"
    rb"|(?:[\w.-]+:)?(row|c|v|is)(?=[\s/>])" + _ATTRS + rb">)"
)
_ODS_TAG = re.compile(
    rb"<(?:/table:(table|table-row)\s*>"  # group 1: the end of a table or a row
    rb"|table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])" + _ATTRS + rb">)"
)
_ODS_REPEAT = {
    kind: re.compile(rb"\stable:number-" + kind + rb"-repeated\s*=\s*[\"']\s*(\d+)")
    for kind in (b"rows", b"columns")
}
_XLSX_REF = re.compile(rb"\sr\s*=\s*[\"']([A-Za-z]{0,3})(\d*)[\"']")


def _attribute(attrs: bytes, name: bytes) -> str | None:
    m = re.search(rb"\s" + re.escape(name) + rb"\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", attrs)
    if m is None:
        return None
    return unescape((m[1] if m[1] is not None else m[2]).decode(errors="replace"))


def _repeat(attrs: bytes, kind: bytes) -> int:
    """An .ods row's or cell's repeat count (``kind`` ``rows`` or ``columns``)."""
    m = _ODS_REPEAT[kind].search(attrs)
    return 1 if m is None else max(1, int(m[1])) if len(m[1]) <= 12 else 10**12


def _cell_name(row: int, col: int) -> str:
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


class _Extent:
    """The used cells of one sheet: first and last row and column (1-based)."""

    def __init__(self) -> None:
        self.first = self.last = None

    def add(self, rows: tuple[int, int], cols: tuple[int, int]) -> bool:
        """Take in a block of used cells; True once the sheet is over the limit."""
        if self.first is None:
            self.first, self.last = (rows[0], cols[0]), (rows[1], cols[1])
        else:
            self.first = (min(self.first[0], rows[0]), min(self.first[1], cols[0]))
            self.last = (max(self.last[0], rows[1]), max(self.last[1], cols[1]))
        height = self.last[0] - self.first[0] + 1
        return height * (self.last[1] - self.first[1] + 1) > MAX_SHEET_CELLS

    def refuse(self, sheet: str) -> WorkbookError:
        limit = f"{MAX_SHEET_CELLS:,}".replace(",", " ")
        return WorkbookError(
            f"Arket «{sheet}» er for stort: det brukte området går fra celle "
            f"{_cell_name(*self.first)} til {_cell_name(*self.last)} "
            f"(grensen er {limit} celler per ark); slett det som står utenfor tabellen, "
            "og last opp filen på nytt"
        )


def _tags(archive: zipfile.ZipFile, part: str, pattern: re.Pattern):
    """The tags of one XML part that match, read a megabyte at a time. A tag that a chunk
    cuts in two is carried over to the next one; a «tag» of a megabyte is no XML."""
    pending = b""
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            text = pending + chunk
            cut = text.rfind(b"<")
            if cut < 0 or _ANY_TAG.match(text, cut):
                cut = len(text)
            yield from pattern.finditer(text, 0, cut)
            pending = text[cut:]
            if len(pending) > 1 << 20:
                raise ValueError("a tag of more than a megabyte")
    yield from pattern.finditer(pending)


def _check_xlsx_sheet(data: bytes, name: str) -> bytes | None:
    """Refuse an .xlsx/.xlsm sheet whose used cells span more than MAX_SHEET_CELLS; returns
    the sheet's XML (None for a file that is no zip, or a sheet not found in it)."""
    if not data.startswith(_ZIP_MAGIC):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            part = _xlsx_sheet_part(archive, name)
            if part is None:
                return None
            xml = _read_part(archive, part)
            if _fits_by_references(xml):
                return xml
            extent, row, col, cell = _Extent(), 0, 0, None
            for m in _tags(archive, part, _XLSX_TAG):
                empty, tag, attrs = m[1], m[2], m[3]
                if empty:  # cells without a value count only for where the next one is
                    ref = _XLSX_REF.search(empty, max(0, empty.rfind(b"<")))
                    run = empty.count(b"<") + 1
                    col = _column_number(ref[1]) if ref and ref[1] else col + run
                    cell = None
                elif tag == b"row":
                    ref = _XLSX_REF.search(attrs)
                    row = int(ref[2]) if ref and ref[2] else row + 1
                    col, cell = 0, None
                elif tag == b"c":
                    ref = _XLSX_REF.search(attrs)
                    col = _column_number(ref[1]) if ref and ref[1] else col + 1
                    at_row = int(ref[2]) if ref and ref[2] else row
                    cell = (at_row, col)
                elif cell is not None:  # <v> or <is>: the cell holds a value
                    if extent.add((cell[0], cell[0]), (cell[1], cell[1])):
                        raise extent.refuse(name.strip())
                    cell = None
            return xml
    except WorkbookError:
        raise
    except Exception:
        raise WorkbookError(
            f"{NOT_A_WORKBOOK}: arket «{name.strip()}» kan ikke leses (filen er skadet)"
        ) from None


_ANY_CELL = re.compile(rb"<(?:[\w.-]+:)?c[\s/>]")
# How Excel, LibreOffice and openpyxl write a cell: its reference as the first attribute.
_PLAIN_CELL_REF = re.compile(rb"<c r=\"([A-Z]{1,3})([0-9]{1,7})\"")
# Any cell's «r», found by stepping over whole attributes, so an «r=» inside another
# attribute's value is never taken for it.
_CELL_REF = re.compile(
    rb"<(?:[\w.-]+:)?c(?:\s+(?!r\s*=)[\w:.-]+\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*"
    rb"\s+r\s*=\s*[\"']([A-Z]{1,3})([0-9]{1,7})[\"']"
)


def _read_part(archive: zipfile.ZipFile, part: str) -> bytes:
    """One part of a zip, unpacked a megabyte at a time: one read of everything would let a
    part that lies about its size inflate a gigabyte in a single call before the size
    check could stop it. (What the parts may unpack to in all is bounded by check_file.)"""
    chunks = []
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            chunks.append(chunk)
    return b"".join(chunks)


def _fits_by_references(xml: bytes) -> bool:
    """The quick answer for an ordinary sheet: when every cell carries its reference and
    all of them, empty ones included, lie within MAX_SHEET_CELLS, so do the used cells.
    A few passes in C over the XML: a 10 000-row sheet takes tens of milliseconds, where
    the tag-by-tag scan takes almost half a second. False means: scan tag by tag."""
    cells = xml.count(b"<c ") + xml.count(b"<c>") + xml.count(b"<c/>")
    refs = _PLAIN_CELL_REF.findall(xml)
    if len(refs) != cells or cells == 0:  # another writer, or a namespace prefix
        cells = len(_ANY_CELL.findall(xml))
        refs = _CELL_REF.findall(xml)
        if len(refs) != cells:
            return False
        if not cells:
            return True
    rows = [int(row) for row in {row for _, row in refs}]
    columns = [_column_number(column) for column in {column for column, _ in refs}]
    height = max(rows) - min(rows) + 1
    return height * (max(columns) - min(columns) + 1) <= MAX_SHEET_CELLS


# A cell whose formula calculated to an error: «t="e"», its value the error's text.
_ERROR_CELL = re.compile(
    rb"<(?:[\w.-]+:)?c((?:\s+[\w:.-]+\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*)\s*>"
    rb"(?:(?!</(?:[\w.-]+:)?c>).)*?<(?:[\w.-]+:)?v>([^<]*)</(?:[\w.-]+:)?v>",
    re.DOTALL,
)
_ERROR_TYPE = re.compile(rb"\st\s*=\s*[\"']e[\"']")


def _error_cells(xml: bytes) -> dict[tuple[int, int], str]:
    """(Excel row, column) → the error a formula calculated to (``#DIV/0!``, ``#N/A`` …).
    calamine gives such a cell as empty, so a cost of ``=A1/0`` would be stored as 0 kr;
    with the error's text as its value it is refused like any other value that is no
    amount, date or sub-goal."""
    if not _ERROR_TYPE.search(xml):
        return {}
    found = {}
    for m in _ERROR_CELL.finditer(xml):
        attrs = m[1]
        ref = _XLSX_REF.search(attrs)
        if _ERROR_TYPE.search(attrs) and ref and ref[1] and ref[2]:
            found[(int(ref[2]), _column_number(ref[1]))] = unescape(m[2].decode(errors="replace"))
    return found


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _xlsx_sheet_part(archive: zipfile.ZipFile, name: str) -> str | None:
    """The zip part that holds the sheet ``name``, as xl/workbook.xml and its rels say."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return None
    book = archive.read("xl/workbook.xml")
    rels = archive.read("xl/_rels/workbook.xml.rels")
    rel_id = None
    for m in re.finditer(rb"<(?:[\w.-]+:)?sheet(?=[\s/>])" + _ATTRS + rb">", book):
        if _attribute(m[1], b"name") == name:
            ids = re.search(rb"\s[\w.-]+:id\s*=\s*[\"']([^\"']*)[\"']", m[1])
            rel_id = ids[1].decode() if ids else None
            break
    for m in re.finditer(rb"<(?:[\w.-]+:)?Relationship(?=[\s/>])" + _ATTRS + rb">", rels):
        if rel_id is not None and _attribute(m[1], b"Id") == rel_id:
            target = _attribute(m[1], b"Target") or ""
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            part = posixpath.normpath(part)
            return part if part in names else None
    return None


@dataclass
class _OdsTable:
    """Where an .ods scan stands in one table."""

    name: str
    extent: _Extent = field(default_factory=_Extent)
    row: int = 0  # rows before the current one, repeats counted
    repeat: int = 1  # how often the current row repeats
    col: int = 0  # cells before the current one in the row, repeats counted
    used: tuple[int, int] | None = None  # first and last used column of the current row

    def end_row(self) -> bool:
        """Close the current row; True once the table is over the limit."""
        rows = (self.row + 1, self.row + self.repeat)
        over = self.used is not None and self.extent.add(rows, self.used)
        self.row, self.repeat, self.col, self.used = self.row + self.repeat, 1, 0, None
        return over


def _check_ods_tables(data: bytes) -> None:
    """Refuse an .ods whose tables, repeat counts expanded, span more than MAX_SHEET_CELLS
    cells (calamine expands every table when it opens the file)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "content.xml" not in archive.namelist():
                return
            tables: list[_OdsTable] = []
            for m in _tags(archive, "content.xml", _ODS_TAG):
                closing, tag, attrs = m[1] is not None, m[1] or m[2], m[3] or b""
                alone = attrs.endswith(b"/")
                if tag == b"table":
                    if not closing:
                        tables.append(_OdsTable(_attribute(attrs, b"table:name") or ""))
                    elif tables:
                        tables.pop()
                    continue
                if not tables:
                    continue
                table = tables[-1]
                if tag == b"table-row":
                    if not closing:
                        table.repeat = _repeat(attrs, b"rows")
                        table.col, table.used = 0, None
                    if (closing or alone) and table.end_row():
                        raise table.extent.refuse(table.name)
                    continue
                repeat = _repeat(attrs, b"columns")
                if not alone or b"office:value-type" in attrs:  # the cell holds something
                    first = table.used[0] if table.used else table.col + 1
                    table.used = (first, table.col + repeat)
                table.col += repeat
    except WorkbookError:
        raise
    except Exception:  # a part that cannot be unpacked, or a «tag» of a megabyte
        raise WorkbookError(f"{NOT_A_WORKBOOK}: den er skadet eller har et ukjent format") from None
