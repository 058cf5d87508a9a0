"""Full-text search for the web: German-aware queries, snippets, facets by month, outlet
and entity.

The index (FTS5, ``unicode61 remove_diacritics 2``) folds accents, so ä = a; a German
reader also types ae for ä and ss for ß, and expects a word to find its inflected
forms. ``fts_query`` turns what was typed into a query that does both, made of index
tokens so nothing typed is run as FTS syntax (``lagebild.store.fts``: the index keeps
no word positions, so words that must stand together are checked in the text).
"""

from __future__ import annotations

import calendar
import re
import sqlite3
from dataclasses import dataclass, field, replace
from datetime import date

from lagebild.store.fts import fts_query
from lagebild.web.queries import (
    EFFECTIVE_DATE,
    SUMMARY_COLUMNS,
    ArticleFilter,
    ArticleSummary,
    Listing,
    summary_of,
)

# Markers the FTS snippet puts around matches; control characters never in article text.
MATCH_OPEN, MATCH_CLOSE = "\x02", "\x03"
# Entities offered as facets: the ones named in most hits.
ENTITY_FACETS = 15


@dataclass(frozen=True)
class SnippetPart:
    """A piece of a search snippet; ``match`` marks the words that matched."""

    text: str
    match: bool


@dataclass(frozen=True)
class SearchHit:
    """One search result."""

    article: ArticleSummary
    snippet: list[SnippetPart]


@dataclass(frozen=True)
class Facet:
    """One value of a facet, its hit count, and the filters that select it.

    ``kind`` is the entity type for an entity facet (PER, ORG, LOC, OTH), else empty.
    """

    value: str
    label: str
    count: int
    params: dict[str, str]
    kind: str = ""


@dataclass(frozen=True)
class SearchResult:
    """A page of search hits with facets by month, outlet and entity."""

    query: str
    fts: str | None
    hits: Listing[SearchHit]
    months: list[Facet]
    outlets: list[Facet]
    entities: list[Facet] = field(default_factory=list)


def _snippet(text: str) -> list[SnippetPart]:
    """Snippet text split at the match markers FTS put in."""
    parts: list[SnippetPart] = []
    for i, piece in enumerate(re.split(f"[{MATCH_OPEN}{MATCH_CLOSE}]", text)):
        if piece:
            parts.append(SnippetPart(piece, match=i % 2 == 1))
    return parts


def search(
    db: sqlite3.Connection, query: str, filters: ArticleFilter, *, limit: int, offset: int
) -> SearchResult:
    """Full-text search with snippets and facets; best matches first (title counts most).

    Each facet counts hits under every filter but its own, so picking an outlet still
    shows how the hits spread over the other outlets.
    """
    parsed = fts_query(query)
    if parsed is None:
        return SearchResult(query, None, Listing(0, limit, offset, []), [], [])
    fts = parsed.match
    base = (
        "FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid WHERE articles_fts MATCH ?"
    )
    head: list[str] = [fts]  # the parameters of ``base``
    if parsed.needs_phrases:
        # The index has no word positions: words that must stand together are checked in
        # the text.
        base += " AND lagebild_phrases(a.title, a.lead, lagebild_text(a.body), ?)"
        head.append(parsed.phrases_json())
    where, params = filters.where()
    total = db.execute(f"SELECT count(*) {base} AND {where}", [*head, *params]).fetchone()[0]
    rows = db.execute(
        f"SELECT {SUMMARY_COLUMNS}, snippet(articles_fts, -1, ?, ?, ' … ', 24) AS snip "
        f"{base} AND {where} ORDER BY bm25(articles_fts, 10.0, 4.0, 1.0), a.seq "
        "LIMIT ? OFFSET ?",
        [MATCH_OPEN, MATCH_CLOSE, *head, *params, limit, offset],
    )
    hits = [SearchHit(summary_of(row), _snippet(row["snip"] or "")) for row in rows]

    undated = replace(filters, date_from=None, date_to=None)
    where, params = undated.where()
    months = []
    for month, n in db.execute(
        f"SELECT substr({EFFECTIVE_DATE}, 1, 7) AS month, count(*) {base} AND {where} "
        "GROUP BY month ORDER BY month IS NULL, month DESC",
        [*head, *params],
    ):
        if month is None or not re.fullmatch(r"\d{4}-\d{2}", month):
            months.append(Facet("", "undated", int(n), {}))
            continue
        year, mon = int(month[:4]), int(month[5:])
        last = calendar.monthrange(year, mon)[1]
        span = replace(filters, date_from=date(year, mon, 1), date_to=date(year, mon, last))
        months.append(Facet(month, month, int(n), span.params()))

    anywhere = replace(filters, outlet=None)
    where, params = anywhere.where()
    outlet_facets = [
        Facet(str(name), str(name), int(n), replace(filters, outlet=str(name)).params())
        for name, n in db.execute(
            f"SELECT a.outlet, count(*) {base} AND {where} AND a.outlet IS NOT NULL "
            "GROUP BY a.outlet ORDER BY 2 DESC, 1",
            [*head, *params],
        )
    ]
    anyone = replace(filters, entity=None)
    where, params = anyone.where()
    entity_facets = [
        Facet(str(eid), str(name), int(n), replace(filters, entity=str(eid)).params(), str(kind))
        for eid, name, kind, n in db.execute(
            # From the hits to their mentions by primary key: the cost grows with the
            # hits, not with the store.
            f"SELECT e.id, e.name, e.type, count(DISTINCT m.article_id) AS n "
            f"FROM (SELECT a.id AS hit {base} AND {where}) h "
            "JOIN mentions m ON m.article_id = h.hit JOIN entities e ON e.id = m.entity_id "
            "GROUP BY e.id ORDER BY n DESC, e.articles DESC, e.name LIMIT ?",
            [*head, *params, ENTITY_FACETS],
        )
    ]
    if filters.entity and filters.entity not in {f.value for f in entity_facets}:
        # The chosen entity stays visible (and can be cleared) though it is not in the top.
        row = db.execute(
            "SELECT id, name, type FROM entities WHERE id = ?", (filters.entity,)
        ).fetchone()
        if row is not None:
            entity_facets.append(Facet(row[0], row[1], int(total), filters.params(), str(row[2])))
    return SearchResult(
        query,
        fts,
        Listing(int(total), limit, offset, hits),
        months,
        outlet_facets,
        entity_facets,
    )
