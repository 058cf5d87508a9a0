"""Schema migrations: numbered functions, each applied once and recorded in a table.

A migration never edits an earlier one; a change to the schema is a new function
appended to ``MIGRATIONS``. Each runs in its own transaction with its record.

The same migrations, with the same numbers and names, build a PostgreSQL store: their
SQL is adapted by ``lagebild.store.dialect``; only the full-text index (FTS5 here, a
text-search GIN index there) and the case-insensitive name index are written twice.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from lagebild.store.dialect import Connection, dialect_of

Migration = Callable[[Connection], None]


def m001_articles(db: Connection) -> None:
    """Pages, articles, their sources, rejections and the full-text index."""
    run_script(
        db,
        """
        CREATE TABLE pages (
            sha256 TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            encoding TEXT NOT NULL,
            size INTEGER NOT NULL,
            raw BLOB NOT NULL,           -- zlib-compressed bytes, for re-extraction
            ingested_at TEXT NOT NULL
        );
        CREATE TABLE articles (
            seq INTEGER PRIMARY KEY,     -- arrival order; the rowid the FTS index uses
            id TEXT NOT NULL UNIQUE,
            sha256 TEXT NOT NULL UNIQUE REFERENCES pages(sha256),
            source TEXT NOT NULL,
            title TEXT, kicker TEXT, lead TEXT,
            body TEXT NOT NULL,          -- paragraphs separated by a blank line
            subheadings TEXT NOT NULL,   -- JSON lists from here on
            published TEXT, published_inferred TEXT,
            section TEXT, outlet TEXT,
            agencies TEXT NOT NULL, dateline TEXT, authors TEXT NOT NULL,
            captions TEXT NOT NULL, photo_credits TEXT NOT NULL,
            tags TEXT NOT NULL, related_headlines TEXT NOT NULL,
            language TEXT, url TEXT,
            duplicate_of TEXT, story TEXT, storyline TEXT,
            ingested_at TEXT NOT NULL
        );
        CREATE INDEX articles_published ON articles(published);
        CREATE TABLE sources (
            source TEXT NOT NULL,
            sha256 TEXT NOT NULL REFERENCES pages(sha256),
            seen_at TEXT NOT NULL,
            PRIMARY KEY (source, sha256)
        );
        CREATE TABLE rejections (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            sha256 TEXT NOT NULL DEFAULT '',
            reason TEXT NOT NULL,
            detail TEXT NOT NULL,
            rejected_at TEXT NOT NULL,
            UNIQUE (source, sha256, reason)
        );
        """,
    )
    if dialect_of(db) == "postgres":
        run_script(db, POSTGRES_SEARCH)
        return
    run_script(
        db,
        """
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, lead, body,
            content='articles', content_rowid='seq',
            tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(rowid, title, lead, body)
            VALUES (new.seq, new.title, new.lead, new.body);
        END;
        CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, lead, body)
            VALUES ('delete', old.seq, old.title, old.lead, old.body);
        END;
        CREATE TRIGGER articles_au AFTER UPDATE OF title, lead, body ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, lead, body)
            VALUES ('delete', old.seq, old.title, old.lead, old.body);
            INSERT INTO articles_fts(rowid, title, lead, body)
            VALUES (new.seq, new.title, new.lead, new.body);
        END;
        """,
    )


# PostgreSQL's full-text index: an expression index, so ``SELECT *`` from articles
# stays the same on both engines. German articles are read with the 'german'
# configuration (stemmed), others with 'simple'; the title weighs most, then the lead.
POSTGRES_SEARCH = """
CREATE FUNCTION articles_search_config(language TEXT) RETURNS regconfig
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN language = 'de' THEN 'german'::regconfig
                      ELSE 'simple'::regconfig END $$;
CREATE FUNCTION articles_search_doc(language TEXT, title TEXT, lead TEXT, body TEXT)
    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT setweight(to_tsvector(articles_search_config(language), coalesce(title, '')), 'A')
              || setweight(to_tsvector(articles_search_config(language), coalesce(lead, '')), 'B')
              || to_tsvector(articles_search_config(language), coalesce(body, '')) $$;
CREATE INDEX articles_search ON articles
    USING GIN (articles_search_doc(language, title, lead, body));
"""


def run_script(db: Connection, script: str) -> None:
    """Run SQL statements one by one inside the caller's transaction.

    ``executescript`` would commit first, so a failed migration could leave half a
    schema behind; statements run singly roll back together.
    """
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            db.execute(buffer)
            buffer = ""
    if buffer.strip():
        db.execute(buffer)


def m002_site_lines(db: Connection) -> None:
    """Counts of short lines per site, for boilerplate learned across pages."""
    run_script(
        db,
        """
        CREATE TABLE site_lines (
            site TEXT NOT NULL,
            key TEXT NOT NULL,
            pages INTEGER NOT NULL,
            PRIMARY KEY (site, key)
        ) WITHOUT ROWID;
        """,
    )


def m003_dedup_signatures(db: Connection) -> None:
    """MinHash signatures of stored articles, so dedup resumes where it stopped."""
    run_script(
        db,
        """
        CREATE TABLE dedup_signatures (
            article_id TEXT PRIMARY KEY REFERENCES articles(id),
            hashvalues BLOB NOT NULL,    -- uint32 MinHash values
            shingles INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX articles_duplicate_of ON articles(duplicate_of);
        """,
    )


def m004_entities(db: Connection) -> None:
    """Entity mentions per article, and the entities the resolve stage groups them into.

    Mentions are written with their article; ``entity_id`` and the entity tables are
    rewritten as a whole by each resolution run, which reads every mention in the store.
    """
    run_script(
        db,
        """
        CREATE TABLE mentions (
            article_id TEXT NOT NULL REFERENCES articles(id),
            start INTEGER NOT NULL,      -- character offsets into the article's reading text
            end INTEGER NOT NULL,
            text TEXT NOT NULL,
            label TEXT NOT NULL,         -- PER, ORG, LOC, OTH
            entity_id TEXT,
            PRIMARY KEY (article_id, start)
        ) WITHOUT ROWID;
        CREATE INDEX mentions_entity ON mentions(entity_id);
        CREATE TABLE entities (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            type TEXT NOT NULL,
            forms TEXT NOT NULL,         -- JSON list of every surface form seen
            roles TEXT NOT NULL,         -- JSON list of distinct roles
            mentions INTEGER NOT NULL,
            articles INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE entity_roles (
            entity_id TEXT NOT NULL REFERENCES entities(id),
            role TEXT NOT NULL,
            article_id TEXT NOT NULL REFERENCES articles(id),
            published TEXT
        );
        CREATE INDEX entity_roles_entity ON entity_roles(entity_id);
        """,
    )
    # Names are looked up ignoring case (entities.find_entity). In PostgreSQL, lower()
    # under the C collation folds ASCII letters only, as SQLite's NOCASE does.
    if dialect_of(db) == "postgres":
        db.execute("CREATE INDEX entities_name ON entities(lower(name))")
    else:
        db.execute("CREATE INDEX entities_name ON entities(name COLLATE NOCASE)")


def m005_quotes_timexes_events(db: Connection) -> None:
    """Quotes, time expressions and event frames per article; events merged across articles.

    Quotes, timexes and frames are written with their article. ``events`` is rewritten as
    a whole after each run: frames of many articles that report one event become one row,
    its participants named by their canonical entity names.
    """
    run_script(
        db,
        """
        CREATE TABLE quotes (
            article_id TEXT NOT NULL REFERENCES articles(id),
            start INTEGER NOT NULL,      -- offsets into the article's reading text
            end INTEGER NOT NULL,
            text TEXT NOT NULL,
            kind TEXT NOT NULL,          -- direct, indirect, partial
            speaker TEXT,
            speaker_start INTEGER,
            speaker_end INTEGER,
            cue TEXT,
            channel TEXT,                -- where it was said: X, Interview, Videobotschaft
            antecedent_start INTEGER,    -- the mention a pronoun or role speaker stands for
            entity_id TEXT,              -- the speaker's entity, set by resolution
            PRIMARY KEY (article_id, start)
        ) WITHOUT ROWID;
        CREATE INDEX quotes_entity ON quotes(entity_id);
        CREATE TABLE timexes (
            article_id TEXT NOT NULL REFERENCES articles(id),
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            text TEXT NOT NULL,
            type TEXT NOT NULL,          -- DATE, TIME, DURATION, SET
            value TEXT NOT NULL,         -- TIMEX3 value
            PRIMARY KEY (article_id, start)
        ) WITHOUT ROWID;
        CREATE TABLE event_frames (
            article_id TEXT NOT NULL REFERENCES articles(id),
            seq INTEGER NOT NULL,
            type TEXT NOT NULL,
            kind TEXT NOT NULL,
            status TEXT NOT NULL,
            date TEXT,
            place TEXT,
            participants TEXT NOT NULL,  -- JSON list of names as printed in the article
            evidence TEXT NOT NULL,
            date_from_text INTEGER NOT NULL, -- 1: the text dates it; 0: the article's date
            PRIMARY KEY (article_id, seq)
        ) WITHOUT ROWID;
        CREATE TABLE events (
            id TEXT PRIMARY KEY,
            type TEXT NOT NULL,
            kind TEXT NOT NULL,
            status TEXT NOT NULL,
            date TEXT,
            place TEXT,
            participants TEXT NOT NULL,  -- JSON list of canonical entity names
            evidence TEXT NOT NULL,
            articles TEXT NOT NULL       -- JSON list of article ids
        ) WITHOUT ROWID;
        CREATE INDEX events_date ON events(date);
        """,
    )


def m006_stories(db: Connection) -> None:
    """Stories and storylines, rewritten as a whole by each clustering run.

    Dedup signatures from before this migration used other shingles and never match the
    current ones; they are dropped (dedup then starts its window afresh).
    """
    run_script(
        db,
        """
        CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            headline TEXT NOT NULL,
            names TEXT NOT NULL,         -- JSON list of the key entity names
            storyline TEXT,
            start TEXT,
            end TEXT,
            articles INTEGER NOT NULL,
            outlets INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE storylines (
            id TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            names TEXT NOT NULL,
            start TEXT,
            end TEXT,
            stories INTEGER NOT NULL,
            articles INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX articles_story ON articles(story);
        CREATE INDEX articles_storyline ON articles(storyline);
        DELETE FROM dedup_signatures;
        """,
    )


def m007_run_state(db: Connection) -> None:
    """Flags that outlive a process: 'batch_pending' is set with every new page and cleared
    when the stages over the whole store have run, so a run killed in between is completed
    by the next one."""
    run_script(
        db,
        """
        CREATE TABLE run_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        INSERT INTO run_state
            SELECT 'batch_pending', '1' WHERE EXISTS (SELECT 1 FROM articles);
        """,
    )


def m008_pack_pages(db: Connection) -> None:
    """Raw pages packed with their article's text as zlib dictionary (1/17 of the bytes).

    No column changes: the packed form marks itself (``lagebild.store.pages``), so pages
    stored as plain zlib stay readable; this repacks them. The file does not shrink
    until VACUUM, but the freed pages are reused by what is stored next.
    """
    from lagebild.store import pages

    pages.pack_all(db)


def m009_quote_text_from_offsets(db: Connection) -> None:
    """Quote and time-expression texts that are the words at their offsets are not stored.

    They are NULL instead and read back as the slice of the article's reading text
    (``lagebild.store.quotes``): on the bench's plain-text pages every quote's text is
    that slice, 0.57 MB of the quotes table's 1.17 MB. The tables are rebuilt because
    SQLite cannot drop a NOT NULL constraint in place; the speaker index now leaves out
    the quotes without a speaker entity.
    """
    from lagebild.store import quotes

    run_script(
        db,
        """
        CREATE TABLE quotes_compact (
            article_id TEXT NOT NULL REFERENCES articles(id),
            start INTEGER NOT NULL,      -- offsets into the article's reading text
            end INTEGER NOT NULL,
            text TEXT,                   -- NULL: the reading text from start to end
            kind TEXT NOT NULL,          -- direct, indirect, partial
            speaker TEXT,
            speaker_start INTEGER,
            speaker_end INTEGER,
            cue TEXT,
            channel TEXT,                -- where it was said: X, Interview, Videobotschaft
            antecedent_start INTEGER,    -- the mention a pronoun or role speaker stands for
            entity_id TEXT,              -- the speaker's entity, set by resolution
            PRIMARY KEY (article_id, start)
        ) WITHOUT ROWID;
        INSERT INTO quotes_compact SELECT * FROM quotes;
        DROP TABLE quotes;
        ALTER TABLE quotes_compact RENAME TO quotes;
        -- Only quotes with a speaker entity are looked up by it: half have none.
        CREATE INDEX quotes_entity ON quotes(entity_id) WHERE entity_id IS NOT NULL;
        CREATE TABLE timexes_compact (
            article_id TEXT NOT NULL REFERENCES articles(id),
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            text TEXT,                   -- NULL: the reading text from start to end
            type TEXT NOT NULL,          -- DATE, TIME, DURATION, SET
            value TEXT NOT NULL,         -- TIMEX3 value
            PRIMARY KEY (article_id, start)
        ) WITHOUT ROWID;
        INSERT INTO timexes_compact SELECT * FROM timexes;
        DROP TABLE timexes;
        ALTER TABLE timexes_compact RENAME TO timexes;
        """,
    )
    quotes.drop_sliced_texts(db)


def m010_sources_by_page(db: Connection) -> None:
    """Sources keyed by page, in the key itself: no second copy of every path and hash.

    As a rowid table with a (source, sha256) key, each source row was stored twice,
    in the table and in its key's index; the key also led with the path, so the
    sources of one page (the article page, the export) were found by reading them all.
    """
    run_script(
        db,
        """
        CREATE TABLE sources_by_page (
            source TEXT NOT NULL,
            sha256 TEXT NOT NULL REFERENCES pages(sha256),
            seen_at TEXT NOT NULL,
            PRIMARY KEY (sha256, source)
        ) WITHOUT ROWID;
        INSERT INTO sources_by_page SELECT source, sha256, seen_at FROM sources;
        DROP TABLE sources;
        ALTER TABLE sources_by_page RENAME TO sources;
        """,
    )


def m011_compressed_bodies(db: Connection) -> None:
    """Bodies compressed with Zstandard against a dictionary learnt from the store, and a
    full-text index without word positions.

    On SQLite the body column then holds a Zstandard frame (``lagebild.store.texts``),
    and the full-text index reads its text through the view ``articles_text``, which
    unpacks it with ``lagebild_text()``; the index is rebuilt from that view. A body
    update that does not change the text (compressing it again) leaves the index alone.
    The new index keeps the columns each word is in, not its positions (``detail=column``,
    0.44x the pages' bytes instead of 0.73x); phrases are checked against the text
    (``lagebild.store.fts``).
    PostgreSQL keeps plain text (TOAST compresses it); its ``lagebild_text()`` returns
    its argument, so every query reads bodies the same way on both.
    """
    from lagebild.store import texts

    run_script(
        db,
        """
        CREATE TABLE text_dictionaries (
            id INTEGER NOT NULL PRIMARY KEY,  -- the dictionary id in each frame's header
            data BLOB NOT NULL,
            trained_on INTEGER NOT NULL       -- how many bodies it was trained on
        );
        """,
    )
    if dialect_of(db) == "postgres":
        run_script(
            db,
            """
            CREATE FUNCTION lagebild_text(body TEXT) RETURNS TEXT
                LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT body $$;
            """,
        )
        return
    texts.register(db)
    run_script(
        db,
        """
        DROP TRIGGER articles_ai;
        DROP TRIGGER articles_ad;
        DROP TRIGGER articles_au;
        DROP TABLE articles_fts;
        CREATE VIEW articles_text AS
            SELECT seq, title, lead, lagebild_text(body) AS body FROM articles;
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, lead, body,
            content='articles_text', content_rowid='seq',
            tokenize='unicode61 remove_diacritics 2', detail=column
        );
        CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(rowid, title, lead, body)
            VALUES (new.seq, new.title, new.lead, lagebild_text(new.body));
        END;
        CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, lead, body)
            VALUES ('delete', old.seq, old.title, old.lead, lagebild_text(old.body));
        END;
        CREATE TRIGGER articles_au AFTER UPDATE OF title, lead, body ON articles
        WHEN old.title IS NOT new.title OR old.lead IS NOT new.lead
            OR lagebild_text(old.body) IS NOT lagebild_text(new.body)
        BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, lead, body)
            VALUES ('delete', old.seq, old.title, old.lead, lagebild_text(old.body));
            INSERT INTO articles_fts(rowid, title, lead, body)
            VALUES (new.seq, new.title, new.lead, lagebild_text(new.body));
        END;
        INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
        """,
    )
    if db.execute("SELECT count(*) FROM articles").fetchone()[0] >= texts.TRAIN_AT:
        texts.train_dictionary(db)
    texts.compress_all(db)


def m012_compact_signatures(db: Connection) -> None:
    """Dedup signatures keep only the low byte of the values past the index keys.

    ``whole`` says how many leading values a row keeps whole (``lagebild.dedup``,
    ``Signature.stored_form``); rows from before keep all of them and say NULL.
    """
    db.execute("ALTER TABLE dedup_signatures ADD COLUMN whole INTEGER")


def m013_mention_rows(db: Connection) -> None:
    """Mentions keyed by numbers: the article's ``seq`` and the entity's ``num``.

    A mention row held its article's 16-character id and its entity's id (as long as a
    name) twice, in the table and in the entity index: 0.86x the pages' bytes on the
    bench, the largest part of the store after the articles. ``mention_rows`` holds the
    numbers instead; the view ``mentions`` gives the rows as before (article and entity
    ids), so every reader stays as it was. Writers write ``mention_rows``.
    """
    run_script(
        db,
        """
        ALTER TABLE entities ADD COLUMN num INTEGER;
        CREATE TABLE mention_rows (
            article INTEGER NOT NULL REFERENCES articles(seq),
            start INTEGER NOT NULL,      -- character offsets into the article's reading text
            end INTEGER NOT NULL,
            text TEXT NOT NULL,
            label TEXT NOT NULL,         -- PER, ORG, LOC, OTH
            entity INTEGER,              -- entities.num, set by resolution
            PRIMARY KEY (article, start)
        ) WITHOUT ROWID;
        """,
    )
    ids = [row[0] for row in db.execute("SELECT id FROM entities ORDER BY id")]
    db.executemany(
        "UPDATE entities SET num = ? WHERE id = ?", [(n, i) for n, i in enumerate(ids, 1)]
    )
    run_script(
        db,
        """
        CREATE UNIQUE INDEX entities_num ON entities(num);
        INSERT INTO mention_rows
            SELECT a.seq, m.start, m.end, m.text, m.label, e.num
            FROM mentions m JOIN articles a ON a.id = m.article_id
            LEFT JOIN entities e ON e.id = m.entity_id;
        DROP TABLE mentions;
        CREATE INDEX mention_rows_entity ON mention_rows(entity);
        CREATE VIEW mentions AS
            SELECT a.id AS article_id, m.start, m.end, m.text, m.label, e.id AS entity_id
            FROM mention_rows m JOIN articles a ON a.seq = m.article
            LEFT JOIN entities e ON e.num = m.entity;
        """,
    )


def m014_annotation_rows(db: Connection) -> None:
    """Quotes and time expressions keyed by their article's ``seq``, as mentions are
    (m013); the views ``quotes`` and ``timexes`` give the rows as before.

    The case-insensitive name index goes: it served only the lookup of one entity by
    exact name (``lagebild entity NAME``), which reads the table anyway when the name
    is a surface form; at 0.11x the pages' bytes it cost more than the lookup gained.
    """
    run_script(
        db,
        """
        CREATE TABLE quote_rows (
            article INTEGER NOT NULL REFERENCES articles(seq),
            start INTEGER NOT NULL,      -- offsets into the article's reading text
            end INTEGER NOT NULL,
            text TEXT,                   -- NULL: the reading text from start to end
            kind TEXT NOT NULL,          -- direct, indirect, partial
            speaker TEXT,
            speaker_start INTEGER,
            speaker_end INTEGER,
            cue TEXT,
            channel TEXT,                -- where it was said: X, Interview, Videobotschaft
            antecedent_start INTEGER,    -- the mention a pronoun or role speaker stands for
            entity_id TEXT,              -- the speaker's entity, set by resolution
            PRIMARY KEY (article, start)
        ) WITHOUT ROWID;
        INSERT INTO quote_rows
            SELECT a.seq, q.start, q.end, q.text, q.kind, q.speaker, q.speaker_start,
                q.speaker_end, q.cue, q.channel, q.antecedent_start, q.entity_id
            FROM quotes q JOIN articles a ON a.id = q.article_id;
        DROP TABLE quotes;
        CREATE INDEX quote_rows_entity ON quote_rows(entity_id) WHERE entity_id IS NOT NULL;
        CREATE VIEW quotes AS
            SELECT a.id AS article_id, q.start, q.end, q.text, q.kind, q.speaker,
                q.speaker_start, q.speaker_end, q.cue, q.channel, q.antecedent_start,
                q.entity_id
            FROM quote_rows q JOIN articles a ON a.seq = q.article;
        CREATE TABLE timex_rows (
            article INTEGER NOT NULL REFERENCES articles(seq),
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            text TEXT,                   -- NULL: the reading text from start to end
            type TEXT NOT NULL,          -- DATE, TIME, DURATION, SET
            value TEXT NOT NULL,         -- TIMEX3 value
            PRIMARY KEY (article, start)
        ) WITHOUT ROWID;
        INSERT INTO timex_rows
            SELECT a.seq, t.start, t.end, t.text, t.type, t.value
            FROM timexes t JOIN articles a ON a.id = t.article_id;
        DROP TABLE timexes;
        CREATE VIEW timexes AS
            SELECT a.id AS article_id, t.start, t.end, t.text, t.type, t.value
            FROM timex_rows t JOIN articles a ON a.seq = t.article;
        DROP INDEX entities_name;
        """,
    )


def m015_article_vectors(db: Connection) -> None:
    """Multilingual embeddings of headline and lead, for stores that cluster with them
    (``lagebild ingest --embeddings``; the flag is kept in ``run_state``).

    A vector is 512 signed bytes, each component times 127 (``lagebild.store.vectors``):
    a quarter of float32, and cosines move by about 0.003.
    """
    run_script(
        db,
        """
        CREATE TABLE article_vectors (
            article INTEGER PRIMARY KEY REFERENCES articles(seq),
            vector BLOB NOT NULL
        );
        """,
    )


def m016_cluster_state(db: Connection) -> None:
    """The clustering state of the last run (``lagebild.cluster.state``), so the next run
    streams only the new articles; ``articles.clustered`` is 1 for the articles it was
    fed (a canonical article that dedup later makes a copy hands its story on). A store
    from before clusters afresh once."""
    run_script(
        db,
        """
        CREATE TABLE cluster_state (
            id INTEGER PRIMARY KEY,
            version TEXT NOT NULL,
            state BLOB NOT NULL
        );
        ALTER TABLE articles ADD COLUMN clustered INTEGER;
        """,
    )


MIGRATIONS: tuple[Migration, ...] = (
    m001_articles,
    m002_site_lines,
    m003_dedup_signatures,
    m004_entities,
    m005_quotes_timexes_events,
    m006_stories,
    m007_run_state,
    m008_pack_pages,
    m009_quote_text_from_offsets,
    m010_sources_by_page,
    m011_compressed_bodies,
    m012_compact_signatures,
    m013_mention_rows,
    m014_annotation_rows,
    m015_article_vectors,
    m016_cluster_state,
)


def migrate(db: Connection) -> list[str]:
    """Apply the migrations not yet recorded; return the names applied."""
    # In the write lock: on PostgreSQL, two processes creating it at once would collide.
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    applied: list[str] = []
    for version, migration in enumerate(MIGRATIONS, start=1):
        db.execute("BEGIN IMMEDIATE")
        try:
            # Checked inside the write lock: another process may have just applied it.
            if db.execute(
                "SELECT 1 FROM schema_migrations WHERE version = ?", (version,)
            ).fetchone():
                db.execute("COMMIT")
                continue
            migration(db)
            db.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                (version, migration.__name__, datetime.now(UTC).isoformat(timespec="seconds")),
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        applied.append(migration.__name__)
    return applied
