"""Incident channel names follow Slack's rules and keep the title's words."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from chat.channel_names import MAX_LEN, candidate_name, is_valid, with_suffix
from incident.model import IncidentRef

REF = IncidentRef(2026, 7)
DAY = date(2026, 11, 22)


def test_an_english_title_becomes_a_lowercase_slug_after_date_and_number() -> None:
    name = candidate_name(REF, DAY, "Checkout API returns 500s")
    assert name == "inc-20261122-0007-checkout-api-returns-500s"


def test_a_japanese_title_keeps_its_words() -> None:
    assert candidate_name(REF, DAY, "決済APIで504が多発") == "inc-20261122-0007-決済apiで504が多発"


def test_the_ascii_fallback_drops_non_latin_letters() -> None:
    assert candidate_name(REF, DAY, "決済APIで504が多発", ascii_only=True) == "inc-20261122-0007-api-504"
    assert candidate_name(REF, DAY, "データベース障害", ascii_only=True) == "inc-20261122-0007"


def test_full_width_letters_are_folded() -> None:
    assert candidate_name(REF, DAY, "ＤＢ　障害") == "inc-20261122-0007-db-障害"


def test_suffixes_stay_within_the_length_limit() -> None:
    long = candidate_name(REF, DAY, "x" * 200)
    assert len(long) == MAX_LEN
    assert with_suffix(long, 12).endswith("-12")
    assert len(with_suffix(long, 12)) <= MAX_LEN


@given(st.text(max_size=300))
def test_every_title_gives_a_valid_name(title: str) -> None:
    for ascii_only in (False, True):
        name = candidate_name(REF, DAY, title, ascii_only=ascii_only)
        assert is_valid(name), name
        assert is_valid(with_suffix(name, 3))
