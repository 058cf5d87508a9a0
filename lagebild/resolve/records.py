"""What goes into the resolve stage and what comes out of it."""

from __future__ import annotations

from dataclasses import dataclass, field

from lagebild.model import Entity, Mention


@dataclass
class MentionDoc:
    """One article's annotated text and the entity mentions tagged in it.

    ``text`` is what was tagged (title, lead, subheadings and body; never captions,
    credits or related headlines): mention offsets point into it, and roles are read
    from the words around each mention. ``published`` (ISO 8601 or None) dates the
    roles seen in this article.
    """

    article_id: str
    text: str
    mentions: list[Mention]
    published: str | None = None


@dataclass(frozen=True)
class RoleSighting:
    """A role printed next to an entity in one article: "Kremlchef" for Putin on a date."""

    entity_id: str
    role: str
    article_id: str
    published: str | None


@dataclass(frozen=True)
class Dropped:
    """A mention left out of the entities, and why (a stable reason code).

    Codes: ``no_letters`` (punctuation or digits only), ``too_short`` (one letter, or
    two letters that are not an acronym), ``lowercase`` (no capital letter: not a
    name), ``function_word`` (a capitalised article, pronoun or question word the tagger
    took for a name, "Wozu"), ``currency`` ("Euro", "Dollar": GermEval labels them OTH),
    ``common_noun`` (a one-word person that is a German common noun and no name the batch
    or the name lists know, "Skepsis"; ``lagebild.resolve.nouns``), ``written_small`` (a
    word that opens a sentence and that the batch's texts write small more often than
    capitalised, "Zweifellos"), ``time_word`` (a weekday, also with the time of day,
    "Montagfrüh").
    """

    article_id: str
    start: int
    text: str
    reason: str


@dataclass
class Resolution:
    """Canonical entities, and which mention of which article belongs to which entity.

    ``links`` maps (article_id, mention start) to an entity id; ``mention_counts`` counts
    linked mentions per entity. (Which entities appear together is asked of the store,
    from its mentions, not kept here: over a whole store the pairs outgrow the rest.)
    ``added`` are the (article_id, mention) pairs that the tagger missed and resolution
    found (a known full name printed untagged); ``links`` links them like the others.
    """

    entities: list[Entity] = field(default_factory=list)
    links: dict[tuple[str, int], str] = field(default_factory=dict)
    sightings: list[RoleSighting] = field(default_factory=list)
    mention_counts: dict[str, int] = field(default_factory=dict)
    dropped: list[Dropped] = field(default_factory=list)
    added: list[tuple[str, Mention]] = field(default_factory=list)

    def entity(self, entity_id: str) -> Entity:
        """The entity with ``entity_id``; KeyError when there is none."""
        for entity in self.entities:
            if entity.id == entity_id:
                return entity
        raise KeyError(entity_id)

    def entity_of(self, article_id: str, start: int) -> Entity | None:
        """The entity a mention was resolved to, or None for a dropped mention."""
        entity_id = self.links.get((article_id, start))
        return None if entity_id is None else self.entity(entity_id)
