"""The schema as ``SQLModel.metadata.create_all`` made it before migrations came.

It creates only what is missing, so that a database made by ``create_all`` (the demo
database, an embedded SQLite file) is taken over as it is, and one made by older code
gets the tables and indexes it lacks.

Revision ID: 0001
Revises:
Create Date: 2026-11-29 18:23:20.071529
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _missing_table(name: str) -> bool:
    return name not in sa.inspect(op.get_bind()).get_table_names()


def _missing_index(table: str, name: str) -> bool:
    return name not in {i["name"] for i in sa.inspect(op.get_bind()).get_indexes(table)}


def upgrade() -> None:
    if _missing_table("council"):
        op.create_table(
            "council",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("secretariat", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("from_year", sa.Integer(), nullable=True),
            sa.Column("to_year", sa.Integer(), nullable=True),
            sa.Column("aliases", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("name"),
        )

    if _missing_table("county"):
        op.create_table(
            "county",
            sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
            sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("from_year", sa.Integer(), nullable=True),
            sa.Column("to_year", sa.Integer(), nullable=True),
            sa.PrimaryKeyConstraint("number"),
        )

    if _missing_table("meta"):
        op.create_table(
            "meta",
            sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("value", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.PrimaryKeyConstraint("key"),
        )

    if _missing_table("councilcounty"):
        op.create_table(
            "councilcounty",
            sa.Column("council_id", sa.Integer(), nullable=False),
            sa.Column("county_number", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.ForeignKeyConstraint(
                ["council_id"],
                ["council.id"],
            ),
            sa.ForeignKeyConstraint(
                ["county_number"],
                ["county.number"],
            ),
            sa.PrimaryKeyConstraint("council_id", "county_number"),
        )

    if _missing_table("upload"):
        op.create_table(
            "upload",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("size", sa.Integer(), nullable=False),
            sa.Column("uploaded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.Column("uploaded_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("council_id", sa.Integer(), nullable=True),
            sa.Column("year", sa.Integer(), nullable=True),
            sa.Column("period", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
            sa.Column("activity_count", sa.Integer(), nullable=False),
            sa.Column("meeting_count", sa.Integer(), nullable=False),
            sa.Column("total_cost_ore", sa.Integer(), nullable=False),
            sa.Column("warnings", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("active", sa.Boolean(), nullable=False),
            sa.Column("content", sa.LargeBinary(), nullable=False),
            sa.ForeignKeyConstraint(
                ["council_id"],
                ["council.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
    if _missing_index("upload", "ix_upload_sha256"):
        op.create_index("ix_upload_sha256", "upload", ["sha256"], unique=False)

    if _missing_table("allocation"):
        op.create_table(
            "allocation",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("upload_id", sa.Integer(), nullable=False),
            sa.Column("council_id", sa.Integer(), nullable=False),
            sa.Column("year", sa.Integer(), nullable=False),
            sa.Column("amount_ore", sa.Integer(), nullable=False),
            sa.Column("decision_date", sa.Date(), nullable=True),
            sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("active", sa.Boolean(), nullable=False),
            sa.Column("source_row", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(
                ["council_id"],
                ["council.id"],
            ),
            sa.ForeignKeyConstraint(
                ["upload_id"],
                ["upload.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("upload_id", "council_id", "year"),
        )
    if _missing_index("allocation", "ix_allocation_year_active"):
        op.create_index(
            "ix_allocation_year_active",
            "allocation",
            ["year", "active", "council_id"],
            unique=False,
        )

    if _missing_table("report"):
        op.create_table(
            "report",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("upload_id", sa.Integer(), nullable=False),
            sa.Column("council_id", sa.Integer(), nullable=False),
            sa.Column("year", sa.Integer(), nullable=False),
            sa.Column("period", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("active", sa.Boolean(), nullable=False),
            sa.Column("submitted", sa.Date(), nullable=False),
            sa.Column("submitted_from_upload_date", sa.Boolean(), nullable=False),
            sa.Column("contact", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("chair", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("chair_organisation", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("action_plan", sa.Boolean(), nullable=True),
            sa.Column("action_plan_date", sa.Date(), nullable=True),
            sa.Column("answer_1", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("answer_2", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("answer_3", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("answer_4", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("answer_5", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.ForeignKeyConstraint(
                ["council_id"],
                ["council.id"],
            ),
            sa.ForeignKeyConstraint(
                ["upload_id"],
                ["upload.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("upload_id"),
        )
    if _missing_index("report", "ix_report_year_active"):
        op.create_index(
            "ix_report_year_active", "report", ["year", "active", "council_id"], unique=False
        )

    if _missing_table("activity"):
        op.create_table(
            "activity",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("report_id", sa.Integer(), nullable=False),
            sa.Column("date", sa.Date(), nullable=False),
            sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("type", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("goal_1", sa.Boolean(), nullable=False),
            sa.Column("goal_2", sa.Boolean(), nullable=False),
            sa.Column("goal_3", sa.Boolean(), nullable=False),
            sa.Column("sector", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("participants", sa.Integer(), nullable=True),
            sa.Column("cost_ore", sa.Integer(), nullable=False),
            sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("organiser", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("source_row", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(
                ["report_id"],
                ["report.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
    if _missing_index("activity", "ix_activity_report"):
        op.create_index("ix_activity_report", "activity", ["report_id"], unique=False)

    if _missing_table("meeting"):
        op.create_table(
            "meeting",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("report_id", sa.Integer(), nullable=False),
            sa.Column("date", sa.Date(), nullable=False),
            sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("present", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("source_row", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(
                ["report_id"],
                ["report.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
    if _missing_index("meeting", "ix_meeting_report"):
        op.create_index("ix_meeting_report", "meeting", ["report_id"], unique=False)

    if _missing_table("reportfigures"):
        op.create_table(
            "reportfigures",
            sa.Column("report_id", sa.Integer(), nullable=False),
            sa.Column("spent_ore", sa.Integer(), nullable=False),
            sa.Column("activities", sa.Integer(), nullable=False),
            sa.Column("goal_1", sa.Integer(), nullable=False),
            sa.Column("goal_2", sa.Integer(), nullable=False),
            sa.Column("goal_3", sa.Integer(), nullable=False),
            sa.Column("goal_1_spent_ore", sa.Integer(), nullable=False),
            sa.Column("goal_2_spent_ore", sa.Integer(), nullable=False),
            sa.Column("goal_3_spent_ore", sa.Integer(), nullable=False),
            sa.Column("meetings", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(
                ["report_id"],
                ["report.id"],
            ),
            sa.PrimaryKeyConstraint("report_id"),
        )


def downgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_table("reportfigures")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index("ix_meeting_report")

    op.drop_table("meeting")
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_index("ix_activity_report")

    op.drop_table("activity")
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_index("ix_report_year_active")

    op.drop_table("report")
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.drop_index("ix_allocation_year_active")

    op.drop_table("allocation")
    with op.batch_alter_table("upload", schema=None) as batch_op:
        batch_op.drop_index("ix_upload_sha256")

    op.drop_table("upload")
    op.drop_table("councilcounty")
    op.drop_table("meta")
    op.drop_table("county")
    op.drop_table("council")
    # ### end Alembic commands ###
