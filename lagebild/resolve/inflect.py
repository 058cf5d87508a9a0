"""German inflection of names and role phrases: genitive endings, adjective endings, gender.

German inflects the adjectives in a name ("das Weiße Haus", "im Weißen Haus", "des Weißen
Hauses") and the role words before a name ("der US-Sondergesandte", "dem russischen
Präsidenten"). Grouping needs a key that ignores those endings; entity pages and roles
need the citation form, the nominative without article ("Weißes Haus",
"US-Sondergesandter", "russischer Präsident"). The rules here are the textbook ones
(strong and weak adjective declension, weak masculine nouns); the gender comes from the
article printed before the phrase, else from the noun's suffix.

Example::

    >>> adjective_stem("russischen")
    'russisch'
    >>> nominative(["Weißen", "Hauses"], "n", known_heads={"Haus"})
    'Weißes Haus'
"""

from __future__ import annotations

from collections.abc import Collection
from functools import lru_cache
from typing import Literal

import simplemma

Gender = Literal["m", "f", "n", "pl"]

# Articles and contractions that can stand before a name or a role, with what they tell
# about the phrase after them when its adjective ends in -e (weak nominative) or -en.
DETERMINERS = frozenset(
    "der die das den dem des ein eine einen einem eines einer im am vom zum zur beim".split()
)
# Closed-class words (articles, pronouns, prepositions, conjunctions, adverbs): never a
# name, never an adjective of a role, though some end like adjectives ("zwischen").
FUNCTION_WORDS = frozenset(
    """
der die das den dem des ein eine einen einem eines einer er sie es wir ihr ich du man
sein seine ihre ihr unser dies diese dieser dieses jene jener wer was wie wo wann warum
wozu wohin woher weshalb wieso welche welcher welches ob und oder aber doch denn sondern
als auch auf aus bei bis durch für gegen hinter in mit nach neben ohne seit über um unter
vor während wegen zwischen am im vom zum zur beim ins laut dass damit so da dann danach
zudem zuvor nun noch schon nur erst bereits jetzt heute gestern morgen hier dort dabei
dazu darauf daher deshalb trotzdem dennoch allerdings jedoch zwar ja nein nicht kein keine
alle viele einige mehrere beide andere weitere the a an of and
indessen unterdessen derweil inzwischen mittlerweile außerdem ebenfalls stattdessen
hingegen dagegen somit zunächst schließlich bislang bisher seither damals immerhin
jedenfalls überdies vielmehr offenbar angeblich womöglich vermutlich
""".split()
)


# Strong endings of the nominative without article, by gender.
STRONG_ENDING: dict[Gender, str] = {"m": "er", "f": "e", "n": "es", "pl": "e"}
# Adjective endings, longest first so "-en" is tried before "-e".
ADJECTIVE_ENDINGS = ("en", "em", "er", "es", "e")
# Nominalised participles and adjectives used as role nouns: inflected like adjectives
# ("der Gesandte", "ein Gesandter", "dem Gesandten").
ADJECTIVAL_NOUNS = (
    "gesandte",
    "beauftragte",
    "vorsitzende",
    "abgeordnete",
    "bevollmächtigte",
    "angeklagte",
    "verdächtige",
    "delegierte",
    "beamte",
    "angestellte",
    "vertraute",
    "verwandte",
    "oppositionelle",
    "geistliche",
    "gefangene",
    "verletzte",
    "überlebende",
    "gewählte",
    "designierte",
    "sachverständige",
    "regierende",
)
# Weak masculine nouns take -en outside the nominative ("dem Präsidenten"): the stems.
WEAK_NOUN_STEMS = ("ent", "ant", "ist", "at", "ot", "graf", "arch", "nom", "soph", "naut")
WEAK_NOUN_E_STEMS = ("ege", "erte", "oge", "ose", "uge", "ote", "atze", "ise", "ieke")
# Noun suffixes that fix the gender of a head noun when no article tells it.
FEMININE_SUFFIXES = (
    "ung",
    "heit",
    "keit",
    "schaft",
    "ion",
    "tät",
    "ei",
    "ie",
    "ik",
    "ur",
    "anz",
    "enz",
    "in",
    "e",
    "bank",
    "union",
    "partei",
)
NEUTER_SUFFIXES = (
    *("haus", "um", "ment", "chen", "lein", "amt", "reich", "gericht", "meer"),
    # Neuter heads of names with no suffix that tells ("Bayerisches Rotes Kreuz").
    *("kreuz", "institut", "werk", "büro", "komitee", "kommando", "bündnis", "theater"),
    *("orchester", "kabinett", "portal", "magazin", "blatt", "team", "festival", "studio"),
    *("archiv", "labor", "kloster", "regime", "konsulat", "sekretariat", "emirat", "land"),
)
MASCULINE_SUFFIXES = ("rat", "tag", "bund", "hof", "ismus", "or", "ling", "dienst", "senat")


def adjective_stem(word: str) -> str:
    """``word`` without its adjective ending ("russischen" -> "russisch", "neue" -> "neu")."""
    lower = word.lower()
    for ending in ADJECTIVE_ENDINGS:
        if lower.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


@lru_cache(maxsize=100_000)
def lemmatize(token: str) -> str:
    """simplemma's German lemma of ``token``."""
    return str(simplemma.lemmatize(token, lang="de"))


def is_noun(token: str) -> bool:
    """True for a capitalised word the dictionary has as its own lemma ("Hochschule"):
    a noun, though it ends like an adjective; "Technische" has the lemma "technisch"."""
    return token[:1].isupper() and lemmatize(token) == token and is_known(token)


@lru_cache(maxsize=100_000)
def is_known(token: str) -> bool:
    """True when simplemma's German dictionary knows ``token``."""
    return bool(simplemma.is_known(token, lang="de"))


def looks_adjectival(word: str) -> bool:
    """True for a word with an adjective ending that can be removed."""
    return adjective_stem(word) != word


@lru_cache(maxsize=100_000)
def is_adjectival_noun(word: str) -> bool:
    """True for role nouns inflected like adjectives ("Sondergesandten", "Beamter")."""
    tail = word.rsplit("-", 1)[-1].lower()
    return any(
        tail.endswith(base[:-1] + ending)
        for base in ADJECTIVAL_NOUNS
        for ending in ("e", "en", "er", "em", "es")
    )


def gender_of_article(article: str | None, adjective: str | None) -> Gender | None:
    """The gender an article and the adjective after it imply, or None when they do not.

    "das Weiße" is neuter, "die Europäische" feminine, "die Vereinigten" plural, "der
    Europäische" masculine; "der Europäischen" is a feminine dative or genitive. Datives
    and genitives of masculine and neuter ("dem", "des", "im") do not tell the two apart.
    """
    if article is None:
        return None
    art = article.lower()
    ending = ""
    if adjective is not None:
        low = adjective.lower()
        ending = "en" if low.endswith("en") else "e" if low.endswith("e") else ""
    if art in ("das", "ein"):
        return "n" if art == "das" or ending == "" else None
    if art == "die":
        return "pl" if ending == "en" else "f"
    if art == "der":
        return "m" if ending == "e" else "f" if ending == "en" else None
    if art in ("eine", "einer", "zur"):
        return "f"
    return None


def gender_of_noun(noun: str) -> Gender:
    """A head noun's gender from its suffix; feminine when nothing tells (most -e nouns)."""
    low = noun.lower()
    if any(low.endswith(s) for s in NEUTER_SUFFIXES):
        return "n"
    if any(low.endswith(s) for s in MASCULINE_SUFFIXES):
        return "m"
    if low.endswith("en") and not low.endswith("ien"):
        return "pl"
    if any(low.endswith(s) for s in FEMININE_SUFFIXES):
        return "f"
    return "m"


def strip_genitive(word: str) -> str | None:
    """The word without a genitive ending (-s, -es, -', -’), or None when it has none."""
    if word.endswith(("'", "’")) and len(word) > 2:
        return word[:-1]
    if word.endswith("es") and len(word) > 4 and word[-3] in "sßzx":
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 2:
        return word[:-1]
    return None


def head_base(noun: str, known_heads: Collection[str]) -> str:
    """The head noun without a genitive ending, when that base form was seen."""
    for candidate in (noun[:-2] if noun.endswith("es") else None, strip_genitive(noun)):
        if candidate and candidate in known_heads:
            return candidate
    return noun


def head_index(tokens: list[str]) -> int:
    """Where the head noun of a name is: the last dictionary noun before its last word
    ("Technische Hochschule Deggendorf"), else its last word ("Weißen Hauses")."""
    for i in range(len(tokens) - 2, -1, -1):
        # "Frankfurter", "Zürcher": place adjectives the dictionary also has as nouns.
        if is_noun(tokens[i]) and not tokens[i].endswith("er"):
            return i
    return len(tokens) - 1


def nominative(tokens: list[str], gender: Gender, known_heads: Collection[str] = ()) -> str:
    """The nominative without article of an adjective + noun name ("Weißen Hauses").

    Only capitalised adjectives directly before the head noun (:func:`head_index`) are
    reinflected, and only a last-word head loses a genitive ending: names such as
    "Koalition der Willigen" or "New York Times" come back unchanged.
    """
    if len(tokens) < 2:
        return " ".join(tokens)
    at = head_index(tokens)
    head = head_base(tokens[at], known_heads) if at == len(tokens) - 1 else tokens[at]
    out: list[str] = []
    adjectives = True
    for token in reversed(tokens[:at]):
        # A printed "-er" is either already strong masculine ("Europäischer") or a
        # place adjective that never inflects ("Frankfurter"): kept either way.
        keep = token.lower().endswith("er")
        if (
            adjectives
            and token[:1].isupper()
            and looks_adjectival(token)
            and (keep or not is_noun(token))
        ):
            out.append(token if keep else adjective_stem(token) + STRONG_ENDING[gender])
        else:
            adjectives = False
            out.append(token)
    return " ".join([*reversed(out), head, *tokens[at + 1 :]])


def role_nominative(adjectives: list[str], head: str, article: str | None) -> list[str]:
    """Adjectives and head of a role phrase in the nominative singular without article.

    "dem russischen Präsidenten" -> ["russischer", "Präsident"]; "der US-Sondergesandte"
    -> ["US-Sondergesandter"]; "die Beauftragte" -> ["Beauftragte"]. Strong forms with no
    article ("außenpolitischer Berater") are already nominative and stay as printed.
    """
    gender = _role_gender(adjectives, head, article)
    strong = STRONG_ENDING[gender]
    out: list[str] = []
    for adj in adjectives:
        if article is None and adj.lower().endswith(strong):
            out.append(adj)
        elif looks_adjectival(adj):
            out.append(adjective_stem(adj) + strong)
        else:
            out.append(adj)
    return [*out, _role_head(head, gender, article)]


def _role_gender(adjectives: list[str], head: str, article: str | None) -> Gender:
    """Masculine or feminine, from the noun (-in) and the article before the phrase."""
    art = article.lower() if article else None
    tail = head.rsplit("-", 1)[-1].lower()
    adjectival = is_adjectival_noun(head)
    if not adjectival and tail.endswith(("in", "innen")):
        return "f"
    if art in ("die", "eine", "zur"):
        return "f"
    if art in ("der", "einer"):
        # "der Sondergesandten", "der neuen Ministerin": a feminine dative or genitive.
        ending_en = (
            tail.endswith("en") if adjectival else any(a.lower().endswith("en") for a in adjectives)
        )
        if ending_en and not _weak_masculine(head):
            return "f"
    return "m"


def _weak_masculine(head: str) -> bool:
    """True for a weak masculine noun with its -en or -n ending ("Präsidenten")."""
    low = head.lower()
    return (low.endswith("en") and low[:-2].endswith(WEAK_NOUN_STEMS)) or (
        low.endswith("n") and low[:-1].endswith(WEAK_NOUN_E_STEMS)
    )


def _role_head(head: str, gender: Gender, article: str | None) -> str:
    """The role noun in the nominative singular of ``gender``."""
    prefix, _, tail = head.rpartition("-")
    joined = prefix + "-" if prefix else ""
    low = tail.lower()
    if is_adjectival_noun(tail):
        if gender == "m" and article is None and low.endswith("er"):
            return head
        return joined + adjective_stem(tail) + STRONG_ENDING[gender]
    if low.endswith("en") and low[:-2].endswith(WEAK_NOUN_STEMS):
        return joined + tail[:-2]
    if low.endswith("n") and low[:-1].endswith(WEAK_NOUN_E_STEMS):
        return joined + tail[:-1]
    return head
