"""Named-entity recognition scored on a GermEval 2014 file: strict outer chunks.

The gold file is in the original shared-task format (``index, token, outer, inner`` per
line, a ``#`` comment line before and a blank line after each sentence). Each sentence is
tagged from its gold tokens, the predictions are written as the same file with column 3
replaced by the predicted outer tag (BIO), and the outer chunks are scored the way the
official GermEval script and conlleval do: a predicted chunk counts only when its start,
end and label (one of the twelve, ``LOCderiv`` apart from ``LOC``) all match a gold chunk.

Example::

    >>> from lagebild.annotate.ner import NerTagger
    >>> gold, out = Path("NER-de-dev.tsv"), Path("pred.tsv")
    >>> report = evaluate_ner(gold, out, NerTagger())  # doctest: +SKIP
    >>> report["f1"], report["per_label"]["PER"]["f1"]  # doctest: +SKIP
    (0.8, 0.88)
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from lagebild.train.data import TsvSentence, read_tsv

Chunk = tuple[int, int, str]


class TokenTagger(Protocol):
    """Anything that tags pre-tokenised sentences with BIO outer tags (GermEval labels)."""

    def tag_tokens(self, sentences: Iterable[Sequence[str]]) -> Iterator[list[str]]:
        """Yield one BIO tag list per sentence, as long as the sentence."""
        ...


def chunks(tags: Sequence[str]) -> set[Chunk]:
    """Return the (start, end, label) chunks of a BIO tag sequence, conlleval-style.

    An ``I-X`` after ``O`` or after another label opens a chunk, as in conlleval.

    >>> sorted(chunks(["B-PER", "I-PER", "O", "I-LOC", "B-LOC", "B-LOCderiv"]))
    [(0, 2, 'PER'), (3, 4, 'LOC'), (4, 5, 'LOC'), (5, 6, 'LOCderiv')]
    """
    found: set[Chunk] = set()
    start, label = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, kind = tag.partition("-")
        continues = prefix == "I" and kind == label and start >= 0
        if start >= 0 and not continues:
            found.add((start, i, label))
            start, label = -1, ""
        if prefix in {"B", "I"} and not continues:
            start, label = i, kind
    return found


def _figures(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    """Precision, recall and F1 from counts, rounded to 4 places."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "support": tp + fn,
    }


def score_chunks(
    gold: Iterable[Sequence[str]], predicted: Iterable[Sequence[str]]
) -> dict[str, Any]:
    """Strict chunk precision/recall/F1 of predicted against gold tag sequences.

    Returns the overall figures, ``per_label`` figures for each label seen, and
    ``by_base_type``: the same after folding -deriv/-part into PER/ORG/LOC/OTH.
    """
    counts: dict[str, Counter[str]] = {"strict": Counter(), "base": Counter()}
    labels: dict[str, Counter[str]] = {}
    bases: dict[str, Counter[str]] = {}
    for gold_tags, pred_tags in zip(gold, predicted, strict=True):
        if len(gold_tags) != len(pred_tags):
            raise ValueError(f"tag lists differ in length: {len(gold_tags)} vs {len(pred_tags)}")
        gold_chunks, pred_chunks = chunks(gold_tags), chunks(pred_tags)
        for key, table, g, p in (
            ("strict", labels, gold_chunks, pred_chunks),
            ("base", bases, _fold(gold_chunks), _fold(pred_chunks)),
        ):
            for chunk in g | p:
                outcome = "tp" if chunk in g and chunk in p else "fn" if chunk in g else "fp"
                counts[key][outcome] += 1
                table.setdefault(chunk[2], Counter())[outcome] += 1
    strict = counts["strict"]
    base = counts["base"]
    return {
        **_figures(strict["tp"], strict["fp"], strict["fn"]),
        "per_label": {
            label: _figures(c["tp"], c["fp"], c["fn"]) for label, c in sorted(labels.items())
        },
        "by_base_type": {
            **_figures(base["tp"], base["fp"], base["fn"]),
            "per_label": {
                label: _figures(c["tp"], c["fp"], c["fn"]) for label, c in sorted(bases.items())
            },
        },
    }


def _fold(found: set[Chunk]) -> set[Chunk]:
    """The chunks with -deriv/-part labels folded into their base type."""
    return {(start, end, label[:3]) for start, end, label in found}


def write_predictions(
    path: Path,
    sentences: Sequence[TsvSentence],
    tags: Sequence[list[str]],
    *,
    final_blank: bool = True,
) -> None:
    """Write the gold file again with column 3 replaced by the predicted outer tags; a
    blank line after the last sentence only where the gold file has one
    (``final_blank``; GermEval's files have none)."""
    with path.open("w", encoding="utf-8") as handle:
        for index, (sent, predicted) in enumerate(zip(sentences, tags, strict=True)):
            if index:
                handle.write("\n")
            if sent.comment is not None:
                handle.write(sent.comment + "\n")
            for row, tag in zip(sent.rows, predicted, strict=True):
                handle.write("\t".join([*row[:2], tag, *row[3:]]) + "\n")
        if sentences and final_blank:
            handle.write("\n")


def _ends_with_blank_line(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - 2))
        return handle.read() == b"\n\n"


WARM_UP = ("Die", "Tagung", "in", "Berlin", "endete", ".")


def evaluate_ner(
    gold_tsv: Path, predictions_tsv: Path, tagger: TokenTagger, limit: int | None = None
) -> dict[str, Any]:
    """Tag every sentence of ``gold_tsv``, write ``predictions_tsv`` and return the scores.

    ``limit`` keeps the first N sentences only (for quick gates); the report says how
    many sentences and tokens were scored and how fast the tagger ran (wall clock,
    model loading excluded).
    """
    sentences = list(read_tsv(gold_tsv))[:limit]
    # Loads a lazy model and what it reads on its first batch (the subword table), so
    # the timing is tagging only; an empty batch would load the model alone.
    list(tagger.tag_tokens([WARM_UP]))
    started = time.perf_counter()
    predicted = list(tagger.tag_tokens(sent.words for sent in sentences))
    seconds = time.perf_counter() - started
    write_predictions(
        predictions_tsv, sentences, predicted, final_blank=_ends_with_blank_line(gold_tsv)
    )
    tokens = sum(len(sent.rows) for sent in sentences)
    return {
        "gold": str(gold_tsv),
        "predictions": str(predictions_tsv),
        "metric": "strict outer chunks (exact span and label, GermEval labels)",
        "sentences": len(sentences),
        "tokens": tokens,
        "tokens_per_second": round(tokens / seconds) if seconds else 0,
        **score_chunks((sent.tags for sent in sentences), predicted),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m lagebild.eval.ner GOLD.tsv --predictions OUT.tsv``: print the scores."""
    import argparse
    import json

    from lagebild.annotate.ner import NerTagger

    parser = argparse.ArgumentParser(prog="python -m lagebild.eval.ner", description=__doc__)
    parser.add_argument("gold", type=Path, help="GermEval 2014 TSV file (4 columns)")
    parser.add_argument("--predictions", type=Path, required=True, help="file to write")
    parser.add_argument("--model", type=Path, default=None, help="model directory")
    parser.add_argument("--limit", type=int, default=None, help="first N sentences only")
    args = parser.parse_args(argv)
    report = evaluate_ner(args.gold, args.predictions, NerTagger(args.model), limit=args.limit)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
