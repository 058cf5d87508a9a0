"""Plain-text extraction rules, on pages written here, and its invariants."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lagebild.errors import Reason, Rejected
from lagebild.extract import meta
from lagebild.extract.dates import find_dates, parse_date_line
from lagebild.extract.lines import split_tags, teaser_headline
from lagebild.extract.plaintext import extract_text
from lagebild.model import Article

PARA_1 = (
    "Die Stadtwerke haben am Montag den Betrieb der Straßenbahnlinie 7 wieder aufgenommen. "
    "Nach Angaben des Unternehmens waren die Schäden an den Gleisen geringer als befürchtet."
)
PARA_2 = (
    "Der Betriebsleiter sagte, man habe in drei Nächten durchgearbeitet. Fahrgäste müssen "
    "in den kommenden Tagen dennoch mit Verspätungen rechnen, weil einzelne Weichen noch "
    "von Hand gestellt werden."
)
PARA_3 = "Die Linie verbindet die Innenstadt mit dem Hafen und wird täglich von rund 40.000 Menschen genutzt."


def _extract(text: str) -> Article:
    return extract_text(text, article_id="t", source="t.txt")


def test_plaintext_glued_kicker_is_split_from_the_title() -> None:
    page = f"Verkehr\n\nSchäden geringer als gedachtStraßenbahn fährt wieder durch die Altstadt\n\n12.03.2026, 07:15 Uhr\n\n{PARA_1}\n\n{PARA_2}\n\n{PARA_3}"
    article = _extract(page)
    assert article.kicker == "Schäden geringer als gedacht"
    assert article.title == "Straßenbahn fährt wieder durch die Altstadt"
    assert article.section == "Verkehr"
    assert article.published == "2026-03-12T07:15"


def test_plaintext_byline_means_no_lead_and_names_agencies() -> None:
    page = f"Straßenbahn fährt wieder\n\n12.03.2026\nVon: AFP/dpa\n\n{PARA_1}\n\n{PARA_2}"
    article = _extract(page)
    assert article.lead is None
    assert article.agencies == ["AFP", "dpa"]
    assert article.body == [PARA_1, PARA_2]


def test_plaintext_dateline_is_taken_out_of_the_body() -> None:
    page = f"Straßenbahn fährt wieder\n\nKurzer Vorspann zur Bahn. Es geht weiter.\n\nHamburg (dpa/lno) – {PARA_1}\n\n{PARA_2}"
    article = _extract(page)
    assert article.dateline == "Hamburg"
    assert article.agencies == ["dpa"]
    assert article.lead == "Kurzer Vorspann zur Bahn. Es geht weiter."
    assert article.body[0] == PARA_1


def test_plaintext_teaser_dates_never_become_the_date() -> None:
    teaser = (
        "Neue Brücke eröffnet. Der Verkehr rollt. (Regional, 24.01.2026 - 14:23) weiterlesen..."
    )
    page = f"Straßenbahn fährt wieder\n\n{PARA_1}\n\n{PARA_2}\n\nWeitere Meldungen\n\n{teaser}"
    article = _extract(page)
    assert article.published is None
    assert article.related_headlines == ["Neue Brücke eröffnet."]
    assert "Brücke" not in article.text


def test_plaintext_photo_credit_agency_is_not_a_text_agency() -> None:
    page = f"Straßenbahn fährt wieder\n\nEine Bahn am Hafen. Foto: Eva Muster/AP/dpa\n\n{PARA_1}\n\n{PARA_2}"
    article = _extract(page)
    assert article.captions == ["Eine Bahn am Hafen."]
    assert article.photo_credits == ["Eva Muster/AP/dpa"]
    assert article.agencies == []


def test_plaintext_source_line_gives_outlet_and_signature() -> None:
    page = f"Straßenbahn fährt wieder\n\n{PARA_1}\n\n{PARA_2}\n\nQuelle: hafenblatt.de, kmr, dpa"
    article = _extract(page)
    assert article.outlet == "hafenblatt.de"
    assert article.authors == ["kmr"]
    assert article.agencies == ["dpa"]


def test_plaintext_only_boilerplate_is_rejected() -> None:
    with pytest.raises(Rejected) as info:
        _extract("Politik\n\nDiesen Artikel teilen\n\nNewsletter abonnieren\n")
    assert info.value.reason is Reason.NO_ARTICLE


def test_plaintext_tags_split_at_glue_points() -> None:
    assert split_tags("HochwasserBayernEUKommissionKatastrophenschutz") == [
        "Hochwasser",
        "Bayern",
        "EU",
        "Kommission",
        "Katastrophenschutz",
    ]


def test_plaintext_teaser_headline_glued_without_stop() -> None:
    text = "Neue Brücke über den Fluss Während der Bauarbeiten kam es zu langen Staus in der ganzen Stadt und weit darüber hinaus. (Regional, 24.01.2026 - 11:24) weiterlesen..."
    assert teaser_headline(text) == "Neue Brücke über den Fluss"


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("22.12.2025 - 01:38:56", "2025-12-22T01:38:56"),
        ("19.11.2025, 09:47 Uhr", "2025-11-19T09:47"),
        ("Mittwoch, 31. Dezember 2025 | 21:53 Uhr", "2025-12-31T21:53"),
        ("3. Jänner 2026", "2026-01-03"),
        ("12. Feber 2026", "2026-02-12"),
        ("Stand: 04.03.2026 um 18:05 Uhr", "2026-03-04T18:05"),
        ("Aktualisiert am 1. März 2026", "2026-03-01"),
        ("2025-12-04", "2025-12-04"),
    ],
)
def test_dates_date_lines(line: str, iso: str) -> None:
    assert parse_date_line(line) == iso


@pytest.mark.parametrize(
    "line",
    ["Am 3. Jänner 2026 trafen sich die Berater.", "31.02.2026", "Seit 2014 herrscht Krieg", ""],
)
def test_dates_not_date_lines(line: str) -> None:
    assert parse_date_line(line) is None


def _render(article: Article) -> str:
    parts = [article.title or "", article.lead or "", *article.body]
    return "\n\n".join(p for p in parts if p)


def test_plaintext_extraction_is_idempotent_on_its_own_output(seeds_dir: Path) -> None:
    for path in sorted(seeds_dir.glob("*.txt")):
        first = _extract(path.read_text(encoding="utf-8"))
        second = _extract(_render(first))
        # Without its byline a page may give its first paragraph as the lead; the
        # text itself must come back unchanged, paragraph for paragraph.
        assert second.title == first.title
        assert [second.lead, *second.body] == [first.lead, *first.body] or [
            p for p in [second.lead, *second.body] if p
        ] == [p for p in [first.lead, *first.body] if p]


_LINE = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200),
    st.sampled_from(
        [
            PARA_1,
            PARA_2,
            "",
            "Politik",
            "Weitere Meldungen",
            "Anzeige",
            "Quelle: dpa",
            "19.11.2025, 09:47 Uhr",
            " date 2025-12-04 ",
            "Foto: X/dpa",
            "weiterlesen...",
            "RusslandDonald TrumpUSA",
            "Home > Politik > Titel",
            "Von: APA/dpa",
            "(dpa) –",
        ]
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINE, max_size=30))
def test_plaintext_never_raises_anything_but_a_rejection(lines: list[str]) -> None:
    try:
        article = _extract("\n".join(lines))
    except Rejected as rejection:
        assert rejection.reason is Reason.NO_ARTICLE
        return
    assert article.body
    assert all(p.strip() == p and p for p in article.body)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_dates_found_dates_point_into_the_text(text: str) -> None:
    for found in find_dates(text):
        assert 0 <= found.start < found.end <= len(text)
        assert found.iso[:4].isdigit()


@pytest.mark.parametrize(
    ("paragraph", "place", "agencies", "rest"),
    [
        ("Miami (dpa) – Der Text.", "Miami", ["dpa"], "Der Text."),
        ("Berlin/Kiew (dpa/AFP) - Der Text.", "Berlin/Kiew", ["dpa", "AFP"], "Der Text."),
        ("BERLIN (AFP). Der Text.", "BERLIN", ["AFP"], "Der Text."),
        ("Wien – Die Gewerkschaft sieht Bedarf.", "Wien", [], "Die Gewerkschaft sieht Bedarf."),
        ("New York – Der Text.", "New York", [], "Der Text."),
    ],
)
def test_meta_datelines(paragraph: str, place: str, agencies: list[str], rest: str) -> None:
    assert meta.dateline(paragraph) == (place, agencies, rest)


@pytest.mark.parametrize(
    "paragraph",
    [
        "Die Sache – wie immer – blieb offen.",
        "Die Sache – Wie immer.",
        "Er sagte (laut dpa) – nichts.",
    ],
)
def test_meta_not_datelines(paragraph: str) -> None:
    assert meta.dateline(paragraph) is None


@pytest.mark.parametrize(
    ("title", "kicker", "rest"),
    [
        (
            "Nach Gipfel in AlaskaTrump droht Moskau mit Zöllen",
            "Nach Gipfel in Alaska",
            "Trump droht Moskau mit Zöllen",
        ),
        ("Neue WhatsApp-Funktion sorgt für Ärger", None, "Neue WhatsApp-Funktion sorgt für Ärger"),
        ("WhatsApp droht hohe Strafe in Europa", None, "WhatsApp droht hohe Strafe in Europa"),
        ("Witkoff: Moskau setzt sich weiter ein", None, "Witkoff: Moskau setzt sich weiter ein"),
    ],
)
def test_plaintext_glue_points(title: str, kicker: str | None, rest: str) -> None:
    from lagebild.extract.plaintext import _split_glued_kicker

    assert _split_glued_kicker(title) == (kicker, rest)


@pytest.mark.parametrize(
    ("line", "agencies", "outlet", "authors"),
    [
        ("Quelle: ntv.de, ghö", [], "ntv.de", ["ghö"]),
        ("Quelle: ntv.de, mau/dpa", ["dpa"], "ntv.de", ["mau"]),
        ("Quelle: ntv.de, Lisa Schwesig", [], "ntv.de", ["Lisa Schwesig"]),
        ("@ dpa.de", ["dpa"], None, []),
        ("@ dpa-AFX.de", ["dpa-AFX"], None, []),
        ("Quelle: dpa, AFP", ["dpa", "AFP"], None, []),
    ],
)
def test_meta_source_lines(
    line: str, agencies: list[str], outlet: str | None, authors: list[str]
) -> None:
    info = meta.source_line(line)
    assert info is not None
    assert (info.agencies, info.outlet, info.authors) == (agencies, outlet, authors)


def test_plaintext_material_line_names_agencies_and_leaves_the_body() -> None:
    page = f"Straßenbahn fährt wieder\n\n12.03.2026\n\n{PARA_1}\n\n{PARA_2}\n\nMit Material von dpa und AFP"
    article = _extract(page)
    assert article.body[-1] == PARA_2
    assert article.agencies == ["dpa", "AFP"]


def test_plaintext_too_short_says_how_many_words_the_page_has() -> None:
    # "only 0 words of article text" for a page of eight words read as headline and
    # teaser left the user guessing what was read.
    with pytest.raises(Rejected, match=r"only 0 words of article text .*the page has 8 words"):
        extract_text("Neue Meldung\n\nDas ist ein sehr kurzer Text.", article_id="x", source="p")


@pytest.mark.parametrize(
    ("line", "caption", "credit"),
    [
        # Caption lines of the extraction benchmark's pages kept their credits whole.
        (
            "Die Polizei sperrte die Straße. Foto: Getty Images/EyeEm (Symbolbild)",
            "Die Polizei sperrte die Straße.",
            "Getty Images/EyeEm",
        ),
        ("Der Bundesrat in Bern. Image: Keystone", "Der Bundesrat in Bern.", "Keystone"),
        ("Thiem jubelt. Fotocredit: SID", "Thiem jubelt.", "SID"),
        ("Die Brücke bei Nacht. Photo: Reuters", "Die Brücke bei Nacht.", "Reuters"),
        ("Der Minister spricht. Bild: Keystone", "Der Minister spricht.", "Keystone"),
        ("Feuerwehrleute löschen. (Foto: dpa)", "Feuerwehrleute löschen.", "dpa"),
    ],
)
def test_plaintext_caption_and_credit_split(line: str, caption: str, credit: str) -> None:
    assert meta.split_caption_credit(line) == (caption, credit)


@pytest.mark.parametrize(
    ("line", "agencies"),
    [
        # Sign-offs of the extraction benchmark's pages that named no agency.
        ("(FR mit dpa)", ["dpa"]),
        ("(ats/nxp)", ["ats"]),
        ("(SID)", ["SID"]),
        ("erb/ots", ["ots"]),
        ("(dpa/afp)", ["dpa", "AFP"]),
        # Not sign-offs: no agency, or a sentence in brackets.
        ("(red)", None),
        ("(Das sagte sie.)", None),
        ("(Archivbild)", None),
    ],
)
def test_plaintext_sign_off_names_agencies(line: str, agencies: list[str] | None) -> None:
    info = meta.source_line(line)
    assert (info.agencies if info else None) == agencies
    if agencies:
        article = _extract(f"Straßenbahn fährt wieder\n\n{PARA_1}\n\n{PARA_2}\n\n{line}")
        assert article.agencies == agencies and line not in article.text
