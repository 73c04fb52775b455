"""Three replicas on one PostgreSQL: killing one mid-escalation loses no page and doubles none."""

from __future__ import annotations

import asyncio
import re
import signal
import time
from collections import Counter
from pathlib import Path
from typing import Any

from fakeslack.objects import BOT_USER_ID
from fakeslack.recording import RecordedCall
from tests.e2e.test_escalation import is_page
from tests.replicas.conftest import ACK_WITHIN, Cluster, start_cluster, stop_cluster

INCIDENTS = 12
TARGET = 5.0  # seconds a page may come after its due time
TITLE = re.compile(r"Checkout down (\d+)")


def _on_time(pages: list[Any], refs: set[str], levels: tuple[int, ...] = (2, 3)) -> list[float]:
    """Each level comes ACK_WITHIN after the previous one's page, less than TARGET late; the lateness.

    A level's deadline is armed when the previous level is decided, just before its DM is
    sent, so measuring from the DM overstates the lateness a little (never understates it)."""
    at = {(ref, level): call.at.timestamp() for ref, level, call in pages}
    lateness = []
    for ref in refs:
        for level in levels:
            if (ref, level) not in at:
                continue
            late = at[(ref, level)] - at[(ref, level - 1)] - ACK_WITHIN
            assert -2 < late < TARGET, (ref, level, late)
            lateness.append(late)
    return lateness


def _no_duplicate_posts(cluster: Cluster) -> None:
    """One channel per incident; in each, no pin twice and no bot message (the summary…) twice."""
    created = [c for c in cluster.fake.calls_to("conversations.create") if c.ok]
    assert len(created) == INCIDENTS
    assert len({c.args["name"] for c in created}) == INCIDENTS
    pins = Counter(
        (str(c.args["channel"]), str(c.args["timestamp"])) for c in cluster.fake.calls_to("pins.add") if c.ok
    )
    assert pins and all(n == 1 for n in pins.values()), pins
    per_channel = Counter(channel for channel, _ in pins)
    assert len(per_channel) == INCIDENTS and len(set(per_channel.values())) == 1, per_channel  # summary + timeline
    for channel in (c.response["channel"]["id"] for c in created):
        texts = Counter(m.text for m in cluster.fake.messages(channel) if m.user == BOT_USER_ID)
        twice = {t: n for t, n in texts.items() if n > 1}
        assert not twice, (channel, twice)


async def test_a_killed_replicas_pages_still_go_out_once_and_on_time(cluster: Cluster) -> None:
    declared: dict[str, float] = {}
    for n in range(INCIDENTS):
        declared[str(n)] = time.time()
        response = await cluster.sender(n % 3).command(f"declare Checkout down {n} --sev critical")
        assert response.status == 200 and response.elapsed < 3.0
    level1 = await cluster.wait_for_pages(INCIDENTS, timeout=20, level=1, linger=0)
    assert Counter(level for _, level, _ in level1)[1] == INCIDENTS
    for _, _, call in level1:  # level1 is due at the declare
        title = TITLE.search(str(call.args.get("text")))
        assert title is not None, call.args.get("text")
        assert call.at.timestamp() - declared[title.group(1)] < TARGET
    # The level2 deadlines are pending; the replica that sent the most pages dies, once it holds
    # some of them under its lease (a replica claims what falls due within its next poll), so
    # the others must take them over when the lease runs out.
    sent = Counter(cluster.replica_of(call) for _, _, call in level1)
    busiest = [i for i, n in sent.items() if n == max(sent.values())]
    victim, held = busiest[0], 0
    for _ in range(int(ACK_WITHIN / 0.05)):
        holding = cluster.holding()
        if any(holding[i] for i in busiest):
            victim = max(busiest, key=lambda i: holding[i])
            held = holding[victim]
            break
        await asyncio.sleep(0.05)
    cluster.replicas[victim].signal(signal.SIGKILL)
    assert held, "the busiest replica never held a level2 deadline"
    alive = next(i for i in range(3) if i != victim)

    # A third of the incidents are acknowledged by level2 as soon as it is paged: no level3 for those.
    refs = sorted({ref for ref, _, _ in level1})
    to_ack = set(refs[::3])
    acked: set[str] = set()
    deadline = time.monotonic() + ACK_WITHIN + 15
    while acked != to_ack and time.monotonic() < deadline:
        for ref, level, call in cluster.pages():
            if level == 2 and ref in to_ack - acked:
                await cluster.acknowledge(alive, call)
                acked.add(ref)
        await asyncio.sleep(0.05)
    assert acked == to_ack

    expected = 2 * INCIDENTS + INCIDENTS - len(to_ack)
    # Linger past one more ack_within, so a level3 for an acknowledged incident would show.
    pages = await cluster.wait_for_pages(expected, timeout=2 * ACK_WITHIN + 15, linger=ACK_WITHIN + 1)
    counts = Counter((ref, level) for ref, level, _ in pages)
    assert all(n == 1 for n in counts.values()), counts  # nobody paged twice
    assert {ref for ref, level in counts if level == 1} == set(refs)
    assert {ref for ref, level in counts if level == 2} == set(refs)
    assert {ref for ref, level in counts if level == 3} == set(refs) - to_ack  # only the unacknowledged
    lateness = _on_time(pages, set(refs))
    assert max(lateness) < TARGET
    assert "taken over from" in cluster.logs()  # its leased deadlines went to the others
    _no_duplicate_posts(cluster)
    assert "Traceback" not in cluster.logs()


async def test_a_replica_killed_right_after_level1_still_escalates_after_restart(
    pg_schema: str, tmp_path: Path
) -> None:
    one = await start_cluster(pg_schema, tmp_path, 1)
    killed = asyncio.Event()

    async def kill_after_the_page(call: RecordedCall) -> None:
        """Slack has the level1 DM; the process dies before it hears so, before anything else."""
        process = one.replicas[0].process
        if not killed.is_set() and str(call.args["channel"]).startswith("D") and is_page(call.args.get("text")):
            assert process is not None
            process.kill()
            killed.set()

    one.fake.after_call("chat.postMessage", kill_after_the_page)
    try:
        await one.sender(0).command("declare Payments down --sev critical")
        await asyncio.wait_for(killed.wait(), timeout=15)
        assert one.replicas[0].process is not None
        one.replicas[0].process.wait(timeout=10)
        one.replicas[0].start()
        await one.replicas[0].ready()
        back = time.time()
        pages = await one.wait_for_pages(1, timeout=2 * ACK_WITHIN + 15, level=3, linger=ACK_WITHIN)
        levels = Counter(level for _, level, _ in pages)
        # level1 reached Slack before the crash; whether it is sent again is the outbox's choice.
        assert levels[1] >= 1 and levels[2] == 1 and levels[3] == 1, levels
        at = {level: call.at.timestamp() for _, level, call in pages}  # the last level1 if twice
        first_level1 = min(call.at.timestamp() for _, level, call in pages if level == 1)
        # level2 fell due while the replica was down, or comes due after: at once, or on time.
        assert at[2] - max(first_level1 + ACK_WITHIN, back) < TARGET
        assert at[3] - at[2] - ACK_WITHIN < TARGET
    finally:
        await stop_cluster(one)


async def test_sigterm_while_a_page_is_in_flight_finishes_it_and_it_is_done_once(
    pg_schema: str, tmp_path: Path
) -> None:
    """The level2 DM takes Slack 4 s to answer; SIGTERM lands in the middle. The replica lets the
    work finish, exits 0, and after a restart level2 is not sent again and level3 comes on time."""
    one = await start_cluster(pg_schema, tmp_path, 1)
    hold = 4.0
    in_flight = asyncio.Event()

    async def slow_level2(call: RecordedCall) -> None:
        dm = str(call.args["channel"])
        if dm.startswith("D") and is_page(call.args.get("text")) and one.dm_user(dm) == "U0CAROL":
            in_flight.set()
            await asyncio.sleep(hold)

    one.fake.after_call("chat.postMessage", slow_level2)
    try:
        await one.sender(0).command("declare Payments down --sev critical")
        await asyncio.wait_for(in_flight.wait(), timeout=ACK_WITHIN + 15)
        code = await asyncio.to_thread(one.replicas[0].signal, signal.SIGTERM)
        assert code == 0, one.logs()
        assert "handed back on stop" not in one.logs()  # it waited for the page instead
        one.replicas[0].start()
        await one.replicas[0].ready()
        pages = await one.wait_for_pages(1, timeout=2 * ACK_WITHIN + 15, level=3, linger=ACK_WITHIN)
        levels = Counter(level for _, level, _ in pages)
        assert levels == Counter({1: 1, 2: 1, 3: 1}), levels
        log = one.logs()
        assert "Traceback" not in log, log
    finally:
        await stop_cluster(one)


async def test_sigterm_right_after_a_declare_was_acked_still_finishes_the_declare(
    pg_schema: str, tmp_path: Path
) -> None:
    """Nothing accepted is lost: the declare was acked, Slack is slow to create its channel and
    SIGTERM comes meanwhile; the replica opens the channel and pages level1 before it exits."""
    one = await start_cluster(pg_schema, tmp_path, 1)
    creating = asyncio.Event()

    async def slow_channel(_: RecordedCall) -> None:
        creating.set()
        await asyncio.sleep(2.0)

    one.fake.after_call("conversations.create", slow_channel)
    try:
        response = await one.sender(0).command("declare Search down --sev critical")
        assert response.status == 200 and response.elapsed < 3.0
        await asyncio.wait_for(creating.wait(), timeout=10)
        code = await asyncio.to_thread(one.replicas[0].signal, signal.SIGTERM)
        assert code == 0, one.logs()
        assert [level for _, level, _ in one.pages()] == [1]
        channel = next(c for c in one.fake.calls_to("conversations.create") if c.ok).response["channel"]["id"]
        assert len(one.fake.pins(channel)) >= 1  # the summary is up
        assert "Traceback" not in one.logs()
    finally:
        await stop_cluster(one)


async def test_sigterm_with_a_short_grace_hands_the_step_back_and_a_restart_does_it(
    pg_schema: str, tmp_path: Path
) -> None:
    """HIKESHI_SHUTDOWN_GRACE=1 and Slack holds the level2 DM for 6 s: the replica stops waiting,
    hands the deadline back (lease released) and exits 0; after a restart the escalation goes on.
    Slack had the DM already, so level2 may come twice; it is never lost."""
    one = await start_cluster(pg_schema, tmp_path, 1, {"HIKESHI_SHUTDOWN_GRACE": "1"})
    in_flight = asyncio.Event()

    async def slow_level2(call: RecordedCall) -> None:
        dm = str(call.args["channel"])
        if not in_flight.is_set() and dm.startswith("D") and one.dm_user(dm) == "U0CAROL":
            in_flight.set()
            await asyncio.sleep(6.0)

    one.fake.after_call("chat.postMessage", slow_level2)
    try:
        await one.sender(0).command("declare Payments down --sev critical")
        await asyncio.wait_for(in_flight.wait(), timeout=ACK_WITHIN + 15)
        code = await asyncio.to_thread(one.replicas[0].signal, signal.SIGTERM)
        assert code == 0, one.logs()
        assert "handed back on stop" in one.logs()
        one.replicas[0].start()
        await one.replicas[0].ready()
        pages = await one.wait_for_pages(1, timeout=2 * ACK_WITHIN + 15, level=3, linger=1)
        levels = Counter(level for _, level, _ in pages)
        assert levels[1] == 1 and 1 <= levels[2] <= 2 and levels[3] == 1, levels
        assert "Traceback" not in one.logs()
    finally:
        await stop_cluster(one)
