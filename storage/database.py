"""Database URLs and engines.

People write ``sqlite:///hikeshi.db`` or ``postgresql://user@host/db``; the bot needs the
async driver for itself and the sync twin for Alembic, so both are derived here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, Result, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
_SYNC_DRIVERS = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg"}


class DatabaseUrlError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class DatabaseUrl:
    async_url: str
    sync_url: str
    backend: str  # "sqlite" or "postgresql"
    schema: str | None = None


def normalize_database_url(raw: str) -> DatabaseUrl:
    """Accept the plain forms and pick the drivers. ``?schema=name`` selects a PostgreSQL schema."""
    try:
        url = make_url(raw)
    except ArgumentError:
        raise DatabaseUrlError("is not a database URL (e.g. sqlite:///hikeshi.db)") from None
    backend = url.get_backend_name()
    if backend == "postgres":
        backend = "postgresql"
    if backend not in _ASYNC_DRIVERS:
        raise DatabaseUrlError(f"backend {backend!r} is not supported (use sqlite or postgresql)")
    schema = url.query.get("schema")
    if isinstance(schema, tuple):
        schema = schema[0]
    url = url.difference_update_query(["schema"])
    async_url = url.set(drivername=_ASYNC_DRIVERS[backend])
    sync_url = url.set(drivername=_SYNC_DRIVERS[backend])
    return DatabaseUrl(
        async_url=async_url.render_as_string(hide_password=False),
        sync_url=sync_url.render_as_string(hide_password=False),
        backend=backend,
        schema=schema,
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside the one writer; busy_timeout makes concurrent writers
    # queue instead of failing with "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_engine(db: DatabaseUrl) -> AsyncEngine:
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if db.backend == "postgresql" and db.schema:
        kwargs["connect_args"] = {"server_settings": {"search_path": db.schema}}
    engine = create_async_engine(db.async_url, **kwargs)
    if db.backend == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


def rowcount(result: Result[Any]) -> int:
    """Rows an INSERT/UPDATE/DELETE touched: ``AsyncSession.execute`` is typed as returning a plain
    ``Result``, but for DML it is a ``CursorResult``, which carries the count."""
    return cast(CursorResult[Any], result).rowcount
