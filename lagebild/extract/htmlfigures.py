"""Page furniture around the article text: figure captions with their credits, and
related-article lists, which must not end up in the body."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from lagebild.extract import meta as lines_meta
from lagebild.extract.htmltext import clean_text

CAPTION_CLASS = re.compile(r"caption|bildunterschrift|bildtext|legende|image-?text", re.I)
CREDIT_CLASS = re.compile(r"credit|copyright|source|quelle|photographer|fotograf|urheber|rights")
FOREIGN_CLASS = re.compile(
    r"comment|kommentar|teaser-list|related|sidebar|footer|widget|recommend|navigation|\bnav\b"
)
# Headings and labels that open related-article lists, contact boxes and the like.
RELATED_WORDS = (
    r"lesen sie (?:auch|mehr|hier|weiter)|zum weiterlesen|weiterlesen|schon gelesen|"
    r"weitere (?:beiträge|artikel|informationen|infos|meldungen|nachrichten|themen|links|"
    r"\w*tipps|\w*artikel)|mehr (?:zum thema|dazu|zu |zur |zum |aus |von |informationen|infos)|"
    r"auch interessant|das könnte|top-?themen|beiträge aus|passend (?:dazu|zum thema)|"
    r"(?:ähnliche|verwandte|neueste|beliebte|empfohlene) (?:artikel|beiträge|themen|links)|"
    r"meistgelesen"
)
RELATED_HEADING = re.compile(rf"^(?:{RELATED_WORDS}|zum thema)", re.I)
RELATED_CLASS = re.compile(
    r"(?:^|[\s_-])(?:related|verwandte?|more-(?:stories|articles|posts)|weitere|zum-?thema|"
    r"read-?more|recommend\w*|empfehlung\w*)(?:$|[\s_-])",
    re.I,
)
RELATED_MIN_WORDS = 3


def read_figures(tree: HtmlElement) -> list[tuple[str, str]]:
    """(caption, credit) of each figure caption on the page, outside foreign blocks."""
    figures: list[tuple[str, str]] = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        is_caption = element.tag == "figcaption" or CAPTION_CLASS.search(element.get("class", ""))
        if not is_caption or in_foreign(element) or _has_caption_ancestor(element):
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
            text = clean_text(link.text_content())
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
            RELATED_HEADING.match(clean_text(element.text_content()))
        )
        container = element.getparent() if heading else element
        if not (heading or RELATED_CLASS.search(marks)) or container is None:
            continue
        if not any(container is f or _is_ancestor(f, container) for f in found):
            found.append(container)
    return found


def _is_ancestor(ancestor: HtmlElement, element: HtmlElement) -> bool:
    return any(node is ancestor for node in element.iterancestors())


def split_credit(element: HtmlElement) -> tuple[str, str]:
    """Split a caption element into its text and its credit ("Foto: ...", "©", <small>)."""
    credits = [
        clean_text(child.text_content())
        for child in element.iter()
        if child is not element
        and isinstance(child.tag, str)
        and (child.tag in ("small", "cite") or CREDIT_CLASS.search(child.get("class", "").lower()))
    ]
    text = clean_text(element.text_content())
    credit = " ".join(c for c in credits if c)
    for part in credits:
        text = clean_text(text.replace(part, " ")) if part else text
    split = lines_meta.split_caption_credit(text)
    if split:
        text, credit = split[0], credit or split[1]
    elif only := lines_meta.credit_only(text):
        text, credit = "", credit or only
    return text, strip_credit_label(credit)


def in_foreign(element: HtmlElement) -> bool:
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


def strip_credit_label(credit: str) -> str:
    """ "Foto: dpa/Name" -> "dpa/Name"; "© Name" -> "Name"."""
    credit = re.sub(
        r"^\(?\s*(?:fotos?|bilder?|photo|credit|copyright|quelle)\s*:\s*", "", credit, flags=re.I
    )
    return clean_text(credit.lstrip("©").strip(" ()"))
