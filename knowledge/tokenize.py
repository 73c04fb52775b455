"""Tokens for Japanese and English alike.

Latin runs become lower-cased words, lightly stemmed; runs of Japanese script (no spaces
between words) become overlapping character bigrams, which match words of any length
without a dictionary; and known operations terms in either language add a shared
*concept* token (``c:timeout``), which is what lets "504" find "gateway timeout" and a
Japanese query find an English runbook.
"""

from __future__ import annotations

import re
import unicodedata

from knowledge.concepts import concepts_in

_LATIN = re.compile(r"[a-z0-9]+(?:[._][a-z0-9]+)*")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\u30fc]+")
_STOP = frozenset(
    [
        *("a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it"),
        *("of", "on", "or", "the", "to", "was", "were", "with", "this", "that", "our", "we"),
    ]
)


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def stem(word: str) -> str:
    for suffix, minimum in (("ies", 5), ("ing", 6), ("ed", 5), ("es", 5), ("s", 4)):
        if word.endswith(suffix) and len(word) >= minimum:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def words(text: str) -> list[str]:
    return [stem(w) for w in _LATIN.findall(normalize(text)) if w not in _STOP]


def cjk_bigrams(text: str) -> list[str]:
    grams: list[str] = []
    for run in _CJK.findall(normalize(text)):
        if len(run) == 1 and not "\u3040" <= run <= "\u309f":  # a lone kana is a particle, not a word
            grams.append(run)
        grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return grams


def tokens(text: str) -> list[str]:
    normalized = normalize(text)
    return [*words(normalized), *cjk_bigrams(normalized), *(f"c:{c}" for c in concepts_in(normalized))]
