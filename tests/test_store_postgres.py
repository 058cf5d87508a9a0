"""The PostgreSQL store, against a real server.

Set LAGEBILD_TEST_POSTGRES to a server's URL (``bash scripts/install_postgres.sh`` starts
one and prints it); the role needs CREATEDB: every test works in a database of its own
and drops it. Without the variable these tests skip, except when LAGEBILD_REQUIRE_POSTGRES
is 1 (CI sets it): then a missing server fails them.

The central check: the seed pages and examples/ ingested into SQLite and into PostgreSQL
give the same exported contract JSON, and the same answers from every read command.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from click.testing import CliRunner

from lagebild.cli import main
from lagebild.errors import Reason, Rejected
from lagebild.exports import FORMATS, ExportOptions
from lagebild.model import Article, Page
from lagebild.pipeline import ingest
from lagebild.store import Store, StoreError
from lagebild.store.migrations import MIGRATIONS, migrate
from tests.conftest import EXAMPLES, SEEDS
from tests.test_store import _article as sqlite_article
from tests.test_store import _page

DSN_ENV = "LAGEBILD_TEST_POSTGRES"
REQUIRE_ENV = "LAGEBILD_REQUIRE_POSTGRES"


def server_url() -> str:
    """The test server's URL; skip (or, when required, fail) without one."""
    dsn = os.environ.get(DSN_ENV, "")
    why = ""
    if not dsn:
        why = f"no PostgreSQL server: set {DSN_ENV} (bash scripts/install_postgres.sh prints one)"
    else:
        try:
            import psycopg  # noqa: F401
        except ImportError:
            why = "psycopg is not installed: pip install -e '.[postgres]'"
    if why:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1 but {why}")
        pytest.skip(why)
    return dsn


def _admin(dsn: str, statement: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(name)))


@dataclass
class Server:
    """The test server: makes databases (optionally copies of another) and drops them."""

    dsn: str

    def url(self, name: str) -> str:
        parts = urlsplit(self.dsn)
        return urlunsplit(parts._replace(path="/" + name))

    def create(self, template: str | None = None) -> str:
        name = f"lagebild_test_{uuid.uuid4().hex[:12]}"
        if template is None:
            _admin(self.dsn, "CREATE DATABASE {}", name)
        else:
            _admin(self.dsn, "CREATE DATABASE {} TEMPLATE " + template, name)
        return name

    def drop(self, name: str) -> None:
        _admin(self.dsn, "DROP DATABASE IF EXISTS {} WITH (FORCE)", name)


@pytest.fixture(scope="module")
def server() -> Server:
    return Server(server_url())


@pytest.fixture
def pg_url(server: Server) -> Iterator[str]:
    """A fresh, empty database for one test, dropped afterwards."""
    name = server.create()
    try:
        yield server.url(name)
    finally:
        server.drop(name)


@dataclass
class Stores:
    """The same input ingested into a SQLite file and a PostgreSQL database."""

    sqlite: Path
    postgres_db: str


@pytest.fixture(scope="module")
def ingested(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stores]:
    """Seeds and examples/ ingested (with the stages over the whole store) into both."""
    if not SEEDS.is_dir():
        pytest.skip(f"seed pages not found at {SEEDS}")
    paths = [str(SEEDS), str(EXAMPLES)]
    path = tmp_path_factory.mktemp("pg") / "store.sqlite"
    with Store.open(path) as lite:
        lite_summary = ingest(paths, lite)
    name = server.create()
    try:
        with Store.open(server.url(name)) as pg:
            pg_summary = ingest(paths, pg)
        assert pg_summary.as_dict() == lite_summary.as_dict()
        assert pg_summary.stored >= 10
        yield Stores(path, name)
    finally:
        server.drop(name)


@pytest.fixture
def copies(ingested: Stores, server: Server, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """This test's own copies of the ingested stores: (SQLite path, PostgreSQL URL)."""
    lite = tmp_path / "store.sqlite"
    shutil.copy(ingested.sqlite, lite)
    name = server.create(template=ingested.postgres_db)
    try:
        yield str(lite), server.url(name)
    finally:
        server.drop(name)


def _article(page: Page) -> Article:
    # The SQLite tests' article, with a German plural for stemming and a literal % sign
    # (psycopg reads % as a placeholder).
    body = ["Erster Absatz mit «Zitat» über die Brücken.", "Zweiter Absatz mit 100 % Text."]
    return replace(sqlite_article(page), body=body)


def _export(location: str, fmt: str = "json", options: ExportOptions | None = None) -> bytes:
    with Store.open(location, readonly=True) as store:
        return b"".join(FORMATS[fmt].render(store.db, options or ExportOptions()))


# -- the store on its own ------------------------------------------------------


def test_pg_migrations_apply_once_and_are_recorded(pg_url: str) -> None:
    with Store.open(pg_url) as store:
        rows = store.db.execute(
            "SELECT version, name FROM schema_migrations ORDER BY version"
        ).fetchall()
        assert [(r[0], r[1]) for r in rows] == [
            (n, m.__name__) for n, m in enumerate(MIGRATIONS, start=1)
        ]
        assert store.schema_version() == len(MIGRATIONS)
        assert migrate(store.db) == []
    with Store.open(pg_url) as again:  # opening again applies nothing new
        assert again.schema_version() == len(MIGRATIONS)
        assert again.db.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(
            MIGRATIONS
        )


def test_pg_article_round_trips_and_put_twice_changes_nothing(pg_url: str) -> None:
    with Store.open(pg_url) as store:
        page = _page()
        article = _article(page)
        assert store.put(page, article).new
        assert store.article(article.id) == article
        assert store.articles() == [article]
        before = store.counts()
        assert not store.put(page, _article(page)).new
        other = _page(source="b.txt")
        store.put(other, _article(other))
        after = store.counts()
        assert after["articles"] == before["articles"] == 1
        assert after["sources"] == 2


def test_pg_search_finds_german_words(pg_url: str) -> None:
    with Store.open(pg_url) as store:
        page = _page()
        store.put(page, _article(page))
        found = [a.id for a, _ in store.search("Straßenbahn")]
        assert found == [page.sha256[:16]]
        assert store.search("Brücke")  # stemmed: the text has "Brücken"
        assert store.search("zweiter absatz")
        assert "[Zitat]" in store.search("Zitat")[0][1]
        assert store.search("nirgendwo") == []
        for hostile in ['"', "AND OR NOT", "title:*", "a' OR 1=1 --", "!&|", "0\x00", "%s"]:
            assert isinstance(store.search(hostile), list)


def test_pg_rejection_recorded_once(pg_url: str) -> None:
    with Store.open(pg_url) as store:
        rejection = Rejected(Reason.BINARY, "binary file", "x.bin")
        store.reject(rejection, "abc")
        store.reject(rejection, "abc")
        assert store.counts()["rejections_by_reason"] == {"binary": 1}
        assert store.rejections()[0]["source"] == "x.bin"


def test_pg_failed_transaction_leaves_nothing(pg_url: str) -> None:
    with Store.open(pg_url) as store:
        page = _page()
        article = _article(page)
        article.subheadings = [object()]  # type: ignore[list-item]  # not JSON: fails mid-write
        with pytest.raises(TypeError):
            store.put(page, article)
        counts = store.counts()
        assert counts["articles"] == 0 and counts["pages"] == 0 and counts["sources"] == 0
        assert store.put(page, _article(page)).new  # the connection is usable again


def test_pg_readonly_store_cannot_write(pg_url: str) -> None:
    Store.open(pg_url).close()
    with Store.open(pg_url, readonly=True) as store, pytest.raises(Exception, match="read-only"):
        store.reject(Rejected(Reason.BINARY, "binary file", "x.bin"))


def test_pg_clear_errors_for_an_empty_database_and_no_server(pg_url: str, server: Server) -> None:
    with pytest.raises(StoreError, match="not a lagebild store"):
        Store.open(pg_url, readonly=True)
    parts = urlsplit(server.dsn)
    nowhere = urlunsplit(parts._replace(netloc=f"{parts.username or 'x'}@127.0.0.1:1"))
    with pytest.raises(StoreError, match="cannot connect"):
        Store.open(nowhere)


def test_pg_serve_is_refused_with_a_clear_message(pg_url: str) -> None:
    result = CliRunner().invoke(main, ["serve", "--db", pg_url])
    assert result.exit_code == 3
    assert "not supported" in result.output


# -- the same input, both engines ---------------------------------------------


def test_pg_export_equals_sqlite_export(ingested: Stores, server: Server) -> None:
    lite = _export(str(ingested.sqlite))
    pg = _export(server.url(ingested.postgres_db))
    data = json.loads(lite)
    assert data["articles"] and data["entities"] and data["stories"] and data["quotes"]
    assert pg == lite


def test_pg_other_exports_equal_sqlite(ingested: Stores, server: Server) -> None:
    lite, pg = str(ingested.sqlite), server.url(ingested.postgres_db)
    with Store.open(lite, readonly=True) as store:
        storyline = str(store.storylines()[0]["id"])
        entity = store.entities(label="PER")[0][0].id
    for options in (
        ExportOptions(),
        ExportOptions(storyline=storyline),
        ExportOptions(entity=entity),
    ):
        for fmt in ("json", "jsonl", "markdown", "graphml"):
            assert _export(pg, fmt, options) == _export(lite, fmt, options), (fmt, options)
        for table in ("articles", "entities", "events", "quotes"):
            csv = ExportOptions(table, options.storyline, options.entity)
            assert _export(pg, "csv", csv) == _export(lite, "csv", csv), (table, options)


def _cli_json(args: list[str]) -> Any:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_pg_read_commands_answer_as_on_sqlite(ingested: Stores, server: Server) -> None:
    lite, pg = str(ingested.sqlite), server.url(ingested.postgres_db)
    with Store.open(lite, readonly=True) as store:
        storyline = str(store.storylines()[0]["id"])
        story = str(store.stories()[0]["id"])
        person = store.entities(label="PER")[0][0].name
    commands = [
        ["entities", "--json"],
        ["entities", "--json", "--type", "LOC"],
        ["entity", person, "--json"],
        ["entity", person.upper(), "--json"],
        ["stories", "--json"],
        ["stories", "--json", "--storyline", storyline],
        ["story", story, "--json"],
        ["storylines", "--json"],
        ["events", "--json"],
        ["events", "--json", "--entity", person],
        ["quotes", "--json"],
        ["quotes", "--json", "--speaker", person],
        ["timeline", "--storyline", storyline, "--format", "json"],
        ["timeline", "--entity", person, "--format", "json"],
    ]
    for command in commands:
        assert _cli_json([*command, "--db", pg]) == _cli_json([*command, "--db", lite]), command
    stats_pg = _cli_json(["stats", "--json", "--db", pg])
    stats_lite = _cli_json(["stats", "--json", "--db", lite])
    assert stats_pg["db_bytes"] > 100_000  # pg_database_size, not a file that is not there
    assert "@" in stats_pg["db"] and stats_pg["db"].startswith("postgresql://")
    for key in ("db", "db_bytes"):  # where the store is, and its size on disk
        stats_pg.pop(key), stats_lite.pop(key)
    assert stats_pg == stats_lite
    for command in (["articles", "-n", "100"], ["search", "Hochwasser"]):
        result = CliRunner().invoke(main, [*command, "--db", pg])
        assert result.exit_code == 0, result.output
    hits = _cli_json(["search", "Hochwasser", "--json", "--db", pg])
    assert hits and {h["id"] for h in hits} <= {
        h["id"] for h in _cli_json(["search", "Hochwasser", "--json", "-n", "100", "--db", lite])
    }


def test_pg_reingest_is_idempotent(copies: tuple[str, str]) -> None:
    lite, pg = copies
    before = _export(pg)
    result = CliRunner().invoke(main, ["ingest", str(SEEDS), str(EXAMPLES), "--db", pg, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["stored"] == 0 and summary["already_stored"] >= 10
    assert _export(pg) == before == _export(lite)


def test_pg_bad_page_is_a_rejection_and_stored_data_survive(
    copies: tuple[str, str], tmp_path: Path
) -> None:
    lite, pg = copies
    before = json.loads(_export(pg))
    bad = tmp_path / "bad.html"
    bad.write_bytes(b"\x00\x01\x02 not a page \xff\xfe" * 50)
    for location in (lite, pg):
        result = CliRunner().invoke(main, ["ingest", str(bad), "--db", location, "--json"])
        assert result.exit_code == 1, result.output
        assert json.loads(result.output)["rejected"] == 1
    after = json.loads(_export(pg))
    assert after == before
    with Store.open(pg, readonly=True) as store:
        rejections = store.rejections()
    assert [r["source"] for r in rejections] == [str(bad)]
    with Store.open(lite, readonly=True) as store:
        assert [r["reason"] for r in store.rejections()] == [r["reason"] for r in rejections]


def test_pg_concurrent_writers_take_turns(pg_url: str) -> None:
    """Four connections storing overlapping pages at once, the first ones migrating: no
    error, each page stored once, every source recorded."""
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            with Store.open(pg_url) as store:
                for i in range(20):
                    page = _page(f"Politik\n\nTitel {i % 10}\n\nText {i % 10}.", f"{worker}-{i}")
                    store.put(page, _article(page))
        except BaseException as exc:  # reported below, with the others
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Store.open(pg_url, readonly=True) as store:
        counts = store.counts()
    assert counts["articles"] == 10 and counts["sources"] == 80


def test_messages_never_show_the_password() -> None:
    from lagebild.store import postgres

    shown = postgres.shown("postgresql://lagebild:s3cret@db.example:5433/news")
    assert "s3cret" not in shown
    assert shown == "postgresql://lagebild@db.example:5433/news"


def test_pg_clustering_goes_on_from_its_state_as_on_sqlite(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The state round-trips through BYTEA, and the runs after it give the SQLite stories.
    import lagebild.cluster.run as cluster_run
    from tests.test_cluster_resume import dated_examples, snapshot

    monkeypatch.setattr(cluster_run, "STATE_FROM", 1)
    pages = dated_examples()
    chunks = [[str(p) for p in pages[:5]], [str(p) for p in pages[5:]]]
    name = server.create()
    try:
        with Store.open(tmp_path / "s.sqlite") as lite, Store.open(server.url(name)) as pg:
            for chunk in chunks:
                ingest(chunk, lite)
                ingest(chunk, pg)
                assert pg.db.execute("SELECT count(*) FROM cluster_state").fetchone()[0] == 1
                assert snapshot(pg) == snapshot(lite)
            assert cluster_run.cluster_store(pg).mode == "continued"
    finally:
        server.drop(name)
