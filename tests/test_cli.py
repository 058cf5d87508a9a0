"""The command line: every command's help, and the contract's commands end to end."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from lagebild.cli import main
from lagebild.timespans import date_order

COMMANDS = ["ingest", "extract", "export", "stats", "articles", "search", "eval", "bench"]


def _every_command(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The path of every command and subcommand under ``group``."""
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((*path, name))
        if isinstance(command, click.Group):
            found.extend(_every_command(command, (*path, name)))
    return found


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize("path", _every_command(main), ids=" ".join)
def test_cli_help_of_every_command_has_an_example(runner: CliRunner, path: tuple[str, ...]) -> None:
    result = runner.invoke(main, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output and f"lagebild {' '.join(path)}" in result.output


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


GERMEVAL_SAMPLE = (
    "# sent 1\n1\tAngela\tB-PER\tO\n2\tMerkel\tI-PER\tO\n3\tbesuchte\tO\tO\n"
    "4\tParis\tB-LOC\tO\n5\t.\tO\tO\n\n"
    "# sent 2\n1\tDer\tO\tO\n2\tTag\tO\tO\n3\tendete\tO\tO\n4\t.\tO\tO\n\n"
)


def test_cli_eval_ner_writes_predictions_and_prints_scores(
    runner: CliRunner, tmp_path: Path
) -> None:
    gold, out = tmp_path / "gold.tsv", tmp_path / "pred.tsv"
    gold.write_text(GERMEVAL_SAMPLE, encoding="utf-8")
    result = runner.invoke(main, ["eval", "ner", str(gold), "--predictions", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["sentences"] == 2 and report["tokens"] == 9
    assert 0.0 <= report["f1"] <= 1.0 and report["tp"] + report["fn"] == 2
    rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    tokens = [row for row in rows if len(row) == 4]
    assert [row[1] for row in tokens][:5] == ["Angela", "Merkel", "besuchte", "Paris", "."]
    assert all(row[2] == "O" or row[2][:2] in {"B-", "I-"} for row in tokens)


def test_cli_eval_ner_names_a_malformed_file(runner: CliRunner, tmp_path: Path) -> None:
    gold = tmp_path / "bad.tsv"
    gold.write_text("not a germeval line\n", encoding="utf-8")
    result = runner.invoke(main, ["eval", "ner", str(gold), "--predictions", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "bad.tsv" in result.output


def test_cli_eval_extract_without_data_folder_says_so(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["eval", "extract", "--data", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "nowhere" in result.output


def test_cli_entities_and_entity(runner: CliRunner, tmp_path: Path, seeds_dir: Path) -> None:
    db = str(tmp_path / "x.sqlite")
    assert runner.invoke(main, ["ingest", str(seeds_dir), "--db", db]).exit_code == 0
    listed = json.loads(runner.invoke(main, ["entities", "--db", db, "--json"]).output)
    assert listed[0]["articles"] >= listed[-1]["articles"]
    people = json.loads(
        runner.invoke(main, ["entities", "--db", db, "--type", "PER", "--json"]).output
    )
    assert people and all(e["type"] == "PER" for e in people)
    shown = runner.invoke(main, ["entity", "dmitriew", "--db", db, "--json"])
    assert shown.exit_code == 0, shown.output
    detail = json.loads(shown.output)
    assert detail["name"] == "Kirill Dmitrijew" and "Dmitriew" in detail["forms"]
    assert detail["articles"] and detail["cooccurring"]
    missing = runner.invoke(main, ["entity", "Niemand", "--db", db])
    assert missing.exit_code == 4 and "Niemand" in missing.output


ANNOTATE_TEXT = (
    "Der US-Sondergesandte Steve Witkoff hat am Dienstag Kremlchef Wladimir Putin in Moskau "
    "getroffen. «Es war ein gutes Gespräch», sagte Witkoff danach."
)


def test_cli_annotate_json_follows_the_contract(runner: CliRunner) -> None:
    result = runner.invoke(main, ["annotate", "--date", "2025-12-04"], input=ANNOTATE_TEXT)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"entities", "quotes", "timexes", "events"}
    for item in data["entities"] + data["quotes"] + data["timexes"]:
        assert ANNOTATE_TEXT[item["start"] : item["end"]] == item["text"]
    names = {e["entity"] for e in data["entities"] if e["label"] == "PER"}
    assert {"Steve Witkoff", "Wladimir Putin"} <= names
    assert any(t["value"] == "2025-12-02" and "Dienstag" in t["text"] for t in data["timexes"])
    assert any(
        q["kind"] == "direct" and q["text"] == "Es war ein gutes Gespräch" for q in data["quotes"]
    )
    meeting = next(e for e in data["events"] if e["type"] == "meeting")
    assert meeting["date"] == "2025-12-02" and meeting["place"] == "Moskau"
    assert {"Steve Witkoff", "Wladimir Putin"} <= set(meeting["participants"])


def test_cli_annotate_jsonl_keeps_order_and_names_bad_lines(runner: CliRunner) -> None:
    lines = "\n".join(
        [
            json.dumps({"id": "a", "text": "Olaf Scholz reiste nach Paris.", "date": "2024-05-02"}),
            "{not json",
            json.dumps({"id": "c", "text": ""}),
        ]
    )
    result = runner.invoke(main, ["annotate", "--format", "jsonl"], input=lines)
    assert result.exit_code == 1
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [o["id"] for o in out] == ["a", None, "c"]
    assert "line 2" in out[1]["error"]
    assert out[2]["entities"] == [] and out[0]["entities"]


def test_cli_annotate_rejects_a_bad_date(runner: CliRunner) -> None:
    result = runner.invoke(main, ["annotate", "--date", "22.12.2025"], input="Text.")
    assert result.exit_code == 2 and "--date" in result.output


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> str:
    db = str(tmp_path_factory.mktemp("seeds") / "s.sqlite")
    assert CliRunner().invoke(main, ["ingest", str(seeds_dir), "--db", db]).exit_code == 0
    return db


def test_cli_events_of_an_entity(runner: CliRunner, seeds_db: str) -> None:
    result = runner.invoke(main, ["events", "--db", seeds_db, "--entity", "Putin", "--json"])
    assert result.exit_code == 0, result.output
    events = json.loads(result.output)
    assert events and all("Wladimir Putin" in e["participants"] for e in events)
    assert any(e["place"] == "Alaska" and e["type"] == "summit" for e in events)
    dates = [e["date"] for e in events if e["date"]]
    assert dates == sorted(dates, key=date_order)  # "2025-W48-WE" is before December


def test_cli_quotes_of_a_speaker_by_any_form(runner: CliRunner, seeds_db: str) -> None:
    result = runner.invoke(main, ["quotes", "--db", seeds_db, "--speaker", "Dmitriew", "--json"])
    assert result.exit_code == 0, result.output
    quotes = json.loads(result.output)
    assert quotes and {q["speaker_entity"] for q in quotes} == {"Kirill Dmitrijew"}
    assert any(q["kind"] == "direct" and "Nächstes Mal" in q["text"] for q in quotes)


def test_cli_timeline_formats(runner: CliRunner, seeds_db: str) -> None:
    as_json = runner.invoke(
        main, ["timeline", "--db", seeds_db, "--entity", "Witkoff", "--format", "json"]
    )
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.output)
    assert data["title"] == "Steve Witkoff"
    kinds = {entry["kind"] for entry in data["entries"]}
    assert kinds == {"event", "quote"}
    dated = [e["date"] for e in data["entries"] if e["date"]]
    assert dated == sorted(dated, key=date_order)
    markdown = runner.invoke(
        main, ["timeline", "--db", seeds_db, "--entity", "Witkoff", "--format", "markdown"]
    )
    assert markdown.output.startswith("# Steve Witkoff\n")
    assert markdown.output.count("\n- **") == len(data["entries"])
    missing = runner.invoke(main, ["timeline", "--db", seeds_db, "--entity", "Niemand"])
    assert missing.exit_code == 4


def test_cli_stories_storylines_and_storyline_timeline(runner: CliRunner, seeds_db: str) -> None:
    lines = json.loads(runner.invoke(main, ["storylines", "--db", seeds_db, "--json"]).output)
    assert len(lines) == 1 and lines[0]["articles"] == 5 and lines[0]["stories"] == 4
    stories = json.loads(
        runner.invoke(
            main, ["stories", "--db", seeds_db, "--storyline", lines[0]["id"], "--json"]
        ).output
    )
    assert len(stories) == 4 and sum(s["articles"] for s in stories) == 5
    biggest = max(stories, key=lambda s: s["articles"])
    shown = json.loads(
        runner.invoke(main, ["story", biggest["id"], "--db", seeds_db, "--json"]).output
    )
    assert len(shown["articles"]) == 2
    assert sum(1 for a in shown["articles"] if a["duplicate_of"]) == 1
    timeline = runner.invoke(
        main, ["timeline", "--db", seeds_db, "--storyline", lines[0]["id"], "--format", "json"]
    )
    entries = json.loads(timeline.output)["entries"]
    texts = [(e["date"], e["text"]) for e in entries]
    assert len(texts) == len(set(texts))
    assert any(e["kind"] == "event" and e["place"] == "Alaska" for e in entries)
    assert runner.invoke(main, ["story", "story:none", "--db", seeds_db]).exit_code == 4
    both = runner.invoke(main, ["timeline", "--db", seeds_db, "--entity", "X", "--storyline", "Y"])
    assert both.exit_code == 2


def test_cli_untitled_article_is_listed_by_its_lead(runner: CliRunner, tmp_path: Path) -> None:
    # Example page 04 prints no headline: the entity and story views show the start of
    # its lead, as `articles` does, not the article's hash id.
    from .conftest import EXAMPLES

    db = str(tmp_path / "ex.sqlite")
    assert runner.invoke(main, ["ingest", str(EXAMPLES), "--db", db]).exit_code == 0
    entity = runner.invoke(main, ["entity", "Ulrike Brandstätter", "--db", db])
    assert entity.exit_code == 0, entity.output
    assert "Bundesinnenministerin Brandstätter hat sich" in entity.output
    stories = json.loads(runner.invoke(main, ["stories", "--db", db, "--json"]).output)
    # Page 04 is the one-article story of 13 March; page 05 names Brandstätter as well.
    untitled = next(
        s for s in stories if s["start"].startswith("2026-03-13") and s["articles"] == 1
    )
    story = runner.invoke(main, ["story", untitled["id"], "--db", db])
    assert story.exit_code == 0, story.output
    assert "Bundesinnenministerin Brandstätter hat sich" in story.output


def test_cli_and_api_count_undated_articles_alike(runner: CliRunner, seeds_db: str) -> None:
    # `stats` counted the copy dated by inference (seed 001) as undated, /api/stats not.
    from fastapi.testclient import TestClient

    from lagebild.web import create_app

    stats = json.loads(runner.invoke(main, ["stats", "--db", seeds_db, "--json"]).output)
    assert (stats["undated"], stats["date_inferred"]) == (0, 1)
    with TestClient(create_app(seeds_db)) as client:
        api = client.get("/api/stats").json()
    assert (api["undated"], api["date_inferred"]) == (0, 1)


def test_cli_search_matches_as_the_web_does(runner: CliRunner, seeds_db: str) -> None:
    # The CLI matched whole words only, the web prefixes: "Verhandl" found nothing on the
    # command line and "Verhandlungen" in the browser. Both use one query now.
    from fastapi.testclient import TestClient

    from lagebild.web import create_app

    for query in ("Verhandl", "Gespraech", '"Weiße Haus"'):
        hits = json.loads(
            runner.invoke(
                main, ["search", query, "--db", seeds_db, "--json", "--limit", "50"]
            ).output
        )
        with TestClient(create_app(seeds_db)) as client:
            api = client.get("/api/search", params={"q": query, "limit": 50}).json()
        assert hits, query
        web = sorted(hit["article"]["id"] for hit in api["hits"]["items"])
        assert sorted(h["id"] for h in hits) == web, query


def test_cli_stories_of_an_unknown_storyline_is_an_error(runner: CliRunner, seeds_db: str) -> None:
    # Was an empty table and exit 0, where `timeline --storyline` says there is none.
    result = runner.invoke(main, ["stories", "--db", seeds_db, "--storyline", "nosuch"])
    assert result.exit_code == 4
    assert "no storyline 'nosuch'" in result.output


def test_cli_timeline_text_names_the_sources(runner: CliRunner, seeds_db: str) -> None:
    # `timeline --help` promises entries "with sources"; the text format printed none.
    data = json.loads(
        runner.invoke(
            main, ["timeline", "--db", seeds_db, "--entity", "Witkoff", "--format", "json"]
        ).output
    )
    text = runner.invoke(main, ["timeline", "--db", seeds_db, "--entity", "Witkoff"]).output
    for entry in data["entries"]:
        assert entry["articles"][0] in text


def test_cli_search_shows_inferred_dates_and_says_when_nothing_matched(
    runner: CliRunner, seeds_db: str
) -> None:
    # Seed 001 prints no date and takes its copy's: `search` showed "(-)" for it, where
    # `articles` shows the inferred date; and a search with no hits printed nothing.
    hits = json.loads(
        runner.invoke(main, ["search", "Witkoff", "--db", seeds_db, "--json", "-n", "50"]).output
    )
    undated = [h for h in hits if h["published"] is None]
    assert undated and all(h["published_inferred"] for h in undated)
    text = runner.invoke(main, ["search", "Witkoff", "--db", seeds_db, "-n", "50"]).output
    assert f"({undated[0]['published_inferred'][:10]}, inferred)" in text
    none = runner.invoke(main, ["search", "Quarkstrudel", "--db", seeds_db])
    assert none.exit_code == 0 and "no article matches 'Quarkstrudel'" in none.output
