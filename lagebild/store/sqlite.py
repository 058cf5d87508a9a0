"""The store: one SQLite file (WAL, one writer), or a PostgreSQL database; one
transaction per page.

Pages are keyed by the SHA-256 of their bytes, so storing a page that is already
there only records the new source. Everything a page yields (its raw bytes, the
article, its source) is written in one transaction: a crash leaves the page either
wholly stored or not at all.

The same ``Store`` works on both engines: ``Store.open`` takes a file path or a
``postgresql://`` URL, and the SQL is written once (``lagebild.store.dialect`` adapts it
for PostgreSQL); only full-text search has a text per engine.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from lagebild.dedup import Signature
from lagebild.errors import Rejected
from lagebild.model import (
    Annotations,
    Article,
    Entity,
    Event,
    Mention,
    Page,
    Quote,
)
from lagebild.resolve.records import MentionDoc, Resolution
from lagebild.store import entities as entity_tables
from lagebild.store import events as event_tables
from lagebild.store import fts, vectors
from lagebild.store import pages as page_tables
from lagebild.store import quotes as quote_tables
from lagebild.store import stories as story_tables
from lagebild.store import texts as text_tables
from lagebild.store.dialect import Connection, Row, dialect_of, is_postgres_url
from lagebild.store.entities import EntityDetail
from lagebild.store.migrations import migrate
from lagebild.store.pages import StoredPage
from lagebild.store.stories import ClusterInput

# Article columns holding JSON lists.
LIST_FIELDS = (
    "subheadings",
    "agencies",
    "authors",
    "captions",
    "photo_credits",
    "tags",
    "related_headlines",
)
SCALAR_FIELDS = (
    "id",
    "source",
    "title",
    "kicker",
    "lead",
    "published",
    "published_inferred",
    "section",
    "outlet",
    "dateline",
    "language",
    "url",
    "duplicate_of",
    "story",
    "storyline",
)
# How long a writer waits for another writer's transaction before giving up.
BUSY_TIMEOUT_MS = 30_000


class StoreError(Exception):
    """The store file cannot be opened or is not a lagebild store."""


@dataclass(frozen=True)
class GroupUpdate:
    """A stored article whose duplicate group changed: its new canonical and date."""

    article_id: str
    duplicate_of: str | None
    published_inferred: str | None


@dataclass(frozen=True)
class StoredSignature:
    """A stored article's dedup signature, as dedup needs it to resume."""

    article_id: str
    published: str | None
    signature: Signature


@dataclass(frozen=True)
class PutResult:
    """What storing one page did: ``stored`` a new article, or found it ``known``."""

    article_id: str
    new: bool


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# Articles with no date of their own that took their copies' (the CLI's and the web's
# stats count them alike).
COUNT_DATE_INFERRED = (
    "SELECT count(*) FROM articles WHERE published IS NULL AND published_inferred IS NOT NULL"
)
# SQLite's messages for a file or folder it cannot open or write.
_CANNOT_OPEN = re.compile(r"unable to open|readonly|read-only|disk I/O|permission", re.I)


def connect_readonly(path: Path, *, check_same_thread: bool = True) -> sqlite3.Connection:
    """A read-only connection, also to a store in a folder this process cannot write.

    Reading a WAL store needs its -shm file, which SQLite creates in the store's folder;
    where it cannot, a store with no -wal file left (closed cleanly) is read as
    immutable, which needs no -shm file.
    """
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        db = sqlite3.connect(
            uri, uri=True, isolation_level=None, check_same_thread=check_same_thread
        )
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return db
    except sqlite3.OperationalError:
        folder = path.resolve().parent
        wal = path.with_name(path.name + "-wal")
        if os.access(folder, os.W_OK) or (wal.exists() and wal.stat().st_size):
            raise
    return sqlite3.connect(
        uri + "&immutable=1", uri=True, isolation_level=None, check_same_thread=check_same_thread
    )


def _check_file(path: Path, shown: str, *, readonly: bool) -> None:
    """Say plainly why a store file cannot be used, before SQLite says it less plainly
    ("unable to open database file", "attempt to write a readonly database")."""
    if path.is_dir():
        raise StoreError(f"{shown}: is a folder, not a store file")
    folder = path.parent
    if readonly:
        if not path.exists():
            raise StoreError(f"{shown}: no such store (run `lagebild ingest` first)")
        return
    if not folder.is_dir():
        raise StoreError(f"{shown}: the folder {folder} does not exist")
    if path.exists():
        if not os.access(path, os.W_OK):
            raise StoreError(f"{shown}: the store is read-only (no permission to write it)")
        if not os.access(folder, os.W_OK):
            raise StoreError(
                f"{shown}: cannot write in the store's folder {folder} (SQLite keeps its "
                "-wal and -shm files beside the store); reading it works"
            )
    elif not os.access(folder, os.W_OK):
        raise StoreError(f"{shown}: cannot create the store: no permission to write in {folder}")


class Store:
    """A lagebild store in one SQLite file or a PostgreSQL database.

    >>> store = Store.open(":memory:")
    >>> store.counts()["articles"]
    0
    """

    def __init__(self, db: Connection, path: str) -> None:
        self.db = db
        self.path = path
        self.dialect = dialect_of(db)
        # Packs bodies on writing; on SQLite also gives the connection lagebild_text().
        self.texts = text_tables.register(db)

    @classmethod
    def open(cls, path: str | Path, *, readonly: bool = False) -> Store:
        """Open (and create or migrate) the store at ``path``: a file or a PostgreSQL URL."""
        shown = str(path)
        if is_postgres_url(shown):
            return cls._open_postgres(shown, readonly=readonly)
        if shown != ":memory:":
            _check_file(Path(shown), shown, readonly=readonly)
        try:
            if readonly and shown != ":memory:":
                db = connect_readonly(Path(shown))
            else:
                db = sqlite3.connect(shown, isolation_level=None)
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if not readonly:
                db.execute("PRAGMA journal_mode = WAL")
                db.execute("PRAGMA synchronous = NORMAL")
                db.execute("PRAGMA foreign_keys = ON")
                migrate(db)
            else:
                db.execute("SELECT count(*) FROM articles").fetchone()
        except sqlite3.OperationalError as exc:
            if not _CANNOT_OPEN.search(str(exc)):
                raise StoreError(f"{shown}: not a lagebild store ({exc})") from None
            # The file or its folder (which holds the -wal and -shm files) cannot be
            # opened or written: no store is wrong, the place is.
            raise StoreError(f"{shown}: cannot open the store file ({exc})") from None
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{shown}: not a lagebild store ({exc})") from None
        db.row_factory = sqlite3.Row
        return cls(db, shown)

    @classmethod
    def _open_postgres(cls, url: str, *, readonly: bool) -> Store:
        """Connect to a PostgreSQL store (migrating it unless ``readonly``)."""
        from lagebild.store import postgres

        where = postgres.shown(url)
        try:
            db = postgres.connect(url, readonly=readonly)
        except ImportError:
            raise StoreError(
                f"{where}: a PostgreSQL store needs psycopg: pip install 'lagebild[postgres]'"
            ) from None
        except Exception as exc:  # psycopg.Error: the message says what went wrong
            raise StoreError(f"{where}: cannot connect ({exc})".strip()) from None
        try:
            if readonly:
                db.execute("SELECT count(*) FROM articles").fetchone()
            else:
                migrate(db)
        except Exception as exc:  # psycopg.Error, e.g. no articles table: not a store
            db.close()
            if readonly:
                raise StoreError(
                    f"{where}: not a lagebild store (run `lagebild ingest` first)"
                ) from None
            raise StoreError(f"{where}: cannot set up the store ({exc})") from None
        return cls(db, url)

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    @property
    def where(self) -> str:
        """The store's name for messages: the file, or the URL without its password."""
        if self.dialect == "postgres":
            from lagebild.store import postgres

            return postgres.shown(self.path)
        return self.path

    def size_bytes(self) -> int:
        """Bytes the store takes: the file and its write-ahead log, or the database."""
        if self.dialect == "postgres":
            row = self.db.execute("SELECT pg_database_size(current_database())").fetchone()
            return int(row[0]) if row else 0
        files = (Path(self.path + suffix) for suffix in ("", "-wal"))
        return sum(f.stat().st_size for f in files if f.exists())

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction; everything in it is stored, or nothing is."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- writing -------------------------------------------------------------

    def known(self, sha256: str) -> str | None:
        """The id of the article already stored for these page bytes, if any."""
        row = self.db.execute("SELECT id FROM articles WHERE sha256 = ?", (sha256,)).fetchone()
        return str(row[0]) if row else None

    def add_source(self, sha256: str, source: str) -> None:
        """Record that a known page was seen again under ``source``."""
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO sources VALUES (?, ?, ?)", (source, sha256, _now()))

    def put(
        self,
        page: Page,
        article: Article,
        site_lines: tuple[str, set[str]] | None = None,
        signature: Signature | None = None,
        group_updates: list[GroupUpdate] | None = None,
        annotations: Annotations | None = None,
    ) -> PutResult:
        """Store a page and its article in one transaction (a no-op if already there).

        ``site_lines`` are the line keys the page adds to its site's boilerplate counts,
        ``signature`` its dedup signature, ``group_updates`` the earlier copies whose
        canonical or inferred date changed, ``annotations`` what the annotate stage found
        in its reading text. All are written in the same transaction, so a crash cannot leave a
        page counted, signed, grouped or annotated without its article.
        """
        with self.transaction() as db:
            row = db.execute("SELECT id FROM articles WHERE sha256 = ?", (page.sha256,)).fetchone()
            if row:
                db.execute(
                    "INSERT OR IGNORE INTO sources VALUES (?, ?, ?)",
                    (page.source, page.sha256, _now()),
                )
                return PutResult(str(row[0]), new=False)
            now = _now()
            db.execute(
                "INSERT OR IGNORE INTO pages VALUES (?, ?, ?, ?, ?, ?)",
                (
                    page.sha256,
                    page.kind,
                    page.encoding,
                    len(page.raw),
                    _packed(page.raw, article),
                    now,
                ),
            )
            seq = self._insert_article(db, page.sha256, article, now)
            self.texts.train_if_due(db)
            db.execute(
                "INSERT INTO run_state VALUES ('batch_pending', '1') "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
            )
            if signature is not None:
                db.execute(
                    "INSERT INTO dedup_signatures VALUES (?, ?, ?, ?)",
                    (article.id, signature.stored_form(), signature.shingles, signature.whole),
                )
            if annotations is not None:
                reading = quote_tables.stored_reading_text(
                    article.title, article.lead, list(article.subheadings), article.text
                )
                _insert_annotations(db, article.id, seq, annotations, reading)
                if annotations.embedding is not None:
                    db.execute(
                        "INSERT INTO article_vectors VALUES (?, ?)",
                        (seq, vectors.pack(annotations.embedding)),
                    )
            for update in group_updates or []:
                db.execute(
                    "UPDATE articles SET duplicate_of = ?, published_inferred = CASE "
                    "WHEN published IS NULL THEN ? ELSE published_inferred END WHERE id = ?",
                    (update.duplicate_of, update.published_inferred, update.article_id),
                )
            if site_lines is not None:
                site, keys = site_lines
                db.executemany(
                    "INSERT INTO site_lines VALUES (?, ?, 1) "
                    "ON CONFLICT (site, key) DO UPDATE SET pages = site_lines.pages + 1",
                    [(site, key) for key in sorted(keys)],
                )
            db.execute(
                "INSERT OR IGNORE INTO sources VALUES (?, ?, ?)", (page.source, page.sha256, now)
            )
        return PutResult(article.id, new=True)

    def _insert_article(self, db: Connection, sha256: str, article: Article, now: str) -> int:
        """Insert the article row; return its ``seq`` (the key of its annotation rows)."""
        values: dict[str, Any] = {name: getattr(article, name) for name in SCALAR_FIELDS}
        values.update(
            {name: json.dumps(getattr(article, name), ensure_ascii=False) for name in LIST_FIELDS}
        )
        values["body"] = self.texts.pack(article.text)
        values["sha256"] = sha256
        values["ingested_at"] = now
        columns = ", ".join(values)
        marks = ", ".join(f":{name}" for name in values)
        db.execute(f"INSERT INTO articles ({columns}) VALUES ({marks})", values)
        row = db.execute("SELECT seq FROM articles WHERE id = ?", (article.id,)).fetchone()
        return int(row[0])

    def dedup_history(self, limit: int) -> list[StoredSignature]:
        """The dedup signatures of the last ``limit`` articles, oldest first."""
        rows = self.db.execute(
            "SELECT * FROM (SELECT a.seq, a.id, a.published, s.hashvalues, s.shingles, s.whole "
            "FROM dedup_signatures s JOIN articles a ON a.id = s.article_id "
            "ORDER BY a.seq DESC LIMIT ?) AS recent ORDER BY seq",
            (limit,),
        )
        return [
            StoredSignature(
                row["id"],
                row["published"],
                Signature.from_stored(bytes(row["hashvalues"]), row["shingles"], row["whole"]),
            )
            for row in rows
        ]

    def site_line_counts(self, site: str) -> dict[str, int]:
        """The boilerplate line counts kept for one site."""
        rows = self.db.execute("SELECT key, pages FROM site_lines WHERE site = ?", (site,))
        return {str(key): int(pages) for key, pages in rows}

    def reject(self, rejection: Rejected, sha256: str = "") -> None:
        """Record a rejected page; the same rejection of the same bytes is kept once."""
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO rejections (source, sha256, reason, detail, rejected_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (rejection.source, sha256, rejection.reason.value, rejection.detail, _now()),
            )

    def embeddings_on(self) -> bool:
        """Whether this store clusters with multilingual embeddings (each new article is
        embedded; see ``lagebild ingest --embeddings``)."""
        try:
            row = self.db.execute("SELECT value FROM run_state WHERE key = 'embeddings'")
            found = row.fetchone()
        except sqlite3.OperationalError:  # a store before run_state (m007)
            return False
        return found is not None and found[0] == "1"

    def set_embeddings(self, on: bool) -> None:
        """Turn embedding of new articles on or off for this store (kept in the store)."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO run_state VALUES ('embeddings', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                ("1" if on else "0",),
            )

    def batch_pending(self) -> bool:
        """Whether pages were stored since the stages over the whole store last finished."""
        row = self.db.execute("SELECT 1 FROM run_state WHERE key = 'batch_pending'").fetchone()
        return row is not None

    def batch_done(self) -> None:
        """Record that the stages over the whole store have run on everything stored."""
        with self.transaction() as db:
            db.execute("DELETE FROM run_state WHERE key = 'batch_pending'")

    def replace_entities(self, resolution: Resolution) -> None:
        """Write a resolution of every stored mention, replacing the previous one."""
        with self.transaction() as db:
            entity_tables.write_resolution(db, resolution)

    def link_speakers(self) -> None:
        """Link each quote's speaker to its resolved entity."""
        with self.transaction() as db:
            quote_tables.link_speakers(db)

    def replace_events(self, events: list[Event]) -> None:
        """Write the events merged across the store, replacing the previous ones."""
        with self.transaction() as db:
            event_tables.write_events(db, events)

    # -- reading -------------------------------------------------------------

    def quotes(
        self,
        *,
        entity_id: str | None = None,
        articles: list[str] | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Quotes in date order with speaker entity and article; optionally filtered."""
        return quote_tables.quote_rows(self.db, entity_id=entity_id, articles=articles, limit=limit)

    def cluster_inputs(self) -> Iterator[ClusterInput]:
        """Canonical articles in publication order, with their entities, for clustering."""
        return story_tables.cluster_inputs(self.db)

    def stories(
        self, *, storyline: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Stories, latest first, with label, span and counts; optionally of one storyline."""
        return story_tables.story_rows(self.db, storyline=storyline, limit=limit)

    def storylines(self, *, limit: int | None = None) -> list[dict[str, Any]]:
        """Storylines, latest first, with label, span and counts."""
        return story_tables.storyline_rows(self.db, limit=limit)

    def story(self, story_id: str) -> dict[str, Any] | None:
        """One story by id, or None."""
        return story_tables.row_by_id(self.db, "stories", story_id)

    def storyline(self, storyline_id: str) -> dict[str, Any] | None:
        """One storyline by id, or None."""
        return story_tables.row_by_id(self.db, "storylines", storyline_id)

    def story_articles(self, column: str, value: str) -> list[dict[str, Any]]:
        """The articles of a story (``column`` 'story') or storyline ('storyline')."""
        return story_tables.story_articles(self.db, column, value)

    def event_frames(self) -> list[tuple[str, Event]]:
        """(article id, frame) of every stored article, participants as printed."""
        return event_tables.frames(self.db)

    def printed_names(self) -> dict[tuple[str, str], tuple[str, str]]:
        """(article id, name as printed) -> (canonical name, type) of its resolved entity."""
        return event_tables.printed_names(self.db)

    def events(
        self,
        *,
        entity: str | None = None,
        articles: list[str] | None = None,
        limit: int | None = None,
    ) -> list[tuple[str, Event]]:
        """(id, event) in date order, optionally those of one entity or some articles."""
        return event_tables.event_rows(self.db, entity=entity, articles=articles, limit=limit)

    def mention_docs(self) -> Iterator[MentionDoc]:
        """Every article's mentions with the reading text they point into, in arrival order."""
        texts = dict(self.reading_texts())
        return entity_tables.mention_docs(self.db, texts)

    def resolve_inputs(self) -> tuple[Iterator[MentionDoc], Iterator[tuple[str, str]]]:
        """The arguments of :func:`lagebild.resolve.resolve` for the whole store: the
        mentions without texts, and the texts streamed in the same order, one at a time."""
        return entity_tables.mention_docs(self.db, None), self.reading_texts(with_mentions=True)

    def reading_texts(self, *, with_mentions: bool = False) -> Iterator[tuple[str, str]]:
        """(article id, reading text) in arrival order; only articles with mentions if
        ``with_mentions``. Rows are read one at a time, not the whole table at once."""
        sql = (
            "SELECT a.id, a.title, a.lead, a.subheadings, lagebild_text(a.body) AS body "
            "FROM articles a "
            "WHERE EXISTS (SELECT 1 FROM mention_rows m WHERE m.article = a.seq) ORDER BY a.seq"
            if with_mentions
            else "SELECT id, title, lead, subheadings, lagebild_text(body) AS body FROM articles "
            "ORDER BY seq"
        )
        for row in self.db.execute(sql):
            yield (
                row["id"],
                quote_tables.stored_reading_text(
                    row["title"], row["lead"], json.loads(row["subheadings"]), row["body"]
                ),
            )

    def entities(
        self, *, label: str | None = None, limit: int | None = None
    ) -> list[tuple[Entity, int, int]]:
        """(entity, mentions, articles), the entities in most articles first."""
        return entity_tables.entity_rows(self.db, label=label, limit=limit)

    def entity(self, name: str) -> Entity | None:
        """The entity with this id, name or surface form (case-insensitive), if any."""
        return entity_tables.find_entity(self.db, name)

    def entity_detail(self, entity: Entity, *, limit: int = 50) -> EntityDetail:
        """Articles, dated roles and co-occurring entities of ``entity``."""
        return entity_tables.entity_detail(self.db, entity, limit=limit)

    def articles(self, *, limit: int | None = None) -> list[Article]:
        """Stored articles in arrival order."""
        sql = "SELECT * FROM articles ORDER BY seq"
        params: tuple[int, ...] = ()
        if limit is not None:
            sql += " LIMIT ?"
            params = (limit,)
        return [self._article(row) for row in self.db.execute(sql, params)]

    def article(self, article_id: str) -> Article | None:
        """One article by id."""
        row = self.db.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return self._article(row) if row else None

    def _article(self, row: Row) -> Article:
        data: dict[str, Any] = {name: row[name] for name in SCALAR_FIELDS}
        data.update({name: json.loads(row[name]) for name in LIST_FIELDS})
        body = self.texts.unpack(row["body"])
        data["body"] = body.split("\n\n") if body else []
        return Article(**data)

    def page(self, article_id: str) -> StoredPage | None:
        """The page an article was extracted from, byte for byte (for re-extraction).

        Raises PageUnreadable when the stored bytes do not give the page back.
        """
        return page_tables.read_page(self.db, article_id)

    def search(self, query: str, *, limit: int = 20) -> list[tuple[Article, str]]:
        """Full-text search over titles, leads and bodies; articles with a snippet."""
        if self.dialect == "postgres":
            return self._search_postgres(query, limit)
        # The web's query (``fts.fts_query``): words as prefixes, ae/oe/ue and ß spellings.
        terms = fts.fts_query(query)
        if terms is None:
            return []
        sql = (
            "SELECT a.*, snippet(articles_fts, 2, '[', ']', ' … ', 12) AS snip "
            "FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid "
            "WHERE articles_fts MATCH ? "
        )
        params: list[Any] = [terms.match]
        if terms.needs_phrases:
            sql += "AND lagebild_phrases(a.title, a.lead, lagebild_text(a.body), ?) "
            params.append(terms.phrases_json())
        try:
            rows = self.db.execute(sql + "ORDER BY rank LIMIT ?", [*params, limit]).fetchall()
        except sqlite3.OperationalError as exc:
            raise StoreError(f"cannot search for {query!r}: {exc}") from None
        return [(self._article(row), str(row["snip"])) for row in rows]

    def _search_postgres(self, query: str, limit: int) -> list[tuple[Article, str]]:
        """Search with PostgreSQL's text search (migration m001 sets it up).

        German articles are indexed with the 'german' configuration (stems: "Brücken"
        finds "Brücke"), others with 'simple'; the typed words are looked up both ways,
        every word must occur. The snippet is PostgreSQL's headline of the body.
        """
        words = re.sub(r"[\x00-\x1f\x7f]", " ", query)
        rows = self.db.execute(
            "SELECT a.*, ts_headline(articles_search_config(a.language), a.body, q.q, "
            "'StartSel=[, StopSel=], MaxWords=12, MinWords=5, MaxFragments=1, "
            'FragmentDelimiter=" … "\') AS snip '
            "FROM articles a, (SELECT plainto_tsquery('german', ?) "
            "|| plainto_tsquery('simple', ?) AS q) q "
            "WHERE articles_search_doc(a.language, a.title, a.lead, a.body) @@ q.q "
            "ORDER BY ts_rank(articles_search_doc(a.language, a.title, a.lead, a.body), q.q) "
            "DESC, a.seq LIMIT ?",
            (words, words, limit),
        ).fetchall()
        return [(self._article(row), str(row["snip"])) for row in rows]

    def rejections(self) -> list[dict[str, str]]:
        """Every recorded rejection, oldest first."""
        rows = self.db.execute(
            "SELECT source, sha256, reason, detail, rejected_at FROM rejections ORDER BY id"
        )
        return [dict(row) for row in rows]

    def counts(self) -> dict[str, Any]:
        """Counts of what the store holds."""
        one = self.db.execute
        reasons = dict(
            one(
                "SELECT reason, count(*) FROM rejections GROUP BY reason ORDER BY reason"
            ).fetchall()
        )
        languages = dict(
            one(
                "SELECT coalesce(language, '?'), count(*) FROM articles GROUP BY 1 ORDER BY 2 DESC"
            ).fetchall()
        )
        span = one("SELECT min(published), max(published) FROM articles").fetchone()
        return {
            "articles": one("SELECT count(*) FROM articles").fetchone()[0],
            "pages": one("SELECT count(*) FROM pages").fetchone()[0],
            "sources": one("SELECT count(*) FROM sources").fetchone()[0],
            "rejections": one("SELECT count(*) FROM rejections").fetchone()[0],
            "mentions": one("SELECT count(*) FROM mentions").fetchone()[0],
            "entities": one("SELECT count(*) FROM entities").fetchone()[0],
            "quotes": one("SELECT count(*) FROM quotes").fetchone()[0],
            "events": one("SELECT count(*) FROM events").fetchone()[0],
            "stories": one("SELECT count(*) FROM stories").fetchone()[0],
            "storylines": one("SELECT count(*) FROM storylines").fetchone()[0],
            "rejections_by_reason": reasons,
            "languages": languages,
            # Undated: no date of its own and none inferred from its copies.
            "undated": one(
                "SELECT count(*) FROM articles "
                "WHERE published IS NULL AND published_inferred IS NULL"
            ).fetchone()[0],
            "date_inferred": one(COUNT_DATE_INFERRED).fetchone()[0],
            "published_first": span[0],
            "published_last": span[1],
        }

    def schema_version(self) -> int:
        """The number of the last migration applied."""
        row = self.db.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)


def _insert_annotations(
    db: Connection, article_id: str, seq: int, found: Annotations, reading: str
) -> None:
    """Write one article's mentions, quotes, time expressions and event frames (the first
    three keyed by the article's ``seq``, frames by its id).

    ``reading`` is the text their offsets point into: a quote's or time expression's
    text that is its slice of it is stored as NULL (see ``lagebild.store.quotes``).
    """
    sliced = quote_tables.stored_text
    db.executemany(
        "INSERT OR IGNORE INTO mention_rows (article, start, end, text, label) "
        "VALUES (?, ?, ?, ?, ?)",
        [(seq, m.start, m.end, m.text, m.label) for m in found.mentions],
    )
    db.executemany(
        "INSERT OR IGNORE INTO quote_rows (article, start, end, text, kind, speaker, "
        "speaker_start, speaker_end, cue, channel, antecedent_start) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                seq,
                *(q.start, q.end, sliced(q.text, q.start, q.end, reading), q.kind),
                *(q.speaker, q.speaker_start, q.speaker_end, q.cue),
                *_quote_extras(q),
            )
            for q in found.quotes
        ],
    )
    db.executemany(
        "INSERT OR IGNORE INTO timex_rows VALUES (?, ?, ?, ?, ?, ?)",
        [
            (seq, t.start, t.end, sliced(t.text, t.start, t.end, reading), t.type, t.value)
            for t in found.timexes
        ],
    )
    db.executemany(
        "INSERT INTO event_frames VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                *(article_id, number, e.type, e.kind, e.status, e.date, e.place),
                *(json.dumps(e.participants, ensure_ascii=False), e.evidence),
                int(e.date_from_text),
            )
            for number, e in enumerate(found.events)
        ],
    )


def _packed(raw: bytes, article: Article) -> bytes:
    """The page packed against the article text stored with it (at worst 4 bytes more
    than plain zlib, the dictionary's checksum, when the text does not help)."""
    return page_tables.pack(raw, page_tables.dictionary(article.title, article.lead, article.text))


def _quote_extras(quote: Quote) -> tuple[str | None, int | None]:
    """(channel, start of the antecedent mention) when the quote finder gave them."""
    antecedent = getattr(quote, "antecedent", None)
    start = antecedent.start if isinstance(antecedent, Mention) else None
    channel = getattr(quote, "channel", None)
    return (channel if isinstance(channel, str) else None), start
