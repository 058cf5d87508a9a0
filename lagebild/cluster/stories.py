"""Online story clustering: each article joins the most likely recent story or starts one.

In the spirit of Miranda et al. (2018) and Event Registry: articles come in publication
order; each is compared only with stories active in a recent time window (memory stays
flat). Candidate stories come from an inverted index of key terms, so an article is
compared with a handful of stories, not all. For each candidate, pair features (sparse
TF-IDF cosines of title tokens, body lemmas, entities, names and numbers; the best
cosine with one of the story's latest reports; the cosine of a
multilingual embedding of headline and lead, so an English report joins the German
story; the time distance; the story's size) go into a learned join model
(:mod:`lagebild.cluster.decision`): the article joins the most likely story when the
probability is high enough, and two stories it is very likely to belong to both merge.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from lagebild.cluster.archive import Archive, ClosedStory, ReopenModel, reopen_features
from lagebild.cluster.decision import JoinModel, pair_features
from lagebild.cluster.features import PARTS, Featurizer, KeyIndex, Parts, Vector, cosine_to
from lagebild.cluster.labels import Profile, excerpt
from lagebild.cluster.storylines import StorylineLinker

F32 = npt.NDArray[np.float32]

# Stories scored per article: those sharing most key terms with it. On the dev sets the
# gold story was among the first 12 for 99 % of the articles that have one; scoring 24
# took twice the time for no change in F1, and 8 (with BODY_CHARS 2,000) kept the tune
# parts' mean pairwise F1 within 0.01.
CANDIDATES = 8
# Key terms a candidate story must share with the article. A story sharing one is
# scored for nothing: on the tune parts mean pairwise F1 0.769 at 1, 0.767 at 2 (0.764
# at 3), and the clusterer took about 8 % less time at 2.
MIN_HITS = 2
# Index keys kept per story. Each article adds its key terms, so a story open for weeks
# would index thousands; beyond twice this, the keys lightest in its centroids go. On
# story_clusters_en (stories of up to 20 articles and 320 keys) pairwise F1 did not
# change at 128; at 64 it dropped by 0.011 on gva_incidents.
STORY_KEYS = 128
# Terms kept per story centroid; beyond twice this the lightest are pruned, so a story
# open for weeks does not keep every term its articles ever had. On story_clusters_en
# pairwise F1 was the same at 200 as at 400; at 100 ecbplus lost 0.007.
STORY_TERMS = 200
# Article ids remembered per story (for ``story_articles``); the oldest go first.
STORY_ARTICLES = 1000
# Latest members of a story whose own title, names and numbers are kept, so an article
# is compared with the reports themselves, not only with their sum: a centroid of many
# look-alike shootings drifts towards "man shot, police say" and draws in every new one.
MEMBERS = 3
# Mean lemma and name centroid cosine at or above which two stories an article is very
# likely to belong to may merge (see ``converged``). On the tune parts, mean pairwise F1
# 0.760 with no such test, 0.762 at 0.2-0.3, 0.769 at 0.4, 0.767 at 0.5-0.6.
MERGE_SIMILARITY = 0.4
MEMBER_PARTS = ("title", "names", "numbers")


@dataclass
class StoryDecision:
    """Where an article landed.

    ``merged`` lists story ids folded into ``story`` because of this article: earlier
    articles of those stories now belong to ``story`` (and ``storyline``).
    ``similarity`` is the join probability of the chosen story (1.0 for a new one in
    the profile, the best candidate's probability here).
    """

    story: str
    storyline: str
    new: bool
    similarity: float
    merged: list[str] = field(default_factory=list)


@dataclass
class Arrival:
    """An article as the clusterer sees it: its parts and what the pair features need."""

    article_id: str
    title: str
    parts: Parts
    embedding: F32 | None
    lang: str
    day: int | None
    names: list[str]
    member: Vector = field(default_factory=dict)
    untitled: str = ""  # the start of the text, for the label of an article with no title


@dataclass
class _Story:
    id: str
    storyline: str
    centroids: dict[str, Vector]
    norms2: dict[str, float]
    embedding: F32 | None
    languages: set[str]
    last_day: int | None
    first_day: int | None = None
    size: int = 0
    keys: set[int] = field(default_factory=set)
    articles: deque[str] = field(default_factory=lambda: deque(maxlen=STORY_ARTICLES))
    members: deque[Vector] = field(default_factory=lambda: deque(maxlen=MEMBERS))
    profile: Profile = field(default_factory=Profile)


class StoryClusterer:
    """Groups articles into stories (and stories into storylines), online.

    >>> clusterer = StoryClusterer()
    >>> a = clusterer.add("a", "Erdbeben in Japan", "Ein starkes Erdbeben erschütterte Japan.",
    ...                   "2025-01-01")
    >>> b = clusterer.add("b", "Japan: Erdbeben fordert Tote",
    ...                   "Das starke Erdbeben in Japan hat Tote gefordert.", "2025-01-01")
    >>> a.story == b.story
    True

    Parameters:
        model: the join model; the shipped one (``models/stories-de/join.json``) if None.
        threshold: join probability at or above which an article joins a story; the
            model's own (tuned in training, one for articles with an embedding and one
            for those without) if None.
        merge_threshold: probability for a second story at or above which the two
            merge (they have converged on one event); the model's own if None.
        window_days: stories not updated for this many days are closed (kept in brief in
            the archive, where a follow-up can reopen them).
        max_stories: open stories kept at most (the least recently updated go first).
        storylines: the storyline linker; one with default settings when None.
        reopen: the model that decides whether an article reopens a closed story; the
            shipped one (``models/stories-de/reopen.json``) if None.
        reopen_threshold: reopen probability at or above which it does; the model's own
            if None.
        archive: the closed stories kept for follow-ups; one of 365 days and 30,000
            stories when None (``Archive(max_stories=0)`` keeps none).
    """

    def __init__(
        self,
        model: JoinModel | None = None,
        threshold: float | None = None,
        merge_threshold: float | None = None,
        window_days: int = 10,
        max_stories: int = 20_000,
        storylines: StorylineLinker | None = None,
        reopen: ReopenModel | None = None,
        reopen_threshold: float | None = None,
        archive: Archive | None = None,
    ) -> None:
        self.model = model or JoinModel.load()
        self.reopen_model = reopen or ReopenModel.load()
        self.reopen_threshold = (
            reopen_threshold
            if reopen_threshold is not None
            else (self.reopen_model.threshold if self.reopen_model else 1.0)
        )
        self.threshold = self.model.threshold if threshold is None else threshold
        # An article with an embedding: the model's threshold for those, unless one given.
        own = self.model.embedding_threshold
        self.embedding_threshold = own if threshold is None and own is not None else self.threshold
        self.merge_threshold = (
            self.model.merge_threshold if merge_threshold is None else merge_threshold
        )
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(f"threshold must be a probability in (0, 1), got {self.threshold}")
        if self.merge_threshold < max(self.threshold, self.embedding_threshold):
            raise ValueError("merge_threshold must not be below threshold")
        if window_days < 1 or max_stories < 1:
            raise ValueError("window_days and max_stories must be at least 1")
        self.window_days = window_days
        self.max_stories = max_stories
        self.storylines = storylines or StorylineLinker()
        self.archive_ = archive if archive is not None else Archive()
        self.featurizer_ = Featurizer()
        self.stories_: OrderedDict[str, _Story] = OrderedDict()
        self.index_ = KeyIndex()
        self.count_ = 0
        self.today_: int | None = None

    def __getstate__(self) -> dict[str, object]:
        # The models are read from the package, not saved with the state (the state's
        # fingerprint names the models it was made with).
        skip = ("model", "reopen_model")
        return {key: value for key, value in self.__dict__.items() if key not in skip}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self.model = JoinModel.load()
        self.reopen_model = ReopenModel.load()

    # -- the online step ----------------------------------------------------

    def add(
        self,
        article_id: str,
        title: str,
        text: str,
        published: str | None = None,
        lang: str | None = None,
        entities: list[str] | None = None,
        embedding: F32 | None = None,
        lemmas: list[str] | None = None,
    ) -> StoryDecision:
        """Add one article; return its story and storyline.

        ``entities`` are entity ids or names from the resolve stage; ``embedding`` a unit
        vector of headline and lead (see :mod:`lagebild.cluster.embed`); ``lemmas`` the
        annotate stage's lemmas of the text. All three are optional.
        """
        arrival = self.arrive(article_id, title, text, published, lang, entities, embedding, lemmas)
        candidates = self.candidates(arrival)
        rows = [self.pair_features(s, arrival) for s in candidates]
        story, score, merged = self.join(arrival, candidates, rows)
        if story is None:
            return self.reopen_or_start(arrival, score)
        return self.place(arrival, story, score, merged)

    def join(
        self, arrival: Arrival, candidates: list[_Story], rows: list[list[float]]
    ) -> tuple[_Story | None, float, list[_Story]]:
        """The open story the article joins (None: none), the best join probability,
        and the candidates that merge with it; ``rows`` are the candidates' pair features
        (a trainer looks at them too)."""
        if not candidates:
            return None, 0.0, []
        probs = self.model.probability(np.array(rows, dtype=np.float64))
        best = int(np.argmax(probs))
        score = float(probs[best])
        threshold = self.threshold if arrival.embedding is None else self.embedding_threshold
        if score < threshold:
            return None, score, []
        merged = self.converged(
            candidates[best],
            [candidates[i] for i in np.flatnonzero(probs >= self.merge_threshold).tolist()],
        )
        return candidates[best], score, merged

    def reopen_or_start(self, arrival: Arrival, score: float) -> StoryDecision:
        """An article that joins no open story: it reopens the closed story it most
        likely follows up, if the reopen model is sure enough, or starts a story."""
        if self.reopen_model is not None:
            found = self.closed_candidates(arrival)
            if found:
                rows = np.array([row for _, row in found], dtype=np.float64)
                probs = self.reopen_model.probability(rows)
                best = int(np.argmax(probs))
                if probs[best] >= self.reopen_threshold:
                    story = self.reopen(found[best][0].id)
                    return self.place(arrival, story, float(probs[best]))
        return self.place(arrival, None, score)

    def closed_candidates(self, arrival: Arrival) -> list[tuple[ClosedStory, list[float]]]:
        """Closed stories the article may follow up, with their reopen features."""
        return [
            (closed, reopen_features(closed, arrival.parts, shared, arrival.day))
            for closed, shared in self.archive_.candidates(arrival.parts, arrival.day)
        ]

    def reopen(self, story_id: str) -> _Story:
        """Bring a closed story back into the window, with the terms the archive kept.

        The kept terms weigh as one report beside each new one. Weighed less, the
        follow-up's own reports would join it more easily (the German tune part's
        Discovery launch and flight reports); on the tune parts half weight changed
        nothing (gva 0.824), a quarter cost gva 0.003 and none (the story starting over
        from its follow-up) 0.041 while the German part gained 0.245 (pairwise F1).
        """
        closed = self.archive_.take(story_id)
        centroids = {name: closed.vector(name) for name in PARTS}
        story = _Story(
            id=closed.id,
            storyline=closed.storyline,
            centroids=centroids,
            norms2={name: sum(w * w for w in v.values()) for name, v in centroids.items()},
            embedding=None,
            languages=set(),
            last_day=closed.last_day,
            first_day=closed.first_day,
            size=closed.size,
        )
        story.members.append(_joined(centroids.__getitem__))
        for key in (*centroids["title"], *centroids["names"]):
            story.keys.add(key)
            self.index_.insert(key, story.id)
        self.stories_[story.id] = story
        return story

    def converged(self, story: _Story, others: list[_Story]) -> list[_Story]:
        """Those of ``others`` alike enough to ``story`` to merge with it.

        An article very likely to belong to two stories is not enough: one report that
        names the people of two events of a storyline (Comey's letter, Clinton blaming
        Comey, Trump meeting Obama) merged them. The stories themselves must be alike:
        the mean cosine of their lemma and name centroids at least MERGE_SIMILARITY.
        """
        out = []
        for other in others:
            if other is story:
                continue
            alike = [_centroid_cosine(story, other, name) for name in ("lemmas", "names")]
            if sum(alike) / len(alike) >= MERGE_SIMILARITY:
                out.append(other)
        return out

    def arrive(
        self,
        article_id: str,
        title: str,
        text: str,
        published: str | None = None,
        lang: str | None = None,
        entities: list[str] | None = None,
        embedding: F32 | None = None,
        lemmas: list[str] | None = None,
    ) -> Arrival:
        """First step of :meth:`add`: advance the clock, close old stories, featurise."""
        day = _day(published)
        if day is not None:
            self.today_ = day if self.today_ is None else max(self.today_, day)
        self._forget(self.today_)
        lang = (lang or "de")[:2].lower()
        parts = self.featurizer_.parts(title, text, lang, entities, lemmas)
        vec = None if embedding is None else np.asarray(embedding, dtype=np.float32)
        member = _joined(parts.part)
        untitled = "" if title.strip() else excerpt(text)
        names = list(entities or [])
        return Arrival(article_id, title, parts, vec, lang, day, names, member, untitled)

    def candidates(self, arrival: Arrival) -> list[_Story]:
        """The open stories sharing most key terms with the article (at most CANDIDATES),
        and at least MIN_HITS of them."""
        top = self.index_.top(arrival.parts.keys, CANDIDATES)
        return [self.stories_[s] for s, n in top if n >= MIN_HITS]

    def pair_features(self, story: _Story, arrival: Arrival) -> list[float]:
        """The join model's features for this article and this story."""
        parts = arrival.parts
        cosines = [
            cosine_to(parts.part(name), story.centroids[name], story.norms2[name] ** 0.5)
            for name in PARTS
        ]
        has_entities = bool(parts.entities) and bool(story.centroids["entities"])
        emb = None
        if arrival.embedding is not None and story.embedding is not None:
            norm = float(np.linalg.norm(story.embedding))
            if norm > 0:
                emb = float(np.dot(arrival.embedding, story.embedding)) / norm
        gap_last = gap_first = None
        if arrival.day is not None and story.last_day is not None:
            gap_last = float(abs(arrival.day - story.last_day))
            first = story.first_day if story.first_day is not None else story.last_day
            gap_first = float(abs(arrival.day - first))
        has_numbers = bool(parts.numbers) and bool(story.centroids["numbers"])
        member = arrival.member
        best_member = max((_dot(member, m) for m in story.members), default=0.0)
        return pair_features(
            cosines,
            has_entities,
            emb,
            gap_last,
            gap_first,
            story.size,
            arrival.lang in story.languages,
            has_numbers,
            best_member,
        )

    def place(
        self,
        arrival: Arrival,
        story: _Story | None,
        score: float,
        merged: list[_Story] | None = None,
    ) -> StoryDecision:
        """Last step of :meth:`add`: put the article into ``story``, or a new one if None."""
        parts = arrival.parts
        if story is None:
            storyline = self.storylines.link(parts.lemmas, parts.entities, arrival.day)
            new = self._new_story(storyline)
            self._update(new, arrival, 1.0)
            return StoryDecision(new.id, storyline, True, score)
        merged_ids = []
        for other in merged or []:
            if other.id in self.stories_ and other.id != story.id:
                self._merge(story, other)
                merged_ids.append(other.id)
        self._update(story, arrival, score)
        self.storylines.update(story.storyline, parts.lemmas, parts.entities, arrival.day)
        return StoryDecision(story.id, story.storyline, False, score, merged_ids)

    def story_of(self, story: str) -> _Story | None:
        """The open story with this id (None once it has left the window)."""
        return self.stories_.get(story)

    # -- labels -------------------------------------------------------------

    def story_profile(self, story: str) -> Profile | None:
        """The story's label parts and time span, while it is open."""
        found = self.stories_.get(story)
        return found.profile if found else None

    def story_label(self, story: str) -> str | None:
        """``Headline (key names)`` of an open story."""
        found = self.stories_.get(story)
        return found.profile.label() if found else None

    def story_articles(self, story: str) -> list[str]:
        """Ids of the articles of an open story (the latest STORY_ARTICLES), in arrival order."""
        found = self.stories_.get(story)
        return list(found.articles) if found else []

    # -- state --------------------------------------------------------------

    def _new_story(self, storyline: str) -> _Story:
        self.count_ += 1
        story = _Story(
            id=f"S{self.count_}",
            storyline=storyline,
            centroids={name: {} for name in PARTS},
            norms2=dict.fromkeys(PARTS, 0.0),
            embedding=None,
            languages=set(),
            last_day=None,
        )
        self.stories_[story.id] = story
        return story

    def _update(self, story: _Story, arrival: Arrival, score: float) -> None:
        parts = arrival.parts
        for name in PARTS:
            story.norms2[name] = _add(story.centroids[name], parts.part(name), story.norms2[name])
        if arrival.embedding is not None:
            vec = arrival.embedding
            story.embedding = vec.copy() if story.embedding is None else story.embedding + vec
        story.languages.add(arrival.lang)
        day = arrival.day
        if day is not None:
            story.last_day = day if story.last_day is None else max(story.last_day, day)
            story.first_day = day if story.first_day is None else min(story.first_day, day)
        story.size += 1
        story.articles.append(arrival.article_id)
        story.members.append(arrival.member)
        published = dt.date.fromordinal(day).isoformat() if day is not None else None
        story.profile.observe(
            arrival.title, score, arrival.names, published, fallback=arrival.untitled
        )
        self.storylines.attach(story.storyline, story.id, story.profile)
        for key in parts.keys:
            if key not in story.keys:
                story.keys.add(key)
                self.index_.insert(key, story.id)
        if len(story.keys) > 2 * STORY_KEYS:
            self._prune_keys(story)
        self.stories_.move_to_end(story.id)

    def _merge(self, into: _Story, other: _Story) -> None:
        """Fold ``other`` into ``into``: centroids add, keys move, ``other`` is gone."""
        for name in into.centroids:
            into.norms2[name] = _add(into.centroids[name], other.centroids[name], into.norms2[name])
        if other.embedding is not None:
            into.embedding = (
                other.embedding.copy()
                if into.embedding is None
                else into.embedding + other.embedding
            )
        into.languages |= other.languages
        if other.last_day is not None:
            into.last_day = max(into.last_day or other.last_day, other.last_day)
        if other.first_day is not None:
            into.first_day = min(into.first_day or other.first_day, other.first_day)
        into.size += other.size
        into.articles.extend(other.articles)
        into.members.extend(other.members)
        into.profile.absorb(other.profile)
        self._drop(other)
        for key in other.keys:
            if key not in into.keys:
                into.keys.add(key)
                self.index_.insert(key, into.id)
        if len(into.keys) > 2 * STORY_KEYS:
            self._prune_keys(into)

    def _prune_keys(self, story: _Story) -> None:
        """Keep the STORY_KEYS keys heaviest (relative to their part) in the centroids."""
        scales = [
            (story.centroids[name], norm2**-0.5)
            for name, norm2 in story.norms2.items()
            if norm2 > 0.0
        ]
        weight = {
            key: max([c.get(key, 0.0) * s for c, s in scales], default=0.0) for key in story.keys
        }
        kept = sorted(story.keys, key=weight.__getitem__, reverse=True)[:STORY_KEYS]
        for key in story.keys.difference(kept):
            self.index_.remove(key, story.id)
        story.keys = set(kept)

    def _drop(self, story: _Story) -> None:
        for key in story.keys:
            self.index_.remove(key, story.id)
        self.stories_.pop(story.id, None)

    def _forget(self, day: int | None) -> None:
        """Close stories not updated within the window, and the oldest beyond the cap."""
        while self.stories_:
            oldest = next(iter(self.stories_.values()))
            stale = (
                day is not None
                and oldest.last_day is not None
                and oldest.last_day + self.window_days < day
            )
            if not stale and len(self.stories_) <= self.max_stories:
                return
            self._drop(oldest)
            self.archive_.keep(
                oldest.id,
                oldest.storyline,
                oldest.first_day,
                oldest.last_day,
                oldest.size,
                oldest.centroids,
            )


def _day(published: str | None) -> int | None:
    """Days since 0001-01-01 of an ISO date or date-time; None when absent or unreadable."""
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10]).toordinal()
    except ValueError:
        return None


def _centroid_cosine(one: _Story, two: _Story, part: str) -> float:
    """Cosine of two stories' centroids of one part."""
    norms = one.norms2[part] * two.norms2[part]
    if norms <= 0.0:
        return 0.0
    return _dot(one.centroids[part], two.centroids[part]) / math.sqrt(norms)


def _joined(part: Callable[[str], Vector]) -> Vector:
    """The MEMBER_PARTS of an article (or of a story's kept terms) as one unit vector
    (feature ids are per part)."""
    joined: Vector = {}
    for name in MEMBER_PARTS:
        joined.update(part(name))
    norm = math.sqrt(sum(w * w for w in joined.values()))
    return {k: w / norm for k, w in joined.items()} if norm > 0.0 else joined


def _dot(a: Vector, b: Vector) -> float:
    """Dot product of two sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    get = b.get
    return sum([w * get(k, 0.0) for k, w in a.items()])


def _add(centroid: Vector, vector: Vector, norm2: float) -> float:
    """Add ``vector`` into ``centroid`` in place; return the new squared norm."""
    for k, w in vector.items():
        old = centroid.get(k, 0.0)
        new = old + w
        centroid[k] = new
        norm2 += new * new - old * old
    if len(centroid) > 2 * STORY_TERMS:
        kept = sorted(centroid.items(), key=lambda kv: -kv[1])[:STORY_TERMS]
        centroid.clear()
        centroid.update(kept)
        norm2 = sum(w * w for _, w in kept)
    return norm2
