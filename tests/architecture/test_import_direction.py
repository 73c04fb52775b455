"""The domain stays plain Python: Slack, SQL and HTTP live at the edges."""

from __future__ import annotations

import ast
import re
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


def test_handlers_depend_on_their_own_ports_never_on_bot() -> None:
    # bot/ builds the parts and registers the listeners; handlers name what they need in handlers/ports.py.
    for path in (ROOT / "handlers").rglob("*.py"):
        assert "bot" not in _imports(path), path


def _package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for package in DOMAIN_PACKAGES:
        deps: set[str] = set()
        for path in (ROOT / package).rglob("*.py"):
            deps |= _imports(path) & set(DOMAIN_PACKAGES)
        graph[package] = deps - {package}
    return graph


def test_domain_packages_form_no_cycle() -> None:
    graph = _package_graph()

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(nxt == goal or reaches(nxt, goal, seen | {nxt}) for nxt in graph[start] - seen)

    assert [p for p in DOMAIN_PACKAGES if reaches(p, p, set())] == []


BLOCK_KIT = re.compile(r"""["']type["']\s*:\s*["'](section|header|actions|context|modal|mrkdwn|plain_text)["']""")


def test_block_kit_is_built_in_chat_only() -> None:
    # fakeslack/ is the Slack stand-in: it reads and checks blocks, as Slack does.
    allowed = {"chat", "fakeslack", "tests", "bench", ".venv"}
    offenders = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if not allowed & set(path.relative_to(ROOT).parts) and BLOCK_KIT.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
