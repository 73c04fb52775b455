"""The fake's HTTP side: Web API dispatch, the files v2 byte upload and response URLs.

Every Web API call is recorded before anything can fail, so tests see retries and refused
calls too. Order of checks: planned delay, outage, unknown method, planned fault, auth, method.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from fakeslack.arguments import Args, read_arguments
from fakeslack.faults import Fault, FaultPlan
from fakeslack.methods import HANDLERS
from fakeslack.objects import SlackError
from fakeslack.recording import RecordedCall, ResponseUrlPost
from fakeslack.workspace import Workspace

# Slack lets a response_url be used five times.
RESPONSE_URL_USES = 5


class TokenPolicy:
    """Which bearer tokens the fake accepts: any ``xoxb-``/``xoxp-`` one unless told otherwise."""

    def __init__(self, tokens: Iterable[str] | None = None) -> None:
        self.allowed = set(tokens) if tokens is not None else None
        self.revoked: set[str] = set()

    def error_for(self, token: str) -> str | None:
        """Slack's auth error for this token, or None when it is accepted."""
        if not token:
            return "not_authed"
        if token in self.revoked:
            return "invalid_auth"
        if self.allowed is not None:
            return None if token in self.allowed else "invalid_auth"
        return None if token.startswith(("xoxb-", "xoxp-")) else "invalid_auth"


class SlackRoutes:
    """aiohttp handlers over the workspace, recording into shared lists."""

    def __init__(
        self,
        workspace: Workspace,
        faults: FaultPlan,
        tokens: TokenPolicy,
        calls: list[RecordedCall],
        responses: list[ResponseUrlPost],
    ) -> None:
        self.workspace = workspace
        self.faults = faults
        self.tokens = tokens
        self.calls = calls
        self.responses = responses
        self._response_uses: dict[str, int] = {}

    def build_app(self) -> web.Application:
        """The aiohttp application serving every route of the fake."""
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/v1/{file_id}", self._upload)
        app.router.add_post("/response/{token}", self._response_url)
        return app

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        call = RecordedCall(method=method, args={}, http_method=request.method, at=datetime.now(UTC))
        self.calls.append(call)
        try:
            call.args = await read_arguments(request)
        except SlackError as exc:
            return self._answer(call, 200, {"ok": False, "error": exc.error})
        call.token = _token_of(request, call.args)
        pause = self.faults.delay_for(method)
        if pause:
            await asyncio.sleep(pause)
        if self.faults.down:
            return self._answer(call, 503, {"ok": False, "error": "service_unavailable"})
        handler = HANDLERS.get(method)
        if handler is None:
            return self._answer(call, 200, {"ok": False, "error": "unknown_method"})
        fault = self.faults.take(method)
        if fault is not None:
            return self._fault_answer(call, fault)
        auth_error = self.tokens.error_for(call.token)
        if auth_error:
            return self._answer(call, 200, {"ok": False, "error": auth_error})
        try:
            body = handler(self.workspace, Args(call.args))
        except SlackError as exc:
            return self._answer(call, 200, {"ok": False, "error": exc.error, **exc.extra})
        call.response = body
        await self.faults.after(call)  # done in Slack; the caller has not heard yet
        return self._answer(call, 200, body)

    def _fault_answer(self, call: RecordedCall, fault: Fault) -> web.Response:
        if fault.kind == "rate_limit":
            return self._answer(
                call,
                429,
                {"ok": False, "error": "ratelimited"},
                headers={"Retry-After": str(int(fault.retry_after))},
            )
        if fault.kind == "server_error":
            return self._answer(call, fault.status, {"ok": False, "error": "fatal_error"})
        return self._answer(call, 200, {"ok": False, "error": fault.error})

    def _answer(
        self,
        call: RecordedCall,
        status: int,
        body: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> web.Response:
        call.status = status
        call.error = None if body.get("ok") else str(body.get("error"))
        call.response = body
        return web.json_response(body, status=status, headers=headers)

    async def _upload(self, request: web.Request) -> web.Response:
        if self.faults.down:
            return web.Response(status=503, text="service unavailable")
        file = self.workspace.files.get(request.match_info["file_id"])
        if file is None:
            return web.Response(status=404, text="file not found")
        if request.content_type == "multipart/form-data":
            form = await request.post()
            part = form.get("file") or form.get("filename")
            content = part.file.read() if isinstance(part, web.FileField) else str(part).encode()
        else:
            content = await request.read()
        file.content = content
        return web.Response(status=200, text=f"OK - {len(content)}")

    async def _response_url(self, request: web.Request) -> web.Response:
        if self.faults.down:
            return web.json_response({"ok": False, "error": "service_unavailable"}, status=503)
        token = request.match_info["token"]
        uses = self._response_uses.get(token, 0)
        if uses >= RESPONSE_URL_USES:
            return web.json_response({"ok": False, "error": "used_url"}, status=404)
        self._response_uses[token] = uses + 1
        raw = await request.text()
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            return web.json_response({"ok": False, "error": "invalid_payload"}, status=400)
        if not isinstance(body, dict):
            return web.json_response({"ok": False, "error": "invalid_payload"}, status=400)
        self.responses.append(ResponseUrlPost(token=token, body=body, at=datetime.now(UTC)))
        return web.json_response({"ok": True})


def _token_of(request: web.Request, args: dict[str, Any]) -> str:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header.removeprefix("Bearer ").strip()
    return str(args.get("token") or "")
