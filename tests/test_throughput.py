"""The throughput benchmark's corpus, and small end-to-end and per-stage runs (slow)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from lagebild.cli import main
from lagebild.eval.benchdata import default_data_dir
from lagebild.eval.throughput import (
    BenchText,
    corpus,
    page_text,
    read_texts,
    write_corpus,
    write_follow_up,
)
from lagebild.extract.plaintext import extract_text

TEXT = BenchText(
    "Die Stadt baut eine neue Brücke über den Fluss",
    (
        "Die Arbeiten beginnen im Frühjahr und dauern zwei Jahre. Der Bürgermeister sprach "
        "von einem wichtigen Tag.",
        "Die Kosten liegen bei 40 Millionen Euro. Anwohner fürchten Lärm. Die Stadt "
        "verspricht Schutzwände.",
    ),
    date(2025, 3, 4),
)


def _data() -> Path:
    data = default_data_dir()
    if not (data / "gnad10k_test").is_dir():
        pytest.skip(f"no gnad10k_test in {data}")
    return data


def test_throughput_page_reads_back_as_an_article() -> None:
    article = extract_text(page_text(TEXT), article_id="a", source="a.txt")
    assert article.title == "Die Stadt baut eine neue Brücke über den Fluss"
    assert article.published == "2025-03-04"
    assert "Anwohner fürchten Lärm." in article.text


def test_a_variant_leaves_out_one_sentence() -> None:
    full, shorter = page_text(TEXT), page_text(TEXT, drop=3)
    assert "Anwohner fürchten Lärm." in full and "Anwohner fürchten Lärm." not in shorter
    assert len(full.split(". ")) == len(shorter.split(". ")) + 1


def test_throughput_corpus_variants_have_their_own_bytes_and_dates() -> None:
    other = BenchText(TEXT.title.replace("Brücke", "Straße"), TEXT.paragraphs, TEXT.day)
    pages = list(corpus([TEXT, other], 6))
    assert [name for name, _ in pages] == [f"{i:06d}.txt" for i in range(6)]
    assert len({text for _, text in pages}) == 6
    assert pages[2][1].splitlines()[2] == "11.03.2025"  # a week later
    assert pages[0][1].splitlines()[2] == "04.03.2025"


def test_corpus_mixes_both_news_sets_and_the_seeds(tmp_path: Path) -> None:
    data = _data()
    texts = read_texts(data)
    assert len(texts) > 1800  # 1,028 DER STANDARD articles and 850 Wikinews ones
    written = write_corpus(data, 12, tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert written.pages == 12 and len(names) == 12
    assert sum(1 for name in names if "_" in name) == 5  # the seed pages, as scraped
    assert written.bytes == sum(p.stat().st_size for p in tmp_path.iterdir())
    assert written.tokens > 12 * 100


def test_throughput_follow_up_pages_are_new_texts_a_week_after(tmp_path: Path) -> None:
    data = _data()
    texts = read_texts(data)
    write_follow_up(data, 12, 5, date(2026, 1, 1), tmp_path)
    pages = sorted(tmp_path.iterdir())
    assert len(pages) == 5
    for page, text in zip(pages, texts[12:17], strict=True):
        article = extract_text(page.read_text(encoding="utf-8"), article_id="a", source=page.name)
        assert article.published == "2026-01-09"
        assert article.title == " ".join(text.title.split())


@pytest.mark.slow
def test_throughput_run_then_follow_up_reports_the_second_run() -> None:
    from lagebild.eval.throughput import run_pipeline

    report = run_pipeline(_data(), 20, workers=1, then=5)
    later = report["then"]
    assert later["pages"] == 5 and later["stored"] == 5
    assert {"annotate", "resolve", "cluster"} <= set(later["stage_seconds"])
    assert later["store_bytes"] > report["store_bytes"]


@pytest.mark.slow
def test_throughput_small_run_reports_every_figure() -> None:
    from lagebild.eval.throughput import growth

    report = growth(_data(), [20, 40], workers=1)
    first, second = report["runs"]
    assert first["pages"] == 20 and second["pages"] == 40
    assert second["stored"] + second["rejected"] == 40
    assert second["pages_per_second"] > 0 and second["store_bytes"] > 0
    assert second["store_to_pages"] > 0
    assert set(second["rejection_samples"]) == set(second["rejected_by_reason"])
    assert {"extract", "annotate", "dedup", "resolve", "cluster"} <= set(second["stage_seconds"])
    assert report["growth"][0]["size_factor"] == 2.0


@pytest.mark.slow
def test_stage_speed_takes_annotation_apart() -> None:
    from lagebild.eval.stage_speed import stage_speed

    report = stage_speed(_data(), 20)
    assert {"extract", "dedup", "annotate", "store", "resolve", "cluster"} <= set(report["stages"])
    parts = report["annotate_parts"]["parts"]
    assert set(parts) == {"tokenizer_only", "ner", "timex", "quotes", "events"}
    shares = [p["share_of_annotate"] for name, p in parts.items() if name != "tokenizer_only"]
    assert abs(sum(shares) - 1.0) < 0.01
    assert parts["ner"]["seconds"] > parts["tokenizer_only"]["seconds"]


def test_bench_ner_reports_tokens_per_second_for_each_model_and_pass() -> None:
    data = _data()
    model = Path(__file__).resolve().parent.parent / "lagebild" / "models" / "ner-de"
    result = CliRunner().invoke(
        main,
        [
            "bench",
            "ner",
            "--model",
            str(model),
            "--model",
            str(model),
            "--passes",
            "2",
            "--limit",
            "20",
            "--data",
            str(data),
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["news"]["articles"] == 20 and report["dev"]["sentences"] == 20
    assert report["news"]["tokens"] > 2000
    assert len(report["models"]) == 2
    for run in report["models"]:
        assert len(run["news"]) == 2 and len(run["dev"]) == 2
        assert all(rate > 500 for rate in run["news"] + run["dev"])
