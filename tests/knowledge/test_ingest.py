"""Importing knowledge: good files, bad front matter with its line, duplicates, idempotence."""

from __future__ import annotations

from pathlib import Path

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
title: [unclosed
---
body
"""


def test_the_starter_knowledge_base_imports_cleanly_with_both_languages() -> None:
    report, entries = plan_import({}, read_sources(STARTER))
    assert report.rejected == []
    assert len(entries) >= 20
    languages = [e.language for e in entries]
    assert languages.count("ja") >= 9 and languages.count("en") >= 9
    assert {e.category for e in entries} >= {"network", "database", "application", "deployment", "cloud"}
    template = next(e for e in entries if e.id == "kb-502-bad-gateway")
    assert template.diagnosis and template.diagnosis[0].startswith("1. Find failing upstreams")


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
    assert rejection.path.endswith("bad.md") and rejection.line == 4 and "front matter" in rejection.reason


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
    assert entry.title.startswith("Cloudflare: ") and entry.provenance["source_url"]
