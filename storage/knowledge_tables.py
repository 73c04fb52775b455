"""Knowledge-base entries: the whole entry as JSON, with the columns ranking and import use."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from storage.types import UtcDateTime


class KbEntryRow(SQLModel, table=True):
    __tablename__ = "kb_entries"

    id: str = Field(primary_key=True, max_length=200)
    title: str = Field(max_length=500)
    language: str = Field(max_length=5)
    success_rate: float = Field(default=0.8)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
