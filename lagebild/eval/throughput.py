"""End-to-end throughput: a corpus of N German news pages through the whole pipeline.

The corpus is made from real German news texts in the benchmark data (read at run
time, written to a temporary folder, never into the repository): the 1,028 DER
STANDARD articles of ``gnad10k_test`` and the 850 German Wikinews articles of
``quotes_de_wikinews`` (train and dev), each a plain-text page with its headline, a
date line and paragraphs, plus the five seed pages as they were scraped. Beyond that,
dated variants are made: the same text a week later with one sentence left out, so
that each page has its own bytes (the dedup stage groups them, as it would syndicated
copies).

One run reports, with the machine's core count: pages and tokens per second end to
end, seconds per stage that ran in the main process and for the stages over the whole
store, peak memory of the main process and of the workers, and the store's size on
disk against the pages' size. :mod:`lagebild.eval.stage_speed` measures each stage
and each part of the annotate stage on one core; :func:`growth` runs several sizes,
each in a fresh process so that peak memory is its own.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lagebild.eval.benchdata import ratio
from lagebild.eval.duplicates import Source, iter_wikinews, read_gnad

if TYPE_CHECKING:
    from lagebild.pipeline import Summary

DAYS_BETWEEN_VARIANTS = 7
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ])")


@dataclass(frozen=True)
class BenchText:
    """One real article of the corpus: headline, paragraphs and its day."""

    title: str
    paragraphs: tuple[str, ...]
    day: date


def read_texts(data_dir: Path) -> list[BenchText]:
    """The articles of gnad10k_test and of the German Wikinews quotation corpus."""
    if not (data_dir / "gnad10k_test").is_dir():
        raise FileNotFoundError(f"no gnad10k_test in {data_dir}")
    sources: list[Source] = read_gnad(data_dir)
    if (data_dir / "quotes_de_wikinews").is_dir():
        sources += list(iter_wikinews(data_dir))
    return [
        BenchText(s.title.rstrip("."), s.paragraphs, date.fromisoformat(s.date))
        for s in sources
        if s.paragraphs
    ]


def seed_pages(data_dir: Path) -> list[Path]:
    """The seed pages beside the benchmark data (``../shared/seeds``), if there."""
    folder = data_dir.parent / "seeds"
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def page_text(text: BenchText, drop: int | None = None) -> str:
    """A plain-text page: headline, date line, paragraphs; ``drop`` leaves out a sentence."""
    paragraphs = [_SENTENCE_END.split(p) for p in text.paragraphs]
    count = sum(len(p) for p in paragraphs)
    if drop is not None and count > 3:
        index = drop % count
        for sentences in paragraphs:
            if index < len(sentences):
                del sentences[index]
                break
            index -= len(sentences)
    body = [" ".join(sentences) for sentences in paragraphs if sentences]
    return "\n\n".join([text.title, text.day.strftime("%d.%m.%Y"), *body]) + "\n"


def corpus(texts: Sequence[BenchText], n: int) -> Iterator[tuple[str, str]]:
    """(file name, page text) of ``n`` pages: the texts, then dated variants of them."""
    for i in range(n):
        base, round_ = i % len(texts), i // len(texts)
        text = texts[base]
        if round_:
            text = replace(text, day=text.day + timedelta(days=DAYS_BETWEEN_VARIANTS * round_))
        yield f"{i:06d}.txt", page_text(text, drop=round_ - 1 if round_ else None)


@dataclass(frozen=True)
class Corpus:
    """A written corpus: its folder, page count, whitespace tokens and bytes."""

    folder: Path
    pages: int
    tokens: int
    bytes: int


def write_corpus(data_dir: Path, n: int, folder: Path) -> Corpus:
    """Write ``n`` pages into ``folder``: the seed pages first, then the made ones."""
    tokens = size = 0
    seeds = seed_pages(data_dir)[:n]
    for path in seeds:
        raw = path.read_bytes()
        (folder / path.name).write_bytes(raw)
        tokens += len(raw.split())
        size += len(raw)
    for name, text in corpus(read_texts(data_dir), n - len(seeds)):
        raw = text.encode("utf-8")
        (folder / name).write_bytes(raw)
        tokens += len(raw.split())
        size += len(raw)
    return Corpus(folder, n, tokens, size)


def write_follow_up(data_dir: Path, n: int, m: int, after: date, folder: Path) -> None:
    """Write ``m`` pages for a run after a corpus of ``n``: the texts after the first
    ``n``, a sentence left out, dated 8 days after ``after``, so that dedup (a window of
    7 days) takes none for a copy of the corpus's pages and each is a new canonical one."""
    texts = read_texts(data_dir)
    day = after + timedelta(days=8)
    for i in range(m):
        text = replace(texts[(n + i) % len(texts)], day=day)
        page = page_text(text, drop=i)
        (folder / f"then-{i:06d}.txt").write_bytes(page.encode("utf-8"))


def run_pipeline(
    data_dir: Path, n: int, workers: int = 1, *, embeddings: bool = False, then: int = 0
) -> dict[str, Any]:
    """Ingest a corpus of ``n`` pages into a fresh store and report the figures
    (``embeddings``: as ``lagebild ingest --embeddings``). ``then``: a second run of that
    many new pages into the full store, reported as ``then``."""
    from lagebild.pipeline import ingest
    from lagebild.store import Store

    load = os.getloadavg()[0]  # other work on the machine slows every figure here
    with tempfile.TemporaryDirectory(prefix="lagebild-bench-") as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        pages = write_corpus(data_dir, n, folder)
        db = Path(tmp) / "bench.sqlite"
        store = Store.open(db)
        if embeddings:
            store.set_embeddings(True)
        started = time.perf_counter()
        try:
            summary = ingest([str(folder)], store, workers=workers)
            counts = store.counts()
        finally:
            store.close()  # the write-ahead log goes into the file
        seconds = time.perf_counter() - started
        size = sum(p.stat().st_size for p in Path(tmp).glob("bench.sqlite*"))
        later = _follow_up(data_dir, n, then, db, Path(tmp), workers) if then else None
    report = {
        "pages": n,
        "tokens": pages.tokens,
        "page_bytes": pages.bytes,
        "workers": workers,
        "embeddings": embeddings,
        "cores_on_machine": os.cpu_count(),
        "load_average_before": round(load, 2),
        "seconds": round(seconds, 2),
        "pages_per_second": ratio(n, seconds),
        "tokens_per_second": round(pages.tokens / seconds) if seconds else 0,
        "stored": summary.stored,
        "rejected": len(summary.rejected),
        "rejected_by_reason": dict(summary.reasons()),
        # A few details per reason, so that a failing run says why.
        "rejection_samples": _samples(summary),
        "stage_seconds": {name: round(s, 2) for name, s in summary.seconds.items()},
        # CPU seconds of the writer and of the workers: how busy each side kept its core.
        "cpu_seconds_main": _cpu_seconds(resource.RUSAGE_SELF),
        "cpu_seconds_workers": _cpu_seconds(resource.RUSAGE_CHILDREN),
        "peak_rss_mb": _peak_rss_mb(resource.RUSAGE_SELF),
        "peak_rss_workers_mb": _peak_rss_mb(resource.RUSAGE_CHILDREN),
        "store_bytes": size,
        "store_to_pages": round(size / pages.bytes, 2) if pages.bytes else 0.0,
        "store": {k: counts[k] for k in ("articles", "entities", "quotes", "events")},
    }
    if later is not None:
        report["then"] = later
    return report


def _follow_up(data_dir: Path, n: int, m: int, db: Path, tmp: Path, workers: int) -> dict[str, Any]:
    """A second ingest run of ``m`` new pages into the store of the first: its figures."""
    from lagebild.pipeline import ingest
    from lagebild.store import Store

    store = Store.open(db)
    try:
        newest = store.counts()["published_last"]
        folder = tmp / "then"
        folder.mkdir()
        write_follow_up(data_dir, n, m, date.fromisoformat(str(newest)[:10]), folder)
        started = time.perf_counter()
        summary = ingest([str(folder)], store, workers=workers)
        seconds = time.perf_counter() - started
    finally:
        store.close()
    return {
        "pages": m,
        "seconds": round(seconds, 2),
        "stored": summary.stored,
        "stage_seconds": {name: round(s, 2) for name, s in summary.seconds.items()},
        "store_bytes": sum(p.stat().st_size for p in tmp.glob("bench.sqlite*")),
    }


def growth(
    data_dir: Path,
    sizes: Sequence[int],
    workers: int,
    *,
    embeddings: bool = False,
    then: int = 0,
) -> dict[str, Any]:
    """:func:`run_pipeline` at each size, each in its own process, and how time and
    memory grow from one size to the next (a factor of 1.0 per size factor is linear)."""
    runs = [_run_in_process(data_dir, n, workers, embeddings, then) for n in sorted(sizes)]
    steps = []
    for before, after in pairwise(runs):
        size_factor = after["pages"] / before["pages"]
        steps.append(
            {
                "from": before["pages"],
                "to": after["pages"],
                "size_factor": round(size_factor, 2),
                "time_factor": round(after["seconds"] / before["seconds"], 2),
                "time_per_page_factor": round(
                    (after["seconds"] / after["pages"]) / (before["seconds"] / before["pages"]), 2
                ),
                "peak_rss_factor": round(after["peak_rss_mb"] / before["peak_rss_mb"], 2),
                "store_per_page_factor": round(
                    (after["store_bytes"] / after["pages"])
                    / (before["store_bytes"] / before["pages"]),
                    2,
                ),
            }
        )
    return {"runs": runs, "growth": steps}


def _run_in_process(
    data_dir: Path, n: int, workers: int, embeddings: bool, then: int
) -> dict[str, Any]:
    """One :func:`run_pipeline` in a fresh interpreter (peak memory is per process)."""
    command = [sys.executable, "-m", "lagebild.eval.throughput", str(data_dir), str(n)]
    command += [str(workers), str(then)] + (["embeddings"] if embeddings else [])
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _samples(summary: Summary, per_reason: int = 3) -> dict[str, list[str]]:
    """The first details of each rejection reason, with their sources."""
    samples: dict[str, list[str]] = {}
    for rejection in summary.rejected:
        shown = samples.setdefault(rejection.reason.value, [])
        if len(shown) < per_reason:
            shown.append(f"{rejection.source}: {rejection.detail}")
    return samples


def _cpu_seconds(who: int) -> float:
    """User and system CPU seconds so far."""
    usage = resource.getrusage(who)
    return round(usage.ru_utime + usage.ru_stime, 1)


def _peak_rss_mb(who: int) -> float:
    """Peak resident memory in MB (Linux reports kilobytes)."""
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


if __name__ == "__main__":  # used by growth(): data_dir, n, workers, then [embeddings]
    args = sys.argv[1:]
    with_embeddings = args[4:] == ["embeddings"]
    report = run_pipeline(
        Path(args[0]), int(args[1]), int(args[2]), embeddings=with_embeddings, then=int(args[3])
    )
    print(json.dumps(report))
