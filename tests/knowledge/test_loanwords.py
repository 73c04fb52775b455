"""The katakana loanword table: shipped intact, rebuilt the same from UniDic, read by the tokenizer."""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import re

import pytest

from knowledge import loanwords_gen
from knowledge.loanwords import OVERRIDES, english, table
from knowledge.tokenize import query_terms, tokens


def _shipped() -> bytes:
    return gzip.decompress(loanwords_gen.TABLE.read_bytes())


def test_the_shipped_table_matches_its_checksum_and_format() -> None:
    text = _shipped()
    assert hashlib.sha256(text).hexdigest() == loanwords_gen.CHECKSUM.read_text(encoding="ascii").strip()
    rows = [line.split("\t") for line in text.decode("utf-8").splitlines()]
    assert len(rows) > 20_000
    assert all(re.fullmatch(r"[\u30a1-\u30fa\u30fcヴ]{2,}", form) for form, _ in rows)
    assert all(re.fullmatch(r"[a-z][a-z' .-]*", en) for _, en in rows)
    assert [form for form, _ in rows] == sorted({form for form, _ in rows})  # one row per form, sorted
    assert loanwords_gen.TABLE.stat().st_size < 300_000
    assert "BSD" in (loanwords_gen.DATA / "LICENSE.unidic").read_text(encoding="utf-8")


@pytest.mark.skipif(importlib.util.find_spec("unidic_lite") is None, reason="unidic-lite is not installed")
def test_the_table_regenerates_identically_from_unidic() -> None:
    assert loanwords_gen.render(loanwords_gen.extract(loanwords_gen.find_sys_dic())) == _shipped()


def test_homophones_read_as_an_operations_team_means_them() -> None:
    assert english("コード") == ("code",)
    assert english("キャッシュ") == ("cache",)
    assert english("ディスク") == ("disk",)
    assert all(table()[form] == en for form, en in OVERRIDES.items())


def test_compounds_are_cut_into_known_words_and_joined_and_unknown_runs_yield_nothing() -> None:
    assert english("ロードバランサー") == ("load", "balancer", "loadbalancer")
    assert english("フェイルオーバー") == ("fail", "over", "failover")
    assert english("ンンンンン") == ()


def test_an_unknown_katakana_word_also_yields_its_english_word() -> None:
    assert "instance" in tokens("インスタンスが応答しない")
    assert query_terms("パーティションが偏る")["partition"] == 1.0
    # Beside a term the concept dictionary knows (コンテナ), the rest of the run still reads.
    assert "image" in tokens("コンテナイメージが壊れた")
