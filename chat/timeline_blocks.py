"""The live timeline view, the full timeline text and entry confirmations.

The live view must stay within Block Kit's limits however long the incident runs:
at most 50 blocks, 3,000 characters per section or context text, 150 per header.
Entry texts are kept as typed (mrkdwn); a clipped text never ends inside a ``<…>`` token.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from chat.blockkit import MAX_BLOCKS, SECTION_TEXT_MAX, Block, clip, context, header, section
from chat.dates import local_text, slack_date
from i18n import t
from incident.model import TimelineEntry
from timeline.kinds import emoji, label
from timeline.ordering import number_entries

UserLabel = Callable[[str | None], str]

LIVE_ENTRIES = 20  # the live view is a glance; `/incident timeline` has the rest
LIVE_ENTRY_TEXT = 600  # per entry in the live view, before decoration
FULL_ENTRY_TEXT = 10_000
CONFIRM_TEXT = 200
FILES_SHOWN = 3


def default_user_label(user_id: str | None) -> str:
    """A Slack mention, which Slack itself turns into the person's name; nothing for the bot."""
    return f"<@{user_id}>" if user_id else ""


def entry_line(
    n: int,
    entry: TimelineEntry,
    *,
    locale: str,
    tz: ZoneInfo,
    user_label: UserLabel | None = None,
    text_limit: int = LIVE_ENTRY_TEXT,
    slack_dates: bool = True,
) -> str:
    """One entry as a mrkdwn line: number, time, kind, actor, text, links, amended mark."""
    when = slack_date(entry.occurred_at, tz) if slack_dates else local_text(entry.occurred_at, tz, with_zone=False)
    head = f"*{n}.* {emoji(entry.kind)} {when} *{label(entry.kind, locale)}*"
    who = (user_label or default_user_label)(entry.actor)
    if who:
        head += f" · {who}"
    tail: list[str] = []
    if entry.permalink:
        tail.append(f"<{entry.permalink}|{t('timeline.message_link', locale)}>")
    linked = [f for f in entry.files if f.get("permalink")]
    for f in linked[:FILES_SHOWN]:
        tail.append(f"<{f['permalink']}|{clip(f.get('name') or 'file', 80)}>")
    if len(linked) > FILES_SHOWN:
        tail.append(t("timeline.more_files", locale, count=str(len(linked) - FILES_SHOWN)))
    if entry.amended:
        tail.append(f"_({t('timeline.amended', locale)})_")
    suffix = (" · " + " · ".join(tail)) if tail else ""
    body = f"\n{clip(entry.text, text_limit)}" if entry.text else ""
    return clip(head + body + suffix, SECTION_TEXT_MAX)


def render_live_view(
    incident_ref: str,
    title: str,
    entries: Sequence[TimelineEntry],
    *,
    locale: str,
    tz: ZoneInfo,
    user_label: UserLabel | None = None,
) -> tuple[str, list[Block]]:
    """The pinned live view: fallback text and blocks showing the newest entries."""
    ref, heading = incident_ref, title
    rows = number_entries(entries)
    shown = rows[-LIVE_ENTRIES:]
    older = len(rows) - len(shown)
    blocks: list[Block] = [header(t("timeline.live_header", locale, ref=ref, title=heading))]
    if older:
        blocks.append(context(t("timeline.older", locale, count=str(older))))
    room = MAX_BLOCKS - len(blocks)
    for n, entry in shown[-room:]:
        blocks.append(section(entry_line(n, entry, locale=locale, tz=tz, user_label=user_label)))
    if not rows:
        blocks.append(section(t("timeline.empty", locale)))
    fallback = t("timeline.live_fallback", locale, ref=ref, count=str(len(rows)))
    return fallback, blocks


def render_full_timeline_text(
    incident_ref: str,
    title: str,
    entries: Sequence[TimelineEntry],
    *,
    locale: str,
    tz: ZoneInfo,
    user_label: UserLabel | None = None,
) -> str:
    """The whole visible timeline as mrkdwn text, times written out in ``tz``.

    Nothing is clipped but a single runaway entry; the caller decides between an
    ephemeral message and a file by length.
    """
    lines = [t("timeline.full_header", locale, ref=incident_ref, title=title, zone=str(tz))]
    rows = number_entries(entries)
    for n, entry in rows:
        lines.append(
            entry_line(
                n, entry, locale=locale, tz=tz, user_label=user_label, text_limit=FULL_ENTRY_TEXT, slack_dates=False
            )
        )
    if not rows:
        lines.append(t("timeline.empty", locale))
    return "\n".join(lines)


def render_entry_confirmation(entry: TimelineEntry, locale: str, *, tz: ZoneInfo | None = None) -> str:
    """The short reply to whoever just added ``entry``: kind, time and the start of the text."""
    zone = tz or ZoneInfo("UTC")
    return t(
        "timeline.entry_recorded",
        locale,
        emoji=emoji(entry.kind),
        kind=label(entry.kind, locale),
        when=slack_date(entry.occurred_at, zone),
        text=clip(entry.text, CONFIRM_TEXT),
    )
