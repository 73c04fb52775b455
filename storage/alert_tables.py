"""Alert intake tables: deliveries (idempotency), events (the durable inbox), alerts, maintenance."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UtcDateTime


class AlertDeliveryRow(SQLModel, table=True):
    """One row per distinct request body per source: re-sends and replicas are no-ops."""

    __tablename__ = "alert_deliveries"

    key: str = Field(primary_key=True, max_length=120)
    received_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class AlertEventRow(SQLModel, table=True):
    """What a source told us, stored before the 2xx; ``processed_at`` is set once acted on."""

    __tablename__ = "alert_events"

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=100)
    action: str = Field(max_length=20)  # alert | close | message | description
    alias: str = Field(default="", max_length=512)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    received_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    processed_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True, index=True))


class AlertRow(SQLModel, table=True):
    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("source", "key", "first_seen", name="uq_alerts_source_key_first"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=100, index=True)
    key: str = Field(max_length=512, index=True)
    status: str = Field(max_length=20)
    severity: str = Field(max_length=50)
    service: str = Field(default="", max_length=200)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    count: int = Field(default=1)
    first_seen: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    last_seen: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False, index=True))
    resolved_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    incident_id: int | None = Field(default=None, foreign_key="incidents.id", index=True)
    outcome: str = Field(default="", max_length=30)  # declared | attached | triage | maintenance


class MaintenanceWindowRow(SQLModel, table=True):
    __tablename__ = "maintenance_windows"

    id: int | None = Field(default=None, primary_key=True)
    service: str = Field(max_length=100, index=True)
    starts_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    ends_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False, index=True))
    ended_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    reason: str = Field(default="", max_length=500)
    created_by: str = Field(max_length=50)
    announced_end: bool = Field(default=False)
