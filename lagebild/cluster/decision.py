"""The join decision: does an article belong to a candidate story, or start a new one?

An article and a candidate story are described by a few pair features (how alike their
titles, words, lemmas, names and embeddings are, how far apart in time, how big the
story is); a logistic regression turns them into the probability that the article
reports the story's event. It was fitted on the English ``story_clusters_en`` sets and
the tune part of the German dev set (``lagebild/train/stories.py``); its coefficients
ship as a small JSON file in ``lagebild/models/stories-de/``. A story is one event, a
storyline one topic over weeks: the time features let the model learn that a report
on the same subject a week later is usually another event.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

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


@dataclass(frozen=True)
class JoinModel:
    """Logistic regression over :data:`FEATURES`; ``threshold`` is the join probability.

    ``mean`` and ``scale`` standardise the features as in training. The embedding
    features move the probabilities, so an article with an embedding is held to its own
    threshold, ``embedding_threshold`` (None: the same).
    """

    coef: tuple[float, ...]
    intercept: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float = 0.5
    merge_threshold: float = 0.9
    embedding_threshold: float | None = None

    def __post_init__(self) -> None:
        sizes = {len(self.coef), len(self.mean), len(self.scale)}
        if sizes != {len(FEATURES)}:
            raise ValueError(
                f"model has {sorted(sizes)} coefficients, the clusterer {len(FEATURES)} "
                "features: retrain with lagebild/train/stories.py"
            )

    def probability(self, rows: F64) -> F64:
        """Join probability of each row of pair features."""
        z = (rows - np.asarray(self.mean)) / np.asarray(self.scale)
        logits = z @ np.asarray(self.coef) + self.intercept
        out: F64 = 1.0 / (1.0 + np.exp(-logits))
        return out

    def to_json(self) -> dict[str, object]:
        """The model as a JSON object (feature names included, for checking)."""
        return {
            "features": list(FEATURES),
            "coef": [round(c, 6) for c in self.coef],
            "intercept": round(self.intercept, 6),
            "mean": [round(m, 6) for m in self.mean],
            "scale": [round(s, 6) for s in self.scale],
            "threshold": self.threshold,
            "merge_threshold": self.merge_threshold,
            "embedding_threshold": self.embedding_threshold,
        }

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
        )
