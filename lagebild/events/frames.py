"""Events of one article: a trigger with its participants, place and date, sentence by sentence.

Each sentence with a trigger word gives an event frame:
- participants: the people and organisations named in the sentence, except those who
  only report it ("Trump sagte", "laut Axios", "wie die New York Times berichtete"),
  possessors of a role ("Putins Berater ...") and names inside another person's role
  ("der Schwiegersohn von US-Präsident Donald Trump, Jared Kushner");
- place: a place named after "in", "im", "nach" or "auf" in the sentence;
- date: the time expression closest to the trigger in the sentence, else, for an event
  that happened, the article's own date (its precision as printed);
- evidence: the sentence.
Frames of one article that report the same event (same kind and status, same date,
a shared participant or place) are merged into one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from itertools import pairwise

from lagebild.annotate.sentences import sentence_spans
from lagebild.events.triggers import Trigger, event_type, find_triggers, status_of
from lagebild.model import Event, Mention, Timex

# Words right before a name that make it a source of the report, not a participant.
_SOURCE_BEFORE = re.compile(
    r"(?:\b(?:laut|so|sagte|sagten|schrieb|erklärte|betonte|berichtete\w*|teilte\w*|meldete\w*"
    r"|Berufung auf|zitierte\w*)\s+(?:de[rmns]\s+|die\s+|das\s+)?(?:[\w-]+\s+){0,2})$"
)
# Words right after a name that make it a source ("Trump sagte", "Axios zufolge").
_SOURCE_AFTER = re.compile(
    r"^[\"”“»«']?\s*(?:zufolge|sagte|sagten|schrieb|erklärte|betonte|berichtete\w*|meldete\w*"
    r"|teilte\w*|zitierte\w*)\b"
)
_REPORTED_BY = re.compile(r"\bwie\b[^,]*$")  # "wie die New York Times ... berichteten"
# A name whose clause goes on to comment on the event: "Ban Ki-moon verurteilte die
# Angriffe", "Maas hat den Anschlag scharf verurteilt". Who condemns takes no part.
_COMMENTS_AFTER = re.compile(
    r"^[^,.;:]*\b(?:verurteilt\w*|verurteilen|verurteile|kritisiert\w*|kritisieren"
    r"|begrüßt\w*|bedauert\w*|zeigte\w* sich)\b"
)
_REPORT_VERB = re.compile(r"^[^,.]*\b(?:berichtete\w*|meldete\w*|schrieb\w*)\b")
# A name inside a role phrase: "(Schwiegersohn) von (US-Präsident) Donald Trump, Jared Kushner".
_ROLE_OF = re.compile(r"\b(?:von|des|der)\s+(?:[\w-]+\s+){0,2}$")
_PLACE_BEFORE = re.compile(r"\b(?:in|im|nach|auf|aus)\s+(?:de[rmn]\s+|die\s+)?$", re.IGNORECASE)
# "kein Treffen", "ohne ein Treffen"; "Ein Treffen ... gab es nicht".
_NEGATED_BEFORE = re.compile(r"\b(?:kein\w*|ohne)\s+(?:\w+\s+){0,2}$")
_NEGATED = re.compile(r"\bgab es\b[^.]*\bnicht\b|\bfand\b[^.]*\bnicht statt\b")
# A date right after a speech verb dates the statement, not the event it reports:
# "Trump sagte am Mittwoch, Putin hätte ein gutes Treffen gehabt".
_SPEECH_BEFORE = re.compile(
    r"\b(?:sagte\w*|erklärte\w*|schrieb\w*|betonte\w*|teilte\w*|kündigte\w*|berichtete\w*"
    r"|meldete\w*|bestätigte\w*)\s+(?:am\s+|an\s+|im\s+)?$"
)
_RANGE_JOIN = re.compile(r"^\s*(?:bis(?:\s+(?:zum|zur|einschließlich))?|[-–])\s*$")
# Sentences that report no event even with a trigger word: headlines of other stories.
MIN_SENTENCE_WORDS = 4

NameOf = Callable[[Mention], str]
ALL_LABELS = frozenset({"PER", "ORG", "LOC", "OTH"})


def mention_name(mention: Mention) -> str:
    """The canonical name of a mention's entity, or its text when not resolved."""
    return mention.entity or mention.text


def find_events(
    text: str,
    mentions: Sequence[Mention],
    timexes: Sequence[Timex],
    published: date | None = None,
    *,
    precision: str | None = None,
    name_of: NameOf = mention_name,
    actors: frozenset[str] = ALL_LABELS,
) -> list[Event]:
    """The events reported in ``text``, merged within the text.

    ``published`` is the article's date; ``precision`` is how it was printed as a TIMEX3
    value ("2025-12-04"), used as the date of a past event whose sentence has none.
    ``actors`` are the mention labels that can take part in an event: all of them when
    the labels are the tagger's (a person tagged LOC is sorted out once resolved), PER
    and ORG when they are resolved types.
    """
    frames: list[Event] = []
    fallback = precision or (published.isoformat() if published else None)
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        if len(sentence.split()) < MIN_SENTENCE_WORDS:
            continue
        triggers = find_triggers(sentence)
        if not triggers:
            continue
        inside = [m for m in mentions if start <= m.start and m.end <= end]
        times = [t for t in timexes if start <= t.start and t.end <= end and t.type == "DATE"]
        for trigger in _distinct(triggers):
            if _NEGATED_BEFORE.search(sentence[: trigger.start]) or _NEGATED.search(sentence):
                continue  # "kein Treffen", "Ein Treffen ... gab es nicht"
            frame = _frame(sentence, start, trigger, inside, times, fallback, name_of, actors)
            frames.append(frame)
    return [e for e in merge_frames(frames) if e.participants or e.place]


def _distinct(triggers: list[Trigger]) -> list[Trigger]:
    """One trigger per kind per sentence: "Treffen ... treffen" is one event."""
    seen: set[str] = set()
    kept = []
    for trigger in triggers:
        if trigger.kind not in seen:
            seen.add(trigger.kind)
            kept.append(trigger)
    return kept


def _frame(
    sentence: str,
    offset: int,
    trigger: Trigger,
    mentions: list[Mention],
    times: list[Timex],
    fallback: str | None,
    name_of: NameOf,
    actors: frozenset[str],
) -> Event:
    status = status_of(sentence, trigger)
    participants: list[str] = []
    place: str | None = None
    for mention in mentions:
        before = sentence[: mention.start - offset]
        after = sentence[mention.end - offset :]
        name = name_of(mention)
        if mention.label == "LOC" and _PLACE_BEFORE.search(before):
            place = place or name
            continue
        if mention.label not in actors or _is_source(before, after, trigger.kind):
            continue
        if _is_possessor(mention, after):
            continue
        if _ROLE_OF.search(before) and after.startswith(","):
            continue
        if name not in participants:
            participants.append(name)
    anchor = offset + trigger.start
    own = [t for t in times if not _SPEECH_BEFORE.search(sentence[: t.start - offset])]
    when = min(own, key=lambda t: abs(t.start - anchor), default=None)
    if when is not None and when.value.endswith("_REF"):
        # "derzeit" (PRESENT_REF) is the article's day; "früher", "künftig" name none.
        happened_now = when.value == "PRESENT_REF" and status == "happened"
        when = None
        value = fallback if happened_now else None
    else:
        value = when.value if when is not None else (fallback if status == "happened" else None)
    if when is not None:
        value = _interval(sentence, offset, when, own) or value
    return Event(
        type=event_type(trigger.kind, status),
        date=value,
        place=place,
        participants=participants,
        evidence=sentence,
        kind=trigger.kind,
        status=status,
        date_from_text=when is not None,
    )


def _interval(sentence: str, offset: int, when: Timex, times: list[Timex]) -> str | None:
    """ "vom 24. bis zum 26. Oktober": the two days as one interval "start/end"."""
    for first, second in pairwise(times):
        if when not in (first, second):
            continue
        between = sentence[first.end - offset : second.start - offset]
        if _RANGE_JOIN.match(between) and first.value < second.value:
            return f"{first.value}/{second.value}"
    return None


def _is_source(before: str, after: str, kind: str) -> bool:
    """Whether a name reports the event rather than takes part in it (or, for an
    attack, comments on it: at a meeting, who criticises may well be there)."""
    if _SOURCE_BEFORE.search(before) or _SOURCE_AFTER.search(after):
        return True
    if kind == "attack" and _COMMENTS_AFTER.search(after):
        return True
    return bool(_REPORTED_BY.search(before) and _REPORT_VERB.search(after))


def _is_possessor(mention: Mention, after: str) -> bool:
    """ "Putins außenpolitischer Berater": a genitive before a lower-case word."""
    return mention.text.endswith(("s", "'")) and bool(re.match(r"\s+[a-zäöü]", after))


def merge_frames(frames: Sequence[Event]) -> list[Event]:
    """Frames that report one event merged: same type and date, a shared name or place."""
    merged: list[Event] = []
    for frame in frames:
        for event in merged:
            if _same_event(event, frame):
                _absorb(event, frame)
                break
        else:
            merged.append(frame)
    return merged


def _same_event(a: Event, b: Event) -> bool:
    """Same type, and the same date unless one of them only has the article's date."""
    if a.type != b.type:
        return False
    if a.date != b.date and a.date_from_text and b.date_from_text:
        return False
    shared = set(a.participants) & set(b.participants)
    return bool(shared) or (a.place is not None and a.place == b.place)


def _absorb(event: Event, other: Event) -> None:
    """Add what ``other`` knows about the same event to ``event``."""
    for name in other.participants:
        if name not in event.participants:
            event.participants.append(name)
    event.place = event.place or other.place
    if other.date_from_text and not event.date_from_text:
        event.date, event.date_from_text = other.date, True
    for article in other.articles:
        if article not in event.articles:
            event.articles.append(article)
