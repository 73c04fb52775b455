"""``conversations.*``: channels the bot creates, joins, invites people to and archives."""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

from fakeslack.arguments import Args
from fakeslack.limits import INVITE_USERS_MAX, TOPIC_MAX, check_channel_name
from fakeslack.objects import BOT_USER_ID, FakeChannel, SlackError
from fakeslack.workspace import Workspace


def require_bot_member(channel: FakeChannel) -> None:
    """The bot may act only in conversations it belongs to (IMs are always its own)."""
    if channel.is_im:
        return
    if BOT_USER_ID not in channel.members:
        raise SlackError("not_in_channel")


def require_not_archived(channel: FakeChannel) -> None:
    """Archived channels refuse writes with ``is_archived``."""
    if channel.is_archived:
        raise SlackError("is_archived")


def create(ws: Workspace, args: Args) -> dict[str, Any]:
    """Create a channel with the bot as its creator and only member."""
    name = args.text("name")
    check_channel_name(name, accept_non_latin=ws.accept_non_latin_names)
    if ws.channel_by_name(name) is not None:
        raise SlackError("name_taken")
    channel = ws.add_channel(
        name,
        channel_id=ws.new_id("C"),
        is_private=args.flag("is_private"),
    )
    return {"ok": True, "channel": channel.as_slack()}


def invite(ws: Workspace, args: Args) -> dict[str, Any]:
    """Add up to 100 members; ``already_in_channel`` only when every one was there already."""
    channel = ws.channel(args.required("channel", "channel_not_found"))
    users = args.id_list("users")
    if not users:
        raise SlackError("no_user")
    if len(users) > INVITE_USERS_MAX:
        raise SlackError("too_many_users")
    require_not_archived(channel)
    require_bot_member(channel)
    for user_id in users:
        ws.user(user_id)
        if user_id == BOT_USER_ID:
            raise SlackError("cant_invite_self")
    new = [u for u in users if u not in channel.members]
    if not new:
        raise SlackError("already_in_channel")
    channel.members.extend(dict.fromkeys(new))
    return {"ok": True, "channel": channel.as_slack()}


def set_topic(ws: Workspace, args: Args) -> dict[str, Any]:
    """Set the topic shown under the channel name (at most 250 characters)."""
    channel = ws.channel(args.required("channel", "channel_not_found"))
    topic = args.text("topic")
    require_not_archived(channel)
    require_bot_member(channel)
    if len(topic) > TOPIC_MAX:
        raise SlackError("too_long")
    channel.topic = topic
    return {"ok": True, "channel": channel.as_slack()}


def set_purpose(ws: Workspace, args: Args) -> dict[str, Any]:
    """Set the channel description."""
    channel = ws.channel(args.required("channel", "channel_not_found"))
    require_not_archived(channel)
    require_bot_member(channel)
    channel.purpose = args.text("purpose")
    return {"ok": True, "channel": channel.as_slack()}


def info(ws: Workspace, args: Args) -> dict[str, Any]:
    """Describe one conversation."""
    channel = ws.channel(args.required("channel", "channel_not_found"))
    return {"ok": True, "channel": channel.as_slack()}


def members(ws: Workspace, args: Args) -> dict[str, Any]:
    """List member ids, paginated with an opaque cursor like Slack's."""
    channel = ws.channel(args.required("channel", "channel_not_found"))
    limit = args.integer("limit", 100) or 100
    start = _decode_cursor(args.text("cursor"))
    page = channel.members[start : start + limit]
    following = start + limit
    next_cursor = _encode_cursor(following) if following < len(channel.members) else ""
    return {"ok": True, "members": page, "response_metadata": {"next_cursor": next_cursor}}


def join(ws: Workspace, args: Args) -> dict[str, Any]:
    """The bot joins a public channel; joining twice warns instead of failing, as Slack does."""
    channel = ws.channel(args.required("channel", "channel_not_found"))
    if channel.is_im or channel.is_private:
        raise SlackError("method_not_supported_for_channel_type")
    require_not_archived(channel)
    if BOT_USER_ID in channel.members:
        return {
            "ok": True,
            "channel": channel.as_slack(),
            "warning": "already_in_channel",
            "response_metadata": {"warnings": ["already_in_channel"]},
        }
    channel.members.append(BOT_USER_ID)
    return {"ok": True, "channel": channel.as_slack()}


def archive(ws: Workspace, args: Args) -> dict[str, Any]:
    """Archive a channel; it keeps its history and refuses further writes."""
    channel = ws.channel(args.required("channel", "channel_not_found"))
    if channel.is_im:
        raise SlackError("method_not_supported_for_channel_type")
    if channel.is_archived:
        raise SlackError("already_archived")
    if channel.name == "general":
        raise SlackError("cant_archive_general")
    require_bot_member(channel)
    channel.is_archived = True
    return {"ok": True}


def open_conversation(ws: Workspace, args: Args) -> dict[str, Any]:
    """Open (or find) the bot's DM with one user; answers a ``D…`` channel."""
    channel_id = args.text("channel")
    if channel_id:
        return {"ok": True, "channel": ws.channel(channel_id).as_slack()}
    users = [u for u in args.id_list("users") if u != BOT_USER_ID]
    if not users:
        raise SlackError("users_list_not_supplied")
    if len(users) > 1:
        # Group DMs are out of scope for the bot; say so rather than pretend.
        raise SlackError("method_not_supported_for_channel_type")
    channel = ws.open_im(users[0])
    if args.flag("return_im"):
        return {"ok": True, "channel": channel.as_slack()}
    return {"ok": True, "channel": {"id": channel.id}}


def history(ws: Workspace, args: Args) -> dict[str, Any]:
    """Top-level messages, newest first (thread replies stay in ``conversations.replies``)."""
    channel = ws.channel(args.required("channel", "channel_not_found"))
    require_bot_member(channel)
    limit = args.integer("limit", 100) or 100
    top = [m for m in ws.messages.get(channel.id, []) if m.thread_ts in (None, m.ts)]
    # Slack's window: messages between ``oldest`` and ``latest``, bounds included with ``inclusive``.
    inclusive = str(args.get("inclusive") or "").lower() in ("1", "true")
    latest, oldest = args.get("latest"), args.get("oldest")
    if latest:
        top = [m for m in top if Decimal(m.ts) < Decimal(str(latest)) or (inclusive and m.ts == str(latest))]
    if oldest:
        top = [m for m in top if Decimal(m.ts) > Decimal(str(oldest)) or (inclusive and m.ts == str(oldest))]
    newest_first = [m.as_slack() for m in reversed(top)][:limit]
    return {
        "ok": True,
        "messages": newest_first,
        "has_more": len(top) > limit,
        "response_metadata": {"next_cursor": ""},
    }


def replies(ws: Workspace, args: Args) -> dict[str, Any]:
    """A thread: the parent first, then replies oldest first."""
    channel = ws.channel(args.required("channel", "channel_not_found"))
    ts = args.required("ts", "thread_not_found")
    parent = ws.message(channel.id, ts)
    thread = [m for m in ws.messages.get(channel.id, []) if m.thread_ts == ts and m is not parent]
    return {
        "ok": True,
        "messages": [parent.as_slack(), *(m.as_slack() for m in thread)],
        "has_more": False,
        "response_metadata": {"next_cursor": ""},
    }


def _encode_cursor(offset: int) -> str:
    return base64.b64encode(f"offset:{offset}".encode()).decode()


def _decode_cursor(cursor: str) -> int:
    if not cursor:
        return 0
    try:
        return int(base64.b64decode(cursor).decode().removeprefix("offset:"))
    except ValueError as exc:
        raise SlackError("invalid_cursor") from exc


HANDLERS = {
    "conversations.create": create,
    "conversations.invite": invite,
    "conversations.setTopic": set_topic,
    "conversations.setPurpose": set_purpose,
    "conversations.info": info,
    "conversations.members": members,
    "conversations.join": join,
    "conversations.archive": archive,
    "conversations.open": open_conversation,
    "conversations.history": history,
    "conversations.replies": replies,
}
