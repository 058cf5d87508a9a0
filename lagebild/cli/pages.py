"""Commands that read pages: ``ingest`` into the store, ``extract`` without one; and
``recluster``, which makes the stories of the stored pages afresh."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from lagebild.cli.app import main
from lagebild.cli.common import (
    DB_OPTION,
    EXIT_REJECTED,
    EXIT_STORE,
    console,
    open_store,
    print_json,
)
from lagebild.errors import Rejected
from lagebild.extract import extract
from lagebild.ingest import Candidate, Skipped, find_pages, read_page
from lagebild.pipeline import Summary, ingest
from lagebild.store import Store

# Below this many pages one process ingests: starting workers costs more than it saves.
AUTO_MIN_PAGES = 200


@main.command("ingest")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes for reading, extraction and annotation "
    f"[default: the core count, one for fewer than {AUTO_MIN_PAGES} pages].",
)
@click.option(
    "--embeddings/--no-embeddings",
    default=None,
    help="Embed each new article's headline and lead (multilingual) and cluster stories "
    "with the embeddings too, so reports in other languages join German stories. Kept "
    "in the store for later runs [default: as the store was set; off for a new store]. "
    "Costs a few ms of a core per article (within the run-to-run spread of `lagebild "
    "bench pipeline`), 115 MB per worker for the model and 512 bytes an article.",
)
def ingest_cmd(
    paths: tuple[str, ...],
    db_path: str,
    as_json: bool,
    quiet: bool,
    workers: int | None,
    embeddings: bool | None,
) -> None:
    """Store the pages in files, folders (recursively) or stdin (-).

    Pages already stored (same bytes) are left as they are; pages that are not
    articles are recorded with a reason and the batch goes on. The exit status
    is 1 if any page was rejected.

    \b
    Example:
      lagebild ingest pages/ extra.html --db news.sqlite
      curl -s https://example.org/a.html | lagebild ingest - --db news.sqlite
      lagebild ingest archive/ --db news.sqlite --workers 2
      lagebild ingest feeds/ --db news.sqlite --embeddings
    """
    store = open_store(db_path)
    where = store.where  # a PostgreSQL URL is shown without its password
    try:
        if embeddings is not None and embeddings != store.embeddings_on():
            store.set_embeddings(embeddings)
        summary = _run_ingest(list(paths), store, quiet=quiet or as_json, workers=workers)
    finally:
        store.close()
    report_ingest(summary, where, as_json=as_json)


@main.command("recluster")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
def recluster_cmd(db_path: str, as_json: bool) -> None:
    """Cluster every article of the store into stories and storylines afresh.

    Each ingest run goes on from the clustering the last one saved and streams only
    the new articles; earlier articles keep their stories, made with the entity names
    known then. This starts over from the first article, with today's entities. Story
    ids stay the same while a story's first article does.

    \b
    Example:
      lagebild recluster --db news.sqlite
    """
    from lagebild.cluster.run import cluster_store

    if "://" not in db_path and not Path(db_path).is_file():
        # Opening it for writing would make an empty store: say there is none instead.
        console(stderr=True).print(f"[red]error:[/red] no store at {db_path}")
        raise SystemExit(EXIT_STORE)
    store = open_store(db_path)
    try:
        run = cluster_store(store, afresh=True)
        counts = store.counts()
        stories, storylines = int(counts["stories"]), int(counts["storylines"])
    finally:
        store.close()
    if as_json:
        print_json({"articles": run.articles, "stories": stories, "storylines": storylines})
        return
    console().print(
        f"[bold]{run.articles}[/bold] articles in [bold]{stories}[/bold] stories "
        f"and [bold]{storylines}[/bold] storylines"
    )


def _run_ingest(paths: list[str], store: Store, *, quiet: bool, workers: int | None) -> Summary:
    """Ingest with a progress bar on a terminal, on as many cores as pay off."""
    err = console(stderr=True)
    show = not quiet and err.is_terminal
    total = None
    if show or workers is None:
        total = sum(1 for item in find_pages(paths) if not isinstance(item, Skipped))
    if workers is None:
        # Each worker loads the NER model (seconds): only worth it for a larger batch.
        workers = (os.cpu_count() or 1) if (total or 0) >= AUTO_MIN_PAGES else 1
    if not show:
        return ingest(paths, store, workers=workers)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("ingesting", total=total)
        return ingest(paths, store, workers=workers, on_page=lambda _source: progress.advance(task))


def report_ingest(summary: Summary, where: str, *, as_json: bool) -> None:
    """Print what an ingest did (also for ``lagebild batch``); exit 1 if a page was
    rejected. ``where`` is ``Store.where``: a PostgreSQL URL without its password."""
    if as_json:
        print_json(summary.as_dict())
    else:
        _print_summary(summary, where)
    if summary.rejected:
        raise SystemExit(EXIT_REJECTED)


def _print_summary(summary: Summary, where: str) -> None:
    out = console()
    out.print(
        f"[bold]{summary.stored}[/bold] stored, [bold]{summary.known}[/bold] already stored, "
        f"[bold]{len(summary.rejected)}[/bold] rejected, {len(summary.skipped)} skipped "
        f"-> {where}"
    )
    if summary.rejected:
        table = Table("source", "reason", "detail", title="rejected", title_justify="left")
        for rejection in summary.rejected:
            table.add_row(rejection.source, rejection.reason.value, rejection.detail)
        out.print(table)
    for skipped in summary.skipped:
        out.print(f"skipped {skipped.source}: {skipped.why}")
    ran = summary.clustering
    if ran is not None and ran.mode == "continued":
        out.print(f"stories: went on from the last run with {ran.articles} new articles")
    elif ran is not None:
        out.print(f"stories: {ran.articles} articles clustered afresh ({ran.reason})")


@main.command("extract")
@click.argument("pages", nargs=-1, required=True, metavar="PAGE...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonl"]),
    default="json",
    show_default=True,
    help="json: one object (a list for several pages); jsonl: one line per page.",
)
def extract_cmd(pages: tuple[str, ...], fmt: str) -> None:
    """Read pages into articles and print them, without storing anything.

    \b
    Example:
      lagebild extract page.txt --format json
      lagebild extract pages/*.html --format jsonl > articles.jsonl
    """
    results = list(_extract_all(list(pages)))
    if fmt == "jsonl":
        for result in results:
            click.echo(json.dumps(result, ensure_ascii=False))
        failed = any("error" in r for r in results)
    else:
        failed = any("error" in r for r in results)
        for result in results:
            if "error" in result:
                console(stderr=True).print(f"[red]error:[/red] {result['error']}")
        good = [r for r in results if "error" not in r]
        if len(pages) == 1 and good:
            good[0].pop("source", None)
            print_json(good[0])
        elif len(pages) > 1:
            print_json(good)
    if failed:
        raise SystemExit(EXIT_REJECTED)


def _extract_all(paths: list[str]) -> Iterator[dict[str, Any]]:
    """One result per page, in the order given: the article or an error."""
    for item in find_pages(paths):
        if isinstance(item, Skipped):
            continue
        if isinstance(item, Rejected):
            yield {"source": item.source, "error": str(item)}
            continue
        yield _extract_one(item)


def _extract_one(candidate: Candidate) -> dict[str, Any]:
    try:
        article = extract(read_page(candidate))
    except Rejected as rejection:
        return {"source": candidate.source, "error": str(rejection.for_source(candidate.source))}
    return {"source": candidate.source, **article.contract_dict()}
