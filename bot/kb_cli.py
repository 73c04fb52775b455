"""`hikeshi kb import` and `hikeshi kb search`: the knowledge base from a terminal."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from incident.clock import SystemClock
from knowledge.ingest import read_sources
from knowledge.report_lines import import_report_lines, search_lines
from knowledge.service import KnowledgeService
from storage.database import create_engine
from storage.incidents import SqlIncidentStore
from storage.knowledge import SqlKnowledgeStore
from storage.migrate import upgrade


async def _service(settings: Settings) -> tuple[KnowledgeService, AsyncEngine]:
    import asyncio

    await asyncio.to_thread(upgrade, settings.database)
    engine = create_engine(settings.database)
    return KnowledgeService(SqlKnowledgeStore(engine), SqlIncidentStore(engine), SystemClock(), threshold=0.0), engine


STARTER = Path(__file__).resolve().parents[1] / "knowledge" / "starter"


async def kb_import(settings: Settings, path: Path, *, locale: str) -> int:
    """``path`` may be the word ``starter``: the knowledge base shipped with Hikeshi."""
    if str(path) == "starter" and not path.exists():
        path = STARTER
    service, engine = await _service(settings)
    try:
        report = await service.import_sources(read_sources(path))
    finally:
        await engine.dispose()
    for line in import_report_lines(report, locale):
        print(line)
    return 1 if report.rejected and not (report.added or report.changed or report.unchanged) else 0


async def kb_search(settings: Settings, query: str, *, limit: int, as_json: bool, locale: str) -> int:
    service, engine = await _service(settings)
    try:
        await service.load()
        hits = service.search(query, limit=limit)
    finally:
        await engine.dispose()
    if not as_json:
        for line in search_lines(query, hits, locale):
            print(line)
        return 0
    for rank, hit in enumerate(hits, start=1):
        record = {"rank": rank, "id": hit.entry_id, "title": hit.title, "score": hit.score, "why": list(hit.why)}
        print(json.dumps(record, ensure_ascii=False))
    return 0
