"""Exports of the store in the formats people and tools read, one module per format.

=========  ====================================================  ======
format     what                                                  binary
=========  ====================================================  ======
json       the contract's object (``lagebild export``)           no
jsonl      one record per article / entity / event / quote       no
csv        one table (``table``) or, to a folder, all four       no
markdown   a report of a storyline (or an entity, or all)        no
ics        iCalendar of the selected events                      no
graphml    the who-met-whom network of the selected events       no
parquet    one table (``table``) or, to a folder, all four       yes
=========  ====================================================  ======

Each format renders to an iterator of byte chunks, so the CLI writes them to a file
or stdout and the API streams them, from the same code.

Example::

    from lagebild.exports import FORMATS, ExportOptions
    from lagebild.store import Store

    store = Store.open("news.sqlite", readonly=True)
    with open("events.csv", "wb") as out:
        for chunk in FORMATS["csv"].render(store.db, ExportOptions(table="events")):
            out.write(chunk)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from lagebild.exports.as_csv import render_csv
from lagebild.exports.as_graphml import render_graphml
from lagebild.exports.as_ics import render_ics
from lagebild.exports.as_json import render_json, render_jsonl
from lagebild.exports.as_markdown import render_markdown
from lagebild.exports.as_parquet import render_parquet
from lagebild.exports.records import TABLES, ExportError, ExportOptions
from lagebild.store.dialect import Connection

Renderer = Callable[[Connection, ExportOptions], Iterator[bytes]]


@dataclass(frozen=True)
class Format:
    """An export format: how to render it, its media type and file suffix.

    ``tabular`` formats hold one table; ``binary`` ones cannot go to a terminal.
    """

    name: str
    render: Renderer
    media_type: str
    suffix: str
    binary: bool = False
    tabular: bool = False


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("json", render_json, "application/json", ".json"),
        Format("jsonl", render_jsonl, "application/x-ndjson", ".jsonl"),
        Format("csv", render_csv, "text/csv; charset=utf-8", ".csv", tabular=True),
        Format("markdown", render_markdown, "text/markdown; charset=utf-8", ".md"),
        Format("ics", render_ics, "text/calendar; charset=utf-8", ".ics"),
        Format("graphml", render_graphml, "application/graphml+xml", ".graphml"),
        Format(
            "parquet",
            render_parquet,
            "application/vnd.apache.parquet",
            ".parquet",
            binary=True,
            tabular=True,
        ),
    )
}

__all__ = ["FORMATS", "TABLES", "ExportError", "ExportOptions", "Format"]
