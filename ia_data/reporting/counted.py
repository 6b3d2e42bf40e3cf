"""Which version of a council's report for a period the figures count: the one place every
query picks it. By default the active version (the newest upload, or the one restored);
with «Bare godkjente rapporter» (``approved_only``) the last version the coordination unit
approved — even while a newer version waits — and no version of a period never approved."""

from __future__ import annotations

from sqlmodel import select

from ia_data.storage.models import Report, Review


def counted(approved_only: bool = False):
    """The SQL condition on ``Report`` that picks the counted version of each period."""
    if not approved_only:
        return Report.active
    approved = select(Review.approved_upload_id).where(Review.approved_upload_id.is_not(None))
    return Report.upload_id.in_(approved)
