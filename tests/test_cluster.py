"""Story clustering: same event joins, other events stay apart, storylines link stories."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lagebild.cluster import StoryClusterer, StorylineLinker
from lagebild.cluster.decision import JoinModel, pair_features
from lagebild.cluster.embed import embedding_text

QUAKE = [
    (
        "Erdbeben der Stärke 7 erschüttert Japan",
        "Ein schweres Erdbeben der Stärke 7 hat die japanische Präfektur Ishikawa erschüttert. Häuser stürzten ein, die Behörden gaben eine Tsunami-Warnung heraus.",
    ),
    (
        "Japan: Zahl der Toten nach Erdbeben steigt",
        "Nach dem schweren Erdbeben in der Präfektur Ishikawa ist die Zahl der Toten gestiegen. Rettungskräfte suchen in eingestürzten Häusern nach Überlebenden, die Tsunami-Warnung wurde aufgehoben.",
    ),
]
BUDGET = (
    "Bundestag beschließt Haushalt für 2026",
    "Der Bundestag hat den Bundeshaushalt für das kommende Jahr beschlossen. Die Opposition kritisierte die hohe Neuverschuldung, der Finanzminister verteidigte die Investitionen.",
)


def test_cluster_same_event_joins_other_event_stays_apart() -> None:
    clusterer = StoryClusterer()
    a = clusterer.add("a", *QUAKE[0], "2025-01-01")
    b = clusterer.add("b", *QUAKE[1], "2025-01-02")
    c = clusterer.add("c", *BUDGET, "2025-01-02")
    assert a.new and not b.new and a.story == b.story
    assert c.new and c.story != a.story
    assert clusterer.story_articles(a.story) == ["a", "b"]


def test_cluster_entities_and_lemmas_are_optional_inputs() -> None:
    clusterer = StoryClusterer()
    a = clusterer.add("a", *QUAKE[0], "2025-01-01", entities=["Q17", "Ishikawa"])
    b = clusterer.add("b", *QUAKE[1], "2025-01-01", entities=["Q17", "Ishikawa"])
    assert a.story == b.story
    profile = clusterer.story_profile(a.story)
    assert profile is not None and profile.key_names(2) == ["Q17", "Ishikawa"]
    assert profile.start == profile.end == "2025-01-01"


def test_cluster_embedding_lets_a_translation_join() -> None:
    clusterer = StoryClusterer()
    same = np.ones(8, dtype=np.float32) / np.sqrt(8)
    clusterer.add("de", *QUAKE[0], "2025-01-01", lang="de", embedding=same)
    en = clusterer.add(
        "en",
        "Magnitude 7 earthquake strikes Japan",
        "A strong earthquake hit Ishikawa in Japan.",
        "2025-01-01",
        lang="en",
        embedding=same,
    )
    assert not en.new


def test_cluster_old_stories_leave_the_window() -> None:
    clusterer = StoryClusterer(window_days=5)
    first = clusterer.add("a", *QUAKE[0], "2025-01-01")
    later = clusterer.add("b", *QUAKE[1], "2025-03-01")
    assert later.story != first.story and first.story not in clusterer.stories_


def test_cluster_storyline_links_related_stories_and_labels_them() -> None:
    linker = StorylineLinker(threshold=0.2)
    one = linker.link({1: 0.8, 2: 0.6}, {}, 739_000)
    two = linker.link({1: 0.6, 2: 0.8}, {}, 739_020)
    other = linker.link({3: 1.0}, {}, 739_021)
    assert one == two != other


def test_cluster_label_is_a_headline_with_names() -> None:
    clusterer = StoryClusterer()
    d = clusterer.add("a", *QUAKE[0], "2025-01-01", entities=["Japan"])
    assert clusterer.story_label(d.story) == f"{QUAKE[0][0]} (Japan)"


def test_cluster_embedding_text_is_title_and_lead() -> None:
    text = embedding_text("Titel", "Satz eins. " * 100, lead_chars=30)
    assert text.startswith("Titel. Satz eins.") and len(text) <= 40


def test_cluster_join_model_ships_and_rejects_a_feature_mismatch(tmp_path: Path) -> None:
    model = JoinModel.load()
    assert 0.0 < model.threshold < model.merge_threshold < 1.0
    spec = model.to_json()
    spec["features"] = ["title"]
    (tmp_path / "bad.json").write_text(json.dumps(spec))
    with pytest.raises(ValueError, match="retrain"):
        JoinModel.load(tmp_path / "bad.json")


def test_cluster_a_week_later_on_the_same_subject_is_less_likely_the_same_story() -> None:
    same_day = pair_features((0.3, 0.3, 0.3, 0.0), False, None, 0.0, 0.0, 1, True)
    week_on = pair_features((0.3, 0.3, 0.3, 0.0), False, None, 8.0, 8.0, 1, True)
    model = JoinModel.load()
    p_same, p_week = model.probability(np.array([same_day, week_on]))
    assert p_same > p_week
