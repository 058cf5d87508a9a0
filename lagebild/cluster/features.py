"""Sparse TF-IDF parts of an article, for story clustering.

An article becomes a few sparse vectors (title tokens, body lemmas, entities, names
and numbers), each L2-normalised, with weights from an online IDF: document frequencies are
counted in a fixed-size hashed table as articles arrive, so memory never grows and no
vocabulary has to be fitted first (the stream is the corpus, as in Miranda et al. 2018).
Feature ids are stable CRC32 hashes, so two processes build the same vectors.

Speed matters here (the clusterer must take 1,000+ articles a second on one core), so
the per-token work is done by C code (``re.findall``, ``Counter``) and the weights by
NumPy; Python only loops over the distinct word forms of an article, whose ids and
lemmas come from a bounded memo (news repeats its words).
"""

from __future__ import annotations

import heapq
import itertools
import math
import operator
import re
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import simplemma

Vector = dict[int, float]

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
# Characters of the body read for its terms. The event is told in the first paragraphs;
# the rest adds background that blurs stories together, and costs time. Cutting at 4,000
# characters changed pairwise F1 on the dev sets by less than 0.01 and halved the time;
# at 2,000 (with 8 candidates instead of 12) the mean pairwise F1 of the tune parts
# stayed within 0.01 (0.768 -> 0.768, retrained) and the clusterer took 30 % less time.
BODY_CHARS = 2000
LEMMA_LANGS = frozenset({"de", "en", "fr", "es", "it", "nl"})
# The body's own word forms are not a part: their cosine with a story said the same as
# the lemmas' (retrained without it, mean pairwise F1 on the tune parts moved by less
# than the run-to-run noise, 0.785 -> 0.775) and cost a fifth of the featuriser's time.
PARTS = ("title", "lemmas", "entities", "names", "numbers")
# Word forms and numbers. A capitalised form inside a sentence (not after . ! ? : a
# quotation mark or a line break) is also a name term: names for texts that come without
# entities (the English dev sets, ``eval clusters`` input). In German every noun is
# capitalised too; IDF weighs the common ones down. Numbers (ages, counts, times, house
# numbers, amounts) are terms of their own: two look-alike incidents differ in them.
_FORM = re.compile(r"[^\W\d_][\w\-]*\w|[^\W\d_]|\d+(?:[.,:]\d+)*", re.UNICODE)
# Text is split at white space (C speed; a regex over every token took a third of the
# featuriser's time) after sentence starts are marked with \x01, so a raw token (with
# its punctuation and mark) is read into forms once while it stays in the memo.
_BREAK = re.compile(r"[.!?:\"„«»“]\s+|\n\s*")
_START = "\x01"
_EDGE = ",.;:!?\"'()[]„“”«»‚‘’"
NAME_TERMS = 30
NUMBER_TERMS = 20
# Memo entries kept per part before the memo is emptied (a few MB; flat memory).
MEMO_SIZE = 50_000
# Raw tokens kept in the featuriser's memo; beyond this the older half is dropped. The
# speed benchmark's 3,362 German articles hold 77,600 distinct raw tokens (2,000
# characters each): at 50,000 the memo was emptied mid-run and every article paid for
# its tokens again (650 us a warm article, 400 us at 200,000). About 40 MB when full.
FORM_MEMO = 200_000


def feature_id(prefix: str, term: str) -> int:
    """A stable 32-bit id for a term in one part of the vector."""
    return zlib.crc32(f"{prefix}:{term}".encode())


@dataclass
class Parts:
    """The sparse parts of one article (each L2-normalised) and its key terms."""

    title: Vector
    lemmas: Vector
    entities: Vector
    names: Vector = field(default_factory=dict)
    numbers: Vector = field(default_factory=dict)
    keys: list[int] = field(default_factory=list)

    def part(self, name: str) -> Vector:
        """One part by name (one of :data:`PARTS`)."""
        vector: Vector = getattr(self, name)
        return vector


# What one raw token stands for in each part: the feature ids of the title, lemma,
# name and number terms of its (first) word form, -1 where it is not a term of that
# part. Looked up once per distinct token of an article, so lower-casing, lemmatising
# and hashing happen once per token while it stays in the memo, not once per article.
_Info = tuple[int, int, int, int]
_NONE = -1
_NOTHING: _Info = (_NONE, _NONE, _NONE, _NONE)
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


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
        self.forms_: dict[str, dict[str, _Info]] = {}
        self.ids_: dict[str, int] = {}

    def __getstate__(self) -> dict[str, object]:
        # The memos are caches (a token's ids depend on the token alone): a saved state
        # leaves them out, which is most of its size.
        return {**self.__dict__, "forms_": {}, "ids_": {}}

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
        lemma_lang = lang if lang in LEMMA_LANGS else "de"
        forms = self.forms_.setdefault(lemma_lang, {})
        if len(forms) >= FORM_MEMO:
            for old in list(itertools.islice(forms, FORM_MEMO // 2)):
                del forms[old]
        head = self._table(title, forms, lemma_lang)
        body = self._table(text[:BODY_CHARS], forms, lemma_lang)
        columns = [
            _column(*head, 0),
            _column(*body, 1),
            (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)),
            _column(*_stack(head, body), 2),
            _column(*_stack(head, body), 3),
        ]
        if lemmas is not None:
            columns[1] = _tally([self._id("l", t) for t in lemmas if t not in STOPWORDS])
        if entities:
            columns[2] = _tally([self._id("e", e.lower()) for e in entities])
        n = self.docs_
        self._count([ids for ids, _ in columns])
        title_v, lemma_v, entity_v, name_v, number_v = (
            self._tfidf(ids, times, n, k)
            for (ids, times), k in zip(
                columns, (TITLE_TERMS, BODY_TERMS, 10_000, NAME_TERMS, NUMBER_TERMS), strict=True
            )
        )
        keys = [*_top(title_v, 8), *_top(lemma_v, 16), *_top(entity_v, 8), *_top(name_v, 6)]
        return Parts(title_v, lemma_v, entity_v, name_v, number_v, keys)

    def _table(self, text: str, forms: dict[str, _Info], lang: str) -> tuple[I64, F64]:
        """Feature ids (one row per distinct raw token, columns as :data:`_Info`), counts."""
        raw = Counter(_BREAK.sub(" " + _START, _START + text).split())
        get = forms.get
        rows = [get(token) or self._remember(forms, token, lang) for token in raw]
        flat = itertools.chain.from_iterable(rows)
        table = np.fromiter(flat, dtype=np.int64, count=4 * len(rows)).reshape(-1, 4)
        return table, np.fromiter(raw.values(), dtype=np.float64, count=len(raw))

    def _remember(self, forms: dict[str, _Info], token: str, lang: str) -> _Info:
        """Read a token not in the memo, through its bare form when that is known.

        "Passau," and a sentence-initial "Passau" share the bare token's work (a
        sentence start only drops the name id): a fifth of the new tokens of a German
        article are such variants, and lemmatising was most of a new token's cost.
        """
        first = token.startswith(_START)
        bare = (token[1:] if first else token).strip(_EDGE) or token
        info = forms.get(bare)
        if info is None:
            info = forms[bare] = self._info(bare, lang)
        if first and info[2] != _NONE:
            info = (info[0], info[1], _NONE, info[3])
        forms[token] = info
        return info

    def _info(self, token: str, lang: str) -> _Info:
        """The feature ids of the first word form in one raw token (see :data:`_Info`)."""
        found = _FORM.search(token)
        if found is None:
            return _NOTHING
        form = found.group()
        if form[0].isdigit():
            return (_NONE, _NONE, _NONE, feature_id("d", form))
        lower = form.lower()
        if lower in STOPWORDS:
            return _NOTHING
        lemma = simplemma.lemmatize(lower, lang=lang).lower()
        name = form[0].isupper() and len(form) > 1 and not token.startswith(_START)
        return (
            feature_id("t", lower),
            _NONE if lemma in STOPWORDS else feature_id("l", lemma),
            feature_id("n", lower) if name else _NONE,
            _NONE,
        )

    def _id(self, prefix: str, term: str) -> int:
        """Feature id of a term given whole (entities, the annotate stage's lemmas)."""
        key = f"{prefix}:{term}"
        fid = self.ids_.get(key)
        if fid is None:
            if len(self.ids_) >= MEMO_SIZE:
                self.ids_.clear()
            fid = self.ids_[key] = zlib.crc32(key.encode())
        return fid

    def _count(self, columns: list[I64]) -> None:
        mask = (1 << self.table_bits) - 1
        every = np.concatenate(columns)
        if every.size:
            self.df_[every & mask] += 1.0
        self.docs_ += 1.0
        self.seen_ += 1
        if self.seen_ % self.decay_every == 0:
            self.df_ *= 0.5
            self.docs_ *= 0.5

    def _tfidf(self, ids: I64, times: F64, docs: float, k: int) -> Vector:
        """Sublinear tf times smoothed idf, the ``k`` heaviest terms, unit length.

        The idf uses the counts from before this article (``docs`` articles), so an
        article's own terms do not lower their weight in it.
        """
        size = ids.size
        if not size:
            return {}
        df = self.df_[ids & ((1 << self.table_bits) - 1)].astype(np.float64)
        weights = (1.0 + np.log(times)) * (np.log((docs + 2.0) / (df + 1.0)) + 1.0)
        if size > k:
            keep = np.argpartition(-weights, k)[:k]
            ids, weights = ids[keep], weights[keep]
        norm = math.sqrt(float(weights @ weights))
        if norm <= 0.0:
            return {}
        return dict(zip(ids.tolist(), (weights / norm).tolist(), strict=True))


class KeyIndex:
    """Inverted index: key term -> ids of the stories (or storylines) it indexes.

    Most keys index a single story (names and rare words), so a lone id is stored bare:
    an empty set alone takes 216 bytes, and these indexes hold hundreds of thousands of
    keys.
    """

    def __init__(self) -> None:
        self.map_: dict[int, str | set[str]] = {}

    def __len__(self) -> int:
        return len(self.map_)

    def insert(self, key: int, item: str) -> None:
        """Index ``item`` under ``key``."""
        found = self.map_.get(key)
        if found is None:
            self.map_[key] = item
        elif isinstance(found, str):
            if found != item:
                self.map_[key] = {found, item}
        else:
            found.add(item)

    def remove(self, key: int, item: str) -> None:
        """Take ``item`` out from under ``key`` (nothing if it is not there)."""
        found = self.map_.get(key)
        if found is None:
            return
        if isinstance(found, str):
            if found == item:
                del self.map_[key]
            return
        found.discard(item)
        if len(found) == 1:
            self.map_[key] = next(iter(found))

    def hits(self, keys: Iterable[int]) -> Counter[str]:
        """How many of ``keys`` index each item."""
        hits: Counter[str] = Counter()
        get = self.map_.get
        for key in keys:
            found = get(key)
            if found is None:
                continue
            if isinstance(found, str):
                hits[found] += 1
            else:
                hits.update(found)
        return hits

    def top(self, keys: Iterable[int], k: int) -> list[tuple[str, int]]:
        """The ``k`` items indexed by most of ``keys``, with how many.

        Ties go by id: the order of the index's sets follows string hashes, which differ
        from process to process, and a clustering must come out the same in every one.
        """
        return heapq.nlargest(k, self.hits(keys).items(), key=_COUNT_THEN_ID)


# Rank of an item in the index's hits: most keys first, ties by the larger id.
_COUNT_THEN_ID = operator.itemgetter(1, 0)


def _column(table: I64, times: F64, column: int) -> tuple[I64, F64]:
    """The distinct ids of one column of a token table, with their summed counts."""
    ids = table[:, column]
    keep = ids != _NONE
    ids, times = ids[keep], times[keep]
    if ids.size < 2:
        return ids, times
    order = np.argsort(ids)
    ids, times = ids[order], times[order]
    first = np.empty(ids.size, dtype=np.bool_)
    first[0] = True
    np.not_equal(ids[1:], ids[:-1], out=first[1:])
    if first.all():
        return ids, times
    starts = np.flatnonzero(first)
    return ids[starts], np.add.reduceat(times, starts)


def _stack(one: tuple[I64, F64], two: tuple[I64, F64]) -> tuple[I64, F64]:
    """Two token tables as one."""
    return np.concatenate((one[0], two[0])), np.concatenate((one[1], two[1]))


def _tally(ids: list[int]) -> tuple[I64, F64]:
    """Distinct ids with their counts."""
    counts = Counter(ids)
    return (
        np.fromiter(counts, dtype=np.int64, count=len(counts)),
        np.fromiter(counts.values(), dtype=np.float64, count=len(counts)),
    )


def _top(vector: Vector, k: int) -> list[int]:
    """The ids of the ``k`` heaviest features of a vector."""
    if len(vector) <= k:
        return list(vector)
    return sorted(vector, key=vector.__getitem__, reverse=True)[:k]


def cosine_to(vector: Vector, centroid: Vector, centroid_norm: float) -> float:
    """Cosine of a unit vector with a centroid of known norm."""
    if not vector or centroid_norm <= 0.0:
        return 0.0
    get = centroid.get
    return sum([w * get(k, 0.0) for k, w in vector.items()]) / centroid_norm
