"""``batch``: ingest with extraction and annotation on a Dask cluster (``lagebild.batch``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from lagebild.cli.app import main
from lagebild.cli.common import DB_OPTION, console, open_store
from lagebild.cli.pages import report_ingest
from lagebild.pipeline import Summary
from lagebild.store import Store

if TYPE_CHECKING:
    from distributed import Client

# Exit status when the cluster cannot be used (Dask missing, scheduler unreachable,
# workers without lagebild or without the pages' paths); nothing was stored.
EXIT_CLUSTER = 5


@main.command("batch")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@DB_OPTION
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="The Dask scheduler of a running cluster, e.g. tcp://10.0.0.5:8786 "
    "[default: start a local cluster].",
)
@click.option(
    "--local-workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes of the local cluster [default: the core count].",
)
@click.option(
    "--partition-size",
    type=click.IntRange(min=1),
    default=None,
    help="Pages per Dask task [default: 16].",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
def batch_cmd(
    paths: tuple[str, ...],
    db_path: str,
    scheduler: str | None,
    local_workers: int | None,
    partition_size: int | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Ingest like `lagebild ingest`, with extraction and annotation on a Dask cluster.

    The store is written by this process alone; dedup and the stages over the
    whole store run here afterwards, so the store ends up as `lagebild ingest`
    leaves it. The workers read page files themselves: they need lagebild
    installed and the same paths (a shared file system). Needs the `dask` extra
    (pip install 'lagebild[dask]'). The exit status is 1 if any page was
    rejected, 5 if the cluster cannot be used.

    \b
    Example:
      lagebild batch pages/ --db news.sqlite --local-workers 2
      lagebild batch /shared/crawl/ --db news.sqlite --scheduler tcp://10.0.0.5:8786
    """
    from lagebild.batch import DEFAULT_PARTITION_SIZE, BatchError, connect

    if scheduler is not None and local_workers is not None:
        raise click.UsageError("--local-workers starts a local cluster; not with --scheduler")
    if "-" in paths:
        raise click.BadParameter(
            "batch mode reads files; for standard input use lagebild ingest -", param_hint="PATH"
        )
    err = console(stderr=True)
    store = open_store(db_path)
    where = store.where  # a PostgreSQL URL is shown without its password
    try:
        with connect(scheduler, local_workers) as client:
            summary = _run(
                list(paths),
                store,
                client,
                partition_size or DEFAULT_PARTITION_SIZE,
                show=not (quiet or as_json) and err.is_terminal,
            )
    except BatchError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise SystemExit(EXIT_CLUSTER) from None
    finally:
        store.close()
    report_ingest(summary, where, as_json=as_json)


def _run(
    paths: list[str], store: Store, client: Client, partition_size: int, *, show: bool
) -> Summary:
    """The batch, with a count of the pages taken back on a terminal."""
    from lagebild.batch import batch_ingest

    if not show:
        return batch_ingest(paths, store, client, partition_size=partition_size)
    from rich.progress import Progress, SpinnerColumn, TimeElapsedColumn

    # No total: counting the pages first would read every container twice.
    with Progress(
        SpinnerColumn(),
        "[progress.description]{task.description}",
        "{task.completed} pages",
        TimeElapsedColumn(),
        console=console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task("batch", total=None)
        return batch_ingest(
            paths,
            store,
            client,
            partition_size=partition_size,
            on_page=lambda _source: progress.advance(task),
        )
