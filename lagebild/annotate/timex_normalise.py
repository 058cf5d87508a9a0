"""Calendar arithmetic for the temporal tagger: TIMEX3 value strings and anchoring.

The rules in :mod:`lagebild.annotate.timex_rules` find an expression and say what it
means ("the Tuesday before the anchor", "October of a year to be chosen"); the
functions here turn that into a TIMEX3 value against an anchor date. Kept apart so that
the arithmetic can be tested on its own and read without the regular expressions.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Literal

Direction = Literal["past", "future", "unknown"]

# Words that put a clause ahead of the anchor: modal and future auxiliaries, plans and
# expectations. Checked on the seed pages and German news phrasing, not tuned on data.
_FUTURE_CUES = re.compile(
    r"\b(?:wird|werden|werde|wirst|soll|sollen|solle|sollten|will|wollen|wolle|"
    r"erwartet|erwarte|erwarten|geplant\w*|plant|planen|bevorstehend\w*|"
    r"voraussichtlich|angekündigt|anstehend\w*|künftig\w*)\b",
    re.IGNORECASE,
)
# Words that put a clause before the anchor: past auxiliaries (Perfekt,
# Plusquamperfekt, passive) and common reporting verbs in the Präteritum.
_PAST_CUES = re.compile(
    r"\b(?:hatte|hatten|hat|haben|habe|hätte|hätten|war|waren|wurde|wurden|worden|"
    r"gewesen|sagte|sagten|erklärte|erklärten|teilte|teilten|endete|endeten|traf|"
    r"trafen|betonte|berichtete|berichteten|sprach|sprachen|kündigte|kündigten|"
    r"fand|fanden|begann|begannen|kam|kamen|gab|ging|stand|zeigte|nannte|schrieb|"
    r"vergangen\w*|zuletzt|bereits|damals)\b",
    re.IGNORECASE,
)


def clause_direction(clause: str) -> Direction:
    """Whether a sentence speaks of the past or the future, from its verbs and cues.

    >>> clause_direction("Am Dienstag hatte Witkoff den Stand erläutert.")
    'past'
    >>> clause_direction("am Donnerstag wird eine Delegation erwartet")
    'future'
    """
    future = len(_FUTURE_CUES.findall(clause))
    past = len(_PAST_CUES.findall(clause))
    if future > past:
        return "future"
    if past:
        return "past"
    return "unknown"


def day_value(day: date) -> str:
    """``YYYY-MM-DD``."""
    return day.isoformat()


def week_value(day: date) -> str:
    """The ISO week of a day as TIMEX3 writes it, ``2025-W51``."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def weekday_date(anchor: date, weekday: int, direction: Direction, strict: bool) -> date:
    """The named weekday (0 = Monday) nearest the anchor in the given direction.

    ``strict`` excludes the anchor day itself ("kommenden Dienstag" said on a Tuesday
    is next week's). Unknown direction takes the nearer of the two, the past on a tie,
    since news reports more often than it announces.
    """
    back = (anchor.weekday() - weekday) % 7
    ahead = (weekday - anchor.weekday()) % 7
    if strict:
        back = back or 7
        ahead = ahead or 7
    if direction == "past":
        return anchor - timedelta(days=back)
    if direction == "future":
        return anchor + timedelta(days=ahead)
    return anchor - timedelta(days=back) if back <= ahead else anchor + timedelta(days=ahead)


def weekend_value(anchor: date, direction: Direction, shift: int = 0) -> str:
    """The weekend before or after the anchor as ``2025-W51-WE``.

    ``shift`` moves by whole weeks ("übernächstes Wochenende"). A weekend day as anchor
    counts as this weekend in either direction.
    """
    if anchor.weekday() >= 5:
        saturday = anchor - timedelta(days=anchor.weekday() - 5)
    elif direction == "future":
        saturday = anchor + timedelta(days=5 - anchor.weekday())
    else:
        saturday = anchor - timedelta(days=anchor.weekday() + 2)
    return week_value(saturday + timedelta(weeks=shift)) + "-WE"


def nearest_year(anchor: date, month: int, day: int | None, direction: Direction) -> int:
    """The year that puts a year-less month (and day) nearest the anchor.

    "am 3. Jänner" written on 31 December is next January; "im August" in a past-tense
    sentence in December is this year's August. With a direction the date stays on that
    side of the anchor; without one it is the closest of last, this and next year.
    """
    best_year = anchor.year
    best_distance: int | None = None
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        start = _safe_date(year, month, day or 1)
        end = _safe_date(year, month, day) if day else _month_end(year, month)
        if direction == "past" and start > anchor:
            continue
        if direction == "future" and end < anchor:
            continue
        if start <= anchor <= end:
            distance = 0
        else:
            distance = min(abs((start - anchor).days), abs((end - anchor).days))
        if best_distance is None or distance < best_distance:
            best_year, best_distance = year, distance
    return best_year


def year_value(year: int) -> str:
    """A year as TIMEX3 writes it: four digits, ``BC`` before the common era."""
    if year <= 0:
        return f"BC{1 - year:04d}"
    return f"{year:04d}"


def shift_value(base: date, amount: int, unit: str) -> str:
    """The date ``amount`` units after ``base`` at the unit's granularity.

    >>> shift_value(date(1941, 4, 10), 2, "D")
    '1941-04-12'
    >>> shift_value(date(1941, 4, 10), -1, "M")
    '1941-03'
    """
    if unit == "D":
        return day_value(base + timedelta(days=amount))
    if unit == "W":
        return day_value(base + timedelta(weeks=amount))
    if unit == "M":
        months = base.year * 12 + base.month - 1 + amount
        return f"{months // 12:04d}-{months % 12 + 1:02d}"
    return year_value(base.year + amount)


def _safe_date(year: int, month: int, day: int) -> date:
    """A date, with 29 February falling back to the 28th in common years."""
    try:
        return date(year, month, day)
    except ValueError:
        return date(year, month, 28)


def _month_end(year: int, month: int) -> date:
    """The last day of a month."""
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)
