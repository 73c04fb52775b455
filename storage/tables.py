"""SQLModel tables. Domain records (``incident.model``) are mapped in the repositories."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UtcDateTime


def _utc_column(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UtcDateTime(), nullable=nullable, index=index))


class IncidentCounter(SQLModel, table=True):
    """The next incident number per year, drawn atomically with an upsert."""

    __tablename__ = "incident_counters"

    year: int = Field(primary_key=True, sa_type=BigInteger)
    last_number: int = Field(default=0)


class ProcessedRequest(SQLModel, table=True):
    """Idempotency keys of Slack requests already acted on (event_id, trigger_id, view id)."""

    __tablename__ = "processed_requests"

    key: str = Field(primary_key=True, max_length=255)
    seen_at: datetime = _utc_column(nullable=False)
    result: str | None = Field(default=None, max_length=255)


class IncidentRow(SQLModel, table=True):
    __tablename__ = "incidents"
    __table_args__ = (UniqueConstraint("year", "number", name="uq_incidents_year_number"),)

    id: int | None = Field(default=None, primary_key=True)
    year: int
    number: int
    title: str = Field(max_length=500)
    description: str = Field(default="")
    severity: str = Field(max_length=50)
    status: str = Field(max_length=30, index=True)
    declared_by: str = Field(max_length=50)
    commander: str | None = Field(default=None, max_length=50)
    channel_id: str | None = Field(default=None, max_length=50, index=True, unique=True)
    channel_name: str | None = Field(default=None, max_length=100)
    summary_ts: str | None = Field(default=None, max_length=40)
    timeline_ts: str | None = Field(default=None, max_length=40)
    declared_at: datetime = _utc_column(nullable=False)
    started_at: datetime = _utc_column(nullable=False)
    detected_at: datetime | None = _utc_column()
    acknowledged_at: datetime | None = _utc_column()
    mitigated_at: datetime | None = _utc_column()
    resolved_at: datetime | None = _utc_column()
    closed_at: datetime | None = _utc_column()
    last_update_at: datetime | None = _utc_column()
    resolution_summary: str = Field(default="")
    roles: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    impact: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    locale: str | None = Field(default=None, max_length=5)
    version: int = Field(default=1)


class TimelineEntryRow(SQLModel, table=True):
    __tablename__ = "timeline_entries"
    __table_args__ = (UniqueConstraint("incident_id", "seq", name="uq_timeline_incident_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incidents.id", index=True)
    seq: int
    occurred_at: datetime = _utc_column(nullable=False)
    recorded_at: datetime = _utc_column(nullable=False)
    kind: str = Field(max_length=40)
    text: str = Field(default="")
    actor: str | None = Field(default=None, max_length=50)
    source: str = Field(max_length=20)
    message_ts: str | None = Field(default=None, max_length=40)
    permalink: str | None = Field(default=None, max_length=500)
    files: list[dict[str, str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    deleted: bool = Field(default=False)
    amended: bool = Field(default=False)
