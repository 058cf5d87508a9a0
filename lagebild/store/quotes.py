"""Quote tables: speakers linked to entities after resolution, quotes read by speaker.

A quote's text (and a time expression's) is the reading text between its offsets, so the
store keeps it NULL and cuts it from the article's text when read (:class:`SlicedTexts`);
only a text that differs from that slice is stored. Every reader of ``quotes.text``
goes through ``SlicedTexts``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from lagebild.model import reading_text
from lagebild.store.dialect import Connection

# The speaker's entity: the mention a pronoun or role stands for, else the last resolved
# mention inside the speaker span ("Der US-Sondergesandte Steve Witkoff").
LINK_SPEAKERS = """
UPDATE quote_rows SET entity_id = coalesce(
    (
        SELECT e.id FROM mention_rows m JOIN entities e ON e.num = m.entity
        WHERE m.article = quote_rows.article AND m.start = quote_rows.antecedent_start
    ),
    (
        SELECT e.id FROM mention_rows m JOIN entities e ON e.num = m.entity
        WHERE m.article = quote_rows.article
        AND m.start >= quote_rows.speaker_start AND m.end <= quote_rows.speaker_end
        ORDER BY m.end DESC
        LIMIT 1
    )
)
"""


def stored_text(text: str, start: int, end: int, reading: str) -> str | None:
    """What to store for an annotation's text: NULL when it is the slice at its offsets."""
    return None if reading[start:end] == text else text


def stored_reading_text(
    title: str | None, lead: str | None, subheadings: list[str], body: str
) -> str:
    """The reading text as it is read back from the stored columns (``body`` as stored).

    Texts are compared with this, not with the article's own reading text, so that a
    text is left out only when reading it back gives exactly the same words.
    """
    return reading_text(title, lead, subheadings, body.split("\n\n") if body else [])


def article_reading_text(db: Connection, article_id: str) -> str:
    """The reading text of one stored article ('' if there is none)."""
    row = db.execute(
        "SELECT title, lead, subheadings, lagebild_text(body) FROM articles WHERE id = ?",
        (article_id,),
    ).fetchone()
    if row is None:
        return ""
    return stored_reading_text(row[0], row[1], json.loads(row[2]), row[3])


class SlicedTexts:
    """Texts of quotes as printed: the stored text, or the reading text at the offsets.

    Rows come grouped by article, so the last few articles' texts are kept.
    """

    KEEP = 8

    def __init__(self, db: Connection) -> None:
        self.db = db
        self._texts: dict[str, str] = {}

    def reading(self, article_id: str) -> str:
        """The article's reading text, read once for consecutive rows of one article."""
        text = self._texts.get(article_id)
        if text is None:
            if len(self._texts) >= self.KEEP:
                self._texts.pop(next(iter(self._texts)))
            text = self._texts[article_id] = article_reading_text(self.db, article_id)
        return text

    def text(self, article_id: str, start: int, end: int, stored: str | None) -> str:
        """The text of the annotation at ``start``..``end`` of the article."""
        return stored if stored is not None else self.reading(article_id)[start:end]

    def fill(self, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """``rows`` (with article_id, start, end, text) with every text filled in."""
        done = []
        for row in rows:
            row["text"] = self.text(row["article_id"], row["start"], row["end"], row["text"])
            done.append(row)
        return done


def drop_sliced_texts(db: Connection) -> None:
    """Set quote and time-expression texts that equal their slice to NULL (migration m009)."""
    last = -1
    while True:
        rows = db.execute(
            # Plain bodies: this runs in migration m009, before m011 compressed them.
            "SELECT seq, id, title, lead, subheadings, body FROM articles WHERE seq > ? "
            "ORDER BY seq LIMIT 500",
            (last,),
        ).fetchall()
        if not rows:
            return
        for seq, article_id, title, lead, subheadings, body in rows:
            last = int(seq)
            text = stored_reading_text(title, lead, json.loads(subheadings), body)
            for table in ("quotes", "timexes"):
                found = db.execute(
                    f"SELECT start, end, text FROM {table} "
                    "WHERE article_id = ? AND text IS NOT NULL",
                    (article_id,),
                ).fetchall()
                db.executemany(
                    f"UPDATE {table} SET text = NULL WHERE article_id = ? AND start = ?",
                    [
                        (article_id, start)
                        for start, end, stored in found
                        if stored_text(stored, start, end, text) is None
                    ],
                )


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
    return SlicedTexts(db).fill(dict(row) for row in db.execute(sql, params))
