"""Bad input: a corpus of broken, hostile and odd pages, made here, ingested in one batch.

Each case either is refused with its own reason code (in the summary and in the
store's ``rejections`` table) or, when it is a real page, is stored with clean text.
The batch goes on past every bad page, and a subprocess ingesting the whole corpus
keeps its peak memory near that of ingesting the good pages alone.
"""

from __future__ import annotations

import json
import os
import random
import resource
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from lagebild.pipeline import ingest
from lagebild.store import Store
from tests.test_sources import gzip_bomb_member, make_warc

ROOT = Path(__file__).resolve().parents[1]

ARTICLE = """Politik

Stadtrat in {city} streitet über den Haushalt

19.11.2025, 09:47 Uhr

Der Stadtrat von {city} hat am Dienstag über den neuen Haushalt für das kommende Jahr beraten. Die Opposition kritisierte den Entwurf scharf und kündigte Widerstand für die Sitzung im Dezember an.

„Wir werden diesem Entwurf nicht zustimmen“, sagte die Fraktionsvorsitzende Anna Müller. Die Stadtverwaltung verteidigte die geplanten Ausgaben für Schulen, Straßen und den öffentlichen Nahverkehr.

Die Beratungen sollen in der kommenden Woche fortgesetzt werden. Eine Entscheidung wird für Mitte Dezember erwartet, teilte ein Sprecher der Stadt mit.
"""
ENGLISH = """World

City council argues over the budget

19.11.2025, 09:47

The city council of Leeds discussed the new budget for next year on Tuesday. The opposition sharply criticised the draft and announced resistance at the December session.

"We will not agree to this draft," said the group leader Anna Miller. The administration defended the planned spending on schools, roads and public transport.

Deliberations are to continue next week. A decision is expected in mid-December, a spokesman for the city said.
"""
FRENCH = """Monde

Le conseil municipal se dispute sur le budget

19.11.2025, 09:47

Le conseil municipal de Lyon a débattu mardi du nouveau budget pour l'année prochaine. L'opposition a vivement critiqué le projet et annoncé sa résistance lors de la séance de décembre.

« Nous n'approuverons pas ce projet », a déclaré la présidente du groupe, Anne Martin. L'administration a défendu les dépenses prévues pour les écoles, les routes et les transports publics.

Les délibérations doivent se poursuivre la semaine prochaine. Une décision est attendue à la mi-décembre, a indiqué un porte-parole de la ville.
"""
BOILERPLATE = "Politik\n\nDiesen Artikel teilen\n\nDie Kommentare sind geschlossen.\n\nWeitere Meldungen\n\nweiterlesen...\n"
STORED = "stored"


@dataclass(frozen=True)
class Case:
    """One input of the corpus: what it is and what ingest must make of it."""

    name: str  # the path under the corpus folder the source ends with
    expected: str  # a reason code, or STORED
    detail: str = ""  # words the rejection's detail must hold
    text: str = ""  # words the stored article must hold


def _page(city: str) -> str:
    return ARTICLE.format(city=city)


def build_corpus(folder: Path) -> list[Case]:
    """Write the bad-input corpus into ``folder``; return what each file must give."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20251119)
    cases: list[Case] = []

    def add(name: str, data: bytes | str, expected: str, detail: str = "", text: str = "") -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        cases.append(Case(name, expected, detail, text))

    add("zero.txt", b"", "empty", "empty")
    add("whitespace.txt", " \n\t\r\n" * 50, "empty")
    add("bom-only.txt", b"\xef\xbb\xbf", "empty")
    add("random.html", bytes(rng.randrange(256) for _ in range(20_000)), "binary")
    add(
        "image.txt", b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(5000)), "binary"
    )
    add("elf.txt", b"\x7fELF\x02\x01\x01" + bytes(4000), "binary")
    add("truncated-utf8.txt", _page("Köln").encode("utf-8") + "ü".encode()[:1], STORED, text="Köln")
    add(
        "utf16-bom.txt",
        b"\xff\xfe" + _page("Düsseldorf").encode("utf-16-le"),
        STORED,
        text="Düsseldorf",
    )
    add("utf16be-bom.txt", b"\xfe\xff" + _page("Lübeck").encode("utf-16-be"), STORED, text="Lübeck")
    add("cp1252.txt", _page("Mönchengladbach").encode("cp1252"), STORED, text="Mönchengladbach")
    latin1 = _page("Würzburg").replace("„", '"').replace("“", '"')
    add("latin1.txt", latin1.encode("latin-1"), STORED, text="Würzburg")
    mojibake = _page("Göttingen").encode("utf-8").decode("cp1252").encode("utf-8")
    add("mojibake.txt", mojibake, STORED, text="Göttingen")
    add(
        "no-body.html",
        "<html><head><title>Nur ein Titel</title></head></html>",
        "no_article",
        "no article text",
    )
    body = _page("Gera").split("\n\n", 3)[3].replace("\n\n", "</p><p>")
    add(
        "deep.html",
        "<html><body>" + "<div>" * 10_000 + f"<p>{body}</p>" + "</div>" * 10_000 + "</body></html>",
        "no_article",
        "nested deeper than",
    )
    add("boilerplate.txt", BOILERPLATE, "no_article")
    add("english.txt", ENGLISH, STORED, text="Leeds")
    add("french.txt", FRENCH, STORED, text="Lyon")
    add(
        "good.html",
        f"<html><body><article><h1>Haushalt in Jena</h1><p>{body}</p></article></body></html>".replace(
            "Gera", "Jena"
        ),
        STORED,
        text="Jena",
    )
    add("control-soup.txt", "".join(chr(rng.randrange(1, 32)) for _ in range(5000)), "binary")
    add("unsupported.xlsx", "a,b,c\n1,2,3\n", "unsupported")

    # 200 MB, written sparsely: refused from its size, never read.
    big = folder / "huge.txt"
    with big.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    cases.append(Case("huge.txt", "too_large", "209,715,200 bytes"))

    (folder / "bomb.warc.gz").write_bytes(gzip_bomb_member(2048))  # 2 GiB in about 2 MB
    cases.append(Case("bomb.warc.gz#urn:uuid:bomb", "too_large", "gzip bomb"))
    make_warc(folder / "crawl.warc.gz")
    jsonl = f'{{"text": {json.dumps(_page("Erfurt"))}}}\n{{broken\n{{"html": ""}}\n'
    add("lines.jsonl", jsonl, STORED, text="Erfurt")  # line 1; the others below
    cases[-1] = Case("lines.jsonl#1", STORED, text="Erfurt")
    cases.append(Case("lines.jsonl#2", "malformed", "not JSON"))
    cases.append(Case("lines.jsonl#3", "empty"))

    # A folder that contains itself through a symlink, and a file link loop.
    (folder / "loop").mkdir()
    (folder / "loop" / "inside.txt").write_text(_page("Halle"), encoding="utf-8")
    (folder / "loop" / "again").symlink_to(folder / "loop")
    cases.append(Case("loop/inside.txt", STORED, text="Halle"))
    cases.append(Case("loop/again", "unreadable", "symlink loop"))
    (folder / "link-a.txt").symlink_to(folder / "link-b.txt")
    (folder / "link-b.txt").symlink_to(folder / "link-a.txt")
    cases.append(Case("link-a.txt", "unreadable", "symbolic links"))
    cases.append(Case("link-b.txt", "unreadable", "symbolic links"))
    (folder / "dangling.txt").symlink_to(folder / "nowhere.txt")
    cases.append(Case("dangling.txt", "unreadable", "No such file"))

    # Unreadable files: a named pipe (opening it would block for ever), a socket, and a
    # file without read permission (readable all the same when the tests run as root).
    os.mkfifo(folder / "pipe.txt")
    cases.append(Case("pipe.txt", "unreadable", "named pipe"))
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "socket.txt"))
    sock.close()
    cases.append(Case("socket.txt", "unreadable", "socket"))
    locked = folder / "locked.txt"
    locked.write_text(_page("Kassel"), encoding="utf-8")
    locked.chmod(0)
    as_root = os.geteuid() == 0
    cases.append(Case("locked.txt", STORED if as_root else "unreadable", text="Kassel"))

    # A folder tree deeper than Python's recursion limit, with a page at the bottom.
    deep = folder / "tree"
    deep_path = deep
    deep.mkdir()
    for _ in range(1100):  # one by one: pathlib's mkdir(parents=True) recurses
        deep_path = deep_path / "d"
        deep_path.mkdir()
    (deep_path / "bottom.txt").write_text(_page("Rostock"), encoding="utf-8")
    cases.append(Case("tree/" + "d/" * 1100 + "bottom.txt", STORED, text="Rostock"))
    return cases


def remove_deep_tree(root: Path) -> None:
    """Delete a folder chain bottom-up: shutil.rmtree recurses and fails at 1100 levels."""
    chain = [root]
    while True:
        entries = list(os.scandir(chain[-1]))
        for entry in entries:
            if not entry.is_dir(follow_symlinks=False):
                os.unlink(entry.path)
        folders = [Path(e.path) for e in entries if e.is_dir(follow_symlinks=False)]
        if not folders:
            break
        chain.append(folders[0])
    for folder in reversed(chain):
        folder.rmdir()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[Case]]]:
    folder = tmp_path_factory.mktemp("bad") / "corpus"
    try:
        yield folder, build_corpus(folder)
    finally:
        # pytest's own clean-up of old temporary folders would fail on the deep tree.
        if (folder / "tree").exists():
            remove_deep_tree(folder / "tree")


def _case_of(source: str, folder: Path, cases: list[Case]) -> Case | None:
    relative = source[len(str(folder)) + 1 :]
    if relative.startswith("crawl.warc.gz"):
        return None  # the WARC's own pages, checked in test_sources
    matches = [c for c in cases if relative == c.name]
    assert matches, f"unexpected source {relative}"
    return matches[0]


def test_reliability_every_bad_input_has_its_reason_and_good_pages_are_stored(
    corpus: tuple[Path, list[Case]], tmp_path: Path
) -> None:
    folder, cases = corpus
    store = Store.open(tmp_path / "s.sqlite")
    summary = ingest([str(folder)], store)

    rejected = {r.source: r for r in summary.rejected}
    stored = {a.source: a for a in store.articles()}
    seen: set[str] = set()
    for source, rejection in rejected.items():
        case = _case_of(source, folder, cases)
        if case is None:
            continue
        seen.add(case.name)
        assert rejection.reason.value == case.expected, (case.name, rejection.detail)
        assert case.detail in rejection.detail, (case.name, rejection.detail)
    for source, article in stored.items():
        case = _case_of(source, folder, cases)
        if case is None:
            continue
        seen.add(case.name)
        assert case.expected == STORED, (case.name, article.title)
        assert case.text in article.reading_text, case.name
        assert "Ã" not in article.reading_text and "\ufffd" not in article.reading_text
    assert seen == {c.name for c in cases}, {c.name for c in cases} - seen

    # The store's table says the same as the summary.
    table = {(r["source"], r["reason"]) for r in store.rejections()}
    assert table == {(r.source, r.reason.value) for r in summary.rejected}
    languages = {Path(a.source).name: a.language for a in stored.values()}
    assert languages["english.txt"] == "en" and languages["french.txt"] == "fr"
    assert languages["cp1252.txt"] == "de"


def test_reliability_reason_codes_are_specific(corpus: tuple[Path, list[Case]]) -> None:
    _, cases = corpus
    kinds = {c.expected for c in cases}
    # Every reason a bad file can have shows up at least once in the corpus.
    assert kinds >= {
        "empty",
        "binary",
        "too_large",
        "no_article",
        "unreadable",
        "unsupported",
        "malformed",
        STORED,
    }
    assert len(cases) >= 30


PEAK_SCRIPT = """
import resource, sys
from lagebild.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print("PEAK_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def _peak_kb(paths: list[str], db: Path) -> tuple[int, dict[str, object]]:
    """Peak RSS of ``lagebild ingest`` in a fresh process, and its JSON summary."""
    done = subprocess.run(
        [sys.executable, "-c", PEAK_SCRIPT, "ingest", *paths, "--db", str(db), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    peaks = [line for line in done.stderr.splitlines() if line.startswith("PEAK_KB")]
    assert peaks, done.stderr[-2000:]
    return int(peaks[-1].split()[1]), json.loads(done.stdout)


def test_reliability_memory_stays_bounded_on_the_bad_corpus(
    corpus: tuple[Path, list[Case]], tmp_path: Path
) -> None:
    folder, cases = corpus
    good = [str(folder / c.name) for c in cases if c.expected == STORED and "#" not in c.name]
    good_peak, good_summary = _peak_kb(good, tmp_path / "good.sqlite")
    bad_peak, bad_summary = _peak_kb([str(folder)], tmp_path / "bad.sqlite")
    assert good_summary["stored"] == len(good)
    assert bad_summary["stored"] >= len(good)
    # The 200 MB file and the 2 GiB bomb must not show in memory: what the whole
    # corpus costs over the good pages is the bomb's bounded buffers and one page.
    extra_mb = (bad_peak - good_peak) / 1024
    print(f"peak RSS: good pages {good_peak / 1024:.0f} MB, whole corpus {bad_peak / 1024:.0f} MB")
    assert extra_mb < 100, (good_peak, bad_peak)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 0
