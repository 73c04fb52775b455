"""The audit trail of timeline corrections: the original text is never lost."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from storage.types import UtcDateTime


class AmendmentRow(SQLModel, table=True):
    __tablename__ = "timeline_amendments"

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="timeline_entries.id", index=True)
    incident_id: int = Field(foreign_key="incidents.id", index=True)
    action: str = Field(max_length=10)  # edit | delete | restore
    old_text: str
    new_text: str | None = None
    actor: str = Field(max_length=50)
    at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
