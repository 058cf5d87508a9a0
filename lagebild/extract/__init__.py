"""Extract: a ``Page`` read into an ``Article`` (metadata apart, boilerplate out).

Plain-text pages go through ``plaintext``, HTML through ``html`` (trafilatura and
htmldate underneath, lagebild's metadata rules on top); both give the same shape.
"""

from __future__ import annotations

from lagebild.model import Article, Page


def article_id(page: Page) -> str:
    """The id of the article read from a page: the start of its content hash."""
    return page.sha256[:16]


def extract(page: Page) -> Article:
    """Read a page into an article, or raise ``Rejected`` saying why it holds none."""
    if page.kind == "html":
        from lagebild.extract.html import extract_html

        return extract_html(
            page.text, article_id=article_id(page), source=page.source, url=page.url
        )
    from lagebild.extract.plaintext import extract_text

    article = extract_text(page.text, article_id=article_id(page), source=page.source)
    # A plain-text page names no URL of its own; the one its container gave (a WARC
    # record's target, a JSON line's "url") is the article's.
    article.url = article.url or page.url
    return article
