"""Policy validation and who is on call when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from escalation.errors import PolicyError
from escalation.policy import DEFAULT_POLICY_CONFIG, EscalationPolicy, LevelTarget, UsergroupTarget, UsersTarget
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
def test_a_bad_policy_is_one_clear_line(config: dict[str, Any], message: str) -> None:
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


def tokyo(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TOKYO)


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


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_weekly_hand_off_keeps_its_local_time_across_both_london_dst_changes() -> None:
    config = {
        "levels": {
            "level1": {
                "rotation": {"every": "weekly", "handoff": "mon 09:00", "members": ["A", "B"], "start": "2026-03-23"}
            }
        }
    }
    roster = Roster.from_config(config, LONDON)
    # Monday 23 March is GMT (09:00 = 09:00 UTC); the next Monday is BST (09:00 = 08:00 UTC).
    assert roster.next_handoff("level1", utc(2026, 3, 23, 8, 0)) == utc(2026, 3, 23, 9, 0)
    assert roster.next_handoff("level1", utc(2026, 3, 29, 12, 0)) == utc(2026, 3, 30, 8, 0)
    assert roster.on_call("level1", utc(2026, 3, 30, 7, 59)).user_ids == ("A",)
    assert roster.on_call("level1", utc(2026, 3, 30, 8, 0)).user_ids == ("B",)
    # Clocks go back on Sunday 25 October: Monday 26th's hand-off is at 09:00 UTC again.
    assert roster.next_handoff("level1", utc(2026, 10, 20, 12, 0)) == utc(2026, 10, 26, 9, 0)


def test_a_hand_off_in_the_repeated_autumn_hour_is_never_in_the_past() -> None:
    config = {"levels": {"level1": {"rotation": {"every": "daily", "handoff": "01:30", "members": ["A", "B"]}}}}
    roster = Roster.from_config(config, LONDON)
    after = utc(2026, 10, 25, 1, 15)  # 01:15 GMT, the second time the clock shows 01:15 that night
    handoff = roster.next_handoff("level1", after)
    assert handoff is not None and handoff > after and handoff == utc(2026, 10, 26, 1, 30)


def test_outside_office_hours_the_rotation_holds_until_the_office_opens() -> None:
    roster = Roster.from_config(SOURCE_ROSTER, TOKYO)
    evening = roster.on_call("level1", tokyo(2026, 11, 24, 19, 0))  # Tuesday
    assert evening.source == "rotation" and evening.until == tokyo(2026, 11, 25, 9, 0)
    office = roster.on_call("level1", tokyo(2026, 11, 25, 9, 0))
    assert office.source == "window" and office.until == tokyo(2026, 11, 25, 18, 0)


def test_the_level_everyone_holds_at_once_has_no_end() -> None:
    roster = Roster.from_config(SOURCE_ROSTER, TOKYO)
    assert roster.on_call("level3", tokyo(2026, 11, 24, 3, 0)).until is None


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"levels": {}}, "roster.levels: give at least one level"),
        ({"levels": {"level1": {"memebers": ["A"]}}}, "roster.levels.level1: unknown setting 'memebers'"),
        (
            {"levels": {"level1": {"rotation": {"every": "hourly", "members": ["A"]}}}},
            "roster.levels.level1.rotation.every",
        ),
        (
            {"levels": {"level1": {"rotation": {"every": "weekly", "handoff": "10:00", "members": ["A"]}}}},
            "like 'mon 10:00'",
        ),
        ({"levels": {"level1": {"members": []}}}, "roster.levels.level1.rotation.members: give at least one"),
        (
            {"levels": {"level1": {"members": ["A"], "windows": [{"hours": "18:00-09:00", "members": ["B"]}]}}},
            "roster.levels.level1.windows[0].hours: the end must be after the start",
        ),
        ({"levels": {"level1": {"members": ["A"]}}, "timezone": "Mars/Olympus"}, "roster.timezone: unknown zone"),
    ],
)
def test_a_bad_roster_is_one_clear_line(config: dict[str, Any], message: str) -> None:
    with pytest.raises(PolicyError) as err:
        Roster.from_config(config, TOKYO)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_asking_for_an_unknown_level_names_the_known_ones() -> None:
    roster = Roster.from_config(SOURCE_ROSTER, TOKYO)
    with pytest.raises(PolicyError, match="unknown level 'level9'"):
        roster.on_call("level9", tokyo(2026, 11, 24, 3, 0))


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"critical": {"steps": [{"level": "level1", "ack_witin": "15m"}]}},
            "policy.critical.steps[0]: unknown setting 'ack_witin'",
        ),
        (
            {"critical": {"steps": [{"level": "level1", "users": ["U0A"]}]}},
            "policy.critical.steps[0]: a step names exactly one of level, users or usergroup",
        ),
        ({"critical": {"steps": [{"level": "level1", "handle_within": "0m"}]}}, "steps[0].handle_within"),
        ({"critical": {"steps": [{"level": "level1"}], "fyi": ["level7"]}}, "policy.critical.fyi: unknown level"),
        ({"critical": {"steps": [{"level": "level1"}], "repeat": "0s"}}, "policy.critical.repeat"),
        ({"critical": {"steps": [{"level": "level1"}], "mention": True}}, "policy.critical: unknown setting 'mention'"),
    ],
)
def test_more_bad_policies_are_one_clear_line(config: dict[str, Any], message: str) -> None:
    with pytest.raises(PolicyError) as err:
        EscalationPolicy.from_config(config, LEVELS, SEVERITIES)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_a_severity_left_out_takes_the_default_policy_rather_than_paging_nobody() -> None:
    policy = EscalationPolicy.from_config({"low": {"pages": False}}, LEVELS, SEVERITIES)
    assert policy.for_severity("high").steps[0].ack_within == timedelta(hours=1)
    assert not policy.for_severity("low").pages


def test_a_severity_with_no_policy_and_no_default_is_an_error() -> None:
    with pytest.raises(PolicyError, match=r"^policy\.sev0: missing"):
        EscalationPolicy.from_config({}, LEVELS, ["sev0", *SEVERITIES])


def test_the_default_policy_matches_the_source_table() -> None:
    policy = EscalationPolicy.from_config(DEFAULT_POLICY_CONFIG, LEVELS, SEVERITIES)
    critical = policy.for_severity("critical")
    assert [s.ack_within for s in critical.steps] == [timedelta(minutes=m) for m in (15, 30, 60)]
    assert [s.handle_within for s in critical.steps] == [timedelta(hours=h) for h in (1, 2, 4)]
    assert critical.fyi_levels == ("level2", "level3") and critical.mention_here
    assert [s.ack_within for s in policy.for_severity("medium").steps] == [timedelta(hours=h) for h in (4, 8, 24)]
    assert all(s.handle_within is None for s in policy.for_severity("medium").steps)
    assert not policy.for_severity("low").pages
    assert policy.for_severity("high").steps[0].target == LevelTarget("level1")


def test_a_step_names_its_target() -> None:
    policy = EscalationPolicy.from_config(
        {"critical": {"steps": [{"users": ["U0A", "U0B"]}, {"usergroup": "S0SRE"}]}}, LEVELS, SEVERITIES
    )
    assert [s.target for s in policy.for_severity("critical").steps] == [
        UsersTarget(("U0A", "U0B")),
        UsergroupTarget("S0SRE"),
    ]


def test_a_roster_with_only_level1_gets_the_default_policy_over_level1() -> None:
    from escalation.policy import EscalationPolicy, default_policy_for
    from incident.severity import DEFAULT_SCALE

    policy = EscalationPolicy.from_config(default_policy_for({"level1"}), ["level1"], DEFAULT_SCALE.keys())
    critical = policy.for_severity("critical")
    assert [s.level for s in critical.steps] == ["level1"] and critical.fyi_levels == ()
