"""Every user-facing text exists in English and Japanese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from i18n import LOCALES, catalog
from i18n.catalog import Catalog

_PLACEHOLDER = re.compile(r"{(\w+)(?::[^}]*)?}")


def test_every_key_has_every_language() -> None:
    assert catalog().missing() == []


def test_a_key_in_one_language_only_is_caught(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text('x.only_en:\n  en: "hello"\n', encoding="utf-8")
    assert Catalog.load(tmp_path).missing() == [("x.only_en", "ja")]


def test_both_languages_use_the_same_placeholders() -> None:
    cat = catalog()
    mismatched = []
    for key in cat.keys():  # noqa: SIM118 - Catalog.keys() is a method, not a dict view
        found = {loc: set(_PLACEHOLDER.findall(cat.text(key, loc))) for loc in LOCALES}
        if found["en"] != found["ja"]:
            mismatched.append((key, found))
    assert mismatched == []


def test_unknown_keys_are_an_error_not_a_blank() -> None:
    with pytest.raises(KeyError):
        catalog().text("no.such.key", "en")


def _prose(text: str) -> str:
    """The words a reader reads: no placeholders, no `code` a person would type."""
    return re.sub(r"`[^`]*`", "", re.sub(r"{[^}]*}", "", text))


def test_no_japanese_text_contains_an_english_enum_key() -> None:
    from incident.model import AUTOMATIC_KINDS, USER_KINDS, Status
    from incident.severity import DEFAULT_SCALE

    keys = {s.value for s in Status} | set(DEFAULT_SCALE.keys()) | set(USER_KINDS) | set(AUTOMATIC_KINDS)
    keys |= {"resolve", "reopen", "close", "declare", "commander", "comms", "scribe"}
    found = []
    cat = catalog()
    for key in cat.keys():  # noqa: SIM118 - Catalog.keys() is a method
        ja = _prose(cat.text(key, "ja"))
        hits = [k for k in keys if re.search(rf"(?<![A-Za-z_]){re.escape(k)}(?![A-Za-z_])", ja, re.IGNORECASE)]
        if hits:
            found.append((key, hits))
    assert found == []


def test_a_status_placeholder_shows_the_label_in_the_readers_language() -> None:
    assert catalog().text("decisions.status.status_changed", "ja", ref="INC-1", status="mitigated") == (
        "INC-1 のステータスを 暫定対応済み にしました。"
    )
    assert catalog().text("decisions.status.status_changed", "en", ref="INC-1", status="mitigated") == (
        "INC-1 is now Mitigated."
    )
