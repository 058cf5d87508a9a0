"""End to end: a folder of pages into the store and out through the export."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from lagebild.export import export_json
from lagebild.pipeline import STAGES, ingest
from lagebild.store import Store

CONTRACT_ARTICLE_KEYS = {
    "id",
    "source",
    "title",
    "published",
    "published_inferred",
    "duplicate_of",
    "story",
    "storyline",
}
CONTRACT_TOP_KEYS = {"articles", "stories", "storylines", "entities", "quotes", "events"}


@pytest.fixture
def mixed_folder(tmp_path: Path, seeds_dir: Path) -> Path:
    folder = tmp_path / "pages"
    shutil.copytree(seeds_dir, folder)
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02\x03" * 500)
    (folder / "empty.txt").write_bytes(b"")
    return folder


def test_pipeline_seeds_with_bad_pages(mixed_folder: Path, tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.sqlite")
    summary = ingest([str(mixed_folder)], store)
    assert summary.stored == 5
    assert sorted((r.source.rsplit("/", 1)[-1], r.reason.value) for r in summary.rejected) == [
        ("broken.txt", "binary"),
        ("empty.txt", "empty"),
    ]
    assert store.counts()["rejections_by_reason"] == {"binary": 1, "empty": 1}
    data = export_json(store)
    assert set(data) == CONTRACT_TOP_KEYS
    assert len(data["articles"]) == 5
    for article in data["articles"]:
        assert set(article) >= CONTRACT_ARTICLE_KEYS
        assert article["source"].startswith(str(mixed_folder))


def test_pipeline_reingest_is_idempotent(mixed_folder: Path, tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.sqlite")
    ingest([str(mixed_folder)], store)
    first = (store.counts(), export_json(store))
    again = ingest([str(mixed_folder)], store)
    assert again.stored == 0 and again.known == 5
    assert (store.counts(), export_json(store)) == first


def test_pipeline_bad_page_in_the_middle_does_not_stop_the_batch(
    tmp_path: Path, seeds_dir: Path
) -> None:
    seeds = sorted(seeds_dir.glob("*.txt"))
    bad = tmp_path / "bad.html"
    bad.write_bytes(b"\xff\xfe\x00\x00" + b"\x00" * 100)
    store = Store.open(tmp_path / "s.sqlite")
    summary = ingest([str(seeds[0]), str(bad), str(seeds[1])], store)
    assert summary.stored == 2 and len(summary.rejected) == 1


def test_pipeline_boilerplate_only_page_is_rejected(tmp_path: Path) -> None:
    page = tmp_path / "noise.txt"
    page.write_text("Politik\n\nDiesen Artikel teilen\n\nDie Kommentare sind geschlossen.\n")
    store = Store.open(tmp_path / "s.sqlite")
    summary = ingest([str(page)], store)
    assert [r.reason.value for r in summary.rejected] == ["no_article"]
    assert store.counts()["articles"] == 0


def test_pipeline_registry_holds_the_built_stages_in_order() -> None:
    assert list(STAGES) == ["extract", "site_noise", "dedup", "annotate"]


def test_pipeline_seed_copies_grouped_and_dated(
    tmp_path: Path, seeds_dir: Path, gold: dict[str, Any]
) -> None:
    store = Store.open(tmp_path / "s.sqlite")
    ingest([str(seeds_dir)], store)
    by_name = {a.source.rsplit("/", 1)[-1]: a for a in store.articles()}
    copies = sorted(
        sorted([name, next(n for n, b in by_name.items() if b.id == a.duplicate_of)])
        for name, a in by_name.items()
        if a.duplicate_of
    )
    assert copies == sorted(sorted(pair) for pair in gold["duplicates"])
    copy = by_name["001_713db64e5bd6244c.txt"]
    assert copy.published is None
    assert (
        copy.published_inferred
        == gold["articles"]["001_713db64e5bd6244c.txt"]["published_inferred"]
    )
    assert by_name["000_6b58da792bafafdb.txt"].duplicate_of is None


def test_pipeline_later_earlier_copy_becomes_canonical(tmp_path: Path, seeds_dir: Path) -> None:
    """The undated copy arrives first; when the dated original comes, it takes over."""
    store = Store.open(tmp_path / "s.sqlite")
    ingest([str(seeds_dir / "001_713db64e5bd6244c.txt")], store)
    (only,) = store.articles()
    assert only.duplicate_of is None and only.published_inferred is None
    # A second run: dedup resumes from the signatures in the store.
    ingest([str(seeds_dir / "000_6b58da792bafafdb.txt")], store)
    copy, original = store.articles()
    assert copy.duplicate_of == original.id and original.duplicate_of is None
    assert copy.published_inferred == "2025-12-22"


def test_pipeline_learns_lines_a_site_prints_on_every_page(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    for n in range(5):
        (folder / f"{n}.txt").write_text(
            f"Meldung Nummer {n} aus dem Hafen\n\n"
            f"Im Hafen wurde am Montag das Schiff Nummer {n} entladen. Die Arbeiten dauerten "
            "länger als geplant, weil der Kran ausfiel und Ersatz aus der Nachbarstadt kam.\n\n"
            "Hafenblatt Plus: Jetzt testen\n\n"
            f"Der Hafenmeister sagte, man rechne bis Freitag mit {n + 2} weiteren Schiffen. "
            "Die Reederei wollte sich nicht äußern.\n\n"
            "Quelle: hafenblatt.de, kmr\n",
            encoding="utf-8",
        )
    store = Store.open(tmp_path / "s.sqlite")
    summary = ingest([str(folder)], store)
    assert summary.stored == 5
    noisy = [
        a.source.rsplit("/", 1)[-1]
        for a in store.articles()
        if "Hafenblatt Plus: Jetzt testen" in a.subheadings
    ]
    # Counted on three pages, the line is boilerplate from the fourth page on.
    assert noisy == ["0.txt", "1.txt", "2.txt"]
    assert store.site_line_counts("hafenblatt.de")["hafenblatt plus: jetzt testen"] == 3


def test_pipeline_stores_mentions_from_the_article_text_only(
    tmp_path: Path, seeds_dir: Path
) -> None:
    store = Store.open(tmp_path / "s.sqlite")
    ingest([str(seeds_dir)], store)
    rows = store.db.execute("SELECT article_id, start, end, text FROM mentions").fetchall()
    texts = {a.id: a.reading_text for a in store.articles()}
    assert len(rows) > 50
    for article_id, start, end, text in rows:
        assert texts[article_id][start:end] == text
    found = {text for _, _, _, text in rows}
    assert {"Steve Witkoff", "Moskau", "Miami"} <= found
    # Seed 001 carries an advertisement about a tennis player and a photo caption:
    # neither is article text, so neither may yield a mention.
    assert not any("Petkovi" in text or "Prokofyev" in text for text in found)


def test_pipeline_resolves_entities_across_the_store(tmp_path: Path, seeds_dir: Path) -> None:
    store = Store.open(tmp_path / "s.sqlite")
    ingest([str(seeds_dir)], store)
    dmitrijew = store.entity("Dmitriew")
    assert dmitrijew is not None and dmitrijew.type == "PER"
    assert {"Dmitrijew", "Dmitriew", "Kirill Dmitrijew"} <= set(dmitrijew.forms)
    witkoff = store.entity("Witkoffs")
    assert witkoff is not None and witkoff.name == "Steve Witkoff"
    detail = store.entity_detail(witkoff)
    assert len(detail.articles) == 5 and detail.mentions >= 10
    assert any(c["name"] == "Wladimir Putin" for c in detail.cooccurring)
    linked = store.db.execute("SELECT count(*) FROM mentions WHERE entity_id IS NOT NULL")
    assert linked.fetchone()[0] > 50
    exported = export_json(store)["entities"]
    assert {"id", "name", "type", "forms", "roles"} <= set(exported[0])
    assert not any("Petkovi" in form for e in exported for form in e["forms"])


def test_pipeline_resolution_is_replaced_not_added_to(tmp_path: Path, seeds_dir: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    pages = sorted(seeds_dir.glob("*.txt"))
    for page in pages[:2]:
        shutil.copy(page, first)
    for page in pages[2:]:
        shutil.copy(page, second)
    store = Store.open(tmp_path / "s.sqlite")
    ingest([str(first)], store)
    ingest([str(second)], store)
    rows = store.db.execute("SELECT count(*), count(DISTINCT id) FROM entities").fetchone()
    assert rows[0] == rows[1]
    witkoff = store.entity("Witkoff")
    assert witkoff is not None and len(store.entity_detail(witkoff).articles) == 5


def test_pipeline_clusters_the_seeds_into_their_stories_and_one_storyline(
    tmp_path: Path, seeds_dir: Path, gold: dict[str, Any]
) -> None:
    store = Store.open(tmp_path / "s.sqlite")
    ingest([str(seeds_dir)], store)
    story_of = {Path(a.source).name: a.story for a in store.articles()}
    line_of = {Path(a.source).name: a.storyline for a in store.articles()}
    predicted = {
        frozenset(n for n, s in story_of.items() if s == story) for story in story_of.values()
    }
    expected = {frozenset(s["documents"]) for s in gold["stories"]}
    assert predicted == expected
    assert len(set(line_of.values())) == 1 and None not in line_of.values()
    (line,) = store.storylines()
    assert line["stories"] == 4 and line["articles"] == 5
    assert line["start"] == "2025-11-19" and line["end"] == "2025-12-31"
    exported = export_json(store)
    assert len(exported["stories"]) == 4 and len(exported["storylines"]) == 1
    assert {"id", "label", "articles"} <= set(exported["stories"][0])


def test_pipeline_can_leave_out_a_stage_over_the_store(
    tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A trainer ingests the examples for their entities while it fits a join model of
    # other features than the shipped one: the cluster stage must not load that model.
    from lagebild.cluster import decision

    def refuse(*args: object) -> None:
        raise AssertionError("the cluster stage ran")

    monkeypatch.setattr(decision.JoinModel, "load", refuse)
    store = Store.open(tmp_path / "s.sqlite")
    ingest([str(seeds_dir)], store, skip_stages=("cluster",))
    assert store.entity("Witkoffs") is not None
    assert {a.story for a in store.articles()} == {None}
    assert store.cluster_inputs()
    with pytest.raises(AssertionError, match="cluster stage ran"):
        ingest([str(seeds_dir)], Store.open(tmp_path / "t.sqlite"))
    # The left-out stage stays due: the next run, with nothing new, runs it.
    monkeypatch.undo()
    again = ingest([str(seeds_dir)], store)
    assert again.stored == 0 and None not in {a.story for a in store.articles()}


def _snapshot(store: Store) -> dict[str, Any]:
    """What a run leaves in the store, without ingest times."""
    db = store.db
    return {
        "articles": [
            (a.id, a.title, a.text, a.published_inferred, a.duplicate_of, a.story, a.storyline)
            for a in store.articles()
        ],
        "mentions": db.execute(
            "SELECT article_id, start, end, label, entity_id FROM mentions ORDER BY 1, 2"
        ).fetchall(),
        "quotes": db.execute("SELECT article_id, start, text FROM quotes ORDER BY 1, 2").fetchall(),
        "events": db.execute("SELECT id, type, date FROM events ORDER BY id").fetchall(),
        "rejections": db.execute("SELECT source, reason FROM rejections ORDER BY 1").fetchall(),
    }


def test_pipeline_two_workers_store_what_one_core_stores(
    mixed_folder: Path, tmp_path: Path
) -> None:
    one = Store.open(tmp_path / "one.sqlite")
    two = Store.open(tmp_path / "two.sqlite")
    first = ingest([str(mixed_folder)], one)
    second = ingest([str(mixed_folder)], two, workers=2)
    assert (second.stored, second.known, len(second.rejected)) == (
        first.stored,
        first.known,
        len(first.rejected),
    )
    assert _snapshot(two) == _snapshot(one)
    again = ingest([str(mixed_folder)], two, workers=2)
    assert again.stored == 0 and again.known == 5


def test_pipeline_article_too_long_to_annotate_is_rejected_as_too_large(tmp_path: Path) -> None:
    # spaCy reads at most 1,000,000 characters; a longer article text was an internal error.
    paragraph = "Die Stadtwerke bauen die Leitung in der Altstadt weiter aus und prüfen neue Wege. "
    body = "\n\n".join(paragraph * 8 for _ in range(1_700))
    page = tmp_path / "long.txt"
    page.write_text(f"Leitungsbau in der Altstadt\n\n12.03.2026\n\n{body}\n", encoding="utf-8")
    store = Store.open(tmp_path / "s.sqlite")
    summary = ingest([str(page)], store)
    assert summary.stored == 0
    (rejection,) = summary.rejected
    assert rejection.reason.value == "too_large" and "characters" in rejection.detail
