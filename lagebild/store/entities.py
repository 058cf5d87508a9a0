"""Entity tables: mentions read back for resolution, resolutions written, entities looked up.

Resolution runs over every mention in the store at once; its result is written over the
stored one in one transaction (only the rows that changed): a reader sees the old
entities or the new ones, never a mix.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lagebild.model import Entity, Mention
from lagebild.resolve.records import MentionDoc, Resolution
from lagebild.store.dialect import Connection, Row, dialect_of


@dataclass
class EntityDetail:
    """One entity with what the store knows around it, for the CLI, the API and the UI."""

    entity: Entity
    mentions: int
    articles: list[dict[str, Any]] = field(default_factory=list)  # id, title, published
    roles: list[dict[str, Any]] = field(default_factory=list)  # role, article_id, published
    cooccurring: list[dict[str, Any]] = field(default_factory=list)  # id, name, type, articles


def mention_docs(db: Connection, reading_texts: dict[str, str] | None) -> Iterator[MentionDoc]:
    """Each article's mentions with its reading text and date, in arrival order.

    ``reading_texts`` maps article ids to the text the mentions point into; articles
    without one are skipped. With None, every article's mentions come with an empty
    text (the texts are then streamed separately, see ``Store.resolve_inputs``).
    """
    rows = db.execute(
        "SELECT a.id AS article_id, m.start, m.end, m.text, m.label, "
        "coalesce(a.published, a.published_inferred) AS published "
        "FROM mention_rows m JOIN articles a ON a.seq = m.article ORDER BY m.article, m.start"
    )
    current: MentionDoc | None = None
    for row in rows:
        article_id = row["article_id"]
        if current is None or current.article_id != article_id:
            if current is not None:
                yield current
            text = reading_texts.get(article_id) if reading_texts is not None else ""
            current = (
                MentionDoc(article_id, text, [], row["published"]) if text is not None else None
            )
            if current is None:
                continue
        current.mentions.append(Mention(row["text"], row["start"], row["end"], row["label"]))
    if current is not None:
        yield current


def write_resolution(db: Connection, resolution: Resolution) -> None:
    """Write ``resolution`` over the stored one (inside the caller's transaction).

    Only what changed is written: entity rows that are new, changed or gone, the
    mentions whose entity is another, and the mentions resolution found untagged. An
    entity keeps its number (``num``, the key of the mention rows) from run to run, so a
    run that adds a few articles to a large store rewrites a few rows, not every mention
    of the store.
    """
    articles: dict[str, set[str]] = {}
    for (article_id, _start), entity_id in resolution.links.items():
        articles.setdefault(entity_id, set()).add(article_id)
    stored = {
        str(row[0]): (int(row[1]), tuple(row[2:]))
        for row in db.execute(
            "SELECT id, num, name, type, forms, roles, mentions, articles FROM entities"
        )
    }
    free = max((num for num, _ in stored.values()), default=0) + 1
    rows: dict[str, tuple[int, tuple[Any, ...]]] = {}
    for e in resolution.entities:
        values = (
            e.name,
            e.type,
            json.dumps(e.forms, ensure_ascii=False),
            json.dumps(e.roles, ensure_ascii=False),
            resolution.mention_counts.get(e.id, 0),
            len(articles.get(e.id, ())),
        )
        known = stored.get(e.id)
        if known is None:
            rows[e.id] = (free, values)
            free += 1
        else:
            rows[e.id] = (known[0], values)
    changed = [
        (eid, num, values)
        for eid, (num, values) in rows.items()
        if stored.get(eid) != (num, values)
    ]
    gone = [eid for eid in stored if eid not in rows]
    # Names the tagger missed and resolution found become mention rows (linked below).
    db.executemany(
        "INSERT OR IGNORE INTO mention_rows (article, start, end, text, label) "
        "SELECT seq, ?, ?, ?, ? FROM articles WHERE id = ?",
        [(m.start, m.end, m.text, m.label, aid) for aid, m in resolution.added],
    )
    moves = _moved_mentions(db, resolution, rows)
    db.execute("DELETE FROM entity_roles")  # they name entities: first out, last in
    db.executemany("DELETE FROM entities WHERE id = ?", [(eid,) for eid in gone])
    db.executemany(
        "UPDATE entities SET name = ?, type = ?, forms = ?, roles = ?, mentions = ?, "
        "articles = ? WHERE id = ?",
        [(*values, eid) for eid, _num, values in changed if eid in stored],
    )
    db.executemany(
        "INSERT INTO entities (id, name, type, forms, roles, mentions, articles, num) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(eid, *values, num) for eid, num, values in changed if eid not in stored],
    )
    db.executemany("UPDATE mention_rows SET entity = ? WHERE article = ? AND start = ?", moves)
    db.executemany(
        "INSERT INTO entity_roles VALUES (?, ?, ?, ?)",
        [(s.entity_id, s.role, s.article_id, s.published) for s in resolution.sightings],
    )


def _moved_mentions(
    db: Connection, resolution: Resolution, rows: dict[str, tuple[int, tuple[Any, ...]]]
) -> list[tuple[int | None, int, int]]:
    """(new entity number or None, article seq, start) of the mentions whose entity is
    another than the stored one; the mention rows are read in one pass."""
    seq_of = {str(aid): int(seq) for aid, seq in db.execute("SELECT id, seq FROM articles")}
    wanted = {
        (seq_of[aid], start): rows[eid][0]
        for (aid, start), eid in resolution.links.items()
        if aid in seq_of
    }
    get = wanted.get
    return [
        (num, seq, start)
        for seq, start, entity in db.execute("SELECT article, start, entity FROM mention_rows")
        if (num := get((seq, start))) != entity
    ]


def entity_rows(
    db: Connection, *, label: str | None = None, limit: int | None = None
) -> list[tuple[Entity, int, int]]:
    """Entities with their mention and article counts, most mentioned first."""
    sql = "SELECT * FROM entities"
    params: list[Any] = []
    if label is not None:
        sql += " WHERE type = ?"
        params.append(label)
    # Ties by id: the order SQLite leaves them in (its table order), spelled out.
    sql += " ORDER BY articles DESC, mentions DESC, name, id"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [(_entity(row), row["mentions"], row["articles"]) for row in db.execute(sql, params)]


# The name ignoring case: SQLite's NOCASE and PostgreSQL's lower() under the C collation
# (the store's text columns) both fold ASCII letters only.
_FIND = {
    "sqlite": "SELECT * FROM entities WHERE id = ? OR name = ? COLLATE NOCASE "
    "ORDER BY mentions DESC LIMIT 1",
    "postgres": "SELECT * FROM entities WHERE id = ? OR lower(name) = lower(?) "
    "ORDER BY mentions DESC LIMIT 1",
}


def find_entity(db: Connection, name: str) -> Entity | None:
    """The entity with this id, canonical name or surface form (case-insensitive)."""
    row = db.execute(_FIND[dialect_of(db)], (name, name)).fetchone()
    if row is None:
        wanted = name.casefold()
        for candidate in db.execute("SELECT * FROM entities ORDER BY mentions DESC"):
            if any(form.casefold() == wanted for form in json.loads(candidate["forms"])):
                row = candidate
                break
    return _entity(row) if row is not None else None


def entity_detail(db: Connection, entity: Entity, *, limit: int = 50) -> EntityDetail:
    """Articles, dated roles and co-occurring entities of one entity."""
    mentions = db.execute(
        "SELECT count(*) FROM mentions WHERE entity_id = ?", (entity.id,)
    ).fetchone()[0]
    articles = [
        dict(row)
        for row in db.execute(
            "SELECT a.id, a.title, a.lead, "
            "coalesce(a.published, a.published_inferred) AS published, "
            "count(*) AS mentions FROM mentions m JOIN articles a ON a.id = m.article_id "
            "WHERE m.entity_id = ? GROUP BY a.seq ORDER BY published, a.seq LIMIT ?",
            (entity.id, limit),
        )
    ]
    roles = [
        dict(row)
        for row in db.execute(
            "SELECT role, article_id, published FROM entity_roles WHERE entity_id = ? "
            "ORDER BY published, role",
            (entity.id,),
        )
    ]
    cooccurring = [
        dict(row)
        for row in db.execute(
            "SELECT e.id, e.name, e.type, count(DISTINCT m.article_id) AS articles "
            "FROM mentions m JOIN mentions o ON o.article_id = m.article_id "
            "JOIN entities e ON e.id = o.entity_id "
            "WHERE m.entity_id = ? AND o.entity_id != ? "
            "GROUP BY e.id ORDER BY articles DESC, e.name LIMIT ?",
            (entity.id, entity.id, limit),
        )
    ]
    return EntityDetail(entity, mentions, articles, roles, cooccurring)


def _entity(row: Row) -> Entity:
    return Entity(
        id=row["id"],
        name=row["name"],
        type=row["type"],
        forms=json.loads(row["forms"]),
        roles=json.loads(row["roles"]),
    )
