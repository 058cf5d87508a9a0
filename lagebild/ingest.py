"""Ingest: find the pages a user points at and turn each into a ``Page``.

Reading and decoding are separate from walking the paths so that one unreadable or
undecodable file becomes one ``Rejected`` and the batch goes on.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lagebild.errors import Reason, Rejected
from lagebild.model import Page, PageKind
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


@dataclass(frozen=True)
class Skipped:
    """A file in a walked folder that is not a page, with why it was left out."""

    source: str
    why: str


@dataclass(frozen=True)
class Candidate:
    """A page found on the command line: its source as given and where to read it."""

    source: str
    path: Path | None  # None means standard input


def find_pages(paths: list[str]) -> Iterator[Candidate | Skipped | Rejected]:
    """Yield every page under ``paths`` in a stable order, or a rejection for it.

    Folders are walked recursively in sorted order, hidden files and folders are
    skipped, and a folder reached twice through symlinks is walked once.
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
            yield Candidate(given, path)
        else:
            yield Rejected(Reason.UNREADABLE, "no such file or directory", given)


def _walk(
    root: Path, shown: str, seen_dirs: set[tuple[int, int]]
) -> Iterator[Candidate | Skipped | Rejected]:
    """Walk one folder; ``shown`` is how its path is printed in sources."""
    try:
        stat = root.stat()
        key = (stat.st_dev, stat.st_ino)
        if key in seen_dirs:
            yield Rejected(Reason.UNREADABLE, "folder already visited (symlink loop)", shown)
            return
        seen_dirs.add(key)
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError as exc:
        yield Rejected(Reason.UNREADABLE, f"cannot list folder: {exc.strerror}", shown)
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        child = os.path.join(shown, entry.name)
        try:
            is_dir = entry.is_dir()
        except OSError as exc:
            yield Rejected(Reason.UNREADABLE, f"cannot stat: {exc.strerror}", child)
            continue
        if is_dir:
            yield from _walk(Path(entry.path), child, seen_dirs)
        elif Path(entry.name).suffix.lower() in NOT_PAGE_SUFFIXES:
            yield Skipped(child, f"{Path(entry.name).suffix} files are not pages")
        else:
            yield Candidate(child, Path(entry.path))


def read_page(candidate: Candidate, kind: PageKind | None = None) -> Page:
    """Read and decode one page; raise ``Rejected`` with the reason if it is no page."""
    raw = _read_bytes(candidate)
    return page_from_bytes(raw, candidate.source, kind)


def page_from_bytes(raw: bytes, source: str, kind: PageKind | None = None) -> Page:
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
        )
    except Rejected as rejection:
        raise rejection.for_source(source) from None


def _read_bytes(candidate: Candidate) -> bytes:
    """Read at most one byte over the limit, so a huge file is refused cheaply."""
    try:
        if candidate.path is None:
            return sys.stdin.buffer.read(MAX_PAGE_BYTES + 1)
        with candidate.path.open("rb") as handle:
            return handle.read(MAX_PAGE_BYTES + 1)
    except IsADirectoryError:
        raise Rejected(Reason.UNREADABLE, "is a folder", candidate.source) from None
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
