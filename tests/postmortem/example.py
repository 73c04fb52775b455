"""The source's worked example as a postmortem input: 14:30 → 16:45, 10,000 users, 50 tps."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from incident.model import EntrySource, Impact, Incident, IncidentRef, Status, TimelineEntry
from postmortem.model import ActionItem, KbSuggestion, PageSummary, PostmortemInput

TOKYO = ZoneInfo("Asia/Tokyo")


def jst(h: int, m: int) -> datetime:
    return datetime(2026, 11, 22, h, m, tzinfo=TOKYO).astimezone(UTC)


def entry(seq: int, at: datetime, kind: str, text: str, actor: str | None = "U0ALICE", **kw: Any) -> TimelineEntry:
    return TimelineEntry(seq, 1, seq, at, at, kind, text, actor, EntrySource.COMMAND, **kw)


def example(locale: str = "en", *, notes: int = 0) -> PostmortemInput:
    incident = Incident(
        id=1,
        ref=IncidentRef(2026, 7),
        title="決済APIで504が多発",
        severity="critical",
        status=Status.RESOLVED,
        declared_by="U0ALICE",
        declared_at=jst(14, 36),
        started_at=jst(14, 30),
        commander="U0ALICE",
        detected_at=jst(14, 35),
        acknowledged_at=jst(14, 40),
        mitigated_at=jst(16, 30),
        resolved_at=jst(16, 45),
        resolution_summary="Rolled back release 2026.11.22-3",
        impact=Impact(users=10000, tps=50, revenue_per_txn=10, services=["checkout", "payments"]),
    )
    entries = [
        entry(1, jst(14, 30), "started", "Release 2026.11.22-3 deployed"),
        entry(2, jst(14, 35), "alert", "5xx rate above 2% on checkout", actor=None),
        entry(3, jst(14, 36), "declared", "決済APIで504が多発"),
        entry(4, jst(14, 50), "hypothesis", "DB connection pool exhausted"),
        entry(5, jst(15, 5), "verification", "pool at 200/200 connections", amended=True),
        entry(
            6,
            jst(15, 20),
            "severity_changed",
            "high → critical",
            data={"severity_from": "high", "severity_to": "critical"},
        ),
        entry(7, jst(15, 40), "root_cause", "Config push halved the pool size"),
        entry(
            10,
            jst(15, 45),
            "note",
            "pool graph after the config push",
            actor="U0BOB",
            permalink="https://acme.slack.com/archives/C0INC/p1700000000000100",
            files=[{"name": "pool.png", "permalink": "https://acme.slack.com/files/U0BOB/F0POOL/pool.png"}],
        ),
        entry(
            11,
            jst(15, 50),
            "status_changed",
            "",
            data={"status_from": "investigating", "status_to": "identified"},
        ),
        entry(8, jst(16, 30), "mitigation", '=HYPERLINK("http://evil") rolled back'),
        entry(9, jst(16, 45), "resolved", "Rolled back release 2026.11.22-3"),
    ]
    start = jst(15, 0)
    entries += [entry(100 + n, start + timedelta(seconds=n), "note", f"note {n}") for n in range(notes)]
    return PostmortemInput(
        incident=incident,
        entries=entries,
        tz=TOKYO,
        locale=locale,
        generated_at=jst(17, 5),
        version=1,
        severity_label={
            "critical": "Critical" if locale == "en" else "重大",
            "high": "High" if locale == "en" else "高",
        },
        names={"U0ALICE": "alice", "U0BOB": "bob", "U0CAROL": "carol"},
        pages=[
            PageSummary("level1", "page", "declared", ("U0BOB",), jst(14, 36), "U0BOB", jst(14, 40)),
            PageSummary("level2", "fyi", "fyi", ("U0CAROL",), jst(14, 36), "U0BOB", jst(14, 40)),
        ],
        suggestions=[KbSuggestion("kb-gateway-timeout", "504 Gateway Timeout", jst(14, 37), "helped")],
        actions=[
            ActionItem(1, "short", "Alert on pool saturation", "U0BOB", date(2026, 12, 22), False),
            ActionItem(2, "long", "Load-test config changes", None, date(2027, 5, 22), True),
        ],
    )
