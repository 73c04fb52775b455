"""Improvement actions, postmortem drafts on demand, and the monthly report."""

from __future__ import annotations

from handlers.context import CommandContext, reply
from handlers.ports import Services
from handlers.routes import route
from i18n import t
from incident.command_types import ActionAdd, ActionDone, Postmortem, Report
from incident.model import Status
from postmortem.actions import default_due, parse_due


async def _regenerate_if_resolved(services: Services, incident_id: int) -> None:
    incident = await services.store.get(incident_id)
    if incident and incident.status in (Status.RESOLVED, Status.CLOSED):
        await services.postmortem.draft(incident_id)


@route(ActionAdd)
async def action_add(services: Services, cmd: ActionAdd, ctx: CommandContext) -> None:
    incident = ctx.here
    now = services.clock.now()
    due = parse_due(cmd.due, now, services.team.tz) if cmd.due else default_due(cmd.horizon, now, services.team.tz)
    if due is None:
        await reply(services, ctx, "postmortem.bad_due", due=cmd.due or "")
        return
    assert services.postmortems is not None  # wired by build_services
    item = await services.postmortems.add_action(
        incident.id, horizon=cmd.horizon, text=cmd.text, owner=cmd.owner, due=due, created_by=ctx.user_id, at=now
    )
    await reply(
        services,
        ctx,
        "postmortem.action_added",
        n=str(item.n),
        horizon=t(f"postmortem.horizon.{cmd.horizon}", ctx.locale),
        due=due.isoformat(),
    )
    await _regenerate_if_resolved(services, incident.id)


@route(ActionDone)
async def action_done(services: Services, cmd: ActionDone, ctx: CommandContext) -> None:
    incident = ctx.here
    assert services.postmortems is not None  # wired by build_services
    if not await services.postmortems.mark_done(incident.id, n=cmd.n):
        await reply(services, ctx, "postmortem.no_action", n=str(cmd.n))
        return
    await reply(services, ctx, "postmortem.action_done", n=str(cmd.n))
    await _regenerate_if_resolved(services, incident.id)


@route(Postmortem)
async def postmortem(services: Services, cmd: Postmortem, ctx: CommandContext) -> None:
    incident = ctx.here
    assert services.postmortem is not None  # wired by build_services
    drafted = await services.postmortem.draft(incident.id)
    if drafted is None:
        await reply(services, ctx, "postmortem.not_resolved")
        return
    await reply(services, ctx, "postmortem.regenerated", version=str(drafted.version))


@route(Report, in_incident=False)
async def report(services: Services, cmd: Report, ctx: CommandContext) -> None:
    month = cmd.month or services.clock.now().astimezone(services.team.tz).strftime("%Y-%m")
    workbook = await services.month_report(month, ctx.locale)
    dm = await services.gateway.open_dm(ctx.user_id)
    await services.gateway.upload_file(dm, f"hikeshi-report-{month}.xlsx", workbook, f"Operations report {month}")
    await reply(services, ctx, "postmortem.report_sent", month=month)
