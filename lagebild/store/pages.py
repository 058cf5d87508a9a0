"""Raw pages packed against their article's text, and read back for re-extraction.

A page is kept for re-extraction. Most of a plain-text page is its article's text, which
the store holds anyway (for reading and for the full-text index), so the page is
compressed with zlib using that text as a preset dictionary: the compressed page then
refers back into the text instead of repeating it. On 991 plain-text German news pages
this took the pages from 1.36 MB (plain zlib, 0.50x their size) to 0.08 MB (0.03x).

The packed form says itself that it needs a dictionary (zlib's FDICT flag) and carries
the Adler-32 of the one it was made with, so a page packed before this scheme (plain
zlib) still reads, and a page whose article text changed since it was packed is
reported as unreadable rather than decoded wrongly. Whoever changes an article's title,
lead or body must repack its page first (:func:`repack_plain`).
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass

from lagebild.store.dialect import Connection

# zlib level for pages. With the article text as dictionary a page is mostly
# back-references: level 9 made the 991 bench pages only 0.4 % smaller than level 6,
# so the default level stays. Packing is also faster than plain zlib there (43 against
# 131 microseconds a page): there are few literals left to encode.
LEVEL = 6
_FDICT = 0x20  # zlib header flag: a preset dictionary is needed (RFC 1950)


class PageUnreadable(Exception):
    """A stored page cannot be unpacked: its article text is not the one it was packed with."""


@dataclass(frozen=True)
class StoredPage:
    """A page's bytes as they were read, with what the store recorded about them."""

    sha256: str
    kind: str
    encoding: str
    raw: bytes


def dictionary(title: str | None, lead: str | None, body: str) -> bytes:
    """The bytes a page is packed against: its article's title, lead and body.

    zlib uses the last 32 KB of a dictionary; the body comes last, so a long body
    still gives its end, and title and lead, the start of most pages, come first.
    """
    return "\n".join((title or "", lead or "", body)).encode("utf-8")


def pack(raw: bytes, text: bytes) -> bytes:
    """``raw`` compressed with ``text`` as zlib's preset dictionary."""
    packer = zlib.compressobj(LEVEL, zdict=text) if text else zlib.compressobj(LEVEL)
    return packer.compress(raw) + packer.flush()


def needs_dictionary(packed: bytes) -> bool:
    """Whether ``packed`` was made with a preset dictionary (plain zlib otherwise)."""
    return len(packed) >= 6 and bool(packed[1] & _FDICT)


def unpack(packed: bytes, text: bytes) -> bytes:
    """The page bytes from their packed form; ``text`` is the dictionary it may need.

    Raises PageUnreadable when the page needs a dictionary other than ``text``.
    """
    if not needs_dictionary(packed):
        return zlib.decompress(packed)
    if int.from_bytes(packed[2:6], "big") != zlib.adler32(text):
        raise PageUnreadable("the article text changed since its page was packed")
    unpacker = zlib.decompressobj(zdict=text)
    return unpacker.decompress(packed) + unpacker.flush()


def read_page(db: Connection, article_id: str) -> StoredPage | None:
    """The page an article was extracted from, byte for byte, or None if no such article.

    Raises PageUnreadable when the bytes cannot be unpacked or are not the page's.
    """
    row = db.execute(
        "SELECT p.sha256, p.kind, p.encoding, p.raw, a.title, a.lead, "
        "lagebild_text(a.body) AS body "
        "FROM pages p JOIN articles a ON a.sha256 = p.sha256 WHERE a.id = ?",
        (article_id,),
    ).fetchone()
    if row is None:
        return None
    try:
        raw = unpack(bytes(row["raw"]), dictionary(row["title"], row["lead"], row["body"]))
    except zlib.error as exc:
        raise PageUnreadable(f"page of {article_id} is damaged ({exc})") from None
    if hashlib.sha256(raw).hexdigest() != row["sha256"]:
        raise PageUnreadable(f"page of {article_id} does not match its SHA-256")
    return StoredPage(str(row["sha256"]), str(row["kind"]), str(row["encoding"]), raw)


def repack_plain(db: Connection, article_id: str) -> None:
    """Store an article's page as plain zlib, so its text may change (in a transaction)."""
    page = read_page(db, article_id)
    if page is not None:
        db.execute(
            "UPDATE pages SET raw = ? WHERE sha256 = ?",
            (zlib.compress(page.raw, LEVEL), page.sha256),
        )


def pack_all(db: Connection) -> int:
    """Pack every stored page against its article's text; return how many were repacked.

    Pages already packed are left alone. Rows are read in batches by arrival order, so a
    large store is not held in memory at once.
    """
    done = 0
    last = 0
    while True:
        rows = db.execute(
            # Plain bodies: this runs in migration m008, before m011 compressed them.
            "SELECT a.seq, p.sha256, p.raw, a.title, a.lead, a.body "
            "FROM articles a JOIN pages p ON p.sha256 = a.sha256 "
            "WHERE a.seq > ? ORDER BY a.seq LIMIT 500",
            (last,),
        ).fetchall()
        if not rows:
            return done
        updates: list[tuple[bytes, str]] = []
        # By position: migrations run before the connection returns rows by name.
        for seq, sha256, raw, title, lead, body in rows:
            last = int(seq)
            old = bytes(raw)
            if needs_dictionary(old):
                continue
            packed = pack(zlib.decompress(old), dictionary(title, lead, body))
            if len(packed) < len(old):
                updates.append((packed, sha256))
        db.executemany("UPDATE pages SET raw = ? WHERE sha256 = ?", updates)
        done += len(updates)
