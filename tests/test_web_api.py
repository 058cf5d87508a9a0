"""The web app through FastAPI's test client, on a store built from the example pages.

Every endpoint, pagination and filters, German-aware search, the one error shape,
escaping of a hostile title, the limits, and that the store file is never written.
"""

from __future__ import annotations

import hashlib
import html
import shutil
import sqlite3
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from click.testing import CliRunner

with warnings.catch_warnings():
    # Starlette asks for httpx2; httpx works and is what the project installs.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from lagebild.store import Store, StoreError
from lagebild.store.fts import fts_query
from lagebild.web import WebSettings, create_app
from lagebild.web import queries as web_queries
from lagebild.web.queries import article_heading, open_readonly
from tests.test_web_store import ROLE, SCRIPT_TITLE, web_store

__all__ = ["web_store"]

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx`")


@pytest.fixture(scope="module")
def client(web_store: Path) -> Iterator[TestClient]:
    with TestClient(create_app(str(web_store))) as test_client:
        yield test_client


def _db(web_store: Path) -> sqlite3.Connection:
    return open_readonly(str(web_store))


def _error(response: Any, status: int, code: str) -> dict[str, str]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code and body["error"]["message"]
    error: dict[str, str] = body["error"]
    return error


def _duplicate(web_store: Path) -> tuple[str, str]:
    db = _db(web_store)
    try:
        row = db.execute(
            "SELECT id, duplicate_of FROM articles WHERE duplicate_of IS NOT NULL LIMIT 1"
        ).fetchone()
    finally:
        db.close()
    return str(row[0]), str(row[1])


def _top_entity(client: TestClient) -> dict[str, Any]:
    entity: dict[str, Any] = client.get("/api/entities", params={"limit": 1}).json()["items"][0]
    return entity


# -- API ---------------------------------------------------------------------------


def test_web_api_stats_counts_the_store(client: TestClient, web_store: Path) -> None:
    stats = client.get("/api/stats").json()
    with Store.open(web_store, readonly=True) as store:
        assert stats["articles"] == store.counts()["articles"]
    assert stats["duplicates"] >= 1 and stats["entities"] > 10 and stats["mentions"] > 100
    assert stats["date_first"] < stats["date_last"]


def test_web_api_articles_paginate_newest_first(client: TestClient) -> None:
    total = client.get("/api/articles").json()["total"]
    first = client.get("/api/articles", params={"limit": 5}).json()
    second = client.get("/api/articles", params={"limit": 5, "offset": 5}).json()
    assert first["total"] == second["total"] == total and len(first["items"]) == 5
    ids = [a["id"] for a in first["items"] + second["items"]]
    assert len(set(ids)) == 10
    dates = [a["date"] for a in first["items"] + second["items"] if a["date"]]
    assert dates == sorted(dates, reverse=True)
    tail = client.get("/api/articles", params={"limit": 5, "offset": total - 2}).json()
    assert len(tail["items"]) == 2
    assert client.get("/api/articles", params={"offset": total + 10}).json()["items"] == []


def test_web_api_articles_filter_by_date_outlet_and_entity(client: TestClient) -> None:
    march = client.get("/api/articles", params={"from": "2026-03-10", "to": "2026-03-13"}).json()
    assert march["total"] >= 2
    assert all("2026-03-10" <= a["date"][:10] <= "2026-03-13" for a in march["items"])
    outlet = client.get("/api/articles", params={"outlet": "Niederbayern-Rundschau"}).json()
    assert outlet["total"] >= 1
    assert {a["outlet"] for a in outlet["items"]} == {"Niederbayern-Rundschau"}
    entity = _top_entity(client)
    naming = client.get("/api/articles", params={"entity": entity["id"], "limit": 500}).json()
    assert naming["total"] == entity["articles"]
    assert client.get("/api/articles", params={"entity": "no-such-entity"}).status_code == 404


def test_web_api_article_has_text_mentions_sources_and_copies(
    client: TestClient, web_store: Path
) -> None:
    copy_id, canonical_id = _duplicate(web_store)
    copy = client.get(f"/api/articles/{copy_id}").json()
    assert copy["id"] == copy_id and copy["duplicate_of"] == canonical_id
    assert copy["canonical"]["id"] == canonical_id and copy["sources"]
    assert copy["published_effective"] in (copy["published"], copy["published_inferred"])
    canonical = client.get(f"/api/articles/{canonical_id}").json()
    assert copy_id in [c["id"] for c in canonical["copies"]]
    assert canonical["body"] and isinstance(canonical["subheadings"], list)
    mention = canonical["mentions"][0]
    assert {"start", "end", "text", "label", "entity_id", "entity_name"} <= set(mention)


def test_web_api_entities_list_and_entity(client: TestClient) -> None:
    listing = client.get("/api/entities", params={"limit": 3}).json()
    assert listing["total"] > 10 and len(listing["items"]) == 3
    counts = [e["articles"] for e in listing["items"]]
    assert counts == sorted(counts, reverse=True)
    people = client.get("/api/entities", params={"type": "PER", "limit": 500}).json()
    assert people["items"] and {e["type"] for e in people["items"]} == {"PER"}
    top = listing["items"][0]
    named = client.get("/api/entities", params={"q": top["name"][:4]}).json()
    assert top["id"] in [e["id"] for e in named["items"]]
    detail = client.get(f"/api/entities/{quote(top['id'], safe='')}").json()
    assert detail["entity"]["name"] == top["name"] and detail["entity"]["forms"]
    assert len(detail["articles"]) == top["articles"] and detail["cooccurring"]
    assert all(c["shared_articles"] >= 1 for c in detail["cooccurring"])


def test_web_api_entity_roles_have_dates(client: TestClient, web_store: Path) -> None:
    db = _db(web_store)
    try:
        entity_id, role = db.execute("SELECT entity_id, role FROM entity_roles LIMIT 1").fetchone()
    finally:
        db.close()
    detail = client.get(f"/api/entities/{quote(entity_id, safe='')}").json()
    spans = {r["role"]: r for r in detail["roles"]}
    assert role in spans and spans[role]["articles"]
    assert spans[role]["first"] is None or spans[role]["first"] <= spans[role]["last"]
    assert ROLE  # the stand-in's role name, used when the pipeline records none


def test_web_api_search_with_control_characters_is_no_server_error(client: TestClient) -> None:
    # Found by the generated requests: a NUL in the query broke the FTS5 query string.
    for q in ("0\x00", "Witkoff\x00Miami", "\x1f", "Witk\x07off"):
        response = client.get("/api/search", params={"q": q})
        assert response.status_code == 200, (q, response.text)
    assert client.get("/api/search", params={"q": "Witkoff\x00"}).json()["hits"]["total"] >= 1
    assert client.get("/search", params={"q": "0\x00"}).status_code == 200


def test_web_api_search_matches_prefixes_and_german_spellings(client: TestClient) -> None:
    def ids(q: str) -> set[str]:
        body = client.get("/api/search", params={"q": q, "limit": 100}).json()
        return {hit["article"]["id"] for hit in body["hits"]["items"]}

    found = ids("Gespräch")
    assert found and found == ids("Gespraech") == ids("gesprach")
    # "Gespräche" alone is found by the prefix "Gespräch".
    assert ids("Gespräche") <= found
    assert ids("Uferstrassen") == ids("Uferstraße") != set()
    body = client.get("/api/search", params={"q": "Passau Hochwasser", "limit": 2}).json()
    hit = body["hits"]["items"][0]
    assert body["hits"]["total"] >= 2 and len(body["hits"]["items"]) == 2
    assert any(part["match"] for part in hit["snippet"])
    assert sum(f["count"] for f in body["months"]) == body["hits"]["total"]
    assert body["outlets"] and all(f["params"]["outlet"] == f["value"] for f in body["outlets"])


def test_web_api_search_filters_and_phrases(client: TestClient) -> None:
    everything = client.get("/api/search", params={"q": "Witkoff"}).json()
    december = client.get(
        "/api/search", params={"q": "Witkoff", "from": "2025-12-01", "to": "2025-12-31"}
    ).json()
    assert 0 < december["hits"]["total"] < everything["hits"]["total"]
    # The month facet ignores the date filter, so the other months stay visible.
    assert len(december["months"]) == len(everything["months"])
    phrase = client.get("/api/search", params={"q": '"Steve Witkoff"'}).json()
    assert 0 < phrase["hits"]["total"] <= everything["hits"]["total"]


def test_web_api_search_phrase_words_must_stand_together(client: TestClient) -> None:
    # The index keeps no word positions: a phrase is found by its words, then checked.
    words = client.get("/api/search", params={"q": "Witkoff Steve"}).json()["hits"]["total"]
    phrase = client.get("/api/search", params={"q": '"Steve Witkoff"'}).json()
    reversed_ = client.get("/api/search", params={"q": '"Witkoff Steve"'}).json()
    assert phrase["hits"]["total"] > 0 and reversed_["hits"]["total"] < words
    for hit in phrase["hits"]["items"]:
        article = client.get(f"/api/articles/{hit['article']['id']}").json()
        body = article["body"]
        body = body if isinstance(body, str) else " ".join(body)
        text = " ".join([article.get("title") or "", article.get("lead") or "", body])
        assert "Steve Witkoff" in " ".join(text.split())


@pytest.mark.parametrize("q", ['NEAR("a" b)', "title:x", "*", '"', "a OR", "-x", "«»"])
def test_web_api_search_never_runs_fts_syntax(client: TestClient, q: str) -> None:
    assert client.get("/api/search", params={"q": q}).status_code == 200


def _match(text: str) -> str | None:
    query = fts_query(text)
    return None if query is None else query.match


def test_web_fts_query_quotes_every_word() -> None:
    assert _match("Gespräch") == '"gesprach"*'
    assert _match("Straße") == '("strasse"* OR "straße"*)'
    assert _match('"Weißes Haus"') == '("weißes" AND "haus")'
    assert _match("NEAR(a b)") == '("near" AND "a"*) AND "b"*'
    assert _match(" ... ") is None


def test_web_fts_query_checks_phrases_in_the_text() -> None:
    query = fts_query('"Weißes Haus" Gespräch')
    assert query is not None and query.needs_phrases
    assert fts_query("Gespräch") is not None and not fts_query("Gespräch").needs_phrases


def test_web_api_openapi_document(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    for path in ("/api/articles", "/api/articles/{article_id}", "/api/entities", "/api/search"):
        assert path in doc["paths"]
    assert "/api/stats" in doc["paths"] and "ErrorResponse" in doc["components"]["schemas"]
    assert not any(not p.startswith("/api/") for p in doc["paths"])


# -- errors ---------------------------------------------------------------------------


def test_web_api_errors_have_one_shape(client: TestClient) -> None:
    _error(client.get("/api/articles/no-such-article"), 404, "not_found")
    _error(client.get("/api/entities/no%2Fsuch"), 404, "not_found")
    _error(client.get("/api/no-such-endpoint"), 404, "not_found")
    message = _error(
        client.get("/api/articles", params={"from": "13.12.2025"}), 422, "validation_error"
    )
    assert "from" in message["message"]
    _error(client.get("/api/articles", params={"limit": 0}), 422, "validation_error")
    _error(client.get("/api/articles", params={"limit": 100_000}), 422, "validation_error")
    _error(client.get("/api/search"), 422, "validation_error")
    _error(client.get("/api/entities", params={"type": "XYZ"}), 422, "validation_error")
    _error(client.post("/api/articles"), 405, "method_not_allowed")
    _error(client.post("/api/articles", content=b"x" * 100_000), 413, "payload_too_large")
    _error(client.get("/api/search", params={"q": "x" * 10_000}), 414, "uri_too_long")


def test_web_api_internal_error_has_the_shape_and_hides_details(
    web_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(db: sqlite3.Connection) -> dict[str, Any]:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(web_queries, "stats", broken)
    monkeypatch.setattr(web_queries, "overview", broken)
    with TestClient(create_app(str(web_store)), raise_server_exceptions=False) as test_client:
        error = _error(test_client.get("/api/stats"), 500, "internal_error")
        assert "secret" not in error["message"]
        page = test_client.get("/")
        assert page.status_code == 500 and "secret" not in page.text


def test_web_api_query_past_the_deadline_is_a_timeout(
    client: TestClient, web_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = open_readonly(str(web_store), timeout_s=0.05)
    with pytest.raises(sqlite3.OperationalError, match="interrupted"):
        db.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
        ).fetchone()
    db.close()

    def slow(db: sqlite3.Connection) -> dict[str, Any]:
        raise sqlite3.OperationalError("interrupted")

    monkeypatch.setattr(web_queries, "stats", slow)
    _error(client.get("/api/stats"), 503, "timeout")


def test_web_pages_show_errors_as_pages(client: TestClient) -> None:
    missing = client.get("/articles/no-such-article")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    assert "no-such-article" in missing.text
    assert client.get("/entities/no-such-entity").status_code == 404
    assert client.get("/no/such/page").status_code == 404
    bad = client.get("/articles", params={"from": "yesterday"})
    assert bad.status_code == 422 and "<html" in bad.text


# -- safety ---------------------------------------------------------------------------


def test_web_page_shows_a_script_title_as_text(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": "Haushalt Bundestag"}).json()["hits"]["items"]
    article = next(h["article"] for h in hits if h["article"]["title"] == SCRIPT_TITLE)
    for url in (f"/articles/{article['id']}", "/", "/search?q=Haushalt"):
        page = client.get(url).text
        assert "&lt;script&gt;alert(" in page, url
        assert "<script>alert" not in page and "<script" not in page.lower(), url
    assert client.get(f"/api/articles/{article['id']}").json()["title"] == SCRIPT_TITLE


def test_web_responses_carry_a_strict_content_security_policy(client: TestClient) -> None:
    policy = client.get("/").headers["content-security-policy"]
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy
    assert client.get("/api/stats").headers["x-content-type-options"] == "nosniff"


def test_web_static_files_come_only_from_the_package(client: TestClient) -> None:
    css = client.get("/static/style.css")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    for path in (
        "/static/../app.py",
        "/static/%2e%2e/app.py",
        "/static/..%2fapp.py",
        "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static//etc/passwd",
    ):
        response = client.get(path)
        assert response.status_code == 404 or "def create_app" not in response.text, path
        assert "root:" not in response.text and "def create_app" not in response.text, path


def test_web_host_names_are_checked_when_bound_to_localhost(web_store: Path) -> None:
    settings = WebSettings(allowed_hosts=frozenset({"127.0.0.1", "localhost"}))
    with TestClient(create_app(str(web_store), settings), base_url="http://localhost") as local:
        assert local.get("/api/stats").status_code == 200
        _error(local.get("/api/stats", headers={"host": "evil.example"}), 400, "bad_host")


def test_web_store_file_is_never_written(web_store: Path) -> None:
    before = hashlib.sha256(web_store.read_bytes()).hexdigest()
    with TestClient(create_app(str(web_store))) as test_client:
        article_id = test_client.get("/api/articles").json()["items"][0]["id"]
        entity_id = quote(_top_entity(test_client)["id"], safe="")
        for url in (
            "/",
            "/articles",
            f"/articles/{article_id}",
            "/entities",
            f"/entities/{entity_id}",
            "/search?q=Passau",
            "/api/stats",
            "/api/articles?limit=3",
            f"/api/articles/{article_id}",
            "/api/entities",
            f"/api/entities/{entity_id}",
            "/api/search?q=Passau",
            "/openapi.json",
        ):
            assert test_client.get(url).status_code == 200, url
    assert hashlib.sha256(web_store.read_bytes()).hexdigest() == before
    db = open_readonly(str(web_store))
    with pytest.raises(sqlite3.OperationalError):
        db.execute("DELETE FROM articles")
    db.close()


def test_web_app_refuses_a_missing_or_foreign_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such store"):
        create_app(str(tmp_path / "missing.sqlite"))
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(StoreError, match="not a lagebild store"):
        create_app(str(other))


# -- pages ---------------------------------------------------------------------------


def test_web_pages_render(client: TestClient, web_store: Path) -> None:
    copy_id, canonical_id = _duplicate(web_store)
    home = client.get("/").text
    assert "Latest articles" in home and "Storylines" in home and "Latest stories" in home
    listing = client.get("/articles", params={"outlet": "Niederbayern-Rundschau"}).text
    assert "Niederbayern-Rundschau" in listing
    copy = client.get(f"/articles/{copy_id}").text
    assert f"/articles/{canonical_id}" in copy and "A copy of" in copy
    canonical = client.get(f"/articles/{canonical_id}").text
    assert f"/articles/{copy_id}" in canonical and 'class="m m-' in canonical
    entity = _top_entity(client)
    page = client.get(f"/entities/{quote(entity['id'], safe='')}").text
    assert entity["name"] in page and "Named beside" in page
    assert entity["name"] in client.get("/entities").text
    search = client.get("/search", params={"q": "Gespräch"}).text
    assert "<mark>" in search and "By month" in search
    assert "Search" in client.get("/search").text


def test_web_article_page_links_names_and_places_subheadings(
    client: TestClient, web_store: Path
) -> None:
    db = _db(web_store)
    try:
        article_id = db.execute(
            "SELECT id FROM articles WHERE subheadings LIKE '%Höchststand in der Nacht erwartet%' "
            "AND duplicate_of IS NULL"
        ).fetchone()[0]
    finally:
        db.close()
    article = client.get(f"/api/articles/{article_id}").json()
    page = client.get(f"/articles/{article_id}").text
    resolved = [m for m in article["mentions"] if m["entity_id"]]
    assert resolved and f'/entities/{quote(resolved[0]["entity_id"], safe="")}"' in page
    heading = page.index("<h2>Höchststand in der Nacht erwartet</h2>")
    first_paragraph = article["body"].split("\n\n")[0][:30]
    assert page.index(first_paragraph[:20]) < heading  # put back between the paragraphs


def test_web_home_shows_stories_from_the_story_tables(web_store: Path, tmp_path: Path) -> None:
    clustered = tmp_path / "clustered.sqlite"
    shutil.copy(web_store, clustered)
    db = sqlite3.connect(clustered)
    db.execute("DELETE FROM stories")
    db.execute("DELETE FROM storylines")
    db.commit()
    with TestClient(create_app(str(clustered))) as test_client:
        assert "No stories or storylines yet" in test_client.get("/").text
    db.execute(
        "INSERT INTO storylines VALUES ('l1', 'Hochwasser an Donau und Inn', '[]', "
        "'2026-03-09', '2026-03-23', 2, 7)"
    )
    db.execute(
        "INSERT INTO stories VALUES ('s1', 'Katastrophenfall (Passau)', "
        "'Katastrophenfall in Passau', '[\"Passau\"]', 'l1', '2026-03-09', '2026-03-13', 4, 2)"
    )
    db.commit()
    db.close()
    with TestClient(create_app(str(clustered))) as test_client:
        home = test_client.get("/").text
        assert "No stories or storylines yet" not in home
        assert "Hochwasser an Donau und Inn" in home and "Katastrophenfall in Passau" in home
        assert "2 stories · 7 articles" in home and "4 articles · 2 outlets" in home
        assert 'href="/storylines/l1"' in home and 'href="/stories/s1"' in home


def test_web_empty_store_has_empty_states(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite"
    Store.open(empty).close()
    with TestClient(create_app(str(empty))) as test_client:
        assert "holds no articles yet" in test_client.get("/").text
        assert "No entities yet" in test_client.get("/entities").text
        assert test_client.get("/api/articles").json() == {
            "total": 0,
            "limit": 50,
            "offset": 0,
            "items": [],
        }
        assert "No article matches" in test_client.get("/search", params={"q": "Passau"}).text


def test_web_cli_serve_has_help_and_refuses_a_missing_store(tmp_path: Path) -> None:
    from lagebild.cli import web as web_cli  # registers `serve` until the package imports it

    runner = CliRunner()
    result = runner.invoke(web_cli.main, ["serve", "--help"])
    assert (
        result.exit_code == 0 and "Example" in result.output and "lagebild serve" in result.output
    )
    missing = runner.invoke(web_cli.main, ["serve", "--db", str(tmp_path / "none.sqlite")])
    assert missing.exit_code == 3


def test_web_api_unknown_filters_are_not_found_and_names_are_accepted(client: TestClient) -> None:
    # /api/articles?entity=nosuch and /api/stories?storyline=nosuch were empty lists with
    # 200, where /api/timeline and /api/network say 404; and an entity's name found no
    # articles though the CLI takes names.
    for path, params in (
        ("/api/articles", {"entity": "nosuch"}),
        ("/api/search", {"q": "Witkoff", "entity": "nosuch"}),
        ("/api/stories", {"storyline": "nosuch"}),
    ):
        response = client.get(path, params=params)
        assert response.status_code == 404, (path, response.text)
        assert "nosuch" in response.json()["error"]["message"]
    by_id = client.get("/api/articles", params={"entity": "per:steve-witkoff"}).json()
    by_name = client.get("/api/articles", params={"entity": "Witkoff"}).json()
    assert by_id["total"] >= 1 and by_name == by_id


def test_web_empty_form_fields_are_no_filter(client: TestClient) -> None:
    # A browser sends the fields of a filter form left empty as "from=&to=" and
    # "type=": every filter form gave 422 unless all its fields were filled in.
    for path, params in (
        ("/articles", {"from": "", "to": "", "outlet": ""}),
        ("/search", {"q": "Witkoff", "from": "", "to": ""}),
        ("/entities", {"name": "Witkoff", "type": ""}),
        ("/api/articles", {"from": "", "to": ""}),
        ("/api/entities", {"type": ""}),
        ("/api/search", {"q": "Witkoff", "from": "", "to": "", "entity": ""}),
    ):
        response = client.get(path, params=params)
        assert response.status_code == 200, (path, response.text[:300])
    everything = client.get("/api/articles").json()["total"]
    assert client.get("/api/articles", params={"from": "", "to": ""}).json()["total"] == everything
    assert client.get("/api/articles", params={"from": "gestern"}).status_code == 422


def test_web_a_page_past_the_end_goes_to_the_last_page(client: TestClient) -> None:
    # "/entities?offset=500" said "No entities yet ... this store holds none so far" and
    # its pager "501–500 of 107"; a page past the end now sends the reader to the last.
    total = client.get("/api/entities", params={"limit": 1}).json()["total"]
    response = client.get("/entities", params={"offset": 100_000, "type": ""})
    assert response.history and response.history[0].status_code == 303
    last = (total - 1) // 50 * 50
    assert f"offset={last}" in str(response.url) or last == 0
    assert "No entities yet" not in response.text and f"of {total}" in response.text
    for path, params in (
        ("/articles", {"offset": 100_000}),
        ("/stories", {"offset": 100_000}),
        ("/storylines", {"offset": 100_000}),
        ("/search", {"q": "Witkoff", "offset": 100_000}),
    ):
        response = client.get(path, params=params)
        assert response.status_code == 200 and response.history, path
        assert 'class="empty"' not in response.text, path


def test_web_an_untitled_article_has_one_name_everywhere(
    client: TestClient, web_store: Path
) -> None:
    # Lists showed an untitled article by its lead, its own page as "Untitled article",
    # and a storyline's key quotes by its raw id.
    db = sqlite3.connect(f"file:{web_store}?mode=ro", uri=True)
    try:
        row = db.execute(
            "SELECT a.id FROM articles a WHERE (a.title IS NULL OR a.title = '') "
            "AND a.lead IS NOT NULL AND a.lead != '' LIMIT 1"
        ).fetchone()
    finally:
        db.close()
    if row is None:
        pytest.skip("the web store has no untitled article with a lead")
    listed = client.get("/api/articles", params={"limit": 200}).json()["items"]
    item = next(a for a in listed if a["id"] == row[0])
    heading = article_heading(item["title"], item["lead"], item["id"])
    page = client.get(f"/articles/{row[0]}").text
    assert "Untitled article" not in page
    assert html.escape(heading, quote=False) in page.split("<h1", 1)[1].split("</h1>", 1)[0]


def test_web_small_page_fixes(client: TestClient) -> None:
    # A query of spaces said nothing; the entities pager said "Newer" / "Older" of a list
    # ordered by reach; German headlines in lists were not marked as German.
    blank = client.get("/search", params={"q": "   "}).text
    assert "Nothing to search for: type a word." in blank and "<title>Search" in blank
    assert client.get("/api/entities", params={"limit": 1}).json()["total"] > 50
    entities = client.get("/entities", params={"offset": 50}).text
    assert "Newer" not in entities and "More widely reported" in entities
    listing = client.get("/articles").text
    assert 'class="item-title"' in listing and 'lang="de">' in listing


def test_web_api_entity_filters_take_names_and_refuse_unknown_ones(client: TestClient) -> None:
    # /api/events?entity=Witkoff and /api/quotes?speaker=Dmitriew were empty lists and
    # /api/timeline?entity=Witkoff a 404, where /api/articles and the CLI take a name.
    witkoff = "per:steve-witkoff"
    for path, key in (
        ("/api/events", "entity"),
        ("/api/timeline", "entity"),
        ("/api/network", "entity"),
        ("/api/quotes", "speaker"),
    ):
        by_id = client.get(path, params={key: witkoff})
        by_name = client.get(path, params={key: "Witkoff"})
        assert by_id.status_code == 200 and by_name.json() == by_id.json(), path
        unknown = client.get(path, params={key: "nosuch"})
        assert unknown.status_code == 404 and "nosuch" in unknown.json()["error"]["message"]
    assert client.get("/api/events", params={"entity": witkoff}).json()["total"] >= 1
    assert client.get("/api/events", params={"from": "", "to": ""}).status_code == 200
