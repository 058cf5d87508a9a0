"""Train the quotation models (marked spans, sentences) on the Wikinews quotation corpus.

Reads the train part of ``quotes_de_wikinews`` straight from its archive (the test part
is never read, dev only by ``python -m lagebild.eval.quotes``), runs the rules of
:func:`lagebild.annotate.quotes.find_quotes` on every article with the project's NER
mentions, and records each unit the rules look at with its features
(:mod:`lagebild.annotate.quote_features`) and a label: does the quotation the unit would
give match a gold one (the scorer's overlap rule)? Then, for each model:

1. pick C of an L2 logistic regression by 5-fold cross-validation over articles
   (fixed seed), scoring the F1 the thresholds below reach on held-out folds;
2. pick ``keep`` (drop a rule's unit below it) and ``add`` (take a unit no rule took
   above it) on the same cross-validated probabilities;
3. fit on all of train and save the weights as JSON in ``lagebild/models/quotes-de/``.

The span model is trained first; the sentence units are collected with it in place,
because direct quotations decide which sentences are left for indirect speech.

Example::

    $ taskset -c 0 python -m lagebild.train.quotes --data ../shared/benchdata
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from lagebild.annotate.quote_direct import find_direct
from lagebild.annotate.quote_model import MODEL_DIR, LinearModel
from lagebild.annotate.quote_tokens import TokenText
from lagebild.annotate.speakers import SpeakerFinder
from lagebild.annotate.speech import Candidate, find_indirect
from lagebild.eval.benchdata import default_data_dir
from lagebild.eval.quotes import GoldQuote, iter_articles, span_matches
from lagebild.model import Mention

SEED = 0
FOLDS = 5
C_GRID = (0.03, 0.1, 0.3, 1.0)
THRESHOLDS = tuple(round(x, 2) for x in np.arange(0.05, 0.96, 0.05))
# Weights smaller than this are dropped from the saved model (they change no decision).
MIN_WEIGHT = 1e-3

Article = tuple[str, list[GoldQuote], list[Mention]]


@dataclass
class Units:
    """Training units of one model: features, label, whether a rule took it, article."""

    features: list[list[str]]
    labels: list[int]
    ruled: list[bool]
    groups: list[int]
    gold_total: int = 0
    ignored: int = 0

    def add(self, feats: list[str], label: int, ruled: bool, group: int) -> None:
        """Record one unit."""
        self.features.append(feats)
        self.labels.append(label)
        self.ruled.append(ruled)
        self.groups.append(group)


def _label(cand: Candidate, gold: list[GoldQuote], family: str) -> int | None:
    """1 if the candidate matches a gold quotation of the family, None if it matches
    only a ``Reported`` one (the scorer ignores those), else 0."""
    if any(g.family == family and span_matches(cand.start, cand.end, g) for g in gold):
        return 1
    if any(g.family is None and span_matches(cand.start, cand.end, g) for g in gold):
        return None
    return 0


def collect(articles: Iterable[Article], spans_model: LinearModel | None) -> tuple[Units, Units]:
    """Span and sentence units of every article (sentences with ``spans_model`` applied)."""
    spans = Units([], [], [], [])
    sentences = Units([], [], [], [])
    for group, (text, gold, mentions) in enumerate(articles):
        doc = TokenText(text)
        finder = SpeakerFinder(doc, mentions)
        span_trace: list[tuple[list[str], Candidate]] = []
        found = find_direct(doc, finder, spans_model, span_trace)
        for feats, cand in span_trace:
            label = _label(cand, gold, "direct")
            if label is None:
                spans.ignored += 1
                continue
            spans.add(feats, label, not feats[0].endswith("None"), group)
        covered = [(c.start - 1, c.end + 1) for c in found if c.kind == "direct"]
        sent_trace: list[tuple[list[str], Candidate]] = []
        find_indirect(doc, finder, covered, None, sent_trace)
        for feats, cand in sent_trace:
            label = _label(cand, gold, "indirect")
            if label is None:
                sentences.ignored += 1
                continue
            rule = feats[0].removeprefix("rule=")
            sentences.add(feats, label, rule not in ("none", "frame"), group)
        spans.gold_total += sum(g.family == "direct" for g in gold)
        sentences.gold_total += sum(g.family == "indirect" for g in gold)
    return spans, sentences


def best_thresholds(
    probs: np.ndarray[Any, Any], units: Units
) -> tuple[float, float, float, float, float]:
    """(F1, P, R, keep, add) with the best F1 over the threshold grid."""
    labels = np.array(units.labels, dtype=bool)
    ruled = np.array(units.ruled, dtype=bool)
    best = (0.0, 0.0, 0.0, 0.0, 1.0)
    for keep in THRESHOLDS:
        for add in THRESHOLDS:
            if add < keep:
                continue
            emitted = np.where(ruled, probs >= keep, probs >= add)
            tp = int(np.sum(emitted & labels))
            fp = int(np.sum(emitted & ~labels))
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / units.gold_total if units.gold_total else 0.0
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            if f1 > best[0]:
                best = (f1, p, r, float(keep), float(add))
    return best


def train_model(units: Units, name: str) -> tuple[LinearModel, dict[str, Any]]:
    """Choose C and thresholds by cross-validation, then fit on everything."""
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform([dict.fromkeys(f, 1) for f in units.features])
    y = np.array(units.labels)
    groups = np.array(units.groups)
    rules_only = best_thresholds(np.array(units.ruled, dtype=float), units)
    record: dict[str, Any] = {
        "units": len(y),
        "positives": int(y.sum()),
        "gold": units.gold_total,
        "ignored_reported": units.ignored,
        "rules_only_estimate": {"f1": round(rules_only[0], 4)},
        "cv": {},
    }
    best: tuple[float, float, tuple[float, float, float, float, float]] | None = None
    for c in C_GRID:
        probs = np.zeros(len(y))
        for fit_idx, test_idx in GroupKFold(n_splits=FOLDS).split(x, y, groups):
            clf = LogisticRegression(C=c, max_iter=2000, random_state=SEED)
            clf.fit(x[fit_idx], y[fit_idx])
            probs[test_idx] = clf.predict_proba(x[test_idx])[:, 1]
        found = best_thresholds(probs, units)
        names = ("f1", "p", "r", "keep", "add")
        record["cv"][str(c)] = {k: round(v, 4) for k, v in zip(names, found, strict=True)}
        if best is None or found[0] > best[0]:
            best = (found[0], c, found)
    assert best is not None
    _, c, (f1, p, r, keep, add) = best
    clf = LogisticRegression(C=c, max_iter=2000, random_state=SEED)
    clf.fit(x, y)
    weights = {
        feat: round(float(w), 4)
        for feat, w in zip(vectorizer.get_feature_names_out(), clf.coef_[0], strict=True)
        if abs(w) >= MIN_WEIGHT
    }
    record.update(
        {
            "C": c,
            "keep": keep,
            "add": add,
            "cv_estimate": {"f1": round(f1, 4), "p": round(p, 4), "r": round(r, 4)},
        }
    )
    print(name, json.dumps(record), file=sys.stderr)
    return LinearModel(round(float(clf.intercept_[0]), 4), weights, keep, add), record


def load_articles(data_dir: Path, use_ner: bool) -> list[Article]:
    """The train part's articles with their gold quotations and NER mentions."""
    tagger = None
    if use_ner:
        from lagebild.annotate.ner import NerTagger

        tagger = NerTagger()
    return [
        (text, gold, tagger.tag(text) if tagger is not None else [])
        for _name, text, gold in iter_articles(data_dir, "train")
    ]


def train(articles: list[Article], out_dir: Path) -> dict[str, Any]:
    """Train both models on ``articles`` and write them (and a record) to ``out_dir``."""
    started = time.perf_counter()
    span_units, _ = collect(articles, None)
    spans, span_record = train_model(span_units, "spans")
    _, sentence_units = collect(articles, spans)
    sentences, sentence_record = train_model(sentence_units, "sentences")
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, model in (("spans", spans), ("sentences", sentences)):
        with (out_dir / f"{name}.json").open("w", encoding="utf-8") as handle:
            json.dump(model.to_json(), handle, ensure_ascii=False, sort_keys=True)
            handle.write("\n")
    record = {
        "data": "quotes_de_wikinews data/train (700 articles)",
        "seed": SEED,
        "folds": FOLDS,
        "spans": span_record,
        "sentences": sentence_record,
        "seconds": round(time.perf_counter() - started, 1),
    }
    with (out_dir / "training.json").open("w", encoding="utf-8") as handle:
        json.dump(record, handle, indent=1)
        handle.write("\n")
    return record


def main(argv: list[str] | None = None) -> int:
    """Command line: train and save the quotation models."""
    parser = argparse.ArgumentParser(
        prog="python -m lagebild.train.quotes",
        description="Train lagebild's quotation models on quotes_de_wikinews train.",
    )
    parser.add_argument("--data", type=Path, default=None, help="benchdata folder")
    parser.add_argument("--out", type=Path, default=MODEL_DIR, help="model folder")
    parser.add_argument("--no-ner", action="store_true", help="train without NER mentions")
    args = parser.parse_args(argv)
    data = args.data if args.data is not None else default_data_dir()
    record = train(load_articles(data, not args.no_ner), args.out)
    json.dump(record, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
