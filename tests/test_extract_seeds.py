"""Evaluation gate: every gold field of the five seed pages, read by ``extract``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lagebild.extract import extract
from lagebild.ingest import Candidate, read_page
from lagebild.model import Article

from .conftest import GOLD, SEEDS

SEED_NAMES = sorted(p.name for p in SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
EXACT = ("title", "kicker", "section", "published", "outlet", "dateline")
LISTS = ("agencies", "authors", "subheadings", "captions", "photo_credits", "tags")


def _article(name: str) -> Article:
    path = SEEDS / name
    return extract(read_page(Candidate(str(path), path)))


def _norm(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def articles() -> dict[str, Article]:
    if not GOLD.is_file():
        pytest.skip("gold file missing")
    return {name: _article(name) for name in SEED_NAMES}


@pytest.mark.parametrize("name", SEED_NAMES)
@pytest.mark.parametrize("field", EXACT + LISTS)
def test_seed_field(
    name: str, field: str, articles: dict[str, Article], gold: dict[str, Any]
) -> None:
    expected = gold["articles"][name]
    if field not in expected:
        pytest.skip(f"gold has no {field} for {name}")
    assert getattr(articles[name], field) == expected[field]


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_lead_and_body(name: str, articles: dict[str, Article], gold: dict[str, Any]) -> None:
    expected = gold["articles"][name]
    article = articles[name]
    if expected["lead"] is None:
        assert article.lead is None
    else:
        # The gold gives the lead's first sentence; the teaser paragraph is the lead.
        assert article.lead is not None
        assert _norm(article.lead).startswith(_norm(expected["lead"]))
    assert _norm(article.text).startswith(_norm(expected["body_first"]))
    assert _norm(article.text).endswith(_norm(expected["body_last"]))


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_boilerplate_absent(
    name: str, articles: dict[str, Article], gold: dict[str, Any]
) -> None:
    article = articles[name]
    readable = _norm(
        " ".join([article.title or "", article.lead or "", article.text, *article.subheadings])
    )
    for noise in gold["articles"][name]["boilerplate"]:
        assert _norm(noise) not in readable, noise


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_related_headlines(
    name: str, articles: dict[str, Article], gold: dict[str, Any]
) -> None:
    assert articles[name].related_headlines == gold["articles"][name]["related_headlines"]


def test_seed_language_is_german(articles: dict[str, Article]) -> None:
    assert {a.language for a in articles.values()} == {"de"}


def test_seed_captions_kept_out_of_body(articles: dict[str, Article]) -> None:
    for article in articles.values():
        for caption in article.captions:
            assert caption not in article.text


def test_seed_extraction_is_deterministic(seeds_dir: Path) -> None:
    for name in SEED_NAMES:
        assert _article(name) == _article(name)
