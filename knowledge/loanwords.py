"""Katakana loanwords read as the English words they come from: インスタンス → instance.

A Japanese symptom full of loanwords (レプリケーション遅延, ロードバランサーのヘルスチェック)
shares no character with an English runbook; the English origin does. The table
(``data/loanwords.tsv.gz``, ~27,000 words) was extracted once from UniDic, whose lemmas carry the
origin of words of foreign origin (see ``knowledge.loanwords_gen``, which rebuilds it, and
``data/LICENSE.unidic`` for UniDic's licence). A katakana run the table lacks as a whole is cut
into the fewest words it knows (ロードバランサー → ロード + バランサー → load balancer, and the
joined ``loadbalancer``, since English writes many such compounds as one word); a run it
cannot cut completely yields nothing, rather than a guess.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources

# Where UniDic's most frequent reading is not the one an operations team means.
OVERRIDES: dict[str, str] = {
    "キャッシュ": "cache",
    "キュー": "queue",
    "ディスク": "disk",
    "ロード": "load",
    "リード": "read",
    "ライト": "write",
    "カーネル": "kernel",
    "コード": "code",
    "ルート": "root",
    "ブート": "boot",
    "シェル": "shell",
    "パス": "path",
    "ヒープ": "heap",
    "ノード": "node",
    "ポッド": "pod",
    "スタック": "stack",
    "フラッシュ": "flush",
    "ログ": "log",
}
# Longer runs than this are cut in pieces only (the table's longest words are about this long).
_LONGEST = 16


@lru_cache(maxsize=1)
def table() -> dict[str, str]:
    """Katakana form → English origin, with the overrides applied."""
    raw = resources.files("knowledge").joinpath("data/loanwords.tsv.gz").read_bytes()
    found = dict(line.split("\t", 1) for line in gzip.decompress(raw).decode("utf-8").splitlines())
    found.update(OVERRIDES)
    return found


@lru_cache(maxsize=65536)
def english(run: str) -> tuple[str, ...]:
    """The English words a katakana run stands for; empty when the table cannot read all of it."""
    words = table()
    whole = words.get(run)
    if whole is not None:
        return (whole,)
    # Fewest pieces covering the run, each a known word (pieces of two characters at least).
    best: list[tuple[str, ...] | None] = [()] + [None] * len(run)
    for end in range(2, len(run) + 1):
        for start in range(max(0, end - _LONGEST), end - 1):
            before, piece, current = best[start], words.get(run[start:end]), best[end]
            if before is not None and piece is not None and (current is None or len(before) + 1 < len(current)):
                best[end] = (*before, piece)
    pieces = best[len(run)]
    if not pieces:
        return ()
    return (*pieces, "".join(pieces).replace(" ", "")) if len(pieces) > 1 else pieces
