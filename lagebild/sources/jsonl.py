"""JSON Lines: one page per line, ``{"text": ...}`` or ``{"html": ...}``.

Optional keys: ``url``, ``title``, ``date`` (ISO 8601 or as printed), ``id``. A
``text`` record becomes a plain-text page laid out the way the plain-text extractor
reads one (title, date line, text); an ``html`` record is the page itself, with the
date put in a ``<meta>`` when given. The source of each page is ``file.jsonl#N``
with N the line number, counted from 1. ``id`` is accepted but not used: the source
already names the line, and the article id stays the hash of the page's bytes, so
the same page in two files is one article.

The file is streamed line by line; a line longer than one page may be is refused
without holding it in memory.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from lagebild.errors import Reason, Rejected
from lagebild.sources import MAX_RECORD_BYTES, Candidate, open_regular

# Bytes read at a time while skipping the rest of an over-long line.
_SKIP_CHUNK = 1024 * 1024


def is_jsonl(path: Path) -> bool:
    """Whether a file name says JSON Lines."""
    return path.suffix.lower() in (".jsonl", ".ndjson")


def read_jsonl(path: Path, shown: str) -> Iterator[Candidate | Rejected]:
    """Yield a candidate for each line of the JSON Lines file at ``path``.

    Blank lines are no records and are passed over; every other line is a page or
    a rejection naming its line.
    """
    try:
        handle = open_regular(path, shown)
    except Rejected as rejection:
        yield rejection
        return
    with handle:
        number = 0
        while True:
            line = handle.readline(MAX_RECORD_BYTES + 1)
            if not line:
                return
            number += 1
            source = f"{shown}#{number}"
            if len(line) > MAX_RECORD_BYTES and not line.endswith(b"\n"):
                skipped = _skip_line(handle)
                yield Rejected(
                    Reason.TOO_LARGE,
                    f"line of over {len(line) + skipped:,} bytes is over the "
                    f"{MAX_RECORD_BYTES:,}-byte limit for one page",
                    source,
                )
                continue
            if not line.strip():
                continue
            try:
                yield record_candidate(line, source)
            except Rejected as rejection:
                yield rejection.for_source(source)


def _skip_line(handle: BinaryIO) -> int:
    """Read past the rest of the current line in bounded pieces; return bytes skipped."""
    skipped = 0
    while True:
        piece = handle.readline(_SKIP_CHUNK)
        skipped += len(piece)
        if not piece or piece.endswith(b"\n"):
            return skipped


def record_candidate(line: bytes, source: str) -> Candidate:
    """The page of one JSON line, or ``Rejected`` saying what is wrong with the line."""
    try:
        # Without its line end, so that an error's column is one of this line.
        record = json.loads(line.rstrip(b"\r\n"))
    except UnicodeDecodeError:
        raise Rejected(Reason.UNDECODABLE, "the line is not UTF-8 (JSON must be)") from None
    except json.JSONDecodeError as exc:
        raise Rejected(Reason.MALFORMED, f"not JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(record, dict):
        raise Rejected(Reason.MALFORMED, f"a JSON {type(record).__name__}, not an object")
    url = _text_field(record, "url")
    title = _text_field(record, "title")
    date = _text_field(record, "date")
    body_html = _text_field(record, "html")
    body_text = _text_field(record, "text")
    if body_html is not None and body_html.strip():
        page = _html_page(body_html, title, date)
        return Candidate(source, None, data=page.encode("utf-8"), kind="html", url=url)
    if body_text is not None and body_text.strip():
        page = "\n\n".join(part for part in (title, _date_line(date), body_text) if part)
        return Candidate(source, None, data=page.encode("utf-8"), kind="text", url=url)
    if body_html is None and body_text is None:
        raise Rejected(Reason.MALFORMED, 'the object has no "text" or "html" string')
    raise Rejected(Reason.EMPTY, 'the "text" or "html" of the record is empty')


def _text_field(record: dict[str, Any], key: str) -> str | None:
    """A string field; a number is accepted as its text, anything else refused."""
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise Rejected(Reason.MALFORMED, f'"{key}" is a {type(value).__name__}, not a string')
    return str(value)


def _date_line(value: str | None) -> str | None:
    """An ISO date as the plain-text extractor reads dates ("04.12.2025, 10:15 Uhr")."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return value.strip()  # printed some other way: the extractor's date rules read it
    if len(value.strip()) <= 10:
        return parsed.strftime("%d.%m.%Y")
    return parsed.strftime("%d.%m.%Y, %H:%M Uhr")


def _html_page(body: str, title: str | None, date: str | None) -> str:
    """The record's HTML, with its title and date as metadata the HTML reader knows."""
    head = ""
    if date:
        head += f'<meta property="article:published_time" content="{html.escape(date)}">'
    if title and "<title" not in body[:4096].lower():
        head += f"<title>{html.escape(title)}</title>"
    return head + body if head else body
