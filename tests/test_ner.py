"""The shipped German NER model through NerTagger: names, offsets, batches, empty text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lagebild.annotate.ner import DEFAULT_MODEL, NerTagger
from lagebild.model import Mention


@pytest.fixture(scope="module")
def tagger() -> NerTagger:
    return NerTagger()


def _found(mentions: list[Mention]) -> set[tuple[str, int, int, str]]:
    return {(m.text, m.start, m.end, m.label) for m in mentions}


def test_ner_tags_person_city_and_organisation(tagger: NerTagger) -> None:
    text = "Bundeskanzlerin Angela Merkel traf am Montag in Berlin den Vorstand von Siemens."
    found = _found(tagger.tag(text))
    assert ("Angela Merkel", 16, 29, "PER") in found
    assert ("Berlin", 48, 54, "LOC") in found
    assert ("Siemens", 72, 79, "ORG") in found


def test_ner_offsets_point_at_the_mention_text(tagger: NerTagger) -> None:
    text = "Der US-Sondergesandte Steve Witkoff sprach in Moskau mit Wladimir Putin."
    mentions = tagger.tag(text)
    assert mentions, "expected at least one mention"
    for m in mentions:
        assert text[m.start : m.end] == m.text
    assert ("Wladimir Putin", "PER") in {(m.text, m.label) for m in mentions}
    assert ("Moskau", "LOC") in {(m.text, m.label) for m in mentions}


def test_ner_empty_text_gives_no_mentions(tagger: NerTagger) -> None:
    assert tagger.tag("") == []
    assert tagger.tag("   \n\n ") == []


def test_ner_placeholder_text_gives_no_mentions(tagger: NerTagger) -> None:
    # A template's filler text has no punctuation for 120 tokens; the model once tagged
    # such runs of small-letter words as one long OTH mention.
    text = "lorem ipsum dolor sit amet " * 50 + "Angela Merkel besuchte Paris."
    assert {(m.text, m.label) for m in tagger.tag(text)} == {
        ("Angela Merkel", "PER"),
        ("Paris", "LOC"),
    }
    # Names without capitals stay: agencies ("dpa") and scripts without case.
    assert tagger._keeps(["dpa"]) and tagger._keeps(["李公佐"])
    assert not tagger._keeps(["dolor", "sit"])


def test_ner_batch_equals_one_by_one(tagger: NerTagger) -> None:
    texts = ["Die SPD verlor in Bayern.", "", "Olaf Scholz reiste nach Paris."]
    assert list(tagger.tag_many(texts)) == [tagger.tag(t) for t in texts]


def test_ner_subtypes_left_out_unless_asked(tagger: NerTagger) -> None:
    text = "Die deutschen Behörden warnten."
    assert all(m.text != "deutschen" for m in tagger.tag(text))
    wide = NerTagger(tagger.model_dir, include_subtypes=True)
    wide.nlp_ = tagger.nlp  # share the loaded pipeline; loading twice is slow
    assert ("deutschen", "LOC") in {(m.text, m.label) for m in wide.tag(text)}


def test_ner_tag_tokens_keeps_the_given_tokens(tagger: NerTagger) -> None:
    words = ["Gerhard", "Schröder", "besuchte", "die", "EU-Kommission", "."]
    (tags,) = tagger.tag_tokens([words])
    assert len(tags) == len(words)
    assert tags[:2] == ["B-PER", "I-PER"]


def test_ner_loads_lazily() -> None:
    tagger = NerTagger()
    assert tagger.nlp_ is None
    assert tagger.model_dir == DEFAULT_MODEL


def test_ner_missing_model_says_how_to_train(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"lagebild\.train\.ner"):
        NerTagger(tmp_path).tag("Berlin")


def test_ner_rejects_bad_batch_size() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        NerTagger(batch_size=0)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.sampled_from(
            [
                "Angela",
                "Merkel",
                "Berlin",
                "SPD",
                "in",
                "und",
                "der",
                "„",
                "“",
                ".",
                ",",
                "\n\n",
                " ",
                "Müller-Lüdenscheidt",
                "sagte",
                "ß",
                "\u00ad",
                "EU-Kommission",
                "2025",
            ]
        )
        | st.text(max_size=8),
        max_size=30,
    ).map(" ".join)
)
def test_ner_offsets_always_point_into_the_text(tagger: NerTagger, text: str) -> None:
    for m in tagger.tag(text):
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text
        assert m.text == m.text.strip()
        assert m.label in {"PER", "ORG", "LOC", "OTH"}


def _hipe_file(path: Path, rows: list[str]) -> Path:
    """Write a tiny HIPE TSV file (gzipped) from ``token coarse comp misc`` rows."""
    import gzip

    lines = [
        "TOKEN\tNE-COARSE-LIT\tNE-COARSE-METO\tNE-FINE-LIT\tNE-FINE-METO\tNE-FINE-COMP"
        "\tNE-NESTED\tNEL-LIT\tNEL-METO\tMISC",
        "# hipe2022:document_id = t_1",
    ]
    for row in rows:
        token, coarse, comp, misc = row.split()
        lines.append("\t".join([token, coarse, "_", "O", "_", comp, "O", "_", "_", misc]))
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


def test_ner_hipe_maps_labels_cuts_titles_and_joins_hyphens(tmp_path: Path) -> None:
    from lagebild.train.hipe import read_hipe

    path = _hipe_file(
        tmp_path / "t.tsv.gz",
        [
            "Herrn B-pers B-comp.title _",
            "Müller I-pers B-comp.name _",
            "aus O O _",
            "Zü¬ B-loc O NoSpaceAfter|EndOfLine",
            "rich I-loc O _",
            "liest O O _",
            "die B-prod O _",
            "Zeitung I-prod O _",
            "am O O _",
            "Montag B-time O _",
            ". O O EndOfSentence",
            "Trup O O _",
            "¬ O O _",
            "pen O O _",
        ],
    )
    first, second = read_hipe(path)
    assert first.words == [
        "Herrn",
        "Müller",
        "aus",
        "Zürich",
        "liest",
        "die",
        "Zeitung",
        "am",
        "Montag",
        ".",
    ]
    assert first.tags == ["O", "B-PER", "O", "B-LOC", "O", "B-OTH", "I-OTH", "O", "O", "O"]
    assert second.words == ["Truppen"]
    assert second.tags == ["O"]


def test_ner_pretrain_pieces_cut_at_sentence_ends(tmp_path: Path) -> None:
    from lagebild.train.pretrain import MAX_WORDS, pieces

    corpus = tmp_path / "corpus.txt"
    long = " ".join(["Wort"] * (MAX_WORDS + 10))
    corpus.write_text(
        "Ein Satz mit fünf Wörtern . Und noch ein zweiter Satz .\nkurz .\n" + long + "\n",
        encoding="utf-8",
    )
    got = list(pieces(corpus))
    assert got[0] == ["Ein", "Satz", "mit", "fünf", "Wörtern", "."]
    assert got[1] == ["Und", "noch", "ein", "zweiter", "Satz", "."]
    assert [len(p) for p in got[2:]] == [MAX_WORDS, 10]
