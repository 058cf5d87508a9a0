"""The SQLite store: round trips, idempotence, migrations, WAL, full-text search."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from lagebild.errors import Reason, Rejected
from lagebild.model import Article, Page
from lagebild.store import Store, StoreError
from lagebild.store.migrations import MIGRATIONS


def _page(text: str = "Politik\n\nEin Titel\n\nText.", source: str = "a.txt") -> Page:
    import hashlib

    raw = text.encode()
    return Page(
        source=source, raw=raw, text=text, kind="text", sha256=hashlib.sha256(raw).hexdigest()
    )


def _article(page: Page) -> Article:
    return Article(
        id=page.sha256[:16],
        source=page.source,
        title="Straßenbahn fährt wieder",
        kicker="Köln",
        lead="Ein kurzer Vorspann.",
        body=["Erster Absatz mit «Zitat».", "Zweiter Absatz."],
        subheadings=["Zwischentitel"],
        published="2026-03-12T09:47",
        section="Regional",
        outlet="example.de",
        agencies=["dpa", "AFP"],
        dateline="Köln",
        authors=["kmr"],
        captions=["Eine Bahn."],
        photo_credits=["Anna Bild/dpa"],
        tags=["Köln", "Verkehr"],
        related_headlines=["Anderes Thema."],
        language="de",
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "t.sqlite")


def test_store_article_round_trips(store: Store) -> None:
    page = _page()
    article = _article(page)
    assert store.put(page, article).new
    assert store.article(article.id) == article
    assert store.articles() == [article]


def test_store_put_twice_changes_nothing(store: Store) -> None:
    page = _page()
    store.put(page, _article(page))
    before = store.counts()
    result = store.put(page, _article(page))
    assert not result.new
    assert store.counts() == before


def test_store_same_bytes_from_two_sources(store: Store) -> None:
    page = _page()
    store.put(page, _article(page))
    other = _page(source="b.txt")
    store.put(other, _article(other))
    counts = store.counts()
    assert counts["articles"] == 1 and counts["sources"] == 2


def test_store_is_wal_and_records_migrations(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite"
    Store.open(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    rows = db.execute("SELECT version, name FROM schema_migrations").fetchall()
    assert [r[0] for r in rows] == list(range(1, len(MIGRATIONS) + 1))
    db.close()
    reopened = Store.open(path)  # migrating again applies nothing new
    assert reopened.schema_version() == len(MIGRATIONS)


def test_store_full_text_search_finds_words_and_folds_umlauts(store: Store) -> None:
    page = _page()
    store.put(page, _article(page))
    assert [a.id for a, _ in store.search("Straßenbahn")] == [page.sha256[:16]]
    assert store.search("Zitat")
    assert store.search("zweiter absatz")
    assert store.search("nirgendwo") == []


def test_store_search_input_is_never_fts_syntax(store: Store) -> None:
    page = _page()
    store.put(page, _article(page))
    for hostile in ['"', "AND OR NOT", "title:*", "a' OR 1=1 --", "NEAR(", "*", "0\x00", "\x1f"]:
        assert isinstance(store.search(hostile), list)
    assert store.search("zweiter\x00absatz") == store.search("zweiter absatz") != []


def test_store_rejection_recorded_once(store: Store) -> None:
    rejection = Rejected(Reason.BINARY, "binary file", "x.bin")
    store.reject(rejection, "abc")
    store.reject(rejection, "abc")
    assert store.counts()["rejections_by_reason"] == {"binary": 1}
    assert store.rejections()[0]["source"] == "x.bin"


def test_store_failed_transaction_leaves_nothing(store: Store) -> None:
    page = _page()
    article = _article(page)
    article.subheadings = [object()]  # type: ignore[list-item]  # not JSON: fails mid-write
    with pytest.raises(TypeError):
        store.put(page, article)
    counts = store.counts()
    assert counts["articles"] == 0 and counts["pages"] == 0 and counts["sources"] == 0


def test_store_readonly_open_of_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such store"):
        Store.open(tmp_path / "missing.sqlite", readonly=True)


@pytest.mark.parametrize("readonly", [False, True])
def test_store_a_folder_is_no_store_file(tmp_path: Path, readonly: bool) -> None:
    # Was "not a lagebild store (disk I/O error)".
    with pytest.raises(StoreError, match="is a folder, not a store file"):
        Store.open(tmp_path, readonly=readonly)


def test_store_in_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    # Was "not a lagebild store (unable to open database file)".
    with pytest.raises(StoreError, match=r"the folder .*missing.* does not exist"):
        Store.open(tmp_path / "missing" / "x.sqlite")


def test_store_that_cannot_be_written_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A read-only store file made ingest fail with a traceback ("attempt to write a
    # readonly database"). The permission is asked of the system (root passes any
    # mode bits, so the test stands in for it); reading stays possible.
    path = tmp_path / "x.sqlite"
    Store.open(path).close()
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: mode != os.W_OK and real(p, mode))
    with pytest.raises(StoreError, match="read-only"):
        Store.open(path)
    with pytest.raises(StoreError, match="cannot create the store: no permission"):
        Store.open(tmp_path / "new.sqlite")
    Store.open(path, readonly=True).close()


def test_store_refuses_a_file_that_is_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a lagebild store"):
        Store.open(path)


def test_store_in_a_folder_nobody_may_write_is_read_and_refused_for_writing(
    tmp_path: Path,
) -> None:
    # Reading a WAL store needs its -shm file, which SQLite could not create in a
    # read-only folder: every read command failed with "unable to open database file".
    folder = tmp_path / "ro"
    folder.mkdir()
    Store.open(folder / "x.sqlite").close()
    # A folder even root cannot write (the immutable attribute); skipped where it
    # cannot be set, and a plain chmod where the tests do not run as root.
    locked = subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0
    if not locked:
        if os.geteuid() == 0:
            pytest.skip("chattr +i is not available here")
        folder.chmod(0o555)
    try:
        store = Store.open(folder / "x.sqlite", readonly=True)
        assert store.counts()["articles"] == 0
        store.close()
        with pytest.raises(StoreError, match="cannot write in the store's folder"):
            Store.open(folder / "x.sqlite")
    finally:
        if locked:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        else:
            folder.chmod(0o755)
