"""Dedup: syndicated and near-duplicate copies grouped, online, in arrival order.

Each article's text (lead and body) becomes a set of word shingles summarised by a
MinHash signature; an LSH index finds earlier articles whose signatures are alike, and
the containment of the smaller text in the larger decides: a wire story cut by a
section, or with another teaser and headline, is still a copy. Every group has one
canonical article (the earliest published, then the longest); the others point to it.

The learner follows scikit-learn: parameters in ``__init__``, learned state with a
trailing underscore, a fixed default seed so runs reproduce.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field

import numpy as np
from datasketch import MinHash, MinHashLSH

from lagebild.model import Article

_WORD = re.compile(r"\w+")
# Dates sort as strings; an undated article sorts after every dated one.
_UNDATED = "9999"


@dataclass(frozen=True)
class Signature:
    """What dedup keeps of one article: its MinHash values and how many shingles it has."""

    hashvalues: np.ndarray
    shingles: int


@dataclass
class _Member:
    article_id: str
    published: str | None
    length: int
    arrival: int


@dataclass
class Decision:
    """Where an article landed: its group's canonical article and the group's members."""

    canonical: str
    members: list[str] = field(default_factory=list)
    published: str | None = None  # the group's earliest date, for undated copies

    def is_duplicate(self, article_id: str) -> bool:
        """Whether ``article_id`` is a copy (not the canonical) in this group."""
        return article_id != self.canonical


class Deduplicator:
    """Groups copies of one text, online.

    >>> dedup = Deduplicator()
    >>> text = " ".join(f"wort{i}" for i in range(200))
    >>> dedup.add("a", text, published="2025-12-22").canonical
    'a'
    >>> dedup.add("b", text[: len(text) * 2 // 3], published=None).canonical
    'a'

    Parameters:
        containment: share of the shorter text's shingles found in the longer one
            above which two texts are copies. 0.7 keeps a copy cut by a third or with
            a new teaser and headline; two agency reports of one event share far less.
        shingle_words: words per shingle.
        num_perm: MinHash permutations; 128 estimates Jaccard within about +-0.04.
        candidate_jaccard: LSH threshold for candidates, set low so that a copy a
            third the length of its original (Jaccard about 0.33) is still found.
        window: how many recent articles are kept for comparison; memory stays flat.
        seed: MinHash seed.
    """

    def __init__(
        self,
        containment: float = 0.7,
        shingle_words: int = 5,
        num_perm: int = 128,
        candidate_jaccard: float = 0.25,
        window: int = 200_000,
        seed: int = 1,
    ) -> None:
        if not 0.0 < containment <= 1.0:
            raise ValueError(f"containment must be in (0, 1], got {containment}")
        if shingle_words < 1:
            raise ValueError(f"shingle_words must be at least 1, got {shingle_words}")
        if not 0.0 < candidate_jaccard < containment:
            raise ValueError("candidate_jaccard must be above 0 and below containment")
        if window < 1:
            raise ValueError(f"window must be at least 1, got {window}")
        self.containment = containment
        self.shingle_words = shingle_words
        self.num_perm = num_perm
        self.candidate_jaccard = candidate_jaccard
        self.window = window
        self.seed = seed
        self.lsh_ = MinHashLSH(threshold=candidate_jaccard, num_perm=num_perm)
        self.signatures_: dict[str, Signature] = {}
        self.order_: deque[str] = deque()
        self.group_of_: dict[str, str] = {}  # article id -> group id
        self.groups_: dict[str, list[_Member]] = {}
        self.arrivals_ = 0
        self._template = MinHash(num_perm=num_perm, seed=seed)

    # -- signatures ---------------------------------------------------------

    def shingles(self, text: str) -> set[bytes]:
        """Word shingles of a text, case folded; short texts give their words."""
        words = [w.lower() for w in _WORD.findall(text)]
        n = self.shingle_words
        if len(words) < n:
            return {" ".join(words).encode()} if words else set()
        return {" ".join(words[i : i + n]).encode() for i in range(len(words) - n + 1)}

    def signature(self, text: str) -> Signature:
        """The MinHash signature of a text."""
        shingles = self.shingles(text)
        minhash = self._template.copy()
        minhash.update_batch(list(shingles))
        return Signature(minhash.hashvalues.copy(), len(shingles))

    def _minhash(self, signature: Signature) -> MinHash:
        return MinHash(
            num_perm=self.num_perm,
            seed=self.seed,
            hashvalues=signature.hashvalues,
            scheme="affine32",
        )

    def containment_of(self, a: Signature, b: Signature) -> float:
        """Estimated share of the smaller shingle set that the other set holds."""
        if not a.shingles or not b.shingles:
            return 0.0
        jaccard = float(np.mean(a.hashvalues == b.hashvalues))
        shared = jaccard * (a.shingles + b.shingles) / (1.0 + jaccard)
        return min(1.0, shared / min(a.shingles, b.shingles))

    # -- the online step ----------------------------------------------------

    def add(
        self,
        article_id: str,
        text: str,
        published: str | None = None,
        signature: Signature | None = None,
    ) -> Decision:
        """Add one article; return its group's canonical and members."""
        if article_id in self.group_of_:
            return self._decision(self.group_of_[article_id])
        signature = signature or self.signature(text)
        match = self._best_match(signature) if signature.shingles else None
        self.arrivals_ += 1
        member = _Member(article_id, published, signature.shingles, self.arrivals_)
        group = self.group_of_[match] if match else article_id
        self.groups_.setdefault(group, []).append(member)
        self.group_of_[article_id] = group
        if signature.shingles:
            self.signatures_[article_id] = signature
            self.lsh_.insert(article_id, self._minhash(signature))
            self.order_.append(article_id)
            self._forget_old()
        return self._decision(group)

    def _best_match(self, signature: Signature) -> str | None:
        best: tuple[float, str] | None = None
        for candidate in self.lsh_.query(self._minhash(signature)):
            score = self.containment_of(signature, self.signatures_[candidate])
            if score >= self.containment and (best is None or score > best[0]):
                best = (score, candidate)
        return best[1] if best else None

    def _decision(self, group: str) -> Decision:
        members = self.groups_[group]
        canonical = min(members, key=lambda m: (m.published or _UNDATED, -m.length, m.arrival))
        dates = [m.published for m in members if m.published]
        return Decision(
            canonical=canonical.article_id,
            members=[m.article_id for m in members],
            published=min(dates) if dates else None,
        )

    def _forget_old(self) -> None:
        """Drop the oldest signatures beyond the window; their groups stay known."""
        while len(self.order_) > self.window:
            old = self.order_.popleft()
            self.lsh_.remove(old)
            del self.signatures_[old]


def dedup_text(article: Article) -> str:
    """The text dedup compares: lead and body, without title and site furniture."""
    return "\n\n".join(p for p in [article.lead or "", *article.body] if p)
