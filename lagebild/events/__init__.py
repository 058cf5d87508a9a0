"""Events: who met, called or visited whom, where and when, and in which articles.

``frames`` finds the events of one article; ``merge_across`` joins the reports of one
event in many articles into one event with many sources.
"""

from __future__ import annotations

from collections.abc import Iterable

from lagebild.events.frames import find_events, merge_frames
from lagebild.model import Event
from lagebild.timespans import date_order

__all__ = ["find_events", "merge_across"]


def merge_across(per_article: Iterable[tuple[str, list[Event]]]) -> list[Event]:
    """One event per reported event: the articles' events merged, each with its sources.

    Events can only merge with events of the same type and date, so they are bucketed by
    both first: the cost grows with the events per bucket, not with the whole store.
    """
    buckets: dict[tuple[str, str | None], list[Event]] = {}
    for article_id, events in per_article:
        for event in events:
            event.articles = [article_id]
            buckets.setdefault((event.type, event.date), []).append(event)
    merged: list[Event] = []
    for bucket in buckets.values():
        merged.extend(merge_frames(bucket))
    merged.sort(key=lambda e: (date_order(e.date), e.type))
    return merged
