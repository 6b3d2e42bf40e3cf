"""Every upload as stored, newest first: what ``ia-data history`` lists.

Apart from ``store`` (which reads and checks workbooks), so that listing loads only the
models: the command answers in half a second."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ia_data.storage.models import Council, Upload


def uploads(engine: Engine) -> list[dict]:
    """Every upload, newest first, without the file contents."""
    columns = [c for c in Upload.__table__.columns if c.name != "content"]
    with Session(engine) as session:
        rows = session.exec(
            select(*columns, Council.name.label("council_name"))
            .select_from(Upload)
            .join(Council, Council.id == Upload.council_id, isouter=True)
            .order_by(Upload.id.desc())
        ).all()
    return [dict(r._mapping) for r in rows]
