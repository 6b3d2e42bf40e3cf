"""Reading a workbook file (``.xlsx``, ``.xlsm``, ``.xls``, ``.ods``) into plain rows.

Everything goes through python-calamine, and only inside the reading worker
(``worker.py``), a process of its own with a memory and a time limit. Before calamine
sees a file, the checks here measure what it would build — the file's size and format,
password protection, how far a zip unpacks, how many cells each sheet spans, how much text
the reader would copy out of it — so that a hostile or broken file ends as one Norwegian
sentence that names the limit. The worker's limits catch whatever these checks miss.
"""

from __future__ import annotations

import io
import math
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date
from html import unescape

import olefile
import python_calamine as calamine

from ia_data.domain import limits
from ia_data.domain.text import fold, without_controls

ACCEPTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
NOT_A_WORKBOOK = "Filen er ikke en lesbar Excel- eller ODS-arbeidsbok"


class WorkbookError(Exception):
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


class Workbook:
    """An opened workbook: its sheet names, and sheets read on demand. (Run it in the
    reading worker: ``worker.read_workbook`` is the way in for everything else.)"""

    def __init__(self, data: bytes, file_name: str = "", limits: Limits | None = None):
        self.file_name = file_name
        self.limits = limits or Limits.current()
        self._xlsx = check_file(data, file_name, self.limits)
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

    @property
    def hidden(self) -> set[str]:
        """The names of the sheets that are hidden (or very hidden)."""
        return {m.name for m in self._book.sheets_metadata if m.visible != _VISIBLE}

    def find_sheet(self, aliases: tuple[str, ...]) -> str | None:
        """The first sheet whose folded name is one of the folded aliases; a visible one
        before a hidden one (a hidden copy left from last year's file is not the report)."""
        wanted = {fold(a) for a in aliases}
        found = [name for name in self.sheet_names if fold(name) in wanted]
        hidden = self.hidden
        return next((n for n in found if n not in hidden), found[0] if found else None)

    def read_sheet(self, name: str, max_data_rows: int | None = None) -> Sheet:
        """All rows of a sheet from Excel row 1, refusing one with too many data rows.
        Control characters are gone from every text (docs/arbeidsboka.md)."""
        if max_data_rows is None:
            max_data_rows = self.limits.data_rows
        xml = self._check_sheet(name)
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
                            f"Arket «{_shown_name(name)}» {too_many_rows(max_data_rows)}"
                        )
            end_row, end_col = sheet.end if sheet.end is not None else (len(rows) - 1, 0)
            start_col = sheet.start[1] if sheet.start is not None else 0
        except WorkbookError:
            raise
        except calamine.PasswordError:
            raise WorkbookError(_PASSWORD) from None
        except BaseException as exc:
            _pass_on_interrupts(exc)
            raise WorkbookError(_damaged_sheet(name)) from None
        # calamine yields rows from the sheet's first used row or from row 1, and columns
        # from the first used column: pad both so that indexes are Excel's.
        skipped_rows = max(0, end_row + 1 - len(rows))
        width = end_col - start_col + 1
        if start_col and rows and len(rows[0]) == width:
            rows = [[""] * start_col + list(r) for r in rows]
        padded: list[list] = [[] for _ in range(skipped_rows)]
        while rows and rows[-1].count("") == len(rows[-1]):
            rows.pop()
        if self._xlsx is None or self._xlsx.controls or _may_hold_controls(xml):
            rows = [_clean_row(r) for r in rows]
        # One object per distinct date: the rows travel pickled from the reading worker,
        # and pickle writes a date it has seen as a short back-reference.
        dates: dict = {}
        result = padded + [
            [dates.setdefault(v, v) if type(v) is date else v for v in r] for r in rows
        ]
        for (row, col), error in (_error_cells(xml) if xml else {}).items():
            while len(result) < row:
                result.append([])
            cells = result[row - 1]
            cells.extend([""] * (col - len(cells)))
            if cells[col - 1] == "":
                cells[col - 1] = error
        return Sheet(name=_shown_name(name), rows=result)

    def _check_sheet(self, name: str) -> bytes | None:
        """For an .xlsx/.xlsm: refuse a sheet that spans too many cells or holds too much
        text before calamine reads it, and return its XML. (An .xls or .ods is read whole
        when it is opened, so ``check_file`` has checked every sheet of it already.)"""
        if self._xlsx is None:
            return None
        part = self._xlsx.sheets.get(name)
        if part is None:  # calamine would find something: what, this check cannot say
            raise WorkbookError(_unchecked_sheet(name))
        try:
            with zipfile.ZipFile(io.BytesIO(self._data)) as archive:
                return _check_xlsx_sheet(archive, part, name, self._xlsx, self.limits)
        except WorkbookError:
            raise
        except Exception:
            raise WorkbookError(_damaged_sheet(name)) from None


def _pass_on_interrupts(exc: BaseException) -> None:
    """Let Ctrl-C and exits through; turn everything else a reader raises into a refusal.
    (calamine's Rust code can panic on a broken .xls, and pyo3 raises a PanicException,
    which is a BaseException, not an Exception.)"""
    if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
        raise exc


_PASSWORD = "Filen er passordbeskyttet; lagre den uten passord og last den opp på nytt"
_VISIBLE = calamine.SheetVisibleEnum.Visible


def _shown_name(name: str) -> str:
    """A sheet's name as messages and problems show it: trimmed, no control characters."""
    return without_controls(name).strip()


_CONTROL_BYTES = bytes(range(9)) + bytes(range(11, 32))


def _may_hold_controls(xml: bytes) -> bool:
    """Whether an XML part can give a text a control character: written raw, as Excel's
    ``_x001B_`` escape or as a character reference. (Three scans in C: cleaning every row
    of a sheet that has none costs a Python loop over every cell.)"""
    return b"_x" in xml or b"&#" in xml or len(xml.translate(None, _CONTROL_BYTES)) != len(xml)


def _clean_row(row: list) -> list:
    """A row with control characters removed from its texts (most rows have none)."""
    return [without_controls(v) if type(v) is str else v for v in row]


def too_many_rows(limit: int) -> str:
    """The end of the message for a sheet with more data rows than ``limit``."""
    return f"har mer enn {limit:,} rader med data (grensen er {limit:,} rader per ark)".replace(
        ",", " "
    )


def _damaged_sheet(name: str) -> str:
    return f"{NOT_A_WORKBOOK}: arket «{_shown_name(name)}» kan ikke leses (filen er skadet)"


def _unchecked_sheet(name: str) -> str:
    return (
        f"{NOT_A_WORKBOOK}: arket «{_shown_name(name)}» kan ikke kontrolleres før det leses "
        "(delen som skal holde arket, finnes ikke i filen)"
    )


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


def _megabytes(size: int) -> str:
    """A size in MB as a message shows it: rounded up to a tenth, with a decimal comma."""
    return f"{math.ceil(size * 10 / 1024 / 1024) / 10:.1f}".replace(".", ",")


def check_file(data: bytes, file_name: str = "", limits: Limits | None = None) -> _Xlsx | None:
    """Refuse, with a reason, a file that is too big, empty, not a workbook, encrypted, an
    archive that unpacks to far more than any real workbook, or one whose sheets would
    make the reader build more than the limits allow. Returns the layout of an .xlsx/.xlsm
    (for the checks of each sheet as it is read), else None."""
    limits = limits or Limits.current()
    if len(data) > limits.file_bytes:
        raise WorkbookError(
            f"Filen er for stor ({_megabytes(len(data))} MB); grensen er "
            f"{limits.file_bytes // 1024 // 1024} MB per fil"
        )
    if not data:
        raise WorkbookError(f"Filen er tom (0 byte). {NOT_A_WORKBOOK}")
    lower = file_name.lower()
    if file_name and not lower.endswith(ACCEPTED_SUFFIXES):
        raise WorkbookError(f"{NOT_A_WORKBOOK} (godtatte filtyper: .xlsx, .xlsm, .xls, .ods)")
    if data.startswith(_OLE_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in data or b"E\x00n\x00c\x00r\x00y\x00p" in data:
            raise WorkbookError(_PASSWORD)
        _check_xls(data, limits)
        return None
    if data.startswith(_ZIP_MAGIC):
        return _check_zip(data, limits)
    raise WorkbookError(f"{NOT_A_WORKBOOK} (innholdet er ikke et regneark)")


def _check_zip(data: bytes, limits: Limits) -> _Xlsx | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = _Parts(archive)
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > limits.unpacked_bytes:
                raise WorkbookError(
                    f"{NOT_A_WORKBOOK}: den pakker seg ut til {unpacked // 1024 // 1024} MB, "
                    f"mer enn grensen på {limits.unpacked_bytes // 1024 // 1024} MB"
                )
            if parts.binary:  # calamine would read it, but no check here looks inside one
                raise WorkbookError(
                    f"{NOT_A_WORKBOOK}: den er en binær Excel-arbeidsbok (.xlsb); "
                    "lagre den som .xlsx og last den opp på nytt"
                )
            # calamine tries the .xlsx reader first and the .ods reader after it: check
            # what either of them would read.
            if "content.xml" in parts.exact:
                _check_ods_tables(archive, limits)
            return _xlsx_layout(archive, parts, limits)
    except WorkbookError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError):
        raise WorkbookError(f"{NOT_A_WORKBOOK}: filen er skadet eller ufullstendig") from None
    except Exception:  # a part that cannot be unpacked, or a «tag» of a megabyte
        raise WorkbookError(f"{NOT_A_WORKBOOK}: den er skadet eller har et ukjent format") from None


class _Parts:
    """The parts of a zip as calamine finds them: a name matches in any letter case, and
    with ``\\`` read as ``/``. Two parts that would so match one name make the file
    ambiguous (which one a reader takes, no check can know), and it is refused."""

    def __init__(self, archive: zipfile.ZipFile):
        self.exact: set[str] = set()
        self._by_key: dict[bytes, str] = {}
        for info in archive.infolist():
            key = _part_key(info.filename)
            if info.filename in self.exact or key in self._by_key:
                raise WorkbookError(
                    f"{NOT_A_WORKBOOK}: den har to deler med samme navn "
                    f"(«{without_controls(info.filename)[:80]}»)"
                )
            self.exact.add(info.filename)
            self._by_key[key] = info.filename
        self.binary = any(key.endswith(b"workbook.bin") for key in self._by_key)

    def find(self, name: str) -> str | None:
        return self._by_key.get(_part_key(name))


def _part_key(name: str) -> bytes:
    return name.replace("\\", "/").encode("utf-8", "surrogateescape").lower()


# --- .xlsx and .xlsm: where each part is, as calamine looks for it ----------------------


@dataclass
class _Xlsx:
    """Where an .xlsx keeps its sheets (name → part) and the size in bytes of each of its
    shared strings (a cell of type ``s`` holds the index of one)."""

    sheets: dict[str, str]
    shared: list[int]
    controls: bool = False  # whether a shared string may hold a control character


_RELATIONSHIP = re.compile(
    rb"<(?:[\w.-]+:)?Relationship(?=[\s/>])" + rb"((?:[^<>\"']++|\"[^<\"]*+\"|'[^<']*+')*+)>"
)
_SHEET_TAG = re.compile(rb"<(?:[\w.-]+:)?sheet(?=[\s/>])((?:[^<>\"']++|\"[^<\"]*+\"|'[^<']*+')*+)>")
_ID_ATTRIBUTE = re.compile(rb"\s(?:[\w.-]+:)?id\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def _xlsx_layout(archive: zipfile.ZipFile, parts: _Parts, limits: Limits) -> _Xlsx | None:
    """The layout of an .xlsx/.xlsm, found the way calamine finds it: the workbook's folder
    from ``_rels/.rels``, ``workbook.xml`` and its rels there, and each sheet's part from
    its relationship. None when calamine's .xlsx reader would not open the file at all.
    The shared strings are measured here, since calamine reads them when it opens one."""
    root = parts.find("_rels/.rels")
    if root is None:
        return None
    target = None
    for m in _RELATIONSHIP.finditer(_read_part(archive, root, limits)):
        kind = _attribute(m[1], b"Type") or ""
        if kind.endswith("/relationships/officeDocument"):
            target = _attribute(m[1], b"Target")
    if target is None:
        return None
    folder = target[: target.rfind("/") + 1].removeprefix("/") if "/" in target else ""
    book, rels = parts.find(f"{folder}workbook.xml"), parts.find(f"{folder}_rels/workbook.xml.rels")
    if book is None or rels is None:
        return None
    targets = {}
    for m in _RELATIONSHIP.finditer(_read_part(archive, rels, limits)):
        rel_id = _attribute(m[1], b"Id")
        if rel_id is not None:
            targets[rel_id] = _attribute(m[1], b"Target") or ""
    sheets: dict[str, str] = {}
    for m in _SHEET_TAG.finditer(_read_part(archive, book, limits)):
        name, ids = _attribute(m[1], b"name"), _ID_ATTRIBUTE.search(m[1])
        if name is None or ids is None:
            continue
        rel_id = unescape((ids[1] if ids[1] is not None else ids[2]).decode(errors="replace"))
        where = targets.get(rel_id)
        if where is None:
            continue
        part = parts.find(where[1:] if where.startswith("/") else f"{folder}{where}")
        if part is not None:
            sheets[name] = part
    strings = parts.find(f"{folder}sharedStrings.xml")
    if strings is None:
        return _Xlsx(sheets, [])
    return _Xlsx(sheets, *_shared_strings(archive, strings, limits))


_SHARED_STRING = re.compile(rb"<(?:[\w.-]+:)?si(?=[\s/>])")


def _shared_strings(archive: zipfile.ZipFile, part: str, limits: Limits) -> tuple[list[int], bool]:
    """The size in bytes of each shared string (from its ``<si>`` to the next one: the
    markup of a formatted string counts too, which only makes the measure generous), and
    whether any of them may hold a control character."""
    if archive.getinfo(part).file_size > limits.text_bytes:
        raise _too_much_text("", limits)
    xml = _read_part(archive, part, limits)
    starts = [m.start() for m in _SHARED_STRING.finditer(xml)]
    sizes = [b - a for a, b in zip(starts, [*starts[1:], len(xml)], strict=True)]
    return sizes, _may_hold_controls(xml)


def _too_much_text(sheet: str, limits: Limits) -> WorkbookError:
    where = f"Arket «{_shown_name(sheet)}»" if sheet else "Arbeidsboka"
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


class _Extent:
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
        return _too_many_cells(sheet, self.first, self.last, self.limit)


def _too_many_cells(sheet: str, first, last, limit: int) -> WorkbookError:
    return WorkbookError(
        f"Arket «{_shown_name(sheet)}» er for stort: det brukte området går fra celle "
        f"{cell_name(*first)} til {cell_name(*last)} "
        f"(grensen er {f'{limit:,}'.replace(',', ' ')} celler per ark); slett det som står "
        "utenfor tabellen, og last opp filen på nytt"
    )


def _tags(archive: zipfile.ZipFile, part: str, pattern: re.Pattern):
    """(position in the part, match) for the tags of one XML part that match, read a
    megabyte at a time. A tag that a chunk cuts in two is carried over to the next one;
    a «tag» of a megabyte is no XML."""
    pending, base = b"", 0
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            text = pending + chunk
            cut = text.rfind(b"<")
            if cut < 0 or _ANY_TAG.match(text, cut):
                cut = len(text)
            for m in pattern.finditer(text, 0, cut):
                yield base, m
            pending, base = text[cut:], base + cut
            if len(pending) > 1 << 20:
                raise ValueError("a tag of more than a megabyte")
    for m in pattern.finditer(pending):
        yield base, m


def _check_xlsx_sheet(
    archive: zipfile.ZipFile, part: str, name: str, layout: _Xlsx, limits: Limits
) -> bytes:
    """Refuse an .xlsx/.xlsm sheet whose used cells span more than the limit, or whose
    text, each cell counted for itself, is more than the limit; returns the sheet's XML."""
    xml = _read_part(archive, part, limits)
    text = len(xml) + _shared_text(xml, layout.shared)
    if text > limits.text_bytes:
        raise _too_much_text(name, limits)
    if _fits_by_references(xml, limits.sheet_cells):
        return xml
    extent, row, col, cell = _Extent(limits.sheet_cells), 0, 0, None
    for _, m in _tags(archive, part, _XLSX_TAG):
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
                raise extent.refuse(name)
            cell = None
    return xml


# A cell of type «s» as Excel, LibreOffice and openpyxl write one, and any cell of type «s».
_PLAIN_SHARED_CELL = re.compile(rb' t="s"[^<>]*><v>(\d{1,10})</v>')
_SHARED_CELL = re.compile(
    rb"<(?:[\w.-]+:)?c\s(?:[^<>\"']++|\"[^<\"]*+\"|'[^<']*+')*?\st\s*=\s*[\"']s[\"']"
    rb"(?:[^<>\"']++|\"[^<\"]*+\"|'[^<']*+')*+>\s*<(?:[\w.-]+:)?v>\s*(\d{1,10})\s*<"
)
_SHARED_TYPE = re.compile(rb"\st\s*=\s*[\"']s[\"']")


def _shared_text(xml: bytes, sizes: list[int]) -> int:
    """The bytes of shared strings a sheet's cells refer to, each reference counted (the
    reader copies the string into every cell). Where a cell of type «s» cannot be read
    here, it counts as the longest string: the measure may be generous, never short."""
    if not sizes:
        return 0
    typed = xml.count(b' t="s"')
    refs = _PLAIN_SHARED_CELL.findall(xml)
    if len(refs) != typed or len(_SHARED_TYPE.findall(xml)) != typed:
        typed = len(_SHARED_TYPE.findall(xml))
        refs = _SHARED_CELL.findall(xml)
        if len(refs) != typed:
            return typed * max(sizes)
    count = len(sizes)
    return sum(sizes[i] for i in map(int, refs) if i < count)


_ANY_CELL = re.compile(rb"<(?:[\w.-]+:)?c[\s/>]")
# How Excel, LibreOffice and openpyxl write a cell: its reference as the first attribute.
_PLAIN_CELL_REF = re.compile(rb"<c r=\"([A-Z]{1,3})([0-9]{1,7})\"")
# Any cell's «r», found by stepping over whole attributes, so an «r=» inside another
# attribute's value is never taken for it.
_CELL_REF = re.compile(
    rb"<(?:[\w.-]+:)?c(?:\s+(?!r\s*=)[\w:.-]+\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*"
    rb"\s+r\s*=\s*[\"']([A-Z]{1,3})([0-9]{1,7})[\"']"
)


def _read_part(archive: zipfile.ZipFile, part: str, limits: Limits) -> bytes:
    """One part of a zip, unpacked a megabyte at a time: one read of everything would let a
    part that lies about its size inflate a gigabyte in a single call before the size
    check could stop it. (What the parts may unpack to in all is bounded by check_file.)"""
    chunks, size = [], 0
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if size > limits.unpacked_bytes:
                raise ValueError("a part that unpacks to more than it said")
    return b"".join(chunks)


def _fits_by_references(xml: bytes, limit: int) -> bool:
    """The quick answer for an ordinary sheet: when every cell carries its reference and
    all of them, empty ones included, lie within the limit, so do the used cells.
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
    return height * (max(columns) - min(columns) + 1) <= limit


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
    if b'"e"' not in xml and b"'e'" not in xml:  # (two fast scans first: no cell is an error)
        return {}
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


# --- .ods: every table, repeats expanded, as calamine reads them when it opens the file --


@dataclass
class _OdsTable:
    """Where an .ods scan stands in one table."""

    name: str
    extent: _Extent
    row: int = 0  # rows before the current one, repeats counted
    repeat: int = 1  # how often the current row repeats
    col: int = 0  # cells before the current one in the row, repeats counted
    used: tuple[int, int] | None = None  # first and last used column of the current row
    cell: tuple[int, int] | None = None  # where the open cell with content began, its repeat

    def end_row(self) -> bool:
        """Close the current row; True once the table is over the limit."""
        rows = (self.row + 1, self.row + self.repeat)
        over = self.used is not None and self.extent.add(rows, self.used)
        self.row, self.repeat, self.col, self.used = self.row + self.repeat, 1, 0, None
        return over


def _check_ods_tables(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse an .ods whose tables, repeat counts expanded, span more cells than the limit,
    or hold more text than the limit once every repeat is a cell of its own."""
    tables: list[_OdsTable] = []
    text = 0
    for base, m in _tags(archive, "content.xml", _ODS_TAG):
        at = base + m.start()
        closing, tag, attrs = m[1] is not None, m[1] or m[2], m[3] or b""
        alone = attrs.endswith(b"/")
        if tables and tables[-1].cell is not None:  # a cell's content ends at the next tag
            table = tables[-1]
            start, repeat = table.cell
            text += (at - start) * repeat * table.repeat
            table.cell = None
        if tag == b"table":
            if not closing:
                tables.append(
                    _OdsTable(_attribute(attrs, b"table:name") or "", _Extent(limits.sheet_cells))
                )
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
            if text > limits.text_bytes:  # (after the cells: a message about those is clearer)
                raise _too_much_text(table.name, limits)
            continue
        repeat = _repeat(attrs, b"columns")
        if not alone or b"office:value-type" in attrs:  # the cell holds something
            first = table.used[0] if table.used else table.col + 1
            table.used = (first, table.col + repeat)
            table.cell = (at, repeat)
        table.col += repeat
    if text > limits.text_bytes:
        raise _too_much_text(tables[-1].name if tables else "", limits)


# --- .xls: the BIFF records of every sheet, as calamine reads them when it opens one ------

_BIFF_CELLS = {0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x0006}  # one cell each
_BIFF_MULRK, _BIFF_LABELSST, _BIFF_DIMENSIONS = 0x00BD, 0x00FD, 0x0200
_BIFF_BOUNDSHEET, _BIFF_SST, _BIFF_CONTINUE, _BIFF_EOF = 0x0085, 0x00FC, 0x003C, 0x000A
_BIFF_FILEPASS = 0x002F


def _check_xls(data: bytes, limits: Limits) -> None:
    """Refuse an .xls whose sheets span more cells than the limit (by their cells, or by
    the size their DIMENSIONS record announces, which calamine reserves room for), or
    whose shared strings, each reference counted, are more text than the limit."""
    try:
        with olefile.OleFileIO(data) as ole:
            names = [e.name for e in ole.direntries if e is not None]
            stream_name = next((n for n in ("Workbook", "Book") if n in names), None)
            if stream_name is None or names.count(stream_name) > 1:
                raise ValueError("no one workbook stream")
            stream = ole.openstream(stream_name).read()
    except WorkbookError:
        raise
    except Exception:
        raise WorkbookError(f"{NOT_A_WORKBOOK}: den er skadet eller har et ukjent format") from None
    sheets, sizes = [], []
    for typ, body, more in _biff_records(stream, 0):
        if typ == _BIFF_BOUNDSHEET and len(body) >= 8:
            sheets.append((int.from_bytes(body[:4], "little"), _biff_sheet_name(body)))
        elif typ == _BIFF_SST:
            sizes = _sst_sizes(body, more)
        elif typ == _BIFF_FILEPASS and body[:2] != b"\0\0":  # what follows is encrypted
            raise WorkbookError(_PASSWORD)
        elif typ == _BIFF_EOF:
            break
    for position, name in sheets:
        _check_xls_sheet(stream, position, name, sizes, limits)


def _biff_records(stream: bytes, position: int):
    """(type, data, the data of the CONTINUE records that follow) for each record from
    ``position``, as calamine's record reader splits them."""
    end = len(stream)
    while position + 4 <= end:
        typ = int.from_bytes(stream[position : position + 2], "little")
        size = int.from_bytes(stream[position + 2 : position + 4], "little")
        if position + 4 + size > end:
            return
        body = stream[position + 4 : position + 4 + size]
        position += 4 + size
        more = []
        while (
            position + 4 < end
            and int.from_bytes(stream[position : position + 2], "little") == _BIFF_CONTINUE
        ):
            size = int.from_bytes(stream[position + 2 : position + 4], "little")
            more.append(stream[position + 4 : position + 4 + size])
            position += 4 + size
        yield typ, body, more


def _biff_sheet_name(body: bytes) -> str:
    size, wide = body[6], body[7] & 1 if len(body) > 7 else 0
    raw = body[8 : 8 + size * (2 if wide else 1)]
    return raw.decode("utf-16-le" if wide else "latin-1", errors="replace")


def _sst_sizes(body: bytes, more: list[bytes]) -> list[int]:
    """The size of each string in an SST record (characters, two bytes each where stored
    so), read across CONTINUE records the way calamine reads them."""
    pieces = [body[8:], *more]
    piece, at, sizes = 0, 0, []

    def skip(count: int) -> bool:
        nonlocal piece, at
        while count > 0:
            if at >= len(pieces[piece]):
                if piece + 1 >= len(pieces):
                    return False
                piece, at = piece + 1, 0
                continue
            step = min(count, len(pieces[piece]) - at)
            at, count = at + step, count - step
        return True

    while True:
        if at >= len(pieces[piece]):
            if piece + 1 >= len(pieces):
                return sizes
            piece, at = piece + 1, 0
            continue
        data = pieces[piece]
        if len(data) - at < 3:
            return sizes
        chars, flags = int.from_bytes(data[at : at + 2], "little"), data[at + 2]
        at += 3
        runs = ext = 0
        if flags & 0x8:
            runs = int.from_bytes(data[at : at + 2], "little")
            at += 2
        if flags & 0x4:
            ext = int.from_bytes(data[at : at + 4], "little")
            at += 4
        wide, left, size = bool(flags & 1), chars, 0
        while left > 0:
            width = 2 if wide else 1
            taken = max(0, min(left, (len(pieces[piece]) - at) // width))
            at, left, size = at + taken * width, left - taken, size + taken * width
            if left > 0:
                if piece + 1 >= len(pieces):
                    return [*sizes, size]
                piece, at = piece + 1, 0
                wide = bool(pieces[piece][:1] and pieces[piece][0] & 1)
                at = 1
        sizes.append(size)
        if not skip(4 * runs + ext):
            return sizes


def _check_xls_sheet(stream: bytes, position: int, name: str, sizes: list[int], limits: Limits):
    extent, text, count = _Extent(limits.sheet_cells), 0, len(sizes)
    for typ, body, _ in _biff_records(stream, position):
        if typ == _BIFF_EOF:
            return
        if typ == _BIFF_DIMENSIONS and len(body) in (10, 14):
            first, last = _biff_dimensions(body)
            rows, cols = (
                (last[0] - first[0] + 1) & 0xFFFFFFFF,
                (last[1] - first[1] + 1) & 0xFFFFFFFF,
            )
            if rows * cols > limits.sheet_cells:
                shown = ((first[0] + 1, first[1] + 1), (first[0] + rows, first[1] + cols))
                raise _too_many_cells(name, *shown, limits.sheet_cells)
            continue
        if len(body) < 4 or (typ not in _BIFF_CELLS and typ != _BIFF_MULRK):
            continue
        row = int.from_bytes(body[:2], "little") + 1
        col = int.from_bytes(body[2:4], "little") + 1
        last = col
        if typ == _BIFF_MULRK and len(body) >= 6:
            last = int.from_bytes(body[-2:], "little") + 1
        if extent.add((row, row), (min(col, last), max(col, last))):
            raise extent.refuse(name)
        if typ == _BIFF_LABELSST and len(body) >= 10:
            index = int.from_bytes(body[6:10], "little")
            text += sizes[index] if index < count else 0
            if text > limits.text_bytes:
                raise _too_much_text(name, limits)


def _biff_dimensions(body: bytes) -> tuple[tuple[int, int], tuple[int, int]]:
    """First and last (row, column) as calamine reads a DIMENSIONS record (0-based)."""
    if len(body) == 10:
        rf, rl, cf, cl = (int.from_bytes(body[i : i + 2], "little") for i in (0, 2, 4, 6))
    else:
        rf, rl = int.from_bytes(body[0:4], "little"), int.from_bytes(body[4:8], "little")
        cf, cl = int.from_bytes(body[8:10], "little"), int.from_bytes(body[10:12], "little")
    if cf > 0xFF or cl < cf:
        cf = 0
    if rl >= 1 and cl >= 1:
        return (rf, cf), (rl - 1, cl - 1)
    return (rf, cf), (rf, cf)
