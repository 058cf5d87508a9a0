"""Indirect speech: reported words without quotation marks, found by cue and mood.

German news reports speech in these shapes, each handled by one rule, tried in order:

1. frame after: "Moskau setze sich weiter ein, schrieb Witkoff." / "..., so Dmitriew." /
   "..., wie die Polizei mitteilte."
2. frame before: "Uschakow sagte, es sei noch kein Kompromiss gefunden worden." /
   "Sie erklärte, dass ..." (the clause after the cue must start with dass/ob/a w-word
   or carry a Konjunktiv, so "sagte er, nachdem er ..." stays out).
3. a source phrase: "Laut Dmitriew ...", "Behördenangaben zufolge ...", "Nach Angaben
   der Polizei ...", "Wie Axios berichtet, ...".
4. free indirect speech: a sentence in Konjunktiv I without a cue ("Moskaus Einfluss nehme
   zu."), right after reported speech; the speaker carries over. When only a dass-, ob-,
   causal or relative clause is in Konjunktiv ("X schränkte ein, dass ... sei"), that
   clause alone.
5. frame back: "<sentence>. Das berichtete X." / "Dies gab X bekannt." makes the sentence
   before the content and X its speaker.

Example::

    >>> from lagebild.annotate.speakers import SpeakerFinder
    >>> doc = TokenText("Moskau setze sich ein, schrieb Witkoff auf X.")
    >>> [(doc.text[c.start : c.end], c.cue) for c in find_indirect(doc, SpeakerFinder(doc, []), [])]
    [('Moskau setze sich ein', 'schrieb')]
"""

from __future__ import annotations

from dataclasses import dataclass

from lagebild.annotate.quote_features import sentence_features
from lagebild.annotate.quote_lexicon import (
    CUE_FORMS,
    cue_verb,
    is_reporting_subjunctive,
    is_subjunctive,
    particles,
)
from lagebild.annotate.quote_model import LinearModel
from lagebild.annotate.quote_tokens import Sentence, TokenText
from lagebild.annotate.speakers import SpeakerFinder, SpeakerSpan

COMPLEMENTIZERS = frozenset(
    "dass ob wie wo was warum wann weshalb wieso inwieweit welche welcher welches wer".split()
)
HAVE = frozenset("hat hatte haben hatten habe hätte hätten ist war sei wurde wird".split())
SOURCE_NOUNS = frozenset(
    """Angaben Ansicht Meinung Auffassung Einschätzung Darstellung Informationen Worten
    Aussage Aussagen Schätzung Schätzungen Berichten Bericht Auskunft""".split()
)
# Nouns a source phrase with "nach" ends in ("nach dem Grundgesetz", "Meinung nach").
SOURCE_WORDS = SOURCE_NOUNS | frozenset(
    """Meinung Vernehmen Ansicht Auffassung Überzeugung Erkenntnissen Ermittlungen
    Grundgesetz Gesetz Studie Umfrage Untersuchung Prognose Prognosen Endergebnis
    Ergebnis Erfahrungen Polizeiangaben Medienberichten Expertenmeinung Experten""".split()
)
# Cue verbs that take a zu-infinitive as reported content ("kündigte an, ... zu prüfen").
ZU_CUES = frozenset(
    "ankündigen versprechen fordern verlangen zusichern zusagen drohen bitten empfehlen".split()
)
# Heads of zu-infinitives that give a purpose or manner, never reported content
# ("..., um den Unfallhergang zu rekonstruieren").
NOT_CONTENT_ZU = frozenset("um ohne statt anstatt".split())
# Heads of a subordinate clause that may hold the reported words of an indicative
# sentence ("..., dass ... sei", "..., weil ... werde", "..., die ... auftrete").
SUBCLAUSE_HEADS = frozenset("dass ob da weil wonach".split()) | frozenset(
    "der die das dem den deren dessen denen welche welcher welches".split()
)
# Sentence-initial words that point back at the sentence before ("Das berichtete X.").
ANAPHORS = frozenset("Das Dies Dieses".split())
SUBORDINATORS = frozenset("da weil als wenn obwohl nachdem bevor falls sobald seit seitdem".split())
RELATIVES = frozenset("der die das dem den deren dessen denen welche welcher welches".split())
# Words after a comma that end reported content and start the narrator's clause.
CLAUSE_BREAKS = frozenset("doch aber sondern während weshalb woraufhin jedoch".split())
# Tokens from the sentence start within which "X sagte, ..." must reach its comma; long
# subjects with appositions ("Brian Baptie von ..., die ..., sagte, dass") need 40.
FRAME_REACH = 40
# Sentences back that free indirect speech may continue reported speech; on the
# quotation corpus train part 2 gave indirect F1 0.630, 4 0.636, 6 0.639 (with speaker
# accuracy falling from 0.697 to 0.686).
FREE_INDIRECT_REACH = 4


@dataclass
class Candidate:
    """A quotation found by one rule, before its speaker is resolved.

    ``inherit`` asks for the previous quotation's speaker when ``speaker`` is None;
    ``group`` links the pieces of one interrupted quotation.
    """

    start: int
    end: int
    kind: str
    speaker: SpeakerSpan | None = None
    cue: str | None = None
    cue_start: int | None = None
    inherit: bool = False
    group: int | None = None
    channel_start: int | None = None
    channel_end: int | None = None


def cue_at(doc: TokenText, i: int, last: int) -> str | None:
    """The cue text if token ``i`` is a speech verb whose particle (if any) follows by ``last``."""
    word = doc.tokens[i].text
    verb = cue_verb(word)
    if verb is None:
        return None
    wanted = particles(verb)
    if not wanted:
        return word
    # Verb-final clauses write the particle apart just before it: "wie X bekannt gab".
    if i > 0 and doc.tokens[i - 1].text in wanted:
        return f"{doc.tokens[i - 1].text} {word}"
    for j in range(i + 1, min(last, len(doc.tokens))):
        text = doc.tokens[j].text
        if text in ",.:;!?":
            break
        if text in wanted:
            return f"{word} {text}"
    return None


def _clause_end(doc: TokenText, i: int, last: int) -> int:
    """The token index of the next comma or colon from ``i`` (or ``last``)."""
    for j in range(i, last):
        if doc.tokens[j].text in ",:;":
            return j
    return last


def _content_end(doc: TokenText, i: int, last: int) -> int:
    """Where reported content from token ``i`` ends: the sentence end, or a comma that
    starts a new main clause ("..., doch die Richterin ...", "..., sprach aber ...")."""
    tokens = doc.tokens
    for j in range(i + 1, last - 1):
        if tokens[j].text == ";":
            return j
        if tokens[j].text == "," and (
            tokens[j + 1].text in CLAUSE_BREAKS
            or (cue_verb(tokens[j + 1].text) is not None and tokens[j + 1].text.islower())
        ):
            return j
    return last


def _zu_infinitive(doc: TokenText, first: int, last: int) -> bool:
    """Whether tokens ``[first, last)`` end in a zu-infinitive ("... gesichtet zu haben")."""
    tokens = doc.tokens
    if last - first < 2:
        return False
    return tokens[last - 2].text == "zu" or (
        last - 3 >= first and tokens[last - 3].text == "zu" and tokens[last - 1].text in ".!?"
    )


def _zu_infinitive_end(doc: TokenText, comma: int, sent: Sentence) -> bool:
    """Whether the clause after the comma at ``comma`` ends in a zu-infinitive."""
    return _zu_infinitive(doc, comma + 1, _content_end(doc, comma + 1, sent.last))


def _has_subjunctive(doc: TokenText, first: int, last: int, strict: bool = False) -> bool:
    """Whether a Konjunktiv (I only if ``strict``) stands in tokens ``[first, last)``."""
    test = is_subjunctive if strict else is_reporting_subjunctive
    return any(test(doc.tokens[j].text) for j in range(first, last))


def _covered(start: int, end: int, covered: list[tuple[int, int]]) -> bool:
    """Whether more than half of ``[start, end)`` lies in direct quotations."""
    inside = sum(max(0, min(end, e) - max(start, s)) for s, e in covered)
    return inside * 2 > end - start


class IndirectRules:
    """The four rules for one text; :meth:`sentence` applies them to one sentence."""

    def __init__(self, doc: TokenText, finder: SpeakerFinder) -> None:
        self.doc = doc
        self.finder = finder

    def _span(self, first: int, last: int, kind: str = "indirect") -> Candidate | None:
        """A candidate over tokens ``[first, last)`` trimmed of punctuation, if long enough."""
        tokens = self.doc.tokens
        while first < last and tokens[first].text in ",:;-–":
            first += 1
        while last > first and tokens[last - 1].text in ",:;-–.":
            last -= 1
        if last - first < 3:
            return None
        return Candidate(tokens[first].start, tokens[last - 1].end, kind)

    def frame_after(self, sent: Sentence) -> Candidate | None:
        """ "<clause>, sagte X" / "<clause>, so X" / "<clause>, wie X mitteilte"."""
        tokens = self.doc.tokens
        if tokens[sent.first].text.lower() in SUBORDINATORS:
            return None  # "Da ..., warnte X": the clause is a reason, not the content
        for c in range(sent.first + 3, sent.last - 1):
            if tokens[c].text != ",":
                continue
            if tokens[c + 1].text in RELATIVES:
                break  # "Klose, der Gelb-Rot sah, nannte ...": a relative clause
            nxt = tokens[c + 1].text
            cand: Candidate | None = None
            if nxt == "so":
                speaker = self.finder.noun_phrase(c + 2, sent.last)
                if speaker is None or tokens[c + 2].text.lower() in ("dass", "wie"):
                    continue
                cand = self._span(sent.first, c)
                cue, cue_i = "so", c + 1
            elif nxt == "wie":
                end = _clause_end(self.doc, c + 2, sent.last)
                cue_i = next((j for j in range(c + 2, end) if cue_at(self.doc, j, end)), -1)
                if cue_i < 0:
                    continue
                speaker = self.finder.subject_after(c + 2, cue_i)
                cand = self._span(sent.first, c)
                cue = f"wie {tokens[cue_i].text}"
            else:
                found = cue_at(self.doc, c + 1, sent.last)
                if found is None or CUE_FORMS[nxt].participle:
                    continue
                end = _clause_end(self.doc, c + 2, sent.last)
                if end < sent.last and tokens[end].text == ":":
                    continue  # "..., schrieb Witkoff: «...»" introduces a direct quotation
                speaker = self.finder.subject_after(c + 2, sent.last)
                if speaker is None and nxt not in ("hieß", "heißt"):
                    continue
                cand = self._span(sent.first, c)
                cue, cue_i = found, c + 1
            if cand is not None:
                cand.speaker, cand.cue, cand.cue_start = speaker, cue, tokens[cue_i].start
                return cand
        return None

    def frame_before(self, sent: Sentence) -> Candidate | None:
        """ "X sagte, <clause>" / "X hatte erklärt, dass <clause>"."""
        tokens = self.doc.tokens
        for c in range(sent.first + 2, min(sent.last - 2, sent.first + FRAME_REACH)):
            if tokens[c].text != ",":
                continue
            # The cue: the last speech verb at most ten words before the comma.
            v = next(
                (
                    j
                    for j in range(c - 1, max(c - 11, sent.first - 1), -1)
                    if cue_at(self.doc, j, c + 1)
                ),
                -1,
            )
            if v < 0:
                continue
            cue = cue_at(self.doc, v, c + 1) or ""
            head = tokens[c + 1].text.lower()
            content_end = _clause_end(self.doc, c + 2, sent.last)
            end = _content_end(self.doc, c + 1, sent.last)
            ok = (
                head in COMPLEMENTIZERS
                or _has_subjunctive(self.doc, c + 1, content_end)
                or (head not in NOT_CONTENT_ZU and _zu_infinitive(self.doc, c + 1, end))
            )
            if not ok:
                continue
            first = sent.first
            for j in range(v - 1, sent.first, -1):
                if tokens[j].text in ("-", "–", ";", ":"):
                    first = j + 1
                    break
            speaker = self.finder.cue_subject(first, v, c)
            cand = self._span(c + 1, end)
            if cand is not None:
                cand.speaker, cand.cue, cand.cue_start = speaker, cue, tokens[v].start
                return cand
        return None

    def subjunctive_clause(self, sent: Sentence) -> Candidate | None:
        """ "<main clause>, <clause in Konjunktiv I, verb second>" without a listed cue.

        "Österreich hatte abgelehnt, eine solche Forderung könne nur ..." or "die
        Hoffnung, sein Leben werde sich wenden": a verb-second clause in Konjunktiv I
        after a comma is reported content whatever the verb or noun before it.
        """
        tokens = self.doc.tokens
        for c in range(sent.first + 2, sent.last - 2):
            if tokens[c].text != ",":
                continue
            if tokens[c + 1].text.lower() in COMPLEMENTIZERS:
                continue
            window = range(c + 2, min(c + 6, sent.last))
            if not any(is_subjunctive(tokens[j].text) for j in window):
                continue
            end = _content_end(self.doc, c + 1, sent.last)
            cand = self._span(c + 1, end)
            if cand is not None:
                first = self.finder.noun_phrase(sent.first, c)
                if first is not None and first.last < c and tokens[first.last].text[0].islower():
                    cand.speaker = first
                return cand
        return None

    def source_phrase(self, sent: Sentence) -> Candidate | None:
        """ "Laut X ...", "X zufolge ...", "Nach Angaben der Polizei ...", "Wie X sagte, ..."."""
        tokens = self.doc.tokens
        for i in range(sent.first, sent.last - 1):
            word = tokens[i].text
            speaker: SpeakerSpan | None = None
            frame_end = i + 1
            if word in ("laut", "Laut"):
                speaker = self.finder.noun_phrase(i + 1, sent.last)
                frame_end = speaker.last if speaker else i + 1
            elif word == "zufolge" and i > sent.first:
                start = i - 1
                while start > sent.first and tokens[start - 1].text not in ',.:;„“«»"':
                    start -= 1
                speaker = self.finder.noun_phrase(start, i + 1) or self.finder.noun_phrase(i - 1, i)
                if speaker is not None and speaker.last != i:
                    speaker = None
            elif (
                word in SOURCE_NOUNS
                and i > sent.first
                and tokens[i - 1].text.lower()
                in (
                    "nach",
                    "eigenen",
                    "ersten",
                    "offiziellen",
                    "übereinstimmenden",
                    "seinen",
                    "ihren",
                )
            ):
                nxt = tokens[i + 1].text
                if nxt in ("des", "der", "von", "vom"):
                    speaker = self.finder.noun_phrase(i + 2 if nxt in ("von",) else i + 1)
                if speaker is None:
                    speaker = SpeakerSpan(i, i + 1, tokens[i].start, tokens[i].end)
                frame_end = speaker.last
            elif word == "Wie" and i == sent.first:
                cue_i = next(
                    (
                        j
                        for j in range(i + 1, min(i + 20, sent.last))
                        if cue_at(self.doc, j, sent.last)
                    ),
                    -1,
                )
                c = _clause_end(self.doc, cue_i + 1, sent.last) if cue_i > 0 else sent.last
                if cue_i < 0 or c >= sent.last - 2:
                    continue
                cand = self._span(c + 1, sent.last)
                if cand is not None:
                    cand.speaker = self.finder.subject_after(i + 1, cue_i)
                    cand.cue, cand.cue_start = f"wie {tokens[cue_i].text}", tokens[i].start
                return cand
            else:
                continue
            at_start = i <= sent.first + 1 or (
                word == "zufolge" and speaker is not None and speaker.first <= sent.first + 1
            )
            start = frame_end if at_start else sent.first
            # "Laut X ist er 24; demnach wäre er ...": the narrator's clause is no content.
            cand = self._span(start, _content_end(self.doc, start, sent.last))
            if cand is not None:
                cand.speaker, cand.cue, cand.cue_start = speaker, word, tokens[i].start
            return cand
        return None

    def frame_back(self, sent: Sentence, previous: Sentence) -> Candidate | None:
        """ "<sentence>. Das berichtete X." / "Dies gab X bekannt.": the sentence before is
        the reported content, and this one its frame."""
        tokens = self.doc.tokens
        if sent.last - sent.first < 3 or tokens[sent.first].text not in ANAPHORS:
            return None
        v = sent.first + 1
        cue = cue_at(self.doc, v, sent.last)
        if cue is None or CUE_FORMS[tokens[v].text].participle:
            return None
        cand = self._span(previous.first, previous.last)
        if cand is not None:
            cand.speaker = self.finder.subject_after(v + 1, sent.last)
            cand.cue, cand.cue_start = cue, tokens[v].start
        return cand

    def frame_only(self, sent: Sentence) -> Candidate | None:
        """A sentence that names a speaker without quoting ("Dmitriew äußerte sich ...").

        It quotes nothing itself but sets the speaker that the quotations after it
        inherit.
        """
        tokens = self.doc.tokens
        for v in range(sent.first, sent.last):
            if cue_at(self.doc, v, sent.last) is None or CUE_FORMS[tokens[v].text].participle:
                continue
            speaker = self.finder.subject_before(sent.first, v) or self.finder.subject_after(
                v + 1, sent.last
            )
            if speaker is not None:
                return Candidate(sent.start, sent.end, "frame", speaker)
            return None
        return None

    def fallback(self, sent: Sentence, frame: Candidate | None) -> Candidate | None:
        """The content a sentence no rule quotes would have if it were indirect speech.

        After a comma and a complementizer or a Konjunktiv I clause ("X hält es für
        möglich, dass ..."), the clause from there with the subject before it as speaker;
        otherwise the whole sentence, inheriting the speaker (or the one a ``frame``
        sentence named).
        """
        tokens = self.doc.tokens
        for c in range(sent.first + 2, sent.last - 3):
            if tokens[c].text != ",":
                continue
            head = tokens[c + 1].text
            window = range(c + 2, min(c + 6, sent.last))
            if (
                head in COMPLEMENTIZERS
                or (
                    head.islower()
                    and head not in RELATIVES | NOT_CONTENT_ZU
                    and _zu_infinitive_end(self.doc, c, sent)
                )
                or (
                    head.lower() not in RELATIVES | SUBORDINATORS
                    and any(is_subjunctive(tokens[j].text) for j in window)
                )
            ):
                cand = self._span(c + 1, _content_end(self.doc, c + 1, sent.last))
                if cand is None:
                    break
                phrase = self.finder.noun_phrase(sent.first, c)
                if (
                    phrase is not None
                    and phrase.last < c
                    and tokens[phrase.last].text[0].islower()
                    and tokens[phrase.last].text not in COMPLEMENTIZERS
                ):
                    cand.speaker = phrase
                else:
                    cand.speaker = self.finder.nearest_source(sent.first, c, (0, 0), c)
                    cand.inherit = cand.speaker is None
                return cand
        cand = self._span(sent.first, sent.last)
        if cand is not None:
            cand.speaker = self._inner_source(sent)
            if cand.speaker is None and frame is not None and frame.kind == "frame":
                cand.speaker = frame.speaker
            cand.inherit = cand.speaker is None
        return cand

    def _inner_source(self, sent: Sentence) -> SpeakerSpan | None:
        """A source inside a sentence: "nach dem Bericht", "Seiner Meinung nach", "demnach",
        ", so die Studie", "wie die Zeitung berichtete"."""
        tokens = self.doc.tokens
        for i in range(sent.first, sent.last):
            word = tokens[i].text
            low = word.lower()
            if low in ("demnach", "danach", "demzufolge"):
                return SpeakerSpan(i, i + 1, tokens[i].start, tokens[i].end)
            if low == "nach" and i + 1 < sent.last:
                phrase = self.finder.noun_phrase(i + 1, sent.last)
                if phrase is not None and tokens[phrase.last - 1].text in SOURCE_WORDS:
                    return phrase
                if i > sent.first:  # "Seiner Meinung nach", "Dem Vernehmen nach"
                    start = max(sent.first, i - 2)
                    if tokens[i - 1].text in SOURCE_WORDS:
                        return SpeakerSpan(start, i, tokens[start].start, tokens[i - 1].end)
            if word in (",", "–") and i + 2 < sent.last and tokens[i + 1].text == "so":
                phrase = self.finder.noun_phrase(i + 2, sent.last)
                if phrase is not None:
                    return phrase
            if low == "wie" and (i == sent.first or tokens[i - 1].text == ","):
                end = _clause_end(self.doc, i + 1, sent.last)
                cue_i = next((j for j in range(i + 1, end) if cue_at(self.doc, j, end)), -1)
                if cue_i > 0:
                    return self.finder.subject_after(i + 1, cue_i)
        return None

    def free_indirect(self, sent: Sentence) -> Candidate | None:
        """A Konjunktiv I sentence without cue: the previous speaker goes on talking."""
        tokens = self.doc.tokens
        for j in range(sent.first, sent.last):
            if is_subjunctive(tokens[j].text) and not (
                j == sent.first and tokens[j].text[0].isupper()
            ):
                clause = self._subjunctive_subclause(sent, j)
                if clause is not None:
                    return clause
                cand = self._span(sent.first, sent.last, "indirect")
                if cand is not None:
                    cand.inherit = True
                return cand
        return None

    def _subjunctive_subclause(self, sent: Sentence, j: int) -> Candidate | None:
        """The clause after a comma when the Konjunktiv I at token ``j`` stands only there.

        "X schränkte die Bereitschaft ein, dass nicht an ein Treffen gedacht sei" or
        "..., die besonders häufig in Darfur auftrete": the narrator's main clause is in
        the indicative, and only the dass-, ob-, causal or relative clause reports.
        """
        tokens = self.doc.tokens
        c = next((k for k in range(j - 1, sent.first + 1, -1) if tokens[k].text == ","), None)
        if c is None or tokens[c + 1].text.lower() not in SUBCLAUSE_HEADS:
            return None
        if _has_subjunctive(self.doc, sent.first, c):
            return None
        cand = self._span(c + 1, _content_end(self.doc, c + 1, sent.last))
        if cand is None:
            return None
        phrase = self.finder.noun_phrase(sent.first, c)
        if phrase is not None and phrase.last < c and tokens[phrase.last].text[0].islower():
            cand.speaker = phrase  # "Jugendliche haben ... ausgesagt, dass ..."
        else:
            cand.inherit = True
        return cand


def _unit_features(sent: Sentence, unit: Candidate | None) -> list[str]:
    """Features of the quotation a sentence unit would give: its shape (whole sentence
    or a clause of it) and whether it names its own speaker or inherits one."""
    if unit is None:
        return ["shape=none"]
    whole = unit.start <= sent.start + 1 and unit.end >= sent.end - 2
    who = "own" if unit.speaker is not None else "inherit" if unit.inherit else "none"
    return [f"shape={'whole' if whole else 'clause'}", f"who={who}"]


def _next_features(doc: TokenText, index: int) -> list[str]:
    """Whether the sentence after goes on in Konjunktiv I or names a cue: reported speech
    runs over several sentences, and a sentence followed by more of it is part of it."""
    if index + 1 >= len(doc.sentences):
        return ["next=end"]
    nxt = doc.sentences[index + 1]
    words = [t.text for t in doc.tokens[nxt.first : nxt.last]]
    feats = []
    if any(is_subjunctive(w) for w in words):
        feats.append("next_k1")
    if any(w in CUE_FORMS for w in words):
        feats.append("next_cue")
    return feats


def _apply_rules(
    rules: IndirectRules, sent: Sentence, free: bool, touched: bool
) -> tuple[str, Candidate | None]:
    """The first rule that fires on a sentence, by name, with its candidate."""
    for name, rule in (
        ("after", rules.frame_after),
        ("before", rules.frame_before),
        ("source", rules.source_phrase),
        ("clause", rules.subjunctive_clause),
    ):
        cand = rule(sent)
        if cand is not None:
            return name, cand
    if free:
        cand = rules.free_indirect(sent)
        if cand is not None:
            return "free", cand
    if not touched:
        cand = rules.frame_only(sent)
        if cand is not None:
            return "frame", cand
    return "none", None


def find_indirect(
    doc: TokenText,
    finder: SpeakerFinder,
    covered: list[tuple[int, int]],
    model: LinearModel | None = None,
    trace: list[tuple[list[str], Candidate]] | None = None,
) -> list[Candidate]:
    """Indirect speech in every sentence not mostly taken by a direct quotation.

    With a ``model``, a rule's candidate is dropped below ``model.keep`` and a sentence
    no rule quotes is taken (see :meth:`IndirectRules.fallback`) above ``model.add``.
    ``trace`` (for training) receives every sentence's features with the candidate it
    would give.
    """
    rules = IndirectRules(doc, finder)
    found: list[Candidate] = []
    last_speech = -10
    previous: Sentence | None = None
    for index, sent in enumerate(doc.sentences):
        if _covered(sent.start, sent.end, covered):
            last_speech = index
            previous = sent
            continue
        touched = any(s < sent.end and sent.start < e for s, e in covered)
        back = None
        if previous is not None and not _covered(previous.start, previous.end, covered):
            back = rules.frame_back(sent, previous)
        if back is not None and previous is not None:
            # The sentence before is the content: it replaces what the rules made of it,
            # and this sentence only names the speaker.
            while found and found[-1].start >= previous.start:
                found.pop()
            found.append(back)
            last_speech = index
            previous = sent
            found.append(Candidate(sent.start, sent.end, "frame", back.speaker))
            continue
        free = index - last_speech <= FREE_INDIRECT_REACH
        rule, cand = _apply_rules(rules, sent, free, touched)
        if cand is not None and cand.kind != "frame" and _covered(cand.start, cand.end, covered):
            rule, cand = "direct", None  # «...», schrieb er: the direct quotation has it
            last_speech = index
        if (model is not None or trace is not None) and rule != "direct":
            quote = cand if cand is not None and cand.kind != "frame" else None
            fallback = quote or rules.fallback(sent, cand)
            feats = sentence_features(doc, sent, rule, index - last_speech, previous)
            feats += _unit_features(sent, fallback)
            feats += _next_features(doc, index)
            if trace is not None and fallback is not None:
                trace.append((feats, fallback))
            if model is not None:
                p = model.probability(feats)
                if quote is not None and p < model.keep:
                    cand = None
                elif quote is None and fallback is not None and p >= model.add:
                    cand = fallback
        previous = sent
        if cand is not None and cand.speaker is None and cand.cue_start is not None:
            cand.speaker = finder.nearest_source(
                sent.first, sent.last, (cand.start, cand.end), doc.token_at(cand.cue_start)
            )
        if cand is not None:
            found.append(cand)
            last_speech = index
        elif touched:
            last_speech = index
    return found
