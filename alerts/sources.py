"""Reading each source's body into ``Alert`` values. Pure: a parsed JSON value in, alerts out.

Every function raises ``BadPayload`` naming the field when the body is not the source's shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from alerts.config import AlertsConfig, Source
from alerts.model import Alert, AlertStatus, BadPayload

_HOST_LABELS = ("host", "hostname", "instance", "node", "pod")
_SERVICE_LABELS = ("service", "app", "job")
_TEXT_LIMIT = 3000


def _mapping(value: object, field_name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadPayload(field_name, "must be an object")
    return value


def _text(value: object, field_name: str, *, required: bool = False) -> str:
    if value is None or value == "":
        if required:
            raise BadPayload(field_name, "is required")
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise BadPayload(field_name, "must be a string")
    return str(value)[:_TEXT_LIMIT]


def _labels(value: object, field_name: str) -> dict[str, str]:
    if value is None:
        return {}
    raw = _mapping(value, field_name)
    return {str(k)[:200]: str(v)[:500] for k, v in raw.items()}


def _time(value: object, field_name: str) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise BadPayload(field_name, "must be an RFC 3339 time")
    text = value.strip()
    if text.startswith("0001-01-01"):
        return None  # Alertmanager's "no end time"
    if "." in text:  # Alertmanager may send nanoseconds; Python reads at most microseconds
        head, _, tail = text.partition(".")
        digits = "".join(c for c in tail if c.isdigit())
        zone = tail[len(digits) :]
        text = f"{head}.{digits[:6].ljust(6, '0')}{zone}"
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadPayload(field_name, "must be an RFC 3339 time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _first(labels: Mapping[str, str], names: tuple[str, ...]) -> str:
    return next((labels[n] for n in names if labels.get(n)), "")


def _severity(config: AlertsConfig, *candidates: str) -> str:
    for candidate in candidates:
        if candidate and candidate.lower() in config.severity_map:
            return config.severity_map[candidate.lower()]
    return config.default_severity


def parse_alertmanager(body: object, source: Source, config: AlertsConfig) -> list[Alert]:
    """Alertmanager's webhook (version 4), and Grafana's webhook contact point (version 1)."""
    payload = _mapping(body, "body")
    items = payload.get("alerts")
    if not isinstance(items, list):
        raise BadPayload("alerts", "must be a list")
    group_status = _text(payload.get("status"), "status")
    common = _labels(payload.get("commonLabels"), "commonLabels")
    group = _text(payload.get("groupKey"), "groupKey")[:500]
    alerts: list[Alert] = []
    for i, item in enumerate(items):
        where = f"alerts[{i}]"
        raw = _mapping(item, where)
        labels = {**common, **_labels(raw.get("labels"), f"{where}.labels")}
        annotations = _labels(raw.get("annotations"), f"{where}.annotations")
        status_text = _text(raw.get("status"), f"{where}.status") or group_status
        if status_text not in ("firing", "resolved"):
            raise BadPayload(f"{where}.status", "must be firing or resolved")
        name = labels.get("alertname") or _text(raw.get("title"), f"{where}.title") or "alert"
        fingerprint = _text(raw.get("fingerprint"), f"{where}.fingerprint")
        key = fingerprint or "labels:" + ",".join(f"{k}={v}" for k, v in sorted(labels.items()))
        alerts.append(
            Alert(
                source=source.name,
                key=key,
                status=AlertStatus(status_text),
                name=name,
                severity=_severity(config, labels.get("severity", ""), labels.get("priority", "")),
                service=_first(labels, _SERVICE_LABELS),
                host=_first(labels, _HOST_LABELS),
                metric=name,
                summary=annotations.get("summary", "") or annotations.get("message", ""),
                description=annotations.get("description", ""),
                generator_url=_text(raw.get("generatorURL"), f"{where}.generatorURL"),
                labels=labels,
                group=group,
                starts_at=_time(raw.get("startsAt"), f"{where}.startsAt"),
                ends_at=_time(raw.get("endsAt"), f"{where}.endsAt"),
            )
        )
    return alerts


@dataclass(frozen=True, slots=True)
class OpsgenieCall:
    """What an Opsgenie-API request asks: create, close, or update text of the alert ``alias``."""

    action: str  # create | close | message | description
    alias: str
    alert: Alert | None = None
    text: str = ""


def parse_opsgenie_create(body: object, source: Source, config: AlertsConfig) -> OpsgenieCall:
    payload = _mapping(body, "body")
    message = _text(payload.get("message"), "message", required=True)
    alias = _text(payload.get("alias"), "alias") or message
    details = _labels(payload.get("details"), "details")
    tags_raw = payload.get("tags") or []
    if not isinstance(tags_raw, list):
        raise BadPayload("tags", "must be a list of strings")
    tags = [str(t) for t in tags_raw]
    tag_pairs = dict(t.split("=", 1) for t in tags if "=" in t)
    labels = {**tag_pairs, **details}
    priority = _text(payload.get("priority"), "priority").upper()
    if priority and priority not in ("P1", "P2", "P3", "P4", "P5"):
        raise BadPayload("priority", "must be one of P1..P5")
    if priority and priority in source.priority_map:
        severity = source.priority_map[priority]
    else:
        tag_severity = next((t for t in tags if t.lower() in config.severity_map), "")
        severity = _severity(config, labels.get("severity", ""), tag_severity)
    description = _text(payload.get("description"), "description")
    return OpsgenieCall(
        "create",
        alias,
        Alert(
            source=source.name,
            key=alias[:512],
            status=AlertStatus.FIRING,
            name=labels.get("alertname") or message,
            severity=severity,
            service=_first(labels, _SERVICE_LABELS) or _text(payload.get("entity"), "entity"),
            host=_first(labels, _HOST_LABELS),
            metric=labels.get("alertname") or message,
            summary=message,
            description=description.split("\nAlerts Firing:")[0].strip(),
            generator_url=_source_url(description),
            labels=labels,
        ),
    )


def _source_url(description: str) -> str:
    for line in description.splitlines():
        if line.startswith("Source: http"):
            return line.removeprefix("Source: ").strip()
    return ""


def parse_opsgenie_update(action: str, alias: str, body: object) -> OpsgenieCall:
    payload = _mapping(body, "body") if body is not None else {}
    if not alias:
        raise BadPayload("alias", "is required in the path")
    if action == "close":
        return OpsgenieCall("close", alias, text=_text(payload.get("note"), "note"))
    field_name = "message" if action == "message" else "description"
    return OpsgenieCall(action, alias, text=_text(payload.get(field_name), field_name, required=True))


GENERIC_FIELDS = (
    "title", "severity", "service", "host", "metric", "description", "fingerprint",
    "status", "starts_at", "ends_at", "url", "labels",
)  # fmt: skip


def parse_generic(body: object, source: Source, config: AlertsConfig) -> list[Alert]:
    """Our own documented shape: one alert object, or a list of them."""
    items = body if isinstance(body, list) else [body]
    alerts: list[Alert] = []
    for i, item in enumerate(items):
        where = f"[{i}]." if isinstance(body, list) else ""
        raw = _mapping(item, where.rstrip(".") or "body")
        unknown = sorted(set(raw) - set(GENERIC_FIELDS))
        if unknown:
            raise BadPayload(where + unknown[0], "is not a field of the generic shape")
        title = _text(raw.get("title"), where + "title", required=True)
        status = _text(raw.get("status"), where + "status") or "firing"
        if status not in ("firing", "resolved"):
            raise BadPayload(where + "status", "must be firing or resolved")
        severity_text = _text(raw.get("severity"), where + "severity")
        if severity_text and severity_text.lower() not in config.severity_map:
            raise BadPayload(where + "severity", f"must be one of {', '.join(config.severity_map)}")
        service = _text(raw.get("service"), where + "service")
        host = _text(raw.get("host"), where + "host")
        metric = _text(raw.get("metric"), where + "metric")
        fingerprint = _text(raw.get("fingerprint"), where + "fingerprint") or f"{service}|{host}|{metric or title}"
        alerts.append(
            Alert(
                source=source.name,
                key=fingerprint[:512],
                status=AlertStatus(status),
                name=title,
                severity=_severity(config, severity_text),
                service=service,
                host=host,
                metric=metric or title,
                description=_text(raw.get("description"), where + "description"),
                generator_url=_text(raw.get("url"), where + "url"),
                labels=_labels(raw.get("labels"), where + "labels"),
                starts_at=_time(raw.get("starts_at"), where + "starts_at"),
                ends_at=_time(raw.get("ends_at"), where + "ends_at"),
            )
        )
    return alerts
