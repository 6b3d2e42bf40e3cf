"""Validation of a council report workbook or an allocation workbook (docs/arbeidsboka.md).

``parse_workbook`` reads the sheets, matches sheet names, labels and column headers
generously, and checks every value strictly. It returns everything it found at once: the
normalised report (or allocations) and every problem, each one Norwegian line that names
the sheet, the Excel row and the column as written in the file. Nothing here touches the
database; ``store`` decides what to do with a clean result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from operator import itemgetter

from ia_data.domain import formatting, limits
from ia_data.domain import values as V
from ia_data.domain.kinds import ActivityStatus, UploadKind
from ia_data.domain.limits import COMMENT_TEXT, MAX_NUMBER, SHORT_TEXT
from ia_data.domain.register import CouncilInfo, CouncilMatcher
from ia_data.domain.rules import Rules
from ia_data.domain.text import clean, fold, fold_label
from ia_data.ingest import workbook
from ia_data.ingest.parsed import (
    ParsedActivity,
    ParsedAllocation,
    ParsedMeeting,
    ParsedWorkbook,
)
from ia_data.ingest.plan_sheet import PLAN_SHEET, parse_measure_number, parse_plan
from ia_data.ingest.report_sheet import read_report_fields
from ia_data.ingest.themes import read_themes
from ia_data.ingest.workbook import Sheet, WorkbookError, column_letters
from ia_data.ingest.worker import LoadedWorkbook, read_workbook

REPORT_SHEET = ("Rapport", "Report", "Rapportering", "Forside")
ACTIVITY_SHEET = ("Aktiviteter", "Aktivitet", "Activities", "Tiltak")
MEETING_SHEET = ("Møter", "Moter", "Rådsmøter", "Meetings")
ALLOCATION_SHEET = ("Tildelinger", "Tildeling", "Allocations")


ACTIVITY_COLUMNS = {
    "date": ("Dato", "Startdato", "Fra dato", "Tidspunkt", "Date"),
    "title": ("Aktivitet", "Tittel", "Navn", "Beskrivelse", "Activity", "Title"),
    "type": ("Type", "Aktivitetstype", "Kategori"),
    "goals": ("Delmål", "Delmal", "IA-delmål", "Sub-goal"),
    "sector": ("Bransje", "Sektor", "Næring", "Bransje/sektor", "Sector"),
    "participants": ("Deltakere", "Antall deltakere", "Ant. deltakere", "Participants"),
    "cost": ("Kostnad", "Kostnad IA-rådsmidler", "Brukt", "Beløp", "Utgift", "Cost"),
    "status": ("Status",),
    "organiser": ("Ansvarlig", "Arrangør", "Ansvarlig part", "Organiser"),
    "comment": ("Kommentar", "Merknad", "Comment"),
    "measure": ("Tiltak nr.", "Tiltak", "Plan nr.", "Tiltaksnummer"),  # the plan's measure
    "theme": ("Tema", "Prioritert tema", "Satsingsområde", "Theme"),  # the year's priorities
}
ACTIVITY_REQUIRED = ("date", "title", "type", "goals")
MEETING_COLUMNS = {
    "date": ("Dato", "Møtedato", "Date"),
    "kind": ("Type", "Møtetype"),
    "present": ("Deltakende parter", "Til stede", "Parter", "Present"),
    "comment": ("Kommentar", "Referat", "Comment"),
}
MEETING_REQUIRED = ("date",)
ALLOCATION_COLUMNS = {
    "council": ("IA-råd", "IA-rådet", "Råd", "Fylke", "Council"),
    "year": ("År", "Year"),
    "amount": ("Beløp", "Tildelt", "Kostnad", "Kostnad IA-rådsmidler", "Brukt", "Utgift", "Cost"),
    "decision_date": ("Vedtaksdato",),
    "note": ("Merknad", "Kommentar"),
}
ALLOCATION_REQUIRED = ("council", "year", "amount")
HEADER_SEARCH_ROWS = 20


def _aliases(names: tuple[str, ...]) -> str:
    return ", ".join(names)


SHEETS = {
    "Rapport": REPORT_SHEET,
    "Aktiviteter": ACTIVITY_SHEET,
    "Møter": MEETING_SHEET,
    "Tildelinger": ALLOCATION_SHEET,
    "Handlingsplan": PLAN_SHEET,
}
# Every sheet the importer may read: the worker reads these and no other.
_WANTED = frozenset(fold(alias) for aliases in SHEETS.values() for alias in aliases)


def parse_workbook(
    data: bytes,
    file_name: str,
    councils: list[CouncilInfo],
    rules: Rules,
    today: date | None = None,
) -> ParsedWorkbook:
    """Read and validate a report or allocation workbook; every problem is in the result.
    (``today``: a submitted date after it is an error; by default today in Norway.)"""
    try:
        book = read_workbook(data, file_name, _WANTED)
    except WorkbookError as exc:
        result = ParsedWorkbook()
        result.error(str(exc))
        return result
    try:
        result = ParsedWorkbook()
        sheets = {title: _one_sheet(book, title, result) for title in SHEETS}
        if sheets["Rapport"] is None and sheets["Tildelinger"] is not None:
            if sheets["Tildelinger"] is not _AMBIGUOUS:
                result.kind = UploadKind.ALLOCATION
                _parse_allocations(book.read_sheet(sheets["Tildelinger"]), result, councils)
            return result
        if sheets["Rapport"] is None and sheets["Handlingsplan"] is not None:
            if sheets["Handlingsplan"] is not _AMBIGUOUS:
                result.kind = UploadKind.PLAN
                sheet = book.read_sheet(sheets["Handlingsplan"])
                parse_plan(sheet, result, councils, rules, _table_rows)
            return result
        _parse_report(book, sheets, result, councils, rules, today or formatting.today())
        return result
    except WorkbookError as exc:
        result = ParsedWorkbook()
        result.error(str(exc))
        return result


_AMBIGUOUS = object()  # more than one sheet could be the one asked for (an error said so)


def _one_sheet(book: LoadedWorkbook, title: str, result: ParsedWorkbook) -> str | None:
    """The sheet that is ``title`` (by its accepted names): the one visible sheet of that
    name, else the one hidden sheet. Two that could both be it are an error that names
    them (which one the secretariat meant, the importer cannot know)."""
    found = book.find_sheets(SHEETS[title])
    visible = [name for name in found if name not in book.hidden]
    candidates = visible or found
    if len(candidates) > 1:
        names = " og ".join(f"«{name}»" for name in candidates)
        result.error(
            f"Arbeidsboka har {len(candidates)} ark som begge kan være «{title}»: {names}; "
            "gi bare ett av dem dette navnet (eller skjul det som ikke skal leses)"
            if len(candidates) == 2
            else f"Arbeidsboka har {len(candidates)} ark som alle kan være «{title}»: "
            f"{names}; gi bare ett av dem dette navnet (eller skjul de som ikke skal leses)"
        )
        return _AMBIGUOUS
    return candidates[0] if candidates else None


# --- the report ------------------------------------------------------------------------


def _parse_report(
    book: LoadedWorkbook,
    sheets: dict[str, str | object | None],
    result: ParsedWorkbook,
    councils: list[CouncilInfo],
    rules: Rules,
    today: date,
) -> None:
    if sheets["Rapport"] is None:
        result.error(
            f"Arbeidsboka mangler arket «Rapport» (godtatt også: {_aliases(REPORT_SHEET[1:])}); "
            f"arkene i filen er: {', '.join(book.sheet_names) or 'ingen'}"
        )
    if sheets["Aktiviteter"] is None:
        result.error(
            "Arbeidsboka mangler arket «Aktiviteter» "
            f"(godtatt også: {_aliases(ACTIVITY_SHEET[1:])})"
        )
    read = {
        title: book.read_sheet(name)
        for title, name in sheets.items()
        if name is not None
        and name is not _AMBIGUOUS
        and title not in ("Tildelinger", "Handlingsplan")
    }
    if "Rapport" in read:
        read_report_fields(read["Rapport"], result, councils, rules, today)
    if "Aktiviteter" in read:
        sheet = read["Aktiviteter"]
        quick = _QuickActivity(sheet.name, result.period)
        for number, row, known in _table_lines(
            sheet, ACTIVITY_COLUMNS, ACTIVITY_REQUIRED, result, rows_without_all=True
        ):
            activity = quick.read(number, row, known)
            if activity is None:  # a value out of the common: read and reported in full
                activity = _parse_activity(sheet.name, number, _cells(row, known), result)
            if activity is not None:
                result.activities.append(activity)
        if result.period is not None:
            read_themes(result, rules.themes(result.period.year), result.period.year)
    if "Møter" in read:
        sheet = read["Møter"]
        for row, cells in _table_rows(sheet, MEETING_COLUMNS, MEETING_REQUIRED, result):
            meeting = _parse_meeting(sheet.name, row, cells, result)
            if meeting is not None:
                result.meetings.append(meeting)
    # Problems carry the sheet name as read (trimmed), so order by the trimmed names.
    order = {sheet.name: i for i, sheet in enumerate(read.values())}
    result.problems.sort(key=lambda p: (order.get(p.sheet, -1), p.row or 0))


# --- tables ----------------------------------------------------------------------------


@dataclass
class _Header:
    """A table's header row (0-based), its known columns → (index, header as written), the
    unknown headers, and the columns that name a field another column already names."""

    row: int
    known: dict[str, tuple[int, str]]
    unknown: list[str]
    again: list[tuple[str, tuple[int, str]]]


def _find_header(sheet: Sheet, columns: dict[str, tuple[str, ...]], required) -> _Header | None:
    """The header: the first row in the first 20 that holds two known column names, or
    else the first that holds all the required ones; None when no row does."""
    lookup = {fold_label(alias): key for key, aliases in columns.items() for alias in aliases}
    fallback = None
    for r, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        header = _Header(r, {}, [], [])
        for c, cell in enumerate(row):
            text = clean(cell) if not V.is_empty(cell) else ""
            if not text:
                continue
            key = lookup.get(fold_label(text))
            if key is None:
                header.unknown.append(text)
            elif key in header.known:
                header.again.append((key, (c, text)))
            else:
                header.known[key] = (c, text)
        if len(header.known) >= 2:
            return header
        if fallback is None and header.known and all(k in header.known for k in required):
            fallback = header
    return fallback


def _table_rows(
    sheet: Sheet,
    columns: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
    result: ParsedWorkbook,
    rows_without_all: bool = False,
):
    """Yield (Excel row, {key: (value, header)}) for every data row of a table sheet.

    With a required column missing, the rows are still yielded when ``rows_without_all``
    (their other values are checked too: every problem at once), else not at all."""
    for number, row, known in _table_lines(sheet, columns, required, result, rows_without_all):
        yield number, _cells(row, known)


def _cells(row: list, known: dict[str, tuple[int, str]]) -> dict[str, tuple[object, str]]:
    """A row's values by key, each with its column's header as written."""
    return {key: (row[c] if c < len(row) else "", text) for key, (c, text) in known.items()}


def _table_lines(
    sheet: Sheet,
    columns: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
    result: ParsedWorkbook,
    rows_without_all: bool = False,
):
    """As ``_table_rows``, each row as (Excel row, the row's cells, the known columns →
    (index, header))."""
    header = _find_header(sheet, columns, required)
    if header is None:
        names = ", ".join(columns[k][0] for k in required)
        if any(any(not V.is_empty(v) for v in row) for row in sheet.rows):
            result.error(
                f"fant ingen overskriftsrad i de {HEADER_SEARCH_ROWS} første radene "
                f"(en rad med minst to kjente kolonnenavn, som {names})",
                sheet=sheet.name,
            )
        return
    known = header.known
    absent = [k for k in required if k not in known]
    for key in absent:
        result.error(
            f"kolonnen «{columns[key][0]}» mangler (godtatte navn: {_aliases(columns[key])})",
            sheet=sheet.name,
            row=header.row + 1,
        )
    for key, (c, text) in header.again:
        first, first_text = known[key]
        result.error(
            f"kolonnene «{first_text}» ({column_letters(first + 1)}) og «{text}» "
            f"({column_letters(c + 1)}) er begge kolonnen «{columns[key][0]}»; behold bare "
            "én av dem",
            sheet=sheet.name,
            row=header.row + 1,
            column=text,
        )
    if header.unknown:
        result.warn(
            "ukjente kolonner blir ikke lest: " + ", ".join(f"«{u}»" for u in header.unknown),
            sheet=sheet.name,
            row=header.row + 1,
        )
    if absent and not rows_without_all:
        return
    limit = limits.MAX_DATA_ROWS
    data_rows = 0
    for r in range(header.row + 1, len(sheet.rows)):
        row = sheet.rows[r]
        if row.count("") == len(row) or not any(not V.is_empty(v) for v in row):
            continue  # (the count, in C, settles the common wholly empty row at once)
        data_rows += 1
        if data_rows > limit:
            result.error(f"arket {workbook.too_many_rows(limit)}", sheet=sheet.name)
            return
        yield r + 1, row, known


class _Row:
    """The values of one table row, each read by its parser; a problem is reported at the
    cell (every problem of the row at once) and leaves ``ok`` False."""

    def __init__(self, sheet: str, row: int, cells: dict, result: ParsedWorkbook):
        self.sheet, self.row, self.cells, self.result = sheet, row, cells, result
        self.ok = True

    def get(self, key: str, parser, required: bool = False, default=None):
        cell = self.cells.get(key)
        if cell is None:  # a column the sheet lacks (a missing required one is reported)
            self.ok = self.ok and not required
            return default
        value, header = cell
        if value is None or (type(value) is str and not value.strip()):
            if required:
                self.ok = False
                self.result.error(
                    f"{header} mangler", sheet=self.sheet, row=self.row, column=header
                )
            return default
        try:
            return parser(value)
        except V.ValueProblem as exc:
            self.ok = False
            self.result.error(
                str(exc), sheet=self.sheet, row=self.row, column=header, found=V.shown(value)
            )
            return default


def _short(value: object) -> str:
    return V.parse_text(value, SHORT_TEXT)


def _comment(value: object) -> str:
    return V.parse_text(value, COMMENT_TEXT)


def _activity_type(value: object) -> tuple[str, bool]:
    if type(value) is str and len(value) > SHORT_TEXT:
        _short(value)  # a type of a megabyte is refused for its length, not kept as «Annet»
    return V.parse_activity_type(value)


class _Uncommon(Exception):
    """A value the quick reading leaves to the full one."""


_MISSING = object()


class _QuickActivity:
    """The common activity row read in one go: a date cell inside the period, texts within
    their limits, a known type, numbers as number cells, sub-goals and status as seen
    before in the sheet. What it returns is what ``_parse_activity`` makes of the same row;
    anything else (an empty required value, a value to refuse or warn about, a text with a
    non-breaking space) gives None, and the row is read in full, which reports it. A
    10 000-row sheet is read in a fraction of the time: no dictionary or parser call per
    cell."""

    _KEYS = ("date", "title", "type", "goals", "sector", "participants", "cost", "status",
             "organiser", "comment", "measure", "theme")  # fmt: skip

    def __init__(self, sheet: str, period) -> None:
        self.sheet, self.period = sheet, period
        self.goals: dict[tuple[type, object], frozenset[int]] = {}
        self.statuses: dict[str, str] = {}
        self.known: dict | None = None

    def _columns(self, known: dict) -> None:
        """Where each value stands; a column the sheet lacks is the sentinel put last."""
        self.known = known
        self.width = max((c for c, _ in known.values()), default=0) + 1
        self.pick = itemgetter(*(known[k][0] if k in known else -1 for k in self._KEYS))
        self.headers = (
            known["date"][1] if "date" in known else "",
            known["measure"][1] if "measure" in known else "",
            known["theme"][1] if "theme" in known else "",
        )

    def read(self, number: int, row: list, known: dict) -> ParsedActivity | None:
        if known is not self.known:
            self._columns(known)
        short = self.width - len(row)
        (day, title, kind, goals, sector, participants, cost, status, organiser, comment,
         measure, theme) = self.pick([*row, *[""] * short, _MISSING] if short > 0 else
                                     [*row, _MISSING])  # fmt: skip
        try:
            if type(day) is not date:
                if type(day) is not datetime:
                    return None
                day = day.date()
            period = self.period
            if period is not None and not period.start <= day <= period.end:
                return None
            title = _quick_text(title, SHORT_TEXT)
            if not title or type(kind) is not str or len(kind) > SHORT_TEXT or not kind.strip():
                return None
            kind, known_type = V.parse_activity_type(kind)
            if not known_type or goals is _MISSING or V.is_empty(goals):
                return None
            goals = self.goals.get((type(goals), goals)) or self.goals.setdefault(
                (type(goals), goals),
                V.parse_goals(goals),  # (True is 1 to a dict; no goal)
            )
            if status is _MISSING or V.is_empty(status):
                status = ActivityStatus.DONE
            elif type(status) is str:
                status = self.statuses.get(status) or self.statuses.setdefault(
                    status, V.parse_status(status)
                )
            else:
                return None
            if measure is _MISSING or V.is_empty(measure):
                measure = ""
            else:
                measure = parse_measure_number(measure)
            date_column, measure_column, theme_column = self.headers
            return ParsedActivity(
                row=number,
                sheet=self.sheet,
                date_column=date_column,
                measure_column=measure_column,
                theme_column=theme_column,
                date=day,
                title=title,
                type=kind,
                goals=goals,
                sector=_quick_text(sector, SHORT_TEXT),
                participants=_quick_count(participants),
                cost_ore=_quick_amount(cost),
                status=status,
                organiser=_quick_text(organiser, SHORT_TEXT),
                comment=_quick_text(comment, COMMENT_TEXT),
                measure=measure,
                theme_text=_quick_text(theme, SHORT_TEXT),
            )
        except (_Uncommon, V.ValueProblem):
            return None


def _quick_text(value, limit: int) -> str:
    """A text cell as ``parse_text`` gives it ("" for an empty or absent cell)."""
    if value is _MISSING or value is None:
        return ""
    if type(value) is not str:
        raise _Uncommon
    text = value.strip()
    if len(text) > limit or "\u00a0" in text or "\u202f" in text:
        raise _Uncommon
    return text


def _quick_count(value) -> int | None:
    """A number cell of participants as ``parse_whole_number`` gives it."""
    if type(value) is float and value.is_integer() and 0 <= value <= MAX_NUMBER:
        return int(value)
    if value is _MISSING or V.is_empty(value):
        return None
    if type(value) is not int and type(value) is not float:
        raise _Uncommon
    return V.parse_whole_number(value)


def _quick_amount(value) -> int:
    """A number cell of cost as ``parse_amount_ore`` gives it (0 for an empty cell)."""
    if type(value) is float and value.is_integer() and 0 <= value <= MAX_NUMBER:
        return int(value) * 100
    if value is _MISSING or V.is_empty(value):
        return 0
    if type(value) is not int and type(value) is not float:
        raise _Uncommon
    return V.parse_amount_ore(value)


def _parse_activity(
    sheet: str, row: int, cells: dict, result: ParsedWorkbook
) -> ParsedActivity | None:
    values = _Row(sheet, row, cells, result)
    parsed: dict = {}
    parsed["date"] = values.get("date", V.parse_date, required=True)
    if parsed["date"] is not None and not _in_period(parsed["date"], sheet, row, cells, result):
        values.ok = False
    parsed["title"] = values.get("title", _short, required=True)
    type_value = values.get("type", _activity_type, required=True)
    if type_value is not None:
        parsed["type"], known = type_value
        if not known:
            header = cells["type"][1]
            result.warn(
                f"«{V.shown(cells['type'][0])}» er ikke en kjent aktivitetstype og lagres som "
                f"«Annet» (kjente typer: {', '.join(V.ACTIVITY_TYPES)})",
                sheet=sheet,
                row=row,
                column=header,
                found=V.shown(cells["type"][0]),
            )
    parsed["goals"] = values.get("goals", V.parse_goals, required=True)
    parsed["sector"] = values.get("sector", _short, default="")
    parsed["participants"] = values.get("participants", V.parse_whole_number)
    parsed["cost_ore"] = values.get("cost", V.parse_amount_ore, default=0)
    parsed["status"] = values.get("status", V.parse_status, default=ActivityStatus.DONE)
    parsed["organiser"] = values.get("organiser", _short, default="")
    parsed["comment"] = values.get("comment", _comment, default="")
    parsed["measure"] = values.get("measure", parse_measure_number, default="")
    parsed["theme_text"] = values.get("theme", _short, default="")
    if not values.ok:
        return None
    return ParsedActivity(
        row=row,
        sheet=sheet,
        date_column=cells["date"][1],
        measure_column=cells["measure"][1] if "measure" in cells else "",
        theme_column=cells["theme"][1] if "theme" in cells else "",
        **parsed,
    )


def _parse_meeting(sheet: str, row: int, cells: dict, result: ParsedWorkbook):
    values = _Row(sheet, row, cells, result)
    day = values.get("date", V.parse_date, required=True)
    if day is not None and not _in_period(day, sheet, row, cells, result):
        values.ok = False
    kind = values.get("kind", _short, default="")
    present = values.get("present", _short, default="")
    comment = values.get("comment", _comment, default="")
    if not values.ok:
        return None
    return ParsedMeeting(
        row=row,
        sheet=sheet,
        date_column=cells["date"][1],
        date=day,
        kind=kind,
        present=present,
        comment=comment,
    )


def _in_period(day: date, sheet: str, row: int, cells: dict, result: ParsedWorkbook) -> bool:
    """Check that a dated row lies inside the report's period (when the period is known)."""
    period = result.period
    if period is None or period.start <= day <= period.end:
        return True
    result.error(
        f"{day:%d.%m.%Y} ligger utenfor rapportperioden {period.label} "
        f"({period.start:%d.%m.%Y}–{period.end:%d.%m.%Y})",
        sheet=sheet,
        row=row,
        column=cells["date"][1],
        found=V.shown(cells["date"][0]),
    )
    return False


# --- allocations -----------------------------------------------------------------------


def _parse_allocations(sheet: Sheet, result: ParsedWorkbook, councils: list[CouncilInfo]) -> None:
    matcher = CouncilMatcher(councils)
    seen: dict[tuple[int, int], int] = {}
    for row, cells in _table_rows(sheet, ALLOCATION_COLUMNS, ALLOCATION_REQUIRED, result):
        values = _Row(sheet.name, row, cells, result)
        year = values.get("year", _parse_year, required=True)

        def council_of(value: object, year=year) -> CouncilInfo:
            hits = matcher.match(V.shown(value), year)
            if len(hits) != 1:
                when = f" for {year}" if year else ""
                raise V.ValueProblem(f"«{V.shown(value)}» er ikke et IA-råd i registeret{when}")
            return hits[0]

        council = values.get("council", council_of, required=True)
        amount = values.get("amount", V.parse_amount_ore, required=True)
        decision = values.get("decision_date", V.parse_date)
        note = values.get("note", _comment, default="")
        if not values.ok:
            continue
        key = (council.id, year)
        if key in seen:
            result.error(
                f"{council.name} {year} står også på rad {seen[key]}",
                sheet=sheet.name,
                row=row,
                column=cells["council"][1],
            )
            continue
        seen[key] = row
        result.allocations.append(
            ParsedAllocation(
                row=row,
                council=council,
                year=year,
                amount_ore=amount,
                decision_date=decision,
                note=note,
            )
        )
    if not result.allocations and result.ok:
        result.error("arket har ingen tildelinger", sheet=sheet.name)


def _parse_year(value: object) -> int:
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    text = clean(value) if number is None else ""
    if number is not None and float(number).is_integer() and 1900 <= number <= 2100:
        return int(number)
    if re.fullmatch(r"\d{4}", text) and 1900 <= int(text) <= 2100:
        return int(text)
    raise V.ValueProblem(f"«{V.shown(value)}» er ikke et årstall")
