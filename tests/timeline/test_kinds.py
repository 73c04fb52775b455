"""Entry kinds: what people may type, and how each kind is shown."""

from __future__ import annotations

import pytest

from incident.entry_kinds import resolve_kind
from incident.model import AUTOMATIC_KINDS, USER_KINDS
from timeline.kinds import EMOJI, SHORTCUT_KINDS, emoji, label


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("問題発生", "started"),
        ("検知", "detected"),
        ("アラート", "alert"),
        ("初期対応", "action"),
        ("仮説", "hypothesis"),
        ("検証", "verification"),
        ("エスカレーション", "escalation"),
        ("根本原因特定", "root_cause"),
        ("対策実施", "mitigation"),
        ("復旧確認", "recovery"),
        ("メモ", "note"),
        ("root-cause", "root_cause"),
        ("rootcause", "root_cause"),
        ("root_cause", "root_cause"),
        ("Root-Cause", "root_cause"),
        ("ＡＬＥＲＴ", "alert"),  # full-width letters fold
        (" hypothesis ", "hypothesis"),
    ],
)
def test_aliases_resolve_to_the_canonical_kind(typed: str, kind: str) -> None:
    assert resolve_kind(typed) == kind


@pytest.mark.parametrize("kind", USER_KINDS)
def test_every_canonical_kind_resolves_to_itself(kind: str) -> None:
    assert resolve_kind(kind) == kind


@pytest.mark.parametrize("typed", ["", "declared", "resolved", "banana", "問題"])
def test_unknown_or_automatic_kinds_cannot_be_typed(typed: str) -> None:
    assert resolve_kind(typed) is None


@pytest.mark.parametrize("kind", USER_KINDS + AUTOMATIC_KINDS)
def test_every_kind_has_a_label_in_both_languages_and_an_emoji(kind: str) -> None:
    assert label(kind, "en") != kind
    assert label(kind, "ja") != label(kind, "en")
    assert kind in EMOJI


def test_japanese_labels_are_the_source_templates_words() -> None:
    assert [label(k, "ja") for k in USER_KINDS] == [
        "問題発生", "検知", "アラート", "初期対応", "仮説", "検証",
        "エスカレーション", "根本原因特定", "対策実施", "復旧確認", "メモ",
    ]  # fmt: skip


def test_an_unknown_kind_shows_as_itself_rather_than_failing() -> None:
    assert label("made_up", "ja") == "made_up"
    assert emoji("made_up").startswith(":")


def test_shortcut_kinds_are_user_kinds() -> None:
    assert set(SHORTCUT_KINDS) <= set(USER_KINDS)
