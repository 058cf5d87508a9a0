"""WARC crawl archives: each HTTP response with an HTML or text payload is one page.

A ``.warc.gz`` is decompressed here, not by warcio, through ``CappedInflater``: it
streams the file in small pieces and counts what comes out, so a gzip bomb (a few
kilobytes that inflate to gigabytes) is refused as soon as it shows, with memory
bounded by the limits below. warcio then parses the already plain stream.

Sources are ``file.warc.gz#<WARC-Record-ID>`` (``#record-N`` when a record has no
id); the page's url is its ``WARC-Target-URI``.
"""

from __future__ import annotations

import io
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecordLoader

from lagebild.errors import Reason, Rejected
from lagebild.model import PageKind
from lagebild.sources import MAX_RECORD_BYTES, Candidate, Skipped, open_regular

# Decompressed bytes one WARC file may hold in all. Crawl tools cut WARCs at about
# 1 GB compressed (wget, Heritrix, Browsertrix), which is 4-8 GB decompressed.
MAX_WARC_BYTES = 16 * 1024**3
# Decompressed bytes per compressed byte above which a file is taken for a gzip bomb.
# HTML and HTTP headers compress 4-10x, a WARC of news pages 5-8x; zeros 1000x.
MAX_INFLATION = 100
# The ratio is checked only past this much output: small files compress oddly.
INFLATION_GRACE_BYTES = 32 * 1024 * 1024
# Compressed bytes read at a time and most decompressed bytes made per step.
CHUNK_BYTES = 64 * 1024

PAGE_TYPES: dict[str, PageKind] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
}


class TooMuchData(Exception):
    """The decompressed stream went over a limit; the detail says which."""


class BrokenGzip(Exception):
    """The gzip stream is truncated or not gzip at all."""


class CappedInflater(io.RawIOBase):
    """A file's bytes, gunzipped when they are gzip, read with limits on the output.

    Handles multi-member gzip (one member per WARC record, as the format asks).
    Raises ``TooMuchData`` past ``max_bytes`` in all, or when the output outgrows
    ``max_inflation`` times the input after ``grace_bytes``; ``BrokenGzip`` when the
    file ends inside a member or holds something that is not gzip.
    """

    def __init__(
        self,
        raw: BinaryIO,
        *,
        max_bytes: int = MAX_WARC_BYTES,
        max_inflation: int = MAX_INFLATION,
        grace_bytes: int = INFLATION_GRACE_BYTES,
    ) -> None:
        super().__init__()
        self._raw = raw
        self.max_bytes = max_bytes
        self.max_inflation = max_inflation
        self.grace_bytes = grace_bytes
        self.compressed = 0
        self.produced = 0
        head = raw.read(2)
        self.compressed += len(head)
        self._gzip = head == b"\x1f\x8b"
        self._input = head
        self._z = zlib.decompressobj(31)
        self._in_member = False
        self._pending = b""

    def readable(self) -> bool:
        """A read-only stream."""
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        """Fill ``buffer`` with the next decompressed bytes; 0 at the end."""
        if not self._pending:
            self._pending = self._next_piece()
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def _take_input(self) -> bytes:
        data = self._input or self._raw.read(CHUNK_BYTES)
        if not self._input:
            self.compressed += len(data)
        self._input = b""
        return data

    def _next_piece(self) -> bytes:
        """The next piece of output, b'' at the end of the file."""
        if not self._gzip:
            return self._count(self._take_input())
        while True:
            if self._z.eof:
                self._input = self._z.unused_data + self._input
                self._z = zlib.decompressobj(31)
                self._in_member = False
            data = self._take_input()
            if not data:
                if self._in_member:
                    raise BrokenGzip(
                        f"the file ends inside a gzip member (after {self.compressed:,} bytes)"
                    )
                return b""
            self._in_member = True
            try:
                out = self._z.decompress(data, CHUNK_BYTES)
            except zlib.error as exc:
                raise BrokenGzip(f"not gzip data at byte {self.compressed:,} ({exc})") from None
            if not self._z.eof:
                self._input = self._z.unconsumed_tail
            if out:
                return self._count(out)

    def _count(self, out: bytes) -> bytes:
        """Count output; refuse when a limit is passed."""
        self.produced += len(out)
        if self.produced > self.max_bytes:
            raise TooMuchData(
                f"decompresses to over the {self.max_bytes:,}-byte limit for one WARC file"
            )
        if self.produced > self.grace_bytes and (
            self.produced > self.max_inflation * self.compressed
        ):
            raise TooMuchData(
                f"gzip bomb: {self.produced:,} bytes decompressed from {self.compressed:,} "
                f"(over {self.max_inflation}x); the rest of the file is not read"
            )
        return out


class _Loader(ArcWarcRecordLoader):  # type: ignore[misc]
    """warcio's record loader, for records without a ``WARC-Target-URI`` too: warcio
    reads the URI to decide on HTTP headers and fails on None, which ended the file
    there. Such a record is read without HTTP headers and then rejected by itself."""

    def load_http_headers(
        self, rec_type: str, uri: str | None, stream: object, length: int | None
    ) -> object:
        return super().load_http_headers(rec_type, uri or "", stream, length)


def is_warc(path: Path) -> bool:
    """Whether a file name says WARC."""
    return path.name.lower().endswith((".warc", ".warc.gz"))


def read_warc(path: Path, shown: str) -> Iterator[Candidate | Skipped | Rejected]:
    """Yield a candidate for each HTML or text response in the WARC at ``path``.

    Records that are no pages (requests, metadata, images, redirects) are counted
    and listed once as skipped. A broken or over-large file is rejected from the
    point where it breaks; the pages before it stay found.
    """
    try:
        handle = open_regular(path, shown)
    except Rejected as rejection:
        yield rejection
        return
    not_pages: Counter[str] = Counter()
    with handle:
        # warcio reads the inflater unbuffered: each of its reads is one piece, so a
        # break in the file surfaces only after the records before it were read.
        records = ArchiveIterator(CappedInflater(handle), block_size=CHUNK_BYTES)
        records.loader = _Loader(verify_http=False, arc2warc=False)
        number = 0
        # A record over the page limit is held back one step: when the file then
        # turns out to be a gzip bomb, the bomb is the one reason given for it.
        held: Rejected | None = None
        try:
            for record in records:
                number += 1
                if getattr(record, "format", "warc") != "warc":
                    yield Rejected(Reason.MALFORMED, "not a WARC file (no WARC/1.x header)", shown)
                    return
                for found in _record(record, shown, number, not_pages):
                    if held is not None:
                        yield held
                        held = None
                    if isinstance(found, Rejected) and found.reason is Reason.TOO_LARGE:
                        held = found
                    else:
                        yield found
            if held is not None:
                yield held
        except TooMuchData as exc:
            yield Rejected(Reason.TOO_LARGE, str(exc), held.source if held else shown)
        except BrokenGzip as exc:
            yield Rejected(Reason.MALFORMED, f"broken gzip after record {number}: {exc}", shown)
        except (ArchiveLoadFailed, ValueError, EOFError) as exc:
            yield Rejected(Reason.MALFORMED, f"not a WARC after record {number}: {exc}", shown)
    if not_pages:
        parts = ", ".join(f"{count} {what}" for what, count in not_pages.most_common(5))
        total = sum(not_pages.values())
        yield Skipped(shown, f"{total} WARC records are not pages ({parts})")


def _record(
    record: object, shown: str, number: int, not_pages: Counter[str]
) -> Iterator[Candidate | Rejected]:
    """The candidate for one record, a rejection, or nothing (counted in ``not_pages``)."""
    rec_headers = getattr(record, "rec_headers", None)
    http = getattr(record, "http_headers", None)
    rec_type = str(getattr(record, "rec_type", "") or "?")
    record_id = rec_headers.get_header("WARC-Record-ID") if rec_headers is not None else None
    source = f"{shown}#{record_id.strip('<>')}" if record_id else f"{shown}#record-{number}"
    url = rec_headers.get_header("WARC-Target-URI") if rec_headers is not None else None
    if rec_type == "response" and not url:
        yield Rejected(Reason.MALFORMED, "a response record without WARC-Target-URI", source)
        return
    if rec_type != "response" or http is None:
        not_pages[rec_type] += 1
        return
    status = str(http.get_statuscode() or "")
    if not status.startswith("2"):
        not_pages[f"HTTP {status or '?'}"] += 1
        return
    content_type = (http.get_header("Content-Type") or "").split(";")[0].strip().lower()
    kind = PAGE_TYPES.get(content_type)
    if kind is None:
        not_pages[content_type or "untyped"] += 1
        return
    try:
        data = record.content_stream().read(MAX_RECORD_BYTES + 1)  # type: ignore[attr-defined]
    except (OSError, ValueError, EOFError, zlib.error) as exc:
        # A payload with a broken Content-Encoding or chunking: this record only.
        yield Rejected(Reason.MALFORMED, f"unreadable payload: {exc}", source)
        return
    if len(data) > MAX_RECORD_BYTES:
        yield Rejected(
            Reason.TOO_LARGE,
            f"the payload is over the {MAX_RECORD_BYTES:,}-byte limit for one page",
            source,
        )
        return
    yield Candidate(source, None, data=data, kind=kind, url=url)
