"""German time expressions in running text, normalised to TIMEX3 values.

``tag_timexes(text, anchor)`` finds dates ("3. Jänner 2026", "22.12.2025", "Ende
Oktober", "Mitte der 1990er Jahre"), times ("21:53 Uhr"), durations ("seit fast vier
Jahren" -> P4Y) and sets ("jeden Montag"), and resolves relative ones against the
anchor, the article's date: "am Dienstag" in a past-tense sentence is the Tuesday before,
"am kommenden Dienstag" the one after, "nächste Woche" an ISO week (``2025-W51``).

Ranges: "vom 24. bis zum 26. Oktober" gives two DATEs, ``2025-10-24`` for "24." and
``2025-10-26`` for "26. Oktober", the way TIMEX2/TIMEX3 corpora annotate them (a range is
two points; the events stage joins them into ``2025-10-24/2025-10-26``).

How it works, in order: every rule of :mod:`lagebild.annotate.timex_rules` and the page
date shapes of :func:`lagebild.extract.dates.find_dates` propose spans; overlapping
proposals are settled longest first; the survivors are resolved left to right so that
a year-less date or "am selben Tag" can use the date read before it; a time right after
a date merges with it ("am 8. Mai, 23:01 Uhr").

Example::

    >>> from datetime import date
    >>> [(t.text, t.value) for t in tag_timexes("Am Dienstag hatte er es erläutert.",
    ...                                           date(2025, 12, 4))]
    [('Dienstag', '2025-12-02')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from lagebild.annotate.regex_start import finditer, start_filter
from lagebild.annotate.timex_context import Context
from lagebild.annotate.timex_rules import RULES, Rule, TimexType
from lagebild.annotate.timex_vocab import WEEKDAY_RE
from lagebild.extract.dates import find_dates
from lagebild.model import Timex

# What may stand between a date and a clock time that belongs to it ("um" does not:
# TIMEX2 annotates "am 5. Mai um 7 Uhr" as two expressions).
_DATE_TIME_GAP = re.compile(r"\s*[,|]?\s*")
_FULL_DAY = re.compile(r"^(?:\d{4}|XXXX)-\d\d-\d\d")
_WEEKDAY_ONLY = re.compile(rf"^(?:{WEEKDAY_RE})$")


@dataclass
class _Proposal:
    """A span a rule proposes, before the overlaps are settled."""

    start: int
    end: int
    order: int
    rule: Rule | None
    match: re.Match[str] | None
    iso: str | None = None


def tag_timexes(text: str, anchor: date | None, *, narrative: bool = False) -> list[Timex]:
    """Every time expression in ``text``, with offsets into it and a TIMEX3 value.

    ``anchor`` is the article's date; without one, relative expressions keep ``X``
    placeholders (``XXXX-WXX-2``) or ``PRESENT_REF``. ``narrative=True`` is for texts
    that tell a story in the past (history articles): year-less dates then take the
    year last mentioned instead of the one nearest the anchor.

    >>> [(t.text, t.type, t.value) for t in tag_timexes(
    ...     "Der Krieg dauert seit fast vier Jahren an.", date(2025, 12, 22))]
    [('fast vier Jahren', 'DURATION', 'P4Y')]
    """
    proposals = _propose(text)
    chosen = _settle(proposals)
    ctx = Context(text=text, anchor=anchor, narrative=narrative)
    found: list[Timex] = []
    heading: tuple[int | None, int | None] | None = None
    last_end = 0
    for prop in chosen:
        if narrative and heading is not None and "\n" in text[last_end : prop.start]:
            # A year in a heading ("1862", "Westfront 1944/1945") scopes its section:
            # each paragraph starts again from it, not from the last paragraph's dates.
            ctx.ref_year, ctx.ref_month = heading
            ctx.ref_day = None
        last_end = prop.end
        resolved = _resolve(prop, ctx)
        if resolved is None:
            continue
        kind, value = resolved
        timex = Timex(text[prop.start : prop.end], prop.start, prop.end, kind, value)
        if kind in ("DATE", "TIME") and (prop.rule is None or prop.rule.moves_reference):
            ctx.note(value)
            if narrative and _in_heading(text, prop.start, prop.end):
                heading = (ctx.ref_year, ctx.ref_month)
        if found and _joins(found[-1], timex, text):
            previous = found.pop()
            if _FULL_DAY.match(timex.value):
                value = timex.value  # "Mittwoch, 31. Dezember 2025": the date decides
            else:
                value = previous.value[:10] + timex.value[timex.value.index("T") :]
            kind = "TIME" if "T" in value else "DATE"
            timex = Timex(text[previous.start : timex.end], previous.start, timex.end, kind, value)
        found.append(timex)
    return found


# Where each rule can start. A time expression begins where a word or a number begins:
# "letzten Monat" inside "vorletzten Monat" or "mitte 2015" inside "Jahresmitte 2015"
# are not expressions of their own. Trying each rule only there makes tagging 3x faster.
_STARTS = tuple(start_filter(rule.pattern, word_start=True) for rule in RULES)


def _propose(text: str) -> list[_Proposal]:
    """All spans any rule accepts, plus the header date shapes of ``extract.dates``."""
    proposals: list[_Proposal] = []
    for order, (rule, starts) in enumerate(zip(RULES, _STARTS, strict=True)):
        for match in finditer(rule.pattern, starts, text):
            if match.end() == match.start():
                continue
            if rule.check is not None and not rule.check(match, text):
                continue
            proposals.append(_Proposal(match.start(), match.end(), order, rule, match))
    for found in find_dates(text):
        proposals.append(_Proposal(found.start, found.end, len(RULES), None, None, found.iso))
    return proposals


def _settle(proposals: list[_Proposal]) -> list[_Proposal]:
    """Keep the longest of overlapping spans (earlier rule on a tie), in text order."""
    kept: list[_Proposal] = []
    taken = bytearray()
    for prop in sorted(proposals, key=lambda p: (p.start - p.end, p.order, p.start)):
        if len(taken) < prop.end:
            taken.extend(b"\0" * (prop.end - len(taken)))
        if any(taken[prop.start : prop.end]):
            continue
        taken[prop.start : prop.end] = b"\1" * (prop.end - prop.start)
        kept.append(prop)
    return sorted(kept, key=lambda p: p.start)


def _resolve(prop: _Proposal, ctx: Context) -> tuple[TimexType, str] | None:
    """The ``(type, value)`` of a kept span."""
    if prop.iso is not None:
        return ("TIME" if "T" in prop.iso else "DATE"), prop.iso
    assert prop.rule is not None and prop.match is not None
    return prop.rule.handler(prop.match, ctx)


def _in_heading(text: str, start: int, end: int) -> bool:
    """Whether a span stands on a short line of its own without a closing full stop."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : line_end if line_end >= 0 else len(text)].strip()
    return 0 < len(line) <= 80 and not line.endswith((".", ":", "!", "?"))


def _joins(previous: Timex, current: Timex, text: str) -> bool:
    """A clock time right after a day-level date belongs to it; so does a date after a
    bare weekday ("Mittwoch, 31. Dezember 2025")."""
    if _DATE_TIME_GAP.fullmatch(text[previous.end : current.start]) is None:
        return False
    if _WEEKDAY_ONLY.match(previous.text) and _FULL_DAY.match(current.value):
        return True
    if current.type != "TIME" or not re.search(r"T\d\d:\d\d", current.value):
        return False
    return re.match(r"^(?:\d{4}|XXXX)-\d\d-\d\d$", previous.value) is not None
