"""Each stage's speed on one core, and how far each part of annotate is from its floor.

The end-to-end figure says how long a page takes; this says where the time goes. On a
sample of the throughput corpus, in this process (one core):

- ``stages``: one in-process ingest with the seconds of every stage (extract,
  site_noise, dedup, annotate, store, and resolve, speakers, events, cluster over the
  store), as pages and tokens per second;
- ``annotate_parts``: the annotate stage taken apart on the same articles: spaCy's
  tokenizer alone (the floor of any spaCy model), the whole NER model, time
  expressions, quotes and event frames, each with its share of the stage.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from lagebild.eval.benchdata import ratio
from lagebild.eval.throughput import write_corpus
from lagebild.model import Mention, Timex


def stage_speed(data_dir: Path, n: int) -> dict[str, Any]:
    """Stage and annotate-part speeds on ``n`` pages of the throughput corpus."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    # One core means one maths-library thread too (OpenBLAS would start one per core,
    # and their spinning counts as CPU time).
    with threadpool_limits(limits=1):
        return _stage_speed(data_dir, n)


def _stage_speed(data_dir: Path, n: int) -> dict[str, Any]:
    from lagebild.pipeline import ingest
    from lagebild.store import Store

    load = os.getloadavg()[0]  # other work on the machine slows the wall-clock figures
    with tempfile.TemporaryDirectory(prefix="lagebild-stages-") as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        pages = write_corpus(data_dir, n, folder)
        store = Store.open(Path(tmp) / "stages.sqlite")
        try:
            summary = ingest([str(folder)], store, workers=1)
        finally:
            store.close()
        texts = _article_texts(folder)
    stages = {
        name: {
            "seconds": round(seconds, 3),
            "pages_per_second": ratio(n, seconds),
            "tokens_per_second": round(pages.tokens / seconds) if seconds else 0,
        }
        for name, seconds in summary.seconds.items()
    }
    return {
        "pages": n,
        "tokens": pages.tokens,
        "cores_on_machine": os.cpu_count(),
        "load_average_before": round(load, 2),
        "stages": stages,
        "annotate_parts": annotate_parts(texts),
    }


def _article_texts(folder: Path) -> list[tuple[str, date | None]]:
    """The reading text and date of each page's article (pages without one left out)."""
    from lagebild.errors import Rejected
    from lagebild.extract import extract
    from lagebild.ingest import Candidate, find_pages, read_page

    texts = []
    for item in find_pages([str(folder)]):
        if not isinstance(item, Candidate):
            continue
        try:
            article = extract(read_page(item))
        except Rejected:
            continue
        day = article.published
        texts.append((article.reading_text, date.fromisoformat(day[:10]) if day else None))
    return texts


def annotate_parts(texts: list[tuple[str, date | None]]) -> dict[str, Any]:
    """Seconds and tokens per second of each part of the annotate stage on ``texts``."""
    from lagebild.annotate.entities import shared_tagger
    from lagebild.annotate.quotes import find_quotes
    from lagebild.annotate.timex import tag_timexes
    from lagebild.events.frames import find_events

    tagger = shared_tagger()
    nlp = tagger.nlp
    tagger.tag("Angela Merkel traf Emmanuel Macron in Paris.")  # load and warm the model
    counted: list[int] = []
    mentions: list[list[Mention]] = []
    timexes: list[list[Timex]] = []

    def tokenize() -> None:
        # First, while spaCy's tokenizer cache is cold for these texts.
        counted[:] = [len(nlp.tokenizer(text)) for text, _ in texts]

    def ner() -> None:
        mentions[:] = [tagger.tag(text) for text, _ in texts]

    def timex() -> None:
        timexes[:] = [tag_timexes(text, day) for text, day in texts]

    def quotes() -> None:
        for (text, _), found in zip(texts, mentions, strict=True):
            find_quotes(text, found)

    def events() -> None:
        for (text, day), found, times in zip(texts, mentions, timexes, strict=True):
            find_events(text, found, times, day)

    parts: dict[str, Callable[[], None]] = {
        "tokenizer_only": tokenize,
        "ner": ner,
        "timex": timex,
        "quotes": quotes,
        "events": events,
    }
    seconds = {name: _cpu_seconds(run) for name, run in parts.items()}
    tokens = sum(counted)
    whole = sum(s for name, s in seconds.items() if name != "tokenizer_only")
    return {
        "articles": len(texts),
        "tokens": tokens,
        "parts": {
            name: {
                "seconds": round(s, 3),
                "tokens_per_second": round(tokens / s) if s else 0,
                "share_of_annotate": round(s / whole, 3)
                if whole and name != "tokenizer_only"
                else None,
            }
            for name, s in seconds.items()
        },
        # The model's own time beyond reading the words: what a faster network could save.
        "ner_over_tokenizer": round(seconds["ner"] / seconds["tokenizer_only"], 1)
        if seconds["tokenizer_only"]
        else None,
    }


def _cpu_seconds(run: Callable[[], None]) -> float:
    """CPU seconds of this process for one call: on a shared machine wall time says
    more about the neighbours than about the code."""
    started = time.process_time()
    run()
    return time.process_time() - started
