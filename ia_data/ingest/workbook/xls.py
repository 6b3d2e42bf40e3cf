"""An old .xls: the BIFF records of every sheet, measured as calamine reads them when it
opens one."""

from __future__ import annotations

import olefile

from ia_data.ingest.workbook.shared import (
    NOT_A_WORKBOOK,
    PASSWORD,
    Extent,
    Limits,
    WorkbookError,
    too_many_cells,
    too_much_text,
)

_BIFF_CELLS = {0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x0006}  # one cell each
_BIFF_MULRK, _BIFF_LABELSST, _BIFF_DIMENSIONS = 0x00BD, 0x00FD, 0x0200
_BIFF_BOUNDSHEET, _BIFF_SST, _BIFF_CONTINUE, _BIFF_EOF = 0x0085, 0x00FC, 0x003C, 0x000A
_BIFF_FILEPASS = 0x002F


def check_xls(data: bytes, limits: Limits) -> None:
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
            raise WorkbookError(PASSWORD)
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
    extent, text, count = Extent(limits.sheet_cells), 0, len(sizes)
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
                raise too_many_cells(name, *shown, limits.sheet_cells)
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
                raise too_much_text(name, limits)


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
