"""The message catalog.

Texts live in ``i18n/messages/*.yaml``, one file per concern, each key holding both
languages side by side so a translator sees them together::

    incident.declared:
      en: "Declared {ref}: {title}"
      ja: "{ref} を宣言しました: {title}"

Every key must exist in every locale; ``Catalog.missing()`` reports gaps and a test
keeps it empty.

A placeholder may name a label family: ``{status:core.status}`` shows the value ``mitigated``
as the text of ``core.status.mitigated`` in the reader's language, so a decision can pass
its raw key and no sentence ever shows it.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

LOCALES: tuple[str, ...] = ("en", "ja")
DEFAULT_LOCALE = "en"
_MESSAGES_DIR = Path(__file__).parent / "messages"


class Catalog:
    def __init__(self, texts: dict[str, dict[str, str]]) -> None:
        self._texts = texts

    @classmethod
    def load(cls, directory: Path = _MESSAGES_DIR) -> Catalog:
        texts: dict[str, dict[str, str]] = {}
        for path in sorted(directory.glob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for key, by_locale in data.items():
                if key in texts:
                    raise ValueError(f"message key {key!r} defined twice (again in {path.name})")
                texts[key] = {str(loc): str(text) for loc, text in by_locale.items()}
        return cls(texts)

    def keys(self) -> list[str]:
        return sorted(self._texts)

    def has(self, key: str) -> bool:
        return key in self._texts

    def missing(self) -> list[tuple[str, str]]:
        """(key, locale) pairs where a text is absent."""
        return [
            (key, loc) for key, by_locale in sorted(self._texts.items()) for loc in LOCALES if not by_locale.get(loc)
        ]

    def text(self, key: str, locale: str | None = None, /, **params: Any) -> str:
        by_locale = self._texts.get(key)
        if by_locale is None:
            raise KeyError(f"no message {key!r} in the catalog")
        template = by_locale.get(locale or DEFAULT_LOCALE) or by_locale[DEFAULT_LOCALE]
        return _LabelFormatter(self, locale).format(template, **params) if params else template


class _LabelFormatter(string.Formatter):
    """``{name:family}`` looks the value up as ``family.value``; a value outside the family stays as it is."""

    def __init__(self, catalog: Catalog, locale: str | None) -> None:
        self._catalog = catalog
        self._locale = locale

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec and not format_spec[0].isdigit() and "." in format_spec:
            key = f"{format_spec}.{value}"
            return str(self._catalog.text(key, self._locale)) if self._catalog.has(key) else str(value)
        formatted: str = super().format_field(value, format_spec)
        return formatted


@lru_cache(maxsize=1)
def catalog() -> Catalog:
    return Catalog.load()


def t(key: str, locale: str | None = None, /, **params: Any) -> str:
    """Shorthand: the text for ``key`` in ``locale`` (English when unset)."""
    return catalog().text(key, locale, **params)
