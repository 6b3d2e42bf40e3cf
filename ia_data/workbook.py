"""Reading a workbook file (``.xlsx``, ``.xlsm``, ``.xls``, ``.ods``) into plain rows.

Everything goes through python-calamine. The file is checked before it is parsed — size,
format, password protection, how far a zip archive unpacks — so a hostile or broken file
ends as one Norwegian sentence, never as an exception or an exhausted machine.
"""

from __future__ import annotations

import io
import math
import tempfile
import zipfile
from dataclasses import dataclass, field

import python_calamine as calamine

from .text import fold

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DATA_ROWS = 20_000
MAX_UNPACKED_BYTES = 250 * 1024 * 1024
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
        try:
            self._book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            self.sheet_names: list[str] = list(self._book.sheet_names)
        except calamine.PasswordError:
            raise WorkbookError(_PASSWORD) from None
        except Exception:  # calamine raises several kinds for a broken file
            if _password_protected(data):
                raise WorkbookError(_PASSWORD) from None
            raise WorkbookError(
                f"{NOT_A_WORKBOOK}: den er skadet eller har et ukjent format"
            ) from None

    def find_sheet(self, aliases: tuple[str, ...]) -> str | None:
        """The first sheet whose folded name is one of the folded aliases."""
        wanted = {fold(a) for a in aliases}
        for name in self.sheet_names:
            if fold(name) in wanted:
                return name
        return None

    def read_sheet(self, name: str, max_data_rows: int = MAX_DATA_ROWS) -> Sheet:
        """All rows of a sheet from Excel row 1, refusing one with too many data rows."""
        try:
            sheet = self._book.get_sheet_by_name(name)
            rows: list[list] = []
            filled = 0
            # Header rows count too, so allow a little more than the data-row limit.
            for row in sheet.iter_rows():
                rows.append(row)
                if any(v != "" for v in row):
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
        except Exception:
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
        while rows and not any(v != "" for v in rows[-1]):
            rows.pop()
        return Sheet(name=name.strip(), rows=padded + [list(r) for r in rows])


_PASSWORD = "Filen er passordbeskyttet; lagre den uten passord og last den opp på nytt"


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
        except Exception:
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
        except zipfile.BadZipFile:
            raise WorkbookError(f"{NOT_A_WORKBOOK}: filen er skadet eller ufullstendig") from None
        if unpacked > MAX_UNPACKED_BYTES:
            raise WorkbookError(
                f"{NOT_A_WORKBOOK}: den pakker seg ut til {unpacked // 1024 // 1024} MB, "
                f"mer enn grensen på {MAX_UNPACKED_BYTES // 1024 // 1024} MB"
            )
        return
    raise WorkbookError(f"{NOT_A_WORKBOOK} (innholdet er ikke et regneark)")
