"""Dedup's own MinHash against datasketch's, on the example pages and edited copies.

Dedup computes a one-permutation MinHash in NumPy (``lagebild.dedup``) instead of
datasketch's 128 hash permutations, which are too slow for 5,000 articles a second (see
the README's "Duplicates"). This checks that nothing is lost by it: on the same shingle
sets, its Jaccard estimate is as close to the exact Jaccard as datasketch's, and so is
the estimate from the compact form the store keeps.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from datasketch import MinHash

from lagebild.dedup import Deduplicator, Signature, _estimated_jaccard
from lagebild.extract import extract
from lagebild.ingest import Candidate, read_page

from .conftest import EXAMPLES

PAGES = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".txt", ".html"))


def _edited(text: str, rate: float, rng: random.Random) -> str:
    """``text`` with a share ``rate`` of its words replaced and its last paragraph cut."""
    paragraphs = text.split("\n\n")
    kept = paragraphs[:-1] if len(paragraphs) > 2 else paragraphs
    return "\n\n".join(
        " ".join(w if rng.random() >= rate else f"x{rng.randrange(10**6)}" for w in p.split())
        for p in kept
    )


def _datasketch(hashes: np.ndarray) -> MinHash:
    minhash = MinHash(num_perm=128, seed=1)
    minhash.update_batch([h.tobytes() for h in hashes])
    return minhash


@pytest.fixture(scope="module")
def errors() -> dict[str, list[float]]:
    """Absolute Jaccard errors of each estimator over pairs (page, edited page)."""
    dedup = Deduplicator()
    rng = random.Random(5)
    found: dict[str, list[float]] = {"own": [], "stored": [], "datasketch": []}
    texts = [extract(read_page(Candidate(str(p), p))).lead_and_body for p in PAGES]
    for text in texts:
        for rate in (0.0, 0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8):
            copy = _edited(text, rate, rng)
            a, b = dedup.signature(text), dedup.signature(copy)
            assert a.shingle_hashes is not None and b.shingle_hashes is not None
            exact = (
                np.intersect1d(a.shingle_hashes, b.shingle_hashes).size
                / np.union1d(a.shingle_hashes, b.shingle_hashes).size
            )
            # Every value whole, and the compact form (low bytes beyond the index keys)
            # that dedup's signatures keep and the store writes.
            whole_a, whole_b = (Signature(s.hashvalues, s.shingles) for s in (a, b))
            stored_a, stored_b = (
                Signature.from_stored(s.stored_form(), s.shingles, dedup.index_keys) for s in (a, b)
            )
            assert stored_a.whole == dedup.index_keys and whole_a.whole is None
            reference = _datasketch(a.shingle_hashes).jaccard(_datasketch(b.shingle_hashes))
            found["own"].append(abs(_estimated_jaccard(whole_a, whole_b) - exact))
            found["stored"].append(abs(_estimated_jaccard(stored_a, stored_b) - exact))
            found["datasketch"].append(abs(reference - exact))
    return found


def test_dedup_minhash_estimates_jaccard_as_well_as_datasketch(
    errors: dict[str, list[float]],
) -> None:
    own, reference = np.mean(errors["own"]), np.mean(errors["datasketch"])
    # 128 values: the standard error of either estimate is at most 0.044 a pair.
    assert len(errors["own"]) == 8 * len(PAGES)
    assert reference < 0.04
    assert own <= reference + 0.01, (own, reference)


def test_dedup_stored_signature_estimates_jaccard_nearly_as_well(
    errors: dict[str, list[float]],
) -> None:
    stored, reference = np.mean(errors["stored"]), np.mean(errors["datasketch"])
    # Low bytes agree by chance once in 256; the estimate takes that out, at some noise.
    assert stored <= reference + 0.015, (stored, reference)
    assert stored <= np.mean(errors["own"]) + 0.01
    assert max(errors["stored"]) < 0.15
