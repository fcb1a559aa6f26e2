"""Add tasks.done, false for every existing row.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NOT NULL on a table that already has rows needs a server default: the database fills
    # it in for those rows. Without one, PostgreSQL refuses the ALTER TABLE outright.
    # (Adding a column is plain ALTER TABLE everywhere, so `--sql` can print it.)
    op.add_column(
        "tasks",
        sa.Column("done", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    # Batch mode: where ALTER TABLE cannot drop the column (older SQLite), Alembic copies
    # the table without it instead.
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("done")
