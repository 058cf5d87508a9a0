"""German sentence boundaries, as character spans, for the stages that read sentence by sentence.

News text ends sentences with ``.``, ``!``, ``?`` or ``:`` before a quotation, often with
a closing quotation mark after the stop. A full stop does not end a sentence after an
ordinal number ("am 24. Oktober"), an abbreviation ("Dr.", "St. Petersburg", "z. B.")
or a single initial ("George W. Bush"). Paragraph breaks (a blank line) always end one.

>>> text = "Am 24. Oktober traf Dr. Weber in St. Petersburg ein. «Gut», sagte er! Danach ging es."
>>> [text[s:e] for s, e in sentence_spans(text)]
['Am 24. Oktober traf Dr. Weber in St. Petersburg ein.', '«Gut», sagte er!', 'Danach ging es.']
"""

from __future__ import annotations

import re

# Words that end in a full stop without ending the sentence (compared lower-cased).
ABBREVIATIONS = frozenset(
    """
    dr prof st nr bzw ca etc evtl ggf inkl vgl sog usw abs art bd hr fr frl jh jhd mio mrd
    tsd min max bspw zb ua uam dh insb gegr geb gest mag dipl ing rer nat med phil jur
    jan feb febr mär apr jun jul aug sep sept okt nov dez mo di mi do sa so str co corp inc
    ltd gen col lt sgt adm gov sen rep pres mr mrs ms vs bzgl u v a d o s
    """.split()
)
# A stop, optionally closing quotes or brackets, then space, then what may open a sentence.
_BOUNDARY = re.compile(r"([.!?]|:(?=\s+[\"„“«»‚']))[\"”“»«’‘)\]]*(?=\s+[\"„“«»‚'(\[]?[A-ZÄÖÜ0-9])")
_PARAGRAPH = re.compile(r"\n\s*\n")
_WORD_BEFORE = re.compile(r"(\w+)\.$")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) character spans of the sentences of ``text``, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for paragraph in [*_PARAGRAPH.finditer(text), None]:
        end = paragraph.start() if paragraph else len(text)
        spans.extend(_split(text, start, end))
        start = paragraph.end() if paragraph else len(text)
    return spans


def _split(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside one paragraph ``text[start:end]``."""
    spans: list[tuple[int, int]] = []
    begin = start
    for match in _BOUNDARY.finditer(text, start, end):
        if match.group(1) == "." and not _ends_sentence(text[begin : match.start() + 1]):
            continue
        spans.append(_trimmed(text, begin, match.end()))
        begin = match.end()
    if text[begin:end].strip():
        spans.append(_trimmed(text, begin, end))
    return [span for span in spans if span[1] > span[0]]


def _ends_sentence(before: str) -> bool:
    """Whether the full stop at the end of ``before`` ends a sentence."""
    word = _WORD_BEFORE.search(before)
    if word is None:
        return True
    token = word.group(1)
    if token.isdigit():
        return False  # an ordinal: "am 24. Oktober", "im 19. Jahrhundert"
    if len(token) == 1 and token.isalpha():
        return False  # an initial or one letter of "z. B."
    return token.lower() not in ABBREVIATIONS


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` moved inwards past leading and trailing whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
