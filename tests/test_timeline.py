"""Timelines and event lists in the order of the days their dates cover."""

from __future__ import annotations

from pathlib import Path

from lagebild.model import Event
from lagebild.store import Store
from lagebild.timeline import Entry, _ordered

# A weekend is a TIMEX3 week value; as text "2025-W48-WE" sorted after every
# "2025-12-..." day, though it is 29-30 November.
DATES = ["2025-12-31", "2025-W48-WE", "2025-12", "2026-01-02", None, "2025-12-01/2025-12-03"]
# Of two dates from one day, the one that ends first comes first.
IN_ORDER = ["2025-W48-WE", "2025-12-01/2025-12-03", "2025-12", "2025-12-31", "2026-01-02", None]


def test_timeline_entries_go_by_the_first_day_of_their_dates() -> None:
    entries = [Entry(date=d, kind="event", text=f"meeting {d}") for d in DATES]
    assert [e.date for e in _ordered(entries)] == IN_ORDER


def test_store_events_go_by_the_first_day_of_their_dates(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "x.sqlite")
    store.replace_events(
        [Event("meeting", d, "Genf", ["A", "B"], articles=[f"a{i}"]) for i, d in enumerate(DATES)]
    )
    assert [e.date for _id, e in store.events()] == IN_ORDER
    assert [e.date for _id, e in store.events(limit=2)] == IN_ORDER[:2]
