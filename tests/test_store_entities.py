"""The resolution written over the stored one: only what changed, numbers kept."""

from __future__ import annotations

import shutil
from pathlib import Path

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
