"""Assembling the monthly report from stored incidents: shared by `/incident report` and
`hikeshi report`. Reads through ports only (no Slack call: owners' names come from the
postmortem versions already written), then lays the file out off the event loop."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from i18n import t
from incident.model import Incident, TimelineEntry
from postmortem.model import ActionItem, StoredDraft
from postmortem.offload import Offload
from postmortem.report import (
    DEFAULT_OUTAGE_SEVERITIES,
    OpenAction,
    ReportIncident,
    Window,
    build_month_report,
    month_bounds,
    previous_month,
)


class ReportIncidents(Protocol):
    async def started_between(self, *, start: datetime, end: datetime) -> list[Incident]: ...

    async def entries(self, incident_id: int) -> list[TimelineEntry]: ...


class ReportPostmortems(Protocol):
    async def actions(self, incident_id: int) -> list[ActionItem]: ...

    async def open_actions(self) -> list[tuple[int, str, ActionItem]]: ...

    async def latest(self, incident_id: int) -> StoredDraft | None: ...


@dataclass(frozen=True, slots=True)
class ReportSettings:
    tz: ZoneInfo
    services_slo: Mapping[str, float]
    severities: Sequence[str]
    severity_label: Callable[[str, str], str]
    response_target: Callable[[str], timedelta | None]
    sla_target: float = 99.9
    outage_severities: frozenset[str] = DEFAULT_OUTAGE_SEVERITIES


def impact_in_words(incident: Incident, locale: str) -> str:
    """``2,000 users affected, for 135 min, services: checkout``: what the impact was, not the command typed."""
    impact, parts = incident.impact, []
    if impact.users is not None:
        parts.append(t("postmortem.report.impact.users", locale, users=f"{impact.users:,}"))
    if incident.resolved_at is not None:
        minutes = round((incident.resolved_at - incident.started_at).total_seconds() / 60)
        parts.append(t("postmortem.report.impact.minutes", locale, minutes=f"{minutes:,}"))
    if impact.services:
        parts.append(t("postmortem.report.impact.services", locale, services=", ".join(impact.services)))
    if not parts:
        return t("postmortem.report.impact.none", locale)
    return t("postmortem.report.impact.join", locale).join(parts)


async def month_report(
    incidents: ReportIncidents,
    postmortems: ReportPostmortems | None,
    settings: ReportSettings,
    month: str,
    locale: str,
    *,
    as_of: datetime,
    offload: Offload,
    planned: Sequence[Window] = (),
) -> bytes:
    """The report for ``month`` (with the month before, for the comparison). ``planned`` is the
    planned downtime (maintenance windows); empty until something records them."""
    start, _ = month_bounds(previous_month(month), settings.tz)
    _, end = month_bounds(month, settings.tz)
    rows: list[ReportIncident] = []
    for incident in await incidents.started_between(start=start, end=end):
        entries = await incidents.entries(incident.id)
        actions = await postmortems.actions(incident.id) if postmortems else []

        def texts(kind: str, entries: list[TimelineEntry] = entries) -> str:
            return "; ".join(e.text for e in entries if e.kind == kind and e.text and not e.deleted)

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
                response_target=settings.response_target(incident.severity),
                impact=impact_in_words(incident, locale),
                cause=texts("root_cause"),
                response=texts("mitigation") or incident.resolution_summary,
                prevention="; ".join(a.text for a in actions),
                detected_at=incident.detected_at,
            )
        )
    open_actions: list[OpenAction] = []
    names: dict[str, str] = {}
    if postmortems is not None:
        for incident_id, ref, item in await postmortems.open_actions():
            open_actions.append(OpenAction(ref, item))
            if item.owner and item.owner not in names:
                stored = await postmortems.latest(incident_id)
                names |= {k: v for k, v in (stored.names if stored else {}).items() if k not in names}
    slo = dict(settings.services_slo)
    for row in rows:
        for service in row.services:
            slo.setdefault(service, settings.sla_target)
    labels = {s: settings.severity_label(s, locale) for s in {*settings.severities, *(r.severity for r in rows)}}
    # Laying out the workbook is CPU-bound: it runs wherever ``offload`` sends it (a worker process).
    return await offload(
        build_month_report,
        rows,
        month,
        services_slo=slo,
        severities=settings.severities,
        severity_labels=labels,
        tz=settings.tz,
        locale=locale,
        as_of=as_of,
        outage_severities=settings.outage_severities,
        planned=planned,
        sla_target=settings.sla_target,
        actions=open_actions,
        names=names,
    )
