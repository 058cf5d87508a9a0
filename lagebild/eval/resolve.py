"""Evaluation of name-variant resolution: pairwise merge precision and recall.

The test set ``data/name_variants.jsonl`` (written for this project from public facts
about spellings) holds one group per real person, place or organisation in the news,
with the spellings German, Austrian, Swiss and English outlets use (Selenskyj, Selenski,
Zelensky, Zelenskyy), and confusable groups that must stay apart (Vitali and Wladimir
Klitschko; Donald, Melania, Ivanka Trump and Donald Trump Jr.; Washington the city and
George Washington). Each line has ``id``, ``type``, then either ``full`` (full names)
and ``short`` (surname forms) or ``sentences`` (sentences with the name in
[brackets], for inflected place and organisation names); ``confusable`` lists the
groups it must not merge with.

How items become articles (short synthetic contexts, one article each):

- every full name F, paired with the group's surname forms in turn (S), in two
  articles: "F sagte am Montag in Berlin, ... Später bekräftigte S diese Position." and
  "Nach einem Treffen mit F in Genf ... S's Sprecher bestätigte das." (S in the
  genitive, as German prints it: "Selenskyjs");
- groups without confusables also get their surname forms alone, in articles with no
  full name ("Wie S am Dienstag mitteilte, ..."; "S's Regierung wies das zurück."):
  that is where resolution across articles is needed. A surname shared by confusable
  groups ("Trump") is only shown next to a full name, since alone it is ambiguous;
- ``sentences`` are used as they are, one article each.

Mentions are given with gold spans and the group's type as label, so the figures
measure resolution, not the tagger; ``label_noise`` replaces that share of labels by a
wrong one (seeded), to see how resolution copes with a tagger's type errors (the seed
pages show many: "Witkoff" as ORG, "Selenskyj" as LOC). Scoring is over all pairs of
item mentions: a pair is a true merge when both are in one group and one entity.

Run::

    python -m lagebild.eval.resolve [PATH] [--label-noise 0.25]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

from lagebild.model import EntityLabel, Mention
from lagebild.resolve import MentionDoc, resolve

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "name_variants.jsonl"
LABELS: tuple[EntityLabel, ...] = ("PER", "ORG", "LOC", "OTH")
SEED = 13
# Templates: {full} and {short} are the item mentions; Berlin and Genf are context
# mentions (places), not scored.
WITH_FULL = (
    "{full} sagte am Montag in Berlin, die Gespräche gingen weiter. "
    "Später bekräftigte {short} diese Position.",
    "Nach einem Treffen mit {full} in Genf hieß es, man sei vorangekommen. "
    "{short_gen} Sprecher bestätigte das.",
)
SHORT_ALONE = (
    "Wie {short} am Dienstag in Berlin mitteilte, soll weiter verhandelt werden.",
    "{short_gen} Regierung wies das am Mittwoch zurück.",
)
CONTEXT_PLACES = ("Berlin", "Genf")


def genitive(name: str) -> str:
    """The German genitive of a name: "Selenskyj" -> "Selenskyjs", "Cassis" -> "Cassis'"."""
    return name + ("'" if name.endswith(("s", "ß", "x", "z")) else "s")


def load_groups(path: Path) -> list[dict[str, Any]]:
    """The groups of a variant file, one JSON object per line."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def build_docs(
    groups: list[dict[str, Any]], label_noise: float = 0.0, seed: int = SEED
) -> tuple[list[MentionDoc], dict[tuple[str, int], str]]:
    """The synthetic articles of the groups, and the gold group of each item mention."""
    rng = random.Random(seed)
    docs: list[MentionDoc] = []
    gold: dict[tuple[str, int], str] = {}

    def add(text: str, items: list[tuple[str, str]], label: EntityLabel, group: str) -> None:
        article_id = f"{group}-{len(docs)}"
        mentions: list[Mention] = []
        cursor = 0
        for surface, kind in items:
            start = text.index(surface, cursor)
            cursor = start + len(surface)
            item_label: EntityLabel = "LOC" if kind == "context" else label
            if kind == "item" and rng.random() < label_noise:
                item_label = rng.choice([x for x in LABELS if x != label])
            mentions.append(Mention(surface, start, cursor, item_label))
            if kind == "item":
                gold[(article_id, start)] = group
        docs.append(MentionDoc(article_id, text, mentions, "2025-12-01"))

    for group in groups:
        gid, label = group["id"], group["type"]
        for sentence in group.get("sentences", []):
            open_at, close_at = sentence.index("["), sentence.index("]")
            surface = sentence[open_at + 1 : close_at]
            text = sentence.replace("[", "").replace("]", "")
            add(text, [(surface, "item")], label, gid)
        full: list[str] = group.get("full", [])
        short: list[str] = group.get("short", [])
        for i, name in enumerate(full):
            for t, template in enumerate(WITH_FULL):
                s = short[(i + t) % len(short)] if short else None
                text = template.format(
                    full=name, short=s or "man", short_gen=genitive(s) if s else "Ein"
                )
                place = CONTEXT_PLACES[t]
                order = [
                    (text.index(place), (place, "context")),
                    (text.index(name), (name, "item")),
                ]
                if s:
                    surface = s if t == 0 else genitive(s)
                    pos = text.index(surface, text.index(name) + len(name))
                    order.append((pos, (surface, "item")))
                items = [item for _, item in sorted(order)]
                add(text, items, label, gid)
        if not group.get("confusable"):
            for s in short:
                for t, template in enumerate(SHORT_ALONE):
                    text = template.format(short=s, short_gen=genitive(s))
                    surface = s if t == 0 else genitive(s)
                    items = [(surface, "item")]
                    if "Berlin" in text:
                        items.append(("Berlin", "context"))
                    add(text, items, label, gid)
    return docs, gold


def evaluate_resolution(
    path: Path | str = DEFAULT_PATH, label_noise: float = 0.0
) -> dict[str, Any]:
    """Resolve the variant set's articles and score the merges (JSON-able figures).

    Returns pairwise ``precision``, ``recall`` and ``f1`` of merges, the share of groups
    resolved whole (``groups_whole``), of confusable pairs kept apart
    (``confusables_apart``), the groups split and the group pairs merged by mistake.
    """
    groups = load_groups(Path(path))
    docs, gold = build_docs(groups, label_noise)
    started = time.perf_counter()
    result = resolve(docs)
    seconds = time.perf_counter() - started
    predicted = {key: result.links.get(key, f"unlinked:{key}") for key in gold}
    keys = sorted(gold)
    tp = fp = fn = 0
    wrong_pairs: set[tuple[str, str]] = set()
    for a, b in combinations(keys, 2):
        same_gold = gold[a] == gold[b]
        same_pred = predicted[a] == predicted[b]
        if same_gold and same_pred:
            tp += 1
        elif same_pred:
            fp += 1
            x, y = gold[a], gold[b]
            wrong_pairs.add((x, y) if x < y else (y, x))
        elif same_gold:
            fn += 1
    entities_of: dict[str, set[str]] = defaultdict(set)
    for key, group in gold.items():
        entities_of[group].add(predicted[key])
    split = sorted(g for g, ents in entities_of.items() if len(ents) > 1)
    confusable_pairs = {
        tuple(sorted((g["id"], other))) for g in groups for other in g.get("confusable", [])
    }
    merged_confusables = sorted(p for p in confusable_pairs if p in wrong_pairs)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "groups": len(groups),
        "confusable_pairs": len(confusable_pairs),
        "articles": len(docs),
        "item_mentions": len(gold),
        "label_noise": label_noise,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "true_merges": tp,
        "false_merges": fp,
        "missed_merges": fn,
        "groups_whole": round(1 - len(split) / len(groups), 4),
        "confusables_apart": round(1 - len(merged_confusables) / len(confusable_pairs), 4)
        if confusable_pairs
        else 1.0,
        "split_groups": split,
        "merged_group_pairs": [list(p) for p in sorted(wrong_pairs)],
        "seconds": round(seconds, 3),
    }


def main(argv: list[str] | None = None) -> None:
    """Print the figures of ``evaluate_resolution`` as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH), help="variant file")
    parser.add_argument(
        "--label-noise", type=float, default=0.0, help="share of labels made wrong (0-1)"
    )
    args = parser.parse_args(argv)
    print(json.dumps(evaluate_resolution(args.path, args.label_noise), indent=2))


if __name__ == "__main__":
    main()
