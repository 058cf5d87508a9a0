"""Throughput of the stages, measured on pages the user names (one core)."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lagebild.errors import Rejected
from lagebild.extract import extract
from lagebild.ingest import Candidate, find_pages, read_page
from lagebild.model import Page


@dataclass(frozen=True)
class Rate:
    """How many items a stage handled in how long."""

    items: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.items / self.seconds if self.seconds else 0.0


def load_pages(paths: list[str]) -> list[Page]:
    """Every readable page under ``paths``; unreadable ones are left out of a benchmark."""
    pages: list[Page] = []
    for item in find_pages(paths):
        if isinstance(item, Candidate):
            try:
                pages.append(read_page(item))
            except Rejected:
                continue
    return pages


def measure(run: Callable[[Page], Any], pages: list[Page], seconds: float) -> Rate:
    """Run ``run`` over ``pages`` repeatedly for at least ``seconds``; count the pages."""
    if not pages:
        return Rate(0, 0.0)
    for page in pages[:3]:  # warm caches and lazy imports outside the timing
        _quiet(run, page)
    done = 0
    start = time.perf_counter()
    while True:
        for page in pages:
            _quiet(run, page)
            done += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return Rate(done, elapsed)


def _quiet(run: Callable[[Page], Any], page: Page) -> None:
    with contextlib.suppress(Rejected):
        run(page)


def bench_extract(paths: list[str], seconds: float = 3.0) -> dict[str, Any]:
    """Extraction pages/s on one core, for plain-text and HTML pages apart."""
    pages = load_pages(paths)
    result: dict[str, Any] = {"cores_on_machine": os.cpu_count(), "cores_used": 1}
    for kind in ("text", "html"):
        subset = [p for p in pages if p.kind == kind]
        rate = measure(extract, subset, seconds)
        result[kind] = {
            "distinct_pages": len(subset),
            "pages_processed": rate.items,
            "seconds": round(rate.seconds, 2),
            "pages_per_second": round(rate.per_second, 1),
        }
    return result
