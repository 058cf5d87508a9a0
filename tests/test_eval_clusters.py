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


def test_eval_clusters_parts_split_by_story_and_keep_ecb_topics_together() -> None:
    from lagebild.eval.clusters import label_part, select_part

    records = [{"id": str(i), "label": str(i // 2)} for i in range(200)]
    tune, check = select_part(records, "tune"), select_part(records, "check")
    assert len(tune) + len(check) == 200 and 60 < len(tune) < 140
    assert not {r["label"] for r in tune} & {r["label"] for r in check}
    assert all(label_part(f"{t}_ecb") == label_part(f"{t}_ecbplus") for t in range(1, 50))


def test_eval_clusters_training_reads_tune_parts_only() -> None:
    # The join model was trained on the whole English dev files, so their figures
    # were no check of it.
    from lagebild.eval.benchdata import default_data_dir
    from lagebild.eval.clusters import label_part
    from lagebild.train.stories import training_sets

    if not (default_data_dir() / "story_clusters_en").is_dir():
        pytest.skip("benchdata not found")
    sets = training_sets(default_data_dir(), "tune")
    check_ids = {r["id"] for r in german_dev_records(part="check")}
    for name, records in sets.items():
        assert records, name
        if name.startswith("de"):
            assert not check_ids & {r["id"] for r in records}
        else:
            assert {label_part(r["label"]) for r in records} == {"tune"}


# Pairwise F1 floors of the shipped join model (lagebild/models/stories-de/training.json
# has the figures; the floors sit 0.013-0.03 below them). The tune parts trained the model;
# the check parts are held out. gva_incidents' floors also guard against the story that
# drifted over look-alike shootings and drew in every new one (tune part: 0.06 at a join
# threshold of 0.4 before the model saw its own stories in training).
STORY_FLOORS = {
    "giveme5w1h_small:tune": 0.92,  # measured 0.945
    "giveme5w1h_small:check": 0.80,  # 0.817
    "gva_incidents:tune": 0.67,  # 0.683
    "gva_incidents:check": 0.68,  # 0.699
    "ecbplus:tune": 0.79,  # 0.814
    "ecbplus:check": 0.78,  # 0.809
}


@pytest.mark.parametrize("name", sorted(STORY_FLOORS))
def test_eval_clusters_story_floors(name: str) -> None:
    from lagebild.eval.benchdata import default_data_dir
    from lagebild.eval.clusters import score, select_part, stream

    path = default_data_dir() / "story_clusters_en" / f"{name.split(':')[0]}.jsonl"
    if not path.is_file():
        pytest.skip("benchdata not found")
    records = select_part(read_jsonl(path), name.split(":")[1])
    result = score(records, stream(records))
    assert result["pairwise"]["f1"] >= STORY_FLOORS[name], result
