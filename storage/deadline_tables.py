"""Deadlines: the database is the source of truth for what is due and what already fired."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column
from sqlmodel import Field, SQLModel

from storage.types import UtcDateTime


class DeadlineRow(SQLModel, table=True):
    __tablename__ = "deadlines"

    key: str = Field(primary_key=True, max_length=255)
    kind: str = Field(max_length=50, index=True)
    due_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False, index=True))
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    fired_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    cancelled_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    # A replica working on the deadline holds it until lease_until; a dead replica's lease
    # runs out and another replica takes the row.
    claimed_by: str | None = Field(default=None, max_length=100)
    lease_until: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    # Effects (the outbox): rows of one lane run one at a time, in ``seq`` order; a failed
    # attempt is counted and retried with back-off until Slack answers ok or says never.
    lane: str | None = Field(default=None, max_length=100, index=True)
    seq: int = Field(default=0, sa_column=Column(BigInteger(), nullable=False, server_default="0"))
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    last_error: str | None = Field(default=None, max_length=200)
