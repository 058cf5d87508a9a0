"""Read-only queries for stories, storylines, events, quotes, timelines and the network.

The clustering, events and resolve stages write the ``stories``, ``storylines``,
``events`` and ``quotes`` tables; the pages and the API read them here, through the
same read-only connection as ``queries``. Event dates are TIMEX3 values (a day, a
week, a weekend, an interval); ``day_first`` and ``day_last``, registered on the
connection, turn them into days so SQL can filter and sort events by date.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lagebild.exports.records import KeyEntity, key_entities
from lagebild.model import Entity
from lagebild.store import Store
from lagebild.store.quotes import SlicedTexts
from lagebild.timeline import Entry, articles_timeline, entity_timeline
from lagebild.timespans import iso_span
from lagebild.web.queries import (
    EFFECTIVE_DATE,
    SUMMARY_COLUMNS,
    ArticleSummary,
    Listing,
    article_heading,
    summary_of,
)

# People and organisations shown as a storyline's or story's key entities.
KEY_ENTITIES = 12
# Quotes and events shown on a story, storyline or entity page before "more".
PAGE_ITEMS = 100


@dataclass(frozen=True)
class StorylineSummary:
    """A storyline as the storylines table holds it."""

    id: str
    label: str
    names: list[str]
    start: str | None
    end: str | None
    stories: int
    articles: int


@dataclass(frozen=True)
class StorySummary:
    """A story as the stories table holds it; ``title`` is what a page shows."""

    id: str
    label: str
    headline: str
    names: list[str]
    storyline: str | None
    start: str | None
    end: str | None
    articles: int
    outlets: int

    @property
    def title(self) -> str:
        """The headline, else the label (a story of undated agency copies has no headline)."""
        return self.headline or self.label


@dataclass(frozen=True)
class Participant:
    """A participant of an event: the canonical name and its entity, if one holds it."""

    name: str
    entity_id: str | None


@dataclass(frozen=True)
class EventRow:
    """An event merged across articles, with the days its date covers."""

    id: str
    type: str
    kind: str
    status: str
    date: str | None
    date_first: str | None
    date_last: str | None
    place: str | None
    participants: list[Participant]
    evidence: str
    articles: list[str]


@dataclass(frozen=True)
class QuoteRow:
    """A quote with its speaker's entity and its article's date and title."""

    article_id: str
    start: int
    end: int
    text: str
    kind: str
    speaker: str | None
    entity_id: str | None
    entity_name: str | None
    cue: str | None
    channel: str | None
    date: str | None
    article_title: str | None


@dataclass(frozen=True)
class StoryArticle:
    """A canonical article of a story, with its syndicated copies folded under it."""

    article: ArticleSummary
    copies: list[ArticleSummary] = field(default_factory=list)


@dataclass(frozen=True)
class OutletGroup:
    """A story's articles from one outlet (None: the page named no outlet)."""

    outlet: str | None
    articles: list[StoryArticle]


@dataclass(frozen=True)
class StoryDetail:
    """Everything the story page shows."""

    story: StorySummary
    storyline: StorylineSummary | None
    outlets: list[OutletGroup]
    people: list[KeyEntity]
    quotes: list[QuoteRow]
    events: list[EventRow]


@dataclass(frozen=True)
class StorylineDetail:
    """Everything the storyline page shows."""

    storyline: StorylineSummary
    stories: list[StorySummary]
    people: list[KeyEntity]
    organisations: list[KeyEntity]
    events: list[EventRow]
    quotes: list[QuoteRow]


def register_functions(db: sqlite3.Connection) -> None:
    """``day_first(value)`` and ``day_last(value)``: the days a TIMEX3 value covers."""
    db.create_function("day_first", 1, lambda v: iso_span(v)[0], deterministic=True)
    db.create_function("day_last", 1, lambda v: iso_span(v)[1], deterministic=True)


def _names(value: str | None) -> list[str]:
    return [str(n) for n in json.loads(value or "[]")]


def _storyline(row: sqlite3.Row) -> StorylineSummary:
    return StorylineSummary(
        row["id"],
        row["label"],
        _names(row["names"]),
        row["start"],
        row["end"],
        int(row["stories"]),
        int(row["articles"]),
    )


def _story(row: sqlite3.Row) -> StorySummary:
    return StorySummary(
        row["id"],
        row["label"],
        row["headline"],
        _names(row["names"]),
        row["storyline"],
        row["start"],
        row["end"],
        int(row["articles"]),
        int(row["outlets"]),
    )


# -- storylines and stories ------------------------------------------------------------


def list_storylines(
    db: sqlite3.Connection, *, limit: int, offset: int
) -> Listing[StorylineSummary]:
    """Storylines, latest first (by their last day), bigger first on the same day."""
    total = db.execute("SELECT count(*) FROM storylines").fetchone()[0]
    rows = db.execute(
        "SELECT * FROM storylines ORDER BY end IS NULL, end DESC, articles DESC, id "
        "LIMIT ? OFFSET ?",
        (limit, offset),
    )
    return Listing(int(total), limit, offset, [_storyline(r) for r in rows])


def list_stories(
    db: sqlite3.Connection, *, storyline: str | None = None, limit: int, offset: int
) -> Listing[StorySummary]:
    """Stories, latest first, optionally those of one storyline."""
    where, params = ("storyline = ?", [storyline]) if storyline else ("1", [])
    total = db.execute(f"SELECT count(*) FROM stories WHERE {where}", params).fetchone()[0]
    rows = db.execute(
        f"SELECT * FROM stories WHERE {where} "
        "ORDER BY end IS NULL, end DESC, articles DESC, id LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return Listing(int(total), limit, offset, [_story(r) for r in rows])


def get_storyline(db: sqlite3.Connection, storyline_id: str) -> StorylineDetail | None:
    """One storyline with its stories, key people and organisations, events and quotes."""
    row = db.execute("SELECT * FROM storylines WHERE id = ?", (storyline_id,)).fetchone()
    if row is None:
        return None
    stories = db.execute(
        "SELECT * FROM stories WHERE storyline = ? ORDER BY start IS NULL, start, id",
        (storyline_id,),
    )
    return StorylineDetail(
        _storyline(row),
        [_story(r) for r in stories],
        key_entities(db, "storyline", storyline_id, types=("PER",), limit=KEY_ENTITIES),
        key_entities(db, "storyline", storyline_id, types=("ORG",), limit=KEY_ENTITIES),
        list_events(db, storyline=storyline_id, limit=PAGE_ITEMS, offset=0).items,
        _distinct(
            list_quotes(db, storyline=storyline_id, direct=True, limit=PAGE_ITEMS, offset=0).items
        ),
    )


def get_story(db: sqlite3.Connection, story_id: str) -> StoryDetail | None:
    """One story: its articles by outlet with copies folded, its quotes and events."""
    row = db.execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone()
    if row is None:
        return None
    story = _story(row)
    line = None
    if story.storyline:
        found = db.execute("SELECT * FROM storylines WHERE id = ?", (story.storyline,)).fetchone()
        line = _storyline(found) if found else None
    members = [
        summary_of(r)
        for r in db.execute(
            f"SELECT {SUMMARY_COLUMNS} FROM articles a WHERE a.story = ? "
            f"ORDER BY {EFFECTIVE_DATE} IS NULL, {EFFECTIVE_DATE}, a.seq",
            (story_id,),
        )
    ]
    ids = {a.id for a in members}
    canonical: dict[str, StoryArticle] = {}
    for article in members:
        if article.duplicate_of is None or article.duplicate_of not in ids:
            canonical[article.id] = StoryArticle(article, [])
    for article in members:
        if article.id not in canonical and article.duplicate_of in canonical:
            canonical[article.duplicate_of].copies.append(article)
    by_outlet: dict[str | None, list[StoryArticle]] = {}
    for item in canonical.values():
        by_outlet.setdefault(item.article.outlet, []).append(item)
    outlets = sorted(
        (OutletGroup(name, items) for name, items in by_outlet.items()),
        key=lambda g: (g.outlet is None, -len(g.articles), g.outlet or ""),
    )
    return StoryDetail(
        story,
        line,
        outlets,
        key_entities(db, "story", story_id, types=("PER", "ORG"), limit=KEY_ENTITIES),
        _distinct(list_quotes(db, story=story_id, limit=PAGE_ITEMS, offset=0).items),
        list_events(db, story=story_id, limit=PAGE_ITEMS, offset=0).items,
    )


def _distinct(quotes: list[QuoteRow]) -> list[QuoteRow]:
    """Each quote once: a syndicated copy repeats its original's quotes word for word."""
    seen: set[tuple[str | None, str]] = set()
    kept = []
    for quote in quotes:
        key = (quote.entity_id or quote.speaker, " ".join(quote.text.split()))
        if key not in seen:
            seen.add(key)
            kept.append(quote)
    return kept


# -- events and quotes -------------------------------------------------------------------


def _participants(db: sqlite3.Connection, names: set[str]) -> dict[str, str]:
    """Canonical name -> entity id; the most widely reported entity wins a shared name."""
    if not names:
        return {}
    rows = db.execute(
        "SELECT name, id FROM entities WHERE name IN (SELECT value FROM json_each(?)) "
        "ORDER BY articles, id DESC",
        (json.dumps(sorted(names)),),
    )
    return {str(name): str(entity_id) for name, entity_id in rows}


def list_events(
    db: sqlite3.Connection,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    entity: str | None = None,
    type: str | None = None,
    story: str | None = None,
    storyline: str | None = None,
    limit: int,
    offset: int,
) -> Listing[EventRow]:
    """Events by date (undated last); an event counts for a date range if its days meet it.

    ``entity`` is an entity id (events it took part in), ``type`` an event type
    ("meeting_planned") or kind ("meeting", any status).
    """
    register_functions(db)
    clauses: list[str] = []
    params: list[Any] = []
    if date_from is not None:
        clauses.append("day_last(ev.date) >= ?")
        params.append(date_from.isoformat())
    if date_to is not None:
        clauses.append("day_first(ev.date) <= ?")
        params.append(date_to.isoformat())
    if entity is not None:
        clauses.append(
            "EXISTS (SELECT 1 FROM json_each(ev.participants) p "
            "WHERE p.value = (SELECT name FROM entities WHERE id = ?))"
        )
        params.append(entity)
    if type is not None:
        clauses.append("(ev.type = ? OR ev.kind = ?)")
        params.extend([type, type])
    for column, value in (("story", story), ("storyline", storyline)):
        if value is not None:
            clauses.append(
                "EXISTS (SELECT 1 FROM json_each(ev.articles) j "
                f"WHERE j.value IN (SELECT id FROM articles WHERE {column} = ?))"
            )
            params.append(value)
    where = " AND ".join(clauses) or "1"
    total = db.execute(f"SELECT count(*) FROM events ev WHERE {where}", params).fetchone()[0]
    rows = db.execute(
        f"SELECT ev.*, day_first(ev.date) AS first, day_last(ev.date) AS last FROM events ev "
        f"WHERE {where} ORDER BY first IS NULL, first, last, ev.type, ev.id LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    names = {name for row in rows for name in _names(row["participants"])}
    ids = _participants(db, names)
    items = [
        EventRow(
            id=row["id"],
            type=row["type"],
            kind=row["kind"],
            status=row["status"],
            date=row["date"],
            date_first=row["first"],
            date_last=row["last"],
            place=row["place"],
            participants=[Participant(n, ids.get(n)) for n in _names(row["participants"])],
            evidence=row["evidence"],
            articles=_names(row["articles"]),
        )
        for row in rows
    ]
    return Listing(int(total), limit, offset, items)


def list_quotes(
    db: sqlite3.Connection,
    *,
    speaker: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    story: str | None = None,
    storyline: str | None = None,
    article: str | None = None,
    direct: bool = False,
    limit: int,
    offset: int,
) -> Listing[QuoteRow]:
    """Quotes in their articles' date order; ``speaker`` is the speaker's entity id.

    ``direct`` keeps the direct quotes with a known speaker: the key quotes of a
    storyline.
    """
    clauses: list[str] = []
    params: list[Any] = []
    for sql, value in (
        ("q.entity_id = ?", speaker),
        (f"substr({EFFECTIVE_DATE}, 1, 10) >= ?", date_from and date_from.isoformat()),
        (f"substr({EFFECTIVE_DATE}, 1, 10) <= ?", date_to and date_to.isoformat()),
        ("a.story = ?", story),
        ("a.storyline = ?", storyline),
        ("q.article_id = ?", article),
    ):
        if value is not None:
            clauses.append(sql)
            params.append(value)
    if direct:
        clauses.append("q.kind = 'direct' AND q.entity_id IS NOT NULL")
    where = " AND ".join(clauses) or "1"
    base = (
        "FROM quotes q JOIN articles a ON a.id = q.article_id "
        f"LEFT JOIN entities e ON e.id = q.entity_id WHERE {where}"
    )
    total = db.execute(f"SELECT count(*) {base}", params).fetchone()[0]
    rows = db.execute(
        f"SELECT q.*, e.name AS entity_name, a.title AS article_title, a.lead AS article_lead, "
        f"{EFFECTIVE_DATE} AS day "
        f"{base} ORDER BY day IS NULL, day, a.seq, q.start LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    texts = SlicedTexts(db)
    items = [
        QuoteRow(
            r["article_id"],
            int(r["start"]),
            int(r["end"]),
            texts.text(r["article_id"], r["start"], r["end"], r["text"]),
            r["kind"],
            r["speaker"],
            r["entity_id"],
            r["entity_name"],
            r["cue"],
            r["channel"],
            r["day"],
            article_heading(r["article_title"], r["article_lead"], r["article_id"]),
        )
        for r in rows
    ]
    return Listing(int(total), limit, offset, items)


def quotes_by_month(db: sqlite3.Connection, entity_id: str) -> list[tuple[str, int]]:
    """(YYYY-MM, quotes) of a speaker, oldest month first: the quotes-over-time chart."""
    rows = db.execute(
        f"SELECT substr({EFFECTIVE_DATE}, 1, 7) AS month, count(*) FROM quotes q "
        "JOIN articles a ON a.id = q.article_id WHERE q.entity_id = ? AND month IS NOT NULL "
        "GROUP BY month ORDER BY month",
        (entity_id,),
    )
    return [(str(month), int(n)) for month, n in rows]


# -- timelines ---------------------------------------------------------------------------


def storyline_timeline(db: sqlite3.Connection, storyline_id: str) -> list[Entry] | None:
    """The events and direct quotes of a storyline's articles in date order; None if unknown."""
    if not db.execute("SELECT 1 FROM storylines WHERE id = ?", (storyline_id,)).fetchone():
        return None
    store = Store(db, "")
    articles = [a["id"] for a in store.story_articles("storyline", storyline_id)]
    return articles_timeline(store, articles)


def entity_entries(db: sqlite3.Connection, entity_id: str) -> tuple[Entity, list[Entry]] | None:
    """An entity and its events and quotes in date order; None if unknown."""
    store = Store(db, "")
    row = db.execute("SELECT 1 FROM entities WHERE id = ?", (entity_id,)).fetchone()
    entity = store.entity(entity_id) if row else None
    if entity is None:
        return None
    return entity, entity_timeline(store, entity)
