"""Writing a ``Table`` as a file: CSV for Norwegian Excel (``;``, UTF-8 with BOM, ISO dates,
decimal comma, ``Ja``/``Nei``) and XLSX (typed cells with Norwegian formats, a frozen header
with a filter, coloured status cells, an ``Om uttrekket`` sheet, A4 print settings).

No text that came from a workbook may ever turn into a formula in a spreadsheet, so text
cells that begin with ``=``, ``+``, ``-``, ``@`` (or a tab/CR) get a leading apostrophe.
Every text cell, CSV and XLSX alike, also passes ``cell_text``: no control characters
(data stored before the importer refused them must not break a download), at most
Excel's 32 767 characters.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList

from ia_data.domain.formatting import local
from ia_data.domain.limits import CELL_TEXT
from ia_data.reporting.table import Column, Kind, Kroner, Percent, Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# What no cell may hold: the C0 control characters except tab and line feed (openpyxl
# refuses them, XML cannot carry them) and the XML non-characters U+FFFE/U+FFFF.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# Excel refuses a cell of more characters than this.
CELL_LIMIT = CELL_TEXT


ELLIPSIS = "…"


def neutralise(text: str) -> str:
    """Text that a spreadsheet would read as a formula, made plain text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def clean_text(text: str) -> str:
    """Text without control characters: a CR LF pair or a lone CR becomes a line feed,
    tab and line feed stay, every other C0 control character goes."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL_CHARACTERS.sub("", text)


def cut(text: str, limit: int = CELL_LIMIT) -> str:
    """Text that fits one spreadsheet cell: a longer one ends in «…» at the limit."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def cell_text(text: str) -> str:
    """Text as every export writes it into a cell: clean and within Excel's limit."""
    return cut(clean_text(text))


def csv_value(value: object) -> str:
    """One cell as the CSV convention writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ja" if value else "Nei"
    if isinstance(value, Kroner):
        value = value.value
    if isinstance(value, Percent):
        return f"{Decimal(value.share * 100):.1f}".replace(".", ",")
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return local(value).isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return csv_text(str(value))


def csv_text(text: str) -> str:
    """A text cell of a CSV file: clean, never a formula, within Excel's cell limit (the
    apostrophe included)."""
    return cut(neutralise(clean_text(text)))


def to_csv(table: Table) -> bytes:
    """The table as CSV bytes for Norwegian Excel (``;``, UTF-8 with BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([csv_text(c.name) for c in table.columns])
    for row in table.rows:
        writer.writerow([csv_value(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


# Format codes are stored in the file's own (en-US) notation; Norwegian Excel and
# LibreOffice show them as «# ##0 "kr"», «0,0 %» and «dd.mm.åååå».
# The typeface of every styled cell (see ``font``).
FONT = "Calibri"


KRONER_FORMAT = '#,##0 "kr";-#,##0 "kr"'


KRONER_ORE_FORMAT = '#,##0.00 "kr";-#,##0.00 "kr"'


PERCENT_FORMAT = "0.0 %"


DATE_FORMAT = "dd.mm.yyyy"


DATETIME_FORMAT = "dd.mm.yyyy hh:mm"


INTEGER_FORMAT = "#,##0"


# A ``Kind.CODE`` column (a year, an id or a row number): written and shown without a
# thousands separator («2015», not «2 015»), in exports and on the pages alike.
PLAIN_FORMAT = "0"


STATUS_FILLS = {
    "Levert i tide": "E3F1E6",
    "Levert for sent": "FFF1D6",
    "Mangler": "FBE3E3",
    "Forfaller snart": "E6EEFB",
    "Ikke forfalt": "F1F2F4",
}


HEADER_FILL = "1F5F8B"


def status_fill(text: str) -> str | None:
    for word, colour in STATUS_FILLS.items():
        if text.startswith(word):
            return colour
    return None


class _SharedStyles(IndexedList):
    """A workbook's list of its fonts, fills or alignments that finds a style it was given
    before by the object itself. The styles a cell is given are each made once and shared,
    never changed after (``font``, ``alignment``, ``solid_fill``); openpyxl looks the style
    of every cell it is set on up by its hash, which it works out field by field, twice a
    cell (a sixth of the time the compiled report took). Here the place found for a style
    holds for every later cell; an equal new style is looked up as before, so the places,
    and the file, are the same. (Each style is kept with its place, so that its ``id`` is
    never another object's.)"""

    def __init__(self, iterable=None):
        super().__init__(iterable)
        self._places: dict[int, tuple[int, object]] = {}

    def add(self, value) -> int:
        found = self._places.get(id(value))
        if found is None:
            found = self._places[id(value)] = (super().add(value), value)
        return found[0]


def new_workbook() -> Workbook:
    """An openpyxl workbook whose cells take the shared styles at once (``_SharedStyles``)."""
    book = Workbook()
    book._fonts = _SharedStyles(book._fonts)
    book._fills = _SharedStyles(book._fills)
    book._alignments = _SharedStyles(book._alignments)
    return book


@cache
def font(**style) -> Font:
    """An openpyxl ``Font`` in the exports' typeface. (A styled font without a name makes
    LibreOffice fall back to a serif face.)"""
    return Font(name=FONT, **style)


@cache
def alignment(**style) -> Alignment:
    return Alignment(**style)


@cache
def solid_fill(colour: str) -> PatternFill:
    return PatternFill("solid", fgColor=colour)


# Excel reads ``_x001B_`` in a stored text as the character it names (OOXML's escape for
# control characters); ``_x005F_`` is the escaped underscore that keeps such text literal.
_OOXML_ESCAPE = re.compile("_(x[0-9A-Fa-f]{4}_)")


def _ooxml(text: str) -> str:
    return _OOXML_ESCAPE.sub(r"_x005F_\1", text)


def set_text(cell, text: str) -> str:
    """Write text that stays text, the one way every text reaches an XLSX cell: no
    formula (openpyxl would store ``=…`` as one), no control character, nothing Excel
    would decode as one, and no more than Excel's cell limit. Returns the text written."""
    text = cell_text(text)
    stored = _ooxml(text)
    if len(stored) > CELL_LIMIT:
        # openpyxl cuts the stored form at the limit, escapes and all: keep the longest
        # start whose stored form fits instead.
        low, high = 0, len(text) - 1
        while low < high:
            mid = (low + high + 1) // 2
            if len(_ooxml(text[:mid] + ELLIPSIS)) <= CELL_LIMIT:
                low = mid
            else:
                high = mid - 1
        text = text[:low] + ELLIPSIS
        stored = _ooxml(text)
    cell.value = stored
    cell.data_type = "s"
    return text


def write_cell(cell, value, plain: bool = False, ore: bool = False) -> int:
    """Write one typed value with its Norwegian format; returns its display width.

    ``plain`` writes a whole number without thousands spacing (years, ids, row numbers);
    ``ore`` writes an amount with øre even if it is whole (a column where some are not)."""
    if value is None:
        return 0
    if isinstance(value, bool):
        set_text(cell, "Ja" if value else "Nei")
        cell.alignment = alignment(horizontal="center")
        return 4
    if isinstance(value, Kroner):
        cell.value = value.value
        with_ore = ore or value.ore % 100 != 0
        cell.number_format = KRONER_ORE_FORMAT if with_ore else KRONER_FORMAT
        return len(f"{value.value:,.2f}" if with_ore else f"{value.value:,.0f}") + 5
    if isinstance(value, Percent):
        cell.value = value.share
        cell.number_format = PERCENT_FORMAT
        return 8
    if isinstance(value, datetime):
        cell.value = local(value)
        cell.number_format = DATETIME_FORMAT
        return 16
    if isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
        return 10
    if isinstance(value, int | float):
        cell.value = value
        if isinstance(value, int):
            cell.number_format = PLAIN_FORMAT if plain else INTEGER_FORMAT
        else:
            cell.number_format = "#,##0.00"
        return len(str(value)) + 1
    text = set_text(cell, str(value))
    if "\n" in text or len(text) > 60:
        cell.alignment = alignment(wrap_text=True, vertical="top")
    return min(max(len(line) for line in text.split("\n")), 60)


def ore_columns(table: Table) -> set[int]:
    """The money columns where some amount has øre: every amount there is written with øre
    (one format per column)."""
    return {
        j
        for j, column in enumerate(table.columns)
        if column.kind is Kind.MONEY
        and any(isinstance(row[j], Kroner) and row[j].ore % 100 for row in table.rows)
    }


def align_numeric_headers(sheet, table: Table, header_row: int) -> None:
    """A header over numbers stands to the right, above its right-aligned values."""
    for j in range(len(table.columns)):
        values = [row[j] for row in table.rows if row[j] is not None]
        numbers = [
            v
            for v in values
            if isinstance(v, Kroner | Percent | int | float) and not isinstance(v, bool)
        ]
        if values and len(numbers) == len(values):
            cell = sheet.cell(row=header_row, column=j + 1)
            cell.alignment = alignment(horizontal="right", wrap_text=True)


def header_widths(table: Table) -> list[int]:
    """Each column's starting width: its header's, within reason."""
    return [min(max(len(c.name), 6), 40) for c in table.columns]


def write_table(
    sheet, table: Table, first_row: int = 1, widths: list[int] | None = None, negative=None
) -> int:
    """A table from ``first_row``: a styled header, cells typed and formatted by their
    column's kind, coloured status cells (``negative``: the font of a negative amount).
    Widens ``widths`` (one per column) to fit; returns the next free row."""
    for j, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=first_row, column=j)
        set_text(cell, column.name)
        cell.font = font(bold=True, color="FFFFFF")
        cell.fill = solid_fill(HEADER_FILL)
    kinds = [c.kind for c in table.columns]
    with_ore = ore_columns(table)  # one format per column: øre on every amount if on any
    for i, row in enumerate(table.rows, start=first_row + 1):
        for j, value in enumerate(row):
            cell = sheet.cell(row=i, column=j + 1)
            shown = write_cell(cell, value, kinds[j] is Kind.CODE, j in with_ore)
            if widths is not None:
                widths[j] = max(widths[j], shown)
            if (
                kinds[j] is Kind.STATUS
                and isinstance(value, str)
                and (colour := status_fill(value))
            ):
                cell.fill = solid_fill(colour)
            if negative is not None and isinstance(value, Kroner) and value.ore < 0:
                cell.font = negative
    align_numeric_headers(sheet, table, first_row)
    return first_row + 1 + len(table.rows)


def write_sheet(sheet, table: Table) -> None:
    """Fill a worksheet with a table: typed cells, a frozen header with a filter (and the
    first column frozen where a page keeps it in view), sensible widths, and coloured
    status cells."""
    widths = header_widths(table)
    write_table(sheet, table, 1, widths)
    for j, width in enumerate(widths, start=1):  # room for the header's filter button too
        sheet.column_dimensions[get_column_letter(j)].width = width + 4
    sheet.freeze_panes = "B2" if table.columns and table.columns[0].pinned else "A2"
    if table.rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
    fit_to_page_width(sheet, landscape=True, title_rows="1:1")


def fit_to_page_width(sheet, landscape: bool, title_rows: str | None = None) -> None:
    """Printed (or saved as PDF) a sheet reads as one table: every column on the page width
    of an A4, as many pages down as it needs, the header repeated on each."""
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    if title_rows:
        sheet.print_title_rows = title_rows


def write_about(sheet, about: list[tuple[str | Column, object]]) -> None:
    """The ``Om uttrekket`` sheet: what the figures are, as of when, from which uploads (a
    label that is a column, a filter on it, writes its value as the column does)."""
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = ABOUT_WIDTH
    for i, (label, value) in enumerate(about, start=1):
        column = label if isinstance(label, Column) else Column(label)
        label_cell = sheet.cell(row=i, column=1)
        set_text(label_cell, column.name)
        label_cell.font = font(bold=True)
        label_cell.alignment = alignment(vertical="top")
        cell = sheet.cell(row=i, column=2)
        write_cell(cell, value, column.kind is Kind.CODE)
        cell.alignment = alignment(wrap_text=True, vertical="top", horizontal="left")
        lines = wrapped_lines(cell.value, ABOUT_WIDTH)
        if lines > 1:
            sheet.row_dimensions[i].height = LINE_HEIGHT * lines
    fit_to_page_width(sheet, landscape=False)


ABOUT_WIDTH = 110  # characters: the width of the ``Om uttrekket`` sheet's value column


# The height of a line of 11-point text, in points. A row of wrapped text is given the height
# of its lines: LibreOffice draws a row as high as the file says (no height: one line), so
# that the lines of a longer text overprinted the rows below it.
LINE_HEIGHT = 15


def wrapped_lines(value, width: int) -> int:
    """How many lines ``value`` takes wrapped in a column ``width`` characters wide (each
    paragraph at least one). A width counts characters of «0»: the letters of a text are
    narrower on average, which leaves room for words wrapping whole."""
    text = "" if value is None else str(value)
    per_line = max(width, 1)
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def sheet_title(text: str) -> str:
    """A title as a sheet may have it: without the characters Excel forbids («-» for each),
    control characters or line breaks, a quote at either end, and at most 31 characters."""
    short = re.sub(r"\s", " ", clean_text(text))
    return re.sub(r"[\[\]:*?/\\]", "-", short).strip("'")[:31]


def to_xlsx(tables: list[Table], about: list[tuple[str | Column, object]]) -> bytes:
    """Tables as an XLSX workbook, one sheet each, plus the ``Om uttrekket`` sheet."""
    book = new_workbook()
    first = True
    for table in tables:
        sheet = book.active if first else book.create_sheet()
        sheet.title = sheet_title(table.title) or "Tabell"
        write_sheet(sheet, table)
        first = False
    write_about(book.create_sheet("Om uttrekket"), about)
    book.properties.creator = "IA-rådsoversikt"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
