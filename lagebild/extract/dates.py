"""Publication dates as German news pages print them, to ISO 8601.

Shapes handled (with or without weekday, "Uhr", "Stand:", "Aktualisiert am"):
``22.12.2025 - 01:38:56``, ``19.11.2025, 09:47 Uhr``, ``Mittwoch, 31. Dezember 2025 |
21:53 Uhr``, ``3. Jänner 2026``, ``2025-12-04``, ``2025-12-04T10:00:00+01:00``.
The time is kept as printed: minutes, or seconds where the page shows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    "januar": 1,
    "jänner": 1,
    "jaenner": 1,
    "jan": 1,
    "februar": 2,
    "feber": 2,
    "feb": 2,
    "märz": 3,
    "maerz": 3,
    "mär": 3,
    "mrz": 3,
    "april": 4,
    "apr": 4,
    "mai": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "dezember": 12,
    "dez": 12,
}
WEEKDAYS = ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag")

_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_TIME = r"(?P<hour>[01]?\d|2[0-3])[:.](?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d))?(?:\s*Uhr)?"
_NUMERIC = r"(?P<day>[0-3]?\d)\.\s?(?P<month>[01]?\d)\.\s?(?P<year>(?:19|20)\d\d)"
_NAMED = rf"(?P<day>[0-3]?\d)\.\s*(?P<mname>{_MONTH_NAMES})\.?\s+(?P<year>(?:19|20)\d\d)"
_ISO = (
    r"(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)"
    r"(?:[T ](?P<hour>[01]\d|2[0-3]):(?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d))?)?"
)
_SEP = r"\s*(?:[-–|,/]|um|,?\s*um)?\s*"

DATE_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"{_NUMERIC}(?:{_SEP}{_TIME})?",
        rf"{_NAMED}(?:{_SEP}{_TIME})?",
        _ISO,
    )
)

# Words that may stand around a date on a date line without making it prose.
_DATE_LINE_NOISE = re.compile(
    r"\b(?:stand|aktualisiert|veröffentlicht|erstellt|zuletzt|geändert|publiziert|datum|"
    r"am|um|uhr|vom|update|mez|mesz|cet|cest|" + "|".join(WEEKDAYS) + r")\b|[\s:,.|\-–/()]",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FoundDate:
    """A date found in a string, its ISO form and where it stood."""

    iso: str
    start: int
    end: int

    @property
    def day(self) -> str:
        """The date part alone."""
        return self.iso[:10]


def find_dates(text: str) -> list[FoundDate]:
    """Every valid date in ``text``, in order of position, the longest match at a place."""
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            iso = _to_iso(match)
            if iso is not None:
                found.append(FoundDate(iso, match.start(), match.end()))
                taken.append((match.start(), match.end()))
    return sorted(found, key=lambda f: f.start)


def parse_date_line(line: str) -> str | None:
    """The ISO date of a line that is a date line and nothing else, else None.

    >>> parse_date_line("Mittwoch, 31. Dezember 2025 | 21:53 Uhr")
    '2025-12-31T21:53'
    >>> parse_date_line("Am 3. Jänner 2026 trafen sich die Berater.") is None
    True
    """
    line = line.strip()
    if not line or len(line) > 80:
        return None
    dates = find_dates(line)
    if len(dates) != 1:
        return None
    rest = line[: dates[0].start] + " " + line[dates[0].end :]
    if _DATE_LINE_NOISE.sub("", rest):
        return None
    return dates[0].iso


def _to_iso(match: re.Match[str]) -> str | None:
    """Turn a date match into ISO 8601, or None if the date does not exist."""
    groups = match.groupdict()
    year = int(groups["year"])
    month = MONTHS[groups["mname"].lower()] if groups.get("mname") else int(groups["month"])
    day = int(groups["day"])
    try:
        iso = date(year, month, day).isoformat()
    except ValueError:
        return None
    if groups.get("hour") is not None:
        iso += f"T{int(groups['hour']):02d}:{groups['minute']}"
        if groups.get("second"):
            iso += f":{groups['second']}"
    return iso
