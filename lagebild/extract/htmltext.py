"""Small text comparisons shared by the HTML readers."""

from __future__ import annotations

import re


def mostly_overlaps(a: str, b: str) -> bool:
    """Whether half of the words of ``a`` occur in ``b``."""
    words_a, words_b = set(text_key(a).split()), set(text_key(b).split())
    return bool(words_a) and len(words_a & words_b) >= len(words_a) / 2


def add_unique(items: list[str], value: str) -> None:
    """Append ``value`` unless it is empty or already there (lists keep page order)."""
    if value and value not in items:
        items.append(value)


def text_key(text: str) -> str:
    """Lower-case words only, for comparing texts."""
    return " ".join(re.findall(r"\w+", text.lower()))


def clean_text(text: str) -> str:
    """Collapse whitespace."""
    return " ".join(text.split())
