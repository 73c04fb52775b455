"""``views.open``/``push``/``update``: modals, with Slack's trigger and size rules."""

from __future__ import annotations

import secrets
from typing import Any

from fakeslack.arguments import Args
from fakeslack.limits import check_view
from fakeslack.objects import FakeView, SlackError
from fakeslack.workspace import Workspace

# Slack allows a modal stack of at most three views.
VIEW_STACK_MAX = 3


def _view_arg(args: Args) -> dict[str, Any]:
    view = args.get("view")
    if view is None:
        raise SlackError("invalid_arguments")
    check_view(view)
    assert isinstance(view, dict)
    return view


def _new_hash() -> str:
    return f"{secrets.randbelow(10**10)}.{secrets.token_hex(4)}"


def open_view(ws: Workspace, args: Args) -> dict[str, Any]:
    """Open a modal in answer to a trigger_id."""
    view = _view_arg(args)
    ws.consume_trigger(args.text("trigger_id"))
    view_id = ws.new_id("V")
    stored = FakeView(
        id=view_id,
        view=view,
        hash=_new_hash(),
        root_view_id=view_id,
        external_id=str(view.get("external_id", "")),
    )
    ws.views[view_id] = stored
    return {"ok": True, "view": stored.as_slack()}


def push_view(ws: Workspace, args: Args) -> dict[str, Any]:
    """Push a modal on top of the open one (at most three deep)."""
    view = _view_arg(args)
    ws.consume_trigger(args.text("trigger_id"))
    roots = [v for v in ws.views.values() if v.previous_view_id is None]
    root = roots[-1] if roots else None
    if root is None:
        raise SlackError("invalid_arguments")
    depth = sum(1 for v in ws.views.values() if v.root_view_id == root.id)
    if depth >= VIEW_STACK_MAX:
        raise SlackError("push_limit_reached")
    top = [v for v in ws.views.values() if v.root_view_id == root.id][-1]
    view_id = ws.new_id("V")
    stored = FakeView(
        id=view_id,
        view=view,
        hash=_new_hash(),
        root_view_id=root.id,
        previous_view_id=top.id,
        external_id=str(view.get("external_id", "")),
    )
    ws.views[view_id] = stored
    return {"ok": True, "view": stored.as_slack()}


def update_view(ws: Workspace, args: Args) -> dict[str, Any]:
    """Replace a view found by ``view_id`` or ``external_id``; a stale ``hash`` conflicts."""
    view = _view_arg(args)
    view_id = args.text("view_id")
    external_id = args.text("external_id")
    if not view_id and not external_id:
        raise SlackError("invalid_arguments")
    stored = ws.views.get(view_id) if view_id else None
    if stored is None and external_id:
        stored = next((v for v in ws.views.values() if v.external_id == external_id), None)
    if stored is None:
        raise SlackError("not_found")
    expected = args.text("hash")
    if expected and expected != stored.hash:
        raise SlackError("hash_conflict")
    stored.view = view
    stored.hash = _new_hash()
    return {"ok": True, "view": stored.as_slack()}


HANDLERS = {
    "views.open": open_view,
    "views.push": push_view,
    "views.update": update_view,
}
