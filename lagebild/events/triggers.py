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
# Nouns that look like triggers but report none (a court's hearing is no meeting).
_NOT_TRIGGERS = frozenset(
    {
        "Gesprächspartner",
        "Gesprächsbereitschaft",
        "Verhandlungsposition",
        "Hauptverhandlung",
        "Gerichtsverhandlung",
        "Berufungsverhandlung",
        "Strafverhandlung",
    }
)
# "im Gespräch sein" (under discussion), "ins Gespräch bringen"; "im Gespräch mit" is a talk.
_IDIOM_BEFORE = re.compile(r"\b(?:[Ii]m|[Ii]ns)\s+$")
_WITH_AFTER = re.compile(r"^\s+mit\b")
# A court's hearing: "mündliche Verhandlung".
_HEARING_BEFORE = re.compile(r"\bmündliche[nr]?\s+$")
# "trifft auf", "traf auf Widerstand", "Auf Deutschland trifft Ecuador": to come up
# against, as teams in a match do; and a match's words in the clause of a "treffen".
_UP_AGAINST = re.compile(
    r"^\s+(?:(?:er|sie|es|man|nun|dann|jetzt|bereits|erneut|wieder|heute|morgen|abermals"
    r"|zunächst|später|am|im|Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag"
    r"|Wochenende|Finale|Halbfinale)\s+){0,3}auf\b"
)
# "traf am Sonntag in Quito ein": "eintreffen", to arrive.
_ARRIVES = re.compile(r"\bein\W*$")
# "trifft die Japaner hart": to affect.
_HARD_AFTER = re.compile(r"\b(?:hart|schwer|empfindlich|besonders)\b")
# An interview: "im STANDARD-Gespräch", "beim Pressegespräch", "sagt er im Gespräch mit".
_INTERVIEW_NOUN = re.compile(r"(?:[A-ZÄÖÜ0-9]{2,}-|Presse|Hintergrund|Exklusiv)[Gg]espräch\w*")
_MEDIUM_BEFORE = re.compile(r"[A-ZÄÖÜ0-9]{2,}-$")
# "im Gespräch mit dem STANDARD", "mit der Nachrichtenagentur dpa-AFX": a medium's.
_WITH_MEDIUM = re.compile(
    r"^\s+mit\s+(?:de[mnr]|einer?m?)\s+(?:[\w-]+\s+)?(?:[A-ZÄÖÜ]{2,}\b|[\w-]*(?:[Zz]eitung"
    r"|[Aa]gentur|[Nn]achrichten|[Bb]latt|[Mm]agazin|[Ss]ender|[Rr]adio|[Ff]ernsehen|[Pp]ortal"
    r"|[Rr]edaktion|[Jj]ournalist)\w*)"
)
_CLAUSE_OPENS_AUF = re.compile(r"^\W*Auf\b")
_MATCH_WORDS = re.compile(
    r"\b(?:\w*[Gg]egner\w*|Kontrahent\w*|\w*[Ff]inale?\w*|Partie|Spiel|Auswärtsspiel"
    # Football's "treffen" is to score: minutes, goals, posts.
    r"|Minute|Tore[ns]?|Eigentor\w*|Treffer|Elfmeter\w*|Torschütz\w*|Latte|Pfosten"
    r"|Strafraum\w*|Halbzeit\w*|Hinspiel\w*|Rückspiel\w*|Freistoß\w*|\w*treffer\w*"
    r"|Heimspiel\w*|Saison|Meisterschaft\w*|Ausgleich\w*|Schuss|Innenstange|Kreuzeck|Corner"
    r"|\w*[Dd]rittel\w*|Punkt)\b|\bin der \d+\.|\b(?:ins|zum|aufs|vors|das) Tor\b"
    r"|\b(?:ersten|zweiten|dritten|vierten) Runde\b"
)
# "getroffen" as hit: passive ("wurde ... getroffen") or how hard ("tödlich getroffen").
_HIT = re.compile(
    r"\b(?:wurde|wurden|worden|werden|wird)\b|\b(?:tödlich|schwer|hart|empfindlich|mitten)\s+$"
)
# What a proposal meets with: "traf auf einhellige Ablehnung".
_REACTIONS = r"Widerstand|Ablehnung|Kritik|Zustimmung|Skepsis|Interesse|Resonanz|Unverständnis"
# "traf auf einhellige Ablehnung", "trifft auf einen alten Rivalen": to meet with.
_MEETS_WITH = re.compile(
    rf"\bauf\s+(?:eine[nmr]?\b|\w*(?:{_REACTIONS}|Gegenwehr|Rivalen|Gegner)\b"
    rf"|\w+e[nr]?\s+(?:{_REACTIONS}))"
)
# "im Angriff": a team's attack, in football.
_TEAM_ATTACK_BEFORE = re.compile(r"\b[Ii]m\s+$")
# "eine Entscheidung treffen", "Vorkehrungen treffen": to make, not to meet.
_MADE = re.compile(
    r"\b(?:Entscheidung\w*|Vorkehrung\w*|Maßnahme\w*|Vereinbarung\w*|Absprache\w*"
    r"|Auswahl|Feststellung\w*|Verfügung\w*|Regelung\w*|Vorsorge|Abmachung\w*)\b"
)
# An attack that is feared, guarded against or only possible did not happen.
_NOT_HAPPENED_BEFORE = re.compile(
    r"\b(?:möglich\w*|potenziell\w*|etwaig\w*|drohend\w*)\s+(?:\w+\s+)?$"
    r"|\b(?:Angst|Furcht|Sorge|Schutz|Warnung\w*|\w*[Gg]arantie\w*)\s+(?:\w+\s+){0,3}"
    r"vor\s+(?:\w+\s+){0,2}$"
)

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
            if _no_event(sentence, match, kind, noun):
                continue
            taken.append(match.span())
            found.append(Trigger(kind, match.start(), match.end(), word, noun))
    return sorted(found, key=lambda trigger: trigger.start)


def _no_event(sentence: str, match: re.Match[str], kind: str, noun: bool) -> bool:
    """True where a trigger word reports no event: for a meeting an idiom, an interview,
    a court hearing, a match, a goal or a decision; for an attack a feared or possible
    one, or a team's."""
    before, after = sentence[: match.start()], sentence[match.end() :]
    if kind == "attack":
        return noun and bool(
            _NOT_HAPPENED_BEFORE.search(before)
            or (match.group(0) == "Angriff" and _TEAM_ATTACK_BEFORE.search(before))
        )
    if kind != "meeting":
        return False
    word = match.group(0)
    clause = _clause(sentence, Trigger(kind, match.start(), match.end(), word, noun))
    if noun:
        if _INTERVIEW_NOUN.fullmatch(word) or (
            word.startswith("Gespräch") and _MEDIUM_BEFORE.search(before)
        ):
            return True
        if word.startswith("Gespräch") and _IDIOM_BEFORE.search(before):
            return not _WITH_AFTER.match(after) or bool(_WITH_MEDIUM.match(after))
        return word.startswith("Verhandlung") and bool(_HEARING_BEFORE.search(before))
    if word.startswith("empf"):  # "empfing den SC Freiburg": a home game
        return bool(_MATCH_WORDS.search(clause))
    if not word.startswith(("traf", "treff", "trifft", "getroffen")):
        return False
    if word == "getroffen" and (_HIT.search(clause) or _HIT.search(before)):
        return True
    rest = clause[clause.find(word) + len(word) :]
    return bool(
        _UP_AGAINST.match(after)
        or _ARRIVES.search(rest)
        or _MADE.search(before[-80:])
        or _HARD_AFTER.search(rest)
        or _CLAUSE_OPENS_AUF.match(clause)
        or _MEETS_WITH.search(rest)
        or _MATCH_WORDS.search(clause)
        or _MADE.search(clause)
    )


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
