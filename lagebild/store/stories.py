"""Story tables: what clustering reads, what it writes, and stories read back.

Clustering streams the canonical articles in publication order; copies take their
canonical article's story. A run's result replaces the story columns of the articles
and the ``stories`` and ``storylines`` tables in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lagebild.model import Story, Storyline
from lagebild.store import vectors
from lagebild.store.dialect import Connection, Row
from lagebild.store.vectors import F32


@dataclass
class ClusterInput:
    """One canonical article as clustering reads it."""

    article_id: str
    title: str
    text: str
    published: str | None
    language: str | None
    entities: list[str] = field(default_factory=list)
    embedding: F32 | None = None  # of headline and lead, if the store keeps embeddings


@dataclass
class StoryRow:
    """A story with what its label is made of and its counts."""

    story: Story
    headline: str
    names: list[str]
    storyline: str | None
    outlets: int


@dataclass
class StorylineRow:
    """A storyline with its key names and counts."""

    storyline: Storyline
    names: list[str]
    articles: int


def cluster_inputs(db: Connection) -> Iterator[ClusterInput]:
    """Canonical articles (no copies) in publication order, undated ones last."""
    names: dict[str, list[str]] = {}
    for article_id, name in db.execute(
        "SELECT m.article_id, e.name FROM mentions m JOIN entities e ON e.id = m.entity_id "
        # Ties by entity id: the order SQLite leaves them in, spelled out for PostgreSQL.
        "GROUP BY m.article_id, e.id ORDER BY m.article_id, count(*) DESC, e.id"
    ):
        names.setdefault(article_id, []).append(name)
    rows = db.execute(
        "SELECT a.id, a.title, a.lead, lagebild_text(a.body) AS body, "
        "coalesce(a.published, a.published_inferred) AS day, a.language, v.vector "
        "FROM articles a LEFT JOIN article_vectors v ON v.article = a.seq "
        "WHERE a.duplicate_of IS NULL "
        # The expression, not its alias, in "IS NULL": PostgreSQL reads a name inside an
        # ORDER BY expression as a table column.
        "ORDER BY coalesce(a.published, a.published_inferred) IS NULL, day, a.seq"
    )
    for row in rows:
        text = "\n\n".join(part for part in (row["lead"], row["body"]) if part)
        vector = row["vector"]
        yield ClusterInput(
            row["id"],
            row["title"] or "",
            text,
            row["day"],
            row["language"],
            names.get(row["id"], []),
            None if vector is None else vectors.unpack(bytes(vector)),
        )


def write_stories(
    db: Connection,
    story_of: dict[str, str],
    storyline_of: dict[str, str],
    stories: list[StoryRow],
    storylines: list[StorylineRow],
) -> None:
    """Replace the story assignment of every article and the two tables (in a transaction).

    ``story_of`` maps canonical article ids to story ids; copies follow their canonical.
    """
    db.execute("UPDATE articles SET story = NULL, storyline = NULL")
    db.executemany(
        "UPDATE articles SET story = ?, storyline = ? WHERE id = ? OR duplicate_of = ?",
        [(story, storyline_of.get(story), aid, aid) for aid, story in story_of.items()],
    )
    db.execute("DELETE FROM stories")
    db.execute("DELETE FROM storylines")
    db.executemany(
        "INSERT INTO stories VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                *(r.story.id, r.story.label, r.headline, json.dumps(r.names, ensure_ascii=False)),
                *(r.storyline, r.story.start, r.story.end, len(r.story.articles), r.outlets),
            )
            for r in stories
        ],
    )
    db.executemany(
        "INSERT INTO storylines VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                *(r.storyline.id, r.storyline.label, json.dumps(r.names, ensure_ascii=False)),
                *(r.storyline.start, r.storyline.end, len(r.storyline.stories), r.articles),
            )
            for r in storylines
        ],
    )
    # Copies belong to their canonical article's story: count them too.
    for table, column in (("stories", "story"), ("storylines", "storyline")):
        db.execute(
            f"UPDATE {table} SET articles = "
            f"(SELECT count(*) FROM articles a WHERE a.{column} = {table}.id)"
        )


def story_rows(
    db: Connection, *, storyline: str | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Stories, latest first, optionally of one storyline."""
    sql = "SELECT * FROM stories"
    params: list[Any] = []
    if storyline is not None:
        sql += " WHERE storyline = ?"
        params.append(storyline)
    sql += " ORDER BY end DESC, articles DESC, id"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [_decoded(row) for row in db.execute(sql, params)]


def storyline_rows(db: Connection, *, limit: int | None = None) -> list[dict[str, Any]]:
    """Storylines, latest first."""
    sql = "SELECT * FROM storylines ORDER BY end DESC, articles DESC, id"
    params: list[Any] = [] if limit is None else [limit]
    if limit is not None:
        sql += " LIMIT ?"
    return [_decoded(row) for row in db.execute(sql, params)]


# Whole SQL texts, so no table name is ever put into a query string.
_BY_ID = {
    "stories": "SELECT * FROM stories WHERE id = ?",
    "storylines": "SELECT * FROM storylines WHERE id = ?",
}


def row_by_id(db: Connection, table: str, row_id: str) -> dict[str, Any] | None:
    """One story or storyline (``table`` 'stories' or 'storylines') by id, or None."""
    sql = _BY_ID.get(table)
    if sql is None:
        raise ValueError(f"not a story table: {table!r}")
    row = db.execute(sql, (row_id,)).fetchone()
    return _decoded(row) if row is not None else None


def story_articles(db: Connection, column: str, value: str) -> list[dict[str, Any]]:
    """The articles of a story or storyline (``column`` 'story' or 'storyline'), by date."""
    if column not in ("story", "storyline"):
        raise ValueError(f"not a story column: {column!r}")
    rows = db.execute(
        "SELECT id, title, lead, outlet, source, duplicate_of, "
        "coalesce(published, published_inferred) AS published FROM articles "
        f"WHERE {column} = ? ORDER BY published, seq",
        (value,),
    )
    return [dict(row) for row in rows]


def _decoded(row: Row) -> dict[str, Any]:
    data = dict(row)
    data["names"] = json.loads(data["names"])
    return data
