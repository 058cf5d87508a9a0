"""The pipeline: pages found, read, run through the stages and stored, one at a time.

``STAGES`` lists what runs on each page, in order. Only stages that are built are
in it; a stage that is not built yet is absent, not stubbed. Stages never touch the
database: they read the run's learners and leave what must be written on the
``Work`` record, which the store writes in one transaction per page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from lagebild.annotate.entities import NER_LANGUAGES, shared_tagger
from lagebild.annotate.ner import NerTagger
from lagebild.dedup import Deduplicator, Signature, dedup_text
from lagebild.errors import Reason, Rejected
from lagebild.extract import extract
from lagebild.extract.recurring import RecurringLines, site_of
from lagebild.ingest import Candidate, Skipped, find_pages, read_page
from lagebild.model import Article, Mention, Page
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
    mentions: list[Mention] = field(default_factory=list)


class Run:
    """The learners that carry state from page to page during one ingest run."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.recurring = RecurringLines()
        self.dedup = Deduplicator()
        self._dedup_loaded = False
        self.tagger: NerTagger | None = None

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
    for member in decision.members:
        if member != article.id:
            work.group_updates.append(
                GroupUpdate(
                    member,
                    decision.canonical if decision.is_duplicate(member) else None,
                    inferred,
                )
            )


def _annotate(run: Run, work: Work) -> None:
    """Entity mentions in the article's reading text, for the languages a model knows."""
    article = work.article
    assert article is not None
    if article.language not in NER_LANGUAGES:
        return
    work.mentions = run.tagger_ready().tag(article.reading_text)


Stage = Callable[[Run, Work], None]

# The stages each page goes through, in order. Stages not built yet are absent.
STAGES: dict[str, Stage] = {
    "extract": _extract,
    "site_noise": _site_noise,
    "annotate": _annotate,
    "dedup": _dedup,
}


@dataclass
class Summary:
    """What an ingest run did, page by page."""

    stored: int = 0
    known: int = 0  # the same bytes were stored before: nothing changed
    skipped: list[Skipped] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

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
        }


def ingest(
    paths: list[str],
    store: Store,
    *,
    on_page: Callable[[str], None] | None = None,
) -> Summary:
    """Store every page under ``paths``; one bad page never stops the batch."""
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
            _ingest_one(item, run, summary)
        if on_page is not None:
            on_page(item.source)
    return summary


def _ingest_one(candidate: Candidate, run: Run, summary: Summary) -> None:
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
        for stage in STAGES.values():
            stage(run, work)
        assert work.article is not None
        result = store.put(
            page,
            work.article,
            work.site_lines,
            work.signature,
            work.group_updates,
            work.mentions,
        )
    except Rejected as rejection:
        _reject(rejection.for_source(candidate.source), sha256, store, summary)
        return
    except Exception as exc:  # a bug on one page must not end the batch
        detail = f"{exc.__class__.__name__}: {exc}"
        _reject(Rejected(Reason.INTERNAL, detail, candidate.source), sha256, store, summary)
        return
    if result.new:
        summary.stored += 1
    else:
        summary.known += 1


def _reject(rejection: Rejected, sha256: str, store: Store, summary: Summary) -> None:
    store.reject(rejection, sha256)
    summary.rejected.append(rejection)
