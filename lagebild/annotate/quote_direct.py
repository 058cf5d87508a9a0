"""Direct and partial quotations: marked spans that are someone's words, and their cue.

Not every pair of quotation marks holds speech: names ("die „Guardia Civil“", "the
„Cuban Five“"), titles ("die Sendung „Schwaben & Altbayern“") and labels are marked the
same way. A marked span is

* **direct** when it stands as a sentence of its own or after a colon ("sagte er:
  «...»", but not "(Motto: «...»)"), or when a cue follows it ("«...», sagte er" /
  "„...“, so X", but not "„...“, so heißt das Projekt");
* **partial** when it is embedded in a sentence of the narrator's ("seien «produktiv und
  konstruktiv» gewesen"), unless it looks like a name or title; a capitalised label is
  partial after a labelling verb ("bezeichnete den Plan als „Wortbruch“", "sprach von
  „Panikverkäufen“"), with the labeller as speaker;
* nothing otherwise.

The speaker of a direct quotation is read off its cue, after the closing mark (", sagte
X") or before the opening one ("X schrieb: «...»"); a quotation without a cue (the
second of two, "Und weiter: «...»") inherits the previous speaker.

Example::

    >>> from lagebild.annotate.speakers import SpeakerFinder
    >>> doc = TokenText("«Gut», sagte Anna. Sie ist ein „echter Glücksfall“.")
    >>> found = find_direct(doc, SpeakerFinder(doc, []))
    >>> [(doc.text[c.start : c.end], c.kind, c.cue) for c in found]
    [('Gut', 'direct', 'sagte'), ('echter Glücksfall', 'partial', None)]
"""

from __future__ import annotations

import re

from lagebild.annotate.quote_features import span_features
from lagebild.annotate.quote_lexicon import (
    CUE_FORMS,
    LABEL_VERBS,
    SPEAK_OF,
    is_reporting_subjunctive,
)
from lagebild.annotate.quote_marks import MarkedSpan, find_marked_spans
from lagebild.annotate.quote_model import LinearModel
from lagebild.annotate.quote_tokens import TokenText
from lagebild.annotate.speakers import PREPOSITIONS, SpeakerFinder, SpeakerSpan
from lagebild.annotate.speech import Candidate, cue_at

# Nouns and words before a marked span that make it a name or title, not speech.
TITLE_WORDS = frozenset(
    """Titel Motto Slogan Namen Name namens genannt genannte genannten sogenannte
    sogenannten sogenannter Sendung Film Filme Buch Roman Zeitung Zeitschrift Magazin
    Operation Programm Projekt Kampagne Schiff Stern Satellit Album Song Lied Single Aktion
    Bündnis Partei Organisation Gruppe Gruppierung Clan Firma Marke Modell Typ Serie
    Ausstellung Festival Preis Stiftung Verein Portal Sender Kategorie Begriff Begriffs
    Wort Wörter Unwort Schlagwort Stichwort Fraktion Bewegung Sektion Hotel Restaurant
    Theaterstück Stück Oper Musical Show Spiel Mission Sonde Rakete Plan Gesetz Abkommen
    Vertrag Studie Report Bericht Aufschrift Überschrift Schlagzeile Hashtag Kürzel
    Spitzname Beinamen Beiname Codename Tarnname Logo Label Verlag Band Kolumne
    Rubrik Unternehmen Konzern Gesellschaft Initiative Verband Netzwerk Plattform
    laut""".split()
)
# Words that may stay lower-case inside a name ("Koalition der Willigen", "Bol d'or").
NAME_GLUE = frozenset(
    """der die das des den dem und für von vom zur zum zu im in am an auf of the and for
    de la le les el los y a an on with to & mit um ohne gegen bei über unter aus nach vor
    du di da del della van e.V""".split()
)
# An embedded span of at most this many words that starts with a capital is a name:
# on the quotation corpus's train part this removed 120 false and 31 true direct hits.
NAME_MAX_WORDS = 4
# Verbs after "so" that name rather than quote ("„X“, so heißt das Projekt").
NAMING_VERBS = frozenset("heißt hieß heißen hießen lautet lautete lauten nennt nennen".split())
# Articles between the frame word and the marks: "als einen „Akt der Willkür“".
ARTICLES = frozenset("ein eine einen einem einer".split())
ENGLISH = frozenset("the of and for with is are you we this that it".split())
WORD_RE = re.compile(r"\w[\w'’.-]*")


def _looks_like_name(inner: str) -> bool:
    """Whether marked words look like a name or title rather than someone's words."""
    words = WORD_RE.findall(inner)
    if not words:
        return True
    if any(w.lower() in ENGLISH for w in words) and len(words) <= 8:
        return True
    if len(words) <= 4 and any(ch.isdigit() for ch in inner):
        return True
    # Ordinals and numbers belong to names too: "2. Deutscher Klimakongress".
    content = [w for w in words if w.lower() not in NAME_GLUE and not w.isdigit()]
    return len(words) > 1 and bool(content) and all(w[0].isupper() for w in content)


def _framed(cand: Candidate) -> bool:
    """Whether a candidate is a whole direct quotation with its cue ("«Ja», sagte Anna"):
    the rules are sure of those, so the span model may not drop them."""
    return cand.kind == "direct" and cand.cue is not None


CueFound = tuple[str | None, SpeakerSpan | None, int | None]


class DirectRules:
    """Classifies the marked spans of one text and reads the cue of each."""

    def __init__(self, doc: TokenText, finder: SpeakerFinder) -> None:
        self.doc = doc
        self.finder = finder

    def _cue_after(self, span: MarkedSpan) -> tuple[str, SpeakerSpan | None, int] | None:
        """ ", sagte X" / ", so X" / ", wird X zitiert" right after the closing mark."""
        doc = self.doc
        i = doc.token_at(span.close)
        if i < len(doc.tokens) and doc.tokens[i].text == ",":
            i += 1
        if i >= len(doc.tokens):
            return None
        sent = doc.sentences[doc.sentence_of(doc.tokens[i].start)]
        word = doc.tokens[i].text
        if word == "so":
            if i + 1 < len(doc.tokens) and doc.tokens[i + 1].text in NAMING_VERBS:
                return None  # "„Wikiasari“, so heißt ein Projekt": a name, not a cue
            return "so", self.finder.noun_phrase(i + 1, sent.last), doc.tokens[i].start
        cue = cue_at(doc, i, sent.last)
        if cue is not None and not CUE_FORMS[word].participle:
            return cue, self.finder.subject_after(i + 1, sent.last), doc.tokens[i].start
        if word in ("wird", "wurde") and i + 3 < len(doc.tokens):
            for j in range(i + 1, min(i + 8, sent.last)):
                if doc.tokens[j].text == "zitiert":
                    return "zitiert", self.finder.subject_after(i + 1, j), doc.tokens[j].start
        return None

    def _cue_before(
        self, first: int, last: int
    ) -> tuple[str | None, SpeakerSpan | None, int | None]:
        """The cue and subject of the clause ``[first, last)`` that introduces a quotation."""
        doc = self.doc
        for v in range(first, last):
            cue = cue_at(doc, v, last + 1)
            if cue is None:
                continue
            return cue, self.finder.cue_subject(first, v, last), doc.tokens[v].start
        # No speech verb ("Und weiter:"): a subject if a verb follows it ("X warnt:",
        # "Er fuhr fort:").
        phrase = self.finder.noun_phrase(first, last) if first < last else None
        if phrase is None and first + 1 < last and doc.tokens[first].text in ("Er", "Sie"):
            phrase = SpeakerSpan(first, first + 1, doc.tokens[first].start, doc.tokens[first].end)
        if phrase is not None and phrase.last < last:
            nxt = doc.tokens[phrase.last].text
            if nxt.islower() and nxt not in PREPOSITIONS:
                return None, phrase, None
        return None, None, None

    def classify(self, span: MarkedSpan) -> Candidate | None:
        """The candidate quotation a top-level marked span makes, or None."""
        doc = self.doc
        text = doc.text
        sent_open = doc.sentences[doc.sentence_of(span.open)]
        sent_close = doc.sentences[doc.sentence_of(span.close - 1)]
        before = text[sent_open.start : span.open].strip()
        inner = text[span.inner_start : span.inner_end]
        after = doc.token_at(span.close)
        cue_after = self._cue_after(span)
        whole = inner.rstrip()[-1:] in ".!?…" or len(WORD_RE.findall(inner)) >= 12
        standalone = before == "" or before.endswith(":")
        if cue_after is not None and (standalone or not _looks_like_name(inner)):
            # "«...», sagte X" is direct; "Er habe ..., «...», so X" a partial quotation.
            kind = "direct" if standalone else "partial"
            cue, speaker, cue_start = cue_after
            return Candidate(span.inner_start, span.inner_end, kind, speaker, cue, cue_start)
        if standalone and (whole or before.endswith(":") or after >= sent_close.last - 1):
            if before.endswith(":"):
                first = doc.token_at(sent_open.start)
                colon = doc.token_at(span.open) - 1
                if self._titled(first, colon):
                    return None
                found = self._cue_before(first, colon)
                return Candidate(
                    span.inner_start,
                    span.inner_end,
                    "direct",
                    found[1],
                    found[0],
                    found[2],
                    inherit=found[1] is None,
                )
            if before == "" and _looks_like_name(inner) and not whole:
                return None
            return Candidate(span.inner_start, span.inner_end, "direct", inherit=True)
        if self.labelled(span):
            return self.partial(span)
        k = doc.token_at(span.open)
        if k >= 2 and doc.tokens[k - 1].text == "Worten" and doc.tokens[k - 2].text != "in":
            # "Mit den Worten „...“, richtete er ...": the words are quoted whole.
            return Candidate(span.inner_start, span.inner_end, "direct", inherit=True)
        if _looks_like_name(inner):
            return None
        k = doc.token_at(span.open) - 1
        for back in range(k, max(k - 3, -1), -1):
            if doc.tokens[back].text in TITLE_WORDS:
                return None
        words = WORD_RE.findall(inner)
        if words[0][0].isupper() and len(words) <= NAME_MAX_WORDS:
            return None  # "die Raumfähre „Discovery“", "laut „tagesschau.de“"
        return self.partial(span)

    def _titled(self, first: int, colon: int) -> bool:
        """Whether the words before a colon announce a title, not speech: "(Motto: „...“)",
        "(Überschrift auf ihrer Homepage: „...“)"."""
        tokens = self.doc.tokens
        start = next((j for j in range(colon - 1, first - 1, -1) if tokens[j].text == "("), None)
        window = range(start + 1, colon) if start is not None else range(colon - 3, colon)
        return any(j >= first and tokens[j].text in TITLE_WORDS for j in window)

    def labelled(self, span: MarkedSpan) -> bool:
        """Whether the span is the label someone gives: "bezeichnete X als „Wortbruch“",
        "sprach von einer „Katastrophe“" (a capitalised noun the name rule would drop)."""
        tokens = self.doc.tokens
        sent = self.doc.sentences[self.doc.sentence_of(span.open)]
        k = self.doc.token_at(span.open) - 1
        while k > sent.first and tokens[k].text in ARTICLES:
            k -= 1
        if k <= sent.first or tokens[k].text not in ("als", "von"):
            return False
        verbs = LABEL_VERBS if tokens[k].text == "als" else SPEAK_OF
        return any(tokens[j].text in verbs for j in range(sent.first, sent.last))

    def partial(self, span: MarkedSpan) -> Candidate:
        """The span as a partial quotation, with the cue of its own clause if it has one."""
        doc = self.doc
        sent_open = doc.sentences[doc.sentence_of(span.open)]
        first = doc.token_at(sent_open.start)
        opening = doc.token_at(span.open)
        own_cue, own_speaker, own_start = self._cue_before(first, opening)
        if own_cue is None:
            own_speaker = None  # a subject without a speech verb is no speaker of the words
            label = next(
                (j for j in range(first, opening) if doc.tokens[j].text in LABEL_VERBS), None
            )
            if label is not None and self.labelled(span):
                # "X bezeichnete den Plan als „Wortbruch“": the labeller chose the word.
                own_speaker = self.finder.subject_before(first, label) or self.finder.subject_after(
                    label + 1, opening
                )
                own_cue, own_start = doc.tokens[label].text, doc.tokens[label].start
        return Candidate(
            span.inner_start,
            span.inner_end,
            "partial",
            own_speaker,
            own_cue,
            own_start,
            inherit=True,
        )

    def _speech_context(self, first: int, last: int) -> bool:
        """Whether a sentence has a speech verb or a Konjunktiv outside its marks."""
        tokens = self.doc.tokens
        return any(
            tokens[j].text in CUE_FORMS
            or is_reporting_subjunctive(tokens[j].text)
            or tokens[j].text in ("laut", "zufolge", "als")
            for j in range(first, last)
        )


def find_direct(
    doc: TokenText,
    finder: SpeakerFinder,
    model: LinearModel | None = None,
    trace: list[tuple[list[str], Candidate]] | None = None,
) -> list[Candidate]:
    """Direct and partial quotations from the top-level marked spans of a text.

    With a ``model``, a span the rules keep is dropped when the model's probability is
    below ``model.keep``, and a span they reject is taken as a partial quotation above
    ``model.add``. ``trace`` (for training) receives every span's features with the
    candidate it would give. An interrupted quotation ("«A», sagte er, «B»") gives two
    candidates in one group, the second with the speaker of the first.
    """
    rules = DirectRules(doc, finder)
    found: list[Candidate] = []
    for span in find_marked_spans(doc.text):
        if span.depth:
            continue
        cand = rules.classify(span)
        if model is not None or trace is not None:
            kind = cand.kind if cand is not None else None
            feats = span_features(doc, span, kind, finder.mentions, rules.labelled(span))
            if trace is not None:
                trace.append((feats, cand if cand is not None else rules.partial(span)))
            if model is not None:
                p = model.probability(feats)
                if cand is None and p >= model.add:
                    cand = rules.partial(span)
                elif cand is not None and p < model.keep and not _framed(cand):
                    cand = None
        if cand is None:
            continue
        if cand.speaker is None and cand.cue_start is not None:
            sent = doc.sentences[doc.sentence_of(cand.cue_start)]
            cand.speaker = finder.nearest_source(
                sent.first, sent.last, (span.open, span.close), doc.token_at(cand.cue_start)
            )
        prev = found[-1] if found else None
        if prev is not None and prev.kind == "direct" and prev.cue is not None:
            between = doc.text[prev.end : span.open]
            if between.count(",") == 2 and len(between) < 80 and "." not in between:
                cand.kind, cand.speaker, cand.cue = "direct", prev.speaker, prev.cue
                cand.cue_start, cand.inherit = prev.cue_start, False
                prev.group = cand.group = len(found) - 1
        found.append(cand)
    return found
