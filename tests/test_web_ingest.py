"""``POST /api/ingest`` and ``lagebild serve --allow-ingest``.

Off unless the server has a token; without the token nothing is written (the store
file's bytes are compared); with it a page goes through the pipeline into the store
and is then listed and found; the same page twice is stored once; broken pages are
rejected with their reason; bodies over the limit are refused; the token never shows
in a response or a log line.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import sqlite3
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi import FastAPI

with warnings.catch_warnings():
    # Starlette asks for httpx2; httpx works and is what the project installs.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from lagebild.pipeline import ingest
from lagebild.store import Store
from lagebild.web import WebSettings, create_app
from lagebild.web.ingest import Ingestor, WholeStoreStages

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx`")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
TOKEN = "s3cr3t-ingest-token-Zq8vX"
AUTH = {"authorization": f"Bearer {TOKEN}"}
PAGE = """Wirtschaft

Tarifstreit bei den Rheinfähren beigelegt

14.03.2026 - 09:30:00

Koblenz (dpa) – Die Fährleute am Mittelrhein haben sich nach wochenlangem Streit mit der Reederei Mittelrheinfähren auf einen neuen Tarifvertrag geeinigt.

Die Gewerkschaft Verdi sprach von einem guten Ergebnis für die Beschäftigten. Die Löhne steigen in zwei Stufen um insgesamt sechs Prozent, die Laufzeit beträgt zwei Jahre.

Der Fährbetrieb zwischen Boppard und Filsen soll ab Montag wieder nach dem normalen Fahrplan laufen, teilte die Reederei in Koblenz mit.
"""
HTML_PAGE = """<!doctype html><html><head><title>Brückensanierung in Würzburg</title></head>
<body><article><h1>Brückensanierung in Würzburg dauert länger</h1>
<p>Würzburg (epd) – Die Sanierung der Alten Mainbrücke in Würzburg dauert länger als geplant. Das teilte die Stadtverwaltung am Mittwoch mit.</p>
<p>Nach Angaben des Baureferats wurden bei den Arbeiten Schäden an zwei Pfeilern entdeckt, die zuerst behoben werden müssen. Die Brücke bleibt für Fußgänger geöffnet.</p>
<p>Die Kosten steigen nach ersten Schätzungen um rund zwei Millionen Euro. Der Stadtrat soll im April über die Finanzierung beraten.</p>
</article></body></html>
"""


@pytest.fixture(scope="module")
def base_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small store from two example pages, built once and copied for each test."""
    db_path = tmp_path_factory.mktemp("ingest") / "base.sqlite"
    with Store.open(db_path) as store:
        pages = sorted(EXAMPLES.glob("0[1-2]_*"))
        assert ingest([str(p) for p in pages], store).stored == 2
    return db_path


@pytest.fixture
def store_path(base_store: Path, tmp_path: Path) -> Path:
    path = tmp_path / "store.sqlite"
    shutil.copyfile(base_store, path)
    return path


def _app(store_path: Path, **settings: Any) -> FastAPI:
    return create_app(str(store_path), WebSettings(**settings))


@pytest.fixture
def app(store_path: Path) -> Iterator[FastAPI]:
    app = _app(store_path, ingest_token=TOKEN)
    yield app
    # The stages over the whole store run in a thread: let them end before the
    # temporary folder goes.
    assert app.state.ingestor.stages.wait(60)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def _fingerprint(store_path: Path) -> str:
    """The bytes of the store file and its write-ahead log, as one digest.

    A reader creates an empty log beside a store in WAL mode; empty and absent are alike.
    """
    wal = Path(f"{store_path}-wal")
    digest = hashlib.sha256(store_path.read_bytes())
    digest.update(b"|" + (wal.read_bytes() if wal.exists() else b""))
    return digest.hexdigest()


def _error(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code and body["error"]["message"]
    message: str = body["error"]["message"]
    return message


def _post_text(client: TestClient, body: bytes | str, **headers: str) -> Any:
    return client.post(
        "/api/ingest",
        content=body.encode("utf-8") if isinstance(body, str) else body,
        headers={**AUTH, "content-type": "text/plain", **headers},
    )


def _counts(store_path: Path) -> dict[str, Any]:
    with Store.open(store_path, readonly=True) as store:
        return store.counts()


# -- off by default, and shut without the token ------------------------------------------


def test_web_ingest_is_refused_without_the_flag(store_path: Path) -> None:
    before = _fingerprint(store_path)
    with TestClient(_app(store_path)) as client:
        _error(_post_text(client, PAGE), 403, "forbidden")
        assert "/api/ingest" not in client.get("/openapi.json").json()["paths"]
    assert _fingerprint(store_path) == before


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Bearer wrong-token-of-some-length",
        f"Bearer {TOKEN[:-1]}",
        f"Bearer {TOKEN}x",
        f"Basic {TOKEN}",
        TOKEN,
        f"Bearer {TOKEN.upper()}",
        "Bearer ümlaut-\u00e9",
    ],
)
def test_web_ingest_refuses_a_missing_or_wrong_token(
    store_path: Path, client: TestClient, authorization: str | None
) -> None:
    before = _fingerprint(store_path)
    headers = {"content-type": "text/plain"}
    if authorization is not None:
        headers["authorization"] = authorization
    # httpx sends str headers as ASCII; others go as the bytes a client would send.
    sent = {k: v if v.isascii() else v.encode("utf-8") for k, v in headers.items()}
    response = client.post("/api/ingest", content=PAGE.encode(), headers=sent)
    _error(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"
    assert _fingerprint(store_path) == before


# -- pages in ---------------------------------------------------------------------------


def test_web_ingest_stores_a_page_then_lists_and_finds_it(
    store_path: Path, app: FastAPI, client: TestClient
) -> None:
    response = _post_text(client, PAGE)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "stored" and body["whole_store_stages"] == "scheduled"
    article_id = body["article_id"]
    article = client.get(f"/api/articles/{article_id}").json()
    assert article["title"] == "Tarifstreit bei den Rheinfähren beigelegt"
    listed = client.get("/api/articles", params={"limit": 500}).json()
    assert article_id in {item["id"] for item in listed["items"]} and listed["total"] == 3
    hits = client.get("/api/search", params={"q": "Rheinfähren"}).json()["hits"]["items"]
    assert [hit["article"]["id"] for hit in hits] == [article_id]
    assert app.state.ingestor.stages.wait(60)
    with Store.open(store_path, readonly=True) as store:
        assert not store.batch_pending()
        assert store.counts()["articles"] == 3


def test_web_ingest_the_same_page_twice_is_stored_once(
    store_path: Path, client: TestClient
) -> None:
    first = _post_text(client, PAGE)
    second = _post_text(client, PAGE)
    assert first.status_code == 201 and second.status_code == 200, second.text
    assert second.json()["status"] == "already_stored"
    assert second.json()["article_id"] == first.json()["article_id"]
    assert _counts(store_path)["articles"] == 3


def test_web_ingest_takes_html_and_json_with_url_and_source(
    store_path: Path, client: TestClient
) -> None:
    url = "https://www.example.de/wuerzburg/bruecke.html"
    html = client.post(
        "/api/ingest",
        content=HTML_PAGE.encode(),
        headers={**AUTH, "content-type": "text/html; charset=utf-8"},
        params={"url": url},
    )
    assert html.status_code == 201, html.text
    assert html.json()["source"] == url
    article = client.get(f"/api/articles/{html.json()['article_id']}").json()
    assert article["url"] == url and "Mainbrücke" in article["body"]

    record = {"text": PAGE.replace("Rheinfähren", "Moselfähren"), "source": "crawler-7"}
    sent = client.post("/api/ingest", json=record, headers=AUTH)
    assert sent.status_code == 201, sent.text
    assert sent.json()["source"] == "crawler-7"
    assert _counts(store_path)["articles"] == 4
    # A line of a JSON Lines file, sent as such (was 415).
    line = json.dumps({"text": PAGE.replace("Rheinfähren", "Saarfähren")}) + "\n"
    as_line = client.post(
        "/api/ingest",
        content=line.encode(),
        headers={**AUTH, "content-type": "application/x-ndjson"},
    )
    assert as_line.status_code == 201, as_line.text
    two = client.post(
        "/api/ingest",
        content=(line + line).encode(),
        headers={**AUTH, "content-type": "application/jsonl"},
    )
    assert two.status_code == 422 and "one record" in two.text
    # A JSON object printed over several lines is still one record.
    pretty = json.dumps({"text": PAGE.replace("Rheinfähren", "Lahnfähren")}, indent=2)
    as_json = client.post(
        "/api/ingest",
        content=pretty.encode(),
        headers={**AUTH, "content-type": "application/json"},
    )
    assert as_json.status_code == 201, as_json.text
    assert _counts(store_path)["articles"] == 6


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"", "text/plain", "empty"),
        (b"   \n\t ", "text/plain", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "text/plain", "binary"),
        (b"Zu kurz.", "text/plain", "no_article"),
        (b'{"text": ', "application/json", "malformed"),
        (b'{"text": ""}', "application/json", "empty"),
        (b'{"title": "nur ein Titel"}', "application/json", "malformed"),
    ],
)
def test_web_ingest_rejects_a_broken_page_with_its_reason(
    store_path: Path, client: TestClient, body: bytes, content_type: str, reason: str
) -> None:
    response = _post_text(client, body, **{"content-type": content_type})
    _error(response, 422, reason)
    with Store.open(store_path, readonly=True) as store:
        assert store.counts()["articles"] == 2
        assert [r["reason"] for r in store.rejections()] == [reason]


def test_web_ingest_refuses_other_media_types(store_path: Path, client: TestClient) -> None:
    before = _fingerprint(store_path)
    for content_type in ("image/png", "application/octet-stream", ""):
        _error(
            _post_text(client, PAGE, **{"content-type": content_type}),
            415,
            "unsupported_media_type",
        )
    assert _fingerprint(store_path) == before


def test_web_ingest_refuses_a_body_over_the_limit(store_path: Path) -> None:
    app = _app(store_path, ingest_token=TOKEN, max_ingest_bytes=10_000)
    before = _fingerprint(store_path)
    with TestClient(app) as client:
        _error(_post_text(client, b"a" * 10_001), 413, "payload_too_large")

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted while read
            for _ in range(11):
                yield b"a" * 1000

        _error(_post_text(client, chunks()), 413, "payload_too_large")  # type: ignore[arg-type]
        # The other routes keep their 16 KB limit.
        _error(client.post("/api/search", content=b"x" * 20_000), 413, "payload_too_large")
    assert _fingerprint(store_path) == before
    assert WebSettings().max_ingest_bytes == 5 * 1024 * 1024
    with pytest.raises(ValueError, match="max_ingest_bytes"):
        WebSettings(max_ingest_bytes=21 * 1024 * 1024)


def test_web_ingest_default_limit_is_its_own(client: TestClient) -> None:
    """Pages far over the 16 KB of other requests are taken, up to 5 MB."""
    padding = "".join(f"Absatz {n}: Weitere Angaben der Reederei folgen.\n\n" for n in range(2000))
    big = PAGE + "\n\n" + padding
    assert len(big.encode()) > 3 * 16_384
    assert _post_text(client, big).status_code == 201
    _error(_post_text(client, b"a" * (5 * 1024 * 1024 + 1)), 413, "payload_too_large")


# -- the stages over the whole store, time and concurrency -------------------------------


def test_web_ingest_whole_store_stages_run_after_the_response_or_stay_due(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """They run in the background after the response; a server stopped before they
    ran leaves them due, and the next ``ingest`` run (even of no page) does them."""
    monkeypatch.setattr(WholeStoreStages, "schedule", lambda self: None)
    with TestClient(_app(store_path, ingest_token=TOKEN)) as client:
        assert _post_text(client, PAGE).json()["whole_store_stages"] == "scheduled"
    with Store.open(store_path) as store:
        assert store.batch_pending()
        ingest([], store)
        assert not store.batch_pending()
        story = store.db.execute("SELECT count(*) FROM articles WHERE story IS NULL").fetchone()
        assert story[0] == 0


def test_web_ingest_waits_for_another_writer(store_path: Path, client: TestClient) -> None:
    """A write transaction of another process (a CLI ingest) delays the page; both land."""
    other = sqlite3.connect(store_path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT OR REPLACE INTO run_state VALUES ('test_marker', '1')")
    timer = threading.Timer(1.0, lambda: other.execute("COMMIT"))
    timer.start()
    started = time.monotonic()
    response = _post_text(client, PAGE)
    timer.join()
    other.close()
    assert response.status_code == 201, response.text
    assert time.monotonic() - started >= 0.9
    assert _counts(store_path)["articles"] == 3


def test_web_ingest_past_its_time_limit_stores_nothing(store_path: Path) -> None:
    app = _app(store_path, ingest_token=TOKEN, ingest_timeout_s=0.5)
    ingestor: Ingestor = app.state.ingestor
    with TestClient(app) as client:
        ingestor._lock.acquire()  # another page is on its way through the stages
        try:
            _error(_post_text(client, PAGE), 503, "timeout")
            time.sleep(0.3)  # the request's thread gives up at the deadline
        finally:
            ingestor._lock.release()
        time.sleep(0.2)
    assert _counts(store_path)["articles"] == 2


# -- the token stays secret ------------------------------------------------------------


def test_web_ingest_token_never_in_responses_or_logs(
    store_path: Path, app: FastAPI, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    responses = [
        _post_text(client, PAGE),
        _post_text(client, PAGE),
        _post_text(client, b"\x00\x01\x02" * 50),
        _post_text(client, PAGE, authorization=f"Bearer {TOKEN}-wrong"),
        _post_text(client, PAGE, authorization=f"Basic {TOKEN}"),
        _post_text(client, b"a" * (6 * 1024 * 1024)),
        _post_text(client, PAGE, **{"content-type": "image/gif"}),
        client.get("/openapi.json"),
        client.get("/api"),
    ]
    assert app.state.ingestor.stages.wait(60)
    for response in responses:
        assert TOKEN not in response.text
        assert TOKEN not in str(response.headers)
    assert "ingest from" in caplog.text and "ingest refused" in caplog.text
    assert TOKEN not in caplog.text
    assert TOKEN not in repr(app.state.settings) and TOKEN not in repr(app.state.ingestor.__dict__)


# -- the command line ------------------------------------------------------------------


def _serve(args: list[str], env: dict[str, str | None]) -> Any:
    from lagebild.cli import main  # the package registers `serve`

    return CliRunner().invoke(main, ["serve", *args], env=env)


@pytest.mark.parametrize(
    ("token", "says"),
    [
        (None, "it is not set"),
        ("", "it is not set"),
        ("short-token", "at least 16 characters"),
        ("a token with spaces in it", "printable ASCII"),
    ],
)
def test_web_cli_serve_refuses_allow_ingest_without_a_good_token(
    store_path: Path, monkeypatch: pytest.MonkeyPatch, token: str | None, says: str
) -> None:
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: pytest.fail("the server started"))
    result = _serve(["--db", str(store_path), "--allow-ingest"], {"LAGEBILD_INGEST_TOKEN": token})
    assert result.exit_code == 2, result.output
    assert "LAGEBILD_INGEST_TOKEN" in result.output and says in result.output
    if token:
        assert token not in result.output


@pytest.fixture
def ingest_logger() -> Iterator[logging.Logger]:
    """The ingest logger, its handlers and level put back after ``serve`` set them."""
    logger = logging.getLogger("lagebild.web.ingest")
    handlers, level = list(logger.handlers), logger.level
    yield logger
    logger.handlers[:] = handlers
    logger.setLevel(level)


def test_web_cli_serve_takes_the_token_from_the_environment_only(
    store_path: Path, monkeypatch: pytest.MonkeyPatch, ingest_logger: logging.Logger
) -> None:
    import uvicorn

    from lagebild.cli.web import serve_cmd

    started: list[FastAPI] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: started.append(app))
    env: dict[str, str | None] = {"LAGEBILD_INGEST_TOKEN": TOKEN}
    result = _serve(["--db", str(store_path), "--allow-ingest", "--ingest-max-mb", "2"], env)
    assert result.exit_code == 0, result.output
    assert TOKEN not in result.output and "/api/ingest" in result.output
    (app,) = started
    assert app.state.settings.max_ingest_bytes == 2 * 1024 * 1024
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        assert _post_text(client, PAGE).status_code == 201
    assert app.state.ingestor.stages.wait(60)
    # Without the flag the token in the environment opens nothing.
    assert _serve(["--db", str(store_path)], env).exit_code == 0
    assert not hasattr(started[-1].state, "ingestor")
    assert [h.name for h in ingest_logger.handlers].count("lagebild-serve") == 1
    # No option takes a token: it would show in the process list.
    assert not [p.name for p in serve_cmd.params if "token" in (p.name or "")]
