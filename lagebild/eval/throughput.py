"""End-to-end throughput: a corpus of N German news pages through the whole pipeline.

The corpus is made from the 1,028 DER STANDARD articles of ``gnad10k_test`` in the
benchmark data (read at run time, written to a temporary folder, never into the
repository): each becomes a plain-text page with a headline (its first sentence), a
date line and paragraphs. Beyond 1,028 pages, dated variants are made: the same text
on a later day with one sentence left out, so that each page has its own bytes (the
dedup stage groups them, as it would syndicated copies).

The report gives, with the machine's core count: pages and tokens per second end to
end, seconds per stage (the per-page stages that ran in the main process, and the
stages over the whole store), peak memory of the main process and of the workers, and
the store's size on disk.
"""

from __future__ import annotations

import csv
import os
import re
import resource
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from lagebild.eval.benchdata import ratio

SET_NAME = "gnad10k_test"
CSV_NAME = "test.csv"
FIRST_DAY = date(2025, 1, 1)
DAYS = 90  # the corpus spreads over this many days, as a quarter of news would
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ])")
SENTENCES_PER_PARAGRAPH = 3


def read_texts(data_dir: Path) -> list[str]:
    """The article texts of the gnad10k test split (title and body run together)."""
    path = data_dir / SET_NAME / CSV_NAME
    if not path.is_file():
        raise FileNotFoundError(f"no {CSV_NAME} in {path.parent}")
    with path.open(encoding="utf-8", newline="") as handle:
        return [row[1] for row in csv.reader(handle, delimiter=";", quotechar="'") if len(row) > 1]


def page_text(text: str, day: date, drop: int | None = None) -> str:
    """A plain-text page: headline, date line, paragraphs; ``drop`` leaves out a sentence."""
    sentences = _SENTENCE_END.split(text.strip())
    # Headlines carry no full stop; with one, the first line would read as a lead.
    headline, rest = sentences[0].rstrip("."), sentences[1:]
    if drop is not None and len(rest) > 2:
        del rest[drop % len(rest)]
    paragraphs = [
        " ".join(rest[i : i + SENTENCES_PER_PARAGRAPH])
        for i in range(0, len(rest), SENTENCES_PER_PARAGRAPH)
    ]
    return "\n\n".join([headline, day.strftime("%d.%m.%Y"), *paragraphs]) + "\n"


def corpus(texts: list[str], n: int) -> Iterator[tuple[str, str]]:
    """(file name, page text) of ``n`` pages: the texts, then dated variants of them."""
    for i in range(n):
        base, round_ = i % len(texts), i // len(texts)
        day = FIRST_DAY + timedelta(days=(base + 7 * round_) % DAYS)
        yield f"{i:06d}.txt", page_text(texts[base], day, drop=round_ - 1 if round_ else None)


def write_corpus(data_dir: Path, n: int, folder: Path) -> int:
    """Write ``n`` pages into ``folder``; return their number of whitespace tokens."""
    tokens = 0
    for name, text in corpus(read_texts(data_dir), n):
        (folder / name).write_text(text, encoding="utf-8")
        tokens += len(text.split())
    return tokens


def run_pipeline(data_dir: Path, n: int, workers: int = 1) -> dict[str, Any]:
    """Ingest a corpus of ``n`` pages into a fresh store and report the figures."""
    from lagebild.pipeline import ingest
    from lagebild.store import Store

    with tempfile.TemporaryDirectory(prefix="lagebild-bench-") as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        tokens = write_corpus(data_dir, n, folder)
        db = Path(tmp) / "bench.sqlite"
        store = Store.open(db)
        started = time.perf_counter()
        try:
            summary = ingest([str(folder)], store, workers=workers)
            counts = store.counts()
        finally:
            store.close()
        seconds = time.perf_counter() - started
        size = sum(p.stat().st_size for p in Path(tmp).glob("bench.sqlite*"))
    return {
        "pages": n,
        "tokens": tokens,
        "workers": workers,
        "cores_on_machine": os.cpu_count(),
        "seconds": round(seconds, 2),
        "pages_per_second": ratio(n, seconds),
        "tokens_per_second": round(tokens / seconds) if seconds else 0,
        "stored": summary.stored,
        "rejected": len(summary.rejected),
        "rejected_by_reason": dict(summary.reasons()),
        "stage_seconds": {name: round(s, 2) for name, s in summary.seconds.items()},
        "peak_rss_mb": _peak_rss_mb(resource.RUSAGE_SELF),
        "peak_rss_workers_mb": _peak_rss_mb(resource.RUSAGE_CHILDREN),
        "store_bytes": size,
        "store": {k: counts[k] for k in ("articles", "entities", "quotes", "events")},
    }


def _peak_rss_mb(who: int) -> float:
    """Peak resident memory in MB (Linux reports kilobytes)."""
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)
