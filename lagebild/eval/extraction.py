"""Main-text extraction on the German pages of trafilatura's benchmark, side by side.

Scoring is trafilatura's own (``tests/eval_common.py``): per page, each ``with``
snippet found in the extracted text is a true positive, each one missing a false
negative; each ``without`` snippet found is a false positive, each one absent a true
negative. Matching is a substring test after collapsing whitespace. A page where a
system raises (or lagebild rejects the page) counts as an empty output.

What is scored for lagebild is what a user gets: ``title``, ``lead``, the ``body``
paragraphs and the ``subheadings`` of the ``Article``, one per line. Trafilatura is
scored on its own plain-text output, in two settings: its defaults
(``extract(html, url=url)``, comments included) and the settings of its benchmark
(``include_comments=False, include_tables=True, include_formatting=False``). Both get
the raw bytes, as they would in use; lagebild gets the page as ``ingest`` decodes it.

Example::

    >>> report = evaluate_extraction(default_data_dir(), limit=5)  # doctest: +SKIP
    >>> sorted(report["systems"])  # doctest: +SKIP
    ['lagebild', 'trafilatura', 'trafilatura_eval_settings']
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trafilatura import extract

from lagebild.errors import Rejected
from lagebild.eval.benchdata import BenchPage, Timer, iter_pages, ratio
from lagebild.extract.html import extract_html
from lagebild.model import Article
from lagebild.textcodec import decode

SET_NAME = "trafilatura_eval_de"
INDEX_NAME = "evaldata_de.json"

Runner = Callable[[BenchPage], str | None]


@dataclass
class SnippetTally:
    """Snippet counts and time of one system over the pages."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    failures: int = 0
    timer: Timer = field(default_factory=Timer)

    def add(self, text: str | None, gold: dict[str, Any]) -> None:
        """Score one page's output against its ``with`` and ``without`` snippets."""
        found = norm(text or "")
        withs = [norm(s) for s in gold.get("with", [])]
        withouts = [norm(s) for s in gold.get("without", [])]
        tp = sum(1 for s in withs if s in found)
        fp = sum(1 for s in withouts if s in found)
        self.tp, self.fn = self.tp + tp, self.fn + len(withs) - tp
        self.fp, self.tn = self.fp + fp, self.tn + len(withouts) - fp

    def report(self) -> dict[str, Any]:
        """Precision, recall, F1, accuracy, counts and speed as JSON values."""
        total = self.tp + self.fp + self.fn + self.tn
        return {
            "precision": ratio(self.tp, self.tp + self.fp),
            "recall": ratio(self.tp, self.tp + self.fn),
            "f1": ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn),
            "accuracy": ratio(self.tp + self.tn, total),
            "counts": {"tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn},
            "pages": self.timer.pages,
            "failures": self.failures,
            "seconds": round(self.timer.seconds, 2),
            "pages_per_second": self.timer.pages_per_second(),
        }


def norm(text: str) -> str:
    """Collapse whitespace, as trafilatura's evaluation does."""
    return re.sub(r"\s+", " ", text).strip()


def article_text(article: Article) -> str:
    """What lagebild gives a reader: title, lead, body paragraphs, subheadings."""
    parts = [article.title or "", article.lead or "", *article.body, *article.subheadings]
    return "\n".join(part for part in parts if part)


def run_lagebild(page: BenchPage) -> str | None:
    """lagebild's extraction of one benchmark page, as scored text."""
    text = decode(page.raw).text
    article = extract_html(text, article_id=page.file, source=page.file, url=page.url)
    return article_text(article)


def run_trafilatura(page: BenchPage) -> str | None:
    """Plain trafilatura, default settings."""
    result: str | None = extract(page.raw, url=page.url)
    return result


def run_trafilatura_eval_settings(page: BenchPage) -> str | None:
    """Trafilatura with the settings of its own benchmark."""
    result: str | None = extract(
        page.raw,
        url=page.url,
        include_comments=False,
        include_tables=True,
        include_formatting=False,
    )
    return result


SYSTEMS: dict[str, Runner] = {
    "lagebild": run_lagebild,
    "trafilatura": run_trafilatura,
    "trafilatura_eval_settings": run_trafilatura_eval_settings,
}


def set_dir(data_dir: Path) -> Path:
    """The benchmark folder: ``data_dir`` itself or its ``trafilatura_eval_de``."""
    return data_dir if (data_dir / INDEX_NAME).is_file() else data_dir / SET_NAME


def evaluate_extraction(data_dir: Path, limit: int | None = None) -> dict[str, Any]:
    """Score lagebild and trafilatura on the same pages (the first ``limit`` ones).

    Each system makes its own pass over the pages, after one untimed warm-up call of
    every system on the first page (what each library loads once). Returns JSON
    values: ``{"set", "pages", "systems": {name: figures}, "failed_pages": {name:
    [file, ...]}}`` (pages where a system gave no text).
    """
    folder = set_dir(data_dir)
    first = next(iter_pages(folder, INDEX_NAME, 1), None)
    for runner in SYSTEMS.values():
        if first is not None:
            _run(runner, first, SnippetTally())
    report: dict[str, Any] = {"set": str(folder), "pages": 0, "systems": {}, "failed_pages": {}}
    for name, runner in SYSTEMS.items():
        tally, failed = SnippetTally(), []
        for page in iter_pages(folder, INDEX_NAME, limit):
            text = _run(runner, page, tally)
            if text is None:
                failed.append(page.file)
            tally.add(text, page.gold)
        report["pages"] = tally.timer.pages
        report["systems"][name] = tally.report()
        report["failed_pages"][name] = failed
    return report


def _run(runner: Runner, page: BenchPage, tally: SnippetTally) -> str | None:
    """Run one system on one page, timed; a rejection or crash is an empty output."""
    with tally.timer:
        try:
            text = runner(page)
        except Rejected:
            text = None
        except Exception:  # a crashing extractor scores as returning nothing
            text = None
    if not text:
        tally.failures += 1
        return None
    return text
