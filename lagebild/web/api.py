"""The JSON API under ``/api``: articles, entities, search, stats, stories, storylines,
events, quotes, timelines, the who-met-whom network and exports, read-only.

Every list is paged with ``limit`` and ``offset`` and says how many items there are in
all; every error has the shape ``{"error": {"code", "message"}}`` (see ``app``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import asdict
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from lagebild.export import article_record
from lagebild.exports import FORMATS, ExportError, ExportOptions
from lagebild.exports.network import Network, event_network
from lagebild.web import queries, search, situation
from lagebild.web.common import (
    DB,
    MAX_LIMIT,
    MAX_QUERY_CHARS,
    BlankIsNone,
    Filters,
    Limit,
    Offset,
    WebSettings,
    entity_id_of,
)
from lagebild.web.queries import EntityDetail, EntitySummary, Listing, open_readonly
from lagebild.web.search import SearchResult


class ErrorBody(BaseModel):
    """What went wrong: a stable code to test for, and a message for a person."""

    code: str
    message: str


class ErrorResponse(BaseModel):
    """The one shape of every error the server returns."""

    error: ErrorBody


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": text}
    for status, text in (
        (404, "Not found"),
        (422, "Invalid parameters"),
        (500, "Internal error"),
        (503, "Timed out, or the store cannot be read now"),
    )
}

router = APIRouter(prefix="/api", tags=["api"], responses=ERRORS)

EntityType = Literal["PER", "ORG", "LOC", "OTH"]
ExportFormat = Literal["json", "jsonl", "csv", "markdown", "ics", "graphml", "parquet"]
ExportTable = Literal["articles", "entities", "events", "quotes"]


@router.get("/stats", summary="Counts of what the store holds")
def api_stats(db: DB) -> dict[str, Any]:
    """Articles, duplicates, outlets, mentions, entities, stories, and the date span."""
    return queries.stats(db)


@router.get("/articles", summary="Articles, newest first")
def api_articles(
    db: DB, filters: Filters, limit: Limit = 50, offset: Offset = 0
) -> Listing[queries.ArticleSummary]:
    """Articles matching the filters; the date is the printed one, else the inferred one."""
    return queries.list_articles(db, filters, limit=limit, offset=offset)


@router.get("/articles/{article_id}", summary="One article with its mentions and copies")
def api_article(db: DB, article_id: str) -> dict[str, Any]:
    """The article as ``lagebild export`` gives it, plus its mentions, canonical and copies."""
    detail = queries.get_article(db, article_id)
    if detail is None:
        raise HTTPException(404, f"no article with id {article_id!r}")
    record = article_record(detail.article, detail.sources)
    record["published_effective"] = detail.article.published or detail.article.published_inferred
    record["mentions"] = [asdict(m) for m in detail.mentions]
    record["canonical"] = asdict(detail.canonical) if detail.canonical else None
    record["copies"] = [asdict(c) for c in detail.copies]
    record["quotes"] = [asdict(q) for q in detail.quotes]
    return record


@router.get("/entities", summary="Entities, most widely reported first")
def api_entities(
    db: DB,
    type: Annotated[
        EntityType | None, BlankIsNone, Query(description="PER, ORG, LOC or OTH.")
    ] = None,
    q: Annotated[str | None, Query(max_length=200, description="Part of a name or form.")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Listing[EntitySummary]:
    """Resolved entities; empty until the resolve stage has run on the store."""
    return queries.list_entities(db, kind=type, name=q, limit=limit, offset=offset)


@router.get("/entities/{entity_id:path}", summary="One entity with roles, articles, neighbours")
def api_entity(db: DB, entity_id: str) -> EntityDetail:
    """Name, type, forms, roles with dates, articles naming it, entities named beside it."""
    detail = queries.get_entity(db, entity_id)
    if detail is None:
        raise HTTPException(404, f"no entity with id {entity_id!r}")
    return detail


@router.get("/search", summary="Full-text search with snippets and facets")
def api_search(
    db: DB,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_QUERY_CHARS,
            description='Words (each also matched as a prefix) or a "quoted phrase".',
        ),
    ],
    filters: Filters,
    limit: Limit = 20,
    offset: Offset = 0,
) -> SearchResult:
    """Hits in titles, leads and article text, best first, with facets by month and outlet."""
    return search.search(db, q, filters, limit=limit, offset=offset)


# -- stories, storylines, events, quotes, timelines, the network ------------------------

DateFrom = Annotated[
    date | None,
    BlankIsNone,
    Query(alias="from", description="First date, YYYY-MM-DD (inclusive)."),
]
DateTo = Annotated[
    date | None, BlankIsNone, Query(alias="to", description="Last date, YYYY-MM-DD (inclusive).")
]
# An entity by its id, name or any form.
EntityName = Annotated[str | None, Query(max_length=200, description="Entity id, name or form.")]
Id = Annotated[str | None, Query(max_length=200)]


@router.get("/storylines", summary="Storylines, latest first")
def api_storylines(
    db: DB, limit: Limit = 50, offset: Offset = 0
) -> Listing[situation.StorylineSummary]:
    """Storylines (stories linked over weeks) with label, key names, span and counts."""
    return situation.list_storylines(db, limit=limit, offset=offset)


@router.get("/storylines/{storyline_id}", summary="One storyline with stories, people, events")
def api_storyline(db: DB, storyline_id: str) -> situation.StorylineDetail:
    """The storyline, its stories oldest first, key people and organisations, its events
    and its direct quotes with a known speaker (the first 100 of each)."""
    detail = situation.get_storyline(db, storyline_id)
    if detail is None:
        raise HTTPException(404, f"no storyline with id {storyline_id!r}")
    return detail


@router.get("/stories", summary="Stories, latest first")
def api_stories(
    db: DB,
    storyline: Annotated[str | None, Query(max_length=200, description="Storyline id.")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Listing[situation.StorySummary]:
    """Stories (articles reporting the same news event) with span and counts."""
    if storyline is not None and not _storyline_exists(db, storyline):
        raise HTTPException(404, f"no storyline with id {storyline!r}")
    return situation.list_stories(db, storyline=storyline, limit=limit, offset=offset)


def _storyline_exists(db: sqlite3.Connection, storyline: str) -> bool:
    row = db.execute("SELECT 1 FROM storylines WHERE id = ?", (storyline,)).fetchone()
    return row is not None


@router.get("/stories/{story_id}", summary="One story: articles by outlet, quotes, events")
def api_story(db: DB, story_id: str) -> situation.StoryDetail:
    """The story's articles grouped by outlet, each with its syndicated copies, its key
    entities, quotes and events."""
    detail = situation.get_story(db, story_id)
    if detail is None:
        raise HTTPException(404, f"no story with id {story_id!r}")
    return detail


@router.get("/events", summary="Events: who met, called or visited whom, where and when")
def api_events(
    db: DB,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    entity: EntityName = None,
    type: Annotated[
        str | None,
        Query(max_length=60, description='Event type ("meeting_planned") or kind ("meeting").'),
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Listing[situation.EventRow]:
    """Events by date, undated last. An event is in a date range when any day its date
    covers (a week, a weekend, an interval) is."""
    return situation.list_events(
        db,
        date_from=date_from,
        date_to=date_to,
        entity=entity_id_of(db, entity),
        type=type,
        limit=limit,
        offset=offset,
    )


@router.get("/quotes", summary="Quotes: who said what, when")
def api_quotes(
    db: DB,
    speaker: EntityName = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Listing[situation.QuoteRow]:
    """Quotes in the date order of their articles; dates are the articles' dates."""
    return situation.list_quotes(
        db,
        speaker=entity_id_of(db, speaker),
        date_from=date_from,
        date_to=date_to,
        limit=limit,
        offset=offset,
    )


@router.get("/timeline", summary="The timeline of a storyline or an entity")
def api_timeline(
    db: DB,
    storyline: Annotated[str | None, Query(max_length=200, description="Storyline id.")] = None,
    entity: EntityName = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Events and quotes in date order (give exactly one of storyline and entity):
    ``{"subject": {"kind", "id", "label"}, "total", "limit", "offset", "items"}``."""
    if (storyline is None) == (entity is None):
        raise HTTPException(422, "give exactly one of storyline and entity")
    if storyline is not None:
        entries = situation.storyline_timeline(db, storyline)
        if entries is None:
            raise HTTPException(404, f"no storyline with id {storyline!r}")
        label = db.execute("SELECT label FROM storylines WHERE id = ?", (storyline,)).fetchone()
        subject = {"kind": "storyline", "id": storyline, "label": label[0]}
    else:
        entity_id = entity_id_of(db, entity)
        if entity_id is None:
            raise HTTPException(422, "the entity is empty")
        found = situation.entity_entries(db, entity_id)
        if found is None:
            raise HTTPException(404, f"no entity with id {entity_id!r}")
        subject = {"kind": "entity", "id": entity_id, "label": found[0].name}
        entries = found[1]
    return {
        "subject": subject,
        "total": len(entries),
        "limit": limit,
        "offset": offset,
        "items": [e.as_dict() for e in entries[offset : offset + limit]],
    }


@router.get("/network", summary="Who met whom around an entity")
def api_network(
    db: DB,
    entity: Annotated[
        str, Query(max_length=200, description="Entity at the centre: id, name or form.")
    ],
    limit: Annotated[
        int, Query(ge=2, le=MAX_LIMIT, description="Nodes at most (the centre included).")
    ] = 100,
) -> Network:
    """Nodes: the entity and everyone who took part in an event with it; edges: two
    participants of the same events, ``weight`` = how many, with the event ids."""
    entity_id = entity_id_of(db, entity)
    if entity_id is None:
        raise HTTPException(422, "the entity is empty")
    return event_network(db, entity_id=entity_id, max_nodes=limit)


@router.get(
    "/export/{format}",
    summary="The store, a storyline or an entity in an export format",
    response_class=StreamingResponse,
    responses={200: {"content": {f.media_type: {} for f in FORMATS.values()}}},
)
def api_export(
    request: Request,
    db: DB,
    format: ExportFormat,
    table: Annotated[
        ExportTable | None,
        Query(
            description="jsonl: one table (else all, each line with `table`); "
            "csv and parquet: the table (default articles)."
        ),
    ] = None,
    storyline: Id = None,
    entity: Annotated[str | None, Query(max_length=200, description="Entity id.")] = None,
) -> StreamingResponse:
    """Streams what ``lagebild export --format FORMAT`` writes, as a download."""
    spec = FORMATS[format]
    if spec.tabular and table is None:
        table = "articles"
    options = ExportOptions(table, storyline, entity)
    try:
        options.check(db)
    except ExportError as exc:
        raise HTTPException(404 if exc.code == "not_found" else 422, exc.message) from None
    settings: WebSettings = request.app.state.settings
    db_path: str = request.app.state.db_path

    def chunks() -> Iterator[bytes]:
        # Its own connection: the request's closes when the route returns, before streaming.
        conn = open_readonly(db_path, timeout_s=settings.request_timeout_s)
        try:
            yield from spec.render(conn, options)
        finally:
            conn.close()

    name = f"lagebild-{table or 'export'}{spec.suffix}"
    return StreamingResponse(
        chunks(),
        media_type=spec.media_type,
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )
