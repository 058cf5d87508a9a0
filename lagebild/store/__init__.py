"""Storage: SQLite by default, one file with WAL, migrations and full-text search."""

from lagebild.store.sqlite import GroupUpdate, PutResult, Store, StoredSignature, StoreError

DEFAULT_DB = "lagebild.sqlite"

__all__ = ["DEFAULT_DB", "GroupUpdate", "PutResult", "Store", "StoreError", "StoredSignature"]
