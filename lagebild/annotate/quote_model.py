"""The trained parts of quotation finding: two small linear models over hand-made features.

The rules of :mod:`quote_direct` and :mod:`speech` decide well where a cue verb or a
colon frames a quotation, but not at the edges: a marked "„Wortbruch“" after "nannte
den Plan einen" is someone's word, "„Guardia Civil“" is not; a Konjunktiv I sentence two
sentences after a cue often continues the reported speech, a "soll ... haben" sentence
reports a source, a sentence with "gehe davon aus, dass" quotes a verb that no list holds.
Two logistic regressions, trained by ``python -m lagebild.train.quotes`` on the quotation
corpus's train part, weigh those signals:

* ``spans.json`` scores every top-level marked span (is it a direct or partial quotation?);
* ``sentences.json`` scores every sentence outside direct quotations (is it indirect speech?).

Each file holds the bias, the feature weights and the two thresholds chosen on
cross-validated train predictions. Scoring is a sum of weights in plain Python: no
scikit-learn at run time, and a few microseconds per unit. Without the files (a trimmed
install) :func:`load_models` returns :data:`RULES_ONLY` and the rules decide alone.

Example::

    >>> model = LinearModel(bias=-1.0, weights={"a": 2.0}, keep=0.3, add=0.7)
    >>> round(model.probability(["a", "unknown"]), 3)
    0.731
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "quotes-de"


@dataclass(frozen=True)
class LinearModel:
    """A logistic regression over binary features.

    ``keep``: a unit the rules found is dropped below this probability; ``add``: a unit
    the rules did not find is taken above it.
    """

    bias: float
    weights: dict[str, float]
    keep: float
    add: float

    def probability(self, features: Iterable[str]) -> float:
        """The model's probability that the unit with these features is a quotation."""
        weights = self.weights
        z = self.bias + sum(weights.get(f, 0.0) for f in features)
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))

    def to_json(self) -> dict[str, object]:
        """The JSON form saved under ``lagebild/models/quotes-de/``."""
        return {"bias": self.bias, "keep": self.keep, "add": self.add, "weights": self.weights}

    @classmethod
    def from_file(cls, path: Path) -> LinearModel:
        """Read a model written by :meth:`to_json`."""
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            float(data["bias"]),
            {str(k): float(v) for k, v in data["weights"].items()},
            float(data["keep"]),
            float(data["add"]),
        )


@dataclass(frozen=True)
class QuoteModels:
    """The marked-span model and the sentence model; None where the rules decide alone."""

    spans: LinearModel | None
    sentences: LinearModel | None


RULES_ONLY = QuoteModels(None, None)


@lru_cache(maxsize=4)
def load_models(directory: Path = MODEL_DIR) -> QuoteModels:
    """The trained models from ``directory`` (read once), or :data:`RULES_ONLY` if they
    are not there."""
    spans, sentences = directory / "spans.json", directory / "sentences.json"
    if not (spans.is_file() and sentences.is_file()):
        return RULES_ONLY
    return QuoteModels(LinearModel.from_file(spans), LinearModel.from_file(sentences))
