"""Publication dates of HTML pages: htmldate underneath, lagebild's own rules on top.

The cascade, in order (the first source that gives a date wins):

1. a date the page labels as its publication date in visible text
   ("Veröffentlicht am 12.03.2026", "Erstellt am:", "Publiziert:", "Datum:");
2. the date printed in the article's byline: the first element after the headline
   whose class, id or itemprop says it holds a date ("date", "datum", "time", ...),
   outside comments and teaser lists;
3. structured data: JSON-LD ``datePublished``, ``article:published_time``,
   ``itemprop="datePublished"``;
4. htmldate with ``original_date=True`` and its extensive search.

Dates come back as ISO 8601 strings "as printed": a date (``2026-03-12``), or a date
and time when the source gives one (``2026-03-12T09:47``).

Example::

    >>> find_published('<html><body><h1>T</h1><p class="date">12.03.2026, 09:47 Uhr</p>'
    ...                '<p>Text</p></body></html>')
    '2026-03-12T09:47'
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from htmldate import find_date
from lxml.html import (
    HtmlElement,
    HTMLParser,
    document_fromstring,
)

from lagebild.extract.dates import find_dates

# The text reaches the parser decoded: it is told UTF-8 so a page's <meta charset> is ignored.
_PARSER = HTMLParser(encoding="utf-8", remove_comments=True)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ISO_RE = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)([.,]\d+)?(Z|[+-]\d{2}:?\d{2})?)?"
)

# Words that introduce the publication date in German page furniture.
LABEL_RE = re.compile(
    r"(?:veröffentlicht|erstellt|publiziert|erschienen|datum|eingestellt|online seit)"
    r"(?:\s+(?:am|vom|seit))?\s*:?\s*(?:[A-Za-zäöüÄÖÜ]+,?\s+)?(?:den\s+)?",
    re.IGNORECASE,
)
DATE_HINT_RE = re.compile(
    r"date|datum|time|zeit|publish|dateline|posted|timestamp|autor|author|byline|meta",
    re.IGNORECASE,
)
# Containers whose dates belong to other texts (comments, teasers) or to the site.
FOREIGN_RE = re.compile(
    r"comment|kommentar|teaser|related|sidebar|aside|footer|widget|recommend|navigation|navbar"
    r"|\bnav\b|weitere|more-|similar|archive|calendar|event|termin|embed|instagram|twitter",
    re.IGNORECASE,
)
MODIFIED_RE = re.compile(r"modified|update", re.IGNORECASE)
FOREIGN_TAGS = {"nav", "footer", "blockquote"}
HEADLINE_MIN_OVERLAP = 0.5  # share of a headline's words found in the page title
STRUCTURED_XPATHS = (
    '//meta[@property="article:published_time"]/@content',
    '//meta[@name="article:published_time"]/@content',
    '//meta[@property="og:article:published_time"]/@content',
    '//meta[@name="og:article:published_time"]/@content',
    '//*[@itemprop="datePublished"]/@content',
    '//*[@itemprop="datePublished"]/@datetime',
)
SLASHED_DATE = re.compile(r"(?<!\d)([0-3]?\d)/([01]?\d)/((?:19|20)\d\d)(?!\d)")
LOCAL_ZONE = ZoneInfo("Europe/Berlin")
LABEL_REACH = 60  # characters after a label in which its date must start
# htmldate's extensive search (dateparser on free text) as the last rule: on the 207
# htmldate German dev pages it makes the cascade 190 instead of 186 days right, at about
# three times the cost (45 instead of 130 pages/s).
HTMLDATE_EXTENSIVE = True
MIN_YEAR = 1995  # the web news era; earlier "dates" are version numbers or history
SKIP_TAGS = {"script", "style", "noscript", "template", "svg"}
# How far (characters of text) after the headline a byline date may sit. On the
# htmldate German dev pages (207) any window from 1000 to 4000 gave the same 189 correct
# days with the cascade; 2000 is the middle.
BYLINE_WINDOW = 2000
BYLINE_TEXT_LIMIT = 120  # a byline element longer than this is running text, not a date line


def find_published(page: str | HtmlElement, url: str | None = None) -> str | None:
    """Return the publication date of an HTML page as an ISO string, or None."""
    tree = page if isinstance(page, HtmlElement) else parse_html(page)
    if tree is None:
        return None
    for _name, rule in RULES:
        found = rule(tree, url)
        if found:
            return found
    return None


def date_candidates(tree: HtmlElement, url: str | None = None) -> dict[str, str | None]:
    """Each rule of the cascade with the date it gives, in cascade order (for diagnosis)."""
    return {name: rule(tree, url) for name, rule in RULES}


def labelled_date(text: str) -> str | None:
    """The first date directly after a publication label in the page text."""
    for label in LABEL_RE.finditer(text):
        dates = find_dates(text[label.end() : label.end() + LABEL_REACH])
        if dates and dates[0].start == 0:
            return dates[0].iso
    return None


def byline_date(tree: HtmlElement, window: int = BYLINE_WINDOW) -> str | None:
    """The first date-marked element within ``window`` characters of text after the headline.

    Dates above the headline were tried too and cost more than they gained (site date
    bars sit there).
    """
    headline = find_headline(tree)
    if headline is None:
        return None
    elements = tree.iter()
    for element in elements:
        if element is headline:
            break
    passed = 0
    for element in elements:
        passed += _own_text_length(element)
        if passed > window:
            break
        if _is_byline_date(element) and (found := _element_date(element)):
            return found
    return None


def structured_date(tree: HtmlElement) -> str | None:
    """``datePublished`` from meta tags, microdata or JSON-LD."""
    for xpath in STRUCTURED_XPATHS:
        for value in tree.xpath(xpath):
            if found := parse_iso(str(value)):
                return found
    for item in jsonld_objects(tree):
        value = item.get("datePublished")
        if isinstance(value, str) and (found := parse_iso(value)):
            return found
    return None


def htmldate_date(tree: HtmlElement, url: str | None = None) -> str | None:
    """htmldate's guess for the original publication date, with the time when it has one."""
    found = find_date(
        tree,
        url=url,
        original_date=True,
        extensive_search=HTMLDATE_EXTENSIVE,
        outputformat="%Y-%m-%dT%H:%M:%S",
    )
    if not found:
        return None
    day, _, clock = str(found).partition("T")
    return day if clock in ("", "00:00:00") else f"{day}T{clock.removesuffix(':00')}"


def find_headline(tree: HtmlElement) -> HtmlElement | None:
    """The article's headline element: the h1 (else h2) whose words best match the title.

    A page without a <title> falls back to its first h1; a page whose headings share
    too few words with its title has no headline here (its h1 is the site's logo).
    """
    title_words = _words(
        " ".join(tree.xpath("//title//text()|//meta[@property='og:title']/@content"))
    )
    if not title_words:
        return _first_nonempty(tree, "h1")
    for tag in ("h1", "h2"):
        best, best_score = None, 0.0
        for element in tree.iter(tag):
            words = _words(element.text_content())
            score = len(words & title_words) / len(words) if words else 0.0
            if score > best_score:
                best, best_score = element, score
        if best is not None and best_score >= HEADLINE_MIN_OVERLAP:
            return best
    return None


Rule = Callable[[HtmlElement, str | None], str | None]
RULES: tuple[tuple[str, Rule], ...] = (
    ("labelled", lambda tree, _url: labelled_date(visible_text(tree))),
    ("byline", lambda tree, _url: byline_date(tree)),
    ("structured", lambda tree, _url: structured_date(tree)),
    ("htmldate", htmldate_date),
)


def jsonld_objects(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON object in the page's JSON-LD blocks, ``@graph`` members included."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content() or "null")
        except ValueError:
            continue
        yield from _walk_jsonld(data)


def parse_german_date(text: str) -> str | None:
    """The first German (or ISO) date in ``text`` as ISO, with the time if printed.

    Besides the shapes of ``lagebild.extract.dates``, a day-first ``26/12/2019`` counts
    (blog themes print it).
    """
    dates = [found for found in find_dates(text) if _valid_day(found.day)]
    if dates:
        return dates[0].iso
    slashed = SLASHED_DATE.search(text)
    if slashed:
        day, month, year = (int(part) for part in slashed.groups())
        return _valid_day(f"{year:04d}-{month:02d}-{day:02d}")
    return None


def parse_iso(value: str) -> str | None:
    """A structured-data date or datetime as the page would print it, or None.

    Pages print local time without an offset, so a datetime with an offset is turned
    into Europe/Berlin time (the zone of German, Austrian and Swiss pages) and the
    offset dropped; zero seconds are dropped too ("2026-03-18T19:40:00+01:00" gives
    "2026-03-18T19:40"). A midnight time is taken as no time at all.
    """
    match = ISO_RE.match(value.strip())
    if not match or _valid_day(match.group(1)) is None:
        return None
    day, clock, _, zone = match.groups()
    if not clock or clock in ("00:00", "00:00:00"):
        return day
    if zone:
        stamp = datetime.fromisoformat(f"{day}T{clock}{_iso_zone(zone)}")
        local = stamp.astimezone(LOCAL_ZONE)
        day, clock = local.date().isoformat(), local.strftime("%H:%M:%S")
    return f"{day}T{clock.removesuffix(':00') if len(clock) == 8 else clock}"


def _iso_zone(zone: str) -> str:
    """ "Z" or "+0100" as "+00:00" or "+01:00", the form ``fromisoformat`` reads everywhere."""
    if zone == "Z":
        return "+00:00"
    return zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"


def visible_text(tree: HtmlElement) -> str:
    """The page's text without scripts and styles, whitespace collapsed."""
    parts: list[str] = []
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in SKIP_TAGS:
            if element.tail:
                parts.append(element.tail)
            continue
        if element.text:
            parts.append(element.text)
        if element.tail:
            parts.append(element.tail)
    return re.sub(r"\s+", " ", " ".join(parts))


def _walk_jsonld(data: Any) -> Iterator[dict[str, Any]]:
    """Depth-first walk through lists and ``@graph`` members of a JSON-LD value."""
    if isinstance(data, list):
        for item in data:
            yield from _walk_jsonld(item)
    elif isinstance(data, dict):
        yield data
        yield from _walk_jsonld(data.get("@graph"))


def parse_html(html: str) -> HtmlElement | None:
    """Parse an HTML string, or None when there is no document in it.

    The text is already decoded: the parser is told it is UTF-8 so a ``<meta charset>``
    in the page cannot make lxml decode it a second time.
    """
    if not html.strip():
        return None
    # Control characters are never page text, and lxml refuses to set text holding
    # them, which made trafilatura drop a whole page over one stray byte.
    html = _CONTROL_CHARS.sub("", html)
    try:
        tree = document_fromstring(html.encode("utf-8", errors="replace"), parser=_PARSER)
    except (ValueError, TypeError, SyntaxError):
        return None
    if not isinstance(tree, HtmlElement):
        return None
    for style in tree.xpath("//style"):
        style.drop_tree()  # CSS is never text, but lxml counts it in text_content()
    return tree


def _words(text: str) -> set[str]:
    """The lower-cased words of a text, for overlap tests."""
    return set(re.findall(r"\w+", text.lower()))


def _first_nonempty(tree: HtmlElement, tag: str) -> HtmlElement | None:
    """The first element of that tag with some text."""
    for element in tree.iter(tag):
        if element.text_content().strip():
            return element
    return None


def _own_text_length(element: HtmlElement) -> int:
    """Length of the element's own leading text (scripts and styles count as none)."""
    if not isinstance(element.tag, str) or element.tag in SKIP_TAGS:
        return 0
    return len((element.text or "").strip())


def _is_byline_date(element: HtmlElement) -> bool:
    """Whether the element is marked as a date and sits outside foreign blocks."""
    if not isinstance(element.tag, str) or element.tag in SKIP_TAGS:
        return False
    return _marked_as_date(element) and not _in_foreign_container(element)


def _marked_as_date(element: HtmlElement) -> bool:
    """Whether the element's tag, class, id or itemprop says it holds a date."""
    if element.tag == "time":
        return True
    hints = " ".join(element.get(name, "") for name in ("class", "id", "itemprop"))
    return bool(DATE_HINT_RE.search(hints)) and not MODIFIED_RE.search(hints)


def _in_foreign_container(element: HtmlElement) -> bool:
    """Whether the element sits in a comment, teaser, navigation or sidebar block."""
    node: HtmlElement | None = element
    while node is not None:
        if node.tag in FOREIGN_TAGS:
            return True
        hints = f"{node.get('class', '')} {node.get('id', '')}"
        if FOREIGN_RE.search(hints):
            return True
        node = node.getparent()
        if node is not None and node.tag in ("body", "html"):
            return False
    return False


def _element_date(element: HtmlElement) -> str | None:
    """The date of a date-marked element: its text, else its datetime/content attribute."""
    text = re.sub(r"\s+", " ", element.text_content()).strip()
    if text and len(text) <= BYLINE_TEXT_LIMIT and (found := parse_german_date(text)):
        return found
    for name in ("datetime", "content"):
        value = element.get(name)
        if value and (found := parse_iso(value)):
            return found
    return None


def _valid_day(iso: str) -> str | None:
    """``iso`` when it names a real day between MIN_YEAR and next year, else None."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
        return None
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return None
    if not MIN_YEAR <= day.year <= date.today().year + 1:
        return None
    return iso
