"""Parquet for analysts (pandas, polars, DuckDB): one table per file, typed columns.

Lists stay lists (``list<string>``); counts and offsets are int64; the rest strings.
The schema comes from ``records.COLUMNS``, so an empty table still has its columns.
pyarrow is imported when a Parquet file is made, so the CLI, the web app and the other
formats work where it is not installed.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lagebild.exports.records import COLUMNS, TABLES, ExportError, ExportOptions, rows
from lagebild.store.dialect import Connection


def table_of(db: Connection, options: ExportOptions) -> Any:
    """One table of the store as a pyarrow Table (the options must name it)."""
    import pyarrow as pa

    if options.table is None:
        raise ExportError("bad_request", "Parquet holds one table: choose one with table")
    columns = COLUMNS[options.table]
    types = {"str": pa.string(), "int": pa.int64(), "list": pa.list_(pa.string())}
    schema = pa.schema([(name, types[kind]) for name, kind in columns])
    data: dict[str, list[Any]] = {name: [] for name, _ in columns}
    for record in rows(db, options.table, options):
        for name, _ in columns:
            data[name].append(record[name])
    return pa.Table.from_pydict(data, schema=schema)


def render_parquet(db: Connection, options: ExportOptions) -> Iterator[bytes]:
    """One table as the bytes of a Parquet file (zstd-compressed)."""
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(table_of(db, options), buffer, compression="zstd")
    yield buffer.getvalue()


def write_parquet_folder(db: Connection, options: ExportOptions, folder: Path) -> list[Path]:
    """Every table as ``folder/<table>.parquet``; the files written."""
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in TABLES:
        path = folder / f"{table}.parquet"
        selection = ExportOptions(table, options.storyline, options.entity)
        pq.write_table(table_of(db, selection), path, compression="zstd")
        written.append(path)
    return written
