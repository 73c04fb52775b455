"""Run Alembic migrations from code (``hikeshi db upgrade`` and start-up of ``serve``)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from storage.database import DatabaseUrl

_MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_LOCK = 0x48494B45  # "HIKE": the advisory lock key held while migrating


def alembic_config(db: DatabaseUrl) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", db.sync_url.replace("%", "%%"))
    return cfg


def upgrade(db: DatabaseUrl, revision: str = "heads") -> None:
    """Bring the schema to the newest revision. Synchronous: call it off the event loop."""
    connect_args = {}
    if db.backend == "postgresql" and db.schema:
        connect_args = {"options": f"-csearch_path={db.schema}"}
    engine = create_engine(db.sync_url, connect_args=connect_args)
    try:
        with engine.begin() as conn:
            if db.backend == "postgresql":
                # Replicas starting together: one migrates, the others wait and find it done.
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            if db.backend == "postgresql" and db.schema:
                conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{db.schema}"'))
            cfg = alembic_config(db)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    finally:
        engine.dispose()


def autogenerate(db: DatabaseUrl, message: str) -> None:
    """Developer aid: write a new revision from the difference between models and database."""
    command.revision(alembic_config(db), message=message, autogenerate=True)
