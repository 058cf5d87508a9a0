"""A synthetic wire-copy benchmark for dedup, built on the fly from real German texts.

No public German corpus labels syndicated copies, so this module makes them: it reads
real articles (10kGNAD, German Wikinews) from ``../shared/benchdata`` at run time and
derives copies the way sites reprint a wire story (teaser added or cut, paragraphs
dropped, reordered or added, 5-20 % of words edited, another headline and the site's
own boilerplate). The copies are mixed with every other article of the corpora, which
include different articles on the same topic and Wikinews follow-ups on the same
story: those must stay apart. Nothing of the texts is stored in the repository; a fixed
seed makes the benchmark the same on every run. See ``data/README-duplicates.md``.

Example::

    python -m lagebild.eval.duplicates            # prints precision, recall, F1 as JSON
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

from lagebild.dedup import Deduplicator
from lagebild.eval.benchdata import default_data_dir, ratio

SEED = 20251222
# Articles kept out of the stream; their paragraphs are what extended copies add.
EXTRA_SOURCES = 200
_SENTENCE_END = re.compile(r"(?<=[.!?\"“])\s+(?=[A-ZÄÖÜ„\"])")
_WIKINEWS_NAME = re.compile(r"^(\d+) - (.*) \((\d{4}-\d{2}-\d{2})\)\.pretty\.json$")

# Site furniture a reprint adds around a wire story: made up, in the style of German sites.
BOILERPLATE = (
    "Diesen Artikel teilen",
    "Mehr zum Thema",
    "© dpa-infocom, dpa:251222-930-123456/1",
    "Copyright: APA. Alle Rechte vorbehalten.",
    "Weitere Meldungen",
    "Jetzt unseren Newsletter abonnieren und nichts mehr verpassen.",
    "Anzeige",
    "Lesen Sie auch:",
    "(red/Agenturen)",
    "Foto: picture alliance / dpa",
    "Hinweis: Dieser Artikel wurde automatisch aus dem Agenturangebot übernommen.",
    "Sie haben einen Fehler gefunden? Schreiben Sie uns.",
)


@dataclass(frozen=True)
class Source:
    """A real article: its id, headline, paragraphs, date, and a topic or story key."""

    id: str
    title: str
    paragraphs: tuple[str, ...]
    date: str
    topic: str


@dataclass(frozen=True)
class Item:
    """One article of the benchmark stream; ``group`` is the id of its original."""

    id: str
    title: str
    text: str
    date: str | None
    group: str
    synthetic: bool
    when: str  # where the item sits in the stream (its date, or its hidden date)


# -- reading the corpora --------------------------------------------------------


def read_gnad(data_dir: Path) -> list[Source]:
    """10kGNAD test articles; sentences grouped by three into paragraphs (the CSV has none).

    The corpus has no dates: a date is drawn per article so the stream has an order.
    """
    path = data_dir / "gnad10k_test" / "test.csv"
    rng = random.Random(SEED)
    sources = []
    with path.open(encoding="utf-8", newline="") as handle:
        for n, row in enumerate(csv.reader(handle, delimiter=";", quotechar="'")):
            if len(row) != 2:
                continue
            label, text = row
            sentences = _SENTENCE_END.split(text.strip())
            if len(sentences) < 2:
                continue
            title, rest = sentences[0], sentences[1:]
            paragraphs = tuple(" ".join(rest[i : i + 3]) for i in range(0, len(rest), 3))
            day = rng.randrange(1, 29)
            sources.append(
                Source(f"gnad-{n}", title, paragraphs, f"2016-02-{day:02d}", f"gnad:{label}")
            )
    return sources


def iter_wikinews(data_dir: Path, splits: tuple[str, ...] = ("train", "dev")) -> Iterator[Source]:
    """German Wikinews articles of the quotation corpus, read from its archive.

    The held-back ``test`` split is never read unless asked for. ``topic`` is the
    Wikinews article number; the date comes from the file name.
    """
    archive_path = data_dir / "quotes_de_wikinews" / "data.tar.gz"
    with tarfile.open(archive_path, mode="r:gz") as archive:
        for member in archive:
            parts = member.name.split("/")
            if not member.isfile() or len(parts) != 3 or parts[1] not in splits:
                continue
            match = _WIKINEWS_NAME.match(parts[2])
            handle = archive.extractfile(member)
            if match is None or handle is None:
                continue
            doc: dict[str, Any] = json.load(handle)
            text = str(doc["originalText"])
            paragraphs = tuple(p.strip() for p in re.split(r"\n\s*\n", text) if p.strip())
            number, title, date = match.groups()
            if date < "1990":  # one interview carries a placeholder date (0001-01-01)
                continue
            yield Source(f"wn-{number}", title, paragraphs, date, f"wn:{number}")


# -- making copies --------------------------------------------------------------


def _edit_words(text: str, rate: float, vocabulary: list[str], rng: random.Random) -> str:
    """Substitute, delete or insert about ``rate`` of the words, as a copy editor might."""
    out: list[str] = []
    for word in text.split(" "):
        if rng.random() >= rate:
            out.append(word)
            continue
        action = rng.random()
        if action < 0.6:
            out.append(rng.choice(vocabulary))
        elif action < 0.8:
            continue
        else:
            out.extend([word, rng.choice(vocabulary)])
    return " ".join(out)


def make_copy(
    source: Source,
    other: Source,
    extra: list[str],
    vocabulary: list[str],
    rng: random.Random,
    n: int,
) -> Item:
    """A reprint of ``source``: cut or extended, edited, with new headline and furniture.

    ``other`` is another article on the same topic, whose headline a "Lesen Sie auch" line
    links to; an extended copy adds a paragraph taken off ``extra``, text of articles held
    out of the stream (a site's own addition is text no other article has).
    """
    paragraphs = list(source.paragraphs)
    # Teaser: cut the first paragraph, or add one made of the first sentence.
    roll = rng.random()
    if roll < 0.25 and len(paragraphs) > 2:
        paragraphs = paragraphs[1:]
    elif roll < 0.5:
        paragraphs.insert(0, _SENTENCE_END.split(paragraphs[0])[0])
    # Shortened: drop up to 40 % of the later paragraphs; or extended: add background.
    roll = rng.random()
    if roll < 0.45 and len(paragraphs) > 2:
        drop = rng.randint(1, max(1, int(0.4 * len(paragraphs))))
        for _ in range(drop):
            paragraphs.pop(rng.randrange(1, len(paragraphs)))
    elif roll < 0.65 and extra:
        paragraphs.append(extra.pop())  # each added paragraph is used once
    if rng.random() < 0.3 and len(paragraphs) > 3:
        i, j = rng.sample(range(1, len(paragraphs)), 2)
        paragraphs[i], paragraphs[j] = paragraphs[j], paragraphs[i]
    rate = rng.uniform(0.05, 0.20)
    paragraphs = [_edit_words(p, rate, vocabulary, rng) for p in paragraphs]
    head = rng.sample(BOILERPLATE, rng.randint(0, 2))
    tail = [*rng.sample(BOILERPLATE, rng.randint(1, 3)), other.title]
    title = _edit_words(source.title, 0.4, vocabulary, rng)
    # A reprint appears within days; 15 % carry no date (their place in the stream is kept).
    when = _shift(source.date, rng.randint(-1, 2))
    date = None if rng.random() < 0.15 else when
    text = "\n\n".join(head + paragraphs + tail)
    return Item(f"{source.id}~{n}", title, text, date, source.id, True, when)


def _shift(date: str, days: int) -> str:
    """``date`` moved by ``days`` days (a reprint may carry an earlier date: time zones)."""
    import datetime as dt

    return (dt.date.fromisoformat(date) + dt.timedelta(days=days)).isoformat()


def build(data_dir: Path | None = None, seed: int = SEED) -> list[Item]:
    """The benchmark stream: the real articles plus 1-3 copies of about 60 % of them.

    Items come in date order (an undated copy where its hidden date puts it), as a
    crawler meets them; a copy may come before its original.
    """
    data_dir = data_dir or default_data_dir()
    sources = _usable(read_gnad(data_dir) + list(iter_wikinews(data_dir)))
    rng = random.Random(seed)
    rng.shuffle(sources)
    held_out, sources = sources[:EXTRA_SOURCES], sources[EXTRA_SOURCES:]
    extra = [p for s in held_out for p in s.paragraphs if len(p.split()) >= 20]
    vocabulary = sorted({w for s in sources for p in s.paragraphs for w in p.split(" ") if w})
    by_topic: dict[str, list[Source]] = {}
    for source in sources:
        by_topic.setdefault(source.topic.split(":")[0], []).append(source)
    items = [
        Item(s.id, s.title, "\n\n".join(s.paragraphs), s.date, s.id, False, s.date) for s in sources
    ]
    for source in sources:
        if rng.random() >= 0.6:
            continue
        pool = by_topic[source.topic.split(":")[0]]
        for n in range(rng.choice((1, 1, 2, 3))):
            other = rng.choice(pool)
            while other.id == source.id:
                other = rng.choice(pool)
            items.append(make_copy(source, other, extra, vocabulary, rng, n))
    keyed = [(item.when, rng.random(), item) for item in items]
    keyed.sort(key=lambda k: (k[0], k[1]))
    return [item for _, _, item in keyed]


def _usable(sources: list[Source]) -> list[Source]:
    """Sources with at least 40 words whose text occurs once.

    10kGNAD holds placeholders ("Der Volltext dieses auf Agenturmeldungen basierenden
    Artikels steht ... nicht mehr zur Verfügung") that are identical by construction.
    """
    seen: dict[str, int] = {}
    for source in sources:
        key = " ".join(source.paragraphs)
        seen[key] = seen.get(key, 0) + 1
    return [
        s
        for s in sources
        if seen[" ".join(s.paragraphs)] == 1 and len(" ".join(s.paragraphs).split()) >= 40
    ]


# -- scoring --------------------------------------------------------------------


def pairs_of(groups: dict[str, list[str]]) -> set[tuple[str, str]]:
    """Every unordered pair of ids that share a group."""
    out: set[tuple[str, str]] = set()
    for members in groups.values():
        out.update(combinations(sorted(members), 2))
    return out


def evaluate(items: list[Item], dedup: Deduplicator | None = None) -> dict[str, Any]:
    """Stream ``items`` through dedup; pairwise precision, recall and F1 of the copy groups."""
    dedup = dedup or Deduplicator()
    start = time.perf_counter()
    canonical: dict[str, str] = {}
    for item in items:
        decision = dedup.add(item.id, item.text, item.date)
        for member in decision.members:
            canonical[member] = decision.canonical
    seconds = time.perf_counter() - start
    predicted: dict[str, list[str]] = {}
    gold: dict[str, list[str]] = {}
    for item in items:
        predicted.setdefault(canonical[item.id], []).append(item.id)
        gold.setdefault(item.group, []).append(item.id)
    p_pairs, g_pairs = pairs_of(predicted), pairs_of(gold)
    tp = len(p_pairs & g_pairs)
    precision, recall = ratio(tp, len(p_pairs)), ratio(tp, len(g_pairs))
    f1 = ratio(2 * precision * recall, precision + recall)
    return {
        "articles": len(items),
        "copies": sum(item.synthetic for item in items),
        "gold_pairs": len(g_pairs),
        "predicted_pairs": len(p_pairs),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "articles_per_second": round(len(items) / seconds, 1),
    }


def main(argv: list[str] | None = None) -> int:
    """Build the benchmark, run dedup over it, print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="benchdata folder")
    parser.add_argument("--seed", type=int, default=SEED, help="benchmark seed")
    args = parser.parse_args(argv)
    result = evaluate(build(args.data, args.seed))
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
