"""Fuzzing with hypothesis: extraction, time expressions and quotes on generated text.

No exception may escape but a typed ``Rejected``; offsets always point into the text;
and extraction is stable: the plain text rebuilt from an article reads back into the
same article text. ``FUZZ_EXAMPLES`` examples per property in the default run, ten
times as many with ``-m slow``.
"""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lagebild.annotate.quotes import find_quotes
from lagebild.annotate.timex import tag_timexes
from lagebild.errors import Rejected
from lagebild.extract import extract
from lagebild.model import Article, Page, PageKind

FUZZ_EXAMPLES = 120
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ_SLOW = settings(FUZZ, max_examples=FUZZ_EXAMPLES * 10)

WORDS = (
    "der die das Regierung Kanzler Merz Selenskyj Putin Berlin Kiew Moskau Gespräche am "
    "Dienstag Mittwoch 3. Januar 2026 vergangenen Wochenende sagte erklärte betonte habe "
    "sei werde nicht und oder in mit über nach vor seit Uhr 12:30 Jahr Monat Woche heute "
    "morgen gestern dpa AFP Reuters Foto Politik weiterlesen Artikel teilen Straße Köln Ärger "
    "März Jänner 22.12.2025 19.11.2025, 09:47 Uhr - – « » „ “ \" ' : ; , . ! ? ( )"
).split()
word = st.one_of(st.sampled_from(WORDS), st.text(min_size=1, max_size=12))
sentence = st.lists(word, min_size=1, max_size=25).map(" ".join)
paragraph = st.lists(sentence, min_size=1, max_size=6).map(lambda s: ". ".join(s) + ".")
plain_page = st.lists(paragraph, min_size=1, max_size=10).map("\n\n".join)
SEPARATORS = ["\n", "\n\n", " ", "\r\n", "\t", "\u00a0", "\u2028"]
messy_text = st.lists(
    st.one_of(word, st.sampled_from(SEPARATORS), st.text(max_size=5)), max_size=120
).map("".join)
TAGS = ["p", "div", "article", "h1", "h2", "span", "figure", "figcaption", "script", "a", "br"]


@st.composite
def html_page(draw: st.DrawFn) -> str:
    """An HTML page of generated elements, some unclosed, some nested deeply."""
    parts = ["<html><head><title>", draw(sentence), "</title></head><body>"]
    for _ in range(draw(st.integers(0, 15))):
        tag = draw(st.sampled_from(TAGS))
        depth = draw(st.integers(1, 4))
        parts.append(f"<{tag}>" * depth)
        parts.append(draw(st.one_of(paragraph, messy_text)))
        if draw(st.booleans()):
            parts.append(f"</{tag}>" * depth)
    parts.append(draw(st.sampled_from(["</body></html>", "", "</div>"])))
    return "".join(parts)


def _page(text: str, kind: PageKind) -> Page:
    raw = text.encode("utf-8", errors="replace")
    digest = hashlib.sha256(raw).hexdigest()
    suffix = "html" if kind == "html" else "txt"
    return Page(source=f"fuzz.{suffix}", raw=raw, text=text, kind=kind, sha256=digest)


def _extract_or_none(text: str, kind: PageKind) -> Article | None:
    try:
        return extract(_page(text, kind))
    except Rejected:
        return None


def rebuilt_text(article: Article) -> str:
    """A plain-text page with the article's title, lead and body, as a scraper saves one."""
    parts = [article.title, article.lead, *article.body]
    return "\n\n".join(part for part in parts if part)


def _check_extract_plain(text: str) -> None:
    article = _extract_or_none(text, "text")
    if article is None:
        return
    assert all(paragraph.strip() for paragraph in article.body)
    assert all("\n\n" not in paragraph for paragraph in article.body), article.body
    again = _extract_or_none(rebuilt_text(article), "text")
    assert again is not None, rebuilt_text(article)
    assert (again.title, again.lead, again.body) == (article.title, article.lead, article.body)


def _words(parts: list[str | None]) -> set[str]:
    return {w for part in parts if part for w in part.split()}


def _check_extract_html(text: str) -> None:
    article = _extract_or_none(text, "html")
    if article is None:
        return
    assert article.body and all(paragraph.strip() for paragraph in article.body)
    # The store keeps the body as paragraphs joined by a blank line and splits it there.
    assert all("\n\n" not in paragraph for paragraph in article.body), article.body
    # The article's own text, saved as plain text, reads back to words it had.
    again = _extract_or_none(rebuilt_text(article), "text")
    if again is not None:
        assert _words(again.body) <= _words([article.title, article.lead, *article.body])


def _check_timexes(text: str, day: date | None) -> None:
    for timex in tag_timexes(text, day):
        assert 0 <= timex.start < timex.end <= len(text)
        assert text[timex.start : timex.end] == timex.text
        assert timex.value


def _check_quotes(text: str) -> None:
    for quote in find_quotes(text, []):
        assert 0 <= quote.start <= quote.end <= len(text)
        assert text[quote.start : quote.end] == quote.text
        if quote.speaker_start is not None and quote.speaker_end is not None:
            assert text[quote.speaker_start : quote.speaker_end] == quote.speaker


anchor = st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2040, 12, 31)))
quote_text = st.lists(
    st.one_of(sentence, st.sampled_from(["„", "“", "«", "»", '"', "‚", "‘", ", sagte Merz.", ":"])),
    max_size=30,
).map(" ".join)


@FUZZ
@given(plain_page)
def test_fuzz_extract_plain_text_is_stable(text: str) -> None:
    _check_extract_plain(text)


@FUZZ
@given(messy_text)
def test_fuzz_extract_messy_text_raises_only_rejected(text: str) -> None:
    _extract_or_none(text, "text")


@settings(FUZZ, max_examples=FUZZ_EXAMPLES // 3)  # trafilatura: about 0.3 s a page
@given(html_page())
def test_fuzz_extract_html(text: str) -> None:
    _check_extract_html(text)


@FUZZ
@given(st.one_of(plain_page, messy_text), anchor)
def test_fuzz_timex_offsets_point_into_the_text(text: str, day: date | None) -> None:
    _check_timexes(text, day)


@FUZZ
@given(st.one_of(quote_text, messy_text))
def test_fuzz_quote_offsets_point_into_the_text(text: str) -> None:
    _check_quotes(text)


@pytest.mark.slow
@FUZZ_SLOW
@given(st.one_of(plain_page, messy_text), html_page(), anchor, quote_text)
def test_fuzz_everything_longer(plain: str, page: str, day: date | None, quoted: str) -> None:
    _check_extract_plain(plain)
    _check_extract_html(page)
    _check_timexes(plain, day)
    _check_quotes(quoted)
