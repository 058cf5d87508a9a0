"""The record types that flow through the pipeline.

A ``Page`` comes out of ingest, an ``Article`` out of extract; the later stages add
``Mention``, ``Quote``, ``Timex`` and ``Event`` records to an article and group
articles into ``Story`` and ``Storyline`` records. Every type converts to and from a
plain dict of JSON values so the store and the CLI share one serialisation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

PageKind = Literal["text", "html"]
EntityLabel = Literal["PER", "ORG", "LOC", "OTH"]

T = TypeVar("T")


def to_dict(record: Any) -> dict[str, Any]:
    """Return a record as a dict of JSON values (lists stay lists)."""
    return dataclasses.asdict(record)


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Build a record from a dict, ignoring keys the record does not have."""
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class Page:
    """One input page: the raw bytes, where they came from, and the repaired text.

    ``source`` is the path (or ``-``) exactly as the user gave it; ``sha256`` is the
    hash of ``raw`` and is what makes re-ingesting a page a no-op.
    """

    source: str
    raw: bytes
    text: str
    kind: PageKind
    sha256: str
    encoding: str = "utf-8"
    url: str | None = None


@dataclass
class Article:
    """A page read the way a person reads it: metadata apart, the article text alone.

    ``body`` holds the paragraphs of the article text, without title, lead,
    subheadings, captions or any site noise. ``published`` is ISO 8601 as printed
    on the page (a date, or a date and time); ``published_inferred`` is filled by a
    later stage from a syndicated twin when the page has no date of its own.
    """

    id: str
    source: str
    title: str | None = None
    kicker: str | None = None
    lead: str | None = None
    body: list[str] = field(default_factory=list)
    subheadings: list[str] = field(default_factory=list)
    published: str | None = None
    section: str | None = None
    outlet: str | None = None
    agencies: list[str] = field(default_factory=list)
    dateline: str | None = None
    authors: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    photo_credits: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    related_headlines: list[str] = field(default_factory=list)
    language: str | None = None
    url: str | None = None
    published_inferred: str | None = None
    duplicate_of: str | None = None
    story: str | None = None
    storyline: str | None = None

    @property
    def text(self) -> str:
        """The body as the contract prints it: paragraphs separated by a blank line."""
        return "\n\n".join(self.body)

    @property
    def lead_and_body(self) -> str:
        """Lead and body, a blank line apart: what dedup compares and what story
        clustering reads (headline apart)."""
        return "\n\n".join(part for part in (self.lead, *self.body) if part)

    @property
    def reading_text(self) -> str:
        """What the annotate stage reads: title, lead, subheadings, body, a blank line apart.

        Mention offsets in the store point into this text. Captions, photo credits,
        related headlines and tags stay out: an entity must come from the article itself,
        not from an advertisement or a teaser for another story.
        """
        return reading_text(self.title, self.lead, self.subheadings, self.body)

    def contract_dict(self) -> dict[str, Any]:
        """The fields of ``lagebild extract --format json``, in the contract's order."""
        return {
            "title": self.title,
            "kicker": self.kicker,
            "lead": self.lead,
            "body": self.text,
            "subheadings": list(self.subheadings),
            "published": self.published,
            "section": self.section,
            "outlet": self.outlet,
            "agencies": list(self.agencies),
            "dateline": self.dateline,
            "authors": list(self.authors),
            "captions": list(self.captions),
            "photo_credits": list(self.photo_credits),
            "tags": list(self.tags),
            "related_headlines": list(self.related_headlines),
            "language": self.language,
        }


@dataclass
class Mention:
    """A span of an article's text that names an entity."""

    text: str
    start: int
    end: int
    label: EntityLabel
    entity: str | None = None


@dataclass
class Entity:
    """A person, organisation, place or other named thing, with every form seen."""

    id: str
    name: str
    type: EntityLabel
    forms: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)


@dataclass
class Quote:
    """Words attributed to a speaker; ``text`` is without the quotation marks."""

    text: str
    start: int
    end: int
    kind: Literal["direct", "indirect", "partial"]
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None


@dataclass
class Timex:
    """A time expression with its TIMEX3 type and normalised value."""

    text: str
    start: int
    end: int
    type: Literal["DATE", "TIME", "DURATION", "SET"]
    value: str


@dataclass
class Event:
    """Who met, called or visited whom, where and when, with the evidence.

    ``type`` is the kind of event with its status when it did not (yet) happen as
    reported: "meeting", "meeting_planned", "summit_postponed", "visit_cancelled".
    ``date`` is a TIMEX3 value (a day, a month, a week, or an interval "start/end").
    """

    type: str
    date: str | None
    place: str | None
    participants: list[str] = field(default_factory=list)
    evidence: str = ""
    articles: list[str] = field(default_factory=list)
    kind: str = ""  # the type without the status: meeting, call, visit, summit, attack
    status: Literal["happened", "planned", "postponed", "cancelled"] = "happened"
    # Whether ``date`` was read from the text; else it is the article's own date, which
    # a dated report of the same event may replace when the two are merged.
    date_from_text: bool = False


@dataclass
class Annotations:
    """What the annotate stage finds in one text, offsets into that text."""

    mentions: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    timexes: list[Timex] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    # The multilingual embedding of headline and lead (unit length), when the store
    # clusters with embeddings (``lagebild ingest --embeddings``).
    embedding: list[float] | None = None


@dataclass
class Story:
    """Articles reporting the same news event."""

    id: str
    label: str
    articles: list[str] = field(default_factory=list)
    start: str | None = None
    end: str | None = None


@dataclass
class Storyline:
    """Stories linked over weeks by shared actors and subject."""

    id: str
    label: str
    stories: list[str] = field(default_factory=list)
    start: str | None = None
    end: str | None = None


def reading_text(
    title: str | None, lead: str | None, subheadings: Sequence[str], body: Sequence[str]
) -> str:
    """The text the annotate stage reads (see :attr:`Article.reading_text`), from its parts."""
    parts = [title, lead, *subheadings, *body]
    return "\n\n".join(part for part in parts if part)
