"""Improvement actions: default due dates by horizon, due-date parsing, marking done."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from postmortem.actions import add_months, default_due, parse_due

TOKYO = ZoneInfo("Asia/Tokyo")
# 22 Nov 2026, 23:30 in UTC is already 23 Nov in Tokyo.
LATE_EVENING_UTC = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("horizon", "due"), [("short", date(2026, 12, 23)), ("medium", date(2027, 2, 23)), ("long", date(2027, 5, 23))]
)
def test_default_due_dates_follow_the_sources_horizons_from_today_in_the_teams_zone(horizon: str, due: date) -> None:
    assert default_due(horizon, LATE_EVENING_UTC, TOKYO) == due


def test_an_unknown_horizon_is_refused() -> None:
    with pytest.raises(KeyError):
        default_due("someday", LATE_EVENING_UTC, TOKYO)


def test_month_ends_clamp_to_the_shorter_month() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2027, 12, 31), 2) == date(2028, 2, 29)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("2026/12/01", date(2026, 12, 1)),
        ("12/01", date(2026, 12, 1)),
        ("1/15", date(2027, 1, 15)),  # already past this year: next year's
        ("11/23", date(2026, 11, 23)),  # today in Tokyo
        ("11/22", date(2027, 11, 22)),  # yesterday in Tokyo
        ("02/29", date(2028, 2, 29)),
    ],
)
def test_parse_due_reads_full_and_month_day_dates(text: str, due: date) -> None:
    assert parse_due(text, LATE_EVENING_UTC, TOKYO) == due


@pytest.mark.parametrize("text", ["tomorrow", "2026-13-01", "02/30", "13/01", "", "2026-02-29"])
def test_parse_due_gives_none_for_what_is_not_a_date(text: str) -> None:
    assert parse_due(text, LATE_EVENING_UTC, TOKYO) is None
