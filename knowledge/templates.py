"""The source's troubleshooting-template shape (troubleshooting_template.yml), as entry fields.

A template holds a title, category, difficulty and estimated time; prerequisites; numbered
steps with commands, expected output and success criteria; a decision tree (condition →
next procedure); and escalation criteria. Fields an entry has beyond the template
(symptom, keywords, resolution, …) may sit beside them in the same file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Template difficulty → the entry's skill level.
DIFFICULTY: dict[str, str] = {
    "easy": "beginner",
    "beginner": "beginner",
    "medium": "intermediate",
    "intermediate": "intermediate",
    "hard": "advanced",
    "advanced": "advanced",
}

_PASSED_THROUGH = (
    "id",
    "title",
    "symptom",
    "keywords",
    "category",
    "subcategory",
    "causes",
    "resolution",
    "prevention",
    "prerequisites",
    "decision_tree",
    "severity",
    "frequency",
    "services",
    "links",
    "language",
    "provenance",
)


def fields_from_template(raw: Mapping[str, Any], default_id: str) -> dict[str, Any]:
    """Entry fields (for ``KbEntry.from_dict``) from one template document."""
    fields: dict[str, Any] = {k: raw[k] for k in _PASSED_THROUGH if k in raw}
    fields.setdefault("id", default_id)
    if "symptom" not in fields and raw.get("description"):
        fields["symptom"] = raw["description"]
    difficulty = raw.get("difficulty", raw.get("skill_level"))
    if difficulty is not None:
        fields["skill_level"] = DIFFICULTY.get(str(difficulty).lower(), str(difficulty))
    estimated = raw.get("estimated_time", raw.get("resolution_time"))
    if estimated is not None:
        fields["resolution_time"] = str(estimated)
    steps = raw.get("steps", raw.get("diagnostic_steps"))
    if steps is not None:
        fields["diagnostic_steps"] = steps
    escalation = raw.get("escalation_criteria", raw.get("escalation"))
    if escalation is not None:
        fields["escalation"] = escalation
    return fields
