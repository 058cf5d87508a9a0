"""Faster ``finditer`` for patterns that begin with optional parts.

Python's regex engine scans a text quickly only when a pattern starts with a literal or
a character class; a pattern that starts with an optional group ("(?:übernächsten\\s+)?
Montag") is tried in full at every position. The temporal tagger has two dozen such
patterns, and running them over an article cost as much as tagging its entities.

:func:`start_filter` reads the pattern's parse tree and builds a character-class regex
for the characters a match can start with; :func:`finditer` jumps between those
characters with the fast class scan and tries the pattern only there. The result is
the same as ``pattern.finditer`` (every match starts with one of those characters, and
the leftmost match is found first); where the start cannot be read off the tree (a
pattern that may match the empty string, ``.``, back-references), the plain
``finditer`` runs.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Iterator
from typing import Any

# The engine's own parser, constants and extra case pairs: private modules (stable since
# 3.11, without type stubs). Should they change, start_filter returns None and the plain
# scan runs.
sre: Any = importlib.import_module("re._constants")
sre_parse: Any = importlib.import_module("re._parser")
_EXTRA_CASES: dict[int, tuple[int, ...]] = getattr(
    importlib.import_module("re._compiler"), "_EXTRA_CASES", {}
)

_CATEGORIES = {
    sre.CATEGORY_DIGIT: r"\d",
    sre.CATEGORY_NOT_DIGIT: r"\D",
    sre.CATEGORY_SPACE: r"\s",
    sre.CATEGORY_NOT_SPACE: r"\S",
    sre.CATEGORY_WORD: r"\w",
    sre.CATEGORY_NOT_WORD: r"\W",
}
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT}
_ZERO_WIDTH = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}


class _Unknown(Exception):
    """The start of a match cannot be read off this part of the tree."""


def _char(code: int) -> str:
    return re.escape(chr(code))


@functools.cache
def _same_lower() -> dict[str, tuple[int, ...]]:
    """Characters of the Basic Multilingual Plane by their lower-case form (one pass)."""
    table: dict[str, list[int]] = {}
    for code in range(0x10000):
        table.setdefault(chr(code).lower(), []).append(code)
    return {lower: tuple(codes) for lower, codes in table.items() if len(codes) > 1}


def _case_variants(code: int) -> set[int]:
    """Every character that ``(?i:x)`` matches for the character ``code``.

    The engine compares lower-case forms and knows a few extra pairs (s/ſ, i/ı); the
    table covers the Basic Multilingual Plane, where every cased character of the
    Latin, Greek and Cyrillic scripts lies.
    """
    char = chr(code)
    found = {code, *(ord(c) for c in (char.lower(), char.upper()) if len(c) == 1)}
    found.update(_same_lower().get(char.lower(), ()))
    for variant in list(found):
        found.update(_EXTRA_CASES.get(variant, ()))
    return found


def _class_piece(op: Any, av: Any) -> str:
    """One item of a ``[...]`` class, as regex text."""
    if op is sre.LITERAL:
        return _char(av)
    if op is sre.RANGE:
        return f"{_char(av[0])}-{_char(av[1])}"
    if op is sre.CATEGORY and av in _CATEGORIES:
        return _CATEGORIES[av]
    raise _Unknown(op)


# The starts found so far: pieces of one merged character class, and alternatives that
# cannot merge into it (negated classes, case-insensitive ranges).
Starts = tuple[set[str], set[str]]


def _firsts(items: Any, icase: bool, out: Starts) -> bool:
    """Add the possible first characters of ``items`` to ``out``; return whether
    ``items`` can match the empty string."""
    return all(_first(op, av, icase, out) for op, av in items)


def _first(op: Any, av: Any, icase: bool, out: Starts) -> bool:
    """Like :func:`_firsts` for one item: whether it can match the empty string."""
    pieces, alternatives = out
    if op is sre.LITERAL:
        # Case variants spelled out, so that the starts merge into one class.
        pieces.update(_char(code) for code in (_case_variants(av) if icase else (av,)))
        return False
    if op is sre.NOT_LITERAL:
        alternatives.add(f"(?i:[^{_char(av)}])" if icase else f"[^{_char(av)}]")
        return False
    if op is sre.IN:
        if av and av[0][0] is sre.NEGATE:
            body = "".join(_class_piece(o, a) for o, a in av[1:])
            alternatives.add(f"(?i:[^{body}])" if icase else f"[^{body}]")
        elif not icase:
            pieces.update(_class_piece(o, a) for o, a in av)
        elif all(o is sre.LITERAL for o, _ in av):
            for _, code in av:
                pieces.update(_char(c) for c in _case_variants(code))
        else:
            alternatives.add("(?i:[" + "".join(_class_piece(o, a) for o, a in av) + "])")
        return False
    if op is sre.BRANCH:
        empty = False
        for alternative in av[1]:
            empty |= _firsts(alternative, icase, out)
        return empty
    if op is sre.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        if add_flags & re.IGNORECASE:
            icase = True
        if del_flags & re.IGNORECASE:
            icase = False
        return _firsts(sub, icase, out)
    if op in _REPEATS:
        low, _high, sub = av
        return _firsts(sub, icase, out) or low == 0
    if op is sre.ATOMIC_GROUP:
        return _firsts(av, icase, out)
    if op in _ZERO_WIDTH:
        # Anchors and lookarounds consume nothing: skipping them only widens the set.
        return True
    raise _Unknown(op)


def start_filter(pattern: re.Pattern[str], *, word_start: bool = False) -> re.Pattern[str] | None:
    """A regex matching every character a match of ``pattern`` can start with, or None.

    ``word_start=True`` also asks for no word character before it: the pattern is then
    tried only where a word (or a number) begins.
    """
    try:
        tree = sre_parse.parse(pattern.pattern, pattern.flags)
        out: Starts = (set(), set())
        if _firsts(tree, bool(pattern.flags & re.IGNORECASE), out):
            return None  # may match the empty string: keep the plain scan
    except (_Unknown, re.error, AttributeError, TypeError, ValueError):
        return None
    pieces, alternatives = out
    # One class where possible: the engine scans for a leading class in C, while an
    # alternation is tried position by position.
    parts = sorted(alternatives)
    if pieces:
        parts.insert(0, "[" + "".join(sorted(pieces)) + "]")
    starts = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
    # The lookbehind comes after the first character so the scan still starts on a class.
    return re.compile(starts + r"(?<!\w.)" if word_start else starts)


def finditer(
    pattern: re.Pattern[str], starts: re.Pattern[str] | None, text: str
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, trying the pattern only where ``starts`` matches."""
    if starts is None:
        yield from pattern.finditer(text)
        return
    search, match = starts.search, pattern.match
    pos = 0
    while True:
        candidate = search(text, pos)
        if candidate is None:
            return
        start = candidate.start()
        found = match(text, start)
        if found is None:
            pos = start + 1
        else:
            yield found
            # Never empty: start_filter refuses patterns that can match nothing.
            pos = found.end()
