"""Metadata rules for German news pages: agencies, credits, source and byline lines.

These rules read single lines. They are shared by the plain-text and the HTML
extractors so both give the same answer for the same printed line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Canonical spelling of each news agency, keyed by the lower-case forms pages print.
AGENCIES = {
    "dpa": "dpa",
    "dpa-afx": "dpa-AFX",
    "apa": "APA",
    "reuters": "Reuters",
    "afp": "AFP",
    "ap": "AP",
    "kna": "KNA",
    "epd": "epd",
    "sda": "SDA",
    "keystone-sda": "Keystone-SDA",
    "dts": "dts",
    "ots": "ots",
    "sid": "SID",
    "ddp": "ddp",
    "dapd": "dapd",
    "afx": "AFX",
    "ansa": "ANSA",
    "efe": "EFE",
    "bloomberg": "Bloomberg",
    "idea": "idea",
    "kathpress": "Kathpress",
    "ats": "ats",
}
# Photo agencies and picture desks: seen in credits, never the source of a text.
PHOTO_AGENCIES = (
    "picture alliance",
    "picture-alliance",
    "imago",
    "getty",
    "istock",
    "shutterstock",
    "keystone",
    "sputnik",
    "pool",
    "tass",
    "ria novosti",
    "afp photo",
    "ap photo",
    "reuters photo",
    "xinhua",
    "epa",
    "zentralbild",
    "fotostand",
    "dpa-bildfunk",
    "photothek",
    "ddp images",
)

_AGENCY_TOKEN = re.compile(r"[A-Za-zÄÖÜäöü][\w-]*")
_DOMAIN = re.compile(r"^(?:www\.)?([a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,})$", re.I)
# Short lower-case signatures of editors ("ghö", "kmr", "dpa/ghö"), printed after the
# source: two to four letters, no vowel-less pronunciation required.
_SIGNATURE = re.compile(r"^[a-zäöüß]{2,4}$")

# English labels only with their colon: "Image" and "Photo" open sentences too.
_CREDIT_LABEL = (
    r"(?:Fotocredit|Bildcredit|Fotos|Foto|Bilder|Bild|(?:Image|Photographer|Photo)(?=\s*:)"
    r"|Quelle|Credit|Copyright|©|\(c\))"
)
# "... Foto: Name/Agentur" or "... (Foto: Name/Agentur)" or "... Quelle: picture alliance";
# a picture's mark after the credit ("(Symbolbild)") is no part of it.
_TRAILING_CREDIT = re.compile(
    rf"^(?P<caption>.+?[.!?)»“\"])\s*\(?{_CREDIT_LABEL}\s*:?\s*(?P<credit>[^()]{{2,120}}?)\)?"
    r"(?:\s*\((?:Symbolbild|Archivbild|Symbolfoto|Archivfoto)\))?\s*$"
)
_CREDIT_ONLY = re.compile(rf"^\(?{_CREDIT_LABEL}\s*:?\s*(?P<credit>[^()]{{2,120}}?)\)?\s*$")
_SOURCE_LINE = re.compile(r"^(?:Quelle|Quellen)\s*:\s*(?P<rest>.{2,120})$", re.I)
_COPYRIGHT_LINE = re.compile(r"^(?:@|©|\(c\)|Copyright)\s*(?P<rest>[\w .,/&-]{2,60})$", re.I)
# "Mit Material von dpa und AFP", "(Agenturmaterial der dpa)": the agencies a text draws on.
_MATERIAL_LINE = re.compile(
    r"^\(?(?:mit |unter verwendung von )?(?:agentur)?material (?:von|der|aus) (?P<rest>.{2,60}?)"
    r"\)?\.?$",
    re.I,
)
_BYLINE = re.compile(
    r"^(?:Von|Autor|Autorin|Ein (?:Kommentar|Bericht|Gastbeitrag) von)\s*:?\s+(?P<rest>.{2,120})$"
)
_DATELINE = re.compile(
    r"^(?P<place>[A-ZÄÖÜ][\w.'’/ -]{1,40}?)\s*\((?P<agencies>[^()]{2,40})\)\s*(?:[–—-]|\.|:)\s*"
)
# "Wien – Die Gewerkschaft ...": a place and a dash without an agency, as papers that
# write their own reports print it. Only an en or em dash counts here: a hyphen after
# a capitalised word is too often ordinary prose.
_BARE_DATELINE = re.compile(
    r"^(?P<place>[A-ZÄÖÜ][\wäöüß.'’/-]+(?: [A-ZÄÖÜ][\wäöüß.'’/-]+){0,2}) [–—] "
)


# Capitalised words that open a sentence, never a dateline's place.
_NOT_PLACES = frozenset(
    "Der Die Das Ein Eine Es Er Sie Wir Ich Man Dies Diese Dieser Dieses Alles Nichts Und "
    "Aber Doch So Auch Nur Noch Schon Jetzt Hier Dort Heute".split()
)


@dataclass
class SourceInfo:
    """What a source, copyright or byline line says about who made the text."""

    agencies: list[str] = field(default_factory=list)
    outlet: str | None = None
    authors: list[str] = field(default_factory=list)


def agency_name(token: str) -> str | None:
    """The canonical agency for a printed token, or None."""
    return AGENCIES.get(token.strip(" .,;:()").lower())


def agencies_in(text: str) -> list[str]:
    """Agencies named in a short credit-free string such as ``APA/Reuters/dpa``."""
    found: list[str] = []
    for token in _AGENCY_TOKEN.findall(text.replace("/", " ")):
        name = agency_name(token)
        if name and name not in found:
            found.append(name)
    return found


def is_photo_credit(text: str) -> bool:
    """Whether a string reads as a picture credit rather than a text source."""
    lowered = text.lower()
    if any(p in lowered for p in PHOTO_AGENCIES):
        return True
    parts = [p.strip() for p in re.split(r"[/|]", text) if p.strip()]
    # "APA/APA/dpa/Michael Kappeler": agencies plus a photographer's name.
    has_person = any(len(p.split()) >= 2 and all(w[:1].isupper() for w in p.split()) for p in parts)
    return len(parts) >= 2 and has_person and any(agency_name(p) for p in parts)


def split_caption_credit(line: str) -> tuple[str, str] | None:
    """Split ``caption. Foto: credit`` into its two parts, if the line has that shape."""
    match = _TRAILING_CREDIT.match(line.strip())
    if not match:
        return None
    credit = match.group("credit").strip()
    label = line[match.end("caption") :].lstrip(" (").lower()
    # "Quelle: dpa" after a sentence is a text source only when nothing marks it as
    # a picture credit; "Foto:" and "Bild:" are always picture credits.
    if label.startswith("quelle") and not is_photo_credit(credit):
        return None
    return match.group("caption").strip(), credit


def credit_only(line: str) -> str | None:
    """The credit of a line that is only a picture credit, else None."""
    stripped = line.strip()
    match = _CREDIT_ONLY.match(stripped)
    if match and not stripped.lower().startswith("quelle"):
        return match.group("credit").strip()
    if match and is_photo_credit(match.group("credit")):
        return match.group("credit").strip()
    looks_like_credit = "/" in stripped and len(stripped) < 80 and is_photo_credit(stripped)
    if looks_like_credit and not re.search(r"[.!?]\s", stripped):
        return stripped
    return None


# A sign-off after the text: "(FR mit dpa)", "(ats/nxp)", "(SID)", "erb/ots": an editor's
# or paper's short mark and the agencies the text draws on.
_SIGN_OFF = re.compile(
    r"^\((?P<bracketed>[\w-]{2,12}(?:\s*(?:/|,|\s+mit\s+|\s+und\s+)\s*[\w-]{2,12}){0,3})\)$"
    r"|^(?P<bare>[a-z]{2,4}(?:/[\w-]{2,12}){1,3})$"
)


def sign_off(line: str) -> SourceInfo | None:
    """The agencies of a sign-off line; None unless it names one and holds nothing but
    agencies and short marks (an editor's initials, a paper's "FR")."""
    match = _SIGN_OFF.match(line.strip())
    if not match:
        return None
    rest = match.group("bracketed") or match.group("bare")
    parts = [p for p in re.split(r"\s*(?:/|,)\s*|\s+mit\s+|\s+und\s+", rest) if p]
    agencies = agencies_in(" ".join(parts))
    if not agencies or any(agency_name(p) is None and len(p) > 4 for p in parts):
        return None
    return SourceInfo(agencies=agencies)


def source_line(line: str) -> SourceInfo | None:
    """Read ``Quelle: ntv.de, ghö``, ``Quelle: dpa``, ``@ dpa.de``, ``Mit Material von dpa``.

    None for other lines. A material line names agencies only: any other word in it
    makes it an ordinary sentence.
    """
    stripped = line.strip()
    signed = sign_off(stripped)
    if signed is not None:
        return signed
    material = _MATERIAL_LINE.match(stripped)
    if material:
        agencies = agencies_in(material.group("rest"))
        words = re.split(r"\s*[,;/]\s*|\s+und\s+|\s+", material.group("rest").strip(" ."))
        if agencies and len(agencies) == len([w for w in words if w and w != "der"]):
            return SourceInfo(agencies=agencies)
        return None
    match = _SOURCE_LINE.match(stripped) or _COPYRIGHT_LINE.match(stripped)
    if not match:
        return None
    info = SourceInfo()
    for part in re.split(r"\s*[,;/]\s*|\s+und\s+", match.group("rest").strip()):
        if not part:
            continue
        domain = _DOMAIN.match(part)
        agency = agency_name(part) or (agency_name(part.split(".")[0]) if domain else None)
        if agency:
            if agency not in info.agencies:
                info.agencies.append(agency)
        elif domain:
            info.outlet = info.outlet or domain.group(1).lower()
        elif _SIGNATURE.match(part) or _is_name(part):
            info.authors.append(part)
        else:
            return None
    return info


def byline(line: str) -> SourceInfo | None:
    """Read ``Von: APA/Reuters/dpa`` or ``Von Anna Berger und Jan Ott``; else None."""
    match = _BYLINE.match(line.strip())
    if not match:
        return None
    rest = match.group("rest").strip()
    if re.search(r"[.!?]$", rest) and not rest.endswith(("dpa.", "AFP.")):
        return None
    info = SourceInfo()
    for part in re.split(r"\s*[,;/|]\s*|\s+und\s+", rest):
        part = part.strip()
        if not part:
            continue
        agency = agency_name(part)
        if agency:
            if agency not in info.agencies:
                info.agencies.append(agency)
        elif _is_name(part):
            info.authors.append(part)
        else:
            return None
    return info if (info.agencies or info.authors) else None


def dateline(paragraph: str) -> tuple[str, list[str], str] | None:
    """Split ``Miami (dpa) – Text`` into place, agencies and the text after the dash."""
    match = _DATELINE.match(paragraph)
    if match and _is_place(match.group("place")):
        agencies = agencies_in(match.group("agencies"))
        if agencies:
            return match.group("place").strip(), agencies, paragraph[match.end() :]
    bare = _BARE_DATELINE.match(paragraph)
    if bare:
        place, rest = bare.group("place"), paragraph[bare.end() :]
        if place.split()[0] not in _NOT_PLACES and rest[:1].isupper():
            return place, [], rest
    return None


def _is_place(text: str) -> bool:
    """Capitalised words, with the small words of place names ("Frankfurt am Main")."""
    words = text.strip().split()
    return words[0] not in _NOT_PLACES and all(
        w[:1].isupper() or w in {"am", "an", "der", "im", "bei", "ob", "de", "la"} for w in words
    )


def _is_name(text: str) -> bool:
    """Whether a byline part looks like a person's name (two to four capitalised words)."""
    words = text.split()
    return 1 < len(words) <= 4 and all(w[:1].isupper() or w in {"von", "van", "de"} for w in words)
