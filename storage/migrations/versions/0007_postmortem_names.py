"""postmortem versions keep the names they were written with

Revision ID: 0007_postmortem_names
Revises: 0006_knowledge
Create Date: 2026-12-01 23:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_postmortem_names"
down_revision: str | None = "0006_knowledge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("postmortem_versions") as batch:
        batch.add_column(sa.Column("names", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("postmortem_versions") as batch:
        batch.drop_column("names")
