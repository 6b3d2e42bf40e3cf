"""Validation of a council report workbook or an allocation workbook (WORKBOOK.md).

``parse_workbook`` reads the sheets, matches sheet names, labels and column headers
generously, and checks every value strictly. It returns everything it found at once: the
normalised report (or allocations) and every problem, each one Norwegian line that names
the sheet, the Excel row and the column as written in the file. Nothing here touches the
database; ``store`` decides what to do with a clean result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from . import values as V
from .register import CouncilInfo, CouncilMatcher
from .rules import ReportPeriod, Rules
from .text import clean, fold_label
from .workbook import Sheet, Workbook, WorkbookError

ERROR = "feil"
WARNING = "advarsel"

REPORT_SHEET = ("Rapport", "Report", "Rapportering", "Forside")
ACTIVITY_SHEET = ("Aktiviteter", "Aktivitet", "Activities", "Tiltak")
MEETING_SHEET = ("Møter", "Moter", "Rådsmøter", "Meetings")
ALLOCATION_SHEET = ("Tildelinger", "Tildeling", "Allocations")

REPORT_LABELS = {
    "council": ("IA-råd", "IA-rådet", "Råd", "Fylke", "Council"),
    "period": ("Rapportperiode", "Periode", "Period"),
    "submitted": ("Innsendt", "Innsendt dato", "Dato innsendt", "Submitted"),
    "contact": ("Kontaktperson", "Kontakt", "Contact"),
    "chair": ("Leder", "Rådets leder", "Chair"),
    "chair_organisation": ("Leders organisasjon", "Organisasjon (leder)"),
    "action_plan": ("Handlingsplan", "Handlingsplan vedtatt", "Action plan"),
}
REPORT_LABEL_ROWS = 60
QUESTIONS = (
    "Hva har myndighetene og partene gjort sammen for å sette IA på dagsorden i fylket?",
    "Har IA-rådet gjort risikovurderinger som har avdekket spesielle utfordringer for "
    "IA-arbeidet i fylket?",
    "Er det næringer, bransjer eller sektorer der IA-rådet har iverksatt særlige aktiviteter?",
    "Hva slags tiltak er igangsatt for å spisse og målrette IA-arbeidet mot virksomheter av "
    "spesiell betydning for måloppnåelse i fylket?",
    "Vurdering av hvilken effekt tiltakene har fått eller vil få.",
)
_QUESTION_LABEL = re.compile(r"(?:spørsmål|sporsmal|q)?\s*([1-5])\s*(?:[.):]|\s|$)", re.I)

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


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in a workbook, located as Excel shows it."""

    severity: str  # ERROR or WARNING
    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    found: str = ""

    @property
    def text(self) -> str:
        where = [self.sheet] if self.sheet else []
        if self.row is not None:
            where.append(f"rad {self.row}")
        if self.column:
            where.append(f"kolonne «{self.column}»" if self.row is not None else self.column)
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class ParsedActivity:
    row: int
    date: date
    title: str
    type: str
    goals: frozenset[int]
    sector: str = ""
    participants: int | None = None
    cost_ore: int = 0
    status: str = V.DEFAULT_STATUS
    organiser: str = ""
    comment: str = ""
    sheet: str = ""
    date_column: str = ""

    @property
    def counted(self) -> bool:
        """Counted among ``Aktiviteter``: everything that is not cancelled."""
        return self.status != V.CANCELLED


@dataclass
class ParsedMeeting:
    row: int
    date: date
    kind: str = ""
    present: str = ""
    comment: str = ""
    sheet: str = ""
    date_column: str = ""


@dataclass
class ParsedAllocation:
    row: int
    council: CouncilInfo
    year: int
    amount_ore: int
    decision_date: date | None = None
    note: str = ""


@dataclass
class ParsedWorkbook:
    """Everything read from one file, valid or not."""

    kind: str = "rapport"  # "rapport" or "tildeling"
    problems: list[Problem] = field(default_factory=list)
    council: CouncilInfo | None = None
    period: ReportPeriod | None = None
    submitted: date | None = None
    contact: str = ""
    chair: str = ""
    chair_organisation: str = ""
    action_plan: bool | None = None
    action_plan_date: date | None = None
    answers: list[str] = field(default_factory=lambda: [""] * 5)
    activities: list[ParsedActivity] = field(default_factory=list)
    meetings: list[ParsedMeeting] = field(default_factory=list)
    allocations: list[ParsedAllocation] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, message: str, **where) -> None:
        self.problems.append(Problem(ERROR, message, **where))

    def warn(self, message: str, **where) -> None:
        self.problems.append(Problem(WARNING, message, **where))

    @property
    def total_cost_ore(self) -> int:
        return sum(a.cost_ore for a in self.activities)

    def goal_counts(self) -> dict[int, int]:
        return {k: sum(1 for a in self.activities if a.counted and k in a.goals) for k in (1, 2, 3)}


def _aliases(names: tuple[str, ...]) -> str:
    return ", ".join(names)


def parse_workbook(
    data: bytes, file_name: str, councils: list[CouncilInfo], rules: Rules
) -> ParsedWorkbook:
    """Read and validate a report or allocation workbook; every problem is in the result."""
    try:
        book = Workbook(data, file_name)
        report_sheet = book.find_sheet(REPORT_SHEET)
        allocation_sheet = book.find_sheet(ALLOCATION_SHEET)
        if report_sheet is None and allocation_sheet is not None:
            return _parse_allocations(book, allocation_sheet, councils, rules)
        return _parse_report(book, report_sheet, councils, rules)
    except WorkbookError as exc:
        result = ParsedWorkbook()
        result.error(str(exc))
        return result


# --- the report ------------------------------------------------------------------------


def _label_key(text: str) -> str | None:
    key = fold_label(text)
    for name, labels in REPORT_LABELS.items():
        if key in {fold_label(label) for label in labels}:
            return name
    return None


def _question_number(text: str) -> int | None:
    m = _QUESTION_LABEL.match(clean(text))
    return int(m[1]) if m else None


def _scan_labels(sheet: Sheet) -> dict[str, tuple[int, str, object]]:
    """Find label → (Excel row, label as written, value) in the first 60 rows."""
    found: dict[str, tuple[int, str, object]] = {}
    for r, row in enumerate(sheet.rows[:REPORT_LABEL_ROWS]):
        c = 0
        while c < len(row):
            cell = row[c]
            if type(cell) in (int, float) and cell in (1, 2, 3, 4, 5):
                cell = str(int(cell))  # a question's number typed into Excel is a number
            if not isinstance(cell, str) or not clean(cell):
                c += 1
                continue
            key = _label_key(cell)
            if key is None:
                number = _question_number(cell)
                key = f"answer_{number}" if number else None
            value, value_col = "", len(row)
            for j in range(c + 1, len(row)):
                if not V.is_empty(row[j]):
                    value, value_col = row[j], j
                    break
            if key is None:
                c += 1
                continue
            # The first label with a value wins; an empty one only if no other has a value.
            if key not in found or (V.is_empty(found[key][2]) and not V.is_empty(value)):
                found[key] = (r + 1, clean(cell).rstrip(":*").strip(), value)
            c = value_col + 1
    return found


def _parse_report(
    book: Workbook, report_sheet: str | None, councils: list[CouncilInfo], rules: Rules
) -> ParsedWorkbook:
    result = ParsedWorkbook()
    activity_sheet = book.find_sheet(ACTIVITY_SHEET)
    meeting_sheet = book.find_sheet(MEETING_SHEET)
    if report_sheet is None:
        result.error(
            f"Arbeidsboka mangler arket «Rapport» (godtatt også: {_aliases(REPORT_SHEET[1:])}); "
            f"arkene i filen er: {', '.join(book.sheet_names) or 'ingen'}"
        )
    if activity_sheet is None:
        result.error(
            "Arbeidsboka mangler arket «Aktiviteter» "
            f"(godtatt også: {_aliases(ACTIVITY_SHEET[1:])})"
        )
    if report_sheet is not None:
        _read_report_fields(book.read_sheet(report_sheet), result, councils, rules)
    if activity_sheet is not None:
        sheet = book.read_sheet(activity_sheet)
        for row, cells in _table_rows(
            sheet, ACTIVITY_COLUMNS, ACTIVITY_REQUIRED, result, rows_without_all=True
        ):
            activity = _parse_activity(sheet.name, row, cells, result)
            if activity is not None:
                result.activities.append(activity)
    if meeting_sheet is not None:
        sheet = book.read_sheet(meeting_sheet)
        for row, cells in _table_rows(sheet, MEETING_COLUMNS, MEETING_REQUIRED, result):
            meeting = _parse_meeting(sheet.name, row, cells, result)
            if meeting is not None:
                result.meetings.append(meeting)
    # Problems carry the sheet name as read (trimmed), so order by the trimmed names.
    sheets = [report_sheet, activity_sheet, meeting_sheet]
    order = {name.strip(): i for i, name in enumerate(sheets) if name is not None}
    result.problems.sort(key=lambda p: (order.get(p.sheet, -1), p.row or 0))
    return result


def _read_report_fields(
    sheet: Sheet, result: ParsedWorkbook, councils: list[CouncilInfo], rules: Rules
) -> None:
    found = _scan_labels(sheet)
    name = sheet.name

    def missing(key: str, title: str) -> None:
        labels = _aliases(REPORT_LABELS[key])
        if key in found:
            row, label, _ = found[key]
            result.error(f"«{title}» er tomt", sheet=name, row=row, column=label)
        else:
            result.error(
                f"fant ikke feltet «{title}» (godtatte navn: {labels}) "
                f"i de {REPORT_LABEL_ROWS} første radene",
                sheet=name,
            )

    # The period first: which council a name or county number means depends on the year.
    year = None
    if "period" in found and not V.is_empty(found["period"][2]):
        row, label, value = found["period"]
        try:
            year, code = V.parse_period(value)
        except V.ValueProblem as exc:
            result.error(str(exc), sheet=name, row=row, column=label, found=V.shown(value))
        else:
            result.period = rules.period(year, code)
            if result.period is None:
                have = rules.periods(year)
                if have:
                    names = ", ".join(p.label if p.code != "År" else str(year) for p in have)
                    result.error(
                        f"«{V.shown(value)}» er ikke en rapportperiode i {year}; "
                        f"{year} har {'periodene' if len(have) > 1 else 'perioden'} {names}",
                        sheet=name,
                        row=row,
                        column=label,
                        found=V.shown(value),
                    )
                else:
                    first, last = rules.years[0], rules.years[-1]
                    result.error(
                        f"«{V.shown(value)}»: rapporteringsreglene gjelder årene "
                        f"{first}–{last}, ikke {year}",
                        sheet=name,
                        row=row,
                        column=label,
                        found=V.shown(value),
                    )
    else:
        missing("period", "Rapportperiode")

    if "council" in found and not V.is_empty(found["council"][2]):
        row, label, value = found["council"]
        hits = CouncilMatcher(councils).match(V.shown(value), year)
        if len(hits) == 1:
            result.council = hits[0]
        elif not hits:
            when = f" for {year}" if year else ""
            result.error(
                f"«{V.shown(value)}» er ikke et IA-råd i registeret{when} "
                "(skriv rådets navn, fylkets navn eller fylkesnummeret)",
                sheet=name,
                row=row,
                column=label,
                found=V.shown(value),
            )
        else:
            result.error(
                f"«{V.shown(value)}» kan bety flere IA-råd ({', '.join(h.name for h in hits)})",
                sheet=name,
                row=row,
                column=label,
                found=V.shown(value),
            )
    else:
        missing("council", "IA-råd")

    if "submitted" in found and not V.is_empty(found["submitted"][2]):
        row, label, value = found["submitted"]
        try:
            result.submitted = V.parse_date(value)
        except V.ValueProblem as exc:
            result.error(str(exc), sheet=name, row=row, column=label, found=V.shown(value))
    for key in ("contact", "chair", "chair_organisation"):
        if key in found:
            setattr(result, key, _text(found[key][2]))
    if "action_plan" in found and not V.is_empty(found["action_plan"][2]):
        row, label, value = found["action_plan"]
        try:
            result.action_plan, result.action_plan_date = V.parse_action_plan(value)
        except V.ValueProblem as exc:
            result.error(str(exc), sheet=name, row=row, column=label, found=V.shown(value))
    for k in range(1, 6):
        entry = found.get(f"answer_{k}")
        answer = _text(entry[2]) if entry else ""
        result.answers[k - 1] = answer
        if not answer:
            where = {"sheet": name, "row": entry[0]} if entry else {"sheet": name}
            result.warn(f"svar på spørsmål {k} mangler («{QUESTIONS[k - 1]}»)", **where)


# --- tables ----------------------------------------------------------------------------


def _find_header(
    sheet: Sheet, columns: dict[str, tuple[str, ...]]
) -> tuple[int, dict[str, tuple[int, str]], list[str]] | None:
    """The header row (0-based), its known columns → (index, header as written), and the
    unknown headers; None when no row in the first 20 holds two known column names."""
    lookup = {fold_label(alias): key for key, aliases in columns.items() for alias in aliases}
    for r, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        known: dict[str, tuple[int, str]] = {}
        unknown: list[str] = []
        for c, cell in enumerate(row):
            text = clean(cell) if not V.is_empty(cell) else ""
            if not text:
                continue
            key = lookup.get(fold_label(text))
            if key is not None and key not in known:
                known[key] = (c, text)
            else:
                unknown.append(text)
        if len(known) >= 2:
            return r, known, unknown
    return None


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
    header = _find_header(sheet, columns)
    if header is None:
        names = ", ".join(columns[k][0] for k in required)
        if any(any(not V.is_empty(v) for v in row) for row in sheet.rows):
            result.error(
                f"fant ingen overskriftsrad i de {HEADER_SEARCH_ROWS} første radene "
                f"(en rad med minst to kjente kolonnenavn, som {names})",
                sheet=sheet.name,
            )
        return
    header_row, known, unknown = header
    absent = [k for k in required if k not in known]
    for key in absent:
        result.error(
            f"kolonnen «{columns[key][0]}» mangler (godtatte navn: {_aliases(columns[key])})",
            sheet=sheet.name,
            row=header_row + 1,
        )
    if unknown:
        result.warn(
            "ukjente kolonner blir ikke lest: " + ", ".join(f"«{u}»" for u in unknown),
            sheet=sheet.name,
            row=header_row + 1,
        )
    if absent and not rows_without_all:
        return
    data_rows = 0
    for r in range(header_row + 1, len(sheet.rows)):
        row = sheet.rows[r]
        if row.count("") == len(row) or not any(not V.is_empty(v) for v in row):
            continue  # (the count, in C, settles the common wholly empty row at once)
        data_rows += 1
        if data_rows > 20_000:
            result.error(
                "arket har mer enn 20 000 rader med data (grensen er 20 000 rader per ark)",
                sheet=sheet.name,
            )
            return
        cells = {key: (row[c] if c < len(row) else "", text) for key, (c, text) in known.items()}
        yield r + 1, cells


def _parse_activity(
    sheet: str, row: int, cells: dict, result: ParsedWorkbook
) -> ParsedActivity | None:
    ok = True
    parsed: dict = {}

    def field_value(key, parser, required=False, default=None):
        nonlocal ok
        if key not in cells:  # a column the sheet lacks (a missing required one is reported)
            ok = ok and not required
            return default
        value, header = cells[key]
        if V.is_empty(value):
            if required:
                ok = False
                result.error(f"{header} mangler", sheet=sheet, row=row, column=header)
            return default
        try:
            return parser(value)
        except V.ValueProblem as exc:
            ok = False
            result.error(str(exc), sheet=sheet, row=row, column=header, found=V.shown(value))
            return default

    parsed["date"] = field_value("date", V.parse_date, required=True)
    if parsed["date"] is not None and not _in_period(parsed["date"], sheet, row, cells, result):
        ok = False
    parsed["title"] = field_value("title", _text, required=True)
    type_value = field_value("type", V.parse_activity_type, required=True)
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
    parsed["goals"] = field_value("goals", V.parse_goals, required=True)
    parsed["sector"] = field_value("sector", _text, default="")
    parsed["participants"] = field_value("participants", V.parse_whole_number)
    parsed["cost_ore"] = field_value("cost", V.parse_amount_ore, default=0)
    parsed["status"] = field_value("status", V.parse_status, default=V.DEFAULT_STATUS)
    parsed["organiser"] = field_value("organiser", _text, default="")
    parsed["comment"] = field_value("comment", _text, default="")
    if not ok:
        return None
    return ParsedActivity(row=row, sheet=sheet, date_column=cells["date"][1], **parsed)


def _parse_meeting(sheet: str, row: int, cells: dict, result: ParsedWorkbook):
    value, header = cells["date"]
    if V.is_empty(value):
        result.error(f"{header} mangler", sheet=sheet, row=row, column=header)
        return None
    try:
        day = V.parse_date(value)
    except V.ValueProblem as exc:
        result.error(str(exc), sheet=sheet, row=row, column=header, found=V.shown(value))
        return None
    if not _in_period(day, sheet, row, cells, result):
        return None
    return ParsedMeeting(
        row=row,
        sheet=sheet,
        date_column=header,
        date=day,
        kind=_text(cells.get("kind", ("", ""))[0]),
        present=_text(cells.get("present", ("", ""))[0]),
        comment=_text(cells.get("comment", ("", ""))[0]),
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


def _text(value: object) -> str:
    if V.is_empty(value):
        return ""
    return clean(value) if isinstance(value, str) else V.shown(value)


# --- allocations -----------------------------------------------------------------------


def _parse_allocations(
    book: Workbook, sheet_name: str, councils: list[CouncilInfo], rules: Rules
) -> ParsedWorkbook:
    result = ParsedWorkbook(kind="tildeling")
    sheet = book.read_sheet(sheet_name)
    matcher = CouncilMatcher(councils)
    seen: dict[tuple[int, int], int] = {}
    for row, cells in _table_rows(sheet, ALLOCATION_COLUMNS, ALLOCATION_REQUIRED, result):
        ok = True
        year = amount = council = decision = None
        value, header = cells["year"]
        try:
            year = _parse_year(value)
        except V.ValueProblem as exc:
            ok = False
            result.error(str(exc), sheet=sheet.name, row=row, column=header, found=V.shown(value))
        value, header = cells["council"]
        if V.is_empty(value):
            ok = False
            result.error(f"{header} mangler", sheet=sheet.name, row=row, column=header)
        else:
            hits = matcher.match(V.shown(value), year)
            if len(hits) == 1:
                council = hits[0]
            else:
                ok = False
                when = f" for {year}" if year else ""
                result.error(
                    f"«{V.shown(value)}» er ikke et IA-råd i registeret{when}",
                    sheet=sheet.name,
                    row=row,
                    column=header,
                    found=V.shown(value),
                )
        value, header = cells["amount"]
        try:
            if V.is_empty(value):
                raise V.ValueProblem(f"{header} mangler")
            amount = V.parse_amount_ore(value)
        except V.ValueProblem as exc:
            ok = False
            result.error(str(exc), sheet=sheet.name, row=row, column=header, found=V.shown(value))
        if "decision_date" in cells and not V.is_empty(cells["decision_date"][0]):
            value, header = cells["decision_date"]
            try:
                decision = V.parse_date(value)
            except V.ValueProblem as exc:
                ok = False
                result.error(
                    str(exc), sheet=sheet.name, row=row, column=header, found=V.shown(value)
                )
        if not ok:
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
                note=_text(cells.get("note", ("", ""))[0]),
            )
        )
    if not result.allocations and result.ok:
        result.error("arket har ingen tildelinger", sheet=sheet.name)
    return result


def _parse_year(value: object) -> int:
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    text = clean(value) if number is None else ""
    if number is not None and float(number).is_integer() and 1900 <= number <= 2100:
        return int(number)
    if re.fullmatch(r"\d{4}", text) and 1900 <= int(text) <= 2100:
        return int(text)
    raise V.ValueProblem(f"«{V.shown(value)}» er ikke et årstall")
