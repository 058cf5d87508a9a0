"""Words that report an event, and what they say about its kind and status.

A trigger is a noun ("Treffen", "Telefonat", "Gipfel") or a verb form ("traf",
"telefonierte", "besuchte", "empfangen") that reports a meeting, a call, a visit, a
summit, talks or an attack. The status comes from the words around it: "geplant",
"soll", "wollen ... treffen", "erwartet" look ahead; "verschoben" and "abgesagt" say it
did not happen as planned. German compounds carry the kind in their last part:
"Gipfeltreffen" is a summit, "Telefongespräch" a call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Status = Literal["happened", "planned", "postponed", "cancelled"]


@dataclass(frozen=True)
class Trigger:
    """A word that reports an event: its kind, where it is, and whether it is a noun."""

    kind: str
    start: int
    end: int
    text: str
    noun: bool


# (pattern, kind, noun). Patterns match whole words; the first matching pattern wins,
# so the more specific ones (summit, call) come before the general ones (meeting).
_TRIGGERS: tuple[tuple[str, str, bool], ...] = (
    (r"\w*[Gg]ipfel(?:treffen|gespräch\w*|s)?", "summit", True),
    (r"(?:Telefon|Video)(?:at|ate|aten|gespräch\w*|konferenz\w*|schalte\w*)", "call", True),
    (r"telefoniert\w*|telefonier(?:e|en|te|ten)", "call", False),
    (r"(?:Staats|Arbeits|Antritts)?[Bb]esuch(?:e|es|s)?", "visit", True),
    (r"besucht\w*|besuch(?:e|en)", "visit", False),
    (r"\w*[Aa]ngriff(?:e|en|s)?|\w*[Aa]ttacke\w*|\w*[Aa]nschlag\w*", "attack", True),
    (r"angegriffen|griff\w*\s+\w*\s*an\b", "attack", False),
    (
        r"(?:\w+)?(?:Treffen|Verhandlung(?:en|srunde\w*)?|Gespräch(?:e|en|s|srunde\w*)?"
        r"|Beratung(?:en)?|Konferenz(?:en)?)",
        "meeting",
        True,
    ),
    (
        r"traf(?:en|st)?|getroffen|treffen|trifft|verhandel\w*|verhandelt\w*|berieten"
        r"|beraten|berät|empfing\w*|empfangen",
        "meeting",
        False,
    ),
)
_TRIGGER_RES = tuple(
    (re.compile(rf"\b(?:{pattern})\b"), kind, noun) for pattern, kind, noun in _TRIGGERS
)
# Nouns that look like triggers but report none.
_NOT_TRIGGERS = frozenset({"Gesprächspartner", "Gesprächsbereitschaft", "Verhandlungsposition"})

_CANCELLED = re.compile(
    r"\b(?:abgesagt\w*|absagen|sagte\w*\s+\w*\s*ab|gestrichen|geplatzt|platzte)\b"
)
_POSTPONED = re.compile(r"\b(?:verschoben\w*|verschieben|vertagt\w*|verlegt)\b")
_PLANNED = re.compile(
    r"\b(?:geplant\w*|plan(?:t|en|te|ten)|soll(?:e|en|te|ten)?|will|wollen|wollte\w*|werde[n]?"
    r"|wird|erwartet|vorgesehen|angekündigt\w*|kommende[nm]?|nächste[nm]?|bevorstehende\w*"
    r"|in Aussicht)\b"
)
# A past tense at the trigger ("traf", "hatte ... getroffen") or a noun after "nach dem"
# reports what happened, whatever plan words the rest of the sentence holds.
_PAST_VERB = re.compile(r"\b(?:traf(?:en)?|getroffen|telefonierte\w*|besuchte\w*|empfing\w*)\b")
_AFTER = re.compile(
    r"\b(?:[Nn]ach|[Ss]eit|[Bb]ei)\s+(?:de[mnr]|seine[mnr]|ihre[mnr])\s+(?:\w+\s+){0,2}$"
)
# Clauses end at commas, semicolons, colons and dashes.
_CLAUSE_BREAK = re.compile(r"[,;:–—]|\s-\s")


def find_triggers(sentence: str) -> list[Trigger]:
    """Every event trigger in ``sentence``, in text order, overlapping matches dropped."""
    found: list[Trigger] = []
    taken: list[tuple[int, int]] = []
    for pattern, kind, noun in _TRIGGER_RES:
        for match in pattern.finditer(sentence):
            word = match.group(0)
            if word in _NOT_TRIGGERS or _overlaps(match.span(), taken):
                continue
            if noun and not word[:1].isupper():
                continue  # nouns are capitalised; "treffen" as a noun is a verb here
            taken.append(match.span())
            found.append(Trigger(kind, match.start(), match.end(), word, noun))
    return sorted(found, key=lambda trigger: trigger.start)


def status_of(sentence: str, trigger: Trigger) -> Status:
    """Whether the event happened, or was planned, postponed or cancelled, as reported."""
    if _CANCELLED.search(sentence):
        return "cancelled"
    if _POSTPONED.search(sentence):
        return "postponed"
    if _PAST_VERB.search(sentence[max(0, trigger.start - 5) : trigger.end + 5]):
        return "happened"
    if trigger.noun and _AFTER.search(sentence[: trigger.start]):
        return "happened"
    if _PLANNED.search(_clause(sentence, trigger)):
        return "planned"
    return "happened"


def _clause(sentence: str, trigger: Trigger) -> str:
    """The part of ``sentence`` between the clause breaks around the trigger."""
    start = 0
    for match in _CLAUSE_BREAK.finditer(sentence, 0, trigger.start):
        start = match.end()
    after = _CLAUSE_BREAK.search(sentence, trigger.end)
    return sentence[start : after.start() if after else len(sentence)]


def event_type(kind: str, status: Status) -> str:
    """The event's type: its kind, with the status when it did not happen as reported."""
    return kind if status == "happened" else f"{kind}_{status}"


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)
