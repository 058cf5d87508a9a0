"""Crash safety: ``lagebild ingest`` killed with SIGKILL at random moments, then resumed.

A folder of small generated pages (mostly English, so the run stays fast; every
twentieth German, so mentions are written too; some copies of earlier pages, so
dedup groups cross the kills) is ingested in a subprocess that is killed several
times and restarted. Afterwards the store must pass SQLite's integrity check, hold
no half-written article, and equal the store of one uninterrupted run.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from lagebild import pipeline
from lagebild.pipeline import ingest
from lagebild.store import Store
from lagebild.store import texts as text_tables

ROOT = Path(__file__).resolve().parents[1]
SEED = 20260101
WORDS = (
    "budget parliament government draft opposition debate evening council traffic "
    "school project harbour railway bridge hospital museum library airport tunnel"
).split()


def make_pages(folder: Path, count: int, seed: int = SEED) -> list[Path]:
    """Write ``count`` small pages; each carries a unique token for a search check."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths: list[Path] = []
    uncopied: list[int] = []  # originals not copied yet: two copies of one would be equal
    for number in range(count):
        path = folder / f"{number:05d}.txt"
        day = f"{number % 28 + 1:02d}.11.2025, 09:47 Uhr"
        if number % 25 == 24:
            # A syndicated copy of an earlier page under another header line.
            chosen = uncopied.pop(rng.randrange(len(uncopied)))
            original = paths[chosen].read_text(encoding="utf-8")
            path.write_text("Nachrichten\n\n" + original, encoding="utf-8")
        elif number % 20 == 0:
            w = [rng.choice(["Haushalt", "Verkehr", "Hafen", "Museum"]) for _ in range(2)]
            path.write_text(
                f"Streit um {w[0]} in Köln, Folge {number}\n\n{day}\n\n"
                f"Bundeskanzler Friedrich Merz traf am Dienstag in Berlin den Bürgermeister "
                f"von Köln, um über {w[0]} und {w[1]} zu sprechen (kennung{number:05d}x). "
                f"„Wir kommen voran“, sagte Merz nach dem Treffen im Kanzleramt.\n",
                encoding="utf-8",
            )
        else:
            w = [rng.choice(WORDS) for _ in range(8)]
            path.write_text(
                f"Report {number}: the {w[0]} and the {w[1]}\n\n{day}\n\n"
                f"The {w[2]} discussed the {w[3]} on Tuesday (kennung{number:05d}x). "
                f"The {w[4]} criticised the {w[5]} sharply. In the evening the {w[6]} "
                f"continued, and the city plans the {w[7]} for next year.\n",
                encoding="utf-8",
            )
        if number % 25 != 24:
            uncopied.append(number)
        paths.append(path)
    return paths


def _ingest_cmd(folder: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "lagebild.cli", "ingest", str(folder), "--db", str(db), "-q"]


def _run(folder: Path, db: Path) -> None:
    """One ingest in a subprocess, to its end."""
    done = subprocess.run(
        [*_ingest_cmd(folder, db), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout)["rejected"] == 0


def _articles_now(db: Path) -> int:
    """Articles committed so far (0 while the store does not exist yet)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
            return int(con.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.DatabaseError:
        return 0


@dataclass
class Cycle:
    """One killed run: the article count it was to be killed at, and what it had."""

    target: int
    articles_at_kill: int
    finished_first: bool


def _kill_when(process: subprocess.Popen[bytes], db: Path, target: int, extra_s: float) -> bool:
    """SIGKILL ``process`` once ``target`` articles are stored, ``extra_s`` later.

    Returns False when the process ended by itself first. Waiting on progress rather
    than on the clock keeps the kills inside the run on a slow or busy machine.
    """
    while _articles_now(db) < target:
        if process.poll() is not None:
            return False
        time.sleep(0.02)
    time.sleep(extra_s)
    if process.poll() is not None:
        return False
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return True


def crash_cycles(folder: Path, db: Path, count: int, cycles: int, seed: int) -> list[Cycle]:
    """Start ingest and SIGKILL it at a random point, ``cycles`` times.

    The first kill lands during start-up (before any page is stored), the last after
    every page is stored, in the batch stages that run over the whole store (resolve,
    speakers, events); the others at a random number of stored pages.
    """
    rng = random.Random(seed)
    done: list[Cycle] = []
    for cycle in range(cycles):
        have = _articles_now(db)
        if cycle == 0:
            target, extra = 0, rng.uniform(0.5, 2.0)
        elif cycle == cycles - 1:
            target, extra = count, rng.uniform(0.0, 0.3)
        else:
            target, extra = have + rng.randint(1, max(1, (count - have) // 2)), rng.uniform(0, 0.05)
        process = subprocess.Popen(
            _ingest_cmd(folder, db), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        killed = _kill_when(process, db, target, extra)
        done.append(Cycle(target, _articles_now(db), finished_first=not killed))
    return done


def snapshot(db: Path) -> dict[str, Any]:
    """What must be the same after a crashed-and-resumed run as after a clean one."""
    con = sqlite3.connect(db)
    try:
        articles = sorted(
            con.execute(
                "SELECT id, source, title, published, published_inferred, duplicate_of, "
                "language, body FROM articles"
            ).fetchall()
        )
        mentions = sorted(con.execute("SELECT article_id, start, end, text, label FROM mentions"))
        quotes = sorted(con.execute("SELECT article_id, start, end, text, kind FROM quotes"))
        timexes = sorted(con.execute("SELECT article_id, start, end, value FROM timexes"))
        counts = {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("pages", "sources", "rejections", "dedup_signatures", "site_lines")
        }
    finally:
        con.close()
    return {
        "articles": articles,
        "mentions": mentions,
        "quotes": quotes,
        "timexes": timexes,
        "counts": counts,
    }


def check_consistent(db: Path, pages: int) -> None:
    """Integrity, and every article whole: page, source, signature, FTS row, mentions."""
    con = sqlite3.connect(db)
    text_tables.register(con)  # the index reads the compressed bodies through it
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        # Raises when the full-text index and the articles table disagree.
        con.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
        one = con.execute
        assert one("SELECT count(*) FROM articles").fetchone()[0] == pages
        orphans = {
            "article without page": "SELECT count(*) FROM articles a "
            "WHERE NOT EXISTS (SELECT 1 FROM pages p WHERE p.sha256 = a.sha256)",
            "page without article": "SELECT count(*) FROM pages p "
            "WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.sha256 = p.sha256)",
            "article without source": "SELECT count(*) FROM articles a "
            "WHERE NOT EXISTS (SELECT 1 FROM sources s WHERE s.sha256 = a.sha256)",
            "article without signature": "SELECT count(*) FROM articles a "
            "WHERE NOT EXISTS (SELECT 1 FROM dedup_signatures d WHERE d.article_id = a.id)",
            "mention without article": "SELECT count(*) FROM mentions m "
            "WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = m.article_id)",
            "duplicate_of unknown": "SELECT count(*) FROM articles a WHERE a.duplicate_of "
            "IS NOT NULL AND NOT EXISTS (SELECT 1 FROM articles b WHERE b.id = a.duplicate_of)",
        }
        for what, sql in orphans.items():
            assert one(sql).fetchone()[0] == 0, what
        # Each article is found by its unique token through the full-text index.
        rows = one("SELECT id, lagebild_text(body) FROM articles").fetchall()
        for article_id, body in random.Random(SEED).sample(rows, min(40, len(rows))):
            token = next(
                w
                for w in body.replace("(", " ").replace(")", " ").split()
                if w.startswith("kennung")
            )
            hits = [
                r[0]
                for r in one(
                    "SELECT a.id FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid WHERE articles_fts MATCH ?",
                    (token,),
                )
            ]
            assert article_id in hits, token
    finally:
        con.close()
    # Mention offsets point into the article's reading text.
    store = Store.open(db, readonly=True)
    try:
        texts = {a.id: a.reading_text for a in store.articles()}
        for article_id, start, end, text in store.db.execute(
            "SELECT article_id, start, end, text FROM mentions"
        ):
            assert texts[article_id][start:end] == text
    finally:
        store.close()


def _crash_and_resume(tmp_path: Path, count: int, cycles: int) -> list[Cycle]:
    folder = tmp_path / "pages"
    make_pages(folder, count)
    # The reference run is in this process: the same code, without one more start-up.
    reference = tmp_path / "reference.sqlite"
    with Store.open(reference) as store:
        summary = ingest([str(folder)], store)
    assert summary.stored == count and not summary.rejected
    crashed = tmp_path / "crashed.sqlite"
    log = crash_cycles(folder, crashed, count, cycles, seed=SEED)
    _run(folder, crashed)  # resume to the end
    check_consistent(crashed, count)
    # Entities are left out here: see the batch-stage test below.
    assert snapshot(crashed) == snapshot(reference)
    mid_run = [c for c in log if not c.finished_first and 0 < c.articles_at_kill < count]
    print(f"{len(log)} kill cycles, {len(mid_run)} while pages were being stored: {log}")
    assert len(mid_run) >= cycles - 2, log
    return log


def test_reliability_crash_kill_and_resume(tmp_path: Path) -> None:
    _crash_and_resume(tmp_path, count=120, cycles=4)


@pytest.mark.slow
def test_reliability_crash_kill_and_resume_large(tmp_path: Path) -> None:
    _crash_and_resume(tmp_path, count=3000, cycles=12)


class _Killed(BaseException):
    """Stands in for SIGKILL inside this process: nothing after it runs."""


def test_reliability_crash_during_batch_stages_is_completed_by_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "pages"
    make_pages(folder, 41)  # pages 0, 20 and 40 are German and name people and places
    with Store.open(tmp_path / "reference.sqlite") as store:
        ingest([str(folder)], store)
        expected = sorted(tuple(r) for r in store.db.execute("SELECT name, type FROM entities"))
    assert expected

    def killed(_store: Store) -> None:
        raise _Killed

    with Store.open(tmp_path / "crashed.sqlite") as store:
        with monkeypatch.context() as patch:
            patch.setitem(pipeline.BATCH_STAGES, "resolve", killed)
            with pytest.raises(_Killed):
                ingest([str(folder)], store)
        ingest([str(folder)], store)  # the restart
        found = sorted(tuple(r) for r in store.db.execute("SELECT name, type FROM entities"))
    assert found == expected


def _children_of(pid: int) -> set[int]:
    """Process ids whose parent is ``pid`` (read from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc")
def test_reliability_workers_exit_when_ingest_is_killed(tmp_path: Path) -> None:
    # A worker blocks on its task queue; the queue's write end lives in every worker too,
    # so without a watch on the parent the workers of a killed ingest wait forever.
    folder = tmp_path / "pages"
    make_pages(folder, 400)
    db = tmp_path / "store.sqlite"
    process = subprocess.Popen([*_ingest_cmd(folder, db), "--workers", "2"], cwd=ROOT)
    try:
        deadline = time.monotonic() + 120
        workers: set[int] = set()
        while time.monotonic() < deadline and (len(workers) < 2 or _articles_now(db) < 5):
            workers = {p for p in _children_of(process.pid) if _alive(p)}
            if process.poll() is not None:
                pytest.fail("ingest ended before it could be killed")
            time.sleep(0.05)
        assert len(workers) >= 2, "ingest started no workers"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.2)
    left = [p for p in workers if _alive(p)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"workers {left} outlived their killed parent"


def test_reliability_make_pages_writes_distinct_pages(tmp_path: Path) -> None:
    # Two copies of one original had the same bytes, so the large run stored 2,998 of
    # 3,000 pages and failed its own count check.
    paths = make_pages(tmp_path / "pages", 3000)
    assert len({path.read_bytes() for path in paths}) == 3000
