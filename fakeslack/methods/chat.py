"""``chat.*``, ``pins.*`` and ``reactions.*``: messages and what hangs off them."""

from __future__ import annotations

from typing import Any

from fakeslack.arguments import Args
from fakeslack.limits import check_message_blocks, check_message_text
from fakeslack.methods.conversations import require_bot_member, require_not_archived
from fakeslack.objects import BOT_USER_ID, EphemeralMessage, FakeMessage, SlackError
from fakeslack.workspace import Workspace


def _content(args: Args) -> tuple[str, Any, Any]:
    text = args.text("text")
    blocks = args.get("blocks")
    attachments = args.get("attachments")
    check_message_text(text, blocks, attachments)
    check_message_blocks(blocks)
    return text, blocks, attachments


def post_message(ws: Workspace, args: Args) -> dict[str, Any]:
    """Post as the bot; a user id as ``channel`` posts to the DM with that user."""
    channel = ws.resolve_post_target(args.required("channel", "channel_not_found"))
    text, blocks, attachments = _content(args)
    require_not_archived(channel)
    require_bot_member(channel)
    thread_ts = args.text("thread_ts") or None
    message = FakeMessage(
        channel=channel.id,
        ts=ws.next_ts(),
        text=text,
        blocks=blocks,
        attachments=attachments,
        thread_ts=thread_ts,
        metadata=args.get("metadata"),
    )
    ws.messages.setdefault(channel.id, []).append(message)
    return {"ok": True, "channel": channel.id, "ts": message.ts, "message": message.as_slack()}


def update(ws: Workspace, args: Args) -> dict[str, Any]:
    """Replace the text/blocks of one of the bot's messages."""
    channel = ws.channel(args.required("channel", "channel_not_found"))
    message = ws.message(channel.id, args.required("ts", "message_not_found"))
    if message.user != BOT_USER_ID:
        raise SlackError("cant_update_message")
    text, blocks, attachments = _content(args)
    message.text = text
    if blocks is not None:
        message.blocks = blocks
    if attachments is not None:
        message.attachments = attachments
    message.edits += 1
    return {
        "ok": True,
        "channel": channel.id,
        "ts": message.ts,
        "text": message.text,
        "message": message.as_slack(),
    }


def delete(ws: Workspace, args: Args) -> dict[str, Any]:
    """Delete one of the bot's messages."""
    channel = ws.channel(args.required("channel", "channel_not_found"))
    message = ws.message(channel.id, args.required("ts", "message_not_found"))
    if message.user != BOT_USER_ID:
        raise SlackError("cant_delete_message")
    ws.messages[channel.id].remove(message)
    return {"ok": True, "channel": channel.id, "ts": message.ts}


def post_ephemeral(ws: Workspace, args: Args) -> dict[str, Any]:
    """Show a message to one member of the channel only."""
    channel = ws.resolve_post_target(args.required("channel", "channel_not_found"))
    user_id = args.required("user", "user_not_found")
    ws.user(user_id)
    text, blocks, _ = _content(args)
    require_not_archived(channel)
    require_bot_member(channel)
    if user_id not in channel.members:
        raise SlackError("user_not_in_channel")
    message_ts = ws.next_ts()
    ws.ephemerals.append(
        EphemeralMessage(
            channel=channel.id,
            user=user_id,
            message_ts=message_ts,
            text=text,
            blocks=blocks,
            thread_ts=args.text("thread_ts") or None,
        )
    )
    return {"ok": True, "message_ts": message_ts}


def get_permalink(ws: Workspace, args: Args) -> dict[str, Any]:
    """An https link to a message (``p`` + the ts without its dot, like Slack's)."""
    channel = ws.channel(args.required("channel", "channel_not_found"))
    message = ws.message(channel.id, args.required("message_ts", "message_not_found"))
    link = f"{ws.permalink_base}/archives/{channel.id}/p{message.ts.replace('.', '')}"
    if message.thread_ts and message.thread_ts != message.ts:
        link += f"?thread_ts={message.thread_ts}&cid={channel.id}"
    return {"ok": True, "channel": channel.id, "permalink": link}


def pins_add(ws: Workspace, args: Args) -> dict[str, Any]:
    """Pin a message to the channel."""
    channel = ws.channel(args.required("channel", "channel_not_found"))
    ts = args.required("timestamp", "no_item_specified")
    ws.message(channel.id, ts)
    require_bot_member(channel)
    pinned = ws.pins.setdefault(channel.id, [])
    if ts in pinned:
        raise SlackError("already_pinned")
    pinned.append(ts)
    return {"ok": True}


def pins_remove(ws: Workspace, args: Args) -> dict[str, Any]:
    """Unpin a message."""
    channel = ws.channel(args.required("channel", "channel_not_found"))
    ts = args.required("timestamp", "no_item_specified")
    pinned = ws.pins.setdefault(channel.id, [])
    if ts not in pinned:
        raise SlackError("no_pin")
    pinned.remove(ts)
    return {"ok": True}


def pins_list(ws: Workspace, args: Args) -> dict[str, Any]:
    """The pinned messages of a channel."""
    channel = ws.channel(args.required("channel", "channel_not_found"))
    items = [
        {"type": "message", "channel": channel.id, "message": ws.message(channel.id, ts).as_slack()}
        for ts in ws.pins.get(channel.id, [])
    ]
    return {"ok": True, "items": items}


def reactions_add(ws: Workspace, args: Args) -> dict[str, Any]:
    """The bot reacts to a message with an emoji name (without colons)."""
    channel = ws.channel(args.required("channel", "channel_not_found"))
    message = ws.message(channel.id, args.required("timestamp", "no_item_specified"))
    name = args.required("name", "invalid_name").strip(":")
    users = message.reactions.setdefault(name, [])
    if BOT_USER_ID in users:
        raise SlackError("already_reacted")
    users.append(BOT_USER_ID)
    return {"ok": True}


HANDLERS = {
    "chat.postMessage": post_message,
    "chat.update": update,
    "chat.delete": delete,
    "chat.postEphemeral": post_ephemeral,
    "chat.getPermalink": get_permalink,
    "pins.add": pins_add,
    "pins.remove": pins_remove,
    "pins.list": pins_list,
    "reactions.add": reactions_add,
}
