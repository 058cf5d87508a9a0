"""Container sources: WARC archives, JSON Lines and RSS/Atom feeds, page by page."""

from __future__ import annotations

import gzip
import io
import json
import zlib
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from lagebild.errors import Reason, Rejected
from lagebild.ingest import Candidate, Skipped, find_pages, read_page
from lagebild.pipeline import ingest
from lagebild.sources import warc as warc_source
from lagebild.sources.feeds import is_feed
from lagebild.sources.warc import CappedInflater, TooMuchData
from lagebild.store import Store

BODY = (
    "Der Stadtrat von Köln hat am Dienstag über den neuen Haushalt beraten. Die Opposition "
    "kritisierte den Entwurf scharf und kündigte Widerstand an. Die Beratungen sollen in der "
    "kommenden Woche fortgesetzt werden, teilte die Stadtverwaltung mit."
)
HTML = f"<html><head><title>Haushalt in Köln</title></head><body><article><h1>Haushalt in Köln</h1><p>{BODY}</p><p>{BODY}</p></article></body></html>"


def warc_record(
    writer: WARCWriter,
    url: str,
    body: bytes,
    content_type: str = "text/html; charset=utf-8",
    status: str = "200 OK",
) -> None:
    """Write one HTTP response record."""
    headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), http_headers=headers
    )
    writer.write_record(record)


def make_warc(path: Path, *, compress: bool = True) -> Path:
    """A small WARC: two articles, a request, an image, a redirect and a text page."""
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=compress)
        warc_record(writer, "https://example.org/a", HTML.encode())
        request = writer.create_warc_record(
            "https://example.org/a", "request", payload=io.BytesIO(b"GET /a HTTP/1.1\r\n\r\n")
        )
        writer.write_record(request)
        warc_record(writer, "https://example.org/logo.png", b"\x89PNG\r\n", "image/png")
        warc_record(writer, "https://example.org/old", b"<html>moved</html>", status="301 Moved")
        text = f"Zweite Meldung aus Köln\n\n{BODY}\n\n{BODY}\n".encode("cp1252")
        warc_record(writer, "https://example.org/b.txt", text, "text/plain; charset=cp1252")
    return path


def gzip_bomb_member(claimed_mib: int) -> bytes:
    """A gzip member whose WARC record inflates to ``claimed_mib`` MiB of zeros.

    Built from one compressed MiB repeated, so the test makes it in milliseconds;
    the trailer's checksum is not right, and is never reached by a reader that
    refuses the bomb.
    """
    headers = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:bomb>\r\n"
        "WARC-Target-URI: https://example.org/bomb\r\nContent-Type: application/http\r\n"
        f"Content-Length: {claimed_mib * 2**20 + 60}\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    ).encode()
    start = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = start.compress(headers) + start.flush(zlib.Z_FULL_FLUSH)
    zeros = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = zeros.compress(bytes(2**20)) + zeros.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -15)
    tail = end.compress(b"") + end.flush()
    gzip_header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return gzip_header + head + block * claimed_mib + tail + b"\x00" * 8


def test_sources_warc_yields_one_page_per_html_or_text_response(tmp_path: Path) -> None:
    path = make_warc(tmp_path / "crawl.warc.gz")
    found = list(find_pages([str(path)]))
    pages = [f for f in found if isinstance(f, Candidate)]
    assert [p.url for p in pages] == ["https://example.org/a", "https://example.org/b.txt"]
    assert [p.kind for p in pages] == ["html", "text"]
    assert all(p.source.startswith(f"{path}#urn:uuid:") for p in pages)
    (skipped,) = [f for f in found if isinstance(f, Skipped)]
    assert "3 WARC records are not pages" in skipped.why and "image/png" in skipped.why
    text_page = read_page(pages[1])
    assert "Köln" in text_page.text and text_page.url == "https://example.org/b.txt"


def test_sources_uncompressed_warc(tmp_path: Path) -> None:
    path = make_warc(tmp_path / "crawl.warc", compress=False)
    assert sum(isinstance(f, Candidate) for f in find_pages([str(path)])) == 2


def test_sources_warc_in_a_folder_is_read_by_its_records(tmp_path: Path) -> None:
    make_warc(tmp_path / "crawl.warc.gz")
    (tmp_path / "page.html").write_text(HTML)
    found = [f for f in find_pages([str(tmp_path)]) if isinstance(f, Candidate)]
    assert len(found) == 3


def test_sources_truncated_warc_keeps_the_records_before_the_break(tmp_path: Path) -> None:
    whole = make_warc(tmp_path / "whole.warc.gz").read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole[: len(whole) - 40])
    found = list(find_pages([str(cut)]))
    assert sum(isinstance(f, Candidate) for f in found) == 1
    (broken,) = [f for f in found if isinstance(f, Rejected)]
    assert broken.reason is Reason.MALFORMED and "ends inside a gzip member" in broken.detail


def test_sources_warc_garbage_is_malformed(tmp_path: Path) -> None:
    path = tmp_path / "junk.warc"
    path.write_bytes(b"this is no WARC at all\n" * 10)
    (item,) = [f for f in find_pages([str(path)]) if isinstance(f, Rejected)]
    assert item.reason is Reason.MALFORMED


def test_sources_gzip_bomb_is_refused_with_bounded_output(tmp_path: Path) -> None:
    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(gzip_bomb_member(1024))  # 1 GiB of zeros in about 1 MB
    assert path.stat().st_size < 2 * 2**20
    found = list(find_pages([str(path)]))
    (rejection,) = [f for f in found if isinstance(f, Rejected)]
    assert rejection.reason is Reason.TOO_LARGE
    assert "gzip bomb" in rejection.detail


def test_sources_gzip_bomb_after_good_records_keeps_them(tmp_path: Path) -> None:
    good = make_warc(tmp_path / "good.warc.gz").read_bytes()
    path = tmp_path / "mixed.warc.gz"
    path.write_bytes(good + gzip_bomb_member(256))
    found = list(find_pages([str(path)]))
    assert sum(isinstance(f, Candidate) for f in found) == 2
    assert [f.reason for f in found if isinstance(f, Rejected)] == [Reason.TOO_LARGE]


def test_sources_inflater_limits_total_output() -> None:
    data = gzip.compress(b"abc" * 100_000)
    inflater = CappedInflater(io.BytesIO(data), max_bytes=1000)
    with pytest.raises(TooMuchData, match="limit for one WARC file"):
        inflater.read()
    plain = CappedInflater(io.BytesIO(b"WARC/1.0\r\n"))
    assert plain.read() == b"WARC/1.0\r\n"


def test_sources_warc_record_over_the_page_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(warc_source, "MAX_RECORD_BYTES", 100)
    path = make_warc(tmp_path / "crawl.warc.gz")
    rejected = [f for f in find_pages([str(path)]) if isinstance(f, Rejected)]
    assert [r.reason for r in rejected] == [Reason.TOO_LARGE, Reason.TOO_LARGE]
    assert all("#urn:uuid:" in r.source for r in rejected)


def write_jsonl(path: Path, lines: list[object]) -> Path:
    """Lines of JSON (strings are written as they are, for broken lines)."""
    path.write_text(
        "".join(
            (x if isinstance(x, str) else json.dumps(x, ensure_ascii=False)) + "\n" for x in lines
        ),
        encoding="utf-8",
    )
    return path


def test_sources_jsonl_one_page_per_line(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "pages.jsonl",
        [
            {
                "text": f"{BODY}\n\n{BODY}",
                "title": "Haushalt in Köln",
                "date": "2025-12-04T10:15:00",
                "url": "https://example.org/t",
                "id": "a1",
            },
            "",
            {"html": HTML, "date": "2025-11-19", "url": "https://example.org/h"},
            "{not json",
            {"title": "ohne Text"},
            ["a", "list"],
            {"text": "   "},
            {"text": {"nested": 1}},
        ],
    )
    found = list(find_pages([str(path)]))
    pages = [f for f in found if isinstance(f, Candidate)]
    assert [p.source for p in pages] == [f"{path}#1", f"{path}#3"]
    assert [p.kind for p in pages] == ["text", "html"]
    rejected = {r.source.rsplit("#", 1)[1]: r.reason for r in found if isinstance(r, Rejected)}
    assert rejected == {
        "4": Reason.MALFORMED,
        "5": Reason.MALFORMED,
        "6": Reason.MALFORMED,
        "7": Reason.EMPTY,
        "8": Reason.MALFORMED,
    }


def test_sources_jsonl_over_long_line_is_refused_and_the_next_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lagebild.sources import jsonl

    monkeypatch.setattr(jsonl, "MAX_RECORD_BYTES", 1000)
    path = write_jsonl(tmp_path / "p.jsonl", [{"text": "x" * 5000}, {"text": BODY}])
    found = list(find_pages([str(path)]))
    assert isinstance(found[0], Rejected) and found[0].reason is Reason.TOO_LARGE
    assert isinstance(found[1], Candidate) and found[1].source.endswith("#2")


def test_sources_jsonl_pages_stored_with_title_date_and_url(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "pages.jsonl",
        [
            {
                "text": f"{BODY}\n\n{BODY}",
                "title": "Haushalt in Köln",
                "date": "2025-12-04T10:15:00",
                "url": "https://example.org/t",
            },
            {
                "html": HTML.replace("Köln", "Bonn"),
                "date": "2025-11-19",
                "url": "https://example.org/h",
            },
        ],
    )
    store = Store.open(tmp_path / "s.sqlite")
    summary = ingest([str(path)], store)
    assert summary.stored == 2, summary.as_dict()
    articles = {a.source: a for a in store.articles()}
    text_article = articles[f"{path}#1"]
    assert text_article.title == "Haushalt in Köln"
    assert text_article.published == "2025-12-04T10:15"
    assert text_article.url == "https://example.org/t"
    html_article = articles[f"{path}#2"]
    assert html_article.published is not None and html_article.published.startswith("2025-11-19")
    assert html_article.url == "https://example.org/h"


RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Nachrichten</title><link>https://example.org/</link>
<item><title>Haushalt in Köln</title><link>https://example.org/1</link>
<pubDate>Thu, 04 Dec 2025 09:15:00 +0100</pubDate>
<description>Kurz: Streit um den Haushalt.</description>
<content:encoded><![CDATA[<p>{BODY}</p><p>{BODY}</p><script>alert(1)</script>]]></content:encoded></item>
<item><title>Nur eine Beschreibung</title><link>https://example.org/2</link>
<description>{BODY.replace("Köln", "Bonn")} {BODY}</description></item>
<item><title>Leer</title><link>https://example.org/3</link></item>
</channel></rss>
"""
ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Nachrichten</title>
<entry><title>Haushalt in Bonn</title><link href="https://example.org/a"/>
<updated>2025-11-19T08:47:00Z</updated><summary>{BODY.replace("Köln", "Bonn")}</summary></entry>
</feed>
"""


def test_sources_rss_items_are_pages(tmp_path: Path) -> None:
    path = tmp_path / "news.rss"
    path.write_text(RSS, encoding="utf-8")
    found = list(find_pages([str(path)]))
    pages = [f for f in found if isinstance(f, Candidate)]
    assert [p.source for p in pages] == [f"{path}#1", f"{path}#2"]
    assert [p.url for p in pages] == ["https://example.org/1", "https://example.org/2"]
    first = read_page(pages[0]).text
    assert "<script" not in first and "Opposition" in first
    assert 'content="2025-12-04T08:15:00+00:00"' in first
    (empty,) = [f for f in found if isinstance(f, Rejected)]
    assert empty.reason is Reason.EMPTY and empty.source == f"{path}#3"


def test_sources_atom_and_xml_feeds_are_recognised_by_their_root(tmp_path: Path) -> None:
    atom = tmp_path / "feed.xml"
    atom.write_text(ATOM, encoding="utf-8")
    page = tmp_path / "page.xml"
    page.write_text('<?xml version="1.0"?>\n<html><body><p>x</p></body></html>')
    assert is_feed(atom) and not is_feed(page)
    found = list(find_pages([str(atom), str(page)]))
    assert [f.source for f in found if isinstance(f, Candidate)] == [f"{atom}#1", str(page)]


def test_sources_feeds_stored_end_to_end(tmp_path: Path) -> None:
    (tmp_path / "news.rss").write_text(RSS, encoding="utf-8")
    (tmp_path / "feed.atom").write_text(ATOM, encoding="utf-8")
    store = Store.open(tmp_path / "s.sqlite")
    summary = ingest([str(tmp_path)], store)
    assert summary.stored == 3, summary.as_dict()
    titles = sorted(a.title or "" for a in store.articles())
    assert titles == ["Haushalt in Bonn", "Haushalt in Köln", "Nur eine Beschreibung"]
    assert {a.url for a in store.articles()} >= {"https://example.org/1", "https://example.org/a"}


def test_sources_broken_feed_is_malformed(tmp_path: Path) -> None:
    path = tmp_path / "broken.rss"
    path.write_bytes(b"\x00\x01 not xml at all")
    (item,) = list(find_pages([str(path)]))
    assert isinstance(item, Rejected) and item.reason is Reason.MALFORMED


def test_sources_feed_with_entity_expansion_does_not_blow_up(tmp_path: Path) -> None:
    # "Billion laughs": nested entities that would expand to gigabytes.
    lol = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    path = tmp_path / "laughs.rss"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE rss [{lol}]><rss version="2.0"><channel>'
        f"<item><title>&lol9;</title><description>&lol9;</description></item></channel></rss>"
    )
    found = list(find_pages([str(path)]))
    assert found  # a page or a rejection, in bounded time and memory
    for item in found:
        if isinstance(item, Candidate):
            assert item.data is not None and len(item.data) < 10_000_000


def test_sources_warc_pages_stored_end_to_end(tmp_path: Path) -> None:
    path = make_warc(tmp_path / "crawl.warc.gz")
    store = Store.open(tmp_path / "s.sqlite")
    summary = ingest([str(path)], store)
    assert summary.stored == 2, summary.as_dict()
    assert len(summary.skipped) == 1
    assert {a.url for a in store.articles()} == {
        "https://example.org/a",
        "https://example.org/b.txt",
    }


def test_sources_jsonl_error_names_the_column_in_the_line(tmp_path: Path) -> None:
    # The line was parsed with its newline, so a missing brace at the end was reported
    # at "column 1" (of the next line).
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": 1, "text": "abc"\n', encoding="utf-8")
    (item,) = [f for f in find_pages([str(path)]) if isinstance(f, Rejected)]
    assert item.reason is Reason.MALFORMED
    assert "column 24" in item.detail


def test_sources_warc_response_without_target_uri_is_malformed(tmp_path: Path) -> None:
    # warcio leaves the URI None; reading it was an internal error that lost the rest
    # of the file.
    path = tmp_path / "bad.warc"
    record = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:no-uri>\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
    )
    http = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n{HTML}".encode()
    head = (record + f"Content-Length: {len(http)}\r\n\r\n").encode()
    with path.open("wb") as handle:
        handle.write(head + http + b"\r\n\r\n")
        writer = WARCWriter(handle, gzip=False)
        warc_record(writer, "https://example.org/a", HTML.encode())
    found = list(find_pages([str(path)]))
    (bad,) = [f for f in found if isinstance(f, Rejected)]
    assert bad.reason is Reason.MALFORMED and "WARC-Target-URI" in bad.detail
    assert [f.url for f in found if isinstance(f, Candidate)] == ["https://example.org/a"]
