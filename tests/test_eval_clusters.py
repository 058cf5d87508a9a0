"""eval clusters: metrics, streaming in date order, duplicates in their canonical's story."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lagebild.eval.clusters import (
    bcubed,
    evaluate_clusters,
    german_dev_records,
    pairwise,
    read_jsonl,
)


def test_eval_clusters_metrics_on_a_hand_count() -> None:
    gold = {"1": "a", "2": "a", "3": "b", "4": "b"}
    predicted = {"1": "x", "2": "x", "3": "x", "4": "y"}
    assert pairwise(gold, predicted) == {"precision": 0.3333, "recall": 0.5, "f1": 0.4}
    b3 = bcubed(gold, predicted)
    assert b3["precision"] == round((2 / 3 * 2 + 1 / 3 + 1) / 4, 4) and b3["recall"] == 0.75


def test_eval_clusters_writes_one_prediction_per_line_and_counts_duplicates(tmp_path: Path) -> None:
    body = "\n\n".join(
        "Die Delegationen trafen sich am Wochenende in Miami zu Gesprächen über den Plan "
        f"für ein Ende der Kämpfe, sagte der Gesandte in Absatz {n} seiner Erklärung vor Journalisten."
        for n in range(6)
    )
    lines = [
        {"id": "copy", "title": "Gespräche in Miami", "text": body, "date": None, "label": "m"},
        {
            "id": "orig",
            "title": "Miami: Gespräche gehen weiter",
            "text": body,
            "date": "2025-12-22",
            "label": "m",
        },
        {
            "id": "other",
            "title": "Haushalt beschlossen",
            "text": "Der Bundestag beschloss den Haushalt.",
            "date": "2025-12-21",
            "label": "h",
        },
    ]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    result = evaluate_clusters(gold, tmp_path / "pred.jsonl")
    predictions = read_jsonl(tmp_path / "pred.jsonl")
    assert [p["id"] for p in predictions] == ["copy", "orig", "other"]
    by_id = {p["id"]: p for p in predictions}
    assert by_id["copy"]["duplicate_of"] == "orig" and by_id["orig"]["duplicate_of"] is None
    assert by_id["copy"]["story"] == by_id["orig"]["story"] != by_id["other"]["story"]
    assert result["pairwise"]["f1"] == 1.0 and result["bcubed"]["f1"] == 1.0


def test_eval_clusters_german_dev_parts_are_disjoint_and_cover_the_set() -> None:
    from lagebild.eval.benchdata import default_data_dir

    if not (default_data_dir() / "quotes_de_wikinews" / "data.tar.gz").is_file():
        pytest.skip("benchdata not found")
    tune = {r["id"] for r in german_dev_records(part="tune")}
    check = german_dev_records(part="check")
    assert not tune & {r["id"] for r in check}
    assert len(tune) + len(check) == len(german_dev_records())
    assert sum(1 for r in check if r["label"] != r["id"]) >= 6  # 3 multi-article stories
