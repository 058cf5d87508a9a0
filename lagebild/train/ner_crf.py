"""Train lagebild's BiLSTM-CRF NER model (PyTorch at training time, NumPy at run time).

::

    python -m lagebild.train.ner_crf --vectors VECTORS_DIR --out lagebild/models/ner-de \\
        [--silver SILVER.jsonl.gz] [--epochs 10] [--seed 0]

Reads the GermEval 2014 training file (plus silver sentences, if given), trains with the
fixed seed, scores the dev file after every epoch and writes the best epoch as a spaCy
pipeline: the floret vectors of ``VECTORS_DIR`` in its vocab and one ``lagebild_crf_ner``
component (``lagebild.annotate.ner_crf``) holding the weights, the vocabularies and the
gazetteer table (``lagebild.train.gazetteer``, with the lexicon bits). PyTorch is needed
here only: ``pip install torch``.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy
import spacy

from lagebild.annotate.ner_crf import (
    FACTORY,
    MAX_CHARS,
    SHAPES,
    CrfNer,
    CrfTagger,
    CrfWeights,
    LstmWeights,
    allowed_starts,
    allowed_transitions,
    clipped_chars,
    fixed_features,
    shape_of,
)
from lagebild.annotate.ner_layers import packed_table
from lagebild.eval.ner import chunks
from lagebild.train.data import DEV_FILE, TRAIN_FILE, Sentence, germeval_dir, read_bioes
from lagebild.train.gazetteer import build_table
from lagebild.train.silver import read_silver

RECORD = "training.json"
SHAPE_DIM = 8
MODEL_META = {
    "name": "lagebild_ner_de",
    "description": "German NER (GermEval 2014 outer labels), trained by lagebild.train.ner_crf",
    "license": "see MODEL.md (GermEval 2014 data: CC BY 4.0; vectors and gazetteer sources)",
}


@dataclass
class CrfSettings:
    """Training settings; the defaults are the shipped model's (run e1 of its MODEL.md)."""

    hidden: int = 256  # LSTM width per direction
    layers: int = 1
    proj: int = 128  # width of the projected fixed features
    word_dim: int = 64
    char_dim: int = 25
    char_filters: int = 50
    dropout: float = 0.5
    lr: float = 0.001
    batch: int = 32  # sentences per update
    epochs: int = 16
    clip: float = 5.0
    min_count: int = 2  # a lower-cased word needs this many training sightings for its row
    lexicon: bool = True
    seed: int = 0
    threads: int = 1
    train_limit: int = 0  # 0 = all training sentences
    silver: str = ""  # a JSONL.gz of `python -m lagebild.train.silver`
    silver_limit: int = 0
    # Silver sentences drawn afresh for each epoch (0 = all every epoch): keeps the gold
    # sentences a fixed share of each epoch while the model still sees all silver in time.
    silver_per_epoch: int = 0
    # A word's own row is swapped for the unknown row with this chance in training, so the
    # model learns to tag words it has no row for (most names in news are such words).
    word_dropout: float = 0.1
    # Weights evaluated and saved are an exponential moving average of the trained ones
    # with this decay per update (0 = the trained weights themselves).
    ema: float = 0.999
    lr_decay: float = 0.95  # the learn rate of epoch e is lr * lr_decay ** (e - 1)


@dataclass
class Vocabularies:
    """The index maps a model is trained with (rows 0 and 1 are padding and unknown)."""

    lower: dict[str, int]
    chars: dict[str, int]
    tags: list[str]


def vocabularies(gold: Sequence[Sentence], min_count: int) -> Vocabularies:
    """Lower-cased words and characters of the gold sentences, and their tags."""
    counts = Counter(w.lower() for s in gold for w in s.words)
    frequent = sorted(word for word, count in counts.items() if count >= min_count)
    chars = sorted({c for s in gold for w in s.words for c in w})
    tags = ["O", *sorted({t for s in gold for t in s.tags if t != "O"})]
    return Vocabularies(
        lower={w: i + 2 for i, w in enumerate(frequent)},
        chars={c: i + 2 for i, c in enumerate(chars)},
        tags=tags,
    )


def build_module(fixed: numpy.ndarray[Any, Any], vocab: Vocabularies, s: CrfSettings) -> Any:
    """The PyTorch model: the NumPy tagger's layers, with dropout, a CRF loss and a decoder."""
    import torch
    from torch import nn

    allowed = torch.from_numpy(allowed_transitions(vocab.tags))
    starts = torch.from_numpy(allowed_starts(vocab.tags))

    class Module(nn.Module):  # type: ignore[misc,unused-ignore]  # Any where torch is missing
        def __init__(self) -> None:
            super().__init__()
            n = len(vocab.tags)
            self.fixed = nn.Embedding(len(fixed), fixed.shape[1])
            self.fixed.weight.data.copy_(torch.from_numpy(fixed))
            self.fixed.weight.requires_grad_(False)
            self.fixed_proj = nn.Linear(fixed.shape[1], s.proj)
            self.words = nn.Embedding(len(vocab.lower) + 2, s.word_dim)
            self.shapes = nn.Embedding(SHAPES, SHAPE_DIM)
            self.chars = nn.Embedding(len(vocab.chars) + 2, s.char_dim, padding_idx=0)
            self.char_cnn = nn.Conv1d(s.char_dim, s.char_filters, 3, padding=1)
            width = s.proj + s.word_dim + SHAPE_DIM + s.char_filters
            self.drop = nn.Dropout(s.dropout)
            self.lstm = nn.LSTM(
                width,
                s.hidden,
                num_layers=s.layers,
                bidirectional=True,
                batch_first=True,
                dropout=s.dropout if s.layers > 1 else 0.0,
            )
            self.out = nn.Linear(2 * s.hidden, n)
            self.trans = nn.Parameter(torch.zeros(n, n))
            self.start = nn.Parameter(torch.zeros(n))
            self.end = nn.Parameter(torch.zeros(n))

        def masked_trans(self) -> Any:
            return self.trans.masked_fill(~allowed, -1e4)

        def masked_start(self) -> Any:
            return self.start.masked_fill(~starts, -1e4)

        def emissions(self, types: Any, words: Any, shapes: Any, chars: Any, mask: Any) -> Any:
            b, t = types.shape
            x_fixed = torch.relu(self.fixed_proj(self.fixed(types)))
            flat = chars.view(b * t, -1)
            c = torch.relu(self.char_cnn(self.chars(flat).transpose(1, 2)))
            # Positions past a word's end are masked, as the NumPy tagger does.
            c = c.masked_fill((flat == 0).unsqueeze(1), float("-inf")).max(dim=2).values
            c = torch.where(torch.isinf(c), torch.zeros_like(c), c).view(b, t, -1)
            x = self.drop(torch.cat([x_fixed, self.words(words), self.shapes(shapes), c], 2))
            lengths = mask.sum(1)
            packed = nn.utils.rnn.pack_padded_sequence(
                x, lengths, batch_first=True, enforce_sorted=False
            )
            h, _ = self.lstm(packed)
            h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=t)
            return self.out(self.drop(h))

        def nll(self, em: Any, tags: Any, mask: Any) -> Any:
            """The CRF's negative log-likelihood of the gold tags, summed over the batch."""
            trans = self.masked_trans()
            start = self.masked_start()
            score = start[tags[:, 0]] + em[:, 0].gather(1, tags[:, :1]).squeeze(1)
            alpha = start + em[:, 0]
            for i in range(1, em.shape[1]):
                on = mask[:, i]
                step = trans[tags[:, i - 1], tags[:, i]]
                step = step + em[:, i].gather(1, tags[:, i : i + 1]).squeeze(1)
                score = score + step * on
                nxt = torch.logsumexp(alpha.unsqueeze(2) + trans.unsqueeze(0), dim=1) + em[:, i]
                alpha = torch.where(on.unsqueeze(1), nxt, alpha)
            last = tags.gather(1, (mask.sum(1) - 1).unsqueeze(1)).squeeze(1)
            score = score + self.end[last]
            return (torch.logsumexp(alpha + self.end, dim=1) - score).sum()

    return Module()


class Batches:
    """Turns sentences into the index tensors of one batch."""

    def __init__(self, type_id: dict[str, int], vocab: Vocabularies) -> None:
        self.type_id = type_id
        self.vocab = vocab
        self.tag_id = {t: i for i, t in enumerate(vocab.tags)}

    def tensors(self, batch: Sequence[Sentence]) -> tuple[Any, ...]:
        import torch

        b = len(batch)
        t = max(len(s.words) for s in batch)
        width = min(MAX_CHARS, max(len(w) for s in batch for w in s.words))
        types = torch.zeros(b, t, dtype=torch.long)
        words = torch.zeros(b, t, dtype=torch.long)
        shapes = torch.zeros(b, t, dtype=torch.long)
        chars = torch.zeros(b, t, width, dtype=torch.long)
        tags = torch.zeros(b, t, dtype=torch.long)
        mask = torch.zeros(b, t, dtype=torch.bool)
        lower, char_id = self.vocab.lower, self.vocab.chars
        for i, sentence in enumerate(batch):
            n = len(sentence.words)
            types[i, :n] = torch.tensor([self.type_id[w] for w in sentence.words])
            words[i, :n] = torch.tensor([lower.get(w.lower(), 1) for w in sentence.words])
            shapes[i, :n] = torch.tensor([shape_of(w) for w in sentence.words])
            for j, word in enumerate(sentence.words):
                ids = [char_id.get(c, 1) for c in clipped_chars(word)]
                chars[i, j, : len(ids)] = torch.tensor(ids)
            tags[i, :n] = torch.tensor([self.tag_id.get(tag, 0) for tag in sentence.tags])
            mask[i, :n] = True
        return types, words, shapes, chars, tags, mask


def export_weights(
    module: Any,
    vocab: Vocabularies,
    table: tuple[numpy.ndarray[Any, Any], numpy.ndarray[Any, Any]],
    lexicon: bool,
) -> CrfWeights:
    """The trained module's weights as the NumPy tagger holds them."""

    def arr(t: Any) -> numpy.ndarray[Any, Any]:
        # A copy: .numpy() shares the parameter's memory, which training goes on changing.
        return numpy.array(t.detach().cpu().numpy(), dtype=numpy.float32, copy=True)

    lstm = module.lstm
    layers = []
    for layer in range(lstm.num_layers):
        pair = []
        for suffix in ("", "_reverse"):
            name = f"l{layer}{suffix}"
            pair.append(
                LstmWeights(
                    arr(getattr(lstm, f"weight_ih_{name}")),
                    arr(getattr(lstm, f"weight_hh_{name}")),
                    arr(getattr(lstm, f"bias_ih_{name}")) + arr(getattr(lstm, f"bias_hh_{name}")),
                )
            )
        layers.append((pair[0], pair[1]))
    return CrfWeights(
        tags=list(vocab.tags),
        lower=dict(vocab.lower),
        chars=dict(vocab.chars),
        fixed_w=arr(module.fixed_proj.weight),
        fixed_b=arr(module.fixed_proj.bias),
        word_emb=arr(module.words.weight),
        shape_emb=arr(module.shapes.weight),
        char_emb=arr(module.chars.weight),
        conv_w=arr(module.char_cnn.weight),
        conv_b=arr(module.char_cnn.bias),
        layers=layers,
        out_w=arr(module.out.weight),
        out_b=arr(module.out.bias),
        trans=arr(module.masked_trans()),
        start=arr(module.masked_start()),
        end=arr(module.end),
        gaz_keys=table[0],
        gaz_values=table[1],
        lexicon=lexicon,
    )


def epoch_silver(silver: Sequence[Sentence], size: int, rng: random.Random) -> list[Sentence]:
    """The silver sentences of one epoch: all of them, or ``size`` drawn at random."""
    if not size or size >= len(silver):
        return list(silver)
    return rng.sample(list(silver), size)


def dev_f1(tag: Callable[[list[list[str]]], list[list[str]]], dev: Sequence[Sentence]) -> float:
    """Strict outer-chunk F1 of ``tag`` on the dev sentences."""
    tp = fp = fn = 0
    for sentence, predicted in zip(dev, tag([s.words for s in dev]), strict=True):
        gold, found = chunks(sentence.tags), chunks(predicted)
        tp += len(gold & found)
        fp += len(found - gold)
        fn += len(gold - found)
    return 2 * tp / max(1, 2 * tp + fp + fn)


def train_crf(settings: CrfSettings, vectors: Path, out: Path, data_dir: Path) -> dict[str, Any]:
    """Train, keep the best epoch on dev, write the pipeline to ``out``; return the record."""
    import torch
    from torch import nn

    started = time.time()
    torch.manual_seed(settings.seed)
    rng = random.Random(settings.seed)
    torch.set_num_threads(settings.threads)
    gold = list(read_bioes(data_dir / TRAIN_FILE))
    if settings.train_limit:
        gold = gold[: settings.train_limit]
    silver = list(read_silver(Path(settings.silver))) if settings.silver else []
    if settings.silver_limit:
        silver = silver[: settings.silver_limit]
    dev = list(read_bioes(data_dir / DEV_FILE))
    vocab = vocabularies(gold, settings.min_count)
    table = packed_table(build_table((s.words for s in gold), settings.lexicon))
    nlp = spacy.load(vectors)
    types = sorted({w for s in gold + silver for w in s.words})
    type_id = {w: i + 1 for i, w in enumerate(types)}  # row 0: padding
    fixed = numpy.concatenate(
        [
            fixed_features(nlp.vocab, types[i : i + 5000], *table, settings.lexicon)
            for i in range(0, len(types), 5000)
        ]
    )
    fixed = numpy.concatenate([numpy.zeros((1, fixed.shape[1]), numpy.float32), fixed])
    module = build_module(fixed, vocab, settings)
    shadow = copy.deepcopy(module) if settings.ema else module
    optimiser = torch.optim.Adam([p for p in module.parameters() if p.requires_grad], settings.lr)
    batches = Batches(type_id, vocab)
    component = nlp.add_pipe(FACTORY, name="ner")
    assert isinstance(component, CrfNer)
    history: list[dict[str, Any]] = []
    record: dict[str, Any] = {}
    best: tuple[float, int, CrfWeights] | None = None
    for epoch in range(1, settings.epochs + 1):
        began = time.time()
        train = gold + epoch_silver(silver, settings.silver_per_epoch, rng)
        # Sentences of similar length share a batch (less padding); batches come shuffled.
        order = sorted(range(len(train)), key=lambda i: len(train[i].words) + rng.random() * 4)
        groups = [order[i : i + settings.batch] for i in range(0, len(order), settings.batch)]
        rng.shuffle(groups)
        for group_settings in optimiser.param_groups:
            group_settings["lr"] = settings.lr * settings.lr_decay ** (epoch - 1)
        module.train()
        total = 0.0
        for group in groups:
            chosen = [train[i] for i in group]
            types_t, words_t, shapes_t, chars_t, tags_t, mask_t = batches.tensors(chosen)
            if settings.word_dropout:
                dropped = torch.rand(words_t.shape) < settings.word_dropout
                words_t = torch.where(dropped & (words_t > 1), torch.ones_like(words_t), words_t)
            emissions = module.emissions(types_t, words_t, shapes_t, chars_t, mask_t)
            loss = module.nll(emissions, tags_t, mask_t) / len(chosen)
            optimiser.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(module.parameters(), settings.clip)
            optimiser.step()
            if settings.ema:
                with torch.no_grad():
                    for kept, trained in zip(shadow.parameters(), module.parameters(), strict=True):
                        kept.lerp_(trained, 1.0 - settings.ema)
            total += float(loss.item())
        shadow.eval()
        weights = export_weights(shadow, vocab, table, settings.lexicon)
        f1 = dev_f1(CrfTagger(weights, nlp.vocab).tag, dev)
        row = {
            "epoch": epoch,
            "loss": round(total / len(groups), 4),
            "dev_f1": round(f1, 4),
            "seconds": round(time.time() - began),
        }
        history.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
        if best is None or f1 > best[0]:
            best = (f1, epoch, weights)
            # Written at once, so that a run stopped early leaves its best epoch behind.
            component.tagger = CrfTagger(weights, nlp.vocab)
            nlp.meta.update(MODEL_META)
            out.mkdir(parents=True, exist_ok=True)
            nlp.to_disk(out)
        record = {
            "date": datetime.now(UTC).strftime("%Y-%m-%d"),
            "seconds": round(time.time() - started),
            "torch": torch.__version__,
            "settings": asdict(settings),
            "vectors": str(vectors),
            "train_sentences": {"gold": len(gold), "silver": len(silver)},
            "best_epoch": best[1],
            "dev_f1": round(best[0], 4),
            "history": history,
        }
        # After every epoch, so that a run stopped early has its record too.
        (out / RECORD).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return record


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lagebild.train.ner_crf", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--out", type=Path, required=True, help="model directory to write")
    parser.add_argument("--vectors", type=Path, required=True, help="floret vectors pipeline")
    parser.add_argument("--data", type=Path, default=None, help="GermEval 2014 folder")
    defaults = CrfSettings()
    for f in fields(CrfSettings):
        value = getattr(defaults, f.name)
        flag = "--" + f.name.replace("_", "-")
        if isinstance(value, bool):
            parser.add_argument(flag, type=lambda v: v.lower() in {"1", "true", "yes"})
        else:
            parser.add_argument(flag, type=type(value))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Train from command-line options; print the training record as JSON."""
    args = _parser().parse_args(argv)
    overrides = {
        f.name: getattr(args, f.name)
        for f in fields(CrfSettings)
        if getattr(args, f.name) is not None
    }
    data_dir = args.data or germeval_dir()
    if not (data_dir / TRAIN_FILE).is_file():
        print(f"error: {data_dir / TRAIN_FILE} not found; set LAGEBILD_BENCHDATA", file=sys.stderr)
        return 2
    record = train_crf(CrfSettings(**overrides), args.vectors, args.out, data_dir)
    print(json.dumps(record, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
