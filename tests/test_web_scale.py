"""Response times of the main pages on a store of 10,000 articles (slow; run with -m slow).

The store is built by a direct insert, not by the pipeline: running NER, quotes,
events and clustering over 10,000 articles would take most of an hour on two shared
cores, and the web reads only what the tables hold. The insert keeps the shapes the
pipeline writes:

- texts: the 1,028 articles of 10kGNAD's test split (``../shared/benchdata``), each in
  ten dated variants from twelve outlets (10,280 articles, cut to 10,000); the first
  sentence is the title, the rest paragraphs of three sentences; variant 1 is a
  syndicated copy of variant 0 (``duplicate_of``);
- stories: variants 0-4 of a text are one story over a week, variants 5-9 another a
  month later; the stories of four texts make a storyline;
- mentions: capitalised words and pairs among the 3,000 most frequent ones, at most
  20 per article, at their offsets in the reading text; one entity per surface form,
  its type from a hash;
- quotes: the text in straight double quotes, spoken by the nearest person before it;
- events: one per story, the story's two or three most named people and
  organisations meeting (or calling, visiting) on its first day, at its first place.

Run::

    taskset -c 0 .venv/bin/python -m pytest -m slow tests/test_web_scale.py -s

The figures are printed and written to ``test-artifacts/web-p95.json``. Set
``LAGEBILD_SCALE_STORE=/path/x.sqlite`` to keep the built store and reuse it.
"""

from __future__ import annotations

import collections
import csv
import hashlib
import json
import os
import random
import re
import sqlite3
import statistics
import time
import warnings
import zlib
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from lagebild.store import Store
from lagebild.web import create_app
from tests.test_web_store import ROOT

GNAD = ROOT.parent / "shared" / "benchdata" / "gnad10k_test" / "test.csv"
ARTICLES = 10_000
VARIANTS = 10
OUTLETS = [f"Outlet {name}" for name in "ABCDEFGHIJKL"]
NAME = re.compile(r"(?<![.!?]\s)\b[A-ZÄÖÜ][a-zäöüß]{3,}(?:\s[A-ZÄÖÜ][a-zäöüß]{3,})?\b")
QUOTE = re.compile(r'["„]([^"„“”]{20,300})["“]')
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ„\"])")
LABELS = ("PER", "ORG", "LOC", "OTH")
EVENT_TYPES = ("meeting", "call", "visit", "meeting_planned")
# Requests per page kind, after WARMUP unmeasured ones.
SAMPLES = 60
WARMUP = 3
# p95 above this fails the test: far above what was measured, so only a regression
# (a query that scans the store) trips it.
P95_LIMIT_S = 2.0

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:Using `httpx`"),
    pytest.mark.skipif(not GNAD.is_file(), reason=f"{GNAD} not found"),
]


def _texts() -> list[tuple[str, str]]:
    with GNAD.open(encoding="utf-8", newline="") as handle:
        return [(row[0], row[1]) for row in csv.reader(handle, delimiter=";", quotechar="'")]


def _label(name: str) -> str:
    return LABELS[int(hashlib.sha1(name.encode()).hexdigest(), 16) % 4]


def _entity_id(name: str) -> str:
    return f"{_label(name).lower()}:" + re.sub(r"\W+", "-", name.lower()).strip("-")


def build_scale_store(path: Path) -> Path:
    """The 10,000-article store described in the module docstring."""
    if path.exists():
        return path
    texts = _texts()
    counts = collections.Counter(m.group(0) for _, text in texts for m in NAME.finditer(text))
    vocabulary = {name for name, _ in counts.most_common(3000)}
    building = path.with_suffix(".part")
    building.unlink(missing_ok=True)
    store = Store.open(building)
    db = store.db
    db.execute("BEGIN")
    # Mentions with their entity ids as text; into mention_rows once the entities exist.
    db.execute(
        "CREATE TEMP TABLE named (article_id, start, end, text, label, entity_id, "
        "PRIMARY KEY (article_id, start))"
    )
    seq = 0
    stories: dict[str, dict[str, Any]] = {}
    for i, (_label_name, text) in enumerate(texts):
        sentences = SENTENCE.split(text.strip())
        title = sentences[0][:200]
        paragraphs = [" ".join(sentences[k : k + 3]) for k in range(1, len(sentences), 3)]
        body = "\n\n".join(paragraphs) or title
        reading = f"{title}\n\n{body}"
        found = [m for m in NAME.finditer(reading) if m.group(0) in vocabulary][:20]
        base = date(2025, 1, 1) + timedelta(days=(i * 37) % 330)
        first_id = None
        for v in range(VARIANTS):
            if seq >= ARTICLES:
                break
            seq += 1
            article_id = hashlib.sha1(f"{i}-{v}".encode()).hexdigest()[:16]
            day = base + timedelta(days=v * 1 if v < 5 else 30 + (v - 5) * 2)
            published = f"{day.isoformat()}T{8 + v:02d}:00"
            story = f"story:{i}-{v // 5}"
            storyline = f"line:{i // 4}"
            raw = f"{title}\n\n{body}\n{v}".encode()
            sha = hashlib.sha256(raw).hexdigest()
            db.execute(
                "INSERT INTO pages VALUES (?, 'txt', 'utf-8', ?, ?, '2026-01-01')",
                (sha, len(raw), zlib.compress(raw)),
            )
            db.execute(
                "INSERT INTO articles (seq, id, sha256, source, title, body, subheadings, "
                "published, outlet, agencies, authors, captions, photo_credits, tags, "
                "related_headlines, language, duplicate_of, story, storyline, ingested_at) "
                "VALUES (?, ?, ?, ?, ?, ?, '[]', ?, ?, '[\"dpa\"]', '[]', '[]', '[]', '[]', "
                "'[]', 'de', ?, ?, ?, '2026-01-01')",
                (
                    *(seq, article_id, sha, f"gnad/{i}-{v}.txt", title, body, published),
                    OUTLETS[(i + v) % len(OUTLETS)],
                    first_id if v == 1 else None,
                    story,
                    storyline,
                ),
            )
            db.execute("INSERT INTO sources VALUES (?, ?, '2026-01-01')", (f"gnad/{i}-{v}", sha))
            db.executemany(
                "INSERT INTO named VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        article_id,
                        m.start(),
                        m.end(),
                        m.group(0),
                        _label(m.group(0)),
                        _entity_id(m.group(0)),
                    )
                    for m in found
                ],
            )
            people = [m for m in found if _label(m.group(0)) == "PER"]
            for q in QUOTE.finditer(reading):
                before = [m for m in people if m.end() <= q.start()]
                speaker = before[-1] if before else (people[0] if people else None)
                db.execute(
                    "INSERT OR IGNORE INTO quote_rows (article, start, end, text, kind, speaker, "
                    "speaker_start, speaker_end, cue, entity_id) "
                    "VALUES (?, ?, ?, ?, 'direct', ?, ?, ?, 'sagte', ?)",
                    (
                        *(seq, q.start(1), q.end(1), q.group(1)),
                        speaker.group(0) if speaker else None,
                        speaker.start() if speaker else None,
                        speaker.end() if speaker else None,
                        _entity_id(speaker.group(0)) if speaker else None,
                    ),
                )
            first_id = first_id or article_id
            entry = stories.setdefault(
                story,
                {
                    "storyline": storyline,
                    "headline": title,
                    "names": [m.group(0) for m in found],
                    "articles": [],
                    "days": [],
                    "outlets": set(),
                },
            )
            entry["articles"].append(article_id)
            entry["days"].append(day.isoformat())
            entry["outlets"].add(OUTLETS[(i + v) % len(OUTLETS)])
    db.execute(
        "INSERT INTO entities (id, name, type, forms, roles, mentions, articles, num) "
        "SELECT entity_id, min(text), min(label), json_array(min(text)), '[]', count(*), "
        "count(DISTINCT article_id), row_number() OVER (ORDER BY entity_id) "
        "FROM named GROUP BY entity_id"
    )
    db.execute(
        "INSERT INTO mention_rows SELECT a.seq, n.start, n.end, n.text, n.label, e.num "
        "FROM named n JOIN articles a ON a.id = n.article_id "
        "JOIN entities e ON e.id = n.entity_id"
    )
    db.execute(
        "UPDATE quote_rows SET entity_id = NULL WHERE entity_id NOT IN (SELECT id FROM entities)"
    )
    for number, (story_id, entry) in enumerate(stories.items()):
        names = [n for n, _ in collections.Counter(entry["names"]).most_common()]
        actors = [n for n in names if _label(n) in ("PER", "ORG")][:3]
        place = next((n for n in names if _label(n) == "LOC"), None)
        db.execute(
            "INSERT INTO stories VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                *(story_id, f"{entry['headline']} ({', '.join(names[:3])})", entry["headline"]),
                json.dumps(names[:5], ensure_ascii=False),
                *(entry["storyline"], min(entry["days"]), max(entry["days"])),
                *(len(entry["articles"]), len(entry["outlets"])),
            ),
        )
        if len(actors) >= 2:
            kind = EVENT_TYPES[number % len(EVENT_TYPES)]
            db.execute(
                "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    *(f"ev:{number:06d}", kind, kind.split("_")[0]),
                    "planned" if kind.endswith("planned") else "happened",
                    *(min(entry["days"]), place, json.dumps(actors, ensure_ascii=False)),
                    f"{' und '.join(actors)} trafen sich.",
                    json.dumps(entry["articles"]),
                ),
            )
    db.execute(
        "INSERT INTO storylines SELECT storyline, min(label), min(names), min(start), max(end), "
        "count(*), sum(articles) FROM stories GROUP BY storyline"
    )
    db.execute("COMMIT")
    store.close()
    building.rename(path)
    return path


@pytest.fixture(scope="module")
def scale_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    kept = os.environ.get("LAGEBILD_SCALE_STORE")
    path = Path(kept) if kept else tmp_path_factory.mktemp("scale") / "scale.sqlite"
    return build_scale_store(path)


def _urls(db: sqlite3.Connection, rng: random.Random) -> dict[str, list[str]]:
    """SAMPLES URLs per page kind: random stories, articles, searches; top and random entities."""

    def ids(sql: str) -> list[str]:
        return [str(row[0]) for row in db.execute(sql)]

    def pick(values: list[str]) -> list[str]:
        return [rng.choice(values) for _ in range(SAMPLES)]

    entities = ids("SELECT id FROM entities ORDER BY articles DESC")
    words = ids("SELECT text FROM mentions GROUP BY text ORDER BY count(*) DESC LIMIT 500")
    searches = [rng.choice(words) for _ in range(SAMPLES // 2)] + [
        " ".join(rng.sample(words, 2)) for _ in range(SAMPLES - SAMPLES // 2)
    ]
    return {
        "home": ["/"] * SAMPLES,
        "storyline": [
            f"/storylines/{quote(i, safe='')}" for i in pick(ids("SELECT id FROM storylines"))
        ],
        "story": [f"/stories/{quote(i, safe='')}" for i in pick(ids("SELECT id FROM stories"))],
        "article": [f"/articles/{i}" for i in pick(ids("SELECT id FROM articles"))],
        "entity": [
            f"/entities/{quote(i, safe='')}"
            for i in entities[: SAMPLES // 4] + pick(entities)[: SAMPLES - SAMPLES // 4]
        ],
        "search": [f"/search?q={quote(q)}" for q in searches],
    }


def _timed(client: TestClient, urls: list[str]) -> Iterator[float]:
    for url in urls[:WARMUP]:
        assert client.get(url).status_code == 200, url
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, url
        yield elapsed


def test_web_scale_p95_of_the_main_pages(scale_store: Path) -> None:
    db = sqlite3.connect(f"file:{scale_store}?mode=ro", uri=True)
    try:
        assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == ARTICLES
        urls = _urls(db, random.Random(7))
        sizes = {
            table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in (
                "articles",
                "mentions",
                "entities",
                "quotes",
                "events",
                "stories",
                "storylines",
            )
        }
    finally:
        db.close()
    figures: dict[str, dict[str, float]] = {}
    with TestClient(create_app(str(scale_store))) as client:
        for kind, kind_urls in urls.items():
            times = sorted(_timed(client, kind_urls))
            p95 = times[int(0.95 * (len(times) - 1))]
            figures[kind] = {
                "p50_ms": round(statistics.median(times) * 1000, 1),
                "p95_ms": round(p95 * 1000, 1),
                "max_ms": round(times[-1] * 1000, 1),
                "n": len(times),
            }
    report = {"store": sizes, "cpus": sorted(os.sched_getaffinity(0)), "pages": figures}
    out = ROOT / "test-artifacts" / "web-p95.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))
    for kind, figure in figures.items():
        assert figure["p95_ms"] < P95_LIMIT_S * 1000, (kind, figure)
