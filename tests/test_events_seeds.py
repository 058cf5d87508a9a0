"""Events of the five seed pages against the hand annotation: the gate of the events stage."""

from __future__ import annotations

from pathlib import Path

import pytest

from lagebild.eval.events import evaluate_seed_events, same_date


@pytest.fixture(scope="module")
def report(seeds_dir: Path, gold_path: Path) -> dict[str, object]:
    return evaluate_seed_events(seeds_dir, gold_path)


def test_events_seed_gold_found(report: dict[str, object]) -> None:
    # The floor: at least 9 of the 11 gold events with the right date and the
    # right place or participants (weekday and weekend resolution included).
    assert report["gold"] == 11
    assert isinstance(report["found"], int) and report["found"] >= 9, report["missed"]


def test_events_seed_meeting_in_moscow_is_one_event(report: dict[str, object]) -> None:
    events = report["events"]
    assert isinstance(events, list)
    moscow = [e for e in events if e["date"] == "2025-12-02" and e["type"] == "meeting"]
    assert len(moscow) == 1
    assert {"Steve Witkoff", "Wladimir Putin"} <= set(moscow[0]["participants"])


def test_events_seed_copies_report_one_event(report: dict[str, object]) -> None:
    events = report["events"]
    assert isinstance(events, list)
    miami = [
        e for e in events if e["place"] == "Miami" and same_date("2025-12-20/2025-12-21", e["date"])
    ]
    assert len(miami) == 1


def test_events_dates_compare_as_days() -> None:
    assert same_date("2025-12-20/2025-12-21", "2025-W51-WE")
    assert same_date("2025-10-24/2025-10-26", "2025-10-25")
    assert not same_date("2025-12-02", "2025-12-03")
    assert not same_date("2025-12", None)
