"""Quote tables: speakers linked to entities after resolution, quotes read by speaker."""

from __future__ import annotations

from typing import Any

from lagebild.store.dialect import Connection

# The speaker's entity: the mention a pronoun or role stands for, else the last resolved
# mention inside the speaker span ("Der US-Sondergesandte Steve Witkoff").
LINK_SPEAKERS = """
UPDATE quotes SET entity_id = coalesce(
    (
        SELECT m.entity_id FROM mentions m
        WHERE m.article_id = quotes.article_id AND m.start = quotes.antecedent_start
    ),
    (
        SELECT m.entity_id FROM mentions m
        WHERE m.article_id = quotes.article_id AND m.entity_id IS NOT NULL
        AND m.start >= quotes.speaker_start AND m.end <= quotes.speaker_end
        ORDER BY m.end DESC
        LIMIT 1
    )
)
"""


def link_speakers(db: Connection) -> None:
    """Set each quote's speaker entity from the resolved mentions (in a transaction)."""
    db.execute(LINK_SPEAKERS)


def quote_rows(
    db: Connection,
    *,
    entity_id: str | None = None,
    articles: list[str] | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Quotes with their speaker's entity and article, in date order."""
    sql = (
        "SELECT q.article_id, q.start, q.end, q.text, q.kind, q.speaker, q.cue, q.channel, "
        "q.entity_id, e.name AS speaker_entity, a.title, "
        "coalesce(a.published, a.published_inferred) AS published "
        "FROM quotes q JOIN articles a ON a.id = q.article_id "
        "LEFT JOIN entities e ON e.id = q.entity_id"
    )
    where: list[str] = []
    params: list[Any] = []
    if entity_id is not None:
        where.append("q.entity_id = ?")
        params.append(entity_id)
    if articles is not None:
        where.append(f"q.article_id IN ({', '.join('?' for _ in articles)})")
        params.extend(articles)
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY published, a.seq, q.start"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [dict(row) for row in db.execute(sql, params)]
