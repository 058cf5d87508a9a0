"""Storylines: stories linked over weeks by shared names and subject.

A story is one news event (talks in Miami on one weekend); a storyline is the thread that
runs through many of them (the US-brokered talks on ending the war in Ukraine, Nov 2025 to
Jan 2026). Each new story is compared with the storylines active in the last weeks, on its
lemmas and entities (the subject and the actors, not the wording of one report); it joins
the most similar one above a threshold or starts its own.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from lagebild.cluster.features import KeyIndex, Vector
from lagebild.cluster.labels import Profile

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

# Terms kept per storyline centroid; the lightest are pruned beyond twice this.
CENTROID_TERMS = 400
KEY_TERMS = 20  # heaviest lemmas (and entities) of a story that index its storyline
CANDIDATES = 24  # storylines scored per new story, those sharing most key terms
# Index keys kept per storyline: each new story adds up to 2 * KEY_TERMS, so beyond
# twice this the keys that are lightest in the centroid are dropped. On the English dev
# sets only one storyline (of 63 stories, in gva_incidents) went past 2 * 100 keys.
STORYLINE_KEYS = 100
# Story ids remembered per storyline (for ``stories``); the oldest are forgotten first.
STORYLINE_STORIES = 1000


class Centroid:
    """A sum of sparse vectors as two sorted arrays: 16 bytes a term, not ~100 in a dict.

    Storylines stay open for weeks, so there are many of them; their centroids were
    most of the clusterer's memory while they were dicts.
    """

    __slots__ = ("ids", "norm2", "weights")

    def __init__(self) -> None:
        self.ids: I64 = np.empty(0, dtype=np.int64)
        self.weights: F64 = np.empty(0, dtype=np.float64)
        self.norm2 = 0.0

    def __len__(self) -> int:
        return int(self.ids.size)

    def add(self, vector: Vector) -> None:
        """Add ``vector`` in; keep the CENTROID_TERMS heaviest terms beyond twice that."""
        if not vector:
            return
        ids = np.concatenate((self.ids, np.fromiter(vector, dtype=np.int64, count=len(vector))))
        weights = np.concatenate(
            (self.weights, np.fromiter(vector.values(), dtype=np.float64, count=len(vector)))
        )
        order = np.argsort(ids, kind="stable")
        ids, weights = ids[order], weights[order]
        first = np.empty(ids.size, dtype=np.bool_)
        first[0] = True
        np.not_equal(ids[1:], ids[:-1], out=first[1:])
        if not first.all():  # a term already in: sum its weights (old one first)
            starts = np.flatnonzero(first)
            ids, weights = ids[starts], np.add.reduceat(weights, starts)
        if ids.size > 2 * CENTROID_TERMS:
            keep = np.sort(np.argsort(-weights, kind="stable")[:CENTROID_TERMS])
            ids, weights = ids[keep], weights[keep]
        self.ids, self.weights = ids, weights
        self.norm2 = float(weights @ weights)

    def get(self, ids: I64) -> F64:
        """The weights of ``ids`` (sorted or not), 0.0 for terms not in the centroid."""
        out = np.zeros(ids.size, dtype=np.float64)
        if not self.ids.size or not ids.size:
            return out
        at = np.minimum(np.searchsorted(self.ids, ids), self.ids.size - 1)
        hit = self.ids[at] == ids
        out[hit] = self.weights[at[hit]]
        return out

    def cosine(self, ids: I64, weights: F64) -> float:
        """Cosine of a unit vector (as arrays) with this centroid."""
        if not ids.size or self.norm2 <= 0.0:
            return 0.0
        return float(weights @ self.get(ids)) / math.sqrt(self.norm2)


@dataclass
class _Storyline:
    id: str
    lemmas: Centroid = field(default_factory=Centroid)
    entities: Centroid = field(default_factory=Centroid)
    last_day: int = 0
    keys: set[int] = field(default_factory=set)
    stories: dict[str, None] = field(default_factory=dict)  # an ordered set
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

    Memory per storyline is bounded (CENTROID_TERMS, STORYLINE_KEYS, STORYLINE_STORIES,
    MAX_NAMES), so the linker holds at most ``max_storylines`` times that.
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
        self.index_ = KeyIndex()
        self.count_ = 0

    def link(self, lemmas: Vector, entities: Vector, day: int | None) -> str:
        """The storyline for a new story with these (unit) lemma and entity vectors."""
        self._forget(day)
        keys = _keys(lemmas, entities)
        best: tuple[float, _Storyline] | None = None
        query = (_arrays(lemmas), _arrays(entities))
        for found, _ in self.index_.top(keys, CANDIDATES):
            line = self.storylines_[found]
            score = self._similarity(line, *query)
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
            self.index_.insert(key, line.id)
        self.update(line.id, lemmas, entities, day)
        if len(line.keys) > 2 * STORYLINE_KEYS:
            self._prune_keys(line)
        return line.id

    def similarity(self, line: _Storyline, lemmas: Vector, entities: Vector) -> float:
        """Lemma cosine, averaged with the entity cosine when both sides have entities."""
        return self._similarity(line, _arrays(lemmas), _arrays(entities))

    def _similarity(
        self, line: _Storyline, lemmas: tuple[I64, F64], entities: tuple[I64, F64]
    ) -> float:
        score = line.lemmas.cosine(*lemmas)
        if entities[0].size and len(line.entities):
            score = 0.5 * (score + line.entities.cosine(*entities))
        return score

    def update(self, storyline: str, lemmas: Vector, entities: Vector, day: int | None) -> None:
        """Add an article's vectors to a storyline's centroid; it becomes the most recent."""
        line = self.storylines_.get(storyline)
        if line is None:
            return
        line.lemmas.add(lemmas)
        line.entities.add(entities)
        if day is not None:
            line.last_day = max(line.last_day, day)
        self.storylines_.move_to_end(storyline)

    def attach(self, storyline: str, story: str, profile: Profile) -> None:
        """Record that ``story`` belongs to ``storyline``; its profile feeds the label."""
        line = self.storylines_.get(storyline)
        if line is not None:
            if story not in line.stories:
                line.stories[story] = None
                if len(line.stories) > STORYLINE_STORIES:
                    del line.stories[next(iter(line.stories))]
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
        """Ids of the storyline's stories seen while it was in the window (the latest
        STORYLINE_STORIES)."""
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
                self.index_.remove(key, oldest.id)
            del self.storylines_[oldest.id]

    def _prune_keys(self, line: _Storyline) -> None:
        """Keep the STORYLINE_KEYS keys heaviest in the storyline's centroids."""
        keys = np.fromiter(line.keys, dtype=np.int64, count=len(line.keys))
        weight = np.maximum(
            line.lemmas.get(keys) / max(line.lemmas.norm2, 1e-12) ** 0.5,
            line.entities.get(keys) / max(line.entities.norm2, 1e-12) ** 0.5,
        )
        order = np.argsort(-weight, kind="stable")
        for key in keys[order[STORYLINE_KEYS:]].tolist():
            self.index_.remove(key, line.id)
        line.keys = set(keys[order[:STORYLINE_KEYS]].tolist())


def _keys(lemmas: Vector, entities: Vector) -> set[int]:
    """Index keys of a story: its heaviest lemmas and entities."""
    top = sorted(lemmas, key=lambda k: -lemmas[k])[:KEY_TERMS]
    return {*top, *sorted(entities, key=lambda k: -entities[k])[:KEY_TERMS]}


def _arrays(vector: Vector) -> tuple[I64, F64]:
    """A sparse vector as arrays of ids and weights, sorted by id."""
    ids = np.fromiter(vector.keys(), dtype=np.int64, count=len(vector))
    weights = np.fromiter(vector.values(), dtype=np.float64, count=len(vector))
    order = np.argsort(ids)
    return ids[order], weights[order]
