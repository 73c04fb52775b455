"""Every accepted way of writing a time, in a zone without DST and in one with it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from i18n import t
from timeline.timeparse import TimeError, parse_when

NOW = datetime(2026, 11, 22, 5, 30, tzinfo=UTC)  # 14:30 in Tokyo, 05:30 in London (GMT)
TOKYO, LONDON = ZoneInfo("Asia/Tokyo"), ZoneInfo("Europe/London")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


EVERY_FORM = [
    # (form, Tokyo text, London text, the moment both mean)
    ("hh:mm today", "14:25", "05:25", utc(2026, 11, 22, 5, 25)),
    ("h:mm today", "9:05", "0:05", utc(2026, 11, 22, 0, 5)),
    ("date time", "2026-11-22 14:00", "2026-11-22 05:00", utc(2026, 11, 22, 5, 0)),
    ("ISO date T time", "2026-11-21T23:00", "2026-11-21T14:00", utc(2026, 11, 21, 14, 0)),
    ("slashed date time", "2026/11/21 23:00", "2026/11/21 14:00", utc(2026, 11, 21, 14, 0)),
    ("month/day time", "11/22 09:00", "11/22 00:00", utc(2026, 11, 22, 0, 0)),
    ("relative minutes", "-10m", "-10m", NOW - timedelta(minutes=10)),
    ("relative hours", "-2h", "-2h", NOW - timedelta(hours=2)),
    ("relative hours and minutes", "-1h30m", "-1h30m", NOW - timedelta(hours=1, minutes=30)),
    ("now", "now", "NOW", NOW),
    ("now in Japanese", "今", "今", NOW),
    ("Japanese hours and minutes", "14時5分", "5時5分", utc(2026, 11, 22, 5, 5)),
    ("Japanese hour only", "14時", "5時", utc(2026, 11, 22, 5, 0)),
    ("full-width digits", "１４：２０", "０５：２０", utc(2026, 11, 22, 5, 20)),
    (
        "full-width date",
        "２０２６－１１－２２　１４：００",
        "２０２６－１１－２２　０５：００",
        utc(2026, 11, 22, 5, 0),
    ),
    ("full-width relative", "－１０ｍ", "－１０ｍ", NOW - timedelta(minutes=10)),
    ("one minute of clock skew", "14:31", "05:31", utc(2026, 11, 22, 5, 31)),
]


@pytest.mark.parametrize(("form", "tokyo", "london", "expected"), EVERY_FORM, ids=[f[0] for f in EVERY_FORM])
def test_every_accepted_form_in_tokyo_and_london(form: str, tokyo: str, london: str, expected: datetime) -> None:
    assert parse_when(tokyo, now=NOW, tz=TOKYO) == expected
    assert parse_when(london, now=NOW, tz=LONDON) == expected


def test_the_result_is_aware_utc() -> None:
    when = parse_when("14:25", now=NOW, tz=TOKYO)
    assert isinstance(when, datetime) and when.tzinfo is UTC


def test_today_means_today_in_the_teams_zone_not_in_utc() -> None:
    late_evening_utc = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)  # already 05:00 on the 23rd in Tokyo
    assert parse_when("04:00", now=late_evening_utc, tz=TOKYO) == utc(2026, 11, 22, 19, 0)


def test_summer_time_is_applied_in_london() -> None:
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)  # 13:00 BST
    assert parse_when("12:45", now=summer, tz=LONDON) == utc(2026, 7, 1, 11, 45)
    assert parse_when("12:45", now=summer, tz=TOKYO) == utc(2026, 7, 1, 3, 45)


def test_a_time_the_clocks_skip_in_spring_is_refused() -> None:
    after_change = datetime(2026, 3, 29, 12, 0, tzinfo=UTC)  # 01:00–02:00 never happened in London
    result = parse_when("2026-03-29 01:30", now=after_change, tz=LONDON)
    assert isinstance(result, TimeError) and result.key == "timeline.bad_time"


def test_a_time_the_clocks_repeat_in_autumn_means_the_first_one() -> None:
    after_change = datetime(2026, 10, 25, 12, 0, tzinfo=UTC)
    assert parse_when("2026-10-25 01:30", now=after_change, tz=LONDON) == utc(2026, 10, 25, 0, 30)


def test_relative_times_count_real_minutes_across_a_clock_change() -> None:
    just_after = datetime(2026, 3, 29, 1, 5, tzinfo=UTC)  # 02:05 BST, five minutes after the change
    assert parse_when("-10m", now=just_after, tz=LONDON) == utc(2026, 3, 29, 0, 55)


def test_month_and_day_just_after_new_year_mean_the_year_that_ended() -> None:
    new_year = datetime(2026, 12, 31, 15, 10, tzinfo=UTC)  # 00:10 on 1 January 2027 in Tokyo
    assert parse_when("12/31 23:50", now=new_year, tz=TOKYO) == utc(2026, 12, 31, 14, 50)


def test_exactly_thirty_days_back_is_still_accepted() -> None:
    assert parse_when("2026-10-23 14:30", now=NOW, tz=TOKYO) == NOW - timedelta(days=30)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("14:32", "timeline.future_time"),  # two minutes ahead: more than clock skew
        ("23:59", "timeline.future_time"),
        ("2026-11-23 09:00", "timeline.future_time"),
        ("-31d", "timeline.too_old"),
        ("2026-10-22 14:00", "timeline.too_old"),
        ("2025-11-22 14:00", "timeline.too_old"),
        ("yesterday", "timeline.bad_time"),
        ("25:61", "timeline.bad_time"),
        ("14:60", "timeline.bad_time"),
        ("2026-13-40 10:00", "timeline.bad_time"),
        ("2026-02-30 10:00", "timeline.bad_time"),
        ("-10", "timeline.bad_time"),  # a bare number has no unit
        ("-", "timeline.bad_time"),
        ("1435", "timeline.bad_time"),
        ("", "timeline.bad_time"),
        ("   ", "timeline.bad_time"),
    ],
)
def test_refusals_name_the_reason(text: str, key: str) -> None:
    result = parse_when(text, now=NOW, tz=TOKYO)
    assert isinstance(result, TimeError) and result.key == key


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_a_garbage_time_is_explained_with_the_input_and_the_accepted_forms(locale: str) -> None:
    result = parse_when("teatime", now=NOW, tz=TOKYO)
    assert isinstance(result, TimeError)
    message = t(result.key, locale, **result.params)
    assert "teatime" in message and "14:35" in message and "-10m" in message


@pytest.mark.parametrize("key_text", ["23:59", "-31d"])
@pytest.mark.parametrize("locale", ["en", "ja"])
def test_future_and_old_refusals_read_in_both_languages(key_text: str, locale: str) -> None:
    result = parse_when(key_text, now=NOW, tz=TOKYO)
    assert isinstance(result, TimeError)
    assert key_text in t(result.key, locale, **result.params)


def test_a_pasted_essay_is_not_echoed_back_whole() -> None:
    result = parse_when("x" * 5000, now=NOW, tz=TOKYO)
    assert isinstance(result, TimeError) and len(result.params["input"]) <= 40
