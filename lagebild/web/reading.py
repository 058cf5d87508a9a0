"""An article laid out for reading: its blocks in page order, mentions and quotes marked.

Mention and quote offsets point into the article's reading text (title, lead, subheadings, body,
a blank line apart; see ``Article.reading_text``), so each block is cut at the same
offsets. The store keeps subheadings apart from the paragraphs; the page's own text
tells where each one stood, and that is where the article page puts it back.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Literal

from lagebild.model import Article
from lagebild.web.queries import MentionRow, QuoteMark

BlockKind = Literal["title", "lead", "subheading", "paragraph"]
# How much of a paragraph's start is looked up in the page text to find its place.
PLACE_PREFIX = 40


@dataclass(frozen=True)
class Segment:
    """A run of text; ``mention`` is set when it names an entity, ``quote`` when quoted."""

    text: str
    mention: MentionRow | None = None
    quote: QuoteMark | None = None


@dataclass(frozen=True)
class Run:
    """Consecutive segments inside one quote (or outside any): one highlight each."""

    quote: QuoteMark | None
    segments: list[Segment]


@dataclass(frozen=True)
class Block:
    """A title, lead, subheading or paragraph, cut into segments."""

    kind: BlockKind
    segments: list[Segment]

    @property
    def runs(self) -> list[Run]:
        """The segments grouped by the quote they are in."""
        runs: list[Run] = []
        for segment in self.segments:
            if runs and runs[-1].quote is segment.quote:
                runs[-1].segments.append(segment)
            else:
                runs.append(Run(segment.quote, [segment]))
        return runs


@dataclass(frozen=True)
class Reading:
    """The article's blocks: title and lead apart, then the text in page order."""

    title: Block | None
    lead: Block | None
    text: list[Block]


def _segments(part: str, start: int, mentions: list[MentionRow]) -> list[Segment]:
    """Cut ``part`` (at ``start`` in the reading text) at the mentions inside it.

    A mention whose text does not match the span (an article re-extracted after it
    was annotated) or that overlaps the one before is left unmarked, never misplaced.
    """
    end = start + len(part)
    segments: list[Segment] = []
    cursor = start
    for mention in mentions:
        if mention.start < cursor or mention.end > end or mention.start >= mention.end:
            continue
        if part[mention.start - start : mention.end - start] != mention.text:
            continue
        if mention.start > cursor:
            segments.append(Segment(part[cursor - start : mention.start - start]))
        segments.append(Segment(mention.text, mention))
        cursor = mention.end
    if cursor < end:
        segments.append(Segment(part[cursor - start :]))
    return segments


def _quoted(
    segments: list[Segment], start: int, part: str, quotes: list[QuoteMark]
) -> list[Segment]:
    """The segments cut again at quote boundaries, each piece inside a quote marked.

    A quote whose text is not at its offsets (re-extracted article) is left out; a
    mention that a quote boundary cuts keeps its link on both pieces.
    """
    end = start + len(part)
    inside = [
        q
        for q in quotes
        if start <= q.start < q.end <= end and part[q.start - start : q.end - start] == q.text
    ]
    if not inside:
        return segments
    cuts = sorted({q.start for q in inside} | {q.end for q in inside})
    result: list[Segment] = []
    at = start
    for segment in segments:
        seg_end = at + len(segment.text)
        points = [at, *(c for c in cuts if at < c < seg_end), seg_end]
        for a, b in itertools.pairwise(points):
            covering = next((q for q in inside if q.start <= a and b <= q.end), None)
            result.append(Segment(segment.text[a - at : b - at], segment.mention, covering))
        at = seg_end
    return result


def _normal(text: str) -> str:
    return " ".join(text.split())


def _page_order(
    subheadings: list[Block], paragraphs: list[Block], page_text: str | None
) -> list[Block]:
    """Subheadings put back before the paragraph that follows them on the page.

    A subheading not found in the page text goes before the first paragraph, so it
    is shown, if not in its place.
    """
    if not subheadings:
        return paragraphs
    if not page_text:
        return subheadings + paragraphs
    place: list[int] = []
    cursor = 0
    for block in paragraphs:
        needle = _normal("".join(s.text for s in block.segments))[:PLACE_PREFIX]
        found = page_text.find(needle, cursor) if needle else -1
        if found >= 0:
            cursor = found
        place.append(cursor)
    before: dict[int, list[Block]] = {}
    lost: list[Block] = []
    for block in subheadings:
        found = page_text.find(_normal("".join(s.text for s in block.segments)))
        if found < 0:
            lost.append(block)
            continue
        index = next((i for i, at in enumerate(place) if at > found), len(paragraphs))
        before.setdefault(index, []).append(block)
    ordered = list(lost)
    for i, paragraph in enumerate(paragraphs):
        ordered.extend(before.get(i, []))
        ordered.append(paragraph)
    ordered.extend(before.get(len(paragraphs), []))
    return ordered


def reading(
    article: Article,
    mentions: list[MentionRow],
    page_text: str | None,
    quotes: list[QuoteMark] | None = None,
) -> Reading:
    """The article's blocks with mentions and quotes marked, subheadings in page order."""
    parts: list[tuple[BlockKind, str]] = []
    if article.title:
        parts.append(("title", article.title))
    if article.lead:
        parts.append(("lead", article.lead))
    parts.extend(("subheading", s) for s in article.subheadings if s)
    parts.extend(("paragraph", p) for p in article.body if p)
    ordered = sorted(mentions, key=lambda m: m.start)
    blocks: list[Block] = []
    offset = 0
    for kind, text in parts:
        segments = _segments(text, offset, ordered)
        blocks.append(Block(kind, _quoted(segments, offset, text, quotes or [])))
        offset += len(text) + 2  # the blank line between parts
    title = next((b for b in blocks if b.kind == "title"), None)
    lead = next((b for b in blocks if b.kind == "lead"), None)
    subheadings = [b for b in blocks if b.kind == "subheading"]
    paragraphs = [b for b in blocks if b.kind == "paragraph"]
    return Reading(title, lead, _page_order(subheadings, paragraphs, page_text))
