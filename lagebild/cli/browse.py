"""Commands that show what the store holds: export, stats, articles, search."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click
from rich.markup import escape
from rich.table import Table

from lagebild.cli.app import main
from lagebild.cli.common import (
    DB_OPTION,
    EXIT_NOT_FOUND,
    console,
    headline,
    open_store,
    print_json,
)
from lagebild.exports import FORMATS, TABLES, ExportError, ExportOptions
from lagebild.exports.as_csv import write_csv_folder
from lagebild.exports.as_parquet import write_parquet_folder
from lagebild.model import to_dict
from lagebild.store import StoreError


@main.command("export")
@DB_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default="json",
    show_default=True,
    help="json: the contract's object; jsonl, csv, parquet: records of a table; markdown: "
    "a storyline report; ics: events as a calendar; graphml: the who-met-whom network.",
)
@click.option(
    "--table",
    type=click.Choice(list(TABLES)),
    default=None,
    help="The table for jsonl, csv and parquet. Without it jsonl writes every table "
    "(each line with `table`), csv and parquet write one file per table into -o DIR.",
)
@click.option("--storyline", default=None, metavar="ID", help="Only this storyline.")
@click.option(
    "--entity", default=None, metavar="NAME", help="Only this entity (id, name or any form)."
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    help="Write to this file (a folder for csv or parquet without --table).",
)
def export_cmd(
    db_path: str,
    fmt: str,
    table: str | None,
    storyline: str | None,
    entity: str | None,
    output: Path | None,
) -> None:
    """Export the store, a storyline or an entity: JSON, JSON Lines, CSV, Markdown,
    iCalendar, GraphML or Parquet.

    Binary formats (parquet) need -o. `--format json` without a selection prints the
    contract's object exactly.

    \b
    Examples:
      lagebild export --db news.sqlite --format json > picture.json
      lagebild export --format csv --table events -o events.csv
      lagebild export --format csv -o tables/
      lagebild export --format markdown --storyline line:fc8a6ebc05493c9f -o report.md
      lagebild export --format ics --entity Witkoff -o witkoff.ics
      lagebild export --format parquet --table quotes -o quotes.parquet
    """
    spec = FORMATS[fmt]
    folder = spec.tabular and table is None
    if (spec.binary or folder) and output is None:
        what = "a folder (one file per table; or choose --table)" if folder else "a file"
        _export_fail(f"--format {fmt} needs -o with {what}", 2)
    store = open_store(db_path, readonly=True)
    try:
        entity_id = None
        if entity is not None:
            found = store.entity(entity)
            if found is None:
                _export_fail(f"no entity named {entity!r} in {db_path}", EXIT_NOT_FOUND)
            entity_id = found.id
        options = ExportOptions(table, storyline, entity_id)
        try:
            options.check(store.db)
            if folder:
                assert output is not None
                if fmt == "csv":
                    written = write_csv_folder(store.db, options, output)
                else:
                    written = write_parquet_folder(store.db, options, output)
                for path in written:
                    console(stderr=True).print(f"wrote {path}", markup=False)
            elif output is None:
                stdout = sys.stdout.buffer
                for chunk in spec.render(store.db, options):
                    stdout.write(chunk)
                stdout.flush()
            else:
                with output.open("wb") as out:
                    for chunk in spec.render(store.db, options):
                        out.write(chunk)
        except ExportError as exc:
            code = EXIT_NOT_FOUND if exc.code == "not_found" else 2
            _export_fail(exc.message, code)
    finally:
        store.close()


def _export_fail(message: str, status: int) -> NoReturn:
    """Say why the export cannot be made, and exit with ``status``."""
    console(stderr=True).print(f"[red]error:[/red] {message}", highlight=False)
    raise SystemExit(status)


@main.command("stats")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def stats_cmd(db_path: str, as_json: bool) -> None:
    """Show what the store holds: articles, pages, sources, rejections by reason.

    \b
    Example:
      lagebild stats --db news.sqlite
    """
    store = open_store(db_path, readonly=True)
    try:
        counts = store.counts()
        counts["schema_version"] = store.schema_version()
        counts["rejections_list"] = store.rejections()
        counts["db"] = store.where
        counts["db_bytes"] = store.size_bytes()
    finally:
        store.close()
    if as_json:
        print_json(counts)
        return
    out = console()
    table = Table(
        "", "", show_header=False, title=f"lagebild store {counts['db']}", title_justify="left"
    )
    for key in (
        "articles",
        "pages",
        "sources",
        "undated",
        "date_inferred",
        "mentions",
        "entities",
        "quotes",
        "events",
        "stories",
        "storylines",
        "rejections",
    ):
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
    store = open_store(db_path, readonly=True)
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
            headline(article.title, article.lead),
            ", ".join(article.agencies),
            article.duplicate_of or "",
            article.source,
        )
    console().print(table)


@main.command("search")
@click.argument("query")
@DB_OPTION
@click.option("--limit", "-n", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
def search_cmd(query: str, db_path: str, limit: int, as_json: bool) -> None:
    """Full-text search over titles, leads and article text, as the web UI searches.

    Every word must occur; each also finds the words it begins ("Verhandl" finds
    "Verhandlungen") and its ae/oe/ue and ss spellings ("Gespraech"); words in double
    quotes must stand together as typed.

    \b
    Example:
      lagebild search "Witkoff Miami" --db news.sqlite
      lagebild search '"Weiße Haus" Gespräch' --db news.sqlite
    """
    store = open_store(db_path, readonly=True)
    try:
        hits = store.search(query, limit=limit)
    except StoreError as exc:
        console(stderr=True).print(f"[red]error:[/red] {exc}")
        raise SystemExit(2) from None
    finally:
        store.close()
    if as_json:
        print_json(
            [
                {
                    "id": a.id,
                    "title": a.title,
                    "published": a.published,
                    "published_inferred": a.published_inferred,
                    "snippet": s,
                }
                for a, s in hits
            ]
        )
        return
    if not hits:
        console().print(f"no article matches {query!r}", markup=False)
    for article, snippet in hits:
        when = article.published or (
            f"{article.published_inferred[:10]}, inferred" if article.published_inferred else "-"
        )
        name = headline(article.title, article.lead, article.id)
        console().print(f"[bold]{escape(name)}[/bold] ({when})")
        console().print(f"  {snippet}", markup=False)


@main.command("entities")
@DB_OPTION
@click.option(
    "--type",
    "label",
    type=click.Choice(["PER", "ORG", "LOC", "OTH"]),
    default=None,
    help="Only entities of this type.",
)
@click.option("--limit", "-n", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the entities as JSON.")
def entities_cmd(db_path: str, label: str | None, limit: int, as_json: bool) -> None:
    """List the people, organisations, places and other entities, in most articles first.

    \b
    Example:
      lagebild entities --db news.sqlite --type PER -n 20
    """
    store = open_store(db_path, readonly=True)
    try:
        rows = store.entities(label=label, limit=limit)
    finally:
        store.close()
    if as_json:
        print_json(
            [
                {**to_dict(entity), "mentions": mentions, "articles": articles}
                for entity, mentions, articles in rows
            ]
        )
        return
    table = Table("name", "type", "articles", "mentions", "forms", "roles")
    for entity, mentions, articles in rows:
        table.add_row(
            entity.name,
            entity.type,
            str(articles),
            str(mentions),
            ", ".join(f for f in entity.forms if f != entity.name),
            "; ".join(entity.roles[:3]),
        )
    console().print(table)


@main.command("entity")
@click.argument("name")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the entity as JSON.")
def entity_cmd(name: str, db_path: str, as_json: bool) -> None:
    """One entity by name, id or any form seen: forms, roles with dates, articles, co-occurring.

    \b
    Example:
      lagebild entity Dmitriew --db news.sqlite
    """
    store = open_store(db_path, readonly=True)
    try:
        entity = store.entity(name)
        detail = store.entity_detail(entity) if entity is not None else None
    finally:
        store.close()
    if detail is None:
        console(stderr=True).print(f"[red]error:[/red] no entity named {name!r} in {db_path}")
        raise SystemExit(EXIT_NOT_FOUND)
    if as_json:
        print_json(
            {
                **to_dict(detail.entity),
                "mentions": detail.mentions,
                "articles": detail.articles,
                "role_sightings": detail.roles,
                "cooccurring": detail.cooccurring,
            }
        )
        return
    out = console()
    entity = detail.entity
    out.print(f"[bold]{entity.name}[/bold] ({entity.type}, {entity.id})", markup=True)
    out.print(f"forms: {', '.join(entity.forms)}", markup=False)
    if detail.roles:
        out.print("roles:")
        for sighting in detail.roles:
            out.print(f"  {sighting['published'] or '-':<10.10}  {sighting['role']}", markup=False)
    table = Table("published", "title", "mentions", title="articles", title_justify="left")
    for article in detail.articles:
        table.add_row(
            (article["published"] or "-")[:10],
            headline(article["title"], article["lead"], article["id"]),
            str(article["mentions"]),
        )
    out.print(table)
    if detail.cooccurring:
        together = ", ".join(f"{c['name']} ({c['articles']})" for c in detail.cooccurring[:15])
        out.print(f"with: {together}", markup=False)
