"""The reader as a person sees it: headless Chromium against a real server on loopback.

Needs Debian's chromium (`scripts/browser` installs it). Outside CI the tests are skipped
when it is missing; in CI (CI set) they fail instead, so a missing browser cannot pass.
Screenshots land in tests/artifacts/; those of the four pages at desktop and phone widths
in docs/screenshots/, which the README shows.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_server import ReaderData, fill_store, running

from newstrace.settings import Settings
from newstrace.web import create_app

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
# A desktop and a phone (iPhone 12-15: 390 px wide).
WIDTHS = (1280, 390)
# The flags that let Chromium run headless as root in a container, offline, without
# reaching for any service of its own (see the design notes on the environment).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
# How long a page may take to show something before the test fails (not a timing assertion:
# only a hung page reaches it).
WAIT_MS = 15_000


def _need_browser() -> None:
    """Skip outside CI when the browser or Playwright is missing; fail in CI."""
    missing = None
    if not CHROMIUM.exists():
        missing = f"{CHROMIUM} is missing (run scripts/browser)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "playwright is not installed"
    if missing is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"browser tests must run in CI: {missing}")
    pytest.skip(missing)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, ReaderData]]:
    _need_browser()
    path = tmp_path_factory.mktemp("browser") / "reader.db"
    data = fill_store(path)
    with running(create_app(str(path), Settings())) as address:
        yield address, data


@pytest.fixture(scope="module")
def browser(site: tuple[str, ReaderData]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert errors == [], errors


def _shot(page: Any, name: str, *, full: bool = True) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full)
    assert path.stat().st_size > 0
    return path


def test_get_a_summary_shows_it_in_place_without_reloading(
    page: Any, site: tuple[str, ReaderData]
) -> None:
    address, ids = site
    page.goto(f"{address}/articles/{ids.english}")
    text = page.inner_text(".article-text")
    page.evaluate("window.__sameDocument = true")
    button = page.get_by_role("button", name="No time to read? Get a summary")
    assert button.is_visible()
    assert page.locator("#summary").is_hidden()
    button.click()
    page.locator("#summary-sentences li").first.wait_for(state="visible")
    sentences = page.locator("#summary-sentences li").all_inner_texts()
    assert 1 <= len(sentences) <= 3
    flat = " ".join(text.split())
    # A pronoun speaker is shown resolved in brackets ("[Vladimir Rogov] indicated …").
    shown = [" ".join(re.sub(r"^\[[^\]]+\]", "", s).split()) for s in sentences]
    assert all(part in flat for part in shown), sentences
    assert page.evaluate("window.__sameDocument") is True  # no reload happened
    assert page.url == f"{address}/articles/{ids.english}"
    _shot(page, "article-summary")


def test_next_and_previous_walk_the_articles_in_home_order(
    page: Any, site: tuple[str, ReaderData]
) -> None:
    address, _ = site
    # The order of the article list (`/api/articles`): newest published first.
    page.goto(f"{address}/api/articles")
    order = [a["id"] for a in json.loads(page.inner_text("body"))]
    assert len(order) >= 3
    page.goto(f"{address}/articles/{order[0]}")
    assert page.locator("a[rel=prev]").count() == 0
    page.get_by_role("link", name=re.compile("Next article")).click()
    page.wait_for_url(f"**/articles/{order[1]}")
    page.get_by_role("link", name=re.compile("Next article")).click()
    page.wait_for_url(f"**/articles/{order[2]}")
    page.get_by_role("link", name=re.compile("Previous article")).click()
    page.wait_for_url(f"**/articles/{order[1]}")


def test_search_box_finds_rogov_with_the_hits_marked(
    page: Any, site: tuple[str, ReaderData]
) -> None:
    address, ids = site
    page.goto(f"{address}/")
    page.get_by_label("Search articles").fill("Rogov")
    page.get_by_label("Search articles").press("Enter")
    page.wait_for_url("**/search?q=Rogov")
    marks = page.locator(".snippet mark").all_inner_texts()
    assert marks and all(m.lower() == "rogov" for m in marks)
    links = page.locator(".result-title").evaluate_all("a => a.map(x => x.getAttribute('href'))")
    assert f"/articles/{ids.english}" in links and f"/articles/{ids.french}" in links
    _shot(page, "search")


def test_hostile_article_runs_no_script(page: Any, site: tuple[str, ReaderData]) -> None:
    address, ids = site
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text))
    for url in (
        f"{address}/articles/{ids.hostile}",
        f"{address}/",
        f"{address}/search?q=hostileword",
        f"{address}/search?q=%22%3E%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E",
    ):
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__pwned") == "undefined", url
    page.goto(f"{address}/articles/{ids.hostile}")
    # The payloads are on screen as text, and none of them became an element.
    text = page.inner_text(".article-text")
    assert "<script>window.__pwned='text'</script>" in text
    assert "</textarea>" in text
    assert page.locator(".article-text script, .article-text img, .article-text a").count() == 0
    assert page.locator("h1 img, .meta img, .meta svg").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    page.get_by_role("button", name="No time to read? Get a summary").click()
    page.locator("#summary").wait_for(state="visible")
    page.locator(".article-text").click()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("#summary script, #summary img").count() == 0
    _shot(page, "hostile-article")


def test_clicking_a_claim_shows_speaker_cue_medium_and_status(
    page: Any, site: tuple[str, ReaderData]
) -> None:
    address, ids = site
    page.goto(f"{address}/articles/{ids.annotated}")
    claim = page.locator('.article-text .claim[data-claim="0"]').first
    assert "speaker: Vladimir Rogov" in (claim.get_attribute("title") or "")
    assert page.locator("#claim-popover").is_hidden()
    claim.click()
    popover = page.locator("#claim-popover")
    popover.wait_for(state="visible")
    shown = popover.inner_text()
    for part in ("Vladimir Rogov", "spoke in a detailed interview with", "TASS", "attributed"):
        assert part in shown
    _shot(page, "article-claims")
    page.keyboard.press("Escape")
    popover.wait_for(state="hidden")
    page.get_by_text("Lines taken out").click()
    assert page.locator(".removed li").first.is_visible()


def test_article_page_reads_well_on_a_phone(browser: Any, site: tuple[str, ReaderData]) -> None:
    address, ids = site
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = context.new_page()
    page.goto(f"{address}/articles/{ids.annotated}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
    _shot(page, "article-phone", full=False)
    context.close()


def test_story_of_the_seeds_shows_both_versions_and_the_provenance_graph(
    page: Any, site: tuple[str, ReaderData]
) -> None:
    address, ids = site
    page.goto(f"{address}/")
    _shot(page, "home")
    page.locator(f'.story-title[href="/stories/{ids.story}"]').click()
    page.wait_for_url(f"**/stories/{ids.story}")
    versions = page.locator(".version")
    assert versions.count() == 2
    assert {versions.nth(i).get_attribute("data-article") for i in range(2)} == {
        ids.english,
        ids.french,
    }
    assert all(versions.nth(i).locator(".version-summary").is_visible() for i in range(2))
    graph = page.locator("svg.provenance-graph")
    assert graph.is_visible()
    for medium in ("TASS", "Newsweek"):
        node = graph.locator(f'g.node-medium[data-node="{medium}"]')
        assert node.count() == 1 and node.locator("text").text_content() == medium
    for article in (ids.english, ids.french):
        assert graph.locator(f'g.node-article[data-node="{article}"]').count() == 1
        assert graph.locator(f'g.edge[data-to="{article}"]').count() >= 1
    # Both articles are reached from TASS: directly, or through Newsweek.
    assert graph.locator(f'g.edge[data-from="TASS"][data-to="{ids.english}"]').count() == 1
    assert graph.locator(f'g.edge[data-from="Newsweek"][data-to="{ids.french}"]').count() == 1
    box = graph.bounding_box()
    assert box is not None and box["width"] <= 1280
    _shot(page, "story")
    graph.locator(f'g.node-article[data-node="{ids.french}"] a').click()
    page.wait_for_url(f"**/articles/{ids.french}")


def test_story_page_reads_well_on_a_phone(browser: Any, site: tuple[str, ReaderData]) -> None:
    address, ids = site
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = context.new_page()
    page.goto(f"{address}/stories/{ids.story}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the story page scrolls sideways on a phone"
    _shot(page, "story-phone")
    context.close()


def _pages(ids: ReaderData) -> dict[str, str]:
    return {
        "home": "/",
        "story": f"/stories/{ids.story}",
        "article": f"/articles/{ids.annotated}",
        "search": "/search?q=Putin",
    }


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["home", "story", "article", "search"])
def test_each_page_is_usable_at_desktop_and_phone_width(
    browser: Any, site: tuple[str, ReaderData], name: str, width: int
) -> None:
    """Nothing runs off the side; what the page is for is on screen; a screenshot for the
    README (docs/screenshots/NAME-WIDTH.png)."""
    address, ids = site
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(address + _pages(ids)[name])
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "scrolls sideways"
    if name == "home":
        first = page.locator(".story-title").first
        assert first.get_attribute("href") == f"/stories/{ids.story}"
        assert "of" in page.inner_text(".result-count")
    elif name == "story":
        # Every version's status of every claim is on screen, not off to the side.
        cells = page.locator(".matrix td")
        assert cells.count() >= 2
        for i in range(cells.count()):
            box = cells.nth(i).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        # The reader's words are English, each quote in its own language.
        assert page.locator(".story-summary ul").get_attribute("lang") == "en"
        quotes = page.locator(".story-summary q")
        assert quotes.count() >= 1
        assert all(
            quotes.nth(i).get_attribute("lang") in {"en", "fr"} for i in range(quotes.count())
        )
        # The graph keeps a readable size: its labels are not shrunk below 10 px.
        label = page.locator("svg.provenance-graph .node-label").first
        box = label.bounding_box()
        assert box is not None and box["height"] >= 10
        assert "date unknown" in page.inner_text(".story-meta")
    elif name == "article":
        assert page.locator(".article-text").is_visible()
    else:
        assert page.locator(".result-title").count() >= 1
        assert page.locator(f'.result-title[href="/articles/{ids.french}"]').count() == 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=False)
    assert path.stat().st_size > 0
    context.close()
