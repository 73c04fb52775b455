"""The live timeline view stays within Block Kit's limits at any length, and keeps text exact."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from chat.blockkit import clip
from chat.timeline_blocks import (
    render_entry_confirmation,
    render_full_timeline_text,
    render_live_view,
)
from incident.model import EntrySource
from tests.timeline.entries import T0, entry

TOKYO = ZoneInfo("Asia/Tokyo")
HUGE = "障害対応ログ 🔥 <@U0BOB> " * 400  # far beyond one section's 3,000 characters


def texts(blocks: list[dict[str, Any]]) -> list[str]:
    out = []
    for block in blocks:
        if block["type"] in ("header", "section"):
            out.append(block["text"]["text"])
        elif block["type"] == "context":
            out.extend(e["text"] for e in block["elements"])
    return out


def assert_within_block_kit_limits(blocks: list[dict[str, Any]]) -> None:
    assert len(blocks) <= 50
    for block in blocks:
        if block["type"] == "header":
            assert block["text"]["type"] == "plain_text" and len(block["text"]["text"]) <= 150
        elif block["type"] == "section":
            assert 0 < len(block["text"]["text"]) <= 3000
        elif block["type"] == "context":
            assert 0 < len(block["elements"]) <= 10
            assert all(len(e["text"]) <= 3000 for e in block["elements"])
        else:
            pytest.fail(f"unexpected block {block['type']}")


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_a_thousand_entries_render_within_block_kit_limits(locale: str) -> None:
    entries = [entry(i, text=HUGE if i % 100 == 0 else f"observation {i} 確認済み ✅") for i in range(1, 1001)]
    fallback, blocks = render_live_view("INC-2026-0007", "Checkout down", entries, locale=locale, tz=TOKYO)
    assert_within_block_kit_limits(blocks)
    body = "\n".join(texts(blocks))
    assert "observation 999 確認済み ✅" in body  # the newest entries are shown
    assert "observation 979 " not in body
    assert "980" in texts(blocks)[1]  # the count of older entries
    assert "1000" in fallback


def test_the_older_entries_line_reads_in_english() -> None:
    entries = [entry(i) for i in range(1, 31)]
    _, blocks = render_live_view("INC-2026-0007", "Checkout down", entries, locale="en", tz=TOKYO)
    assert "10 older entries" in texts(blocks)[1]


@pytest.mark.parametrize("count", [0, 1, 19, 20, 21, 49, 50, 51, 5000])
def test_any_length_stays_within_limits(count: int) -> None:
    entries = [entry(i, text=HUGE) for i in range(1, count + 1)]
    _, blocks = render_live_view("INC-2026-0007", "x" * 500, entries, locale="ja", tz=TOKYO)
    assert_within_block_kit_limits(blocks)


def test_a_huge_entry_is_cut_with_an_ellipsis_and_never_inside_a_mention() -> None:
    _, blocks = render_live_view("INC-1", "t", [entry(1, text=HUGE)], locale="en", tz=TOKYO)
    line = texts(blocks)[1]
    assert "…" in line and len(line) < 3000
    body = line.split("\n", 1)[1]
    assert body.count("<") == body.count(">")


def test_clip_keeps_short_text_and_cuts_long_text_at_a_safe_point() -> None:
    assert clip("短い 🔥", 10) == "短い 🔥"
    assert clip("see <https://example.com/very/long|runbook>", 20) == "see…"
    assert len(clip("a" * 5000, 3000)) == 3000


def test_japanese_text_and_emoji_survive_byte_for_byte() -> None:
    text = "DBフェイルオーバー完了 🔥👩‍💻 ｶﾀｶﾅ 〜 é"
    _, blocks = render_live_view("INC-1", "決済障害 💳", [entry(1, text=text)], locale="ja", tz=TOKYO)
    assert text.encode() in "\n".join(texts(blocks)).encode()
    assert "決済障害 💳".encode() in texts(blocks)[0].encode()


def test_an_entry_shows_its_time_kind_actor_link_and_amended_mark() -> None:
    one = entry(
        1,
        minutes=0,
        kind="hypothesis",
        text="pool exhausted",
        actor="U0ALICE",
        amended=True,
        permalink="https://example.slack.com/archives/C1/p1",
    )
    _, blocks = render_live_view("INC-1", "t", [one], locale="en", tz=TOKYO)
    line = texts(blocks)[1]
    stamp = int(T0.timestamp())
    assert f"<!date^{stamp}^{{date_short_pretty}} {{time}}|2026-11-22 14:00 JST>" in line
    assert ":thinking_face:" in line and "*Hypothesis*" in line
    assert "<@U0ALICE>" in line
    assert "<https://example.slack.com/archives/C1/p1|message>" in line
    assert "(amended)" in line


def test_kind_labels_and_amended_mark_are_japanese_in_japanese() -> None:
    _, blocks = render_live_view("INC-1", "t", [entry(1, kind="root_cause", amended=True)], locale="ja", tz=TOKYO)
    assert "*根本原因特定*" in texts(blocks)[1] and "修正あり" in texts(blocks)[1]


def test_files_are_linked_and_many_files_are_counted() -> None:
    files = [{"name": f"graph{i}.png", "permalink": f"https://files/{i}"} for i in range(5)]
    _, blocks = render_live_view("INC-1", "t", [entry(1, files=files)], locale="en", tz=TOKYO)
    line = texts(blocks)[1]
    assert "<https://files/0|graph0.png>" in line and "https://files/3" not in line
    assert "+2 more files" in line


def test_a_user_label_can_replace_mentions_and_the_bot_has_none() -> None:
    entries = [entry(1, actor="U0ALICE"), entry(2, actor=None, kind="declared", source=EntrySource.AUTOMATIC)]
    _, blocks = render_live_view(
        "INC-1", "t", entries, locale="en", tz=TOKYO, user_label=lambda u: f"@{u.lower()}" if u else ""
    )
    assert "@u0alice" in texts(blocks)[1] and "<@" not in "\n".join(texts(blocks))


def test_deleted_entries_are_hidden_and_numbers_follow_time_order() -> None:
    entries = [entry(1, minutes=30, text="later"), entry(2, minutes=5, text="gone", deleted=True), entry(3, minutes=1)]
    _, blocks = render_live_view("INC-1", "t", entries, locale="en", tz=TOKYO)
    lines = texts(blocks)[1:]
    assert len(lines) == 2 and lines[0].startswith("*1.*") and "entry 3" in lines[0]
    assert "gone" not in "\n".join(lines)


def test_an_empty_timeline_says_so() -> None:
    fallback, blocks = render_live_view("INC-1", "t", [], locale="ja", tz=TOKYO)
    assert len(blocks) == 2 and "まだ記録はありません" in texts(blocks)[1] and "0" in fallback


def test_the_full_text_has_every_visible_entry_with_local_times() -> None:
    entries = [entry(i, text=f"step {i} 🔥") for i in range(1, 301)] + [entry(301, text="gone", deleted=True)]
    text = render_full_timeline_text("INC-2026-0007", "Checkout down", entries, locale="ja", tz=TOKYO)
    lines = text.splitlines()
    assert "INC-2026-0007" in lines[0] and "Asia/Tokyo" in lines[0]
    assert sum(1 for line in lines if line.startswith("*")) >= 300
    assert "*300.*" in text and "step 300 🔥" in text and "gone" not in text
    assert "2026-11-22 14:01" in text and "<!date" not in text


def test_the_full_text_keeps_a_long_entry_that_the_live_view_would_cut() -> None:
    long_text = "x" * 2000
    full = render_full_timeline_text("INC-1", "t", [entry(1, text=long_text)], locale="en", tz=TOKYO)
    assert long_text in full


@pytest.mark.parametrize(("locale", "word"), [("en", "Root cause identified"), ("ja", "根本原因特定")])
def test_the_entry_confirmation_names_kind_time_and_text(locale: str, word: str) -> None:
    one = entry(1, kind="root_cause", text="設定ミス 🔧")
    reply = render_entry_confirmation(one, locale, tz=TOKYO)
    assert word in reply and "設定ミス 🔧" in reply and "<!date^" in reply


def test_the_entry_confirmation_does_not_echo_a_huge_text() -> None:
    reply = render_entry_confirmation(entry(1, text=HUGE), "en")
    assert len(reply) < 400 and reply.endswith("…")


def test_the_fallback_time_is_in_the_team_zone_even_across_midnight() -> None:
    one = entry(1)
    one.occurred_at = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    _, blocks = render_live_view("INC-1", "t", [one], locale="en", tz=TOKYO)
    assert "|2026-11-23 08:30 JST>" in texts(blocks)[1]
