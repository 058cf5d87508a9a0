"""TIMEX3 values as spans of days, so events can be placed, filtered and put in a calendar.

Events carry the value the text gave: a day (``2025-12-22``), a week (``2025-W51``), a
weekend (``2025-W51-WE``), a month, a year, or an interval ``start/end``. A chart, a date
filter and an iCalendar entry all need the first and last day that value covers.

>>> day_span("2025-W51-WE")
(datetime.date(2025, 12, 20), datetime.date(2025, 12, 21))
>>> day_span("2025-10-24/2025-10-26")
(datetime.date(2025, 10, 24), datetime.date(2025, 10, 26))
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:T.*)?")
_WEEK = re.compile(r"(\d{4})-W(\d{2})(-WE)?")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_YEAR = re.compile(r"(\d{4})")


def day_span(value: str | None) -> tuple[date, date] | None:
    """First and last day a TIMEX3 date value covers; None when undated or not a date."""
    if not value:
        return None
    if "/" in value:
        first, _, last = value.partition("/")
        a, b = day_span(first), day_span(last)
        if a is None or b is None or b[1] < a[0]:
            return a or b
        return a[0], b[1]
    try:
        if match := _DAY.fullmatch(value):
            day = date(int(match[1]), int(match[2]), int(match[3]))
            return day, day
        if match := _WEEK.fullmatch(value):
            monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
            if match[3]:
                return monday + timedelta(days=5), monday + timedelta(days=6)
            return monday, monday + timedelta(days=6)
        if match := _MONTH.fullmatch(value):
            year, month = int(match[1]), int(match[2])
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        if match := _YEAR.fullmatch(value):
            return date(int(match[1]), 1, 1), date(int(match[1]), 12, 31)
    except ValueError:  # month 13, week 54: a value the tagger should not have made
        return None
    return None


def iso_span(value: str | None) -> tuple[str | None, str | None]:
    """``day_span`` as ISO strings, (None, None) when undated: for SQL and flat tables."""
    span = day_span(value)
    if span is None:
        return None, None
    return span[0].isoformat(), span[1].isoformat()


def date_order(value: str | None) -> tuple[str, str]:
    """A sort key in the order of the days a value covers: by its first day, then its
    last (undated, or not a date, last). As text "2025-W48-WE" (29-30 November) would
    sort after every December day."""
    first, last = iso_span(value)
    return first or "9999", last or "9999"
