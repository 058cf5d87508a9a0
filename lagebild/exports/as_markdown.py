"""A Markdown report of a storyline (or of an entity): who, what happened when, who said what.

For a person to read or paste into a briefing: the span and counts, the people and
organisations most named, the stories, the timeline of events and quotes with their
sources, and the key quotes. Without a selection, every storyline in turn.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lagebild.exports.records import ExportError, ExportOptions, key_entities, quote_rows
from lagebild.store import Store
from lagebild.store.dialect import Connection
from lagebild.timeline import Entry, articles_timeline, entity_timeline

# How many people, organisations and key quotes a report lists.
KEY_PEOPLE = 10
KEY_QUOTES = 12


def _span(start: str | None, end: str | None) -> str:
    if not start:
        return "undated"
    return start[:10] if not end or end[:10] == start[:10] else f"{start[:10]} – {end[:10]}"


def _line(text: str) -> str:
    """Text on one line, so a stray newline or '#' cannot break the report's layout."""
    return " ".join(text.split())


def _timeline(entries: list[Entry], level: str) -> list[str]:
    lines = [f"{level} Timeline", ""]
    if not entries:
        lines.append("No dated events or quotes.")
    for entry in entries:
        sources = ", ".join(entry.articles)
        lines.append(f"- **{entry.date or 'undated'}** {_line(entry.text)} ({sources})")
    return [*lines, ""]


def _quotes(quotes: list[dict[str, Any]], level: str) -> list[str]:
    lines = [f"{level} Key quotes", ""]
    direct = [q for q in quotes if q["kind"] == "direct" and q["speaker_entity"]]
    if not direct:
        lines.append("No direct quotes with a known speaker.")
    for quote in direct[:KEY_QUOTES]:
        when = (quote["published"] or "undated")[:10]
        lines.append(f"> «{_line(quote['text'])}»")
        title = _line(quote["article_title"] or quote["article_id"])
        lines.append(f"> — {quote['speaker_entity']}, {when}, *{title}*")
        lines.append("")
    return [*lines, ""] if not direct else lines


def storyline_report(db: Connection, storyline_id: str, level: int = 1) -> list[str]:
    """The report of one storyline, its title at heading ``level``."""
    row = db.execute("SELECT * FROM storylines WHERE id = ?", (storyline_id,)).fetchone()
    if row is None:
        raise ExportError("not_found", f"no storyline with id {storyline_id!r}")
    h, sub = "#" * level, "#" * (level + 1)
    outlets = db.execute(
        "SELECT count(DISTINCT outlet) FROM articles WHERE storyline = ?", (storyline_id,)
    ).fetchone()[0]
    lines = [
        f"{h} {_line(row['label'])}",
        "",
        f"{_span(row['start'], row['end'])} · {row['stories']} stories · "
        f"{row['articles']} articles · {outlets} outlets · `{storyline_id}`",
        "",
        f"{sub} People and organisations",
        "",
    ]
    people = key_entities(db, "storyline", storyline_id, types=("PER", "ORG"), limit=KEY_PEOPLE)
    lines += [f"- **{_line(e.name)}** ({e.type}), {e.articles} articles" for e in people] or [
        "None named."
    ]
    lines += ["", f"{sub} Stories", ""]
    for story in Store(db, "").stories(storyline=storyline_id):
        title = _line(story["headline"] or story["label"])
        lines.append(
            f"- **{_span(story['start'], story['end'])}** {title} "
            f"({story['articles']} articles, {story['outlets']} outlets)"
        )
    lines.append("")
    articles = [a["id"] for a in Store(db, "").story_articles("storyline", storyline_id)]
    lines += _timeline(articles_timeline(Store(db, ""), articles), sub)
    lines += _quotes(list(quote_rows(db, ExportOptions(storyline=storyline_id))), sub)
    return lines


def entity_report(db: Connection, entity_id: str) -> list[str]:
    """The report of one entity: forms, roles, timeline, quotes."""
    store = Store(db, "")
    entity = store.entity(entity_id)
    if entity is None:
        raise ExportError("not_found", f"no entity with id {entity_id!r}")
    lines = [f"# {_line(entity.name)} ({entity.type})", ""]
    if entity.forms:
        lines += [f"Written as: {', '.join(_line(f) for f in entity.forms)}", ""]
    if entity.roles:
        lines += [f"Roles: {'; '.join(_line(r) for r in entity.roles)}", ""]
    lines += _timeline(entity_timeline(store, entity), "##")
    lines += _quotes(list(quote_rows(db, ExportOptions(entity=entity.id))), "##")
    return lines


def render_markdown(db: Connection, options: ExportOptions) -> Iterator[bytes]:
    """The report of the storyline, the entity, or every storyline (latest first)."""
    if options.entity is not None:
        lines = entity_report(db, options.entity)
    elif options.storyline is not None:
        lines = storyline_report(db, options.storyline)
    else:
        lines = ["# Storylines", ""]
        ids = [row["id"] for row in Store(db, "").storylines()]
        if not ids:
            lines.append("The store holds no storylines yet.")
        for storyline_id in ids:
            lines += storyline_report(db, storyline_id, level=2)
    yield ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8")
