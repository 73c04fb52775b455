"""Wires the monthly report (assembled in postmortem/monthly.py) to the stored data and the team config."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot.config import ConfigError, TeamConfig
from incident.severity import SeverityScale
from postmortem.monthly import ReportSettings
from postmortem.monthly import month_report as assemble
from postmortem.report import DEFAULT_OUTAGE_SEVERITIES

if TYPE_CHECKING:
    from bot.container import Services


def outage_severities(team: TeamConfig, scale: SeverityScale) -> frozenset[str]:
    """``postmortem.outage_severities``: the severities whose impact counts as downtime."""
    raw = team.postmortem.get("outage_severities")
    if raw is None:
        return frozenset(DEFAULT_OUTAGE_SEVERITIES & set(scale.keys())) or frozenset(scale.keys()[:1])
    if not isinstance(raw, list) or not raw:
        raise ConfigError("postmortem.outage_severities", "a list of severities, e.g. [critical, high]")
    unknown = [str(s) for s in raw if scale.get(str(s)) is None]
    if unknown:
        known = ", ".join(scale.keys())
        raise ConfigError("postmortem.outage_severities", f"unknown severity {unknown[0]!r} (known: {known})")
    return frozenset(level.key for s in raw if (level := scale.get(str(s))) is not None)


def report_settings(services: Services) -> ReportSettings:
    team, scale = services.team, services.scale
    sla = float(services.postmortem.settings.sla_target)
    slo = {str(k): float(v.get("slo", sla)) for k, v in team.services.items()}

    def response_target(severity: str) -> timedelta | None:
        level = scale.get(severity)
        return level.response_target if level else None

    return ReportSettings(
        tz=team.tz,
        services_slo=slo,
        severities=scale.keys(),
        severity_label=services.severity_label,
        response_target=response_target,
        sla_target=sla,
        outage_severities=outage_severities(team, scale),
    )


async def month_report(services: Services, month: str, locale: str) -> bytes:
    # Planned downtime stays empty until maintenance windows are recorded somewhere to read.
    return await assemble(
        services.store,
        services.postmortems,
        report_settings(services),
        month,
        locale,
        as_of=services.clock.now(),
        offload=services.exports,
    )
