"""JSON (the contract's one object) and JSON Lines (one record per line).

``json`` without a selection is exactly ``lagebild.export.export_json``, printed as
``lagebild export --format json`` always printed it: checks outside the project
read it. With a storyline or an entity, the same object keeps only what belongs to it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from lagebild.export import export_json
from lagebild.exports.records import TABLES, ExportOptions, article_rows, rows
from lagebild.store import Store
from lagebild.store.dialect import Connection


def contract_object(db: Connection, options: ExportOptions) -> dict[str, Any]:
    """The contract's object, narrowed to the options' storyline or entity when given."""
    data = export_json(Store(db, ""))
    if options.storyline is None and options.entity is None:
        return data
    keep = {row["id"] for row in article_rows(db, options)}
    entity_name = None
    if options.entity is not None:
        found = db.execute("SELECT name FROM entities WHERE id = ?", (options.entity,)).fetchone()
        entity_name = found[0] if found else None
    data["articles"] = [a for a in data["articles"] if a["id"] in keep]
    data["stories"] = [s for s in data["stories"] if keep.intersection(s["articles"])]
    data["storylines"] = [s for s in data["storylines"] if keep.intersection(s["articles"])]
    named = {
        row[0]
        for row in db.execute(
            "SELECT DISTINCT entity_id FROM mentions WHERE entity_id IS NOT NULL "
            "AND article_id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(keep)),),
        )
    }
    data["entities"] = [e for e in data["entities"] if e["id"] in named]
    data["quotes"] = [
        q
        for q in data["quotes"]
        if q["article_id"] in keep and (options.entity is None or q["entity_id"] == options.entity)
    ]
    data["events"] = [
        e
        for e in data["events"]
        if (entity_name is None or entity_name in e["participants"])
        and (options.storyline is None or keep.intersection(e["articles"]))
    ]
    return data


def render_json(db: Connection, options: ExportOptions) -> Iterator[bytes]:
    """The contract's object, indented, non-ASCII as is, with a final newline."""
    text = json.dumps(contract_object(db, options), ensure_ascii=False, indent=2)
    yield (text + "\n").encode("utf-8")


def render_jsonl(db: Connection, options: ExportOptions) -> Iterator[bytes]:
    """One record per line; without a table, every table's records, each with ``table``."""
    tables = [options.table] if options.table else list(TABLES)
    for table in tables:
        for record in rows(db, table, options):
            if options.table is None:
                record = {"table": table, **record}
            yield (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
