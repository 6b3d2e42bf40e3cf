"""Sign-in, hardened: a user is bound to the identity provider's account (``sub``) that
first signed in with the address, and an address's sign-ins are kept on the provider's clock
(the newest seen, and the moment from which a sign-in counts), so that «Logg ut» ends every
session of the user on the server.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 21:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("appuser", schema=None) as batch_op:
        # the users of today are bound at their next sign-in
        batch_op.add_column(sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.create_table(
        "signinstate",
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("newest_seen", sa.BigInteger(), nullable=False),
        sa.Column("counts_from", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("email"),
    )


def downgrade() -> None:
    op.drop_table("signinstate")
    with op.batch_alter_table("appuser", schema=None) as batch_op:
        batch_op.drop_column("subject")
