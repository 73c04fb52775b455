"""Timeline order and the numbers people use for entries."""

from __future__ import annotations

from tests.timeline.entries import entry
from timeline.ordering import entry_number, in_order, number_entries


def test_a_back_dated_entry_sorts_into_place() -> None:
    first, second, back_dated = entry(1, minutes=10), entry(2, minutes=20), entry(3, minutes=5)
    assert [e.seq for e in in_order([first, second, back_dated])] == [3, 1, 2]


def test_entries_at_the_same_moment_keep_the_order_they_were_recorded_in() -> None:
    entries = [entry(3, minutes=1), entry(1, minutes=1), entry(2, minutes=1)]
    assert [e.seq for e in in_order(entries)] == [1, 2, 3]


def test_numbers_are_one_based_over_visible_entries_in_time_order() -> None:
    entries = [entry(1, minutes=30), entry(2, minutes=10, deleted=True), entry(3, minutes=20), entry(4, minutes=0)]
    assert [(n, e.seq) for n, e in number_entries(entries)] == [(1, 4), (2, 3), (3, 1)]


def test_deleted_entries_are_kept_for_the_audit_view() -> None:
    entries = [entry(1), entry(2, deleted=True)]
    assert [e.seq for e in in_order(entries, include_deleted=True)] == [1, 2]


def test_entry_number_finds_the_entry_shown_with_that_number() -> None:
    entries = [entry(1, minutes=30), entry(2, minutes=10)]
    assert entry_number(entries, 1) is entries[1]
    assert entry_number(entries, 2) is entries[0]
    assert entry_number(entries, 0) is None
    assert entry_number(entries, 3) is None
    assert entry_number(entries, -1) is None
