"""Tokens for Japanese and English alike.

Latin runs become lower-cased words, lightly stemmed. Japanese has no spaces between
words, so runs of Japanese script are cut where the script changes (Kanji, Katakana,
Hiragana) and each piece becomes overlapping character bigrams: that matches words of any
length without a morphological dictionary, and cutting at script changes keeps particles
(が, で, を) from gluing onto the nouns beside them. A katakana loanword also yields the
English word it comes from (``loanwords``: インスタンス → instance). Known operations terms in either
language add a shared *concept* token (``c:timeout``, see ``synonyms``), which is what lets
"504" find "gateway timeout" and a Japanese query find an English runbook.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from knowledge.loanwords import english
from knowledge.synonyms import concept_spans

CONCEPT_PREFIX = "c:"
# A concept reached from a Japanese term is the bridge to English entries: it weighs more
# than a word. One reached from Latin words, which already match as themselves, counts
# once like a word: a generic English word ("monitoring", "backup") must not outweigh the
# one rare word, often a product name, that decides the match.
CONCEPT_WEIGHT = 2.5
LATIN_CONCEPT_WEIGHT = 1.0

_LATIN = re.compile(r"[a-z0-9]+(?:[._][a-z0-9]+)*")
_JAPANESE = re.compile(r"[\u3041-\u309f\u30a0-\u30ff\u3400-\u9fff\uf900-\ufaff々〆ヶ]+")
_STOP = frozenset(
    [
        *("a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it"),
        *("of", "on", "or", "the", "to", "was", "were", "with", "this", "that", "our", "we"),
    ]
)
# Inflections and auxiliaries (ない, ます, して…): common to every sentence, so noise.
_HIRAGANA_STOP = frozenset(
    ["ない", "ます", "した", "して", "いる", "てい", "れる", "られ", "です", "する", "った", "ている"]
)
# Hiragana runs this short are particles or inflections, not words of their own.
_SHORTEST_HIRAGANA_WORD = 3


def normalize(text: str) -> str:
    """NFKC (full-width letters and digits become ASCII, half-width kana full-width), lower case."""
    return unicodedata.normalize("NFKC", text).lower()


@lru_cache(maxsize=65536)  # word frequencies are Zipfian: a small cache hits most of the time
def stem(word: str) -> str:
    """A light English stem: plurals and common verb endings, so "timeouts" meets "timeout"."""
    for suffix, minimum in (("ies", 5), ("ing", 6), ("ed", 5), ("es", 5), ("s", 4)):
        if word.endswith(suffix) and len(word) >= minimum:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def words(normalized: str) -> list[str]:
    """Latin-script words and numbers, stemmed, without English stop words."""
    return [stem(w) for w in _LATIN.findall(normalized) if w not in _STOP]


_SCRIPT_RUN = re.compile(
    r"(?P<hiragana>[\u3041-\u309f]+)|(?P<katakana>[\u30a0-\u30ffヶ]+)|(?P<kanji>[^\u3041-\u30ffヶ]+)"
)


def script_runs(normalized: str) -> list[tuple[str, str]]:
    """(script, run) pieces of the Japanese text, cut wherever the script changes."""
    return [
        (str(match.lastgroup), match.group())
        for block in _JAPANESE.findall(normalized)
        for match in _SCRIPT_RUN.finditer(block)
    ]


def japanese_grams(normalized: str) -> list[str]:
    """Character bigrams of each script run; a lone Kanji stands for itself (雷, 鍵)."""
    grams: list[str] = []
    for script, run in script_runs(normalized):
        if script == "hiragana" and len(run) < _SHORTEST_HIRAGANA_WORD:
            continue
        if len(run) == 1:
            if script == "kanji":
                grams.append(run)
            continue
        pairs = (run[i : i + 2] for i in range(len(run) - 1))
        grams.extend(p for p in pairs if script != "hiragana" or p not in _HIRAGANA_STOP)
    return grams


def tokens(text: str) -> list[str]:
    """Every index token of ``text``: words, Japanese bigrams and concept tokens."""
    normalized = normalize(text)
    spans = concept_spans(normalized)
    concepts = [CONCEPT_PREFIX + c for _, _, found in spans for c in found]
    # A Japanese term the dictionary knows is represented by its concept alone, so a
    # Japanese entry does not outscore an English one on the same idea just by sharing
    # characters with a Japanese query; unknown words still match by bigrams.
    masked = list(normalized)
    for start, end, _ in spans:
        if not normalized[start:end].isascii():
            masked[start:end] = " " * (end - start)
    rest = "".join(masked)
    return [*words(normalized), *japanese_grams(rest), *loanwords(rest), *concepts]


def loanwords(normalized: str) -> list[str]:
    """The English words of the katakana loanwords in the text (インスタンス → instance), so
    a Japanese symptom shares words with an English runbook where the dictionary is silent."""
    return [w for script, run in script_runs(normalized) if script == "katakana" for w in words(" ".join(english(run)))]


def query_terms(text: str) -> dict[str, float]:
    """The query's tokens with their weights: words and bigrams count once, a concept by
    the script of the term that produced it (the heavier where both scripts produced it)."""
    normalized = normalize(text)
    concepts: dict[str, float] = {}
    for start, end, found in concept_spans(normalized):
        weight = LATIN_CONCEPT_WEIGHT if normalized[start:end].isascii() else CONCEPT_WEIGHT
        for concept in found:
            token = CONCEPT_PREFIX + concept
            concepts[token] = max(weight, concepts.get(token, 0.0))
    return {token: concepts.get(token, 1.0) for token in tokens(text)}
