"""The SQL dialects a store speaks: SQLite (the default) and PostgreSQL.

The project's SQL is written once, in SQLite's dialect with ``?`` placeholders, and
adapted at the edge: ``to_postgres`` rewrites a statement for PostgreSQL when a
PostgreSQL connection runs it. Only what the two engines truly do differently is
written twice (full-text search, case-insensitive lookup); ``dialect_of`` tells the
code which one it is talking to.

What ``to_postgres`` changes, and why:

- ``?`` and ``:name`` placeholders become ``%s`` and ``%(name)s`` (psycopg's style), and
  a literal ``%`` becomes ``%%``;
- ``INSERT OR IGNORE`` becomes ``INSERT ... ON CONFLICT DO NOTHING``;
- ``ORDER BY`` terms get SQLite's NULL order spelled out (NULLs first ascending, last
  descending; PostgreSQL does the opposite), so both list rows in the same order;
- ``json_each(x)`` over a JSON array becomes ``json_array_elements_text((x)::json)``,
  whose column is ``value`` too;
- the column name ``end`` (reserved in PostgreSQL) is quoted;
- in ``CREATE TABLE``: ``TEXT`` gets the C collation, so text sorts by code point as in
  SQLite whatever the server's locale; ``BLOB`` becomes ``BYTEA``; ``INTEGER PRIMARY
  KEY`` (SQLite numbers such rows itself) becomes an identity column; ``WITHOUT ROWID``
  is dropped.

SQLite-only constructs that have no mechanical equivalent (``INSERT OR REPLACE``,
``COLLATE NOCASE``, ``PRAGMA``, FTS5 ``MATCH``) raise ``Unsupported``: such a query needs
its own PostgreSQL text.

>>> to_postgres("SELECT * FROM t WHERE a = ? ORDER BY b DESC, c")
'SELECT * FROM t WHERE a = %s ORDER BY b DESC NULLS LAST, c NULLS FIRST'
>>> to_postgres("INSERT OR IGNORE INTO t VALUES (?, ?)")
'INSERT INTO t VALUES (%s, %s) ON CONFLICT DO NOTHING'
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any, Literal, Protocol

Dialect = Literal["sqlite", "postgres"]

URL_PREFIXES = ("postgresql://", "postgres://")


class Unsupported(Exception):
    """A feature or statement the PostgreSQL store does not support."""


class Cursor(Protocol):
    """What the project uses of a cursor: its rows."""

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """What the project uses of a connection; sqlite3's and ``PgConnection`` both fit.

    Rows are indexed by position and by column name and turn into a dict with ``dict()``.
    """

    def execute(self, sql: str, parameters: Any = ..., /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Cursor: ...

    def close(self) -> None: ...


class Row(Protocol):
    """A result row: by position or column name; ``dict(row)`` gives name -> value."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> list[str]: ...


def is_postgres_url(location: str) -> bool:
    """Whether ``--db`` names a PostgreSQL server rather than a SQLite file."""
    return location.startswith(URL_PREFIXES)


def dialect_of(db: object) -> Dialect:
    """The dialect of a connection (anything not a sqlite3 connection is PostgreSQL)."""
    return "sqlite" if isinstance(db, sqlite3.Connection) else "postgres"


# Tokens: quoted strings and identifiers whole, words, placeholders, and single characters.
_TOKEN = re.compile(
    r"""
      '(?:[^']|'')*'          # string literal
    | "(?:[^"]|"")*"          # quoted identifier
    | --[^\n]*                # comment
    | \s+
    | :[A-Za-z_]\w*           # named placeholder
    | [A-Za-z_][\w$]*         # word
    | \d+(?:\.\d+)?
    | !=|<>|<=|>=|\|\||::
    | .
    """,
    re.VERBOSE | re.DOTALL,
)
_ORDER_END = {"LIMIT", "OFFSET"}
_REFUSED = {
    "PRAGMA": "PRAGMA statements",
    "NOCASE": "COLLATE NOCASE",
    "MATCH": "FTS5 MATCH queries",
    "REPLACE": "INSERT OR REPLACE",
}


@lru_cache(maxsize=1024)
def to_postgres(sql: str) -> str:
    """The statement ``sql`` (SQLite dialect) as PostgreSQL runs it; see the module doc."""
    tokens = [t for t in _TOKEN.findall(sql) if not t.startswith("--")]
    words = [t.upper() for t in tokens]
    create_table = _starts_with(words, "CREATE", "TABLE")
    ignore = False
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token, word = tokens[i], words[i]
        if word == "INSERT" and _next_words(words, i, 2) == ["OR", "IGNORE"]:
            out.append(token)
            i = _skip(words, i, 2) + 1
            ignore = True
            continue
        if word in _REFUSED and not (word == "REPLACE" and _previous_word(words, i) != "OR"):
            raise Unsupported(f"{_REFUSED[word]} (SQLite only): {sql.strip()[:80]}")
        if token == "?":
            out.append("%s")
        elif token.startswith(":") and token != "::":
            out.append(f"%({token[1:]})s")
        elif "%" in token:
            out.append(token.replace("%", "%%"))
        elif token == "end" and _previous(tokens, i) != ".":
            out.append('"end"')
        elif word == "JSON_EACH" and _next(tokens, i) == "(":
            close = _matching(tokens, _next_index(tokens, i))
            inner = to_postgres("".join(tokens[_next_index(tokens, i) + 1 : close]))
            out.append(f"json_array_elements_text(({inner})::json)")
            i = close + 1
            continue
        elif word == "ORDER" and _next_words(words, i, 1) == ["BY"]:
            end = _order_end(tokens, words, _skip(words, i, 1) + 1)
            start = _skip(words, i, 1) + 1
            out.append("ORDER BY ")
            out.append(_null_order(tokens[start:end]))
            i = end
            continue
        # Types in capitals (the project's style): a column may be named "text".
        elif create_table and token == "TEXT":
            out.append('TEXT COLLATE "C"')
        elif create_table and token == "BLOB":
            out.append("BYTEA")
        elif create_table and token == "INTEGER" and _next_words(words, i, 2) == ["PRIMARY", "KEY"]:
            out.append("INTEGER GENERATED BY DEFAULT AS IDENTITY")
        elif create_table and word == "WITHOUT" and _next_words(words, i, 1) == ["ROWID"]:
            i = _skip(words, i, 1) + 1
            continue
        else:
            out.append(token)
        i += 1
    text = "".join(out).rstrip()
    if ignore:
        text = text.rstrip(";").rstrip() + " ON CONFLICT DO NOTHING"
    return text


def _null_order(tokens: Sequence[str]) -> str:
    """ORDER BY terms with SQLite's NULL placement spelled out."""
    terms: list[list[str]] = [[]]
    depth = 0
    for token in tokens:
        depth += token == "("
        depth -= token == ")"
        if token == "," and depth == 0:
            terms.append([])
        else:
            terms[-1].append(token)
    done: list[str] = []
    for term in terms:
        text = to_postgres("".join(term)).strip()
        upper = [t.upper() for t in term if t.strip()]
        if "NULLS" not in upper:
            text += " NULLS LAST" if upper and upper[-1] == "DESC" else " NULLS FIRST"
        done.append(text)
    trailing = " " if tokens and not tokens[-1].strip() else ""
    return ", ".join(done) + trailing


def _order_end(tokens: Sequence[str], words: Sequence[str], start: int) -> int:
    """Where an ORDER BY clause starting at ``start`` ends (exclusive)."""
    depth = 0
    for i in range(start, len(tokens)):
        if tokens[i] == "(":
            depth += 1
        elif tokens[i] == ")":
            if depth == 0:
                return i
            depth -= 1
        elif depth == 0 and (words[i] in _ORDER_END or tokens[i] == ";"):
            return i
    return len(tokens)


def _matching(tokens: Sequence[str], open_at: int) -> int:
    depth = 0
    for i in range(open_at, len(tokens)):
        depth += tokens[i] == "("
        depth -= tokens[i] == ")"
        if depth == 0:
            return i
    raise ValueError("unbalanced parentheses in SQL")


def _starts_with(words: Sequence[str], *wanted: str) -> bool:
    return [w for w in words if w.strip()][: len(wanted)] == list(wanted)


def _next_index(tokens: Sequence[str], i: int) -> int:
    j = i + 1
    while j < len(tokens) and not tokens[j].strip():
        j += 1
    return j


def _next(tokens: Sequence[str], i: int) -> str | None:
    j = _next_index(tokens, i)
    return tokens[j] if j < len(tokens) else None


def _previous(tokens: Sequence[str], i: int) -> str | None:
    j = i - 1
    while j >= 0 and not tokens[j].strip():
        j -= 1
    return tokens[j] if j >= 0 else None


def _previous_word(words: Sequence[str], i: int) -> str | None:
    return _previous(words, i)


def _next_words(words: Sequence[str], i: int, n: int) -> list[str]:
    found: list[str] = []
    j = i
    while len(found) < n:
        j = _next_index(words, j)
        if j >= len(words):
            break
        found.append(words[j])
    return found


def _skip(words: Sequence[str], i: int, n: int) -> int:
    """The index of the n-th non-blank token after ``i``."""
    j = i
    for _ in range(n):
        j = _next_index(words, j)
    return j
