"""HTML pages to Articles: trafilatura finds the main text, lagebild's rules read the rest.

The cascade for one page:

1. parse once (lxml, the text already decoded; soft hyphens and <style> removed); read
   meta tags and JSON-LD;
2. main text: trafilatura (no comments, tables kept); when it keeps less than
   ``SHORT_BODY_CHARS`` a second pass with ``favor_recall`` is tried and the longer
   result kept;
3. its blocks are read with the line rules the plain-text extractor uses
   (``lines.classify``) plus a few HTML-only ones: share prompts, cookie and newsletter
   text, ads, credit, source and date lines are dropped (credits and agencies filed);
   "Lesen Sie auch" and the like open a run of related headlines; h2-h6 headings become
   ``subheadings`` (with crossheads trafilatura dropped, found again in the page);
   figure captions and their credits are kept apart;
4. metadata: title (headline element or og:title without the site suffix), kicker,
   lead (a teaser marked as such, else the meta description), dateline and agencies,
   authors, publication date (``htmldates``), section, tags (the printed tag list, else
   article:tag), outlet, related headlines (the page's "Mehr zum Thema" lists), language.

Example::

    >>> page = ('<html><head><title>Ein Titel | Zeitung</title></head><body><article>'
    ...         '<h1>Ein Titel</h1><p>' + 'Ein Satz mit Inhalt. ' * 20 + '</p>'
    ...         '</article></body></html>')
    >>> article = extract_html(page, article_id="a1", source="page.html")
    >>> article.title, len(article.body)
    ('Ein Titel', 1)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import etree
from lxml.html import HtmlElement
from trafilatura import bare_extraction

from lagebild.errors import Reason, Rejected
from lagebild.extract import meta as lines_meta
from lagebild.extract.htmldates import find_headline, find_published, parse_html
from lagebild.extract.htmlfigures import (
    RELATED_WORDS,
    in_foreign,
    read_figures,
    read_related,
    strip_credit_label,
)
from lagebild.extract.htmlmeta import (
    PageMeta,
    ld_text,
    read_meta,
    read_outlet,
    read_people,
    read_section,
    read_tags,
    read_title,
    site_names,
)
from lagebild.extract.htmltext import add_unique, clean_text, text_key
from lagebild.extract.language import detect_language
from lagebild.extract.lines import APPEAL_LINES, Kind, classify
from lagebild.model import Article

TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "include_formatting": False,
}
# Fewer words of body text than this is no article (error pages, cookie walls, stubs).
# The shortest article among the 515 German benchmark pages has 25 words.
MIN_BODY_WORDS = 10
# libxml2 stops building the tree at this depth (without XML_PARSE_HUGE); what is
# nested deeper is lost, so a page whose text sits there reads as empty.
PARSER_MAX_DEPTH = 256
# Below this many characters of main text a favor_recall pass is tried as well.
SHORT_BODY_CHARS = 300
BLOCK_TAGS = {"p", "head", "item", "row", "quote", "code"}
CONTAINER_TAGS = {"list", "table", "div", "quote"}
LEAD_CLASS = re.compile(
    r"\b(?:[\w-]*[-_])?(?:lead|lede|intro|standfirst|abstract|summary|vorspann|anriss|excerpt|"
    r"teaser-?text|dek|deck|subline)\b",
    re.I,
)
# Soft hyphens and zero-width spaces, as characters or entities: invisible to a reader,
# they only break words apart for search and comparison.
INVISIBLE = re.compile(r"\u00ad|\u200b|\ufeff|&shy;|&#173;|&#x[aA][dD];|&#8203;|&#x200[bB];")
SKIPPED_KINDS = (Kind.NOISE, Kind.AD, Kind.DATE, Kind.BREADCRUMB, Kind.SLUG, Kind.BLANK)
RELATED_MARK = re.compile(rf"^(?:{RELATED_WORDS}|kontakt:?$|ansprechpartner)", re.I)
RELATED_MAX_WORDS = 12
# Site furniture in short blocks: ad labels, image placeholders, category and tag labels,
# comment prompts, source labels and disclaimers.
SITE_NOISE = re.compile(
    r"^(?:(?:anzeige|werbung)\b.{0,60}|(?:beitrags|titel|vorschau|artikel)bild\b.{0,80}|"
    r"bild (?:anzeigen|schließen|vergrößern)|"
    r"(?:kategorien?|schlagw[öo]rter?|schlagworte|tags?|themen)\s*:.*|"
    r"quelle\s*:.{0,80}|alle angaben ohne gewähr\.?|"
    r".{0,40}kommentar.{0,20}(?:schreib|verfass|hinterlass|angemeldet|abgeben|posten).{0,40}|"
    r"(?:keine|\d+) kommentare?.{0,80}|.{0,40}in den kommentaren.{0,20})$",
    re.I,
)
NOISE_MAX_WORDS = 15
PROBE_CHARS = 60  # leading characters compared to find a body paragraph in the page
CAPTION_MAX_WORDS = 40  # a longer "caption" is a paragraph with a credit glued on
LEAD_MIN_CHARS = 40
LEAD_SEARCH_PARAGRAPHS = 3  # a lead printed again in the body is one of its first paragraphs
LEAD_MAX_CHARS = 700
LEAD_WINDOW = 3000  # characters of text after the headline in which a marked lead may sit
# "(dpa)", "(AFP/dpa)", "(dpa/lno)": a source mark in parentheses, without a label.
SOURCE_MARK = re.compile(r"\(([^():]{2,40})\)")
# "© dpa-infocom, dpa:251222-930-1", "(c) AFP": a copyright line under the text.
COPYRIGHT_LINE = re.compile(r"^(?:©|\(c\)|copyright)\s*(?P<rest>.{2,120})$", re.I)


@dataclass
class Block:
    """One block of trafilatura's main text: a heading (with its level) or a text block."""

    text: str
    heading: int = 0


def extract_html(html: str, *, article_id: str, source: str, url: str | None = None) -> Article:
    """Read one HTML page into an ``Article``; raise ``Rejected`` when it holds no article."""
    tree = parse_html(INVISIBLE.sub("", html))
    if tree is None:
        raise Rejected(Reason.NO_ARTICLE, "the HTML has no document tree")
    page = read_meta(tree)
    article = Article(id=article_id, source=source, url=url or page.canonical)
    article.outlet = read_outlet(page, article.url)
    names = site_names(article.outlet, article.url)
    article.kicker, article.title = read_title(tree, page, names)
    figures = read_figures(tree)
    _read_blocks(article, main_blocks(tree, article.url), figures)
    _drop_leading_chrome(article)
    _drop_appeals(article)
    _add_crossheads(article, tree)
    words = sum(len(paragraph.split()) for paragraph in article.body)
    if words < MIN_BODY_WORDS:
        detail = "no article text found in the HTML" if not words else f"only {words} words"
        if _too_deep(tree):
            detail += f"; the HTML is nested deeper than the {PARSER_MAX_DEPTH} levels read"
        raise Rejected(Reason.NO_ARTICLE, f"{detail} (fewer than {MIN_BODY_WORDS} words of body)")
    _read_lead(article, tree, page)
    _read_dateline(article)
    read_people(article, tree, page)
    article.published = find_published(tree, article.url)
    article.section = read_section(page, article.title)
    article.tags = read_tags(tree, page)
    article.language = detect_language(" ".join(article.body))
    for headline in read_related(tree):
        add_unique(article.related_headlines, headline)
    article.related_headlines = [
        h for h in article.related_headlines if _is_headline(h, article.title)
    ]
    _keep_own_subheadings(article)
    return article


def _keep_own_subheadings(article: Article) -> None:
    """Subheadings that are the text's: not its title, kicker or lead printed again, and
    not a page label ("Hauptinhalt", "Weiterempfehlen")."""
    taken = {text_key(t) for t in (article.title, article.kicker, article.lead) if t}
    article.subheadings = [
        s
        for s in article.subheadings
        if text_key(s) not in taken
        and s.casefold() not in SUBHEADING_LABELS
        and not _is_furniture(s)
    ]


def _is_furniture(text: str, kinds: tuple[Kind, ...] = ()) -> bool:
    """A line the page prints around its articles: an end-of-article or noise line, an
    ad mark (or a line of one of ``kinds`` more), or the site's own short furniture."""
    return classify(text).kind in (*FURNITURE_KINDS, *kinds) or _is_site_noise(text)


def _is_headline(text: str, title: str | None) -> bool:
    """Whether a related-list item reads as another article's headline: not the list's
    own label ("Lesen Sie auch"), a sign-off, an ad mark, a login link, a date stamp or
    the page's own title."""
    if _is_furniture(text, (Kind.SOURCE,)) or _DATE_STAMP.match(text):
        return False
    if title and text_key(text) == text_key(title):
        return False
    return len(text.split()) >= 2 and not LOGIN_LINK.search(text)


def main_blocks(tree: HtmlElement, url: str | None) -> list[Block]:
    """The main text as blocks: trafilatura, with a recall pass when it keeps little."""
    blocks = _trafilatura_blocks(tree, url)
    if sum(len(b.text) for b in blocks) < SHORT_BODY_CHARS:
        more = _trafilatura_blocks(tree, url, favor_recall=True)
        if sum(len(b.text) for b in more) > sum(len(b.text) for b in blocks):
            blocks = more
    return blocks


def _trafilatura_blocks(tree: HtmlElement, url: str | None, **options: Any) -> list[Block]:
    """Run trafilatura on the tree and flatten its body into blocks."""
    document = bare_extraction(tree, url=url, **TRAFILATURA_OPTIONS, **options)
    body = getattr(document, "body", None)
    if body is None:
        return []
    blocks: list[Block] = []
    _flatten(body, blocks)
    return blocks


def _flatten(element: Any, blocks: list[Block]) -> None:
    """Depth-first: block elements become blocks, containers are walked into.

    Text standing loose between blocks (an element's tail) is a block of its own.
    """
    _append(blocks, clean_text(element.text or ""))
    for child in element:
        tag = child.tag
        if tag in CONTAINER_TAGS and any(grand.tag in BLOCK_TAGS for grand in child):
            _flatten(child, blocks)
        elif tag == "row":
            cells = [clean_text(_text(cell)) for cell in child]
            _append(blocks, " | ".join(c for c in cells if c))
        elif tag == "head":
            rend = child.get("rend", "h2")
            _append(blocks, clean_text(_text(child)), int(rend[1:]) if rend[1:].isdigit() else 2)
        else:
            _append(blocks, _block_text(child))
        _append(blocks, clean_text(child.tail or ""))


def _text(element: Any) -> str:
    """All text inside an element (trafilatura's output tree is plain etree)."""
    return "".join(element.itertext())


def _append(blocks: list[Block], text: str, heading: int = 0) -> None:
    if text:
        blocks.append(Block(text, heading))


def _block_text(element: HtmlElement) -> str:
    """Text of a block with <lb/> kept as line breaks and other whitespace collapsed.

    The tree is only read: lxml refuses to set text holding control characters that it
    took from the page, so writing the breaks into it fails on such pages.
    """
    pieces: list[str] = []
    for event, node in etree.iterwalk(element, events=("start", "end")):
        if event == "start":
            if node.tag == "lb":
                pieces.append("\n")
            if node.text and isinstance(node.tag, str):
                pieces.append(node.text)
        elif node is not element and node.tail:
            pieces.append(node.tail)
    lines = [" ".join(line.split()) for line in "".join(pieces).split("\n")]
    return "\n".join(line for line in lines if line)


def _read_blocks(article: Article, blocks: list[Block], figures: list[tuple[str, str]]) -> None:
    """Sort the main-text blocks into body, subheadings, related headlines and metadata."""
    figure_texts = {text_key(t) for pair in figures for t in pair if t}
    title_key = text_key(article.title or "")
    related = False
    for raw_block in blocks:
        block = _drop_noise_lines(article, raw_block, figure_texts)
        key = text_key(block.text)
        if not key or key in figure_texts or (title_key and key == title_key):
            continue
        line = classify(block.text) if "\n" not in block.text else None
        kind = line.kind if line else Kind.PARA
        if kind in (Kind.END, Kind.TEASER) or _opens_related(block, kind):
            related = True
            continue
        if line and kind is Kind.CAPTION and len(block.text.split()) > CAPTION_MAX_WORDS:
            # A paragraph with a picture credit glued to its end ("...behörden.Foto: x").
            add_unique(article.photo_credits, strip_credit_label(line.credit or ""))
            block = Block(line.caption or block.text)
        elif line and _take_metadata(article, line):
            continue
        if kind in SKIPPED_KINDS or _is_site_noise(block.text):
            continue
        if related and (block.heading or kind is not Kind.PARA):
            article.related_headlines.append(block.text)
            continue
        related = False
        if block.heading > 1:
            article.subheadings.append(block.text)
        elif not block.heading:
            article.body.append(block.text)
    for caption, credit in figures:
        add_unique(article.captions, caption)
        add_unique(article.photo_credits, credit)


# Line kinds that are a page's furniture wherever they stand.
FURNITURE_KINDS = (Kind.END, Kind.NOISE, Kind.AD)
# Furniture before the text: at most this many words and no sentence mark at the end.
CHROME_MAX_WORDS = 3
# Labels a page prints above the text: section names and buttons.
CHROME_WORDS = frozenset(
    "weitere mehr politik wirtschaft kultur sport inland ausland panorama meinung lokales "
    "teilen drucken merken vorlesen anzeige werbung".split()
)
# Headings a page prints for its furniture, not the text's sections.
SUBHEADING_LABELS = frozenset(
    {
        "hauptinhalt",
        "inhalt",
        "weiterempfehlen",
        "teilen",
        "artikel teilen",
        "kommentare",
        "navigation",
        "dieser artikel ist wichtig!",
        "mehr zum thema",
        "audio",
        "video",
    }
)
# Icon font names printed as text ("bookmark_border", "headset" beside "Vorlesen").
_ICON_WORD = re.compile(r"(?:^|\s)(?:[a-z]+_[a-z_]+|headset|bookmark)(?:\s|$)")
_LONE_DATELINE = re.compile(r"^([A-ZÄÖÜ][\w.'’/]+(?: [A-ZÄÖÜ][\w.'’/]+){0,2})\s*[-–—]$")
# "25. Oktober 2023 16:01", "25.10.2023": a time stamp, not a headline.
_DATE_STAMP = re.compile(r"^[\d.:/ ]*(?:\d{1,2}\.\s*\w+\s+\d{4})?[\d.:/ ]*(?:Uhr)?$")
LOGIN_LINK = re.compile(r"\b(?:registrieren|einloggen|anmelden|login|abonnieren)\b", re.I)


def _drop_leading_chrome(article: Article) -> None:
    """Drop the page's furniture before the text: short lines with no sentence in them
    ("-Aktualisiert am", "Weitere", "Politik"), icon names ("bookmark_border Auf die
    Merkliste"); a place with a dash standing alone ("Düsseldorf -") is the dateline."""
    while len(article.body) > 1:
        first = article.body[0].strip()
        place = _LONE_DATELINE.match(first)
        if place:
            article.dateline = article.dateline or place.group(1)
        elif not (_ICON_WORD.search(first) or _no_sentence(first)):
            return
        del article.body[0]


def _no_sentence(text: str) -> bool:
    """A page label ("Weitere", "Politik") or a few words opening with a dash
    ("-Aktualisiert am"), with no sentence mark. (Other single words stay: on the
    extraction benchmark some are the text's.)"""
    words = text.split()
    label = len(words) == 1 and text.casefold() in CHROME_WORDS
    dashed = len(words) <= CHROME_MAX_WORDS and text[:1] in "-–—"
    return (label or dashed) and not re.search(r"[.!?:“”\"»«]$", text)


def _drop_appeals(article: Article) -> None:
    """Cut the body at a plea for money or subscriptions in its last third: what follows
    it is the site's (shop offers, "unterstützen" buttons), not the article's."""
    start = len(article.body) * 2 // 3
    for index in range(max(1, start), len(article.body)):
        if APPEAL_LINES.match(article.body[index]):
            del article.body[index:]
            return


def _add_crossheads(article: Article, tree: HtmlElement) -> None:
    """Headings printed between the first and the last body paragraph that trafilatura left out.

    Only headings standing beside body paragraphs (same parent element) count, not
    those of boxes inside the article. They are added to ``subheadings`` in page
    order; a page where the body paragraphs cannot be found again is left as it is.
    """
    if not article.body:
        return
    keys = {text_key(paragraph)[:PROBE_CHARS] for paragraph in article.body}
    first, last = text_key(article.body[0])[:PROBE_CHARS], text_key(article.body[-1])[:PROBE_CHARS]
    inside, found = False, []
    for element in tree.iter("p", "h2", "h3", "h4", "h5", "h6"):
        key = text_key(element.text_content())
        if element.tag == "p":
            inside = inside or key[:PROBE_CHARS] == first
            if inside and key[:PROBE_CHARS] == last:
                break
        elif inside and 0 < len(key.split()) <= NOISE_MAX_WORDS and _beside_body(element, keys):
            text = clean_text(element.text_content())
            if not (RELATED_MARK.match(text) or _is_site_noise(text)):
                found.append(text)
    else:
        return  # the last paragraph was never reached: the page is not the one read
    known = set(article.subheadings)
    missing = [text for text in found if text not in known]
    if missing:
        order = {text: index for index, text in enumerate(found)}
        article.subheadings = sorted(
            [*article.subheadings, *missing], key=lambda t: order.get(t, len(order))
        )


def _beside_body(element: HtmlElement, keys: set[str]) -> bool:
    """Whether a sibling paragraph of the element is one of the body paragraphs."""
    parent = element.getparent()
    if parent is None or in_foreign(element):
        return False
    return any(
        child.tag == "p" and text_key(child.text_content())[:PROBE_CHARS] in keys
        for child in parent
    )


def _drop_noise_lines(article: Article, block: Block, figure_texts: set[str]) -> Block:
    """Of a block with line breaks, drop the lines that are noise, credits or captions."""
    if "\n" not in block.text:
        return block
    kept: list[str] = []
    for text in block.text.split("\n"):
        line = classify(text)
        if line.kind in (Kind.CREDIT, Kind.CAPTION) and len(text.split()) <= CAPTION_MAX_WORDS:
            _take_metadata(article, line)
        elif not (
            line.kind in SKIPPED_KINDS or _is_site_noise(text) or text_key(text) in figure_texts
        ):
            kept.append(text)
    return Block("\n".join(kept), block.heading)


def _opens_related(block: Block, kind: Kind) -> bool:
    """A short heading or label that opens a list of other articles or contacts."""
    short = len(block.text.split()) <= RELATED_MAX_WORDS
    labelish = block.heading or kind is not Kind.PARA or block.text.endswith(":")
    return short and bool(labelish) and bool(RELATED_MARK.match(block.text))


def _is_site_noise(text: str) -> bool:
    """Short site furniture the shared line rules do not know (HTML-only shapes)."""
    return len(text.split()) <= NOISE_MAX_WORDS and bool(SITE_NOISE.match(text.strip("()[] ")))


def _take_metadata(article: Article, line: Any) -> bool:
    """File a credit, caption, source or byline line into the article; True if it was one."""
    if line.kind is Kind.CREDIT:
        add_unique(article.photo_credits, strip_credit_label(line.credit or ""))
    elif line.kind is Kind.CAPTION:
        add_unique(article.captions, line.caption or "")
        add_unique(article.photo_credits, strip_credit_label(line.credit or ""))
    elif line.kind in (Kind.SOURCE, Kind.BYLINE) and line.source is not None:
        for agency in line.source.agencies:
            add_unique(article.agencies, agency)
        for author in line.source.authors:
            if len(author) > 4:
                add_unique(article.authors, author)
        article.outlet = article.outlet or line.source.outlet
    elif copyright_line := COPYRIGHT_LINE.match(line.text):
        rest = copyright_line.group("rest")
        if lines_meta.is_photo_credit(rest):
            add_unique(article.photo_credits, clean_text(rest))
        for agency in [] if lines_meta.is_photo_credit(rest) else lines_meta.agencies_in(rest):
            add_unique(article.agencies, agency)
    else:
        return False
    return True


def _read_lead(article: Article, tree: HtmlElement, page: PageMeta) -> None:
    """The lead: a teaser marked as such, else the meta description; out of the body.

    A lead that is also one of the first body paragraphs leaves the body (the longer
    printed version is kept); a meta description is the lead only when it is not
    simply the start of the first paragraph of a one-paragraph text.
    """
    marked = _marked_lead(tree)
    description = page.first("og:description", "description", "twitter:description")
    description = description or ld_text(page.ld("description"))
    if not marked and len(article.body) > 2 and _dateline_opens(article.body[1]):
        # A short paragraph above the one that opens with the dateline is a teaser.
        article.lead = article.body.pop(0)
        return
    for candidate in (marked, description):
        if not candidate:
            continue
        for index, paragraph in enumerate(article.body[:LEAD_SEARCH_PARAGRAPHS]):
            if _same_start(candidate, paragraph) and len(article.body) > 1:
                article.lead = article.body.pop(index)
                return
        if candidate is marked or len(candidate) >= LEAD_MIN_CHARS:
            article.lead = candidate
            return


def _dateline_opens(paragraph: str) -> bool:
    """Whether a paragraph opens with a dateline ("Berlin (dpa) – ...")."""
    found = lines_meta.dateline(paragraph)
    return found is not None and bool(found[1])


def _marked_lead(tree: HtmlElement) -> str | None:
    """The first element after the headline whose class marks it as the lead."""
    headline = find_headline(tree)
    elements = tree.iter()
    if headline is not None:
        for element in elements:
            if element is headline:
                break
    passed = 0
    for element in elements:
        if not isinstance(element.tag, str) or element.tag in ("script", "style"):
            continue
        passed += len((element.text or "").strip())
        if passed > LEAD_WINDOW:
            return None
        marks = f"{element.get('class', '')} {element.get('itemprop', '')}"
        if element.tag in ("p", "div", "h2", "section", "span") and LEAD_CLASS.search(marks):
            text = clean_text(element.text_content())
            if LEAD_MIN_CHARS <= len(text) <= LEAD_MAX_CHARS and not in_foreign(element):
                return text
    return None


def _read_dateline(article: Article) -> None:
    """Place and agencies of a dateline ("Berlin (dpa) – ...") and "(dpa)" source marks.

    Only text is read here, never captions or credits: an agency in a picture credit
    made the picture, not the text.
    """
    for index, text in enumerate((article.body[0], article.lead or "")):
        found = lines_meta.dateline(text)
        if found:
            place, agencies, rest = found
            article.dateline = place
            for agency in agencies:
                add_unique(article.agencies, agency)
            if index == 0 and rest.strip():
                article.body[0] = rest  # the body is the text after the dateline
            break
    for paragraph in [article.lead or "", *article.body[:1], *article.body[-2:]]:
        for mark in SOURCE_MARK.findall(paragraph):
            if not lines_meta.is_photo_credit(mark):
                for agency in lines_meta.agencies_in(mark):
                    add_unique(article.agencies, agency)


def _same_start(short: str, long: str) -> bool:
    """Whether two texts open with the same words (a teaser and its paragraph)."""
    a, b = text_key(short).rstrip(". …"), text_key(long)
    probe = a[: min(len(a), 80)]
    return bool(probe) and (b.startswith(probe) or a.startswith(b[:80]))


def _too_deep(tree: HtmlElement) -> bool:
    """Whether the tree reaches the parser's depth limit (checked only on rejection)."""
    stack = [(tree, 1)]
    while stack:
        element, depth = stack.pop()
        if depth >= PARSER_MAX_DEPTH - 1:
            return True
        stack.extend((child, depth + 1) for child in element)
    return False
