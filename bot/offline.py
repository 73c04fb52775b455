"""Exports from the command line: the same builders and stored data, no Slack calls."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings, TeamConfig
from bot.container import build_services
from bot.reports import month_report
from incident.clock import SystemClock
from incident.model import IncidentRef
from postmortem.workbook import build_workbook


async def export_incident(settings: Settings, team: TeamConfig, ref_text: str, *, fmt: str, out: Path) -> Path:
    """The last version the bot posted: the Markdown exactly as kept, the spreadsheet rebuilt
    from stored data (names as that version knew them, pages as they were sent). No Slack call."""
    ref = IncidentRef.parse(ref_text)
    if ref is None:
        raise SystemExit(f"hikeshi: {ref_text!r} is not an incident number like INC-2026-0001")
    services = build_services(settings, team, SystemClock(), drive_wall_clock=False)
    try:
        incident = await services.store.by_ref(ref)
        if incident is None:
            raise SystemExit(f"hikeshi: no incident {ref}")
        found = await services.postmortem.latest(incident)
        if found is None:
            raise SystemExit(f"hikeshi: {ref} has no postmortem yet; it is written when the incident is resolved")
        stored, pm = found
        if fmt == "md":
            out.write_text(stored.markdown, encoding="utf-8")
        else:
            out.write_bytes(await services.exports(build_workbook, pm))
        return out
    finally:
        await services.exports.close()
        await services.engine.dispose()


async def export_report(settings: Settings, team: TeamConfig, month: str, out: Path, *, locale: str) -> Path:
    services = build_services(settings, team, SystemClock(), drive_wall_clock=False)
    try:
        out.write_bytes(await month_report(services, month, locale))
        return out
    finally:
        await services.exports.close()
        await services.engine.dispose()
