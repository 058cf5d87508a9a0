"""Readable labels for stories and storylines: a representative headline and key entities.

A label must let a reader tell two stories apart at a glance, so it takes the headline of
the article most like the story's centre (not simply the first one, which is often a
breaking-news stub) and adds the names that occur most across the story's articles.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

# Names kept per story or storyline for its label; older, rarer ones are pruned.
MAX_NAMES = 64
# An untitled article's text start loses to any headline (scores are cosines, at most 1).
UNTITLED_PENALTY = 2.0
# Characters of a text's start that stand for a missing headline.
EXCERPT_CHARS = 90


def excerpt(text: str) -> str:
    """The start of a text as a headline: its first line, cut at a word to at most
    EXCERPT_CHARS characters (as the web's lists show an untitled article)."""
    first = " ".join(text.strip().split("\n", 1)[0].split())
    if len(first) <= EXCERPT_CHARS:
        return first
    return first[: EXCERPT_CHARS - 2].rstrip() + " …"


@dataclass
class Profile:
    """What a label is made of: the best headline so far and counts of names."""

    headline: str = ""
    headline_score: float = float("-inf")
    names: Counter[str] = field(default_factory=Counter)
    start: str | None = None
    end: str | None = None

    def observe(
        self,
        headline: str,
        score: float,
        names: list[str],
        published: str | None,
        *,
        fallback: str = "",
    ) -> None:
        """Take in one article: its headline competes, its names count, its date widens
        the span. An article without a headline competes with the start of its text
        (``fallback``), behind every real headline."""
        if not headline and fallback.strip():
            headline, score = excerpt(fallback), score - UNTITLED_PENALTY
        if headline and score > self.headline_score:
            self.headline, self.headline_score = headline, score
        self.names.update(dict.fromkeys(names, 1))
        self._prune()
        if published:
            day = published[:10]
            self.start = min(self.start, day) if self.start else day
            self.end = max(self.end, day) if self.end else day

    def absorb(self, other: Profile) -> None:
        """Fold another profile in (two stories merged)."""
        if other.headline_score > self.headline_score:
            self.headline, self.headline_score = other.headline, other.headline_score
        self.names.update(other.names)
        self._prune()
        for day in (other.start, other.end):
            if day:
                self.start = min(self.start, day) if self.start else day
                self.end = max(self.end, day) if self.end else day

    def shrink(self, k: int) -> None:
        """Keep only the ``k`` names seen most (a closed story's label needs no more)."""
        if len(self.names) > k:
            self.names = Counter(dict(self.names.most_common(k)))

    def _prune(self) -> None:
        if len(self.names) > 2 * MAX_NAMES:
            self.names = Counter(dict(self.names.most_common(MAX_NAMES)))

    def key_names(self, k: int = 3) -> list[str]:
        """The ``k`` names seen in most articles."""
        return [name for name, _ in self.names.most_common(k)]

    def label(self, k: int = 3) -> str:
        """``Headline (Name, Name, Name)``; the names alone when no headline is known."""
        names = ", ".join(self.key_names(k))
        if self.headline and names:
            return f"{self.headline} ({names})"
        return self.headline or names or "(ohne Titel)"
