"""The binding of a removed user kept: the provider's account (``sub``) a user was bound to
when an admin removed the user, kept with the address's sign-ins, so that the user added
again is bound to the same account (the next account to sign in with the address cannot
take the row).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("signinstate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("signinstate", schema=None) as batch_op:
        batch_op.drop_column("subject")
