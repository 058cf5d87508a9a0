"""The temporal tagger's rules: one regular expression and one value function each.

A rule finds an expression; its function reads the match and the :class:`Context` and
returns ``(type, value)`` in TIMEX3 terms, or None when the match is not a time
expression after all. Rules are tried on the whole text; where matches overlap the
longest wins (see :mod:`lagebild.annotate.timex`). Span conventions follow the
WikiWarsDE/TIMEX2 annotation: prepositions ("am", "im", "seit") stay outside,
modifiers ("Anfang", "Ende", "Mitte", "fast", "knapp") inside.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from lagebild.annotate.timex_context import Context
from lagebild.annotate.timex_normalise import (
    day_value,
    shift_value,
    week_value,
    weekday_date,
    weekend_value,
    year_value,
)
from lagebild.annotate.timex_vocab import (
    ADJECTIVE_UNITS,
    DECADE_WORDS,
    HOLIDAYS,
    HOUR_SHIFT,
    MONTH_RE,
    NUMBER_RE,
    NUMBER_STEMS,
    NUMBER_WORDS,
    PARTS_OF_DAY,
    PROSE_MONTHS,
    SEASON_MONTH,
    SEASON_RE,
    SEASONS,
    SET_ADVERBS,
    UNIT_RE,
    UNITS,
    WEEKDAY_NUMBERS,
    WEEKDAY_RE,
    alternation,
)

TimexType = Literal["DATE", "TIME", "DURATION", "SET"]
Resolved = tuple[TimexType, str] | None
Handler = Callable[[re.Match[str], Context], Resolved]


@dataclass(frozen=True)
class Rule:
    """A named pattern, its value function and an optional extra test on the match."""

    name: str
    pattern: re.Pattern[str]
    handler: Handler
    check: Callable[[re.Match[str], str], bool] | None = None
    moves_reference: bool = True


# Pieces shared by several patterns.
_MOD = (
    r"(?:(?P<mod>(?:[Gg]egen\s+)?(?:[Aa]nfang|[Ee]nde|[Mm]itte|[Bb]eginn|[Ll]aufe)"
    r"(?:\s+de[rsm])?)\s+)?"
)
_YEAR = r"(?:(?P<year>\d{1,4})\s*v\.\s*Chr\.?|(?P<year4>1\d{3}|20\d\d)(?:\s*n\.\s*Chr\.)?(?![\d]))"
_SAME_YEAR = (
    r"(?P<same>desselben|des\s+gleichen|des\s+selben|dieses|des\s+folgenden|"
    r"des\s+nächsten|des\s+Vorjahres)\s+Jahres"
)
_DAY = r"(?P<day>[12]\d|3[01]|0?[1-9])\."
_POD_OF = (
    r"(?:(?:[Gg]egen\s+)?(?P<podadj>(?:[Ff]rühen|[Ss]päten)\s+)?(?P<pod>Morgen|Morgenstunden|Vormittag|"
    r"Mittag|Nachmittag|Abend|Abendstunden|Nacht|Laufe|Verlauf)\s+(?:des|vom|zum|am)\s+)?"
)
_TIME = (
    r"(?P<hour>[01]?\d|2[0-4])(?:[:.](?P<minute>[0-5]\d))?\s*Uhr(?:\s+(?P<min2>[0-5]\d)(?!\d))?"
    r"(?:\s+(?P<adv>morgens|früh|abends|nachts|nachmittags|vormittags))?"
    r"(?:\s+(?P<tz>mitteleuropäischer\s+Zeit|Ortszeit|MEZ|MESZ))?"
)
_REL = (
    r"(?P<rel>(?i:übernächsten|übernächste|nächsten|nächste|kommenden|kommende|vergangenen|"
    r"vergangene|letzten|letzte|vorigen|vorige|diesen|diesem|dieser|diese|dieses|laufenden|"
    r"laufende|selben|gleichen|folgenden|darauffolgenden|neuen))"
)
_SHIFT_DIR = r"(?:\s+(?P<dir>später|danach|darauf|zuvor|vorher|früher))?"
_REL_OFFSETS = {
    "übernächste": 2,
    "nächste": 1,
    "kommende": 1,
    "folgende": 1,
    "darauffolgende": 1,
    "neue": 1,
    "vergangene": -1,
    "letzte": -1,
    "vorige": -1,
}

# Words after a bare four-digit number that make it a count, not a year.
_COUNT_NOUNS = re.compile(
    r"\s*(?:%|Prozent|Mann\b|Soldaten|Tote|Toten|Menschen|Einwohner|Euro|Dollar|Pfund|"
    r"Mark\b|Rubel|Tonnen|Meter|Kilometer|km\b|Stück|Panzer|Flugzeuge|Schiffe|Geschütze|"
    r"Gefangene|Opfer|Verwundete|Kanonen|Quadrat|Einheiten|Fahrzeuge|Zivilisten|Kämpfer)"
)
_COUNT_BEFORE = re.compile(
    r"(?:Nr\.|Nummer|Artikel|Art\.|Paragra(?:f|ph)|§|Punkt|Resolution|Seite|S\.|Kapitel|"
    r"Flug|Linie|Platz|Höhe|Hausnummer|Kilometer|Version|Modell|Typ|etwa|rund|über|fast|"
    r"knapp|insgesamt|nur|mindestens|weitere|ca\.|circa|von\s+rund|mehr\s+als)\s*$",
    re.IGNORECASE,
)
_TEMPORAL_BEFORE = re.compile(
    r"\b(?:in|im|Im|seit|Seit|bis|Bis|ab|Ab|um|Um|vor|Vor|nach|Nach|von|Von|zwischen|"
    r"Jahre?s?|Sommer|Herbst|Winter|Frühjahr|Anfang|Ende|Mitte|Beginn)\s+$"
)
_NOUN_AFTER = re.compile(r"[ \t]+[A-ZÄÖÜ]")
_MONTH_PAIR = re.compile(rf"\s*(?:/|[–-]|bis|und)\s*(?:{MONTH_RE})s?\s+\d{{4}}")
_CONTEXT_WORDS = re.compile(
    r"(?:\b(?:im|Im|seit|Seit|bis|Bis|ab|Ab|vom|zum|von|Von|nach|Nach|vor|Vor|und|oder|"
    r"Monat|Monats|des|den|dem|diesen|diesem|letzten|vergangenen|kommenden|nächsten|"
    r"über|zwischen|Zwischen|bis\s+zum|Ende|Anfang|Mitte|Beginn|späten|frühen)\s+)$"
)


def _year_of(match: re.Match[str], ctx: Context) -> int | None:
    """The year a match names (BC as 1 - n), or the one its words refer to."""
    groups = match.groupdict()
    if groups.get("year4"):
        return int(groups["year4"])
    if groups.get("year"):
        return 1 - int(groups["year"])
    same = groups.get("same")
    if same:
        base = ctx.base_year(anaphoric=True)
        if base is None:
            return None
        if "folgend" in same or "nächst" in same:
            return base + 1
        return base - 1 if "Vorjahr" in same else base
    return None


def _month_of(match: re.Match[str]) -> int:
    """The month number of the ``mon`` group (genitive "Februars" included)."""
    name = match.group("mon").lower()
    return PROSE_MONTHS.get(name, PROSE_MONTHS.get(name.removesuffix("s"), 1))


def _full_date(match: re.Match[str], ctx: Context) -> Resolved:
    """ "3. Jänner 2026", "Montag, 1. September 1939", "Morgen des 9. Februar 1904"."""
    month = _month_of(match)
    day = int(match.group("day"))
    year = _year_of(match, ctx)
    if year is None:
        year = ctx.year_for(month, day, match.start(), match.end())
    if year is not None and year > 0:
        try:
            date(year, month, day)
        except ValueError:
            return None
    value = f"{year_value(year) if year is not None else 'XXXX'}-{month:02d}-{day:02d}"
    pod = match.groupdict().get("pod")
    if match.groupdict().get("hour"):
        return "TIME", value + _time_part(match)
    if pod and pod.lower() in PARTS_OF_DAY:
        return "TIME", f"{value}T{PARTS_OF_DAY[pod.lower()]}"
    return "DATE", value


def _time_part(match: re.Match[str]) -> str:
    """``T09:00`` from the hour, minute and "abends" of a time match."""
    hour = int(match.group("hour"))
    minute = match.group("minute") or match.groupdict().get("min2") or "00"
    adv = match.groupdict().get("adv")
    if adv and hour < 12:
        hour += HOUR_SHIFT.get(adv, 0)
    suffix = "+01" if match.groupdict().get("tz") in ("mitteleuropäischer Zeit", "MEZ") else ""
    return f"T{hour:02d}:{minute}{suffix}"


def _month_year(match: re.Match[str], ctx: Context) -> Resolved:
    """ "Juni 1950", "im August", "Ende Oktober", "Mai desselben Jahres"."""
    month = _month_of(match)
    year = _year_of(match, ctx)
    if year is None:
        year = ctx.year_for(month, None, match.start(), match.end())
    return "DATE", f"{year_value(year) if year is not None else 'XXXX'}-{month:02d}"


def _year(match: re.Match[str], ctx: Context) -> Resolved:
    """ "1945", "im Jahr 1950", "480 v. Chr.", "Ende 1941"."""
    year = _year_of(match, ctx)
    return None if year is None else ("DATE", year_value(year))


def _bare_year_ok(match: re.Match[str], text: str) -> bool:
    """A bare number is a year unless it counts something.

    Counted: a count noun follows ("1400 Soldaten"), a count word precedes ("rund
    1500"), or any capitalised noun follows on the same line without a temporal
    preposition before the number ("1370 Landungsboote" but "seit 1945 Frieden").
    """
    if match.group("year") or match.groupdict().get("mod") or match.groupdict().get("approx"):
        return True
    if _COUNT_NOUNS.match(text, match.end()):
        return False
    if _COUNT_BEFORE.search(text, max(0, match.start() - 20), match.start()):
        return False
    if _TEMPORAL_BEFORE.search(text, max(0, match.start() - 20), match.start()):
        return True
    return not _NOUN_AFTER.match(text, match.end())


def _context_ok(match: re.Match[str], text: str) -> bool:
    """A bare month or season needs a preposition or modifier before it ("im Mai")."""
    groups = match.groupdict()
    if groups.get("mod") or groups.get("year") or groups.get("year4") or groups.get("same"):
        return True
    if groups.get("adj") or _MONTH_PAIR.match(text, match.end()):
        return True
    if groups.get("mon") == "Mai" and _NOUN_AFTER.match(text, match.end()):
        return False  # "Mai" as a name: "im Mai Thi", not "im Mai begann"
    return bool(_CONTEXT_WORDS.search(text, max(0, match.start() - 14), match.start()))


def _decade(match: re.Match[str], ctx: Context) -> Resolved:
    """ "1990er Jahre" -> 199, "den zwanziger Jahren" -> 192 (the story's century)."""
    digits = match.group("dd")
    if digits and len(digits) == 3:
        return "DATE", digits
    base = ctx.base_year() or 1900
    century = (base // 100) if base > 0 else 19
    if digits:
        decade = int(digits[-1])
        if len(digits) == 1:
            century = 19 if decade > (base % 100) // 10 or base < 2000 else 20
        else:
            century = int(digits[0])
        return "DATE", f"{century:02d}{decade}"
    if base >= 2000:
        century = 19
    return "DATE", f"{century:02d}{DECADE_WORDS[match.group('dw').lower()]}"


def _century(match: re.Match[str], ctx: Context) -> Resolved:
    """ "20. Jahrhunderts" -> 19, "4. Jh. v. Chr." -> BC03."""
    number = int(match.group("n"))
    if match.group("bc"):
        return "DATE", f"BC{number - 1:02d}"
    return "DATE", f"{number - 1:02d}"


def _year_part(match: re.Match[str], ctx: Context) -> Resolved:
    """ "Ende des Jahres", "Jahresende 1789", "Ende des Monats" -> the year or month."""
    year = _year_of(match, ctx)
    offset = _REL_OFFSETS.get((match.group("rel") or "").lower().removesuffix("n"), 0)
    if (match.group("unit") or "").startswith("Monat") or (match.group("comp") or "").startswith(
        "Monat"
    ):
        if ctx.ref_year is not None and ctx.ref_month is not None:
            return "DATE", shift_value(date(max(ctx.ref_year, 1), ctx.ref_month, 1), offset, "M")
        if ctx.anchor:
            return "DATE", shift_value(ctx.anchor, offset, "M")
        return "DATE", "XXXX-XX"
    if (match.group("unit") or "").startswith("Tag"):
        base = ctx.base_day()
        return "DATE", day_value(base) if base else "XXXX-XX-XX"
    if year is None:
        base_year = ctx.base_year(anaphoric=True)
        year = base_year + offset if base_year is not None else None
    return "DATE", year_value(year) if year is not None else "XXXX"


def _season(match: re.Match[str], ctx: Context) -> Resolved:
    """ "Herbst 1775", "im Sommer", "späten Frühjahr 1861" -> 1775-FA."""
    code = SEASONS[match.group("season").lower().removesuffix("s").removesuffix("e")]
    year = _year_of(match, ctx)
    if year is None:
        year = ctx.year_for(SEASON_MONTH[code], None, match.start(), match.end())
    return "DATE", f"{year_value(year) if year is not None else 'XXXX'}-{code}"


def _half(match: re.Match[str], ctx: Context) -> Resolved:
    """ "1. Halbjahr", "zweiten Jahreshälfte", "dritten Quartal" -> 1863-H1, 2025-Q3."""
    ordinal = match.group("ord").lower().rstrip(".")
    number = int(ordinal) if ordinal.isdigit() else {"ersten": 1, "zweiten": 2}.get(ordinal, 0)
    number = number or {"dritten": 3, "vierten": 4, "letzten": 4}.get(ordinal, 1)
    letter = "Q" if match.group("kind").startswith("Quartal") else "H"
    year = _year_of(match, ctx)
    if year is None:
        year = ctx.base_year()
    return "DATE", f"{year_value(year) if year is not None else 'XXXX'}-{letter}{number}"


def _weekday(match: re.Match[str], ctx: Context) -> Resolved:
    """ "am Dienstag" (tense decides), "kommenden Dienstag", "Dienstagabend"."""
    weekday = WEEKDAY_NUMBERS[match.group("wd").lower()]
    rel = (match.group("rel") or "").lower()
    pod = (match.group("pod") or match.group("pod2") or "").lower()
    suffix = f"T{PARTS_OF_DAY[pod]}" if pod in PARTS_OF_DAY else ""
    kind: TimexType = "TIME" if suffix else "DATE"
    base = ctx.base_day() if ctx.narrative or rel in ("selben", "gleichen", "folgenden") else None
    base = base or ctx.anchor
    if base is None:
        return kind, f"XXXX-WXX-{weekday + 1}" + suffix
    if rel.startswith(("kommend", "nächst", "folgend", "darauffolgend")):
        day = weekday_date(base, weekday, "future", strict=True)
    elif rel.startswith(("vergangen", "letzt", "vorig")):
        day = weekday_date(base, weekday, "past", strict=True)
    elif ctx.narrative:
        day = weekday_date(base, weekday, "future", strict=False)
    else:
        day = weekday_date(base, weekday, ctx.direction(match.start(), match.end()), False)
    return kind, day_value(day) + suffix


def _set(match: re.Match[str], ctx: Context) -> Resolved:
    """ "jeden Montag", "montags", "täglich", "pro Jahr"."""
    groups = match.groupdict()
    word = (groups.get("x") or groups.get("adv") or groups.get("pro") or "").lower()
    if groups.get("set"):
        return "SET", SET_ADVERBS[groups["set"].lower()]
    word = word.removesuffix("s") if word.endswith("tags") or word.endswith("ends") else word
    if word in WEEKDAY_NUMBERS:
        return "SET", f"XXXX-WXX-{WEEKDAY_NUMBERS[word] + 1}"
    if word in PARTS_OF_DAY:
        return "SET", f"XXXX-XX-XXT{PARTS_OF_DAY[word]}"
    if word == "wochenende":
        return "SET", "XXXX-WXX-WE"
    units = {"tag": "P1D", "woche": "P1W", "monat": "P1M", "jahr": "P1Y", "stunde": "PT1H"}
    return ("SET", units[word]) if word in units else None


def _relative_unit(match: re.Match[str], ctx: Context) -> Resolved:
    """ "nächste Woche" -> 2025-W51, "vergangenen Wochenende", "im neuen Jahr", "Vorjahr"."""
    rel = (match.group("rel") or "").lower().removesuffix("n")
    if rel.startswith("dies"):
        rel = rel.removesuffix("m").removesuffix("r").removesuffix("s")
    unit = (match.group("unit") or match.group("unit2") or "").lower()
    word = (match.group("word") or "").lower()
    if word:
        offset = -1 if word.startswith("vor") else 1
        unit = word[3:] if word.startswith("vor") else word[5:]
        anaphoric = True
    else:
        offset = _REL_OFFSETS.get(rel, 0)
        anaphoric = rel in ("selbe", "gleiche", "folgende", "darauffolgende") or ctx.narrative
    base = ctx.base_day() if anaphoric else ctx.anchor
    if unit.startswith("jahrzehnt"):
        year = ctx.base_year(anaphoric)
        return None if year is None else ("DATE", f"{(year // 10 + offset):03d}")
    if unit.startswith("jahr"):
        year = ctx.base_year(anaphoric)
        if year is None:
            return "DATE", "XXXX"
        if rel == "neue" and not ctx.narrative and ctx.anchor and ctx.anchor.month < 10:
            offset = 0
        return "DATE", year_value(year + offset)
    if base is None:
        return "DATE", "XXXX-XX"
    if unit.startswith("monat"):
        if anaphoric and ctx.ref_year is not None and ctx.ref_month is not None:
            return "DATE", shift_value(date(max(1, ctx.ref_year), ctx.ref_month, 1), offset, "M")
        return "DATE", shift_value(base, offset, "M")
    if unit == "wochenende":
        if rel in ("vergangene", "letzte", "vorige"):
            return "DATE", weekend_value(base, "past")
        if offset > 0:
            return "DATE", weekend_value(base, "future", offset - 1)
        direction = ctx.direction(match.start(), match.end())
        return "DATE", weekend_value(base, "future" if direction == "future" else "past")
    return "DATE", week_value(base + timedelta(weeks=offset))


def _relative_day(word: str, pod: str, ctx: Context) -> Resolved:
    """ "heute", "gestern Abend", "übermorgen", "am selben Tag", "am Tag darauf"."""
    word = word.lower()
    offsets = {"heute": 0, "gestern": -1, "vorgestern": -2, "morgen": 1, "übermorgen": 2}
    if word in offsets:
        base = ctx.anchor
        offset = offsets[word]
    else:
        base = ctx.base_day()
        offset = 1 if word in ("folgenden", "nächsten", "darauffolgenden", "darauf") else 0
        offset = -1 if word in ("vortag", "zuvor", "vorigen") else offset
    pod = pod.lower()
    suffix = f"T{PARTS_OF_DAY[pod]}" if pod in PARTS_OF_DAY else ("TMO" if pod == "früh" else "")
    kind: TimexType = "TIME" if suffix else "DATE"
    if base is None:
        return kind, ("PRESENT_REF" if word == "heute" else "XXXX-XX-XX") + suffix
    return kind, day_value(base + timedelta(days=offset)) + suffix


def _reference(match: re.Match[str], ctx: Context) -> Resolved:
    """ "jetzt", "bald", "kürzlich": TIMEX3 PRESENT_REF, FUTURE_REF, PAST_REF."""
    word = match.group(0).lower()
    if any(w in word for w in ("bald", "später", "darauf", "danach", "folge", "zukunft", "künft")):
        return "DATE", "FUTURE_REF"
    if any(w in word for w in ("kürzlich", "kurzem", "zuvor", "vorher")):
        return "DATE", "PAST_REF"
    return "DATE", "PRESENT_REF"


def _number(text: str) -> float | None:
    """A number written in digits or words ("drei", "3", "ein halbes")."""
    text = text.lower().replace(",", ".")
    if text in ("anderthalb", "eineinhalb"):
        return 1.5
    if "halb" in text:
        return 0.5
    if text in NUMBER_WORDS:
        return NUMBER_WORDS[text]
    try:
        return float(text)
    except ValueError:
        return None


def _unit_code(word: str) -> str:
    """The TIMEX3 unit letter of a German unit word ("Jahren" -> Y, "Stunden" -> TH)."""
    word = word.lower()
    for stem in sorted(UNITS, key=len, reverse=True):
        if word.startswith(stem):
            return UNITS[stem]
    return "D"


def duration_value(amount: float | None, code: str) -> str:
    """``P3D``, ``PT5H``, ``P18M`` (halves in a smaller unit), ``PXY`` for unknown."""
    time = code.startswith("T")
    letter = code[1:] if time else code
    if amount is not None and amount != int(amount):
        smaller = {"Y": (12, "M"), "M": (30, "D"), "D": (24, "H"), "H": (60, "M")}
        if letter in smaller:
            factor, letter2 = smaller[letter]
            time = time or letter2 == "H" or (letter == "H")
            amount, letter = amount * factor, letter2
    shown = "X" if amount is None else str(int(amount))
    return f"PT{shown}{letter}" if time else f"P{shown}{letter}"


def _duration(match: re.Match[str], ctx: Context) -> Resolved:
    """ "drei Tage" -> P3D, "zwei Tage später" -> a date, "vor vier Jahren" -> a date."""
    amount = _number(match.group("num"))
    code = _unit_code(match.group("unit"))
    direction = match.group("dir")
    pre = (match.group("pre") or "").lower()
    before = pre == "vor"
    direction = direction or ("später" if pre == "nach" else None)
    if (direction or before) and amount is not None and code in ("D", "W", "M", "Y"):
        sign = -1 if before or direction in ("zuvor", "vorher", "früher") else 1
        base = ctx.anchor if before and not ctx.narrative else ctx.base_day()
        if base is None and ctx.base_year() is not None and code == "Y":
            return "DATE", year_value(int(ctx.base_year() or 0) + sign * int(amount))
        if base is None:
            return None
        steps = int(amount * (12 if code == "Y" and amount != int(amount) else 1))
        unit = "M" if code == "Y" and amount != int(amount) else code
        return "DATE", shift_value(base, sign * steps, unit)
    return "DURATION", duration_value(amount, code)


def _vague_duration(match: re.Match[str], ctx: Context) -> Resolved:
    """ "wenige Tage später" -> FUTURE_REF, "mehrere Jahre" -> PXY, "jahrelang" -> PXY."""
    direction = match.groupdict().get("dir")
    if direction:
        return "DATE", "PAST_REF" if direction in ("zuvor", "vorher", "früher") else "FUTURE_REF"
    return "DURATION", duration_value(None, _unit_code(match.group("unit")))


def _adjective_duration(match: re.Match[str], ctx: Context) -> Resolved:
    """ "dreitägigen" -> P3D, "fünfstündigen" -> PT5H, "154-tägiger", "mehrjährigen"."""
    stem = match.group("num").lower().rstrip("-")
    amount: float | None = 1 if stem == "ganz" else None
    if stem.isdigit() or stem in NUMBER_STEMS:
        amount = _number(stem)
    return "DURATION", duration_value(amount, ADJECTIVE_UNITS[match.group("unit").lower()])


def _time(match: re.Match[str], ctx: Context) -> Resolved:
    """ "21:53 Uhr", "um 9 Uhr morgens", "Mitternacht" on the day last mentioned."""
    base = ctx.base_day()
    day = day_value(base) if base else "XXXX-XX-XX"
    if match.groupdict().get("midnight"):
        return "TIME", f"{day}T24:00"
    return "TIME", day + _time_part(match)


def _part_of_day(match: re.Match[str], ctx: Context) -> Resolved:
    """ "am Abend", "in der Nacht", "Abend desselben Tages" on the day last mentioned."""
    base = ctx.base_day()
    groups = match.groupdict()
    offset = 1 if groups.get("next") else 0
    day = day_value(base + timedelta(days=offset)) if base else "XXXX-XX-XX"
    return "TIME", f"{day}T{PARTS_OF_DAY[match.group('pod').lower()]}"


def _holiday(match: re.Match[str], ctx: Context) -> Resolved:
    """ "Weihnachten", "Silvester", "Ersten Weihnachtstag 1776" -> 12-25."""
    name = re.sub(r"\s+", "", match.group("h").lower()).replace("heiligenabend", "heiligabend")
    month, day = HOLIDAYS.get(name, (12, 25))
    if name == "weihnachtstag" and (match.group("ord") or "").lower() == "zweiten":
        day = 26
    year = _year_of(match, ctx)
    if year is None:
        year = ctx.year_for(month, day, match.start(), match.end())
    return "DATE", f"{year_value(year) if year is not None else 'XXXX'}-{month:02d}-{day:02d}"


def _compile(pattern: str) -> re.Pattern[str]:
    """Compile a rule pattern; word boundaries are the rule's own business."""
    return re.compile(pattern)


_PRE_CONTEXT = (
    r"(?:\b(?:im|Im|seit|Seit|bis|Bis|ab|Ab|vom|zum|von|Von|nach|Nach|vor|Vor|und|oder|"
    r"Monat|Monats|des|den|dem|über|zwischen|Zwischen)\s+)"
)

RULES: tuple[Rule, ...] = (
    Rule(
        "full_date",
        _compile(
            rf"(?:(?P<wd>{WEEKDAY_RE}),?\s+(?:(?:den|dem)\s+)?)?{_POD_OF}\b{_DAY}\s*"
            rf"(?P<mon>{MONTH_RE})s?\b(?:,?\s+(?:(?:des\s+Jahres\s+)?{_YEAR}|{_SAME_YEAR}))?"
            rf"(?:,?\s+{_TIME}|\s+(?P<adv2>morgens|abends))?"
        ),
        _full_date,
    ),
    Rule(
        "range_start",
        _compile(
            rf"{_POD_OF}\b{_DAY}(?=\s*(?:(?:bis|und|auf|/|[–-])\s*)?(?:den\s+|dem\s+|zu[mr]\s+)?"
            rf"(?:[12]\d|3[01]|0?[1-9])\.\s*(?P<mon>{MONTH_RE})s?\b(?:\s+{_YEAR})?)"
        ),
        _full_date,
    ),
    Rule(
        "month_year",
        _compile(rf"{_MOD}\b(?P<mon>{MONTH_RE})s?\s+(?:(?:des\s+Jahres\s+)?{_YEAR}|{_SAME_YEAR})"),
        _month_year,
    ),
    Rule("month", _compile(rf"{_MOD}\b(?P<mon>{MONTH_RE})s?\b(?![-–])"), _month_year, _context_ok),
    Rule(
        "year_word",
        _compile(
            rf"{_MOD}(?:(?P<approx>[Uu]m|[Gg]egen|[Ee]twa)\s+das\s+)?\b"
            rf"(?:Jahre?s?|Kriegsjahr(?:e|es)?)\s+{_YEAR}"
        ),
        _year,
    ),
    Rule(
        "year",
        _compile(
            rf"{_MOD}(?:(?P<approx>[Uu]m|[Ee]twa|[Gg]egen|[Cc]a\.)\s+)?(?<![\d.,:€$])\b{_YEAR}"
        ),
        _year,
        _bare_year_ok,
    ),
    Rule(
        "year_after_slash",
        _compile(r"(?<=\b(?P<cent>1\d|20)\d\d/)(?P<yy>\d\d)\b(?![.,]\d)"),
        lambda m, c: ("DATE", m.group("cent") + m.group("yy")),
    ),
    Rule(
        "decade",
        _compile(
            rf"{_MOD}(?:(?:den|der|die)\s+)?\b(?:(?P<dd>\d{{1,3}})0er(?:[- ]?Jahren?)?|"
            rf"(?P<dw>(?i:{alternation(DECADE_WORDS)}))[- ]Jahren?)\b"
        ),
        _decade,
    ),
    Rule(
        "century",
        _compile(rf"{_MOD}\b(?P<n>\d{{1,2}})\.\s*(?:Jahrhunderts?|Jh\.)(?P<bc>\s*v\.\s*Chr\.?)?"),
        _century,
    ),
    Rule(
        "year_part",
        _compile(
            rf"(?:\b(?:[Ee]nde|[Aa]nfang|[Mm]itte|[Bb]eginn|[Ll]aufe)\s+(?:des|dieses)\s+"
            rf"(?:(?P<rel>folgenden|nächsten|vorangegangenen|vorigen|selben|gleichen|laufenden)\s+)?"
            rf"(?P<unit>Jahres|Monats|Tages)|\b(?P<comp>Jahres(?:ende|beginn|anfang|mitte|wechsel)|"
            rf"Monats(?:ende|anfang|mitte)))(?:\s+{_YEAR})?"
        ),
        _year_part,
    ),
    Rule(
        "season",
        _compile(
            rf"(?:(?P<adj>[Ss]päten|[Ff]rühen)\s+)?{_MOD}\b(?P<season>{SEASON_RE})(?:e?s)?\b"
            rf"(?:\s+(?:des\s+Jahres\s+)?{_YEAR}|\s+{_SAME_YEAR})?"
        ),
        _season,
        _context_ok,
    ),
    Rule(
        "half_year",
        _compile(
            r"\b(?P<ord>[1-4]\.|ersten|zweiten|dritten|vierten|letzten)\s+"
            rf"(?P<kind>Halbjahr(?:es|s)?|Jahreshälfte|Quartals?)\b(?:\s+{_YEAR})?"
        ),
        _half,
    ),
    Rule(
        "weekday",
        _compile(
            rf"(?:{_REL}\s+)?\b(?P<wd>{WEEKDAY_RE})(?P<pod>morgen|vormittag|mittag|nachmittag|abend|nacht)?"
            r"\b(?:\s+(?P<pod2>Morgen|Vormittag|Mittag|Nachmittag|Abend|Nacht)\b)?"
        ),
        _weekday,
    ),
    Rule(
        "set",
        _compile(
            rf"\b(?:[Jj]ede[nsr]?\s+(?P<x>{WEEKDAY_RE}|Tag|Woche|Monat|Jahr|Morgen|Abend|Nacht|"
            r"Wochenende)\b|(?P<adv>montags|dienstags|mittwochs|donnerstags|freitags|samstags|"
            rf"sonnabends|sonntags)\b|(?P<set>{alternation(SET_ADVERBS)})(?:e[nmrs]?)?\b|"
            r"[Pp]ro\s+(?P<pro>Tag|Woche|Monat|Jahr|Stunde)\b)"
        ),
        _set,
    ),
    Rule(
        "relative_unit",
        _compile(
            rf"(?:{_REL}\s+(?P<unit>Wochenende|Woche|Monats?|Jahres|Jahr|Jahrzehnts?)\b|"
            r"(?<=\b[Aa]m\s)(?P<unit2>Wochenende)\b|"
            r"\b(?P<word>Vorjahr|Folgejahr|Vormonat|Folgemonat|Vorwoche|Folgewoche)(?:e?s)?\b)"
        ),
        lambda m, c: _relative_unit(m, c),
    ),
    Rule(
        "relative_day",
        _compile(
            r"(?:\b(?P<w>[Hh]eute|[Gg]estern|[Vv]orgestern|[Üü]bermorgen|morgen)\b"
            r"(?:\s+(?P<pod>[Mm]orgen|[Vv]ormittag|[Mm]ittag|[Nn]achmittag|[Aa]bend|[Nn]acht|früh)\b)?|"
            r"(?:\b[Aa]m\s+)?\b(?P<rw>selben|gleichen|folgenden|darauffolgenden|nächsten)\s+Tag\b|"
            r"(?:\b[Aa]m\s+)?\bTag\s+(?P<rw2>darauf|danach|zuvor)\b|\b(?:am\s+)?(?P<rw3>Vortag)\b)"
        ),
        lambda m, c: _relative_day_any(m, c),
        lambda m, t: _morgen_ok(m, t),
        moves_reference=False,
    ),
    Rule(
        "reference",
        _compile(
            r"\b(?:[Jj]etzt|[Hh]eutzutage|[Dd]erzeit|[Zz]urzeit|[Bb]ald|[Kk]ürzlich|[Vv]or\s+kurzem|[Kk]urz\s+(?:zuvor|vorher|darauf|danach)|"
            r"[Ww]enig\s+später|[Kk]urze\s+Zeit\s+später|[Bb]innen\s+kurzem|[Ii]n\s+Zukunft|"
            r"[Zz]ukünftig|Folgezeit|(?:[Aa]b\s+)?(?:diesem|jenem)\s+Zeitpunkt)\b"
        ),
        _reference,
    ),
    Rule(
        "duration",
        _compile(
            r"(?:(?P<pre>[Vv]or|[Nn]ach)\s+(?!fast|knapp|etwa|rund|ungefähr|mehr|weniger|über))?"
            r"(?:(?P<drel>letzten|vergangenen|nächsten|kommenden|ersten|folgenden)\s+)?"
            r"(?:(?P<dmod>[Ff]ast|[Kk]napp|[Ee]twa|[Rr]und|[Uu]ngefähr|[Mm]ehr\s+als|[Ww]eniger\s+als|"
            r"[Mm]indestens|[Hh]öchstens|[Mm]aximal|[Bb]is\s+zu|[Gg]ut|[Nn]ahezu|[Aa]nnähernd|"
            r"[Ii]nsgesamt|über)\s+)?"
            rf"\b(?P<num>{NUMBER_RE}|ein\s+halbes|einer\s+halben|eine\s+halbe|anderthalb|eineinhalb)"
            rf"\s+(?P<unit>{UNIT_RE})\b{_SHIFT_DIR}"
        ),
        _duration,
    ),
    Rule(
        "vague_duration",
        _compile(
            r"(?:(?P<pre>[Nn]ach|[Ii]nnerhalb)\s+)?\b(?:(?P<q>(?i:wenige[nr]?|einige[nr]?|mehrere[nr]?|"
            r"viele[nr]?|zahlreiche[nr]?|ein\s+paar|etliche[nr]?))\s+|"
            r"(?<=\b(?:den|die|der)\s)(?:kommenden|nächsten|vergangenen|letzten|folgenden|"
            r"darauffolgenden|ersten)\s+)"
            r"(?P<unit>Sekunden|Minuten|Stunden|Tagen?|Wochen|Monaten?|Jahren?|Jahrzehnten?)\b"
            rf"{_SHIFT_DIR}|\b(?P<unit2>Jahrzehnte)\b"
        ),
        lambda m, c: _vague_duration_any(m, c),
    ),
    Rule(
        "adjective_duration",
        _compile(
            rf"\b(?P<num>(?i:{alternation(NUMBER_STEMS)})|\d+-|[Mm]ehr|[Gg]anz)"
            rf"(?P<unit>{alternation(ADJECTIVE_UNITS)})(?:e[nmrs]?)?\b(?!-)|"
            r"\b(?P<lunit>tage|wochen|monate|jahre|jahrzehnte|stunden|minuten)lang(?:e[nmrs]?)?\b"
        ),
        lambda m, c: _adjective_any(m, c),
    ),
    Rule(
        "time",
        _compile(
            rf"(?:(?P<approx>[Kk]napp|[Gg]egen|[Kk]urz\s+(?:vor|nach))\s+)?\b{_TIME}|"
            r"(?<=[Uu]m\s)(?P<hour2>[01]?\d|2[0-3])[:.](?P<minute2>[0-5]\d)(?!\d)|"
            r"\b(?P<midnight>Mitternacht)\b"
        ),
        lambda m, c: _time_any(m, c),
    ),
    Rule(
        "part_of_day",
        _compile(
            r"(?:(?:(?<=\b[Aa]m\s)|(?<=\b[Ii]n\sder\s)|(?<=\b[Gg]egen\s)|(?<=\bgegen\s))"
            r"(?:(?:frühen|späten)\s+)?|(?:selben|gleichen)\s+|(?P<next>nächsten|folgenden)\s+)"
            r"(?P<pod>Morgen|Vormittag|Nachmittag|Abend|Nacht|Abendstunden|Morgenstunden)\b"
            r"(?:\s+(?:desselben|dieses|des\s+selben|des\s+gleichen)\s+Tages|\s+darauf)?"
            r"(?!\s+de[sr]\s)"
        ),
        _part_of_day,
    ),
    Rule(
        "holiday",
        _compile(
            r"(?:(?P<ord>[Ee]rsten|[Zz]weiten)\s+)?\b(?P<h>Heiligabend|Heiligen\s+Abend|Weihnachten|"
            rf"Weihnachtstag|Silvester|Neujahrstag|Neujahr)\b(?:\s+{_YEAR})?"
        ),
        _holiday,
    ),
)


def _relative_day_any(match: re.Match[str], ctx: Context) -> Resolved:
    """Dispatch the forms of the relative-day rule to :func:`_relative_day`."""
    word = match.group("w") or match.group("rw") or match.group("rw2") or match.group("rw3")
    return _relative_day(word or "", match.group("pod") or "", ctx)


def _morgen_ok(match: re.Match[str], text: str) -> bool:
    """Lower-case "morgen" is tomorrow, except in "heute morgen", "guten morgen"."""
    if match.group("w") != "morgen":
        return True
    before = text[max(0, match.start() - 8) : match.start()].lower()
    return not re.search(r"\b(?:am|den|des|guten|jeden|dem|vom)\s+$", before)


def _vague_duration_any(match: re.Match[str], ctx: Context) -> Resolved:
    """Both forms of the vague-duration rule."""
    if match.group("unit2"):
        return "DURATION", "PXDE"
    return _vague_duration(match, ctx)


def _adjective_any(match: re.Match[str], ctx: Context) -> Resolved:
    """Both forms of the adjective-duration rule ("dreitägig", "jahrelang")."""
    if match.group("lunit"):
        return "DURATION", duration_value(None, _unit_code(match.group("lunit")))
    return _adjective_duration(match, ctx)


def _time_any(match: re.Match[str], ctx: Context) -> Resolved:
    """The clock-time forms: "21:53 Uhr", "um 9:30", "Mitternacht"."""
    if match.group("hour2"):
        base = ctx.base_day()
        day = day_value(base) if base else "XXXX-XX-XX"
        return "TIME", f"{day}T{int(match.group('hour2')):02d}:{match.group('minute2')}"
    return _time(match, ctx)
