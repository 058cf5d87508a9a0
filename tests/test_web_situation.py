"""Stories, storylines, events, quotes, timelines, the network and exports over the API,
and the pages that show them, on the store built from the examples and seeds."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from lagebild.store.quotes import SlicedTexts
from lagebild.timespans import date_order
from lagebild.web import create_app
from lagebild.web.queries import open_readonly
from tests.test_web_store import SCRIPT_TITLE, web_store

__all__ = ["web_store"]

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx`")


@pytest.fixture(scope="module")
def client(web_store: Path) -> Iterator[TestClient]:
    with TestClient(create_app(str(web_store))) as test_client:
        yield test_client


def _error(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code and body["error"]["message"]


def _one(web_store: Path, sql: str) -> Any:
    db = open_readonly(str(web_store))
    try:
        return db.execute(sql).fetchone()
    finally:
        db.close()


def _biggest_storyline(client: TestClient) -> dict[str, Any]:
    items = client.get("/api/storylines", params={"limit": 500}).json()["items"]
    line: dict[str, Any] = max(items, key=lambda s: (s["stories"], s["articles"]))
    return line


def _event_person(web_store: Path) -> str:
    """The id of the person in most events."""
    row = _one(
        web_store,
        "SELECT e.id FROM events ev, json_each(ev.participants) p JOIN entities e "
        "ON e.name = p.value AND e.type = 'PER' GROUP BY e.id ORDER BY count(*) DESC LIMIT 1",
    )
    return str(row[0])


# -- API ---------------------------------------------------------------------------------


def test_web_api_storylines_and_stories_paginate(client: TestClient, web_store: Path) -> None:
    lines = client.get("/api/storylines").json()
    stored = _one(web_store, "SELECT count(*) FROM storylines")[0]
    assert lines["total"] == stored >= 2 and set(lines) == {"total", "limit", "offset", "items"}
    ends = [s["end"] for s in lines["items"] if s["end"]]
    assert ends == sorted(ends, reverse=True)
    first = client.get("/api/stories", params={"limit": 2}).json()
    second = client.get("/api/stories", params={"limit": 2, "offset": 2}).json()
    assert first["total"] == second["total"] >= 4
    assert not {s["id"] for s in first["items"]} & {s["id"] for s in second["items"]}
    line = _biggest_storyline(client)
    mine = client.get("/api/stories", params={"storyline": line["id"]}).json()
    assert mine["total"] == line["stories"]
    assert {s["storyline"] for s in mine["items"]} == {line["id"]}


def test_web_api_storyline_has_stories_people_events(client: TestClient) -> None:
    line = _biggest_storyline(client)
    detail = client.get(f"/api/storylines/{quote(line['id'], safe='')}").json()
    assert detail["storyline"]["id"] == line["id"]
    assert len(detail["stories"]) == line["stories"]
    assert detail["people"] and all(p["type"] == "PER" for p in detail["people"])
    counts = [p["articles"] for p in detail["people"]]
    assert counts == sorted(counts, reverse=True)
    assert detail["events"] and {"participants", "date_first", "articles"} <= set(
        detail["events"][0]
    )
    assert all(q["kind"] == "direct" and q["entity_id"] for q in detail["quotes"])


def test_web_api_story_groups_articles_by_outlet_and_folds_copies(
    client: TestClient, web_store: Path
) -> None:
    copy_id, canonical_id, story_id = _one(
        web_store,
        "SELECT c.id, c.duplicate_of, c.story FROM articles c JOIN articles o "
        "ON o.id = c.duplicate_of AND o.story = c.story LIMIT 1",
    )
    story = client.get(f"/api/stories/{quote(story_id, safe='')}").json()
    canonicals = {
        item["article"]["id"]: [c["id"] for c in item["copies"]]
        for group in story["outlets"]
        for item in group["articles"]
    }
    assert copy_id in canonicals[canonical_id] and copy_id not in canonicals
    for group in story["outlets"]:
        assert {item["article"]["outlet"] for item in group["articles"]} == {group["outlet"]}
    members = sum(1 + len(c) for c in canonicals.values())
    assert members == story["story"]["articles"]
    members_ids = {a for a, copies in canonicals.items() for a in [a, *copies]}
    assert story["quotes"] and {q["article_id"] for q in story["quotes"]} <= members_ids
    assert all(set(e["articles"]) & members_ids for e in story["events"])


def test_web_api_events_filter_by_date_entity_and_type(client: TestClient, web_store: Path) -> None:
    everything = client.get("/api/events", params={"limit": 500}).json()
    assert everything["total"] == _one(web_store, "SELECT count(*) FROM events")[0]
    firsts = [e["date_first"] for e in everything["items"] if e["date_first"]]
    assert firsts == sorted(firsts)
    december = client.get(
        "/api/events", params={"from": "2025-12-01", "to": "2025-12-31", "limit": 500}
    ).json()
    assert 0 < december["total"] < everything["total"]
    for event in december["items"]:
        assert event["date_last"] >= "2025-12-01" and event["date_first"] <= "2025-12-31"
    # A weekend of week 51 (20-21 Dec) counts for a filter on 21 December only.
    weekend = client.get("/api/events", params={"from": "2025-12-21", "to": "2025-12-21"}).json()
    assert any(e["date"] == "2025-W51-WE" for e in weekend["items"])
    person = _event_person(web_store)
    theirs = client.get("/api/events", params={"entity": person, "limit": 500}).json()
    assert theirs["total"] >= 2
    assert all(person in [p["entity_id"] for p in e["participants"]] for e in theirs["items"])
    meetings = client.get("/api/events", params={"type": "meeting", "limit": 500}).json()
    assert meetings["total"] > 0 and {e["kind"] for e in meetings["items"]} == {"meeting"}
    planned = client.get("/api/events", params={"type": "meeting_planned"}).json()
    assert 0 < planned["total"] < meetings["total"]
    paged = client.get("/api/events", params={"limit": 3, "offset": 3}).json()
    assert [e["id"] for e in paged["items"]] == [e["id"] for e in everything["items"][3:6]]


def test_web_api_quotes_filter_by_speaker_and_date(client: TestClient, web_store: Path) -> None:
    speaker = _one(
        web_store,
        "SELECT entity_id FROM quotes WHERE entity_id IS NOT NULL "
        "GROUP BY entity_id ORDER BY count(*) DESC LIMIT 1",
    )[0]
    quotes = client.get("/api/quotes", params={"speaker": speaker, "limit": 500}).json()
    assert quotes["total"] >= 2 and {q["entity_id"] for q in quotes["items"]} == {speaker}
    dates = [q["date"] for q in quotes["items"] if q["date"]]
    assert dates == sorted(dates)
    everything = client.get("/api/quotes").json()
    window = client.get("/api/quotes", params={"from": "2026-03-01", "to": "2026-03-31"}).json()
    assert 0 < window["total"] < everything["total"]
    assert all("2026-03-01" <= q["date"][:10] <= "2026-03-31" for q in window["items"])


def test_web_api_timeline_of_a_storyline_and_an_entity(client: TestClient, web_store: Path) -> None:
    line = _biggest_storyline(client)
    timeline = client.get("/api/timeline", params={"storyline": line["id"]}).json()
    assert timeline["subject"] == {"kind": "storyline", "id": line["id"], "label": line["label"]}
    assert timeline["total"] >= 3 and {e["kind"] for e in timeline["items"]} <= {"event", "quote"}
    dates = [e["date"] for e in timeline["items"] if e["date"]]
    assert dates == sorted(dates, key=date_order)
    person = _event_person(web_store)
    theirs = client.get("/api/timeline", params={"entity": person, "limit": 2}).json()
    assert theirs["subject"]["kind"] == "entity" and theirs["total"] >= 2
    assert len(theirs["items"]) == 2


def test_web_api_network_around_an_entity(client: TestClient, web_store: Path) -> None:
    person = _event_person(web_store)
    network = client.get("/api/network", params={"entity": person}).json()
    assert network["center"] == person and network["nodes"][0]["id"] == person
    ids = {n["id"] for n in network["nodes"]}
    assert len(ids) >= 3
    for edge in network["edges"]:
        assert edge["source"] in ids and edge["target"] in ids
        assert edge["weight"] == len(edge["events"]) >= 1
    # Weight = shared events: check one edge of the centre against the events table.
    edge = next(e for e in network["edges"] if person in (e["source"], e["target"]))
    other = edge["target"] if edge["source"] == person else edge["source"]
    together = client.get("/api/events", params={"entity": person, "limit": 500}).json()
    shared = [e for e in together["items"] if other in [p["entity_id"] for p in e["participants"]]]
    assert len(shared) == edge["weight"]
    small = client.get("/api/network", params={"entity": person, "limit": 2}).json()
    assert len(small["nodes"]) == 2


def test_web_api_new_endpoints_have_the_one_error_shape(client: TestClient) -> None:
    _error(client.get("/api/stories/no-such-story"), 404, "not_found")
    _error(client.get("/api/storylines/no-such-line"), 404, "not_found")
    _error(client.get("/api/timeline"), 422, "validation_error")
    _error(
        client.get("/api/timeline", params={"storyline": "x", "entity": "y"}),
        422,
        "validation_error",
    )
    _error(client.get("/api/timeline", params={"storyline": "nope"}), 404, "not_found")
    _error(client.get("/api/timeline", params={"entity": "nope"}), 404, "not_found")
    _error(client.get("/api/network"), 422, "validation_error")
    _error(client.get("/api/network", params={"entity": "nope"}), 404, "not_found")
    _error(client.get("/api/events", params={"from": "Dezember"}), 422, "validation_error")
    _error(client.get("/api/quotes", params={"limit": 0}), 422, "validation_error")
    _error(client.get("/api/stories", params={"offset": -1}), 422, "validation_error")
    _error(client.get("/api/export/xml"), 422, "validation_error")
    _error(client.get("/api/export/csv", params={"table": "pages"}), 422, "validation_error")
    _error(client.get("/api/export/ics", params={"storyline": "nope"}), 404, "not_found")
    _error(client.get("/api/export/graphml", params={"entity": "nope"}), 404, "not_found")
    _error(client.post("/api/events"), 405, "method_not_allowed")


def test_web_api_openapi_lists_the_new_endpoints(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/stories",
        "/api/stories/{story_id}",
        "/api/storylines",
        "/api/storylines/{storyline_id}",
        "/api/events",
        "/api/quotes",
        "/api/timeline",
        "/api/network",
        "/api/export/{format}",
    ):
        assert path in paths, path


def test_web_api_exports_stream_each_format(client: TestClient, web_store: Path) -> None:
    line = _biggest_storyline(client)
    contract = client.get("/api/export/json")
    assert contract.headers["content-type"].startswith("application/json")
    assert set(contract.json()) == {
        "articles",
        "stories",
        "storylines",
        "entities",
        "quotes",
        "events",
    }
    events = client.get("/api/export/csv", params={"table": "events"})
    assert "attachment" in events.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(events.text)))
    assert len(rows) == _one(web_store, "SELECT count(*) FROM events")[0]
    lines = client.get("/api/export/jsonl", params={"storyline": line["id"]}).text.splitlines()
    records = [json.loads(x) for x in lines]
    articles = [r for r in records if r["table"] == "articles"]
    assert len(articles) == line["articles"] and {a["storyline"] for a in articles} == {line["id"]}
    ics = client.get("/api/export/ics", params={"storyline": line["id"]})
    assert ics.text.startswith("BEGIN:VCALENDAR\r\n") and "BEGIN:VEVENT" in ics.text
    report = client.get("/api/export/markdown", params={"storyline": line["id"]}).text
    assert report.startswith("# ") and "## Timeline" in report
    graphml = client.get("/api/export/graphml").content
    assert graphml.startswith(b"<?xml") and b"<graphml" in graphml
    parquet = client.get("/api/export/parquet", params={"table": "quotes"}).content
    assert parquet[:4] == b"PAR1" and parquet[-4:] == b"PAR1"


# -- pages -------------------------------------------------------------------------------


def test_web_pages_show_storylines_stories_and_charts(client: TestClient, web_store: Path) -> None:
    home = client.get("/").text
    line = _biggest_storyline(client)
    assert "Storylines" in home and "Latest stories" in home
    assert f"/storylines/{quote(line['id'], safe='')}" in home
    page = client.get(f"/storylines/{quote(line['id'], safe='')}").text
    assert '<svg class="chart timeline-chart"' in page and "story-bar" in page
    assert 'class="ev ev-' in page and "Key people" in page and 'id="event-ev:' in page
    story_id = _one(web_store, "SELECT story FROM articles WHERE duplicate_of IS NOT NULL LIMIT 1")[
        0
    ]
    story = client.get(f"/stories/{quote(story_id, safe='')}").text
    assert "Articles by outlet" in story and "syndicated cop" in story
    person = _event_person(web_store)
    entity = client.get(f"/entities/{quote(person, safe='')}").text
    assert '<svg class="chart network-chart"' in entity and "Who met whom" in entity
    assert "Quotes over time" in entity and '<table class="events">' in entity
    assert client.get("/storylines").status_code == client.get("/stories").status_code == 200
    assert client.get("/stories/no-such-story").status_code == 404
    assert client.get("/storylines/no-such-line").status_code == 404


def test_web_page_titles_are_plain_text(client: TestClient, web_store: Path) -> None:
    line = _biggest_storyline(client)
    person = _event_person(web_store)
    story = _one(web_store, "SELECT id FROM stories LIMIT 1")[0]
    for url in (
        "/",
        f"/storylines/{quote(line['id'], safe='')}",
        f"/stories/{quote(story, safe='')}",
        f"/entities/{quote(person, safe='')}",
        "/search?q=Witkoff",
    ):
        page = client.get(url).text
        assert page.count("<title>") == page.count("</title>"), url
        head = page[: page.index("</head>")]
        title = head[head.index("<title>") + 7 : head.index("</title>")]
        assert "<" not in title and len(title) < 300, (url, title)


def test_web_article_page_highlights_quotes(client: TestClient, web_store: Path) -> None:
    db = open_readonly(str(web_store))
    try:
        # The store keeps a quote's text as offsets into its article: read it back whole.
        rows = SlicedTexts(db).fill(
            dict(row)
            for row in db.execute(
                "SELECT article_id, start, end, text FROM quotes "
                "WHERE kind = 'direct' AND entity_id IS NOT NULL"
            )
        )
    finally:
        db.close()
    article_id, text = max(((r["article_id"], r["text"]) for r in rows), key=lambda r: len(r[1]))
    page = client.get(f"/articles/{article_id}").text
    assert 'class="quote q-direct"' in page
    start = page.index('class="quote q-direct"')
    assert text.split()[0] in page[start : start + 2000]
    api = client.get(f"/api/articles/{article_id}").json()
    assert any(q["text"] == text for q in api["quotes"])


def test_web_search_has_an_entity_facet(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "Witkoff"}).json()
    facets = body["entities"]
    assert facets and all(f["count"] <= body["hits"]["total"] for f in facets)
    top = facets[0]
    narrowed = client.get("/api/search", params={"q": "Witkoff", **top["params"]}).json()
    assert narrowed["hits"]["total"] == top["count"]
    page = client.get("/search", params={"q": "Witkoff"}).text
    assert "By entity" in page


def test_web_new_pages_escape_a_script_title(client: TestClient) -> None:
    for url in ("/", "/stories", "/storylines"):
        page = client.get(url).text
        assert "<script" not in page.lower(), url
    db_line = client.get("/api/storylines", params={"limit": 500}).json()["items"]
    line = next((s for s in db_line if SCRIPT_TITLE in s["label"]), None)
    if line is not None:
        page = client.get(f"/storylines/{quote(line['id'], safe='')}").text
        assert "&lt;script&gt;" in page and "<script" not in page.lower()


def test_web_situation_routes_never_write_the_store(web_store: Path) -> None:
    before = hashlib.sha256(web_store.read_bytes()).hexdigest()
    with TestClient(create_app(str(web_store))) as test_client:
        line = quote(_biggest_storyline(test_client)["id"], safe="")
        story = quote(_one(web_store, "SELECT id FROM stories LIMIT 1")[0], safe="")
        person = quote(_event_person(web_store), safe="")
        for url in (
            "/storylines",
            f"/storylines/{line}",
            "/stories",
            f"/stories/{story}",
            f"/entities/{person}",
            f"/api/storylines/{line}",
            f"/api/stories/{story}",
            "/api/events?from=2025-12-01",
            "/api/quotes",
            f"/api/timeline?storyline={line}",
            f"/api/network?entity={person}",
            "/api/export/markdown",
            "/api/export/parquet",
        ):
            assert test_client.get(url).status_code == 200, url
    assert hashlib.sha256(web_store.read_bytes()).hexdigest() == before
    db = open_readonly(str(web_store))
    try:
        with pytest.raises(sqlite3.OperationalError):
            db.execute("DELETE FROM events")
    finally:
        db.close()
