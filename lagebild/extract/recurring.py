"""Boilerplate learned across pages: short lines that recur on many pages of one site.

Rules catch the noise most sites print ("Diesen Artikel teilen"); what a single site
prints on every page ("Money DAy", "Neue Ausgabe", a slogan) is learned instead. The
learner follows scikit-learn: parameters in ``__init__``, learned counts in ``counts_``.
It is online: a line counts as boilerplate from the page after its ``min_pages``-th
sighting, so the first pages of a new site keep what later pages lose.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from urllib.parse import urlsplit

from lagebild.model import Article


def line_key(text: str) -> str:
    """The form under which recurring lines are counted: case and spacing folded.

    Digits are kept: "Spiel 3" and "Spiel 4" are different lines, not one template.
    """
    return " ".join(text.lower().split())


def site_of(article: Article) -> str | None:
    """The site a page belongs to: its outlet, else the host of its URL."""
    if article.outlet:
        return article.outlet.lower()
    if article.url:
        host = urlsplit(article.url).hostname
        return host.removeprefix("www.") if host else None
    return None


class RecurringLines:
    """Counts short lines per site and removes those seen on many of its pages.

    >>> learner = RecurringLines(min_pages=2)
    >>> for n in range(3):
    ...     a = Article(id=str(n), source="s", outlet="x.de", body=["Neue Ausgabe", f"Text {n}."])
    ...     a = learner.clean(a)
    ...     _ = learner.observe(a)
    >>> a.body
    ['Text 2.']
    """

    def __init__(self, min_pages: int = 3, max_words: int = 15) -> None:
        if min_pages < 2:
            raise ValueError("min_pages must be at least 2: one page is no evidence of a site")
        if max_words < 1:
            raise ValueError("max_words must be at least 1")
        self.min_pages = min_pages
        self.max_words = max_words
        self.counts_: dict[str, dict[str, int]] = {}

    def load(self, site: str, counts: dict[str, int]) -> None:
        """Start from counts kept from earlier runs."""
        self.counts_[site] = dict(counts)

    def known_site(self, site: str) -> bool:
        """Whether counts for ``site`` are loaded."""
        return site in self.counts_

    def candidates(self, article: Article) -> set[str]:
        """Keys of the article's lines that may be boilerplate: short body lines, subheadings."""
        lines: Iterable[str] = [*article.body, *article.subheadings]
        return {line_key(t) for t in lines if len(t.split()) <= self.max_words}

    def clean(self, article: Article) -> Article:
        """The article without the lines its site prints on ``min_pages`` or more pages."""
        site = site_of(article)
        counts = self.counts_.get(site, {}) if site else {}
        if not counts:
            return article

        def keep(text: str) -> bool:
            if len(text.split()) > self.max_words:
                return True
            return counts.get(line_key(text), 0) < self.min_pages

        return dataclasses.replace(
            article,
            body=[p for p in article.body if keep(p)],
            subheadings=[s for s in article.subheadings if keep(s)],
        )

    def observe(self, article: Article) -> tuple[str, set[str]] | None:
        """Count the article's candidate lines for its site; return what was counted."""
        site = site_of(article)
        if site is None:
            return None
        keys = self.candidates(article)
        counts = self.counts_.setdefault(site, {})
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
        return site, keys
