"""GermEval 2014 files read as (words, outer tags) sentences for training and evaluation.

Two formats hold the same sentences: the third-party BIOES files (``token tag`` per line,
upper-cased labels such as ``S-LOCDERIV``) and the original shared-task TSV (``index,
token, outer, inner`` with ``#`` comment lines). Both come out here as lists of words with
BIO tags in the original label spelling (``B-LOCderiv``), the label space of the metric.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

ENV_VAR = "LAGEBILD_BENCHDATA"
GERMEVAL = "germeval2014"
TRAIN_FILE = "train_bioes.train.gz"
DEV_FILE = "dev_bioes.dev.gz"
DEV_TSV = "NER-de-dev.tsv"

# The twelve outer labels of GermEval 2014, in the spelling of the original TSV files.
BASE_LABELS = ("PER", "ORG", "LOC", "OTH")
LABELS = tuple(f"{base}{sub}" for base in BASE_LABELS for sub in ("", "deriv", "part"))
_BY_UPPER = {label.upper(): label for label in LABELS}


@dataclass
class Sentence:
    """One sentence: its words and their outer tags (BIO, GermEval label spelling)."""

    words: list[str]
    tags: list[str]


def benchdata_dir() -> Path:
    """The benchmark folder: ``$LAGEBILD_BENCHDATA`` or ``<project>/../shared/benchdata``."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared" / "benchdata"


def germeval_dir() -> Path:
    """The GermEval 2014 folder inside the benchmark folder."""
    return benchdata_dir() / GERMEVAL


def label_of(raw: str) -> str:
    """Return a label in GermEval spelling (``LOCDERIV`` -> ``LOCderiv``); unknown raises."""
    try:
        return _BY_UPPER[raw.upper()]
    except KeyError:
        raise ValueError(f"unknown GermEval label {raw!r}; expected one of {LABELS}") from None


def bioes_to_bio(tag: str) -> str:
    """Map one BIOES tag to BIO in GermEval spelling (``S-LOCDERIV`` -> ``B-LOCderiv``)."""
    if tag == "O":
        return "O"
    prefix, _, raw = tag.partition("-")
    if prefix not in {"B", "I", "E", "S"} or not raw:
        raise ValueError(f"not a BIOES tag: {tag!r}")
    return ("B-" if prefix in {"B", "S"} else "I-") + label_of(raw)


def _open_text(path: Path) -> TextIO:
    """Open a text file, gunzipping when the name ends in ``.gz``."""
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def read_bioes(path: Path) -> Iterator[Sentence]:
    """Yield the sentences of a ``token tag`` BIOES file (blank line between sentences)."""
    words: list[str] = []
    tags: list[str] = []
    with _open_text(path) as handle:
        for number, line in enumerate(handle, 1):
            line = line.rstrip("\n")
            if not line.strip():
                if words:
                    yield Sentence(words, tags)
                    words, tags = [], []
                continue
            token, sep, tag = line.rpartition(" ")
            if not sep or not token:
                raise ValueError(f"{path}:{number}: expected 'token tag', got {line!r}")
            words.append(token)
            tags.append(bioes_to_bio(tag))
    if words:
        yield Sentence(words, tags)


@dataclass
class TsvSentence:
    """One sentence of an original GermEval TSV file, with its lines kept for rewriting."""

    comment: str | None
    rows: list[list[str]]

    @property
    def words(self) -> list[str]:
        """The tokens (column 2)."""
        return [row[1] for row in self.rows]

    @property
    def tags(self) -> list[str]:
        """The outer tags (column 3), labels in GermEval spelling."""
        return [row[2] for row in self.rows]


def read_tsv(path: Path) -> Iterator[TsvSentence]:
    """Yield the sentences of an original GermEval TSV file (``index token outer inner``)."""
    comment: str | None = None
    rows: list[list[str]] = []
    with _open_text(path) as handle:
        for number, line in enumerate(handle, 1):
            line = line.rstrip("\n")
            if line.startswith("#") and not rows:
                comment = line
                continue
            if not line.strip():
                if rows:
                    yield TsvSentence(comment, rows)
                comment, rows = None, []
                continue
            cols = line.split("\t")
            if len(cols) < 3:
                raise ValueError(f"{path}:{number}: expected 4 tab-separated columns: {line!r}")
            rows.append(cols)
    if rows:
        yield TsvSentence(comment, rows)
