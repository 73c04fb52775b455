"""Timeline entries from commands, the message shortcut and reactions; corrections."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from chat.modals import TIMELINE_SHORTCUT_FORM as SHORTCUT_VIEW
from chat.modals import timeline_shortcut_view
from chat.timeline_blocks import render_full_timeline_text
from handlers.context import CommandContext, reply, reply_text
from handlers.events import on_event
from handlers.ports import Services
from handlers.routes import route
from incident.command_types import Event, Note, Shorthand, Timeline, TimelineDelete, TimelineEdit
from incident.model import EntrySource, Status
from timeline.kinds import label as kind_label
from timeline.service import FromMessage
from timeline.timeparse import TimeError, parse_when

SHORTCUT = "timeline_add_message"
EPHEMERAL_LIMIT = 3000


async def _answer(services: Services, ctx: CommandContext, key: str, params: dict[str, str]) -> None:
    if "kind" in params:
        params = {**params, "kind": kind_label(params["kind"], ctx.locale)}
    await reply(services, ctx, key, **params)


@route(Note)
async def note(services: Services, cmd: Note, ctx: CommandContext) -> None:
    done = await services.timeline.record(
        ctx.channel_id, kind="note", text=cmd.text, actor=ctx.user_id, incident=ctx.here
    )
    await _answer(services, ctx, done.key, done.params)


@route(Event)
async def event(services: Services, cmd: Event, ctx: CommandContext) -> None:
    occurred_at = None
    if cmd.when:
        parsed = parse_when(cmd.when, now=services.clock.now(), tz=services.team.tz)
        if isinstance(parsed, TimeError):
            await reply(services, ctx, parsed.key, **parsed.params)
            return
        occurred_at = parsed
    done = await services.timeline.record(
        ctx.channel_id, kind=cmd.kind, text=cmd.text, actor=ctx.user_id, occurred_at=occurred_at, incident=ctx.here
    )
    await _answer(services, ctx, done.key, done.params)


@route(Shorthand)
async def shorthand(services: Services, cmd: Shorthand, ctx: CommandContext) -> None:
    done = await services.timeline.record(
        ctx.channel_id, kind=cmd.kind, text=cmd.text, actor=ctx.user_id, incident=ctx.here
    )
    if (
        done.ok
        and cmd.kind == "mitigation"
        and done.incident is not None
        and done.incident.status in (Status.INVESTIGATING, Status.IDENTIFIED)
    ):
        await services.incidents.move_status(ctx.channel_id, Status.MITIGATED, ctx.actor, cmd.text)
    await _answer(services, ctx, done.key, done.params)


@route(Timeline)
async def full_timeline(services: Services, cmd: Timeline, ctx: CommandContext) -> None:
    incident = ctx.here
    text = render_full_timeline_text(
        str(incident.ref),
        incident.title,
        await services.store.entries(incident.id),
        locale=ctx.locale,
        tz=services.team.tz,
    )
    if len(text) <= EPHEMERAL_LIMIT:
        await reply_text(services, ctx, text)
        return
    dm = await services.gateway.open_dm(ctx.user_id)
    await services.gateway.upload_file(dm, f"{incident.ref}-timeline.txt", text.encode(), f"{incident.ref} timeline")
    await reply(services, ctx, "timeline.sent_as_file")


@route(TimelineEdit, TimelineDelete)
async def correct(services: Services, cmd: TimelineEdit | TimelineDelete, ctx: CommandContext) -> None:
    new_text = cmd.text if isinstance(cmd, TimelineEdit) else None
    done = await services.timeline.correct(ctx.channel_id, cmd.n, new_text, ctx.user_id)
    await reply(services, ctx, done.key, **done.params)


def _from_message(services: Services, channel: str, message: dict[str, Any]) -> FromMessage:
    files = [
        {"name": str(f.get("name") or f.get("title") or ""), "permalink": str(f.get("permalink") or "")}
        for f in message.get("files") or []
    ]
    permalink = message.get("permalink")
    return FromMessage(str(message["ts"]), message.get("user"), str(message.get("text") or ""), permalink, files)


async def _with_permalink(services: Services, channel: str, found: FromMessage) -> FromMessage:
    if found.permalink:
        return found
    link = await services.gateway.permalink(channel, found.ts)
    return FromMessage(found.ts, found.user, found.text, link, found.files)


@on_event("reaction_added")
async def reaction_added(services: Services, event: dict[str, Any]) -> None:
    item = event.get("item") or {}
    if event.get("reaction") != services.team.timeline_reaction or item.get("type") != "message":
        return
    channel, ts = str(item.get("channel")), str(item.get("ts"))
    if await services.store.by_channel(channel) is None:
        return
    message = await services.gateway.message(channel, ts)
    if message is None:
        return
    found = await _with_permalink(services, channel, _from_message(services, channel, message))
    await services.timeline.record_message(
        channel, found, kind="note", actor=str(event.get("user")), source=EntrySource.REACTION
    )


@on_event("reaction_removed")
async def reaction_removed(services: Services, event: dict[str, Any]) -> None:
    item = event.get("item") or {}
    if event.get("reaction") != services.team.timeline_reaction or item.get("type") != "message":
        return
    await services.timeline.unrecord_message(str(item.get("channel")), str(item.get("ts")), str(event.get("user")))


def register(app: AsyncApp, services: Services) -> None:
    @app.shortcut(SHORTCUT)
    async def add_message(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        channel = str((body.get("channel") or {}).get("id", ""))
        message = body.get("message") or {}
        locale = services.cached_locale(str(body["user"]["id"]))
        # Only the channel and ts travel in the form; the message is re-read on submit.
        metadata = json.dumps({"channel": channel, "ts": message.get("ts")})
        await services.gateway.open_view(str(body["trigger_id"]), timeline_shortcut_view(locale, metadata))

    @app.view(SHORTCUT_VIEW)
    async def add_message_submitted(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        await ack()
        meta = json.loads(view.get("private_metadata") or "{}")
        option = view["state"]["values"]["kind"]["value"].get("selected_option") or {}
        kind = str(option.get("value") or "note")
        user = str(body["user"]["id"])

        async def record() -> None:
            channel, ts = str(meta.get("channel")), str(meta.get("ts"))
            message = await services.gateway.message(channel, ts)
            if message is None:
                return
            found = await _with_permalink(services, channel, _from_message(services, channel, message))
            await services.timeline.record_message(channel, found, kind=kind, actor=user, source=EntrySource.SHORTCUT)

        services.tasks.spawn(record(), name="timeline-shortcut")
