"""The domain stays plain Python: Slack, SQL and HTTP live at the edges."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_PACKAGES = ("incident", "timeline", "escalation", "knowledge", "postmortem", "alerts")
FORBIDDEN = (
    "slack_bolt",
    "slack_sdk",
    "sqlmodel",
    "sqlalchemy",
    "aiohttp",
    "bot",
    "handlers",
    "storage",
    "chat",
    "pager",
)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", DOMAIN_PACKAGES)
def test_domain_packages_import_no_adapter(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & set(FORBIDDEN)) for path in (ROOT / package).rglob("*.py")
    }
    assert {p: i for p, i in offenders.items() if i} == {}


def test_handlers_never_touch_sql() -> None:
    for path in (ROOT / "handlers").rglob("*.py"):
        assert not _imports(path) & {"sqlmodel", "sqlalchemy", "storage"}, path


def test_no_module_is_named_utils_or_helpers() -> None:
    names = {p.stem for p in ROOT.rglob("*.py") if ".venv" not in p.parts}
    assert not names & {"utils", "helpers", "misc", "common"}
