"""The pipeline: pages found, read, extracted and stored, one page at a time.

``STAGES`` lists what runs on each page, in order. Only stages that are built are
in it; a stage that is not built yet is absent, not stubbed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from lagebild.errors import Reason, Rejected
from lagebild.extract import extract
from lagebild.extract.recurring import RecurringLines, site_of
from lagebild.ingest import Candidate, Skipped, find_pages, read_page
from lagebild.model import Article, Page
from lagebild.store import Store

PageStage = Callable[[Page], Article]
ArticleStage = Callable[[Article], Article]

# Page -> Article.
PAGE_STAGES: dict[str, PageStage] = {"extract": extract}
# Article -> Article, run in this order after extraction.
ARTICLE_STAGES: dict[str, ArticleStage] = {}


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


def process(page: Page) -> Article:
    """Run every stage on one page."""
    article = PAGE_STAGES["extract"](page)
    for stage in ARTICLE_STAGES.values():
        article = stage(article)
    return article


def _learn_site_noise(
    article: Article, recurring: RecurringLines, store: Store
) -> tuple[Article, tuple[str, set[str]] | None]:
    """Drop lines the article's site prints on many pages; count this page's lines."""
    site = site_of(article)
    if site is not None and not recurring.known_site(site):
        recurring.load(site, store.site_line_counts(site))
    article = recurring.clean(article)
    return article, recurring.observe(article)


def ingest(
    paths: list[str],
    store: Store,
    *,
    on_page: Callable[[str], None] | None = None,
) -> Summary:
    """Store every page under ``paths``; one bad page never stops the batch."""
    summary = Summary()
    recurring = RecurringLines()
    for item in find_pages(paths):
        if isinstance(item, Skipped):
            summary.skipped.append(item)
            continue
        if isinstance(item, Rejected):
            store.reject(item)
            summary.rejected.append(item)
        else:
            _ingest_one(item, store, summary, recurring)
        if on_page is not None:
            on_page(item.source)
    return summary


def _ingest_one(
    candidate: Candidate, store: Store, summary: Summary, recurring: RecurringLines
) -> None:
    """Read, extract and store one page, or record why not."""
    sha256 = ""
    try:
        page = read_page(candidate)
        sha256 = page.sha256
        if store.known(sha256):
            store.add_source(sha256, page.source)
            summary.known += 1
            return
        article, site_lines = _learn_site_noise(process(page), recurring, store)
        result = store.put(page, article, site_lines)
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
