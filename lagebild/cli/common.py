"""What every command shares: the store option, exit statuses, consoles, JSON output."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Console

from lagebild.store import DEFAULT_DB, Store, StoreError

# Exit status of `ingest` when at least one page was rejected (all else was stored).
EXIT_REJECTED = 1
# Exit status when what was asked for is not in the store.
EXIT_NOT_FOUND = 4
# Exit status when the store itself cannot be used.
EXIT_STORE = 3

DB_OPTION = click.option(
    "--db",
    "db_path",
    default=DEFAULT_DB,
    show_default=True,
    metavar="FILE|URL",
    help="The SQLite store file, or a PostgreSQL store as postgresql://user@host/db "
    "(needs the 'postgres' extra).",
)


def console(stderr: bool = False) -> Console:
    """A rich console on stdout (or stderr) that does not wrap piped output."""
    out = Console(stderr=stderr, highlight=False)
    if not out.is_terminal:
        # Piped output is read in wide pagers and logs; do not wrap at 80 columns.
        out = Console(stderr=stderr, highlight=False, width=160)
    return out


HEADLINE_CHARS = 60


def headline(title: str | None, lead: str | None, fallback: str = "-") -> str:
    """What names an article in a listing: its title, else the start of its lead.

    >>> headline(None, "Die Ministerin hat sich in Passau ein Bild von den Schäden gemacht.")
    'Die Ministerin hat sich in Passau ein Bild von den Schäden …'
    """
    if title:
        return title
    lead = " ".join((lead or "").split())  # one table row: no line breaks
    if lead:
        if len(lead) <= HEADLINE_CHARS:
            return lead
        cut = lead[:HEADLINE_CHARS].rsplit(" ", 1)[0]
        return cut + " …"
    return fallback


def print_json(data: Any) -> None:
    """Print JSON on stdout, indented, non-ASCII characters as they are."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def open_store(db_path: str, *, readonly: bool = False) -> Store:
    """Open the store or exit with EXIT_STORE and a message naming the file or server."""
    try:
        return Store.open(db_path, readonly=readonly)
    except StoreError as exc:
        console(stderr=True).print(f"[red]error:[/red] {exc}")
        raise SystemExit(EXIT_STORE) from None
