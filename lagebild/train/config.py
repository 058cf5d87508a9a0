"""The training settings of the NER model and the spaCy config they render to."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

# Defaults chosen by the ablations in lagebild/models/ner-de/MODEL.md (GermEval 2014 dev,
# strict outer chunks); each field says what it changes.

# Steps of a rising learn rate before a falling schedule (``decay_steps``).
WARMUP_STEPS = 250


@dataclass
class TrainSettings:
    """Every knob of one training run; the defaults reproduce the shipped model."""

    seed: int = 0
    width: int = 96  # tok2vec width (embedding and encoder)
    depth: int = 4  # CNN layers of the encoder
    window: int = 1  # tokens each side seen by one CNN layer
    attrs: list[str] = field(default_factory=lambda: ["NORM", "PREFIX", "SUFFIX", "SHAPE"])
    rows: list[int] = field(default_factory=lambda: [5000, 1000, 2500, 2500])
    char_width: int = 16  # width of one byte embedding; 0 = no character features
    char_bytes: int = 8  # bytes embedded per word (first and last halves)
    gazetteer: bool = True  # name and place bits from lagebild.train.gazetteer
    compound_heads: bool = False  # embed the first part of hyphenated words ("EU-Gipfel")
    vectors: str | None = None  # a spaCy vectors model directory (``spacy init vectors``)
    hidden_width: int = 64  # hidden layer of the transition parser
    dropout: float = 0.1
    learn_rate: float = 0.001
    decay_steps: int = 0  # > 0: the rate falls linearly to 0 over these steps (warmup_linear)
    use_averages: bool = True  # parameter averaging in Adam
    batch_start: int = 100  # words per batch, compounding from start to stop
    batch_stop: int = 1000
    max_epochs: int = 12
    max_steps: int = 0  # 0 = bounded by max_epochs only
    patience: int = 5000  # steps without a better dev score before stopping
    eval_frequency: int = 1000  # steps between dev evaluations
    train_limit: int = 0  # use only the first N training sentences (0 = all), for ablations
    extra: list[str] = field(default_factory=list)  # extra labelled data: "hipe"
    init_tok2vec: str | None = None  # encoder weights from lagebild.train.pretrain
    matmul_ops: bool = False  # numpy (OpenBLAS) products: 37% less CPU; shipped with blis

    def to_json(self) -> str:
        """The settings as one JSON object, for the training record."""
        return json.dumps(asdict(self), sort_keys=True)


def _list(values: list[str] | list[int]) -> str:
    """A list as a config value."""
    return json.dumps(values)


def _learn_rate(s: TrainSettings) -> str:
    """The optimiser's learn rate: a constant, or a schedule falling to 0 (``decay_steps``)."""
    if s.decay_steps <= 0:
        return f"learn_rate = {s.learn_rate}"
    return f"""
[training.optimizer.learn_rate]
@schedules = "warmup_linear.v1"
warmup_steps = {WARMUP_STEPS}
total_steps = {s.decay_steps}
initial_rate = {s.learn_rate}"""


def render_config(settings: TrainSettings, train_path: str, dev_path: str) -> str:
    """Return the spaCy config text of one run."""
    s = settings
    vectors = json.dumps(s.vectors) if s.vectors else "null"
    return f"""
[paths]
train = {json.dumps(train_path)}
dev = {json.dumps(dev_path)}
vectors = {vectors}

[system]
seed = {s.seed}
gpu_allocator = null

[nlp]
lang = "de"
pipeline = ["ner"]
batch_size = 256
disabled = []
before_creation = null
after_creation = null
after_pipeline_creation = null
tokenizer = {{"@tokenizers":"spacy.Tokenizer.v1"}}

[components]

[components.ner]
factory = "ner"
incorrect_spans_key = null
moves = null
scorer = {{"@scorers":"spacy.ner_scorer.v1"}}
update_with_oracle_cut_size = 100

[components.ner.model]
@architectures = "spacy.TransitionBasedParser.v2"
state_type = "ner"
extra_state_tokens = false
hidden_width = {s.hidden_width}
maxout_pieces = 2
use_upper = true
nO = null

[components.ner.model.tok2vec]
@architectures = "spacy.Tok2Vec.v2"

[components.ner.model.tok2vec.embed]
@architectures = "lagebild.NerEmbed.v1"
width = {s.width}
attrs = {_list(s.attrs)}
rows = {_list(s.rows)}
char_width = {s.char_width}
char_bytes = {s.char_bytes}
include_static_vectors = {"true" if s.vectors else "false"}
gazetteer = {"true" if s.gazetteer else "false"}
compound_heads = {"true" if s.compound_heads else "false"}

[components.ner.model.tok2vec.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = {s.width}
depth = {s.depth}
window_size = {s.window}
maxout_pieces = 3

[corpora]

[corpora.train]
@readers = "spacy.Corpus.v1"
path = ${{paths.train}}
max_length = 0
gold_preproc = false
limit = 0
augmenter = null

[corpora.dev]
@readers = "spacy.Corpus.v1"
path = ${{paths.dev}}
max_length = 0
gold_preproc = false
limit = 0
augmenter = null

[training]
seed = ${{system.seed}}
gpu_allocator = ${{system.gpu_allocator}}
dropout = {s.dropout}
accumulate_gradient = 1
patience = {s.patience}
max_epochs = {s.max_epochs}
max_steps = {s.max_steps}
eval_frequency = {s.eval_frequency}
frozen_components = []
annotating_components = []
dev_corpus = "corpora.dev"
train_corpus = "corpora.train"
before_to_disk = null
before_update = null

[training.batcher]
@batchers = "spacy.batch_by_words.v1"
discard_oversize = false
tolerance = 0.2
get_length = null

[training.batcher.size]
@schedules = "compounding.v1"
start = {s.batch_start}
stop = {s.batch_stop}
compound = 1.001
t = 0.0

[training.logger]
@loggers = "spacy.ConsoleLogger.v1"
progress_bar = false

[training.optimizer]
@optimizers = "Adam.v1"
beta1 = 0.9
beta2 = 0.999
L2_is_weight_decay = true
L2 = 0.01
grad_clip = 1.0
use_averages = {"true" if s.use_averages else "false"}
eps = 0.00000001
{_learn_rate(s)}

[training.score_weights]
ents_f = 1.0
ents_p = 0.0
ents_r = 0.0
ents_per_type = null

[pretraining]

[initialize]
vectors = ${{paths.vectors}}
init_tok2vec = null
vocab_data = null
lookups = null
before_init = null
after_init = null

[initialize.components]

[initialize.tokenizer]
"""
