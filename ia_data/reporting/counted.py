"""Which version of a council's report for a period the figures count: the one place every
query picks it. By default the active version (the newest upload, or the one restored);
with «Bare godkjente rapporter» (``approved_only``) the last version the coordination unit
approved — even while a newer version waits — and no version of a period never approved.

And the filters a query may be given (a year, the councils in scope, a period, a state):
each narrows it only when given, the same way in every query (``where_given``)."""

from __future__ import annotations

from sqlmodel import select

from ia_data.storage.models import Report, Review


def counted(approved_only: bool = False):
    """The SQL condition on ``Report`` that picks the counted version of each period."""
    if not approved_only:
        return Report.active
    approved = select(Review.approved_upload_id).where(Review.approved_upload_id.is_not(None))
    return Report.upload_id.in_(approved)


def where_given(query, *conditions):
    """``query`` narrowed by each ``(column, value)`` whose value is given (not ``None``):
    by a list, to the rows whose column holds one of its values (an empty list: none); by
    any other value, to those whose column holds that value."""
    for column, value in conditions:
        if value is not None:
            query = query.where(column.in_(value) if isinstance(value, list) else column == value)
    return query
