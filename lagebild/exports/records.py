"""The four tables every tabular export writes: articles, entities, events, quotes.

Each table has a fixed column list with a type, so a CSV header and a Parquet schema
are the same whether the store holds a thousand rows or none. ``ExportOptions`` narrows
every table to a storyline or to an entity:

- storyline: its articles, the quotes in them, the events they report, the entities
  they name;
- entity: the articles naming it, the quotes it said, the events it took part in, the
  entities named in the same articles.

Rows are read with plain SQL from one connection (the CLI's store or the web's
read-only connection) and yielded one at a time, so a large store is never held in
memory by the row-based formats.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from lagebild.store.dialect import Connection
from lagebild.store.quotes import SlicedTexts
from lagebild.timespans import iso_span

ColumnType = Literal["str", "int", "list"]
TABLES = ("articles", "entities", "events", "quotes")
COLUMNS: dict[str, tuple[tuple[str, ColumnType], ...]] = {
    "articles": (
        ("id", "str"),
        ("source", "str"),
        ("title", "str"),
        ("kicker", "str"),
        ("lead", "str"),
        ("published", "str"),
        ("published_inferred", "str"),
        ("outlet", "str"),
        ("section", "str"),
        ("language", "str"),
        ("url", "str"),
        ("dateline", "str"),
        ("agencies", "list"),
        ("authors", "list"),
        ("tags", "list"),
        ("duplicate_of", "str"),
        ("story", "str"),
        ("storyline", "str"),
        ("body", "str"),
    ),
    "entities": (
        ("id", "str"),
        ("name", "str"),
        ("type", "str"),
        ("forms", "list"),
        ("roles", "list"),
        ("mentions", "int"),
        ("articles", "int"),
    ),
    "events": (
        ("id", "str"),
        ("type", "str"),
        ("kind", "str"),
        ("status", "str"),
        ("date", "str"),
        ("date_first", "str"),
        ("date_last", "str"),
        ("place", "str"),
        ("participants", "list"),
        ("evidence", "str"),
        ("articles", "list"),
    ),
    "quotes": (
        ("article_id", "str"),
        ("start", "int"),
        ("end", "int"),
        ("text", "str"),
        ("kind", "str"),
        ("speaker", "str"),
        ("speaker_entity_id", "str"),
        ("speaker_entity", "str"),
        ("cue", "str"),
        ("channel", "str"),
        ("published", "str"),
        ("article_title", "str"),
    ),
}


class ExportError(Exception):
    """An export that cannot be made as asked; ``code`` says why (not_found, bad_request)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ExportOptions:
    """What to export: one table (None: all, where the format allows) and a selection.

    ``entity`` is an entity id; ``storyline`` a storyline id. ``check`` says whether both
    exist, so a typo gives an error instead of an empty file.
    """

    table: str | None = None
    storyline: str | None = None
    entity: str | None = None

    def check(self, db: Connection) -> None:
        """Raise ExportError when the table is unknown or the selection names nothing."""
        if self.table is not None and self.table not in TABLES:
            raise ExportError("bad_request", f"no table {self.table!r}; one of {', '.join(TABLES)}")
        if (
            self.storyline is not None
            and not db.execute(
                "SELECT 1 FROM storylines WHERE id = ?", (self.storyline,)
            ).fetchone()
        ):
            raise ExportError("not_found", f"no storyline with id {self.storyline!r}")
        if (
            self.entity is not None
            and not db.execute("SELECT 1 FROM entities WHERE id = ?", (self.entity,)).fetchone()
        ):
            raise ExportError("not_found", f"no entity with id {self.entity!r}")


def _list(value: str | None) -> list[str]:
    return [str(item) for item in json.loads(value or "[]")]


def _where(clauses: list[tuple[str, Any]]) -> tuple[str, list[Any]]:
    kept = [(sql, value) for sql, value in clauses if value is not None]
    # "1 = 1", not "1": PostgreSQL wants a boolean after WHERE.
    return " AND ".join(sql for sql, _ in kept) or "1 = 1", [value for _, value in kept]


def article_rows(db: Connection, options: ExportOptions) -> Iterator[dict[str, Any]]:
    """Articles in arrival order, list columns decoded."""
    where, params = _where(
        [
            ("a.storyline = ?", options.storyline),
            ("a.id IN (SELECT article_id FROM mentions WHERE entity_id = ?)", options.entity),
        ]
    )
    sql = f"SELECT a.*, lagebild_text(a.body) AS body_text FROM articles a WHERE {where}"
    for row in db.execute(sql + " ORDER BY a.seq", params):
        record: dict[str, Any] = {}
        for name, kind in COLUMNS["articles"]:
            record[name] = _list(row[name]) if kind == "list" else row[name]
        record["body"] = row["body_text"]
        yield record


def entity_rows(db: Connection, options: ExportOptions) -> Iterator[dict[str, Any]]:
    """Entities named in the selected articles, most widely reported first."""
    where, params = _where(
        [
            (
                "e.id IN (SELECT m.entity_id FROM mentions m JOIN articles a "
                "ON a.id = m.article_id WHERE a.storyline = ?)",
                options.storyline,
            ),
            (
                "e.id IN (SELECT m.entity_id FROM mentions m WHERE m.article_id IN "
                "(SELECT article_id FROM mentions WHERE entity_id = ?))",
                options.entity,
            ),
        ]
    )
    rows = db.execute(
        f"SELECT * FROM entities e WHERE {where} ORDER BY e.articles DESC, e.mentions DESC, e.id",
        params,
    )
    for row in rows:
        yield {
            "id": row["id"],
            "name": row["name"],
            "type": row["type"],
            "forms": _list(row["forms"]),
            "roles": _list(row["roles"]),
            "mentions": int(row["mentions"]),
            "articles": int(row["articles"]),
        }


def event_rows(db: Connection, options: ExportOptions) -> Iterator[dict[str, Any]]:
    """Events by their first day (undated last), with the days their date covers."""
    where, params = _where(
        [
            (
                "EXISTS (SELECT 1 FROM json_each(ev.articles) j "
                "WHERE j.value IN (SELECT id FROM articles WHERE storyline = ?))",
                options.storyline,
            ),
            (
                "EXISTS (SELECT 1 FROM json_each(ev.participants) p "
                "WHERE p.value = (SELECT name FROM entities WHERE id = ?))",
                options.entity,
            ),
        ]
    )
    records = []
    for row in db.execute(f"SELECT * FROM events ev WHERE {where}", params):
        first, last = iso_span(row["date"])
        records.append(
            {
                "id": row["id"],
                "type": row["type"],
                "kind": row["kind"],
                "status": row["status"],
                "date": row["date"],
                "date_first": first,
                "date_last": last,
                "place": row["place"],
                "participants": _list(row["participants"]),
                "evidence": row["evidence"],
                "articles": _list(row["articles"]),
            }
        )
    records.sort(key=lambda r: (r["date_first"] is None, r["date_first"] or "", r["id"]))
    yield from records


def quote_rows(db: Connection, options: ExportOptions) -> Iterator[dict[str, Any]]:
    """Quotes in the date order of their articles, with the speaker's entity."""
    where, params = _where(
        [("a.storyline = ?", options.storyline), ("q.entity_id = ?", options.entity)]
    )
    rows = db.execute(
        "SELECT q.*, e.name AS entity_name, a.title AS article_title, "
        "coalesce(a.published, a.published_inferred) AS day FROM quotes q "
        "JOIN articles a ON a.id = q.article_id LEFT JOIN entities e ON e.id = q.entity_id "
        # The expression, not its alias, in "IS NULL": PostgreSQL reads a name inside an
        # ORDER BY expression as a table column.
        f"WHERE {where} ORDER BY coalesce(a.published, a.published_inferred) IS NULL, day, "
        "a.seq, q.start",
        params,
    )
    texts = SlicedTexts(db)
    for row in rows:
        yield {
            "article_id": row["article_id"],
            "start": int(row["start"]),
            "end": int(row["end"]),
            "text": texts.text(row["article_id"], row["start"], row["end"], row["text"]),
            "kind": row["kind"],
            "speaker": row["speaker"],
            "speaker_entity_id": row["entity_id"],
            "speaker_entity": row["entity_name"],
            "cue": row["cue"],
            "channel": row["channel"],
            "published": row["day"],
            "article_title": row["article_title"],
        }


ROWS = {
    "articles": article_rows,
    "entities": entity_rows,
    "events": event_rows,
    "quotes": quote_rows,
}


def rows(db: Connection, table: str, options: ExportOptions) -> Iterator[dict[str, Any]]:
    """The rows of one table under the options' selection."""
    return ROWS[table](db, options)


@dataclass(frozen=True)
class KeyEntity:
    """An entity named in a set of articles, and in how many of them."""

    id: str
    name: str
    type: str
    articles: int


def key_entities(
    db: Connection, column: str, value: str, *, types: tuple[str, ...], limit: int
) -> list[KeyEntity]:
    """The entities of ``types`` named in most articles of a story or storyline.

    ``column`` is ``story`` or ``storyline``: the article column the set is chosen by.
    """
    if column not in ("story", "storyline"):
        raise ValueError(f"not a story column: {column!r}")
    marks = ", ".join("?" for _ in types)
    found = db.execute(
        "SELECT e.id, e.name, e.type, count(DISTINCT m.article_id) AS n FROM articles a "
        "JOIN mentions m ON m.article_id = a.id JOIN entities e ON e.id = m.entity_id "
        f"WHERE a.{column} = ? AND e.type IN ({marks}) "
        "GROUP BY e.id ORDER BY n DESC, e.articles DESC, e.name LIMIT ?",
        [value, *types, limit],
    )
    return [KeyEntity(str(i), str(name), str(kind), int(n)) for i, name, kind, n in found]
