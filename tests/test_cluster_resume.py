"""The cluster stage goes on from its saved state: only new articles are streamed, and the
stories come out as a run over the whole store would make them."""

from __future__ import annotations

import logging
import os
import pickle
import shutil
from pathlib import Path

import pytest

import lagebild.cluster.run as cluster_run
from lagebild.cluster import state
from lagebild.cluster.run import StoreClustering, cluster_store
from lagebild.extract import extract
from lagebild.ingest import find_pages, read_page
from lagebild.pipeline import ingest
from lagebild.store import Store
from lagebild.store.stories import ClusterInput, StoryDelta
from tests.conftest import sorted_rows

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def final_stories(deltas: list[StoryDelta]) -> dict[str, str]:
    """Each article's story once the deltas are applied in turn (as the store does)."""
    story_of: dict[str, str] = {}
    for delta in deltas:
        story_of.update(delta.assigned)
        for old, new in delta.renamed:
            story_of = {aid: new if story == old else story for aid, story in story_of.items()}
    return story_of


def stream() -> list[ClusterInput]:
    """Two flood stories, a wage dispute and unrelated reports over three weeks."""
    texts = [
        (
            "Hochwasser in Passau: Donau steigt",
            "Die Donau steigt in Passau auf acht Meter. Die Stadt verteilt Sandsäcke, die Altstadt wird geräumt.",
        ),
        (
            "Passau: Pegel der Donau bei acht Metern",
            "In Passau hat die Donau acht Meter erreicht. Die Altstadt wird geräumt, Helfer füllen Sandsäcke.",
        ),
        (
            "Warnstreik bei Hollmann Logistik",
            "Verdi hat die Beschäftigten von Hollmann Logistik in Leipzig zum Warnstreik aufgerufen. Es geht um sieben Prozent mehr Lohn.",
        ),
        (
            "Falken gewinnen in der Verlängerung",
            "Die Heilbronner Falken haben das Derby in der Verlängerung mit 4:3 gewonnen.",
        ),
        (
            "Hollmann: Streik geht weiter",
            "Der Warnstreik bei Hollmann Logistik in Leipzig geht weiter. Verdi fordert sieben Prozent mehr Lohn, Hollmann bietet drei.",
        ),
        (
            "Donau-Hochwasser: Passau räumt auf",
            "Nach dem Hochwasser räumt Passau die Altstadt auf. Die Donau ist unter sechs Meter gefallen.",
        ),
        (
            "Uraufführung in Rostock",
            "Das Volkstheater Rostock zeigt die Uraufführung eines neuen Stücks über die Hanse.",
        ),
        (
            "Hollmann und Verdi einigen sich",
            "Im Tarifstreit bei Hollmann Logistik in Leipzig haben sich Verdi und das Unternehmen auf fünf Prozent mehr Lohn geeinigt.",
        ),
    ]
    days = [
        "2026-03-01",
        "2026-03-01",
        "2026-03-03",
        "2026-03-04",
        "2026-03-05",
        "2026-03-06",
        "2026-03-15",
        "2026-03-20",
    ]
    return [
        ClusterInput(f"a{i}", title, text, day, "de", [])
        for i, ((title, text), day) in enumerate(zip(texts, days, strict=True))
    ]


def test_saved_state_goes_on_as_one_stream_would() -> None:
    items = stream()
    whole = StoreClustering()
    one = whole.feed(items)
    for cut in range(1, len(items)):
        first = StoreClustering()
        deltas = [first.feed(items[:cut])]
        again = state.loads(state.dumps(first))
        assert isinstance(again, StoreClustering)
        deltas.append(again.feed(items[cut:]))
        assert final_stories(deltas) == final_stories([one]), cut
        assert again.processed_ == whole.processed_ == len(items)
        # The last run's story rows are those of the stories it touched, as one stream's.
        rows = {row.id: row for row in one.stories}
        assert all(rows[row.id] == row for row in deltas[1].stories)
    assert len(set(final_stories([one]).values())) < len(items)  # some did join


def test_state_holds_no_cache_and_no_model() -> None:
    clustering = StoreClustering()
    clustering.feed(stream())
    assert clustering.clusterer.featurizer_.forms_  # the memo was used
    again = state.loads(state.dumps(clustering))
    assert again.clusterer.featurizer_.forms_ == {}
    assert again.clusterer.model is not None and again.clusterer.model.trees is not None


class _Boom:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("touch /tmp/lagebild-pwned",))


def test_crafted_state_is_refused_without_running_it(tmp_path: Path) -> None:
    import zstandard

    crafted = zstandard.ZstdCompressor().compress(pickle.dumps(_Boom(), protocol=5))
    with pytest.raises(state.StateError, match=r"(posix|os)\.system"):
        state.loads(crafted)
    assert not Path("/tmp/lagebild-pwned").exists()
    with pytest.raises(state.StateError, match="unreadable"):
        state.loads(b"not a state")


def dated_examples() -> list[Path]:
    """The example pages by their printed date (undated last)."""
    dated = []
    for path in sorted(EXAMPLES.glob("[0-9]*")):
        candidate = next(iter(find_pages([str(path)])))
        article = extract(read_page(candidate))  # type: ignore[arg-type]
        dated.append((article.published or "9999", path))
    return [path for _, path in sorted(dated)]


def snapshot(store: Store) -> tuple[list[tuple[object, ...]], ...]:
    return sorted_rows(
        store.db,
        "SELECT id, story, storyline FROM articles",
        "SELECT * FROM stories",
        "SELECT * FROM storylines",
    )


def assert_consistent(store: Store) -> None:
    """Every article in a story and storyline, copies in their canonical's, the counts
    as the articles are, no empty story or storyline, each fed article marked."""
    one = store.db.execute
    assert (
        one("SELECT count(*) FROM articles WHERE story IS NULL OR storyline IS NULL").fetchone()[0]
        == 0
    )
    assert (
        one(
            "SELECT count(*) FROM articles a JOIN articles c ON c.id = a.duplicate_of "
            "WHERE a.story <> c.story OR a.storyline <> c.storyline"
        ).fetchone()[0]
        == 0
    )
    assert (
        one(
            "SELECT count(*) FROM articles a JOIN stories s ON s.id = a.story "
            "WHERE a.storyline <> s.storyline"
        ).fetchone()[0]
        == 0
    )
    stories = {r[0]: r[1] for r in one("SELECT id, articles FROM stories")}
    counted = dict(one("SELECT story, count(*) FROM articles GROUP BY story").fetchall())
    assert stories == counted
    lines = {r[0]: (r[1], r[2]) for r in one("SELECT id, stories, articles FROM storylines")}
    made = {
        r[0]: (r[1], r[2])
        for r in one("SELECT storyline, count(*), sum(articles) FROM stories GROUP BY storyline")
    }
    assert lines == made
    canonical = one("SELECT count(*) FROM articles WHERE duplicate_of IS NULL").fetchone()[0]
    assert (
        one(
            "SELECT count(*) FROM articles WHERE clustered = 1 AND duplicate_of IS NULL"
        ).fetchone()[0]
        == canonical
    )


@pytest.fixture()
def keep_state(monkeypatch: pytest.MonkeyPatch) -> None:
    # The examples are far fewer articles than a store keeps a state from.
    monkeypatch.setattr(cluster_run, "STATE_FROM", 1)


@pytest.fixture(scope="module")
def examples() -> list[Path]:
    return dated_examples()


def runs(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "lagebild.cluster.run"]


@pytest.mark.usefixtures("keep_state")
def test_store_runs_in_date_order_match_one_run_afresh(
    tmp_path: Path, examples: list[Path], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="lagebild.cluster.run")
    path = tmp_path / "runs.sqlite"
    with Store.open(path) as store:
        for chunk in (examples[:4], examples[4:8], examples[8:]):
            ingest([str(p) for p in chunk], store)
        went_on = snapshot(store)
        assert store.db.execute("SELECT count(*) FROM cluster_state").fetchone()[0] == 1
    # Only the first run clustered afresh; the two after went on from its state.
    assert len([m for m in runs(caplog) if "afresh" in m]) == 1
    shutil.copy(path, tmp_path / "afresh.sqlite")
    with Store.open(tmp_path / "afresh.sqlite") as store:
        run = cluster_store(store, afresh=True)
        assert_consistent(store)
        canonical = store.db.execute(
            "SELECT count(*) FROM articles WHERE duplicate_of IS NULL"
        ).fetchone()[0]
        assert run.mode == "afresh" and run.articles == canonical
        assert snapshot(store) == went_on
    stories = {row[1] for row in went_on[0]}
    assert None not in stories and len(stories) < len(examples)


@pytest.mark.usefixtures("keep_state")
def test_a_copy_in_a_later_run_joins_and_counts_in_its_story(
    tmp_path: Path, examples: list[Path], caplog: pytest.LogCaptureFixture
) -> None:
    # The wire copy 03 (undated) after the first four pages by date, 02 its original among
    # them: dedup's window still holds 02.
    copy = EXAMPLES / "03_evakuierung_passau_portal.txt"
    first = examples[:4]
    assert EXAMPLES / "02_evakuierung_passau_rundschau.html" in first
    with Store.open(tmp_path / "s.sqlite") as store:
        ingest([str(p) for p in first], store)
        caplog.set_level(logging.INFO, logger="lagebild.cluster.run")
        caplog.clear()
        ingest([str(copy)], store)
        assert runs(caplog) == []  # went on from the state
        found = {
            r[0]: (r[1], r[2], r[3])
            for r in store.db.execute("SELECT id, story, storyline, duplicate_of FROM articles")
        }
        copies = [aid for aid, (_, _, dup) in found.items() if dup is not None]
        assert len(copies) == 1
        story, line, canonical = found[copies[0]]
        assert (story, line) == found[canonical][:2]
        count = store.db.execute("SELECT articles FROM stories WHERE id = ?", (story,)).fetchone()
        assert count[0] == sum(1 for s, _, _ in found.values() if s == story) >= 2
        assert_consistent(store)


@pytest.mark.usefixtures("keep_state")
def test_a_clustered_copy_hands_its_story_to_its_new_canonical(
    tmp_path: Path, examples: list[Path], caplog: pytest.LogCaptureFixture
) -> None:
    # The undated wire copy 03 is stored and clustered first; its dated original 02
    # comes in the next run and becomes the group's canonical article (the earliest).
    copy = EXAMPLES / "03_evakuierung_passau_portal.txt"
    wire = EXAMPLES / "02_evakuierung_passau_rundschau.html"
    first = [*examples[: examples.index(wire)], copy]
    later = [p for p in examples if p not in first]
    assert later[0] == wire
    with Store.open(tmp_path / "s.sqlite") as store:
        ingest([str(p) for p in first], store)
        (copy_id, story), *_ = store.db.execute(
            "SELECT id, story FROM articles WHERE seq = (SELECT max(seq) FROM articles)"
        ).fetchall()
        caplog.set_level(logging.INFO, logger="lagebild.cluster.run")
        caplog.clear()
        ingest([str(p) for p in later], store)
        assert runs(caplog) == []  # went on from the state
        row = store.db.execute(
            "SELECT a.duplicate_of, a.clustered, c.story, c.clustered FROM articles a "
            "JOIN articles c ON c.id = a.duplicate_of WHERE a.id = ?",
            (copy_id,),
        ).fetchone()
        assert row is not None, "03 should now be a copy of 02"
        assert tuple(row[1:]) == (None, story, 1)
        assert_consistent(store)


@pytest.mark.usefixtures("keep_state")
@pytest.mark.parametrize(
    "tamper",
    ["version", "bytes", "unmarked", "late"],
)
def test_store_clusters_afresh_when_it_cannot_go_on(
    tamper: str, tmp_path: Path, examples: list[Path], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="lagebild.cluster.run")
    with Store.open(tmp_path / "s.sqlite") as store:
        ingest([str(p) for p in examples[:-3]], store)
        if tamper == "version":
            store.db.execute("UPDATE cluster_state SET version = 'old'")
        elif tamper == "bytes":
            store.db.execute("UPDATE cluster_state SET state = ?", (b"\x00" * 10,))
        elif tamper == "unmarked":  # the store no longer marks an article as clustered
            store.db.execute(
                "UPDATE articles SET clustered = NULL WHERE seq = (SELECT min(seq) FROM articles)"
            )
        caplog.clear()
        later = examples[-3:] if tamper != "late" else [examples[0], *examples[-3:]]
        if tamper == "late":  # the earliest example, stored again as a new page
            late = tmp_path / "late.txt"
            late.write_bytes(examples[0].read_bytes() + b"\n\nNachtrag: Die Gespraeche dauern an.")
            later = [late, *examples[-3:]]
        ingest([str(p) for p in later], store)
        messages = runs(caplog)
        assert len(messages) == 1 and "afresh" in messages[0], messages
        reason = {
            "version": "state of old",
            "bytes": "unreadable",
            "unmarked": "the store marks",
            "late": "more than 7 days older",
        }[tamper]
        assert reason in messages[0]
        assert_consistent(store)


def test_a_small_store_keeps_no_state(tmp_path: Path, examples: list[Path]) -> None:
    with Store.open(tmp_path / "s.sqlite") as store:
        ingest([str(p) for p in examples], store)
        assert store.db.execute("SELECT count(*) FROM cluster_state").fetchone()[0] == 0
        assert store.db.execute("SELECT count(*) FROM stories").fetchone()[0] > 0


def test_recluster_command_starts_over(tmp_path: Path, examples: list[Path]) -> None:
    import json

    from click.testing import CliRunner

    from lagebild.cli import main

    db = tmp_path / "s.sqlite"
    with Store.open(db) as store:
        ingest([str(p) for p in examples], store)
        before = snapshot(store)
    result = CliRunner().invoke(main, ["recluster", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    done = json.loads(result.output)
    with Store.open(db) as store:
        assert snapshot(store) == before
        canonical = store.db.execute(
            "SELECT count(*) FROM articles WHERE duplicate_of IS NULL"
        ).fetchone()[0]
        storylines = store.counts()["storylines"]
    # Its help says it clusters into stories and storylines: it reports both.
    assert done == {"articles": canonical, "stories": len(before[1]), "storylines": storylines}


def test_recluster_command_needs_a_store(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from lagebild.cli import main

    missing = tmp_path / "none.sqlite"
    result = CliRunner().invoke(main, ["recluster", "--db", str(missing)])
    assert result.exit_code == 3
    assert f"no store at {missing}" in result.output
    assert not missing.exists()


def test_state_fingerprint_follows_the_code_and_the_model(tmp_path: Path) -> None:
    from lagebild.cluster import decision

    model = tmp_path / "join.json"
    model.write_bytes(decision.MODEL_PATH.read_bytes())
    reopen = tmp_path / "reopen.json"
    reopen.write_bytes(decision.MODEL_PATH.with_name("reopen.json").read_bytes())
    one = state.fingerprint(model, embeddings=False)
    assert one == state.fingerprint(decision.MODEL_PATH, embeddings=False)
    assert one != state.fingerprint(model, embeddings=True)
    code = tmp_path / "cluster"
    shutil.copytree(Path(cluster_run.__file__).parent, code)
    assert state.fingerprint(model, False, code) == one
    stories = code / "stories.py"
    stories.write_text(stories.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert state.fingerprint(model, False, code) != one
    reopen.write_bytes(reopen.read_bytes() + b" ")
    two = state.fingerprint(model, embeddings=False)
    assert two != one
    model.write_bytes(model.read_bytes() + b" ")
    assert state.fingerprint(model, embeddings=False) not in (one, two)


@pytest.mark.usefixtures("keep_state")
def test_ingest_summary_says_how_the_stories_were_made(
    tmp_path: Path, examples: list[Path]
) -> None:
    from click.testing import CliRunner

    from lagebild.cli import main

    db = tmp_path / "s.sqlite"
    with Store.open(db) as store:
        first = ingest([str(p) for p in examples[:4]], store)
        then = ingest([str(p) for p in examples[4:6]], store)
    assert first.as_dict()["clustering"] == {
        "mode": "afresh",
        "articles": 4,
        "reason": "no saved state",
    }
    assert then.as_dict()["clustering"] == {"mode": "continued", "articles": 2, "reason": ""}
    result = CliRunner().invoke(main, ["ingest", *map(str, examples[6:8]), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "stories: went on from the last run with 2 new articles" in result.output


def test_small_store_says_why_it_clustered_afresh(tmp_path: Path, examples: list[Path]) -> None:
    with Store.open(tmp_path / "s.sqlite") as store:
        ingest([str(p) for p in examples[:3]], store)
        later = ingest([str(p) for p in examples[3:5]], store)
    assert later.clustering is not None
    assert later.clustering.reason == "a store of fewer than 1,000 articles keeps no state"
