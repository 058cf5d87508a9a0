"""Quotations and their speakers: who said what, in direct, partial and indirect speech.

:func:`find_quotes` is the annotate stage's quotation step. It runs a numbered cascade:

1. pair the quotation marks of every style (:mod:`quote_marks`);
2. keep the marked spans that are speech, direct or partial, with their cue
   (:mod:`quote_direct`), the rules' verdict checked by a trained span model
   (:mod:`quote_model`);
3. find indirect speech outside them by cue verb, source phrase and Konjunktiv I
   (:mod:`speech`), a trained sentence model dropping weak rule hits and adding
   sentences no rule quotes (free indirect speech, cues outside the verb list);
4. give every quotation its speaker phrase, carrying the previous speaker over to
   quotations without a cue, and resolve each phrase to the mention of the person or
   organisation meant (:mod:`speakers`).

Each quotation comes back as an :class:`AttributedQuote`, a :class:`~lagebild.model.Quote`
with three optional extras: ``antecedent`` (the mention the speaker phrase refers to: "er"
-> "Steve Witkoff", "der Kremlchef" -> "Wladimir Putin"), ``channel`` (X, Videobotschaft,
Interview, ...) and ``group`` (shared by the pieces of one interrupted quotation).
:meth:`AttributedQuote.as_quote` drops the extras for the contract's JSON.

Example::

    >>> from lagebild.model import Mention
    >>> text = "Steve Witkoff war in Miami. «Russland schätzt das», schrieb er auf X."
    >>> quote = find_quotes(text, [Mention("Steve Witkoff", 0, 13, "PER")])[0]
    >>> quote.text, quote.kind, quote.speaker, quote.cue, quote.channel
    ('Russland schätzt das', 'direct', 'er', 'schrieb', 'X')
    >>> quote.antecedent.text
    'Steve Witkoff'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast

from lagebild.annotate.quote_direct import find_direct
from lagebild.annotate.quote_model import QuoteModels, load_models
from lagebild.annotate.quote_tokens import TokenText
from lagebild.annotate.speakers import SpeakerFinder, SpeakerSpan
from lagebild.annotate.speech import Candidate, find_indirect
from lagebild.model import Mention, Quote

QuoteKind = Literal["direct", "indirect", "partial"]
# Sentences back that a quotation without a cue takes the previous speaker from;
# 3 gave the best speaker accuracy on the quotation corpus's train part (2 and 4 lower).
INHERIT_REACH = 3


@dataclass
class AttributedQuote(Quote):
    """A quotation with what lagebild knows beyond the contract.

    ``antecedent`` is the mention the speaker phrase refers to (itself for a name; the
    person meant for a pronoun or role); ``channel`` where it was said or written;
    ``group`` the same number on every piece of one interrupted quotation.
    """

    antecedent: Mention | None = None
    channel: str | None = None
    group: int | None = None

    def as_quote(self) -> Quote:
        """The plain contract record, without the extras."""
        return Quote(
            self.text,
            self.start,
            self.end,
            self.kind,
            self.speaker,
            self.speaker_start,
            self.speaker_end,
            self.cue,
        )


def _quote_text(text: str, start: int, end: int) -> str:
    """The quoted words: paragraph-continuation marks and line breaks removed."""
    words = text[start:end]
    if "\n" in words:
        lines = [line.strip().lstrip('„«»“"') for line in words.split("\n")]
        words = " ".join(line for line in lines if line)
    return words


def find_quotes(
    text: str, mentions: list[Mention], models: QuoteModels | None = None
) -> list[Quote]:
    """Find the quotations of a German text and attribute each to its speaker.

    ``mentions`` are the NER mentions of the same text (speakers the tagger missed are
    still found as capitalised words). ``models`` are the trained span and sentence
    models: by default those of ``lagebild/models/quotes-de``, read on first use;
    :data:`~lagebild.annotate.quote_model.RULES_ONLY` runs the rules alone. Returns
    :class:`AttributedQuote` records in text order; a partial quotation inside indirect
    speech is returned as well as the indirect speech around it.

    Example::

        >>> text = "Die Gespräche seien «produktiv» gewesen, sagte Witkoff."
        >>> found = find_quotes(text, [])
        >>> [(q.text, q.kind, q.speaker) for q in found]  # doctest: +NORMALIZE_WHITESPACE
        [('Die Gespräche seien «produktiv» gewesen', 'indirect', 'Witkoff'),
         ('produktiv', 'partial', 'Witkoff')]
    """
    doc = TokenText(text)
    finder = SpeakerFinder(doc, mentions)
    models = models or load_models()
    found = find_direct(doc, finder, models.spans)
    covered = [(c.start - 1, c.end + 1) for c in found if c.kind == "direct"]  # with marks
    found += find_indirect(doc, finder, covered, models.sentences)
    found.sort(key=lambda c: (c.start, -c.end))
    return list(_attribute(doc, finder, found))


def _attribute(
    doc: TokenText, finder: SpeakerFinder, found: list[Candidate]
) -> list[AttributedQuote]:
    """Give each candidate its speaker, in text order, carrying speakers over."""
    quotes: list[AttributedQuote] = []
    recent: list[tuple[Mention, int]] = []
    last: tuple[SpeakerSpan, Mention | None, int] | None = None
    # A partial quotation takes the speaker of the indirect speech around it.
    for cand in found:
        sentence = doc.sentence_of(cand.start)
        speaker = cand.speaker
        antecedent: Mention | None = None
        if speaker is None:
            around = next(
                (
                    q
                    for q in reversed(quotes)
                    if q.start <= cand.start and cand.end <= q.end and q.speaker_start is not None
                ),
                None,
            )
            if around is not None and around.speaker_start is not None:
                speaker = SpeakerSpan(
                    doc.token_at(around.speaker_start),
                    doc.token_at(around.speaker_start) + 1,
                    around.speaker_start,
                    around.speaker_end or around.speaker_start,
                )
                antecedent = around.antecedent
            elif last is not None and (sentence - last[2] <= INHERIT_REACH or cand.inherit):
                speaker, antecedent = last[0], last[1]
        else:
            antecedent = finder.resolve(speaker, recent)
        if speaker is not None:
            if antecedent is not None:
                recent.append((antecedent, sentence))
            last = (speaker, antecedent, sentence)
        if cand.kind == "frame":
            continue
        sent = doc.sentences[sentence]
        channel = finder.channel(sent.start, doc.sentences[doc.sentence_of(cand.end)].end)
        quotes.append(
            AttributedQuote(
                text=_quote_text(doc.text, cand.start, cand.end),
                start=cand.start,
                end=cand.end,
                kind=cast(QuoteKind, cand.kind),
                speaker=doc.text[speaker.start : speaker.end] if speaker else None,
                speaker_start=speaker.start if speaker else None,
                speaker_end=speaker.end if speaker else None,
                cue=cand.cue,
                antecedent=antecedent,
                channel=channel,
                group=cand.group,
            )
        )
    return quotes
