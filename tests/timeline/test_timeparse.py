"""Every accepted way of writing a time, in a zone without DST and one with it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from i18n import catalog
from timeline.timeparse import TimeError, parse_when

NOW = datetime(2026, 11, 22, 5, 30, tzinfo=UTC)  # 14:30 in Tokyo, 05:30 in London
TOKYO, LONDON = ZoneInfo("Asia/Tokyo"), ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("text", "tz", "expected"),
    [
        ("14:25", TOKYO, datetime(2026, 11, 22, 5, 25, tzinfo=UTC)),
        ("05:00", LONDON, datetime(2026, 11, 22, 5, 0, tzinfo=UTC)),
        ("2026-11-22 14:00", TOKYO, datetime(2026, 11, 22, 5, 0, tzinfo=UTC)),
        ("2026-11-21T23:00", TOKYO, datetime(2026, 11, 21, 14, 0, tzinfo=UTC)),
        ("11/22 09:00", TOKYO, datetime(2026, 11, 22, 0, 0, tzinfo=UTC)),
        ("-10m", TOKYO, NOW - timedelta(minutes=10)),
        ("-1h30m", LONDON, NOW - timedelta(hours=1, minutes=30)),
        ("now", TOKYO, NOW),
        ("14時5分", TOKYO, datetime(2026, 11, 22, 5, 5, tzinfo=UTC)),
        ("１４：２０", TOKYO, datetime(2026, 11, 22, 5, 20, tzinfo=UTC)),
        ("2026-10-25 01:30", LONDON, datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),  # BST, before the change
        ("14:31", TOKYO, datetime(2026, 11, 22, 5, 31, tzinfo=UTC)),  # a minute of clock skew is fine
    ],
)
def test_accepted_forms(text: str, tz: ZoneInfo, expected: datetime) -> None:
    assert parse_when(text, now=NOW, tz=tz) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("15:00", "timeline.future_time"),
        ("2026-11-23 09:00", "timeline.future_time"),
        ("-45d", "timeline.too_old"),
        ("yesterday", "timeline.bad_time"),
        ("25:61", "timeline.bad_time"),
        ("2026-13-40 10:00", "timeline.bad_time"),
        ("", "timeline.bad_time"),
    ],
)
def test_refusals_explain_themselves(text: str, key: str) -> None:
    result = parse_when(text, now=NOW, tz=TOKYO)
    assert isinstance(result, TimeError) and result.key == key
    assert catalog().text(result.key, "ja", **result.params)
