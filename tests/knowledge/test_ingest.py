"""Importing knowledge: good files, bad front matter with its line, duplicates, idempotence."""

from __future__ import annotations

import json
from pathlib import Path

from knowledge.entry import KbEntry
from knowledge.ingest import plan_import, read_sources

STARTER = Path(__file__).resolve().parents[2] / "knowledge" / "starter"

GOOD = """---
id: kb-test
title: Queue backlog
language: en
keywords: [queue, backlog]
---

## Symptom

Orders wait in the queue.

## Resolution

1. Add consumers
2. Move poison messages aside
"""

BAD = """---
id: kb-bad
title: Disk full: no space left
severity: high
---
body
"""

TEMPLATE = """id: kb-tpl
title: Reverse proxy returns 502
category: network
difficulty: easy
estimated_time: minutes
prerequisites: [proxy log access]
steps:
  - title: Find failing upstreams
    commands: ["grep ' 502 ' access.log"]
    expected_output: upstream addresses
    success_criteria: the failing upstream is known
decision_tree:
  - condition: pods restarting
    next: kb-crashloop
escalation_criteria:
  - cause not identified within 30 min
"""


def test_the_starter_knowledge_base_imports_cleanly_with_both_languages() -> None:
    report, entries = plan_import({}, read_sources(STARTER))
    assert report.rejected == []
    assert len(entries) >= 20
    languages = [e.language for e in entries]
    assert languages.count("ja") >= 9 and languages.count("en") >= 9
    assert {e.category for e in entries} >= {"network", "database", "application", "deployment", "cloud"}
    templates = [e for e in entries if e.provenance["file"].endswith(".yaml")]
    assert len(templates) >= 2 and all(e.diagnostic_steps and e.escalation for e in templates)


def test_a_troubleshooting_template_keeps_its_steps_tree_and_escalation(tmp_path: Path) -> None:
    (tmp_path / "kb-tpl.yaml").write_text(TEMPLATE, encoding="utf-8")
    report, [entry] = plan_import({}, read_sources(tmp_path))
    assert report.added == ["kb-tpl"] and (entry.skill_level, entry.resolution_time) == ("beginner", "minutes")
    step = entry.diagnostic_steps[0]
    assert (step.title, step.commands, step.expected_output) == (
        "Find failing upstreams",
        ("grep ' 502 ' access.log",),
        "upstream addresses",
    )
    assert entry.decision_tree[0].next == "kb-crashloop" and entry.prerequisites == ["proxy log access"]
    assert entry.escalation == ["cause not identified within 30 min"]
    assert KbEntry.from_dict(json.loads(json.dumps(entry.to_dict()))) == entry


def test_markdown_sections_become_fields(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    report, entries = plan_import({}, read_sources(tmp_path))
    assert report.added == ["kb-test"]
    assert entries[0].symptom == "Orders wait in the queue." and entries[0].resolution == [
        "Add consumers",
        "Move poison messages aside",
    ]
    assert entries[0].success_rate == 0.8


def test_malformed_front_matter_is_rejected_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_text(BAD, encoding="utf-8")
    report, _ = plan_import({}, read_sources(tmp_path))
    assert len(report.rejected) == 1
    rejection = report.rejected[0]
    assert rejection.path.endswith("bad.md") and rejection.line == 3 and "front matter" in rejection.reason


def test_a_value_outside_the_schema_is_rejected_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "sev.md").write_text(GOOD.replace("language: en", "language: en\nseverity: urgent"), encoding="utf-8")
    (tmp_path / "kb.jsonl").write_text('{"id": "x", "title": "ok"}\n\n{"id": "y"}\nnot json\n', encoding="utf-8")
    report, entries = plan_import({}, read_sources(tmp_path))
    assert [e.id for e in entries] == ["x"]
    where = {(Path(r.path).name, r.line): r.reason for r in report.rejected}
    assert where[("sev.md", 5)].startswith("severity must be one of critical, high, medium, low")
    assert where[("kb.jsonl", 3)] == "missing title" and where[("kb.jsonl", 4)].startswith("not JSON")


def test_duplicate_ids_in_one_import_are_rejected(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.md").write_text(GOOD, encoding="utf-8")
    report, entries = plan_import({}, read_sources(tmp_path))
    assert report.added == ["kb-test"] and len(entries) == 1
    assert "duplicate id 'kb-test'" in report.rejected[0].reason


def test_re_importing_unchanged_files_reports_no_changes_and_keeps_learning(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    _, first = plan_import({}, read_sources(tmp_path))
    stored = {e.id: e for e in first}
    stored["kb-test"].success_rate = 0.9
    report, upserts = plan_import(stored, read_sources(tmp_path))
    assert (report.added, report.changed, report.unchanged, upserts) == ([], [], ["kb-test"], [])
    (tmp_path / "good.md").write_text(GOOD.replace("Orders wait", "Orders pile up"), encoding="utf-8")
    report, upserts = plan_import(stored, read_sources(tmp_path))
    assert report.changed == ["kb-test"] and upserts[0].success_rate == 0.9


def test_the_public_postmortem_corpus_imports_as_it_is(shared_dir: Path) -> None:
    report, entries = plan_import({}, read_sources(shared_dir / "data" / "postmortems" / "postmortems.jsonl"))
    assert report.rejected == [] and len(entries) == 190
    entry = next(e for e in entries if e.id == "pm-cloudflare-12")
    assert entry.title.startswith("Cloudflare: ") and entry.language == "en"
    assert entry.provenance["source_url"] == entry.links[0] and entry.provenance["company"] == "Cloudflare"
    again, upserts = plan_import({e.id: e for e in entries}, read_sources(shared_dir / "data" / "postmortems"))
    assert (len(again.unchanged), upserts) == (190, [])
