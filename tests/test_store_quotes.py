"""Quote and time-expression texts kept as offsets into the reading text, read back whole."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from lagebild.exports.records import ExportOptions, quote_rows
from lagebild.model import Annotations, Article, Page, Quote, Timex
from lagebild.store import Store, migrations
from lagebild.store.dialect import Connection
from lagebild.web.queries import get_article
from lagebild.web.situation import list_quotes

TITLE = "Gespräche in Genf"
BODY = [
    "„Wir kommen voran“, sagte der Sprecher am Dienstag.",
    "Ein Treffen sei noch nicht geplant, hieß es.",
]


def _page(source: str = "a.txt") -> Page:
    raw = ("\n\n".join([TITLE, *BODY]) + source).encode()
    return Page(source, raw, raw.decode(), "text", hashlib.sha256(raw).hexdigest())


def _article(page: Page) -> Article:
    return Article(id=page.sha256[:16], source=page.source, title=TITLE, body=list(BODY))


def _annotations(reading: str) -> Annotations:
    def at(words: str) -> tuple[int, int]:
        start = reading.index(words)
        return start, start + len(words)

    said, speaker = at("Wir kommen voran"), at("der Sprecher")
    planned = at("Ein Treffen sei noch nicht geplant")
    day = at("am Dienstag")
    return Annotations(
        quotes=[
            Quote("Wir kommen voran", *said, "direct", "der Sprecher", *speaker, "sagte"),
            # Not the words at its offsets (a finder that normalises): kept as given.
            Quote("Ein Treffen sei nicht geplant", *planned, "indirect", None, None, None, "hieß"),
        ],
        timexes=[Timex("am Dienstag", *day, "DATE", "2025-12-02")],
    )


def write_texts_as_before_m009(db: Connection, article_id: str, found: Annotations) -> None:
    """Quotes and time expressions with their texts, as the code before m009 wrote them."""
    for q in found.quotes:
        db.execute(
            "INSERT INTO quotes (article_id, start, end, text, kind, speaker, "
            "speaker_start, speaker_end, cue) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                *(article_id, q.start, q.end, q.text, q.kind),
                *(q.speaker, q.speaker_start, q.speaker_end, q.cue),
            ),
        )
    for t in found.timexes:
        db.execute(
            "INSERT INTO timexes VALUES (?, ?, ?, ?, ?, ?)",
            (article_id, t.start, t.end, t.text, t.type, t.value),
        )


@pytest.fixture
def stored(tmp_path: Path) -> tuple[Store, Article]:
    store = Store.open(tmp_path / "t.sqlite")
    page = _page()
    article = _article(page)
    store.put(page, article, annotations=_annotations(article.reading_text))
    return store, article


def test_store_quote_text_at_its_offsets_is_not_stored_twice(
    stored: tuple[Store, Article],
) -> None:
    store, _ = stored
    rows = store.db.execute("SELECT text FROM quotes ORDER BY start").fetchall()
    assert [r[0] for r in rows] == [None, "Ein Treffen sei nicht geplant"]
    assert store.db.execute("SELECT text FROM timexes").fetchone()[0] is None


def test_store_quote_texts_read_back_whole_everywhere(stored: tuple[Store, Article]) -> None:
    store, article = stored
    wanted = ["Wir kommen voran", "Ein Treffen sei nicht geplant"]
    assert [q["text"] for q in store.quotes()] == wanted
    assert [q["text"] for q in quote_rows(store.db, ExportOptions())] == wanted
    detail = get_article(store.db, article.id)  # type: ignore[arg-type]
    assert detail is not None and [q.text for q in detail.quotes] == wanted
    listing = list_quotes(store.db, limit=10, offset=0)  # type: ignore[arg-type]
    assert [q.text for q in listing.items] == wanted


def test_store_migration_m009_keeps_quote_texts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store from before m009 (texts stored whole, NOT NULL) reads back the same."""
    path = tmp_path / "old.sqlite"
    page = _page()
    article = _article(page)
    found = _annotations(article.reading_text)
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:8])
        with Store.open(path) as old:
            old.put(page, article)
            with old.transaction() as db:
                write_texts_as_before_m009(db, article.id, found)
            before = old.quotes()
    with Store.open(path) as store:
        assert store.schema_version() == len(migrations.MIGRATIONS)
        assert store.quotes() == before
        texts = [r[0] for r in store.db.execute("SELECT text FROM quotes ORDER BY start")]
        assert texts == [None, "Ein Treffen sei nicht geplant"]
        assert store.db.execute("SELECT text FROM timexes").fetchone()[0] is None
        indexes = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master")}
        assert "quote_rows_entity" in indexes  # the speaker index, as m014 rebuilt it
