"""Report assembly: impact in words, and which severities count as outage (team config)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.config import ConfigError, TeamConfig
from bot.reports import outage_severities
from incident.model import Impact, Incident, IncidentRef, Status
from incident.severity import DEFAULT_SCALE
from postmortem.monthly import impact_in_words


def _incident(**impact: object) -> Incident:
    start = datetime(2026, 11, 5, 1, 0, tzinfo=UTC)
    return Incident(
        id=1,
        ref=IncidentRef(2026, 1),
        title="t",
        severity="high",
        status=Status.RESOLVED,
        declared_by="U0ALICE",
        declared_at=start,
        started_at=start,
        resolved_at=start + timedelta(minutes=135),
        impact=Impact(**impact),  # type: ignore[arg-type]
    )


def test_impact_reads_as_words_not_the_command() -> None:
    incident = _incident(users=2000, tps=20, services=["checkout"])
    assert impact_in_words(incident, "en") == "2,000 users affected, for 135 min, services: checkout"
    assert impact_in_words(incident, "ja") == "影響ユーザー 2,000 人、影響時間 135 分、対象サービス checkout"
    assert "tps" not in impact_in_words(incident, "en")


def test_outage_severities_default_and_config() -> None:
    scale = DEFAULT_SCALE
    assert outage_severities(TeamConfig(), scale) == {"critical", "high"}
    team = TeamConfig(postmortem={"outage_severities": ["critical", "中"]})
    assert outage_severities(team, scale) == {"critical", "medium"}
    with pytest.raises(ConfigError, match=r"postmortem\.outage_severities.*unknown severity 'hihg'"):
        outage_severities(TeamConfig(postmortem={"outage_severities": ["hihg"]}), scale)
