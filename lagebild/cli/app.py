"""The ``lagebild`` command group; the commands register themselves on it."""

from __future__ import annotations

import click

from lagebild import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lagebild")
def main() -> None:
    """lagebild: turn a pile of news pages into a picture of the situation.

    \b
    Example:
      lagebild ingest examples/ && lagebild articles
    """
