"""The whole text-level analysis of one text: entities, quotes, time expressions, events.

This is what ``lagebild annotate`` prints and what the pipeline stores per article. The
entities of one text are resolved within that text ("Witkoff" joins "Steve Witkoff");
resolution across the store happens later, over every stored mention.

Example::

    >>> result = annotate_text("Putin traf Witkoff.", date(2025, 12, 4))  # doctest: +SKIP
    >>> [e["text"] for e in contract_dict(result)["entities"]]  # doctest: +SKIP
    ['Putin', 'Witkoff']
"""

from __future__ import annotations

from datetime import date
from typing import Any

from lagebild.annotate.entities import shared_tagger
from lagebild.annotate.quotes import find_quotes
from lagebild.annotate.timex import tag_timexes
from lagebild.events import find_events
from lagebild.events.frames import ALL_LABELS
from lagebild.model import Annotations, Mention, to_dict
from lagebild.resolve import MentionDoc, resolve


def contract_dict(found: Annotations) -> dict[str, Any]:
    """The contract's ``{"entities", "quotes", "timexes", "events"}`` object."""
    return {
        "entities": [
            {
                "text": m.text,
                "start": m.start,
                "end": m.end,
                "label": m.label,
                "entity": m.entity or m.text,
            }
            for m in found.mentions
        ],
        "quotes": [to_dict(q) for q in found.quotes],
        "timexes": [to_dict(t) for t in found.timexes],
        "events": [
            {
                "type": e.type,
                "date": e.date,
                "place": e.place,
                "participants": e.participants,
                "evidence": e.evidence,
                "status": e.status,
            }
            for e in found.events
        ],
    }


def annotate_text(text: str, anchor: date | None, *, precision: str | None = None) -> Annotations:
    """Annotate ``text`` written on ``anchor`` (the article's date; None if unknown).

    The entities are resolved within the text, so each mention carries its canonical
    name and events name their participants by it. ``precision`` is the article's date
    as printed (a TIMEX3 value such as "2025-12-04" or "2025-12"); it dates past events
    whose sentence names no date.
    """
    if not text.strip():
        return Annotations()
    mentions = shared_tagger().tag(text)
    dated = anchor.isoformat() if anchor else None
    resolution = resolve([MentionDoc("text", text, mentions, dated)])
    kept: list[Mention] = []
    for mention in mentions:
        entity = resolution.entity_of("text", mention.start)
        if entity is not None:
            # The entity's type is voted by all its mentions: one "ORG" for a person
            # named elsewhere as PER is a tagger error.
            mention.entity, mention.label = entity.name, entity.type
            kept.append(mention)
    return analyse(text, kept, anchor, precision=precision, actors=frozenset({"PER", "ORG"}))


def analyse(
    text: str,
    mentions: list[Mention],
    anchor: date | None,
    *,
    precision: str | None = None,
    actors: frozenset[str] = ALL_LABELS,
) -> Annotations:
    """Quotes, time expressions and events of ``text``, given its entity mentions.

    Events name participants by ``mention.entity`` when set, else by the text as printed
    (the pipeline maps those to entities after resolving the whole store).
    """
    timexes = tag_timexes(text, anchor)
    quotes = find_quotes(text, mentions)
    events = find_events(text, mentions, timexes, anchor, precision=precision, actors=actors)
    return Annotations(mentions, quotes, timexes, events)
