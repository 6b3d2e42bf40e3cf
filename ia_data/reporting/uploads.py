"""What the upload pages show about a file and about past uploads, without Streamlit.

``preview`` turns a dry run (``store.import_file(..., dry_run=True)``) into what a
secretariat checks before confirming: council, period, due date and whether the report
is on time, the counts, the problems as a table, and what the upload changes against the
active version. ``upload_history`` lists every upload (newest first) for «Opplastinger»,
filtered by council and period in SQL. ``template_for_year`` is the blank template exactly
as ``ia-data template --year`` writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import PurePath

from sqlalchemy import and_, exists, or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ia_data.domain.rules import ReportPeriod, Rules, Status
from ia_data.ingest.changes import Changes, compare
from ia_data.ingest.parse import ERROR, ParsedWorkbook, Problem
from ia_data.output.exports import Kroner, Table, to_xlsx
from ia_data.output.template import build_template
from ia_data.storage.models import Allocation, Council, Upload
from ia_data.storage.register import councils as load_councils
from ia_data.storage.store import CHECKED, REJECTED, UNCHANGED, ImportResult, sha256_of

PROBLEM_COLUMNS = ["Ark", "Rad", "Kolonne", "Funnet", "Forventet / melding"]
UNEXPECTED = (
    "Filen kunne ikke kontrolleres på grunn av en uventet feil i appen; ingenting er lagret. "
    "Prøv igjen, og meld fra til administrator om feilen gjentar seg"
)
UNEXPECTED_STORE = (
    "Filen kunne ikke lagres på grunn av en uventet feil; ingenting fra den er lagret. "
    "Prøv igjen, og meld fra til administrator om feilen gjentar seg"
)
MIME_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
    ".xls": "application/vnd.ms-excel",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}


# --- one file, checked before anything is stored ----------------------------------------


@dataclass
class Preview:
    """A checked file, as the «Last opp» page shows it."""

    result: ImportResult
    council: str = ""
    period: ReportPeriod | None = None
    submitted: date | None = None
    deadline: str = ""  # "Levert i tide", "Levert for sent (+3 dager)"
    on_time: bool | None = None
    activities: int = 0
    goals: dict[int, int] = field(default_factory=lambda: {1: 0, 2: 0, 3: 0})
    meetings: int = 0
    cost_ore: int = 0
    changes: Changes | None = None

    @property
    def file_name(self) -> str:
        return self.result.file_name

    @property
    def sha256(self) -> str:
        return self.result.sha256

    @property
    def kind(self) -> str:
        return self.result.parsed.kind

    @property
    def errors(self) -> list[Problem]:
        return self.result.errors

    @property
    def warnings(self) -> list[Problem]:
        return self.result.warnings

    @property
    def storable(self) -> bool:
        """Checked without errors and not already stored: confirming will store it."""
        return self.result.status == CHECKED

    @property
    def unchanged(self) -> bool:
        return self.result.status == UNCHANGED

    @property
    def period_label(self) -> str:
        return self.period.label if self.period else ""


def failed_result(file_name: str, data: bytes, message: str = UNEXPECTED) -> ImportResult:
    """A rejected result for a file whose check broke in an unexpected way."""
    parsed = ParsedWorkbook()
    parsed.error(message)
    return ImportResult(
        file_name=file_name,
        status=REJECTED,
        parsed=parsed,
        sha256=sha256_of(data),
        message=f"{file_name}: ikke lagret – {message}",
    )


def preview(result: ImportResult, rules: Rules, today: date) -> Preview:
    """What a dry run found, with the deadline judged as of the day it was submitted
    (or today, if that is later) and the changes against the active version."""
    parsed = result.parsed
    shown = Preview(result=result)
    shown.council = parsed.council.name if parsed.council else ""
    shown.period = parsed.period
    shown.submitted = parsed.submitted
    if parsed.kind != "rapport" or not parsed.ok:
        return shown
    shown.activities = sum(1 for a in parsed.activities if a.counted)
    shown.goals = parsed.goal_counts()
    shown.meetings = len(parsed.meetings)
    shown.cost_ore = parsed.total_cost_ore
    if parsed.period is not None and parsed.submitted is not None:
        status = rules.deadline_status(
            parsed.period, parsed.submitted, max(today, parsed.submitted)
        )
        shown.deadline = status.text
        shown.on_time = status.status is Status.ON_TIME
    if result.status == CHECKED:
        shown.changes = compare(result.previous, parsed)
    return shown


def problems_table(problems: list[Problem], title: str = "Feil") -> Table:
    """Problems as rows: sheet, Excel row, column as written, the value found (when the
    importer gives it) and the message saying what is expected."""
    return Table(
        columns=list(PROBLEM_COLUMNS),
        rows=[[p.sheet, p.row, p.column, p.found, p.message] for p in problems],
        title=title,
    )


def problems_xlsx(file_name: str, problems: list[Problem], now: datetime | None = None) -> bytes:
    """The problems of one file as a workbook to work through (sheet «Feil»)."""
    now = now or datetime.now(UTC).replace(microsecond=0)
    errors = sum(1 for p in problems if p.severity == ERROR)
    about: list[tuple[str, object]] = [
        ("Uttrekk", "Feil funnet ved kontroll av en opplastet rapport"),
        ("Fil", file_name),
        ("Kontrollert", now),
        ("Antall feil", errors),
        ("Antall advarsler", len(problems) - errors),
        ("Rad", "Radnummeret slik Excel viser det"),
    ]
    return to_xlsx([problems_table(problems)], about)


def change_counts_table(changes: Changes) -> Table:
    """Counts and cost before → after, with the difference."""
    rows = []
    for label, before in changes.before.items():
        after = changes.after[label]
        if label == "Kostnad (øre)":
            rows.append(["Kostnad", Kroner(before), Kroner(after), Kroner(after - before)])
        else:
            rows.append([label, before, after, after - before])
    return Table(columns=["", "Før", "Etter", "Endring"], rows=rows, title="Før og etter")


CHANGE_WORDS = {"ny": "Ny", "fjernet": "Fjernet", "endret": "Endret"}


def activity_changes_table(changes: Changes) -> Table:
    """The activities added, removed and changed (matched on date and title)."""
    return Table(
        columns=["Endring", "Dato", "Aktivitet", "Hva er endret"],
        rows=[
            [CHANGE_WORDS[c.kind], c.date, c.title, "; ".join(c.details)]
            for c in changes.activities
        ],
        title="Endrede aktiviteter",
    )


def allocations_preview_table(parsed: ParsedWorkbook) -> Table:
    """The rows of an allocation workbook, for a file that holds grants instead of a report."""
    return Table(
        columns=["IA-råd", "År", "Beløp (kr)", "Vedtaksdato", "Merknad"],
        rows=[
            [a.council.name, a.year, Kroner(a.amount_ore), a.decision_date, a.note]
            for a in parsed.allocations
        ],
        title="Tildelinger",
    )


# --- the history of uploads -------------------------------------------------------------


@dataclass
class UploadRow:
    """One upload as «Opplastinger» lists it (without the file's bytes)."""

    id: int
    kind: str
    file_name: str
    size: int
    uploaded_at: datetime
    uploaded_by: str
    council_id: int | None
    council: str
    year: int | None
    period: str | None
    active: bool
    activities: int
    meetings: int
    cost_ore: int
    warnings: list[str]

    @property
    def period_label(self) -> str:
        if self.kind == "rapport" and self.year is not None:
            return f"{self.year} {self.period}"
        return str(self.year) if self.year is not None else ""

    @property
    def what(self) -> str:
        """``IA-rådet i Troms, 2015 År`` or ``Tildelinger``."""
        if self.kind == "rapport":
            return f"{self.council}, {self.period_label}"
        return "Tildelinger" + (f" {self.year}" if self.year is not None else "")


def _as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def upload_history(
    engine: Engine,
    council_ids: list[int] | None = None,
    periods: list[tuple[int, str]] | None = None,
) -> list[UploadRow]:
    """Every upload, newest first; with ``council_ids`` or ``periods`` only the reports of
    those councils or periods. An allocation upload counts as active while any of its
    rows is the active allocation of its council and year."""
    allocation_active = exists().where(
        Allocation.upload_id == Upload.id,
        Allocation.active == True,  # noqa: E712
    )
    query = (
        select(
            Upload.id,
            Upload.kind,
            Upload.file_name,
            Upload.size,
            Upload.uploaded_at,
            Upload.uploaded_by,
            Upload.council_id,
            Council.name,
            Upload.year,
            Upload.period,
            Upload.active,
            allocation_active.label("allocation_active"),
            Upload.activity_count,
            Upload.meeting_count,
            Upload.total_cost_ore,
            Upload.warnings,
        )
        .join(Council, Council.id == Upload.council_id, isouter=True)
        .order_by(Upload.id.desc())
    )
    if council_ids:
        query = query.where(Upload.council_id.in_(council_ids))
    if periods:
        query = query.where(
            Upload.kind == "rapport",
            or_(*(and_(Upload.year == y, Upload.period == p) for y, p in periods)),
        )
    with Session(engine) as session:
        rows = session.exec(query).all()
    return [
        UploadRow(
            id=r.id,
            kind=r.kind,
            file_name=r.file_name,
            size=r.size,
            uploaded_at=_as_utc(r.uploaded_at),
            uploaded_by=r.uploaded_by,
            council_id=r.council_id,
            council=r.name or "",
            year=r.year,
            period=r.period,
            active=bool(r.active if r.kind == "rapport" else r.allocation_active),
            activities=r.activity_count,
            meetings=r.meeting_count,
            cost_ore=r.total_cost_ore,
            warnings=[w for w in r.warnings.split("\n") if w.strip()],
        )
        for r in rows
    ]


def uploaded_periods(engine: Engine) -> list[tuple[int, str]]:
    """The (year, period) of every report uploaded, newest first."""
    with Session(engine) as session:
        rows = session.exec(
            select(Upload.year, Upload.period)
            .where(Upload.kind == "rapport", Upload.year.is_not(None))
            .distinct()
        ).all()
    return sorted(((y, p) for y, p in rows), key=lambda yp: (yp[0], yp[1]), reverse=True)


def history_table(rows: list[UploadRow]) -> Table:
    """The upload list as the page shows it."""
    return Table(
        columns=[
            "Opplasting nr.",
            "Lastet opp",
            "Fil",
            "Innsendt av",
            "IA-råd",
            "Periode",
            "Aktiv",
            "Aktiviteter",
            "Møter",
            "Kostnad (kr)",
            "Advarsler",
        ],
        rows=[
            [
                r.id,
                r.uploaded_at,
                r.file_name,
                r.uploaded_by or None,
                r.council if r.kind == "rapport" else "Tildelinger",
                r.period_label or None,
                r.active,
                r.activities,
                r.meetings,
                Kroner(r.cost_ore),
                len(r.warnings),
            ]
            for r in rows
        ],
        title="Opplastinger",
    )


def active_version(rows: list[UploadRow], upload: UploadRow) -> UploadRow | None:
    """The active upload of the same council and period as ``upload`` (a report)."""
    for row in rows:
        if (
            row.kind == "rapport"
            and row.active
            and (row.council_id, row.year, row.period)
            == (upload.council_id, upload.year, upload.period)
        ):
            return row
    return None


def mime_type(file_name: str) -> str:
    return MIME_TYPES.get(PurePath(file_name).suffix.lower(), "application/octet-stream")


# --- the blank template ----------------------------------------------------------------


def template_for_year(engine: Engine, year: int, rules: Rules | None = None) -> bytes:
    """The blank report workbook for ``year``, with the councils that exist that year in
    its drop-down (the same file as ``ia-data template --year``)."""
    with Session(engine) as session:
        names = [c.name for c in load_councils(session) if c.exists_in(year)]
    return build_template(year, names, rules=rules)
