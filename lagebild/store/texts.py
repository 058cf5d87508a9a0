"""Article bodies compressed with Zstandard against a dictionary learnt from the store.

The body is the largest column of the store (0.9x the bytes of plain-text pages) and
SQLite does not compress. One news text alone compresses about 2:1; with a 64 KB
dictionary trained on the store's own first articles (the words, names and phrases its
outlets keep using) about 2.6:1, at level 9 in 0.1 ms an article (measured on 991
German bench pages: 2.7 MB of bodies, dictionary from the first 256).

How a value reads back says how it was written: a ``str`` is a plain body (PostgreSQL
stores them so, its TOAST compresses by itself; so did SQLite stores before migration
m011); ``bytes`` are a Zstandard frame whose header names its dictionary (0: none).

SQL reads bodies through the function ``lagebild_text(body)``: on SQLite a Python
function that :func:`register` adds to each connection (the full-text index reads its
text through it too, from the view ``articles_text``); on PostgreSQL an SQL function
that returns its argument. A connection without it (the sqlite3 shell) still reads
every other column.

Until the store holds :data:`TRAIN_AT` articles, bodies are compressed without a
dictionary; then one is trained on them, stored in ``text_dictionaries`` and used for
every body after, and those first bodies are compressed again with it.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import zstandard

from lagebild.store import fts
from lagebild.store.dialect import Connection, dialect_of

# Level 9: bodies 4 % larger than at level 15 (2.60:1 against 2.71:1 on the bench's
# bodies with their dictionary) at a quarter of the time, 0.10 against 0.40 ms an
# article, which the writer spends on a core the workers need. Decompressing takes
# 6-9 microseconds either way.
LEVEL = 9
DICTIONARY_BYTES = 64 * 1024
# Articles stored before the dictionary is trained from them. zstd wants samples of some
# ten times the dictionary's size; 256 news bodies are about 600 KB.
TRAIN_AT = 256
# At most this many bodies are read for training (the most recent ones).
TRAIN_SAMPLES = 4_000
FUNCTION = "lagebild_text"


class TextCodec:
    """Packs bodies for one connection and unpacks them, loading dictionaries on demand."""

    def __init__(self, db: Connection) -> None:
        self.db = db
        self.sqlite = dialect_of(db) == "sqlite"
        self._decompressors: dict[int, zstandard.ZstdDecompressor] = {
            0: zstandard.ZstdDecompressor()
        }
        self._compressor: zstandard.ZstdCompressor | None = None
        self._loaded = False
        self._trained = False
        self._plain = 0  # bodies stored without a dictionary since this codec looked

    # -- writing ------------------------------------------------------------

    def pack(self, text: str) -> str | bytes:
        """What to store for a body: a Zstandard frame on SQLite, the text on PostgreSQL
        (and in a SQLite store not yet migrated to m011)."""
        compressor = self.compressor()
        if compressor is None:
            return text
        if not self._trained:
            self._plain += 1
        return compressor.compress(text.encode("utf-8"))

    def compressor(self) -> zstandard.ZstdCompressor | None:
        """The compressor for new bodies (with the store's dictionary if it has one);
        None where bodies stay plain text."""
        if not self._loaded:
            self._load()
        return self._compressor

    def train_if_due(self, db: Connection) -> bool:
        """Train the store's dictionary once enough bodies are stored without one (in the
        caller's write transaction); return whether one was trained just now."""
        if self._compressor is None or self._trained or self._plain < TRAIN_AT:
            return False
        self._load()
        if self._trained:  # another writer trained one meanwhile
            return False
        if train_dictionary(db) is None:
            self._plain = 0  # too little text yet: try again after TRAIN_AT more
            return False
        self._load()
        return True

    def _load(self) -> None:
        """Take the store's dictionary if it has one; count the bodies without."""
        self._loaded = True
        if not self.sqlite:
            return
        try:
            row = self.db.execute(
                "SELECT id, data FROM text_dictionaries ORDER BY id DESC LIMIT 1"
            ).fetchone()
        except sqlite3.OperationalError:  # a store before migration m011: plain bodies
            return
        if row is None:
            if not self._plain:
                self._plain = self.db.execute("SELECT count(*) FROM articles").fetchone()[0]
            self._compressor = zstandard.ZstdCompressor(level=LEVEL)
            return
        self._trained = True
        data = zstandard.ZstdCompressionDict(bytes(row[1]))
        self._compressor = zstandard.ZstdCompressor(level=LEVEL, dict_data=data)

    # -- reading ------------------------------------------------------------

    def unpack(self, value: Any) -> str | None:
        """The body text of a stored value (``None`` stays ``None``)."""
        if value is None or isinstance(value, str):
            return value
        frame = bytes(value)
        dict_id = zstandard.get_frame_parameters(frame).dict_id
        decompressor = self._decompressors.get(dict_id)
        if decompressor is None:
            row = self.db.execute(
                "SELECT data FROM text_dictionaries WHERE id = ?", (dict_id,)
            ).fetchone()
            if row is None:
                raise ValueError(f"body needs text dictionary {dict_id}, not in the store")
            data = zstandard.ZstdCompressionDict(bytes(row[0]))
            decompressor = self._decompressors[dict_id] = zstandard.ZstdDecompressor(dict_data=data)
        text: str = decompressor.decompress(frame).decode("utf-8")
        return text


def register(db: Connection) -> TextCodec:
    """Give a SQLite connection ``lagebild_text(body)`` and the phrase check of
    ``lagebild.store.fts``; return the connection's codec."""
    codec = TextCodec(db)
    if isinstance(db, sqlite3.Connection):
        db.create_function(FUNCTION, 1, codec.unpack, deterministic=True)
        fts.register(db)
    return codec


def train_dictionary(db: Connection) -> int | None:
    """Train a dictionary on the latest bodies stored without one, store it and compress
    those bodies with it; return its id, or None when there is too little text yet."""
    codec = TextCodec(db)
    rows = db.execute(
        "SELECT seq, body FROM articles ORDER BY seq DESC LIMIT ?", (TRAIN_SAMPLES,)
    ).fetchall()
    bodies = [(int(seq), (codec.unpack(body) or "").encode("utf-8")) for seq, body in rows]
    samples: list[bytes | bytearray | memoryview] = [b for _, b in bodies if b]
    size = min(DICTIONARY_BYTES, sum(map(len, samples)) // 10)
    if len(samples) < 8 or size < 4_096:
        return None
    try:
        trained = zstandard.train_dictionary(size, samples, level=LEVEL)
    except zstandard.ZstdError:  # samples too alike or too few for zstd
        return None
    dict_id = trained.dict_id()
    db.execute(
        "INSERT INTO text_dictionaries (id, data, trained_on) VALUES (?, ?, ?)",
        (dict_id, trained.as_bytes(), len(samples)),
    )
    compressor = zstandard.ZstdCompressor(level=LEVEL, dict_data=trained)
    # Only the bodies trained on; any older ones keep what they have (still readable).
    # The update trigger leaves the full-text index alone: the text is the same.
    db.executemany(
        "UPDATE articles SET body = ? WHERE seq = ?",
        [(compressor.compress(body), seq) for seq, body in bodies],
    )
    return int(dict_id)


def compress_all(db: Connection) -> int:
    """Compress every plain body of a store (migration m011); return how many."""
    compressor = TextCodec(db).compressor()
    if compressor is None:
        return 0
    done = last = 0
    while True:
        rows = db.execute(
            "SELECT seq, body FROM articles WHERE seq > ? ORDER BY seq LIMIT 500", (last,)
        ).fetchall()
        if not rows:
            return done
        last = int(rows[-1][0])
        updates = [
            (compressor.compress(body.encode("utf-8")), int(seq))
            for seq, body in rows
            if isinstance(body, str)
        ]
        db.executemany("UPDATE articles SET body = ? WHERE seq = ?", updates)
        done += len(updates)
