"""Speed and memory of dedup and clustering on real German texts (slow; one core).

Run with ``taskset -c 0 .venv/bin/pytest -m slow tests/test_cluster_speed.py -s``.
"""

from __future__ import annotations

import datetime as dt
import random
import resource
import time
from collections.abc import Iterator

import pytest

from lagebild.cluster import StoryClusterer, state
from lagebild.cluster.run import StoreClustering
from lagebild.dedup import Deduplicator
from lagebild.eval.benchdata import default_data_dir
from lagebild.eval.duplicates import Item, build
from lagebild.store.stories import ClusterInput

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def items() -> list[Item]:
    data = default_data_dir()
    if not (data / "gnad10k_test" / "test.csv").is_file():
        pytest.skip(f"benchdata not found at {data}")
    return build(data)


def articles_per_second(run: object, count: int) -> float:
    """CPU seconds of this process, so other jobs on the core do not count."""
    start = time.process_time()
    run()  # type: ignore[operator]
    return count / (time.process_time() - start)


def test_speed_dedup_at_least_5000_per_second(items: list[Item], benchmark: object) -> None:
    def run() -> None:
        dedup = Deduplicator()
        for item in items:
            dedup.add(item.id, item.text, item.date)

    rate = articles_per_second(run, len(items))
    print(f"dedup: {rate:.0f} articles/s")
    benchmark(run)  # type: ignore[operator]
    assert rate >= 5000


def test_speed_dedup_signatures_against_datasketch(items: list[Item]) -> None:
    # Why dedup has its own MinHash: datasketch's (128 permutations) and its LSH index take
    # longer per article than the whole dedup stage may, on the same shingles.
    from datasketch import MinHash, MinHashLSH

    dedup = Deduplicator()
    shingles = [dedup.shingle_hashes(item.text) for item in items]

    def reference() -> None:
        index = MinHashLSH(threshold=0.5, num_perm=128)
        for item, hashes in zip(items, shingles, strict=True):
            minhash = MinHash(num_perm=128)
            minhash.update_batch([h.tobytes() for h in hashes])
            index.query(minhash)
            index.insert(item.id, minhash)

    def own() -> None:
        for hashes in shingles:
            dedup._minhash(hashes)

    theirs, ours = articles_per_second(reference, len(items)), articles_per_second(own, len(items))
    print(f"MinHash + LSH: datasketch {theirs:.0f} articles/s, dedup's own signature {ours:.0f}")
    assert ours > 10 * theirs


def test_speed_cluster_at_least_1000_per_second(items: list[Item], benchmark: object) -> None:
    # In the pipeline, annotation has loaded simplemma's German dictionary before any
    # article is clustered (1.4 s, once per process): warm it here too, so the rate is
    # per-article work.
    StoryClusterer().add("warm", items[0].title, items[0].text, items[0].when)

    def run() -> None:
        clusterer = StoryClusterer()
        for item in items:
            clusterer.add(item.id, item.title, item.text, item.when)

    rate = articles_per_second(run, len(items))
    print(f"cluster (no embeddings): {rate:.0f} articles/s")
    benchmark(run)  # type: ignore[operator]
    assert rate >= 1000


def varied(items: list[Item], total: int, per_day: int = 1000) -> Iterator[ClusterInput]:
    """``total`` articles cycling the benchmark texts, a third of their words replaced by
    random ones (so they are no copies of each other, and new words keep coming), dates
    advancing ``per_day`` articles a day."""
    rng = random.Random(7)
    start = dt.date(2025, 1, 1)
    for n in range(total):
        item = items[n % len(items)]
        words = item.text.split(" ")
        for _ in range(max(1, len(words) // 3)):
            words[rng.randrange(len(words))] = f"w{rng.randrange(10**6)}"
        date = (start + dt.timedelta(days=n // per_day)).isoformat()
        yield ClusterInput(f"{n}", item.title, " ".join(words), date, "de")


def test_speed_cluster_stage_goes_on_from_its_state(items: list[Item]) -> None:
    # A store of 20,000 articles takes 200 more: the stage reads its saved state, streams
    # the new ones and saves the state again, instead of streaming all 20,200.
    stream = list(varied(items, 20_200))
    old, new = stream[:20_000], stream[20_000:]
    before = StoreClustering()
    before.feed(old)
    saved = state.dumps(before)

    def go_on() -> None:
        clustering = state.loads(saved)
        clustering.feed(new)
        state.dumps(clustering)

    def afresh() -> None:
        StoreClustering().feed(stream)

    on = time.process_time()
    go_on()
    on = time.process_time() - on
    whole = time.process_time()
    afresh()
    whole = time.process_time() - whole
    print(
        f"200 new articles after 20,000: {on:.2f} s going on (state {len(saved) / 2**20:.1f} MB), "
        f"{whole:.2f} s afresh"
    )
    assert on < whole / 10


def stream_rss(
    items: list[Item], checkpoints: tuple[int, ...], per_day: int = 1000
) -> dict[int, int]:
    """Peak RSS (MB) after each checkpoint's number of articles of a long stream (see
    :func:`varied`) through both stages."""
    dedup, clusterer = Deduplicator(), StoryClusterer()
    peaks: dict[int, int] = {}
    for n, item in enumerate(varied(items, max(checkpoints), per_day), start=1):
        dedup.add(item.article_id, item.text, item.published)
        clusterer.add(item.article_id, item.title, item.text, item.published)
        if n in checkpoints:
            peaks[n] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return peaks


def _stream_peaks(checkpoints: tuple[int, ...]) -> dict[int, int]:
    """:func:`stream_rss` in the process this runs in (a fresh one, see below)."""
    return stream_rss(build(default_data_dir()), checkpoints)


def test_memory_flat_over_100k_articles(items: list[Item]) -> None:
    # The windows fill first: dedup keeps 7 days, stories 10 days, storylines 60 days
    # (60,000 articles at 1,000 a day); after that nothing may grow. Measured in a fresh
    # process: the peak RSS of this one holds what earlier tests held (a 20,000-article
    # stream measured 843 MB at every checkpoint), and a high peak would pass any check.
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        peaks = pool.apply(_stream_peaks, ((10_000, 60_000, 100_000),))
    print(f"peak RSS MB: {peaks}")
    assert peaks[100_000] < 1.5 * peaks[10_000]
    assert peaks[100_000] <= 1.05 * peaks[60_000]


def test_a_full_archive_stays_small_in_memory_and_in_the_state() -> None:
    # The archive of closed stories is the one part of the state that fills over months
    # rather than days: at its cap it must not dominate the clusterer's memory or the
    # state saved after every run. Terms are random ids (no two stories share a name:
    # the index at its largest).
    import pickle
    import tracemalloc

    from lagebild.cluster.archive import ARCHIVE_TERMS, Archive

    rng = random.Random(0)
    archive = Archive()
    tracemalloc.start()
    for i in range(archive.max_stories):
        centroids = {
            part: {rng.randrange(1 << 40): rng.random() for _ in range(3 * k)}
            for part, k in ARCHIVE_TERMS.items()
        }
        archive.keep(f"S{i}", "L1", i // 300, i // 300, 3, centroids)
    held = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    start = time.process_time()
    saved = pickle.dumps(archive, protocol=pickle.HIGHEST_PROTOCOL)
    dump = time.process_time() - start
    print(
        f"full archive ({len(archive):,} stories): {held:.0f} MB held, "
        f"{len(saved) / 2**20:.1f} MB saved in {dump:.2f} s"
    )
    assert len(archive) == archive.max_stories
    assert held < 100 and len(saved) < 40 * 2**20
