"""Storage: SQLite by default, one file with WAL, migrations and full-text search."""

from lagebild.store.sqlite import PutResult, Store, StoreError

DEFAULT_DB = "lagebild.sqlite"

__all__ = ["DEFAULT_DB", "PutResult", "Store", "StoreError"]
