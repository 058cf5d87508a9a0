"""CSV: one table per file, a header row, lists joined by ``"; "`` (LIST_SEPARATOR).

Spreadsheets read UTF-8 CSV; lists (forms, participants, article ids) become one
cell each, joined by ``LIST_SEPARATOR``, so a row stays one record.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from lagebild.exports.records import COLUMNS, TABLES, ExportError, ExportOptions, rows
from lagebild.store.dialect import Connection

LIST_SEPARATOR = "; "
# Rows written per chunk when streaming: small enough to start at once, big enough
# that the overhead per chunk does not count.
CHUNK_ROWS = 200


def render_csv(db: Connection, options: ExportOptions) -> Iterator[bytes]:
    """One table as CSV (the options must name it)."""
    if options.table is None:
        raise ExportError("bad_request", "CSV holds one table: choose one with table")
    columns = COLUMNS[options.table]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([name for name, _ in columns])
    for n, record in enumerate(rows(db, options.table, options), start=1):
        writer.writerow(
            [
                LIST_SEPARATOR.join(record[name])
                if kind == "list"
                else ("" if record[name] is None else record[name])
                for name, kind in columns
            ]
        )
        if n % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def write_csv_folder(db: Connection, options: ExportOptions, folder: Path) -> list[Path]:
    """Every table as ``folder/<table>.csv``; the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in TABLES:
        path = folder / f"{table}.csv"
        with path.open("wb") as out:
            for chunk in render_csv(db, ExportOptions(table, options.storyline, options.entity)):
                out.write(chunk)
        written.append(path)
    return written
