"""Reading knowledge-base files and planning an idempotent import (upsert by id).

Markdown with YAML front matter, YAML files in the source's troubleshooting-template shape,
and JSON Lines (the project's own shape, or public postmortem records as they are).
``plan_import`` is pure: it compares what was read with what is stored and reports what is
added, changed, unchanged and rejected (with the file and line).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from knowledge.entry import KbEntry

_SECTION = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)
_SECTIONS = {
    "symptom": "symptom",
    "症状": "symptom",
    "diagnosis": "diagnosis",
    "診断": "diagnosis",
    "diagnostic steps": "diagnosis",
    "resolution": "resolution",
    "対処": "resolution",
    "対応": "resolution",
    "prevention": "prevention",
    "再発防止": "prevention",
    "causes": "causes",
    "原因": "causes",
}


@dataclass(frozen=True, slots=True)
class Rejection:
    path: str
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class Source:
    path: str
    line: int
    entry: KbEntry | None = None
    error: str | None = None


@dataclass(slots=True)
class IngestReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)


def _items(body: str) -> list[str]:
    lines = [re.sub(r"^\s*(?:[-*]|\d+\.)\s+", "", line).strip() for line in body.strip().splitlines()]
    return [line for line in lines if line]


def _entry_from_markdown(path: Path, text: str) -> Source:
    if not text.startswith("---"):
        return Source(str(path), 1, error="no YAML front matter (the file must start with ---)")
    end = text.find("\n---", 3)
    if end < 0:
        return Source(str(path), 1, error="front matter is not closed with ---")
    try:
        meta = yaml.safe_load(text[3:end]) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 2) if mark is not None else 1  # +1 for the opening ---, +1 for 1-based
        return Source(str(path), line, error=f"malformed front matter: {getattr(exc, 'problem', exc)}")
    if not isinstance(meta, Mapping):
        return Source(str(path), 2, error="front matter must be a mapping")
    body = text[end + 4 :]
    fields: dict[str, Any] = dict(meta)
    parts = _SECTION.split(body)
    for heading, content in zip(parts[1::2], parts[2::2], strict=False):
        name = _SECTIONS.get(heading.strip().lower())
        if name == "symptom":
            fields.setdefault("symptom", content.strip())
        elif name == "causes":
            fields.setdefault("causes", [{"description": c, "likelihood": "medium"} for c in _items(content)])
        elif name:
            fields.setdefault(name, _items(content))
    return _validated(path, 1, fields)


def _entry_from_template(path: Path, raw: Mapping[str, Any]) -> Source:
    steps = raw.get("steps") or []
    diagnosis = []
    for i, step in enumerate(steps, start=1):
        if isinstance(step, Mapping):
            commands = "; ".join(step.get("commands") or [])
            diagnosis.append(f"{i}. {step.get('title', '')} `{commands}` → {step.get('expected_output', '')}".strip())
    fields = {
        "id": raw.get("id") or path.stem,
        "title": raw.get("title"),
        "category": raw.get("category", ""),
        "subcategory": raw.get("subcategory", ""),
        "symptom": raw.get("symptom") or raw.get("description", ""),
        "keywords": raw.get("keywords") or [],
        "skill_level": {"easy": "beginner", "medium": "intermediate", "hard": "advanced"}.get(
            str(raw.get("difficulty")), "intermediate"
        ),
        "resolution_time": raw.get("estimated_time", "hours"),
        "diagnosis": diagnosis,
        "resolution": [str(r) for r in raw.get("resolution") or []],
        "prevention": [str(p) for p in raw.get("prevention") or []],
        "language": raw.get("language", "en"),
        "services": raw.get("services") or [],
        "links": [f"escalate: {c}" for c in raw.get("escalation_criteria") or []],
    }
    return _validated(path, 1, fields)


def _from_corpus(record: Mapping[str, Any]) -> dict[str, Any]:
    summary = str(record.get("summary", ""))
    first = re.split(r"(?<=[.!?])\s", summary, maxsplit=1)[0]
    return {
        "id": record["id"],
        "title": f"{record.get('company', '')}: {first}"[:200],
        "symptom": summary,
        "category": str(record.get("category", "")),
        "language": "en",
        "links": [str(record.get("source_url", ""))] if record.get("source_url") else [],
        "provenance": {
            "source": "postmortem-corpus",
            "company": record.get("company"),
            "source_url": record.get("source_url"),
            "origin": record.get("provenance"),
        },
    }


def _validated(path: Path, line: int, fields: Mapping[str, Any]) -> Source:
    if not fields.get("id"):
        return Source(str(path), line, error="missing id")
    if not fields.get("title"):
        return Source(str(path), line, error="missing title")
    fields = {**fields, "id": str(fields["id"])}
    fields.setdefault("provenance", {"file": path.name, "line": line})
    try:
        return Source(str(path), line, entry=KbEntry.from_dict(dict(fields)))
    except TypeError as exc:
        return Source(str(path), line, error=f"unreadable entry: {exc}")


def read_sources(path: Path) -> list[Source]:
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    sources: list[Source] = []
    for file in files:
        suffix = file.suffix.lower()
        text = file.read_text(encoding="utf-8")
        if suffix == ".md":
            sources.append(_entry_from_markdown(file, text))
        elif suffix in (".yaml", ".yml"):
            try:
                raw = yaml.safe_load(text) or {}
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                sources.append(
                    Source(
                        str(file),
                        (mark.line + 1) if mark else 1,
                        error=f"malformed YAML: {getattr(exc, 'problem', exc)}",
                    )
                )
                continue
            docs = raw if isinstance(raw, list) else [raw]
            sources.extend(
                _entry_from_template(file, d) if isinstance(d, Mapping) else Source(str(file), 1, error="not a mapping")
                for d in docs
            )
        elif suffix in (".jsonl", ".ndjson"):
            for number, line in enumerate(text.splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    sources.append(Source(str(file), number, error=f"not JSON: {exc.msg}"))
                    continue
                fields = _from_corpus(record) if "summary" in record and "company" in record else record
                sources.append(_validated(file, number, fields))
    return sources


def plan_import(existing: Mapping[str, KbEntry], sources: Sequence[Source]) -> tuple[IngestReport, list[KbEntry]]:
    report = IngestReport()
    upserts: list[KbEntry] = []
    seen: dict[str, Source] = {}
    for source in sources:
        if source.entry is None:
            report.rejected.append(Rejection(source.path, source.line, source.error or "unreadable"))
            continue
        entry = source.entry
        if entry.id in seen:
            first = seen[entry.id]
            report.rejected.append(
                Rejection(source.path, source.line, f"duplicate id {entry.id!r} (first at {first.path}:{first.line})")
            )
            continue
        seen[entry.id] = source
        stored = existing.get(entry.id)
        if stored is None:
            report.added.append(entry.id)
            upserts.append(entry)
        elif stored.content() != entry.content():
            entry.success_rate = stored.success_rate  # what the team learnt survives an edit
            report.changed.append(entry.id)
            upserts.append(entry)
        else:
            report.unchanged.append(entry.id)
    return report, upserts
