"""Finding and reading pages: folders, stdin, sizes, encodings, rejections."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from lagebild import ingest
from lagebild.errors import Reason, Rejected
from lagebild.ingest import Candidate, Skipped, find_pages, page_from_bytes, read_page

GERMAN = "Die Gespräche über die Straßenbahn in Köln wurden am Dienstag fortgesetzt. „Wir sind zuversichtlich“, sagte sie."


def _read(path: Path) -> object:
    try:
        return read_page(Candidate(str(path), path))
    except Rejected as rejection:
        return rejection


def test_ingest_walks_folders_recursively_in_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("x")
    (tmp_path / "1.html").write_text("x")
    (tmp_path / ".hidden.txt").write_text("x")
    (tmp_path / "notes.md").write_text("x")
    found = list(find_pages([str(tmp_path)]))
    candidates = [f.source for f in found if isinstance(f, Candidate)]
    assert candidates == [
        os.path.join(str(tmp_path), "1.html"),
        os.path.join(str(tmp_path), "b", "2.txt"),
    ]
    assert [type(f) for f in found if not isinstance(f, Candidate)] == [Skipped]


def test_ingest_symlink_loop_is_walked_once(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "page.txt").write_text("x")
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a")
    found = list(find_pages([str(tmp_path)]))
    pages = [f for f in found if isinstance(f, Candidate)]
    loops = [f for f in found if isinstance(f, Rejected)]
    assert len(pages) == 1
    assert loops and loops[0].reason is Reason.UNREADABLE and "loop" in loops[0].detail


def test_ingest_missing_path_is_rejected_with_its_name() -> None:
    (item,) = list(find_pages(["/no/such/page.txt"]))
    assert isinstance(item, Rejected)
    assert item.source == "/no/such/page.txt"
    assert item.reason is Reason.UNREADABLE


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", Reason.EMPTY),
        (b"  \n\t\n", Reason.EMPTY),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, Reason.BINARY),
        (b"%PDF-1.7\n" + b"x" * 100, Reason.BINARY),
        (bytes(range(256)) * 16, Reason.BINARY),
        (b"\x1f\x8b\x08\x00" + os.urandom(200), Reason.BINARY),
    ],
)
def test_ingest_rejects_non_pages(tmp_path: Path, content: bytes, reason: Reason) -> None:
    path = tmp_path / "page.txt"
    path.write_bytes(content)
    result = _read(path)
    assert isinstance(result, Rejected)
    assert result.reason is reason
    assert result.source == str(path)
    assert result.detail


def test_ingest_rejects_oversized_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "MAX_PAGE_BYTES", 1000)
    path = tmp_path / "big.txt"
    path.write_text("Wort " * 1000)
    result = _read(path)
    assert isinstance(result, Rejected) and result.reason is Reason.TOO_LARGE


def test_ingest_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(GERMAN)
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user who can read any file")
        result = _read(path)
        assert isinstance(result, Rejected) and result.reason is Reason.UNREADABLE
    finally:
        path.chmod(0o644)


@pytest.mark.parametrize(
    "raw",
    [
        GERMAN.encode("utf-8"),
        codecs.BOM_UTF8 + GERMAN.encode("utf-8"),
        codecs.BOM_UTF16_LE + GERMAN.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + GERMAN.encode("utf-16-be"),
        GERMAN.encode("cp1252"),
        GERMAN.replace("„", '"').replace("“", '"').encode("latin-1"),
        # Mojibake: UTF-8 bytes decoded once as cp1252 and saved again as UTF-8.
        GERMAN.encode("utf-8").decode("cp1252").encode("utf-8"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "cp1252", "latin1", "mojibake"],
)
def test_ingest_decodes_every_encoding_to_clean_text(raw: bytes) -> None:
    page = page_from_bytes(raw, "p.txt")
    assert "Gespräche" in page.text and "Straßenbahn" in page.text and "Köln" in page.text
    assert "Ã" not in page.text


def test_ingest_mostly_utf8_page_with_stray_cp1252_bytes() -> None:
    # Pages assembled from UTF-8 templates and a Windows-1252 snippet: each part must
    # come out right, not the whole page read as one single-byte code page.
    raw = (GERMAN + " Soßenbinder für März").encode("utf-8") + " Soßenbinder".encode("cp1252")
    page = page_from_bytes(raw, "p.txt")
    assert page.text == GERMAN + " Soßenbinder für März Soßenbinder"
    assert page.encoding == "utf-8"  # read as the UTF-8 it mostly is, not guessed whole


def test_ingest_truncated_utf8_keeps_the_text() -> None:
    raw = GERMAN.encode("utf-8") + "ü".encode()[:1]
    assert page_from_bytes(raw, "p.txt").text == GERMAN


def test_ingest_keeps_typographic_quotes() -> None:
    text = "«Russland» „Zitat“ “Sieg” ‚halb‘ " * 3
    assert page_from_bytes(text.encode(), "p.txt").text == text


def test_ingest_page_kind_from_suffix_and_content() -> None:
    assert page_from_bytes(b"<html><body>x</body></html>", "a.html").kind == "html"
    assert page_from_bytes(b"<!DOCTYPE html><html><body>x", "-").kind == "html"
    assert page_from_bytes(b"Politik\n\nText", "-").kind == "text"
    with pytest.raises(Rejected) as info:
        page_from_bytes(b"a,b,c\n1,2,3", "data.xlsx")
    assert info.value.reason is Reason.UNSUPPORTED


def test_ingest_hash_is_of_the_bytes() -> None:
    a = page_from_bytes(b"Text eins", "a.txt")
    b = page_from_bytes(b"Text eins", "b.txt")
    assert a.sha256 == b.sha256 and a.source != b.source


def test_ingest_broken_symlink_is_unreadable(tmp_path: Path) -> None:
    link = tmp_path / "gone.txt"
    link.symlink_to(tmp_path / "nowhere.txt")
    (item,) = list(find_pages([str(tmp_path)]))
    assert isinstance(item, Candidate)
    result = _read(link)
    assert isinstance(result, Rejected) and result.reason is Reason.UNREADABLE
    assert "cannot read" in result.detail


def test_ingest_rejections_survive_pickling() -> None:
    # Worker processes send rejections back to the writer; they must arrive whole.
    import pickle

    rejection = Rejected(Reason.BINARY, "binary file", "a/b.txt")
    back = pickle.loads(pickle.dumps(rejection))
    assert (back.reason, back.detail, back.source, str(back)) == (
        rejection.reason,
        rejection.detail,
        rejection.source,
        str(rejection),
    )
