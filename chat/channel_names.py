"""Incident channel names within Slack's rules.

Slack wants ≤ 80 characters of lowercase letters, digits, ``-`` and ``_``, and accepts
letters of non-Latin scripts, so a Japanese title keeps its words; when a workspace
refuses them, the ASCII-only fallback is used.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from incident.model import IncidentRef

MAX_LEN = 80
_SEPARATORS = re.compile(r"[-_\s]+")


def _slug(title: str, *, ascii_only: bool) -> str:
    text = unicodedata.normalize("NFKC", title).lower()
    out: list[str] = []
    for ch in text:
        if ascii_only:
            keep = ch.isascii() and ch.isalnum()
        else:
            # Letters and digits of any script; a combining mark only on a kept letter.
            keep = (ch.isalnum() and ch == ch.lower()) or (_is_mark(ch) and bool(out) and out[-1] != "-")
        out.append(ch if keep else "-")
    return _SEPARATORS.sub("-", "".join(out)).strip("-")


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Mc")


def channel_base(ref: IncidentRef, day: date) -> str:
    return f"inc-{day:%Y%m%d}-{ref.number:04d}"


def candidate_name(ref: IncidentRef, day: date, title: str, *, ascii_only: bool = False) -> str:
    base = channel_base(ref, day)
    slug = _slug(title, ascii_only=ascii_only)
    if not slug:
        return base
    name = f"{base}-{slug}"[:MAX_LEN]
    return name.rstrip("-")


def with_suffix(name: str, attempt: int) -> str:
    """``name-2``, ``name-3``… kept within the length limit."""
    suffix = f"-{attempt}"
    return name[: MAX_LEN - len(suffix)].rstrip("-") + suffix


def is_valid(name: str) -> bool:
    if not name or len(name) > MAX_LEN:
        return False
    previous = "-"
    for ch in name:
        ok = ch in "-_" or (ch.isalnum() and ch == ch.lower()) or (_is_mark(ch) and previous not in "-_")
        if not ok:
            return False
        previous = ch
    return True
