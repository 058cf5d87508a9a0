"""Batch mode: extraction and annotation on a Dask cluster, the store written here.

``lagebild ingest --workers N`` spreads the per-page work over the cores of one machine;
this module spreads the same work over the worker processes of a Dask cluster
(``dask.distributed``), local or remote. It reuses the worker entry points of
``lagebild.parallel`` and keeps its design: the store has one writer, this process, and
the stages that carry state from page to page (site noise, dedup) run here, in input
order, so that the result is what ``lagebild ingest`` stores. Each page makes two trips:

    cluster: read + extract  ->  here: site noise, dedup  ->  cluster: annotate  ->  here: store

Annotation cannot ride along with extraction: it reads the text left after the site's
recurring lines are dropped and dates relative expressions against the date a page
inherits from its duplicate group, and both are known only after the stages here ran.

Pages go out a partition (``partition_size`` pages, one Dask task) at a time, with a
bounded number of partitions in flight per trip, and come back as they complete
(``distributed.as_completed``); a partition that finished early waits only until those
before it are taken, so memory stays flat however large the input. A page file travels
as its path (the workers read it: they must see the same paths); a page out of a
container (WARC record, JSON line, feed item) is read here and scattered straight to a
worker, not through the scheduler. For the annotate trip only the article travels, not
the page's bytes.

One bad page is one rejection with its reason. A worker process that dies on a
partition (a segfault, the out-of-memory killer) makes Dask retry the partition
elsewhere; when it keeps dying, each of its pages is sent again on its own, and the
page that still kills its worker is rejected as an internal error.

Dask is an optional dependency (``pip install 'lagebild[dask]'``), imported only here.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import lagebild
from lagebild.errors import Reason, Rejected
from lagebild.ingest import Candidate, Skipped, find_pages
from lagebild.model import Annotations
from lagebild.parallel import (
    Extracted,
    annotate,
    read_and_extract,
    take_annotated,
    take_extracted_chunk,
)
from lagebild.pipeline import Run, Summary, Work, internal_error, run_batch_stages
from lagebild.store import Store

if TYPE_CHECKING:
    from distributed import Client, Future, as_completed

# distributed ships type hints but leaves some of its methods unannotated (nthreads,
# scatter, Future.done, Future.exception, as_completed.add): their calls are marked.

# Pages per Dask task. Each task costs the scheduler about a millisecond and a round
# trip; 16 pages of news (a second or two of annotation) make that overhead small while
# the partitions stay many enough to keep every worker busy on a thousand pages.
DEFAULT_PARTITION_SIZE = 16
# Partitions in flight per trip and per worker thread: one running, one queued, so a
# worker never waits for this process to hand out the next one.
IN_FLIGHT_PER_THREAD = 2

ItemT = TypeVar("ItemT")
ResultT = TypeVar("ResultT")


class BatchError(Exception):
    """The batch cannot run: Dask is missing, the cluster is unreachable or unfit."""


def _dask() -> Any:
    """The ``distributed`` module, or a BatchError saying how to install it."""
    try:
        import distributed
    except ImportError as exc:
        raise BatchError(
            "batch mode needs Dask: pip install 'lagebild[dask]' "
            f"(dask[bag] and distributed); {exc}"
        ) from None
    return distributed


@contextmanager
def connect(scheduler: str | None = None, local_workers: int | None = None) -> Iterator[Client]:
    """A Dask client: of the scheduler at ``scheduler``, or of a fresh local cluster.

    The local cluster has ``local_workers`` worker processes (default: the core count)
    of one thread each: the NER model is loaded once per worker process, and spaCy
    holds the GIL, so threads in one process would only take turns.
    """
    distributed = _dask()
    import dask

    # Results (pages with their bytes) go from the workers straight to this process
    # instead of through the scheduler, unless the Dask configuration says otherwise
    # (DASK_DISTRIBUTED__CLIENT__DIRECT_TO_WORKERS=False when the workers are not
    # reachable from here).
    direct = dask.config.get("distributed.client.direct-to-workers")
    direct = True if direct is None else direct
    if scheduler is not None:
        try:
            client = distributed.Client(scheduler, direct_to_workers=direct)
        except OSError as exc:
            raise BatchError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        try:
            yield client
        finally:
            client.close()
        return
    workers = local_workers or os.cpu_count() or 1
    cluster = distributed.LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
    )
    try:
        client = distributed.Client(cluster, direct_to_workers=direct)
        try:
            yield client
        finally:
            client.close()
    finally:
        cluster.close()


def batch_ingest(
    paths: list[str],
    store: Store,
    client: Client,
    *,
    partition_size: int = DEFAULT_PARTITION_SIZE,
    on_page: Callable[[str], None] | None = None,
    extract_task: Callable[[Candidate], Extracted] = read_and_extract,
    annotate_task: Callable[[Work], Annotations | Rejected] = annotate,
) -> Summary:
    """Store every page under ``paths``, extracted and annotated on ``client``'s cluster.

    Then dedup groups and the stages over the whole store (resolve, speakers, events,
    cluster) are brought up to date, as ``lagebild ingest`` does. The tasks are
    parameters only so that tests can make a worker die on a chosen page.
    """
    if "-" in paths:
        raise BatchError("batch mode reads files, not standard input; use lagebild ingest -")
    # A path missing here too is a rejection, as in ``lagebild ingest``, not a worker's fault.
    check_workers(client, [path for path in paths if os.path.lexists(path)])
    distributed = _dask()
    summary = Summary()
    run = Run(store)
    threads = sum(client.nthreads().values()) or 1  # type: ignore[no-untyped-call]
    window = IN_FLIGHT_PER_THREAD * threads
    done: as_completed = distributed.as_completed()
    extracting: deque[_Partition[Candidate, Extracted]] = deque()
    annotating: deque[tuple[list[Work], _Partition[Work, Annotations | Rejected]]] = deque()
    listing = _partitions(paths, partition_size)

    def hand_out() -> None:
        """Send partitions to the cluster until the extract trip's window is full."""
        while len(extracting) < window:
            item = next(listing, None)
            if item is None:
                return
            if isinstance(item, Skipped):
                summary.skipped.append(item)
            elif isinstance(item, Rejected):
                store.reject(item)
                summary.rejected.append(item)
                if on_page is not None:
                    on_page(item.source)
            else:
                extracting.append(_Partition(client, done, extract_task, item, _extract_failed))

    def take_back() -> None:
        """Take the partitions that are done, in input order, through the next step."""
        while extracting and extracting[0].ready():
            part = extracting.popleft()
            to_annotate = take_extracted_chunk(run, summary, part.items, part.results(), on_page)
            if to_annotate:
                slim = [_without_bytes(work) for work in to_annotate]
                annotated = _Partition(client, done, annotate_task, slim, _annotate_failed)
                annotating.append((to_annotate, annotated))
        while annotating and annotating[0][1].ready():
            works, annotated = annotating.popleft()
            for work, result in zip(works, annotated.results(), strict=True):
                take_annotated(work, result, store, summary)

    hand_out()
    while extracting or annotating:
        # Every completed task wakes the loop; the partitions at the head of each trip
        # are taken when they are done, and new ones handed out to keep the window full.
        for _future in done:
            take_back()
            hand_out()
        take_back()
        hand_out()
        # A result lost with a dying worker is computed again, after as_completed
        # yielded it once: its partition is watched again.
        for waiting in extracting:
            waiting.watch()
        for _works, waiting_annotation in annotating:
            waiting_annotation.watch()
    summary.seconds.update(run.seconds)
    if summary.stored or store.batch_pending():
        run_batch_stages(store, summary)
    return summary


def _partitions(paths: list[str], size: int) -> Iterator[list[Candidate] | Skipped | Rejected]:
    """The listing in input order: candidates in partitions of ``size``, the rest alone.

    A page file's path is made absolute for the workers, whose working folder is not
    this one; its source stays as the user gave it, as ``lagebild ingest`` stores it.
    """
    partition: list[Candidate] = []
    for item in find_pages(paths):
        if not isinstance(item, Candidate):
            yield item
            continue
        if item.path is not None:
            item = replace(item, path=item.path.absolute())
        partition.append(item)
        if len(partition) == size:
            yield partition
            partition = []
    if partition:
        yield partition


def _map(task: Callable[[ItemT], ResultT], items: list[ItemT]) -> list[ResultT]:
    """Worker: one task over a partition's items (the task never raises for a page)."""
    return [task(item) for item in items]


class _Partition(Generic[ItemT, ResultT]):
    """Pages sent to the cluster as one task, until their results are taken back.

    When the task fails as a whole (its worker died, so often that Dask gave up), each
    page is sent again as a task of its own, and only a page whose own task fails is
    given up, as ``failed`` says.
    """

    def __init__(
        self,
        client: Client,
        done: as_completed,
        task: Callable[[ItemT], ResultT],
        items: list[ItemT],
        failed: Callable[[ItemT, BaseException], ResultT],
    ) -> None:
        self.client = client
        self.done = done
        self.task = task
        self.items = items
        self.failed = failed
        self.groups = [items]
        self.futures = [self._submit(items)]

    def _submit(self, items: list[ItemT]) -> Future[list[ResultT]]:
        payload: Any = items
        if any(isinstance(item, Candidate) and item.data is not None for item in items):
            # Pages out of containers carry their bytes: straight to a worker, not
            # through the scheduler (a task's arguments travel with the task graph).
            payload = self.client.scatter(items, hash=False)  # type: ignore[no-untyped-call]
        # pure=False: the same page listed twice is two tasks, each with its own result.
        future: Future[list[ResultT]] = self.client.submit(_map, self.task, payload, pure=False)
        self.done.add(future)  # type: ignore[no-untyped-call]
        return future

    def watch(self) -> None:
        """Have ``done`` yield this partition's futures that are not done (again)."""
        for future in self.futures:
            if not future.done():  # type: ignore[no-untyped-call]
                self.done.add(future)  # type: ignore[no-untyped-call]

    def ready(self) -> bool:
        """Whether every page has a result; a failed whole is split into single pages."""
        if not all(future.done() for future in self.futures):  # type: ignore[no-untyped-call]
            return False
        if len(self.groups) == 1 and len(self.items) > 1 and self.futures[0].status == "error":
            self.groups = [[item] for item in self.items]
            self.futures = [self._submit(group) for group in self.groups]
            return False
        return True

    def results(self) -> list[ResultT]:
        """One result per item, in order; the futures are let go (the cluster frees them)."""
        results: list[ResultT] = []
        for group, future in zip(self.groups, self.futures, strict=True):
            if future.status == "error":
                error = future.exception()  # type: ignore[no-untyped-call]
                results.extend(self.failed(item, error) for item in group)
            else:
                results.extend(future.result())
        self.futures = []
        return results


def _failure(error: BaseException, source: str) -> Rejected:
    """The rejection of a page whose task failed outside the page's own error handling."""
    if error.__class__.__name__ == "KilledWorker":
        return Rejected(
            Reason.INTERNAL, "the worker process died on this page, again on each retry", source
        )
    if isinstance(error, Exception):
        return internal_error(error, source)
    return Rejected(Reason.INTERNAL, f"{error.__class__.__name__}: {error}", source)


def _extract_failed(candidate: Candidate, error: BaseException) -> Extracted:
    return None, _failure(error, candidate.source), ""


def _annotate_failed(work: Work, error: BaseException) -> Annotations | Rejected:
    return _failure(error, work.page.source)


def _without_bytes(work: Work) -> Work:
    """What the annotate trip needs of a page: the article, not the page's bytes and text."""
    return Work(replace(work.page, raw=b"", text=""), article=work.article)


def check_workers(client: Client, paths: list[str]) -> None:
    """Raise BatchError unless every worker runs this lagebild and sees ``paths``.

    Asked once before the batch, so that a worker without the package or without the
    shared folder stops the batch with a message instead of rejecting every page.
    """
    wanted = [str(Path(path).absolute()) for path in paths]
    try:
        answers: dict[str, tuple[str, list[str]]] = client.run(_worker_view, wanted)
    except Exception as exc:
        raise BatchError(
            f"a Dask worker cannot run lagebild ({exc.__class__.__name__}: {exc}); "
            "install the same lagebild on every worker"
        ) from None
    for worker, (version, missing) in sorted(answers.items()):
        if version != lagebild.__version__:
            raise BatchError(
                f"worker {worker} runs lagebild {version}, this process {lagebild.__version__}"
            )
        if missing:
            raise BatchError(
                f"worker {worker} does not see {', '.join(missing)}; the workers read the "
                "pages themselves and need the same paths (a shared file system)"
            )


def _worker_view(paths: list[str]) -> tuple[str, list[str]]:
    """Worker: its lagebild version and which of ``paths`` it cannot see."""
    return lagebild.__version__, [path for path in paths if not os.path.exists(path)]
