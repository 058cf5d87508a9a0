"""The store the web tests read: the examples and seeds ingested, plus a hostile title.

Where the pipeline leaves the entity tables empty (a checkout without the resolve
stage), ``resolve_by_surface`` stands in for it: one entity per (label, surface form)
and a role for the most named one; where the pipeline fills them, it does nothing. The store is built once per test session (several modules read it) and is
never written afterwards.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from lagebild.pipeline import ingest
from lagebild.store import Store

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SEEDS = ROOT.parent / "shared" / "seeds"
SCRIPT_TITLE = 'Haushalt <script>alert("x")</script> & Streit im Bundestag'
SCRIPT_PAGE = f"""Politik

{SCRIPT_TITLE}

12.03.2026 - 10:00:00

Der Bundestag hat am Dienstag über den Haushalt beraten. Die Opposition kritisierte den Entwurf.

Berlin (dpa) – Bundeskanzler Friedrich Merz sprach im Bundestag in Berlin von einem guten Gespräch mit der Opposition. Die Debatte dauerte bis in den Abend.

Die Abgeordneten der Grünen kritisierten den Entwurf scharf. Auch die Linke stimmte dagegen.
"""
ROLE = "Testrolle"


def resolve_by_surface(db: sqlite3.Connection) -> None:
    """Fill empty entity tables from the mentions, one entity per label and surface form."""
    db.execute("BEGIN")
    if not db.execute("SELECT count(*) FROM entities").fetchone()[0]:
        groups: dict[tuple[str, str], list[tuple[str, int]]] = {}
        for article_id, start, text, label in db.execute(
            "SELECT article_id, start, text, label FROM mentions"
        ):
            groups.setdefault((label, text), []).append((article_id, start))
        for number, ((label, text), seen) in enumerate(sorted(groups.items())):
            slug = re.sub(r"\W+", "-", text.lower()).strip("-")
            entity_id = f"{label.lower()}-{number}-{slug}"
            articles = {article for article, _ in seen}
            db.execute(
                "INSERT INTO entities (id, name, type, forms, roles, mentions, articles, num) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    *(entity_id, text, label, json.dumps([text]), "[]"),
                    *(len(seen), len(articles), number + 1),
                ),
            )
            db.executemany(
                "UPDATE mention_rows SET entity = ? "
                "WHERE article = (SELECT seq FROM articles WHERE id = ?) AND start = ?",
                [(number + 1, article, start) for article, start in seen],
            )
    if not db.execute("SELECT count(*) FROM entity_roles").fetchone()[0]:
        # The most reported entity gets a role in each of its articles, with their dates.
        top = db.execute("SELECT id FROM entities ORDER BY articles DESC, id LIMIT 1").fetchone()[0]
        db.execute("UPDATE entities SET roles = ? WHERE id = ?", (json.dumps([ROLE]), top))
        db.execute(
            "INSERT INTO entity_roles SELECT DISTINCT ?, ?, a.id, "
            "coalesce(a.published, a.published_inferred) FROM mentions m "
            "JOIN articles a ON a.id = m.article_id WHERE m.entity_id = ?",
            (top, ROLE, top),
        )
    db.execute("COMMIT")


def build_web_store(folder: Path) -> Path:
    """Ingest the examples, the seeds (if present) and the hostile page into one store."""
    db_path = folder / "web.sqlite"
    if db_path.exists():
        return db_path
    pages = folder / "pages"
    pages.mkdir(parents=True, exist_ok=True)
    (pages / "script_title.txt").write_text(SCRIPT_PAGE, encoding="utf-8")
    paths = [str(EXAMPLES), str(pages)]
    if SEEDS.is_dir():
        paths.append(str(SEEDS))
    building = folder / "web.sqlite.part"
    store = Store.open(building)
    try:
        ingest(paths, store)
        resolve_by_surface(store.db)
    finally:
        store.close()  # checkpoints the WAL: the file alone holds the store
    building.rename(db_path)
    return db_path


@pytest.fixture(scope="session")
def web_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built store, shared by every web test module of the session."""
    return build_web_store(tmp_path_factory.getbasetemp() / "web-store")


def test_web_store_holds_articles_entities_and_the_hostile_page(web_store: Path) -> None:
    db = sqlite3.connect(f"file:{web_store}?mode=ro", uri=True)
    try:
        titles = [row[0] for row in db.execute("SELECT title FROM articles")]
        assert SCRIPT_TITLE in titles
        assert len(titles) >= 12
        assert db.execute("SELECT count(*) FROM entities").fetchone()[0] > 10
        resolved = db.execute("SELECT count(*) FROM mentions WHERE entity_id IS NOT NULL")
        assert resolved.fetchone()[0] > 100
        assert db.execute("SELECT count(*) FROM entity_roles").fetchone()[0] > 0
        assert (
            db.execute("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL").fetchone()[0]
            >= 1
        )
    finally:
        db.close()
