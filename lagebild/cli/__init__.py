"""The ``lagebild`` command line: a thin layer over the library.

Machine-readable output (JSON) goes to stdout; progress and summaries meant for a
person go to stderr unless a command's whole job is to show them. Each module adds
its commands to the one group in ``app``.
"""

from __future__ import annotations

from lagebild.cli import browse, measure, pages
from lagebild.cli.app import main

__all__ = ["browse", "main", "measure", "pages"]
