"""The monthly report from stored incidents: shared by `/incident report` and `hikeshi report`."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING

from incident.decisions import describe_impact
from incident.impact import DEFAULT_SLA_TARGET
from incident.model import TimelineEntry
from postmortem.report import ReportIncident, build_month_report, month_bounds

if TYPE_CHECKING:
    from bot.container import Services


async def month_report(services: Services, month: str, locale: str) -> bytes:
    start, end = month_bounds(month, services.team.tz)
    rows: list[ReportIncident] = []
    for incident in await services.store.started_between(start=start, end=end):
        entries = await services.store.entries(incident.id)
        actions = await services.postmortems.actions(incident.id)
        level = services.scale.get(incident.severity)

        def texts(kind: str, entries: Sequence[TimelineEntry] = entries) -> str:
            return "; ".join(e.text for e in entries if e.kind == kind and e.text)

        rows.append(
            ReportIncident(
                ref=str(incident.ref),
                title=incident.title,
                severity=incident.severity,
                services=tuple(incident.impact.services),
                started_at=incident.started_at,
                acknowledged_at=incident.acknowledged_at,
                mitigated_at=incident.mitigated_at,
                resolved_at=incident.resolved_at,
                response_target=level.response_target if level else None,
                impact=describe_impact(incident),
                cause=texts("root_cause"),
                response=texts("mitigation") or incident.resolution_summary,
                prevention="; ".join(a.text for a in actions),
            )
        )
    slo = {str(k): float(v.get("slo", DEFAULT_SLA_TARGET)) for k, v in services.team.services.items()}
    for row in rows:
        for service in row.services:
            slo.setdefault(service, float(DEFAULT_SLA_TARGET))
    return await asyncio.to_thread(
        build_month_report,
        rows,
        month,
        services_slo=slo,
        severities=services.scale.keys(),
        tz=services.team.tz,
        locale=locale,
    )
