"""Tokens: Japanese cut at script changes, English stemmed, known terms become concepts."""

from __future__ import annotations

from knowledge.tokenize import japanese_grams, normalize, script_runs, tokens


def test_japanese_is_cut_where_the_script_changes_and_particles_are_dropped() -> None:
    assert script_runs("ディスクがいっぱいで書き込めない") == [
        ("katakana", "ディスク"),
        ("hiragana", "がいっぱいで"),
        ("kanji", "書"),
        ("hiragana", "き"),
        ("kanji", "込"),
        ("hiragana", "めない"),
    ]
    grams = japanese_grams("決済で障害")
    assert grams == ["決済", "障害"]  # no "済で" or "で障" across the particle


def test_full_width_text_is_folded_before_matching() -> None:
    assert normalize("ＤＢ接続エラー５０４") == "db接続エラー504"


def test_a_status_code_and_its_words_share_a_concept_in_both_languages() -> None:
    for text in ("504", "gateway timeout", "ゲートウェイタイムアウト"):
        assert "c:timeout" in tokens(text), text


def test_a_known_japanese_term_is_carried_by_its_concept_not_its_characters() -> None:
    found = tokens("データベース接続")
    assert {"c:database", "c:connection"} <= set(found)
    assert not any(t in found for t in ("デー", "接続"))


def test_english_words_are_lower_cased_and_lightly_stemmed() -> None:
    assert tokens("Timeouts on Replicas")[:2] == ["timeout", "replica"]
