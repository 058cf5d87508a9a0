"""The HTML pages: home, storylines, storyline, stories, story, articles, article,
entities, entity, search.

Pages are rendered on the server from the same queries the API uses; they need no
JavaScript. Templates escape every value, so text from a page (a title holding
``<script>``) is shown, never run.
"""

from __future__ import annotations

import sqlite3
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from lagebild.exports.network import event_network
from lagebild.web import charts, queries, search, situation
from lagebild.web.common import DB, MAX_QUERY_CHARS, BlankIsNone, Filters, Offset
from lagebild.web.queries import Listing
from lagebild.web.reading import reading

router = APIRouter(include_in_schema=False)

# Items per page of the HTML lists; the API takes any limit up to MAX_LIMIT.
PAGE_SIZE = 50
# Latest articles, storylines and stories shown on the home page.
HOME_ARTICLES = 20
HOME_STORYLINES = 10
HOME_STORIES = 12

# What the article page calls its story and storyline.
LABEL_SQL = {
    "story": "SELECT coalesce(nullif(headline, ''), label) FROM stories WHERE id = ?",
    "storyline": "SELECT label FROM storylines WHERE id = ?",
}


def _templates(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


def _past_the_end(request: Request, listing: Listing[Any]) -> RedirectResponse | None:
    """A redirect to the last page when ``offset`` runs past the end of a list that has
    items (an old link, a hand-made URL), instead of an empty page that says there are
    none."""
    if not listing.total or listing.offset < listing.total:
        return None
    last = (listing.total - 1) // listing.limit * listing.limit
    params = dict(request.query_params) | {"offset": str(last)}
    return RedirectResponse(f"{request.url.path}?{urlencode(params)}", status_code=303)


def _page(request: Request, template: str, **context: object) -> HTMLResponse:
    """Render a template; every page gets the request and the search box's query."""
    context.setdefault("q", "")
    return _templates(request).TemplateResponse(request, template, context)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, db: DB) -> HTMLResponse:
    """Counts, date span, the latest storylines and stories, and the latest articles."""
    counts, outlets = queries.overview(db)
    return _page(
        request,
        "home.html",
        stats=counts,
        latest=queries.list_articles(db, queries.ArticleFilter(), limit=HOME_ARTICLES, offset=0),
        storylines=situation.list_storylines(db, limit=HOME_STORYLINES, offset=0),
        stories=situation.list_stories(db, limit=HOME_STORIES, offset=0),
        outlets=outlets[:12],
    )


@router.get("/storylines", response_class=HTMLResponse)
def storylines(request: Request, db: DB, offset: Offset = 0) -> Response:
    """Every storyline, latest first."""
    listing = situation.list_storylines(db, limit=PAGE_SIZE, offset=offset)
    return _past_the_end(request, listing) or _page(request, "storylines.html", listing=listing)


@router.get("/storylines/{storyline_id}", response_class=HTMLResponse)
def storyline(request: Request, db: DB, storyline_id: str) -> HTMLResponse:
    """A storyline: its timeline chart, stories, key people and organisations, quotes."""
    detail = situation.get_storyline(db, storyline_id)
    if detail is None:
        raise HTTPException(404, f"There is no storyline with id {storyline_id!r}.")
    return _page(
        request,
        "storyline.html",
        detail=detail,
        line=detail.storyline,
        chart=charts.timeline_chart(detail.stories, detail.events),
    )


@router.get("/stories", response_class=HTMLResponse)
def stories(request: Request, db: DB, offset: Offset = 0) -> Response:
    """Every story, latest first."""
    listing = situation.list_stories(db, limit=PAGE_SIZE, offset=offset)
    return _past_the_end(request, listing) or _page(request, "stories.html", listing=listing)


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story(request: Request, db: DB, story_id: str) -> HTMLResponse:
    """A story: its articles by outlet, copies folded under their original, quotes, events."""
    detail = situation.get_story(db, story_id)
    if detail is None:
        raise HTTPException(404, f"There is no story with id {story_id!r}.")
    return _page(request, "story.html", detail=detail, s=detail.story)


@router.get("/articles", response_class=HTMLResponse)
def articles(request: Request, db: DB, filters: Filters, offset: Offset = 0) -> Response:
    """Every article, newest first, filtered by date, outlet or entity."""
    entity = queries.get_entity(db, filters.entity, limit=0) if filters.entity else None
    listing = queries.list_articles(db, filters, limit=PAGE_SIZE, offset=offset)
    return _past_the_end(request, listing) or _page(
        request,
        "articles.html",
        listing=listing,
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
        heading=queries.article_heading(
            detail.article.title, detail.article.lead, detail.article.id
        ),
        reading=reading(detail.article, detail.mentions, detail.page_text, detail.quotes),
        story=_name(db, LABEL_SQL["story"], detail.article.story),
        storyline=_name(db, LABEL_SQL["storyline"], detail.article.storyline),
    )


def _name(db: sqlite3.Connection, sql: str, row_id: str | None) -> str | None:
    """What a story or storyline is called, to name the link to it."""
    if row_id is None:
        return None
    row = db.execute(sql, (row_id,)).fetchone()
    return str(row[0]) if row else None


@router.get("/entities", response_class=HTMLResponse)
def entities(
    request: Request,
    db: DB,
    type: Annotated[Literal["PER", "ORG", "LOC", "OTH"] | None, BlankIsNone] = None,
    name: Annotated[str | None, Query(max_length=200)] = None,
    offset: Offset = 0,
) -> Response:
    """Entities by reach; names found but not yet resolved when there are none."""
    listing = queries.list_entities(db, kind=type, name=name, limit=PAGE_SIZE, offset=offset)
    unresolved = queries.unresolved_names(db) if listing.total == 0 and not name else []
    return _past_the_end(request, listing) or _page(
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
    """One entity: forms, roles, articles, who is named beside it, its quotes over time,
    its events and who met whom around it."""
    detail = queries.get_entity(db, entity_id)
    if detail is None:
        raise HTTPException(404, f"There is no entity with id {entity_id!r}.")
    network = event_network(db, entity_id=entity_id, max_nodes=charts.NET_NODES)
    return _page(
        request,
        "entity.html",
        detail=detail,
        e=detail.entity,
        quotes=situation.list_quotes(db, speaker=entity_id, limit=situation.PAGE_ITEMS, offset=0),
        months=charts.month_chart(situation.quotes_by_month(db, entity_id)),
        events=situation.list_events(db, entity=entity_id, limit=situation.PAGE_ITEMS, offset=0),
        network=network,
        network_chart=charts.network_chart(network),
    )


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    db: DB,
    filters: Filters,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS)] = "",
    offset: Offset = 0,
) -> Response:
    """Full-text search with snippets, facets by month and outlet."""
    result = search.search(db, q, filters, limit=PAGE_SIZE, offset=offset) if q.strip() else None
    return (result and _past_the_end(request, result.hits)) or _page(
        request, "search.html", q=q, result=result, filters=filters
    )
