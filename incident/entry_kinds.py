"""The timeline kind someone means by what they typed, in English or Japanese.

The user kinds follow the source template's detailed timeline (domain §4).
"""

from __future__ import annotations

import unicodedata

from incident.model import USER_KINDS

# What people type, folded (NFKC, lower case), mapped to the canonical kind. The Japanese
# words are the source template's own event names.
ALIASES: dict[str, str] = {
    "問題発生": "started",
    "検知": "detected",
    "アラート": "alert",
    "初期対応": "action",
    "仮説": "hypothesis",
    "検証": "verification",
    "エスカレーション": "escalation",
    "根本原因特定": "root_cause",
    "根本原因": "root_cause",
    "原因特定": "root_cause",
    "対策実施": "mitigation",
    "復旧確認": "recovery",
    "復旧": "recovery",
    "メモ": "note",
    "root-cause": "root_cause",
    "rootcause": "root_cause",
    "root cause": "root_cause",
    "start": "started",
    "detect": "detected",
    "mitigated": "mitigation",
    "recovered": "recovery",
}


def resolve_kind(text: str) -> str | None:
    """The canonical user kind for what someone typed (English or Japanese), or None."""
    folded = " ".join(unicodedata.normalize("NFKC", text).strip().lower().split())
    if not folded:
        return None
    kind = ALIASES.get(folded, folded.replace("-", "_"))
    return kind if kind in USER_KINDS else None
