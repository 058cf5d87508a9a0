"""Storylines: stories linked over weeks by shared names and subject.

A story is one news event (talks in Miami on one weekend); a storyline is the thread that
runs through many of them (the US-brokered talks on ending the war in Ukraine, Nov 2025 to
Jan 2026). Each new story is compared with the storylines active in the last weeks, on its
lemmas and entities (the subject and the actors, not the wording of one report); it joins
the most similar one above a threshold or starts its own.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from lagebild.cluster.features import Vector, cosine_to
from lagebild.cluster.labels import Profile

# Terms kept per storyline centroid; the lightest are pruned beyond this.
CENTROID_TERMS = 400
KEY_TERMS = 20  # heaviest lemmas (and entities) of a story that index its storyline
CANDIDATES = 24  # storylines scored per new story, those sharing most key terms


@dataclass
class _Storyline:
    id: str
    lemmas: Vector = field(default_factory=dict)
    entities: Vector = field(default_factory=dict)
    lemma_norm2: float = 0.0
    entity_norm2: float = 0.0
    last_day: int = 0
    keys: set[int] = field(default_factory=set)
    stories: list[str] = field(default_factory=list)
    profile: Profile = field(default_factory=Profile)


class StorylineLinker:
    """Links stories into storylines, online.

    Parameters:
        threshold: similarity (lemma cosine, or the mean of lemma and entity cosines
            when both sides have entities) at or above which a story joins a storyline.
            Set so that the five seed pages (four stories over six weeks) form one
            storyline while unrelated German Wikinews stories of the same weeks do not.
        window_days: days a storyline stays open after its last story.
        max_storylines: storylines kept at most (the least recently active go first).
    """

    def __init__(
        self, threshold: float = 0.2, window_days: int = 60, max_storylines: int = 20_000
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {threshold}")
        self.threshold = threshold
        self.window_days = window_days
        self.max_storylines = max_storylines
        self.storylines_: OrderedDict[str, _Storyline] = OrderedDict()
        self.index_: dict[int, set[str]] = {}
        self.count_ = 0

    def link(self, lemmas: Vector, entities: Vector, day: int | None) -> str:
        """The storyline for a new story with these (unit) lemma and entity vectors."""
        self._forget(day)
        keys = _keys(lemmas, entities)
        hits: dict[str, int] = {}
        for key in keys:
            for found in self.index_.get(key, ()):
                hits[found] = hits.get(found, 0) + 1
        best: tuple[float, _Storyline] | None = None
        for found in sorted(hits, key=lambda k: -hits[k])[:CANDIDATES]:
            line = self.storylines_[found]
            score = self.similarity(line, lemmas, entities)
            if score >= self.threshold and (best is None or score > best[0]):
                best = (score, line)
        if best is None:
            self.count_ += 1
            line = _Storyline(f"L{self.count_}")
            self.storylines_[line.id] = line
        else:
            line = best[1]
        for key in keys - line.keys:
            line.keys.add(key)
            self.index_.setdefault(key, set()).add(line.id)
        self.update(line.id, lemmas, entities, day)
        return line.id

    def similarity(self, line: _Storyline, lemmas: Vector, entities: Vector) -> float:
        """Lemma cosine, averaged with the entity cosine when both sides have entities."""
        score = cosine_to(lemmas, line.lemmas, line.lemma_norm2**0.5)
        if entities and line.entities:
            score = 0.5 * (score + cosine_to(entities, line.entities, line.entity_norm2**0.5))
        return score

    def update(self, storyline: str, lemmas: Vector, entities: Vector, day: int | None) -> None:
        """Add an article's vectors to a storyline's centroid; it becomes the most recent."""
        line = self.storylines_.get(storyline)
        if line is None:
            return
        line.lemma_norm2 = _add(line.lemmas, lemmas, line.lemma_norm2)
        line.entity_norm2 = _add(line.entities, entities, line.entity_norm2)
        if day is not None:
            line.last_day = max(line.last_day, day)
        self.storylines_.move_to_end(storyline)

    def attach(self, storyline: str, story: str, profile: Profile) -> None:
        """Record that ``story`` belongs to ``storyline``; its profile feeds the label."""
        line = self.storylines_.get(storyline)
        if line is not None:
            if story not in line.stories:
                line.stories.append(story)
            line.profile.absorb(profile)

    def label(self, storyline: str) -> str | None:
        """The storyline's label, or None once it has left the window."""
        line = self.storylines_.get(storyline)
        return line.profile.label() if line else None

    def profile(self, storyline: str) -> Profile | None:
        """The storyline's profile (headline, names, time span), if still in the window."""
        line = self.storylines_.get(storyline)
        return line.profile if line else None

    def stories(self, storyline: str) -> list[str]:
        """Ids of the storyline's stories seen while it was in the window."""
        line = self.storylines_.get(storyline)
        return list(line.stories) if line else []

    def _forget(self, day: int | None) -> None:
        """Close the least recently active storylines: beyond the cap, or out of the window."""
        while self.storylines_:
            oldest = next(iter(self.storylines_.values()))
            stale = day is not None and oldest.last_day + self.window_days < day
            if not stale and len(self.storylines_) <= self.max_storylines:
                return
            for key in oldest.keys:
                members = self.index_.get(key)
                if members is not None:
                    members.discard(oldest.id)
                    if not members:
                        del self.index_[key]
            del self.storylines_[oldest.id]


def _keys(lemmas: Vector, entities: Vector) -> set[int]:
    """Index keys of a story: its heaviest lemmas and entities."""
    top = sorted(lemmas, key=lambda k: -lemmas[k])[:KEY_TERMS]
    return {*top, *sorted(entities, key=lambda k: -entities[k])[:KEY_TERMS]}


def _add(centroid: Vector, vector: Vector, norm2: float) -> float:
    """Add ``vector`` into ``centroid`` in place; return the new squared norm."""
    for k, w in vector.items():
        old = centroid.get(k, 0.0)
        new = old + w
        centroid[k] = new
        norm2 += new * new - old * old
    if len(centroid) > 2 * CENTROID_TERMS:
        kept = sorted(centroid.items(), key=lambda kv: -kv[1])[:CENTROID_TERMS]
        centroid.clear()
        centroid.update(kept)
        norm2 = sum(w * w for _, w in kept)
    return norm2
