"""Markdown runbooks: YAML front matter for metadata, ``##`` sections for the content.

Line numbers are kept so an import can say exactly where a file is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

_HEADING = re.compile(r"^##\s+(.+?)\s*$")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")

# Section headings in either language, mapped to entry fields.
SECTIONS: dict[str, str] = {
    "symptom": "symptom",
    "symptoms": "symptom",
    "症状": "symptom",
    "causes": "causes",
    "cause": "causes",
    "原因": "causes",
    "diagnosis": "diagnostic_steps",
    "diagnostic steps": "diagnostic_steps",
    "診断": "diagnostic_steps",
    "調査": "diagnostic_steps",
    "resolution": "resolution",
    "対処": "resolution",
    "対応": "resolution",
    "prevention": "prevention",
    "再発防止": "prevention",
    "prerequisites": "prerequisites",
    "前提条件": "prerequisites",
    "escalation": "escalation",
    "エスカレーション": "escalation",
}


class FrontMatterError(ValueError):
    """The file's front matter cannot be read; ``line`` is 1-based within the file."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


@dataclass(frozen=True, slots=True)
class MarkdownDocument:
    """A parsed runbook: its metadata, its sections and where each front-matter key sits."""

    meta: dict[str, Any]
    sections: dict[str, str]
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """The file line of a front-matter key, or 1 when it is absent."""
        return self.key_lines.get(key, 1)


def parse_markdown(text: str) -> MarkdownDocument:
    """Split front matter from body; raises ``FrontMatterError`` naming the line at fault."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError(1, "no YAML front matter (the file must start with ---)")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        raise FrontMatterError(len(lines), "front matter is not closed with ---")
    block = "\n".join(lines[1:end])
    try:
        meta = yaml.safe_load(block)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        # +1 for the opening ---, +1 because PyYAML counts from 0.
        line = mark.line + 2 if mark is not None else 2
        raise FrontMatterError(line, f"malformed front matter: {getattr(exc, 'problem', None) or exc}") from exc
    if meta is None:
        meta = {}
    if not isinstance(meta, Mapping):
        raise FrontMatterError(2, "front matter must be a mapping of keys to values")
    key_lines: dict[str, int] = {}
    for number, line in enumerate(lines[1:end], start=2):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if match:
            key_lines.setdefault(match.group(1), number)
    return MarkdownDocument(dict(meta), _sections(lines[end + 1 :]), key_lines)


def _sections(body: list[str]) -> dict[str, str]:
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in body:
        heading = _HEADING.match(line)
        if heading:
            name = SECTIONS.get(heading.group(1).strip().lower())
            current = found.setdefault(name, []) if name else None
        elif current is not None:
            current.append(line)
    return {name: "\n".join(text).strip() for name, text in found.items()}


def list_items(section: str) -> list[str]:
    """The items of a Markdown list (bullets or numbers); continuation lines are joined."""
    items: list[str] = []
    for line in section.splitlines():
        if not line.strip():
            continue
        if _ITEM.match(line) or not items:
            items.append(_ITEM.sub("", line).strip())
        else:
            items[-1] = f"{items[-1]} {line.strip()}"
    return items
