"""Story clustering: same event joins, other events stay apart, storylines link stories."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lagebild.cluster import StoryClusterer, StorylineLinker
from lagebild.cluster.decision import JoinModel, pair_features
from lagebild.cluster.embed import embedding_text
from lagebild.cluster.features import KeyIndex
from lagebild.cluster.labels import Profile
from lagebild.cluster.stories import STORY_KEYS
from lagebild.cluster.storylines import Centroid

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


def test_cluster_label_of_an_untitled_article_starts_with_its_text() -> None:
    # A story of one untitled article (a copy saved without its headline) was labelled
    # by its names alone: "Wladimir Putin, Steve Witkoff, Florida". Its text's start
    # stands in, as in the web's lists; any real headline of the story comes first.
    lead = (
        "Die Delegationen der USA und der Ukraine haben in Florida auch am Sonntag weiter "
        "über den Plan beraten."
    )
    profile = Profile()
    profile.observe("", 0.9, ["Steve Witkoff", "Florida"], "2025-12-04", fallback=lead)
    assert profile.label() == f"{lead[:88].rstrip()} … (Steve Witkoff, Florida)"
    profile.observe("Gespräche in Florida", 0.1, ["Steve Witkoff"], "2025-12-04")
    assert profile.label().startswith("Gespräche in Florida (")
    clusterer = StoryClusterer()
    d = clusterer.add("a", "", lead + " " + QUAKE[0][1], "2025-01-01", entities=["Florida"])
    assert clusterer.story_label(d.story) == f"{lead[:88].rstrip()} … (Florida)"


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
    same_day = pair_features((0.3, 0.3, 0.0, 0.3, 0.0), False, None, 0.0, 0.0, 1, True)
    week_on = pair_features((0.3, 0.3, 0.0, 0.3, 0.0), False, None, 8.0, 8.0, 1, True)
    model = JoinModel.load()
    p_same, p_week = model.probability(np.array([same_day, week_on]))
    assert p_same > p_week


@given(
    st.lists(
        st.dictionaries(st.integers(0, 50), st.floats(0.01, 1.0), min_size=1, max_size=8),
        max_size=6,
    )
)
def test_cluster_centroid_arrays_sum_like_a_dict(vectors: list[dict[int, float]]) -> None:
    centroid, total = Centroid(), Counter[int]()
    for vector in vectors:
        centroid.add(vector)
        total.update(vector)
    assert dict(zip(centroid.ids.tolist(), centroid.weights.tolist(), strict=True)) == (
        pytest.approx(dict(total))
    )
    assert centroid.norm2 == pytest.approx(sum(w * w for w in total.values()))
    ids = np.array([0, 3, 99], dtype=np.int64)
    assert centroid.get(ids).tolist() == pytest.approx([total.get(0, 0.0), total.get(3, 0.0), 0.0])


def test_cluster_key_index_keeps_lone_ids_bare_and_counts_hits() -> None:
    index = KeyIndex()
    index.insert(1, "S1")
    index.insert(1, "S2")
    index.insert(2, "S2")
    assert index.hits([1, 2, 3]) == {"S2": 2, "S1": 1}
    index.remove(1, "S2")
    index.remove(2, "S2")
    assert index.map_ == {1: "S1"}


def test_cluster_a_long_story_keeps_a_bounded_index() -> None:
    clusterer = StoryClusterer()
    title, text = QUAKE[0]
    story = ""
    for n in range(40):
        extra = " ".join(f"Ort{n}x{i}" for i in range(20))
        story = clusterer.add(f"a{n}", title, f"{text} {extra}", "2025-01-01").story
    found = clusterer.story_of(story)
    assert found is not None and found.size == 40
    assert len(found.keys) <= 2 * STORY_KEYS
    assert len(clusterer.index_) <= 2 * STORY_KEYS


def test_cluster_same_names_and_numbers_make_the_same_incident_likelier() -> None:
    same = pair_features((0.3, 0.3, 0.0, 0.6, 0.6), False, None, 0.0, 0.0, 1, True, True, 0.6)
    other = pair_features((0.3, 0.3, 0.0, 0.05, 0.0), False, None, 0.0, 0.0, 1, True, True, 0.1)
    p_same, p_other = JoinModel.load().probability(np.array([same, other]))
    # In odds: the trees put both near 1 in probability on the same day, far apart in odds.
    log_odds_gap = math.log(p_same / (1 - p_same)) - math.log(p_other / (1 - p_other))
    assert p_same > JoinModel.load().threshold and log_odds_gap > 2.0


def test_cluster_stories_merge_only_when_they_are_alike() -> None:
    # One report naming the people of three election stories (Comey's letter, Clinton
    # blaming Comey, Trump meeting Obama) was very likely in two of them and merged all
    # three (giveme5w1h_small: 29 articles in one story).
    clusterer = StoryClusterer()
    quake = clusterer.add("q1", *QUAKE[0], "2025-01-01")
    budget = clusterer.add("b", *BUDGET, "2025-01-01")
    retold = ("Japan: Schweres Erdbeben", QUAKE[0][1] + " " + QUAKE[1][1])
    second = clusterer.place(clusterer.arrive("q2", *retold, "2025-01-01"), None, 0.0)
    one, other, twin = (clusterer.story_of(d.story) for d in (quake, budget, second))
    assert one is not None and other is not None and twin is not None
    assert clusterer.converged(one, [other, one]) == []
    assert clusterer.converged(one, [twin]) == [twin]


def test_cluster_store_run_keeps_no_article_text_behind() -> None:
    # The store's cluster stage streams every canonical article; holding each input
    # (text included) until the end made its memory grow with the store.
    import gc
    import weakref

    from lagebild.cluster.run import StoreClustering
    from lagebild.store.stories import ClusterInput

    refs: list[weakref.ref[ClusterInput]] = []
    alive_before_last: list[int] = []

    def inputs() -> Iterator[ClusterInput]:
        for i in range(40):
            item = ClusterInput(
                f"a{i}",
                f"Hochwasser in Passau, Tag {i % 4}",
                "Die Donau steigt weiter, die Stadt verteilt Sandsäcke. " * 20,
                f"2026-03-{1 + i % 20:02d}",
                "de",
                ["Passau", "Donau"],
            )
            refs.append(weakref.ref(item))
            yield item
        gc.collect()
        alive_before_last.append(sum(ref() is not None for ref in refs[:-2]))

    delta = StoreClustering().feed(inputs())
    assert alive_before_last == [0]
    assert len(delta.assigned) == 40
    assert {story for _, story in delta.assigned} == {row.id for row in delta.stories}


def test_cluster_tree_model_matches_scikit_learn_and_round_trips(tmp_path: Path) -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier

    from lagebild.cluster.decision import FEATURES
    from lagebild.train.stories import fit_trees, trees_of

    rng = np.random.default_rng(3)
    rows = rng.random((600, len(FEATURES)))
    labels = ((rows[:, 0] + rows[:, 2] * rows[:, 14] > 0.8) ^ (rng.random(600) < 0.1)).astype(int)
    boosted = HistGradientBoostingClassifier(max_iter=20, max_depth=3, random_state=0)
    boosted.fit(rows, labels)
    trees = trees_of(boosted)
    assert trees.depth == 3
    np.testing.assert_allclose(trees.log_odds(rows), boosted.decision_function(rows), atol=1e-9)
    model = fit_trees(rows, labels, np.ones(len(labels)))
    (tmp_path / "join.json").write_text(json.dumps(model.to_json()))
    again = JoinModel.load(tmp_path / "join.json")
    assert again.trees is not None
    np.testing.assert_allclose(again.probability(rows), model.probability(rows), atol=1e-7)
    probs = model.probability(rows)
    assert probs[labels == 1].mean() > probs[labels == 0].mean() + 0.3
    with pytest.raises(ValueError, match="no coefficients"):
        JoinModel(
            (0.0,) * len(FEATURES), 0.0, (0.0,) * len(FEATURES), (1.0,) * len(FEATURES), trees=trees
        )
