"""Timeline entry kinds: their emoji, and the kinds a shortcut can choose."""

from __future__ import annotations

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
    "kb_suggestion": ":books:",
    "kb_feedback": ":books:",
    "resolved": ":white_check_mark:",
    "reopened": ":leftwards_arrow_with_hook:",
    "closed": ":lock:",
    "action_item": ":ballot_box_with_check:",
}

SHORTCUT_KINDS = ("note", "alert", "action", "hypothesis", "verification", "root_cause", "mitigation", "recovery")


def emoji(kind: str) -> str:
    return EMOJI.get(kind, ":small_blue_diamond:")
