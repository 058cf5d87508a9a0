"""Pretrain the NER model's token encoder on unlabelled German text (spaCy's cloze task).

The encoder (``lagebild.NerEmbed.v1`` + CNN, exactly as configured for the NER run) learns
to predict the first and last characters of words hidden behind a mask from their context,
like ``spacy pretrain`` with the ``PretrainCharacters`` objective. spaCy's own command
cannot reach the encoder inside a ``ner`` component without a listener, so this module runs
the same loop on it directly and writes its weights for ``--init-tok2vec``::

    python -m lagebild.train.pretrain --corpus /tmp/vectors.corpus.txt \\
        --vectors /tmp/vectors --out /tmp/pretrain --epochs 3

The corpus is the tokenised text that ``lagebild.train.vectors`` writes (one text per
line, tokens separated by spaces).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spacy
from spacy.ml.models.multi_task import create_pretrain_characters
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc
from spacy.training.pretrain import make_update
from spacy.vocab import Vocab
from thinc.api import Adam, Config, Model, fix_random_seed, set_dropout_rate

from lagebild.annotate.ner_layers import set_gazetteer
from lagebild.train.config import TrainSettings, render_config
from lagebild.train.data import TRAIN_FILE, germeval_dir, read_bioes
from lagebild.train.gazetteer import build_table

SENTENCE_END = frozenset({".", "!", "?"})
MAX_WORDS = 80  # texts are cut into pieces of at most this many words, at sentence ends


@dataclass
class PretrainSettings:
    """The cloze task and its optimiser; spaCy's ``pretrain`` defaults."""

    epochs: int = 3
    batch_words: int = 3000
    dropout: float = 0.2
    learn_rate: float = 0.001
    hidden_size: int = 300
    n_characters: int = 4
    seed: int = 0


def ner_pipe(nlp: Any) -> TrainablePipe:
    """The pipeline's trainable ner component."""
    ner = nlp.get_pipe("ner")
    if not isinstance(ner, TrainablePipe):
        raise RuntimeError("the config has no trainable ner component")
    return ner


def encoder(model: Model[Any, Any]) -> Model[Any, Any]:
    """The token encoder inside a ``TransitionBasedParser`` (without its projection)."""
    return model.get_ref("tok2vec").layers[0]


def pieces(corpus: Path) -> Iterator[list[str]]:
    """Yield the corpus as word lists of at most MAX_WORDS words, cut at sentence ends."""
    with corpus.open(encoding="utf-8") as handle:
        for line in handle:
            words: list[str] = []
            for word in line.split():
                words.append(word)
                if (word in SENTENCE_END and len(words) >= 5) or len(words) >= MAX_WORDS:
                    yield words
                    words = []
            if len(words) >= 5:
                yield words


def batches(texts: list[list[str]], vocab: Vocab, size: int) -> Iterator[list[Doc]]:
    """Group the texts into batches of about ``size`` words."""
    batch: list[Doc] = []
    count = 0
    for words in texts:
        batch.append(Doc(vocab, words=words))
        count += len(words)
        if count >= size:
            yield batch
            batch, count = [], 0
    if batch:
        yield batch


def pretrain(
    train: TrainSettings, settings: PretrainSettings, corpus: Path, out: Path
) -> list[dict[str, float]]:
    """Pretrain the encoder of ``train``'s config; write ``out/model{epoch}.bin`` per epoch."""
    fix_random_seed(settings.seed)
    config = Config().from_str(render_config(train, "", ""))
    nlp = spacy.util.load_model_from_config(config, auto_fill=True)
    with nlp.select_pipes(enable=[]):
        nlp.initialize()  # loads the static vectors named in [initialize]
    ner = ner_pipe(nlp)
    if train.gazetteer:
        table = build_table(sent.words for sent in read_bioes(germeval_dir() / TRAIN_FILE))
        set_gazetteer(ner.model, table)
    tok2vec = encoder(ner.model)
    tok2vec.initialize(X=[nlp.make_doc("Ein Satz , damit die Größen feststehen .")])
    objective = create_pretrain_characters(3, settings.hidden_size, settings.n_characters)
    model = objective(nlp.vocab, tok2vec)
    model.initialize(X=[nlp.make_doc("Ein Satz , damit die Größen feststehen .")])
    set_dropout_rate(model, settings.dropout)
    optimizer = Adam(settings.learn_rate, L2=0.01, grad_clip=1.0, use_averages=True)
    texts = list(pieces(corpus))
    rng = random.Random(settings.seed)
    out.mkdir(parents=True, exist_ok=True)
    log: list[dict[str, float]] = []
    for epoch in range(settings.epochs):
        started, loss, words = time.time(), 0.0, 0
        rng.shuffle(texts)
        for batch in batches(texts, nlp.vocab, settings.batch_words):
            loss += make_update(model, batch, optimizer, model.attrs["loss"])
            words += sum(len(doc) for doc in batch)
        with model.use_params(optimizer.averages):
            (out / f"model{epoch}.bin").write_bytes(tok2vec.to_bytes())
        seconds = time.time() - started
        entry = {"epoch": epoch, "loss": loss, "words": words, "seconds": round(seconds)}
        log.append(entry)
        print(json.dumps(entry), file=sys.stderr, flush=True)
    (out / "log.json").write_text(json.dumps(log, indent=2) + "\n", encoding="utf-8")
    return log


def main(argv: Sequence[str] | None = None) -> int:
    """Pretrain from command-line options."""
    parser = argparse.ArgumentParser(prog="python -m lagebild.train.pretrain")
    parser.add_argument("--corpus", type=Path, required=True, help="tokenised text, one per line")
    parser.add_argument("--vectors", type=str, required=True, help="spaCy vectors directory")
    parser.add_argument("--out", type=Path, required=True, help="folder for model{N}.bin")
    defaults = PretrainSettings()
    for name, value in vars(defaults).items():
        kind = float if isinstance(value, float) else int
        parser.add_argument("--" + name.replace("_", "-"), type=kind, default=value)
    args = parser.parse_args(argv)
    settings = PretrainSettings(**{name: getattr(args, name) for name in vars(defaults)})
    pretrain(TrainSettings(vectors=args.vectors), settings, args.corpus, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
