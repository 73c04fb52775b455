"""What ``GET /metrics`` shows, in Prometheus' text format: the one place that names the series.

Each process (each app a test builds) gets its own registry, so several bots in one process
never collide. The rest of the code makes thin calls into ``Metrics``; adapters that must not
import ``bot`` (the Slack gateway and pager) get its bound methods as plain callbacks.
Gauges read from the database (open incidents, overdue deadlines) are refreshed at scrape time
and on each audit cycle, with async queries, never blocking the loop.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from storage.deadlines import SqlDeadlineStore
from storage.incidents import SqlIncidentStore

CONTENT_TYPE = CONTENT_TYPE_LATEST
# A page's lateness is a matter of milliseconds on a healthy replica and seconds when one died.
LATENESS_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 15.0, 30.0, 60.0, 300.0)
ESCALATING_REASONS = frozenset({"manual", "ack_timeout", "handle_timeout"})


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "hikeshi_http_requests", "HTTP requests answered, by route and status.", ["route", "status"], registry=r
        )
        self.latency = Histogram(
            "hikeshi_http_request_duration_seconds", "Time to answer an HTTP request, by route.", ["route"], registry=r
        )
        self.open_incidents = Gauge(
            "hikeshi_incidents_open", "Incidents not yet resolved or closed, by severity.", ["severity"], registry=r
        )
        self.pages = Counter(
            "hikeshi_pages_sent", "Pages sent (DMs to the paged level), by level.", ["level"], registry=r
        )
        self.escalations = Counter(
            "hikeshi_pages_escalated",
            "Pages that escalated (timeout or escalate-now), by level.",
            ["level"],
            registry=r,
        )
        self.acks = Counter("hikeshi_pages_acknowledged", "Pages acknowledged.", registry=r)
        self.lateness = Histogram(
            "hikeshi_deadline_lateness_seconds",
            "Fire time minus due time of each deadline, by kind.",
            ["kind"],
            buckets=LATENESS_BUCKETS,
            registry=r,
        )
        self.overdue = Gauge("hikeshi_outbox_depth", "Deadlines due and not yet fired or cancelled.", registry=r)
        self.overdue_age = Gauge(
            "hikeshi_outbox_oldest_age_seconds", "How long the oldest due, unfired deadline has waited.", registry=r
        )
        self.slack_errors = Counter(
            "hikeshi_slack_api_errors",
            "Slack Web API calls that failed, by method and code.",
            ["method", "code"],
            registry=r,
        )
        self.takeovers = Counter(
            "hikeshi_lease_takeovers", "Deadlines taken over from another replica whose lease ran out.", registry=r
        )
        self.rearmed = Counter("hikeshi_audit_rearmed", "Deadlines the auditor found missing and re-armed.", registry=r)
        self.audits = Counter("hikeshi_audit_cycles", "Audit cycles, by outcome.", ["outcome"], registry=r)
        self.heartbeat = Gauge(
            "hikeshi_heartbeat_last_success_timestamp_seconds",
            "Unix time of the last audit cycle that succeeded (and pinged the heartbeat URL, when set).",
            registry=r,
        )
        self.heartbeat_failures = Counter("hikeshi_heartbeat_ping_failures", "Heartbeat pings that failed.", registry=r)

    # -- thin calls from the rest of the bot -----------------------------------------------------

    def request_answered(self, route: str, status: int, seconds: float) -> None:
        self.requests.labels(route, str(status)).inc()
        self.latency.labels(route).observe(seconds)

    def page_sent(self, level: str, reason: str) -> None:
        self.pages.labels(level).inc()
        if reason in ESCALATING_REASONS:
            self.escalations.labels(level).inc()

    def page_acknowledged(self) -> None:
        self.acks.inc()

    def deadline_fired(self, kind: str, late: timedelta) -> None:
        self.lateness.labels(kind).observe(max(0.0, late.total_seconds()))

    def slack_error(self, method: str, code: str) -> None:
        self.slack_errors.labels(method, code).inc()

    def lease_taken_over(self) -> None:
        self.takeovers.inc()

    def audited(self, rearmed: int, *, ok: bool) -> None:
        self.audits.labels("ok" if ok else "failed").inc()
        if rearmed:
            self.rearmed.inc(rearmed)

    def heartbeat_ok(self, at: datetime) -> None:
        self.heartbeat.set(at.timestamp())

    def heartbeat_failed(self) -> None:
        self.heartbeat_failures.inc()

    # -- gauges read from the database ------------------------------------------------------------

    async def refresh(
        self, incidents: SqlIncidentStore, deadlines: SqlDeadlineStore, now: datetime, severities: list[str]
    ) -> None:
        by_severity = dict.fromkeys(severities, 0)
        for incident in await incidents.list_open():
            by_severity[incident.severity] = by_severity.get(incident.severity, 0) + 1
        for severity, count in by_severity.items():
            self.open_incidents.labels(severity).set(count)
        count, oldest = await deadlines.overdue_stats(now)
        self.overdue.set(count)
        self.overdue_age.set(max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
