"""iCalendar (RFC 5545): the events of a timeline as all-day entries a calendar app shows.

Each event whose date covers at most ``MAX_DAYS`` days becomes one VEVENT (a week or a
weekend is a span of days; a month or a year is no date to put in a calendar and is
left out). Planned events are TENTATIVE, cancelled ones CANCELLED. Written by hand:
the format is a few lines per event, and escaping and line folding are all it needs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from lagebild import __version__
from lagebild.exports.records import ExportOptions, event_rows
from lagebild.store.dialect import Connection
from lagebild.timespans import day_span

# Longest date span (days) put in the calendar; a month-long "event" would only mislead.
MAX_DAYS = 7
STATUS = {"planned": "TENTATIVE", "postponed": "TENTATIVE", "cancelled": "CANCELLED"}


def escape(text: str) -> str:
    """A TEXT value escaped: backslash, semicolon, comma, newline."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """A content line folded at 75 octets (continuations start with a space), CRLF ended."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line + "\r\n"
    parts: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, 74  # the leading space counts
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts) + "\r\n"


def _summary(event: dict[str, Any]) -> str:
    what = event["type"].replace("_", " ")
    who = ", ".join(event["participants"]) or "unknown participants"
    return f"{what}: {who}" + (f" in {event['place']}" if event["place"] else "")


def vevent(event: dict[str, Any], stamp: str) -> list[str] | None:
    """The lines of one event, or None when its date is no span of days to show."""
    span = day_span(event["date"])
    if span is None or (span[1] - span[0]).days + 1 > MAX_DAYS:
        return None
    first, last = span
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event['id']}@lagebild",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{first:%Y%m%d}",
        f"DTEND;VALUE=DATE:{last + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{escape(_summary(event))}",
        f"STATUS:{STATUS.get(event['status'], 'CONFIRMED')}",
        f"CATEGORIES:{escape(event['kind'] or event['type'])}",
    ]
    if event["place"]:
        lines.append(f"LOCATION:{escape(event['place'])}")
    sources = ", ".join(event["articles"])
    description = f"{event['evidence']}\n\nDate as reported: {event['date']}\nSources: {sources}"
    lines.append(f"DESCRIPTION:{escape(description)}")
    lines.append("END:VEVENT")
    return lines


def render_ics(db: Connection, options: ExportOptions) -> Iterator[bytes]:
    """A VCALENDAR of the selected events (a storyline's, an entity's, or all)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//lagebild//lagebild {__version__}//EN",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:lagebild events",
    ]
    yield "".join(fold(line) for line in head).encode("utf-8")
    for event in event_rows(db, options):
        lines = vevent(event, stamp)
        if lines is not None:
            yield "".join(fold(line) for line in lines).encode("utf-8")
    yield fold("END:VCALENDAR").encode("utf-8")
