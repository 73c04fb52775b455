"""Escalation state, the pages sent (one row per page: the same page can never be sent
twice) and on-call overrides."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from storage.types import UtcDateTime


class EscalationRow(SQLModel, table=True):
    __tablename__ = "escalations"

    incident_id: int = Field(primary_key=True, foreign_key="incidents.id")
    state: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    version: int = Field(default=1)


class PageRow(SQLModel, table=True):
    __tablename__ = "pages"

    key: str = Field(primary_key=True, max_length=255)
    incident_id: int = Field(foreign_key="incidents.id", index=True)
    step: int
    target: str = Field(max_length=200)
    kind: str = Field(max_length=20)  # page | fyi
    reason: str = Field(max_length=40)
    user_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    paged_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    messages: list[dict[str, str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    acked_by: str | None = Field(default=None, max_length=50)
    acked_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))


class OverrideRow(SQLModel, table=True):
    __tablename__ = "oncall_overrides"

    id: int | None = Field(default=None, primary_key=True)
    level: str = Field(max_length=50, index=True)
    user_id: str = Field(max_length=50)
    starts_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    ends_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False, index=True))
    created_by: str = Field(max_length=50)
