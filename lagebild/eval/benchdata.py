"""Loading helpers for the shared benchmark sets, read straight out of their archives.

The benchmark pages are third-party HTML kept for evaluation only, so nothing here
unpacks them to disk: each set is a JSON index (URL -> gold) next to a ``html_de.tar.gz``
whose members ``html/<file>`` are streamed one at a time, in archive order.

Example::

    >>> from lagebild.eval.benchdata import default_data_dir, iter_pages
    >>> pages = iter_pages(default_data_dir() / "htmldate_eval_de", "eval_default_de.json")
    >>> first = next(pages)  # doctest: +SKIP
    >>> first.url, first.gold["date"]  # doctest: +SKIP
    ('https://bayern.de/', '2017-10-06')
"""

from __future__ import annotations

import json
import os
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENV_VAR = "LAGEBILD_BENCHDATA"
ARCHIVE = "html_de.tar.gz"
MEMBER_PREFIX = "html/"


@dataclass
class BenchPage:
    """One benchmark page: its URL, its file name, the raw HTML bytes and the gold entry."""

    url: str
    file: str
    raw: bytes
    gold: dict[str, Any]


@dataclass
class Timer:
    """Accumulated wall-clock seconds of one system over the pages it ran on."""

    seconds: float = 0.0
    pages: int = 0
    _start: float = field(default=0.0, repr=False)

    def __enter__(self) -> Timer:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds += time.perf_counter() - self._start
        self.pages += 1

    def pages_per_second(self) -> float:
        """Pages per second, rounded; 0.0 before any page ran."""
        return round(self.pages / self.seconds, 2) if self.seconds else 0.0


def default_data_dir() -> Path:
    """The benchmark folder: ``$LAGEBILD_BENCHDATA`` or ``../shared/benchdata`` from the cwd."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return Path.cwd().parent / "shared" / "benchdata"


def load_index(set_dir: Path, index_name: str) -> dict[str, dict[str, Any]]:
    """Read a set's JSON index (URL -> gold entry with at least ``file``)."""
    with (set_dir / index_name).open(encoding="utf-8") as handle:
        index: dict[str, dict[str, Any]] = json.load(handle)
    return index


def iter_pages(set_dir: Path, index_name: str, limit: int | None = None) -> Iterator[BenchPage]:
    """Stream the pages of one set in archive order, at most ``limit`` of them.

    Raises ``FileNotFoundError`` when the index or the archive is missing.
    """
    index = load_index(set_dir, index_name)
    by_file = {entry["file"]: (url, entry) for url, entry in index.items()}
    count = 0
    with tarfile.open(set_dir / ARCHIVE, mode="r|gz") as archive:
        for member in archive:
            if limit is not None and count >= limit:
                return
            name = member.name.removeprefix(MEMBER_PREFIX)
            if not member.isfile() or name not in by_file:
                continue
            handle = archive.extractfile(member)
            if handle is None:
                continue
            url, entry = by_file[name]
            count += 1
            yield BenchPage(url=url, file=name, raw=handle.read(), gold=entry)


def ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator`` rounded to four places; 0.0 when the denominator is 0."""
    return round(numerator / denominator, 4) if denominator else 0.0
