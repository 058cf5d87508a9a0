"""Multilingual embeddings in the store (``lagebild ingest --embeddings``, migration m015)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from lagebild.cli import main
from lagebild.pipeline import ingest
from lagebild.store import Store, vectors

GERMAN = """Hochwasser in Kellbach: Damm bei Ostermühle gebrochen

Kellbach, 14.03.2026

In der Nacht auf Samstag ist bei Ostermühle ein Damm der Kell gebrochen. Rund 400
Bewohner des Ortsteils mussten ihre Häuser verlassen, teilte das Landratsamt mit. Die
Feuerwehr pumpte bis zum Morgen Wasser aus den Kellern, Helfer füllten Sandsäcke.

Bürgermeisterin Anna Rothe sagte, der Damm sei seit Jahren als marode bekannt gewesen.
Das Land will nun prüfen, ob die Sanierung vorgezogen werden kann.
"""

ENGLISH = """Dam breaks near Ostermühle, Kellbach residents evacuated

Kellbach, 14.03.2026

A dam on the river Kell broke near Ostermühle overnight into Saturday. About 400
residents of the district had to leave their homes, the district office said. Firefighters
pumped water out of cellars until the morning while volunteers filled sandbags.

Mayor Anna Rothe said the dam had been known to be in poor repair for years. The state
now wants to check whether its renovation can be brought forward.
"""

OTHER = """Tarifrunde im Einzelhandel: Verdi ruft zu Warnstreiks auf

Leipzig, 20.03.2026

Die Gewerkschaft Verdi hat die Beschäftigten des Einzelhandels in Sachsen zu Warnstreiks
aufgerufen. Die Arbeitgeber hätten in der zweiten Verhandlungsrunde kein Angebot
vorgelegt, sagte ein Sprecher. Betroffen seien Filialen in Leipzig, Dresden und Chemnitz.
"""


def _page(text: str) -> str:
    """The text as a scraped page: one line a paragraph."""
    return "\n\n".join(" ".join(p.split()) for p in text.split("\n\n")) + "\n"


def test_store_vectors_round_trip_keeps_cosines() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, 512)).astype(np.float32)
    a, b = a / np.linalg.norm(a), b / np.linalg.norm(b)
    a2, b2 = vectors.unpack(vectors.pack(a.tolist())), vectors.unpack(vectors.pack(b.tolist()))
    assert len(vectors.pack(a.tolist())) == 512
    assert abs(float(a2 @ b2) - float(a @ b)) < 0.01
    assert abs(float(np.linalg.norm(a2)) - 1.0) < 1e-5


def test_store_embeddings_setting_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite"
    with Store.open(path) as store:
        assert not store.embeddings_on()
        store.set_embeddings(True)
    with Store.open(path, readonly=True) as store:
        assert store.embeddings_on()


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pages")
    for name, text in (("de.txt", GERMAN), ("en.txt", ENGLISH), ("other.txt", OTHER)):
        (folder / name).write_text(_page(text), encoding="utf-8")
    db = tmp_path_factory.mktemp("store") / "store.sqlite"
    result = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db), "--embeddings"])
    assert result.exit_code == 0, result.output
    return db


def test_ingest_with_embeddings_embeds_every_language(embedded: Path) -> None:
    with Store.open(embedded, readonly=True) as store:
        assert store.embeddings_on()
        inputs = {i.article_id: i for i in store.cluster_inputs()}
        languages = {store.article(a).language for a in inputs}  # type: ignore[union-attr]
        assert languages == {"de", "en"}
        assert all(i.embedding is not None and i.embedding.shape == (512,) for i in inputs.values())
        by_source = {Path(a.source).name: a for a in store.articles()}
        german, english, other = (
            inputs[by_source[n].id] for n in ("de.txt", "en.txt", "other.txt")
        )
        assert german.embedding is not None and english.embedding is not None
        assert other.embedding is not None
        # The English report of the same flood is nearer the German one than the strike is.
        assert float(german.embedding @ english.embedding) > float(
            german.embedding @ other.embedding
        )
        assert by_source["en.txt"].story == by_source["de.txt"].story
        assert by_source["other.txt"].story != by_source["de.txt"].story


def test_ingest_keeps_the_store_setting_and_can_turn_it_off(embedded: Path, tmp_path: Path) -> None:
    more = tmp_path / "more.txt"
    more.write_text(_page(OTHER.replace("Sachsen", "Thüringen").replace("Dresden", "Jena")))
    with Store.open(embedded) as store:
        ingest([str(more)], store)
        assert store.db.execute("SELECT count(*) FROM article_vectors").fetchone()[0] == 4
        store.set_embeddings(False)
        late = tmp_path / "late.txt"
        late.write_text(_page(GERMAN.replace("400", "450").replace("Samstag", "Sonntag")))
        ingest([str(late)], store)
        assert store.db.execute("SELECT count(*) FROM article_vectors").fetchone()[0] == 4
