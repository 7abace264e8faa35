"""Reader pages through the Django test client on a real database: every element of the reference story page for a
story built through the project's own actions, empty sections left out, escaping, security headers, conditional
requests, the page cache and its invalidation, query budgets, topic and outlet pages, 404s."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from sociose.articles.actions import do_store_article
from sociose.articles.draft import ArticleDraft
from sociose.articles.models import Article
from sociose.desk.actions import compose_story
from sociose.desk.models import ComposedStory
from sociose.site import pages
from sociose.site.middleware import CONTENT_SECURITY_POLICY
from sociose.site.templatetags.sociose_tags import http_url, newstime
from sociose.stories.actions import assign_story
from sociose.stories.models import ArticleEntity, Membership, Story

pytestmark = pytest.mark.django_db

FLOOD = ("Floods hit the river town of Easton after three days of rain. The mayor of Easton, Ann Berry, said 40 homes "
         "were evacuated on Monday. \"We have never seen the water this high,\" Berry said. Rescue teams from two "
         "neighbouring counties arrived in the evening. The river is expected to peak on Tuesday morning.")
FLOOD_2 = ("The river in Easton burst its banks on Monday after days of heavy rain, forcing 45 homes to be evacuated. "
           "Mayor Ann Berry said the town had opened two shelters. \"Everyone is safe for now, but the night will be "
           "long,\" she said. Forecasters expect the river to peak on Tuesday.")
QUAKE = ("An earthquake of magnitude 6.1 struck the coast of Norland on Friday, the national seismic institute said. "
         "Buildings swayed in the capital, Port Saro, and 12 people were hurt by falling glass. \"It lasted almost a "
         "minute,\" said Tomas Vell, a shopkeeper in Port Saro. Schools were closed for inspections on Saturday.")
START = datetime(2025, 3, 2, 3, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    settings.TIME_ZONE = "UTC"
    settings.SITE_NAME = "Sociose"
    cache.clear()
    yield
    cache.clear()


def _store(url, title, text, *, minutes=0, image="", credit="", license=""):
    draft = ArticleDraft(url=url, title=title, text=text, published_at=START + timedelta(minutes=minutes),
                         image_url=image, image_credit=credit, image_caption="Water in the high street",
                         license=license)
    article = do_store_article(draft, via="file").article
    assign_story(Article.objects.select_related("outlet").get(id=article.id))
    return Article.objects.get(id=article.id)


def _story_of(article) -> Story:
    return Story.objects.get(memberships__article=article)


@pytest.fixture
def flood():
    """A story of three reports: a Wikinews report, an independent one with a credited image, and a reprint."""
    first = _store("https://en.wikinews.org/wiki/Floods_hit_Easton", "Floods hit Easton", FLOOD,
                   license="CC BY 2.5")
    _store("https://easton-daily.example/news/river-bursts", "Easton river bursts its banks | Easton Daily", FLOOD_2,
           minutes=70, image="https://img.example/flood.jpg", credit="Jo Lens/Reuters")
    _store("https://copies.example/floods-hit-easton", "Floods hit Easton", FLOOD, minutes=200)
    story = _story_of(first)
    assert story.article_count == 3 and story.reprint_count == 1, "fixture: the three reports make one story"
    compose_story(story, trigger_article_id=first.id, now=START + timedelta(hours=4))
    return story


@pytest.fixture
def quake():
    article = _store("https://norland-news.example/quake", "Earthquake shakes Norland", QUAKE, minutes=30)
    story = _story_of(article)
    compose_story(story, now=START + timedelta(hours=1))
    return story


def _page(client, story):
    response = client.get(reverse("site:story", args=[story.id]))
    assert response.status_code == 200
    return response, response.content.decode()


def test_story_page_has_every_element_of_the_reference(client, flood, quake):
    composed = ComposedStory.objects.get(story=flood)
    _, html = _page(client, flood)
    assert f'<h1 id="story-headline">{composed.shown_headline}</h1>' in html
    assert f'<p class="dek">{composed.dek["text"]}' in html
    assert 'by <span class="author">Sociose</span>' in html
    assert '<time datetime="2025-03-02T07:00:00+00:00">Mar 2, 2025, 7 AM</time>' in html
    assert f"· {composed.reading_time_minutes} min read" in html and composed.reading_time_minutes >= 1
    # lead image with caption and credit
    assert re.search(r'<figure class="lead-image">\s*<img src="https://img.example/flood.jpg" alt="Water in the '
                     r'high street"', html)
    assert "<figcaption>Water in the high street <span class=\"credit\">Jo Lens/Reuters</span>" in html
    # every sentence carries a numbered mark that points to its passage in the Sources list
    sentences = [s for paragraph in composed.body for s in paragraph]
    marks = re.findall(r'<a id="cite-(\d+)" href="#passage-(\d+)"', html)
    assert len(marks) == len(sentences) + 1 + sum(1 for q in composed.quotes if q["card"])  # + dek + cards
    assert all(a == b for a, b in marks)
    for cite, _ in marks:
        assert f'<li id="passage-{cite}">' in html
    first = sentences[0]
    source_text = Article.objects.get(id=first["article"]).text
    assert f'<mark>{source_text[first["start"]:first["end"]]}</mark>' in html.replace("&quot;", '"')
    assert re.search(r'<section class="sources" id="sources"', html) and "passage" in html
    # named quote cards
    card = next(q for q in composed.quotes if q["card"])
    assert '<figure class="quote-card">' in html and "<blockquote" in html and "<cite>" in html
    assert f"“{card['text']}”" in html.replace("&#x27;", "'") and f"— {card['speaker']}" in html
    # facts with report counts, and the disagreement (40 or 45 homes)
    assert "The numbers" in html and re.search(r"\d+ reports?", html)
    assert "The reports disagree" in html
    # each figure with the sentence that states it
    assert '<span class="context">“The river in Easton burst its banks on Monday after days of heavy rain, forcing 45 ' \
           'homes to be evacuated.”</span>' in html
    # coverage: independent reports and reprints told apart, who was first, a timeline with a text alternative
    assert 'id="coverage-heading">Coverage<' in html
    assert "2 independent reports from 3 outlets; 1 reprint" in html
    assert "<h3>Independent reports</h3>" in html and "<h3>Reprints</h3>" in html
    assert "First reported by" in html and "en.wikinews.org" in html and "first report" in html
    assert "repeats en.wikinews.org’s report" in html
    assert re.search(r'<svg viewBox="0 0 \d+ \d+" role="img" aria-labelledby="timeline-title"', html)
    assert html.count('<rect class="bar"') == 3 and "Reports per hour" in html and "<table>" in html
    # related and top stories, never the story itself
    assert "Top stories" in html and ComposedStory.objects.get(story=quake).shown_headline in html
    aside = html[html.index('<aside class="more"'):]
    assert f'href="/stories/{flood.id}/"' not in aside
    # history, the machine-assembly note and the Wikinews licence
    assert 'id="history-heading">History<' in html and "First published." in html
    assert "assembled by software" in html and "Assembled by software from 2 independent reports" in html
    assert "Creative Commons Attribution 2.5" in html and "https://creativecommons.org/licenses/by/2.5/" in html
    # external links never pass on trust or a window handle
    for link in re.findall(r'<a [^>]*href="https?://(?!creativecommons)[^"]*"[^>]*>', html):
        assert 'rel="nofollow noopener"' in link, link
    # topics the story names link to their pages
    assert "/topics/" in html


def test_empty_sections_are_left_out(client, quake):
    _, html = _page(client, quake)
    for absent in ('class="lead-image"', "<h3>Reprints</h3>", "Related stories", 'id="top-heading"', "<svg",
                   "Readers’ takes", "Public reactions", "Updated", "Creative Commons"):
        assert absent not in html, absent
    assert "Coverage" in html and "Sources" in html and "History" in html


def test_updated_is_shown_after_the_story_changes(client, quake):
    composed = ComposedStory.objects.get(story=quake)
    composed.headline_override = "Norland shaken by a strong earthquake"
    composed.save()
    compose_story(quake, now=START + timedelta(days=1, hours=2, minutes=30))
    _, html = _page(client, quake)
    assert "Norland shaken by a strong earthquake" in html
    assert 'Updated <time datetime="2025-03-03T05:30:00+00:00">Mar 3, 2025, 5:30 AM</time>' in html


def test_time_format_follows_the_reference_in_the_site_time_zone(settings):
    assert newstime(datetime(2025, 3, 2, 3, 0, tzinfo=UTC)) == "Mar 2, 2025, 3 AM"
    assert newstime(datetime(2025, 3, 2, 15, 5, tzinfo=UTC)) == "Mar 2, 2025, 3:05 PM"
    assert newstime(datetime(2025, 3, 2, 12, 0, tzinfo=UTC)) == "Mar 2, 2025, 12 PM"
    assert newstime(None) == ""
    assert newstime(datetime(2009, 6, 5, 0, 0, tzinfo=UTC)) == "Jun 5, 2009"  # a date without a time
    assert newstime(datetime(2009, 6, 5, 0, 0, 1, tzinfo=UTC)) == "Jun 5, 2009, 12 AM"
    settings.TIME_ZONE = "America/New_York"
    assert newstime(datetime(2025, 3, 2, 8, 0, tzinfo=UTC)) == "Mar 2, 2025, 3 AM"


def test_hostile_outside_text_is_escaped_and_unsafe_urls_dropped(client, quake):
    composed = ComposedStory.objects.get(story=quake)
    composed.headline_override = '<script>alert("h")</script><img src=x onerror=alert(1)>'
    composed.save()
    compose_story(quake, now=START + timedelta(hours=5))
    Article.objects.filter(membership__story=quake).update(title="<b onmouseover=alert(2)>Quake</b>")
    cache.clear()
    _, html = _page(client, quake)
    assert "<script>alert" not in html and "<img src=x" not in html and "<b onmouseover" not in html
    assert "&lt;script&gt;alert(&quot;h&quot;)&lt;/script&gt;" in html
    assert "&lt;b onmouseover=alert(2)&gt;Quake&lt;/b&gt;" in html
    assert http_url("javascript:alert(1)") == "" and http_url(" data:text/html,x") == ""
    assert http_url("https://example.org/a") == "https://example.org/a"


@pytest.mark.parametrize("name", ["site:front", "site:about"])
def test_security_headers_and_no_inline_script_or_style(client, flood, name):
    for response in (client.get(reverse(name)), client.get(reverse("site:story", args=[flood.id]))):
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff" and response["Referrer-Policy"]
        html = response.content.decode()
        # JSON-LD is a data block, which browsers never execute (CSP does not apply); any other script is a file
        assert not re.search(r"<script(?![^>]*\s(?:src=|type=\"application/ld\+json\"))[^>]*>", html), "inline script"
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=", html), "inline style or handler"


def test_landmarks_skip_link_and_search_form(client, flood):
    html = client.get(reverse("site:story", args=[flood.id])).content.decode()
    for landmark in ("<header", "<nav", '<main id="main"', "<footer", 'class="skip" href="#main"'):
        assert landmark in html
    assert re.search(r'<form class="search" role="search" action="/search/" method="get">', html)
    assert 'name="q"' in html
    levels = [int(n) for n in re.findall(r"<h([1-6])", html)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels


@pytest.mark.parametrize("header", ["HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE"])
def test_conditional_requests_get_304(client, flood, header):
    for url in (reverse("site:story", args=[flood.id]), reverse("site:front")):
        first = client.get(url)
        assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
        value = first["ETag"] if header == "HTTP_IF_NONE_MATCH" else first["Last-Modified"]
        again = client.get(url, **{header: value})
        assert again.status_code == 304 and again.content == b""


def test_cache_serves_the_page_and_a_story_change_invalidates_it(client, flood, django_assert_max_num_queries):
    url = reverse("site:story", args=[flood.id])
    first = client.get(url)
    with django_assert_max_num_queries(1):  # the validators' lookup; the HTML comes from the cache
        assert client.get(url).content == first.content
    composed = ComposedStory.objects.get(story=flood)
    composed.headline_override = "Easton flood: homes evacuated"
    composed.save()
    compose_story(flood, now=timezone.now())
    changed = client.get(url)
    assert changed["ETag"] != first["ETag"]
    assert b"Easton flood: homes evacuated" in changed.content
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    front = client.get(reverse("site:front"))
    assert b"Easton flood: homes evacuated" in front.content


def test_query_budgets(client, flood, quake, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert client.get(reverse("site:story", args=[flood.id])).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("site:front")).status_code == 200
    with django_assert_max_num_queries(1):
        assert client.get(reverse("site:story", args=[flood.id])).status_code == 200
    with django_assert_max_num_queries(1):
        assert client.get(reverse("site:front")).status_code == 200


def test_front_page_shows_top_and_latest_stories_and_topics(client, flood, quake):
    # a second story naming Ann Berry, so that she makes a topic section
    article = _store("https://runners.example/marathon", "Berry wins the Carlton marathon",
                     "Ann Berry won the Carlton marathon on Sunday in two hours and 31 minutes. Ann Berry, who trained "
                     "for eight months, beat the course record by four seconds. Runners from 30 clubs took part in "
                     "the race, which was held in sunshine.", minutes=3000)
    assert _story_of(article) not in (flood, quake)
    compose_story(_story_of(article))
    html = client.get(reverse("site:front")).content.decode()
    composed = ComposedStory.objects.get(story=flood)
    assert "Top stories" in html and composed.shown_headline in html and composed.dek["text"] in html
    assert '<img src="https://img.example/flood.jpg"' in html and "Jo Lens/Reuters" in html
    assert "2 independent reports" in html and "<summary>Why this is here</summary>" in html
    assert "independent report" in html and "latest <time" in html
    topics = re.findall(r'<h3 id="topic-\d+"><a href="(/topics/[^"]+)">([^<]+)</a>', html)
    assert ("/topics/person/Ann%20Berry/", "Ann Berry") in topics
    assert client.get(topics[0][0]).status_code == 200


def test_topic_page_lists_the_stories_that_name_it(client, flood, quake):
    entity = ArticleEntity.objects.filter(article__membership__story=flood).exclude(kind="other").first()
    assert entity is not None
    response = client.get(reverse("site:topic", args=[entity.kind, entity.name]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{entity.name}</h1>" in html
    assert ComposedStory.objects.get(story=flood).shown_headline in html
    assert ComposedStory.objects.get(story=quake).shown_headline not in html
    assert client.get(reverse("site:topic", args=[entity.kind, "Nobody At All"])).status_code == 404
    assert client.get(reverse("site:topic", args=["planet", entity.name])).status_code == 404


def test_outlet_page_lists_its_articles_and_the_stories_they_feed(client, flood):
    response = client.get(reverse("site:outlet", args=["copies.example"]))
    html = response.content.decode()
    assert response.status_code == 200 and "<h1>copies.example</h1>" in html
    assert "Floods hit Easton" in html and ComposedStory.objects.get(story=flood).shown_headline in html
    assert "(reprint)" in html and "1 reprint" in html
    assert client.get(reverse("site:outlet", args=["nowhere.example"])).status_code == 404


def test_article_page_escapes_outside_text_and_links_its_story(client, flood):
    hostile = "<script>alert(1)</script> Storm hits coast"
    article = do_store_article(ArticleDraft(url="https://news.example/storm", title=hostile,
                                            text="First paragraph.\n\nSecond <b>paragraph</b>.",
                                            license="CC BY 2.5"), via="file").article
    page = client.get(reverse("site:article", args=[article.id]))
    assert page.status_code == 200
    assert b"&lt;script&gt;alert(1)&lt;/script&gt; Storm hits coast" in page.content
    assert b"<script>alert" not in page.content
    assert page.content.count(b"<p>First paragraph.</p>") == 1
    assert b"Second &lt;b&gt;paragraph&lt;/b&gt;." in page.content
    assert b'href="https://news.example/storm"' in page.content and b"CC BY 2.5" in page.content
    member = Membership.objects.filter(story=flood).first()
    html = client.get(reverse("site:article", args=[member.article_id])).content.decode()
    assert f'href="/stories/{flood.id}/"' in html


def test_about_page_shows_the_demo_attribution(client):
    page = client.get(reverse("site:about"))
    assert page.status_code == 200 and b"Wikinews" in page.content and b"CC BY 2.5" in page.content


def test_missing_pages_are_404_and_a_merged_story_redirects(client, flood, quake):
    assert client.get(reverse("site:article", args=[999999])).status_code == 404
    assert client.get(reverse("site:story", args=[999999])).status_code == 404
    Story.objects.filter(id=quake.id).update(merged_into=flood)
    response = client.get(reverse("site:story", args=[quake.id]))
    assert response.status_code == 301 and response["Location"] == reverse("site:story", args=[flood.id])


def test_empty_site_front_page(client):
    response = client.get(reverse("site:front"))
    assert response.status_code == 200 and b"No stories yet" in response.content


def test_front_page_lists_the_latest_articles_escaped_before_stories_exist(client):
    hostile = "<script>alert(1)</script> Storm hits coast"
    do_store_article(ArticleDraft(url="https://news.example/storm", title=hostile, text="Storm."), via="file")
    html = client.get(reverse("site:front")).content.decode()
    assert "No stories yet" in html and "Latest articles" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Storm hits coast" in html and "<script>alert" not in html


def test_front_page_title_is_plain_text(client, flood):
    html = client.get(reverse("site:front")).content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title and title.startswith("Sociose")


def test_story_fragment_outlives_rank_buckets_and_is_replaced_when_the_story_changes(
        client, quake, monkeypatch, django_assert_max_num_queries):
    """The story's own part of its page is cached by the story's stamps: a new rank bucket re-renders the page (with
    its ranking note and story lists) around the same fragment; a new report or a recomposition replaces it."""
    url = reverse("site:story", args=[quake.id])
    first = client.get(url).content.decode()
    assert "<h3>Reprints</h3>" not in first

    def turn_bucket():
        later = pages._rank_bucket() + timedelta(seconds=pages.RANK_BUCKET_SECONDS)
        monkeypatch.setattr(pages, "_rank_bucket", lambda: later)

    turn_bucket()
    with django_assert_max_num_queries(6):  # stamps, score inputs, related and top stories: not the story itself
        assert client.get(url).content.decode() == first
    # the ranking note is not part of the fragment: rescoring shows at the next bucket without a story change
    Story.objects.filter(id=quake.id).update(score_inputs={**quake.score_inputs, "pinned": True})
    turn_bucket()
    assert "Pinned by the editors." in client.get(url).content.decode()
    # a new report joins the story (a reprint, so the composition stays): the story's stamp and the page change
    _store("https://copies.example/quake", "Earthquake shakes Norland", QUAKE, minutes=90)
    assert Story.objects.get(id=quake.id).article_count == 2
    changed = client.get(url).content.decode()
    assert "<h3>Reprints</h3>" in changed and "copies.example" in changed
    # a recomposition (here, an editor's headline) replaces it too
    composed = ComposedStory.objects.get(story=quake)
    composed.headline_override = "Norland shaken by a strong earthquake"
    composed.save()
    compose_story(quake, now=timezone.now())
    assert '<h1 id="story-headline">Norland shaken by a strong earthquake</h1>' in client.get(url).content.decode()
