"""Typed rejections: every page lagebild refuses is refused with a stable reason code."""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Why a page was rejected. The values are stable: they are stored and printed."""

    UNREADABLE = "unreadable"  # the file could not be opened or read
    EMPTY = "empty"  # zero bytes, or only whitespace after decoding
    TOO_LARGE = "too_large"  # over the size limit for one page
    BINARY = "binary"  # not text: NUL bytes, control characters, a known binary magic
    UNDECODABLE = "undecodable"  # no text encoding fits the bytes
    UNSUPPORTED = "unsupported"  # a file type lagebild does not read
    MALFORMED = "malformed"  # a container (WARC, JSON Lines, feed) or its record is broken
    NO_ARTICLE = "no_article"  # text, but nothing that reads as an article
    INTERNAL = "internal_error"  # a bug in lagebild on this page; reported, batch goes on


class Rejected(Exception):
    """A page lagebild will not store, with the reason code and a readable detail."""

    def __init__(self, reason: Reason, detail: str, source: str = "") -> None:
        super().__init__(f"{source}: {reason.value}: {detail}" if source else detail)
        self.reason = reason
        self.detail = detail
        self.source = source

    def __reduce__(self) -> tuple[type[Rejected], tuple[Reason, str, str]]:
        """Pickle by the constructor's arguments: worker processes send rejections back."""
        return (Rejected, (self.reason, self.detail, self.source))

    def for_source(self, source: str) -> Rejected:
        """Return the same rejection naming ``source``."""
        return Rejected(self.reason, self.detail, source)
