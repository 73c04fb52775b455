"""alerts: intake deliveries and events, alert records, maintenance windows

Revision ID: 0008_alerts
Revises: 0007_postmortem_names
Create Date: 2026-12-01 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0008_alerts"
down_revision: str | None = "0007_postmortem_names"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "alert_deliveries",
        sa.Column("key", _S(length=120), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "alert_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", _S(length=100), nullable=False),
        sa.Column("action", _S(length=20), nullable=False),
        sa.Column("alias", _S(length=512), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_alert_events_processed_at", "alert_events", ["processed_at"])
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", _S(length=100), nullable=False),
        sa.Column("key", _S(length=512), nullable=False),
        sa.Column("status", _S(length=20), nullable=False),
        sa.Column("severity", _S(length=50), nullable=False),
        sa.Column("service", _S(length=200), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("outcome", _S(length=30), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "key", "first_seen", name="uq_alerts_source_key_first"),
    )
    op.create_index("ix_alerts_source", "alerts", ["source"])
    op.create_index("ix_alerts_key", "alerts", ["key"])
    op.create_index("ix_alerts_last_seen", "alerts", ["last_seen"])
    op.create_index("ix_alerts_incident_id", "alerts", ["incident_id"])
    op.create_table(
        "maintenance_windows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service", _S(length=100), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", _S(length=500), nullable=False),
        sa.Column("created_by", _S(length=50), nullable=False),
        sa.Column("announced_end", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_maintenance_windows_service", "maintenance_windows", ["service"])
    op.create_index("ix_maintenance_windows_ends_at", "maintenance_windows", ["ends_at"])


def downgrade() -> None:
    op.drop_table("maintenance_windows")
    op.drop_table("alerts")
    op.drop_table("alert_events")
    op.drop_table("alert_deliveries")
