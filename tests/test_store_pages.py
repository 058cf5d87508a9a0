"""Raw pages in the store: packed against the article text, read back byte for byte."""

from __future__ import annotations

import hashlib
import zlib
from pathlib import Path

import pytest

from lagebild.model import Article, Page, PageKind
from lagebild.store import Store, migrations
from lagebild.store import pages as page_tables
from lagebild.store.pages import PageUnreadable

BODY = [
    "Die Verhandlungen über ein Ende des Krieges gehen am Dienstag in Genf weiter, "
    "teilte das Außenministerium mit.",
    "Beide Seiten hätten „konstruktiv“ gesprochen, sagte ein Sprecher. Ein Treffen "
    "der Präsidenten sei aber noch nicht geplant.",
]
TITLE = "Gespräche in Genf gehen weiter"


def _page(
    raw: bytes, kind: PageKind = "text", encoding: str = "utf-8", source: str = "a.txt"
) -> Page:
    return Page(
        source=source,
        raw=raw,
        text=raw.decode(encoding),
        kind=kind,
        encoding=encoding,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def _article(page: Page, body: list[str] = BODY) -> Article:
    return Article(id=page.sha256[:16], source=page.source, title=TITLE, body=body)


def _plain_text_page() -> Page:
    return _page(("\n\n".join([TITLE, "02.12.2025", *BODY]) + "\n").encode())


def test_store_page_reads_back_byte_for_byte(tmp_path: Path) -> None:
    html = (
        f"<html><head><title>{TITLE}</title></head><body><h1>{TITLE}</h1>"
        + "".join(f"<p>{p}</p>" for p in BODY)
        + "</body></html>"
    ).encode("cp1252", errors="replace")
    pages = [_plain_text_page(), _page(html, "html", "cp1252", "b.html")]
    with Store.open(tmp_path / "t.sqlite") as store:
        for page in pages:
            store.put(page, _article(page))
        for page in pages:
            stored = store.page(page.sha256[:16])
            assert stored is not None
            assert (stored.raw, stored.kind, stored.encoding, stored.sha256) == (
                page.raw,
                page.kind,
                page.encoding,
                page.sha256,
            )
        assert store.page("no-such-article") is None


def test_store_page_is_packed_against_its_article_text(tmp_path: Path) -> None:
    page = _plain_text_page()
    with Store.open(tmp_path / "t.sqlite") as store:
        store.put(page, _article(page))
        (packed,) = store.db.execute("SELECT raw FROM pages").fetchone()
    assert page_tables.needs_dictionary(packed)
    # The page is its text: what is left is the date line and references into the text.
    assert len(packed) < len(zlib.compress(page.raw, 6)) / 3
    assert len(packed) < 60


def test_store_page_of_a_changed_text_is_unreadable_not_wrong(tmp_path: Path) -> None:
    page = _plain_text_page()
    with Store.open(tmp_path / "t.sqlite") as store:
        store.put(page, _article(page))
        article_id = page.sha256[:16]
        with store.transaction() as db:
            db.execute("UPDATE articles SET body = 'Ein anderer Text.' WHERE id = ?", (article_id,))
        with pytest.raises(PageUnreadable):
            store.page(article_id)


def test_store_page_repacked_plain_survives_a_text_change(tmp_path: Path) -> None:
    page = _plain_text_page()
    with Store.open(tmp_path / "t.sqlite") as store:
        store.put(page, _article(page))
        article_id = page.sha256[:16]
        with store.transaction() as db:
            page_tables.repack_plain(db, article_id)
            db.execute("UPDATE articles SET body = 'Ein anderer Text.' WHERE id = ?", (article_id,))
        stored = store.page(article_id)
        assert stored is not None and stored.raw == page.raw


def test_store_migration_packs_pages_of_an_older_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store made before m008 (plain zlib pages) is repacked on open and reads the same."""
    path = tmp_path / "old.sqlite"
    texts = [_plain_text_page()] + [
        _page(f"{TITLE} {i}\n\n{BODY[i % 2]}\n".encode(), source=f"{i}.txt") for i in range(3)
    ]
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:7])
        with Store.open(path) as old:
            assert old.schema_version() == 7
            for page in texts:
                body = page.text.split("\n\n")[1:]
                old.put(
                    page, Article(id=page.sha256[:16], source=page.source, title=TITLE, body=body)
                )
            with old.transaction() as db:  # as the code before m008 stored them
                for page in texts:
                    db.execute(
                        "UPDATE pages SET raw = ? WHERE sha256 = ?",
                        (zlib.compress(page.raw, 6), page.sha256),
                    )
            before = old.db.execute("SELECT sum(length(raw)) FROM pages").fetchone()[0]
    with Store.open(path) as store:
        assert store.schema_version() == len(migrations.MIGRATIONS)
        rows = store.db.execute("SELECT raw FROM pages").fetchall()
        assert all(page_tables.needs_dictionary(row[0]) for row in rows)
        assert store.db.execute("SELECT sum(length(raw)) FROM pages").fetchone()[0] < before
        for page in texts:
            stored = store.page(page.sha256[:16])
            assert stored is not None and stored.raw == page.raw


def test_store_plain_zlib_page_still_reads() -> None:
    raw = b"Ein alter Eintrag.\n"
    assert page_tables.unpack(zlib.compress(raw), b"irgendein Text") == raw
