"""Roles and descriptions printed next to a name: "Kremlchef Wladimir Putin".

German news introduces a person with a role noun phrase right before the name ("der
US-Sondergesandte Steve Witkoff", "Putins außenpolitischer Berater Juri Uschakow",
"den Sekretär des nationalen Sicherheitsrats Rustem Umjerow"), as an apposition before it
("der Schwiegersohn von US-Präsident Donald Trump, Jared Kushner,") or after it ("Jared
Kushner, der Schwiegersohn von Präsident Donald Trump,"). Places and organisations get
descriptions the same way ("im US-Bundesstaat Florida", "das Nachrichtenportal Axios").

A phrase counts as a role only when its head noun ends in a known role word
(``PERSON_ROLES``, ``ORG_DESCRIPTIONS``, ``LOC_DESCRIPTIONS``): open-ended noun phrases
before names are too often something else ("Gespräch", "Treffen"). The phrase is returned
in the nominative singular without article (see :mod:`lagebild.resolve.inflect`); the
kind of its head is evidence for the entity's type (a "Präsident" is a person).

Example::

    >>> text = "Nach dem Treffen mit dem russischen Präsidenten Wladimir Putin in Moskau"
    >>> start = text.index("Wladimir Putin")
    >>> [r.text for r in find_roles(text, start, start + len("Wladimir Putin"))]
    ['russischer Präsident']
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from lagebild.annotate.quote_lexicon import cue_verb
from lagebild.model import EntityLabel
from lagebild.resolve.inflect import (
    DETERMINERS,
    FUNCTION_WORDS,
    is_adjectival_noun,
    looks_adjectival,
    role_nominative,
)

# Role words of people (nominative singular; compounds match on their end:
# "Kremlchef", "US-Sondergesandte", "Sicherheitsratssekretär").
PERSON_ROLES = """
präsident kanzler minister chef gesandte beauftragte berater sprecher sekretär unterhändler
botschafter general admiral kommandeur befehlshaber premier premierminister vorsitzende
abgeordnete senator gouverneur bürgermeister könig königin prinz prinzessin kronprinz papst
kardinal bischof patriarch richter anwalt staatsanwalt ermittler diplomat vermittler aktivist
oppositionelle oppositionsführer kandidat milliardär unternehmer gründer direktor leiter
führer anführer machthaber diktator herrscher monarch emir scheich schwiegersohn
schwiegertochter schwiegervater sohn tochter ehefrau ehemann gattin witwe bruder schwester
vater mutter journalist reporter korrespondent autor schriftsteller sänger sängerin
schauspieler schauspielerin trainer spieler stürmer torhüter kapitän manager ökonom experte
analyst forscher wissenschaftler professor arzt ärztin vertreter kommissar hauptmann
hauptfrau mandatar politiker oligarch star moderator regisseur komponist pilot soldat
offizier oberst major kommandant verteidiger gewerkschafter lobbyist investor bankier
vize beamte delegierte bevollmächtigte abteilungsleiter staatssekretär generalsekretär
""".split()
ORG_DESCRIPTIONS = """
sender nachrichtenportal portal zeitung blatt magazin agentur plattform netzwerk partei
konzern unternehmen firma hersteller organisation miliz bewegung verband gewerkschaft bank
institut ministerium behörde gericht bündnis allianz club klub verein universität
denkfabrik fraktion fluggesellschaft airline autobauer dienst kanal rüstungskonzern
logistiker versorger versicherer zulieferer discounter reederei
""".split()
LOC_DESCRIPTIONS = """
stadt hauptstadt metropole bundesstaat bundesland region provinz oblast gebiet dorf ort
gemeinde insel halbinsel kanton bezirk nachbarland heimatland partnerland mitgliedsland
republik landkreis kreis
""".split()
ROLE_KIND: dict[str, EntityLabel] = {
    **{w: "PER" for w in PERSON_ROLES},
    **{w: "ORG" for w in ORG_DESCRIPTIONS},
    **{w: "LOC" for w in LOC_DESCRIPTIONS},
}
# A role word at the end of a token with the inflection it may carry, matched on the
# reversed token so that the match is anchored (a search for "...$" is ten times slower).
INFLECTIONS = ("innen", "in", "en", "er", "es", "n", "s", "e", "r")
ROLE_HEAD_REVERSED = re.compile(
    "("
    + "|".join(i[::-1] for i in INFLECTIONS)
    + ")?("
    + "|".join(sorted((w[::-1] for w in ROLE_KIND), key=len, reverse=True))
    + ")"
)
CAPITALISED = re.compile(r"\b[A-ZÄÖÜ][\w-]*\w")
# Words that may open what follows a role head: "Sekretär des Sicherheitsrats",
# "Schwiegersohn von Donald Trump", "Präsident der Ukraine".
COMPLEMENT_START = frozenset("des der von vom aus für im in beim am zum zur".split())
COMPLEMENT_WORDS = COMPLEMENT_START | frozenset("den dem die das und".split())
POSSESSIVES = frozenset(
    "sein seine seinem seinen seines seiner ihr ihre ihrem ihren ihres ihrer".split()
)
# Finite auxiliaries and modals that end like an adjective ("wurde Bürgermeister X").
AUXILIARIES = frozenset(
    """
    wurde wurden würde würden werde hatte hatten hätte hätten habe sei seien wäre wären
    sollte sollten solle könnte könnten konnte konnten könne müsste müssten musste mussten
    müsse dürfte dürften durfte durften wollte wollten wolle möchte möchten bleibe blieb
    """.split()
)
# A period inside a token joins abbreviations ("U.S."), not a sentence glued to the next
# one by a lost space ("Prozent.Bundeskanzlerin": a capital and a small letter after it).
TOKEN = re.compile(r"\w+(?:[-‐‑'’]\w+|\.(?![A-ZÄÖÜ][a-zäöüß])\w+)*|[^\w\s]")
# How far to look for a role around a name, in characters and in tokens.
WINDOW_CHARS = 100
MAX_COMPLEMENT = 8


@dataclass(frozen=True)
class RoleMatch:
    """A role phrase found next to a mention, and the entity type its head implies."""

    text: str
    kind: EntityLabel


class _Tok(NamedTuple):
    """A token of the context window with its offsets in the full text."""

    text: str
    start: int
    end: int


@lru_cache(maxsize=200_000)
def role_kind(word: str) -> EntityLabel | None:
    """The entity type a role head implies ("Kremlchef" -> PER), or None for no role word.

    Inflected forms count ("Präsidenten", "Sondergesandter", "Senders"), plurals do not
    ("Forschern", "Ministerinnen", "Kreise"): a plural role describes a group, not the
    name after it.
    """
    tail = word.rsplit("-", 1)[-1]
    if not tail[:1].isupper():
        return None
    match = ROLE_HEAD_REVERSED.match(tail.lower()[::-1])
    if match is None:
        return None
    inflection = (match.group(1) or "")[::-1]
    base = match.group(2)[::-1]
    kind = ROLE_KIND[base]
    if inflection == "innen" or (inflection == "n" and not base.endswith("e")):
        return None
    if inflection == "en" and base.endswith(("er", "e")):
        return None
    # "-e" on a noun that does not end in "e" is a plural ("Kreise", "Dienste"); "-r" only
    # inflects the adjectival ones ("Sondergesandter", "Beamter").
    if inflection in ("e", "r") and not base.endswith("e"):
        return None
    if inflection == "r" and kind != "PER":  # "Airliner" is no airline
        return None
    if inflection == "s" and kind == "PER":
        return None
    return kind


def role_heads(text: str) -> list[int]:
    """Start offsets of the capitalised words of ``text`` that are role heads, in order.

    Computed once per article so that each mention only bisects for a role near it.
    """
    return [m.start() for m in CAPITALISED.finditer(text) if role_kind(m.group())]


def find_roles(
    text: str,
    start: int,
    end: int,
    names: Sequence[tuple[int, int, str]] = (),
    heads: Sequence[int] | None = None,
    *,
    genitive: bool = False,
) -> list[RoleMatch]:
    """The role phrases around the mention ``text[start:end]``.

    ``names`` are the (start, end, label) spans of the text's other mentions: a role head
    inside one is a name, not a role, and a person's genitive before a role is moved
    behind it ("Putins Berater" -> "Berater Putins"). ``heads`` is ``role_heads(text)``,
    passed in when many mentions of one text are looked at. ``genitive`` says that the
    mention is the genitive of a name seen elsewhere ("Putins" where "Putin" is known):
    then a role with its own article right before it is someone else's ("der Berater
    Putins" is Putin's adviser), while "Kremlchef Putins Sprecher" is still Putin's.
    """
    if heads is None:
        heads = role_heads(text)
    lo, hi = max(0, start - WINDOW_CHARS), min(len(text), end + WINDOW_CHARS)
    at = bisect_left(heads, lo)
    role_left = at < len(heads) and heads[at] < start
    after = text[end : end + 3].lstrip()[:1]
    at = bisect_left(heads, end)
    role_right = after == "," and at < len(heads) and heads[at] < hi
    if not role_left and not role_right:
        return []
    left = _tokens(text, lo, start)
    right = _tokens(text, end, hi) if after in (",", ".") else []
    found: list[RoleMatch] = []
    before = _before(left, names)
    if before is not None and not (genitive and _possessed(left)):
        found.append(before)
    if left and left[-1].text == "," and right and right[0].text in (",", "."):
        apposition = _apposition(left[:-1], names, open_left=True)
        if apposition is not None:
            found.append(apposition)
    if right and right[0].text == ",":
        apposition = _apposition(right[1:], names, open_left=False)
        if apposition is not None:
            found.append(apposition)
    return found


def _possessed(left: Sequence[_Tok]) -> bool:
    """True when ``left`` ends in an article and a role head: "der Berater" (Putins)."""
    return (
        len(left) >= 2
        and role_kind(left[-1].text) is not None
        and left[-2].text.lower() in DETERMINERS
    )


def _tokens(text: str, lo: int, hi: int) -> list[_Tok]:
    """The tokens of ``text[lo:hi]`` with absolute offsets."""
    return [_Tok(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text, lo, hi)]


def _in_name(tok: _Tok, names: Sequence[tuple[int, int, str]]) -> str | None:
    """The label of the mention covering ``tok``, or None."""
    for lo, hi, label in names:
        if lo <= tok.start and tok.end <= hi:
            return label
    return None


def _is_word(tok: _Tok) -> bool:
    return tok.text[:1].isalnum()


def _complement_ok(toks: Sequence[_Tok]) -> bool:
    """True for the words after a role head that still belong to the role phrase."""
    if not toks:
        return True
    if len(toks) > MAX_COMPLEMENT or toks[0].text not in COMPLEMENT_START:
        return False
    for tok in toks:
        if not _is_word(tok):
            return False
        word = tok.text
        adjective = looks_adjectival(word) and word not in FUNCTION_WORDS
        if not (word[:1].isupper() or word in COMPLEMENT_WORDS or adjective):
            return False
    return toks[-1].text not in COMPLEMENT_WORDS


def _phrase(
    toks: Sequence[_Tok], head_at: int, names: Sequence[tuple[int, int, str]]
) -> tuple[RoleMatch, int] | None:
    """The role built from ``toks[head_at]`` and the words before it, and its first index.

    Before the head come adjectives ("russischen"), a genitive ("Putins",
    "Frankreichs") and an article or possessive, in that order from the head back.
    """
    head = toks[head_at]
    kind = role_kind(head.text)
    if kind is None or _in_name(head, names) is not None:
        return None
    i = head_at - 1
    adjectives: list[str] = []
    while i >= 0 and toks[i].text[:1].islower() and looks_adjectival(toks[i].text):
        if toks[i].text.lower() in FUNCTION_WORDS | POSSESSIVES or _finite_verb(toks[i].text):
            break
        adjectives.insert(0, toks[i].text)
        i -= 1
    genitive: _Tok | None = None
    if (
        i >= 0
        and toks[i].text[:1].isupper()
        and toks[i].text.endswith("s")
        and role_kind(toks[i].text) is None
        and toks[i].text.lower() not in DETERMINERS
    ):
        genitive = toks[i]
        i -= 1
    article: str | None = None
    if i >= 0 and toks[i].text.lower() in DETERMINERS | POSSESSIVES:
        article = toks[i].text.lower()
        if article in POSSESSIVES:
            article = "der" if article.endswith("r") else "die" if article.endswith("e") else "dem"
        i -= 1
    words = role_nominative(adjectives, head.text, None if genitive else article)
    if kind != "PER":
        # Neuter and plural descriptions have no nominative of their own here: adjectives
        # of an oblique case are left out ("beim ostdeutschen Handelslogistiker" ->
        # "Handelslogistiker"), not printed as a role that no nominative would read.
        kept = [a for a in adjectives if not a.lower().endswith(("en", "em"))]
        words = [*kept, _description_head(head.text)]
    rest = " ".join(t.text for t in toks[head_at + 1 :])
    if genitive is not None:
        if _in_name(genitive, names) == "PER":
            words = [*words, genitive.text]
        else:
            words = [genitive.text, *words]
    phrase = " ".join([*words, rest]).strip()
    return RoleMatch(phrase, kind), i + 1


def _finite_verb(word: str) -> bool:
    """A finite form of a speech verb or an auxiliary: "sagte", "wurde" end like
    adjectives but end the phrase ("sagte Oberbürgermeister Martin Huber")."""
    if word in AUXILIARIES:
        return True
    verb = cue_verb(word)
    return verb is not None and not verb.participle


def _description_head(word: str) -> str:
    """A description noun without a genitive ending ("Senders" -> "Sender")."""
    if is_adjectival_noun(word):
        return word
    low = word.lower()
    if low.endswith("s") and role_kind(word[:-1]) is not None:
        return word[:-1]
    return word


def _before(left: list[_Tok], names: Sequence[tuple[int, int, str]]) -> RoleMatch | None:
    """A role right before the name, possibly with a complement: "Sekretär des ... X"."""
    for k in range(1, min(len(left), MAX_COMPLEMENT + 1) + 1):
        tok = left[-k]
        if not _is_word(tok):
            return None
        if role_kind(tok.text) is None:
            continue
        head_at = len(left) - k
        if not _complement_ok(left[head_at + 1 :]):
            return None
        built = _phrase(left, head_at, names)
        return built[0] if built else None
    return None


def _apposition(
    toks: list[_Tok], names: Sequence[tuple[int, int, str]], *, open_left: bool
) -> RoleMatch | None:
    """A role apposition: "der Schwiegersohn von X, NAME," or "NAME, der Schwiegersohn ...,".

    ``open_left`` means ``toks`` run up to the comma before the name (the phrase is at
    their end); otherwise they start after the comma behind the name.
    """
    if open_left:
        # The phrase runs from an article after a clause boundary up to the comma.
        for first in range(len(toks) - 2, max(-1, len(toks) - 2 - MAX_COMPLEMENT - 4), -1):
            if not _is_word(toks[first]):
                return None
            if toks[first].text.lower() not in DETERMINERS:
                continue
            found = _head_then_complement(toks[first:], names)
            if found is not None:
                return found
        return None
    stop = next((i for i, t in enumerate(toks) if t.text in ',.;:)!?»«"“”„'), len(toks))
    # "Putin, Russlands Präsident," has no article: accept a capitalised start too.
    if (stop == len(toks) or not toks[:stop] or toks[0].text.lower() not in DETERMINERS) and not (
        toks[:stop] and toks[0].text[:1].isupper()
    ):
        return None
    found = _head_then_complement(toks[:stop], names)
    if found is not None and found.kind != "PER" and (stop == len(toks) or toks[stop].text != ","):
        # "..., dem Tagesblatt." is whom it was said to, not what the name is: an
        # organisation's or a place's description after its name is closed by a comma.
        return None
    return found


def _head_then_complement(
    toks: list[_Tok], names: Sequence[tuple[int, int, str]]
) -> RoleMatch | None:
    """The role of an article, adjectives, a head and a complement filling all of ``toks``."""
    for head_at in range(min(len(toks), 5)):
        tok = toks[head_at]
        if not _is_word(tok):
            return None
        if role_kind(tok.text) is None:
            adjective = looks_adjectival(tok.text) and tok.text not in FUNCTION_WORDS
            if head_at > 0 and not (adjective or tok.text[:1].isupper()):
                return None
            continue
        if not _complement_ok(toks[head_at + 1 :]):
            return None
        built = _phrase(toks, head_at, names)
        # The phrase must fill the tokens from the start: nothing unexplained before it.
        return built[0] if built is not None and built[1] == 0 else None
    return None
