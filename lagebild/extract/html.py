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
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.metadata import extract_author

from lagebild.errors import Reason, Rejected
from lagebild.extract import meta as lines_meta
from lagebild.extract.htmldates import find_headline, find_published, jsonld_objects, parse_html
from lagebild.extract.language import detect_language
from lagebild.extract.lines import Kind, classify
from lagebild.model import Article

TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "include_formatting": False,
}
# Fewer words of body text than this is no article (error pages, cookie walls, stubs).
# The shortest article among the 515 German benchmark pages has 25 words.
MIN_BODY_WORDS = 10
# Below this many characters of main text a favor_recall pass is tried as well.
SHORT_BODY_CHARS = 300
BLOCK_TAGS = {"p", "head", "item", "row", "quote", "code"}
CONTAINER_TAGS = {"list", "table", "div", "quote"}
TITLE_SEPARATORS = re.compile(r"\s+[|–—·»:-]\s+|\s+[|·]\s*")
SEPARATOR_CHARS = " |–—·»:-"
SITE_NAME_MAX_WORDS = 5
KICKER_CLASS = re.compile(r"kicker|dachzeile|topline|overline|roofline|spitzmarke|eyebrow", re.I)
LEAD_CLASS = re.compile(
    r"\b(?:[\w-]*[-_])?(?:lead|lede|intro|standfirst|abstract|summary|vorspann|anriss|excerpt|"
    r"teaser-?text|dek|deck|subline)\b",
    re.I,
)
CAPTION_CLASS = re.compile(r"caption|bildunterschrift|bildtext|legende|image-?text", re.I)
CREDIT_CLASS = re.compile(r"credit|copyright|source|quelle|photographer|fotograf|urheber|rights")
FOREIGN_CLASS = re.compile(
    r"comment|kommentar|teaser-list|related|sidebar|footer|widget|recommend|navigation|\bnav\b"
)
# Soft hyphens and zero-width spaces, as characters or entities: invisible to a reader,
# they only break words apart for search and comparison.
INVISIBLE = re.compile(r"\u00ad|\u200b|\ufeff|&shy;|&#173;|&#x[aA][dD];|&#8203;|&#x200[bB];")
SKIPPED_KINDS = (Kind.NOISE, Kind.AD, Kind.DATE, Kind.BREADCRUMB, Kind.SLUG, Kind.BLANK)
# Headings and labels that open related-article lists, contact boxes and the like.
_RELATED_WORDS = (
    r"lesen sie (?:auch|mehr|hier|weiter)|zum weiterlesen|weiterlesen|schon gelesen|"
    r"weitere (?:beiträge|artikel|informationen|infos|meldungen|nachrichten|themen|links|"
    r"\w*tipps|\w*artikel)|mehr (?:zum thema|dazu|zu |zur |zum |aus |von |informationen|infos)|"
    r"auch interessant|das könnte|top-?themen|beiträge aus|passend (?:dazu|zum thema)|"
    r"(?:ähnliche|verwandte|neueste|beliebte|empfohlene) (?:artikel|beiträge|themen|links)|"
    r"meistgelesen"
)
RELATED_MARK = re.compile(rf"^(?:{_RELATED_WORDS}|kontakt:?$|ansprechpartner)", re.I)
RELATED_MAX_WORDS = 12
RELATED_HEADING = re.compile(rf"^(?:{_RELATED_WORDS}|zum thema)", re.I)
RELATED_CLASS = re.compile(
    r"(?:^|[\s_-])(?:related|verwandte?|more-(?:stories|articles|posts)|weitere|zum-?thema|"
    r"read-?more|recommend\w*|empfehlung\w*)(?:$|[\s_-])",
    re.I,
)
RELATED_MIN_WORDS = 3
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
KICKER_MAX_WORDS = 6
SUFFIX_MAX_WORDS = 4  # "Titel | Ein Portal" : a short part after a pipe is the site
GENERIC_TITLE_PARTS = {"blog archiv", "archiv", "blog", "news", "home", "startseite", "aktuelles"}
LEAD_MIN_CHARS = 40
LEAD_SEARCH_PARAGRAPHS = 3  # a lead printed again in the body is one of its first paragraphs
LEAD_MAX_CHARS = 700
LEAD_WINDOW = 3000  # characters of text after the headline in which a marked lead may sit
AUTHOR_MAX_CHARS = 80
# Labels that bylines print before the names ("Post author By", "Geschrieben von").
AUTHOR_LABEL = re.compile(
    r"^(?:(?:post\s+)?(?:author|autor(?:in)?|verfasser(?:in)?)\s*:?\s*)?"
    r"(?:(?:geschrieben|verfasst|veröffentlicht|posted|written|ein (?:beitrag|artikel))\s+)?"
    r"(?:von|by)?\s*:?\s*",
    re.I,
)
TAG_MAX_CHARS = 60
SIDEBAR_CLASS = re.compile(r"sidebar|widget|navigation|\bnav\b", re.I)
TAG_LIST_CLASS = re.compile(
    r"(?:^|[\s_-])(?:tags|tag-?list|schlagw[öo]rter|keywords|themen)\b", re.I
)
# "(dpa)", "(AFP/dpa)", "(dpa/lno)": a source mark in parentheses, without a label.
SOURCE_MARK = re.compile(r"\(([^():]{2,40})\)")
# "Mit Material von dpa und AFP": the agencies a text draws on, printed under it.
MATERIAL_LINE = re.compile(
    r"^\(?(?:mit |unter verwendung von )?(?:agentur)?material (?:von|der|aus) (.{2,60}?)\)?\.?$",
    re.I,
)
# "© dpa-infocom, dpa:251222-930-1", "(c) AFP": a copyright line under the text.
COPYRIGHT_LINE = re.compile(r"^(?:©|\(c\)|copyright)\s*(?P<rest>.{2,120})$", re.I)
ARTICLE_TYPES = re.compile(r"Article$|BlogPosting|Report$", re.I)


@dataclass
class PageMeta:
    """The page's meta tags (key -> all contents) and article-like JSON-LD objects."""

    tags: dict[str, list[str]] = field(default_factory=dict)
    jsonld: list[dict[str, Any]] = field(default_factory=list)
    ld_ids: dict[str, dict[str, Any]] = field(default_factory=dict)
    canonical: str | None = None

    def first(self, *keys: str) -> str | None:
        """The first non-empty content among the keys, in the order given."""
        for key in keys:
            for value in self.tags.get(key, []):
                if value.strip():
                    return _clean(value)
        return None

    def ld(self, key: str) -> Any:
        """The first value of a key in the article-like JSON-LD objects."""
        for item in self.jsonld:
            if item.get(key):
                return item[key]
        return None


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
    article.outlet = _outlet(page, article.url)
    names = _site_names(article.outlet, article.url)
    article.kicker, article.title = _title(tree, page, names)
    figures = read_figures(tree)
    _read_blocks(article, main_blocks(tree, article.url), figures)
    _add_crossheads(article, tree)
    words = sum(len(paragraph.split()) for paragraph in article.body)
    if words < MIN_BODY_WORDS:
        detail = "no article text found in the HTML" if not words else f"only {words} words"
        raise Rejected(Reason.NO_ARTICLE, f"{detail} (fewer than {MIN_BODY_WORDS} words of body)")
    _read_lead(article, tree, page)
    _read_dateline(article)
    _read_people(article, tree, page)
    article.published = find_published(tree, article.url)
    article.section = _section(page, article.title)
    article.tags = _tags(tree, page)
    article.language = detect_language(" ".join(article.body))
    for headline in read_related(tree):
        _add_unique(article.related_headlines, headline)
    return article


def read_meta(tree: HtmlElement) -> PageMeta:
    """Collect meta tags by name/property/itemprop (lower-cased) and article JSON-LD."""
    page = PageMeta()
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        content = element.get("content")
        if key and content:
            page.tags.setdefault(key.strip().lower(), []).append(content)
    for item in jsonld_objects(tree):
        if isinstance(item.get("@id"), str) and len(item) > 1:
            page.ld_ids.setdefault(item["@id"], item)
        kinds = item.get("@type")
        names = kinds if isinstance(kinds, list) else [kinds]
        if any(isinstance(n, str) and ARTICLE_TYPES.search(n) for n in names):
            page.jsonld.append(item)
    canonical = tree.xpath('//link[@rel="canonical"]/@href')
    page.canonical = str(canonical[0]) if canonical else page.first("og:url")
    return page


def main_blocks(tree: HtmlElement, url: str | None) -> list[Block]:
    """The main text as blocks: trafilatura, with a recall pass when it keeps little."""
    blocks = _trafilatura_blocks(tree, url)
    if sum(len(b.text) for b in blocks) < SHORT_BODY_CHARS:
        more = _trafilatura_blocks(tree, url, favor_recall=True)
        if sum(len(b.text) for b in more) > sum(len(b.text) for b in blocks):
            blocks = more
    return blocks


def read_figures(tree: HtmlElement) -> list[tuple[str, str]]:
    """(caption, credit) of each figure caption on the page, outside foreign blocks."""
    figures: list[tuple[str, str]] = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        is_caption = element.tag == "figcaption" or CAPTION_CLASS.search(element.get("class", ""))
        if not is_caption or _in_foreign(element) or _has_caption_ancestor(element):
            continue
        caption, credit = split_credit(element)
        if (caption or credit) and (caption, credit) not in figures:
            figures.append((caption, credit))
    return figures


def read_related(tree: HtmlElement) -> list[str]:
    """Headlines of the page's related-article lists ("Mehr zum Thema", class "related").

    A list counts when its container's class says so or a heading in it reads like
    "Zum Thema"; each link with a few words of text is one headline.
    """
    headlines: list[str] = []
    for container in _related_containers(tree):
        for link in container.iter("a"):
            text = _clean(link.text_content())
            if len(text.split()) >= RELATED_MIN_WORDS and text not in headlines:
                headlines.append(text)
    return headlines


def _related_containers(tree: HtmlElement) -> list[HtmlElement]:
    """Outermost elements holding a related-article list."""
    found: list[HtmlElement] = []
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in ("nav", "footer", "body", "html"):
            continue
        marks = f"{element.get('class', '')} {element.get('id', '')}"
        heading = element.tag in ("h2", "h3", "h4") and bool(
            RELATED_HEADING.match(_clean(element.text_content()))
        )
        container = element.getparent() if heading else element
        if not (heading or RELATED_CLASS.search(marks)) or container is None:
            continue
        if not any(container is f or _is_ancestor(f, container) for f in found):
            found.append(container)
    return found


def _in_sidebar(element: HtmlElement) -> bool:
    """Whether the element sits in a sidebar, widget or navigation block (site-wide lists)."""
    return any(
        node.tag in ("nav", "aside") or SIDEBAR_CLASS.search(node.get("class", ""))
        for node in element.iterancestors()
    )


def _is_ancestor(ancestor: HtmlElement, element: HtmlElement) -> bool:
    return any(node is ancestor for node in element.iterancestors())


def split_credit(element: HtmlElement) -> tuple[str, str]:
    """Split a caption element into its text and its credit ("Foto: ...", "©", <small>)."""
    credits = [
        _clean(child.text_content())
        for child in element.iter()
        if child is not element
        and isinstance(child.tag, str)
        and (child.tag in ("small", "cite") or CREDIT_CLASS.search(child.get("class", "").lower()))
    ]
    text = _clean(element.text_content())
    credit = " ".join(c for c in credits if c)
    for part in credits:
        text = _clean(text.replace(part, " ")) if part else text
    split = lines_meta.split_caption_credit(text)
    if split:
        text, credit = split[0], credit or split[1]
    elif only := lines_meta.credit_only(text):
        text, credit = "", credit or only
    return text, _strip_credit_label(credit)


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
    _append(blocks, _clean(element.text or ""))
    for child in element:
        tag = child.tag
        if tag in CONTAINER_TAGS and any(grand.tag in BLOCK_TAGS for grand in child):
            _flatten(child, blocks)
        elif tag == "row":
            cells = [_clean(_text(cell)) for cell in child]
            _append(blocks, " | ".join(c for c in cells if c))
        elif tag == "head":
            rend = child.get("rend", "h2")
            _append(blocks, _clean(_text(child)), int(rend[1:]) if rend[1:].isdigit() else 2)
        else:
            _append(blocks, _block_text(child))
        _append(blocks, _clean(child.tail or ""))


def _text(element: Any) -> str:
    """All text inside an element (trafilatura's output tree is plain etree)."""
    return "".join(element.itertext())


def _append(blocks: list[Block], text: str, heading: int = 0) -> None:
    if text:
        blocks.append(Block(text, heading))


def _block_text(element: HtmlElement) -> str:
    """Text of a block with <lb/> kept as line breaks and other whitespace collapsed."""
    for lb in element.iter("lb"):
        lb.tail = "\n" + (lb.tail or "")
    lines = [" ".join(line.split()) for line in _text(element).split("\n")]
    return "\n".join(line for line in lines if line)


def _read_blocks(article: Article, blocks: list[Block], figures: list[tuple[str, str]]) -> None:
    """Sort the main-text blocks into body, subheadings, related headlines and metadata."""
    figure_texts = {_key(t) for pair in figures for t in pair if t}
    title_key = _key(article.title or "")
    related = False
    for raw_block in blocks:
        block = _drop_noise_lines(article, raw_block, figure_texts)
        key = _key(block.text)
        if not key or key in figure_texts or (title_key and key == title_key):
            continue
        line = classify(block.text) if "\n" not in block.text else None
        kind = line.kind if line else Kind.PARA
        if kind in (Kind.END, Kind.TEASER) or _opens_related(block, kind):
            related = True
            continue
        if line and kind is Kind.CAPTION and len(block.text.split()) > CAPTION_MAX_WORDS:
            # A paragraph with a picture credit glued to its end ("...behörden.Foto: x").
            _add_unique(article.photo_credits, _strip_credit_label(line.credit or ""))
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
        _add_unique(article.captions, caption)
        _add_unique(article.photo_credits, credit)


def _add_crossheads(article: Article, tree: HtmlElement) -> None:
    """Headings printed between the first and the last body paragraph that trafilatura left out.

    Only headings standing beside body paragraphs (same parent element) count, not
    those of boxes inside the article. They are added to ``subheadings`` in page
    order; a page where the body paragraphs cannot be found again is left as it is.
    """
    if not article.body:
        return
    keys = {_key(paragraph)[:PROBE_CHARS] for paragraph in article.body}
    first, last = _key(article.body[0])[:PROBE_CHARS], _key(article.body[-1])[:PROBE_CHARS]
    inside, found = False, []
    for element in tree.iter("p", "h2", "h3", "h4", "h5", "h6"):
        key = _key(element.text_content())
        if element.tag == "p":
            inside = inside or key[:PROBE_CHARS] == first
            if inside and key[:PROBE_CHARS] == last:
                break
        elif inside and 0 < len(key.split()) <= NOISE_MAX_WORDS and _beside_body(element, keys):
            text = _clean(element.text_content())
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
    if parent is None or _in_foreign(element):
        return False
    return any(
        child.tag == "p" and _key(child.text_content())[:PROBE_CHARS] in keys for child in parent
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
        elif not (line.kind in SKIPPED_KINDS or _is_site_noise(text) or _key(text) in figure_texts):
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
        _add_unique(article.photo_credits, _strip_credit_label(line.credit or ""))
    elif line.kind is Kind.CAPTION:
        _add_unique(article.captions, line.caption or "")
        _add_unique(article.photo_credits, _strip_credit_label(line.credit or ""))
    elif line.kind in (Kind.SOURCE, Kind.BYLINE) and line.source is not None:
        for agency in line.source.agencies:
            _add_unique(article.agencies, agency)
        for author in line.source.authors:
            if len(author) > 4:
                _add_unique(article.authors, author)
        article.outlet = article.outlet or line.source.outlet
    elif (material := MATERIAL_LINE.match(line.text)) and lines_meta.agencies_in(material[1]):
        for agency in lines_meta.agencies_in(material[1]):
            _add_unique(article.agencies, agency)
    elif copyright_line := COPYRIGHT_LINE.match(line.text):
        rest = copyright_line.group("rest")
        if lines_meta.is_photo_credit(rest):
            _add_unique(article.photo_credits, _clean(rest))
        for agency in [] if lines_meta.is_photo_credit(rest) else lines_meta.agencies_in(rest):
            _add_unique(article.agencies, agency)
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
    description = description or _ld_text(page.ld("description"))
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
            text = _clean(element.text_content())
            if LEAD_MIN_CHARS <= len(text) <= LEAD_MAX_CHARS and not _in_foreign(element):
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
                _add_unique(article.agencies, agency)
            if index == 0 and rest.strip():
                article.body[0] = rest  # the body is the text after the dateline
            break
    for paragraph in [article.lead or "", *article.body[:1], *article.body[-2:]]:
        for mark in SOURCE_MARK.findall(paragraph):
            if not lines_meta.is_photo_credit(mark):
                for agency in lines_meta.agencies_in(mark):
                    _add_unique(article.agencies, agency)


def _read_people(article: Article, tree: HtmlElement, page: PageMeta) -> None:
    """Authors from JSON-LD, meta tags or a byline element; agencies among them apart."""
    names = _ld_names(page.ld("author"), page.ld_ids)
    if not names:
        value = page.first("author", "article:author", "dc.creator", "parsely-author")
        names = [value] if value and not value.startswith("http") else []
    if not names:
        found = extract_author(tree)  # trafilatura's byline XPaths, names joined by "; "
        names = [found] if isinstance(found, str) else []
    for raw in names:
        for name in re.split(r"\s*(?:,|;|/|\bund\b|&)\s*", raw):
            name = AUTHOR_LABEL.sub("", name.strip())
            agency = lines_meta.agency_name(name)
            if agency:
                _add_unique(article.agencies, agency)
            elif _looks_like_name(name):
                _add_unique(article.authors, name)


def _title(tree: HtmlElement, page: PageMeta, names: list[str]) -> tuple[str | None, str | None]:
    """(kicker, title): the headline element when it agrees with the page title."""
    raw = page.first("og:title", "twitter:title") or _ld_text(page.ld("headline"))
    raw = raw or _clean(" ".join(tree.xpath("//title//text()")))
    cleaned = strip_site_suffix(raw, names) if raw else None
    headline = find_headline(tree)
    if headline is None:
        return None, cleaned
    kicker_parts = [
        _clean(e.text_content())
        for e in headline.iter()
        if e is not headline and isinstance(e.tag, str) and KICKER_CLASS.search(e.get("class", ""))
    ]
    kicker = kicker_parts[0] if kicker_parts and kicker_parts[0] else _kicker_above(headline)
    text = _clean(headline.text_content())
    if kicker:
        text = _clean(text.replace(kicker, " ", 1))
    elif cleaned:
        kicker, text = _split_kicker(text, cleaned)
    if not text or (cleaned and not _overlaps(text, cleaned)):
        return None, cleaned or text or None
    return kicker, text


def _kicker_above(headline: HtmlElement) -> str | None:
    """A kicker printed just above the headline (an element whose class says so)."""
    above = headline.getprevious()
    while above is not None and not _clean(above.text_content()):
        above = above.getprevious()
    if above is None or not KICKER_CLASS.search(f"{above.get('class', '')} {above.get('id', '')}"):
        return None
    text = _clean(above.text_content())
    return text if 0 < len(text.split()) <= KICKER_MAX_WORDS * 2 else None


def _split_kicker(headline: str, title: str) -> tuple[str | None, str]:
    """A headline that is a few words followed by the page title: those words are a kicker."""
    words = headline.split()
    target = _key(title)
    for cut in range(1, min(KICKER_MAX_WORDS, len(words) - 1) + 1):
        if _key(" ".join(words[cut:])) == target:
            return " ".join(words[:cut]).rstrip(" :|–-"), " ".join(words[cut:])
    return None, headline


def strip_site_suffix(title: str, names: list[str]) -> str:
    """Drop site names before or after separators: "Titel | Zeitung" gives "Titel".

    ``names`` are the outlet's name and its host; generic archive words ("Blog Archiv",
    "News") next to them go too.
    """
    sites = [flat for flat in (_key(n).replace(" ", "") for n in names) if len(flat) > 1]

    def is_site(part: str) -> bool:
        flat = _key(part).replace(" ", "")
        generic = _key(part) in GENERIC_TITLE_PARTS
        short = len(part.split()) <= SITE_NAME_MAX_WORDS
        return bool(flat) and (generic or any(flat in s or (short and s in flat) for s in sites))

    for _ in range(3):
        title = title.strip(SEPARATOR_CHARS)
        parts = TITLE_SEPARATORS.split(title)
        if len(parts) < 2:
            break
        if is_site(parts[-1]):
            title = _rejoin(title, parts[:-1])
        elif is_site(parts[0]):
            title = _rejoin(title, parts[1:])
        elif "|" in title and len(parts[-1].split()) <= SUFFIX_MAX_WORDS:
            title = _rejoin(title, parts[:-1])
        else:
            break
    return title.strip(SEPARATOR_CHARS)


def _site_names(outlet: str | None, url: str | None) -> list[str]:
    """The outlet's name and the main label of the page's host ("bayrische-bembel")."""
    host = urlsplit(url).hostname if url else None
    label = host.removeprefix("www.").split(".")[0] if host else None
    return [n for n in (outlet, label) if n]


def _rejoin(title: str, parts: list[str]) -> str:
    """The span of the original title covering the kept parts."""
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end].strip() if start >= 0 and end > start else " ".join(parts)


def _outlet(page: PageMeta, url: str | None) -> str | None:
    """og:site_name, the JSON-LD publisher, else the host of the page's URL."""
    name = page.first("og:site_name", "application-name")
    publisher = page.ld("publisher")
    if not name and isinstance(publisher, dict):
        name = _ld_text(publisher.get("name"))
    if name:
        return name
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None


def _section(page: PageMeta, title: str | None) -> str | None:
    """article:section, else JSON-LD articleSection."""
    section = page.first("article:section") or _ld_text(page.ld("articleSection"))
    return section if section and section != title else None


def _tags(tree: HtmlElement, page: PageMeta) -> list[str]:
    """The page's visible tag list; else article:tag, news_keywords or JSON-LD keywords.

    The plain ``keywords`` meta tag is left out: it holds search-engine terms that the
    page does not print.
    """
    values = _visible_tags(tree)
    if not values:
        values = [*page.tags.get("article:tag", []), *page.tags.get("news_keywords", [])]
    keywords = page.ld("keywords")
    if not values and keywords:
        values = keywords if isinstance(keywords, list) else [str(keywords)]
    tags: list[str] = []
    seen: set[str] = set()
    for value in values:
        for tag in re.split(r"\s*[,;]\s*", str(value)):
            tag = _clean(tag)
            if tag and len(tag) <= TAG_MAX_CHARS and tag.lower() not in seen:
                seen.add(tag.lower())
                tags.append(tag)
    return tags


def _visible_tags(tree: HtmlElement) -> list[str]:
    """Link texts of the first tag list (class "tags", "schlagwörter", rel="tag")."""
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in ("a", "meta", "link", "body"):
            continue
        marks = f"{element.get('class', '')} {element.get('id', '')}"
        if TAG_LIST_CLASS.search(marks) and not _in_sidebar(element):
            links = [_clean(a.text_content()) for a in element.iter("a")]
            if links := [link for link in links if link]:
                return links
    return [_clean(a.text_content()) for a in tree.xpath('//a[@rel="tag"]')]


def _ld_text(value: Any) -> str | None:
    """A JSON-LD value as one string: the first of a list, the name of an object."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return _clean(value) if isinstance(value, str) and value.strip() else None


def _ld_names(value: Any, ids: dict[str, dict[str, Any]]) -> list[str]:
    """Names of JSON-LD authors (a string, an object, a reference by @id, or a list)."""
    items = value if isinstance(value, list) else [value]
    resolved = [
        ids.get(item["@id"], item) if isinstance(item, dict) and "@id" in item else item
        for item in items
    ]
    names = [_ld_text(item) for item in resolved]
    return [n for n in names if n]


def _looks_like_name(text: str) -> bool:
    """A person's name: one to five words, mostly capitalised, no digits, short."""
    words = text.split()
    if not 1 <= len(words) <= 5 or len(text) > AUTHOR_MAX_CHARS or re.search(r"\d|@|http", text):
        return False
    capitals = sum(1 for w in words if w[:1].isupper())
    return capitals >= max(1, len(words) - 1)


def _in_foreign(element: HtmlElement) -> bool:
    """Whether the element sits in a comment, related-list, sidebar or footer block."""
    node = element
    while node is not None and node.tag not in ("body", "html"):
        if node.tag in ("nav", "footer") or FOREIGN_CLASS.search(node.get("class", "").lower()):
            return True
        node = node.getparent()
    return False


def _has_caption_ancestor(element: HtmlElement) -> bool:
    """Whether a caption element is nested in another caption (count it once)."""
    node = element.getparent()
    while node is not None:
        if node.tag == "figcaption" or CAPTION_CLASS.search(node.get("class", "")):
            return True
        node = node.getparent()
    return False


def _strip_credit_label(credit: str) -> str:
    """ "Foto: dpa/Name" -> "dpa/Name"; "© Name" -> "Name"."""
    credit = re.sub(
        r"^\(?\s*(?:fotos?|bilder?|photo|credit|copyright|quelle)\s*:\s*", "", credit, flags=re.I
    )
    return _clean(credit.lstrip("©").strip(" ()"))


def _same_start(short: str, long: str) -> bool:
    """Whether two texts open with the same words (a teaser and its paragraph)."""
    a, b = _key(short).rstrip(". …"), _key(long)
    probe = a[: min(len(a), 80)]
    return bool(probe) and (b.startswith(probe) or a.startswith(b[:80]))


def _overlaps(a: str, b: str) -> bool:
    """Whether half of the words of ``a`` occur in ``b``."""
    words_a, words_b = set(_key(a).split()), set(_key(b).split())
    return bool(words_a) and len(words_a & words_b) >= len(words_a) / 2


def _add_unique(items: list[str], value: str) -> None:
    if value and value not in items:
        items.append(value)


def _key(text: str) -> str:
    """Lower-case words only, for comparing texts."""
    return " ".join(re.findall(r"\w+", text.lower()))


def _clean(text: str) -> str:
    """Collapse whitespace."""
    return " ".join(text.split())
