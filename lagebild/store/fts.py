"""Full-text queries for an index that keeps no word positions, with phrases checked
against the text.

The FTS5 index (migration m011) is built with ``detail=column``: for each word it keeps
the articles and columns it occurs in, not its positions, which makes it 0.44x the
plain-text pages' bytes instead of 0.73x. Such an index cannot match a phrase of two
or more words, and a single typed word can be several index tokens ("US-Präsident",
"5.000"). So a search term becomes all of its tokens (the index finds the candidates),
and ``lagebild_phrases()`` (registered on each SQLite connection) keeps the candidates
in which the tokens stand next to each other, in one column, as typed.

Tokens are split as the index's ``unicode61 remove_diacritics 2`` tokenizer splits
them: runs of letters and digits, lower-cased, accents removed (ä = a; ß stays).

>>> query = SearchQuery.of([Term.of(["US-Präsident"])])
>>> query.match
'("us" AND "prasident")'
>>> has_phrases("Der US-Präsident sprach.", None, "", query.phrases_json())
1
>>> has_phrases("Die US-Regierung und ihr Präsident", None, "", query.phrases_json())
0
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

FUNCTION = "lagebild_phrases"
TOKENIZER = "unicode61 remove_diacritics 2"
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """What the index's tokenizer makes of each character of the Basic Multilingual Plane:
    a space for a separator, else the character lower-cased and without its accents.

    Read off SQLite's own tokenizer once, so the check splits and folds as the index
    does: its rules (which marks fall away, which letters lose them) are its own.
    """
    db = sqlite3.connect(":memory:")
    try:
        db.execute(f"CREATE VIRTUAL TABLE t USING fts5(x, tokenize='{TOKENIZER}')")
        db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
        # Each character between two q's: a letter gives one token "q…q", a separator
        # two tokens "q".
        codes = [c for c in range(0x80, 0x10000) if not 0xD800 <= c < 0xE000]
        db.execute("INSERT INTO t VALUES (?)", (" ".join(f"q{chr(c)}q" for c in codes),))
        found = iter(term for (term,) in db.execute("SELECT term FROM v ORDER BY offset"))
        table = {c: " " for c in range(0x80) if not chr(c).isalnum()}
        table.update({c: chr(c).lower() for c in range(0x41, 0x5B)})
        for code in codes:
            term = next(found)
            if term == "q":
                next(found)
                table[code] = " "
            elif term[1:-1] != chr(code):
                table[code] = term[1:-1]
        return table
    finally:
        db.close()


def tokens(text: str) -> list[str]:
    """The index tokens of a text: lower-cased, without accents, letters and digits only.

    Beyond the Basic Multilingual Plane symbols (emoji) separate and the rest are read
    as letters, as the index reads them.
    """
    folded = text.translate(_fold_table())
    if _ASTRAL.search(folded):
        folded = _ASTRAL.sub(_astral, folded)
    return folded.split()


def _astral(found: re.Match[str]) -> str:
    return " " if unicodedata.category(found.group())[0] in "SPZC" else found.group()


@dataclass(frozen=True)
class Alternative:
    """One way to write a term: its tokens; ``prefix`` if the last may go on."""

    tokens: tuple[str, ...]
    prefix: bool = False

    @property
    def match(self) -> str:
        quoted = [f'"{t}"' for t in self.tokens]
        if self.prefix:
            quoted[-1] += "*"
        return quoted[0] if len(quoted) == 1 else "(" + " AND ".join(quoted) + ")"


@dataclass(frozen=True)
class Term:
    """A search term: any one of its alternatives must be in the article."""

    alternatives: tuple[Alternative, ...]

    @classmethod
    def of(cls, spellings: Iterable[str], *, prefix: bool = False) -> Term:
        """A term from spellings as typed; spellings without a token are left out."""
        seen: dict[tuple[str, ...], None] = {}
        for spelling in spellings:
            found = tuple(tokens(spelling))
            if found:
                seen.setdefault(found)
        return cls(tuple(Alternative(t, prefix) for t in seen))

    @property
    def match(self) -> str:
        parts = [a.match for a in self.alternatives]
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"

    @property
    def is_phrase(self) -> bool:
        """Whether the index alone cannot decide it (an alternative of several tokens)."""
        return any(len(a.tokens) > 1 for a in self.alternatives)


@dataclass(frozen=True)
class SearchQuery:
    """Terms that must all be in an article: the FTS5 expression and the phrase check."""

    terms: tuple[Term, ...]

    @classmethod
    def of(cls, terms: Iterable[Term]) -> SearchQuery:
        return cls(tuple(t for t in terms if t.alternatives))

    @property
    def match(self) -> str:
        """The FTS5 MATCH expression ('' if there is no term)."""
        return " AND ".join(t.match for t in self.terms)

    @property
    def needs_phrases(self) -> bool:
        return any(t.is_phrase for t in self.terms)

    def phrases_json(self) -> str:
        """The terms the text must be checked for, as ``lagebild_phrases`` reads them."""
        checked = [t for t in self.terms if t.is_phrase]
        return json.dumps([[[list(a.tokens), a.prefix] for a in t.alternatives] for t in checked])


@lru_cache(maxsize=256)
def _spec(phrases: str) -> list[list[tuple[str, bool]]]:
    """The parsed phrase check: per term, its alternatives as (' t1 t2', prefix)."""
    return [
        [(" " + " ".join(words), bool(prefix)) for words, prefix in term]
        for term in json.loads(phrases)
    ]


def has_phrases(title: Any, lead: Any, body: Any, phrases: str) -> int:
    """1 if every term of ``phrases`` stands, as written, in the title, lead or body."""
    columns = [" " + " ".join(tokens(c)) + " " for c in (title, lead, body) if c]
    for term in _spec(phrases):
        if not any(
            (needle if prefix else needle + " ") in column
            for needle, prefix in term
            for column in columns
        ):
            return 0
    return 1


def register(db: sqlite3.Connection) -> None:
    """Give a SQLite connection ``lagebild_phrases(title, lead, body, phrases)``."""
    db.create_function(FUNCTION, 4, has_phrases, deterministic=True)


# At most this many search words are used; more only slow the query down.
MAX_SEARCH_TERMS = 12
# Spellings a German reader types for the same word: the index folds accents
# (ä = a), not ß or the ae/oe/ue transliterations, so the query adds those variants.
_TRANSLITERATIONS = (("ae", "ä"), ("oe", "ö"), ("ue", "ü"), ("ss", "ß"), ("ß", "ss"))
_TERM = re.compile(r'"([^"]*)"|(\S+)')
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def fts_query(text: str) -> SearchQuery | None:
    """The full-text query for what a person typed; None when nothing searchable is left.

    Each word is matched as a prefix, so "Gespräch" also finds "Gespräche" and
    "Gesprächen", with its ß and ae/oe/ue spellings as alternatives; a phrase in double
    quotes is matched as written. Words become index tokens, never FTS syntax, so what
    the user types (``NEAR``, ``*``, ``-``, column filters) is searched for, never run.
    """
    terms: list[Term] = []
    # Control characters (NUL above all) end an FTS5 string early; they search nothing.
    text = _CONTROL.sub(" ", text)
    for match in _TERM.finditer(text):
        phrase, word = match.group(1), match.group(2)
        if phrase is not None:
            terms.append(Term.of([phrase]))
            continue
        variants = {word.lower()}
        for plain, german in _TRANSLITERATIONS:
            variants |= {v.replace(plain, german) for v in variants if plain in v}
        terms.append(Term.of(sorted(variants), prefix=True))
    query = SearchQuery.of(terms)
    return SearchQuery(query.terms[:MAX_SEARCH_TERMS]) if query.terms else None
