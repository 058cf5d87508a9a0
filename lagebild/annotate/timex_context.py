"""What the temporal tagger knows while it reads: the anchor and the last date mentioned.

News resolves relative expressions against the article's date (the *anchor*);
narratives such as Wikipedia history articles move their own clock, so there a year-less
"am 25. Oktober" takes the year last mentioned. Anaphora ("am selben Tag", "zwei Tage
später") follow the last mentioned date in both modes, falling back to the anchor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from lagebild.annotate.timex_normalise import Direction, clause_direction, nearest_year

# A sentence ends at . ! ? not preceded by a digit (ordinals: "24. Oktober") or at a
# blank line; quotation marks may stand between the mark and the next sentence.
_SENTENCE_END = re.compile(r"(?<!\d)(?<!\b[A-Za-z])[.!?][»«\"“”'’]?\s+|\n")
_DATE_VALUE = re.compile(r"^(BC)?(\d{4})(?:-(\d\d)(?:-(\d\d))?)?")


@dataclass
class Context:
    """The anchor, the mode and the reference date that moves as the text is read."""

    text: str
    anchor: date | None
    narrative: bool
    ref_day: date | None = None
    ref_year: int | None = None
    ref_month: int | None = None

    def sentence(self, start: int, end: int) -> str:
        """The sentence around a span (by punctuation, good enough for tense cues)."""
        left = 0
        for match in _SENTENCE_END.finditer(self.text, max(0, start - 400), start):
            left = match.end()
        found = _SENTENCE_END.search(self.text, end, end + 400)
        right = found.start() if found else min(len(self.text), end + 400)
        return self.text[left:right]

    def direction(self, start: int, end: int) -> Direction:
        """Past or future, from the tense cues of the sentence around a span."""
        return clause_direction(self.sentence(start, end))

    def base_day(self) -> date | None:
        """The day anaphora count from: the last day mentioned, else the anchor.

        In a narrative a month or year read last stands in for the day (its first),
        since the download date of a history article says nothing about its story.
        """
        if self.ref_day is not None:
            return self.ref_day
        if self.narrative and self.ref_year is not None and self.ref_year > 0:
            return date(self.ref_year, self.ref_month or 1, 1)
        return self.anchor

    def base_year(self, anaphoric: bool = False) -> int | None:
        """The year "nächstes Jahr" counts from: the anchor's in news, the story's else."""
        if (self.narrative or anaphoric) and self.ref_year is not None:
            return self.ref_year
        return self.anchor.year if self.anchor else self.ref_year

    def year_for(self, month: int, day: int | None, start: int, end: int) -> int | None:
        """The year of a year-less month or day: the story's year or nearest the anchor."""
        if self.narrative and self.ref_year is not None:
            return self.ref_year
        if self.anchor is None:
            return self.ref_year
        if self.narrative:
            return self.anchor.year
        # The nearest occurrence wins; tense only decides a near tie. Tense cues are
        # weak in reported speech ("hatte mitgeteilt, dass ... am 3. Jänner geplant sei").
        return nearest_year(self.anchor, month, day, "unknown")

    def note(self, value: str) -> None:
        """Move the reference date to a date just read."""
        match = _DATE_VALUE.match(value)
        if not match:
            return
        year = int(match.group(2))
        if match.group(1):
            year = 1 - year
        self.ref_year = year
        self.ref_month = int(match.group(3)) if match.group(3) else None
        if match.group(4) and match.group(3) and year > 0:
            try:
                self.ref_day = date(year, int(match.group(3)), int(match.group(4)))
            except ValueError:
                self.ref_day = None
        elif self.ref_day is not None and (self.ref_day.year, self.ref_day.month) != (
            year,
            self.ref_month,
        ):
            self.ref_day = None
