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

from sqlalchemy import and_, or_
from sqlmodel import Session, select

from ia_data.domain.access import Scope, identity
from ia_data.domain.kinds import ImportStatus, UploadKind
from ia_data.domain.rules import ReportPeriod, Rules, Status
from ia_data.ingest.parsed import ParsedWorkbook, Problem
from ia_data.reporting.changes import Changes, compare
from ia_data.storage.models import Council, Restore, Upload
from ia_data.storage.store import ImportResult, sha256_of

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
        return self.result.status == ImportStatus.CHECKED

    @property
    def unchanged(self) -> bool:
        return self.result.status == ImportStatus.UNCHANGED

    @property
    def period_label(self) -> str:
        return self.period.label if self.period else ""


def failed_result(file_name: str, data: bytes, message: str = UNEXPECTED) -> ImportResult:
    """A rejected result for a file whose check broke in an unexpected way."""
    parsed = ParsedWorkbook()
    parsed.error(message)
    return ImportResult(
        file_name=file_name,
        status=ImportStatus.REJECTED,
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
    if parsed.kind != UploadKind.REPORT or not parsed.ok:
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
    if result.status == ImportStatus.CHECKED:
        shown.changes = compare(result.previous, parsed)
    return shown


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
    uploaded_by_email: str = ""
    restored_at: datetime | None = None  # the last time it was made active again
    restored_by: str = ""  # by whom: ``identity(name, e-mail)``

    @property
    def uploader(self) -> str:
        """Who uploaded it: name and e-mail of the signed-in user, or the CLI's ``--by``."""
        return identity(self.uploaded_by, self.uploaded_by_email)

    @property
    def period_label(self) -> str:
        if self.kind == UploadKind.REPORT and self.year is not None:
            return f"{self.year} {self.period}"
        return str(self.year) if self.year is not None else ""

    @property
    def what(self) -> str:
        """``IA-rådet i Troms, 2015 År``, ``IA-rådet i Troms, handlingsplan 2015`` or
        ``Tildelinger``."""
        if self.kind == UploadKind.REPORT:
            return f"{self.council}, {self.period_label}"
        if self.kind == UploadKind.PLAN:
            return f"{self.council}, handlingsplan {self.year}"
        return "Tildelinger" + (f" {self.year}" if self.year is not None else "")


def _as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def upload_history(
    session: Session,
    council_ids: list[int] | None = None,
    periods: list[tuple[int, str]] | None = None,
    *,
    scope: Scope,
) -> list[UploadRow]:
    """Every upload in scope, newest first (a secretariat's: its councils' reports); with
    ``council_ids`` or ``periods`` only the reports of those councils or periods. Each with
    who uploaded it and who last restored it."""
    council_ids = scope.council_ids(council_ids)
    query = (
        select(
            Upload.id,
            Upload.kind,
            Upload.file_name,
            Upload.size,
            Upload.uploaded_at,
            Upload.uploaded_by,
            Upload.uploaded_by_email,
            Upload.council_id,
            Council.name,
            Upload.year,
            Upload.period,
            Upload.active,
            Upload.activity_count,
            Upload.meeting_count,
            Upload.total_cost_ore,
            Upload.warnings,
        )
        .join(Council, Council.id == Upload.council_id, isouter=True)
        .order_by(Upload.id.desc())
    )
    if council_ids is not None:
        query = query.where(Upload.council_id.in_(council_ids))
    if periods:
        query = query.where(
            Upload.kind == UploadKind.REPORT,
            or_(*(and_(Upload.year == y, Upload.period == p) for y, p in periods)),
        )
    rows = session.exec(query).all()
    restores = _last_restores(session, [r.id for r in rows])
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
            active=r.active,
            activities=r.activity_count,
            meetings=r.meeting_count,
            cost_ore=r.total_cost_ore,
            warnings=[w for w in r.warnings.split("\n") if w.strip()],
            uploaded_by_email=r.uploaded_by_email,
            **restores.get(r.id, {}),
        )
        for r in rows
    ]


def _last_restores(session: Session, upload_ids: list[int]) -> dict[int, dict]:
    """Upload id → when and by whom it was last restored."""
    found: dict[int, dict] = {}
    if not upload_ids:
        return found
    query = (
        select(Restore)
        .where(Restore.upload_id.in_(upload_ids))
        .order_by(Restore.restored_at, Restore.id)
    )
    for restore in session.exec(query):
        found[restore.upload_id] = {
            "restored_at": _as_utc(restore.restored_at),
            "restored_by": identity(restore.restored_by, restore.restored_by_email),
        }
    return found


def uploaded_periods(session: Session, *, scope: Scope) -> list[tuple[int, str]]:
    """The (year, period) of every report uploaded (for a council in scope), newest first."""
    query = (
        select(Upload.year, Upload.period)
        .where(Upload.kind == UploadKind.REPORT, Upload.year.is_not(None))
        .distinct()
    )
    council_ids = scope.council_ids()
    if council_ids is not None:
        query = query.where(Upload.council_id.in_(council_ids))
    rows = session.exec(query).all()
    return sorted(((y, p) for y, p in rows), key=lambda yp: (yp[0], yp[1]), reverse=True)


def active_version(rows: list[UploadRow], upload: UploadRow) -> UploadRow | None:
    """The active upload of the same council and period as ``upload`` (a report)."""
    for row in rows:
        if (
            row.kind == UploadKind.REPORT
            and row.active
            and (row.council_id, row.year, row.period)
            == (upload.council_id, upload.year, upload.period)
        ):
            return row
    return None


def mime_type(file_name: str) -> str:
    return MIME_TYPES.get(PurePath(file_name).suffix.lower(), "application/octet-stream")


# --- the blank template ----------------------------------------------------------------


@dataclass
class UploadSource:
    id: int
    file_name: str
    uploaded_at: datetime
    kind: str
    council: str
    year: int | None
    period: str | None
    uploaded_by: str = ""  # ``identity(name, e-mail)``
    restored_at: datetime | None = None  # the last time it was made active again
    restored_by: str = ""


def upload_sources(session: Session, upload_ids: list[int], *, scope: Scope) -> list[UploadSource]:
    """The uploads that figures come from (those in scope), for an export's ``Om
    uttrekket`` sheet."""
    if not upload_ids:
        return []
    query = (
        select(
            Upload.id,
            Upload.file_name,
            Upload.uploaded_at,
            Upload.kind,
            Council.name,
            Upload.year,
            Upload.period,
            Upload.uploaded_by,
            Upload.uploaded_by_email,
        )
        .join(Council, Council.id == Upload.council_id, isouter=True)
        .where(Upload.id.in_(sorted(set(upload_ids))))
        .order_by(Upload.id)
    )
    council_ids = scope.council_ids()
    if council_ids is not None:
        query = query.where(Upload.council_id.in_(council_ids))
    rows = session.exec(query).all()
    restores = _last_restores(session, [r[0] for r in rows])
    return [
        UploadSource(*r[:4], r[4] or "", r[5], r[6], identity(r[7], r[8]), **restores.get(r[0], {}))
        for r in rows
    ]
