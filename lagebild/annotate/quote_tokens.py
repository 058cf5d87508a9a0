"""Tokens and sentences for quotation finding, with character offsets into the text.

Quote finding needs to look a few words left and right of a quotation mark or a speech
verb and to know where a sentence starts. The annotate stage's spaCy sentencizer could do
that, but :func:`lagebild.annotate.quotes.find_quotes` takes only the text and the
mentions, so it keeps its own small regex tokenizer and rule splitter: about ten times
faster than building a ``Doc`` and good enough for windows of a few words.

Example::

    >>> doc = TokenText("Er sagte: «Gut.» Dann ging er.")
    >>> [t.text for t in doc.tokens][:4]
    ['Er', 'sagte', ':', '«']
    >>> [doc.text[s.start : s.end] for s in doc.sentences]
    ['Er sagte: «Gut.»', 'Dann ging er.']
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

# Words with a number, hyphen, apostrophe or inner full stop stay one token
# ("US-Sondergesandte", "17.000", "z.B"); everything else is one character.
TOKEN_RE = re.compile(r"\w+(?:[-'’.]\w+)*-?|[^\w\s]")
CLOSING_MARKS = frozenset("“”»«\"'’‘›‹")
OPENING_MARKS = frozenset("„“«»\"‚‘‹›'")
# A full stop after these does not end a sentence.
ABBREVIATIONS = frozenset(
    "bzw ca Dr Prof Nr St Hr Fr Mio Mrd Abs Art usw vgl etc ggf inkl evtl Jh Jr Sr Mr Mrs "
    "sog bspw zB u a o ä v Chr geb gest Str Tel Bd Hrsg Co Inc Ltd Dipl Ing Mag Min".split()
)
MONTHS = frozenset(
    "Januar Jänner Februar Feber März April Mai Juni Juli August September Oktober "
    "November Dezember Jahrhundert Jahrhunderts Mal Platz Runde Stock Spieltag".split()
)


@dataclass(frozen=True)
class Token:
    """One word or punctuation character and where it stands in the text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    """A sentence as a half-open token range and the character range it covers."""

    first: int
    last: int
    start: int
    end: int


class TokenText:
    """A text with its tokens and sentences, and lookups from characters to both."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = [Token(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]
        self.starts = [t.start for t in self.tokens]
        self.sentences = split_sentences(text, self.tokens)
        self.sentence_starts = [s.start for s in self.sentences]

    def token_at(self, char: int) -> int:
        """Index of the first token that ends after ``char`` (len(tokens) at the end)."""
        index = bisect_right(self.starts, char) - 1
        if index >= 0 and self.tokens[index].end <= char:
            index += 1
        return max(index, 0)

    def sentence_of(self, char: int) -> int:
        """Index of the sentence holding ``char`` (the previous one between sentences)."""
        return max(bisect_right(self.sentence_starts, char) - 1, 0)


def _stop_can_end(tokens: list[Token], i: int) -> bool:
    """Whether the stop at token ``i`` may end a sentence (no abbreviation, no ordinal)."""
    if tokens[i].text != ".":
        return True
    prev = tokens[i - 1].text if i else ""
    if prev in ABBREVIATIONS or (len(prev) == 1 and prev.isalpha()):
        return False
    nxt = tokens[i + 1].text if i + 1 < len(tokens) else ""
    return not (prev.isdigit() and len(prev) <= 2 and nxt in MONTHS)  # "am 3. Jänner"


def _starts_sentence(token: Token) -> bool:
    """Whether a token can open a sentence: capital, digit or quotation mark."""
    return token.text[0].isupper() or token.text[0].isdigit() or token.text in OPENING_MARKS


def split_sentences(text: str, tokens: list[Token]) -> list[Sentence]:
    """Split at sentence-final punctuation (with any closing marks) and at line breaks."""
    sentences: list[Sentence] = []
    first = 0
    n = len(tokens)
    for i, token in enumerate(tokens):
        boundary = i + 1 == n or "\n" in text[token.end : tokens[i + 1].start]
        if not boundary and token.text in ".!?…" and _stop_can_end(tokens, i):
            nxt = tokens[i + 1]
            glued_mark = nxt.start == token.end and nxt.text in CLOSING_MARKS
            # The boundary falls after a closing mark glued to the stop: handled there.
            boundary = not glued_mark and nxt.start > token.end and _starts_sentence(nxt)
        elif not boundary and token.text in CLOSING_MARKS and i > first:
            prev = tokens[i - 1]
            boundary = (
                prev.text in ".!?…"
                and prev.end == token.start
                and _stop_can_end(tokens, i - 1)
                and tokens[i + 1].start > token.end
                and _starts_sentence(tokens[i + 1])
            )
        if boundary:
            sentences.append(Sentence(first, i + 1, tokens[first].start, token.end))
            first = i + 1
    return sentences
