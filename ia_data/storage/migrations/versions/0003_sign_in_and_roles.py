"""Sign-in and roles: the users who may sign in, a secretariat's councils, every change of
access, who restored an upload, and the e-mail of who uploaded it (empty for older uploads).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 19:59:48.973141
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "accesschange",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("changed_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("councils", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "appuser",
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("changed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("changed_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("email"),
    )
    op.create_table(
        "usercouncil",
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"],
            ["council.id"],
        ),
        sa.ForeignKeyConstraint(
            ["email"],
            ["appuser.email"],
        ),
        sa.PrimaryKeyConstraint("email", "council_id"),
    )
    op.create_table(
        "restore",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=False),
        sa.Column("restored_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("restored_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("restored_by_email", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["upload_id"],
            ["upload.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("restore", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_restore_upload_id"), ["upload_id"], unique=False)

    with op.batch_alter_table("upload", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "uploaded_by_email",
                sqlmodel.sql.sqltypes.AutoString(),
                nullable=False,
                server_default="",  # the uploads stored before sign-in
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("upload", schema=None) as batch_op:
        batch_op.drop_column("uploaded_by_email")

    with op.batch_alter_table("restore", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_restore_upload_id"))

    op.drop_table("restore")
    op.drop_table("usercouncil")
    op.drop_table("appuser")
    op.drop_table("accesschange")
