"""Features of marked spans and sentences for the quotation models of :mod:`quote_model`.

Every feature is a short string ("rule=direct", "pw=als", "k1=2"); a unit is the set of
its features. The same functions serve training (``lagebild.train.quotes``) and finding,
so the two cannot drift apart.

Example::

    >>> from lagebild.annotate.quote_marks import find_marked_spans
    >>> doc = TokenText("Er nannte das einen „Wortbruch“.")
    >>> feats = span_features(doc, find_marked_spans(doc.text)[0], None)
    >>> "pw=einen" in feats and "n=1" in feats
    True
"""

from __future__ import annotations

from collections.abc import Sequence

from lagebild.annotate.quote_lexicon import (
    CUE_FORMS,
    SUBJUNCTIVE_II,
    UTTERANCE_NOUNS,
    is_subjunctive,
)
from lagebild.annotate.quote_marks import MarkedSpan
from lagebild.annotate.quote_tokens import Sentence, TokenText
from lagebild.model import Mention

# Words that mark the speaker's own voice: only someone quoted says "ich" or "uns".
FIRST_PERSON = frozenset("ich wir mich mir uns unser unsere unseren unserem meine mein du".split())
REPORTATIVE = frozenset("soll sollen sollte sollten".split())


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    """The smallest edge ``n`` does not exceed, or the last edge with a plus."""
    for edge in edges:
        if n <= edge:
            return str(edge)
    return f"{edges[-1]}+"


def span_features(
    doc: TokenText,
    span: MarkedSpan,
    rule_kind: str | None,
    mentions: Sequence[Mention] = (),
    labelled: bool = False,
) -> list[str]:
    """Features of one top-level marked span; ``rule_kind`` is what the rules made of it.

    ``mentions`` are the NER mentions of the text (a span the tagger calls a name is
    nobody's words); ``labelled`` says the span is a label someone gives ("bezeichnete X
    als „Wortbruch“")."""
    text = doc.text
    tokens = doc.tokens
    inner = text[span.inner_start : span.inner_end]
    words = inner.split()
    sent = doc.sentences[doc.sentence_of(span.open)]
    before = text[sent.start : span.open].strip()
    k = doc.token_at(span.open)
    after = doc.token_at(span.close)
    prev = tokens[k - 1].text if k > sent.first else "<s>"
    prev2 = tokens[k - 2].text if k - 1 > sent.first else "<s>"
    nxt = tokens[after].text if after < len(tokens) else "</s>"
    nxt2 = tokens[after + 1].text if after + 1 < len(tokens) else "</s>"
    feats = [
        f"rule={rule_kind}",
        f"n={_bucket(len(words), (1, 2, 3, 4, 6, 9, 14, 20))}",
        f"pw={prev.lower()}",
        f"pw2={prev2.lower()}",
        f"nw={nxt.lower()}",
        f"nw2={nxt2.lower()}",
        f"style={span.style}",
        f"before={'empty' if not before else 'colon' if before.endswith(':') else 'text'}",
    ]
    if words and words[0][:1].isupper():
        feats.append("upper")
    if inner.rstrip()[-1:] in ".!?…":
        feats.append("final_stop")
    if any(c in ".!?" for c in inner.rstrip()[:-1]):
        feats.append("inner_stop")
    if "," in inner:
        feats.append("comma")
    if any(c.isdigit() for c in inner):
        feats.append("digit")
    lowered = {w.strip(".,;:!?").lower() for w in words}
    if lowered & FIRST_PERSON:
        feats.append("first_person")
    if any(is_subjunctive(w) for w in lowered):
        feats.append("inner_k1")
    if words and all(w[:1].isupper() for w in words):
        feats.append("all_upper")
    sentence_words = [t.text for t in tokens[sent.first : sent.last]]
    outside = [
        t.text for t in tokens[sent.first : sent.last] if not span.open <= t.start < span.close
    ]
    if any(w in CUE_FORMS for w in outside):
        feats.append("sent_cue")
    if any(is_subjunctive(w) or w in SUBJUNCTIVE_II for w in outside):
        feats.append("sent_konj")
    if after >= sent.last - 1:
        feats.append("sent_end")
    if labelled:
        feats.append("labelled")
    shared = sum(
        max(0, min(m.end, span.inner_end) - max(m.start, span.inner_start))
        for m in mentions
        if m.start < span.inner_end and span.inner_start < m.end
    )
    if shared:
        size = span.inner_end - span.inner_start
        feats.append("ner_all" if shared * 5 >= size * 4 else "ner_part")
    if len(sentence_words) - len(outside) >= len(sentence_words) * 0.8:
        feats.append("fills_sentence")
    return feats


def sentence_features(
    doc: TokenText,
    sent: Sentence,
    rule: str,
    distance: int,
    previous: Sentence | None,
) -> list[str]:
    """Features of one sentence outside direct quotations.

    ``rule`` names the indirect-speech rule that fired on it ("none" if none did);
    ``distance`` counts sentences back to the last one with speech (direct or found by a
    rule); ``previous`` is the sentence before it.
    """
    tokens = doc.tokens
    words = [t.text for t in tokens[sent.first : sent.last]]
    k1 = sum(1 for w in words if is_subjunctive(w))
    k2 = sum(1 for w in words if w in SUBJUNCTIVE_II)
    feats = [
        f"rule={rule}",
        f"k1={_bucket(k1, (0, 1, 2))}",
        f"k2={_bucket(k2, (0, 1))}",
        f"dist={_bucket(distance, (0, 1, 2, 3, 5))}",
        f"len={_bucket(len(words), (5, 10, 20, 35))}",
        f"w0={words[0].lower() if words else ''}",
        f"rule_k1={rule}_{min(k1, 1)}",
        f"dist_k1={_bucket(distance, (1, 2, 3, 5))}_{min(k1, 1)}",
    ]
    seen: set[str] = set()
    for i, w in enumerate(words):
        low = w.lower()
        if low not in seen and (w.islower() or i == 0 or w in UTTERANCE_NOUNS):
            seen.add(low)
            feats.append(f"w={low}")
        if w in CUE_FORMS:
            feats.append(f"cue={CUE_FORMS[w].lemma}")
        if w == "," and i + 1 < len(words):
            feats.append(f"comma={words[i + 1].lower()}")
    # A Konjunktiv in the first clause carries the sentence ("Er sei ..."); one only
    # after a comma may sit in a relative clause of the narrator's sentence.
    first_clause = next((i for i, w in enumerate(words) if w in ",;:"), len(words))
    if any(is_subjunctive(w) for w in words[:first_clause]):
        feats.append("k1_main")
    if seen & REPORTATIVE:
        feats.append("reportative")
    if seen & FIRST_PERSON:
        feats.append("first_person")
    if any(w in '„“«»"' for w in words):
        feats.append("marks")
    start = sent.start
    if start == 0 or "\n" in doc.text[max(0, start - 3) : start]:
        feats.append("par_start")
    if previous is not None:
        pw = [t.text for t in tokens[previous.first : previous.last]]
        if any(is_subjunctive(w) for w in pw):
            feats.append("prev_k1")
        if any(w in CUE_FORMS for w in pw):
            feats.append("prev_cue")
        if pw and pw[-1] == ":":
            feats.append("prev_colon")
    return feats
