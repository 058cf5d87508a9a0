"""The command line: every command's help, and the contract's commands end to end."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from lagebild.cli import main

COMMANDS = ["ingest", "extract", "export", "stats", "articles", "search"]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_help_of_every_command_has_an_example(runner: CliRunner, command: str) -> None:
    result = runner.invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output and f"lagebild {command}" in result.output


def test_cli_lists_every_command(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--help"])
    for command in COMMANDS:
        assert command in result.output


def test_cli_ingest_export_and_reingest(runner: CliRunner, tmp_path: Path, seeds_dir: Path) -> None:
    db = str(tmp_path / "x.sqlite")
    first = runner.invoke(main, ["ingest", str(seeds_dir), "--db", db])
    assert first.exit_code == 0, first.output
    assert "5 stored" in first.output
    exported = runner.invoke(main, ["export", "--db", db, "--format", "json"])
    data = json.loads(exported.output)
    assert len(data["articles"]) == 5
    stats = json.loads(runner.invoke(main, ["stats", "--db", db, "--json"]).output)
    again = runner.invoke(main, ["ingest", str(seeds_dir), "--db", db])
    assert again.exit_code == 0 and "0 stored, 5 already stored" in again.output
    assert json.loads(runner.invoke(main, ["stats", "--db", db, "--json"]).output)["articles"] == 5
    assert json.loads(runner.invoke(main, ["export", "--db", db]).output) == data
    assert stats["articles"] == 5


def test_cli_ingest_exit_status_says_something_was_rejected(
    runner: CliRunner, tmp_path: Path, seeds_dir: Path
) -> None:
    folder = tmp_path / "in"
    shutil.copytree(seeds_dir, folder)
    (folder / "zero.txt").write_bytes(b"")
    result = runner.invoke(
        main, ["ingest", str(folder), "--db", str(tmp_path / "x.sqlite"), "--json"]
    )
    assert result.exit_code == 1
    summary = json.loads(result.output)
    assert summary["stored"] == 5
    assert summary["rejected_by_reason"] == {"empty": 1}


def test_cli_ingest_from_stdin(runner: CliRunner, tmp_path: Path, seeds_dir: Path) -> None:
    page = sorted(seeds_dir.glob("*.txt"))[0].read_bytes()
    db = str(tmp_path / "x.sqlite")
    result = runner.invoke(main, ["ingest", "-", "--db", db], input=page)
    assert result.exit_code == 0, result.output
    data = json.loads(runner.invoke(main, ["export", "--db", db]).output)
    assert [a["source"] for a in data["articles"]] == ["-"]


def test_cli_extract_json_has_the_contract_fields(runner: CliRunner, seeds_dir: Path) -> None:
    page = sorted(seeds_dir.glob("*.txt"))[4]
    result = runner.invoke(main, ["extract", str(page), "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert list(data) == [
        "title",
        "kicker",
        "lead",
        "body",
        "subheadings",
        "published",
        "section",
        "outlet",
        "agencies",
        "dateline",
        "authors",
        "captions",
        "photo_credits",
        "tags",
        "related_headlines",
        "language",
    ]
    assert data["kicker"] == "Kremlgesandter zufrieden"
    assert "\n\n" in data["body"]


def test_cli_extract_jsonl_in_order_with_error_lines(
    runner: CliRunner, tmp_path: Path, seeds_dir: Path
) -> None:
    seeds = [str(p) for p in sorted(seeds_dir.glob("*.txt"))[:2]]
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    given = [seeds[0], str(bad), seeds[1]]
    result = runner.invoke(main, ["extract", *given, "--format", "jsonl"])
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["source"] for line in lines] == given
    assert "error" in lines[1] and "empty" in lines[1]["error"]
    assert "title" in lines[0] and "error" not in lines[2]
    assert result.exit_code == 1


def test_cli_export_of_missing_store_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["export", "--db", str(tmp_path / "none.sqlite")])
    assert result.exit_code == 3
    assert "no such store" in result.output


def test_cli_search_and_articles(runner: CliRunner, tmp_path: Path, seeds_dir: Path) -> None:
    db = str(tmp_path / "x.sqlite")
    runner.invoke(main, ["ingest", str(seeds_dir), "--db", db])
    hits = json.loads(
        runner.invoke(main, ["search", "Geheimgespräche", "--db", db, "--json"]).output
    )
    assert [h["title"] for h in hits] == ["USA und Russland sollen Geheimgespräche führen"]
    listing = runner.invoke(main, ["articles", "--db", db])
    assert "USA beraten mit Partnern" in listing.output
