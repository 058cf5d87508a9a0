"""The ``lagebild`` command line: a thin layer over the library.

Machine-readable output (JSON) goes to stdout; progress and summaries meant for a
person go to stderr unless a command's whole job is to show them. Each module adds
its commands to the one group in ``app``.
"""

from __future__ import annotations

from lagebild.cli import annotate, batch, browse, measure, pages, situation, web
from lagebild.cli.app import main

__all__ = ["annotate", "batch", "browse", "main", "measure", "pages", "situation", "web"]
