"""A workbook opened for reading: the file checked by its format first, then its sheets read
by python-calamine (in the reading worker only)."""

from __future__ import annotations

import io
import math
import tempfile
import threading
import zipfile

import python_calamine as calamine

from ia_data.domain.text import fold, without_controls
from ia_data.ingest.workbook.shared import (
    NOT_A_WORKBOOK,
    PASSWORD,
    Limits,
    Sheet,
    WorkbookError,
    may_hold_controls,
    pass_on_interrupts,
    shown_name,
    too_many_rows,
)
from ia_data.ingest.workbook.xls import check_xls
from ia_data.ingest.workbook.xlsx import XlsxLayout, check_xlsx_sheet, check_zip, error_cells

ACCEPTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


class Workbook:
    """An opened workbook: its sheet names, and sheets read on demand. (Run it in the
    reading worker: ``worker.read_workbook`` is the way in for everything else.)"""

    def __init__(
        self,
        data: bytes,
        file_name: str = "",
        limits: Limits | None = None,
        *,
        at_once: bool = False,
    ):
        self.file_name = file_name
        self.limits = limits or Limits.current()
        self.at_once = at_once
        self._xlsx = check_file(data, file_name, self.limits)
        self._data = data
        try:
            self._book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            self.sheet_names: list[str] = list(self._book.sheet_names)
        except calamine.PasswordError:
            raise WorkbookError(PASSWORD) from None
        except BaseException as exc:  # calamine raises several kinds for a broken file
            pass_on_interrupts(exc)
            if _password_protected(data):
                raise WorkbookError(PASSWORD) from None
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
        Control characters are gone from every text (docs/arbeidsboka.md).

        The sheet is checked before calamine reads it; with ``at_once`` (a large sheet of
        an .xlsx), calamine starts at once and the check runs beside it. A sheet the check
        refuses is then refused only once calamine has ended: if a file the check would
        refuse makes calamine use up the worker's memory first, the worker ends before it
        answers, and ``worker.read_workbook`` reads the file again checks first, so the
        answer is the same either way."""
        if max_data_rows is None:
            max_data_rows = self.limits.data_rows
        # calamine parses the sheet without holding the interpreter; the checks and the
        # scans of the XML that only matter after it (control characters, error cells)
        # run meanwhile (for a large sheet: for a small one a thread costs more than it
        # saves).
        declared = self._xlsx.sizes.get(name, 0) if self._xlsx is not None else 0
        if self.at_once and declared > _LARGE_SHEET:
            parsing = _Parsing(self._book, name, beside=True)
            try:
                xml = self._check_sheet(name)
            except WorkbookError:
                parsing.wait()
                raise
        else:
            xml = self._check_sheet(name)
            parsing = _Parsing(self._book, name, beside=len(xml or b"") > _LARGE_SHEET)
        scanned = _scan(xml, self._xlsx)
        try:
            sheet = parsing.result()
            rows: list[list] = []
            filled = 0
            # Header rows count too, so allow a little more than the data-row limit.
            for row in sheet.iter_rows():
                rows.append(row)
                if row.count("") != len(row):  # any value (in C, not a Python loop)
                    filled += 1
                    if filled > max_data_rows + 20:
                        raise WorkbookError(
                            f"Arket «{shown_name(name)}» {too_many_rows(max_data_rows)}"
                        )
            end_row, end_col = sheet.end if sheet.end is not None else (len(rows) - 1, 0)
            start_col = sheet.start[1] if sheet.start is not None else 0
        except WorkbookError:
            raise
        except calamine.PasswordError:
            raise WorkbookError(PASSWORD) from None
        except BaseException as exc:
            pass_on_interrupts(exc)
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
        controls, errors = scanned
        if controls:
            rows = [_clean_row(r) for r in rows]
        result = padded + rows
        for (row, col), error in errors.items():
            while len(result) < row:
                result.append([])
            cells = result[row - 1]
            cells.extend([""] * (col - len(cells)))
            if cells[col - 1] == "":
                cells[col - 1] = error
        return Sheet(name=shown_name(name), rows=result)

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
                return check_xlsx_sheet(archive, part, name, self._xlsx, self.limits)
        except (WorkbookError, MemoryError):  # out of memory: the worker says so
            raise
        except Exception:
            raise WorkbookError(_damaged_sheet(name)) from None


_VISIBLE = calamine.SheetVisibleEnum.Visible


_LARGE_SHEET = 256 * 1024  # bytes of a sheet's XML


class _Parsing:
    """calamine parsing one sheet, ``beside`` the caller in a thread of its own or else when
    ``result`` is asked for; ``result`` gives the sheet or raises what calamine raised."""

    def __init__(self, book, name: str, beside: bool) -> None:
        self._book, self._name = book, name
        self._sheet = self._error = None
        self._thread = threading.Thread(target=self._run, daemon=True) if beside else None
        if self._thread is not None:
            try:
                self._thread.start()
            except RuntimeError:  # no room for a thread under the worker's memory limit
                self._thread = None

    def _run(self) -> None:
        try:
            self._sheet = self._book.get_sheet_by_name(self._name)
        except BaseException as exc:  # raised again in the reading thread
            self._error = exc

    def wait(self) -> None:
        """Let a parse begun beside the caller end (what it gave or raised is not asked)."""
        if self._thread is not None:
            self._thread.join()

    def result(self):
        if self._thread is None:
            self._run()
        else:
            self._thread.join()
        if self._error is not None:
            raise self._error
        return self._sheet


def _scan(xml: bytes | None, layout: XlsxLayout | None) -> tuple[bool, dict]:
    """Whether a sheet's texts may hold control characters, and its error cells."""
    if xml is None:  # an .xls or .ods: no XML to scan, so clean every text
        return True, {}
    return layout.controls or may_hold_controls(xml), error_cells(xml)


def _clean_row(row: list) -> list:
    """A row with control characters removed from its texts (most rows have none)."""
    return [without_controls(v) if type(v) is str else v for v in row]


def _damaged_sheet(name: str) -> str:
    return f"{NOT_A_WORKBOOK}: arket «{shown_name(name)}» kan ikke leses (filen er skadet)"


def _unchecked_sheet(name: str) -> str:
    return (
        f"{NOT_A_WORKBOOK}: arket «{shown_name(name)}» kan ikke kontrolleres før det leses "
        "(delen som skal holde arket, finnes ikke i filen)"
    )


def _password_protected(data: bytes) -> bool:
    """Whether calamine, told the format, finds an unreadable .xls or .ods encrypted.

    From a file-like object calamine guesses the format by trying each reader in turn and,
    when all fail, says only that it cannot detect the format, which hides the password
    error of an encrypted .xls or .ods. Given a file name, it uses the one right reader."""
    if data.startswith(_OLE_MAGIC):
        suffix = ".xls"
    elif _is_ods(data):
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
            pass_on_interrupts(exc)
            return False
    return False


def _megabytes(size: int) -> str:
    """A size in MB as a message shows it: rounded up to a tenth, with a decimal comma."""
    return f"{math.ceil(size * 10 / 1024 / 1024) / 10:.1f}".replace(".", ",")


def _is_ods(data: bytes) -> bool:
    return data.startswith(_ZIP_MAGIC) and _ODS_MIMETYPE in data[:200]


def read_at_once_first(data: bytes) -> bool:
    """Whether a file is first read with its large sheets' checks beside calamine
    (``Workbook(at_once=True)``): an .xlsx or .xlsm, a zip that is no .ods (no other
    format's sheets are checked one by one before they are read)."""
    return data.startswith(_ZIP_MAGIC) and not _is_ods(data)


def check_file(data: bytes, file_name: str = "", limits: Limits | None = None) -> XlsxLayout | None:
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
            raise WorkbookError(PASSWORD)
        check_xls(data, limits)
        return None
    if data.startswith(_ZIP_MAGIC):
        return check_zip(data, limits)
    raise WorkbookError(f"{NOT_A_WORKBOOK} (innholdet er ikke et regneark)")
