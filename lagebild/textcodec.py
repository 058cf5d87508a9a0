"""Bytes to clean text: byte-order marks, encoding detection, mojibake repair.

Scraped pages arrive as UTF-8, UTF-16 with a BOM, Windows-1252, Latin-1, and as
UTF-8 that was decoded wrongly once already ("fÃ¼r"). ``decode`` returns clean
Unicode or raises ``Rejected`` saying why the bytes are not text.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import ftfy

from lagebild.errors import Reason, Rejected

# ftfy's defaults also straighten curly quotes and widen characters; a news text's
# «», „“ and “” are content, so only the encoding repairs are switched on.
_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    uncurl_quotes=False,
    fix_character_width=False,
    fix_latin_ligatures=False,
    normalization="NFC",
)

# Magic numbers of formats that are never a news page.
BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"\x7fELF",
    b"BZh",
    b"\xfd7zXZ",
    b"Rar!",
    b"7z\xbc\xaf",
    b"\x00\x00\x01\x00",
    b"RIFF",
    b"OggS",
    b"ID3",
    b"SQLite format 3",
)


_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Share of control characters (other than tab, newline, carriage return and form
# feed) above which decoded bytes are taken for binary. Text pages seen so far have
# none; binary files decoded as cp1252 have 5-30 %.
MAX_CONTROL_SHARE = 0.01
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# A page is read as UTF-8 with stray single-byte characters when it has at most this many
# bytes that are not UTF-8 and at least this many UTF-8 lead bytes per stray byte.
MAX_STRAY_BYTES = 20
MIN_UTF8_PER_STRAY = 5
_MOJIBAKE_HINT = re.compile("[ÃÂâ][\u0080-\u00bf\u2018-\u203a€ƒ]")


@dataclass(frozen=True)
class Decoded:
    """Text decoded from bytes, with the encoding that was used."""

    text: str
    encoding: str


def decode(raw: bytes) -> Decoded:
    """Decode page bytes to repaired Unicode, or raise ``Rejected``."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            text = raw[len(bom) :].decode(encoding, errors="replace")
            return _checked(text, encoding)
    if raw.startswith(BINARY_MAGIC):
        raise Rejected(Reason.BINARY, f"binary file (starts with {raw[:8]!r})")
    if b"\x00" in raw[:4096]:
        utf16 = _bomless_utf16(raw)
        if utf16 is None:
            raise Rejected(Reason.BINARY, "binary file (contains NUL bytes)")
        return _checked(raw.decode(utf16, errors="replace"), utf16)
    utf8 = _utf8(raw)
    if utf8 is not None:
        return _checked(utf8, "utf-8")
    mixed = _mostly_utf8(raw)
    if mixed is not None:
        return _checked(mixed, "utf-8")
    return _checked(*_detect(raw))


def _utf8(raw: bytes) -> str | None:
    """Decode UTF-8, tolerating a character cut off at the very end of the file."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(raw) - 3 and exc.reason == "unexpected end of data":
            return raw[: exc.start].decode("utf-8")
        return None


def _mostly_utf8(raw: bytes) -> str | None:
    """Decode UTF-8 with a few stray Windows-1252 bytes, each read as cp1252.

    Pages built from UTF-8 templates often carry a snippet saved in Windows-1252 ("f\xfcr"
    in an alt text). Guessing one code page for the whole page then garbles every UTF-8
    letter; when valid multi-byte sequences far outnumber the stray bytes, the page is
    UTF-8 and only the stray bytes need another reading.
    """
    stray = 0
    position = 0
    pieces: list[str] = []
    while True:
        try:
            pieces.append(raw[position:].decode("utf-8"))
            break
        except UnicodeDecodeError as exc:
            end = position + exc.start
            pieces.append(raw[position:end].decode("utf-8"))
            pieces.append(raw[end : end + 1].decode("cp1252", errors="replace"))
            position = end + 1
            stray += 1
            if stray > MAX_STRAY_BYTES:
                return None
    multibyte = sum(1 for byte in raw if 0xC2 <= byte <= 0xF4)
    if multibyte < MIN_UTF8_PER_STRAY * stray:
        return None
    return "".join(pieces)


def _bomless_utf16(raw: bytes) -> str | None:
    """Recognise UTF-16 without a BOM from the position of NUL bytes in ASCII text."""
    sample = raw[:4096]
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if half and odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if half and even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _detect(raw: bytes) -> tuple[str, str]:
    """Pick an encoding for non-UTF-8 bytes; Windows-1252 covers most German pages."""
    from charset_normalizer import from_bytes

    best = from_bytes(raw[:200_000]).best()
    encoding = best.encoding if best is not None else "cp1252"
    # charset-normalizer often names Latin-1 or a sibling code page for German text;
    # cp1252 decodes the same letters and also the typographic quotes in 0x80-0x9f.
    if encoding in {"latin_1", "iso8859_15", "iso8859_1", "cp1250", "mac_roman"}:
        encoding = "cp1252"
    try:
        return raw.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError):
        try:
            return raw.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            raise Rejected(
                Reason.UNDECODABLE, "no text encoding fits these bytes (tried UTF-8, cp1252)"
            ) from None


def _checked(text: str, encoding: str) -> Decoded:
    """Reject control-character soup; repair mojibake in what is left."""
    sample = text[:100_000]
    if sample and len(_CONTROL.findall(sample)) > MAX_CONTROL_SHARE * len(sample):
        raise Rejected(Reason.BINARY, f"binary content (control characters, read as {encoding})")
    text = text.replace("\x00", "")
    if _MOJIBAKE_HINT.search(text):
        text = ftfy.fix_text(text, _FTFY_CONFIG)
    if not text.strip():
        raise Rejected(Reason.EMPTY, "no text after decoding")
    return Decoded(text=text, encoding=encoding)
