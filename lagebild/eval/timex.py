"""The temporal tagger on WikiWarsDE, scored the way the ACE TERN scorer counts.

WikiWarsDE (Strötgen & Gertz 2011) is German Wikipedia war narratives with inline
TIMEX2 tags. The text is read at run time from ``<data>/wikiwarsde`` and never copied
into the repository. The document creation time in ``<DATETIME>`` gives the anchor; its
own TIMEX2 is metadata, not text, and is not scored.

Scoring:

- *extraction*: a system span and a gold span match leniently when they overlap and
  strictly when their offsets are equal; each span is matched at most once (largest
  overlap first). Precision, recall and F1 over all spans.
- *normalisation*: of the leniently matched pairs whose gold has a value, the share with
  the same value. ``strict_value`` is the F1 of spans that match strictly *and* carry
  the gold value, as HeidelTime reports it.
- TIMEX2 to TIMEX3 value mapping (:func:`gold_values`): the forms the two standards share
  (dates, weeks, seasons ``1862-SU``, parts of day ``TMO``, centuries ``19``, decades
  ``192``, ``BC0480``, durations ``P3D``/``PXY``, sets ``P1D``, ``PAST_REF``,
  ``FUTURE_REF``, ``PRESENT_REF``) are compared as they stand. One TIMEX2 habit differs:
  "heute" is ``PRESENT_REF`` with an ``anchor_val`` where TIMEX3 resolves it to the
  anchor date, so a ``PRESENT_REF`` with an ``anchor_val`` also accepts that date.
  ``mod`` is not part of the value in either standard and is not compared.

Example::

    >>> report = evaluate_timex(default_data_dir(), docs=["06_KoreanWar"])  # doctest: +SKIP
    >>> report["all"]["lenient"]["f1"] > 0.8  # doctest: +SKIP
    True
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from lagebild.annotate.timex import tag_timexes
from lagebild.eval.benchdata import default_data_dir, ratio
from lagebild.model import Timex

SET_NAME = "wikiwarsde"
CORPUS = "WikiWarsDE_20110412"

# Documents set aside once for the leave-some-out estimate: the rules were developed on
# the other eight of the twelve documents here and run on these four only at the end.
CHECK_DOCS = ("02_WW1", "08_FrenchRev", "12_IranIraq", "19_RussoJap")

_TAG = re.compile(r"<(/?)TIMEX2([^>]*)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_DCT = re.compile(r"<DATETIME>.*?(\d{4}-\d\d-\d\d)", re.DOTALL)

Tagger = Callable[[str, date | None], list[Timex]]


@dataclass
class GoldTimex:
    """One gold TIMEX2: its span in the document text and its attributes."""

    start: int
    end: int
    text: str
    attrs: dict[str, str]


@dataclass
class GoldDoc:
    """One WikiWarsDE document: its text (tags removed), anchor date and gold spans."""

    docid: str
    text: str
    anchor: date
    timexes: list[GoldTimex] = field(default_factory=list)


def corpus_dir(data_dir: Path) -> Path:
    """The folder that holds ``keyinline/`` for a benchmark folder."""
    return data_dir / SET_NAME / CORPUS


def load_documents(data_dir: Path, docs: Iterable[str] | None = None) -> list[GoldDoc]:
    """Read the inline-annotated documents, optionally only those whose id is in ``docs``."""
    wanted = set(docs) if docs is not None else None
    found = []
    for path in sorted((corpus_dir(data_dir) / "keyinline").glob("*.key.xml")):
        docid = path.name.removesuffix(".key.xml")
        if wanted is None or docid in wanted:
            found.append(parse_document(docid, path.read_text(encoding="utf-8")))
    return found


def parse_document(docid: str, raw: str) -> GoldDoc:
    """Strip the TIMEX2 tags out of one document's TEXT and keep their offsets."""
    match = _DCT.search(raw)
    anchor = date.fromisoformat(match.group(1)) if match else date.today()
    body = raw[raw.index("<TEXT>") + len("<TEXT>") : raw.index("</TEXT>")]
    parts: list[str] = []
    pos = 0
    last = 0
    open_at: tuple[dict[str, str], int] | None = None
    timexes = []
    for tag in _TAG.finditer(body):
        parts.append(body[last : tag.start()])
        pos += tag.start() - last
        last = tag.end()
        if tag.group(1) and open_at is not None:
            attrs, start = open_at
            timexes.append(GoldTimex(start, pos, "".join(parts)[start:pos], attrs))
            open_at = None
        else:
            open_at = (dict(_ATTR.findall(tag.group(2))), pos)
    parts.append(body[last:])
    return GoldDoc(docid, "".join(parts), anchor, timexes)


def gold_values(gold: GoldTimex) -> set[str]:
    """The TIMEX3 values that count as correct for a gold TIMEX2 (see the module doc)."""
    val = gold.attrs.get("val")
    if val is None:
        return set()
    values = {val}
    if val == "PRESENT_REF" and "anchor_val" in gold.attrs:
        values.add(gold.attrs["anchor_val"])
    return values


@dataclass
class Tally:
    """Counts over documents for one scoring run."""

    system: int = 0
    gold: int = 0
    lenient: int = 0
    strict: int = 0
    valued: int = 0
    value_correct: int = 0
    strict_value: int = 0
    tokens: int = 0
    seconds: float = 0.0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, doc: GoldDoc, found: list[Timex], keep_errors: bool = False) -> None:
        """Match one document's system spans to its gold spans and count."""
        self.system += len(found)
        self.gold += len(doc.timexes)
        pairs = _match(found, doc.timexes)
        matched_sys = {i for i, _ in pairs}
        matched_gold = {j for _, j in pairs}
        for i, j in pairs:
            sys_t, gold_t = found[i], doc.timexes[j]
            self.lenient += 1
            exact = sys_t.start == gold_t.start and sys_t.end == gold_t.end
            self.strict += exact
            values = gold_values(gold_t)
            if values:
                self.valued += 1
                right = sys_t.value in values
                self.value_correct += right
                self.strict_value += exact and right
            if keep_errors and (not exact or (values and sys_t.value not in values)):
                self.errors.append(
                    {
                        "doc": doc.docid,
                        "kind": "span" if not exact else "value",
                        "system": [sys_t.text, sys_t.value],
                        "gold": [gold_t.text, gold_t.attrs.get("val")],
                        "context": _context(doc.text, gold_t.start, gold_t.end),
                    }
                )
        if keep_errors:
            for i, sys_t in enumerate(found):
                if i not in matched_sys:
                    self.errors.append(
                        {
                            "doc": doc.docid,
                            "kind": "false_positive",
                            "system": [sys_t.text, sys_t.value],
                            "context": _context(doc.text, sys_t.start, sys_t.end),
                        }
                    )
            for j, gold_t in enumerate(doc.timexes):
                if j not in matched_gold:
                    self.errors.append(
                        {
                            "doc": doc.docid,
                            "kind": "missed",
                            "gold": [gold_t.text, gold_t.attrs.get("val")],
                            "context": _context(doc.text, gold_t.start, gold_t.end),
                        }
                    )

    def report(self) -> dict[str, Any]:
        """Precision, recall and F1 (lenient, strict, strict+value), accuracy, speed."""
        return {
            "documents_gold_timexes": self.gold,
            "system_timexes": self.system,
            "lenient": _prf(self.lenient, self.system, self.gold),
            "strict": _prf(self.strict, self.system, self.gold),
            "normalisation_accuracy": ratio(self.value_correct, self.valued),
            "strict_value": _prf(self.strict_value, self.system, self.gold),
            "lenient_value": _prf(self.value_correct, self.system, self.gold),
            "tokens": self.tokens,
            "tokens_per_second": round(self.tokens / self.seconds) if self.seconds else 0,
        }


def evaluate_timex(
    data_dir: Path,
    docs: Iterable[str] | None = None,
    tagger: Tagger | None = None,
    keep_errors: bool = False,
) -> dict[str, Any]:
    """Score the tagger on WikiWarsDE: all documents, the development and the check split.

    ``docs`` limits the run to some document ids; ``keep_errors`` adds the list of
    misses, false positives and wrong values (for development, not for reports).
    """
    run = tagger or _narrative_tagger
    documents = load_documents(data_dir, docs)
    if not documents:
        raise FileNotFoundError(f"no WikiWarsDE documents under {corpus_dir(data_dir)}")
    tallies = {"all": Tally(), "development": Tally(), "check": Tally()}
    for doc in documents:
        started = time.perf_counter()
        found = run(doc.text, doc.anchor)
        seconds = time.perf_counter() - started
        split = "check" if doc.docid in CHECK_DOCS else "development"
        for name in ("all", split):
            tallies[name].add(doc, found, keep_errors and name == "all")
            tallies[name].tokens += len(doc.text.split())
            tallies[name].seconds += seconds
    report: dict[str, Any] = {
        "corpus": CORPUS,
        "documents": [doc.docid for doc in documents],
        "check_documents": [d for d in CHECK_DOCS if any(x.docid == d for x in documents)],
    }
    for name, tally in tallies.items():
        if tally.gold:
            report[name] = tally.report()
    if keep_errors:
        report["errors"] = tallies["all"].errors
    return report


def _narrative_tagger(text: str, anchor: date | None) -> list[Timex]:
    """Wikipedia narrative: relative dates follow the story, not the download date."""
    return tag_timexes(text, anchor, narrative=True)


def _match(found: list[Timex], gold: list[GoldTimex]) -> list[tuple[int, int]]:
    """One-to-one pairs of overlapping spans, the largest overlaps first."""
    candidates = []
    for i, sys_t in enumerate(found):
        for j, gold_t in enumerate(gold):
            overlap = min(sys_t.end, gold_t.end) - max(sys_t.start, gold_t.start)
            if overlap > 0:
                candidates.append((-overlap, i, j))
    candidates.sort()
    used_sys: set[int] = set()
    used_gold: set[int] = set()
    pairs = []
    for _, i, j in candidates:
        if i not in used_sys and j not in used_gold:
            used_sys.add(i)
            used_gold.add(j)
            pairs.append((i, j))
    return pairs


def _prf(correct: int, returned: int, total: int) -> dict[str, float]:
    """Precision, recall and F1 in percent-free ratios."""
    precision = correct / returned if returned else 0.0
    recall = correct / total if total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _context(text: str, start: int, end: int, width: int = 60) -> str:
    """The span in brackets with some text either side, on one line."""
    left = text[max(0, start - width) : start]
    right = text[end : end + width]
    return f"{left}[{text[start:end]}]{right}".replace("\n", " ")


def main(argv: list[str] | None = None) -> None:
    """``python -m lagebild.eval.timex [--data DIR] [--docs ID ...] [--errors]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, default=None, help="benchmark folder")
    parser.add_argument("--docs", nargs="*", default=None, help="document ids to run")
    parser.add_argument("--errors", action="store_true", help="list errors (development)")
    args = parser.parse_args(argv)
    report = evaluate_timex(args.data or default_data_dir(), args.docs, keep_errors=args.errors)
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
