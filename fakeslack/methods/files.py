"""The files upload v2 flow: ask for an upload URL, POST the bytes, complete the upload.

The byte upload itself is an HTTP route on the server (see ``server.py``); this module holds
the two Web API methods around it.
"""

from __future__ import annotations

from typing import Any

from fakeslack.arguments import Args
from fakeslack.methods.conversations import require_bot_member, require_not_archived
from fakeslack.objects import FakeFile, FakeMessage, SlackError
from fakeslack.workspace import Workspace


def get_upload_url_external(ws: Workspace, args: Args) -> dict[str, Any]:
    """Reserve a file id and an absolute upload URL on this fake."""
    filename = args.required("filename")
    length = args.integer("length")
    if length is None or length < 0:
        raise SlackError("invalid_arguments")
    file_id = ws.new_id("F")
    ws.files[file_id] = FakeFile(id=file_id, filename=filename, length=length)
    return {"ok": True, "upload_url": f"{ws.base_url}/upload/v1/{file_id}", "file_id": file_id}


def complete_upload_external(ws: Workspace, args: Args) -> dict[str, Any]:
    """Finish uploads whose bytes arrived and share them to a channel if one is given."""
    entries = args.get("files")
    if not isinstance(entries, list) or not entries:
        raise SlackError("invalid_arguments")
    targets = [args.text("channel_id")] if args.text("channel_id") else args.id_list("channels")
    channels = [ws.channel(cid) for cid in targets]
    for channel in channels:
        require_not_archived(channel)
        require_bot_member(channel)
    completed: list[FakeFile] = []
    for entry in entries:
        file = ws.files.get(str(entry.get("id", ""))) if isinstance(entry, dict) else None
        if file is None or file.content is None:
            raise SlackError("file_not_found")
        if file.completed:
            raise SlackError("file_upload_already_completed")
        completed.append(file)
    for file, entry in zip(completed, entries, strict=True):
        file.title = str(entry.get("title") or file.filename)
        file.completed = True
        file.channels = [c.id for c in channels]
    shared = [f.as_slack(ws.permalink_base) for f in completed]
    for channel in channels:
        ws.messages.setdefault(channel.id, []).append(
            FakeMessage(
                channel=channel.id,
                ts=ws.next_ts(),
                text=args.text("initial_comment"),
                thread_ts=args.text("thread_ts") or None,
                files=shared,
            )
        )
    return {"ok": True, "files": shared}


HANDLERS = {
    "files.getUploadURLExternal": get_upload_url_external,
    "files.completeUploadExternal": complete_upload_external,
}
