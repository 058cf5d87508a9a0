"""A PostgreSQL connection that the store's SQL runs on unchanged.

``PgConnection`` offers what the project uses of a ``sqlite3.Connection`` (``execute``,
``executemany``, rows by position and by name) and translates each statement with
``dialect.to_postgres``. It runs in autocommit mode like the SQLite connection
(``isolation_level=None``), so transactions are the store's explicit ``BEGIN`` and
``COMMIT``. SQLite's ``BEGIN IMMEDIATE`` (one writer at a time) becomes ``BEGIN`` and a
transaction-scoped advisory lock: writers to one database take turns, as they do on a
SQLite file, and readers are never blocked.

psycopg (``pip install 'lagebild[postgres]'``) is imported only when a PostgreSQL store
is opened, so SQLite users do not need it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from lagebild.store.dialect import to_postgres

if TYPE_CHECKING:
    import psycopg

# The advisory lock every writing transaction of a store holds (any constant will do:
# advisory locks are per database). "lageb" in ASCII.
WRITE_LOCK = 0x6C61676562
# Seconds a writer waits for another writer's transaction, as SQLite's busy timeout.
LOCK_TIMEOUT_S = 30


class PgRow(Sequence[Any]):
    """A row by position or column name, like ``sqlite3.Row``; ``dict(row)`` works."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any], index: dict[str, int]) -> None:
        self._values = tuple(values)
        self._index = index

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def keys(self) -> list[str]:
        """The column names, in order."""
        return list(self._index)

    def __repr__(self) -> str:
        return f"PgRow({dict(zip(self._index, self._values, strict=True))!r})"


class PgCursor:
    """The rows of one statement (all fetched: the store's results are small or paged)."""

    def __init__(self, rows: list[PgRow]) -> None:
        self._rows = rows
        self._at = 0

    def fetchone(self) -> PgRow | None:
        """The next row, or None."""
        if self._at >= len(self._rows):
            return None
        self._at += 1
        return self._rows[self._at - 1]

    def fetchall(self) -> list[PgRow]:
        """The rows not fetched yet."""
        rows = self._rows[self._at :]
        self._at = len(self._rows)
        return rows

    def __iter__(self) -> Iterator[PgRow]:
        while (row := self.fetchone()) is not None:
            yield row


class PgConnection:
    """A psycopg connection that speaks the store's SQLite-dialect SQL."""

    def __init__(self, conn: psycopg.Connection[tuple[Any, ...]]) -> None:
        self.conn = conn

    def execute(self, sql: str, parameters: Any = (), /) -> PgCursor:
        """Run one statement (translated); its rows, if it returns any."""
        if sql.strip().upper() == "BEGIN IMMEDIATE":
            self.conn.execute("BEGIN")
            self.conn.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_S}s'")
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            return PgCursor([])
        with self.conn.cursor() as cursor:
            cursor.execute(to_postgres(sql), parameters)
            return PgCursor(_rows(cursor))

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> PgCursor:
        """Run one statement (translated) once per set of parameters."""
        batch = list(parameters)
        if batch:
            with self.conn.cursor() as cursor:
                cursor.executemany(to_postgres(sql), batch)
        return PgCursor([])

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def _rows(cursor: psycopg.Cursor[tuple[Any, ...]]) -> list[PgRow]:
    if cursor.description is None:
        return []
    index = {column.name: i for i, column in enumerate(cursor.description)}
    return [PgRow(values, index) for values in cursor.fetchall()]


def connect(url: str, *, readonly: bool = False) -> PgConnection:
    """Connect to the PostgreSQL database at ``url``; read-only sessions cannot write.

    Raises ImportError when psycopg is not installed and psycopg.Error when the server
    cannot be reached.
    """
    import psycopg

    conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
    if readonly:
        # As SQLite's mode=ro: any write in this session fails.
        conn.execute("SET default_transaction_read_only = on")
    return PgConnection(conn)


def shown(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        from psycopg.conninfo import conninfo_to_dict
    except ImportError:
        return url.split("@")[-1]
    info = conninfo_to_dict(url)
    user = f"{info['user']}@" if info.get("user") else ""
    port = f":{info['port']}" if info.get("port") else ""
    return f"postgresql://{user}{info.get('host', '')}{port}/{info.get('dbname', '')}"
