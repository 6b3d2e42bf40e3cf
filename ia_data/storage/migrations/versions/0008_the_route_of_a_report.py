"""The route of a report (issue 23): the receipt the server stamps, the review state of each
council's period and its history, and the compiled reports forwarded to the oversight
group. Every report stored before this keeps as receipt the date it was judged by until
now (the «Innsendt» typed in the workbook, or the upload date where it had none), marked
«oppgitt», and starts as approved before the route existed, the active version approved:
no figure and no deadline status changes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 01:00:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OSLO = ZoneInfo("Europe/Oslo")
APPROVED_BEFORE_REVIEW = "godkjent før gjennomgang ble innført"


def _period_key() -> list:
    return [
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "receipt",
        *_period_key(),
        sa.Column("received_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("how", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["council_id"], ["council.id"]),
        sa.ForeignKeyConstraint(["upload_id"], ["upload.id"]),
        sa.PrimaryKeyConstraint("council_id", "year", "period"),
    )
    op.create_table(
        "review",
        *_period_key(),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=False),
        sa.Column("approved_upload_id", sa.Integer(), nullable=True),
        sa.Column("legacy", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["approved_upload_id"], ["upload.id"]),
        sa.ForeignKeyConstraint(["council_id"], ["council.id"]),
        sa.ForeignKeyConstraint(["upload_id"], ["upload.id"]),
        sa.PrimaryKeyConstraint("council_id", "year", "period"),
    )
    op.create_table(
        "reviewevent",
        sa.Column("id", sa.Integer(), nullable=False),
        *_period_key(),
        sa.Column("upload_id", sa.Integer(), nullable=True),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("state_after", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("points_to", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("by_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("by_email", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["council_id"], ["council.id"]),
        sa.ForeignKeyConstraint(["upload_id"], ["upload.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_reviewevent_period", "reviewevent", ["council_id", "year", "period"], unique=False
    )
    op.create_table(
        "forwarded",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("forwarded_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("forwarded_by_email", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("forwarded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    _backfill()


def _backfill() -> None:
    """Every active report: its receipt as given, and approved before the route existed."""
    connection = op.get_bind()
    active = connection.execute(
        sa.text(
            "SELECT report.council_id, report.year, report.period, report.submitted, "
            "report.upload_id FROM report WHERE report.active"
        )
    ).all()
    now = datetime.now(UTC).replace(microsecond=0)

    def key():
        return sa.column("council_id"), sa.column("year"), sa.column("period")

    at = sqlmodel.sql.sqltypes.UTCDateTime()
    receipt = sa.table(
        "receipt", *key(), sa.column("received_at", at), sa.column("how"), sa.column("upload_id")
    )
    review = sa.table(
        "review", *key(), sa.column("state"), sa.column("upload_id"),
        sa.column("approved_upload_id"), sa.column("legacy"), sa.column("updated_at", at),
    )  # fmt: skip
    event = sa.table(
        "reviewevent", *key(), sa.column("upload_id"), sa.column("action"),
        sa.column("state_after"), sa.column("text"), sa.column("points_to"),
        sa.column("by_name"), sa.column("by_email"), sa.column("at", at),
    )  # fmt: skip
    for council_id, year, period, submitted, upload_id in active:
        if isinstance(submitted, str):  # SQLite hands a date over as its ISO text
            submitted = datetime.fromisoformat(submitted).date()
        given = datetime.combine(submitted, time(0), OSLO).astimezone(UTC)
        where = {"council_id": council_id, "year": year, "period": period}
        connection.execute(
            receipt.insert().values(**where, received_at=given, how="oppgitt", upload_id=upload_id)
        )
        connection.execute(
            review.insert().values(
                **where,
                state="Godkjent",
                upload_id=upload_id,
                approved_upload_id=upload_id,
                legacy=True,
                updated_at=now,
            )
        )
        connection.execute(
            event.insert().values(
                **where,
                upload_id=upload_id,
                action="godkjent før gjennomgang",
                state_after="Godkjent",
                text=APPROVED_BEFORE_REVIEW,
                points_to="",
                by_name="",
                by_email="",
                at=now,
            )
        )


def downgrade() -> None:
    op.drop_table("forwarded")
    op.drop_index("ix_reviewevent_period", table_name="reviewevent")
    op.drop_table("reviewevent")
    op.drop_table("review")
    op.drop_table("receipt")
