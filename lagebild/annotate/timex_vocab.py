"""Word lists and regular-expression pieces shared by the temporal tagger's rules.

Month names come from :data:`lagebild.extract.dates.MONTHS` (Austrian "Jänner",
"Feber" included) so that page headers and running text read months the same way;
only the full names are used in prose, since abbreviations like "Mai" vs "Mais" or
"Jan" as a first name would misfire there.
"""

from __future__ import annotations

from collections.abc import Iterable

from lagebild.extract.dates import MONTHS, WEEKDAYS

# Full month names only; "sept" and the three-letter forms are header abbreviations.
PROSE_MONTHS = {name: num for name, num in MONTHS.items() if len(name) >= 4 and name != "sept"}
PROSE_MONTHS["mai"] = 5

WEEKDAY_NUMBERS = {name: i for i, name in enumerate(WEEKDAYS)}
WEEKDAY_NUMBERS["sonnabend"] = 5

NUMBER_WORDS = {
    "ein": 1,
    "eine": 1,
    "einen": 1,
    "einem": 1,
    "einer": 1,
    "eines": 1,
    "zwei": 2,
    "beide": 2,
    "beiden": 2,
    "drei": 3,
    "vier": 4,
    "fünf": 5,
    "sechs": 6,
    "sieben": 7,
    "acht": 8,
    "neun": 9,
    "zehn": 10,
    "elf": 11,
    "zwölf": 12,
    "dreizehn": 13,
    "vierzehn": 14,
    "fünfzehn": 15,
    "sechzehn": 16,
    "siebzehn": 17,
    "achtzehn": 18,
    "neunzehn": 19,
    "zwanzig": 20,
    "dreißig": 30,
    "vierzig": 40,
    "fünfzig": 50,
    "sechzig": 60,
    "siebzig": 70,
    "achtzig": 80,
    "neunzig": 90,
    "hundert": 100,
}
# Stems of the adjectives "dreitägig", "zweijährig": "ein" becomes "ein" as well.
NUMBER_STEMS = {k: v for k, v in NUMBER_WORDS.items() if not k.startswith(("eine", "beid"))}

ORDINAL_WORDS = {"ersten": 1, "zweiten": 2, "dritten": 3, "vierten": 4, "letzten": 4}

DECADE_WORDS = {
    "zehner": 1,
    "zwanziger": 2,
    "dreißiger": 3,
    "vierziger": 4,
    "fünfziger": 5,
    "sechziger": 6,
    "siebziger": 7,
    "achtziger": 8,
    "neunziger": 9,
}

# Unit word stem -> TIMEX3 duration letter; "T" marks the time units (PT5H).
UNITS = {
    "sekunde": "TS",
    "minute": "TM",
    "stunde": "TH",
    "tag": "D",
    "woche": "W",
    "monat": "M",
    "jahr": "Y",
    "jahrzehnt": "DE",
    "jahrhundert": "CE",
    "nacht": "NI",
    "nächte": "NI",
}
ADJECTIVE_UNITS = {
    "sekündig": "TS",
    "minütig": "TM",
    "stündig": "TH",
    "tägig": "D",
    "wöchig": "W",
    "monatig": "M",
    "jährig": "Y",
}

SEASONS = {
    "frühjahr": "SP",
    "frühling": "SP",
    "sommer": "SU",
    "herbst": "FA",
    "winter": "WI",
    "spätsommer": "SU",
    "frühsommer": "SU",
    "spätherbst": "FA",
    "frühherbst": "FA",
    "spätwinter": "WI",
}
SEASON_MONTH = {"SP": 4, "SU": 7, "FA": 10, "WI": 1}

PARTS_OF_DAY = {
    "morgen": "MO",
    "morgenstunden": "MO",
    "vormittag": "MO",
    "mittag": "MI",
    "mittagsstunden": "MI",
    "nachmittag": "AF",
    "abend": "EV",
    "abendstunden": "EV",
    "nacht": "NI",
}
# "9 Uhr abends": hours to add to the printed hour.
HOUR_SHIFT = {"abends": 12, "nachmittags": 12, "nachts": 0, "morgens": 0, "früh": 0}

SET_ADVERBS = {
    "stündlich": "PT1H",
    "täglich": "P1D",
    "alltäglich": "P1D",
    "wöchentlich": "P1W",
    "monatlich": "P1M",
    "vierteljährlich": "P3M",
    "halbjährlich": "P6M",
    "jährlich": "P1Y",
    "alljährlich": "P1Y",
}

HOLIDAYS = {
    "heiligabend": (12, 24),
    "weihnachten": (12, 25),
    "silvester": (12, 31),
    "neujahr": (1, 1),
    "neujahrstag": (1, 1),
}


def alternation(words: Iterable[str], capital: bool = False) -> str:
    """A regex alternation of words, longest first, optionally with a capital letter."""
    names = sorted(words, key=len, reverse=True)
    if capital:
        names = [n[0].upper() + n[1:] for n in names]
    return "|".join(names)


MONTH_RE = alternation(PROSE_MONTHS, capital=True)
WEEKDAY_RE = alternation(WEEKDAY_NUMBERS, capital=True)
NUMBER_RE = r"\d{1,3}(?:,\d)?|" + alternation(NUMBER_WORDS) + "|" + alternation(NUMBER_WORDS, True)
UNIT_RE = (
    r"Sekunden?|Minuten?|Stunden?|Tage[ns]?|Tag|Wochen?|Monate[ns]?|Monats?|"
    r"Jahrzehnte[ns]?|Jahrzehnts?|Jahrhunderte[ns]?|Jahrhunderts?|Jahre[ns]?|Jahrs?|"
    r"Nächte|Nacht"
)
SEASON_RE = alternation(SEASONS, capital=True)
