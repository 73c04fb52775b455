"""`hikeshi kb import` and `hikeshi kb search`: the knowledge base from a terminal."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from incident.clock import SystemClock
from knowledge.ingest import read_sources
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


async def kb_import(settings: Settings, path: Path) -> int:
    """``path`` may be the word ``starter``: the knowledge base shipped with Hikeshi."""
    if str(path) == "starter" and not path.exists():
        path = STARTER
    service, engine = await _service(settings)
    try:
        report = await service.import_sources(read_sources(path))
    finally:
        await engine.dispose()
    print(
        f"added {len(report.added)}, changed {len(report.changed)}, "
        f"unchanged {len(report.unchanged)}, rejected {len(report.rejected)}"
    )
    for entry_id in report.added:
        print(f"  + {entry_id}")
    for entry_id in report.changed:
        print(f"  ~ {entry_id}")
    for rejection in report.rejected:
        print(f"  ! {rejection.path}:{rejection.line}: {rejection.reason}")
    return 1 if report.rejected and not (report.added or report.changed or report.unchanged) else 0


async def kb_search(settings: Settings, query: str, *, limit: int, as_json: bool) -> int:
    service, engine = await _service(settings)
    try:
        await service.load()
        hits = service.search(query, limit=limit)
    finally:
        await engine.dispose()
    for rank, hit in enumerate(hits, start=1):
        if as_json:
            print(
                json.dumps(
                    {"rank": rank, "id": hit.entry_id, "title": hit.title, "score": hit.score, "why": list(hit.why)},
                    ensure_ascii=False,
                )
            )
        else:
            print(f"{rank}. {hit.entry_id}  {hit.title}  (score {hit.score:.2f}; matched {', '.join(hit.why)})")
    return 0
