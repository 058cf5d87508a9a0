"""What an HTML page says about its article outside the text: title, kicker, outlet,
section, tags and authors, from meta tags, JSON-LD and the page's own elements."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lxml.html import HtmlElement
from trafilatura.metadata import extract_author

from lagebild.extract import meta as lines_meta
from lagebild.extract.htmldates import find_headline, jsonld_objects
from lagebild.extract.htmltext import add_unique, clean_text, mostly_overlaps, text_key
from lagebild.model import Article

TITLE_SEPARATORS = re.compile(r"\s+[|–—·»:-]\s+|\s+[|·]\s*")
SEPARATOR_CHARS = " |–—·»:-"
SITE_NAME_MAX_WORDS = 5
KICKER_CLASS = re.compile(r"kicker|dachzeile|topline|overline|roofline|spitzmarke|eyebrow", re.I)
KICKER_MAX_WORDS = 6
SUFFIX_MAX_WORDS = 4  # "Titel | Ein Portal" : a short part after a pipe is the site
GENERIC_TITLE_PARTS = {"blog archiv", "archiv", "blog", "news", "home", "startseite", "aktuelles"}
AUTHOR_MAX_CHARS = 80
# Labels that bylines print before the names ("Post author By", "Geschrieben von").
# A role or a language's "by" before a byline's name: "Par Stefan Häne", "Interview Julia
# Lauter", "FOCUS-Online-Experte Robin Tschöpe".
AUTHOR_ROLE = re.compile(
    r"^(?:par|interview|gastbeitrag|gastautor(?:in)?|kommentar|text"
    r"|[\w-]*-?(?:experte|expertin|korrespondent(?:in)?|redakteur(?:in)?))\s*:?\s+"
    r"(?=(?-i:[A-ZÄÖÜ]))",
    re.I,
)
_LEGAL_FORMS = r"GmbH(?: & Co\. KG)?|AG|KG|SE|Ltd\.?|Inc\.?|LLC"
# Names of companies, not of people: "Perform Media Deutschland GmbH", "wegewerk GmbH".
COMPANY_END = re.compile(rf"\b(?:{_LEGAL_FORMS}|Verlag|Media|Redaktion)$")
# A company form after an outlet's name: "oe24 GmbH".
COMPANY_FORM = re.compile(rf"\s+(?:{_LEGAL_FORMS})$")
# Where a site name joins its parts: "scinexx | Das Wissensmagazin", "name - slogan".
SITE_NAME_JOIN = re.compile(r"\s+[|–—-]\s+")
# A credit word standing in an author field: "zvg" (zur Verfügung gestellt).
CREDIT_WORDS = frozenset({"zvg", "privat", "pd", "handout"})
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
                    return clean_text(value)
        return None

    def ld(self, key: str) -> Any:
        """The first value of a key in the article-like JSON-LD objects."""
        for item in self.jsonld:
            if item.get(key):
                return item[key]
        return None


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


def _in_sidebar(element: HtmlElement) -> bool:
    """Whether the element sits in a sidebar, widget or navigation block (site-wide lists)."""
    return any(
        node.tag in ("nav", "aside") or SIDEBAR_CLASS.search(node.get("class", ""))
        for node in element.iterancestors()
    )


def read_people(article: Article, tree: HtmlElement, page: PageMeta) -> None:
    """Authors from JSON-LD, meta tags or a byline element; agencies among them apart."""
    names = _ld_names(page.ld("author"), page.ld_ids)
    if not names:
        value = page.first("author", "article:author", "dc.creator", "parsely-author")
        names = [value] if value and not value.startswith("http") else []
    if not names:
        found = extract_author(tree)  # trafilatura's byline XPaths, names joined by "; "
        names = [found] if isinstance(found, str) else []
    site = {
        _name_key(part)
        for name in (article.outlet, page.first("og:site_name"))
        if name
        for part in [name, *SITE_NAME_JOIN.split(name)]
    }
    for raw in names:
        for name in re.split(r"\s*(?:,|;|/|\bund\b|&)\s*", raw):
            name = AUTHOR_ROLE.sub("", AUTHOR_LABEL.sub("", name.strip()))
            agency = lines_meta.agency_name(name)
            if agency:
                add_unique(article.agencies, agency)
            elif _looks_like_name(name) and not _no_person(name, site):
                add_unique(article.authors, name)


def _name_key(name: str) -> str:
    """A name without a leading article, case folded: "Die FURCHE" = "Furche"."""
    return re.sub(r"^(?:die|der|das|the)\s+", "", name.strip().casefold())


def _no_person(name: str, site: set[str]) -> bool:
    """An author field holding the site, a company, a broadcaster's acronym ("NDR") or a
    picture credit ("zvg", provided), not a person."""
    return (
        _name_key(name) in site
        or bool(COMPANY_END.search(name))
        or (name.isupper() and len(name) <= 5)
        or name.casefold() in CREDIT_WORDS
    )


def read_title(
    tree: HtmlElement, page: PageMeta, names: list[str]
) -> tuple[str | None, str | None]:
    """(kicker, title): the headline element when it agrees with the page title."""
    raw = page.first("og:title", "twitter:title") or ld_text(page.ld("headline"))
    raw = raw or clean_text(" ".join(tree.xpath("//title//text()")))
    cleaned = strip_site_suffix(raw, names) if raw else None
    headline = find_headline(tree)
    if headline is None:
        return None, cleaned
    kicker_parts = [
        clean_text(e.text_content())
        for e in headline.iter()
        if e is not headline and isinstance(e.tag, str) and KICKER_CLASS.search(e.get("class", ""))
    ]
    kicker = kicker_parts[0] if kicker_parts and kicker_parts[0] else _kicker_above(headline)
    text = clean_text(headline.text_content())
    if kicker:
        text = clean_text(text.replace(kicker, " ", 1))
    elif cleaned:
        kicker, text = _split_kicker(text, cleaned)
    if not text or (cleaned and not mostly_overlaps(text, cleaned)):
        return None, cleaned or text or None
    return kicker, text


def _kicker_above(headline: HtmlElement) -> str | None:
    """A kicker printed just above the headline (an element whose class says so)."""
    above = headline.getprevious()
    while above is not None and not clean_text(above.text_content()):
        above = above.getprevious()
    if above is None or not KICKER_CLASS.search(f"{above.get('class', '')} {above.get('id', '')}"):
        return None
    text = clean_text(above.text_content())
    return text if 0 < len(text.split()) <= KICKER_MAX_WORDS * 2 else None


def _split_kicker(headline: str, title: str) -> tuple[str | None, str]:
    """A headline that is a few words followed by the page title: those words are a kicker."""
    words = headline.split()
    target = text_key(title)
    for cut in range(1, min(KICKER_MAX_WORDS, len(words) - 1) + 1):
        if text_key(" ".join(words[cut:])) == target:
            return " ".join(words[:cut]).rstrip(" :|–-"), " ".join(words[cut:])
    return None, headline


def strip_site_suffix(title: str, names: list[str]) -> str:
    """Drop site names before or after separators: "Titel | Zeitung" gives "Titel".

    ``names`` are the outlet's name and its host; generic archive words ("Blog Archiv",
    "News") next to them go too.
    """
    sites = [flat for flat in (text_key(n).replace(" ", "") for n in names) if len(flat) > 1]

    def is_site(part: str) -> bool:
        flat = text_key(part).replace(" ", "")
        generic = text_key(part) in GENERIC_TITLE_PARTS
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


def site_names(outlet: str | None, url: str | None) -> list[str]:
    """The outlet's name and the main label of the page's host ("bayrische-bembel")."""
    host = urlsplit(url).hostname if url else None
    label = host.removeprefix("www.").split(".")[0] if host else None
    return [n for n in (outlet, label) if n]


def _rejoin(title: str, parts: list[str]) -> str:
    """The span of the original title covering the kept parts."""
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end].strip() if start >= 0 and end > start else " ".join(parts)


def read_outlet(page: PageMeta, url: str | None) -> str | None:
    """og:site_name, the JSON-LD publisher, else the host of the page's URL."""
    name = page.first("og:site_name", "application-name")
    publisher = page.ld("publisher")
    if not name and isinstance(publisher, dict):
        name = ld_text(publisher.get("name"))
    if name:
        return _outlet_name(name) or name
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None


def _outlet_name(name: str) -> str:
    """A site name as a reader names the outlet: without a URL's scheme, "www." and
    slash ("https://www.fr.de"), without a company form ("oe24 GmbH"), and of "name |
    slogan" or "article | name" the shorter part ("scinexx | Das Wissensmagazin")."""
    name = re.sub(r"^https?://", "", name.strip()).removeprefix("www.").rstrip("/")
    parts = [p for p in SITE_NAME_JOIN.split(name) if p]
    if len(parts) > 1:
        name = min(parts, key=lambda p: len(p.split()))
    return COMPANY_FORM.sub("", name).strip()


def read_section(page: PageMeta, title: str | None) -> str | None:
    """article:section, else JSON-LD articleSection."""
    section = page.first("article:section") or ld_text(page.ld("articleSection"))
    return section if section and section != title else None


def read_tags(tree: HtmlElement, page: PageMeta) -> list[str]:
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
            tag = clean_text(tag)
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
            links = [clean_text(a.text_content()) for a in element.iter("a")]
            if links := [link for link in links if link]:
                return links
    return [clean_text(a.text_content()) for a in tree.xpath('//a[@rel="tag"]')]


def ld_text(value: Any) -> str | None:
    """A JSON-LD value as one string: the first of a list, the name of an object."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return clean_text(value) if isinstance(value, str) and value.strip() else None


def _ld_names(value: Any, ids: dict[str, dict[str, Any]]) -> list[str]:
    """Names of JSON-LD authors (a string, an object, a reference by @id, or a list)."""
    items = value if isinstance(value, list) else [value]
    resolved = [
        ids.get(item["@id"], item) if isinstance(item, dict) and "@id" in item else item
        for item in items
    ]
    names = [ld_text(item) for item in resolved]
    return [n for n in names if n]


def _looks_like_name(text: str) -> bool:
    """A person's name: one to five words, mostly capitalised, no digits, short."""
    words = text.split()
    if not 1 <= len(words) <= 5 or len(text) > AUTHOR_MAX_CHARS or re.search(r"\d|@|http", text):
        return False
    capitals = sum(1 for w in words if w[:1].isupper())
    return capitals >= max(1, len(words) - 1)
