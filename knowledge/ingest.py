"""Reading knowledge-base files and planning an idempotent import (upsert by id).

Three formats: Markdown with YAML front matter, YAML files in the source's
troubleshooting-template shape, and JSON Lines (the project's own ``KbEntry.to_dict``
shape, or public postmortem records as they are). ``read_sources`` only reads files;
``plan_import`` is pure: it compares what was read with what is stored and reports what
is added, changed, unchanged and rejected (with the file and line).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from knowledge.corpus import fields_from_postmortem, is_postmortem_record
from knowledge.entry import InvalidEntry, KbEntry
from knowledge.frontmatter import FrontMatterError, list_items, parse_markdown
from knowledge.templates import fields_from_template

MARKDOWN = (".md", ".markdown")
YAML = (".yaml", ".yml")
JSON_LINES = (".jsonl", ".ndjson")


@dataclass(frozen=True, slots=True)
class Rejection:
    """A source that was not imported: where it is and why."""

    path: str
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class Source:
    """One entry as read from a file, or the reason it could not be read."""

    path: str
    line: int
    entry: KbEntry | None = None
    error: str | None = None


@dataclass(slots=True)
class IngestReport:
    """What an import did, by entry id."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)


def read_sources(path: Path) -> list[Source]:
    """Every entry in a file, or in the supported files under a directory (sorted by path)."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in MARKDOWN + YAML + JSON_LINES)
    else:
        files = [path]
    sources: list[Source] = []
    for file in files:
        sources.extend(read_file(file))
    return sources


def read_file(file: Path) -> list[Source]:
    """The entries in one file; a file that cannot be decoded is one rejection."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [Source(str(file), 1, error=f"cannot read the file: {exc}")]
    suffix = file.suffix.lower()
    if suffix in MARKDOWN:
        return [from_markdown(str(file), text)]
    if suffix in YAML:
        return from_template_yaml(str(file), text, default_id=file.stem)
    if suffix in JSON_LINES:
        return from_json_lines(str(file), text)
    return [Source(str(file), 1, error=f"unsupported file type {suffix or '(none)'}")]


def from_markdown(path: str, text: str) -> Source:
    """A Markdown runbook: front matter holds metadata, ``##`` sections the content."""
    try:
        document = parse_markdown(text)
    except FrontMatterError as exc:
        return Source(path, exc.line, error=exc.reason)
    fields: dict[str, Any] = dict(document.meta)
    for name, content in document.sections.items():
        if name in fields or not content:
            continue  # front matter wins: it is the explicit form
        fields[name] = content if name == "symptom" else list_items(content)
    fields.setdefault("provenance", {"file": Path(path).name, "line": 1})
    return _validated(path, 1, fields, document.line_of)


def from_template_yaml(path: str, text: str, *, default_id: str) -> list[Source]:
    """A YAML file of one troubleshooting template, or a list of them."""
    try:
        raw = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        return [Source(path, line, error=f"malformed YAML: {getattr(exc, 'problem', None) or exc}")]
    documents = data if isinstance(data, list) else [data]
    nodes = raw.value if raw is not None and isinstance(data, list) else [raw]
    sources = []
    for number, (document, node) in enumerate(zip(documents, nodes, strict=False), start=1):
        line = node.start_mark.line + 1 if node is not None else 1
        if not isinstance(document, Mapping):
            sources.append(Source(path, line, error="a template must be a mapping of keys to values"))
            continue
        key_lines = _key_lines(node)
        fields = fields_from_template(document, default_id if len(documents) == 1 else f"{default_id}-{number}")
        fields.setdefault("provenance", {"file": Path(path).name, "line": line})
        sources.append(_validated(path, line, fields, partial(_line_of, key_lines, line)))
    return sources


def from_json_lines(path: str, text: str) -> list[Source]:
    """One entry per line: the project's own shape or a public postmortem record."""
    sources = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            sources.append(Source(path, number, error=f"not JSON: {exc.msg} (column {exc.colno})"))
            continue
        if not isinstance(record, Mapping):
            sources.append(Source(path, number, error="a line must hold a JSON object"))
            continue
        fields = fields_from_postmortem(record) if is_postmortem_record(record) else dict(record)
        sources.append(_validated(path, number, fields, partial(_line_of, {}, number)))
    return sources


def plan_import(existing: Mapping[str, KbEntry], sources: Sequence[Source]) -> tuple[IngestReport, list[KbEntry]]:
    """What importing ``sources`` over ``existing`` changes, and the entries to upsert.

    Idempotent: importing the same files again adds and changes nothing. An edited entry
    keeps the success rate the team has learnt for it. The second of two sources with the
    same id is rejected, naming the first.
    """
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
            entry.success_rate = stored.success_rate
            report.changed.append(entry.id)
            upserts.append(entry)
        else:
            report.unchanged.append(entry.id)
    return report, upserts


def _validated(path: str, line: int, fields: Mapping[str, Any], line_of: Callable[[str], int]) -> Source:
    try:
        return Source(path, line, entry=KbEntry.from_dict(fields))
    except InvalidEntry as exc:
        reason = str(exc)
        key = reason.split(" ", 1)[0] if " must " in reason else reason.removeprefix("missing ")
        return Source(path, line_of(key) if key in fields else line, error=reason)


def _line_of(key_lines: Mapping[str, int], default: int, key: str) -> int:
    return key_lines.get(key, default)


def _key_lines(node: yaml.Node | None) -> dict[str, int]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): key.start_mark.line + 1 for key, _ in node.value if isinstance(key, yaml.ScalarNode)}
