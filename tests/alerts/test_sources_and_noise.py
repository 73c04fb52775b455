"""The pure alert domain with the captured Alertmanager and Opsgenie payloads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from alerts.config import AlertConfigError, AlertsConfig, Source
from alerts.maintenance import MaintenanceWindow
from alerts.model import Alert, AlertStatus, BadPayload
from alerts.noise import Attach, Declare, Ignore, Known, Recover, Repeat, Triage, UnderMaintenance, correlation, decide
from alerts.sources import parse_alertmanager, parse_generic, parse_opsgenie_create, parse_opsgenie_update
from incident.command_types import CommandError, Maintenance
from incident.commands import parse_command
from incident.severity import DEFAULT_SCALE
from tests.alerts.conftest import payload_json

SCALE = ("critical", "high", "medium", "low")
CONFIG = AlertsConfig.from_config({}, SCALE)
AM = Source("prod-am", "alertmanager", "secret-token")
OG = Source("prod-og", "opsgenie", "secret-key")
NOW = datetime(2026, 11, 22, 21, 20, tzinfo=UTC)


def test_firing_single() -> None:
    [alert] = parse_alertmanager(payload_json("api-01-firing-single.json"), AM, CONFIG)
    assert alert.status is AlertStatus.FIRING
    assert alert.name == "HighErrorRate" and alert.severity == "critical"
    assert alert.service == "payments-api" and alert.host == "10.0.1.5:8080"
    assert alert.key == "972082bb3d084c75" and alert.ends_at is None  # year 1 means "no end"
    assert alert.generator_url.startswith("http://prometheus.example.internal:9090/graph")
    assert alert.group == '{}:{alertname="HighErrorRate", service="payments-api"}'
    assert alert.title == "[CRITICAL] HighErrorRate: 5xx ratio above 5% on 10.0.1.5:8080"
    assert "504 Gateway Timeout" in alert.text


def test_grouped_repeat_partial_and_full_resolution() -> None:
    two = parse_alertmanager(payload_json("api-02-firing-grouped-two.json"), AM, CONFIG)
    repeat = parse_alertmanager(payload_json("api-03-repeat-after-repeat-interval.json"), AM, CONFIG)
    partial = parse_alertmanager(payload_json("api-04-one-of-two-resolved.json"), AM, CONFIG)
    full = parse_alertmanager(payload_json("api-05-resolved.json"), AM, CONFIG)
    assert [a.key for a in two] == [a.key for a in repeat] == ["972082bb3d084c75", "4ab11b9737241be0"]
    assert [a.status for a in partial] == [AlertStatus.RESOLVED, AlertStatus.FIRING]
    assert partial[0].ends_at is not None
    assert [(a.key, a.status) for a in full] == [("4ab11b9737241be0", AlertStatus.RESOLVED)]


def test_prometheus_nanoseconds_truncation_and_no_start() -> None:
    [fired] = parse_alertmanager(payload_json("prom-01-firing.json"), AM, CONFIG)
    [resolved] = parse_alertmanager(payload_json("prom-02-resolved.json"), AM, CONFIG)
    assert fired.key == resolved.key and resolved.status is AlertStatus.RESOLVED
    [no_end] = parse_alertmanager(payload_json("timeout-01-firing-no-endsAt.json"), AM, CONFIG)
    assert no_end.starts_at is not None and no_end.starts_at.tzinfo is not None
    truncated = parse_alertmanager(payload_json("maxalerts-01-truncated.json"), AM, CONFIG)
    assert len(truncated) == 2


def test_grafana_version_1_with_extras_reads_the_same() -> None:
    body = payload_json("api-01-firing-single.json")
    body.update(version="1", orgId=1, title="[FIRING:1] HighErrorRate", state="alerting", message="…")
    body["alerts"][0].update(silenceURL="http://grafana/silence", dashboardURL="", valueString="B=0.12")
    [alert] = parse_alertmanager(body, AM, CONFIG)
    assert alert.name == "HighErrorRate" and alert.severity == "critical"


def test_opsgenie_create_and_close_as_alertmanager_sends_them() -> None:
    call = parse_opsgenie_create(payload_json("opsgenie-01-create.json")["body"], OG, CONFIG)
    assert call.action == "create" and call.alert is not None
    assert call.alias == "9442242ceb306ae82bdc951a1acea3b63f4229400285a32eafaf565d64e9f02a"
    assert call.alert.severity == "critical" and call.alert.service == "selfcheck-og"
    assert call.alert.generator_url.startswith("http://prometheus.example.internal")
    assert (
        call.alert.description
        == "selfcheck-og down (acceptance) https://runbooks.example.internal/selfcheck-og selfcheck-og down"
    )
    close = parse_opsgenie_update("close", call.alias, payload_json("opsgenie-02-close.json")["body"])
    assert close.action == "close" and close.alias == call.alias


def test_opsgenie_priority_map_then_severity_detail_then_tag() -> None:
    og = Source("og", "opsgenie", "secret-key", priority_map={"P1": "critical", "P2": "high", "P3": "medium"})
    assert parse_opsgenie_create({"message": "m", "priority": "P3"}, og, CONFIG).alert.severity == "medium"  # type: ignore[union-attr]
    by_detail = parse_opsgenie_create({"message": "m", "details": {"severity": "warning"}}, og, CONFIG)
    assert by_detail.alert.severity == "high"  # type: ignore[union-attr]
    by_tag = parse_opsgenie_create({"message": "m", "tags": ["critical"]}, og, CONFIG)
    assert by_tag.alert.severity == "critical"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([], "body"),
        ({"alerts": {}}, "alerts"),
        ({"alerts": [1]}, "alerts[0]"),
        ({"alerts": [{"status": "x"}]}, "alerts[0].status"),
    ],
)
def test_alertmanager_shape_errors_name_the_field(body: object, field: str) -> None:
    with pytest.raises(BadPayload) as caught:
        parse_alertmanager(body, AM, CONFIG)
    assert caught.value.field == field


def test_generic_shape() -> None:
    [alert] = parse_generic({"title": "Disk full", "severity": "warning", "service": "db", "host": "db-1"}, AM, CONFIG)
    assert alert.severity == "high" and alert.key == "db|db-1|Disk full" and alert.status is AlertStatus.FIRING
    with pytest.raises(BadPayload) as caught:
        parse_generic({"title": "x", "severity": "apocalyptic"}, AM, CONFIG)
    assert caught.value.field == "severity"


def _alert(service: str = "checkout", host: str = "web-1", key: str = "k1", **kw: object) -> Alert:
    fields: dict[str, object] = {
        "source": "hooks",
        "key": key,
        "status": AlertStatus.FIRING,
        "name": "n",
        "severity": "critical",
    }
    fields.update(kw)
    return Alert(service=service, host=host, metric=key, **fields)  # type: ignore[arg-type]


def _known(alert: Alert, *, seen: datetime = NOW, incident: int | None = 7, resolved: datetime | None = None) -> Known:
    return Known(1, alert, seen, seen, resolved, incident, incident is not None)


def test_correlation_score_is_exact_and_configurable() -> None:
    g = CONFIG.grouping
    assert correlation(_alert(), _alert(key="k2"), g) == 0.7  # not 0.7000000000000001
    assert correlation(_alert(), _alert(host="web-2", key="k2"), g) == 0.3
    deps = AlertsConfig.from_config({"grouping": {"dependencies": {"checkout": ["payments"]}}}, SCALE).grouping
    assert correlation(_alert(), _alert(service="payments", host="db", key="k2"), deps) == 0.5


def test_decisions() -> None:
    first = _alert()
    assert decide(first, NOW, [], [], CONFIG) == Declare()
    assert isinstance(decide(first, NOW + timedelta(hours=3), [_known(first)], [], CONFIG), Repeat)
    grouped = decide(_alert(key="k2"), NOW + timedelta(seconds=30), [_known(first)], [], CONFIG)
    assert isinstance(grouped, Attach) and grouped.incident_id == 7 and grouped.score == 0.7
    late = decide(_alert(key="k2"), NOW + timedelta(seconds=61), [_known(first)], [], CONFIG)
    assert late == Declare()
    same_service_only = decide(_alert(host="web-2", key="k2"), NOW, [_known(first)], [], CONFIG)
    assert same_service_only == Declare()
    lower = AlertsConfig.from_config({"grouping": {"threshold": 0.3}}, SCALE)
    assert isinstance(decide(_alert(host="web-2", key="k2"), NOW, [_known(first)], [], lower), Attach)
    assert decide(_alert(severity="medium"), NOW, [], [], CONFIG) == Triage()
    resolved = _alert(status=AlertStatus.RESOLVED)
    assert isinstance(decide(resolved, NOW, [_known(first)], [], CONFIG), Recover)
    assert isinstance(decide(resolved, NOW, [], [], CONFIG), Ignore)


def test_maintenance_window_decisions() -> None:
    window = MaintenanceWindow(1, "checkout", NOW, NOW + timedelta(hours=2), "upgrade", "U0ALICE")
    assert isinstance(decide(_alert(), NOW + timedelta(minutes=5), [], [window], CONFIG), UnderMaintenance)
    assert decide(_alert(service="billing"), NOW, [], [window], CONFIG) == Declare()
    assert decide(_alert(), NOW + timedelta(hours=2), [], [window], CONFIG) == Declare()


def test_config_errors_name_the_setting() -> None:
    for raw, setting in (
        ({"declare_from": "urgent"}, "alerts.declare_from"),
        ({"sources": [{"type": "nagios", "token": "x" * 10}]}, "alerts.sources[0].type"),
        ({"sources": [{"type": "alertmanager", "token": "short"}]}, "alerts.sources[0].token"),
        ({"max_body": "lots"}, "alerts.max_body"),
        ({"dedupe": {"window": "5"}}, "alerts.dedupe.window"),
        ({"on_resolved": "close"}, "alerts.on_resolved"),
        ({"colour": 1}, "alerts.colour"),
    ):
        with pytest.raises(AlertConfigError) as caught:
            AlertsConfig.from_config(raw, SCALE)
        assert str(caught.value).startswith(setting), raw
    assert AlertsConfig.from_config({"max_body": "2MiB"}, SCALE).max_body == 2 * 1024 * 1024


def test_maintenance_command_parses() -> None:
    assert parse_command("maintenance start 2h --service checkout DB upgrade", DEFAULT_SCALE) == Maintenance(
        "start", "checkout", 7200, "DB upgrade"
    )
    assert parse_command("メンテナンス 一覧", DEFAULT_SCALE) == Maintenance("list")
    assert parse_command("maintenance end --service checkout", DEFAULT_SCALE) == Maintenance("end", "checkout")
    for text, key in (
        ("maintenance", "commands.maintenance_usage"),
        ("maintenance start 2 --service x", "commands.maintenance_bad_duration"),
        ("maintenance start 2h", "commands.maintenance_needs_service"),
        ("maintenance start 9d --service x", "commands.maintenance_too_long"),
        ("maintenance start 2h --service", "commands.flag_needs_value"),
        ("maintenance start 2h --service ../x", "commands.maintenance_bad_service"),
    ):
        parsed = parse_command(text, DEFAULT_SCALE)
        assert isinstance(parsed, CommandError) and parsed.key == key, text
