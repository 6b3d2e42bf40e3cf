"""An .ods: every table, repeats expanded, measured as calamine reads them when it opens
the file."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass

from ia_data.ingest.workbook.shared import ATTRS, Extent, Limits, attribute, tags, too_much_text

_ODS_TAG = re.compile(
    rb"<(?:/table:(table|table-row)\s*>"  # group 1: the end of a table or a row
    rb"|table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])" + ATTRS + rb">)"
)
_ODS_REPEAT = {
    kind: re.compile(rb"\stable:number-" + kind + rb"-repeated\s*=\s*[\"']\s*(\d+)")
    for kind in (b"rows", b"columns")
}


def _repeat(attrs: bytes, kind: bytes) -> int:
    """An .ods row's or cell's repeat count (``kind`` ``rows`` or ``columns``)."""
    m = _ODS_REPEAT[kind].search(attrs)
    return 1 if m is None else max(1, int(m[1])) if len(m[1]) <= 12 else 10**12


@dataclass
class _OdsTable:
    """Where an .ods scan stands in one table."""

    name: str
    extent: Extent
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


def check_ods_tables(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse an .ods whose tables, repeat counts expanded, span more cells than the limit,
    or hold more text than the limit once every repeat is a cell of its own."""
    tables: list[_OdsTable] = []
    text = 0
    for base, m in tags(archive, "content.xml", _ODS_TAG):
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
                    _OdsTable(attribute(attrs, b"table:name") or "", Extent(limits.sheet_cells))
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
                raise too_much_text(table.name, limits)
            continue
        repeat = _repeat(attrs, b"columns")
        if not alone or b"office:value-type" in attrs:  # the cell holds something
            first = table.used[0] if table.used else table.col + 1
            table.used = (first, table.col + repeat)
            table.cell = (at, repeat)
        table.col += repeat
    if text > limits.text_bytes:
        raise too_much_text(tables[-1].name if tables else "", limits)
