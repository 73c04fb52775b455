"""Log lines: JSON one per line, secrets redacted even inside exceptions, Slack failures without tracebacks."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot import logs
from chat.errors import ChannelNotFound, SlackUnavailable
from incident.model import Incident, IncidentRef, Status
from storage.deadlines import Deadline

SIGNING_SECRET = "8f14e45fceea167a5a36dedd4bea2543"
ROUTING_KEY = "R0UTINGKEY0123456789abcdef"
log = logging.getLogger("hikeshi.test")


@pytest.fixture
def out() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = logs.configure(level="INFO", fmt="json", secrets=[SIGNING_SECRET, ROUTING_KEY, "short"], stream=stream)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_secrets_and_tokens_never_reach_a_line_even_inside_exception_text(out: io.StringIO) -> None:
    log.warning("signing with %s for team xoxb-1234-5678-abcdEFGH", SIGNING_SECRET)
    try:
        raise RuntimeError(f"refused: token=xoxp-99-abc app=xapp-1-A0-123-ff key={ROUTING_KEY}")
    except RuntimeError:
        log.exception("pager call failed")
    text = out.getvalue()
    for secret in (SIGNING_SECRET, ROUTING_KEY, "xoxb-1234", "xoxp-99", "xapp-1-A0"):
        assert secret not in text
    first, second = lines(out)
    assert first["message"] == "signing with [redacted] for team [redacted]"
    assert first["level"] == "WARNING" and first["logger"] == "hikeshi.test" and "ts" in first
    assert "RuntimeError" in second["exception"] and "[redacted]" in second["exception"]


def test_an_expected_slack_failure_is_one_line_with_method_and_code(out: io.StringIO) -> None:
    for error in (ChannelNotFound("chat.postMessage", "channel_not_found"), SlackUnavailable("pins.add", "http_503")):
        try:
            raise error
        except (ChannelNotFound, SlackUnavailable):
            log.exception("posting the summary failed")
    response = AsyncSlackResponse(
        client=None,
        http_verb="POST",
        api_url="https://slack.com/api/chat.update",
        req_args={},
        data={"ok": False},
        headers={},
        status_code=429,
    )
    try:
        raise SlackApiError("ratelimited", response)  # type: ignore[no-untyped-call]
    except SlackApiError:
        log.exception("updating the live timeline failed")
    text = out.getvalue()
    assert "Traceback" not in text and len(text.splitlines()) == 3
    assert [line["message"] for line in lines(out)] == [
        "posting the summary failed (chat.postMessage: channel_not_found)",
        "posting the summary failed (pins.add: http_503)",
        "updating the live timeline failed (chat.update: http_429)",
    ]
    assert all("exception" not in line for line in lines(out))


def test_a_bug_keeps_its_traceback_inside_its_one_line(out: io.StringIO) -> None:
    try:
        int("not a number")
    except ValueError:
        log.exception("subscriber failed")
    (line,) = lines(out)
    assert "Traceback" in line["exception"] and "ValueError" in line["exception"]


def test_the_incident_comes_from_extra_the_context_or_the_message(out: io.StringIO) -> None:
    log.info("plain")
    log.info("paging level1", extra={"incident": "INC-2026-0007"})
    with logs.concerning("INC-2026-0008"):
        log.warning("DM update failed")
    log.warning("channel notice for INC-2026-0009 failed")
    assert [line.get("incident") for line in lines(out)] == [None, "INC-2026-0007", "INC-2026-0008", "INC-2026-0009"]


def test_the_level_setting_filters_and_text_lines_stay_one_per_event() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = logs.configure(level="WARNING", fmt="text", secrets=[SIGNING_SECRET], stream=stream)
    try:
        log.info("not shown")
        try:
            raise ValueError(SIGNING_SECRET)
        except ValueError:
            with logs.concerning("INC-2026-0001"):
                log.exception("boom")
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    text = stream.getvalue()
    assert "not shown" not in text and SIGNING_SECRET not in text
    first, *rest = text.splitlines()
    assert first.endswith("boom [INC-2026-0001]") and "ERROR hikeshi.test" in first
    assert rest and all(line.startswith("    ") for line in rest)  # the traceback, indented under its line


async def test_deadline_work_names_the_incident_of_its_payload(out: io.StringIO) -> None:
    at = datetime(2026, 11, 22, 5, 30, tzinfo=UTC)
    incident = Incident(
        id=7,
        ref=IncidentRef(2026, 12),
        title="t",
        severity="critical",
        status=Status.INVESTIGATING,
        declared_by="U0ALICE",
        declared_at=at,
        started_at=at,
        channel_id="C0INC",
    )
    looked_up: list[int] = []

    async def lookup(incident_id: int) -> Incident | None:
        looked_up.append(incident_id)
        return incident if incident_id == 7 else None

    refs = logs.IncidentRefs(lookup)

    for payload in ({"incident_id": 7}, {"incident_id": 7}, {"incident_id": 99}, {}):
        with logs.concerning(await refs.of_deadline(Deadline("esc:7:1", "escalation", at, payload))):
            log.warning("escalation step level2 resolved to nobody")
    assert [line.get("incident") for line in lines(out)] == ["INC-2026-0012", "INC-2026-0012", None, None]
    assert looked_up == [7, 99]  # a ref once known is not looked up again
    assert refs.in_channel("C0INC") == "INC-2026-0012" and refs.in_channel(None) is None
