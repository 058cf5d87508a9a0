"""Exports of the store in the contract's JSON shape."""

from __future__ import annotations

from typing import Any

from lagebild.model import Article, Event, to_dict
from lagebild.store import Store


def article_record(article: Article, sources: list[str]) -> dict[str, Any]:
    """One article as exported: id and source first, then every extracted field."""
    record: dict[str, Any] = {
        "id": article.id,
        "source": article.source,
        "title": article.title,
        "published": article.published,
        "published_inferred": article.published_inferred,
        "duplicate_of": article.duplicate_of,
        "story": article.story,
        "storyline": article.storyline,
    }
    record.update(article.contract_dict())
    record["url"] = article.url
    record["sources"] = sources
    return record


def event_record(event_id: str, event: Event) -> dict[str, Any]:
    """One merged event as exported: the contract's fields, its status and evidence."""
    return {
        "id": event_id,
        "type": event.type,
        "date": event.date,
        "place": event.place,
        "participants": event.participants,
        "articles": event.articles,
        "evidence": event.evidence,
        "status": event.status,
    }


def export_json(store: Store) -> dict[str, Any]:
    """Everything the store holds, as the contract's top-level object.

    Stories, storylines, entities, quotes and events are the lists the store holds;
    each entity has the contract's ``id, name, type, forms, roles`` and its counts, each
    event ``type, date, place, participants`` (canonical names) and ``articles``.
    """
    sources: dict[str, list[str]] = {}
    rows = store.db.execute(
        "SELECT a.id, s.source FROM sources s JOIN articles a ON a.sha256 = s.sha256 "
        "ORDER BY a.seq, s.seen_at, s.source"
    )
    for article_id, source in rows:
        sources.setdefault(article_id, []).append(source)
    return {
        "articles": [article_record(a, sources.get(a.id, [a.source])) for a in store.articles()],
        "stories": [_with_articles(row, store, "story") for row in store.stories()],
        "storylines": [_storyline(row, store) for row in store.storylines()],
        "entities": [
            {**to_dict(entity), "mentions": mentions, "articles": articles}
            for entity, mentions, articles in store.entities()
        ],
        "quotes": store.quotes(),
        "events": [event_record(event_id, e) for event_id, e in store.events()],
    }


def _with_articles(row: dict[str, Any], store: Store, column: str) -> dict[str, Any]:
    """A story record with the ids of its articles (copies included), by date."""
    return {**row, "articles": [a["id"] for a in store.story_articles(column, row["id"])]}


def _storyline(row: dict[str, Any], store: Store) -> dict[str, Any]:
    """A storyline record with its story ids and article ids."""
    stories = [story["id"] for story in store.stories(storyline=row["id"])]
    articles = [a["id"] for a in store.story_articles("storyline", row["id"])]
    return {**row, "stories": stories, "articles": articles}
