"""Read-only data access for the web pages and the JSON API: SQL over one store connection.

The server never writes the store: every request opens its own connection with
``mode=ro`` and ``PRAGMA query_only``, so a bug here cannot change a stored byte, and
an ingest running at the same time is never blocked for long (WAL readers do not
block the writer). Each connection carries a deadline: SQLite's progress handler
interrupts a query that runs past it, which is the server's time limit per request.

The functions return dataclasses; the API turns them into JSON with
``dataclasses.asdict`` and the templates read their attributes.
"""

from __future__ import annotations

import html
import json
import re
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Generic, TypeVar

from lagebild.model import Article
from lagebild.store import Store, StoreError, texts
from lagebild.store.dialect import is_postgres_url
from lagebild.store.pages import PageUnreadable, read_page
from lagebild.store.postgres import shown as postgres_shown
from lagebild.store.sqlite import COUNT_DATE_INFERRED, connect_readonly

T = TypeVar("T")

# How long a writer's lock may hold up a reader before the request fails.
BUSY_TIMEOUT_MS = 2_000
# The progress handler runs every this many SQLite VM steps (a few microseconds each).
PROGRESS_STEPS = 10_000
# The date every listing sorts and filters by: printed, else inferred from a twin.
EFFECTIVE_DATE = "coalesce(a.published, a.published_inferred)"
SUMMARY_COLUMNS = (
    "a.id, a.title, a.kicker, a.lead, a.published, a.published_inferred, a.outlet, "
    "a.agencies, a.source, a.language, a.duplicate_of, a.story, a.storyline"
)
ENTITY_TYPES = ("PER", "ORG", "LOC", "OTH")


class QueryTimeout(Exception):
    """A query ran past the request's deadline and was interrupted."""


def open_readonly(path: str, *, timeout_s: float | None = None) -> sqlite3.Connection:
    """Open the store file read-only, with an optional deadline ``timeout_s`` from now.

    ``check_same_thread`` is off because FastAPI may open the connection in one worker
    thread and run the route in another; a connection serves one request at a time.
    """
    try:
        db = connect_readonly(Path(path), check_same_thread=False)
    except sqlite3.OperationalError as exc:
        raise StoreError(f"{path}: cannot open the store read-only ({exc})") from None
    db.row_factory = sqlite3.Row
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA query_only = ON")
    # Bodies are compressed; snippets and the reading view read them through it.
    texts.register(db)
    if timeout_s is not None:
        deadline = time.monotonic() + timeout_s
        db.set_progress_handler(lambda: int(time.monotonic() > deadline), PROGRESS_STEPS)
    return db


def check_store(path: str) -> None:
    """Fail early, with a message naming the file, if ``path`` is no lagebild store."""
    if is_postgres_url(path):
        # The web's queries use SQLite's functions (FTS5, user functions); not ported yet.
        raise StoreError(
            f"{postgres_shown(path)}: the web UI and API (`lagebild serve`) read SQLite "
            "stores only; serving a PostgreSQL store is not supported"
        )
    if not Path(path).is_file():
        raise StoreError(f"{path}: no such store (run `lagebild ingest` first)")
    try:
        db = open_readonly(path)
        try:
            db.execute("SELECT count(*) FROM articles").fetchone()
            db.execute("SELECT count(*) FROM mentions").fetchone()
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: not a lagebild store ({exc})") from None


def _list(value: str | None) -> list[str]:
    """A JSON list column as a list of strings."""
    return [str(item) for item in json.loads(value or "[]")]


# -- records -------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleFilter:
    """Filters shared by the article list, the search and the API."""

    date_from: date | None = None
    date_to: date | None = None
    outlet: str | None = None
    entity: str | None = None

    def where(self) -> tuple[str, list[Any]]:
        """The SQL condition on articles ``a`` and its parameters."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.date_from is not None:
            clauses.append(f"substr({EFFECTIVE_DATE}, 1, 10) >= ?")
            params.append(self.date_from.isoformat())
        if self.date_to is not None:
            clauses.append(f"substr({EFFECTIVE_DATE}, 1, 10) <= ?")
            params.append(self.date_to.isoformat())
        if self.outlet:
            clauses.append("a.outlet = ?")
            params.append(self.outlet)
        if self.entity:
            clauses.append("a.id IN (SELECT article_id FROM mentions WHERE entity_id = ?)")
            params.append(self.entity)
        return " AND ".join(clauses) or "1", params

    def params(self) -> dict[str, str]:
        """The filters as URL query parameters, for links that keep them."""
        out: dict[str, str] = {}
        if self.date_from is not None:
            out["from"] = self.date_from.isoformat()
        if self.date_to is not None:
            out["to"] = self.date_to.isoformat()
        if self.outlet:
            out["outlet"] = self.outlet
        if self.entity:
            out["entity"] = self.entity
        return out


@dataclass(frozen=True)
class ArticleSummary:
    """One line of an article list."""

    id: str
    title: str | None
    kicker: str | None
    lead: str | None
    date: str | None
    date_inferred: bool
    outlet: str | None
    agencies: list[str]
    source: str
    language: str | None
    duplicate_of: str | None
    story: str | None
    storyline: str | None

    @property
    def heading(self) -> str:
        """What a list shows as the title: an article without one shows its lead."""
        return article_heading(self.title, self.lead, self.id)


def article_heading(title: str | None, lead: str | None, article_id: str) -> str:
    """An article's name wherever it is shown: its title, else the start of its lead,
    else its id (lists, the article's page and quotes' sources say the same)."""
    if title:
        return title
    if lead:
        return lead if len(lead) <= 90 else lead[:88].rstrip() + " …"
    return article_id


def summary_of(row: sqlite3.Row) -> ArticleSummary:
    """An article list line from a row of SUMMARY_COLUMNS."""
    published = row["published"]
    return ArticleSummary(
        id=row["id"],
        title=row["title"],
        kicker=row["kicker"],
        lead=row["lead"],
        date=published or row["published_inferred"],
        date_inferred=published is None and row["published_inferred"] is not None,
        outlet=row["outlet"],
        agencies=_list(row["agencies"]),
        source=row["source"],
        language=row["language"],
        duplicate_of=row["duplicate_of"],
        story=row["story"],
        storyline=row["storyline"],
    )


@dataclass(frozen=True)
class Listing(Generic[T]):
    """One page of a longer list: the items and how many there are in all."""

    total: int
    limit: int
    offset: int
    items: list[T]

    @property
    def next_offset(self) -> int | None:
        """The offset of the next page, if there is one."""
        following = self.offset + self.limit
        return following if following < self.total else None

    @property
    def previous_offset(self) -> int | None:
        """The offset of the previous page, if there is one."""
        return max(0, self.offset - self.limit) if self.offset > 0 else None


@dataclass(frozen=True)
class MentionRow:
    """A mention in an article's reading text, with its entity if resolved."""

    start: int
    end: int
    text: str
    label: str
    entity_id: str | None
    entity_name: str | None


@dataclass(frozen=True)
class QuoteMark:
    """A quote in an article's reading text, with its speaker and the speaker's entity."""

    start: int
    end: int
    text: str
    kind: str
    speaker: str | None
    cue: str | None
    entity_id: str | None
    entity_name: str | None


@dataclass(frozen=True)
class ArticleDetail:
    """Everything the article page shows."""

    article: Article
    sources: list[str]
    mentions: list[MentionRow]
    canonical: ArticleSummary | None
    copies: list[ArticleSummary]
    page_text: str | None = field(default=None, repr=False)
    quotes: list[QuoteMark] = field(default_factory=list)

    def names(self) -> list[MentionRow]:
        """One mention per entity (or per unresolved name), in order of first mention."""
        seen: dict[tuple[str, str], MentionRow] = {}
        for mention in self.mentions:
            key = ("id", mention.entity_id) if mention.entity_id else (mention.label, mention.text)
            seen.setdefault(key, mention)
        return list(seen.values())


@dataclass(frozen=True)
class EntitySummary:
    """One entity as the entities table holds it."""

    id: str
    name: str
    type: str
    forms: list[str]
    roles: list[str]
    mentions: int
    articles: int


def _entity(row: sqlite3.Row) -> EntitySummary:
    return EntitySummary(
        id=row["id"],
        name=row["name"],
        type=row["type"],
        forms=_list(row["forms"]),
        roles=_list(row["roles"]),
        mentions=int(row["mentions"]),
        articles=int(row["articles"]),
    )


@dataclass(frozen=True)
class RoleSpan:
    """A role an entity was given, and when: first and last article date."""

    role: str
    first: str | None
    last: str | None
    articles: list[str]


@dataclass(frozen=True)
class EntityArticle:
    """An article that mentions an entity, and how often."""

    article: ArticleSummary
    mentions: int


@dataclass(frozen=True)
class CoEntity:
    """An entity named in the same articles, and in how many of them."""

    entity: EntitySummary
    shared_articles: int


@dataclass(frozen=True)
class EntityDetail:
    """Everything the entity page shows."""

    entity: EntitySummary
    roles: list[RoleSpan]
    articles: list[EntityArticle]
    cooccurring: list[CoEntity]


@dataclass(frozen=True)
class UnresolvedName:
    """A name found by NER that no entity holds yet."""

    text: str
    label: str
    mentions: int
    articles: int


# -- stats and lists -------------------------------------------------------------


def overview(db: sqlite3.Connection) -> tuple[dict[str, Any], list[tuple[str, int]]]:
    """``stats`` and ``outlets`` from one scan of the articles (the home page shows both).

    The articles table holds the article text in each row, so a scan of it is the
    slow part of both; grouping by language and outlet reads it once.
    """

    def one(sql: str) -> Any:
        return db.execute(sql).fetchone()[0]

    languages: dict[str, int] = {}
    by_outlet: dict[str, int] = {}
    undated = 0
    firsts: list[str] = []
    lasts: list[str] = []
    for lang, outlet, n, missing, first, last in db.execute(
        f"SELECT coalesce(language, '?'), outlet, count(*), sum({EFFECTIVE_DATE} IS NULL), "
        f"min({EFFECTIVE_DATE}), max({EFFECTIVE_DATE}) FROM articles a GROUP BY 1, 2"
    ):
        languages[str(lang)] = languages.get(str(lang), 0) + int(n)
        if outlet is not None:
            by_outlet[str(outlet)] = by_outlet.get(str(outlet), 0) + int(n)
        undated += int(missing)
        firsts += [first] if first else []
        lasts += [last] if last else []
    counts = {
        "articles": one("SELECT count(*) FROM articles"),
        "duplicates": one("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL"),
        "undated": undated,
        "date_inferred": one(COUNT_DATE_INFERRED),
        "outlets": len(by_outlet),
        "sources": one("SELECT count(*) FROM sources"),
        "rejections": one("SELECT count(*) FROM rejections"),
        "mentions": one("SELECT count(*) FROM mentions"),
        "entities": one("SELECT count(*) FROM entities"),
        "stories": one("SELECT count(DISTINCT story) FROM articles"),
        "storylines": one("SELECT count(DISTINCT storyline) FROM articles"),
        "languages": dict(sorted(languages.items(), key=lambda kv: -kv[1])),
        "date_first": min(firsts, default=None),
        "date_last": max(lasts, default=None),
    }
    ranked = sorted(by_outlet.items(), key=lambda kv: (-kv[1], kv[0]))
    return counts, ranked


def stats(db: sqlite3.Connection) -> dict[str, Any]:
    """Counts of what the store holds, and the span of article dates."""
    return overview(db)[0]


def list_articles(
    db: sqlite3.Connection, filters: ArticleFilter, *, limit: int, offset: int
) -> Listing[ArticleSummary]:
    """Articles matching the filters, newest first; undated ones last."""
    where, params = filters.where()
    total = db.execute(f"SELECT count(*) FROM articles a WHERE {where}", params).fetchone()[0]
    rows = db.execute(
        f"SELECT {SUMMARY_COLUMNS} FROM articles a WHERE {where} "
        f"ORDER BY {EFFECTIVE_DATE} IS NULL, {EFFECTIVE_DATE} DESC, a.seq DESC "
        "LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return Listing(int(total), limit, offset, [summary_of(row) for row in rows])


def outlets(db: sqlite3.Connection) -> list[tuple[str, int]]:
    """Every outlet named by an article, with its article count, biggest first."""
    rows = db.execute(
        "SELECT outlet, count(*) FROM articles WHERE outlet IS NOT NULL "
        "GROUP BY outlet ORDER BY 2 DESC, 1"
    )
    return [(str(name), int(n)) for name, n in rows]


def get_article(db: sqlite3.Connection, article_id: str) -> ArticleDetail | None:
    """One article with its sources, mentions, canonical copy and other copies."""
    article = Store(db, "").article(article_id)
    if article is None:
        return None
    sources = [
        str(row[0])
        for row in db.execute(
            "SELECT s.source FROM sources s JOIN articles a ON a.sha256 = s.sha256 "
            "WHERE a.id = ? ORDER BY s.seen_at, s.source",
            (article_id,),
        )
    ]
    mentions = [
        MentionRow(r["start"], r["end"], r["text"], r["label"], r["entity_id"], r["name"])
        for r in db.execute(
            "SELECT m.start, m.end, m.text, m.label, m.entity_id, e.name FROM mentions m "
            "LEFT JOIN entities e ON e.id = m.entity_id WHERE m.article_id = ? ORDER BY m.start",
            (article_id,),
        )
    ]
    canonical = None
    if article.duplicate_of:
        row = db.execute(
            f"SELECT {SUMMARY_COLUMNS} FROM articles a WHERE a.id = ?", (article.duplicate_of,)
        ).fetchone()
        canonical = summary_of(row) if row else None
    group = article.duplicate_of or article.id
    copies = [
        summary_of(row)
        for row in db.execute(
            f"SELECT {SUMMARY_COLUMNS} FROM articles a WHERE a.duplicate_of = ? AND a.id != ? "
            "ORDER BY a.seq",
            (group, article.id),
        )
    ]
    reading = article.reading_text
    quotes = [
        QuoteMark(
            r["start"],
            r["end"],
            r["text"] if r["text"] is not None else reading[r["start"] : r["end"]],
            r["kind"],
            r["speaker"],
            r["cue"],
            r["entity_id"],
            r["name"],
        )
        for r in db.execute(
            "SELECT q.start, q.end, q.text, q.kind, q.speaker, q.cue, q.entity_id, e.name "
            "FROM quotes q LEFT JOIN entities e ON e.id = q.entity_id "
            "WHERE q.article_id = ? ORDER BY q.start",
            (article_id,),
        )
    ]
    return ArticleDetail(
        article, sources, mentions, canonical, copies, _page_text(db, article_id), quotes
    )


def _page_text(db: sqlite3.Connection, article_id: str) -> str | None:
    """The article's page as plain text with whitespace collapsed (markup dropped).

    The article page uses it only to put subheadings back between the paragraphs
    where the page printed them; the store keeps the two apart.
    """
    try:
        page = read_page(db, article_id)
        if page is None:
            return None
        text = page.raw.decode(page.encoding or "utf-8", errors="replace")
    except (PageUnreadable, LookupError):
        return None
    if page.kind == "html":
        text = html.unescape(re.sub(r"<[^>]*>", "", text))
    return " ".join(text.split())


# -- entities ----------------------------------------------------------------------


def list_entities(
    db: sqlite3.Connection,
    *,
    kind: str | None = None,
    name: str | None = None,
    limit: int,
    offset: int,
) -> Listing[EntitySummary]:
    """Entities, most widely reported first; ``name`` matches names and forms."""
    clauses: list[str] = []
    params: list[Any] = []
    if kind:
        clauses.append("type = ?")
        params.append(kind)
    if name:
        pattern = "%" + name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses.append("(name LIKE ? ESCAPE '\\' OR forms LIKE ? ESCAPE '\\')")
        params.extend([pattern, pattern])
    where = " AND ".join(clauses) or "1"
    total = db.execute(f"SELECT count(*) FROM entities WHERE {where}", params).fetchone()[0]
    rows = db.execute(
        f"SELECT * FROM entities WHERE {where} "
        "ORDER BY articles DESC, mentions DESC, name LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return Listing(int(total), limit, offset, [_entity(row) for row in rows])


def get_entity(db: sqlite3.Connection, entity_id: str, *, limit: int = 100) -> EntityDetail | None:
    """One entity with its roles over time, its articles and who is named beside it."""
    row = db.execute("SELECT * FROM entities WHERE id = ?", (entity_id,)).fetchone()
    if row is None:
        return None
    spans: dict[str, list[tuple[str | None, str]]] = {}
    for role in db.execute(
        "SELECT role, published, article_id FROM entity_roles WHERE entity_id = ? "
        "ORDER BY published IS NULL, published, article_id",
        (entity_id,),
    ):
        spans.setdefault(role["role"], []).append((role["published"], role["article_id"]))
    roles = []
    for role_name, seen in spans.items():
        dates = [d for d, _ in seen if d]
        role_articles = list(dict.fromkeys(article for _, article in seen))
        roles.append(
            RoleSpan(role_name, min(dates, default=None), max(dates, default=None), role_articles)
        )
    roles.sort(key=lambda r: (r.first is None, r.first or ""))
    articles = [
        EntityArticle(summary_of(r), int(r["n"]))
        for r in db.execute(
            f"SELECT {SUMMARY_COLUMNS}, count(*) AS n FROM mentions m "
            "JOIN articles a ON a.id = m.article_id WHERE m.entity_id = ? GROUP BY a.id "
            f"ORDER BY {EFFECTIVE_DATE} IS NULL, {EFFECTIVE_DATE} DESC, a.seq DESC LIMIT ?",
            (entity_id, limit),
        )
    ]
    cooccurring = [
        CoEntity(_entity(r), int(r["shared"]))
        for r in db.execute(
            "SELECT e.*, count(DISTINCT other.article_id) AS shared FROM mentions mine "
            "JOIN mentions other ON other.article_id = mine.article_id "
            "AND other.entity_id IS NOT NULL AND other.entity_id != mine.entity_id "
            "JOIN entities e ON e.id = other.entity_id WHERE mine.entity_id = ? "
            "GROUP BY e.id ORDER BY shared DESC, e.articles DESC, e.name LIMIT 30",
            (entity_id,),
        )
    ]
    return EntityDetail(_entity(row), roles, articles, cooccurring)


def unresolved_names(db: sqlite3.Connection, *, limit: int = 60) -> list[UnresolvedName]:
    """The names NER found most often that no entity holds yet."""
    rows = db.execute(
        "SELECT text, label, count(*) AS n, count(DISTINCT article_id) AS docs FROM mentions "
        "WHERE entity_id IS NULL GROUP BY text, label ORDER BY docs DESC, n DESC, text LIMIT ?",
        (limit,),
    )
    return [UnresolvedName(r["text"], r["label"], int(r["n"]), int(r["docs"])) for r in rows]
