"""Exports from the command line: the same builders, no Slack calls (names stay as ids)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.config import Settings, TeamConfig
from bot.container import build_services
from bot.reports import month_report
from incident.clock import SystemClock
from incident.model import IncidentRef
from postmortem.markdown import render_markdown
from postmortem.workbook import build_workbook


async def _no_names(ids: object) -> dict[str, str]:
    return {}


async def export_incident(settings: Settings, team: TeamConfig, ref_text: str, *, fmt: str, out: Path) -> Path:
    ref = IncidentRef.parse(ref_text)
    if ref is None:
        raise SystemExit(f"hikeshi: {ref_text!r} is not an incident number like INC-2026-0001")
    services = build_services(settings, team, SystemClock(), drive_wall_clock=False)
    try:
        incident = await services.store.by_ref(ref)
        if incident is None:
            raise SystemExit(f"hikeshi: no incident {ref}")
        services.postmortem.names = _no_names
        pm = await services.postmortem.build(incident)
        if fmt == "md":
            out.write_text(render_markdown(pm), encoding="utf-8")
        else:
            out.write_bytes(await asyncio.to_thread(build_workbook, pm))
        return out
    finally:
        await services.engine.dispose()


async def export_report(settings: Settings, team: TeamConfig, month: str, out: Path) -> Path:
    services = build_services(settings, team, SystemClock(), drive_wall_clock=False)
    try:
        out.write_bytes(await month_report(services, month, team.locale))
        return out
    finally:
        await services.engine.dispose()
