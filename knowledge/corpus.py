"""Public postmortem records (danluu/post-mortems as JSON Lines), read as they are.

Each record becomes an English entry: the title is the company and the summary's first
sentence, the symptom is the summary, and the provenance keeps the source link so every
suggestion can be traced back to the original write-up.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
TITLE_LIMIT = 200


def is_postmortem_record(record: Mapping[str, Any]) -> bool:
    """A corpus record, as opposed to an entry in the project's own shape."""
    return "summary" in record and "company" in record and "title" not in record


def fields_from_postmortem(record: Mapping[str, Any]) -> dict[str, Any]:
    """Entry fields (for ``KbEntry.from_dict``) from one corpus record."""
    summary = str(record.get("summary") or "").strip()
    first = _SENTENCE_END.split(summary, maxsplit=1)[0]
    company = str(record.get("company") or "").strip()
    title = f"{company}: {first}" if company else first
    if len(title) > TITLE_LIMIT:
        title = title[: TITLE_LIMIT - 1] + "…"
    source_url = record.get("source_url")
    links = [str(source_url)] if source_url else []
    links += [
        str(link["url"]) for link in record.get("extra_links") or () if isinstance(link, Mapping) and link.get("url")
    ]
    return {
        "id": record.get("id"),
        "title": title,
        "symptom": summary,
        "category": str(record.get("category") or ""),
        "language": "en",
        "links": links,
        "provenance": {
            "source": "postmortem-corpus",
            "company": company,
            "source_url": source_url,
            "origin": record.get("provenance"),
        },
    }
