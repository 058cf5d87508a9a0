"""Story tables: what clustering reads, what it writes, and stories read back.

Clustering streams the canonical articles in publication order (those without a story
when it goes on from its saved state); copies take their canonical article's story. A
run's changes, and the state it saves (``cluster_state``), are written in one
transaction.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

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


@dataclass(frozen=True)
class StoryRecord:
    """A story's row as clustering knows it (the counts are the store's to make)."""

    id: str
    label: str
    headline: str
    names: list[str]
    storyline: str
    start: str | None
    end: str | None


@dataclass
class StoryDelta:
    """What one clustering run changes: articles' stories, merged stories, story rows.

    ``renamed`` pairs (old id, new id) in the order the merges happened; they apply after
    ``assigned``, so an article assigned to a story that a later merge renames follows it.
    """

    assigned: list[tuple[str, str]] = field(default_factory=list)  # article id, story id
    renamed: list[tuple[str, str]] = field(default_factory=list)
    stories: list[StoryRecord] = field(default_factory=list)
    recount: set[str] = field(default_factory=set)  # stories whose articles moved


def cluster_inputs(db: Connection, *, new_only: bool = False) -> Iterator[ClusterInput]:
    """Canonical articles (no copies) in publication order, undated ones last; with
    ``new_only`` those without a story yet."""
    new = " AND a.story IS NULL" if new_only else ""
    names: dict[str, list[str]] = {}
    for article_id, name in db.execute(
        "SELECT m.article_id, e.name FROM mentions m JOIN entities e ON e.id = m.entity_id "
        + (
            "WHERE m.article_id IN "
            f"(SELECT a.id FROM articles a WHERE a.duplicate_of IS NULL{new}) "
            if new_only
            else ""
        )
        # Ties by entity id: the order SQLite leaves them in, spelled out for PostgreSQL.
        + "GROUP BY m.article_id, e.id ORDER BY m.article_id, count(*) DESC, e.id"
    ):
        names.setdefault(article_id, []).append(name)
    rows = db.execute(
        "SELECT a.id, a.title, a.lead, lagebild_text(a.body) AS body, "
        "coalesce(a.published, a.published_inferred) AS day, a.language, v.vector "
        "FROM articles a LEFT JOIN article_vectors v ON v.article = a.seq "
        f"WHERE a.duplicate_of IS NULL{new} "
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


def write_delta(db: Connection, delta: StoryDelta, *, afresh: bool) -> None:
    """Apply a clustering run's changes (inside the caller's transaction).

    ``afresh``: the run clustered the whole store, so every earlier story goes first.
    Copies take their canonical article's story; the counts of every story and storyline
    a change reached are made again from the articles.
    """
    if afresh:
        db.execute("UPDATE articles SET story = NULL, storyline = NULL, clustered = NULL")
        db.execute("DELETE FROM stories")
        db.execute("DELETE FROM storylines")
    db.executemany(
        "UPDATE articles SET story = ? WHERE id = ? OR duplicate_of = ?",
        [(story, aid, aid) for aid, story in delta.assigned],
    )
    db.executemany(
        "UPDATE articles SET clustered = 1 WHERE id = ?", [(aid,) for aid, _ in delta.assigned]
    )
    lines: set[str] = set()
    for old, new in delta.renamed:
        lines.update(_lines_of(db, [old]))
        db.execute("UPDATE articles SET story = ? WHERE story = ?", (new, old))
        db.execute("DELETE FROM stories WHERE id = ?", (old,))
    ids = [record.id for record in delta.stories]
    if not afresh:  # after a run afresh the table is empty: no row to look up or replace
        lines.update(_lines_of(db, ids))
        db.executemany("DELETE FROM stories WHERE id = ?", [(i,) for i in ids])
    db.executemany(
        "INSERT INTO stories VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0)",
        [_story_values(r) for r in delta.stories],
    )
    counted = sorted(set(ids) | _copies_to_follow(db) | delta.recount)
    lines.update(_lines_of(db, counted))
    db.executemany(
        "UPDATE articles SET storyline = (SELECT s.storyline FROM stories s WHERE s.id = ?) "
        "WHERE story = ?",
        [(i, i) for i in counted],
    )
    db.executemany(
        "UPDATE stories SET "
        "articles = (SELECT count(*) FROM articles a WHERE a.story = stories.id), "
        "outlets = (SELECT count(DISTINCT a.outlet) FROM articles a "
        "WHERE a.story = stories.id AND a.duplicate_of IS NULL) WHERE id = ?",
        [(i,) for i in counted],
    )
    # A story whose articles all went to another (its canonical became a copy there).
    db.executemany("DELETE FROM stories WHERE id = ? AND articles = 0", [(i,) for i in counted])
    for line in sorted(lines):
        _write_storyline(db, line)


def _story_values(r: StoryRecord) -> tuple[str | None, ...]:
    names = json.dumps(r.names, ensure_ascii=False)
    return (r.id, r.label, r.headline, names, r.storyline, r.start, r.end)


def _lines_of(db: Connection, stories: list[str]) -> set[str]:
    """The storylines of these stories as the table has them now."""
    found: set[str] = set()
    for story in stories:
        row = db.execute("SELECT storyline FROM stories WHERE id = ?", (story,)).fetchone()
        if row is not None and row[0] is not None:
            found.add(str(row[0]))
    return found


def _copies_to_follow(db: Connection) -> set[str]:
    """Give copies whose story is not their canonical article's that story; return the
    stories they left or joined."""
    moves = db.execute(
        "SELECT a.id, c.story, a.story FROM articles a JOIN articles c ON c.id = a.duplicate_of "
        "WHERE c.story IS NOT NULL AND (a.story IS NULL OR a.story <> c.story)"
    ).fetchall()
    db.executemany("UPDATE articles SET story = ? WHERE id = ?", [(m[1], m[0]) for m in moves])
    return {str(m[1]) for m in moves} | {str(m[2]) for m in moves if m[2] is not None}


def _write_storyline(db: Connection, line: str) -> None:
    """A storyline's row made again from its stories' rows (gone if it has none left)."""
    db.execute("DELETE FROM storylines WHERE id = ?", (line,))
    rows = [
        _decoded(row)
        for row in db.execute(
            # Through the articles' storyline index: an index of stories by storyline
            # would cost every store its pages for this one lookup.
            "SELECT * FROM stories WHERE id IN "
            "(SELECT DISTINCT a.story FROM articles a WHERE a.storyline = ?) "
            "ORDER BY start IS NULL, start, id",
            (line,),
        )
        if row["storyline"] == line
    ]
    if not rows:
        return
    names: Counter[str] = Counter()
    for row in rows:
        names.update(row["names"])
    key = [name for name, _ in names.most_common(3)]
    biggest = max(rows, key=lambda row: int(row["articles"]))
    headline = biggest["headline"]
    label = f"{headline} ({', '.join(key)})" if headline and key else headline or ", ".join(key)
    starts = [row["start"] for row in rows if row["start"]]
    ends = [row["end"] for row in rows if row["end"]]
    db.execute(
        "INSERT INTO storylines VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            line,
            label or "(ohne Titel)",
            json.dumps(key, ensure_ascii=False),
            min(starts) if starts else None,
            max(ends) if ends else None,
            len(rows),
            sum(int(row["articles"]) for row in rows),
        ),
    )


def read_state(db: Connection) -> tuple[str, bytes] | None:
    """The saved clustering state: what it was made with, and its bytes."""
    row = db.execute("SELECT version, state FROM cluster_state WHERE id = 1").fetchone()
    return None if row is None else (str(row[0]), bytes(row[1]))


def save_state(db: Connection, version: str | None, data: bytes = b"") -> None:
    """Replace the saved clustering state (``version`` None: keep none)."""
    db.execute("DELETE FROM cluster_state WHERE id = 1")
    if version is not None:
        db.execute("INSERT INTO cluster_state VALUES (1, ?, ?)", (version, data))


def clustered_count(db: Connection) -> int:
    """Articles the clusterer was fed."""
    row = db.execute("SELECT count(*) FROM articles WHERE clustered = 1").fetchone()
    return int(row[0]) if row else 0


def hand_on_stories(db: Connection) -> tuple[int, set[str]]:
    """Clustered articles that dedup has made copies since: each hands its story to its
    new canonical article if that one is new (it takes the copy's place in the
    clusterer's count); else it just follows its canonical as copies do.

    Returns how many clustered articles left the count, and the stories touched.
    """
    rows = db.execute(
        "SELECT a.id, a.story, c.id, c.clustered, c.story FROM articles a "
        "JOIN articles c ON c.id = a.duplicate_of WHERE a.clustered = 1 ORDER BY a.seq"
    ).fetchall()
    left = 0
    touched: set[str] = set()
    taken: set[str] = set()
    for copy, story, canonical, canonical_clustered, canonical_story in rows:
        db.execute("UPDATE articles SET clustered = NULL WHERE id = ?", (copy,))
        touched.update(str(s) for s in (story, canonical_story) if s is not None)
        if canonical_clustered or canonical in taken or story is None:
            left += 1
            continue
        taken.add(canonical)
        db.execute("UPDATE articles SET story = ?, clustered = 1 WHERE id = ?", (story, canonical))
    return left, touched


def oldest_new_day(db: Connection) -> str | None:
    """The earliest date of a canonical article not clustered yet (None: none is dated)."""
    row = db.execute(
        "SELECT min(coalesce(published, published_inferred)) FROM articles "
        "WHERE duplicate_of IS NULL AND story IS NULL"
    ).fetchone()
    return None if row is None or row[0] is None else str(row[0])


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
