"""NER tagging speed on one core, for one model or several side by side.

Two inputs: the DER STANDARD articles of ``gnad10k_test`` as raw text (tokenising
included, through :meth:`NerTagger.tag_many`, as the annotate stage tags) and the
GermEval dev sentences, pre-tokenised (:meth:`NerTagger.tag_tokens`, as ``eval ner``
tags). Each input is tagged ``passes`` times; the first pass pays for every new word
once (its lexeme, its floret vector, its subword pieces), later passes show the warm
speed. Several models take turns pass by pass, so that other work on the machine slows
them alike. Figures are CPU seconds of this process with one maths-library thread;
loading a model and the subword table's one-time read are not counted.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from lagebild.eval.duplicates import read_gnad
from lagebild.train.data import read_tsv


def ner_speed(
    data_dir: Path, models: Sequence[Path | None], passes: int = 2, limit: int | None = None
) -> dict[str, Any]:
    """Tokens per second of each model (None: the shipped one) on both inputs (the first
    ``limit`` articles and sentences of each if given)."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    with threadpool_limits(limits=1):
        return _ner_speed(data_dir, models, passes, limit)


def _ner_speed(
    data_dir: Path, models: Sequence[Path | None], passes: int, limit: int | None
) -> dict[str, Any]:
    import spacy

    from lagebild.annotate.ner import NerTagger

    texts = ["\n\n".join(source.paragraphs) for source in read_gnad(data_dir)][:limit]
    dev = data_dir / "germeval2014" / "NER-de-dev.tsv"
    sentences = [[row[1] for row in sentence.rows] for sentence in read_tsv(dev)][:limit]
    # Counted with a tokenizer of its own, so that the models' vocabularies stay cold.
    tokenizer = spacy.blank("de").tokenizer
    text_tokens = sum(len(tokenizer(text)) for text in texts)
    dev_tokens = sum(len(words) for words in sentences)
    taggers = [NerTagger(model) if model else NerTagger() for model in models]
    for tagger in taggers:  # load each model and the subword table before timing
        tagger.tag("Angela Merkel besuchte Paris.")
    runs: list[dict[str, Any]] = [
        {"model": str(model or "shipped"), "news": [], "dev": []} for model in models
    ]
    for _ in range(passes):
        for tagger, run in zip(taggers, runs, strict=True):
            seconds = _cpu_seconds(tagger.tag_many(texts))
            run["news"].append(round(text_tokens / seconds))
    for _ in range(passes):
        for tagger, run in zip(taggers, runs, strict=True):
            seconds = _cpu_seconds(tagger.tag_tokens(sentences))
            run["dev"].append(round(dev_tokens / seconds))
    return {
        "cores": os.cpu_count(),
        "load_average": round(os.getloadavg()[0], 2),
        "news": {"articles": len(texts), "tokens": text_tokens},
        "dev": {"sentences": len(sentences), "tokens": dev_tokens},
        "unit": "tokens per CPU second, one thread; one figure per pass",
        "models": runs,
    }


def _cpu_seconds(items: Iterator[object]) -> float:
    """CPU seconds to draw every item of a lazy iterator (the tagging happens there)."""
    start = time.process_time()
    for _ in items:
        pass
    return max(time.process_time() - start, 1e-9)
