"""Sources: where pages come from, as candidates for ingest.

A plain file is one page; a container file holds many: a WARC crawl archive
(``warc``), JSON Lines (``jsonl``), an RSS or Atom feed (``feeds``). Each reader
yields one ``Candidate`` per page it finds, carrying the page's bytes in memory, so
that the pipeline reads every page the same way whatever held it. A reader never
raises: a broken record or a broken file becomes a ``Rejected`` and the batch goes on.

This module holds what the readers and ``lagebild.ingest`` share: the record types
and the one way a file is opened.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from lagebild.errors import Reason, Rejected
from lagebild.model import PageKind

# One page out of a container is held in memory whole, like a page file: the same
# 20 MB as ``lagebild.ingest.MAX_PAGE_BYTES`` keeps one record from holding the batch.
MAX_RECORD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Skipped:
    """A file (or records in a file) that are not pages, with why they were left out."""

    source: str
    why: str


@dataclass(frozen=True)
class Candidate:
    """A page found: its source as shown and where to read it.

    A page file has a ``path`` (None means standard input). A page from a container
    (a WARC record, a JSON line, a feed item) carries its bytes in ``data``, with
    the page ``kind`` and the ``url`` its container declares.
    """

    source: str
    path: Path | None  # None means standard input, unless ``data`` is set
    data: bytes | None = None
    kind: PageKind | None = None
    url: str | None = None


def _kind_of_file(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def open_regular(path: Path, shown: str, max_bytes: int | None = None) -> BinaryIO:
    """Open a regular file for reading, or raise ``Rejected`` saying why not.

    The file is checked before it is opened: opening a named pipe blocks until a
    writer comes, and a device such as ``/dev/zero`` never ends. A file over
    ``max_bytes`` is refused from its size alone, without reading it.
    """
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            what = _kind_of_file(info.st_mode)
            if what == "a folder":
                raise Rejected(Reason.UNREADABLE, "is a folder", shown)
            raise Rejected(Reason.UNREADABLE, f"not a regular file ({what})", shown)
        if max_bytes is not None and info.st_size > max_bytes:
            raise Rejected(
                Reason.TOO_LARGE,
                f"{info.st_size:,} bytes is over the {max_bytes:,}-byte limit",
                shown,
            )
        return path.open("rb")
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise Rejected(Reason.UNREADABLE, f"cannot read: {reason}", shown) from None


def read_capped(handle: BinaryIO, max_bytes: int) -> bytes | None:
    """Read at most ``max_bytes``; None when there is more (one byte over is read)."""
    data = handle.read(max_bytes + 1)
    return None if len(data) > max_bytes else data


def is_regular(path: Path) -> bool:
    """Whether ``path`` is a regular file (symlinks followed); False on any error."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


__all__ = ["MAX_RECORD_BYTES", "Candidate", "Skipped", "open_regular", "read_capped"]
