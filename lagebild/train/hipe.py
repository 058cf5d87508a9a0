"""HIPE 2022 German newspaper NER read as extra GermEval-style training sentences.

The HIPE files (``hipe2022_de/*.tsv.gz``: historical newspapers, 1790s-1940s, OCR text) tag
coarse literal entities in column 2: ``pers``/``PER``, ``loc``/``LOC``, ``org``/``ORG``,
``prod``/``HumanProd`` and ``time``. They map to GermEval's PER, LOC, ORG and OTH; ``time``
has no GermEval label and becomes O. HIPE's person mentions include titles and functions
("Herrn Bundesrat Müller"), GermEval's do not: where column 6 marks the leading tokens as
``comp.title``/``comp.function``/``comp.qualifier``, they are cut off. Words split at a line
end ("Fett¬" "waarenfabrik", "Trup" "¬" "pen") are joined. Sentences end at
``EndOfSentence`` (column 10).
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

from lagebild.train.data import Sentence

HIPE = "hipe2022_de"
LABEL_MAP = {
    "pers": "PER",
    "per": "PER",
    "loc": "LOC",
    "org": "ORG",
    "prod": "OTH",
    "humanprod": "OTH",
}
# Parts of a HIPE person mention that GermEval leaves outside the entity.
_NOT_NAME = ("comp.title", "comp.function", "comp.qualifier")
MAX_WORDS = 120  # longer runs without a sentence end are cut, like GermEval's longest


def _close(words: list[str], tags: list[str]) -> Iterator[Sentence]:
    """Yield the pending words as sentences of at most MAX_WORDS words."""
    for start in range(0, len(words), MAX_WORDS):
        chunk = tags[start : start + MAX_WORDS]
        if chunk and chunk[0].startswith("I-"):
            chunk = ["B-" + chunk[0][2:], *chunk[1:]]
        yield Sentence(words[start : start + MAX_WORDS], chunk)


def _tag(coarse: str, comp: str, inside: bool) -> str:
    """The GermEval BIO tag of one HIPE token (``inside``: the mention has begun here)."""
    prefix, _, raw = coarse.partition("-")
    label = LABEL_MAP.get(raw.lower())
    if prefix not in {"B", "I"} or label is None:
        return "O"
    if label == "PER" and comp.split("-", 1)[-1] in _NOT_NAME and not inside:
        return "O"
    return ("I-" if inside else "B-") + label


def read_hipe(path: Path) -> Iterator[Sentence]:
    """Yield the sentences of one HIPE TSV file with GermEval outer tags (BIO)."""
    words: list[str] = []
    tags: list[str] = []
    label = ""  # the label of the open HIPE mention, "" outside one
    started = False  # whether the open mention has emitted its GermEval B- tag
    glue = False  # the previous word ended in a line-end hyphen
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            cols = line.rstrip("\n").split("\t")
            if line.startswith(("#", "TOKEN")) or len(cols) < 10:
                if line.startswith("# hipe2022:document_id") and words:
                    yield from _close(words, tags)
                    words, tags, label, started, glue = [], [], "", False, False
                continue
            token, coarse, comp, misc = cols[0], cols[1], cols[5], cols[9]
            prefix, _, raw = coarse.partition("-")
            if prefix == "B" or (prefix == "I" and raw != label):
                label, started = raw, False
            elif prefix not in {"B", "I"}:
                label, started = "", False
            tag = _tag(coarse, comp, started)
            if tag != "O":
                started = True
            if token == "¬":  # hipe2020 keeps the line-end hyphen as a token of its own
                glue = bool(words)
                continue
            if glue:
                words[-1] += token.rstrip("¬")
            else:
                words.append(token.rstrip("¬") or token)
                tags.append(tag)
            glue = token.endswith("¬") and len(token) > 1
            if "EndOfSentence" in misc and not glue:
                yield from _close(words, tags)
                words, tags = [], []
    if words:
        yield from _close(words, tags)


def hipe_sentences(root: Path) -> Iterator[Sentence]:
    """Yield the sentences of every HIPE German file in the benchmark folder ``root``."""
    for path in sorted((root / HIPE).glob("*.tsv.gz")):
        yield from read_hipe(path)
