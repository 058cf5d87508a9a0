"""``lagebild annotate``: the text-level analysis of raw text, without a store."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any

import click

from lagebild.cli.app import main
from lagebild.cli.common import EXIT_REJECTED, print_json


def _parse_date(value: Any) -> date | None:
    """A YYYY-MM-DD date (or the date part of a timestamp); None for None or ""."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValueError(f"date must be a string YYYY-MM-DD, got {value!r}")
    return date.fromisoformat(value[:10])


@main.command("annotate")
@click.option(
    "--date",
    "anchor",
    metavar="YYYY-MM-DD",
    default=None,
    help="The text's own date, for resolving 'am Dienstag' (json format).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonl"]),
    default="json",
    show_default=True,
    help='json: plain text on stdin; jsonl: lines {"id", "text", "date"} on stdin.',
)
def annotate_cmd(anchor: str | None, fmt: str) -> None:
    """Entities, quotes, time expressions and events of text on stdin, as JSON.

    Offsets are character offsets into the text as read (UTF-8).

    \b
    Example:
      echo 'Kremlchef Wladimir Putin traf am Dienstag Steve Witkoff in Moskau.' \\
        | lagebild annotate --date 2025-12-04
      lagebild annotate --format jsonl < texts.jsonl > annotations.jsonl
    """
    from lagebild.annotate.text import annotate_text, contract_dict

    if fmt == "json":
        try:
            day = _parse_date(anchor)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--date") from None
        text = sys.stdin.read()
        print_json(contract_dict(annotate_text(text, day)))
        return
    failed = False
    for number, line in enumerate(sys.stdin, start=1):
        if line.strip():
            record = _annotate_line(line, number)
            failed = failed or "error" in record
            click.echo(json.dumps(record, ensure_ascii=False))
    if failed:
        raise SystemExit(EXIT_REJECTED)


def _annotate_line(line: str, number: int) -> dict[str, Any]:
    """One JSON line annotated, or ``{"id", "error"}`` naming the line and what is wrong."""
    from lagebild.annotate.text import annotate_text, contract_dict

    item: Any = None
    try:
        item = json.loads(line)
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise ValueError('expected an object with a "text" string')
        result = annotate_text(item["text"], _parse_date(item.get("date")))
    except ValueError as exc:  # json.JSONDecodeError is a ValueError too
        known = item.get("id") if isinstance(item, dict) else None
        return {"id": known, "error": f"stdin line {number}: {exc}"}
    return {"id": item.get("id"), **contract_dict(result)}
