"""The sources of each page: one row per (page, path), kept through migration m010."""

from __future__ import annotations

from pathlib import Path

import pytest

from lagebild.export import export_json
from lagebild.store import Store, migrations
from tests.test_store_pages import _article, _plain_text_page


def test_store_migration_m010_keeps_every_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.sqlite"
    page = _plain_text_page()
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:9])
        with Store.open(path) as old:
            old.put(page, _article(page))
            old.add_source(page.sha256, "copy/a.txt")
            old.add_source(page.sha256, "copy/a.txt")  # seen twice: one row
            rows = sorted(tuple(r) for r in old.db.execute("SELECT * FROM sources"))
            exported = export_json(old)
    with Store.open(path) as store:
        assert store.schema_version() == len(migrations.MIGRATIONS)
        assert sorted(tuple(r) for r in store.db.execute("SELECT * FROM sources")) == rows
        assert len(rows) == 2
        assert export_json(store) == exported
        store.add_source(page.sha256, "copy/a.txt")
        assert store.counts()["sources"] == 2
        # The key leads with the page: its sources are found without reading them all.
        plan = " ".join(
            str(r[-1])
            for r in store.db.execute(
                "EXPLAIN QUERY PLAN SELECT source FROM sources WHERE sha256 = ?", (page.sha256,)
            )
        )
        assert "SEARCH" in plan
