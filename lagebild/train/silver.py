"""Silver NER training sentences: unlabelled German news tagged by trained models.

Self-training for ``lagebild.train.ner --silver FILE``: the sentences of the DER STANDARD
articles (gnad10k) and the Wikinews articles of the quotation set (train and dev), and
with ``--sources gnad wikinews web`` the main text of the benchmarks' German web pages, are
tokenised with ``blank("de")``, tagged by every teacher model, and kept only where all
teachers predict exactly the same entities; disagreement marks the sentences where a
teacher's error is likely. With ``--vote`` every sentence is kept, tagged with the
entities that more than half the teachers predict (:class:`MajorityTagger`): an ensemble
is a better tagger than any of its members, and its votes are the silver of a student.
The file holds one JSON object ``{"words", "tags"}`` (BIO, the GermEval labels) per
line::

    python -m lagebild.train.silver --teacher lagebild/models/ner-de --teacher /tmp/other \\
        --out /tmp/silver.jsonl.gz

The texts are not committed (gnad10k and Wikinews are CC BY-NC-SA 4.0, the web pages their
sites' own copyright); neither is the file.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import spacy

from lagebild.annotate.ner import NerTagger
from lagebild.annotate.sentences import sentence_spans
from lagebild.eval.ner import Chunk, TokenTagger, chunks
from lagebild.train.data import Sentence, benchdata_dir
from lagebild.train.vectors import SOURCES as TEXTS

# "web" (the main text of the extraction and date benchmarks' German pages) is news too;
# the default is round 1's recipe (f6, without it), round 2 (g1, shipped) names all three.
SOURCES = {"gnad": TEXTS["gnad10k"], "wikinews": TEXTS["wikinews"], "web": TEXTS["web"]}
DEFAULT_SOURCES = ("gnad", "wikinews")
# Sentences outside these lengths are mostly headlines glued to teasers or lists.
MIN_WORDS, MAX_WORDS = 5, 60


def unlabelled_sentences(root: Path, sources: Sequence[str]) -> Iterator[list[str]]:
    """The tokenised sentences of the chosen sources, in file order."""
    tokenizer = spacy.blank("de").tokenizer
    for name in sources:
        for text in SOURCES[name](root):
            for start, end in sentence_spans(text):
                words = [t.text for t in tokenizer(text[start:end]) if not t.is_space]
                if MIN_WORDS <= len(words) <= MAX_WORDS:
                    yield words


def agreed(teachers: Sequence[NerTagger], sentences: Iterable[list[str]]) -> Iterator[Sentence]:
    """The sentences on which every teacher predicts the same tags, with those tags."""
    for batch in _batches(sentences):
        yield from _agreed_batch(teachers, batch)


def _batches(sentences: Iterable[list[str]], size: int = 512) -> Iterator[list[list[str]]]:
    batch: list[list[str]] = []
    for words in sentences:
        batch.append(words)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _agreed_batch(teachers: Sequence[NerTagger], batch: list[list[str]]) -> Iterator[Sentence]:
    """One batch of :func:`agreed`."""
    tagged = [list(t.tag_tokens(batch)) for t in teachers]
    for i, words in enumerate(batch):
        tags = tagged[0][i]
        if all(other[i] == tags for other in tagged[1:]):
            yield Sentence(words=words, tags=tags)


class MajorityTagger:
    """Tags with the entities (start, end and label) that more than half its taggers
    predict. Whole spans are counted, not tokens, so a majority never leaves half a name;
    and two spans with a majority each cannot overlap (one tagger would have to predict
    both), so the result is a valid tagging."""

    def __init__(self, taggers: Sequence[TokenTagger]) -> None:
        if not taggers:
            raise ValueError("a majority needs at least one tagger")
        self.taggers = list(taggers)

    def tag_tokens(self, sentences: Iterable[Sequence[str]]) -> Iterator[list[str]]:
        """One BIO tag list per sentence."""
        batch = [list(words) for words in sentences]
        tagged = [list(t.tag_tokens(batch)) for t in self.taggers]
        for i, words in enumerate(batch):
            votes: dict[Chunk, int] = {}
            for other in tagged:
                for chunk in chunks(other[i]):
                    votes[chunk] = votes.get(chunk, 0) + 1
            tags = ["O"] * len(words)
            for (start, end, label), count in votes.items():
                if 2 * count > len(self.taggers):
                    tags[start:end] = [f"B-{label}"] + [f"I-{label}"] * (end - start - 1)
            yield tags


def voted(tagger: MajorityTagger, sentences: Iterable[list[str]]) -> Iterator[Sentence]:
    """Every sentence with the majority's tags."""
    for batch in _batches(sentences):
        for words, tags in zip(batch, tagger.tag_tokens(batch), strict=True):
            yield Sentence(words=words, tags=tags)


def write_silver(sentences: Iterable[Sentence], out: Path) -> int:
    """Write sentences as gzipped JSON lines; return how many."""
    count = 0
    with gzip.open(out, "wt", encoding="utf-8") as handle:
        for sent in sentences:
            handle.write(json.dumps({"words": sent.words, "tags": sent.tags}) + "\n")
            count += 1
    return count


def read_silver(path: Path) -> Iterator[Sentence]:
    """The sentences of a file written by :func:`write_silver`."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            yield Sentence(words=list(row["words"]), tags=list(row["tags"]))


def main(argv: Sequence[str] | None = None) -> int:
    """Tag the unlabelled sources with the teachers and write the agreed sentences."""
    parser = argparse.ArgumentParser(
        prog="python -m lagebild.train.silver", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--teacher", type=Path, action="append", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--sources", nargs="+", default=list(DEFAULT_SOURCES), choices=list(SOURCES)
    )
    parser.add_argument("--root", type=Path, default=None, help="benchmark folder")
    parser.add_argument(
        "--vote",
        action="store_true",
        help="keep every sentence, tagged with what most teachers predict (not only the "
        "sentences all agree on)",
    )
    args = parser.parse_args(argv)
    teachers = [NerTagger(path, include_subtypes=True) for path in args.teacher]
    seen = 0

    def counted(items: Iterable[list[str]]) -> Iterator[list[str]]:
        nonlocal seen
        for item in items:
            seen += 1
            yield item

    sentences = counted(unlabelled_sentences(args.root or benchdata_dir(), args.sources))
    chosen = (
        voted(MajorityTagger(teachers), sentences) if args.vote else agreed(teachers, sentences)
    )
    kept = write_silver(chosen, args.out)
    print(json.dumps({"sentences": seen, "agreed": kept}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
