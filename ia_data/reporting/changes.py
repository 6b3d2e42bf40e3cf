"""What an upload will change against the council's active version of the same period:
activities added, removed and changed, and the counts and cost before → after — and, for
the coordination unit's review, the same comparison between two stored versions
(``stored_changes``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, select

from ia_data.domain.access import Scope
from ia_data.domain.formatting import kroner
from ia_data.domain.kinds import ActivityStatus
from ia_data.domain.text import fold
from ia_data.ingest.parsed import ParsedActivity, ParsedWorkbook
from ia_data.storage.models import Activity, Meeting, Report

COMPARED = {
    "type": "Type",
    "goals": "Delmål",
    "cost_ore": "Kostnad",
    "status": "Status",
    "sector": "Bransje/sektor",
    "participants": "Deltakere",
    "organiser": "Ansvarlig",
    "comment": "Kommentar",
}


@dataclass
class ActivityChange:
    kind: str  # "ny", "fjernet", "endret"
    date: object
    title: str
    details: list[str] = field(default_factory=list)  # "Kostnad: 12 500 kr → 15 000 kr"


@dataclass
class Changes:
    """The difference between the stored active version and a new upload."""

    replaces_upload_id: int | None
    before: dict[str, int]
    after: dict[str, int]
    activities: list[ActivityChange]

    @property
    def is_new(self) -> bool:
        return self.replaces_upload_id is None

    def count(self, kind: str) -> int:
        return sum(1 for c in self.activities if c.kind == kind)


def _summary(items: list, meetings: int) -> dict[str, int]:
    counted = [a for a in items if a["status"] != ActivityStatus.CANCELLED]
    return {
        "Aktiviteter": len(counted),
        "Delmål 1": sum(1 for a in counted if 1 in a["goals"]),
        "Delmål 2": sum(1 for a in counted if 2 in a["goals"]),
        "Delmål 3": sum(1 for a in counted if 3 in a["goals"]),
        "Møter": meetings,
        "Kostnad (øre)": sum(a["cost_ore"] for a in items),
    }


def _from_stored(a: Activity) -> dict:
    return {
        "date": a.date,
        "title": a.title,
        "type": a.type,
        "goals": frozenset(a.goals),
        "cost_ore": a.cost_ore,
        "status": a.status,
        "sector": a.sector,
        "participants": a.participants,
        "organiser": a.organiser,
        "comment": a.comment,
    }


def _from_parsed(a: ParsedActivity) -> dict:
    return {key: getattr(a, key) for key in ("date", "title", *COMPARED)}


def _show(key: str, value) -> str:
    if key == "cost_ore":
        return kroner(value)
    if key == "goals":
        return ", ".join(str(k) for k in sorted(value)) or "–"
    return "–" if value in (None, "") else str(value)


def compare(previous: dict | None, parsed: ParsedWorkbook) -> Changes:
    """Compare a parsed report with the active version described by ``previous``
    (``store.ImportResult.previous``), matching activities on date and title."""
    new_items = [_from_parsed(a) for a in parsed.activities]
    old_items = [_from_stored(a) for a in previous["activities"]] if previous else []
    before = _summary(old_items, previous["meeting_count"] if previous else 0)
    after = _summary(new_items, len(parsed.meetings))
    return _compared(previous["upload_id"] if previous else None, old_items, new_items,
                     before, after)  # fmt: skip


def stored_changes(
    session: Session, old_upload_id: int, new_upload_id: int, *, scope: Scope
) -> Changes | None:
    """What changed from one stored version of a council's report to another (the version
    the coordination unit sent back or approved, and the one now waiting): the same
    comparison as an upload's preview. ``None`` unless both are reports of the same council
    and period, in scope."""
    reports = {
        r.upload_id: r
        for r in session.exec(
            select(Report).where(Report.upload_id.in_([old_upload_id, new_upload_id]))
        )
    }
    old, new = reports.get(old_upload_id), reports.get(new_upload_id)
    if old is None or new is None or (old.council_id, old.year, old.period) != (
        new.council_id, new.year, new.period
    ):  # fmt: skip
        return None
    scope.check(new.council_id)
    items, meetings = {}, {}
    for report in (old, new):
        found = session.exec(
            select(Activity).where(Activity.report_id == report.id).order_by(Activity.id)
        ).all()
        items[report.upload_id] = [_from_stored(a) for a in found]
        meetings[report.upload_id] = session.exec(
            select(func.count()).select_from(Meeting).where(Meeting.report_id == report.id)
        ).one()
    before = _summary(items[old_upload_id], meetings[old_upload_id])
    after = _summary(items[new_upload_id], meetings[new_upload_id])
    return _compared(old_upload_id, items[old_upload_id], items[new_upload_id], before, after)


def _compared(replaced, old_items, new_items, before, after) -> Changes:
    """The activities matched on date and title, and the counts before → after."""

    def key(item: dict) -> tuple:
        return item["date"], fold(item["title"])

    # Several activities may share date and title: pair them up in order.
    old_by_key: dict[tuple, list[dict]] = {}
    for item in old_items:
        old_by_key.setdefault(key(item), []).append(item)
    changes: list[ActivityChange] = []
    for item in new_items:
        matches = old_by_key.get(key(item))
        if not matches:
            changes.append(ActivityChange("ny", item["date"], item["title"]))
            continue
        old = matches.pop(0)
        details = [
            f"{label}: {_show(field_key, old[field_key])} → {_show(field_key, item[field_key])}"
            for field_key, label in COMPARED.items()
            if old[field_key] != item[field_key]
        ]
        if details:
            changes.append(ActivityChange("endret", item["date"], item["title"], details))
    for items in old_by_key.values():
        for item in items:
            changes.append(ActivityChange("fjernet", item["date"], item["title"]))
    order = {"ny": 0, "endret": 1, "fjernet": 2}
    changes.sort(key=lambda c: (order[c.kind], c.date, c.title))
    return Changes(
        replaces_upload_id=replaced,
        before=before,
        after=after,
        activities=changes,
    )
