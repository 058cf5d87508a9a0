"""Line kinds of a scraped plain-text news page.

Each line of a page is given one kind by rules that look at the line alone; the
plain-text extractor then reads the sequence of kinds as header, body and tail.
The order of the checks in ``classify`` matters: a more specific kind is tried first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from lagebild.extract import meta
from lagebild.extract.dates import parse_date_line


class Kind(Enum):
    """What one line of a page is."""

    BLANK = "blank"
    DATE = "date"
    BREADCRUMB = "breadcrumb"
    SLUG = "slug"
    BYLINE = "byline"
    SOURCE = "source"
    CREDIT = "credit"
    CAPTION = "caption"
    NOISE = "noise"  # share prompts, cookie and newsletter text: dropped wherever seen
    END = "end"  # the article is over: comment notices, "Weitere Meldungen"
    AD = "ad"
    TEASER = "teaser"
    TAGS = "tags"
    SHORT = "short"  # headline-like: title, kicker, section, subheading
    PARA = "para"  # prose


@dataclass
class Line:
    """One line of a page with its kind and what the rules read from it."""

    text: str
    kind: Kind
    caption: str | None = None
    credit: str | None = None
    date: str | None = None
    source: meta.SourceInfo | None = None


# Lines a site prints around every article. Matched against the whole stripped line.
NOISE_LINES = re.compile(
    r"^(?:(?:diesen |den )?(?:artikel|beitrag|seite) (?:teilen|versenden|drucken|merken|"
    r"empfehlen|vorlesen(?: lassen)?)|teilen(?: auf| per| via)?(?: \w+)?:?|"
    r"(?:auf )?(?:facebook|twitter|x|whatsapp|linkedin|telegram|e-mail|e-mail senden|"
    r"pinterest|xing|threads|bluesky)(?: teilen)?|drucken|merken|vorlesen|"
    r"(?:zum )?newsletter(?: abonnieren| anmelden| bestellen)?.*|"
    r"jetzt (?:kostenlos )?(?:abonnieren|registrieren|anmelden|weiterlesen).*|"
    r"(?:wir verwenden|diese (?:website|seite) (?:verwendet|nutzt)) cookies.*|"
    r"cookie-?(?:einstellungen|hinweis|banner).*|datenschutz(?:einstellungen|erklärung)?|"
    r"impressum|kontakt|nach oben|zurück(?: zur (?:startseite|übersicht))?|zur startseite|"
    r"(?:audio|video|bild|foto)(?:s)?(?: \d+)?(?: von \d+)?|"
    r"\d+ kommentare?|kommentare?(?: \(\d+\))?|jetzt kommentieren|kommentieren|"
    r"lesezeit:? .{1,20}|mehr anzeigen|alle artikel|abonnieren|anmelden|einloggen|"
    r"hinweis: .{0,80}(?:affiliate|provision).*)$",
    re.IGNORECASE,
)
END_LINES = re.compile(
    r"^(?:die kommentare sind geschlossen\.?|kommentare sind geschlossen\.?|"
    r"die kommentarfunktion (?:ist|wurde) .*|"
    r"weitere (?:meldungen|artikel|nachrichten|themen|beiträge)|mehr zum thema:?|"
    r"lesen sie (?:auch|mehr):?|das könnte (?:sie|dich|euch) auch interessieren:?|"
    r"(?:diese|weitere) (?:artikel|beiträge) könnten (?:sie|dich|euch) auch interessieren:?|"
    r"auch interessant:?|(?:\d+\s+){0,2}login für vote|"
    r"(?:verwandte|ähnliche) (?:artikel|themen|beiträge):?|meistgelesen|top-?themen|"
    r"neueste artikel|empfehlungen der redaktion|mehr aus (?:dem )?ressort.*)$",
    re.IGNORECASE,
)
# Related blocks start with one of the END lines above; these open a teaser list.
RELATED_HEADS = re.compile(
    r"^(?:weitere|mehr zum|lesen sie|das könnte|auch interessant|verwandte|ähnliche|"
    r"meistgelesen|top-?themen|neueste|empfehlungen|mehr aus)",
    re.IGNORECASE,
)
# A paragraph asking the reader for money or a subscription, printed after the article:
# "Helfen Sie mit, unseren Journalismus ...", "❤ WinFuture unterstützen".
APPEAL_LINES = re.compile(
    r"^\W*(?:helfen sie mit\b|unterstützen sie (?:uns|unseren|unsere|den|die|das)\b"
    r"|jetzt (?:unterstützen|spenden|abonnieren)\b|spenden sie\b|werden sie (?:mitglied|abonnent)"
    r"|wenn ihnen (?:dieser|der|unser) (?:artikel|beitrag|journalismus) gef[äa]ll"
    r"|[\w.-]+ unterstützen\W*$)",
    re.IGNORECASE,
)
AD_LINES = re.compile(r"^(?:anzeige|werbung|sponsored|advertorial|promotion)$", re.IGNORECASE)
_TEASER_END = re.compile(
    r"(?:\((?P<section>[^(),]{2,30}),\s*[^()]{6,30}\)\s*)?"
    r"(?:weiterlesen|mehr lesen|zum artikel|mehr)\s*(?:\.\.\.|…|»|>)?\s*$",
    re.IGNORECASE,
)
_BREADCRUMB = re.compile(
    r"^(?:(?:aktuelle seite|sie sind hier|du bist hier)\s*:\s*)?"
    r"(?:home|startseite|start)\s*(?:>|»|/|›|\|)\s*",
    re.IGNORECASE,
)
_SLUG = re.compile(r"^[\wÄÖÜäöüß]+(?:[-_][\wÄÖÜäöüß]+){3,}(?:\.(?:jpe?g|png|webp|gif))?$")
_IMAGE_FILE = re.compile(r"^\S+\.(?:jpe?g|png|webp|gif)$", re.IGNORECASE)
_CAPTION_MARK = re.compile(r"\((?:Archivbild|Symbolbild|Archivfoto|Symbolfoto)\)\s*$")
# A lower-case letter run directly followed by a capital: where a tag list lost its
# separators ("RusslandDonald Trump").
GLUE = re.compile(r"(?<=[a-zäöüß])(?=[A-ZÄÖÜ])")
_SENTENCE_END = re.compile(r"[.!?…:]['\"“”»«’)\]]*$")
# Paragraphs longer than this many words are prose even without a closing full stop.
PROSE_WORDS = 20
# Headline-like lines are at most this long.
SHORT_WORDS = 18


def classify(text: str) -> Line:
    """Give one stripped line its kind."""
    if not text:
        return Line(text, Kind.BLANK)
    date = parse_date_line(text)
    if date:
        return Line(text, Kind.DATE, date=date)
    if _BREADCRUMB.match(text):
        return Line(text, Kind.BREADCRUMB)
    if _SLUG.match(text) or _IMAGE_FILE.match(text):
        return Line(text, Kind.SLUG)
    info = meta.byline(text)
    if info:
        return Line(text, Kind.BYLINE, source=info)
    info = meta.source_line(text)
    if info:
        return Line(text, Kind.SOURCE, source=info)
    credit = meta.credit_only(text)
    if credit:
        return Line(text, Kind.CREDIT, credit=credit)
    split = meta.split_caption_credit(text)
    if split:
        return Line(text, Kind.CAPTION, caption=split[0], credit=split[1])
    if _CAPTION_MARK.search(text) and len(text.split()) <= 40:
        return Line(text, Kind.CAPTION, caption=text)
    if END_LINES.match(text):
        return Line(text, Kind.END)
    if NOISE_LINES.match(text):
        return Line(text, Kind.NOISE)
    if AD_LINES.match(text):
        return Line(text, Kind.AD)
    if _TEASER_END.search(text) and len(text.split()) >= 4 and "weiterlesen" in text.lower():
        return Line(text, Kind.TEASER)
    words = len(text.split())
    if _is_tag_line(text, words):
        return Line(text, Kind.TAGS)
    if words >= PROSE_WORDS or (_SENTENCE_END.search(text) and words > 6):
        return Line(text, Kind.PARA)
    if words <= SHORT_WORDS:
        return Line(text, Kind.SHORT)
    return Line(text, Kind.PARA)


def _is_tag_line(text: str, words: int) -> bool:
    """A list of tags printed without separators: several glue points, no sentence."""
    if _SENTENCE_END.search(text) or words > 30:
        return False
    return len(GLUE.findall(text)) >= 2


def split_tags(text: str) -> list[str]:
    """Split ``RusslandDonald TrumpUSAKriege`` into ``Russland``, ``Donald Trump``, ..."""
    parts = GLUE.split(text)
    tags: list[str] = []
    for part in parts:
        # An acronym glued to the next tag ("USAKriege und Konflikte").
        tags.extend(re.split(r"(?<=[A-ZÄÖÜ]{2})(?=[A-ZÄÖÜ][a-zäöüß])", part))
    return [t.strip() for t in tags if t.strip()]


def teaser_headline(text: str) -> str:
    """The headline at the start of a related-article teaser."""
    text = _TEASER_END.sub("", text).strip()
    first = _first_sentence(text)
    if len(first.split()) <= 15:
        return first
    glued = _glued_sentence_start(first)
    return glued if glued else first


_SENTENCE_STARTERS = frozenset(
    "Der Die Das Den Dem Des Ein Eine Einer Eines Es Er Sie Wir Ich Man In Im Am An "
    "Auf Aus Bei Nach Seit Vor Während Wegen Trotz Mit Für Um Zum Zur Als Wenn Wie "
    "Was Wer Wo Warum Auch Doch Dabei Damit Dann Danach Dort Hier Jetzt Nun Noch "
    "Schon Bereits Zuvor Nachdem Obwohl Weil Da Daher Deshalb Zudem Außerdem Laut "
    "Unter Über Gegen Ohne Bis Zwischen Diese Dieser Dieses Viele Alle Seit Nicht "
    "Immer Heute Gestern Morgen ".split()
)


def _first_sentence(text: str) -> str:
    """Text up to the first full stop that ends a sentence."""
    match = re.search(r"(?<![0-9A-ZÄÖÜ])[.!?](?=\s+[A-ZÄÖÜ\"„«»])", text)
    return text[: match.end()] if match else text


def _glued_sentence_start(text: str) -> str | None:
    """A headline glued to its teaser without a stop: cut before a sentence opener."""
    words = text.split()
    for i in range(3, min(len(words), 16)):
        if words[i] in _SENTENCE_STARTERS and not words[i - 1].endswith((",", ":", ";")):
            return " ".join(words[:i])
    return None
