"""A short Block Kit summary of the postmortem for the incident channel.

Plain dicts (no Slack SDK here), kept inside Block Kit's limits: header ≤ 150 characters,
section text ≤ 3,000, ≤ 10 fields of ≤ 2,000 each, far fewer than 50 blocks, and a
``text`` fallback for notifications.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from incident.durations import format_duration
from incident.impact import plain
from postmortem.labels import Labels
from postmortem.model import PostmortemInput
from postmortem.root_cause import prefill

HEADER_MAX = 150
SECTION_MAX = 3_000
FIELD_MAX = 2_000
MAX_FIELDS = 10

Block = dict[str, Any]


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mrkdwn_escape(text: str) -> str:
    # Slack's three control characters; anything else in user text shows as typed.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _field(label: str, value: str) -> Block:
    return {"type": "mrkdwn", "text": _cut(f"*{label}*\n{value}", FIELD_MAX)}


def render_summary_blocks(pm: PostmortemInput) -> tuple[str, list[Block]]:
    """(notification text, blocks): headline figures, the direct cause and the open actions."""
    L = Labels(pm.locale, str(pm.tz))
    i, f = pm.incident, pm.impact
    entries = len(pm.timeline)
    text = L(
        "postmortem.summary_posted",
        version=str(pm.version),
        ref=str(i.ref),
        duration=plain(f.duration_minutes),
        availability=plain(f.availability, 3),
        entries=str(entries),
    )
    durations = dict(pm.durations())
    done = sum(1 for a in pm.actions if a.done)
    figures = [
        (L("postmortem.severity"), pm.label(i.severity)),
        (L("postmortem.impact.duration"), plain(f.duration_minutes)),
        (L("postmortem.impact.availability"), f"{plain(f.availability, 3)} %" if f.availability is not None else "—"),
        (L("postmortem.impact.users"), f"{f.affected_users:,}" if f.affected_users is not None else "—"),
        (L("postmortem.time.to_detect"), _duration(durations["to_detect"], pm.locale)),
        (L("postmortem.time.to_acknowledge"), _duration(durations["to_acknowledge"], pm.locale)),
        (L("postmortem.time.to_resolve"), _duration(durations["to_resolve"], pm.locale)),
        (
            L("postmortem.blocks.actions"),
            L("postmortem.blocks.actions_count", open=str(len(pm.actions) - done), done=str(done)),
        ),
    ]
    blocks: list[Block] = [
        {
            "type": "header",
            "text": {
                "type": "plain_text",
                "text": _cut(L("postmortem.blocks.header", version=str(pm.version), ref=str(i.ref)), HEADER_MAX),
            },
        },
        {"type": "section", "text": {"type": "mrkdwn", "text": _cut(f"*{_mrkdwn_escape(i.title)}*", SECTION_MAX)}},
        {"type": "section", "fields": [_field(label, value) for label, value in figures[:MAX_FIELDS]]},
    ]
    rca = prefill(pm.entries, pm.actions)
    if rca.direct:
        cause = f"*{L('postmortem.rca.direct')}*\n{_mrkdwn_escape(rca.direct[0])}"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _cut(cause, SECTION_MAX)}})
    open_actions = [a for a in sorted(pm.actions, key=lambda a: a.n) if not a.done]
    if open_actions:
        lines = [
            f"☐ {a.n}. {_mrkdwn_escape(' '.join(a.text.split()))}"
            + (f" — {_mrkdwn_escape(pm.name(a.owner))}" if a.owner else "")
            + f" ({L('postmortem.due')} {a.due.isoformat()})"
            for a in open_actions
        ]
        body = f"*{L('postmortem.blocks.actions')}*\n" + "\n".join(lines)
        if len(body) > SECTION_MAX:
            more = "\n" + L("postmortem.blocks.more")
            body = body[: SECTION_MAX - len(more)].rsplit("\n", 1)[0] + more
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": body}})
    footer = L(
        "postmortem.blocks.footer",
        generated=pm.generated_at.astimezone(pm.tz).strftime("%Y-%m-%d %H:%M"),
        zone=L.zone,
        entries=str(entries),
    )
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _cut(footer, SECTION_MAX)}]})
    return text, blocks


def _duration(span: timedelta | None, locale: str) -> str:
    return format_duration(span, locale) if span is not None else "—"
