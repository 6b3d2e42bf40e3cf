"""The report sheet («Rapport»): its labels found wherever they stand, each field read and
checked — the council, the period, the submitted date, the contact, the chair, the action
plan and the answers to the five questions — a field given twice with different values
refused, naming both cells."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date

from ia_data.domain import values as V
from ia_data.domain.limits import ANSWER_TEXT, SHORT_TEXT
from ia_data.domain.questions import QUESTIONS
from ia_data.domain.register import CouncilInfo, CouncilMatcher
from ia_data.domain.rules import Rules
from ia_data.domain.text import clean, fold, fold_label
from ia_data.ingest.parsed import ParsedWorkbook
from ia_data.ingest.workbook import Sheet, cell_name

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
_QUESTION_LABEL = re.compile(r"(?:spørsmål|sporsmal|q)?\s*([1-5])\s*(?:[.):]|\s|$)", re.I)


@dataclass(frozen=True)
class _Field:
    """A label found on «Rapport»: its Excel row, the label as written, its value, and the
    (0-based) column of the value."""

    row: int
    label: str
    value: object
    col: int

    @property
    def cell(self) -> str:
        return cell_name(self.row, self.col + 1)


@functools.cache
def _label_keys() -> dict[str, str]:
    """Each known label, folded → its field (the first field that names it)."""
    keys: dict[str, str] = {}
    for name, labels in REPORT_LABELS.items():
        for label in labels:
            keys.setdefault(fold_label(label), name)
    return keys


def _label_key(text: str) -> str | None:
    return _label_keys().get(fold_label(text))


def _question_number(text: str) -> int | None:
    m = _QUESTION_LABEL.match(clean(text))
    return int(m[1]) if m else None


def _cell_key(cell: object) -> tuple[str, str] | None:
    """The field a cell names («council», «answer_2» …) and the label as written, or None."""
    if type(cell) in (int, float) and cell in (1, 2, 3, 4, 5):
        cell = str(int(cell))  # a question's number typed into Excel is a number
    if not isinstance(cell, str) or not clean(cell):
        return None
    key = _label_key(cell)
    if key is None:
        number = _question_number(cell)
        key = f"answer_{number}" if number else None
    return None if key is None else (key, clean(cell).rstrip(":*").strip())


def _label_columns(rows: list[list]) -> set[int]:
    """The columns where labels stand: where a known field label stands, and where a
    question's label is the first thing on its row."""
    columns = set()
    for row in rows:
        first = True
        for c, cell in enumerate(row):
            if V.is_empty(cell):
                continue
            named = _cell_key(cell)
            if named is not None and (first or not named[0].startswith("answer_")):
                columns.add(c)
            first = False
    return columns


def _scan_labels(sheet: Sheet) -> dict[str, list[_Field]]:
    """Every label in the first 60 rows → where it stands and its value (the first
    non-empty cell to its right). Only a cell in a label column (``_label_columns``) is a
    label, so a note written to the right of a value («2 dager etter fristen»,
    «1. utkast») is never read as a label or a question number."""
    rows = sheet.rows[:REPORT_LABEL_ROWS]
    label_columns = _label_columns(rows)
    found: dict[str, list[_Field]] = {}
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            named = _cell_key(row[c]) if c in label_columns else None
            if named is None:
                c += 1
                continue
            value, value_col = "", len(row)
            for j in range(c + 1, len(row)):
                if not V.is_empty(row[j]):
                    value, value_col = row[j], j
                    break
            found.setdefault(named[0], []).append(_Field(r + 1, named[1], value, value_col))
            c = value_col + 1
    return found


def _same_by(parser):
    """Whether two values of a field say the same: by what they mean where both can be
    read (``Troms`` and ``19``, ``2015`` and ``År 2015``), else as text."""

    def same(a: object, b: object) -> bool:
        try:
            return parser(a) == parser(b)
        except V.ValueProblem:
            return fold(V.shown(a)) == fold(V.shown(b))

    return same


def _text(value: object) -> str:
    if V.is_empty(value):
        return ""
    return clean(value) if isinstance(value, str) else V.shown(value)


def _same_text(a: object, b: object) -> bool:
    return _text(a) == _text(b)


class _Fields:
    """The labels found on «Rapport», each field resolved to one value: the first label
    with a value (an empty one only when no label of the field has a value). A field given
    twice with values that differ is an error that names both cells, and is not read."""

    def __init__(self, sheet: Sheet, result: ParsedWorkbook):
        self.found = _scan_labels(sheet)
        self.sheet = sheet.name
        self.result = result

    def get(self, key: str, same=_same_text) -> _Field | None:
        entries = self.found.get(key, [])
        filled = [e for e in entries if not V.is_empty(e.value)]
        if not filled:
            return entries[0] if entries else None
        first = filled[0]
        for other in filled[1:]:
            if not same(first.value, other.value):
                self.result.error(
                    f"«{first.label}» i {first.cell} («{V.shown(first.value)}») og "
                    f"«{other.label}» i {other.cell} («{V.shown(other.value)}») sier ulike ting; "
                    "fjern den ene, eller rett den slik at de sier det samme",
                    sheet=self.sheet,
                    row=other.row,
                    column=other.label,
                    found=V.shown(other.value),
                )
                return _CONFLICT
        return first

    def missing(self, field: _Field | None, key: str, title: str) -> None:
        if field is _CONFLICT:
            return
        if field is not None:
            self.result.error(
                f"«{title}» er tomt", sheet=self.sheet, row=field.row, column=field.label
            )
        else:
            self.result.error(
                f"fant ikke feltet «{title}» (godtatte navn: {', '.join(REPORT_LABELS[key])}) "
                f"i de {REPORT_LABEL_ROWS} første radene",
                sheet=self.sheet,
            )

    def fail(self, field: _Field, message: str) -> None:
        self.result.error(
            message, sheet=self.sheet, row=field.row, column=field.label, found=V.shown(field.value)
        )


_CONFLICT = _Field(0, "", "", 0)  # a field given twice with different values


def _given(field: _Field | None) -> bool:
    return field is not None and field is not _CONFLICT and not V.is_empty(field.value)


def read_report_fields(
    sheet: Sheet, result: ParsedWorkbook, councils: list[CouncilInfo], rules: Rules, today: date
) -> None:
    """Every field of the report sheet into ``result``, every problem with its cell. The
    period first: which council a name or county number means depends on the year."""
    fields = _Fields(sheet, result)
    year = _read_period(fields, result, rules)
    _read_council(fields, result, councils, year)
    _read_details(fields, result, today)
    _read_answers(fields, result, sheet)


def _read_period(fields: _Fields, result: ParsedWorkbook, rules: Rules) -> int | None:
    """The report period (a period of the rules for its year); its year, when it has one."""
    year = None
    period = fields.get("period", _same_by(V.parse_period))
    if _given(period):
        try:
            year, code = V.parse_period(period.value)
        except V.ValueProblem as exc:
            fields.fail(period, str(exc))
        else:
            result.period = rules.period(year, code)
            if result.period is None:
                shown = V.shown(period.value)
                have = rules.periods(year)
                if have:
                    names = ", ".join(p.label if p.code != "År" else str(year) for p in have)
                    fields.fail(
                        period,
                        f"«{shown}» er ikke en rapportperiode i {year}; "
                        f"{year} har {'periodene' if len(have) > 1 else 'perioden'} {names}",
                    )
                else:
                    first, last = rules.years[0], rules.years[-1]
                    fields.fail(
                        period,
                        f"«{shown}»: rapporteringsreglene gjelder årene {first}–{last}, "
                        f"ikke {year}",
                    )
    else:
        fields.missing(period, "period", "Rapportperiode")
    return year


def _read_council(fields: _Fields, result: ParsedWorkbook, councils, year: int | None) -> None:
    """The council, by its name, a county's name or number, as the register has it in
    ``year``."""
    matcher = CouncilMatcher(councils)

    def council_ids(value: object) -> frozenset[int]:
        hits = matcher.match(V.shown(value), year)
        if not hits:
            raise V.ValueProblem("ukjent")
        return frozenset(h.id for h in hits)

    council = fields.get("council", _same_by(council_ids))
    if _given(council):
        shown = V.shown(council.value)
        hits = matcher.match(shown, year)
        if len(hits) == 1:
            result.council = hits[0]
        elif not hits:
            when = f" for {year}" if year else ""
            fields.fail(
                council,
                f"«{shown}» er ikke et IA-råd i registeret{when} "
                "(skriv rådets navn, fylkets navn eller fylkesnummeret)",
            )
        else:
            fields.fail(
                council, f"«{shown}» kan bety flere IA-råd ({', '.join(h.name for h in hits)})"
            )
    else:
        fields.missing(council, "council", "IA-råd")


def _read_details(fields: _Fields, result: ParsedWorkbook, today: date) -> None:
    """The submitted date, the contact, the chair and the action plan."""
    submitted = fields.get("submitted", _same_by(V.parse_date))
    if _given(submitted):
        try:
            result.submitted = V.parse_date(submitted.value)
        except V.ValueProblem as exc:
            fields.fail(submitted, str(exc))
        else:
            _check_submitted(result, fields, submitted, today)
    for key in ("contact", "chair", "chair_organisation"):
        field = fields.get(key)
        if _given(field):
            try:
                setattr(result, key, V.parse_text(field.value, SHORT_TEXT))
            except V.ValueProblem as exc:
                fields.fail(field, str(exc))
    plan = fields.get("action_plan", _same_by(V.parse_action_plan))
    if _given(plan):
        try:
            result.action_plan, result.action_plan_date = V.parse_action_plan(plan.value)
        except V.ValueProblem as exc:
            fields.fail(plan, str(exc))


def _read_answers(fields: _Fields, result: ParsedWorkbook, sheet: Sheet) -> None:
    """The answers to the five questions; a missing answer is a warning."""
    for k in range(1, 6):
        entry = fields.get(f"answer_{k}")
        if entry is _CONFLICT:
            continue
        answer = ""
        if _given(entry):
            try:
                answer = V.parse_text(entry.value, ANSWER_TEXT)
            except V.ValueProblem as exc:
                fields.fail(entry, str(exc))
                continue
        result.answers[k - 1] = answer
        if not answer:
            where = {"sheet": sheet.name, "row": entry.row} if entry else {"sheet": sheet.name}
            result.warn(f"svar på spørsmål {k} mangler («{QUESTIONS[k - 1]}»)", **where)


def _check_submitted(result: ParsedWorkbook, fields: _Fields, submitted: _Field, today: date):
    """A submitted date before the period began, or after today, is a typing error."""
    day, period = result.submitted, result.period
    if period is not None and day < period.start:
        fields.fail(
            submitted,
            f"{day:%d.%m.%Y} er før rapportperioden {period.label} begynte "
            f"({period.start:%d.%m.%Y}); skriv datoen rapporten ble sendt inn",
        )
    elif day > today:
        fields.fail(
            submitted,
            f"{day:%d.%m.%Y} ligger fram i tid (i dag er {today:%d.%m.%Y}); skriv datoen "
            "rapporten ble sendt inn",
        )
