"""Closed stories kept in brief, so that a follow-up weeks or months later finds its story.

A story leaves the clusterer's window ten days after its last report: comparing every
article with every story of the last months would cost time and draw look-alike events
together. But news comes back to an event long after it: an arrest two months after a
shooting, the indictment in the autumn, the trial a year later. Such a report names the
same people and places, which a new event of the same kind does not. So a closed story
is kept here, as a few dozen of its heaviest terms (title, lemmas, entities, names,
numbers: under a kilobyte), indexed by its names; an article that joins no open story
is compared with the closed stories sharing at least ``ARCHIVE_HITS`` of its heaviest
names, and a small logistic model (:class:`ReopenModel`, trained by
``lagebild/train/reopen.py``) decides whether it reopens one of them.

Memory stays bounded: at most ``max_stories`` closed stories, none older than
``days``; the oldest go first.
"""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from lagebild.cluster.decision import logistic
from lagebild.cluster.features import KeyIndex, Parts, Vector

I64 = npt.NDArray[np.int64]
F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]

REOPEN_PATH = Path(__file__).resolve().parent.parent / "models" / "stories-de" / "reopen.json"
# Terms of each part a closed story keeps (its heaviest; renormalised to unit length).
ARCHIVE_TERMS = {"title": 8, "lemmas": 16, "entities": 8, "names": 12, "numbers": 6}
# Names of a closed story that index it (every name it keeps), and of an article that
# look it up. On the tune parts, 12 against 6 on both sides: gva 0.770 -> 0.824 (a
# follow-up's heaviest names are often not the story's heaviest: the suspect's name in
# the arrest report, the victim's in the first one); 6 story keys with 6 or 8 article
# names 0.813-0.814; 16 names kept and indexed 0.808; no change on the other sets.
NAME_KEYS = 12
# Heaviest names an article must share with a closed story for it to be a candidate: one
# shared name ("Chicago", "Police") says nothing; two of its twelve heaviest do.
ARCHIVE_HITS = 2
# Closed stories compared per article (those sharing most names).
CANDIDATES = 4
# The order of the reopen model's features.
FEATURES = (
    "title",
    "lemmas",
    "entities",
    "names",
    "numbers",
    "shared_names",
    "log_gap",
    "log_size",
)


@dataclass(slots=True)
class ClosedStory:
    """What is kept of a closed story: ids, span, size and its heaviest terms.

    The terms of all parts are two byte strings (int64 ids, float32 weights, the parts
    in :data:`ARCHIVE_TERMS` order, ``bounds`` where each part ends): a full archive
    is pickled with the clusterer's state after every run, and ten small NumPy arrays
    a story made that take 3.7 s for 30,000 stories, bytes 0.04 s.
    """

    id: str
    storyline: str
    first_day: int | None
    last_day: int | None
    size: int
    ids: bytes
    weights: bytes
    bounds: tuple[int, ...]
    keys: tuple[int, ...]

    def terms(self, part: str) -> tuple[list[int], list[float]]:
        """The kept term ids and (unit-length) weights of one part."""
        i = _PART_ORDER.get(part)
        if i is None:
            return [], []
        start, end = (self.bounds[i - 1] if i else 0), self.bounds[i]
        ids = np.frombuffer(self.ids, dtype=np.int64)[start:end]
        weights = np.frombuffer(self.weights, dtype=np.float32)[start:end]
        return ids.tolist(), weights.tolist()

    def cosine(self, part: str, vector: Vector) -> float:
        """Cosine of a unit vector with the story's (unit) terms of one part."""
        if not vector:
            return 0.0
        get = vector.get
        ids, weights = self.terms(part)
        return float(sum(get(k, 0.0) * w for k, w in zip(ids, weights, strict=True)))

    def vector(self, part: str) -> Vector:
        """The kept terms of one part as a sparse vector."""
        ids, weights = self.terms(part)
        return dict(zip(ids, weights, strict=True))


_PART_ORDER = {part: i for i, part in enumerate(ARCHIVE_TERMS)}
_NO_IDS: I64 = np.empty(0, dtype=np.int64)
_NO_WEIGHTS: F32 = np.empty(0, dtype=np.float32)


class Archive:
    """Closed stories, the most recently closed last, indexed by their names.

    Parameters:
        days: days after its last report a closed story is kept.
        max_stories: closed stories kept at most (the oldest go first).
    """

    def __init__(self, days: int = 365, max_stories: int = 30_000) -> None:
        if days < 1 or max_stories < 0:
            raise ValueError("days must be at least 1 and max_stories not negative")
        self.days = days
        self.max_stories = max_stories
        self.stories_: OrderedDict[str, ClosedStory] = OrderedDict()
        self.index_ = KeyIndex()

    def __len__(self) -> int:
        return len(self.stories_)

    def keep(
        self,
        story_id: str,
        storyline: str,
        first_day: int | None,
        last_day: int | None,
        size: int,
        centroids: dict[str, Vector],
    ) -> None:
        """Keep a story that leaves the window (nothing when it has no names to be found by)."""
        if self.max_stories == 0:
            return
        terms = [_heaviest(centroids.get(part, {}), k) for part, k in ARCHIVE_TERMS.items()]
        names_ids, names_weights = terms[_PART_ORDER["names"]]
        if names_ids.size < ARCHIVE_HITS:
            return
        order = np.argsort(-names_weights, kind="stable")[:NAME_KEYS]
        keys = tuple(names_ids[order].tolist())
        closed = ClosedStory(
            story_id,
            storyline,
            first_day,
            last_day,
            size,
            np.concatenate([ids for ids, _ in terms]).tobytes(),
            np.concatenate([weights for _, weights in terms]).tobytes(),
            tuple(np.cumsum([ids.size for ids, _ in terms]).tolist()),
            keys,
        )
        self.stories_[story_id] = closed
        self.stories_.move_to_end(story_id)
        for key in keys:
            self.index_.insert(key, story_id)
        while len(self.stories_) > self.max_stories:
            self._drop(next(iter(self.stories_)))

    def candidates(self, parts: Parts, day: int | None) -> list[tuple[ClosedStory, int]]:
        """Closed stories sharing at least ARCHIVE_HITS of the article's heaviest names,
        with the number shared (most first, at most CANDIDATES)."""
        self.forget(day)
        if not self.stories_ or len(parts.names) < ARCHIVE_HITS:
            return []
        names = sorted(parts.names, key=parts.names.__getitem__, reverse=True)[:NAME_KEYS]
        top = self.index_.top(names, CANDIDATES)
        return [(self.stories_[sid], n) for sid, n in top if n >= ARCHIVE_HITS]

    def take(self, story_id: str) -> ClosedStory:
        """Remove a closed story (it reopens) and return it."""
        closed = self.stories_[story_id]
        self._drop(story_id)
        return closed

    def forget(self, day: int | None) -> None:
        """Drop the stories closed more than ``days`` before ``day``."""
        while self.stories_ and day is not None:
            oldest = next(iter(self.stories_.values()))
            if oldest.last_day is None or oldest.last_day + self.days >= day:
                return
            self._drop(oldest.id)

    def _drop(self, story_id: str) -> None:
        closed = self.stories_.pop(story_id)
        for key in closed.keys:
            self.index_.remove(key, story_id)


def reopen_features(closed: ClosedStory, parts: Parts, shared: int, day: int | None) -> list[float]:
    """The reopen model's features (:data:`FEATURES` order) of an article and a closed story."""
    gap = 0.0
    if day is not None and closed.last_day is not None:
        gap = float(abs(day - closed.last_day))
    return [
        closed.cosine("title", parts.title),
        closed.cosine("lemmas", parts.lemmas),
        closed.cosine("entities", parts.entities),
        closed.cosine("names", parts.names),
        closed.cosine("numbers", parts.numbers),
        float(shared),
        math.log1p(gap),
        math.log1p(closed.size),
    ]


@dataclass(frozen=True)
class ReopenModel:
    """Logistic regression over :data:`FEATURES` (standardised by ``mean`` and ``scale``);
    an article reopens a closed story at or above ``threshold``."""

    coef: tuple[float, ...]
    intercept: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float

    def __post_init__(self) -> None:
        if {len(self.coef), len(self.mean), len(self.scale)} != {len(FEATURES)}:
            raise ValueError(
                f"reopen model needs {len(FEATURES)} coefficients: retrain with "
                "lagebild/train/reopen.py"
            )

    def probability(self, rows: F64) -> F64:
        """Reopen probability of each row of features."""
        return logistic(rows, self.mean, self.scale, self.coef, self.intercept)

    def to_json(self) -> dict[str, object]:
        """The model as a JSON object (feature names included, for checking)."""
        return {
            "features": list(FEATURES),
            "coef": [round(c, 6) for c in self.coef],
            "intercept": round(self.intercept, 6),
            "mean": [round(m, 6) for m in self.mean],
            "scale": [round(s, 6) for s in self.scale],
            "threshold": self.threshold,
        }

    @classmethod
    def from_json(cls, spec: dict[str, Any]) -> ReopenModel:
        """Read :meth:`to_json` back."""
        if tuple(spec["features"]) != FEATURES:
            raise ValueError(
                f"reopen model features {spec['features']} differ from {list(FEATURES)}: "
                "retrain with lagebild/train/reopen.py"
            )
        return cls(
            tuple(float(c) for c in spec["coef"]),
            float(spec["intercept"]),
            tuple(float(m) for m in spec["mean"]),
            tuple(float(s) for s in spec["scale"]),
            float(spec["threshold"]),
        )

    @classmethod
    def load(cls, path: Path | str = REOPEN_PATH) -> ReopenModel | None:
        """The shipped model; None when there is none (closed stories never reopen)."""
        path = Path(path)
        if not path.is_file():
            return None
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))


def _heaviest(vector: Vector, k: int) -> tuple[I64, F32]:
    """The ``k`` heaviest terms of a vector, renormalised to unit length."""
    if not vector:
        return _NO_IDS, _NO_WEIGHTS
    ids = np.fromiter(vector.keys(), dtype=np.int64, count=len(vector))
    weights = np.fromiter(vector.values(), dtype=np.float64, count=len(vector))
    if ids.size > k:
        keep = np.argpartition(-weights, k)[:k]
        ids, weights = ids[keep], weights[keep]
    norm = math.sqrt(float(weights @ weights))
    if norm <= 0.0:
        return _NO_IDS, _NO_WEIGHTS
    return ids, (weights / norm).astype(np.float32)
