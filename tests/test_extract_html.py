"""HTML extraction: each Article field read from small pages written for these tests."""

from __future__ import annotations

import pytest

from lagebild.errors import Reason, Rejected
from lagebild.extract.html import extract_html
from lagebild.extract.htmldates import find_published
from lagebild.extract.htmlmeta import strip_site_suffix
from lagebild.model import Article

PARAGRAPHS = [
    "Berlin (dpa) – Die Verhandlungen über den neuen Haushalt sind am Dienstag nach "
    "langen Gesprächen ohne Einigung zu Ende gegangen. Beide Seiten wollen sich in der "
    "kommenden Woche erneut treffen und über die offenen Punkte beraten.",
    "Strittig blieb vor allem die Frage, wie viel Geld in den Ausbau der Bahnstrecken "
    "fließen soll. Die Länder forderten deutlich mehr Mittel, als der Bund bisher "
    "angeboten hatte, und verwiesen auf marode Brücken und Stellwerke.",
    "Eine Sprecherin des Ministeriums sagte am Abend, man sei trotz allem zuversichtlich. "
    "Die Gespräche seien sachlich verlaufen, und in mehreren Punkten habe man sich "
    "bereits angenähert, auch wenn das Ergebnis noch nicht feststehe.",
    "Die Opposition kritisierte das Vorgehen scharf. Es sei unverständlich, dass nach "
    "Monaten der Vorbereitung noch immer keine Grundlage für eine Entscheidung auf dem "
    "Tisch liege, hieß es in einer schriftlichen Erklärung der Fraktion.",
]
SUBHEADING = "Streit um die Bahn"
NAV = (
    '<nav><ul><li><a href="/">Startseite</a></li><li><a href="/politik">Politik</a></li></ul></nav>'
)
FOOTER = "<footer><p>Impressum</p><p>Datenschutz</p><p>© 2026 Musterverlag</p></footer>"
COOKIES = (
    '<div class="cookie-banner"><p>Wir verwenden Cookies, um unsere Website für Sie '
    "optimal zu gestalten. Mit der Nutzung stimmen Sie der Verwendung zu.</p></div>"
)


def page(
    *,
    head: str = "",
    title: str = "Haushalt: Keine Einigung in Sicht | Musterzeitung",
    h1: str = "Haushalt: Keine Einigung in Sicht",
    before: str = "",
    paragraphs: list[str] | None = None,
    after: str = "",
) -> str:
    """A news page: head, navigation, the article, a cookie banner and a footer."""
    paras = PARAGRAPHS if paragraphs is None else paragraphs
    body = "".join(f"<p>{p}</p>" for p in paras[:2])
    body += f"<h2>{SUBHEADING}</h2>" + "".join(f"<p>{p}</p>" for p in paras[2:])
    return (
        f"<!DOCTYPE html><html lang='de'><head><meta charset='utf-8'><title>{title}</title>"
        f"{head}</head><body>{NAV}<main><article><h1>{h1}</h1>{before}{body}{after}"
        f"</article></main>{COOKIES}{FOOTER}</body></html>"
    )


def read(html: str, url: str | None = "https://www.musterzeitung.de/politik/haushalt") -> Article:
    return extract_html(html, article_id="t1", source="test.html", url=url)


def test_extract_html_title_from_headline_not_site_suffix() -> None:
    article = read(page())
    assert article.title == "Haushalt: Keine Einigung in Sicht"
    assert article.id == "t1" and article.source == "test.html"


def test_extract_html_title_from_title_tag_without_headline() -> None:
    html = page(h1="", title="Keine Einigung beim Haushalt - Musterzeitung")
    assert read(html).title == "Keine Einigung beim Haushalt"


def test_extract_html_site_suffix_rules() -> None:
    names = ["Musterzeitung", "musterzeitung"]
    assert strip_site_suffix("Ein Titel | Musterzeitung", names) == "Ein Titel"
    assert strip_site_suffix("Musterzeitung » Ein Titel", names) == "Ein Titel"
    assert strip_site_suffix("Ein Titel - mit Zusatz", names) == "Ein Titel - mit Zusatz"


def test_extract_html_kicker_before_title() -> None:
    h1 = '<span class="kicker">Bundestag</span> Haushalt: Keine Einigung in Sicht'
    article = read(page(h1=h1))
    assert article.kicker == "Bundestag"
    assert article.title == "Haushalt: Keine Einigung in Sicht"


def test_extract_html_body_without_navigation_footer_or_cookies() -> None:
    article = read(page())
    text = article.text
    assert article.body[0].startswith("Die Verhandlungen über den neuen Haushalt")
    assert article.body[-1].endswith("Erklärung der Fraktion.")
    for noise in ("Startseite", "Impressum", "Cookies", "Musterverlag", "Datenschutz"):
        assert noise not in text
    assert len(article.body) == 4


def test_extract_html_subheadings_apart_from_body() -> None:
    article = read(page())
    assert article.subheadings == [SUBHEADING]
    assert SUBHEADING not in article.body
    assert article.title not in article.body


def test_extract_html_share_prompts_and_related_list_dropped() -> None:
    after = (
        "<p>Diesen Artikel teilen</p><h3>Lesen Sie auch</h3>"
        "<ul><li>Bahn kündigt neue Verbindungen an</li><li>Länder fordern mehr Geld</li></ul>"
    )
    article = read(page(after=after))
    assert "Diesen Artikel teilen" not in article.text
    assert "Bahn kündigt neue Verbindungen an" not in article.text
    assert "Lesen Sie auch" not in article.subheadings


def test_extract_html_captions_and_credits_apart() -> None:
    figure = (
        "<figure><img src='a.jpg' alt=''><figcaption>Die Ministerin vor dem Kanzleramt. "
        "Foto: Erika Beispiel/dpa</figcaption></figure>"
        "<figure><img src='b.jpg' alt=''><figcaption>Ein Zug im Hauptbahnhof "
        "<span class='credit'>© Max Muster</span></figcaption></figure>"
    )
    article = read(page(before=figure, paragraphs=[p.split(" – ", 1)[-1] for p in PARAGRAPHS]))
    assert article.captions == ["Die Ministerin vor dem Kanzleramt.", "Ein Zug im Hauptbahnhof"]
    assert article.photo_credits == ["Erika Beispiel/dpa", "Max Muster"]
    assert not any("Kanzleramt" in paragraph for paragraph in article.body)


def test_extract_html_agencies_not_from_photo_credits() -> None:
    figure = (
        "<figure><img src='a.jpg' alt=''><figcaption>Die Ministerin vor dem Kanzleramt. "
        "Foto: Erika Beispiel/dpa</figcaption></figure>"
    )
    paragraphs = [p.replace("Berlin (dpa) – ", "") for p in PARAGRAPHS]
    article = read(page(before=figure, paragraphs=paragraphs))
    assert article.agencies == []
    assert article.dateline is None


def test_extract_html_dateline_and_agency() -> None:
    article = read(page())
    assert article.dateline == "Berlin"
    assert article.agencies == ["dpa"]


def test_extract_html_teaser_above_dateline_is_lead() -> None:
    teaser = "Bund und Länder finden beim Haushalt keinen gemeinsamen Weg."
    article = read(page(paragraphs=[teaser, *PARAGRAPHS]))
    assert article.lead == teaser
    assert article.dateline == "Berlin"
    assert article.body[0].startswith("Die Verhandlungen")


def test_extract_html_agency_from_source_line() -> None:
    paragraphs = [p.replace("Berlin (dpa) – ", "") for p in PARAGRAPHS]
    article = read(page(paragraphs=paragraphs, after="<p>Quelle: AFP</p>"))
    assert article.agencies == ["AFP"]
    assert "Quelle: AFP" not in article.text


def test_extract_html_published_from_meta_as_local_time() -> None:
    head = '<meta property="article:published_time" content="2026-03-12T08:47:00Z">'
    assert read(page(head=head)).published == "2026-03-12T09:47"


def test_extract_html_published_from_german_byline() -> None:
    byline = '<p class="byline">Von Anna Berger</p><div class="date">12.03.2026, 09:47 Uhr</div>'
    article = read(page(before=byline))
    assert article.published == "2026-03-12T09:47"
    assert "12.03.2026" not in article.text


def test_extract_html_published_from_labelled_date() -> None:
    after = "<p>Veröffentlicht am 12. März 2026</p>"
    assert read(page(after=after)).published == "2026-03-12"


def test_find_published_prefers_byline_over_modified_date() -> None:
    html = (
        "<html><head><title>Ein Titel</title></head><body><h1>Ein Titel</h1>"
        '<span itemprop="dateModified" content="2026-04-01">01.04.2026</span>'
        '<time datetime="2026-03-12T08:00">12. März 2026</time><p>Text</p></body></html>'
    )
    assert find_published(html) == "2026-03-12"


def test_extract_html_lead_from_marked_teaser() -> None:
    lead = (
        "Bund und Länder ringen weiter um das Geld für Schienen und Straßen. Eine "
        "Entscheidung ist erst in der kommenden Woche zu erwarten."
    )
    article = read(page(before=f'<p class="article-lead">{lead}</p>'))
    assert article.lead == lead
    assert lead not in article.body


def test_extract_html_lead_from_meta_description() -> None:
    description = "Bund und Länder ringen weiter um das Geld für Schienen und Straßen."
    head = f'<meta name="description" content="{description}">'
    assert read(page(head=head)).lead == description


def test_extract_html_metadata_fields() -> None:
    head = (
        '<meta property="og:site_name" content="Musterzeitung">'
        '<meta property="article:section" content="Politik">'
        '<meta property="article:tag" content="Haushalt">'
        '<meta property="article:tag" content="Bahn">'
        '<meta name="keywords" content="Bahn, Haushalt, Länder, Suchmaschine">'
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"author": [{"@type": "Person", "name": "Anna Berger"}, '
        '{"@type": "Organization", "name": "dpa"}]}</script>'
    )
    article = read(page(head=head), url="https://www.musterzeitung.de/a")
    assert article.outlet == "Musterzeitung"
    assert article.section == "Politik"
    assert article.tags == ["Haushalt", "Bahn"]
    assert article.authors == ["Anna Berger"]
    assert article.agencies == ["dpa"]
    assert article.language == "de"


def test_extract_html_visible_tags_before_meta_tags() -> None:
    head = '<meta property="article:tag" content="Haushalt">'
    after = (
        '<div class="tags">Schlagwörter: <a href="/t/haushalt">Haushalt</a>, '
        '<a href="/t/bahn">Bahn</a></div>'
    )
    assert read(page(head=head, after=after)).tags == ["Haushalt", "Bahn"]


def test_extract_html_kicker_above_headline() -> None:
    article = read(
        page(before="", h1="Haushalt: Keine Einigung in Sicht").replace(
            "<h1>", '<div class="dachzeile">Bundestag</div><h1>'
        )
    )
    assert article.kicker == "Bundestag"
    assert article.title == "Haushalt: Keine Einigung in Sicht"


def test_extract_html_related_headlines_from_page() -> None:
    related = (
        '<aside class="related"><h3>Mehr zum Thema</h3><ul>'
        '<li><a href="/a">Bahn kündigt neue Verbindungen an</a></li>'
        '<li><a href="/b">Länder fordern mehr Geld für Brücken</a></li></ul></aside>'
    )
    html = page().replace("</main>", related + "</main>")
    article = read(html)
    assert article.related_headlines == [
        "Bahn kündigt neue Verbindungen an",
        "Länder fordern mehr Geld für Brücken",
    ]
    assert "Bahn kündigt" not in article.text


def test_extract_html_material_line_names_agency() -> None:
    paragraphs = [p.replace("Berlin (dpa) – ", "") for p in PARAGRAPHS]
    article = read(page(paragraphs=paragraphs, after="<p><em>Mit Material von AFP</em></p>"))
    assert article.agencies == ["AFP"]
    assert article.body[-1].endswith("Erklärung der Fraktion.")


def test_extract_html_outlet_from_host() -> None:
    assert read(page(), url="https://www.musterzeitung.de/a").outlet == "musterzeitung.de"


def test_extract_html_soft_hyphens_removed() -> None:
    paragraphs = [p.replace("Verhandlungen", "Verhand&shy;lungen") for p in PARAGRAPHS]
    assert "Verhandlungen" in read(page(paragraphs=paragraphs)).body[0]


def test_extract_html_rejects_page_without_article_text() -> None:
    html = f"<html><head><title>Startseite</title></head><body>{NAV}{COOKIES}{FOOTER}</body></html>"
    with pytest.raises(Rejected) as caught:
        read(html)
    assert caught.value.reason is Reason.NO_ARTICLE


def test_extract_html_rejects_empty_document() -> None:
    with pytest.raises(Rejected) as caught:
        read("   ")
    assert caught.value.reason is Reason.NO_ARTICLE


def test_extract_html_contract_shape() -> None:
    data = read(page()).contract_dict()
    assert isinstance(data["body"], str) and "\n\n" in data["body"]
    for key in ("agencies", "authors", "captions", "photo_credits", "tags", "subheadings"):
        assert isinstance(data[key], list)


@pytest.mark.parametrize("control", ["\x1f", "\x01", "\x0b"])
def test_extract_html_control_character_after_a_line_break(control: str) -> None:
    # lxml keeps such characters from the HTML but refuses them when text is set, so
    # reading <br> as a line break must not write into the tree (found by fuzzing).
    html = f"<html><head><title>der</title></head><body><div>der.<br>{control}.</body></html>"
    with pytest.raises(Rejected) as rejected:
        extract_html(html, article_id="a", source="a.html")
    assert rejected.value.reason is Reason.NO_ARTICLE
    words = "Die Stadt baut am Fluss eine neue Brücke für Radfahrer und Fußgänger."
    html = (
        f"<html><head><title>Brücke</title></head><body><article><p>{words} {words}<br>"
        f"{control}Die Arbeiten beginnen im Mai und dauern zwei Jahre.</p></article></body></html>"
    )
    article = extract_html(html, article_id="b", source="b.html")
    assert any("Die Arbeiten beginnen im Mai" in paragraph for paragraph in article.body)


def test_extract_html_body_ends_before_a_plea_for_support() -> None:
    # Pages of the extraction benchmark ended their body with the site's appeal and what
    # follows it ("Helfen Sie mit, unseren Journalismus ...", "❤ WinFuture unterstützen",
    # shop offers), or with "Diese Artikel könnten dich auch interessieren:".
    appeal = (
        "Helfen Sie mit, unseren Journalismus auch in Zukunft für alle frei zugänglich "
        "zu halten. Jede Unterstützung zählt, auch eine kleine."
    )
    offer = "Kabellose Kopfhörer mit 40 Stunden Laufzeit heute für nur 29,99 Euro im Angebot."
    article = read(page(after=f"<p>{appeal}</p><p>{offer}</p>"))
    assert article.body[-1].endswith("Erklärung der Fraktion.")
    related = "<p>Diese Artikel könnten dich auch interessieren:</p>"
    article = read(page(after=related))
    assert "interessieren" not in article.text
    # An appeal early in a text is no page furniture: "Unterstützen Sie uns" in a quote.
    early = [f"Unterstützen Sie uns, rief die Sprecherin. {PARAGRAPHS[0]}", *PARAGRAPHS[1:]]
    assert read(page(paragraphs=early)).body[0].startswith("Unterstützen Sie uns")


@pytest.mark.parametrize(
    ("author", "expected"),
    [
        # Authors of the extraction benchmark's pages that are no person, or a person
        # with a role or a language's "by" before the name.
        ("Musterzeitung", []),
        ("Die Musterzeitung", []),
        ("NDR", []),
        ("Perform Media Deutschland GmbH", []),
        ("wegewerk GmbH", []),
        ("Zvg", []),
        ("Par Stefan Häne", ["Stefan Häne"]),
        ("Interview Julia Lauter", ["Julia Lauter"]),
        ("FOCUS-Online-Experte Robin Tschöpe", ["Robin Tschöpe"]),
        ("Anna Berger", ["Anna Berger"]),
    ],
)
def test_extract_html_authors_are_people(author: str, expected: list[str]) -> None:
    head = f'<meta name="author" content="{author}"><meta property="og:site_name" content="Musterzeitung">'
    article = read(page(head=head), url="https://www.musterzeitung.de/a")
    assert article.authors == expected


def test_extract_html_related_headlines_are_headlines() -> None:
    # Related lists of the extraction benchmark's pages held their own section labels,
    # sign-offs, ads, login links, date stamps and the page's own title.
    related = [
        "Das könnte Sie auch interessieren",
        "(SID)",
        "Ad",
        "Lesen Sie auch",
        "Jetzt registrieren / einloggen",
        "25. Oktober 2023 16:01",
        "Haushalt: Keine Einigung in Sicht",
        "Bahnstrecken im Norden werden saniert",
        "Weitere Streiks bei der Bahn angekündigt",
    ]
    items = "".join(f'<li><a href="/r{i}">{t}</a></li>' for i, t in enumerate(related))
    article = read(page(after=f'<div class="related"><ul>{items}</ul></div>'))
    assert article.related_headlines == [
        "Bahnstrecken im Norden werden saniert",
        "Weitere Streiks bei der Bahn angekündigt",
    ]


def test_extract_html_body_opens_with_the_text_not_page_chrome() -> None:
    # Bodies of the extraction benchmark's pages opened with "-Aktualisiert am",
    # "Weitere", a section name, icon names ("bookmark_border Auf die Merkliste"), or a
    # dateline standing as its own paragraph ("Düsseldorf -").
    before = (
        "<p>-Aktualisiert am</p><p>Politik</p>"
        "<p>bookmark_border Auf die Merkliste / headset Vorlesen / share Teilen</p>"
        "<p>Düsseldorf -</p>"
    )
    paragraphs = [PARAGRAPHS[0].split(" – ", 1)[1], *PARAGRAPHS[1:]]
    article = read(page(before=before, paragraphs=paragraphs))
    assert article.body[0].startswith("Die Verhandlungen über den neuen Haushalt")
    assert article.dateline == "Düsseldorf"


def test_extract_html_subheadings_are_the_texts_own() -> None:
    # Subheadings of the extraction benchmark's pages held the lead, the kicker and
    # site labels ("Hauptinhalt", "Weiterempfehlen").
    lead = "Bund und Länder streiten weiter über das Geld für die Bahn."
    before = (
        f"<h2>Hauptinhalt</h2><p><strong>{lead}</strong></p><h2>{lead}</h2><h2>Weiterempfehlen</h2>"
    )
    article = read(page(before=before))
    assert article.subheadings == [SUBHEADING]


@pytest.mark.parametrize(
    ("site_name", "outlet"),
    [
        # og:site_name values of the extraction benchmark's pages.
        ("https://www.fr.de", "fr.de"),
        ("tdg.ch/", "tdg.ch"),
        ("Achtsam durch die Krise | Die FURCHE", "Die FURCHE"),
        ("polizeiticker.ch - Meldungen und Warnungen von der Polizei", "polizeiticker.ch"),
        ("scinexx | Das Wissensmagazin", "scinexx"),
        ("oe24 GmbH", "oe24"),
        ("Musterzeitung", "Musterzeitung"),
        ("Frankfurter Allgemeine Zeitung", "Frankfurter Allgemeine Zeitung"),
    ],
)
def test_extract_html_outlet_is_the_sites_name(site_name: str, outlet: str) -> None:
    head = f'<meta property="og:site_name" content="{site_name}">'
    article = read(page(head=head), url="https://www.example.org/a")
    assert article.outlet == outlet
