"""Packed pages and offset-only quote texts on PostgreSQL: written, read, migrated.

Runs against a real server as tests/test_store_postgres.py does (LAGEBILD_TEST_POSTGRES);
skipped without one.
"""

from __future__ import annotations

import zlib

import pytest

from lagebild.store import Store, migrations
from lagebild.store import pages as page_tables
from tests.test_store_pages import _plain_text_page
from tests.test_store_postgres import Server, pg_url, server
from tests.test_store_quotes import _annotations, _article, _page, write_texts_as_before_m009

__all__ = ["Server", "pg_url", "server"]  # the fixtures, used by name


def test_pg_page_and_quote_texts_read_back(pg_url: str) -> None:
    page = _plain_text_page()
    quoted = _page("q.txt")
    article = _article(quoted)
    with Store.open(pg_url) as store:
        store.put(page, _article(page))
        store.put(quoted, article, annotations=_annotations(article.reading_text))
        for stored_page in (page, quoted):
            back = store.page(stored_page.sha256[:16])
            assert back is not None and back.raw == stored_page.raw
        (packed,) = store.db.execute(
            "SELECT raw FROM pages WHERE sha256 = ?", (page.sha256,)
        ).fetchone()
        assert page_tables.needs_dictionary(bytes(packed))
        assert [q["text"] for q in store.quotes()] == [
            "Wir kommen voran",
            "Ein Treffen sei nicht geplant",
        ]
        texts = [r[0] for r in store.db.execute("SELECT text FROM quotes ORDER BY start")]
        assert texts == [None, "Ein Treffen sei nicht geplant"]


def test_pg_store_from_before_m008_is_migrated(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plain zlib pages, whole quote texts, sources with a rowid (the layout up to m007)
    read back the same."""
    page = _page("old.txt")
    article = _article(page)
    found = _annotations(article.reading_text)
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:7])
        with Store.open(pg_url) as old:
            assert old.schema_version() == 7
            old.put(page, article)
            with old.transaction() as db:
                db.execute(
                    "UPDATE pages SET raw = ? WHERE sha256 = ?",
                    (zlib.compress(page.raw, 6), page.sha256),
                )
                write_texts_as_before_m009(db, article.id, found)
            before = old.quotes()
    with Store.open(pg_url) as store:
        assert store.schema_version() == len(migrations.MIGRATIONS)
        back = store.page(article.id)
        assert back is not None and back.raw == page.raw
        (packed,) = store.db.execute("SELECT raw FROM pages").fetchone()
        assert page_tables.needs_dictionary(bytes(packed))
        assert store.quotes() == before
        texts = [r[0] for r in store.db.execute("SELECT text FROM quotes ORDER BY start")]
        assert texts == [None, "Ein Treffen sei nicht geplant"]
        assert store.db.execute("SELECT text FROM timexes").fetchone()[0] is None
        assert [tuple(r) for r in store.db.execute("SELECT source, sha256 FROM sources")] == [
            (page.source, page.sha256)
        ]
