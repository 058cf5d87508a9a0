"""The resolution written over the stored one: only what changed, numbers kept."""

from __future__ import annotations

import shutil
from pathlib import Path

from lagebild.pipeline import _resolve as _resolve_stage
from lagebild.pipeline import ingest
from lagebild.resolve import resolve
from lagebild.store import Store
from lagebild.store import entities as entity_tables
from tests.conftest import sorted_rows

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def tables(store: Store) -> tuple[list[tuple[object, ...]], ...]:
    """The entity tables by entity id (numbers left out: only the store uses them)."""
    return sorted_rows(
        store.db,
        "SELECT id, name, type, forms, roles, mentions, articles FROM entities",
        "SELECT article_id, start, entity_id FROM mentions",
        "SELECT * FROM entity_roles",
    )


def test_resolution_written_over_the_last_equals_one_written_afresh(tmp_path: Path) -> None:
    pages = sorted(EXAMPLES.glob("[0-9]*"))
    path = tmp_path / "s.sqlite"
    with Store.open(path) as store:
        ingest([str(p) for p in pages[:6]], store)
        numbers = dict(store.db.execute("SELECT id, num FROM entities").fetchall())
        ingest([str(p) for p in pages[6:]], store)
        after = tables(store)
        again = dict(store.db.execute("SELECT id, num FROM entities").fetchall())
        resolution = resolve(*store.resolve_inputs())
    # An entity of the first run that is still there keeps its number.
    kept = numbers.keys() & again.keys()
    assert kept and all(numbers[i] == again[i] for i in kept)
    assert len(set(again.values())) == len(again)
    # The same resolution written into emptied tables gives the same rows.
    shutil.copy(path, tmp_path / "fresh.sqlite")
    with Store.open(tmp_path / "fresh.sqlite") as store:
        with store.transaction() as db:
            db.execute("UPDATE mention_rows SET entity = NULL")
            db.execute("DELETE FROM entity_roles")
            db.execute("DELETE FROM entities")
            entity_tables.write_resolution(db, resolution)
        assert tables(store) == after
    # Written again over itself, nothing changes.
    with Store.open(path) as store:
        with store.transaction() as db:
            entity_tables.write_resolution(db, resolution)
        assert tables(store) == after


def test_a_full_name_the_tagger_missed_is_stored_as_a_mention(tmp_path: Path) -> None:
    # A person's full name tagged in two articles and printed untagged in a third is a
    # mention row of its own after resolution, linked to the person; written again,
    # nothing changes.
    with Store.open(tmp_path / "s.sqlite") as store:
        ingest([str(p) for p in sorted(EXAMPLES.glob("[0-9]*"))], store)
        row = store.db.execute(
            "SELECT m.article, m.start, m.text, e.id FROM mention_rows m "
            "JOIN entities e ON e.num = m.entity WHERE m.label = 'PER' AND m.text LIKE '% %' "
            "AND (SELECT count(DISTINCT article) FROM mention_rows o WHERE o.text = m.text) >= 3 "
            "ORDER BY m.article, m.start LIMIT 1"
        ).fetchone()
        assert row is not None, "the examples name a person in full in three articles"
        article, start, name, entity_id = row
        with store.transaction() as db:
            db.execute("DELETE FROM mention_rows WHERE article = ? AND start = ?", (article, start))
        _resolve_stage(store)
        back = store.db.execute(
            "SELECT m.text, m.label, e.id FROM mention_rows m JOIN entities e ON e.num = m.entity "
            "WHERE m.article = ? AND m.start = ?",
            (article, start),
        ).fetchone()
        assert tuple(back) == (name, "PER", entity_id)
        before = tables(store)
        _resolve_stage(store)
        assert tables(store) == before
