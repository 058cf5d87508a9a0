"""Who is speaking: the speaker phrase next to a cue, and the person it refers to.

German puts the speaker either before the finite cue verb ("Witkoff schrieb: ...") or
right after it ("..., schrieb Witkoff weiter", "Am Mittwoch sagte der Sprecher ...").
Without a parser, :class:`SpeakerFinder` reads noun phrases off the tokens: a determiner,
adjectives, capitalised nouns and the NER mentions, skipping prepositional phrases and
adverbs ("sagte am Mittwoch der Sprecher"). NER misses are covered: a capitalised word
that is no function word counts as a name.

A speaker phrase is then resolved to a mention of the person meant, because a reader
needs "Witkoff", not "er": a pronoun goes to the most recent speaker that is a person (or
else the nearest person mention before it), a role ("der Kremlchef", "der russische
Gesandte") to the nearest earlier mention that carried the same role ("Kremlchef
Wladimir Putin", "der russische Gesandte Kirill Dmitriew").

Example::

    >>> from lagebild.model import Mention
    >>> text = "Kremlchef Wladimir Putin kam. Der Kremlchef sagte nichts."
    >>> finder = SpeakerFinder(TokenText(text), [Mention("Wladimir Putin", 10, 24, "PER")])
    >>> span = finder.noun_phrase(finder.doc.token_at(30))
    >>> span is not None and (text[span.start : span.end], finder.resolve(span).text)
    ('Der Kremlchef', 'Wladimir Putin')
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache

import simplemma

from lagebild.annotate.quote_lexicon import CUE_FORMS, UTTERANCE_NOUNS
from lagebild.annotate.quote_tokens import TokenText
from lagebild.model import Mention

SUBJECT_DETERMINERS = frozenset(
    "der die das ein eine dieser diese jener jene sein seine ihr ihre unser unsere".split()
)
OBLIQUE_DETERMINERS = frozenset(
    """dem den des einem einen eines einer diesem diesen seinen seinem seiner ihren ihrem
    ihrer unseren unserem""".split()
)
DETERMINERS = SUBJECT_DETERMINERS | OBLIQUE_DETERMINERS
PRONOUNS = frozenset("er sie wir ich dieser diese jener".split())
PERSON_PRONOUNS = frozenset("er sie dieser jener".split())
PREPOSITIONS = frozenset(
    """in im am an auf bei beim mit nach vor von vom zu zum zur für gegen gegenüber über
    unter aus durch um seit während wegen ab bis hinter neben zwischen trotz per via ohne
    laut""".split()
)
# Lower-case words that are neither adjectives nor nouns, though some end like one.
FUNCTION_WORDS = frozenset(
    """aber oder über wieder immer sehr unter hinter weiter später jedoch doch auch noch
    schon bereits nun jetzt dann dabei damit daher zudem außerdem ebenfalls erneut bisher
    allerdings inzwischen zuvor heute gestern morgen damals demnach offenbar offensichtlich
    etwa nur nicht kein keine keinen mehr weniger einmal zuletzt zunächst erst sowie und als
    wie so dass ob wenn weil denn sondern nämlich also ja eben gerade sogar selbst wohl
    hier dort da seinerseits ihrerseits ausdrücklich abschließend ferner darüber hinaus
    unter anderem lediglich mehrfach""".split()
)
# Capitalised words that start a sentence without being a noun or a name.
NOT_NOUNS = frozenset(
    """Auch Dann Doch Aber Und Oder So Nun Zudem Außerdem Dabei Damit Daher Deshalb Später
    Zuvor Bereits Schon Noch Jedoch Allerdings Laut Nach Wie Als Im Am In Auf Bei Beim Mit
    Von Vom Vor Für Gegen Gegenüber Über Unter Zu Zum Zur Es Er Sie Wir Ich Man Dies Hier
    Dort Heute Gestern Morgen Damals Jetzt Inzwischen Indessen Unterdessen Dennoch Trotzdem
    Ebenfalls Weiter Weiterhin Demnach Demzufolge Zufolge Gleichzeitig Ob Dass Was Wer Wo
    Wann Warum Wenn Weil Denn Da Daraufhin Darüber Davor Danach Erst Insgesamt Bislang Bisher
    Immer Einem Einer Eines Einen Dem Den Des Seit Trotz Während Wegen Aus Durch Um Ihr Ihm
    Ihn Ihnen Uns Mir Dir Dich Mich Sich Kein Keine Nicht Nur Mehr Erneut Zunächst Zuletzt
    Ende Anfang Mitte Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag""".split()
)
# Auxiliaries before a cue participle ("X hat erklärt, ...", "X sei gefragt worden").
AUXILIARIES = frozenset("hat hatte haben hatten habe hätte hätten ist war sei wurde wird".split())
# Heads of "der ..." phrases after a cue that are the addressee (dative), not the speaker.
ADDRESSEE_HEADS = frozenset(
    """Zeitung Zeitschrift Nachrichtenagentur Agentur Presse Sender Bild Welt Öffentlichkeit
    Sonntagszeitung Wochenzeitung Tageszeitung Wochenzeitschrift Funke Mediengruppe""".split()
)
CHANNEL_RES = (
    re.compile(
        r"\b(?:auf|bei|über|via|im Kurznachrichtendienst|in den sozialen Medien)\s+"
        r"(?:der Plattform\s+|dem Kurznachrichtendienst\s+|dem Onlinedienst\s+|"
        r"seinem\s+|ihrem\s+|seinen\s+|ihren\s+)?"
        r"(X|Twitter|Telegram|Facebook|Instagram|Truth Social|TikTok|YouTube|Bluesky|"
        r"Threads|LinkedIn|Mastodon)\b"
    ),
    re.compile(
        r"\b(?:in|bei|auf|während)\s+(?:seiner|ihrer|einer|der|dem|einem|seinem|ihrem)\s+"
        r"(?:[a-zäöüß-]+\s+){0,2}"
        r"((?:[A-ZÄÖÜ][\w-]*)?(?:[Vv]ideobotschaft|[Aa]nsprache|[Rr]ede|[Ee]rklärung|"
        r"[Mm]itteilung|[Ss]tellungnahme|[Ii]nterview|[Bb]otschaft|[Pp]ressekonferenz|"
        r"[Bb]rief|[Tt]alkshow|[Ss]endung|[Pp]odcast|[Bb]log|[Pp]osting|[Bb]eitrag|"
        r"[Ff]ernsehinterview|[Rr]egierungserklärung))\b"
    ),
    re.compile(r"\bim\s+(Interview|Fernsehen|Radio|Staatsfernsehen|Bundestag|Parlament)\b"),
)


@dataclass(frozen=True)
class SpeakerSpan:
    """A speaker phrase as tokens ``[first, last)`` and characters ``[start, end)``."""

    first: int
    last: int
    start: int
    end: int


@dataclass
class SpeakerFinder:
    """Finds speaker phrases in a tokenised text and resolves them to mentions."""

    doc: TokenText
    mentions: list[Mention]
    mention_at_: dict[int, Mention] = field(default_factory=dict)
    persons_: list[Mention] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.mentions = sorted(self.mentions, key=lambda m: m.start)
        self.mention_at_ = {m.start: m for m in self.mentions}
        self.persons_ = [m for m in self.mentions if self._is_person(m)]
        self._person_starts = [m.start for m in self.persons_]

    def _is_person(self, mention: Mention) -> bool:
        """PER, or a mention after a role noun ("Präsident Wolodymyr Selenskyj").

        The project's NER model tags some persons ORG; a name right after a capitalised
        noun is a person in news prose.
        """
        if mention.label == "PER":
            return True
        i = self.doc.token_at(mention.start)
        if i == 0:
            return False
        prev = self.doc.tokens[i - 1].text
        return prev[0].isupper() and prev not in NOT_NOUNS and not prev.endswith("s")

    # ---- noun phrases -------------------------------------------------------------

    def _is_noun(self, i: int) -> bool:
        """Whether token ``i`` can be a noun or a name inside a speaker phrase."""
        word = self.doc.tokens[i].text
        if self.doc.tokens[i].start in self.mention_at_:
            return True
        if _number_noun(word):
            return True
        if not word[0].isupper() or word in NOT_NOUNS or word in CUE_FORMS:
            return False
        return not (self._sentence_initial(i) and _plain_word(word))

    def _sentence_initial(self, i: int) -> bool:
        """Whether token ``i`` opens a sentence (or a quotation or clause after a colon)."""
        if i == 0:
            return True
        prev = self.doc.tokens[i - 1].text
        return (
            prev in '.!?:;„“«»"'
            or "\n" in self.doc.text[self.doc.tokens[i - 1].end : self.doc.tokens[i].start]
        )

    def _is_adjective(self, i: int) -> bool:
        """Whether token ``i`` looks like an attributive adjective or a number."""
        word = self.doc.tokens[i].text
        if word[0].isdigit():
            return not _number_noun(word)
        return (
            word.islower()
            and word not in FUNCTION_WORDS
            and word not in PREPOSITIONS
            and word not in DETERMINERS  # "der" ends like an adjective but starts a phrase
            and word not in CUE_FORMS
            and word.endswith(("e", "en", "er", "es", "em", "-"))
        )

    def noun_phrase(self, i: int, limit: int | None = None) -> SpeakerSpan | None:
        """The noun phrase starting at token ``i`` (determiner, adjectives, nouns, names)."""
        tokens = self.doc.tokens
        end = min(limit if limit is not None else len(tokens), len(tokens))
        j = i
        if j < end and tokens[j].text.lower() in SUBJECT_DETERMINERS | OBLIQUE_DETERMINERS:
            j += 1
        while j < end and self._is_adjective(j):
            j += 1
        head = j
        while j < end:
            mention = self.mention_at_.get(tokens[j].start)
            if mention is not None:
                while j < end and tokens[j].start < mention.end:
                    j += 1
            elif self._is_noun(j):
                j += 1
            elif j > head and tokens[j - 1].text.endswith("s") and self._is_adjective(j):
                # A Saxon genitive before the head: "Putins außenpolitischer Berater".
                k = j
                while k < end and self._is_adjective(k):
                    k += 1
                if k < end and self._is_noun(k):
                    j = k
                else:
                    break
            else:
                break
        if j == head:
            return None
        # One genitive attribute: "der Sprecher des Ministeriums".
        if j + 1 < end and tokens[j].text in ("des", "der") and j > head:
            tail = self.noun_phrase(j, end)
            if tail is not None:
                j = tail.last
        return SpeakerSpan(i, j, tokens[i].start, tokens[j - 1].end)

    def subject_after(self, i: int, limit: int) -> SpeakerSpan | None:
        """The first subject-like phrase from token ``i`` on, skipping adverbs and PPs."""
        tokens = self.doc.tokens
        limit = min(limit, len(tokens), i + 12)
        j = i
        while j < limit:
            word = tokens[j].text
            low = word.lower()
            if word in ",.:;!?" or word in '„“”«»"':
                return None
            if low in PREPOSITIONS or low in OBLIQUE_DETERMINERS:
                pp = self.noun_phrase(j + 1 if low in PREPOSITIONS else j, limit)
                j = pp.last if pp is not None else j + 1
                continue
            if low in PRONOUNS and (j == i or low in ("er", "sie")):
                return SpeakerSpan(j, j + 1, tokens[j].start, tokens[j].end)
            if low in SUBJECT_DETERMINERS or self._is_noun(j):
                phrase = self.noun_phrase(j, limit)
                if phrase is not None:
                    head_word = tokens[phrase.last - 1].text
                    if low in ("der",) and head_word in ADDRESSEE_HEADS:
                        j = phrase.last
                        continue
                    return phrase
            j += 1
        return None

    def subject_before(self, first: int, verb: int) -> SpeakerSpan | None:
        """The phrase from ``first`` up to the verb at ``verb``, if it is a subject.

        An apposition in commas may stand between ("Reinhard Kraxner, Flugleiter, sagte").
        """
        tokens = self.doc.tokens
        if first >= verb:
            return None
        low = tokens[first].text.lower()
        if low in PRONOUNS and first + 1 == verb:
            return SpeakerSpan(first, verb, tokens[first].start, tokens[first].end)
        named = tokens[first].start in self.mention_at_  # "Von der Leyen betonte"
        if (low in PREPOSITIONS or low in OBLIQUE_DETERMINERS) and not named:
            return None
        phrase = self.noun_phrase(first, verb)
        if phrase is None:
            return None
        if phrase.last == verb:
            return phrase
        if tokens[phrase.last].text in ("und", "sowie") and phrase.last + 1 < verb:
            # Two subjects: "EU-Kommission und Bundesregierung äußerten Zweifel".
            other = self.noun_phrase(phrase.last + 1, verb)
            if other is not None and other.last == verb:
                return SpeakerSpan(first, verb, tokens[first].start, tokens[verb - 1].end)
        if verb - first <= 12 and all(
            self._is_noun(k)
            or self._is_adjective(k)
            or tokens[k].text.lower() in PREPOSITIONS
            or tokens[k].text.lower() in SUBJECT_DETERMINERS | OBLIQUE_DETERMINERS
            for k in range(phrase.last, verb)
        ):
            # Postmodifiers: "Die Delegationsleiterin beim Klimagipfel äußerte sich".
            return SpeakerSpan(first, verb, tokens[first].start, tokens[verb - 1].end)
        if tokens[phrase.last].text == "," and tokens[verb - 1].text == ",":
            inner = [t.text for t in tokens[phrase.last + 1 : verb - 1]]
            if 0 < len(inner) <= 14 and not any(w in CUE_FORMS for w in inner):
                # The apposition belongs to the speaker: "Rustem Umjerow, der Sekretär ..."
                last = verb - 1
                return SpeakerSpan(first, last, tokens[first].start, tokens[last - 1].end)
        return None

    def cue_subject(self, first: int, v: int, end: int) -> SpeakerSpan | None:
        """The subject of the cue verb at token ``v`` in the clause ``[first, end)``.

        A participle's subject stands before its auxiliary ("X hat erklärt"); weak verbs
        share one form for participle and finite verb ("bestätigt", "erklärt"), so the
        auxiliary is tried as well when no subject stands right before the verb.
        """
        tokens = self.doc.tokens
        aux = next((a for a in range(first, v) if tokens[a].text in AUXILIARIES), None)
        verb = aux if aux is not None and CUE_FORMS[tokens[v].text].participle else v
        speaker = self.subject_before(first, verb)
        if speaker is None and aux is not None and verb != aux:
            speaker = self.subject_before(first, aux)
        if speaker is None and aux is not None:
            # Inversion: "Bereits zuvor hatte die Gewerkschaft erklärt, ..."
            speaker = self.subject_after(aux + 1, v)
        return speaker or self.subject_after(verb + 1, end)

    def nearest_source(
        self, first: int, last: int, skip: tuple[int, int], anchor: int
    ) -> SpeakerSpan | None:
        """The person or organisation mention (or "er"/"sie") in tokens ``[first, last)``
        outside the character range ``skip`` that is nearest to the token ``anchor``.

        The last resort for a cue whose subject the phrase rules cannot read ("Podolski
        sagte im Interview mit dem Kölner Express, ..."): a frame names its speaker.
        """
        tokens = self.doc.tokens
        best: tuple[int, int, SpeakerSpan] | None = None
        for j in range(first, last):
            token = tokens[j]
            if skip[0] <= token.start < skip[1]:
                continue
            mention = self.mention_at_.get(token.start)
            span: SpeakerSpan | None = None
            rank = 1
            if mention is not None and mention.label in ("PER", "ORG"):
                k = self.doc.token_at(mention.end - 1) + 1
                span = SpeakerSpan(j, k, mention.start, mention.end)
                rank = 0 if mention.label == "PER" else 1
            elif token.text in ("er", "sie"):
                span = SpeakerSpan(j, j + 1, token.start, token.end)
            if span is not None:
                key = (rank, abs(j - anchor))
                if best is None or key < best[:2]:
                    best = (key[0], key[1], span)
        return best[2] if best is not None else None

    # ---- resolution -----------------------------------------------------------------

    def mentions_in(self, span: SpeakerSpan) -> list[Mention]:
        """The mentions inside a speaker phrase."""
        return [m for m in self.mentions if span.start <= m.start and m.end <= span.end]

    def resolve(
        self, span: SpeakerSpan, recent: list[tuple[Mention, int]] | None = None
    ) -> Mention | None:
        """The person or organisation a speaker phrase refers to, or None.

        ``recent`` are the resolved speakers so far with the sentence each spoke in, most
        recent last; a pronoun needs them.
        """
        inside = self.mentions_in(span)
        for label in ("PER", "ORG", "LOC", "OTH"):
            found = [m for m in inside if m.label == label]
            if found:
                return found[-1]
        tokens = self.doc.tokens
        words = [t.text for t in tokens[span.first : span.last]]
        if len(words) == 1 and words[0].lower() in PERSON_PRONOUNS:
            return self._resolve_pronoun(span, recent or [])
        head = words[-1]
        if not head[0].isupper() or head in UTTERANCE_NOUNS:
            return None
        has_article = words[0].lower() in SUBJECT_DETERMINERS | OBLIQUE_DETERMINERS
        if not has_article:
            for mention in reversed(self.mentions):  # a bare name the tagger missed here
                if mention.start < span.start and head in mention.text.split():
                    return mention
            if len(words) <= 2:
                return Mention(" ".join(words), span.start, span.end, "PER")
            return None
        return self._resolve_role(span, head)

    def _resolve_pronoun(
        self, span: SpeakerSpan, recent: list[tuple[Mention, int]]
    ) -> Mention | None:
        """A pronoun: the last speaker if close, else the nearest person mention before."""
        index = bisect_left(self._person_starts, span.start) - 1
        nearest = self.persons_[index] if index >= 0 else None
        sentence = self.doc.sentence_of(span.start)
        persons = [(m, s) for m, s in recent if m.label == "PER" or m in self.persons_]
        if persons:
            mention, spoke = persons[-1]
            if sentence - spoke <= 1:
                return mention
            if nearest is None or nearest.start < self.doc.sentences[spoke].end:
                return mention
        return nearest

    def _resolve_role(self, span: SpeakerSpan, head: str) -> Mention | None:
        """A role noun: the nearest earlier person mention next to the same role noun."""
        key = _role_key(head)
        if len(key) < 4:
            return None
        tokens = self.doc.tokens
        # The same role noun first ("der russische Gesandte"), then a compound ending in
        # it ("Kremlgesandte"): the nearest earlier one that is followed by a person.
        for exact in (True, False):
            for k in range(span.first - 1, -1, -1):
                other = _role_key(tokens[k].text)
                if other != key if exact else not other.endswith(key):
                    continue
                for j in (k + 1, k + 2):  # "Kremlchef Wladimir Putin", "Sprecher, Peter X"
                    if j < len(tokens):
                        mention = self.mention_at_.get(tokens[j].start)
                        if mention is not None and mention.label in ("PER", "ORG", "OTH"):
                            return mention
        return None

    def channel(self, start: int, end: int) -> str | None:
        """Where the words were said or written, if the text says so in this stretch."""
        stretch = self.doc.text[start:end]
        for pattern in CHANNEL_RES:
            match = pattern.search(stretch)
            if match:
                return match.group(1)
        return None


@lru_cache(maxsize=65536)
def _plain_word(word: str) -> bool:
    """Whether a capitalised word is a known German word other than a noun ("Zwar").

    A capitalised word at a sentence start is a noun or a name only if its lemma is
    capitalised too: "Zwar", "Dazu", "Kämen" and "Einschlägig" are not speakers.
    """
    lemma = simplemma.lemmatize(word, lang="de")
    return len(word) > 2 and lemma[:1].islower()


def _number_noun(word: str) -> bool:
    """Whether a word is a number compound used as a noun: "39-Jährige", "58-Jähriger"."""
    return word[0].isdigit() and "-" in word and word.rsplit("-", 1)[1][:1].isupper()


def _role_key(word: str) -> str:
    """A role noun without case ending, lower case: "Gesandten" -> "gesandte"."""
    key = word.lower()
    return key[:-1] if key.endswith("n") and len(key) > 4 else key
