"""Durations are read with units only and shown the way each language writes them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from incident.durations import DurationError, format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20s", timedelta(seconds=20)),
        ("15m", timedelta(minutes=15)),
        ("4h", timedelta(hours=4)),
        ("1h30m", timedelta(minutes=90)),
        ("1h 30m", timedelta(minutes=90)),
        ("2d", timedelta(days=2)),
        ("1w", timedelta(weeks=1)),
        ("1.5h", timedelta(minutes=90)),
        ("15M", timedelta(minutes=15)),
    ],
)
def test_durations_with_units_are_read(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["15", "", "soon", "15 minutes", "0m", "h", "-5m"])
def test_unreadable_durations_are_refused_with_a_hint(text: str) -> None:
    with pytest.raises(DurationError, match=r"duration"):
        parse_duration(text)


@pytest.mark.parametrize("value", [15, 1.5, True, None])
def test_bare_numbers_from_config_need_a_unit(value: object) -> None:
    with pytest.raises(DurationError, match="needs a unit"):
        parse_duration(value)  # type: ignore[arg-type]  # YAML can hand in any scalar; that is the point


@pytest.mark.parametrize(
    ("delta", "en", "ja"),
    [
        (timedelta(minutes=135), "2h 15m", "2時間15分"),
        (timedelta(seconds=45), "45s", "45秒"),
        (timedelta(days=1, minutes=5), "1d 5m", "1日5分"),
        (timedelta(0), "0s", "0秒"),
        (-timedelta(minutes=10), "-10m", "-10分"),
    ],
)
def test_durations_are_shown_per_language(delta: timedelta, en: str, ja: str) -> None:
    assert format_duration(delta, "en") == en
    assert format_duration(delta, "ja") == ja


def test_an_unknown_locale_is_shown_in_english() -> None:
    assert format_duration(timedelta(hours=1), None) == "1h"
