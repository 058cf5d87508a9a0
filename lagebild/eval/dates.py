"""Publication dates on the German pages of htmldate's benchmark, side by side.

Scoring is htmldate's (day level): a returned date is correct when its first ten
characters equal the gold ``YYYY-MM-DD``. Precision = correct / returned, recall =
returned / total, accuracy = correct / total, F1 from precision and recall. A system
that raises on a page returns nothing for it.

Three systems run on the same pages: lagebild (``htmldates.find_published`` on the
page as ``ingest`` decodes it), and htmldate on the raw bytes with its defaults
(``find_date(html, url=url)``) and with ``original_date=True``.

Example::

    >>> report = evaluate_dates(default_data_dir(), limit=5)  # doctest: +SKIP
    >>> sorted(report["systems"])  # doctest: +SKIP
    ['htmldate', 'htmldate_original', 'lagebild']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import htmldate.core
import htmldate.extractors
import htmldate.validators
from htmldate import find_date

from lagebild.eval.benchdata import BenchPage, Timer, iter_pages, ratio
from lagebild.extract.htmldates import find_published
from lagebild.textcodec import decode

SET_NAME = "htmldate_eval_de"
INDEX_NAME = "eval_default_de.json"

Runner = Callable[[BenchPage], str | None]


@dataclass
class DayTally:
    """Day-level counts and time of one system over the pages."""

    total: int = 0
    returned: int = 0
    correct: int = 0
    failures: int = 0
    timer: Timer = field(default_factory=Timer)

    def add(self, found: str | None, gold: str) -> None:
        """Score one page's date against the gold day."""
        self.total += 1
        if found:
            self.returned += 1
            self.correct += found[:10] == gold[:10]

    def report(self) -> dict[str, Any]:
        """Precision, recall, accuracy, F1, counts and speed as JSON values."""
        precision = self.correct / self.returned if self.returned else 0.0
        recall = self.returned / self.total if self.total else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "accuracy": ratio(self.correct, self.total),
            "f1": round(f1, 4),
            "counts": {"correct": self.correct, "returned": self.returned, "total": self.total},
            "pages": self.timer.pages,
            "failures": self.failures,
            "seconds": round(self.timer.seconds, 2),
            "pages_per_second": self.timer.pages_per_second(),
        }


def run_lagebild(page: BenchPage) -> str | None:
    """lagebild's publication date for one benchmark page."""
    return find_published(decode(page.raw).text, url=page.url)


def run_htmldate(page: BenchPage) -> str | None:
    """htmldate with its default settings."""
    found: str | None = find_date(page.raw, url=page.url)
    return found


def run_htmldate_original(page: BenchPage) -> str | None:
    """htmldate looking for the original (not the last-modified) date."""
    found: str | None = find_date(page.raw, url=page.url, original_date=True)
    return found


SYSTEMS: dict[str, Runner] = {
    "lagebild": run_lagebild,
    "htmldate": run_htmldate,
    "htmldate_original": run_htmldate_original,
}


def set_dir(data_dir: Path) -> Path:
    """The benchmark folder: ``data_dir`` itself or its ``htmldate_eval_de``."""
    return data_dir if (data_dir / INDEX_NAME).is_file() else data_dir / SET_NAME


def evaluate_dates(data_dir: Path, limit: int | None = None) -> dict[str, Any]:
    """Score lagebild and htmldate on the same pages (the first ``limit`` ones).

    Each system makes its own pass over the pages, starting from empty htmldate caches,
    so none is timed on caches another one filled; one untimed call of each on the
    first page first loads what every system loads once (dateparser's tables).
    Returns JSON values: ``{"set", "pages", "systems": {name: figures}, "wrong_pages":
    {name: [file, ...]}}`` (pages with a missing or wrong day).
    """
    folder = set_dir(data_dir)
    report: dict[str, Any] = {"set": str(folder), "pages": 0, "systems": {}, "wrong_pages": {}}
    first = next(iter_pages(folder, INDEX_NAME, 1), None)
    for runner in SYSTEMS.values():
        if first is not None:
            runner(first)  # untimed warm-up: dateparser compiles its locale tables once
    for name, runner in SYSTEMS.items():
        clear_htmldate_caches()
        tally, wrong = DayTally(), []
        for page in iter_pages(folder, INDEX_NAME, limit):
            gold = str(page.gold["date"])
            found = _run(runner, page, tally)
            tally.add(found, gold)
            if not found or found[:10] != gold[:10]:
                wrong.append(page.file)
        report["pages"] = tally.total
        report["systems"][name] = tally.report()
        report["wrong_pages"][name] = wrong
    return report


def clear_htmldate_caches() -> None:
    """Empty htmldate's memoised parsers, so each system starts cold."""
    for module in (htmldate.core, htmldate.extractors, htmldate.validators):
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


def _run(runner: Runner, page: BenchPage, tally: DayTally) -> str | None:
    """Run one system on one page, timed; a crash counts as no date."""
    with tally.timer:
        try:
            return runner(page)
        except Exception:  # a crashing date finder scores as finding nothing
            tally.failures += 1
            return None
