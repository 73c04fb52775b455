"""Policy validation and who is on call when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from escalation.errors import PolicyError
from escalation.policy import EscalationPolicy
from escalation.roster import Override, Roster

TOKYO, LONDON = ZoneInfo("Asia/Tokyo"), ZoneInfo("Europe/London")
LEVELS, SEVERITIES = ["level1", "level2", "level3"], ["critical", "high", "medium", "low"]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"critical": {"steps": [{"level": "level9"}]}}, "policy.critical.steps[0].level: unknown level 'level9'"),
        ({"critical": {"steps": [{"level": "level1", "ack_within": "-5m"}]}}, "policy.critical.steps[0].ack_within"),
        ({"critical": {"steps": []}}, "policy.critical.steps: give at least one step"),
        ({"urgent": {"steps": [{"level": "level1"}]}}, "policy.urgent: unknown severity"),
        ({"high": {"steps": [{"level": "level1", "ack_within": "15"}]}}, "needs a unit"),
    ],
)
def test_a_bad_policy_is_one_clear_line(config: dict, message: str) -> None:
    with pytest.raises(PolicyError) as err:
        EscalationPolicy.from_config(config, LEVELS, SEVERITIES)
    assert message in str(err.value) and "\n" not in str(err.value)


SOURCE_ROSTER = {
    "levels": {
        "level1": {
            "rotation": {
                "every": "weekly",
                "handoff": "mon 10:00",
                "members": ["U0ALICE", "U0BOB"],
                "start": "2026-11-02",
            },
            "windows": [{"days": "weekdays", "hours": "09:00-18:00", "members": ["U0CAROL"]}],
        },
        "level2": {
            "rotation": {"every": "daily", "handoff": "09:00", "members": ["U0DAVE", "U0ERIN"], "start": "2026-11-01"}
        },
        "level3": {"members": ["U0FRANK"]},
    }
}


def tokyo(*args: int) -> datetime:
    return datetime(*args, tzinfo=TOKYO)


def test_the_source_example_office_hours_on_weekdays_rotation_otherwise() -> None:
    roster = Roster.from_config(SOURCE_ROSTER, TOKYO)
    assert roster.on_call("level1", tokyo(2026, 11, 24, 11, 0)).user_ids == ("U0CAROL",)  # Tuesday 11:00
    assert roster.on_call("level1", tokyo(2026, 11, 24, 19, 0)).source == "rotation"  # Tuesday evening
    saturday = roster.on_call("level1", tokyo(2026, 11, 28, 11, 0))
    assert saturday.source == "rotation" and saturday.user_ids in (("U0ALICE",), ("U0BOB",))
    assert roster.on_call("level3", tokyo(2026, 11, 28, 3, 0)).user_ids == ("U0FRANK",)


def test_weekly_hand_off_at_the_local_time() -> None:
    roster = Roster.from_config(SOURCE_ROSTER, TOKYO)
    before = roster.on_call("level1", tokyo(2026, 11, 9, 8, 30))  # Monday before the window
    after = roster.on_call("level1", tokyo(2026, 11, 9, 20, 0))
    assert before.user_ids == ("U0ALICE",) and after.user_ids == ("U0BOB",)
    assert roster.next_handoff("level1", tokyo(2026, 11, 9, 20, 0)) == tokyo(2026, 11, 16, 10, 0)


def test_an_override_holds_until_it_expires() -> None:
    roster = Roster.from_config(SOURCE_ROSTER, TOKYO)
    start = tokyo(2026, 11, 28, 12, 0)
    override = Override("level1", "U0FRANK", start, start + timedelta(hours=3), "U0ALICE")
    assert roster.on_call("level1", start + timedelta(hours=1), [override]).user_ids == ("U0FRANK",)
    assert roster.on_call("level1", start + timedelta(hours=3), [override]).user_ids != ("U0FRANK",)


def test_daily_hand_off_across_the_london_dst_changes() -> None:
    config = {
        "levels": {
            "level1": {"rotation": {"every": "daily", "handoff": "09:00", "members": ["A", "B"], "start": "2026-03-28"}}
        }
    }
    roster = Roster.from_config(config, LONDON)
    # Clocks go forward on 29 March 2026; the hand-off stays at 09:00 local (08:00 UTC after).
    assert roster.next_handoff("level1", datetime(2026, 3, 29, 7, 0, tzinfo=UTC)) == datetime(
        2026, 3, 29, 8, 0, tzinfo=UTC
    )
    assert roster.on_call("level1", datetime(2026, 3, 29, 7, 59, tzinfo=UTC)).user_ids == ("A",)
    assert roster.on_call("level1", datetime(2026, 3, 29, 8, 0, tzinfo=UTC)).user_ids == ("B",)
    # Back on 25 October 2026: 09:00 local is 09:00 UTC again.
    assert roster.next_handoff("level1", datetime(2026, 10, 25, 8, 30, tzinfo=UTC)) == datetime(
        2026, 10, 25, 9, 0, tzinfo=UTC
    )


def test_tokyo_has_no_dst_so_hand_offs_stay_at_the_same_utc_time() -> None:
    config = {"levels": {"level1": {"rotation": {"every": "daily", "handoff": "09:00", "members": ["A", "B"]}}}}
    roster = Roster.from_config(config, TOKYO)
    for month in (3, 10):
        handoff = roster.next_handoff("level1", datetime(2026, month, 20, 1, 0, tzinfo=UTC))
        assert handoff is not None and handoff.astimezone(UTC).hour == 0


def test_swap_hands_the_level_to_the_next_member_until_the_next_hand_off() -> None:
    roster = Roster.from_config(SOURCE_ROSTER, TOKYO)
    at = tokyo(2026, 11, 28, 12, 0)
    current = roster.on_call("level1", at).user_ids[0]
    override = roster.swap("level1", at, "U0ALICE")
    assert override is not None and override.user_id != current
    assert override.end == tokyo(2026, 11, 30, 10, 0)
