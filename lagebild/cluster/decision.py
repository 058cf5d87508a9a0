"""The join decision: does an article belong to a candidate story, or start a new one?

An article and a candidate story are described by a few pair features (how alike their
titles, words, lemmas, names and embeddings are, how far apart in time, how big the
story is); a learned model turns them into the probability that the article reports
the story's event. It was fitted on the English ``story_clusters_en`` sets and
the tune part of the German dev set (``lagebild/train/stories.py``); it ships as a
JSON file in ``lagebild/models/stories-de/``. A story is one event, a
storyline one topic over weeks: the time features let the model learn that a report
on the same subject a week later is usually another event.

The shipped model is a small boosted tree ensemble over the same features (100 trees of
depth 4, :class:`Trees`): on the check parts of the English sets it ranks same-story
pairs better than the logistic regression did (average precision 0.89 -> 0.95 on
gva_incidents), because what a feature means depends on others (a shared name counts for
much a day later and little three weeks later). The trees are evaluated in NumPy, all at
once, so a decision costs tens of microseconds and no scikit-learn is needed at run time.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / "stories-de" / "join.json"
# The order of the pair features; the model file names them and must agree.
FEATURES = (
    "title",
    "lemmas",
    "entities",
    "has_entities",
    "embedding",
    "has_embedding",
    "log_gap_last",
    "log_gap_first",
    "gap_over_week",
    "dated",
    "log_size",
    "same_language",
    "title_x_near",
    "words_x_near",
    "names",
    "numbers",
    "has_numbers",
    "words_x_gap",
    "names_x_gap",
    "member",
)
F64 = npt.NDArray[np.float64]
IDX = npt.NDArray[np.intp]


def pair_features(
    cosines: Sequence[float],
    has_entities: bool,
    embedding: float | None,
    gap_last: float | None,
    gap_first: float | None,
    size: int,
    same_language: bool,
    has_numbers: bool = False,
    member: float = 0.0,
) -> list[float]:
    """The pair features in :data:`FEATURES` order.

    ``cosines`` are the cosines of the parts in :data:`~lagebild.cluster.features.PARTS`
    order (title, lemmas, entities, names, numbers); ``embedding`` the embedding
    cosine (None when either side has none); gaps are days from the story's latest and
    earliest article (None when undated).
    """
    title, lemmas, entities, names, numbers = cosines
    dated = gap_last is not None and gap_first is not None
    last = gap_last if gap_last is not None else 0.0
    first = gap_first if gap_first is not None else 0.0
    near = 1.0 if dated and last <= 2.0 else 0.0
    return [
        title,
        lemmas,
        entities,
        1.0 if has_entities else 0.0,
        embedding if embedding is not None else 0.0,
        0.0 if embedding is None else 1.0,
        math.log1p(last),
        math.log1p(first),
        max(0.0, last - 7.0) / 7.0,
        1.0 if dated else 0.0,
        math.log1p(size),
        1.0 if same_language else 0.0,
        title * near,
        lemmas * near,
        names,
        numbers,
        1.0 if has_numbers else 0.0,
        lemmas * math.log1p(last),
        names * math.log1p(last),
        member,
    ]


@dataclass(frozen=True, eq=False)
class Trees:
    """Boosted regression trees side by side in flat node arrays; their summed leaf
    values plus ``baseline`` are the log-odds.

    A node goes to ``left`` when the row's ``feature`` is at most its ``threshold``,
    else to ``right``; a leaf points to itself on both sides (threshold +inf), so every
    row walks ``depth`` steps in every tree at once.
    """

    feature: IDX
    threshold: F64
    left: IDX
    right: IDX
    value: F64
    roots: IDX
    depth: int
    baseline: float

    def __post_init__(self) -> None:
        nodes = {len(self.feature), len(self.threshold), len(self.left), len(self.right)}
        if nodes != {len(self.value)} or not len(self.roots):
            raise ValueError("tree arrays differ in length or there are no trees")
        if self.depth < 0 or min(self.left.min(), self.right.min()) < 0:
            raise ValueError("tree depth or child index out of range")
        if max(self.left.max(), self.right.max(), self.roots.max()) >= len(self.value):
            raise ValueError("tree child index out of range")

    def log_odds(self, rows: F64) -> F64:
        """The ensemble's log-odds for each row of features."""
        idx = np.repeat(self.roots[None, :], rows.shape[0], axis=0)
        at = np.arange(rows.shape[0])[:, None]
        for _ in range(self.depth):
            go_left = rows[at, self.feature[idx]] <= self.threshold[idx]
            idx = np.where(go_left, self.left[idx], self.right[idx])
        out: F64 = self.value[idx].sum(axis=1) + self.baseline
        return out

    def to_json(self) -> dict[str, object]:
        """The arrays as JSON lists, floats exact: a threshold can be a training value
        itself, and a rounded one would send that value the other way."""
        leaf = np.isinf(self.threshold)
        return {
            "depth": self.depth,
            "baseline": self.baseline,
            "roots": self.roots.tolist(),
            "feature": self.feature.tolist(),
            "threshold": [
                None if b else float(t) for t, b in zip(self.threshold, leaf, strict=True)
            ],
            "left": self.left.tolist(),
            "right": self.right.tolist(),
            "value": self.value.tolist(),
        }

    @classmethod
    def from_json(cls, spec: dict[str, Any]) -> Trees:
        """Read :meth:`to_json` back (a null threshold is a leaf's)."""
        thresholds = [math.inf if t is None else float(t) for t in spec["threshold"]]
        return cls(
            np.asarray(spec["feature"], dtype=np.intp),
            np.asarray(thresholds, dtype=np.float64),
            np.asarray(spec["left"], dtype=np.intp),
            np.asarray(spec["right"], dtype=np.intp),
            np.asarray(spec["value"], dtype=np.float64),
            np.asarray(spec["roots"], dtype=np.intp),
            int(spec["depth"]),
            float(spec["baseline"]),
        )


@dataclass(frozen=True)
class JoinModel:
    """The join probability over :data:`FEATURES`; ``threshold`` is where an article joins.

    Either a logistic regression (``coef``, ``intercept``; ``mean`` and ``scale``
    standardise the features as in training) or, when ``trees`` is given, a boosted tree
    ensemble (the linear fields then empty). The embedding features move the
    probabilities, so an article with an embedding is held to its own threshold,
    ``embedding_threshold`` (None: the same).
    """

    coef: tuple[float, ...]
    intercept: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float = 0.5
    merge_threshold: float = 0.9
    embedding_threshold: float | None = None
    trees: Trees | None = None

    def __post_init__(self) -> None:
        sizes = {len(self.coef), len(self.mean), len(self.scale)}
        if self.trees is not None:
            if sizes != {0} or int(self.trees.feature.max()) >= len(FEATURES):
                raise ValueError(
                    "a tree model has no coefficients and only the clusterer's "
                    f"{len(FEATURES)} features: retrain with lagebild/train/stories.py"
                )
        elif sizes != {len(FEATURES)}:
            raise ValueError(
                f"model has {sorted(sizes)} coefficients, the clusterer {len(FEATURES)} "
                "features: retrain with lagebild/train/stories.py"
            )

    def probability(self, rows: F64) -> F64:
        """Join probability of each row of pair features."""
        if self.trees is None:
            return logistic(rows, self.mean, self.scale, self.coef, self.intercept)
        out: F64 = 1.0 / (1.0 + np.exp(-self.trees.log_odds(rows)))
        return out

    def to_json(self) -> dict[str, object]:
        """The model as a JSON object (feature names included, for checking)."""
        spec: dict[str, object] = {
            "features": list(FEATURES),
            "coef": [round(c, 6) for c in self.coef],
            "intercept": round(self.intercept, 6),
            "mean": [round(m, 6) for m in self.mean],
            "scale": [round(s, 6) for s in self.scale],
            "threshold": self.threshold,
            "merge_threshold": self.merge_threshold,
            "embedding_threshold": self.embedding_threshold,
        }
        if self.trees is not None:
            spec["trees"] = self.trees.to_json()
        return spec

    @classmethod
    def load(cls, path: Path | str = MODEL_PATH) -> JoinModel:
        """Read a model written by ``lagebild/train/stories.py``."""
        spec = json.loads(Path(path).read_text(encoding="utf-8"))
        if tuple(spec["features"]) != FEATURES:
            raise ValueError(
                f"{path}: features {spec['features']} differ from the clusterer's "
                f"{list(FEATURES)}: retrain with lagebild/train/stories.py"
            )
        return cls(
            tuple(spec["coef"]),
            float(spec["intercept"]),
            tuple(spec["mean"]),
            tuple(spec["scale"]),
            float(spec["threshold"]),
            float(spec["merge_threshold"]),
            None if spec.get("embedding_threshold") is None else float(spec["embedding_threshold"]),
            Trees.from_json(spec["trees"]) if spec.get("trees") else None,
        )


def logistic(
    rows: F64,
    mean: Sequence[float],
    scale: Sequence[float],
    coef: Sequence[float],
    intercept: float,
) -> F64:
    """Probabilities of a logistic regression on standardised features."""
    z = (rows - np.asarray(mean)) / np.asarray(scale)
    out: F64 = 1.0 / (1.0 + np.exp(-(z @ np.asarray(coef) + intercept)))
    return out
