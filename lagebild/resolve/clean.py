"""Mentions made ready for grouping: noise dropped, spans repaired, roles read.

The tagger (dev F1 about 0.77) leaves typical errors that grouping would multiply:
stray letters and punctuation ("X."), sentence-initial function words ("Wozu") and other
sentence-opening words ("Zweifellos"), common nouns taken for people ("Skepsis"), a
possessive glued to its noun ("Witkoffs Post" for "Witkoffs"), a role word glued to a
name ("Gewerkschaft Verdi"), a first name left out ("Rustem" in "Sicherheitsrats Rustem
Umjerow"), a name cut short ("Alexander Van", "Das Archiv der"). The repairs use what the
whole batch says about names: which tokens open person names (first names) and which
close them (surnames), so one article's clear mention repairs another's broken one. The
batch's multi-word names also find where the tagger missed them: a name tagged in two
articles is a mention where a third prints it untagged ("Sicherheitsrats Rustem Umjerow"
in seed 002; 269 mentions in a 4,000-article store: "Servus TV", "Islamischer Staat").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from lagebild.model import EntityLabel, Mention
from lagebild.resolve.inflect import (
    ADJECTIVE_ENDINGS,
    DETERMINERS,
    FUNCTION_WORDS,
    is_known,
    strip_genitive,
)
from lagebild.resolve.names import GENERATION_SUFFIXES, NAME_PARTICLES, fold
from lagebild.resolve.nouns import is_common_noun
from lagebild.resolve.records import Dropped, MentionDoc
from lagebild.resolve.roles import RoleMatch, find_roles, role_heads, role_kind

# Characters a tagged span may carry at its edges that belong to no name.
EDGE_JUNK = "«»„“”\"'‚‘’()[]{}.,;:!?-–—/*•#@ \t\n"
# Capitalised articles that open a sentence and may be tagged with the name after them.
ARTICLES = frozenset("Der Die Das Den Dem Des".split())
SENTENCE_END = '.!?:\n"“”„«»'
# Small words that open sentences and that the tagger may take into a name after them.
SENTENCE_OPENERS = (FUNCTION_WORDS - {"the", "a", "an", "of", "and"}) | {"von", "zu"}
# Currencies, which GermEval (and so the tagger) labels OTH: units, not entities. Only
# OTH mentions go ("Franken" the region is a place).
CURRENCIES = frozenset(
    """
    euro euros dollar dollars us-dollar us-dollars franken schweizer-franken pfund rubel
    yuan renminbi yen hrywnja hrywnjas griwna lira zloty złoty forint krone kronen rupie
    rupien peso pesos rand schekel dinar rial won cent eurocent
    """.split()
)
# Quotation marks around a title („Das Archiv der verlorenen Schlüssel“).
OPENING_QUOTES = frozenset('„“«»‚"')
CLOSING_QUOTES = frozenset('“”«»‘"')
TITLE_MAX_CHARS = 120
# A weekday, also with the time of day glued on ("Montagfrüh"): a date, not a name.
TIME_WORD = re.compile(
    r"(?:Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonnabend|Sonntag)"
    r"(?:früh|morgen|vormittag|mittag|nachmittag|abend|nacht)?s?"
)
# A capitalised phrase between quotation marks, on one line.
QUOTED_NAME = re.compile(r"[„“”\"«»‚‘]([A-ZÄÖÜ][^„“”\"«»‚‘’\n.!?,:;]{2,60}?)[“”\"«»‘’]")
# Small words inside names ("Koalition der Willigen", "Bild am Sonntag", "Save the Children").
LINKING_WORDS = frozenset(
    "der die das des dem den von vom für und im am zu zur zum auf an mit of the for and "
    "de la le du di del".split()
)
# Heads of organisations' names the role lexicon does not hold as organisations.
ORGANISATION_HEADS = (
    "koalition",
    "allianz",
    "bündnis",
    "bewegung",
    "initiative",
    "gruppe",
    "front",
    "union",
    "liga",
    "komitee",
    "kommission",
    "stiftung",
    "institut",
    "verein",
    "netzwerk",
)
# Academic titles printed before a person's name (German, Austrian and Swiss forms).
ACADEMIC_TITLES = frozenset(
    "Prof. Dr. Dr.-Ing. Dres. Mag. Ing. DI Dipl.-Ing. Univ.-Prof. PD Priv.-Doz. MMag.".split()
)
# A word the batch's texts write small this often is no name where it opens a sentence.
SMALL_MIN = 3
WORD_EDGES = ".,;:!?\"'„“”«»‚‘’()[]…–-/"
# After a name particle: more particles (small), then a capitalised surname.
AFTER_PARTICLE = re.compile(r"(?:[ \t]+[a-zäöü]{1,4})*[ \t]+[A-ZÄÖÜ][\w'’-]*\w")
# A multi-word name tagged in this many articles, with one label on this share of its
# mentions, is looked for where it is untagged.
KNOWN_MIN_DOCS = 2
# A full name's last word this long or longer is recovered where printed alone ("Li" is not).
SURNAME_MIN_LETTERS = 3
KNOWN_LABEL_SHARE = 2 / 3
# A capitalised word, where a known name may start.
CAPITALISED_WORD = re.compile(r"[A-ZÄÖÜ][\w'’.-]*\w|[A-ZÄÖÜ]")
# Abbreviations whose final period is part of the name.
KEEP_PERIOD = frozenset({"st.", "jr.", "sr.", "dr.", "mr.", "co.", "inc.", "ltd."})


@dataclass(slots=True)  # one per mention of the whole store: slots halve the memory
class Occ:
    """One kept mention: its cleaned name, span, label, the roles printed around it, and
    the word printed just before it (an article: "des Weißen Hauses" is neuter)."""

    doc: int
    key_start: int
    start: int
    end: int
    surface: str
    label: EntityLabel
    tokens: list[str] = field(default_factory=list)
    roles: list[RoleMatch] = field(default_factory=list)
    before: str | None = None
    recovered: bool = False  # found by the batch's known names, not by the tagger


@dataclass(frozen=True, slots=True)
class DocHead:
    """What grouping keeps of a doc once its mentions are read: where and when."""

    article_id: str
    published: str | None


def clean_text(mention: Mention) -> tuple[str, int, int]:
    """The mention's name without edge junk, and its span in the article text."""
    raw = mention.text
    lead = len(raw) - len(raw.lstrip(EDGE_JUNK))
    body = raw.strip(EDGE_JUNK)
    if raw.rstrip().endswith(".") and body:
        last = (body + ".").split()[-1].lower()
        if last in KEEP_PERIOD or last.rstrip(".") in GENERATION_SUFFIXES:
            body += "."
    start = mention.start + lead
    return " ".join(body.split()), start, start + len(body)


def noise_reason(name: str, label: EntityLabel) -> str | None:
    """Why ``name`` is not a name (a Dropped reason code), or None when it may be one."""
    letters = [c for c in name if c.isalpha()]
    if not letters:
        return "no_letters"
    # Two letters are a name only as an acronym ("EU") or a short family name ("Xi").
    short_ok = name.isupper() or (name.istitle() and label == "PER")
    if len(letters) < 2 or (len(name) == 2 and not short_ok):
        return "too_short"
    if not any(c.isupper() for c in name):
        return "lowercase"
    if " " not in name and name.lower() in FUNCTION_WORDS:
        return "function_word"
    if label == "OTH" and name.lower() in CURRENCIES:
        return "currency"
    if TIME_WORD.fullmatch(name):
        return "time_word"
    return None


def collect(
    docs: Iterable[MentionDoc], texts: Iterable[tuple[str, str]] | None = None
) -> tuple[list[list[Occ]], list[Dropped], list[DocHead]]:
    """Clean every doc's mentions, repair their spans and read their roles.

    Two passes: the first reads the mentions (and learns the batch's first names and
    surnames), the second each doc's text. ``texts``, when given, yields ``(article id,
    text)`` in the docs' order for the second pass, so that a whole store's texts are
    never in memory at once (the docs' own ``text`` is then not read); without it the
    docs' texts are kept from the first pass.
    """
    dropped: list[Dropped] = []
    by_doc: list[list[Occ]] = []
    heads: list[DocHead] = []
    kept: list[str] = []
    for index, doc in enumerate(docs):
        heads.append(DocHead(doc.article_id, doc.published))
        if texts is None:
            kept.append(doc.text)
        occs: list[Occ] = []
        for mention in sorted(doc.mentions, key=lambda m: m.start):
            name, start, end = clean_text(mention)
            reason = noise_reason(name, mention.label)
            if reason is not None:
                dropped.append(Dropped(doc.article_id, mention.start, mention.text, reason))
                continue
            occs.append(Occ(index, mention.start, start, end, name, mention.label, name.split()))
        by_doc.append(occs)
    # The words of the batch's full person names: no such word is dropped as a noun.
    name_words = {
        token
        for occs in by_doc
        for occ in occs
        if occ.label == "PER" and len(occ.tokens) >= 2
        for token in occ.tokens
    }
    _drop_common_nouns(by_doc, heads, dropped, name_words)
    openings, surnames = _name_parts(by_doc)
    first_names = set(openings)
    # As printed: "Hans Lotter" is no possessive of a "Han" whose key meets "Haan"; and
    # a given name is no surname: "Andreas Kiefer" is none of "Andrea" (Nahles).
    printed = {
        occ.tokens[-1]
        for occs in by_doc
        for occ in occs
        if occ.label == "PER" and (len(occ.tokens) > 1 or occ.tokens[-1] not in first_names)
    }
    surfaces = {occ.surface for occs in by_doc for occ in occs}
    labelled = {(occ.surface, occ.label) for occs in by_doc for occ in occs}
    # "Putins" is a genitive where "Wladimir Putin" was seen.
    last_words = {surface.rsplit(" ", 1)[-1] for surface in surfaces}
    second = zip(heads, kept, strict=True) if texts is None else _in_order(texts, heads)
    spelling = _Spelling(by_doc, name_words)
    known = _KnownNames(by_doc)
    for index, ((_head, text), occs) in enumerate(zip(second, by_doc, strict=True)):
        spelling.count(text, occs)
        for occ in occs:
            _repair_cut_end(occ, text)
            _trim_article(occ, text, surfaces)
            _trim_titles(occ, text)
            _trim_role_word(occ, text, labelled)
            _trim_possessive(occ, text, openings, printed)
            _keep_first_person(occ, text, surfaces, first_names, printed)
        _extend_first_names(occs, text, first_names, surnames)
        for occ in occs:
            _extend_particle(occ, text, occs)
        _extend_institutions(occs, text)
        known.recover(index, occs, text)
        _recover_quoted(index, occs, text)
        _recover_surnames(index, occs, text)
        spans = [(o.start, o.end, o.label) for o in occs]
        heads_of_roles = role_heads(text)
        for occ in occs:
            base = strip_genitive(occ.surface)
            genitive = base is not None and (base in surfaces or base in last_words)
            occ.roles = find_roles(
                text, occ.start, occ.end, spans, heads_of_roles, genitive=genitive
            )
            words = text[max(0, occ.start - 12) : occ.start].split()
            occ.before = words[-1] if words else None
    spelling.drop(by_doc, heads, dropped)
    return by_doc, dropped, heads


def _in_order(
    texts: Iterable[tuple[str, str]], heads: list[DocHead]
) -> Iterator[tuple[DocHead, str]]:
    """Pair each doc with its text, checking that both streams name the same article."""
    for head, (article_id, text) in zip(heads, texts, strict=True):
        if article_id != head.article_id:
            raise ValueError(f"text of {article_id} where {head.article_id} was expected")
        yield head, text


class _KnownNames:
    """The batch's multi-word names, to find where the tagger missed one.

    A name of two or more words tagged in at least ``KNOWN_MIN_DOCS`` articles, with one
    label on at least ``KNOWN_LABEL_SHARE`` of its mentions, is a mention with that label
    wherever else it is printed as words of its own (not inside a compound, not with a
    genitive ending, not overlapping another mention): seed 002's "Sicherheitsrats
    Rustem Umjerow", which the tagger returned elsewhere but not there.
    """

    def __init__(self, by_doc: list[list[Occ]]) -> None:
        docs: dict[str, set[int]] = {}
        labels: dict[str, Counter[EntityLabel]] = {}
        for occs in by_doc:
            for occ in occs:
                if (
                    len(occ.tokens) >= 2
                    and occ.tokens[-1][:1].isupper()
                    # "Die Zeit", "Der Papst": as often the words of a sentence start
                    and occ.tokens[0].lower() not in DETERMINERS
                    and occ.tokens[0].lower() not in FUNCTION_WORDS
                ):
                    docs.setdefault(occ.surface, set()).add(occ.doc)
                    labels.setdefault(occ.surface, Counter())[occ.label] += 1
        self.by_first: dict[str, list[tuple[str, EntityLabel]]] = {}
        for name in sorted(docs, key=lambda n: (-len(n), n)):  # longest first
            label, count = labels[name].most_common(1)[0]
            if len(docs[name]) < KNOWN_MIN_DOCS:
                continue
            if count < KNOWN_LABEL_SHARE * sum(labels[name].values()):
                continue
            self.by_first.setdefault(name.split(" ", 1)[0], []).append((name, label))

    def recover(self, doc: int, occs: list[Occ], text: str) -> None:
        """Add to ``occs`` (one doc's, kept in order) the known names printed untagged."""
        if not self.by_first:
            return
        taken = [(o.start, o.end) for o in occs]
        found: list[Occ] = []
        for match in CAPITALISED_WORD.finditer(text):
            names = self.by_first.get(match.group())
            if names is None:
                continue
            start = match.start()
            if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "-‐‑"):
                continue
            for name, label in names:
                end = start + len(name)
                if not text.startswith(name, start):
                    continue
                if end < len(text) and (text[end].isalnum() or text[end] in "-‐‑'’"):
                    continue
                if any(lo < end and start < hi for lo, hi in taken):
                    break
                found.append(Occ(doc, start, start, end, name, label, name.split(), recovered=True))
                taken.append((start, end))
                break
        _add_recovered(occs, found)


def _recover_quoted(doc: int, occs: list[Occ], text: str) -> None:
    """Add to ``occs`` the names an article prints in quotes at least twice and the
    tagger missed: seed 003's “Koalition der Willigen”. The phrase must be made of names'
    words (2 to 5, each capitalised or a small linking word, no sentence marks), which
    quoted speech is not ("Wir schaffen das"). An organisation's head word ("Koalition",
    "Bündnis", "Zeitung") makes it an organisation, else it is another name (a title, a
    ship, a campaign: "Graf Zeppelin", "Gesuchte Kinder")."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for match in QUOTED_NAME.finditer(text):
        phrase = match.group(1)
        words = phrase.split()
        if not 2 <= len(words) <= 5 or words[-1] in LINKING_WORDS or phrase != phrase.strip():
            continue
        if all(w[:1].isupper() or w in LINKING_WORDS for w in words):
            spans.setdefault(phrase, []).append(match.span(1))
    taken = [(o.start, o.end) for o in occs]
    found: list[Occ] = []
    for phrase, places in spans.items():
        if len(places) < 2:
            continue
        words = phrase.split()
        label: EntityLabel = "ORG" if any(_organisation_word(w) for w in words) else "OTH"
        for start, end in places:
            if any(lo < end and start < hi for lo, hi in taken):
                continue
            found.append(Occ(doc, start, start, end, phrase, label, words, recovered=True))
            taken.append((start, end))
    _add_recovered(occs, found)


def _recover_surnames(doc: int, occs: list[Occ], text: str) -> None:
    """Add to ``occs`` the bare surnames (or their genitives) of the people the article
    names in full, where the tagger missed them: seed 002's "ein Team um Umjerow" after
    "Rustem Umjerow". A reader takes a surname so in an article about that person; after
    an article word it is a noun ("Olaf Koch ... der Koch"), and a word inside a compound
    ("Umjerow-Gruppe") or another mention is left alone."""
    surnames = {
        occ.tokens[-1]
        for occ in occs
        if occ.label == "PER"
        and len(occ.tokens) >= 2
        and len(occ.tokens[-1]) >= SURNAME_MIN_LETTERS
        and occ.tokens[-1][:1].isupper()
    }
    if not surnames:
        return
    taken = [(o.start, o.end) for o in occs]
    found: list[Occ] = []
    for match in CAPITALISED_WORD.finditer(text):
        word = match.group()
        if word not in surnames and not (word.endswith("s") and word[:-1] in surnames):
            continue
        start, end = match.span()
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "-‐‑"):
            continue
        if any(lo < end and start < hi for lo, hi in taken):
            continue
        before = text[max(0, start - 12) : start].split()
        if before and before[-1].lower() in DETERMINERS:
            continue
        found.append(Occ(doc, start, start, end, word, "PER", [word], recovered=True))
        taken.append((start, end))
    _add_recovered(occs, found)


def _add_recovered(occs: list[Occ], found: list[Occ]) -> None:
    """Put recovered mentions among a doc's mentions, kept in text order."""
    if found:
        occs.extend(found)
        occs.sort(key=lambda o: o.start)


def _organisation_word(word: str) -> bool:
    """A word naming a kind of organisation, also as a compound's end ("Friedensbündnis")."""
    lower = word.lower()
    return role_kind(word) == "ORG" or any(lower.endswith(head) for head in ORGANISATION_HEADS)


class _Spelling:
    """How the batch's texts write the words of its one-word mentions: small or
    capitalised, and which mentions open a sentence.

    German capitalises the first word of a sentence, so the tagger takes some adverbs and
    adjectives there for names ("Zweifellos", "Draußen"). Such a mention goes when the
    texts write the word small at least SMALL_MIN times and more often than capitalised,
    unless a longer person mention of the batch has it ("Neuer" of Manuel Neuer).
    """

    def __init__(self, by_doc: list[list[Occ]], name_words: set[str]) -> None:
        self.words = {
            occ.surface
            for occs in by_doc
            for occ in occs
            if len(occ.tokens) == 1 and occ.surface[1:].islower()
        }
        self.words -= name_words
        self.small = {word.lower() for word in self.words}
        self.wanted = self.small | self.words
        self.counts: Counter[str] = Counter()
        self.opening: set[int] = set()

    def count(self, text: str, occs: list[Occ]) -> None:
        """Count one text's words, and note its mentions that open a sentence."""
        # Split and counted in C; punctuation is cut from the distinct words only.
        for raw, times in Counter(text.split()).items():
            token = raw.strip(WORD_EDGES)
            if token in self.wanted:
                self.counts[token] += times
        for occ in occs:
            if occ.surface in self.words:
                before = text[: occ.start].rstrip(" \t\"„“”«»'‚‘’(")
                if not before or before[-1] in ".!?:\n":
                    self.opening.add(id(occ))

    def drop(self, by_doc: list[list[Occ]], heads: list[DocHead], dropped: list[Dropped]) -> None:
        """Drop the sentence-opening mentions of words the texts write small."""
        for occs, head in zip(by_doc, heads, strict=True):
            kept: list[Occ] = []
            for occ in occs:
                if id(occ) in self.opening:
                    small = self.counts[occ.surface.lower()]
                    if small >= SMALL_MIN and small > self.counts[occ.surface]:
                        dropped.append(
                            Dropped(head.article_id, occ.key_start, occ.surface, "written_small")
                        )
                        continue
                kept.append(occ)
            occs[:] = kept


def _drop_common_nouns(
    by_doc: list[list[Occ]], heads: list[DocHead], dropped: list[Dropped], name_words: set[str]
) -> None:
    """Drop one-word persons that are common nouns ("Skepsis"), unless a longer person
    mention of the batch has the word ("Anna Helfer" makes "Helfer", "Helfers" hers)."""
    for occs, head in zip(by_doc, heads, strict=True):
        kept: list[Occ] = []
        for occ in occs:
            word = occ.surface
            if occ.label == "PER" and len(occ.tokens) == 1 and is_common_noun(word):
                base = strip_genitive(word)
                if word not in name_words and (base is None or base not in name_words):
                    dropped.append(Dropped(head.article_id, occ.key_start, word, "common_noun"))
                    continue
            kept.append(occ)
        occs[:] = kept


def _name_parts(by_doc: list[list[Occ]]) -> tuple[dict[str, set[str]], set[str]]:
    """First names (first tokens, each with the second tokens after it) and surname keys
    of the person mentions in the batch."""
    openings: dict[str, set[str]] = defaultdict(set)
    surnames: set[str] = set()
    for occs in by_doc:
        for occ in occs:
            if occ.label != "PER":
                continue
            if len(occ.tokens) >= 2:
                openings[occ.tokens[0]].add(occ.tokens[1])
            surnames.add(fold(occ.tokens[-1]))
    return dict(openings), surnames


def _trim_article(occ: Occ, text: str, surfaces: set[str]) -> None:
    """ "Der Inn" -> "Inn": a sentence's article tagged with a name the batch has without
    it. Names with their own article ("Der Spiegel") are not seen without it. So for
    other words that open a sentence: "Zu Thiem meinte Nadal", "Von Obama kam nichts"
    ("Von der Leyen" stays: "der Leyen" is not seen alone)."""
    if len(occ.tokens) < 2 or not _opens_sentences(occ.tokens[0]):
        return
    before = text[max(0, occ.start - 3) : occ.start].rstrip(" ")
    if before and before[-1] not in SENTENCE_END:  # "in Den Haag": the name's own article
        return
    if " ".join(occ.tokens[1:]) in surfaces:
        _cut_first_word(occ, text)


def _trim_titles(occ: Occ, text: str) -> None:
    """ "Prof. Dr. Matthias W. Beckmann" -> "Matthias W. Beckmann": academic titles are
    no part of a person's name (a film's "Dr. No" is no person)."""
    while occ.label == "PER" and len(occ.tokens) > 1 and occ.tokens[0] in ACADEMIC_TITLES:
        _cut_first_word(occ, text)


def _cut_first_word(occ: Occ, text: str) -> None:
    """Start the mention at its second word (found in the text after the first)."""
    start = text.find(occ.tokens[1], occ.start + len(occ.tokens[0]), occ.end)
    if start < 0:
        return
    occ.start = start
    occ.tokens = occ.tokens[1:]
    occ.surface = " ".join(occ.tokens)


def _repair_cut_end(occ: Occ, text: str) -> None:
    """A name the tagger ended on a function word ("Das Archiv der"): a title in quotes
    runs on to its closing quote, anything else loses the trailing function words."""
    if len(occ.tokens) < 2 or not _loose_end(occ.tokens[-1]):
        return
    opening = text[max(0, occ.start - 1) : occ.start]
    if opening and opening in OPENING_QUOTES:
        close = _closing_quote(text, occ.end)
        if close is not None:
            title = text[occ.start : close].rstrip(".,;: ")
            occ.end = occ.start + len(title)
            occ.surface = " ".join(title.split())
            occ.tokens = occ.surface.split()
            return
    tokens = list(occ.tokens)
    while len(tokens) > 1 and _loose_end(tokens[-1]):
        tokens.pop()
    _end_at(occ, text, tokens)


def _end_at(occ: Occ, text: str, tokens: list[str]) -> None:
    """End the mention after ``tokens``, its first words (found in the text after the
    words before the last)."""
    at = text.find(tokens[-1], occ.start + len(" ".join(tokens[:-1])), occ.end)
    if at < 0:
        return
    occ.end = at + len(tokens[-1])
    occ.tokens = tokens
    occ.surface = " ".join(tokens)


def _loose_end(token: str) -> bool:
    """A function word printed small ("der", "für"): not "Man" of "Third Man", not the
    initial "A" of "Salah A"; or a weekday ("Katzian Mittwochfrüh")."""
    return (token.islower() and token in FUNCTION_WORDS) or bool(TIME_WORD.fullmatch(token))


def _closing_quote(text: str, start: int) -> int | None:
    """Where the quote open before ``start`` closes, within one sentence and
    TITLE_MAX_CHARS characters; None if it does not."""
    for at in range(start, min(len(text), start + TITLE_MAX_CHARS)):
        char = text[at]
        if char in CLOSING_QUOTES:
            return at
        if char in "\n!?":
            return None
    return None


def _trim_role_word(occ: Occ, text: str, labelled: set[tuple[str, EntityLabel]]) -> None:
    """ "Gewerkschaft Verdi" -> "Verdi": a role word tagged with a name the batch has
    alone with the same label (not "Universität Wien": Wien is a place); the role is
    read from the text before the name afterwards. A remainder that ends in a word for
    people names no one ("Gewerkschaft Deutscher Lokomotivführer": the union of them)."""
    if len(occ.tokens) < 2 or role_kind(occ.tokens[0]) is None:
        return
    if role_kind(occ.tokens[-1]) == "PER":
        return
    if (" ".join(occ.tokens[1:]), occ.label) in labelled:
        _cut_first_word(occ, text)


def _keep_first_person(
    occ: Occ, text: str, surfaces: set[str], first_names: set[str], surnames: set[str]
) -> None:
    """ "warf Lech Kaczyński Wałęsa Spionage vor" -> "Lech Kaczyński": two people tagged
    as one, where the first and last words are a full name the batch has ("Lech
    Wałęsa") and the middle one a surname of its persons that opens no name (a second
    given name, "Recep Tayyip Erdogan", does not end a person's name).
    (``surnames``: the last words of the batch's person mentions, as printed.)"""
    if occ.label != "PER" or len(occ.tokens) != 3:
        return
    first, middle, last = occ.tokens
    if f"{first} {last}" not in surfaces or middle not in surnames or middle in first_names:
        return
    _end_at(occ, text, [first, middle])


def _opens_sentences(word: str) -> bool:
    """True for a capitalised article, preposition or other German function word."""
    return word in ARTICLES or (
        word[:1].isupper() and word.lower() in SENTENCE_OPENERS and not word.isupper()
    )


def _trim_possessive(
    occ: Occ, text: str, openings: dict[str, set[str]], surnames: set[str]
) -> None:
    """ "Witkoffs Post" -> "Witkoffs": a person's genitive before a common noun
    (``surnames``: the last words of the batch's person mentions, as printed;
    ``openings``: the first words of its full person names, each with its next words).
    A word that opens other person names before a word no dictionary knows ("Lukas
    Podolski": "Lukas" is a given name, not the genitive of a "Luka") owns only a word
    the noun dictionary has as a common noun: "Lukas Schmitz" is a name. ("Gaddafis
    Tod" and "Gaddafis Stamm" open with a genitive: both words after it are known.)"""
    if len(occ.tokens) != 2:
        return
    owner, noun = occ.tokens
    base = strip_genitive(owner)
    if base is None or base not in surnames or noun in openings or not is_known(noun):
        return
    if not is_common_noun(noun) and any(
        not is_known(word) for word in openings.get(owner, set()) - {noun}
    ):
        return
    occ.surface = owner
    occ.tokens = [owner]
    occ.end = occ.start + len(owner)
    occ.label = "PER"


def _extend_first_names(
    occs: list[Occ], text: str, first_names: set[str], surnames: set[str]
) -> None:
    """Add a first name the tagger left out: "Sicherheitsrats [Rustem Umjerow]"."""
    taken = [(o.start, o.end) for o in occs]
    for occ in occs:
        if len(occ.tokens) != 1:
            continue
        if occ.label != "PER" and fold(occ.tokens[0]) not in surnames:
            continue
        found = _free_word_before(occ, text, taken)
        if found is None:
            continue
        word, words = found
        if (
            not word[:1].isupper()
            or len(word) < 3
            or word.lower() in SENTENCE_OPENERS
            or word.lower() in DETERMINERS
            or role_kind(word) is not None
        ):
            continue
        if word not in first_names and (is_known(word) or _described(words[:-1])):
            continue
        _prepend(occ, word)


def _extend_particle(occ: Occ, text: str, occs: list[Occ]) -> None:
    """ "Alexander Van" -> "Alexander Van der Bellen": a person's name the tagger ended on a
    name particle runs on over further particles to the capitalised surname after them,
    unless another mention starts there ("Karl von" before the place "Österreich")."""
    if occ.label != "PER" or occ.tokens[-1].lower() not in NAME_PARTICLES:
        return
    match = AFTER_PARTICLE.match(text, occ.end)
    if match is None:
        return
    words = match.group(0).split()
    if any(w.lower() not in NAME_PARTICLES for w in words[:-1]):
        return
    if any(occ.end <= other.start < match.end() for other in occs):
        return
    occ.end = match.end()
    occ.tokens = [*occ.tokens, *words]
    occ.surface = " ".join(occ.tokens)


def _extend_institutions(occs: list[Occ], text: str) -> None:
    """ "Hochwassernachrichtendienst [Bayern]" -> one organisation: an institution's noun
    right before a place the tagger found is that institution's name, not the place's
    description (a place's own are: "Stadt Passau", "Bundesland Bayern")."""
    taken = [(o.start, o.end) for o in occs]
    for occ in occs:
        if occ.label != "LOC":
            continue
        found = _free_word_before(occ, text, taken)
        if found is not None and role_kind(found[0]) == "ORG":
            _prepend(occ, found[0])
            occ.label = "ORG"


def _free_word_before(
    occ: Occ, text: str, taken: list[tuple[int, int]]
) -> tuple[str, list[str]] | None:
    """The word of letters one space before the mention, in no other mention, and the
    words before it (a few dozen characters' worth)."""
    before = text[max(0, occ.start - 60) : occ.start]
    if not before.endswith(" ") or before.endswith("  "):
        return None
    words = before.split()
    if not words or not words[-1].isalpha():
        return None
    word_start = occ.start - 1 - len(words[-1])
    if any(lo <= word_start < hi for lo, hi in taken):
        return None
    return words[-1], words


def _prepend(occ: Occ, word: str) -> None:
    """The mention with ``word`` (one space before it) added in front."""
    occ.surface = f"{word} {occ.surface}"
    occ.tokens = [word, *occ.tokens]
    occ.start -= 1 + len(word)


def _described(before: list[str]) -> bool:
    """True when the words before a capitalised word make it a noun: an article or a
    contracted preposition, maybe with adjectives between ("beim ostdeutschen
    Handelslogistiker Hollmann"). A first name the tagger left out follows a noun or a
    verb ("des Sicherheitsrats Rustem Umjerow", "trafen Rustem Umjerow")."""
    for word in reversed(before[-3:]):
        lower = word.lower()
        if lower in DETERMINERS:
            return True
        if word != lower or not lower.endswith(ADJECTIVE_ENDINGS):
            return False
    return False
