"""The default scale follows the source documents; teams can bring their own scale."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from incident.severity import DEFAULT_SCALE, SeverityConfigError, SeverityScale

P1_TO_P4: dict[str, Any] = {
    "default": "p3",
    "levels": [
        {
            "key": "P1",
            "labels": {"en": "P1 – whole service down", "ja": "P1 サービス全停止"},
            "response_target": "15m",
            "resolution_target": "2h",
            "notify_everyone": True,
            "update_cadence": "30m",
        },
        {
            "key": "p2",
            "labels": {"en": "P2", "ja": "P2"},
            "pages": False,
            "resolution_target": "4h",
        },
        {
            "key": "p3",
            "labels": {"en": "P3", "ja": "P3"},
            "pages": False,
            "resolution_target": "8h",
        },
        {"key": "p4", "labels": {"en": "P4", "ja": "P4"}, "pages": False},
    ],
}

LEVELS_4_TO_0: dict[str, Any] = {
    "levels": [
        {
            "key": "level4",
            "labels": {"en": "Security incident", "ja": "セキュリティインシデント"},
            "aliases": ["4"],
        },
        {"key": "level3", "labels": {"en": "Major outage", "ja": "重大障害"}, "aliases": ["3"]},
        {"key": "level2", "labels": {"en": "Partial outage", "ja": "部分障害"}, "aliases": ["2"]},
        {
            "key": "level1",
            "labels": {"en": "Minor malfunction", "ja": "軽微な不具合"},
            "aliases": ["1"],
            "pages": False,
        },
        {
            "key": "level0",
            "labels": {"en": "Not an incident", "ja": "インシデントではない"},
            "aliases": ["0"],
            "pages": False,
        },
    ],
}


def test_the_default_scale_carries_the_documented_targets() -> None:
    critical, high, medium, low = (DEFAULT_SCALE.get(k) for k in ("critical", "high", "medium", "low"))
    assert critical and high and medium and low
    assert [lvl.rank for lvl in (critical, high, medium, low)] == [0, 1, 2, 3]
    assert critical.notify_everyone and critical.pages
    assert high.response_target == timedelta(hours=1)
    assert medium.response_target == timedelta(hours=4)
    assert not low.pages
    assert [lvl.update_cadence for lvl in (critical, high, medium, low)] == [
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=6),
        None,
    ]
    assert critical.label("ja") == "重大" and critical.description["ja"].startswith("サービス停止")


@pytest.mark.parametrize(
    ("word", "key"),
    [
        ("critical", "critical"),
        ("CRITICAL", "critical"),
        ("重大", "critical"),
        ("緊急", "critical"),
        ("Sev1", "critical"),
        ("p1", "critical"),
        ("高", "high"),
        ("P2", "high"),
        ("中", "medium"),
        ("sev3", "medium"),
        ("低", "low"),
        ("ｐ４", "low"),  # full-width, as a Japanese IME may type it
    ],
)
def test_levels_are_found_by_key_or_alias_in_either_language(word: str, key: str) -> None:
    level = DEFAULT_SCALE.get(word)
    assert level is not None and level.key == key


def test_an_unknown_severity_is_not_found() -> None:
    assert DEFAULT_SCALE.get("apocalyptic") is None
    assert DEFAULT_SCALE.get("") is None


def test_raising_the_severity_is_an_upgrade_and_lowering_it_is_not() -> None:
    assert DEFAULT_SCALE.is_upgrade("high", "critical")
    assert DEFAULT_SCALE.is_upgrade("低", "中")
    assert not DEFAULT_SCALE.is_upgrade("critical", "high")
    assert not DEFAULT_SCALE.is_upgrade("high", "high")
    assert not DEFAULT_SCALE.is_upgrade("high", "unknown")


def test_a_team_can_use_p1_to_p4() -> None:
    scale = SeverityScale.from_config(P1_TO_P4)
    assert scale.keys() == ["p1", "p2", "p3", "p4"]
    assert scale.default == "p3"
    p1 = scale.get("P1")
    assert p1 is not None and p1.pages and p1.update_cadence == timedelta(minutes=30)
    assert scale.is_upgrade("p2", "p1")
    p2 = scale.get("p2")
    assert p2 is not None and not p2.pages


def test_a_team_can_use_levels_four_to_zero_with_the_most_severe_first() -> None:
    scale = SeverityScale.from_config(LEVELS_4_TO_0)
    assert scale.get("4") == scale.get("level4")
    assert scale.is_upgrade("level2", "level3")
    assert scale.default == "level3"  # the second level, when none is named


def test_the_default_can_be_changed_by_alias() -> None:
    assert DEFAULT_SCALE.with_default("中").default == "medium"


@pytest.mark.parametrize(
    ("config", "setting"),
    [
        ({}, "severities"),
        ({"levels": "critical"}, "severities"),
        ({"levels": ["critical"]}, "severities[0]"),
        ({"levels": [{"labels": {"en": "x"}}]}, "severities[0].key"),
        ({"levels": [{"key": "a b"}]}, "severities[0].key"),
        ({"levels": [{"key": "a", "response_target": "15"}]}, "severities[0].response_target"),
        ({"levels": [{"key": "a", "update_cadence": "often"}]}, "severities[0].update_cadence"),
        ({"levels": [{"key": "a", "labels": "A"}]}, "severities[0].labels"),
        ({"levels": [{"key": "a", "description": "A"}]}, "severities[0].description"),
        ({"levels": [{"key": "a", "aliases": "b"}]}, "severities[0].aliases"),
        ({"levels": [{"key": "a", "pages": "false"}]}, "severities[0].pages"),
        ({"levels": [{"key": "a"}, {"key": "b", "aliases": ["A"]}]}, "severities"),
        ({"levels": [{"key": "a"}], "default": "zzz"}, "default_severity"),
    ],
)
def test_bad_config_is_refused_with_a_message_naming_the_setting(config: dict[str, Any], setting: str) -> None:
    with pytest.raises(SeverityConfigError) as raised:
        SeverityScale.from_config(config)
    assert str(raised.value).startswith(f"{setting}:")
