"""The HTTP server: Slack's requests in, health probes out."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.logs import concerning
from bot.metrics import CONTENT_TYPE, Metrics

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # Slack's payloads are far smaller; anything bigger is not Slack.
READY: web.AppKey[Callable[[], Awaitable[bool]]] = web.AppKey("ready")
SCRAPE_REFRESH = 5.0  # seconds the database gauges may take at scrape time before the last values are shown
UNMATCHED = "unmatched"  # the route label of a request no route matched (never the raw URL)


def build_web_app(
    bolt: AsyncApp,
    ready: Callable[[], Awaitable[bool]],
    metrics: Metrics,
    refresh: Callable[[], Awaitable[None]],
    *,
    incident_in_channel: Callable[[str | None], str | None],
    more_routes: Callable[[web.Application], None] | None = None,
) -> web.Application:
    @web.middleware
    async def measured(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        started = time.perf_counter()
        resource = request.match_info.route.resource
        route = resource.canonical if resource is not None else UNMATCHED
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        finally:
            metrics.request_answered(route, status, time.perf_counter() - started)

    app = web.Application(client_max_size=MAX_BODY, middlewares=[measured])
    app[READY] = ready

    async def slack_events(request: web.Request) -> web.Response:
        try:
            await request.text()  # reads (and caches) the body; too large answers 413 from aiohttp
            bolt_request = await to_bolt_request(request)
            _repair_form_body(bolt_request)
        except (ValueError, TypeError, AttributeError) as exc:  # bad JSON, broken or non-object payload=, not UTF-8
            return _bad_request(exc)
        body: object = bolt_request.body  # typed as a dict, but a JSON list or string gets here too
        if not isinstance(body, dict):
            return _bad_request(TypeError(f"body is a {type(body).__name__}"))
        # Log lines of a request from an incident channel, and of the work it starts, name the incident.
        with concerning(incident_in_channel(bolt_request.context.channel_id)):
            bolt_response = await bolt.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def readyz(request: web.Request) -> web.Response:
        ok = await request.app[READY]()
        return web.json_response({"ok": ok}, status=200 if ok else 503)

    async def metrics_page(_: web.Request) -> web.Response:
        try:
            await asyncio.wait_for(refresh(), SCRAPE_REFRESH)
        except Exception as exc:  # the database is away: the scrape still answers, with the last values
            log.warning("refreshing gauges for /metrics failed: %s", type(exc).__name__)
        return web.Response(body=metrics.exposition(), headers={"Content-Type": CONTENT_TYPE})

    app.router.add_post("/slack/events", slack_events)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_page)
    if more_routes is not None:
        more_routes(app)  # the alert hooks (bot/alert_routes.py) bound their own bodies
    return app


def _bad_request(exc: Exception) -> web.Response:
    log.warning("malformed request body: %s", type(exc).__name__)
    return web.json_response({"ok": False, "error": "malformed_body"}, status=400)


def _repair_form_body(bolt_request: AsyncBoltRequest) -> None:
    """Bolt reads any form body containing ``payload`` as an interactivity payload, so
    ``/incident declare payload API down`` (or a command from #payload-team) parses to {}.
    Re-read such a body as the plain form it is."""
    raw = bolt_request.raw_body or ""
    content_type = bolt_request.content_type or ""
    if bolt_request.body or raw.startswith("payload=") or "x-www-form-urlencoded" not in content_type:
        return
    bolt_request.body = dict(parse_qsl(raw, keep_blank_values=True))
    bolt_request.context = build_async_context(AsyncBoltContext({}), bolt_request.body)
