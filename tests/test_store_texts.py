"""Compressed bodies and the position-free full-text index (migration m011)."""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
from pathlib import Path

import pytest
import zstandard

from lagebild.export import export_json
from lagebild.model import Article, Page
from lagebild.store import Store, fts, migrations, texts

WORDS = (
    "Regierung Verhandlungen Präsident Außenminister Waffenruhe Gespräche Genf Kiew "
    "Moskau Washington Sondergesandte Delegation Sicherheitsgarantien Treffen Woche "
    "Dienstag Donnerstag Sprecher erklärte sagte betonte Abkommen Gebiete Front Angriff "
    "Drohnen Raketen Energie Winter Hilfe Europa Brüssel Kommission Parlament Wahl"
).split()


def _body(i: int) -> list[str]:
    """Three paragraphs of news-like German, different for each ``i``."""
    rng = random.Random(i)
    paragraphs = []
    for _ in range(3):
        sentence = " ".join(rng.choice(WORDS) for _ in range(40))
        paragraphs.append(f"Bericht {i}: {sentence}. Der Sprecher sagte am Dienstag in Genf.")
    return paragraphs


def _page(i: int, body: list[str]) -> Page:
    raw = "\n\n".join([f"Meldung {i}", *body]).encode()
    return Page(
        source=f"{i}.txt",
        raw=raw,
        text=raw.decode(),
        kind="text",
        encoding="utf-8",
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def _put(store: Store, i: int, body: list[str] | None = None) -> Article:
    body = body if body is not None else _body(i)
    page = _page(i, body)
    article = Article(id=page.sha256[:16], source=page.source, title=f"Meldung {i}", body=body)
    store.put(page, article)
    return article


def _dict_ids(store: Store) -> list[int]:
    rows = store.db.execute("SELECT body FROM articles ORDER BY seq").fetchall()
    return [zstandard.get_frame_parameters(bytes(row[0])).dict_id for row in rows]


def test_store_bodies_are_compressed_and_read_back(tmp_path: Path) -> None:
    with Store.open(tmp_path / "t.sqlite") as store:
        article = _put(store, 1)
        raw = store.db.execute("SELECT body FROM articles").fetchone()[0]
        assert isinstance(raw, bytes) and len(raw) < len(article.text.encode())
        stored = store.article(article.id)
        assert stored is not None and stored.body == article.body
        assert [a.id for a, _ in store.search("Genf")] == [article.id]
        page = store.page(article.id)
        assert page is not None and page.raw == _page(1, article.body).raw


def test_store_trains_a_dictionary_and_recompresses_the_first_bodies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(texts, "TRAIN_AT", 40)
    path = tmp_path / "t.sqlite"
    with Store.open(path) as store:
        articles = [_put(store, i) for i in range(39)]
        assert set(_dict_ids(store)) == {0}
        before = store.db.execute("SELECT sum(length(body)) FROM articles").fetchone()[0]
        articles += [_put(store, i) for i in range(39, 60)]
        (dict_id, trained_on), *more = store.db.execute(
            "SELECT id, trained_on FROM text_dictionaries"
        ).fetchall()
        assert not more and trained_on == 40
        assert set(_dict_ids(store)) == {dict_id}
        first = store.db.execute(
            "SELECT sum(length(body)) FROM (SELECT body FROM articles ORDER BY seq LIMIT 39)"
        ).fetchone()[0]
        assert first < before
        store.db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
    # A fresh connection finds the dictionary in the store.
    with Store.open(path, readonly=True) as store:
        for article in articles:
            stored = store.article(article.id)
            assert stored is not None and stored.body == article.body
        hits = {a.id for a, _ in store.search("Bericht 7")}
        assert articles[7].id in hits


def test_store_unknown_dictionary_is_a_clear_error(tmp_path: Path) -> None:
    with Store.open(tmp_path / "t.sqlite") as store:
        article = _put(store, 1)
        other = zstandard.train_dictionary(4096, [" ".join(_body(i)).encode() for i in range(40)])
        frame = zstandard.ZstdCompressor(dict_data=other).compress(b"Text")
        with pytest.raises(ValueError, match="text dictionary"):
            store.texts.unpack(frame)
        # Nor can such a body be written: the index could not read it.
        with pytest.raises(sqlite3.OperationalError):
            store.db.execute("UPDATE articles SET body = ? WHERE id = ?", (frame, article.id))
        stored = store.article(article.id)
        assert stored is not None and stored.body == article.body


def test_store_migration_compresses_the_bodies_of_an_older_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store before m011 (plain bodies, index with positions) reads the same after it."""
    monkeypatch.setattr(texts, "TRAIN_AT", 40)
    path = tmp_path / "old.sqlite"
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:10])
        with Store.open(path) as old:
            articles = [_put(old, i) for i in range(50)]
            raw = old.db.execute("SELECT body FROM articles LIMIT 1").fetchone()[0]
            assert isinstance(raw, str)
            before = json.dumps(export_json(old), sort_keys=True)
            found = [a.id for a, _ in old.search("Bericht 3:")]
    with Store.open(path) as store:
        assert store.schema_version() == len(migrations.MIGRATIONS)
        assert len(set(_dict_ids(store))) == 1 and 0 not in _dict_ids(store)
        assert json.dumps(export_json(store), sort_keys=True) == before
        assert [a.id for a, _ in store.search("Bericht 3:")] == found
        store.db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
        detail = store.db.execute(
            "SELECT sql FROM sqlite_schema WHERE name = 'articles_fts'"
        ).fetchone()[0]
        assert "detail=column" in detail
        # Stored after the migration: with the dictionary.
        _put(store, 99)
        assert len(set(_dict_ids(store))) == 1
        assert len(articles) == 50


def test_fts_tokens_split_as_the_index_does() -> None:
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE f USING fts5(x, tokenize='{fts.TOKENIZER}')")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(f, 'instance')")
    rng = random.Random(5)
    pool = [chr(c) for c in range(0x20, 0x3000)] + list("aenst ÄÖÜäöüß-.'") * 200
    pool += ["😀", "𝔄", "\U00020000"]
    for _ in range(400):
        text = "".join(rng.choice(pool) for _ in range(16))
        db.execute("DELETE FROM f")
        db.execute("INSERT INTO f VALUES (?)", (text,))
        index = [row[0] for row in db.execute("SELECT term FROM v ORDER BY offset")]
        assert fts.tokens(text) == index, repr(text)


def test_store_search_words_of_several_tokens_must_stand_together(tmp_path: Path) -> None:
    with Store.open(tmp_path / "t.sqlite") as store:
        together = _put(store, 1, ["Der US-Präsident sprach am Dienstag in Genf."])
        apart = _put(store, 2, ["Die US-Regierung und ihr Präsident schwiegen in Genf."])
        assert {a.id for a, _ in store.search("Präsident")} == {together.id, apart.id}
        assert [a.id for a, _ in store.search("US-Präsident")] == [together.id]
        assert [a.id for a, _ in store.search("us-prasident genf")] == [together.id]
        hits = store.search("US-Präsident")
        assert "[US]-[Präsident]" in hits[0][1]
        assert store.search("Präsident-US") == []


def test_fts_phrase_check_is_per_column_and_knows_prefixes() -> None:
    query = fts.SearchQuery.of([fts.Term.of(["Weißes Haus"], prefix=True)])
    phrases = query.phrases_json()
    assert fts.has_phrases("Im Weißen Haus", None, None, phrases) == 0
    assert fts.has_phrases("Aus dem Weißes Hausflur", None, None, phrases) == 1
    assert fts.has_phrases("Weißes", "Haus", None, phrases) == 0
    exact = fts.SearchQuery.of([fts.Term.of(["Weißes Haus"])]).phrases_json()
    assert fts.has_phrases(None, None, "weisses HAUS", exact) == 0  # ß is not ss
    assert fts.has_phrases(None, None, "WEIßES HAUS.", exact) == 1
    assert fts.has_phrases(None, None, "Weißes Hausflur", exact) == 0
