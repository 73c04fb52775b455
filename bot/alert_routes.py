"""The HTTP edge for monitoring: Alertmanager/Grafana webhooks, a generic hook, and an
Opsgenie-compatible alert API. Authenticate, bound, parse, store, answer; act afterwards.

Answers: 401 for a bad or missing credential, 413 over ``alerts.max_body``, 400 naming the
field for a body that is not the source's shape, 202 once stored (and to every repeat).
"""

from __future__ import annotations

import hmac
import json
import logging
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from aiohttp import web

from alerts.config import AlertsConfig, Source
from alerts.model import Alert, BadPayload
from alerts.ports import AlertStore, Inbound
from alerts.sources import parse_alertmanager, parse_generic, parse_opsgenie_create, parse_opsgenie_update
from bot.tasks import BackgroundTasks
from incident.clock import Clock

log = logging.getLogger(__name__)


class AlertIntake:
    def __init__(
        self,
        config: AlertsConfig,
        store: AlertStore,
        clock: Clock,
        tasks: BackgroundTasks,
        process: Callable[[], Any],
    ) -> None:
        self.config = config
        self.store = store
        self.clock = clock
        self.tasks = tasks
        self.process = process

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/hooks/alertmanager", self.alertmanager)
        app.router.add_post("/hooks/grafana", self.alertmanager)
        app.router.add_post("/hooks/generic", self.generic)
        app.router.add_post("/opsgenie/v2/alerts", self.opsgenie_create)
        app.router.add_post("/opsgenie/v2/alerts/{alias}/close", self.opsgenie_close)
        app.router.add_put("/opsgenie/v2/alerts/{alias}/message", self.opsgenie_update)
        app.router.add_put("/opsgenie/v2/alerts/{alias}/description", self.opsgenie_update)

    # Routes ----------------------------------------------------------------------------

    async def alertmanager(self, request: web.Request) -> web.Response:
        return await self._hook(request, ("alertmanager", "grafana"), parse_alertmanager, {"status": "success"})

    async def generic(self, request: web.Request) -> web.Response:
        return await self._hook(request, ("generic",), parse_generic, {"status": "accepted"})

    async def _hook(
        self,
        request: web.Request,
        kinds: tuple[str, ...],
        parse: Callable[[object, Source, AlertsConfig], list[Alert]],
        answer: dict[str, str],
    ) -> web.Response:
        """A bearer-token webhook: authenticate, read, parse, store, then 202."""
        source = _authenticate(request, self.config.sources_of(*kinds), "Bearer")
        if source is None:
            return _unauthorized("Bearer")
        body = await self._body(request)
        if isinstance(body, web.Response):
            return body
        try:
            alerts = parse(_json(body[1]), source, self.config)
        except BadPayload as exc:
            return _bad(exc)
        items = [Inbound("alert", data=a.as_data()) for a in alerts]
        return await self._store(source, request.path, body[0], items, web.json_response(answer, status=202))

    async def opsgenie_create(self, request: web.Request) -> web.Response:
        source = _authenticate(request, self.config.sources_of("opsgenie"), "GenieKey")
        if source is None:
            return _opsgenie_unauthorized()
        body = await self._body(request)
        if isinstance(body, web.Response):
            return body
        try:
            call = parse_opsgenie_create(_json(body[1]), source, self.config)
        except BadPayload as exc:
            return _bad(exc, opsgenie=True)
        assert call.alert is not None
        items = [Inbound("alert", alias=call.alias, data=call.alert.as_data())]
        return await self._store(source, request.path, body[0], items, _opsgenie_accepted())

    async def opsgenie_close(self, request: web.Request) -> web.Response:
        return await self._opsgenie_by_alias(request, "close")

    async def opsgenie_update(self, request: web.Request) -> web.Response:
        return await self._opsgenie_by_alias(request, request.path.rsplit("/", 1)[-1])

    async def _opsgenie_by_alias(self, request: web.Request, action: str) -> web.Response:
        source = _authenticate(request, self.config.sources_of("opsgenie"), "GenieKey")
        if source is None:
            return _opsgenie_unauthorized()
        kind = request.query.get("identifierType", "id")
        if kind != "alias":
            return _bad(BadPayload("identifierType", "only alias is supported"), opsgenie=True)
        body = await self._body(request)
        if isinstance(body, web.Response):
            return body
        try:
            raw = _json(body[1]) if body[1].strip() else None
            call = parse_opsgenie_update(action, request.match_info["alias"], raw)
        except BadPayload as exc:
            return _bad(exc, opsgenie=True)
        items = [Inbound(call.action, alias=call.alias, data={"text": call.text})]
        return await self._store(source, request.path, body[0], items, _opsgenie_accepted())

    # Steps ---------------------------------------------------------------------------

    async def _body(self, request: web.Request) -> tuple[bytes, str] | web.Response:
        limit = self.config.max_body
        if request.content_length is not None and request.content_length > limit:
            return _too_large(limit)
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.content.iter_chunked(64 * 1024):
            size += len(chunk)
            if size > limit:
                return _too_large(limit)
            chunks.append(chunk)
        raw = b"".join(chunks)
        try:
            return raw, raw.decode("utf-8")
        except UnicodeDecodeError:
            return _bad(BadPayload("body", "must be UTF-8 JSON"))

    async def _store(
        self, source: Source, route: str, raw: bytes, items: Sequence[Inbound], answer: web.Response
    ) -> web.Response:
        fresh = await self.store.intake(source.name, route, raw, items, self.clock.now())
        if fresh and items:
            self.tasks.spawn(self.process(), name=f"alerts:{source.name}")
        return answer


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadPayload("body", f"is not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise BadPayload("body", "is nested too deeply") from None


def _authenticate(request: web.Request, sources: Sequence[Source], scheme: str) -> Source | None:
    header = request.headers.get("Authorization", "")
    given_scheme, _, credential = header.partition(" ")
    if given_scheme.lower() != scheme.lower() or not credential.strip():
        return None
    credential = credential.strip()
    found: Source | None = None
    for source in sources:  # compare with every source: the time taken says nothing
        if hmac.compare_digest(credential.encode(), source.secret.encode()):
            found = source
    return found


def _unauthorized(scheme: str) -> web.Response:
    return web.json_response(
        {"error": "unauthorized", "message": f"send Authorization: {scheme} <token of an alerts source>"},
        status=401,
        headers={"WWW-Authenticate": scheme},
    )


def _opsgenie_unauthorized() -> web.Response:
    return web.json_response(
        {"message": "Key format is not valid!", "took": 0.0, "requestId": str(uuid.uuid4())}, status=401
    )


def _opsgenie_accepted() -> web.Response:
    return web.json_response(
        {"result": "Request will be processed", "took": 0.0, "requestId": str(uuid.uuid4())}, status=202
    )


def _too_large(limit: int) -> web.Response:
    return web.json_response(
        {"error": "too_large", "message": f"the body is over alerts.max_body ({limit} bytes)"}, status=413
    )


def _bad(exc: BadPayload, *, opsgenie: bool = False) -> web.Response:
    message = f"{exc.field}: {exc.reason}"
    if opsgenie:
        body: dict[str, Any] = {"message": message, "took": 0.0, "requestId": str(uuid.uuid4())}
    else:
        body = {"error": "bad_request", "field": exc.field, "message": message}
    return web.json_response(body, status=400)
