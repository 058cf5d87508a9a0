"""Timelines: the events and quotes of an entity or a set of articles, in date order.

A timeline entry is an event (what happened, with its participants and sources) or a
quote (who said what, in which article). Events carry their own date; a quote carries
its article's date. Entries without any date go last.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from lagebild.model import Entity
from lagebild.store import Store
from lagebild.timespans import date_order


@dataclass
class Entry:
    """One line of a timeline."""

    date: str | None
    kind: Literal["event", "quote"]
    text: str
    type: str = ""  # event type, or quote kind (direct, indirect, partial)
    who: list[str] = field(default_factory=list)  # participants, or the speaker
    place: str | None = None
    articles: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The entry as JSON values."""
        return asdict(self)


def entity_timeline(store: Store, entity: Entity) -> list[Entry]:
    """Events the entity took part in and quotes it said, in date order."""
    entries = [_event_entry(event) for _id, event in store.events(entity=entity.name)]
    entries += [_quote_entry(row) for row in store.quotes(entity_id=entity.id)]
    return _ordered(entries)


def articles_timeline(store: Store, articles: list[str]) -> list[Entry]:
    """Events reported by and direct quotes in ``articles`` (a story or storyline)."""
    entries = [_event_entry(event) for _id, event in store.events(articles=articles)]
    entries += [
        _quote_entry(row)
        for row in store.quotes(articles=articles)
        if row["kind"] == "direct" and row["speaker_entity"]
    ]
    return _ordered(entries)


def _event_entry(event: Any) -> Entry:
    what = event.type.replace("_", " ")
    names = ", ".join(event.participants) or "-"
    where = f" in {event.place}" if event.place else ""
    return Entry(
        date=event.date,
        kind="event",
        text=f"{what}: {names}{where}",
        type=event.type,
        who=list(event.participants),
        place=event.place,
        articles=list(event.articles),
    )


def _quote_entry(row: dict[str, Any]) -> Entry:
    speaker = row["speaker_entity"] or row["speaker"] or "?"
    published = row["published"]
    return Entry(
        date=published[:10] if published else None,
        kind="quote",
        text=f"{speaker}: «{row['text']}»"
        if row["kind"] == "direct"
        else f"{speaker}: {row['text']}",
        type=row["kind"],
        who=[speaker],
        articles=[row["article_id"]],
    )


def _ordered(entries: list[Entry]) -> list[Entry]:
    """By date (undated last), events before quotes on the same day; a quote printed by
    several articles (syndicated copies) is one entry with all of them as sources."""
    kept: dict[tuple[str | None, str, str], Entry] = {}
    for entry in entries:
        key = (entry.date, entry.kind, entry.text)
        if key in kept:
            kept[key].articles.extend(a for a in entry.articles if a not in kept[key].articles)
        else:
            kept[key] = entry
    return sorted(kept.values(), key=lambda e: (date_order(e.date), e.kind != "event"))


def markdown(title: str, entries: list[Entry]) -> str:
    """A Markdown report: a heading and one bullet per entry with its sources."""
    lines = [f"# {title}", ""]
    for entry in entries:
        sources = ", ".join(entry.articles)
        lines.append(f"- **{entry.date or 'undated'}** {entry.text} ({sources})")
    return "\n".join(lines) + "\n"
