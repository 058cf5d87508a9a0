"""The store's cluster stage: new canonical articles streamed on from where the last run
stopped, or the whole store afresh.

The online clusterer sees the articles in publication order. Each run saves its state
(:mod:`lagebild.cluster.state`) with the story records of the stories still open, so the
next run streams only the articles stored since: a run costs what its new articles cost,
not what the store holds. The whole store is clustered afresh when there is no state of
this code and model, when the store lost an article that was clustered, when
a new article is older than the newest clustered one by more than ``LATE_DAYS`` (its
stories may be closed), or when asked (``lagebild recluster``). A clustered article
that dedup has made a copy since hands its story on to its new canonical article.

Story and storyline ids are made from their earliest article (``story:ID``,
``line:ID``), so they stay the same from run to run; when two stories merge, the one
started first gives its id. A run from scratch and runs that go on from each other's
state give the same stories when the articles arrive in publication order.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol

from lagebild.cluster import state
from lagebild.cluster.decision import MODEL_PATH
from lagebild.cluster.labels import Profile
from lagebild.cluster.stories import StoryClusterer
from lagebild.store import stories as story_tables
from lagebild.store.dialect import Connection
from lagebild.store.stories import ClusterInput, StoryDelta, StoryRecord

log = logging.getLogger(__name__)


class ClusterStore(Protocol):
    """What the stage needs of a store (the SQLite and the PostgreSQL one)."""

    def embeddings_on(self) -> bool: ...

    def transaction(self) -> AbstractContextManager[Connection]: ...

    def cluster_inputs(self) -> Iterable[ClusterInput]: ...


# Days a new article may be older than the newest clustered one and still be streamed
# on: a page fetched a few days after it was published joins its story (stories stay
# open 10 days). Older ones make the stage cluster the whole store again, in order.
LATE_DAYS = 7
# Canonical articles from which a state is kept. Below, clustering the whole store takes
# a second or two, and the state (document frequencies, open stories and storylines:
# 1-2 MB at 1,000 articles) would be a large part of a small store.
STATE_FROM = 1_000
# Names a story record keeps once its story is closed: those its label shows.
LABEL_NAMES = 5


@dataclass(slots=True)
class _Open:
    """The record of a story the clusterer still holds open."""

    store_id: str
    order: int  # when the story that gave ``store_id`` was started: the earlier one wins a merge
    line: str  # the clusterer's storyline id
    profile: Profile = field(default_factory=Profile)


class StoreClustering:
    """A clusterer and the records of its open stories, fed run after run."""

    def __init__(self) -> None:
        self.clusterer = StoryClusterer()
        self.open_: dict[str, _Open] = {}  # clusterer story id -> record
        self.line_ids_: dict[str, str] = {}  # clusterer storyline id -> store id
        self.started_ = 0
        self.processed_ = 0
        self.watermark_: str | None = None  # the latest publication day streamed

    def feed(self, inputs: Iterable[ClusterInput]) -> StoryDelta:
        """Stream ``inputs`` (publication order); return what changed in the store's terms."""
        delta = StoryDelta()
        touched: dict[str, None] = {}  # clusterer story ids, an ordered set
        for item in inputs:
            decision = self.clusterer.add(
                item.article_id,
                item.title,
                item.text,
                item.published,
                item.language,
                item.entities or None,
                item.embedding,
            )
            if decision.new:
                self.started_ += 1
                self.line_ids_.setdefault(decision.storyline, "line:" + item.article_id)
                self.open_[decision.story] = _Open(
                    "story:" + item.article_id, self.started_, decision.storyline
                )
            record = self.open_[decision.story]
            for merged in decision.merged:
                gone = self.open_.pop(merged)
                touched.pop(merged, None)
                if gone.order < record.order:
                    delta.renamed.append((record.store_id, gone.store_id))
                    record.store_id, record.order = gone.store_id, gone.order
                else:
                    delta.renamed.append((gone.store_id, record.store_id))
                record.profile.absorb(gone.profile)
            record.profile.observe(
                item.title,
                decision.similarity,
                item.entities[:5],
                item.published,
                fallback=item.text,
            )
            delta.assigned.append((item.article_id, record.store_id))
            touched[decision.story] = None
            self.processed_ += 1
            if item.published:
                day = item.published[:10]
                self.watermark_ = max(self.watermark_ or day, day)
        for story in touched:
            record = self.open_[story]
            profile = record.profile
            delta.stories.append(
                StoryRecord(
                    id=record.store_id,
                    label=profile.label(),
                    headline=profile.headline,
                    names=profile.key_names(LABEL_NAMES),
                    storyline=self.line_ids_[record.line],
                    start=profile.start,
                    end=profile.end,
                )
            )
        self._forget_closed()
        return delta

    def takes(self, oldest_new: str | None) -> bool:
        """Whether a new article of day ``oldest_new`` may be streamed on after this state."""
        if oldest_new is None or self.watermark_ is None:
            return True
        try:
            limit = date.fromisoformat(self.watermark_) - timedelta(days=LATE_DAYS)
            return date.fromisoformat(oldest_new[:10]) >= limit
        except ValueError:  # an unreadable date sorts where it sorts: go by the strings
            return oldest_new[:10] >= self.watermark_

    def _forget_closed(self) -> None:
        """Drop the records of stories the clusterer forgot, and of storylines no kept
        story or open storyline still names (the state stays as small as the windows).

        A closed story the clusterer keeps for follow-ups keeps its record, with the
        label's names cut to the few a label shows: a follow-up that reopens it goes on
        under its id, label and span.
        """
        open_stories = self.clusterer.stories_
        closed = self.clusterer.archive_.stories_
        kept = {}
        for sid, rec in self.open_.items():
            if sid in open_stories:
                kept[sid] = rec
            elif sid in closed:
                rec.profile.shrink(LABEL_NAMES)
                kept[sid] = rec
        self.open_ = kept
        lines = self.clusterer.storylines.storylines_
        named = {rec.line for rec in self.open_.values()}
        self.line_ids_ = {
            raw: lid for raw, lid in self.line_ids_.items() if raw in lines or raw in named
        }


@dataclass(frozen=True)
class ClusterRun:
    """What one run of the stage did."""

    mode: str  # "continued" or "afresh"
    articles: int  # canonical articles streamed
    reason: str  # why afresh ("" when continued)


def cluster_store(store: ClusterStore, *, afresh: bool = False) -> ClusterRun:
    """Cluster the store's new canonical articles, or all of them (see the module doc)."""
    fingerprint = state.fingerprint(MODEL_PATH, store.embeddings_on())
    reason = "asked to" if afresh else ""
    if not afresh:
        with store.transaction() as db:
            clustering, recount, reason = _resume(db, fingerprint)
            if clustering is not None:
                delta = clustering.feed(story_tables.cluster_inputs(db, new_only=True))
                delta.recount |= recount
                story_tables.write_delta(db, delta, afresh=False)
                _save(db, fingerprint, clustering)
                return ClusterRun("continued", len(delta.assigned), "")
    log.info("clustering the whole store afresh: %s", reason)
    clustering = StoreClustering()
    # Read outside the write lock: a whole store takes a while, and other writers wait.
    delta = clustering.feed(store.cluster_inputs())
    with store.transaction() as db:
        story_tables.write_delta(db, delta, afresh=True)
        _save(db, fingerprint, clustering)
    return ClusterRun("afresh", len(delta.assigned), reason)


def _save(db: Connection, fingerprint: str, clustering: StoreClustering) -> None:
    """Keep the state for the next run, or none while the store is small."""
    if clustering.processed_ < STATE_FROM:
        story_tables.save_state(db, None)
    else:
        story_tables.save_state(db, fingerprint, state.dumps(clustering))


def _resume(db: Connection, fingerprint: str) -> tuple[StoreClustering | None, set[str], str]:
    """The saved clustering if the store's new articles can be streamed on after it, and
    the stories whose articles dedup regrouped; else None and why not."""
    saved = story_tables.read_state(db)
    if saved is None:
        if 0 < story_tables.clustered_count(db) < STATE_FROM:
            return None, set(), f"a store of fewer than {STATE_FROM:,} articles keeps no state"
        return None, set(), "no saved state"
    version, data = saved
    if version != fingerprint:
        return None, set(), f"state of {version}, not {fingerprint}"
    try:
        clustering = state.loads(data)
    except state.StateError as error:
        return None, set(), str(error)
    if not isinstance(clustering, StoreClustering):
        return None, set(), "the saved state is no store clustering"
    clustered = story_tables.clustered_count(db)
    if clustered != clustering.processed_:
        return (
            None,
            set(),
            (f"{clustering.processed_} articles were clustered, the store marks {clustered}"),
        )
    # A wire story's full text after its shortened copy: the copy was clustered, the new
    # canonical article takes its story (the clusterer holds the copy's terms, alike).
    left, recount = story_tables.hand_on_stories(db)
    clustering.processed_ -= left
    oldest = story_tables.oldest_new_day(db)
    if not clustering.takes(oldest):
        return (
            None,
            set(),
            (
                f"a new article of {oldest} is more than {LATE_DAYS} days older than the "
                f"newest clustered one ({clustering.watermark_})"
            ),
        )
    return clustering, recount, ""
