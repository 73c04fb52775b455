"""The postmortem summary posted in the incident channel on resolution.

Headline figures, the direct cause and the open actions, inside Block Kit's limits
(``chat.blockkit``), with a ``text`` fallback for notifications.
"""

from __future__ import annotations

from datetime import timedelta

from chat.blockkit import SECTION_TEXT_MAX, Block, context, fields, header, mrkdwn_escape, section
from incident.durations import format_duration
from incident.impact import plain
from postmortem.labels import Labels
from postmortem.model import PostmortemInput
from postmortem.root_cause import prefill


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
        header(L("postmortem.blocks.header", version=str(pm.version), ref=str(i.ref))),
        section(f"*{mrkdwn_escape(i.title)}*"),
        fields(figures),
    ]
    rca = prefill(pm.entries, pm.actions)
    if rca.direct:
        blocks.append(section(f"*{L('postmortem.rca.direct')}*\n{mrkdwn_escape(rca.direct[0])}"))
    open_actions = [a for a in sorted(pm.actions, key=lambda a: a.n) if not a.done]
    if open_actions:
        lines = [
            f"☐ {a.n}. {mrkdwn_escape(' '.join(a.text.split()))}"
            + (f" — {mrkdwn_escape(pm.name(a.owner))}" if a.owner else "")
            + f" ({L('postmortem.due')} {a.due.isoformat()})"
            for a in open_actions
        ]
        body = f"*{L('postmortem.blocks.actions')}*\n" + "\n".join(lines)
        if len(body) > SECTION_TEXT_MAX:
            more = "\n" + L("postmortem.blocks.more")
            body = body[: SECTION_TEXT_MAX - len(more)].rsplit("\n", 1)[0] + more
        blocks.append(section(body))
    footer = L(
        "postmortem.blocks.footer",
        generated=pm.generated_at.astimezone(pm.tz).strftime("%Y-%m-%d %H:%M"),
        zone=L.zone,
        entries=str(entries),
    )
    blocks.append(context(footer))
    return text, blocks


def _duration(span: timedelta | None, locale: str) -> str:
    return format_duration(span, locale) if span is not None else "—"
