"""Pair quotation marks in every style German and international news uses.

Styles: „...“ and „...” (German), »...« (German books), «...» (Swiss, French, dpa),
“...” (English), "..." (typewriter), ‚...‘, ›...‹, ‹...›, ‘...’ and '...' (single,
usually nested). The same character opens in one style and closes in another (“ closes
„ but opens “...”; » opens »...« but closes «...»), so marks are paired with a stack and
the characters around each mark: an opener follows a space or a bracket and precedes a
word, a closer follows a word or punctuation. Apostrophes inside words ("geht's",
"Witkoff’s") are never marks.

A quotation spanning paragraphs is written with an opener at the start of every
paragraph and one closer at the end; an opener left open at a paragraph end therefore
stays open when the next paragraph starts with the same mark, and is dropped otherwise.

Example::

    >>> [(s.inner_start, s.inner_end) for s in find_marked_spans("Er sagte «gut» und 'so'.")]
    [(10, 13), (20, 22)]
"""

from __future__ import annotations

from dataclasses import dataclass

# Opening character -> the characters that may close it.
CLOSERS: dict[str, str] = {
    "„": '“”"',
    "«": "»",
    "»": "«",
    "“": '”"',
    '"': '"“”',
    "‚": "‘’'",
    "‹": "›",
    "›": "‹",
    "‘": "’'",
    "'": "'’",
}
MARKS = frozenset("„“”«»\"‚‘’‹›'")
# Characters after which a mark opens (besides the start of the text and whitespace).
OPEN_LEFT = frozenset("([{/–—-:„«»‚‹›“'\"")
# Characters before which a mark closes (besides the end of the text and whitespace).
CLOSE_RIGHT = frozenset(".,;:!?)]}…–—-“”»«‘’›‹\"'/")
MAX_DEPTH = 3


@dataclass(frozen=True)
class MarkedSpan:
    """A stretch of text between an opening and its closing mark.

    ``open``/``close`` are the offsets of the marks; ``inner_start``/``inner_end`` the
    quoted words without the marks (trimmed of spaces); ``depth`` 0 for a span that is
    inside no other marked span.
    """

    open: int
    close: int
    inner_start: int
    inner_end: int
    depth: int
    style: str


def _left_open(text: str, i: int) -> bool:
    """Whether the character before offset ``i`` lets a mark there open."""
    return i == 0 or text[i - 1].isspace() or text[i - 1] in OPEN_LEFT


def _right_close(text: str, i: int) -> bool:
    """Whether the character after offset ``i`` lets a mark there close."""
    return i + 1 >= len(text) or text[i + 1].isspace() or text[i + 1] in CLOSE_RIGHT


def _span(text: str, opener: int, closer: int, depth: int) -> MarkedSpan:
    """A marked span with its inner offsets trimmed of whitespace."""
    start, end = opener + 1, closer
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return MarkedSpan(opener, closer + 1, start, end, depth, text[opener] + text[closer])


def _continues(text: str, i: int, opener: str) -> int | None:
    """Offset of ``opener`` starting the next paragraph after the break at ``i``, if any."""
    j = i
    while j < len(text) and text[j].isspace():
        j += 1
    return j if j < len(text) and text[j] == opener else None


def find_marked_spans(text: str) -> list[MarkedSpan]:
    """Return every paired span of quotation marks in ``text``, outer spans before inner."""
    stack: list[tuple[str, int]] = []
    spans: list[MarkedSpan] = []
    skip: int | None = None
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            if stack:
                cont = _continues(text, i, stack[0][0])
                if cont is not None and len(stack) == 1:
                    skip = cont
                else:
                    stack.clear()
            i += 1
            continue
        if c not in MARKS or i == skip:
            i += 1
            continue
        left_word = i > 0 and text[i - 1].isalnum()
        right_word = i + 1 < n and text[i + 1].isalnum()
        if c in "'’" and left_word and right_word:
            i += 1  # an apostrophe inside a word
            continue
        can_open = c in CLOSERS and _left_open(text, i) and not _right_close(text, i)
        can_close = not _left_open(text, i) or _right_close(text, i)
        top = stack[-1][0] if stack else None
        if top is not None and c in CLOSERS[top] and (can_close or not can_open):
            _opener, start = stack.pop()
            spans.append(_span(text, start, i, len(stack)))
        elif can_open and len(stack) < MAX_DEPTH:
            stack.append((c, i))
        elif top is not None and any(c in CLOSERS[o] for o, _ in stack):
            # A closer for an outer mark: the inner ones were never closed.
            while stack and c not in CLOSERS[stack[-1][0]]:
                stack.pop()
            _opener, start = stack.pop()
            spans.append(_span(text, start, i, len(stack)))
        i += 1
    spans.sort(key=lambda s: (s.open, -s.close))
    return [s for s in spans if s.inner_end > s.inner_start]
