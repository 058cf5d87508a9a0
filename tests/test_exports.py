"""Every export format written from the web test store and read back with a parser of
its own kind: json, csv, ElementTree for GraphML, pyarrow for Parquet, a small RFC 5545
reader (and icalendar where installed) for iCalendar."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from lagebild.cli import main
from lagebild.export import export_json
from lagebild.exports import FORMATS, ExportOptions
from lagebild.exports.as_csv import LIST_SEPARATOR
from lagebild.exports.as_ics import MAX_DAYS, escape, fold
from lagebild.exports.records import COLUMNS, TABLES
from lagebild.store import Store
from lagebild.timespans import day_span
from tests.test_web_store import web_store

__all__ = ["web_store"]

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


def _run(*args: str) -> Any:
    result = CliRunner().invoke(main, ["export", *args])
    return result


def _count(db_path: Path, sql: str) -> int:
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return int(db.execute(sql).fetchone()[0])
    finally:
        db.close()


def _storyline(db_path: Path) -> tuple[str, int]:
    """The storyline with most articles, and how many."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        row = db.execute("SELECT id, articles FROM storylines ORDER BY articles DESC").fetchone()
    finally:
        db.close()
    return str(row[0]), int(row[1])


def _render(db_path: Path, fmt: str, options: ExportOptions) -> bytes:
    store = Store.open(db_path, readonly=True)
    try:
        return b"".join(FORMATS[fmt].render(store.db, options))
    finally:
        store.close()


def parse_ics(text: str) -> list[dict[str, str]]:
    """The VEVENTs of an iCalendar text as {property: value}, lines unfolded, unescaped."""
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    lines = text.replace("\r\n ", "").split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    events: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in lines[1:-2]:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            events.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name.split(";")[0]] = (
                value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";")
            ).replace("\\\\", "\\")
    return events


# -- the contract ----------------------------------------------------------------------


def test_exports_json_is_the_contract_exactly(web_store: Path) -> None:
    result = _run("--db", str(web_store), "--format", "json")
    assert result.exit_code == 0, result.output
    with Store.open(web_store, readonly=True) as store:
        expected = json.dumps(export_json(store), ensure_ascii=False, indent=2) + "\n"
    assert result.output == expected
    default = _run("--db", str(web_store))
    assert default.output == expected


def test_exports_json_narrowed_to_a_storyline(web_store: Path) -> None:
    line, articles = _storyline(web_store)
    data = json.loads(_render(web_store, "json", ExportOptions(storyline=line)))
    assert len(data["articles"]) == articles
    assert {a["storyline"] for a in data["articles"]} == {line}
    assert [s["id"] for s in data["storylines"]] == [line]
    ids = {a["id"] for a in data["articles"]}
    assert all(q["article_id"] in ids for q in data["quotes"])
    assert data["events"] and all(set(e["articles"]) & ids for e in data["events"])


# -- tables ------------------------------------------------------------------------------


def test_exports_jsonl_one_record_per_line(web_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    assert _run("--db", str(web_store), "--format", "jsonl", "-o", str(out)).exit_code == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    for table in TABLES:
        mine = [r for r in records if r["table"] == table]
        assert len(mine) == _count(web_store, f"SELECT count(*) FROM {table}"), table
        assert list(mine[0])[1:] == [name for name, _ in COLUMNS[table]]
    events = _run("--db", str(web_store), "--format", "jsonl", "--table", "events")
    lines = [json.loads(line) for line in events.output.splitlines()]
    assert "table" not in lines[0] and isinstance(lines[0]["participants"], list)


def test_exports_csv_round_trips_with_the_csv_module(web_store: Path, tmp_path: Path) -> None:
    folder = tmp_path / "tables"
    result = _run("--db", str(web_store), "--format", "csv", "-o", str(folder))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    for table in TABLES:
        with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert len(rows) == _count(web_store, f"SELECT count(*) FROM {table}"), table
        assert list(rows[0]) == [name for name, _ in COLUMNS[table]]
    with (folder / "events.csv").open(encoding="utf-8", newline="") as handle:
        events = list(csv.DictReader(handle))
    with Store.open(web_store, readonly=True) as store:
        stored = {event_id: e for event_id, e in store.events()}
    for row in events:
        assert row["participants"].split(LIST_SEPARATOR) == stored[row["id"]].participants or (
            row["participants"] == "" and not stored[row["id"]].participants
        )
    one = _run("--db", str(web_store), "--format", "csv", "--table", "quotes")
    quotes = list(csv.DictReader(io.StringIO(one.output)))
    assert len(quotes) == _count(web_store, "SELECT count(*) FROM quotes")
    assert all(int(q["end"]) > int(q["start"]) for q in quotes)


def test_exports_parquet_reads_back_with_pyarrow(web_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "entities.parquet"
    result = _run(
        "--db", str(web_store), "--format", "parquet", "--table", "entities", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert table.num_rows == _count(web_store, "SELECT count(*) FROM entities")
    assert pa.types.is_list(table.schema.field("forms").type)
    assert pa.types.is_string(table.schema.field("forms").type.value_type)
    assert pa.types.is_int64(table.schema.field("mentions").type)
    rows = table.to_pylist()
    assert all(r["name"] in r["forms"] or r["forms"] for r in rows)
    folder = tmp_path / "pq"
    assert _run("--db", str(web_store), "--format", "parquet", "-o", str(folder)).exit_code == 0
    for name in TABLES:
        read = pq.read_table(folder / f"{name}.parquet")
        assert read.column_names == [n for n, _ in COLUMNS[name]]
    line, articles = _storyline(web_store)
    narrowed = pq.read_table(
        io.BytesIO(_render(web_store, "parquet", ExportOptions("articles", storyline=line)))
    )
    assert narrowed.num_rows == articles


# -- reports, calendars, networks ---------------------------------------------------------


def test_exports_markdown_report_of_a_storyline(web_store: Path) -> None:
    line, _ = _storyline(web_store)
    result = _run("--db", str(web_store), "--format", "markdown", "--storyline", line)
    assert result.exit_code == 0, result.output
    report = result.output
    assert report.startswith("# ")
    for heading in ("## People and organisations", "## Stories", "## Timeline", "## Key quotes"):
        assert heading in report
    assert f"`{line}`" in report and "\n- **" in report and "\n> «" in report
    everything = _run("--db", str(web_store), "--format", "markdown").output
    assert everything.startswith("# Storylines") and everything.count("\n## ") == _count(
        web_store, "SELECT count(*) FROM storylines"
    )


def test_exports_ics_reads_back(web_store: Path) -> None:
    text = _render(web_store, "ics", ExportOptions()).decode("utf-8")
    events = parse_ics(text)
    with Store.open(web_store, readonly=True) as store:
        stored = dict(store.events())
    expected = {
        event_id
        for event_id, e in stored.items()
        if (span := day_span(e.date)) is not None and (span[1] - span[0]).days < MAX_DAYS
    }
    assert {e["UID"].removesuffix("@lagebild") for e in events} == expected
    for event in events:
        original = stored[event["UID"].removesuffix("@lagebild")]
        span = day_span(original.date)
        assert span is not None
        first = date.fromisoformat(
            f"{event['DTSTART'][:4]}-{event['DTSTART'][4:6]}-{event['DTSTART'][6:]}"
        )
        end = date.fromisoformat(f"{event['DTEND'][:4]}-{event['DTEND'][4:6]}-{event['DTEND'][6:]}")
        assert (first, end - timedelta(days=1)) == span
        assert original.evidence in event["DESCRIPTION"]
        if original.place:
            assert event["LOCATION"] == original.place
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))


def test_exports_ics_parses_with_icalendar(web_store: Path) -> None:
    icalendar = pytest.importorskip("icalendar")
    text = _render(web_store, "ics", ExportOptions())
    calendar = icalendar.Calendar.from_ical(text)
    parsed = [c for c in calendar.walk("VEVENT")]
    assert len(parsed) == len(parse_ics(text.decode("utf-8"))) > 0
    assert all(c.get("dtstart").dt < c.get("dtend").dt for c in parsed)


def test_exports_ics_escapes_and_folds() -> None:
    assert escape("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
    line = "DESCRIPTION:" + "Ä" * 100
    folded = fold(line)
    parts = folded.removesuffix("\r\n").split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert "".join(p.removeprefix(" ") if i else p for i, p in enumerate(parts)) == line


def test_exports_graphml_reads_back_with_elementtree(web_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "net.graphml"
    assert _run("--db", str(web_store), "--format", "graphml", "-o", str(out)).exit_code == 0
    root = ET.parse(out).getroot()
    graph = root.find(f"{GRAPHML}graph")
    assert graph is not None and graph.get("edgedefault") == "undirected"
    nodes = {n.get("id"): n for n in graph.iter(f"{GRAPHML}node")}
    edges = list(graph.iter(f"{GRAPHML}edge"))
    assert len(nodes) >= 5 and edges

    def data(element: ET.Element, key: str) -> str:
        found = element.find(f"{GRAPHML}data[@key='{key}']")
        assert found is not None
        return found.text or ""

    with Store.open(web_store, readonly=True) as store:
        stored = dict(store.events())
    for edge in edges:
        assert edge.get("source") in nodes and edge.get("target") in nodes
        ids = data(edge, "event_ids").split()
        assert int(data(edge, "weight")) == len(ids)
        a = data(nodes[edge.get("source")], "name")
        b = data(nodes[edge.get("target")], "name")
        assert all(a in stored[i].participants and b in stored[i].participants for i in ids)


def test_exports_graphml_around_an_entity(web_store: Path) -> None:
    result = _run("--db", str(web_store), "--format", "graphml", "--entity", "Witkoff")
    assert result.exit_code == 0, result.output
    root = ET.fromstring(result.output.encode("utf-8"))
    names = [d.text for d in root.iter(f"{GRAPHML}data") if d.get("key") == "name"]
    assert "Steve Witkoff" in names


# -- the command ----------------------------------------------------------------------------


def test_exports_cli_refuses_what_it_cannot_do(web_store: Path) -> None:
    binary = _run("--db", str(web_store), "--format", "parquet", "--table", "events")
    assert binary.exit_code == 2 and "-o" in binary.output
    folder = _run("--db", str(web_store), "--format", "csv")
    assert folder.exit_code == 2 and "folder" in folder.output
    missing = _run("--db", str(web_store), "--format", "ics", "--entity", "Niemand Nirgends")
    assert missing.exit_code == 4
    line = _run("--db", str(web_store), "--format", "markdown", "--storyline", "no-such")
    assert line.exit_code == 4 and "no storyline" in line.output
    bad = _run("--db", str(web_store), "--format", "xml")
    assert bad.exit_code == 2
    helped = _run("--help")
    assert helped.exit_code == 0 and "Example" in helped.output and "--table" in helped.output


@pytest.mark.parametrize(
    ("value", "span"),
    [
        ("2025-12-22", ("2025-12-22", "2025-12-22")),
        ("2025-12-22T10:30", ("2025-12-22", "2025-12-22")),
        ("2025-W51", ("2025-12-15", "2025-12-21")),
        ("2025-W51-WE", ("2025-12-20", "2025-12-21")),
        ("2026-02", ("2026-02-01", "2026-02-28")),
        ("2025", ("2025-01-01", "2025-12-31")),
        ("2025-10-24/2025-10-26", ("2025-10-24", "2025-10-26")),
        (None, None),
        ("PRESENT_REF", None),
        ("2025-13", None),
    ],
)
def test_exports_day_span_of_timex_values(value: str | None, span: tuple[str, str] | None) -> None:
    found = day_span(value)
    assert (None if found is None else (found[0].isoformat(), found[1].isoformat())) == span
