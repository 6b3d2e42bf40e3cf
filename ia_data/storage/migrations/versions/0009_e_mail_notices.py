"""E-mail notices (issue 24): the outbox every notice is written to before it is sent (a
unique key so that no run writes one twice), each user's choice of the kinds they do not
want, and a council's contact address.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sqlmodel.sql.sqltypes.AutoString(), nullable=nullable)


def _moment(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sqlmodel.sql.sqltypes.UTCDateTime(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        _text("once_key"),
        _text("kind"),
        sa.Column("council_id", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        _text("period", nullable=True),
        _text("recipient"),
        _text("occasion"),
        _text("state"),
        _text("subject"),
        _text("text_body"),
        _text("html_body"),
        _text("message_id"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _moment("created_at"),
        _moment("last_attempt_at", nullable=True),
        _moment("sent_at", nullable=True),
        _text("error"),
        sa.ForeignKeyConstraint(["council_id"], ["council.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("once_key", name="uq_outbox_once"),
    )
    op.create_index("ix_outbox_state", "outbox", ["state", "id"], unique=False)
    op.create_table(
        "noticechoice",
        _text("email"),
        _text("kind"),
        sa.Column("off", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("email", "kind"),
    )
    op.create_table(
        "councilcontact",
        sa.Column("council_id", sa.Integer(), nullable=False),
        _text("email"),
        _moment("changed_at"),
        _text("changed_by"),
        sa.ForeignKeyConstraint(["council_id"], ["council.id"]),
        sa.PrimaryKeyConstraint("council_id"),
    )


def downgrade() -> None:
    op.drop_table("councilcontact")
    op.drop_table("noticechoice")
    op.drop_index("ix_outbox_state", table_name="outbox")
    op.drop_table("outbox")
