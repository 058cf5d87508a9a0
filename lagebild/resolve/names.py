"""Name keys: one spelling-independent key per name, and the similarity of two keys.

The same person is written Selenskyj (dpa), Selenski (NZZ), Zelensky (AP), Zelenskyy
(Kyiv Independent); Dmitrijew and Dmitriew in one article. The key folds the differences
that transliteration from Cyrillic (and diacritics from other Latin alphabets) make:

- diacritics and German umlaut spellings: Erdoğan = Erdogan, Schröder = Schroeder
- sibilants and hushers: sch = sh = zh (Schoigu, Shoigu; Schukow, Zhukov), schtsch = shch
- ch = kh = tsch = tch (Chodorkowski, Khodorkovsky; Tschernyschow, Chernyshov)
- w = v, j = y = i, z = s, c = k, ph = f, x = ks; double letters single
- endings: -ij/-yj/-iy/-yy/-i, -ow/-ov/-off/-ew/-ev/-jew/-yev (ё written e or o)

Keys are lossy on purpose: grouping also requires the same type, compatible first names
and shared context, so a collision of two keys alone never merges two people.

Example::

    >>> {fold("Selenskyj"), fold("Zelenskyy"), fold("Selenski"), fold("Zelenskiy")}
    {'selenski'}
    >>> fold("Dmitrijew") == fold("Dmitriew") == fold("Dmitriev")
    True
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters that NFKD does not split into base + accent.
SPECIAL_LETTERS = str.maketrans(
    {"ß": "ss", "ł": "l", "ø": "o", "đ": "d", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}
)
# Ordered rewrites on the lowercase, accent-free token. Upper-case letters are class
# markers that later rules cannot touch: S = sh sounds, X = ch/kh sounds.
REWRITES: tuple[tuple[str, str], ...] = (
    ("ae", "a"),
    ("oe", "o"),
    ("ue", "u"),
    ("schtsch", "S"),
    ("shch", "S"),
    ("stsch", "S"),
    ("tsch", "X"),
    ("tch", "X"),
    ("sch", "S"),
    ("sh", "S"),
    ("zh", "S"),
    ("ch", "X"),
    ("kh", "X"),
    ("ph", "f"),
    ("th", "t"),
    ("ck", "k"),
    ("x", "ks"),
    ("tz", "s"),
    ("ts", "s"),
    ("c", "k"),
    ("z", "s"),
    ("w", "v"),
    ("y", "i"),
    ("j", "i"),
    ("q", "k"),
    # Ukrainian h for Russian g (Hnatow, Gnatow; Sybiha, Sybiga).
    ("h", "g"),
)
DOUBLE = re.compile(r"(.)\1+")
# -vich/-witsch/-vič/-vić (patronymics and South Slavic surnames).
VICH_END = re.compile(r"vi(X|k)$")
# "i" written for j/y between vowels drops out: Sergejew = Sergeev = Sergeyev.
GLIDE = re.compile(r"(?<=[aeou])i(?=[aeou])")
# Soft e written je/ie after a consonant or at the start: Umjerow = Umerov, Jewgeni = Evgeny.
SOFT_E = re.compile(r"(?:(?<=^)|(?<=[bdfgklmnprstvSX]))ie")
# Arabic article and other particles written glued to a surname (al-Assad, el-Sisi).
GLUED_PARTICLE = re.compile(r"^(?:al|el|as|ad|ash|ar|at|an|az|ad-d)[-‐‑'’]", re.IGNORECASE)
# Particles inside a name that are not its surname ("Ursula von der Leyen").
NAME_PARTICLES = frozenset(
    "von van der den de di da du des del della la le al el bin ben ibn abu ter zu zur y e".split()
)
# Generational suffixes tell different people apart: Donald Trump, Donald Trump Jr.
GENERATION_SUFFIXES = frozenset("jr jr. junior sr sr. senior ii iii iv".split())
# The one spelling of each generational suffix: "Jr." = "junior".
SUFFIX_KEY = {"jr": "jr", "jr.": "jr", "junior": "jr", "sr": "sr", "sr.": "sr", "senior": "sr"}
# Common short forms of English given names as news writes them.
NICKNAMES: dict[str, str] = {
    "joe": "joseph",
    "bill": "william",
    "bob": "robert",
    "mike": "michael",
    "jim": "james",
    "tony": "anthony",
    "steve": "stephen",
    "steven": "stephen",
    "alex": "alexander",
    "ben": "benjamin",
    "bibi": "benjamin",
    "dick": "richard",
    "ted": "edward",
    "chuck": "charles",
    "kate": "catherine",
    "liz": "elizabeth",
    "rishi": "rishi",
}
SLUG_JUNK = re.compile(r"[^a-z0-9]+")


def ascii_fold(text: str) -> str:
    """Lowercase ASCII letters of ``text``: accents removed, ß as ss."""
    text = text.lower().translate(SPECIAL_LETTERS)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def fold(token: str) -> str:
    """The transliteration key of one name token (pure; memoised for speed)."""
    text = GLUED_PARTICLE.sub("", token)
    text = "".join(c for c in ascii_fold(text) if c.isalnum())
    # Serbo-Croatian Đ is written Dj in English and German (Đoković, Djokovic).
    if text.startswith("dj"):
        text = "d" + text[2:]
    for old, new in REWRITES:
        if old in text:
            text = text.replace(old, new)
    text = DOUBLE.sub(r"\1", text)
    text = VICH_END.sub("viX", text)
    text = GLIDE.sub("", text)
    text = SOFT_E.sub("e", text)
    text = DOUBLE.sub(r"\1", text)
    # Final ё is written -ew/-ow in German and -ev/-ov in English; -off in French.
    if text.endswith(("ev", "ef", "of")) and len(text) > 4:
        text = text[:-2] + "ov"
    elif text.endswith("eva") and len(text) > 5:
        text = text[:-3] + "ova"
    return text


def name_tokens(name: str) -> list[str]:
    """The whitespace-separated tokens of a name."""
    return name.split()


def surname_index(tokens: list[str]) -> int:
    """Index of the surname token: the last one, before any generational suffix."""
    index = len(tokens) - 1
    while index > 0 and tokens[index].lower() in GENERATION_SUFFIXES:
        index -= 1
    return index


def given_names(tokens: list[str]) -> list[str]:
    """The tokens before the surname and its particles ("Ursula" of "Ursula von der Leyen")."""
    index = surname_index(tokens)
    given = tokens[:index]
    while given and given[-1].lower() in NAME_PARTICLES:
        given = given[:-1]
    return given


def full_key(tokens: list[str]) -> str:
    """The key of a whole name: its tokens folded and joined (Kim Jong-un = Kim Jong Un)."""
    return "".join(fold(part) for token in tokens for part in re.split(r"[-‐‑]", token))


def given_key(token: str) -> str:
    """The key of a given name, with common nicknames read as the full name."""
    key = fold(token)
    return fold(NICKNAMES.get(ascii_fold(token), token)) if ascii_fold(token) in NICKNAMES else key


def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity of two strings, 1.0 for equal ones."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    window = max(max(len(a), len(b)) // 2 - 1, 0)
    a_flags = [False] * len(a)
    b_flags = [False] * len(b)
    matches = 0
    for i, char in enumerate(a):
        low, high = max(0, i - window), min(len(b), i + window + 1)
        for j in range(low, high):
            if not b_flags[j] and b[j] == char:
                a_flags[i] = b_flags[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    a_matched = [c for c, f in zip(a, a_flags, strict=True) if f]
    b_matched = [c for c, f in zip(b, b_flags, strict=True) if f]
    transpositions = sum(x != y for x, y in zip(a_matched, b_matched, strict=True)) / 2
    jaro = (matches / len(a) + matches / len(b) + (matches - transpositions) / matches) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


# First letters of given-name keys that transliterations of one name trade.
# (The keys write "sch"/"sh" as S and "ch"/"kh" as X: Schomart is "Somart", Jomart
# "iomart".)
TRADED_OPENINGS = ("aeiouyj", "ghkX", "Sijz")


def given_compatible(a: list[str], b: list[str]) -> bool:
    """True when two lists of given names can belong to one person.

    Equal keys, a prefix ("Steve"/"Steven"), an initial ("S."), a nickname ("Joe"/
    "Joseph") or a near spelling (Jaro-Winkler >= GIVEN_SIMILARITY on the keys) of the
    first given name; a missing given name is compatible with any.
    """
    if not a or not b:
        return True
    a = [p for token in a for p in re.split(r"[-‐‑]", token) if p]
    b = [p for token in b for p in re.split(r"[-‐‑]", token) if p]
    # Middle names tell relatives apart: George W. Bush, George H. W. Bush.
    if len(a) >= 2 and len(b) >= 2 and not _one_given(a[1], b[1]):
        return False
    return _one_given(a[0], b[0])


# Endings of women's given names beside a man's form (Petra, Christine, Stefanie).
FEMININE_ENDINGS = ("a", "ine", "ie", "elle", "ette")


def _openings_agree(x: str, y: str) -> bool:
    """True when two given-name keys open with one letter, or with letters that
    transliterations trade (Jewgeni, Yevgeny, Evgeny; Chalid, Khalid; Schomart, Jomart):
    not Bernhard and Gerhard, Sean and Jean. A Greek "Gi" before a vowel is a Y
    (Giannis, Yanis)."""
    a, b = (k[1] if k.startswith("gi") and k[2:3] in "aeiou" else k[:1] for k in (x, y))
    return a == b or any(a in group and b in group for group in TRADED_OPENINGS)


def _other_gender(first: str, second: str) -> bool:
    """True for a woman's and a man's form of one given name, by the German and Romance
    endings: Petra / Peter, Christine / Christian, Maria / Mario (a final h after a vowel
    is no letter of its own: Hannah = Hanna; George and Georg stay one)."""

    def feminine(name: str) -> bool:
        name = ascii_fold(name)
        if len(name) > 2 and name.endswith("h") and name[-2] in "aeiou":
            name = name[:-1]
        # Not every final e: George, Steve, Uwe are men.
        return name.endswith(FEMININE_ENDINGS)

    return feminine(first) != feminine(second)


def _one_given(first: str, second: str) -> bool:
    """True when two given names (or initials) can be one name."""
    x, y = given_key(first.rstrip(".")), given_key(second.rstrip("."))
    if x == y:
        return True
    if len(x) == 1 or len(y) == 1:
        return x[:1] == y[:1]
    if _other_gender(first.rstrip("."), second.rstrip(".")):
        return False
    short, long = sorted((x, y), key=len)
    if len(short) >= 4 and long.startswith(short):
        return True
    if not _openings_agree(x, y):
        return False
    similarity = jaro_winkler(x, y)
    # Vowels are what transliterations of Arabic names disagree on (Mohammed, Muhammad;
    # Omar, Umar); but a vowel where the other has a diphthong, all else alike, makes
    # another name (Hans, Heinz).
    if (
        similarity >= 0.8
        and len(short) >= 4
        and skeleton(x) == skeleton(y)
        and not _diphthong_for_vowel(x, y)
    ):
        return True
    return similarity >= GIVEN_SIMILARITY


def _diphthong_for_vowel(x: str, y: str) -> bool:
    """True when the keys have as many runs of vowels, of which one or more differ in
    length ("hans" [1], "heinz" [2]; "aljaksandr" and "aleksander" differ in number)."""
    runs_x = [len(run) for run in re.findall("[aeiou]+", x)]
    runs_y = [len(run) for run in re.findall("[aeiou]+", y)]
    return len(runs_x) == len(runs_y) and runs_x != runs_y


def skeleton(key: str) -> str:
    """The consonants of a key, in order."""
    return "".join(c for c in key if c not in "aeiou")


# Given names written differently but one name (Jewgeni/Evgeny 0.95, Aleksandr/
# Alexander 0.9) score above this on their keys; different names sharing a start (Vitali/
# Wladimir 0.57, Donald/Melania 0.47, Raul/Fidel 0.0) far below. Set on the variant set.
GIVEN_SIMILARITY = 0.86
# Surname keys this close are spelling variants (Lukaschenko/Lukaschenka 0.95,
# Tichanowskaja/Zichanouskaja 0.87 is not); set on the variant set.
SURNAME_SIMILARITY = 0.93


def slug(text: str) -> str:
    """A readable ASCII id part: "Weißes Haus" -> "weisses-haus"."""
    return SLUG_JUNK.sub("-", ascii_fold(text)).strip("-") or "x"
