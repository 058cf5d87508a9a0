"""The pipeline: pages found, read, run through the stages and stored, one at a time.

``STAGES`` lists what runs on each page, in order. Only stages that are built are
in it; a stage that is not built yet is absent, not stubbed. Stages never touch the
database: they read the run's learners and leave what must be written on the
``Work`` record, which the store writes in one transaction per page.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, field
from datetime import date

from lagebild.annotate.entities import NER_LANGUAGES, shared_tagger
from lagebild.annotate.ner import NerTagger
from lagebild.annotate.text import analyse
from lagebild.cluster.run import ClusterRun, cluster_store
from lagebild.dedup import Deduplicator, Signature, dedup_text
from lagebild.errors import Reason, Rejected
from lagebild.events import merge_across
from lagebild.events.frames import merge_frames
from lagebild.extract import extract
from lagebild.extract.recurring import RecurringLines, site_of
from lagebild.ingest import Candidate, Skipped, find_pages, read_page
from lagebild.model import Annotations, Article, Event, Page
from lagebild.resolve import resolve
from lagebild.store import GroupUpdate, Store


@dataclass
class Work:
    """One page on its way through the stages, and what the store must write for it."""

    page: Page
    article: Article | None = None
    site_lines: tuple[str, set[str]] | None = None
    signature: Signature | None = None
    # (article id, duplicate_of, published_inferred) of earlier articles whose group
    # changed when this page arrived.
    group_updates: list[GroupUpdate] = field(default_factory=list)
    annotations: Annotations | None = None
    embed: bool = False  # the store clusters with embeddings: annotate embeds the article


class Run:
    """The learners that carry state from page to page during one ingest run."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.recurring = RecurringLines()
        self.dedup = Deduplicator()
        self._dedup_loaded = False
        self.tagger: NerTagger | None = None
        self.embed = store.embeddings_on()
        # Seconds spent in each per-page stage during this run (for `lagebild bench`).
        self.seconds: defaultdict[str, float] = defaultdict(float)

    def tagger_ready(self) -> NerTagger:
        """The NER tagger, shared by every run in this process (its model loads once)."""
        if self.tagger is None:
            self.tagger = shared_tagger()
        return self.tagger

    def dedup_ready(self) -> Deduplicator:
        """The deduplicator, primed with the signatures already in the store."""
        if not self._dedup_loaded:
            for stored in self.store.dedup_history(self.dedup.window):
                self.dedup.add(stored.article_id, "", stored.published, stored.signature)
            self._dedup_loaded = True
        return self.dedup


def _extract(run: Run, work: Work) -> None:
    work.article = extract(work.page)


def _site_noise(run: Run, work: Work) -> None:
    """Drop lines the article's site prints on many pages; count this page's lines."""
    assert work.article is not None
    site = site_of(work.article)
    if site is not None and not run.recurring.known_site(site):
        run.recurring.load(site, run.store.site_line_counts(site))
    work.article = run.recurring.clean(work.article)
    work.site_lines = run.recurring.observe(work.article)


def _dedup(run: Run, work: Work) -> None:
    """Group the article with its copies; undated copies take the group's date."""
    article = work.article
    assert article is not None
    dedup = run.dedup_ready()
    work.signature = dedup.signature(dedup_text(article))
    decision = dedup.add(article.id, "", article.published, work.signature)
    article.duplicate_of = decision.canonical if decision.is_duplicate(article.id) else None
    inferred = decision.published[:10] if decision.published else None
    if article.published is None:
        article.published_inferred = inferred
    # Only when the group's canonical or date moved: a wire story with many copies would
    # otherwise rewrite every earlier copy's row with each new one.
    for member in decision.members if decision.changed else ():
        if member != article.id:
            work.group_updates.append(
                GroupUpdate(
                    member,
                    decision.canonical if decision.is_duplicate(member) else None,
                    inferred,
                )
            )


# The NER pipeline (spaCy) refuses longer texts; no news article comes near it.
MAX_ANNOTATE_CHARS = 1_000_000


def _annotate(run: Run, work: Work) -> None:
    """Entities, quotes, time expressions and event frames of the article's reading text."""
    work.embed = run.embed
    annotate_work(work, run.tagger_ready())


def annotate_work(work: Work, tagger: NerTagger) -> None:
    """The annotate stage's work on one article, with a given tagger (also in workers).

    Runs after dedup, so that an undated copy's relative dates ("am Dienstag") resolve
    against the date it inherited from its group. Only languages a model knows are read
    for names, quotes and dates; the embedding (if ``work.embed``) is made for every
    language, so that a report in another language can join a German story.
    """
    article = work.article
    assert article is not None
    embedding = _embedding(article) if work.embed else None
    if article.language not in NER_LANGUAGES:
        if embedding is not None:
            work.annotations = Annotations(embedding=embedding)
        return
    text = article.reading_text
    if len(text) > MAX_ANNOTATE_CHARS:
        raise Rejected(
            Reason.TOO_LARGE,
            f"article text of {len(text):,} characters; the annotator reads at most "
            f"{MAX_ANNOTATE_CHARS:,}",
        )
    printed = article.published or article.published_inferred
    anchor = _date_of(printed)
    mentions = tagger.tag(text)
    work.annotations = analyse(text, mentions, anchor, precision=printed[:10] if printed else None)
    work.annotations.embedding = embedding


def _embedding(article: Article) -> list[float]:
    """The multilingual embedding of the article's headline and lead (unit length)."""
    from lagebild.cluster.embed import embedding_text, shared_embedder

    text = embedding_text(article.title or "", article.lead_and_body)
    vector: list[float] = shared_embedder()([text])[0].tolist()
    return vector


def _date_of(value: str | None) -> date | None:
    """The day of an ISO 8601 date or timestamp; None for None or a partial date."""
    try:
        return date.fromisoformat(value[:10]) if value and len(value) >= 10 else None
    except ValueError:
        return None


Stage = Callable[[Run, Work], None]

# The stages each page goes through, in order. Stages not built yet are absent.
STAGES: dict[str, Stage] = {
    "extract": _extract,
    "site_noise": _site_noise,
    "dedup": _dedup,
    "annotate": _annotate,
}


def _resolve(store: Store) -> None:
    """Group every stored mention into entities, replacing the previous grouping."""
    store.replace_entities(resolve(*store.resolve_inputs()))


def _events(store: Store) -> None:
    """Merge the articles' event frames into events named by canonical participants."""
    names = store.printed_names()
    per_article: dict[str, list[Event]] = {}
    for article_id, frame in store.event_frames():
        frame.participants = _canonical(frame.participants, article_id, names)
        if frame.place is not None:
            frame.place = names.get((article_id, frame.place), (frame.place, "LOC"))[0]
        # Who and where were places or noise: nothing left to say who met whom where.
        if frame.participants or frame.place:
            per_article.setdefault(article_id, []).append(frame)
    # Frames of one article merge again now that "Putin" and "Wladimir Putin" are one name.
    merged = {article_id: merge_frames(frames) for article_id, frames in per_article.items()}
    store.replace_events(merge_across(merged.items()))


def _canonical(
    printed: list[str], article_id: str, names: dict[tuple[str, str], tuple[str, str]]
) -> list[str]:
    """Participants by canonical name: the people and organisations among the names.

    Names that resolved to no entity (tagger noise), places ("in Florida" is where, not
    who) and other entities ("Ukrainekrieg") are left out.
    """
    found: list[str] = []
    for name in printed:
        canonical, kind = names.get((article_id, name), (None, None))
        if canonical is not None and kind in ("PER", "ORG") and canonical not in found:
            found.append(canonical)
    return found


# Stages that need no state carried from page to page: with several workers they run in
# worker processes (extract before the others, annotate after them); the rest run in the
# main process, in order, exactly as on one core.
WORKER_STAGES = ("extract", "annotate")


def main_stages(run: Run, work: Work) -> None:
    """The stages that carry state from page to page (site noise, dedup), in order."""
    for name, stage in STAGES.items():
        if name not in WORKER_STAGES:
            run_stage(name, stage, run, work)


def run_stage(name: str, stage: Stage, run: Run, work: Work) -> None:
    """Run one stage on one page, adding its time to the run's per-stage seconds."""
    started = time.perf_counter()
    try:
        stage(run, work)
    finally:
        run.seconds[name] += time.perf_counter() - started


def run_batch_stages(store: Store, summary: Summary, skip: Collection[str] = ()) -> None:
    """The stages over the whole store, timed into the summary's per-stage seconds.

    The store remembers that they are due from the moment a page is stored until they
    have all finished, so a run killed in between is completed by the next one.
    ``skip`` names stages not to run (a trainer ingests pages for their entities with
    a model of other features than the shipped one, which the cluster stage would load);
    they stay due, so the next run without ``skip`` runs them.
    """
    for name, batch_stage in BATCH_STAGES.items():
        if name in skip:
            continue
        started = time.perf_counter()
        ran = batch_stage(store)
        summary.seconds[name] += time.perf_counter() - started
        if ran is not None:
            summary.clustering = ran
    if not skip:
        store.batch_done()


def _cluster(store: Store) -> ClusterRun:
    """Stories and storylines: the new articles streamed on by publication date (the
    whole store when it cannot go on; see ``lagebild.cluster.run``)."""
    return cluster_store(store)


# A batch stage may say how it ran (the cluster stage: went on, or afresh and why).
BatchStage = Callable[[Store], ClusterRun | None]

# What runs once per ingest run over the whole store, after the pages are stored, when
# at least one page was new (or an earlier run was stopped before these finished).
BATCH_STAGES: dict[str, BatchStage] = {
    "resolve": _resolve,
    "speakers": Store.link_speakers,
    "events": _events,
    "cluster": _cluster,
}


@dataclass
class Summary:
    """What an ingest run did, page by page."""

    stored: int = 0
    known: int = 0  # the same bytes were stored before: nothing changed
    skipped: list[Skipped] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    # Seconds per stage: per-page stages run in this process, and the batch stages.
    seconds: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    clustering: ClusterRun | None = None  # how the cluster stage ran, if it did

    @property
    def seen(self) -> int:
        """Pages looked at, skipped files not counted."""
        return self.stored + self.known + len(self.rejected)

    def reasons(self) -> Counter[str]:
        """Rejections counted by reason code."""
        return Counter(r.reason.value for r in self.rejected)

    def as_dict(self) -> dict[str, object]:
        """The summary as JSON values."""
        return {
            "stored": self.stored,
            "already_stored": self.known,
            "rejected": len(self.rejected),
            "rejected_by_reason": dict(sorted(self.reasons().items())),
            "rejections": [
                {"source": r.source, "reason": r.reason.value, "detail": r.detail}
                for r in self.rejected
            ],
            "skipped": [{"source": s.source, "why": s.why} for s in self.skipped],
            "clustering": None if self.clustering is None else asdict(self.clustering),
        }


def ingest(
    paths: list[str],
    store: Store,
    *,
    on_page: Callable[[str], None] | None = None,
    workers: int = 1,
    skip_stages: Collection[str] = (),
) -> Summary:
    """Store every page under ``paths``; one bad page never stops the batch.

    With ``workers`` > 1, reading, extraction and annotation run in that many worker
    processes (``lagebild.parallel``); the result is the same. ``skip_stages``: stages
    over the whole store not to run (see :func:`run_batch_stages`).
    """
    if workers > 1:
        from lagebild.parallel import ingest_parallel

        return ingest_parallel(paths, store, workers, on_page=on_page, skip_stages=skip_stages)
    summary = Summary()
    run = Run(store)
    for item in find_pages(paths):
        if isinstance(item, Skipped):
            summary.skipped.append(item)
            continue
        if isinstance(item, Rejected):
            store.reject(item)
            summary.rejected.append(item)
        else:
            ingest_one(item, run, summary)
        if on_page is not None:
            on_page(item.source)
    summary.seconds.update(run.seconds)
    if summary.stored or store.batch_pending():
        run_batch_stages(store, summary, skip_stages)
    return summary


def ingest_one(candidate: Candidate, run: Run, summary: Summary) -> None:
    """Read, extract and store one page, or record why not."""
    sha256 = ""
    store = run.store
    try:
        page = read_page(candidate)
        sha256 = page.sha256
        if store.known(sha256):
            store.add_source(sha256, page.source)
            summary.known += 1
            return
        work = Work(page)
        for name, stage in STAGES.items():
            run_stage(name, stage, run, work)
    except Rejected as rejection:
        reject(rejection.for_source(candidate.source), sha256, store, summary)
        return
    except Exception as exc:  # a bug on one page must not end the batch
        reject(internal_error(exc, candidate.source), sha256, store, summary)
        return
    store_work(work, store, summary)


def store_work(work: Work, store: Store, summary: Summary) -> None:
    """Write a page that went through every stage, in one transaction; count it."""
    assert work.article is not None
    started = time.perf_counter()
    result = store.put(
        work.page,
        work.article,
        work.site_lines,
        work.signature,
        work.group_updates,
        work.annotations,
    )
    summary.seconds["store"] += time.perf_counter() - started
    if result.new:
        summary.stored += 1
    else:
        summary.known += 1


def internal_error(exc: Exception, source: str) -> Rejected:
    """The rejection recording a lagebild bug on one page, so the batch can go on."""
    return Rejected(Reason.INTERNAL, f"{exc.__class__.__name__}: {exc}", source)


def reject(rejection: Rejected, sha256: str, store: Store, summary: Summary) -> None:
    """Record a rejected page in the store and in the run's summary."""
    store.reject(rejection, sha256)
    summary.rejected.append(rejection)
