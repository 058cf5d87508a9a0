"""Static word vectors for the NER model, trained here with floret on local German text.

No German vectors can be downloaded here, so the NER model's static vectors are trained
on the unlabelled German text of the benchmark folder: the GermEval training sentences,
the DER STANDARD articles (gnad10k), the Wikinews articles of the quotation set, the
Redewiedergabe texts, the HIPE newspaper tokens, the WikiWarsDE articles and the main
text of the German web pages of the extraction benchmarks. Every text is
tokenised with spaCy's ``blank("de")`` tokenizer, so the vectors see the model's tokens.
floret stores subword hashes in a fixed number of rows, which bounds the model's size::

    python -m lagebild.train.vectors --out /tmp/vectors   # then --vectors /tmp/vectors
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import subprocess
import sys
import tarfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import spacy

from lagebild.train.data import TRAIN_FILE, benchdata_dir, read_bioes


@dataclass
class VectorSettings:
    """floret settings; defaults are what the shipped model was trained with."""

    dim: int = 100
    bucket: int = 20000  # hash rows: dim * bucket * 4 bytes on disk
    minn: int = 3
    maxn: int = 5
    hash_count: int = 2
    epoch: int = 20
    min_count: int = 3


def _germeval(root: Path) -> Iterator[str]:
    """The GermEval training sentences, already tokenised."""
    for sent in read_bioes(root / "germeval2014" / TRAIN_FILE):
        yield " ".join(sent.words)


def _gnad(root: Path) -> Iterator[str]:
    """The DER STANDARD articles of gnad10k (``label;'text'`` CSV)."""
    path = root / "gnad10k_test" / "test.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter=";", quotechar="'"):
            if len(row) >= 2:
                yield row[1]


def _wikinews(root: Path) -> Iterator[str]:
    """The Wikinews articles of the quotation set (train and dev only)."""
    with tarfile.open(root / "quotes_de_wikinews" / "data.tar.gz") as tar:
        for member in tar:
            parts = member.name.split("/")
            if member.isfile() and member.name.endswith(".json") and "test" not in parts:
                handle = tar.extractfile(member)
                if handle is not None:
                    yield str(json.load(handle).get("originalText", ""))


def _redewiedergabe(root: Path) -> Iterator[str]:
    """The Redewiedergabe texts, one sentence per line from their token columns."""
    with tarfile.open(root / "redewiedergabe_main" / "main_tsv.tar.gz") as tar:
        for member in tar:
            if not (member.isfile() and member.name.endswith(".tsv")):
                continue
            handle = tar.extractfile(member)
            if handle is None or member.name.endswith("metadata.tsv"):
                continue
            words: list[str] = []
            for line in handle.read().decode("utf-8").splitlines()[1:]:
                cols = line.split("\t")
                if len(cols) > 5 and cols[5] == "yes" and words:
                    yield " ".join(words)
                    words = []
                if cols and cols[0]:
                    words.append(cols[0])
            if words:
                yield " ".join(words)


def _hipe(root: Path) -> Iterator[str]:
    """The HIPE 2022 German newspaper tokens, one document segment per line."""
    for path in sorted((root / "hipe2022_de").glob("*.tsv.gz")):
        words: list[str] = []
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith(("#", "TOKEN")) or not line.strip():
                    if words:
                        yield " ".join(words)
                        words = []
                    continue
                words.append(line.split("\t", 1)[0])
        if words:
            yield " ".join(words)


def _wikiwars(root: Path) -> Iterator[str]:
    """The WikiWarsDE Wikipedia articles, markup removed."""
    for path in sorted((root / "wikiwarsde").glob("*/in/*.sgm")):
        text = re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8", errors="replace"))
        yield from (para for para in text.split("\n") if para.strip())


def _web(root: Path) -> Iterator[str]:
    """The main text of the German web pages of the extraction and date benchmarks."""
    import trafilatura

    for name in ("trafilatura_eval_de", "htmldate_eval_de"):
        with tarfile.open(root / name / "html_de.tar.gz") as tar:
            for member in tar:
                handle = tar.extractfile(member) if member.isfile() else None
                if handle is None:
                    continue
                text = trafilatura.extract(handle.read(), include_comments=False)
                if text:
                    yield from text.split("\n")


SOURCES = {
    "germeval": _germeval,
    "gnad10k": _gnad,
    "wikinews": _wikinews,
    "redewiedergabe": _redewiedergabe,
    "hipe": _hipe,
    "wikiwars": _wikiwars,
    "web": _web,
}


def write_corpus(root: Path, out: Path, sources: Sequence[str]) -> dict[str, int]:
    """Write one tokenised line per text of each source; return the tokens per source."""
    nlp = spacy.blank("de")
    counts: dict[str, int] = {}
    with out.open("w", encoding="utf-8") as handle:
        for name in sources:
            counts[name] = 0
            texts = (" ".join(t.split()) for t in SOURCES[name](root))
            for doc in nlp.pipe(texts, batch_size=256):
                words = [t.text for t in doc if not t.is_space]
                counts[name] += len(words)
                handle.write(" ".join(words) + "\n")
    return counts


def train_vectors(corpus: Path, out: Path, settings: VectorSettings) -> None:
    """Train floret vectors on ``corpus`` and turn them into a spaCy vectors model at ``out``."""
    import floret  # a training-time dependency only

    model = floret.train_unsupervised(
        str(corpus),
        model="cbow",
        mode="floret",
        dim=settings.dim,
        bucket=settings.bucket,
        minn=settings.minn,
        maxn=settings.maxn,
        hashCount=settings.hash_count,
        epoch=settings.epoch,
        minCount=settings.min_count,
        thread=1,  # one thread: fastText then runs deterministically (it has no seed option)
        verbose=0,
    )
    floret_file = corpus.with_suffix(".floret")
    model.save_floret_vectors(str(floret_file))
    command = [sys.executable, "-m", "spacy", "init", "vectors", "de", str(floret_file)]
    subprocess.run([*command, str(out), "--mode", "floret"], check=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Build the corpus and train the vectors from command-line options."""
    parser = argparse.ArgumentParser(prog="python -m lagebild.train.vectors")
    parser.add_argument("--out", type=Path, required=True, help="spaCy vectors directory")
    parser.add_argument("--sources", nargs="+", default=list(SOURCES), choices=list(SOURCES))
    defaults = VectorSettings()
    for name in vars(defaults):
        parser.add_argument(
            "--" + name.replace("_", "-"), type=int, default=getattr(defaults, name)
        )
    args = parser.parse_args(argv)
    settings = VectorSettings(**{name: getattr(args, name) for name in vars(defaults)})
    args.out.mkdir(parents=True, exist_ok=True)
    corpus = args.out.parent / (args.out.name + ".corpus.txt")
    counts = write_corpus(benchdata_dir(), corpus, args.sources)
    print(json.dumps({"tokens": counts}), file=sys.stderr)
    train_vectors(corpus, args.out, settings)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
