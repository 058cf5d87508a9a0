"""The throughput benchmark's corpus, and a small end-to-end run (slow)."""

from __future__ import annotations

import pytest

from lagebild.eval.benchdata import default_data_dir
from lagebild.eval.throughput import corpus, page_text, run_pipeline
from lagebild.extract.plaintext import extract_text

TEXT = (
    "Die Stadt baut eine neue Brücke über den Fluss. Die Arbeiten beginnen im Frühjahr und "
    "dauern zwei Jahre. Der Bürgermeister sprach von einem wichtigen Tag. Die Kosten liegen bei "
    "40 Millionen Euro. Anwohner fürchten Lärm. Die Stadt verspricht Schutzwände."
)


def test_throughput_page_reads_back_as_an_article() -> None:
    from datetime import date

    article = extract_text(page_text(TEXT, date(2025, 3, 4)), article_id="a", source="a.txt")
    assert article.title == "Die Stadt baut eine neue Brücke über den Fluss"
    assert article.published == "2025-03-04"
    assert "Anwohner fürchten Lärm." in article.text


def test_throughput_corpus_variants_have_their_own_bytes_and_dates() -> None:
    pages = list(corpus([TEXT, TEXT.replace("Brücke", "Straße")], 6))
    assert [name for name, _ in pages] == [f"{i:06d}.txt" for i in range(6)]
    assert len({text for _, text in pages}) == 6
    assert pages[2][1].splitlines()[2] != pages[0][1].splitlines()[2]  # a later date


@pytest.mark.slow
def test_throughput_small_run_reports_every_figure() -> None:
    data = default_data_dir()
    if not (data / "gnad10k_test").is_dir():
        pytest.skip(f"no gnad10k_test in {data}")
    report = run_pipeline(data, 40, workers=1)
    assert report["stored"] == 40 and report["rejected"] == 0
    assert report["pages_per_second"] > 0 and report["store_bytes"] > 0
    assert {"extract", "annotate", "dedup", "resolve", "cluster"} <= set(report["stage_seconds"])
