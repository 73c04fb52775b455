"""Who may edit or delete a timeline entry, and what the audit trail receives."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from i18n import t
from incident.model import EntrySource, TimelineEntry
from tests.timeline.entries import entry
from timeline.corrections import Amendment, CorrectionRefusal, apply, decide_delete, decide_edit
from timeline.ordering import number_entries

AT = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)
COMMANDER, AUTHOR, OTHER = "U0IC", "U0ALICE", "U0BOB"


def timeline() -> list[TimelineEntry]:
    return [
        entry(1, minutes=10, text="checked the LB logs", actor=AUTHOR),
        entry(2, minutes=0, kind="declared", text="Checkout down", actor=COMMANDER, source=EntrySource.AUTOMATIC),
        entry(3, minutes=20, text="pool exhausted?", actor=OTHER),
    ]


def test_the_author_may_edit_their_entry_and_the_original_goes_to_the_audit_trail() -> None:
    result = decide_edit(timeline(), 2, "checked the LB logs: 502s", actor=AUTHOR, commander=COMMANDER, at=AT)
    assert result == Amendment(1, "checked the LB logs", "checked the LB logs: 502s", AUTHOR, AT, "edit")


def test_the_commander_may_edit_anyones_entry() -> None:
    result = decide_edit(timeline(), 3, "pool exhausted (confirmed)", actor=COMMANDER, commander=COMMANDER, at=AT)
    assert isinstance(result, Amendment) and result.entry_id == 3


def test_someone_else_may_not_edit_an_entry_and_is_told_who_can() -> None:
    result = decide_edit(timeline(), 3, "rewritten", actor=AUTHOR, commander=COMMANDER, at=AT)
    assert result == CorrectionRefusal("timeline.correct_not_yours", {"user": f"<@{OTHER}>"})
    assert OTHER in t(result.key, "ja", **result.params)


def test_only_the_commander_may_correct_what_the_bot_recorded() -> None:
    automatic = timeline()  # number 1 is the declaration, the earliest entry
    refused = decide_delete(automatic, 1, actor=AUTHOR, commander=COMMANDER, at=AT)
    assert refused == CorrectionRefusal("timeline.correct_automatic")
    allowed = decide_delete(automatic, 1, actor=COMMANDER, commander=COMMANDER, at=AT)
    assert allowed == Amendment(2, "Checkout down", None, COMMANDER, AT, "delete")


def test_without_a_commander_only_the_author_may_correct() -> None:
    assert isinstance(decide_delete(timeline(), 2, actor=AUTHOR, commander=None, at=AT), Amendment)
    refused = decide_delete(timeline(), 1, actor=AUTHOR, commander=None, at=AT)
    assert isinstance(refused, CorrectionRefusal) and refused.key == "timeline.correct_automatic"


@pytest.mark.parametrize("n", [0, 4, -1])
def test_a_number_that_is_not_shown_is_refused(n: int) -> None:
    result = decide_edit(timeline(), n, "x", actor=COMMANDER, commander=COMMANDER, at=AT)
    assert result == CorrectionRefusal("timeline.no_entry", {"n": str(n)})


def test_an_edit_to_nothing_or_to_the_same_text_is_refused() -> None:
    empty = decide_edit(timeline(), 2, "   ", actor=AUTHOR, commander=COMMANDER, at=AT)
    same = decide_edit(timeline(), 2, "checked the LB logs", actor=AUTHOR, commander=COMMANDER, at=AT)
    assert isinstance(empty, CorrectionRefusal) and empty.key == "timeline.edit_empty"
    assert isinstance(same, CorrectionRefusal) and same.key == "timeline.edit_unchanged"


def test_an_edited_entry_is_flagged_amended_and_keeps_its_place() -> None:
    original = timeline()[0]
    amendment = decide_edit(timeline(), 2, "新しい内容 🔥", actor=AUTHOR, commander=COMMANDER, at=AT)
    assert isinstance(amendment, Amendment)
    edited = apply(original, amendment)
    assert (edited.text, edited.amended, edited.deleted) == ("新しい内容 🔥", True, False)
    assert edited.occurred_at == original.occurred_at
    assert original.text == "checked the LB logs"  # the record itself is not mutated


def test_a_deleted_entry_is_hidden_but_kept_and_later_numbers_shift() -> None:
    entries = timeline()
    amendment = decide_delete(entries, 2, actor=AUTHOR, commander=COMMANDER, at=AT)
    assert isinstance(amendment, Amendment)
    after = [apply(e, amendment) if e.id == amendment.entry_id else e for e in entries]
    assert len(after) == 3 and next(e for e in after if e.id == 1).deleted
    assert [(n, e.id) for n, e in number_entries(after)] == [(1, 2), (2, 3)]


def test_an_amendment_cannot_be_applied_to_another_entry() -> None:
    amendment = Amendment(1, "a", "b", AUTHOR, AT, "edit")
    with pytest.raises(ValueError):
        apply(entry(2), amendment)


@pytest.mark.parametrize(
    "key",
    ["timeline.correct_automatic", "timeline.correct_commander_only", "timeline.no_entry",
     "timeline.edit_empty", "timeline.edit_unchanged", "timeline.edited", "timeline.deleted"],
)  # fmt: skip
@pytest.mark.parametrize("locale", ["en", "ja"])
def test_every_correction_message_reads_in_both_languages(key: str, locale: str) -> None:
    assert t(key, locale, n="3", user="<@U1>")
