"""The JSON API under ``/api``: articles, entities, search and stats, read-only.

Every list is paged with ``limit`` and ``offset`` and says how many items there are in
all; every error has the shape ``{"error": {"code", "message"}}`` (see ``app``).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel

from lagebild.export import article_record
from lagebild.web import queries, search
from lagebild.web.common import DB, MAX_QUERY_CHARS, Filters, Limit, Offset
from lagebild.web.queries import EntityDetail, EntitySummary, Listing
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
    return record


@router.get("/entities", summary="Entities, most widely reported first")
def api_entities(
    db: DB,
    type: Annotated[EntityType | None, Query(description="PER, ORG, LOC or OTH.")] = None,
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
