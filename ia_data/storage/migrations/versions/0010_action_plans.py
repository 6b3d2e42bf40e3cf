"""Action plans (issue 25): a council's plan for a year, one row per upload (versions kept,
one active), its measures, the measure an activity is done under (its number as the report
writes it) and the year's priority themes it names (both empty for every activity stored
before).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 04:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(name: str) -> sa.Column:
    return sa.Column(name, sqlmodel.sql.sqltypes.AutoString(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("adopted", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["council_id"], ["council.id"]),
        sa.ForeignKeyConstraint(["upload_id"], ["upload.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("upload_id"),
    )
    op.create_index("ix_plan_year_active", "plan", ["year", "active", "council_id"])
    op.create_index(
        "uq_plan_active_year",
        "plan",
        ["council_id", "year"],
        unique=True,
        sqlite_where=sa.text("active"),
        postgresql_where=sa.text("active"),
    )
    op.create_table(
        "planmeasure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        _text("number"),
        _text("goal"),
        sa.Column("goal_1", sa.Boolean(), nullable=False),
        sa.Column("goal_2", sa.Boolean(), nullable=False),
        sa.Column("goal_3", sa.Boolean(), nullable=False),
        _text("measure"),
        _text("planned"),
        sa.Column("planned_by", sa.Date(), nullable=False),
        _text("responsible"),
        sa.Column("budget_ore", sa.BigInteger(), nullable=True),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_planmeasure_plan", "planmeasure", ["plan_id"])
    with op.batch_alter_table("activity") as batch:
        for name in ("measure", "themes"):
            batch.add_column(
                sa.Column(
                    name, sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""
                )
            )


def downgrade() -> None:
    with op.batch_alter_table("activity") as batch:
        batch.drop_column("themes")
        batch.drop_column("measure")
    op.drop_index("ix_planmeasure_plan", table_name="planmeasure")
    op.drop_table("planmeasure")
    op.drop_index("uq_plan_active_year", table_name="plan")
    op.drop_index("ix_plan_year_active", table_name="plan")
    op.drop_table("plan")
