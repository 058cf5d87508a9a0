"""The web UI end to end in a real headless Chromium against a real uvicorn server.

One server per module on a free localhost port, in a thread; one browser. Screenshots
of each page go to ``test-artifacts/screenshots/`` for a person to look at. Skipped
(with the reason) only where Debian's Chromium is not installed at /usr/bin/chromium;
``scripts/install_browser.sh`` installs it.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from lagebild.web import create_app
from tests.test_web_store import ROOT, SCRIPT_TITLE, web_store

__all__ = ["web_store"]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Chromium not installed at /usr/bin/chromium (run scripts/install_browser.sh)",
)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server(web_store: Path) -> Iterator[str]:
    """A uvicorn server on a socket bound before it starts, so no port race; its URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(str(web_store)), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)
    sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: sync_api.Browser) -> Iterator[sync_api.Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def _shot(page: sync_api.Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # A page reached by a click may keep the scroll position; full-page shots start at the top.
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def test_web_browser_home_article_entity_search(page: sync_api.Page, server: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server + "/")
    assert page.locator("h1").inner_text() == "The picture so far"
    assert page.locator(".latest .item").count() >= 10
    _shot(page, "home.png")

    # An article whose text links names to entities.
    page.locator(".latest .item-title").first.click()
    page.wait_for_load_state()
    assert "/articles/" in page.url
    names = page.locator(".reading a.m")
    assert names.count() > 0
    _shot(page, "article.png")

    name = names.first.inner_text()
    names.first.click()
    page.wait_for_load_state()
    assert "/entities/" in page.url
    assert page.locator("h1").inner_text().strip()
    assert (
        name in page.locator(".chips").first.inner_text() or name in page.locator("h1").inner_text()
    )
    assert page.locator(".items .item").count() >= 1
    _shot(page, "entity.png")

    page.fill("header input[name=q]", "Gespräch")
    page.press("header input[name=q]", "Enter")
    page.wait_for_load_state()
    assert "/search" in page.url
    assert page.locator(".hits-list .item").count() >= 1
    assert page.locator(".snippet mark").count() >= 1
    assert page.locator(".facets").inner_text().count("By month") == 1
    _shot(page, "search.png")

    page.goto(server + "/entities")
    assert page.locator("table.entities tbody tr").count() >= 10
    _shot(page, "entities.png")
    assert dialogs == []


def test_web_browser_storyline_timeline_entity_network_search(
    page: sync_api.Page, server: str
) -> None:
    """Home -> a storyline's timeline -> a story -> an entity's network -> search by entity."""
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server + "/")
    lines = page.locator("ul.storylines .item-title")
    assert lines.count() >= 2 and page.locator("ul.latest-stories .item").count() >= 2
    # The storyline with most stories: its chart has several bars.
    metas = page.locator("ul.storylines .meta").all_inner_texts()
    best = max(range(len(metas)), key=lambda i: int(metas[i].split(" · ")[1].split()[0]))
    lines.nth(best).click()
    page.wait_for_load_state()
    assert "/storylines/" in page.url
    chart = page.locator("svg.timeline-chart")
    box = chart.bounding_box()
    assert chart.is_visible() and box is not None and box["width"] > 600
    assert page.locator("svg.timeline-chart .story-bar").count() >= 2
    assert page.locator("svg.timeline-chart .ev").count() >= 3
    assert page.locator("table.events tbody tr").count() >= 3
    _shot(page, "storyline.png")

    # An event mark jumps to its row in the events table.
    mark = page.locator("svg.timeline-chart .ev").first
    mark.click()
    assert "#event-" in page.url
    page.go_back()

    page.locator("svg.timeline-chart .story-bar").first.click()
    page.wait_for_load_state()
    assert "/stories/" in page.url
    assert page.locator("h2", has_text="Articles by outlet").count() == 1
    _shot(page, "story.png")
    page.go_back()
    page.wait_for_load_state()

    person = page.locator("section[aria-labelledby=people-h] .chips a").first
    name = person.inner_text()
    person.click()
    page.wait_for_load_state()
    assert "/entities/" in page.url and page.locator("h1").inner_text().startswith(name)
    assert page.locator("svg.network-chart .node").count() >= 2
    assert page.locator("svg.network-chart .node.center").count() == 1
    _shot(page, "entity-network.png")

    page.fill("header input[name=q]", name.split()[-1])
    page.press("header input[name=q]", "Enter")
    page.wait_for_load_state()
    facet = page.locator(".entity-facet a").first
    facet_name = facet.inner_text()
    facet.click()
    page.wait_for_load_state()
    assert "entity=" in page.url and page.locator(".hits-list .item").count() >= 1
    assert page.locator(".entity-facet a[aria-current]").inner_text() == facet_name
    _shot(page, "search-entity-facet.png")

    # An article with quotes shows them highlighted.
    page.locator(".hits-list .item-title").first.click()
    page.wait_for_load_state()
    _shot(page, "article-quotes.png")
    assert dialogs == []


def test_web_browser_shows_a_script_title_as_text(page: sync_api.Page, server: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server + "/search?q=Haushalt+Bundestag")
    link = page.locator(".hits-list .item-title", has_text="<script>")
    assert link.count() == 1
    link.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == SCRIPT_TITLE
    assert page.title().startswith("Haushalt <script>")
    assert page.locator("main script").count() == 0
    _shot(page, "script-title.png")
    page.goto(server + "/")
    assert SCRIPT_TITLE in page.locator("main").inner_text()
    assert dialogs == []


def test_web_browser_fits_a_phone_screen(browser: sync_api.Browser, server: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        for path, name in (("/", "home-phone.png"), ("/search?q=Witkoff", "search-phone.png")):
            page.goto(server + path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, f"{path} scrolls sideways by {overflow}px"
            _shot(page, name)
        page.goto(server + "/")
        page.locator(".latest .item-title").first.click()
        page.wait_for_load_state()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1
        _shot(page, "article-phone.png")
        for link, name in (("ul.storylines .item-title", "storyline-phone.png"),):
            page.goto(server + "/")
            page.locator(link).last.click()
            page.wait_for_load_state()
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px"
            _shot(page, name)
        page.locator("section[aria-labelledby=people-h] .chips a").first.click()
        page.wait_for_load_state()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px"
        _shot(page, "entity-phone.png")
    finally:
        context.close()
