"""Concurrency: the web app reading while an ingest writes, and two ingests at once.

What lagebild promises (SECURITY.md, "Concurrent use"):
- a request of ``lagebild serve`` sees one committed state of the store: never a page
  half-stored, nor counts taken before and after another page arrived;
- two ``lagebild ingest`` runs on one store serialise page by page: each page is one
  write transaction, the other run waits for it (``busy_timeout``, 30 s), both finish,
  and a page both runs read is stored once.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
import warnings
from pathlib import Path
from types import SimpleNamespace

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from lagebild.pipeline import ingest
from lagebild.store import Store
from lagebild.web import create_app
from lagebild.web.common import store_db
from tests.test_reliability_crash import check_consistent, make_pages

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx`")


def _ingest_process(folder: Path, db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "lagebild.cli", "ingest", str(folder), "--db", str(db), "-q"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_reliability_server_reads_one_state_while_ingest_writes(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    make_pages(folder, 80)
    first = tmp_path / "first"
    first.mkdir()
    for path in sorted(folder.iterdir())[:3]:
        shutil.copy(path, first / path.name)
    db = tmp_path / "s.sqlite"
    with Store.open(db) as store:
        ingest([str(first)], store)

    process = _ingest_process(folder, db)
    requests = 0
    articles_seen: list[int] = []
    with TestClient(create_app(str(db))) as client:
        while process.poll() is None or requests < 20:
            stats = client.get("/api/stats")
            assert stats.status_code == 200, stats.text
            data = stats.json()
            # Languages are counted in one query, articles in another: equal only when
            # both read the same snapshot.
            assert sum(data["languages"].values()) == data["articles"], data
            articles_seen.append(data["articles"])
            listing = client.get("/api/articles", params={"limit": 5})
            assert listing.status_code == 200, listing.text
            for item in listing.json()["items"]:
                detail = client.get(f"/api/articles/{item['id']}")
                assert detail.status_code == 200, detail.text
                assert detail.json()["title"] == item["title"]
            requests += 1
    _, err = process.communicate()
    assert process.returncode == 0, err[-2000:]
    assert articles_seen == sorted(articles_seen)  # never goes back
    assert articles_seen[-1] == 80 and articles_seen[0] < 80
    print(f"{requests} request rounds during the ingest, article counts seen rising 3 -> 80")


def test_reliability_one_request_reads_one_snapshot(tmp_path: Path) -> None:
    """Queries of one request see the store as it was at the first, whatever commits."""
    pages = make_pages(tmp_path / "pages", 2)
    db = tmp_path / "s.sqlite"
    with Store.open(db) as store:
        ingest([str(pages[0])], store)
    app = create_app(str(db))
    request = SimpleNamespace(app=app)
    connection = store_db(request)  # type: ignore[arg-type]
    reader = next(connection)
    before = reader.execute("SELECT count(*) FROM articles").fetchone()[0]
    with Store.open(db) as store:
        ingest([str(pages[1])], store)  # another process commits a page meanwhile
    after = reader.execute("SELECT count(*) FROM articles").fetchone()[0]
    connection.close()
    assert before == after == 1


@pytest.mark.slow
def test_reliability_two_ingests_at_once_serialise(tmp_path: Path) -> None:
    pages = make_pages(tmp_path / "all", 120)
    halves = [tmp_path / "a", tmp_path / "b"]
    for number, half in enumerate(halves):
        half.mkdir()
        for path in pages[number * 60 : (number + 1) * 60]:
            shutil.copy(path, half / path.name)
        shutil.copy(pages[0], half / "shared.txt")  # one page in both runs
    db = tmp_path / "s.sqlite"  # a fresh store: both runs also race to create it
    started = time.monotonic()
    processes = [_ingest_process(half, db) for half in halves]
    results = [p.communicate(timeout=600) for p in processes]
    for process, (_, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err[-2000:]
    print(f"two ingests at once: {time.monotonic() - started:.1f} s")
    check_consistent(db, 120)
    con = sqlite3.connect(db)
    try:
        sources = con.execute("SELECT count(*) FROM sources").fetchone()[0]
    finally:
        con.close()
    assert sources == 122  # 120 pages, and the shared page under its second name twice
