"""Event tables: per-article frames read back, merged events written and read.

Frames name participants as the article printed them ("Witkoffs"); once the store's
mentions are resolved, each printed name maps to its entity's canonical name through
the article's own mentions, and the frames of all articles are merged into events.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from lagebild.model import Event
from lagebild.store.dialect import Connection, Row
from lagebild.timespans import date_order


def frames(db: Connection) -> list[tuple[str, Event]]:
    """Every article's event frames, with participants as printed, in arrival order."""
    rows = db.execute(
        "SELECT f.* FROM event_frames f JOIN articles a ON a.id = f.article_id "
        "ORDER BY a.seq, f.seq"
    )
    return [(row["article_id"], _event(row, articles=[row["article_id"]])) for row in rows]


def printed_names(db: Connection) -> dict[tuple[str, str], tuple[str, str]]:
    """(article id, name as printed) -> (canonical name, type) of its resolved entity."""
    rows = db.execute(
        "SELECT m.article_id, m.text, e.name, e.type FROM mentions m "
        "JOIN entities e ON e.id = m.entity_id "
        # A name printed twice may resolve twice; the last one wins. This is the order
        # SQLite reads the mentions_entity index in, spelled out for PostgreSQL.
        "ORDER BY m.entity_id, m.article_id, m.start"
    )
    return {(article_id, text): (name, kind) for article_id, text, name, kind in rows}


def write_events(db: Connection, events: Iterable[Event]) -> None:
    """Replace the merged events (inside the caller's transaction)."""
    db.execute("DELETE FROM events")
    db.executemany(
        "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
        "type = excluded.type, kind = excluded.kind, status = excluded.status, "
        "date = excluded.date, place = excluded.place, participants = excluded.participants, "
        "evidence = excluded.evidence, articles = excluded.articles",
        [
            (
                event_id(e),
                *(e.type, e.kind, e.status, e.date, e.place),
                json.dumps(e.participants, ensure_ascii=False),
                e.evidence,
                json.dumps(e.articles),
            )
            for e in events
        ],
    )


def event_rows(
    db: Connection,
    *,
    entity: str | None = None,
    articles: Iterable[str] | None = None,
    limit: int | None = None,
) -> list[tuple[str, Event]]:
    """(id, event) in date order; only those with ``entity`` (a canonical name) among the
    participants, or reported by one of ``articles``, when given."""
    # By the days the dates cover, which their text does not sort ("2025-W48-WE").
    rows = sorted(
        db.execute("SELECT * FROM events"),
        key=lambda row: (date_order(row["date"]), row["type"], row["id"]),
    )
    wanted = set(articles) if articles is not None else None
    found: list[tuple[str, Event]] = []
    for row in rows:
        event = _event(row, articles=json.loads(row["articles"]))
        if entity is not None and entity not in event.participants:
            continue
        if wanted is not None and not wanted.intersection(event.articles):
            continue
        found.append((str(row["id"]), event))
        if limit is not None and len(found) >= limit:
            break
    return found


def event_id(event: Event) -> str:
    """A stable id: the same type, date, place, participants and first source, the same id."""
    key = json.dumps(
        [event.type, event.date, event.place, event.participants, sorted(event.articles)[:1]]
    )
    return "ev:" + hashlib.sha1(key.encode()).hexdigest()[:12]


def _event(row: Row, *, articles: list[str]) -> Event:
    data: dict[str, Any] = dict(row)
    return Event(
        type=data["type"],
        date=data["date"],
        place=data["place"],
        participants=json.loads(data["participants"]),
        evidence=data["evidence"],
        articles=articles,
        kind=data["kind"],
        status=data["status"],
        date_from_text=bool(data.get("date_from_text", True)),
    )
