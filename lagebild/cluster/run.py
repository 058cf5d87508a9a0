"""Clustering the whole store: canonical articles streamed in publication order.

The online clusterer sees the articles as they were published, so a run over the store
gives the same stories as if the articles had arrived one by one in that order, whatever
order they were ingested in. Story and storyline ids are made from their earliest
article, so they stay the same from run to run while that article stays first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from lagebild.cluster.labels import Profile
from lagebild.cluster.stories import StoryClusterer
from lagebild.model import Story, Storyline
from lagebild.store.stories import ClusterInput, StorylineRow, StoryRow


@dataclass(frozen=True, slots=True)
class _Seen:
    """What the records need of an article once it is clustered (its text is not kept:
    the stage streams every canonical article of the store)."""

    article_id: str
    title: str
    published: str | None
    names: list[str]


@dataclass
class Clustering:
    """The result of one run: each canonical article's story, and the story records."""

    story_of: dict[str, str] = field(default_factory=dict)
    storyline_of: dict[str, str] = field(default_factory=dict)  # story id -> storyline id
    stories: list[StoryRow] = field(default_factory=list)
    storylines: list[StorylineRow] = field(default_factory=list)


def cluster_articles(
    inputs: Iterable[ClusterInput], outlets: dict[str, str | None] | None = None
) -> Clustering:
    """Stream ``inputs`` (publication order) through a fresh clusterer; build the records.

    ``outlets`` maps article ids to their outlet, for the per-story outlet count.
    """
    clusterer = StoryClusterer()
    raw_story: dict[str, str] = {}
    raw_line: dict[str, str] = {}
    parent: dict[str, str] = {}
    seen: list[_Seen] = []
    score: dict[str, float] = {}
    for item in inputs:
        decision = clusterer.add(
            item.article_id,
            item.title,
            item.text,
            item.published,
            item.language,
            item.entities or None,
            item.embedding,
        )
        for merged in decision.merged:
            parent[merged] = decision.story
        raw_story[item.article_id] = decision.story
        raw_line.setdefault(decision.story, decision.storyline)
        score[item.article_id] = decision.similarity
        seen.append(_Seen(item.article_id, item.title, item.published, item.entities[:5]))

    def final(story: str) -> str:
        while story in parent:
            story = parent[story]
        return story

    members: dict[str, list[_Seen]] = {}
    for done in seen:
        members.setdefault(final(raw_story[done.article_id]), []).append(done)
    result = Clustering()
    line_members: dict[str, list[str]] = {}
    for raw, items in members.items():
        story_id = "story:" + items[0].article_id
        line_raw = raw_line.get(raw, raw)
        line_members.setdefault(line_raw, []).append(story_id)
        profile = Profile()
        for done in items:
            profile.observe(done.title, score.get(done.article_id, 0.0), done.names, done.published)
            result.story_of[done.article_id] = story_id
        distinct = {(outlets or {}).get(done.article_id) for done in items} - {None}
        story = Story(
            id=story_id,
            label=profile.label(),
            articles=[done.article_id for done in items],
            start=profile.start,
            end=profile.end,
        )
        result.stories.append(
            StoryRow(story, profile.headline, profile.key_names(5), None, len(distinct))
        )
    by_id = {row.story.id: row for row in result.stories}
    for stories in line_members.values():
        line_id = "line:" + by_id[stories[0]].story.articles[0]
        names: Counter[str] = Counter()
        starts, ends, articles = [], [], 0
        for story_id in stories:
            row = by_id[story_id]
            row.storyline = line_id
            result.storyline_of[story_id] = line_id
            names.update(row.names)
            starts += [row.story.start] if row.story.start else []
            ends += [row.story.end] if row.story.end else []
            articles += len(row.story.articles)
        biggest = max(stories, key=lambda s: len(by_id[s].story.articles))
        key = [name for name, _ in names.most_common(3)]
        headline = by_id[biggest].headline
        label = f"{headline} ({', '.join(key)})" if headline and key else headline or ", ".join(key)
        result.storylines.append(
            StorylineRow(
                Storyline(
                    id=line_id,
                    label=label or "(ohne Titel)",
                    stories=list(stories),
                    start=min(starts) if starts else None,
                    end=max(ends) if ends else None,
                ),
                key,
                articles,
            )
        )
    return result
