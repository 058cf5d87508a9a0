"""Events scored against the hand annotation of the seed pages.

A gold event counts as found when one predicted event has the right date and the right
place or at least one of the gold participants. A date is right when it equals the gold
value, or when one of the two is an interval ("2025-10-24/2025-10-26") that contains the
other, or a weekend value ("2025-W51-WE") whose days the gold interval spans. Predicted
events that match no gold event are counted too; the gold lists the events a careful
reader would put on a timeline, so some of those are errors and some are minor events
the reader left out.

Example::

    >>> gold = [{"date": "2025-12-02", "place": "Moskau", "participants": ["Wladimir Putin"]}]
    >>> found = [Event("meeting", "2025-12-02", "Moskau", ["Wladimir Putin"])]
    >>> score_events(gold, found)["found"]
    1
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from lagebild.model import Event


def days(value: str | None) -> set[date]:
    """The days a TIMEX3 date value covers (a day, an interval of days, a weekend).

    >>> sorted(days("2025-W51-WE"))
    [datetime.date(2025, 12, 20), datetime.date(2025, 12, 21)]
    """
    if not value:
        return set()
    if "/" in value:
        start, _, end = value.partition("/")
        first, last = _day(start), _day(end)
        if first is None or last is None or last < first:
            return set()
        return {first + timedelta(n) for n in range((last - first).days + 1)}
    if value.endswith("-WE") and "-W" in value:
        year, week = value[:4], value.split("-W")[1][:2]
        saturday = date.fromisocalendar(int(year), int(week), 6)
        return {saturday, saturday + timedelta(1)}
    single = _day(value)
    return {single} if single else set()


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if len(value) >= 10 else None
    except ValueError:
        return None


def same_date(gold: str | None, predicted: str | None) -> bool:
    """Equal values, or day sets of which one contains the other."""
    if gold is None or predicted is None:
        return gold == predicted
    if gold == predicted:
        return True
    a, b = days(gold), days(predicted)
    return bool(a and b) and (a <= b or b <= a)


def matches(gold: dict[str, Any], event: Event) -> bool:
    """The predicted event has the gold date and the gold place or a gold participant."""
    if not same_date(gold.get("date"), event.date):
        return False
    place_right = gold.get("place") is not None and gold["place"] == event.place
    shared = set(gold.get("participants", [])) & set(event.participants)
    return place_right or bool(shared)


def score_events(gold: Sequence[dict[str, Any]], predicted: Sequence[Event]) -> dict[str, Any]:
    """How many gold events were found, and how many predicted events match none."""
    found = [g for g in gold if any(matches(g, e) for e in predicted)]
    unmatched = [e for e in predicted if not any(matches(g, e) for g in gold)]
    return {
        "gold": len(gold),
        "found": len(found),
        "predicted": len(predicted),
        "predicted_matching_no_gold": len(unmatched),
        "missed": [g.get("evidence", g.get("date")) for g in gold if g not in found],
    }


def evaluate_seed_events(seeds: Path, gold_path: Path) -> dict[str, Any]:
    """Ingest the seed pages into a fresh store and score its events against the gold."""
    from lagebild.pipeline import ingest
    from lagebild.store import Store

    gold = json.loads(gold_path.read_text(encoding="utf-8"))["events"]
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "seeds.sqlite")
        try:
            ingest([str(seeds)], store)
            predicted = [event for _id, event in store.events()]
        finally:
            store.close()
    report = score_events(gold, predicted)
    report["events"] = [
        {"type": e.type, "date": e.date, "place": e.place, "participants": e.participants}
        for e in predicted
    ]
    return report
