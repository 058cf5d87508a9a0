"""Ingest: find the pages a user points at and turn each into a ``Page``.

Reading and decoding are separate from walking the paths so that one unreadable or
undecodable file becomes one ``Rejected`` and the batch goes on. Container files
(WARC, JSON Lines, RSS/Atom) are opened by their readers in ``lagebild.sources``
while the walk goes on, so their pages arrive one at a time with their bytes.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lagebild.errors import Reason, Rejected
from lagebild.model import Page, PageKind
from lagebild.sources import Candidate, Skipped, open_regular
from lagebild.sources.feeds import is_feed, is_feed_name, read_feed
from lagebild.sources.jsonl import is_jsonl, read_jsonl
from lagebild.sources.warc import is_warc, read_warc
from lagebild.textcodec import decode

# A news page is rarely over 2 MB of HTML; 20 MB leaves room for bloated pages while
# keeping one page from holding the whole batch's memory.
MAX_PAGE_BYTES = 20 * 1024 * 1024

TEXT_SUFFIXES = {".txt", ".text", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
# Files that sit beside pages in a collection (notes, metadata, scripts) but are never
# pages themselves. In a folder walk they are listed as skipped, not rejected; named
# one by one on the command line they are read like any other file.
NOT_PAGE_SUFFIXES = {
    ".md",
    ".json",
    ".csv",
    ".tsv",
    ".py",
    ".yml",
    ".yaml",
    ".toml",
    ".ini",
    ".log",
}

Found = Candidate | Skipped | Rejected
Reader = Callable[[Path, str], Iterator[Found]]

__all__ = ["Candidate", "Skipped", "find_pages", "page_from_bytes", "read_page"]


@dataclass(frozen=True)
class _Folder:
    """A folder met in a walk, to be walked next."""

    path: Path
    shown: str


def find_pages(paths: list[str]) -> Iterator[Found]:
    """Yield every page under ``paths`` in a stable order, or a rejection for it.

    Folders are walked in sorted order, hidden files and folders are skipped, and a
    folder reached twice through symlinks is walked once. A container file yields
    one candidate per page in it. Nothing here raises: a bug in a container reader
    becomes an ``internal_error`` rejection of that file.
    """
    seen_dirs: set[tuple[int, int]] = set()
    for given in paths:
        if given == "-":
            yield Candidate("-", None)
            continue
        path = Path(given)
        if path.is_dir():
            yield from _walk(path, given, seen_dirs)
        elif path.exists() or path.is_symlink():
            yield from _file(path, given)
        else:
            yield Rejected(Reason.UNREADABLE, "no such file or directory", given)


def _file(path: Path, shown: str) -> Iterator[Found]:
    """The candidates of one file: itself, or the pages of a container."""
    reader = _container_reader(path)
    if reader is None:
        yield Candidate(shown, path)
        return
    try:
        yield from reader(path, shown)
    except Exception as exc:  # a reader bug must not end the batch
        detail = f"reading the container failed: {exc.__class__.__name__}: {exc}"
        yield Rejected(Reason.INTERNAL, detail, shown)


def _container_reader(path: Path) -> Reader | None:
    """The reader for a container file, None for a page file."""
    if is_warc(path):
        return read_warc
    if is_jsonl(path):
        return read_jsonl
    if is_feed_name(path) or (path.suffix.lower() == ".xml" and is_feed(path)):
        return read_feed
    return None


def _walk(root: Path, shown: str, seen_dirs: set[tuple[int, int]]) -> Iterator[Found]:
    """Walk one folder depth-first; ``shown`` is how its path is printed in sources.

    A stack instead of recursion: a tree thousands of folders deep must not hit
    Python's recursion limit.
    """
    stack = [_entries(_Folder(root, shown), seen_dirs)]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
        elif isinstance(item, _Folder):
            stack.append(_entries(item, seen_dirs))
        else:
            yield item


def _entries(folder: _Folder, seen_dirs: set[tuple[int, int]]) -> Iterator[Found | _Folder]:
    """The entries of one folder, sorted by name; sub-folders as ``_Folder``."""
    try:
        stat = folder.path.stat()
        key = (stat.st_dev, stat.st_ino)
        if key in seen_dirs:
            yield Rejected(Reason.UNREADABLE, "folder already visited (symlink loop)", folder.shown)
            return
        seen_dirs.add(key)
        entries = sorted(os.scandir(folder.path), key=lambda e: e.name)
    except OSError as exc:
        yield Rejected(Reason.UNREADABLE, f"cannot list folder: {exc.strerror}", folder.shown)
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        child = os.path.join(folder.shown, entry.name)
        try:
            is_dir = entry.is_dir()
        except OSError as exc:
            yield Rejected(Reason.UNREADABLE, f"cannot stat: {exc.strerror}", child)
            continue
        if is_dir:
            yield _Folder(Path(entry.path), child)
        elif Path(entry.name).suffix.lower() in NOT_PAGE_SUFFIXES:
            yield Skipped(child, f"{Path(entry.name).suffix} files are not pages")
        else:
            yield from _file(Path(entry.path), child)


def read_page(candidate: Candidate, kind: PageKind | None = None) -> Page:
    """Read and decode one page; raise ``Rejected`` with the reason if it is no page."""
    raw = candidate.data if candidate.data is not None else _read_bytes(candidate)
    return page_from_bytes(raw, candidate.source, kind or candidate.kind, url=candidate.url)


def page_from_bytes(
    raw: bytes, source: str, kind: PageKind | None = None, *, url: str | None = None
) -> Page:
    """Build a ``Page`` from bytes: checks, decoding and repair."""
    try:
        if not raw.strip():
            raise Rejected(Reason.EMPTY, "the file is empty" if not raw else "only whitespace")
        if len(raw) > MAX_PAGE_BYTES:
            raise Rejected(
                Reason.TOO_LARGE,
                f"{len(raw):,} bytes is over the {MAX_PAGE_BYTES:,}-byte limit for one page",
            )
        decoded = decode(raw)
        page_kind = kind or guess_kind(source, decoded.text)
        if page_kind is None:
            raise Rejected(Reason.UNSUPPORTED, "not a text or HTML page")
        return Page(
            source=source,
            raw=raw,
            text=decoded.text,
            kind=page_kind,
            sha256=hashlib.sha256(raw).hexdigest(),
            encoding=decoded.encoding,
            url=url,
        )
    except Rejected as rejection:
        raise rejection.for_source(source) from None


def _read_bytes(candidate: Candidate) -> bytes:
    """Read a page file; one over the size limit is refused by its size, unread."""
    if candidate.path is None:
        try:
            return sys.stdin.buffer.read(MAX_PAGE_BYTES + 1)
        except OSError as exc:
            reason = exc.strerror or exc.__class__.__name__
            raise Rejected(Reason.UNREADABLE, f"cannot read: {reason}", "-") from None
    with open_regular(candidate.path, candidate.source, MAX_PAGE_BYTES) as handle:
        try:
            # At most one byte over the limit, should the file grow after its size was read.
            return handle.read(MAX_PAGE_BYTES + 1)
        except OSError as exc:
            reason = exc.strerror or exc.__class__.__name__
            raise Rejected(Reason.UNREADABLE, f"cannot read: {reason}", candidate.source) from None


def guess_kind(source: str, text: str) -> PageKind | None:
    """Tell HTML from plain text by suffix, then by content for stdin and odd names."""
    suffix = Path(source).suffix.lower() if source != "-" else ""
    if suffix in HTML_SUFFIXES:
        return "html"
    head = text[:2048].lstrip().lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")) or "<body" in head:
        return "html"
    if suffix in TEXT_SUFFIXES or source == "-":
        return "text"
    return None
