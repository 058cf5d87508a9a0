"""Entity mentions (PER, ORG, LOC, OTH) found by lagebild's own German NER model.

The model is a spaCy pipeline shipped in ``lagebild/models/ner-de`` (see its MODEL.md):
a BiLSTM-CRF component (``lagebild.annotate.ner_crf``) trained by ``python -m
lagebild.train.ner_crf`` on GermEval 2014. Models of the earlier architecture (spaCy's
transition-based ``ner``, ``python -m lagebild.train.ner``) load here too. It predicts the
twelve GermEval outer labels; :class:`NerTagger` returns mentions of the four base types and by
default leaves out the -deriv mentions ("deutschen") and -part mentions ("EU-Gipfel"),
which name no entity by themselves.

Example::

    >>> tagger = NerTagger()
    >>> [(m.text, m.label) for m in tagger.tag("Angela Merkel besuchte Paris.")]  # doctest: +SKIP
    [('Angela Merkel', 'PER'), ('Paris', 'LOC')]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol, cast

import numpy
import spacy
from numpy.typing import NDArray
from spacy.language import Language
from spacy.tokens import Doc, Span
from thinc.api import NumpyOps, get_current_ops, set_current_ops
from thinc.types import Floats2d, Ints1d

import lagebild.annotate.ner_layers  # noqa: F401  (configs of spaCy NER models name its layers)
from lagebild.annotate.ner_crf import CrfNer  # also registers the model's component factory
from lagebild.model import EntityLabel, Mention

DEFAULT_MODEL = Path(__file__).resolve().parents[1] / "models" / "ner-de"
BASE_LABELS: tuple[EntityLabel, ...] = ("PER", "ORG", "LOC", "OTH")
# Words whose floret vectors the tagger keeps (100 floats each: 40 MB at most); news
# vocabularies grow slowly, so a long run rarely reaches it.
MEMO_MAX_WORDS = 100_000
# Texts per nlp.pipe batch: 32, 128 and 512 tagged GermEval dev equally fast (within 10%).
BATCH_SIZE = 64
# Pre-tokenised sentences per call of a BiLSTM-CRF model: it sorts them by length and runs
# its recurrence on blocks of similar ones, which larger calls make fuller.
SENTENCE_BATCH = 2048


class MatmulOps(NumpyOps):  # type: ignore[misc]  # NumpyOps is compiled, without stubs
    """thinc's CPU ops with matrix products done by numpy (OpenBLAS) instead of blis.

    On this project's machines (x86-64, AVX2) numpy's matmul ran the tagger's gemm shapes
    2.7 times faster than blis, which made tagging GermEval dev 27% faster with the same
    output. The weights and results do not change: only who multiplies.
    """

    name = "lagebild_matmul"

    def gemm(
        self,
        x: Floats2d,
        y: Floats2d,
        out: Floats2d | None = None,
        trans1: bool = False,
        trans2: bool = False,
    ) -> Floats2d:
        """``x @ y`` with optional transposes, into ``out`` when given."""
        a = cast(NDArray[numpy.float32], x.T if trans1 else x)
        b = cast(NDArray[numpy.float32], y.T if trans2 else y)
        if out is None:
            return cast(Floats2d, numpy.matmul(a, b))
        numpy.matmul(a, b, out=cast(NDArray[numpy.float32], out))
        return out


class FloretVectors(Protocol):
    """What MemoVectors uses of spaCy's (compiled, unstubbed) ``Vectors`` in floret mode."""

    attr: int
    strings: Any
    shape: tuple[int, int]

    def get_batch(self, keys: Any) -> Any:
        """The vectors of a batch of keys."""
        ...


class MemoVectors:
    """The model's floret vectors, each word's vector kept after its first lookup.

    floret builds a word's vector from the hashes of its character n-grams on every
    lookup; that was 17% of tagging time on GermEval dev. Words repeat, so the vectors
    are computed once per word, up to ``max_words`` words (then looked up as before).
    spaCy's StaticVectors layer takes any object with ``get_batch`` and ``attr``.
    """

    def __init__(self, vectors: FloretVectors, max_words: int) -> None:
        self.vectors = vectors
        self.attr = vectors.attr
        self.strings = vectors.strings
        self.shape = vectors.shape
        self.max_words = max_words
        self.rows_: dict[int, int] = {}
        self.table_ = numpy.zeros((1024, vectors.shape[1]), dtype="float32")

    def get_batch(self, keys: Ints1d) -> Floats2d:
        """The vectors of ``keys`` (hashes of the tokens' ORTH), one row per key."""
        wanted = [int(k) for k in keys.tolist()]
        missing = list({k for k in wanted if k not in self.rows_})
        if missing:
            if len(self.rows_) + len(missing) > self.max_words:
                return cast(Floats2d, self.vectors.get_batch(keys))
            computed = numpy.asarray(self.vectors.get_batch(missing), dtype="float32")
            start = len(self.rows_)
            if start + len(missing) > len(self.table_):
                size = max(2 * len(self.table_), start + len(missing))
                grown = numpy.zeros((size, self.table_.shape[1]), dtype="float32")
                grown[:start] = self.table_[:start]
                self.table_ = grown
            self.table_[start : start + len(missing)] = computed
            self.rows_.update((key, start + i) for i, key in enumerate(missing))
        rows = numpy.fromiter((self.rows_[k] for k in wanted), dtype="int64", count=len(wanted))
        return cast(Floats2d, self.table_[rows])


class NerTagger:
    """Tags German text with entity mentions; loads its model once, on first use.

    ``include_subtypes`` also returns -deriv and -part mentions, under their base type.
    A tagger keeps per-word state (spaCy's vocabulary, the vector memo): use one per
    thread or process.
    """

    def __init__(
        self,
        model_dir: Path | None = None,
        *,
        include_subtypes: bool = False,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.model_dir = model_dir or DEFAULT_MODEL
        self.include_subtypes = include_subtypes
        self.batch_size = batch_size
        self.nlp_: Language | None = None

    @property
    def nlp(self) -> Language:
        """The spaCy pipeline, loaded on first access."""
        if self.nlp_ is None:
            if not (self.model_dir / "config.cfg").is_file():
                raise FileNotFoundError(
                    f"no NER model in {self.model_dir}; train one with "
                    "`python -m lagebild.train.ner --out DIR`"
                )
            # Layers keep the ops current when they are built: build them with MatmulOps,
            # then give the caller's thread its own ops back.
            previous = get_current_ops()
            set_current_ops(MatmulOps())
            try:
                nlp = spacy.load(self.model_dir)
            finally:
                set_current_ops(previous)
            vectors = nlp.vocab.vectors
            if getattr(vectors, "mode", None) == "floret":
                nlp.vocab.vectors = MemoVectors(vectors, MEMO_MAX_WORDS)
            self.nlp_ = nlp
        return self.nlp_

    def tag(self, text: str) -> list[Mention]:
        """Return the entity mentions of one text, with character offsets into it."""
        return next(self.tag_many([text]))

    def tag_many(self, texts: Iterable[str]) -> Iterator[list[Mention]]:
        """Yield the mentions of each text, in order, tagging in batches with ``nlp.pipe``."""
        for doc in self.nlp.pipe(texts, batch_size=self.batch_size):
            yield [m for span in doc.ents if (m := self._mention(span)) is not None]

    def tag_tokens(self, sentences: Iterable[Sequence[str]]) -> Iterator[list[str]]:
        """Yield BIO outer tags in GermEval labels (``B-LOCderiv``) for pre-tokenised text."""
        nlp = self.nlp
        ner = nlp.get_pipe("ner") if nlp.has_pipe("ner") else None
        if isinstance(ner, CrfNer):
            # Given sentences are read whole, as the model was trained, not re-segmented.
            batch: list[list[str]] = []
            for words in sentences:
                batch.append(list(words))
                if len(batch) == SENTENCE_BATCH:
                    yield from ner.tag_words(batch)
                    batch = []
            yield from ner.tag_words(batch)
            return
        docs = (Doc(nlp.vocab, words=list(words)) for words in sentences)
        for doc in nlp.pipe(docs, batch_size=self.batch_size):
            # From the spans rather than token by token: a Token object per word is slower.
            tags = ["O"] * len(doc)
            for span in doc.ents:
                tags[span.start] = "B-" + span.label_
                tags[span.start + 1 : span.end] = ["I-" + span.label_] * (len(span) - 1)
            yield tags

    @staticmethod
    def _keeps(words: Sequence[str]) -> bool:
        """False for a run of several small-letter words: no name is written so, but the
        model strings filler text without punctuation ("lorem ipsum dolor ...") into long
        OTH mentions. One such word stays ("dpa"), as do words of scripts without case."""
        return len(words) < 2 or not all(w.isalpha() and w.islower() for w in words)

    def _mention(self, span: Span) -> Mention | None:
        """The mention of one predicted span, or None for a subtype left out."""
        base, subtype = span.label_[:3], span.label_[3:]
        if base not in BASE_LABELS or (subtype and not self.include_subtypes):
            return None
        if not self._keeps([token.text for token in span]):
            return None
        text = span.text
        # A span never starts or ends on whitespace tokens in training; trim any that slip in.
        stripped = text.strip()
        if not stripped:
            return None
        start = span.start_char + (len(text) - len(text.lstrip()))
        return Mention(
            text=stripped,
            start=start,
            end=start + len(stripped),
            label=base,
        )
