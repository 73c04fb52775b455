"""Alerts through the bot's real HTTP server, against the fake Slack, on both databases."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from bot.local_stack import LocalStack
from incident.model import Incident
from tests.alerts.conftest import (
    AM_TOKEN,
    GENIE_KEY,
    HOOK_TOKEN,
    TRIAGE,
    alert_counts,
    alerts_config,
    event_count,
    paged_users,
    payload,
    payload_json,
    post,
)

GENERIC = f"Bearer {HOOK_TOKEN}"
GENIE = f"GenieKey {GENIE_KEY}"


async def incidents(stack: LocalStack) -> list[Incident]:
    found: list[Incident] = await stack.services.store.list_open()
    return found


async def alert_entries(stack: LocalStack, incident_id: int) -> list[Any]:
    return [e for e in await stack.services.store.entries(incident_id) if e.kind in ("alert", "recovery")]


def generic(title: str, **fields: Any) -> dict[str, Any]:
    return {"title": title, "severity": "critical", **fields}


async def test_a_firing_alertmanager_alert_declares_pages_and_records(stack: LocalStack) -> None:
    status, body = await post(stack, "/hooks/alertmanager", payload("api-01-firing-single.json"))
    assert status == 202 and body == {"status": "success"}
    [incident] = await incidents(stack)
    assert incident.title.startswith("[CRITICAL] HighErrorRate")
    assert incident.severity == "critical" and incident.channel_id
    assert paged_users(stack) == ["U0BOB"]
    [entry] = await alert_entries(stack, incident.id)
    assert entry.data["labels"]["service"] == "payments-api"
    assert "prometheus.example.internal" in entry.data["generator_url"]
    assert "prometheus.example.internal" in entry.text


async def test_credentials_are_checked_and_nothing_is_stored_without_them(stack: LocalStack) -> None:
    body = payload("api-01-firing-single.json")
    for auth in (None, "Bearer wrong-token-xyz", f"GenieKey {AM_TOKEN}", f"Bearer {HOOK_TOKEN}", "Bearer"):
        status, answer = await post(stack, "/hooks/alertmanager", body, auth=auth)
        assert status == 401, auth
        assert AM_TOKEN not in json.dumps(answer)
    status, _ = await post(
        stack, "/opsgenie/v2/alerts", payload_json("opsgenie-01-create.json")["body"], auth=f"Bearer {GENIE_KEY}"
    )
    assert status == 401
    status, _ = await post(stack, "/hooks/generic", generic("x"), auth=f"Bearer {AM_TOKEN}")
    assert status == 401
    assert await event_count(stack) == 0
    assert await incidents(stack) == []


@pytest.mark.parametrize(
    ("path", "auth", "body", "field"),
    [
        ("/hooks/alertmanager", f"Bearer {AM_TOKEN}", "{not json", "body"),
        ("/hooks/alertmanager", f"Bearer {AM_TOKEN}", {"alerts": "nope"}, "alerts"),
        ("/hooks/alertmanager", f"Bearer {AM_TOKEN}", "[" * 50_000 + "]" * 50_000, "body"),
        ("/hooks/alertmanager", f"Bearer {AM_TOKEN}", b"\xff\xfe{}", "body"),
        ("/hooks/alertmanager", f"Bearer {AM_TOKEN}", {"alerts": [{"status": "burning"}]}, "alerts[0].status"),
        (
            "/hooks/alertmanager",
            f"Bearer {AM_TOKEN}",
            {"alerts": [{"status": "firing", "startsAt": 5}]},
            "alerts[0].startsAt",
        ),
        ("/hooks/generic", GENERIC, {"severity": "critical"}, "title"),
        ("/hooks/generic", GENERIC, {"title": "x", "status": "maybe"}, "status"),
        ("/hooks/generic", GENERIC, {"title": "x", "colour": "red"}, "colour"),
        ("/opsgenie/v2/alerts", GENIE, {"alias": "a"}, "message"),
        ("/opsgenie/v2/alerts", GENIE, {"message": "m", "priority": "P9"}, "priority"),
    ],
)
async def test_a_body_of_the_wrong_shape_gets_400_naming_the_field(
    stack: LocalStack, path: str, auth: str, body: Any, field: str
) -> None:
    status, answer = await post(stack, path, body, auth=auth)
    assert status == 400
    assert field in answer["message"]
    assert await event_count(stack) == 0


class TestMaxBody:
    @pytest.fixture
    def alerts_settings(self) -> dict[str, Any]:
        return alerts_config(max_body="4KiB")

    async def test_a_body_over_max_body_gets_413(self, stack: LocalStack) -> None:
        big = generic("big", description="x" * 5000)
        status, answer = await post(stack, "/hooks/generic", big, auth=GENERIC)
        assert status == 413 and "max_body" in answer["message"]
        status, _ = await post(stack, "/hooks/generic", generic("small"), auth=GENERIC)
        assert status == 202
        assert await event_count(stack) == 1


async def test_a_double_delivery_and_a_repeat_change_state_once(stack: LocalStack) -> None:
    # Alertmanager's retries, repeat_interval repeats and HA replicas send byte-identical bodies.
    body = payload("api-02-firing-grouped-two.json")
    for _ in range(3):
        status, _ = await post(stack, "/hooks/alertmanager", body)
        assert status == 202
    assert payload("api-03-repeat-after-repeat-interval.json") == body
    status, _ = await post(stack, "/hooks/alertmanager", payload("api-03-repeat-after-repeat-interval.json"))
    assert status == 202
    assert await event_count(stack) == 2  # the two alerts of one delivery
    assert len(await incidents(stack)) == 1  # one group, one incident
    assert paged_users(stack) == ["U0BOB"]
    assert [c for c, _ in await alert_counts(stack)] == [1, 1]


async def test_the_same_alert_20_times_in_4_minutes_is_one_incident_one_page_20_counted(stack: LocalStack) -> None:
    for attempt in range(20):
        alert = generic("Checkout 5xx", service="checkout", host="web-1", metric="http_5xx", fingerprint="chk-5xx")
        alert["description"] = f"5xx ratio {10 + attempt}%"  # a different body each time: a real repeat
        status, _ = await post(stack, "/hooks/generic", alert, auth=GENERIC)
        assert status == 202
        await stack.advance(timedelta(seconds=12))
    [incident] = await incidents(stack)
    assert paged_users(stack) == ["U0BOB"]
    assert await alert_counts(stack) == [(20, incident.id)]
    assert len(await alert_entries(stack, incident.id)) == 20


async def test_related_alerts_within_60s_group_and_an_unrelated_one_opens_its_own(stack: LocalStack) -> None:
    # Same service and same host: 0.3 + 0.4 reaches the 0.7 threshold.
    for metric in ("cpu", "memory", "latency"):
        alert = generic(f"checkout {metric}", service="checkout", host="web-1", metric=metric)
        assert (await post(stack, "/hooks/generic", alert, auth=GENERIC))[0] == 202
        await stack.advance(timedelta(seconds=20))
    unrelated = generic("billing db down", service="billing", host="db-9", metric="up")
    assert (await post(stack, "/hooks/generic", unrelated, auth=GENERIC))[0] == 202
    open_incidents = await incidents(stack)
    assert len(open_incidents) == 2
    by_incident = {i.id: await stack.services.alerts.store.of_incident(i.id) for i in open_incidents}
    assert sorted(len(v) for v in by_incident.values()) == [1, 3]
    grouped = next(i for i in open_incidents if len(by_incident[i.id]) == 3)
    kinds = [e.data.get("what") for e in await alert_entries(stack, grouped.id)]
    assert kinds == ["declared", "grouped", "grouped"]
    assert paged_users(stack) == ["U0BOB", "U0BOB"]


async def test_below_declare_from_goes_to_triage_with_a_declare_button(stack: LocalStack) -> None:
    alert = generic("disk 80%", severity="info", service="orders-db", host="db-3")
    assert (await post(stack, "/hooks/generic", alert, auth=GENERIC))[0] == 202
    assert await incidents(stack) == []
    [message] = stack.fake.messages(TRIAGE)
    assert "disk 80%" in message.text and message.blocks is not None
    button = message.blocks[-1]["elements"][0]
    click = stack.sender.block_actions(
        button["action_id"], button["value"], user_id="U0ALICE", channel_id=TRIAGE, message_ts=message.ts
    )
    assert (await stack.sender.interactivity(click)).status == 200
    await stack.settle()
    [incident] = await incidents(stack)
    assert incident.declared_by == "U0ALICE" and incident.severity == "medium"


async def test_maintenance_records_without_declaring_then_declares_after_the_window(stack: LocalStack) -> None:
    await stack.command("maintenance start 2h --service checkout DB upgrade", channel_id="C0GENERAL", user_id="U0ALICE")
    await stack.settle()
    assert any("checkout" in m.text and "DB upgrade" in m.text for m in stack.fake.messages(TRIAGE))
    alert = generic("checkout 5xx", service="checkout", host="web-1")
    assert (await post(stack, "/hooks/generic", alert, auth=GENERIC))[0] == 202
    assert await incidents(stack) == [] and paged_users(stack) == []
    assert any("Under maintenance" in m.text for m in stack.fake.messages(TRIAGE))
    await stack.advance(timedelta(hours=2, seconds=1))
    assert any("is over" in m.text for m in stack.fake.messages(TRIAGE))
    later = generic("checkout latency", service="checkout", host="web-2", metric="latency")
    assert (await post(stack, "/hooks/generic", later, auth=GENERIC))[0] == 202
    assert len(await incidents(stack)) == 1 and paged_users(stack) == ["U0BOB"]


async def test_partial_then_full_resolution_records_recovery(stack: LocalStack) -> None:
    await post(stack, "/hooks/alertmanager", payload("api-02-firing-grouped-two.json"))
    [incident] = await incidents(stack)
    await post(stack, "/hooks/alertmanager", payload("api-04-one-of-two-resolved.json"))
    await post(stack, "/hooks/alertmanager", payload("api-05-resolved.json"))
    entries = await alert_entries(stack, incident.id)
    assert [e.kind for e in entries].count("recovery") == 2
    texts = [m.text for m in stack.fake.messages(incident.channel_id or "")]
    assert any("still firing" in t for t in texts) and any("every alert" in t for t in texts)
    assert (await stack.services.store.get(incident.id)).status.value == "investigating"  # on_resolved: record


async def test_opsgenie_api_create_repeat_update_close(stack: LocalStack) -> None:
    create = payload_json("opsgenie-01-create.json")
    body = create["body"]
    status, answer = await post(stack, "/opsgenie/v2/alerts", body, auth=GENIE)
    assert status == 202 and answer["result"] and answer["requestId"]
    assert (await post(stack, "/opsgenie/v2/alerts", body, auth=GENIE))[0] == 202
    [incident] = await incidents(stack)
    assert incident.severity == "critical"  # P1
    alias = body["alias"]
    status, _ = await post(
        stack,
        f"/opsgenie/v2/alerts/{alias}/message?identifierType=alias",
        {"message": "now worse"},
        auth=GENIE,
        method="PUT",
    )
    assert status == 202
    close = payload_json("opsgenie-02-close.json")["body"]
    status, _ = await post(stack, f"/opsgenie/v2/alerts/{alias}/close?identifierType=alias", close, auth=GENIE)
    assert status == 202
    entries = await alert_entries(stack, incident.id)
    assert [e.kind for e in entries] == ["alert", "alert", "recovery"]  # the identical re-send changed nothing
    assert entries[1].data["what"] == "updated"
    assert paged_users(stack) == ["U0BOB"]


class TestOnResolvedMitigate:
    @pytest.fixture
    def alerts_settings(self) -> dict[str, Any]:
        return alerts_config(on_resolved="mitigate")

    async def test_the_incident_moves_to_mitigated_once_all_its_alerts_resolve(self, stack: LocalStack) -> None:
        await post(stack, "/hooks/alertmanager", payload("api-02-firing-grouped-two.json"))
        [incident] = await incidents(stack)
        await post(stack, "/hooks/alertmanager", payload("api-04-one-of-two-resolved.json"))
        assert (await stack.services.store.get(incident.id)).status.value == "investigating"
        await post(stack, "/hooks/alertmanager", payload("api-05-resolved.json"))
        assert (await stack.services.store.get(incident.id)).status.value == "mitigated"


async def test_maintenance_list_and_end_early_in_japanese(stack: LocalStack) -> None:
    await stack.command("maintenance list --lang ja", user_id="U0ALICE")
    await stack.settle()  # each command's work runs after its ack: wait, so the list comes first
    await stack.command("maintenance start 30m --service checkout", user_id="U0ALICE")
    await stack.command("maintenance start 1h --service billing 移行作業", user_id="U0ALICE")
    await stack.settle()
    await stack.command("メンテナンス 一覧 --lang ja", user_id="U0ALICE")
    await stack.command("maintenance end --service checkout --lang ja", user_id="U0ALICE")
    await stack.command("maintenance end --service checkout", user_id="U0ALICE")
    await stack.settle()
    joined = "\n".join(str(r.body.get("text", "")) for r in stack.fake.responses)
    assert "実施中のメンテナンスはありません" in joined
    assert "*checkout*" in joined and "移行作業" in joined
    # The two ends race (both run after their acks): exactly one of them ends the window.
    ended = joined.count("checkout のメンテナンスを終了しました") + joined.count("Ended maintenance for checkout.")
    nothing = joined.count("終了できるメンテナンスはありません") + joined.count("No open maintenance window to end.")
    assert (ended, nothing) == (1, 1)
    assert sum("is over" in m.text for m in stack.fake.messages(TRIAGE)) == 1
    alert = generic("checkout 5xx", service="checkout", host="web-1")
    assert (await post(stack, "/hooks/generic", alert, auth=GENERIC))[0] == 202
    assert len(await incidents(stack)) == 1


async def test_grafana_webhook_version_1_declares_on_its_own_path(stack: LocalStack) -> None:
    body = payload_json("api-01-firing-single.json")
    body.update(version="1", orgId=1, title="[FIRING:1] HighErrorRate", state="alerting", message="…")
    body["alerts"][0].update(silenceURL="http://grafana/silence", dashboardURL="", values={"B": 0.12})
    status, _ = await post(stack, "/hooks/grafana", body)
    assert status == 202
    [incident] = await incidents(stack)
    assert incident.title.startswith("[CRITICAL] HighErrorRate")
