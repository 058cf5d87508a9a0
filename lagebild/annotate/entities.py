"""Entity mentions for the pipeline: which languages are tagged, and one tagger per process.

Loading the NER model takes seconds and its memory is the same for every run, so the
pipeline, the ``annotate`` command and the web server share one tagger per process
(a tagger keeps per-word state and is not meant for several threads at once).
"""

from __future__ import annotations

from functools import cache

from lagebild.annotate.ner import NerTagger

# Languages the shipped model was trained for; None (not detected: very short or mixed
# text) is tagged too, since lagebild's input is German first.
NER_LANGUAGES: frozenset[str | None] = frozenset({"de", None})


@cache
def shared_tagger() -> NerTagger:
    """The process's NER tagger with the shipped model (loaded on its first use)."""
    return NerTagger()
