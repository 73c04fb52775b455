"""The live timeline view and the full timeline text, within Block Kit's limits at any length."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from chat.dates import local_text
from i18n import t
from incident.model import Incident, TimelineEntry
from timeline.corrections import numbered
from timeline.kinds import emoji

LIVE_ENTRIES = 20
MAX_TEXT = 2900  # section text limit is 3,000; room for the decoration
MAX_BLOCKS = 50


def kind_label(kind: str, locale: str) -> str:
    key = f"timeline.kind.{kind}"
    try:
        return t(key, locale)
    except KeyError:
        return kind


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def entry_line(n: int, entry: TimelineEntry, *, locale: str, tz: ZoneInfo, limit: int = MAX_TEXT) -> str:
    fallback = local_text(entry.occurred_at, tz, with_zone=False)[-5:]
    when = f"<!date^{int(entry.occurred_at.timestamp())}^{{time}}|{fallback}>"
    parts = [f"*{n}.* {emoji(entry.kind)} {when} *{kind_label(entry.kind, locale)}*"]
    if entry.text:
        parts.append("— " + entry.text)
    if entry.actor:
        parts.append(f"· <@{entry.actor}>")
    if entry.permalink:
        parts.append(f"· <{entry.permalink}|{t('timeline.message_link', locale)}>")
    for f in entry.files:
        if f.get("permalink"):
            parts.append(f"· <{f['permalink']}|{f.get('name', 'file')}>")
    if entry.amended:
        parts.append(f"_({t('timeline.amended', locale)})_")
    return _clip(" ".join(parts), limit)


def render_live_view(
    incident: Incident, entries: Sequence[TimelineEntry], *, locale: str, tz: ZoneInfo
) -> tuple[str, list[dict[str, Any]]]:
    rows = numbered(entries)
    shown = rows[-LIVE_ENTRIES:]
    older = len(rows) - len(shown)
    header = _clip(t("timeline.live_header", locale, ref=str(incident.ref)), 150)
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": header}}]
    if older:
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": t("timeline.older", locale, count=str(older))}]}
        )
    for n, entry in shown:
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": entry_line(n, entry, locale=locale, tz=tz)}}
        )
    if not rows:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": t("timeline.empty", locale)}})
    fallback = t("timeline.live_fallback", locale, ref=str(incident.ref), count=str(len(rows)))
    return fallback, blocks[:MAX_BLOCKS]


def render_full_text(incident: Incident, entries: Sequence[TimelineEntry], *, locale: str, tz: ZoneInfo) -> str:
    lines = [t("timeline.full_header", locale, ref=str(incident.ref), title=incident.title, zone=str(tz))]
    for n, entry in numbered(entries):
        lines.append(entry_line(n, entry, locale=locale, tz=tz, limit=10_000))
    return "\n".join(lines)
