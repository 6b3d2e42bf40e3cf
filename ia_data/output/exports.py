"""Exports of the tables the app shows: the same rows, as CSV (and XLSX).

The overview table's columns are fixed by DESIGN.md. CSV follows Norwegian Excel:
``;``-separated, UTF-8 with BOM, ISO dates, plain integers, decimal comma, ``Ja``/``Nei``.
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
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from ia_data.domain.formatting import local
from ia_data.domain.rules import ReportPeriod
from ia_data.reporting.overview import OverviewRow

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What no cell may hold: the C0 control characters except tab and line feed (openpyxl
# refuses them, XML cannot carry them) and the XML non-characters U+FFFE/U+FFFF.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Excel refuses a cell of more characters than this.
CELL_LIMIT = 32_767
ELLIPSIS = "…"


@dataclass(frozen=True)
class Kroner:
    """An amount held as whole øre, written as kroner (decimals only when there are øre)."""

    ore: int

    @property
    def value(self) -> int | float:
        return self.ore // 100 if self.ore % 100 == 0 else self.ore / 100


@dataclass(frozen=True)
class Percent:
    """A share (1.0 = 100 %), written with one decimal."""

    share: float


@dataclass
class Table:
    """Columns and typed rows: what a page shows and what every export writes."""

    columns: list[str]
    rows: list[list]
    title: str = ""

    def only(self, columns: list[str], title: str | None = None) -> Table:
        """The same rows with only these columns, in this order."""
        picks = [self.columns.index(c) for c in columns]
        return Table(
            columns=list(columns),
            rows=[[row[j] for j in picks] for row in self.rows],
            title=self.title if title is None else title,
        )


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


def period_columns(period: ReportPeriod) -> list[str]:
    return [f"Status {period.code}", f"Frist {period.code}", f"Innsendt {period.code}"]


def overview_table(rows: list[OverviewRow], periods: list[ReportPeriod]) -> Table:
    """The overview as a table with DESIGN.md's columns, in order."""
    columns = [
        "IA-råd",
        "Fylker",
        "År",
        "Tildelt (kr)",
        "Tildeling",
        "Brukt (kr)",
        "Gjenstår (kr)",
        "Forbruk (%)",
        "Aktiviteter",
        "Delmål 1",
        "Delmål 2",
        "Delmål 3",
        "Alle delmål dekket",
        "Møter",
        "Handlingsplan",
    ]
    for period in periods:
        columns += period_columns(period)
    table_rows = []
    for row in rows:
        line = [
            row.council.name,
            row.council.county_names,
            row.year,
            Kroner(row.allocated_ore) if row.allocated_ore is not None else None,
            row.allocation_source or None,
            Kroner(row.spent_ore),
            Kroner(row.remaining_ore) if row.remaining_ore is not None else None,
            Percent(row.share_used) if row.share_used is not None else None,
            row.activities,
            row.goals[1],
            row.goals[2],
            row.goals[3],
            row.all_goals,
            row.meetings,
            row.action_plan,
        ]
        for status in row.periods:
            line += [status.status.text, status.period.due, status.submitted]
        table_rows.append(line)
    return Table(columns=columns, rows=table_rows, title="Oversikt")


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
    writer.writerow([csv_text(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([csv_value(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


# --- XLSX ------------------------------------------------------------------------------

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
# Integer columns that hold a year, an id or a row number: written and shown without a
# thousands separator («2015», not «2 015»), in exports and on the pages alike.
PLAIN_FORMAT = "0"
PLAIN_NUMBER_COLUMNS = frozenset({"År", "Opplasting nr.", "Rad i filen", "Rad"})
STATUS_FILLS = {
    "Levert i tide": "E3F1E6",
    "Levert for sent": "FFF1D6",
    "Mangler": "FBE3E3",
    "Forfaller snart": "E6EEFB",
    "Ikke forfalt": "F1F2F4",
}
HEADER_FILL = "1F5F8B"


def _status_fill(text: str) -> str | None:
    for word, colour in STATUS_FILLS.items():
        if text.startswith(word):
            return colour
    return None


def font(**style):
    """An openpyxl ``Font`` in the exports' typeface. (A styled font without a name makes
    LibreOffice fall back to a serif face.)"""
    from openpyxl.styles import Font

    return Font(name=FONT, **style)


# Excel reads ``_x001B_`` in a stored text as the character it names (OOXML's escape for
# control characters); ``_x005F_`` is the escaped underscore that keeps such text literal.
_OOXML_ESCAPE = re.compile("_(x[0-9A-Fa-f]{4}_)")


def _ooxml(text: str) -> str:
    return _OOXML_ESCAPE.sub(r"_x005F_\1", text)


def _set_text(cell, text: str) -> str:
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


def _write_cell(cell, value, plain: bool = False) -> int:
    """Write one typed value with its Norwegian format; returns its display width.

    ``plain`` writes a whole number without thousands spacing (years, ids, row numbers)."""
    from openpyxl.styles import Alignment

    if value is None:
        return 0
    if isinstance(value, bool):
        _set_text(cell, "Ja" if value else "Nei")
        cell.alignment = Alignment(horizontal="center")
        return 4
    if isinstance(value, Kroner):
        cell.value = value.value
        cell.number_format = KRONER_FORMAT if value.ore % 100 == 0 else KRONER_ORE_FORMAT
        return len(f"{value.value:,.0f}") + 6
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
    text = _set_text(cell, str(value))
    if "\n" in text or len(text) > 60:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return min(max(len(line) for line in text.split("\n")), 60)


def write_sheet(sheet, table: Table) -> None:
    """Fill a worksheet with a table: typed cells, a frozen header with a filter,
    sensible widths, and coloured status cells."""
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter

    widths = [min(max(len(c), 6), 40) for c in table.columns]
    for j, name in enumerate(table.columns, start=1):
        cell = sheet.cell(row=1, column=j)
        _set_text(cell, name)
        cell.font = font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    status_columns = {j for j, c in enumerate(table.columns) if c.startswith("Status")}
    plain_columns = {j for j, c in enumerate(table.columns) if c in PLAIN_NUMBER_COLUMNS}
    for i, row in enumerate(table.rows, start=2):
        for j, value in enumerate(row):
            cell = sheet.cell(row=i, column=j + 1)
            widths[j] = max(widths[j], _write_cell(cell, value, j in plain_columns))
            if j in status_columns and isinstance(value, str):
                colour = _status_fill(value)
                if colour:
                    cell.fill = PatternFill("solid", fgColor=colour)
    for j, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(j)].width = width + 2
    sheet.freeze_panes = "B2" if table.columns and table.columns[0] == "IA-råd" else "A2"
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


def write_about(sheet, about: list[tuple[str, object]]) -> None:
    """The ``Om uttrekket`` sheet: what the figures are, as of when, from which uploads."""
    from openpyxl.styles import Alignment

    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 110
    for i, (label, value) in enumerate(about, start=1):
        label_cell = sheet.cell(row=i, column=1)
        _set_text(label_cell, label)
        label_cell.font = font(bold=True)
        label_cell.alignment = Alignment(vertical="top")
        cell = sheet.cell(row=i, column=2)
        _write_cell(cell, value, label in PLAIN_NUMBER_COLUMNS)
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
    fit_to_page_width(sheet, landscape=False)


def to_xlsx(tables: list[Table], about: list[tuple[str, object]]) -> bytes:
    """Tables as an XLSX workbook, one sheet each, plus the ``Om uttrekket`` sheet."""
    from openpyxl import Workbook

    book = Workbook()
    first = True
    for table in tables:
        sheet = book.active if first else book.create_sheet()
        sheet.title = (table.title or "Tabell")[:31]
        write_sheet(sheet, table)
        first = False
    write_about(book.create_sheet("Om uttrekket"), about)
    book.properties.creator = "IA-rådsoversikt"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def about_rows(
    title: str,
    *,
    as_of: date | None,
    filters: list[tuple[str, str]],
    row_count: tuple[str, int],
    sources: list,
    now: datetime | None = None,
) -> list[tuple[str, object]]:
    """The facts of an ``Om uttrekket`` sheet: what, when, as of which date, which filters,
    how many rows, and every upload version the figures come from."""
    now = now or datetime.now(UTC).replace(microsecond=0)
    about: list[tuple[str, object]] = [
        ("Uttrekk", title),
        ("Laget", now),
    ]
    if as_of is not None:
        about.append(("Status per dato", as_of))
    about += [(label, value) for label, value in filters]
    about.append(row_count)
    about.append(("Kilde", "IA-rådsoversikt: aktive versjoner av rapportene og tildelingene"))
    about.append(("Antall opplastinger", len(sources)))
    for source in sources:
        what = (
            f"{source.council}, {source.year} {source.period}"
            if source.kind == "rapport"
            else "Tildelingsvedtak"
        )
        about.append(
            (
                f"Opplasting nr. {source.id}",
                f"{what} – {source.file_name}, "
                f"lastet opp {local(source.uploaded_at):%d.%m.%Y %H:%M}",
            )
        )
    return about


def overview_filters(
    year: int, rows: list[OverviewRow], council_ids: list[int] | None, goal: int | None
) -> list[tuple[str, object]]:
    """The filters of an overview, as the ``Om uttrekket`` sheet names them."""
    councils = ", ".join(r.council.name for r in rows) if council_ids else "alle"
    goal_text = (
        f"delmål {goal}: Brukt, Gjenstår, Forbruk og Aktiviteter gjelder bare aktiviteter "
        f"merket delmål {goal}"
        if goal
        else "alle delmål"
    )
    return [("År", year), ("IA-råd", councils), ("Delmål", goal_text)]


def overview_export(
    session,
    year: int,
    as_of: date,
    rules,
    file_format: str,
    council_ids: list[int] | None = None,
    goal: int | None = None,
    now: datetime | None = None,
) -> bytes:
    """The overview of a year as CSV or XLSX bytes — exactly the rows the page shows."""
    from ia_data.reporting.overview import overview, upload_sources

    rows = overview(session, year, as_of, rules, council_ids, goal)
    table = overview_table(rows, rules.periods(year))
    if file_format == "csv":
        return to_csv(table)
    sources = upload_sources(session, [i for r in rows for i in r.upload_ids])
    filters = overview_filters(year, rows, council_ids, goal)
    about = about_rows(
        f"Oversikt over IA-rådene {year}",
        as_of=as_of,
        filters=filters,
        row_count=("Antall IA-råd", len(rows)),
        sources=sources,
        now=now,
    )
    return to_xlsx([table], about)


# --- tables of the Frister, Økonomi, Aktiviteter and Råd pages ------------------------
# Each builder gives exactly the table its page shows; the page renders it and offers it
# as CSV and XLSX through ``table_export``.


def table_export(
    session,
    table: Table,
    file_format: str,
    *,
    title: str,
    filters: list[tuple[str, object]],
    as_of: date | None = None,
    upload_ids=(),
    row_label: str = "Antall rader",
    now: datetime | None = None,
) -> bytes:
    """One page table as CSV, or as XLSX with its ``Om uttrekket`` sheet."""
    from ia_data.reporting.overview import upload_sources

    if file_format == "csv":
        return to_csv(table)
    about = about_rows(
        title,
        as_of=as_of,
        filters=filters,
        row_count=(row_label, len(table.rows)),
        sources=upload_sources(session, [i for i in upload_ids if i is not None]),
        now=now,
    )
    return to_xlsx([table], about)


def _goals_text(goals: list[int]) -> str:
    return ", ".join(str(k) for k in goals)


def deadlines_table(rows) -> Table:
    """Every council × period with its due date, submission and status (long form)."""
    columns = [
        "IA-råd",
        "Fylker",
        "År",
        "Periode",
        "Frist",
        "Innsendt",
        "Status",
        "Dager over frist",
        "Opplasting nr.",
        "Frist antatt",
    ]
    return Table(
        columns=columns,
        rows=[
            [
                r.council.name,
                r.council.county_names,
                r.period.year,
                r.period.code,
                r.period.due,
                r.submitted,
                r.status.text,
                r.days_overdue,
                r.upload_id,
                r.period.due_is_assumption,
            ]
            for r in rows
        ],
        title="Frister",
    )


def deadline_matrix_table(rows) -> Table:
    """Councils × periods, each cell the status as of the date (empty where the council
    did not exist that year)."""
    periods: dict[tuple[int, str], str] = {}
    cells: dict[int, dict[str, str]] = {}
    names: dict[int, str] = {}
    for r in rows:
        label = f"Status {r.period.label}"
        periods.setdefault((r.period.year, r.period.start.month), label)
        names.setdefault(r.council.id, r.council.name)
        cells.setdefault(r.council.id, {})[label] = r.status.text
    labels = [periods[k] for k in sorted(periods)]
    return Table(
        columns=["IA-råd", *labels],
        rows=[[names[c], *(cells[c].get(label) for label in labels)] for c in names],
        title="Matrise",
    )


def missing_table(rows) -> Table:
    """Reports overdue and not in as of the date."""
    return Table(
        columns=["IA-råd", "År", "Periode", "Frist", "Dager over frist"],
        rows=[
            [r.council.name, r.period.year, r.period.code, r.period.due, r.days_overdue]
            for r in rows
        ],
        title="Mangler",
    )


def falling_due_table(rows, as_of: date) -> Table:
    """Reports due within the coming days, with whether they are already in."""
    return Table(
        columns=["IA-råd", "År", "Periode", "Frist", "Dager til frist", "Status", "Innsendt"],
        rows=[
            [
                r.council.name,
                r.period.year,
                r.period.code,
                r.period.due,
                (r.period.due - as_of).days,
                r.status.text,
                r.submitted,
            ]
            for r in rows
        ],
        title="Forfaller snart",
    )


def money_table(rows, title: str = "Økonomi") -> Table:
    """Allocated (decision or rule), spent, remaining and share used per council × year."""
    columns = [
        "IA-råd",
        "Fylker",
        "År",
        "Tildelt (kr)",
        "Tildeling",
        "Vedtaksdato",
        "Brukt (kr)",
        "Gjenstår (kr)",
        "Forbruk (%)",
        "Overforbruk",
        "Aktiviteter",
    ]
    return Table(
        columns=columns,
        rows=[
            [
                r.council.name,
                r.council.county_names,
                r.year,
                Kroner(r.allocated_ore) if r.allocated_ore is not None else None,
                r.allocation_source or None,
                r.decision_date,
                Kroner(r.spent_ore),
                Kroner(r.remaining_ore) if r.remaining_ore is not None else None,
                Percent(r.share_used) if r.share_used is not None else None,
                r.overspent,
                r.activities,
            ]
            for r in rows
        ],
        title=title,
    )


def money_trend_table(rows) -> Table:
    """All councils together, year by year: allocated, spent, remaining, share used."""
    years: dict[int, list] = {}
    for r in rows:
        years.setdefault(r.year, []).append(r)
    table_rows = []
    for year in sorted(years):
        group = years[year]
        allocated = sum(r.allocated_ore or 0 for r in group)
        known = any(r.allocated_ore is not None for r in group)
        spent = sum(r.spent_ore for r in group)
        table_rows.append(
            [
                year,
                len(group),
                Kroner(allocated) if known else None,
                Kroner(spent),
                Kroner(allocated - spent) if known else None,
                Percent(spent / allocated) if allocated else None,
                sum(1 for r in group if r.overspent),
                sum(r.activities for r in group),
            ]
        )
    return Table(
        columns=[
            "År",
            "IA-råd",
            "Tildelt (kr)",
            "Brukt (kr)",
            "Gjenstår (kr)",
            "Forbruk (%)",
            "Råd med overforbruk",
            "Aktiviteter",
        ],
        rows=table_rows,
        title="Utvikling",
    )


def spend_by_type_table(spend, councils, types: list[str]) -> Table:
    """Spent per council (rows) and activity type (columns), with a sum row and column."""
    cells: dict[int, dict[str, int]] = {}
    for s in spend:
        cells.setdefault(s.council_id, {})[s.type] = s.spent_ore
    rows = []
    for council in councils:
        own = cells.get(council.id, {})
        rows.append(
            [council.name, *(Kroner(own.get(t, 0)) for t in types), Kroner(sum(own.values()))]
        )
    totals = [sum(s.spent_ore for s in spend if s.type == t) for t in types]
    rows.append(["Alle IA-råd", *(Kroner(t) for t in totals), Kroner(sum(totals))])
    return Table(
        columns=["IA-råd", *(f"{t} (kr)" for t in types), "Sum (kr)"],
        rows=rows,
        title="Forbruk per type",
    )


def allocations_table(versions) -> Table:
    """Every uploaded allocation row, the replaced ones too."""
    return Table(
        columns=[
            "IA-råd",
            "År",
            "Beløp (kr)",
            "Vedtaksdato",
            "Merknad",
            "Aktiv",
            "Opplasting nr.",
            "Fil",
            "Lastet opp",
        ],
        rows=[
            [
                v.council,
                v.year,
                Kroner(v.amount_ore),
                v.decision_date,
                v.note or None,
                v.active,
                v.upload_id,
                v.file_name,
                v.uploaded_at,
            ]
            for v in versions
        ],
        title="Tildelingsvedtak",
    )


def breakdown_table(rows, key_label: str, title: str) -> Table:
    """Activities per type, sector or sub-goal (cancelled ones counted apart)."""
    return Table(
        columns=[
            key_label,
            "Aktiviteter",
            "Delmål 1",
            "Delmål 2",
            "Delmål 3",
            "Deltakere",
            "Brukt (kr)",
            "Avlyst",
            "IA-råd med aktivitet",
        ],
        rows=[
            [
                r.key,
                r.activities,
                r.goals[1],
                r.goals[2],
                r.goals[3],
                r.participants,
                Kroner(r.spent_ore),
                r.cancelled,
                r.councils,
            ]
            for r in rows
        ],
        title=title,
    )


def goal_coverage_table(rows: list[OverviewRow]) -> Table:
    """Per council: activities per sub-goal, and which sub-goals it has nothing on."""
    return Table(
        columns=[
            "IA-råd",
            "Aktiviteter",
            "Delmål 1",
            "Delmål 2",
            "Delmål 3",
            "Alle delmål dekket",
            "Mangler delmål",
        ],
        rows=[
            [
                r.council.name,
                r.activities,
                r.goals[1],
                r.goals[2],
                r.goals[3],
                r.all_goals,
                _goals_text(r.missing_goals) or None,
            ]
            for r in rows
        ],
        title="Delmål per råd",
    )


def activities_table(rows) -> Table:
    """The activity list: every activity with its council, period and source upload."""
    return Table(
        columns=[
            "IA-råd",
            "Dato",
            "Aktivitet",
            "Type",
            "Delmål",
            "Bransje/sektor",
            "Deltakere",
            "Kostnad (kr)",
            "Status",
            "Ansvarlig",
            "Kommentar",
            "År",
            "Periode",
            "Opplasting nr.",
            "Fil",
            "Rad i filen",
        ],
        rows=[
            [
                a.council,
                a.date,
                a.title,
                a.type,
                _goals_text(a.goals),
                a.sector or None,
                a.participants,
                Kroner(a.cost_ore),
                a.status,
                a.organiser or None,
                a.comment or None,
                a.year,
                a.period,
                a.upload_id,
                a.file_name,
                a.source_row,
            ]
            for a in rows
        ],
        title="Aktiviteter",
    )


def meetings_table(rows, council_names: dict[int, str]) -> Table:
    """Council meetings on record."""
    return Table(
        columns=["IA-råd", "Dato", "Møtetype", "Til stede", "Kommentar", "År", "Periode"],
        rows=[
            [
                council_names.get(m.council_id, ""),
                m.date,
                m.kind or None,
                m.present or None,
                m.comment or None,
                m.year,
                m.period,
            ]
            for m in rows
        ],
        title="Møter",
    )


def _action_plan(value: bool | None, when: date | None):
    return when if value and when else value


def council_reports_table(periods) -> Table:
    """One council's report for each period: status, who led, action plan, counts."""
    return Table(
        columns=[
            "Periode",
            "Status",
            "Frist",
            "Innsendt",
            "Leder",
            "Leders organisasjon",
            "Kontaktperson",
            "Handlingsplan",
            "Aktiviteter",
            "Møter",
            "Brukt (kr)",
            "Opplasting nr.",
        ],
        rows=[
            [
                p.period.label,
                p.status.text,
                p.period.due,
                p.submitted,
                p.chair or None,
                p.chair_organisation or None,
                p.contact or None,
                _action_plan(p.action_plan, p.action_plan_date),
                p.activities if p.stored else None,
                p.meetings if p.stored else None,
                Kroner(p.spent_ore) if p.stored else None,
                p.upload_id,
            ]
            for p in periods
        ],
        title="Rapporter",
    )


NO_REPORT = "(ingen rapport)"
NO_ANSWER = "(ikke besvart)"


def council_answers_table(periods, questions) -> Table:
    """The five questions (rows) against the periods (columns), side by side."""
    rows = []
    for k, question in enumerate(questions, start=1):
        line = [f"{k}. {question}"]
        for p in periods:
            if not p.stored:
                line.append(NO_REPORT)
            else:
                line.append(p.answers[k - 1] or NO_ANSWER)
        rows.append(line)
    return Table(
        columns=["Spørsmål", *(p.period.label for p in periods)],
        rows=rows,
        title="Svar",
    )


def council_years_table(years) -> Table:
    """One council year by year: money, activities per sub-goal and meetings."""
    return Table(
        columns=[
            "År",
            "Tildelt (kr)",
            "Tildeling",
            "Brukt (kr)",
            "Gjenstår (kr)",
            "Forbruk (%)",
            "Aktiviteter",
            "Delmål 1",
            "Delmål 2",
            "Delmål 3",
            "Møter",
        ],
        rows=[
            [
                y.money.year,
                Kroner(y.money.allocated_ore) if y.money.allocated_ore is not None else None,
                y.money.allocation_source or None,
                Kroner(y.money.spent_ore),
                Kroner(y.money.remaining_ore) if y.money.remaining_ore is not None else None,
                Percent(y.money.share_used) if y.money.share_used is not None else None,
                y.money.activities,
                y.goals[1],
                y.goals[2],
                y.goals[3],
                y.meetings,
            ]
            for y in years
        ],
        title="År for år",
    )


def deadlines_export(
    session,
    rules,
    as_of: date,
    file_format: str,
    years: list[int] | None = None,
    council_ids: list[int] | None = None,
    now: datetime | None = None,
) -> bytes:
    """The deadlines of every council and period (default: all years with data) as CSV,
    or as XLSX with the matrix and the missing list as extra sheets."""
    from ia_data.reporting.overview import upload_sources
    from ia_data.reporting.reports import deadlines, missing_reports

    rows = deadlines(session, rules, as_of, years, council_ids)
    table = deadlines_table(rows)
    if file_format == "csv":
        return to_csv(table)
    shown_years = sorted({r.period.year for r in rows})
    span = f"{shown_years[0]}–{shown_years[-1]}" if shown_years else "ingen"
    names = sorted({r.council.name for r in rows})
    about = about_rows(
        f"Rapportfrister for IA-rådene {span}",
        as_of=as_of,
        filters=[("År", span), ("IA-råd", ", ".join(names) if council_ids else "alle")],
        row_count=("Antall rapporter (råd × periode)", len(rows)),
        sources=upload_sources(session, [r.upload_id for r in rows if r.upload_id]),
        now=now,
    )
    extra = [deadline_matrix_table(rows), missing_table(missing_reports(rows))]
    return to_xlsx([table, *extra], about)


def activities_export(
    session,
    year: int | None,
    file_format: str,
    council_ids: list[int] | None = None,
    goal: int | None = None,
    types: list[str] | None = None,
    statuses: list[str] | None = None,
    search: str = "",
    now: datetime | None = None,
) -> bytes:
    """The activity list (a year, or every year) as CSV or XLSX."""
    from ia_data.reporting.overview import upload_sources
    from ia_data.reporting.reports import activity_list

    rows, _ = activity_list(session, year, council_ids, goal, types, statuses, search)
    table = activities_table(rows)
    if file_format == "csv":
        return to_csv(table)
    names = sorted({a.council for a in rows})
    filters = [
        ("År", year if year is not None else "alle"),
        ("IA-råd", ", ".join(names) if council_ids else "alle"),
        ("Delmål", f"delmål {goal}" if goal else "alle delmål"),
        ("Type", ", ".join(types) if types else "alle"),
        ("Status", ", ".join(statuses) if statuses else "alle"),
        ("Søk", search or "–"),
    ]
    about = about_rows(
        f"Aktiviteter i IA-rådene {year if year is not None else '(alle år)'}",
        as_of=None,
        filters=filters,
        row_count=("Antall aktiviteter", len(rows)),
        sources=upload_sources(session, [a.upload_id for a in rows]),
        now=now,
    )
    return to_xlsx([table], about)
