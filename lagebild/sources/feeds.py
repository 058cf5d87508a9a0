"""RSS and Atom feeds: each item with content is one page.

The item's text is its ``content:encoded`` (or Atom ``content``), else its
``description`` / ``summary``. feedparser reads the feed (it also copes with the
broken XML feeds often are, and cleans the item HTML of scripts and handlers); each
item becomes a small HTML page with the item's title, date and link as metadata,
so the HTML extractor reads it like any page. Sources are ``file.rss#N``, N the
item's number in the feed, counted from 1.

``.rss`` and ``.atom`` files are feeds; a ``.xml`` file is one when its root element
is ``rss``, ``feed`` or ``rdf:RDF`` (``is_feed``), and is read as a page otherwise.
"""

from __future__ import annotations

import calendar
import html
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser

from lagebild.errors import Reason, Rejected
from lagebild.sources import Candidate, Skipped, open_regular, read_capped

# Largest feed file read. A feed is read whole (XML has no cheap way to stream
# items and stay lenient); news feeds carry 20-100 items, well under 5 MB.
MAX_FEED_BYTES = 50 * 1024 * 1024
FEED_SUFFIXES = (".rss", ".atom")
# The start of an XML document up to its root element: declaration, comments,
# processing instructions and a doctype may come first.
_PROLOG = re.compile(
    rb"\A(?:\s|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)*<(rss|feed|rdf:RDF)[\s>/]",
    re.DOTALL | re.IGNORECASE,
)
_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")


def is_feed_name(path: Path) -> bool:
    """Whether a file name says feed (``.rss``, ``.atom``)."""
    return path.suffix.lower() in FEED_SUFFIXES


def is_feed(path: Path) -> bool:
    """Whether an XML file's root element is a feed's; False when it cannot be read."""
    try:
        with open_regular(path, str(path)) as handle:
            head = handle.read(8192)
    except Rejected:
        return False
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le")):
        if head.startswith(bom):
            head = head[len(bom) :].decode(encoding, errors="ignore").encode("utf-8")
    if head.startswith(b"\xfe\xff"):
        head = head[2:].decode("utf-16-be", errors="ignore").encode("utf-8")
    return _PROLOG.match(head) is not None


def read_feed(path: Path, shown: str) -> Iterator[Candidate | Skipped | Rejected]:
    """Yield a candidate for each item of the feed at ``path`` that has content."""
    try:
        with open_regular(path, shown, MAX_FEED_BYTES) as handle:
            data = read_capped(handle, MAX_FEED_BYTES)
    except Rejected as rejection:
        yield rejection
        return
    if data is None:
        yield Rejected(Reason.TOO_LARGE, f"over the {MAX_FEED_BYTES:,}-byte limit", shown)
        return
    if not data.strip():
        yield Rejected(Reason.EMPTY, "the file is empty" if not data else "only whitespace", shown)
        return
    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    entries: list[Any] = list(parsed.entries)
    if not entries:
        problem = parsed.get("bozo_exception")
        if not parsed.get("version"):
            detail = "not an RSS or Atom feed"
            yield Rejected(Reason.MALFORMED, f"{detail} ({problem})" if problem else detail, shown)
        else:
            yield Skipped(shown, "the feed has no items")
        return
    for number, entry in enumerate(entries, start=1):
        source = f"{shown}#{number}"
        try:
            yield item_candidate(entry, source)
        except Rejected as rejection:
            yield rejection.for_source(source)


def item_candidate(entry: Any, source: str) -> Candidate:
    """The page of one feed item, or ``Rejected`` when the item has no text."""
    body, is_html = _content(entry)
    if not body.strip():
        raise Rejected(Reason.EMPTY, "the item has no content, description or summary")
    title = str(entry.get("title") or "")
    link = str(entry.get("link") or "") or None
    date = _date(entry)
    head = f"<title>{html.escape(title)}</title>" if title else ""
    if date:
        head += f'<meta property="article:published_time" content="{html.escape(date)}">'
    if not is_html:
        body = "".join(f"<p>{html.escape(p.strip())}</p>" for p in body.split("\n\n") if p.strip())
    heading = f"<h1>{html.escape(title)}</h1>" if title else ""
    page = (
        f'<!DOCTYPE html><html><head><meta charset="utf-8">{head}</head>'
        f"<body><article>{heading}{body}</article></body></html>"
    )
    return Candidate(source, None, data=page.encode("utf-8"), kind="html", url=link)


def _content(entry: Any) -> tuple[str, bool]:
    """(text, whether it is HTML): full content first, then description or summary."""
    for part in entry.get("content") or []:
        value = str(part.get("value") or "")
        if value.strip():
            return value, str(part.get("type", "")).lower() in _HTML_TYPES
    detail = entry.get("summary_detail") or {}
    value = str(entry.get("summary") or entry.get("description") or "")
    kind = str(detail.get("type", "text/html")).lower()
    return value, kind in _HTML_TYPES


def _date(entry: Any) -> str | None:
    """The item's date as ISO 8601 in UTC, or as printed when it cannot be read."""
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if isinstance(parsed, time.struct_time):
            stamp = calendar.timegm(parsed)
            return datetime.fromtimestamp(stamp, UTC).isoformat(timespec="seconds")
    printed = entry.get("published") or entry.get("updated")
    return str(printed) if printed else None
