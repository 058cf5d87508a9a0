"""Commands that show the situation: events, quotes and timelines from the store."""

from __future__ import annotations

import json

import click
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
from lagebild.export import event_record
from lagebild.model import Entity
from lagebild.store import Store
from lagebild.timeline import Entry, articles_timeline, entity_timeline, markdown


def _entity_or_exit(store: Store, name: str, db_path: str) -> Entity:
    entity = store.entity(name)
    if entity is None:
        store.close()
        console(stderr=True).print(f"[red]error:[/red] no entity named {name!r} in {db_path}")
        raise SystemExit(EXIT_NOT_FOUND)
    return entity


@main.command("events")
@DB_OPTION
@click.option("--entity", "name", default=None, help="Only events this entity took part in.")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the events as JSON.")
def events_cmd(db_path: str, name: str | None, limit: int, as_json: bool) -> None:
    """Who met, called or visited whom, where and when, with how many articles report it
    (`--json` lists them).

    \b
    Example:
      lagebild events --db news.sqlite --entity Witkoff
    """
    store = open_store(db_path, readonly=True)
    try:
        who = _entity_or_exit(store, name, db_path).name if name else None
        events = store.events(entity=who, limit=limit)
    finally:
        store.close()
    if as_json:
        print_json([event_record(event_id, e) for event_id, e in events])
        return
    table = Table("date", "type", "participants", "place", "sources")
    for _id, e in events:
        table.add_row(
            e.date or "-", e.type, ", ".join(e.participants), e.place or "", str(len(e.articles))
        )
    console().print(table)


@main.command("quotes")
@DB_OPTION
@click.option("--speaker", "name", default=None, help="Only quotes of this entity (any form).")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the quotes as JSON.")
def quotes_cmd(db_path: str, name: str | None, limit: int, as_json: bool) -> None:
    """Who said what, when: quotes with their speakers, in date order.

    \b
    Example:
      lagebild quotes --db news.sqlite --speaker Dmitriew
    """
    store = open_store(db_path, readonly=True)
    try:
        entity_id = _entity_or_exit(store, name, db_path).id if name else None
        rows = store.quotes(entity_id=entity_id, limit=limit)
    finally:
        store.close()
    if as_json:
        print_json(rows)
        return
    out = console()
    for row in rows:
        speaker = row["speaker_entity"] or row["speaker"] or "?"
        marks = ("«", "»") if row["kind"] == "direct" else ("", "")
        out.print(
            f"{(row['published'] or '-')[:10]}  {speaker} ({row['kind']}): "
            f"{marks[0]}{row['text']}{marks[1]}",
            markup=False,
        )


@main.command("stories")
@DB_OPTION
@click.option("--storyline", default=None, help="Only the stories of this storyline (its id).")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=30, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the stories as JSON.")
def stories_cmd(db_path: str, storyline: str | None, limit: int, as_json: bool) -> None:
    """Recent stories (reports of one news event): size, outlets, time span, label.

    \b
    Example:
      lagebild stories --db news.sqlite -n 10
    """
    store = open_store(db_path, readonly=True)
    try:
        if storyline is not None and store.storyline(storyline) is None:
            console(stderr=True).print(f"[red]error:[/red] no storyline {storyline!r}")
            raise SystemExit(EXIT_NOT_FOUND)
        rows = store.stories(storyline=storyline, limit=limit)
    finally:
        store.close()
    if as_json:
        print_json(rows)
        return
    table = Table("id", "span", "articles", "outlets", "label")
    table.columns[0].no_wrap = True
    for row in rows:
        span = f"{row['start'] or '?'} .. {row['end'] or '?'}"
        table.add_row(row["id"], span, str(row["articles"]), str(row["outlets"]), row["label"])
    console().print(table)


@main.command("story")
@click.argument("story_id", metavar="ID")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the story as JSON.")
def story_cmd(story_id: str, db_path: str, as_json: bool) -> None:
    """One story: its articles by date (copies marked), its events and its quotes.

    \b
    Example:
      lagebild story story:d0e863eadb5855d2 --db news.sqlite
    """
    store = open_store(db_path, readonly=True)
    try:
        row = store.story(story_id)
        articles = store.story_articles("story", story_id) if row else []
        entries = articles_timeline(store, [a["id"] for a in articles]) if row else []
    finally:
        store.close()
    if row is None:
        console(stderr=True).print(f"[red]error:[/red] no story {story_id!r} in {db_path}")
        raise SystemExit(EXIT_NOT_FOUND)
    if as_json:
        print_json({**row, "articles": articles, "timeline": [e.as_dict() for e in entries]})
        return
    out = console()
    out.print(f"[bold]{row['label']}[/bold]  {row['start']} .. {row['end']}")
    for article in articles:
        copy = f" (copy of {article['duplicate_of']})" if article["duplicate_of"] else ""
        title = headline(article["title"], article["lead"], article["id"])
        out.print(f"  {(article['published'] or '-')[:10]}  {title}{copy}", markup=False)
    for entry in entries:
        out.print(f"  {entry.date or 'undated':<22} {entry.text}", markup=False)


@main.command("storylines")
@DB_OPTION
@click.option("--limit", "-n", type=click.IntRange(min=1), default=30, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the storylines as JSON.")
def storylines_cmd(db_path: str, limit: int, as_json: bool) -> None:
    """Storylines (stories linked over weeks): span, stories, articles, label.

    \b
    Example:
      lagebild storylines --db news.sqlite
    """
    store = open_store(db_path, readonly=True)
    try:
        rows = store.storylines(limit=limit)
    finally:
        store.close()
    if as_json:
        print_json(rows)
        return
    table = Table("id", "span", "stories", "articles", "label")
    table.columns[0].no_wrap = True
    for row in rows:
        span = f"{row['start'] or '?'} .. {row['end'] or '?'}"
        table.add_row(row["id"], span, str(row["stories"]), str(row["articles"]), row["label"])
    console().print(table)


@main.command("timeline")
@DB_OPTION
@click.option("--entity", "name", default=None, help="The entity (name, id or any form).")
@click.option("--storyline", default=None, help="The storyline (its id).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
)
def timeline_cmd(db_path: str, name: str | None, storyline: str | None, fmt: str) -> None:
    """The events and quotes of a storyline or an entity in date order, with sources.

    \b
    Example:
      lagebild timeline --db news.sqlite --entity "Steve Witkoff" --format markdown
      lagebild timeline --db news.sqlite --storyline line:fc8a6ebc05493c9f
    """
    if (name is None) == (storyline is None):
        raise click.UsageError("give exactly one of --entity and --storyline")
    store = open_store(db_path, readonly=True)
    try:
        if storyline is None:
            assert name is not None  # exactly one of the two was given
            entity = _entity_or_exit(store, name, db_path)
            title, entries = entity.name, entity_timeline(store, entity)
        else:
            row = store.storyline(storyline)
            if row is None:
                console(stderr=True).print(f"[red]error:[/red] no storyline {storyline!r}")
                raise SystemExit(EXIT_NOT_FOUND)
            articles = [a["id"] for a in store.story_articles("storyline", row["id"])]
            title, entries = row["label"], articles_timeline(store, articles)
    finally:
        store.close()
    _print_timeline(title, entries, fmt)


def _print_timeline(title: str, entries: list[Entry], fmt: str) -> None:
    if fmt == "json":
        click.echo(
            json.dumps(
                {"title": title, "entries": [e.as_dict() for e in entries]},
                ensure_ascii=False,
                indent=2,
            )
        )
    elif fmt == "markdown":
        click.echo(markdown(title, entries), nl=False)
    else:
        out = console()
        out.print(f"[bold]{title}[/bold]")
        for entry in entries:
            out.print(f"{entry.date or 'undated':<22} {entry.text}", markup=False)
            out.print(f"{'':<22} {_sources(entry.articles)}", style="dim", markup=False)


def _sources(articles: list[str], shown: int = 3) -> str:
    """The articles an entry comes from, the first few by id."""
    more = f" and {len(articles) - shown} more" if len(articles) > shown else ""
    return "sources: " + ", ".join(articles[:shown]) + more
