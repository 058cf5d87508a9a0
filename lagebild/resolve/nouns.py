"""German common nouns that name no one: "Skepsis", "Marihuana", "Helfer" tagged as persons.

German capitalises every noun, so the tagger now and then takes a noun for a one-word
person; with nothing else to join, such a mention became an entity of its own. The
table (``lagebild/models/nouns-de``, written by ``python -m lagebild.train.lexicon``) holds
the 8-byte BLAKE2b hashes of the inflected forms of the German Wiktionary's common nouns
(from the ``german-nouns`` package) that are no first name, surname or place in any list
the project knows: hashes, so it is a lookup table, not the word list. It is read once per
process, on the first lookup.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

import numpy
from numpy.typing import NDArray

NOUNS_DIR = Path(__file__).resolve().parent.parent / "models" / "nouns-de"
NOUNS_FILE = "nouns.npy"
RECORD_FILE = "record.json"


def form_hash(form: str) -> int:
    """The table's key of one word form, as printed."""
    return int.from_bytes(hashlib.blake2b(form.encode("utf-8"), digest_size=8).digest(), "little")


def form_hashes(forms: Iterable[str]) -> NDArray[numpy.uint64]:
    """The sorted keys of ``forms``."""
    return numpy.unique(numpy.array([form_hash(f) for f in forms], dtype=numpy.uint64))


@cache
def _table(folder: Path = NOUNS_DIR) -> NDArray[numpy.uint64]:
    path = folder / NOUNS_FILE
    try:
        table = numpy.load(path, allow_pickle=False)
    except (OSError, ValueError) as err:
        raise RuntimeError(
            f"{path}: the noun table is missing or broken ({err}); "
            "rebuild it with python -m lagebild.train.lexicon --out " + str(folder)
        ) from err
    return numpy.asarray(table, dtype=numpy.uint64)


@lru_cache(maxsize=200_000)  # asked of a store's words again and again
def is_common_noun(word: str, folder: Path = NOUNS_DIR) -> bool:
    """Whether ``word`` (one token, as printed) is a common noun that is no known name."""
    table = _table(folder)
    key = numpy.uint64(form_hash(word))
    at = int(numpy.searchsorted(table, key))
    return bool(at < len(table) and table[at] == key)
