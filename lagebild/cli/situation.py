"""Commands that show the situation: events, quotes and timelines from the store."""

from __future__ import annotations

import json

import click
from rich.table import Table

from lagebild.cli.app import main
from lagebild.cli.common import DB_OPTION, EXIT_NOT_FOUND, console, open_store, print_json
from lagebild.model import Entity
from lagebild.store import Store
from lagebild.timeline import Entry, entity_timeline, markdown


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
    """Who met, called or visited whom, where and when, with the articles reporting it.

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
        print_json(
            [
                {
                    "id": event_id,
                    "type": e.type,
                    "date": e.date,
                    "place": e.place,
                    "participants": e.participants,
                    "articles": e.articles,
                    "evidence": e.evidence,
                }
                for event_id, e in events
            ]
        )
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


@main.command("timeline")
@DB_OPTION
@click.option("--entity", "name", required=True, help="The entity (name, id or any form).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
)
def timeline_cmd(db_path: str, name: str, fmt: str) -> None:
    """The events and quotes of an entity in date order, with their sources.

    \b
    Example:
      lagebild timeline --db news.sqlite --entity "Steve Witkoff" --format markdown
    """
    store = open_store(db_path, readonly=True)
    try:
        entity = _entity_or_exit(store, name, db_path)
        entries = entity_timeline(store, entity)
    finally:
        store.close()
    _print_timeline(entity.name, entries, fmt)


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
