"""Shared fixtures: databases on SQLite and PostgreSQL, migrated with Alembic."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import DatabaseUrl, normalize_database_url
from storage.database import create_engine as create_async_engine_for
from storage.migrate import upgrade

PG_URL = os.environ.get("HIKESHI_TEST_PG", "postgresql://root@127.0.0.1:5432/test")
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def _pg_available() -> bool:
    try:
        url = normalize_database_url(PG_URL).sync_url
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return True
    except Exception:
        return False


_PG_OK: bool | None = None


def _require_pg() -> None:
    global _PG_OK
    if _PG_OK is None:
        _PG_OK = _pg_available()
    if not _PG_OK:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {PG_URL} does not answer; CI must run the PostgreSQL tests")
        pytest.skip(f"PostgreSQL at {PG_URL} does not answer (set HIKESHI_TEST_PG)")


def _drop_schema(schema: str) -> None:
    engine = create_engine(normalize_database_url(PG_URL).sync_url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a migrated, empty database: a WAL SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        raw = f"sqlite:///{tmp_path / 'hikeshi.db'}"
        upgrade(normalize_database_url(raw))
        yield raw
        return
    _require_pg()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    raw = f"{PG_URL}?schema={schema}"
    upgrade(normalize_database_url(raw))
    try:
        yield raw
    finally:
        _drop_schema(schema)


@pytest.fixture
def db_url(database: str) -> DatabaseUrl:
    return normalize_database_url(database)


@pytest.fixture
async def engine(db_url: DatabaseUrl) -> AsyncIterator[AsyncEngine]:
    eng = create_async_engine_for(db_url)
    yield eng
    await eng.dispose()


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared/ is not beside this clone (CI has it; a user's clone does not)")
    return SHARED

# A local receiver for outgoing pagers (tests/pager and tests/e2e).
pytest_plugins = ["tests.pager.receiver"]
