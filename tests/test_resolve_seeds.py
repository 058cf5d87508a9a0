"""Evaluation gate: the five seed pages extracted, tagged by the project's NER, resolved.

Checks every gold entity of ``seeds.gold.json`` against what ``resolve`` makes of the
tagger's mentions: found as one entity, all its forms in that entity, no entity holding
two gold entities, nothing from the advertisement. Where the tagger misses a form or a
role is printed only in a caption (which is not annotated text), the gap is listed in
``KNOWN_GAPS`` with the reason, so the check stays strict for everything else.
"""

from __future__ import annotations

from typing import Any

import pytest

from lagebild.annotate.ner import NerTagger
from lagebild.extract import extract
from lagebild.ingest import Candidate, read_page
from lagebild.model import Entity
from lagebild.resolve import MentionDoc, Resolution, resolve

from .conftest import GOLD, SEEDS

SEED_NAMES = sorted(p.name for p in SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
# Gold forms and roles that cannot come from the annotated text, and why.
KNOWN_GAPS: dict[str, set[str]] = {
    # "Trumps Regierung" is in the related headlines of 000 (not article text).
    "Trumps": {"form"},
    # "Kreml-Unterhändler Kirill Dmitrijew" is printed only in the photo caption of 004.
    "Kreml-Unterhändler": {"role"},
    # The gold reading "Weiße Haus"/"Weißen Haus": the text has "das Weiße Haus" twice.
    "Weißen Haus": {"form"},
}

# Gold entities with no mention in the annotated text as tagged, and why.
NOT_TAGGED: dict[str, str] = {
    "St. Petersburg": "printed only in the photo caption of 004, which is not article text",
}


def _annotated_text(name: str) -> tuple[str, str | None]:
    """Title, lead, subheadings and body of a seed page, as the tagger sees them."""
    path = SEEDS / name
    article = extract(read_page(Candidate(str(path), path)))
    parts = [article.title, article.lead, *article.subheadings, *article.body]
    return "\n\n".join(p for p in parts if p), article.published


@pytest.fixture(scope="module")
def resolution() -> Resolution:
    if not GOLD.is_file() or not SEED_NAMES:
        pytest.skip("seed pages or gold file missing")
    tagger = NerTagger()
    docs = []
    for name in SEED_NAMES:
        text, published = _annotated_text(name)
        docs.append(MentionDoc(name, text, tagger.tag(text), published))
    return resolve(docs)


def _holding(resolution: Resolution, forms: list[str]) -> list[Entity]:
    """The entities that hold any of ``forms``."""
    return [e for e in resolution.entities if set(e.forms) & set(forms)]


@pytest.mark.parametrize("index", range(26))
def test_seed_entity_found_once_with_forms(
    index: int, resolution: Resolution, gold: dict[str, Any]
) -> None:
    expected = gold["entities"][index]
    forms = [f for f in expected["forms"] if "form" not in KNOWN_GAPS.get(f, set())]
    holders = _holding(resolution, forms)
    if not holders and expected["name"] in NOT_TAGGED:
        pytest.xfail(NOT_TAGGED[expected["name"]])
    assert len(holders) == 1, (expected["name"], [(e.name, e.forms) for e in holders])
    entity = holders[0]
    assert entity.name == expected["name"]
    assert set(forms) <= set(entity.forms), (forms, entity.forms)
    if expected["type"] == "PER":
        assert entity.type == "PER"


@pytest.mark.parametrize("index", range(11))
def test_seed_person_roles(index: int, resolution: Resolution, gold: dict[str, Any]) -> None:
    expected = gold["entities"][index]
    assert expected["type"] == "PER"
    entity = _holding(resolution, expected["forms"])[0]
    wanted = [r for r in expected["roles"] if "role" not in KNOWN_GAPS.get(r, set())]
    missing = [r for r in wanted if r not in entity.roles]
    # Gold writes "Schwiegersohn von US-Präsident Donald Trump" once; the text prints it
    # with and without "US-": either reading counts.
    missing = [r for r in missing if not any(r.replace("US-", "") == x for x in entity.roles)]
    assert not missing, (expected["name"], missing, entity.roles)


def test_seed_no_false_merges(resolution: Resolution, gold: dict[str, Any]) -> None:
    for entity in resolution.entities:
        golds = [g["name"] for g in gold["entities"] if set(g["forms"]) & set(entity.forms)]
        assert len(golds) <= 1, (entity.name, golds)


def test_seed_nothing_from_the_advertisement(resolution: Resolution, gold: dict[str, Any]) -> None:
    seen = {form for e in resolution.entities for form in e.forms}
    assert not seen & set(gold["not_entities"])


def test_seed_sightings_dated(resolution: Resolution) -> None:
    witkoff = [s for s in resolution.sightings if s.entity_id == "per:steve-witkoff"]
    assert {(s.article_id, s.published) for s in witkoff} >= {
        ("000_6b58da792bafafdb.txt", "2025-12-22T01:38:56")
    }
