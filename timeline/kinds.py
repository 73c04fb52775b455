"""Timeline entry kinds: their labels and their emoji (what people type: ``incident.entry_kinds``).

The user kinds follow the source template's detailed timeline (domain §4); the automatic
kinds are written by the bot. Labels live in the catalog as ``timeline.kind.<kind>``.
"""

from __future__ import annotations

from i18n import catalog

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




def label(kind: str, locale: str | None) -> str:
    """The kind's label in ``locale``; an unknown kind shows as itself rather than failing."""
    key = f"timeline.kind.{kind}"
    texts = catalog()
    return texts.text(key, locale) if texts.has(key) else kind


def emoji(kind: str) -> str:
    """The emoji shortcode the live view shows before an entry of this kind."""
    return EMOJI.get(kind, FALLBACK_EMOJI)
