"""What a reader sees and does, in a real browser: the front page, a story with every element of the reference,
a sentence's source opened, search, accessibility (axe-core), and screenshots at phone and desktop widths."""

from __future__ import annotations

import ast
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from sociose.articles.actions import do_store_article
from sociose.articles.draft import ArticleDraft
from sociose.articles.models import Article
from sociose.desk.actions import compose_story
from sociose.desk.models import ComposedStory
from sociose.stories.actions import assign_story
from tests.factories import giveme_articles

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stories(live_server):
    """Three real events from giveme5w1h, stored, clustered and composed; the first report of each carries a
    credited lead image served by the live server (the browser must not reach the internet)."""
    events = defaultdict(list)
    for record in giveme_articles():
        cluster = record["newsCluster"]
        cluster = ast.literal_eval(cluster) if isinstance(cluster, str) else cluster
        events[cluster["EventId"]].append(record)
    chosen = sorted(events.values(), key=len, reverse=True)[:3]
    start = datetime.now(UTC) - timedelta(hours=20)
    for e, records in enumerate(chosen):
        for n, record in enumerate(records[:6]):
            draft = ArticleDraft(url=record["url"], title=record["title"], text=record["text"],
                                 published_at=start + timedelta(hours=e, minutes=20 * n),
                                 image_url=f"{live_server.url}/static/site/none.jpg" if n == 0 else "",
                                 image_credit="Jane Lens/Wire Photos" if n == 0 else "",
                                 image_caption="Officials at the scene." if n == 0 else "")
            article = do_store_article(draft, via="file").article
            assign_story(Article.objects.select_related("outlet").get(id=article.id))
    for composed_story in {a.membership.story for a in Article.objects.all()}:
        compose_story(composed_story)
    return list(ComposedStory.objects.order_by("-story__independent_count"))


def test_front_page_to_story_with_every_element(page, live_server, stories, artifacts):
    page.goto(live_server.url + "/")
    assert page.locator("h1").first.is_visible()
    headline = stories[0].shown_headline
    page.get_by_role("link", name=headline).first.click()
    page.wait_for_url(f"**/stories/{stories[0].story_id}/")

    assert page.locator("h1#story-headline").inner_text() == headline
    assert page.locator(".dek").is_visible()
    byline = page.locator(".byline").inner_text().lower()  # shown in small capitals, as the reference
    assert "by sociose" in byline and "min read" in byline
    assert page.locator("figure.lead-image figcaption").is_visible()
    assert "Jane Lens/Wire Photos" in page.locator("figure.lead-image .credit").inner_text()
    assert page.locator(".story-body p").count() >= 2
    assert page.locator("figure.quote-card blockquote").first.is_visible()
    assert page.locator("figure.quote-card figcaption cite").first.is_visible()
    for section in ("#coverage", "#sources", "#history", "#how-made"):
        assert page.locator(section).is_visible(), section
    assert page.locator("#coverage svg").is_visible()
    assert page.get_by_role("heading", name="Top stories").is_visible()
    page.screenshot(path=artifacts / "story-desktop.png", full_page=True)

    # A sentence's source: its footnote opens the passage it came from, with the outlet named.
    note = page.locator(".story-body sup.fn a").first
    target = note.get_attribute("href")
    note.click()
    passage = page.locator(target)
    assert passage.is_visible()
    assert passage.locator("mark").inner_text().strip()


def test_search_finds_a_story_by_a_word_from_its_body(page, live_server, stories):
    composed = stories[0]
    words = [w.strip(".,\"“”'’") for w in composed.body[0][0]["text"].split()]
    word = max((w for w in words if w.isalpha()), key=len)
    page.goto(live_server.url + "/")
    page.get_by_role("searchbox").fill(word)
    page.get_by_role("searchbox").press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert page.locator(f'a[href="/stories/{composed.story_id}/"]').count() >= 1


def test_no_serious_accessibility_violations(page, live_server, stories):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    for path in ("/", f"/stories/{stories[0].story_id}/", "/search/?q=missile", "/about/"):
        page.goto(live_server.url + path)
        results = axe.run(page)
        serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert not serious, (path, [(v["id"], v["help"], len(v["nodes"])) for v in serious])


def test_screenshots_at_phone_and_desktop_widths(page, phone, live_server, stories, artifacts):
    story = f"/stories/{stories[0].story_id}/"
    for name, browser_page in (("desktop", page), ("phone", phone)):
        for label, path in (("front", "/"), ("story", story)):
            browser_page.goto(live_server.url + path)
            file = artifacts / f"{label}-{name}.png"
            browser_page.screenshot(path=file, full_page=True)
            assert file.stat().st_size > 10_000
        width = browser_page.evaluate("document.documentElement.scrollWidth")
        assert width <= browser_page.viewport_size["width"], f"horizontal scrolling on {name}"
