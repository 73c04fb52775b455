"""Improvement actions and postmortem draft versions (every version is kept)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UtcDateTime


class ActionItemRow(SQLModel, table=True):
    __tablename__ = "action_items"
    __table_args__ = (UniqueConstraint("incident_id", "n", name="uq_action_items_incident_n"),)

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incidents.id", index=True)
    n: int
    horizon: str = Field(max_length=10)
    text: str
    owner: str | None = Field(default=None, max_length=50)
    due: date
    done: bool = Field(default=False)
    created_by: str = Field(max_length=50)
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class PostmortemVersionRow(SQLModel, table=True):
    __tablename__ = "postmortem_versions"
    __table_args__ = (UniqueConstraint("incident_id", "version", name="uq_postmortem_versions"),)

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incidents.id", index=True)
    version: int
    generated_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    markdown: str
    # Display names as they were when this version was written: exports need no Slack call.
    names: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}"))
