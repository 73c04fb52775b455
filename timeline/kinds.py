"""Timeline entry kinds: the names people type for them, their labels and their emoji.

The user kinds follow the source template's detailed timeline (domain §4); the automatic
kinds are written by the bot. Labels live in the catalog as ``timeline.kind.<kind>``.
"""

from __future__ import annotations

import unicodedata

from i18n import catalog
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

EMOJI: dict[str, str] = {
    "started": ":boom:",
    "detected": ":eyes:",
    "alert": ":rotating_light:",
    "action": ":hammer_and_wrench:",
    "hypothesis": ":thinking_face:",
    "verification": ":test_tube:",
    "escalation": ":arrow_double_up:",
    "root_cause": ":dart:",
    "mitigation": ":adhesive_bandage:",
    "recovery": ":white_check_mark:",
    "note": ":memo:",
    "declared": ":fire:",
    "severity_changed": ":chart_with_upwards_trend:",
    "status_changed": ":arrows_counterclockwise:",
    "role_assigned": ":bust_in_silhouette:",
    "impact_updated": ":bar_chart:",
    "status_update": ":mega:",
    "page": ":pager:",
    "fyi": ":information_source:",
    "ack": ":ok_hand:",
    "escalated": ":arrow_double_up:",
    "page_cancelled": ":no_bell:",
    "kb_suggestion": ":books:",
    "kb_feedback": ":books:",
    "resolved": ":white_check_mark:",
    "reopened": ":leftwards_arrow_with_hook:",
    "closed": ":lock:",
    "action_item": ":ballot_box_with_check:",
}
FALLBACK_EMOJI = ":small_blue_diamond:"

# The kinds the "add to timeline" message shortcut offers, most common first.
SHORTCUT_KINDS: tuple[str, ...] = (
    "note",
    "alert",
    "action",
    "hypothesis",
    "verification",
    "root_cause",
    "mitigation",
    "recovery",
)


def resolve_kind(text: str) -> str | None:
    """The canonical user kind for what someone typed (English or Japanese), or None."""
    folded = " ".join(unicodedata.normalize("NFKC", text).strip().lower().split())
    if not folded:
        return None
    kind = ALIASES.get(folded, folded.replace("-", "_"))
    return kind if kind in USER_KINDS else None


def label(kind: str, locale: str | None) -> str:
    """The kind's label in ``locale``; an unknown kind shows as itself rather than failing."""
    key = f"timeline.kind.{kind}"
    texts = catalog()
    return texts.text(key, locale) if texts.has(key) else kind


def emoji(kind: str) -> str:
    """The emoji shortcode the live view shows before an entry of this kind."""
    return EMOJI.get(kind, FALLBACK_EMOJI)
