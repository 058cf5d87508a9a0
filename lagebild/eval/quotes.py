"""Evaluate quotation finding and speaker attribution on German Wikinews.

The corpus is Petersen-Frey & Biemann's German news quotation attribution set
(``quotes_de_wikinews``: 700 train / 150 dev articles; the test part is held back and
never read). Articles are read straight out of ``data.tar.gz`` at run time.

Scoring, as the issue asks:

* families: **direct** = gold ``Direct``; **indirect** = ``Indirect``, ``FreeIndirect``
  and ``IndirectFreeIndirect``. ``Reported`` (a mere mention of speech) is in neither
  family; a prediction that matches only a ``Reported`` quotation is counted neither as
  right nor as wrong and reported apart (``ignored_reported``).
  Predicted ``direct`` and ``partial`` quotations are scored as direct, ``indirect`` as
  indirect.
* match: a predicted and a gold quotation of the same family match when the characters
  they share are at least half of each of them (overlap >= 0.5 x the longer one); gold
  spans of a discontinuous quotation count together. Each gold and each predicted
  quotation is used once, greedily by largest overlap.
* speaker right: among matched pairs whose gold quotation has a speaker, the predicted
  speaker is right when its span overlaps the gold speaker span, or when the predicted
  speaker phrase or its resolved antecedent shares a name word (a capitalised word of
  three letters or more, not a determiner) with the gold speaker phrase, e.g. predicted
  "er" resolved to "Steve Witkoff" for gold "Witkoff" (coreference by name).

Example::

    $ python -m lagebild.eval.quotes --split dev
    {"split": "dev", "articles": 150, "direct": {"p": ..., "r": ..., "f1": ...}, ...}
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lagebild.annotate.quotes import AttributedQuote, find_quotes
from lagebild.eval.benchdata import default_data_dir
from lagebild.model import Mention

SET_NAME = "quotes_de_wikinews"
ARCHIVE = "data.tar.gz"
FAMILY = {
    "Direct": "direct",
    "Indirect": "indirect",
    "FreeIndirect": "indirect",
    "IndirectFreeIndirect": "indirect",
}
PRED_FAMILY = {"direct": "direct", "partial": "direct", "indirect": "indirect"}
MIN_OVERLAP = 0.5
NAME_RE = re.compile(r"[A-ZÄÖÜ][\w-]{2,}")
NOT_NAMES = frozenset("Der Die Das Den Dem Des Ein Eine Einer Einem Eines".split())


@dataclass
class GoldQuote:
    """One gold quotation: family, character spans, speaker spans and speaker text."""

    family: str | None
    spans: list[tuple[int, int]]
    speaker_spans: list[tuple[int, int]]
    speaker: str


def iter_articles(
    data_dir: Path, split: str = "dev", limit: int | None = None
) -> Iterator[tuple[str, str, list[GoldQuote]]]:
    """Yield (name, text, gold quotations) per article of one split, in archive order."""
    if split == "test":
        raise ValueError("the test part is held back; evaluate on 'train' or 'dev'")
    path = data_dir / SET_NAME / ARCHIVE
    prefix = f"data/{split}/"
    count = 0
    with tarfile.open(path, "r:gz") as archive:
        for member in archive:
            if not (member.isfile() and member.name.startswith(prefix)):
                continue
            handle = archive.extractfile(member)
            if handle is None:
                continue
            doc: dict[str, Any] = json.loads(handle.read().decode("utf-8"))
            gold = [
                GoldQuote(
                    FAMILY.get(a["type"]),
                    [(s["charBegin"], s["charEnd"]) for s in a["quote"]["spans"]],
                    [(s["charBegin"], s["charEnd"]) for s in a["speaker"]["spans"]],
                    a["speaker"]["text"],
                )
                for a in doc["annotations"]
            ]
            yield member.name[len(prefix) :], doc["originalText"], gold
            count += 1
            if limit is not None and count >= limit:
                return


def _overlap(span: tuple[int, int], spans: list[tuple[int, int]]) -> int:
    """Characters ``span`` shares with ``spans``."""
    return sum(max(0, min(span[1], e) - max(span[0], s)) for s, e in spans)


def span_matches(start: int, end: int, gold: GoldQuote) -> int:
    """The overlap of ``[start, end)`` with a gold quotation if it is at least half of
    both, else 0 (the matching rule; also used to label training units)."""
    shared = _overlap((start, end), gold.spans)
    longer = max(end - start, sum(e - s for s, e in gold.spans))
    return shared if shared > 0 and shared >= MIN_OVERLAP * longer else 0


def _matches(pred: AttributedQuote, gold: GoldQuote) -> int:
    """The overlap if it is at least half of both quotations, else 0."""
    return span_matches(pred.start, pred.end, gold)


def _names(text: str | None) -> set[str]:
    """The name words of a phrase."""
    return {w for w in NAME_RE.findall(text or "") if w not in NOT_NAMES}


def speaker_right(pred: AttributedQuote, gold: GoldQuote) -> bool:
    """Whether the predicted speaker is the gold one, by span overlap or shared name."""
    if pred.speaker_start is None or pred.speaker_end is None:
        return False
    if _overlap((pred.speaker_start, pred.speaker_end), gold.speaker_spans) > 0:
        return True
    ours = _names(pred.speaker) | _names(pred.antecedent.text if pred.antecedent else None)
    return bool(ours & _names(gold.speaker))


@dataclass
class Tally:
    """Counts for one family."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def scores(self) -> dict[str, float | int]:
        """Precision, recall, F1 and the counts."""
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "p": round(p, 4),
            "r": round(r, 4),
            "f1": round(f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


def score_article(
    preds: list[AttributedQuote], gold: list[GoldQuote], tallies: dict[str, Tally]
) -> tuple[int, int, int]:
    """Add one article to the tallies; return (speaker right, speaker scored, ignored)."""
    right = scored = ignored = 0
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = [
        (shared, pi, gi)
        for pi, p in enumerate(preds)
        for gi, g in enumerate(gold)
        if g.family == PRED_FAMILY[p.kind] and (shared := _matches(p, g))
    ]
    for _, pi, gi in sorted(pairs, reverse=True):
        if pi in used_pred or gi in used_gold:
            continue
        used_pred.add(pi)
        used_gold.add(gi)
        tallies[gold[gi].family or ""].tp += 1
        if gold[gi].speaker_spans:
            scored += 1
            right += speaker_right(preds[pi], gold[gi])
    for pi, p in enumerate(preds):
        if pi in used_pred:
            continue
        if any(g.family is None and _matches(p, g) for g in gold):
            ignored += 1
        else:
            tallies[PRED_FAMILY[p.kind]].fp += 1
    for gi, g in enumerate(gold):
        if g.family is not None and gi not in used_gold:
            tallies[g.family].fn += 1
    return right, scored, ignored


def evaluate_quotes(
    data_dir: Path | str | None = None,
    split: str = "dev",
    limit: int | None = None,
    use_ner: bool = True,
) -> dict[str, Any]:
    """Score :func:`find_quotes` on one split; see the module docstring for the rules.

    Returns P/R/F1 per family, speaker accuracy on matched quotations, and speed in
    tokens per second (whitespace tokens) with and without the NER tagger.
    """
    base = Path(data_dir) if data_dir is not None else default_data_dir()
    tagger = None
    if use_ner:
        from lagebild.annotate.ner import NerTagger

        tagger = NerTagger()
    tallies = {"direct": Tally(), "indirect": Tally()}
    right = scored = ignored = articles = tokens = 0
    quote_seconds = ner_seconds = 0.0
    for _name, text, gold in iter_articles(base, split, limit):
        articles += 1
        tokens += len(text.split())
        mentions: list[Mention] = []
        if tagger is not None:
            started = time.perf_counter()
            mentions = tagger.tag(text)
            ner_seconds += time.perf_counter() - started
        started = time.perf_counter()
        preds = [q for q in find_quotes(text, mentions) if isinstance(q, AttributedQuote)]
        quote_seconds += time.perf_counter() - started
        r, s, i = score_article(preds, gold, tallies)
        right, scored, ignored = right + r, scored + s, ignored + i
    return {
        "split": split,
        "articles": articles,
        "ner": use_ner,
        "direct": tallies["direct"].scores(),
        "indirect": tallies["indirect"].scores(),
        "speaker": {
            "accuracy": round(right / scored, 4) if scored else 0.0,
            "right": right,
            "scored": scored,
        },
        "ignored_reported": ignored,
        "speed": {
            "tokens": tokens,
            "tokens_per_s_quotes": round(tokens / quote_seconds) if quote_seconds else 0,
            "tokens_per_s_with_ner": (
                round(tokens / (quote_seconds + ner_seconds)) if tagger is not None else None
            ),
        },
    }


def main(argv: list[str] | None = None) -> int:
    """Command line: print the evaluation as JSON."""
    parser = argparse.ArgumentParser(
        prog="python -m lagebild.eval.quotes",
        description="Score quotation finding and speaker attribution on German Wikinews.",
    )
    parser.add_argument("--data", type=Path, default=None, help="benchdata folder")
    parser.add_argument("--split", default="dev", choices=["train", "dev"])
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    parser.add_argument("--no-ner", action="store_true", help="run without NER mentions")
    args = parser.parse_args(argv)
    result = evaluate_quotes(args.data, args.split, args.limit, use_ner=not args.no_ner)
    json.dump(result, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
