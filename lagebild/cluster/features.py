"""Sparse TF-IDF parts of an article, for story clustering.

An article becomes a few sparse vectors (title tokens, body tokens, body lemmas,
entities), each L2-normalised, with weights from an online IDF: document frequencies are
counted in a fixed-size hashed table as articles arrive, so memory never grows and no
vocabulary has to be fitted first (the stream is the corpus, as in Miranda et al. 2018).
Feature ids are stable CRC32 hashes, so two processes build the same vectors.
"""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass, field

import numpy as np
import simplemma

Vector = dict[int, float]

_TOKEN = re.compile(r"[^\W\d_][\w\-]*\w|[^\W\d_]", re.UNICODE)
# Function words of the languages seen most; they carry no story and bloat the index.
STOPWORDS = frozenset(
    """
    der die das den dem des ein eine einen einem einer eines und oder aber als auch auf aus
    bei bis da dass daß durch für gegen hat haben hatte hatten ist sind war waren wird werden
    wurde wurden sein seine seiner seinen ihr ihre ihren ihrer im in ins mit nach nicht noch
    nur ob sich sie er es wir ihr man so um und von vor wie wo zu zum zur über unter am an
    dies diese dieser dieses jetzt schon sehr mehr doch dann denn wenn weil sagte sagt laut
    heute gestern morgen seit soll sollen kann können muss müssen will wollen habe hätte
    the a an and or but of to in on at for with by from as is are was were be been has have
    had it its this that these those he she they we you his her their our not no said says
    will would can could should may might than then there which who whom what when where
    le la les un une des du de et ou mais est sont dans sur pour par avec au aux ce cette
    il elle ils elles qui que pas plus
    """.split()
)
TITLE_TERMS = 16
BODY_TERMS = 60
# Lemmas: enough of the text to know the topic, few enough to stay fast.
LEMMA_WORDS = 150
LEMMA_LANGS = frozenset({"de", "en", "fr", "es", "it", "nl"})


def feature_id(prefix: str, term: str) -> int:
    """A stable 32-bit id for a term in one part of the vector."""
    return zlib.crc32(f"{prefix}:{term}".encode())


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens without digits and function words."""
    return [t for t in (m.lower() for m in _TOKEN.findall(text)) if t not in STOPWORDS]


@dataclass
class Parts:
    """The sparse parts of one article (each L2-normalised) and its key terms."""

    title: Vector
    body: Vector
    lemmas: Vector
    entities: Vector
    keys: list[int] = field(default_factory=list)


class Lemmatizer:
    """simplemma with a bounded memo: news repeats its words, simplemma takes microseconds."""

    def __init__(self, max_size: int = 200_000) -> None:
        self.max_size = max_size
        self.memo_: dict[tuple[str, str], str] = {}

    def __call__(self, word: str, lang: str) -> str:
        key = (word, lang)
        lemma = self.memo_.get(key)
        if lemma is None:
            if len(self.memo_) >= self.max_size:
                self.memo_.clear()
            lemma = simplemma.lemmatize(word, lang=lang).lower()
            self.memo_[key] = lemma
        return lemma


class Featurizer:
    """Turns articles into :class:`Parts`, learning document frequencies as it goes.

    Parameters:
        table_bits: log2 of the hashed document-frequency table (2**20 counters, 4 MB).
        decay_every: halve every count after this many articles, so the IDF follows
            what the recent stream talks about and counts never overflow.
    """

    def __init__(self, table_bits: int = 20, decay_every: int = 50_000) -> None:
        self.table_bits = table_bits
        self.decay_every = decay_every
        self.df_ = np.zeros(1 << table_bits, dtype=np.float32)
        self.docs_ = 0.0
        self.seen_ = 0
        self.lemmatizer_ = Lemmatizer()

    def parts(
        self,
        title: str,
        text: str,
        lang: str | None = None,
        entities: list[str] | None = None,
        lemmas: list[str] | None = None,
    ) -> Parts:
        """The article's parts; also counts its terms into the document frequencies."""
        lang = (lang or "de")[:2].lower()
        title_terms = tokens(title)
        body_terms = tokens(text)
        if lemmas is None:
            lemma_lang = lang if lang in LEMMA_LANGS else "de"
            lemmas = [self.lemmatizer_(t, lemma_lang) for t in body_terms[:LEMMA_WORDS]]
        counts = {
            "t": _counts(title_terms),
            "b": _counts(body_terms),
            "l": _counts([t for t in lemmas if t not in STOPWORDS]),
            "e": _counts([e.lower() for e in entities or []]),
        }
        ids = {p: {term: feature_id(p, term) for term in c} for p, c in counts.items()}
        self._count(ids)
        vectors = {p: self._tfidf(c, ids[p]) for p, c in counts.items()}
        title_v = _top(vectors["t"], TITLE_TERMS)
        body_v = _top(vectors["b"], BODY_TERMS)
        lemma_v = _top(vectors["l"], BODY_TERMS)
        entity_v = vectors["e"]
        keys = [
            *_top(title_v, 8),
            *_top(body_v, 12),
            *_top(entity_v, 8),
        ]
        return Parts(_norm(title_v), _norm(body_v), _norm(lemma_v), _norm(entity_v), keys)

    def _count(self, ids: dict[str, dict[str, int]]) -> None:
        mask = (1 << self.table_bits) - 1
        all_ids = [i & mask for part in ids.values() for i in part.values()]
        if all_ids:
            self.df_[np.array(all_ids, dtype=np.int64)] += 1.0
        self.docs_ += 1.0
        self.seen_ += 1
        if self.seen_ % self.decay_every == 0:
            self.df_ *= 0.5
            self.docs_ *= 0.5

    def _tfidf(self, counts: dict[str, int], ids: dict[str, int]) -> Vector:
        """Sublinear tf times smoothed idf from the current counts."""
        if not counts:
            return {}
        mask = (1 << self.table_bits) - 1
        keys = [ids[t] for t in counts]
        df = self.df_[np.array([k & mask for k in keys], dtype=np.int64)].tolist()
        n = self.docs_
        return {
            k: (1.0 + math.log(c)) * (math.log((n + 1.0) / (d + 1.0)) + 1.0)
            for k, c, d in zip(keys, counts.values(), df, strict=True)
        }


def _counts(terms: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for t in terms:
        out[t] = out.get(t, 0) + 1
    return out


def _top(vector: Vector, k: int) -> Vector:
    """The ``k`` heaviest features of a vector."""
    if len(vector) <= k:
        return vector
    return dict(sorted(vector.items(), key=lambda kv: -kv[1])[:k])


def _norm(vector: Vector) -> Vector:
    """The vector scaled to unit length (empty stays empty)."""
    norm = math.sqrt(sum(w * w for w in vector.values()))
    return {k: w / norm for k, w in vector.items()} if norm else {}


def cosine_to(vector: Vector, centroid: Vector, centroid_norm: float) -> float:
    """Cosine of a unit vector with a centroid of known norm."""
    if not vector or centroid_norm <= 0.0:
        return 0.0
    get = centroid.get
    return sum(w * get(k, 0.0) for k, w in vector.items()) / centroid_norm
