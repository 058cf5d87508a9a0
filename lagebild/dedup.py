"""Dedup: syndicated and near-duplicate copies grouped, online, in arrival order.

Each article's text (lead and body) becomes a set of word 3-shingles. A one-permutation
MinHash of that set (128 values, computed with NumPy in one pass) finds earlier articles
that share shingles; the exact containment of the smaller set in the larger decides: a
wire story cut by a section, extended, lightly edited or with another teaser, headline
and boilerplate is still a copy, while two agency reports of one event share far less.
Every group has one canonical article (the earliest published, then the longest); the
others point to it. When a new article bridges two groups (a full text arriving after
two differently cut copies), the groups merge.

Memory stays flat: only articles inside a window (a number of articles and a number of
days behind the newest date seen) are kept for comparison; groups whose members have all
left the window are forgotten.

The learner follows scikit-learn: parameters in ``__init__``, learned state with a
trailing underscore, a fixed default seed so runs reproduce.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from lagebild.model import Article

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]

# Dates sort as strings; an undated article sorts after every dated one.
_UNDATED = "9999"
_EMPTY = np.uint32(0xFFFFFFFF)
_MASK32 = np.uint64(0xFFFFFFFF)
# Below this many words of long lines, a text is compared whole (short lines included).
MIN_BODY_WORDS = 40
# Code points up to here are looked up in the tables below; the rest (emoji, rare
# scripts) count as word characters, which only ever joins them to a neighbour word.
_TABLE_SIZE = 0x10000


def _fold_table() -> U32:
    """Code point -> its lower-case code point for word characters (``\\w``), 0 for others."""
    table = np.zeros(_TABLE_SIZE + 1, dtype=np.uint32)
    for cp in range(_TABLE_SIZE):
        char = chr(cp)
        if char.isalnum() or char == "_":
            folded = char.lower()
            table[cp] = ord(folded) if len(folded) == 1 else cp
    table[_TABLE_SIZE] = _TABLE_SIZE
    return table


_FOLD = _fold_table()
_BASE = 0x100000001B3  # odd, so it has an inverse modulo 2**64
_BASE_INV = pow(_BASE, -1, 2**64)


def _powers(base: int, n: int) -> U64:
    """``base**0 .. base**(n-1)`` modulo 2**64."""
    out = np.empty(n, dtype=np.uint64)
    out[0] = 1
    if n > 1:
        out[1:] = base
        np.multiply.accumulate(out[1:], out=out[1:])
    return out


_POW_LEN = 1 << 16
_POW = _powers(_BASE, _POW_LEN)
_POW_INV = _powers(_BASE_INV, _POW_LEN)


def _mix(x: U64) -> U64:
    """Spread every input bit over the high output bits (multiply, xor-shift, multiply).

    The high bits pick the MinHash bin and value, so they are the ones that must mix.
    """
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(31)
    x *= np.uint64(0x94D049BB133111EB)
    return x


def word_hashes(text: str) -> U64:
    """One 64-bit hash per word of ``text``, case folded, stable across processes.

    Vectorised: a polynomial hash of the code points over the whole text, cut at word
    boundaries with prefix sums, so no Python loop runs per word or character. The
    hashes are not mixed; :func:`_mix` runs once on the shingles built from them.
    """
    if not text:
        return np.empty(0, dtype=np.uint64)
    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    codes = _FOLD[np.minimum(cps, _TABLE_SIZE)]
    padded = np.zeros(codes.size + 2, dtype=np.bool_)
    np.not_equal(codes, 0, out=padded[1:-1])
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    if not edges.size:
        return np.empty(0, dtype=np.uint64)
    starts, ends = edges[0::2], edges[1::2]
    n = codes.size
    if n <= _POW_LEN:
        powers, inverse = _POW[:n], _POW_INV
    else:
        powers, inverse = _powers(_BASE, n), _powers(_BASE_INV, n)
    prefix = np.empty(n + 1, dtype=np.uint64)
    prefix[0] = 0
    np.cumsum(powers * codes, out=prefix[1:])
    words: U64 = (prefix[ends] - prefix[starts]) * inverse[starts]
    return words


@dataclass(frozen=True)
class Signature:
    """What dedup keeps of one article: its MinHash values and how many shingles it has.

    ``shingle_hashes`` (sorted, unique) give the exact containment; a signature read
    back from the store has none and falls back to the MinHash estimate.

    The store keeps the first ``whole`` values whole (the index keys need them) and of
    the others only their low byte, which is all the estimate needs: two different
    values then agree by chance once in 256, a bias the estimate takes out. That is 224
    bytes an article instead of 512. ``whole`` None: every value is kept whole.
    """

    hashvalues: U32
    shingles: int
    shingle_hashes: U64 | None = field(default=None, compare=False, repr=False)
    whole: int | None = field(default=None, compare=False)

    def stored_form(self) -> bytes:
        """The values as the store keeps them: whole ones little-endian, then low bytes."""
        whole = len(self.hashvalues) if self.whole is None else self.whole
        head = self.hashvalues[:whole].astype("<u4").tobytes()
        return head + (self.hashvalues[whole:] & np.uint32(0xFF)).astype(np.uint8).tobytes()

    @classmethod
    def from_stored(cls, data: bytes, shingles: int, whole: int | None) -> Signature:
        """A signature read back from :meth:`stored_form` (``whole`` None: all whole)."""
        if whole is None:
            return cls(np.frombuffer(data, dtype="<u4").astype(np.uint32), shingles)
        head = np.frombuffer(data[: 4 * whole], dtype="<u4").astype(np.uint32)
        tail = np.frombuffer(data[4 * whole :], dtype=np.uint8).astype(np.uint32)
        return cls(np.concatenate([head, tail]), shingles, whole=whole)


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
    # Whether the earlier members' canonical or date may have changed with this article
    # (False: only the new article needs writing).
    changed: bool = True

    def is_duplicate(self, article_id: str) -> bool:
        """Whether ``article_id`` is a copy (not the canonical) in this group."""
        return article_id != self.canonical


@dataclass
class _Slot:
    """One article inside the window: what is needed to compare with it and evict it."""

    article_id: str
    signature: Signature
    keys: list[int]
    day: int


class Deduplicator:
    """Groups copies of one text, online.

    >>> dedup = Deduplicator()
    >>> text = " ".join(f"wort{i}" for i in range(200))
    >>> dedup.add("a", text, published="2025-12-22").canonical
    'a'
    >>> dedup.add("b", text[: len(text) * 2 // 3], published=None).canonical
    'a'

    Parameters:
        containment: share of the smaller text's shingles found in the larger one at or
            above which two texts are copies. Tuned on the synthetic wire-copy benchmark
            (``lagebild.eval.duplicates``, 3-shingles): copies with 20 % of their words
            edited and half their paragraphs cut keep about 0.3; different articles on
            one topic or story stay below 0.17 (P 0.999, R 0.99 at 0.22).
        shingle_words: words per shingle; 3 survives word edits far better than 5.
        num_perm: MinHash values per signature (a multiple of ``index_keys``).
        index_keys: how many MinHash values are looked up in the candidate index; any
            one shared value makes a candidate, so a copy with Jaccard 0.1 is still
            found with probability 1 - 0.9**32 = 0.97 (0.999 at Jaccard 0.2).
        window: how many recent articles are kept for comparison.
        window_days: how many days behind the newest date seen an article is kept;
            reprints of a wire story come within hours or days.
        min_line_words: lines (paragraphs) shorter than this are left out of the
            shingles: site furniture ("Diesen Artikel teilen", credits, "Lesen Sie
            auch" links) is short and shared by different stories of one site.
        seed: seed of the hash permutation.
    """

    def __init__(
        self,
        containment: float = 0.25,
        shingle_words: int = 3,
        num_perm: int = 128,
        index_keys: int = 32,
        window: int = 50_000,
        window_days: int = 7,
        min_line_words: int = 12,
        seed: int = 1,
    ) -> None:
        if not 0.0 < containment <= 1.0:
            raise ValueError(f"containment must be in (0, 1], got {containment}")
        if shingle_words < 1:
            raise ValueError(f"shingle_words must be at least 1, got {shingle_words}")
        if num_perm < 1 or num_perm & (num_perm - 1):
            raise ValueError(f"num_perm must be a power of two, got {num_perm}")
        if not 0 < index_keys <= num_perm:
            raise ValueError(f"index_keys must be in 1..num_perm, got {index_keys}")
        if window < 1 or window_days < 1:
            raise ValueError("window and window_days must be at least 1")
        self.containment = containment
        self.shingle_words = shingle_words
        self.num_perm = num_perm
        self.index_keys = index_keys
        self.window = window
        self.window_days = window_days
        self.min_line_words = min_line_words
        self.seed = seed
        rng = np.random.default_rng(seed)
        self._salt = rng.integers(0, 2**63, dtype=np.uint64)
        self._weights = rng.integers(1, 2**63, size=shingle_words, dtype=np.uint64) | np.uint64(1)
        bits = int(num_perm).bit_length() - 1
        self._value_shift = np.uint64(64 - bits - 32)
        starts = [b << (64 - bits) for b in range(num_perm)] if bits else [0]
        self._tags = np.arange(index_keys, dtype=np.int64) << 32
        self._bin_starts = np.array([*starts, 2**64 - 1], dtype=np.uint64)
        self.index_: dict[int, int | list[int]] = {}
        self.slots_: dict[int, _Slot] = {}
        self.order_: deque[int] = deque()
        self.slot_of_: dict[str, int] = {}
        self.group_of_: dict[str, str] = {}  # article id -> group id
        self.groups_: dict[str, list[_Member]] = {}
        self.live_: dict[str, int] = {}  # group id -> members still in the window
        self.arrivals_ = 0
        self.today_ = 0

    # -- signatures ---------------------------------------------------------

    def body_text(self, text: str) -> str:
        """``text`` without its short lines, unless that leaves too little.

        Boilerplate, credits, captions and link lines are short lines; the same site
        prints them under different stories, so they must not make two stories copies.
        """
        lines = text.split("\n")
        if len(lines) == 1:
            return text
        kept = [line for line in lines if line.count(" ") + 1 >= self.min_line_words]
        body = "\n".join(kept)
        return body if body.count(" ") + len(kept) >= MIN_BODY_WORDS else text

    def shingle_hashes(self, text: str) -> U64:
        """Sorted unique 64-bit hashes of the word shingles; a short text gives one."""
        words = word_hashes(self.body_text(text))
        n = self.shingle_words
        if words.size == 0:
            return words
        if words.size < n:
            combined = np.array([np.bitwise_xor.reduce(words * self._weights[: words.size])])
        else:
            count = words.size - n + 1
            combined = words[:count] * self._weights[0]
            for i in range(1, n):
                combined = combined + words[i : i + count] * self._weights[i]
        hashes = _mix(combined + self._salt)
        hashes.sort()
        if hashes.size > 1:
            hashes = hashes[np.concatenate(([True], hashes[1:] != hashes[:-1]))]
        return hashes

    def signature(self, text: str) -> Signature:
        """The MinHash signature of a text (one-permutation hashing, densified)."""
        hashes = self.shingle_hashes(text)
        return Signature(self._minhash(hashes), int(hashes.size), hashes, self.index_keys)

    def _minhash(self, hashes: U64) -> U32:
        """One-permutation MinHash: the top bits pick a bin, the next 32 give the value.

        ``hashes`` are sorted, so the first hash of each bin is its minimum. Empty bins
        borrow from the next filled bin (rotation densification, Shrivastava and Li 2014)
        with an offset, so two texts agree on an empty bin only if they agree nearby.
        """
        if not hashes.size:
            return np.full(self.num_perm, _EMPTY, dtype=np.uint32)
        bounds = np.searchsorted(hashes, self._bin_starts)
        filled = np.flatnonzero(bounds[:-1] < bounds[1:])
        firsts = hashes[np.minimum(bounds[:-1], hashes.size - 1)]
        values: U32 = ((firsts >> self._value_shift) & _MASK32).astype(np.uint32)
        if filled.size < self.num_perm:
            empty = np.flatnonzero(bounds[:-1] == bounds[1:])
            donor = filled[np.searchsorted(filled, empty) % filled.size]
            distance = ((donor - empty) % self.num_perm).astype(np.uint32)
            values[empty] = values[donor] + distance * np.uint32(0x9E3779B1)
        return values

    def containment_of(self, a: Signature, b: Signature) -> float:
        """Share of the smaller shingle set that the other set holds; exact when it can be."""
        if not a.shingles or not b.shingles:
            return 0.0
        smaller = min(a.shingles, b.shingles)
        if a.shingle_hashes is not None and b.shingle_hashes is not None:
            return _shared(a.shingle_hashes, b.shingle_hashes) / smaller
        jaccard = _estimated_jaccard(a, b)
        shared_estimate = jaccard * (a.shingles + b.shingles) / (1.0 + jaccard)
        return min(1.0, shared_estimate / smaller)

    def _keys(self, signature: Signature) -> list[int]:
        """Index keys: the first ``index_keys`` MinHash values, each tagged with its bin."""
        tagged = signature.hashvalues[: self.index_keys] | self._tags
        keys: list[int] = tagged.tolist()
        return keys

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
            known = self._decision(self.group_of_[article_id])
            known.changed = False
            return known
        signature = signature or self.signature(text)
        if not signature.shingles:  # nothing to compare: its own group, not remembered
            return Decision(article_id, [article_id], published, changed=False)
        day = _day(published)
        if day is not None:
            self.today_ = max(self.today_, day)
        keys = self._keys(signature)
        groups = self._matched_groups(signature, keys)
        self.arrivals_ += 1
        member = _Member(article_id, published, signature.shingles, self.arrivals_)
        before = self._head(next(iter(groups))) if len(groups) == 1 else None
        group = self._join(article_id, member, groups)
        self._remember(article_id, signature, keys, day if day is not None else self.today_)
        self.live_[group] = self.live_.get(group, 0) + 1
        # Decide before the window moves on: an article dated before the window (a late
        # or old report) is forgotten at once, and its group with it.
        decision = self._decision(group)
        if len(groups) < 2:  # merged groups: every member may have a new canonical
            decision.changed = before is not None and (
                before != (decision.canonical, decision.published)
            )
        self._forget_old()
        return decision

    def _matched_groups(self, signature: Signature, keys: list[int]) -> set[str]:
        """The groups in the window with an article this one is a copy of (or that is a
        copy of it)."""
        candidates: set[int] = set()
        for key in keys:
            hit = self.index_.get(key)
            if hit is None:
                continue
            if isinstance(hit, int):
                candidates.add(hit)
            else:
                candidates.update(hit)
        matched: set[str] = set()
        # Once one member of a group matched, its other members need no comparison (a
        # wire story with many copies in the window costs one).
        for slot_id in candidates:
            slot = self.slots_[slot_id]
            group = self.group_of_[slot.article_id]
            if group not in matched and (
                self.containment_of(signature, slot.signature) >= self.containment
            ):
                matched.add(group)
        return matched

    def _join(self, article_id: str, member: _Member, groups: set[str]) -> str:
        """Put the article in the group it matches; merge the groups it bridges."""
        if not groups:
            self.groups_[article_id] = [member]
            self.group_of_[article_id] = article_id
            return article_id
        # Ties and the order of the merge go by group id, not by the set's order: that
        # follows string hashes, which differ from process to process.
        target = max(sorted(groups), key=lambda g: len(self.groups_[g]))
        for other in sorted(groups - {target}):
            for moved in self.groups_.pop(other):
                self.group_of_[moved.article_id] = target
                self.groups_[target].append(moved)
            self.live_[target] = self.live_.get(target, 0) + self.live_.pop(other, 0)
        self.groups_[target].append(member)
        self.group_of_[article_id] = target
        return target

    def _remember(self, article_id: str, signature: Signature, keys: list[int], day: int) -> None:
        slot_id = self.arrivals_
        self.slots_[slot_id] = _Slot(article_id, signature, keys, day)
        self.slot_of_[article_id] = slot_id
        self.order_.append(slot_id)
        for key in keys:
            hit = self.index_.get(key)
            if hit is None:
                self.index_[key] = slot_id
            elif isinstance(hit, int):
                self.index_[key] = [hit, slot_id]
            else:
                hit.append(slot_id)

    def _decision(self, group: str) -> Decision:
        canonical, published = self._head(group)
        members = [m.article_id for m in self.groups_[group]]
        return Decision(canonical=canonical, members=members, published=published)

    def _head(self, group: str) -> tuple[str, str | None]:
        """The group's canonical article (earliest, then longest) and earliest date."""
        members = self.groups_[group]
        canonical = min(members, key=lambda m: (m.published or _UNDATED, -m.length, m.arrival))
        dates = [m.published for m in members if m.published]
        return canonical.article_id, min(dates) if dates else None

    def _forget_old(self) -> None:
        """Drop articles beyond the window; a group is forgotten with its last member."""
        oldest_day = self.today_ - self.window_days
        while self.order_:
            slot = self.slots_[self.order_[0]]
            # Day 0: undated before any date was seen; only the count window applies.
            if len(self.order_) <= self.window and (not slot.day or slot.day >= oldest_day):
                return
            slot_id = self.order_.popleft()
            del self.slots_[slot_id]
            del self.slot_of_[slot.article_id]
            for key in slot.keys:
                hit = self.index_[key]
                if isinstance(hit, int) or len(hit) == 1:
                    del self.index_[key]
                else:
                    hit.remove(slot_id)
            group = self.group_of_[slot.article_id]
            self.live_[group] -= 1
            if self.live_[group] <= 0:
                del self.live_[group]
                for gone in self.groups_.pop(group):
                    del self.group_of_[gone.article_id]


def _estimated_jaccard(a: Signature, b: Signature) -> float:
    """Share of equal MinHash values; beyond the values both keep whole, only low bytes
    are compared (what the store keeps), less the share that agree by chance."""
    size = min(len(a.hashvalues), len(b.hashvalues))
    whole = min(size if s.whole is None else s.whole for s in (a, b))
    equal = int(np.count_nonzero(a.hashvalues[:whole] == b.hashvalues[:whole]))
    low = np.uint32(0xFF)
    tail = size - whole
    if tail:
        equal += int(
            np.count_nonzero((a.hashvalues[whole:size] & low) == (b.hashvalues[whole:size] & low))
        )
    chance = tail / size / 256
    return max(0.0, (equal / size - chance) / (1.0 - chance))


def _shared(a: U64, b: U64) -> int:
    """How many values two sorted unique arrays share (binary search of the smaller)."""
    if a.size > b.size:
        a, b = b, a
    at = np.searchsorted(b, a)
    at[at == b.size] = 0
    return int(np.count_nonzero(b[at] == a))


def _day(published: str | None) -> int | None:
    """Days since 0001-01-01 of an ISO date or date-time; None when absent or unreadable."""
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10]).toordinal()
    except ValueError:
        return None


def dedup_text(article: Article) -> str:
    """The text dedup compares: lead and body, without title and site furniture."""
    return article.lead_and_body
