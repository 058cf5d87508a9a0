"""Batch mode on Dask, in its local mode: the store it leaves is the one ingest leaves.

One local cluster (two worker processes, one thread each) serves the module: starting
it and loading the NER model in each worker are most of the time these tests take.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from lagebild.batch import BatchError, batch_ingest, check_workers, connect
from lagebild.cli import main
from lagebild.export import export_json
from lagebild.ingest import Candidate
from lagebild.parallel import Extracted, read_and_extract
from lagebild.pipeline import Summary, ingest
from lagebild.store import Store

pytest.importorskip("distributed", reason="batch mode needs the dask extra")

if TYPE_CHECKING:
    from distributed import Client

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    import dask

    # A task whose worker dies is given up at once, not retried on three more workers:
    # the test of a dying worker kills two instead of eight (each restart costs seconds).
    # One task at a time per worker thread, none queued on the worker: when a worker
    # dies, only the task it was running is counted against its page (Dask counts every
    # task the worker held), so the test knows which page is rejected.
    settings = {
        "distributed.scheduler.allowed-failures": 0,
        "distributed.scheduler.worker-saturation": 1.0,
    }
    with dask.config.set(settings), connect(local_workers=2) as started:
        yield started


def _counts(summary: Summary) -> tuple[int, int, list[tuple[str, str]], int]:
    rejected = sorted((r.source, r.reason.value) for r in summary.rejected)
    return summary.stored, summary.known, rejected, len(summary.skipped)


def _both_ways(
    paths: list[str], tmp_path: Path, client: Client, partition_size: int
) -> tuple[Store, Summary, Store, Summary]:
    one = Store.open(tmp_path / "ingest.sqlite")
    batch = Store.open(tmp_path / "batch.sqlite")
    by_ingest = ingest(paths, one)
    by_batch = batch_ingest(paths, batch, client, partition_size=partition_size)
    return one, by_ingest, batch, by_batch


def test_batch_stores_what_ingest_stores(client: Client, tmp_path: Path, seeds_dir: Path) -> None:
    paths = [str(seeds_dir), str(EXAMPLES)]
    # Three pages a partition: several partitions in flight on two workers, a short last one.
    one, by_ingest, batch, by_batch = _both_ways(paths, tmp_path, client, partition_size=3)
    assert by_batch.stored == 16
    assert _counts(by_batch) == _counts(by_ingest)
    assert export_json(batch) == export_json(one)
    # The stages over the whole store ran: stories and entities are there.
    data = export_json(batch)
    assert data["stories"] and data["entities"]
    again = batch_ingest(paths, batch, client)
    assert (again.stored, again.known) == (0, 16)
    assert export_json(batch) == export_json(one)


def test_batch_bad_pages_are_rejections_and_the_batch_goes_on(
    client: Client, tmp_path: Path, seeds_dir: Path
) -> None:
    folder = tmp_path / "pages"
    shutil.copytree(seeds_dir, folder)
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02\x03" * 500)
    (folder / "empty.txt").write_bytes(b"")
    seed = sorted(seeds_dir.glob("*.txt"))[0].read_text(encoding="utf-8")
    # Pages out of a container carry their bytes: the scattered path to the workers.
    records = [{"text": "Nur ein Satz."}, "{not json", {"html": f"<p>{seed}</p>"}]
    (folder / "feed.jsonl").write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n",
        encoding="utf-8",
    )
    one, by_ingest, batch, by_batch = _both_ways([str(folder)], tmp_path, client, 2)
    reasons = {Path(source).name: reason for source, reason in _counts(by_batch)[2]}
    assert reasons["broken.txt"] == "binary" and reasons["empty.txt"] == "empty"
    assert reasons["feed.jsonl#2"] == "malformed"
    assert _counts(by_batch) == _counts(by_ingest)
    assert by_batch.stored >= 5
    assert export_json(batch) == export_json(one)
    assert batch.counts()["rejections_by_reason"] == one.counts()["rejections_by_reason"]


def _dying_extract(candidate: Candidate) -> Extracted:
    """Worker: extract, except that the page named ``crash.txt`` kills the process."""
    if candidate.source.endswith("crash.txt"):
        os._exit(13)
    return read_and_extract(candidate)


def test_batch_page_that_kills_its_worker_is_an_internal_error(
    client: Client, tmp_path: Path, seeds_dir: Path
) -> None:
    folder = tmp_path / "pages"
    shutil.copytree(seeds_dir, folder)
    (folder / "003_crash.txt").write_text("Nichts.\n", encoding="utf-8")
    store = Store.open(tmp_path / "batch.sqlite")
    summary = batch_ingest(
        [str(folder)], store, client, partition_size=3, extract_task=_dying_extract
    )
    assert summary.stored == 5
    [rejection] = summary.rejected
    assert rejection.source.endswith("003_crash.txt")
    assert rejection.reason.value == "internal_error"
    assert "worker process died" in rejection.detail
    client.wait_for_workers(2)


def test_batch_workers_must_see_the_paths(client: Client, tmp_path: Path) -> None:
    # The local workers share this file system: a path missing everywhere shows the check.
    with pytest.raises(BatchError, match="does not see"):
        check_workers(client, [str(tmp_path / "nowhere")])
    check_workers(client, [str(tmp_path)])
    store = Store.open(tmp_path / "batch.sqlite")
    # Missing here too: a rejection, as ingest records it.
    summary = batch_ingest([str(tmp_path / "nowhere")], store, client)
    assert [r.reason.value for r in summary.rejected] == ["unreadable"]
    with pytest.raises(BatchError, match="standard input"):
        batch_ingest(["-"], store, client)


def test_cli_batch_against_a_running_scheduler(
    client: Client, tmp_path: Path, seeds_dir: Path
) -> None:
    """The command a user runs against a real cluster, here the local one's scheduler."""
    runner = CliRunner()
    address = client.scheduler_info()["address"]
    assert isinstance(address, str)
    db = str(tmp_path / "batch.sqlite")
    result = runner.invoke(
        main, ["batch", str(seeds_dir), "--db", db, "--scheduler", address, "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stored"] == 5
    export = runner.invoke(main, ["export", "--db", db, "--format", "json"])
    assert len(json.loads(export.stdout)["articles"]) == 5


def test_cli_batch_usage_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "batch.sqlite")
    both = runner.invoke(
        main, ["batch", ".", "--db", db, "--scheduler", "tcp://x:1", "--local-workers", "2"]
    )
    assert both.exit_code == 2 and "not with --scheduler" in both.output
    stdin = runner.invoke(main, ["batch", "-", "--db", db])
    assert stdin.exit_code == 2 and "standard input" in stdin.output


def test_cli_batch_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    import dask

    runner = CliRunner()
    db = str(tmp_path / "batch.sqlite")
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = runner.invoke(main, ["batch", ".", "--db", db, "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 5
    assert "cannot reach the Dask scheduler" in result.output


def test_batch_without_dask_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    with pytest.raises(BatchError, match=r"pip install 'lagebild\[dask\]'"), connect():
        pass
