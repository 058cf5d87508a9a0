"""Plain-text pages as scrapers save them: the article read out of the site's noise.

A page is read in three zones. The header runs up to the first prose paragraph and
holds section, kicker, title, date, byline, credits and captions. The body runs from
there to the first line that ends an article (a source line, a comment notice,
"Weitere Meldungen", a tag list). The tail holds sources, related headlines and tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lagebild.errors import Reason, Rejected
from lagebild.extract import meta
from lagebild.extract.language import detect_language
from lagebild.extract.lines import RELATED_HEADS, Kind, Line, classify, split_tags, teaser_headline
from lagebild.model import Article

# A crawler prefix on the first line: " date 2025-12-04 <text>".
_CRAWLER_DATE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b\s*")
_SECTION_WORDS = frozenset(
    "politik wirtschaft ausland inland sport kultur panorama wissen gesellschaft "
    "regional lokales lokal meinung digital finanzen börse boerse reise auto "
    "mobilität gesundheit welt deutschland nachrichten news international europa "
    "leben wissenschaft technik medien klima stil karriere bildung ".split()
)
# A lead is a short teaser: at most this many words and sentences.
LEAD_MAX_WORDS = 70
LEAD_MAX_SENTENCES = 4
# Fewer words of article text than this is no article (teaser pages, error pages).
MIN_ARTICLE_WORDS = 25


@dataclass
class _Reading:
    """What has been read from a page so far."""

    header: list[Line] = field(default_factory=list)
    body: list[Line] = field(default_factory=list)
    tail: list[Line] = field(default_factory=list)
    crawler_date: str | None = None
    # A byline between title and text means the first paragraph is article text:
    # sites print a teaser above the byline, not below it.
    byline_in_header: bool = False


def extract_text(text: str, *, article_id: str, source: str) -> Article:
    """Read one plain-text page into an ``Article``.

    >>> page = "Politik\\n\\nEin Titel\\n\\n19.11.2025, 09:47 Uhr\\n\\n" + "Wort " * 30 + "."
    >>> a = extract_text(page, article_id="x", source="p.txt")
    >>> a.title, a.section, a.published
    ('Ein Titel', 'Politik', '2025-11-19T09:47')
    """
    reading = _zones(text)
    article = Article(id=article_id, source=source)
    _read_header(reading, article)
    _read_body(reading, article)
    _read_tail(reading, article)
    words = sum(len(p.split()) for p in article.body) + len((article.lead or "").split())
    if words < MIN_ARTICLE_WORDS:
        # The page's own count says how much was read as headline, teaser or noise.
        raise Rejected(
            Reason.NO_ARTICLE,
            f"only {words} words of article text (fewer than {MIN_ARTICLE_WORDS}; "
            f"the page has {len(text.split())} words)",
        )
    article.language = detect_language(" ".join(article.body))
    return article


def _zones(text: str) -> _Reading:
    """Split the page's lines into header, body and tail."""
    reading = _Reading()
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    match = _CRAWLER_DATE.match(raw_lines[0]) if raw_lines else None
    if match:
        reading.crawler_date = match.group(1)
        raw_lines[0] = raw_lines[0][match.end() :]
    lines = [classify(_clean(line)) for line in raw_lines]
    lines = _drop_ad_blocks(lines)
    _mark_captions(lines)
    zone = reading.header
    for line in lines:
        if zone is reading.header and line.kind is Kind.PARA:
            zone = reading.body
        elif zone is reading.body and line.kind in {Kind.SOURCE, Kind.END, Kind.TAGS, Kind.TEASER}:
            zone = reading.tail
        zone.append(line)
    return reading


def _clean(line: str) -> str:
    """One line with its spacing normalised."""
    return re.sub(r"[ \t\u00a0\u2009\u202f]+", " ", line).strip()


def _drop_ad_blocks(lines: list[Line]) -> list[Line]:
    """Remove an advertisement block: the lines around an "Anzeige" line up to blank lines."""
    keep = [True] * len(lines)
    for i, line in enumerate(lines):
        if line.kind is not Kind.AD:
            continue
        j = i
        while j >= 0 and lines[j].kind is not Kind.BLANK:
            keep[j] = False
            j -= 1
        j = i
        while j < len(lines) and lines[j].kind is not Kind.BLANK:
            keep[j] = False
            j += 1
    return [line for line, k in zip(lines, keep, strict=True) if k]


# A caption is a sentence or two; a longer line above a credit is article text.
CAPTION_MAX_WORDS = 40


def _mark_captions(lines: list[Line]) -> None:
    """Captions told by their neighbours: a sentence above its credit line, or a caption
    printed twice, once bare and once with its credit (as image galleries do)."""
    for i, line in enumerate(lines):
        before = lines[i - 1] if i else None
        if before is None or before.kind is not Kind.PARA:
            continue
        if len(before.text.split()) > CAPTION_MAX_WORDS:
            continue
        credited = line.kind is Kind.CREDIT and re.match(r"(?i)\(?(foto|bild|©)", line.text)
        repeated = line.kind is Kind.CAPTION and (line.caption or "").startswith(before.text)
        if credited or repeated:
            lines[i - 1] = Line(before.text, Kind.CAPTION, caption=before.text)


def _read_header(reading: _Reading, article: Article) -> None:
    """Section, kicker, title, date, byline and captions from the lines before the text."""
    shorts: list[str] = []
    saw_byline = False
    for line in reading.header:
        if line.kind is Kind.DATE and article.published is None:
            article.published = line.date
        elif line.kind is Kind.BREADCRUMB:
            article.section = article.section or _breadcrumb_section(line.text)
            last = re.split(r"\s*(?:>|»|›|\|)\s*", line.text)[-1].strip()
            shorts.append(f"\x00{last}")  # the breadcrumb's last crumb: the title, if repeated
        elif line.kind is Kind.SHORT:
            shorts.append(line.text)
        elif line.kind in {Kind.BYLINE, Kind.SOURCE} and line.source:
            saw_byline = True
            _add_source(article, line.source)
        _add_caption(article, line)
    article.published = article.published or reading.crawler_date
    crumb = next((s[1:] for s in shorts if s.startswith("\x00")), None)
    heads = [s for s in shorts if not s.startswith("\x00")]
    _assign_headlines(article, heads, crumb)
    reading.byline_in_header = saw_byline


def _breadcrumb_section(text: str) -> str | None:
    """The section in ``Home > Politik > Title``: the crumb after the home link."""
    crumbs = [c.strip() for c in re.split(r"\s*(?:>|»|›|\|)\s*", text) if c.strip()]
    crumbs = [
        c for c in crumbs if not re.match(r"(?i)^(?:aktuelle seite:\s*)?(home|startseite)$", c)
    ]
    return crumbs[0] if len(crumbs) >= 2 else None


def _assign_headlines(article: Article, heads: list[str], crumb: str | None) -> None:
    """Title is the last headline line (or the one the breadcrumb repeats); kicker before it."""
    if not heads:
        return
    index = len(heads) - 1
    if crumb and crumb in heads:
        index = heads.index(crumb)
    title = heads[index]
    before = heads[:index]
    kicker, title = _split_glued_kicker(title)
    article.title = title
    for position, head in enumerate(before):
        at_top = position == 0 and len(before) + (kicker is not None) >= 2
        if article.section is None and (_is_section(head) or (at_top and _is_label(head))):
            article.section = head
        elif kicker is None and not _is_section(head):
            kicker = head
    article.kicker = kicker


def _is_section(text: str) -> bool:
    """A section line: a known section word, or a short list of capitalised names."""
    parts = [p.strip() for p in text.split(",")]
    if all(p.lower() in _SECTION_WORDS for p in parts):
        return True
    return (
        len(parts) >= 2
        and all(len(p.split()) <= 2 and p[:1].isupper() for p in parts)
        and not re.search(r"[\"„“”«»:!?]", text)
    )


def _is_label(text: str) -> bool:
    """One or two capitalised words without punctuation, as sites print a section name."""
    words = text.split()
    return 0 < len(words) <= 2 and all(
        w[:1].isupper() and w.replace("-", "").isalpha() for w in words
    )


# Names written in camel case: a capital inside them is no lost line break.
CAMEL_CASE_NAMES = frozenset(
    "WhatsApp YouTube LinkedIn iPhone iPad PayPal BlackRock SpaceX OpenAI TikTok GitHub "
    "PlayStation MasterCard BioNTech CureVac DeepMind DeepSeek ChatGPT FedEx JPMorgan eBay "
    "BlackBerry SoundCloud ProSieben McDonald McKinsey MacBook PowerPoint JavaScript "
    "BundesTag HafenCity FlixBus FlixTrain ZDFneo RTLzwei VfB VfL BayArena".split()
)
# Where a kicker lost the line break before its headline: a word of at least two
# lower-case letters running straight into a capital ("zufriedenUSA", "AlaskaTrump").
_GLUE_POINT = re.compile(r"(?<![\w-])([\w-]*?[a-zäöüß]{2})([A-ZÄÖÜ][\w'’.-]*)")


def _split_glued_kicker(title: str) -> tuple[str | None, str]:
    """``Kremlgesandter zufriedenUSA und ...`` -> kicker and title, split at the glue."""
    for match in _GLUE_POINT.finditer(title):
        token = match.group(0)
        if token in CAMEL_CASE_NAMES or any(token.startswith(n) for n in CAMEL_CASE_NAMES):
            continue
        if "-" in match.group(2):  # "WhatsApp-Funktion": a compound, not a glue point
            continue
        kicker = title[: match.start(2)].strip()
        rest = title[match.start(2) :].strip()
        if 1 <= len(kicker.split()) <= 8 and len(rest.split()) >= 3:
            return kicker, rest
    return None, title


def _read_body(reading: _Reading, article: Article) -> None:
    """Lead, paragraphs and subheadings; captions and credits set apart."""
    paragraphs: list[str] = []
    subheadings: list[str] = []
    pending_short: list[str] = []
    for line in reading.body:
        _add_caption(article, line)
        if line.kind is Kind.PARA:
            if pending_short and paragraphs:
                subheadings.extend(pending_short)
            pending_short = []
            paragraphs.append(line.text)
        elif line.kind is Kind.SHORT:
            pending_short.append(line.text)
        elif line.kind is Kind.DATE and article.published is None:
            article.published = line.date
        elif line.kind in {Kind.BYLINE, Kind.SOURCE} and line.source:
            _add_source(article, line.source)
    if not paragraphs:
        return
    if not reading.byline_in_header and _is_lead(paragraphs):
        article.lead = paragraphs.pop(0)
    if paragraphs:
        split = meta.dateline(paragraphs[0])
        if split:
            article.dateline, agencies, paragraphs[0] = split
            _add_agencies(article, agencies)
    article.body = paragraphs
    article.subheadings = subheadings


def _is_lead(paragraphs: list[str]) -> bool:
    """Whether the first paragraph is a teaser above the article text."""
    if len(paragraphs) < 2:
        return False
    if meta.dateline(paragraphs[1]):
        return True
    if meta.dateline(paragraphs[0]):
        return False
    first = paragraphs[0]
    sentences = len(re.findall(r"[.!?]['\"“”»]?(?:\s|$)", first))
    return len(first.split()) <= LEAD_MAX_WORDS and sentences <= LEAD_MAX_SENTENCES


def _read_tail(reading: _Reading, article: Article) -> None:
    """Sources, related headlines and tags after the article."""
    in_related = False
    seen: set[str] = set()
    for line in reading.tail:
        if line.kind in {Kind.SOURCE, Kind.BYLINE} and line.source:
            _add_source(article, line.source)
        elif line.kind is Kind.END:
            in_related = bool(RELATED_HEADS.match(line.text))
        elif line.kind is Kind.TAGS and not article.tags:
            article.tags = split_tags(line.text)
        elif line.kind is Kind.TEASER or (in_related and line.kind is Kind.SHORT):
            headline = teaser_headline(line.text) if line.kind is Kind.TEASER else line.text
            key = re.sub(r"\W+", " ", headline).strip().lower()
            if key and key not in seen:
                seen.add(key)
                article.related_headlines.append(headline)


def _add_caption(article: Article, line: Line) -> None:
    """Keep a caption and its credit, once each."""
    if line.caption and line.caption not in article.captions:
        article.captions.append(line.caption)
    if line.credit and line.credit not in article.photo_credits:
        article.photo_credits.append(line.credit)


def _add_source(article: Article, info: meta.SourceInfo) -> None:
    """Merge what a source or byline line says."""
    _add_agencies(article, info.agencies)
    article.outlet = article.outlet or info.outlet
    for author in info.authors:
        if author not in article.authors:
            article.authors.append(author)


def _add_agencies(article: Article, agencies: list[str]) -> None:
    """Add agencies in order of first mention."""
    for agency in agencies:
        if agency not in article.agencies:
            article.agencies.append(agency)
