"""The HTML pages: home, articles, article, entities, entity, search.

Pages are rendered on the server from the same queries the API uses; they need no
JavaScript. Templates escape every value, so text from a page (a title holding
``<script>``) is shown, never run.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from lagebild.web import queries, search
from lagebild.web.common import DB, MAX_QUERY_CHARS, Filters, Offset
from lagebild.web.reading import reading

router = APIRouter(include_in_schema=False)

# Items per page of the HTML lists; the API takes any limit up to MAX_LIMIT.
PAGE_SIZE = 50
# Latest articles shown on the home page.
HOME_ARTICLES = 20


def _templates(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


def _page(request: Request, template: str, **context: object) -> HTMLResponse:
    """Render a template; every page gets the request and the search box's query."""
    context.setdefault("q", "")
    return _templates(request).TemplateResponse(request, template, context)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, db: DB) -> HTMLResponse:
    """Counts, date span, stories and storylines, and the latest articles."""
    return _page(
        request,
        "home.html",
        stats=queries.stats(db),
        latest=queries.list_articles(db, queries.ArticleFilter(), limit=HOME_ARTICLES, offset=0),
        storylines=queries.story_groups(db),
        outlets=queries.outlets(db)[:12],
    )


@router.get("/articles", response_class=HTMLResponse)
def articles(request: Request, db: DB, filters: Filters, offset: Offset = 0) -> HTMLResponse:
    """Every article, newest first, filtered by date, outlet or entity."""
    entity = queries.get_entity(db, filters.entity, limit=0) if filters.entity else None
    return _page(
        request,
        "articles.html",
        listing=queries.list_articles(db, filters, limit=PAGE_SIZE, offset=offset),
        filters=filters,
        entity=entity.entity if entity else None,
        outlets=queries.outlets(db),
    )


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article(request: Request, db: DB, article_id: str) -> HTMLResponse:
    """One article as a reader sees it, names linked to their entities."""
    detail = queries.get_article(db, article_id)
    if detail is None:
        raise HTTPException(404, f"There is no article with id {article_id!r}.")
    return _page(
        request,
        "article.html",
        detail=detail,
        a=detail.article,
        reading=reading(detail.article, detail.mentions, detail.page_text),
    )


@router.get("/entities", response_class=HTMLResponse)
def entities(
    request: Request,
    db: DB,
    type: Literal["PER", "ORG", "LOC", "OTH"] | None = None,
    name: Annotated[str | None, Query(max_length=200)] = None,
    offset: Offset = 0,
) -> HTMLResponse:
    """Entities by reach; names found but not yet resolved when there are none."""
    listing = queries.list_entities(db, kind=type, name=name, limit=PAGE_SIZE, offset=offset)
    unresolved = queries.unresolved_names(db) if listing.total == 0 and not name else []
    return _page(
        request,
        "entities.html",
        listing=listing,
        kind=type or "",
        name=name or "",
        types=queries.ENTITY_TYPES,
        unresolved=unresolved,
    )


@router.get("/entities/{entity_id:path}", response_class=HTMLResponse)
def entity(request: Request, db: DB, entity_id: str) -> HTMLResponse:
    """One entity: forms, roles over time, its articles, who is named beside it."""
    detail = queries.get_entity(db, entity_id)
    if detail is None:
        raise HTTPException(404, f"There is no entity with id {entity_id!r}.")
    return _page(request, "entity.html", detail=detail, e=detail.entity)


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    db: DB,
    filters: Filters,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS)] = "",
    offset: Offset = 0,
) -> HTMLResponse:
    """Full-text search with snippets, facets by month and outlet."""
    result = search.search(db, q, filters, limit=PAGE_SIZE, offset=offset) if q.strip() else None
    return _page(request, "search.html", q=q, result=result, filters=filters)
