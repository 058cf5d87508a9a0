"""Ingest on several cores: reading, extraction and annotation in worker processes.

The store keeps one writer and the learners that carry state from page to page (site
boilerplate, dedup) stay in the main process, so the result is the same as a run on
one core. Each page makes two trips:

    worker: read + extract  ->  main: site noise, dedup  ->  worker: annotate  ->  main: store

Pages are handed out in input order, a few per task, and taken back in input order, a
bounded number at a time, so memory stays flat however many pages there are. Each worker
loads the NER model once, on its first page.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Collection
from concurrent.futures import Future, ProcessPoolExecutor

from lagebild.annotate.entities import shared_tagger
from lagebild.errors import Rejected
from lagebild.extract import extract
from lagebild.ingest import Candidate, Skipped, find_pages, read_page
from lagebild.model import Annotations
from lagebild.pipeline import (
    Run,
    Summary,
    Work,
    annotate_work,
    internal_error,
    main_stages,
    reject,
    run_batch_stages,
    store_work,
)
from lagebild.store import Store

# How often a worker checks that its parent is still there (seconds).
PARENT_CHECK_S = 1.0
# Pages per task: a round trip per page left the workers waiting on the main process,
# whose thread that feeds them competes for the interpreter with the writer.
CHUNK_PAGES = 4
# Tasks in flight per worker and per trip: enough to keep the workers busy while the
# main process dedups and writes, few enough that memory does not grow with the input.
IN_FLIGHT_PER_WORKER = 3

Extracted = tuple[Work | None, Rejected | None, str]


def init_worker() -> None:
    """Worker initializer: one maths-library thread, and an end when the parent is gone.

    Each worker is one process per core already; OpenBLAS would start a thread per core
    in each of them too, and the workers' threads then fight over the cores (ingest on
    two workers ran at half the speed of the same work with one thread each).

    A worker waits on its task queue, whose write end every worker holds too, so when
    ingest is killed (SIGKILL, out of memory) its workers would wait forever, each with
    a model in memory. A daemon thread notices the new parent id and ends the worker.
    """
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    threadpool_limits(limits=1)
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_S)
        os._exit(1)

    threading.Thread(target=watch, name="lagebild-parent-watch", daemon=True).start()


def read_and_extract(candidate: Candidate) -> Extracted:
    """Worker: read and extract one page; (work, None, sha) or (None, rejection, sha)."""
    sha256 = ""
    try:
        page = read_page(candidate)
        sha256 = page.sha256
        return Work(page, article=extract(page)), None, sha256
    except Rejected as rejection:
        return None, rejection.for_source(candidate.source), sha256
    except Exception as exc:  # a bug on one page must not end the batch
        return None, internal_error(exc, candidate.source), sha256


def annotate(work: Work) -> Annotations | Rejected:
    """Worker: the annotate stage on one article; a rejection naming the bug if it fails."""
    try:
        annotate_work(work, shared_tagger())
    except Rejected as rejection:
        return rejection.for_source(work.page.source)
    except Exception as exc:  # a bug on one page must not end the batch
        return internal_error(exc, work.page.source)
    return work.annotations or Annotations()


def take_extracted(run: Run, summary: Summary, source: str, extracted: Extracted) -> Work | None:
    """Main process: a page back from ``read_and_extract``, through site noise and dedup.

    Pages must come in input order (the stages carry state from page to page). Returns
    the work to annotate, or None when the page was rejected or is stored already. Also
    used by ``lagebild.batch``, whose workers run the same two entry points.
    """
    work, rejection, sha256 = extracted
    store = run.store
    if work is None:
        assert rejection is not None
        reject(rejection, sha256, store, summary)
        return None
    if store.known(sha256):
        store.add_source(sha256, work.page.source)
        summary.known += 1
        return None
    try:
        main_stages(run, work)
    except Rejected as stopped:
        reject(stopped.for_source(source), sha256, store, summary)
        return None
    except Exception as exc:  # a bug on one page must not end the batch
        reject(internal_error(exc, source), sha256, store, summary)
        return None
    work.embed = run.embed
    return work


def take_extracted_chunk(
    run: Run,
    summary: Summary,
    candidates: list[Candidate],
    results: list[Extracted],
    on_page: Callable[[str], None] | None,
) -> list[Work]:
    """Main process: :func:`take_extracted` on a chunk's pages, in order; the works to
    annotate. Also used by ``lagebild.batch`` for its partitions."""
    works: list[Work] = []
    for candidate, extracted in zip(candidates, results, strict=True):
        if on_page is not None:
            on_page(candidate.source)
        work = take_extracted(run, summary, candidate.source, extracted)
        if work is not None:
            works.append(work)
    return works


def take_annotated(
    work: Work, result: Annotations | Rejected, store: Store, summary: Summary
) -> None:
    """Main process: store a page whose annotations came back, or record its rejection."""
    if isinstance(result, Rejected):
        reject(result, work.page.sha256, store, summary)
        return
    work.annotations = result
    store_work(work, store, summary)


def read_and_extract_chunk(candidates: list[Candidate]) -> list[Extracted]:
    """Worker: :func:`read_and_extract` on a few pages, in one round trip."""
    return [read_and_extract(candidate) for candidate in candidates]


def annotate_chunk(works: list[Work]) -> list[Annotations | Rejected]:
    """Worker: :func:`annotate` on a few articles, in one round trip."""
    return [annotate(work) for work in works]


def ingest_parallel(
    paths: list[str],
    store: Store,
    workers: int,
    *,
    on_page: Callable[[str], None] | None = None,
    skip_stages: Collection[str] = (),
) -> Summary:
    """Store every page under ``paths`` using ``workers`` processes; see the module doc
    (``skip_stages``: see :func:`lagebild.pipeline.run_batch_stages`)."""
    summary = Summary()
    run = Run(store)
    window = IN_FLIGHT_PER_WORKER * workers
    # spawn: the workers start clean, without the parent's SQLite connection or threads.
    context = multiprocessing.get_context("spawn")
    extracting: deque[tuple[list[Candidate], Future[list[Extracted]]]] = deque()
    annotating: deque[tuple[list[Work], Future[list[Annotations | Rejected]]]] = deque()
    chunk: list[Candidate] = []
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=init_worker
    ) as pool:

        def send_chunk() -> None:
            extracting.append((chunk[:], pool.submit(read_and_extract_chunk, chunk[:])))
            chunk.clear()

        def after_extract() -> None:
            candidates, future = extracting.popleft()
            works = take_extracted_chunk(run, summary, candidates, future.result(), on_page)
            if works:
                annotating.append((works, pool.submit(annotate_chunk, works)))

        def after_annotate() -> None:
            works, future = annotating.popleft()
            for work, result in zip(works, future.result(), strict=True):
                take_annotated(work, result, store, summary)

        for item in find_pages(paths):
            if isinstance(item, Skipped):
                summary.skipped.append(item)
                continue
            if isinstance(item, Rejected):
                store.reject(item)
                summary.rejected.append(item)
                if on_page is not None:
                    on_page(item.source)
                continue
            chunk.append(item)
            if len(chunk) < CHUNK_PAGES:
                continue
            send_chunk()
            while len(extracting) > window:
                after_extract()
            while len(annotating) > window or (annotating and annotating[0][1].done()):
                after_annotate()
        if chunk:
            send_chunk()
        while extracting:
            after_extract()
        while annotating:
            after_annotate()
    summary.seconds.update(run.seconds)
    if summary.stored or store.batch_pending():
        run_batch_stages(store, summary, skip_stages)
    return summary
