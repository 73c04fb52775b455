"""Alembic environment: run against the connection or URL handed in by storage.migrate."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection, create_engine
from sqlmodel import SQLModel

import storage
from storage.types import UtcDateTime

# Every table module (storage/tables.py, storage/*_tables.py) must be imported before
# autogenerate, or Alembic would emit drops for the tables it did not see.
for module in pkgutil.iter_modules(storage.__path__):
    if module.name == "tables" or module.name.endswith("_tables"):
        importlib.import_module(f"storage.{module.name}")

target_metadata = SQLModel.metadata
config = context.config


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


def _render_item(type_: str, obj: object, autogen_context: AutogenContext) -> str | Literal[False]:
    # Our UtcDateTime is a Python-side decorator; the column itself is a plain aware DateTime.
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
