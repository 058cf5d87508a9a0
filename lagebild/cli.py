"""The ``lagebild`` command line: a thin layer over the library.

Machine-readable output (JSON) goes to stdout; progress and summaries meant for a
person go to stderr unless a command's whole job is to show them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from lagebild import __version__
from lagebild.errors import Rejected
from lagebild.export import export_json
from lagebild.extract import extract
from lagebild.ingest import Candidate, Skipped, find_pages, read_page
from lagebild.pipeline import Summary, ingest
from lagebild.store import DEFAULT_DB, Store, StoreError

# Exit status of `ingest` when at least one page was rejected (all else was stored).
EXIT_REJECTED = 1
# Exit status when the store itself cannot be used.
EXIT_STORE = 3

DB_OPTION = click.option(
    "--db",
    "db_path",
    default=DEFAULT_DB,
    show_default=True,
    metavar="FILE",
    help="The SQLite store file.",
)


def _console(stderr: bool = False) -> Console:
    console = Console(stderr=stderr, highlight=False)
    if not console.is_terminal:
        # Piped output is read in wide pagers and logs; do not wrap at 80 columns.
        console = Console(stderr=stderr, highlight=False, width=160)
    return console


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _open_store(db_path: str, *, readonly: bool = False) -> Store:
    try:
        return Store.open(db_path, readonly=readonly)
    except StoreError as exc:
        _console(stderr=True).print(f"[red]error:[/red] {exc}")
        raise SystemExit(EXIT_STORE) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lagebild")
def main() -> None:
    """lagebild: turn a pile of news pages into a picture of the situation.

    \b
    Example:
      lagebild ingest examples/ && lagebild articles
    """


@main.command("ingest")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def ingest_cmd(paths: tuple[str, ...], db_path: str, as_json: bool, quiet: bool) -> None:
    """Store the pages in files, folders (recursively) or stdin (-).

    Pages already stored (same bytes) are left as they are; pages that are not
    articles are recorded with a reason and the batch goes on. The exit status
    is 1 if any page was rejected.

    \b
    Example:
      lagebild ingest pages/ extra.html --db news.sqlite
      curl -s https://example.org/a.html | lagebild ingest - --db news.sqlite
    """
    store = _open_store(db_path)
    try:
        summary = _run_ingest(list(paths), store, quiet=quiet or as_json)
    finally:
        store.close()
    if as_json:
        _print_json(summary.as_dict())
    else:
        _print_summary(summary, db_path)
    if summary.rejected:
        raise SystemExit(EXIT_REJECTED)


def _run_ingest(paths: list[str], store: Store, *, quiet: bool) -> Summary:
    """Ingest with a progress bar on a terminal."""
    err = _console(stderr=True)
    if quiet or not err.is_terminal:
        return ingest(paths, store)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    total = sum(1 for item in find_pages(paths) if not isinstance(item, Skipped))
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("ingesting", total=total)
        return ingest(paths, store, on_page=lambda _source: progress.advance(task))


def _print_summary(summary: Summary, db_path: str) -> None:
    out = _console()
    out.print(
        f"[bold]{summary.stored}[/bold] stored, [bold]{summary.known}[/bold] already stored, "
        f"[bold]{len(summary.rejected)}[/bold] rejected, {len(summary.skipped)} skipped "
        f"-> {db_path}"
    )
    if summary.rejected:
        table = Table("source", "reason", "detail", title="rejected", title_justify="left")
        for rejection in summary.rejected:
            table.add_row(rejection.source, rejection.reason.value, rejection.detail)
        out.print(table)
    for skipped in summary.skipped:
        out.print(f"skipped {skipped.source}: {skipped.why}")


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
                _console(stderr=True).print(f"[red]error:[/red] {result['error']}")
        good = [r for r in results if "error" not in r]
        if len(pages) == 1 and good:
            good[0].pop("source", None)
            _print_json(good[0])
        elif len(pages) > 1:
            _print_json(good)
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


@main.command("export")
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file."
)
def export_cmd(db_path: str, fmt: str, output: Path | None) -> None:
    """Print everything the store holds as one JSON object.

    \b
    Example:
      lagebild export --db news.sqlite --format json > picture.json
    """
    store = _open_store(db_path, readonly=True)
    try:
        data = export_json(store)
    finally:
        store.close()
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if output is None:
        click.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")


@main.command("stats")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def stats_cmd(db_path: str, as_json: bool) -> None:
    """Show what the store holds: articles, pages, sources, rejections by reason.

    \b
    Example:
      lagebild stats --db news.sqlite
    """
    store = _open_store(db_path, readonly=True)
    try:
        counts = store.counts()
        counts["schema_version"] = store.schema_version()
        counts["rejections_list"] = store.rejections()
    finally:
        store.close()
    counts["db"] = db_path
    counts["db_bytes"] = sum(
        Path(db_path + suffix).stat().st_size
        for suffix in ("", "-wal")
        if Path(db_path + suffix).exists()
    )
    if as_json:
        _print_json(counts)
        return
    out = _console()
    table = Table(
        "", "", show_header=False, title=f"lagebild store {db_path}", title_justify="left"
    )
    for key in ("articles", "pages", "sources", "undated", "rejections"):
        table.add_row(key, str(counts[key]))
    table.add_row("published", f"{counts['published_first']} .. {counts['published_last']}")
    table.add_row("languages", ", ".join(f"{k} {v}" for k, v in counts["languages"].items()))
    for reason, number in counts["rejections_by_reason"].items():
        table.add_row(f"  rejected: {reason}", str(number))
    table.add_row("size", f"{counts['db_bytes']:,} bytes")
    out.print(table)


@main.command("articles")
@DB_OPTION
@click.option("--limit", "-n", type=click.IntRange(min=1), default=50, show_default=True)
def articles_cmd(db_path: str, limit: int) -> None:
    """List stored articles: date, title, agencies, the article each copy repeats, source.

    A date in brackets was inferred from a syndicated copy.

    \b
    Example:
      lagebild articles --db news.sqlite -n 20
    """
    store = _open_store(db_path, readonly=True)
    try:
        articles = store.articles(limit=limit)
    finally:
        store.close()
    table = Table("id", "published", "title", "agencies", "copy of", "source")
    table.columns[0].no_wrap = True
    table.columns[1].no_wrap = True
    for article in articles:
        inferred = f"({article.published_inferred})" if article.published_inferred else "-"
        table.add_row(
            article.id,
            (article.published or inferred)[:16],
            article.title or (article.lead or "")[:60] or "-",
            ", ".join(article.agencies),
            article.duplicate_of or "",
            article.source,
        )
    _console().print(table)


@main.command("search")
@click.argument("query")
@DB_OPTION
@click.option("--limit", "-n", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
def search_cmd(query: str, db_path: str, limit: int, as_json: bool) -> None:
    """Full-text search over titles, leads and article text.

    \b
    Example:
      lagebild search "Witkoff Miami" --db news.sqlite
    """
    store = _open_store(db_path, readonly=True)
    try:
        hits = store.search(query, limit=limit)
    except StoreError as exc:
        _console(stderr=True).print(f"[red]error:[/red] {exc}")
        raise SystemExit(2) from None
    finally:
        store.close()
    if as_json:
        _print_json(
            [
                {"id": a.id, "title": a.title, "published": a.published, "snippet": s}
                for a, s in hits
            ]
        )
        return
    for article, snippet in hits:
        _console().print(f"[bold]{article.title or article.id}[/bold] ({article.published or '-'})")
        _console().print(f"  {snippet}", markup=False)


@main.group("bench")
def bench_group() -> None:
    """Measure throughput on this machine (pages per second, one core).

    \b
    Example:
      lagebild bench extract ../shared/seeds examples/
    """


@bench_group.command("extract")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--seconds", type=click.FloatRange(min=0.1), default=3.0, show_default=True)
def bench_extract_cmd(paths: tuple[str, ...], seconds: float) -> None:
    """Extraction speed for the plain-text and the HTML pages under PATH.

    \b
    Example:
      lagebild bench extract ../shared/seeds examples/ --seconds 5
    """
    from lagebild.eval.speed import bench_extract

    _print_json(bench_extract(list(paths), seconds))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
