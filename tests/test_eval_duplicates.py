"""The synthetic wire-copy benchmark: copies are made as documented; the gate holds."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from lagebild.eval.benchdata import default_data_dir
from lagebild.eval.duplicates import Source, build, evaluate, make_copy


def test_eval_duplicates_copy_keeps_its_group_and_changes_the_text() -> None:
    paragraphs = tuple(f"Absatz {n} " + "mit vielen Wörtern " * 10 for n in range(5))
    source = Source("s", "Titel der Meldung", paragraphs, "2025-01-10", "t")
    other = Source("o", "Andere Meldung", paragraphs, "2025-01-10", "t")
    copy = make_copy(source, other, ["Zusatz " * 25], ["Wort", "Satz"], random.Random(1), 0)
    assert copy.group == "s" and copy.synthetic and copy.id == "s~0"
    assert copy.text != "\n\n".join(paragraphs) and "Andere Meldung" in copy.text


def _data() -> Path:
    data = default_data_dir()
    if not (data / "gnad10k_test" / "test.csv").is_file():
        pytest.skip(f"benchdata not found at {data}")
    return data


@pytest.mark.slow
def test_eval_duplicates_gate_precision_and_recall() -> None:
    result = evaluate(build(_data()))
    assert result["precision"] >= 0.98 and result["recall"] >= 0.98, result
